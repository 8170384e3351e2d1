"""The props model (= one deployment of privatelink.yaml), tested without cdktf."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from maxcompute_privatelink.model.config import PrivateLinkConfig
from maxcompute_privatelink.model.diagnostics import validation_lines
from maxcompute_privatelink.model.props import MaxComputePrivateLinkProps

pytestmark = pytest.mark.releases


def error_lines(deployments: list[dict[str, Any]]) -> list[str]:
    data = {"deployments": deployments}
    with pytest.raises(ValidationError) as caught:
        PrivateLinkConfig.model_validate(data)
    return validation_lines(caught.value, data, PrivateLinkConfig)


SINGAPORE = {
    "region": "ap-southeast-1",
    "zones": [{"zone_id": "ap-southeast-1a", "vswitch_cidr": "10.20.1.0/24"}],
}
URLS = {"maxcompute": "https://service.mc.example/api", "tunnel": "https://dt.mc.example"}


def test_fails_when_adopting_into_a_network_this_tool_would_create(
    deployment: dict[str, Any],
) -> None:
    # given: CIDRs, so the VPC and vSwitches would be new
    deployment["adopt"] = {"frontend_endpoint_id": "ep-a1", "tunnel_endpoint_id": "ep-b2"}
    # when
    lines = error_lines([deployment])
    # then
    assert lines == [
        "deployment 'prod-shenzhen': adopt: adopted endpoints sit in an existing VPC; give its "
        "vpc_id instead of vpc_cidr",
        "deployment 'prod-shenzhen': zones[0].vswitch_cidr: adopted endpoints have their NICs "
        "in existing vSwitches; give the vswitch_id the endpoints use in cn-shenzhen-e",
        "deployment 'prod-shenzhen': zones[1].vswitch_cidr: adopted endpoints have their NICs "
        "in existing vSwitches; give the vswitch_id the endpoints use in cn-shenzhen-f",
    ]


def test_fails_when_deployment_names_repeat(deployment: dict[str, Any]) -> None:
    # given / when
    lines = error_lines([deployment, deployment])
    # then
    assert lines == [
        "deployment 'prod-shenzhen': name: 'prod-shenzhen' is also the name of deployments[0]; "
        "stack names must be unique"
    ]


def test_fails_with_every_problem_on_its_own_line(deployment: dict[str, Any]) -> None:
    # given: three unrelated mistakes across fields of one deployment
    deployment["zones"][0]["zone_id"] = "cn-beijing-a"
    deployment["zones"][1]["vswitch_cidr"] = "10.99.0.0/24"
    deployment["vpc_id"] = "vpc-abc"
    # when
    lines = error_lines([deployment])
    # then
    assert [line.split(":")[1].strip() for line in lines] == [
        "vpc_id",
        "zones[0].zone_id",
        "zones[1].vswitch_cidr",
    ]


def test_fails_naming_the_position_when_the_name_is_missing(deployment: dict[str, Any]) -> None:
    del deployment["name"]
    assert error_lines([deployment]) == ["deployments[0]: name: required, and missing"]


def test_fails_when_deployments_is_empty() -> None:
    assert error_lines([]) == [
        "deployments: no deployments; add at least one (`mcpl init` writes a starter)"
    ]


def test_ticket_region_with_approval_and_urls_is_valid(deployment: dict[str, Any]) -> None:
    # given
    deployment.update(SINGAPORE, ticket_approved=True, endpoint_urls=URLS)
    # when
    props = MaxComputePrivateLinkProps.model_validate(deployment)
    # then
    assert props.plan.maxcompute_endpoint == "https://service.mc.example/api"
    assert props.plan.tunnel_endpoint == "https://dt.mc.example"


def test_ticket_region_with_dns_none_needs_no_endpoint_urls(deployment: dict[str, Any]) -> None:
    # given
    deployment.update(SINGAPORE, ticket_approved=True, dns="none")
    # when
    props = MaxComputePrivateLinkProps.model_validate(deployment)
    # then: the URLs are the endpoints' own domains, known after apply
    assert props.plan.maxcompute_endpoint is None
    assert props.plan.private_zone is None


def test_private_zone_names_come_from_the_client_urls(deployment: dict[str, Any]) -> None:
    props = MaxComputePrivateLinkProps.model_validate(deployment)
    assert props.plan.private_zone is not None
    assert (
        props.plan.private_zone.zone_name,
        props.plan.private_zone.maxcompute_record,
        props.plan.private_zone.tunnel_record,
    ) == ("cn-shenzhen-vpc.maxcompute.aliyun-inc.com", "service-pvl", "dt-pvl")


def test_fails_when_two_deployments_would_create_one_zone_in_a_vpc(
    deployment: dict[str, Any],
) -> None:
    # given: two deployments in one existing VPC, both private_zone
    deployment.pop("vpc_cidr")
    deployment.update(
        vpc_id="vpc-wz9shared",
        zones=[{"zone_id": "cn-shenzhen-e", "vswitch_id": "vsw-wz9e"}],
    )
    second = dict(deployment, name="second")
    # when
    lines = error_lines([deployment, second])
    # then
    assert lines == [
        "deployment 'second': dns: private_zone would create zone "
        "cn-shenzhen-vpc.maxcompute.aliyun-inc.com in vpc-wz9shared a second time (deployment "
        "'prod-shenzhen' creates it already); set dns: console or none on one of them"
    ]
    # and with one of them on console, both are fine
    second["dns"] = "console"
    PrivateLinkConfig.model_validate({"deployments": [deployment, second]})


def test_direct_region_uses_published_domains_with_the_protocol(
    deployment: dict[str, Any],
) -> None:
    # given
    deployment["protocol"] = "http"
    # when
    props = MaxComputePrivateLinkProps.model_validate(deployment)
    # then
    assert (
        props.plan.maxcompute_endpoint
        == "http://service-pvl.cn-shenzhen-vpc.maxcompute.aliyun-inc.com/api"
    )
    assert props.plan.tunnel_endpoint == "http://dt-pvl.cn-shenzhen-vpc.maxcompute.aliyun-inc.com"
    assert props.plan.client_port == 80


def test_defaults_are_https_and_no_ticket(deployment: dict[str, Any]) -> None:
    props = MaxComputePrivateLinkProps.model_validate(deployment)
    assert props.protocol == "https"
    assert props.plan.client_port == 443
    assert props.ticket_approved is False
    assert props.security_group_ids is None
    assert props.allowed_cidrs is None


def test_props_are_frozen(deployment: dict[str, Any]) -> None:
    props = MaxComputePrivateLinkProps.model_validate(deployment)
    with pytest.raises(ValidationError, match="frozen"):
        props.region = "cn-beijing"  # type: ignore[misc]


def test_warns_but_accepts_a_single_zone(deployment: dict[str, Any]) -> None:
    # given
    deployment["zones"] = deployment["zones"][:1]
    # when
    config = PrivateLinkConfig.model_validate({"deployments": [deployment]})
    # then
    [warning] = config.warnings()
    assert warning.loc == ("deployments", 0, "zones")
    assert "only one zone (cn-shenzhen-e)" in warning.message


def test_two_zones_give_no_warning(deployment: dict[str, Any]) -> None:
    config = PrivateLinkConfig.model_validate({"deployments": [deployment]})
    assert config.warnings() == []
