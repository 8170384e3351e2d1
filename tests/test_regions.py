from __future__ import annotations

import pytest

from maxcompute_privatelink.errors import UnknownRegionError
from maxcompute_privatelink.model.regions import REGIONS, get_region

pytestmark = pytest.mark.releases

DIRECT = [
    "cn-hangzhou",
    "cn-shanghai",
    "cn-beijing",
    "cn-zhangjiakou",
    "cn-wulanchabu",
    "cn-shenzhen",
    "cn-chengdu",
    "cn-hongkong",
]
TICKET = [
    "ap-southeast-1",
    "ap-southeast-3",
    "ap-southeast-5",
    "ap-northeast-1",
    "eu-central-1",
    "us-west-1",
    "us-east-1",
]


def test_catalog_holds_the_guides_regions_and_their_access() -> None:
    # given / when
    direct = [r.id for r in REGIONS.values() if r.access == "direct"]
    ticket = [r.id for r in REGIONS.values() if r.access == "ticket"]
    # then
    assert direct == DIRECT
    assert ticket == TICKET


def test_service_names_follow_the_guide() -> None:
    # given
    region = get_region("cn-shenzhen")
    # then
    assert (
        region.frontend_service_name == "com.aliyuncs.privatelink.cn-shenzhen.maxcompute.frontend"
    )
    assert (
        region.tunnel_service_name == "com.aliyuncs.privatelink.cn-shenzhen.maxcompute.tunnel.share"
    )


@pytest.mark.parametrize("region_id", DIRECT)
def test_direct_regions_publish_both_domains(region_id: str) -> None:
    region = get_region(region_id)
    assert region.maxcompute_endpoint("http") == (
        f"http://service-pvl.{region_id}-vpc.maxcompute.aliyun-inc.com/api"
    )
    assert region.tunnel_endpoint("https") == (
        f"https://dt-pvl.{region_id}-vpc.maxcompute.aliyun-inc.com"
    )


@pytest.mark.parametrize("region_id", TICKET)
def test_ticket_regions_publish_no_domain(region_id: str) -> None:
    region = get_region(region_id)
    assert region.ticket_required
    assert region.maxcompute_endpoint("https") is None
    assert region.tunnel_endpoint("https") is None


@pytest.mark.parametrize(
    ("region_id", "zone", "expected"),
    [
        ("cn-shenzhen", "cn-shenzhen-e", True),
        ("cn-shenzhen", "cn-shenzhenx-e", False),
        ("cn-shenzhen", "cn-hangzhou-h", False),
        ("ap-southeast-1", "ap-southeast-1a", True),
        ("ap-southeast-1", "ap-southeast-1-a", False),
        ("ap-southeast-1", "ap-southeast-11a", False),
    ],
)
def test_zone_ids_belong_to_their_region(region_id: str, zone: str, expected: bool) -> None:
    assert get_region(region_id).is_zone(zone) is expected


def test_fails_when_region_is_unknown() -> None:
    with pytest.raises(UnknownRegionError, match=r"'cn-mars' is not a region .*supported: cn-"):
        get_region("cn-mars")
