"""The regions where MaxCompute can be reached over PrivateLink, from the vendor guide.

Direct-access regions publish PrivateLink domains for MaxCompute and Tunnel; the
ticket-required ones need a support ticket first, and the domains come with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from maxcompute_privatelink.errors import UnknownRegionError

Access = Literal["direct", "ticket"]
Protocol = Literal["http", "https"]

_SERVICE_PREFIX = "com.aliyuncs.privatelink"


@dataclass(frozen=True)
class Region:
    """One region of the catalog."""

    id: str
    name: str
    access: Access

    @property
    def ticket_required(self) -> bool:
        return self.access == "ticket"

    @property
    def ticket_problem(self) -> str:
        """What a config in this region without ``ticket_approved: true`` is told."""
        return (
            f"{self.id} ({self.name}) needs a support ticket before MaxCompute PrivateLink "
            "can be used there; open one with Alibaba Cloud, then set ticket_approved: true"
        )

    @property
    def frontend_service_name(self) -> str:
        """The endpoint service behind the MaxCompute (frontend) endpoint."""
        return f"{_SERVICE_PREFIX}.{self.id}.maxcompute.frontend"

    @property
    def tunnel_service_name(self) -> str:
        """The endpoint service behind the Tunnel endpoint."""
        return f"{_SERVICE_PREFIX}.{self.id}.maxcompute.tunnel.share"

    @property
    def maxcompute_host(self) -> str | None:
        """Published PrivateLink domain of the MaxCompute endpoint; None without one."""
        return f"service-pvl.{self.id}-vpc.maxcompute.aliyun-inc.com" if self._published else None

    @property
    def tunnel_host(self) -> str | None:
        """Published PrivateLink domain of the Tunnel endpoint; None without one."""
        return f"dt-pvl.{self.id}-vpc.maxcompute.aliyun-inc.com" if self._published else None

    def maxcompute_endpoint(self, protocol: Protocol) -> str | None:
        """The client's ``end_point``: ``<protocol>://service-pvl.<region>-vpc.../api``."""
        host = self.maxcompute_host
        return f"{protocol}://{host}/api" if host else None

    def tunnel_endpoint(self, protocol: Protocol) -> str | None:
        """The client's ``tunnel_endpoint``: ``<protocol>://dt-pvl.<region>-vpc...``."""
        host = self.tunnel_host
        return f"{protocol}://{host}" if host else None

    @property
    def _published(self) -> bool:
        return self.access == "direct"

    def is_zone(self, zone_id: str) -> bool:
        """Alibaba zone ids are the region id plus a letter: cn-shenzhen-e, ap-southeast-1a."""
        separator = "" if self.id[-1].isdigit() else "-"
        return re.fullmatch(re.escape(self.id + separator) + "[a-z]", zone_id) is not None

    def zone_id(self, letter: str) -> str:
        """The zone id with ``letter``: cn-shenzhen-e, ap-southeast-1a."""
        separator = "" if self.id[-1].isdigit() else "-"
        return f"{self.id}{separator}{letter}"

    def zone_example(self) -> str:
        return self.zone_id("a")


REGIONS: dict[str, Region] = {
    r.id: r
    for r in (
        Region("cn-hangzhou", "China (Hangzhou)", "direct"),
        Region("cn-shanghai", "China (Shanghai)", "direct"),
        Region("cn-beijing", "China (Beijing)", "direct"),
        Region("cn-zhangjiakou", "China (Zhangjiakou)", "direct"),
        Region("cn-wulanchabu", "China (Ulanqab)", "direct"),
        Region("cn-shenzhen", "China (Shenzhen)", "direct"),
        Region("cn-chengdu", "China (Chengdu)", "direct"),
        Region("cn-hongkong", "China (Hong Kong)", "direct"),
        Region("ap-southeast-1", "Singapore", "ticket"),
        Region("ap-southeast-3", "Malaysia (Kuala Lumpur)", "ticket"),
        Region("ap-southeast-5", "Indonesia (Jakarta)", "ticket"),
        Region("ap-northeast-1", "Japan (Tokyo)", "ticket"),
        Region("eu-central-1", "Germany (Frankfurt)", "ticket"),
        Region("us-west-1", "US (Silicon Valley)", "ticket"),
        Region("us-east-1", "US (Virginia)", "ticket"),
    )
}


def get_region(region_id: str) -> Region:
    """The catalog entry for ``region_id``; ``UnknownRegionError`` names the supported ones."""
    try:
        return REGIONS[region_id]
    except KeyError:
        raise UnknownRegionError(region_id, list(REGIONS)) from None


OSS_REGIONS = frozenset(
    {
        *REGIONS,
        "cn-qingdao", "cn-huhehaote", "cn-heyuan", "cn-guangzhou", "cn-nanjing", "cn-fuzhou",
        "cn-wuhan-lr", "ap-northeast-2", "ap-southeast-6", "ap-southeast-7", "eu-west-1",
        "me-east-1", "me-central-1", "na-south-1",
    }
)  # fmt: skip
"""Regions where OSS keeps buckets (OSS "Regions and endpoints",
https://www.alibabacloud.com/help/en/oss/user-guide/regions-and-endpoints, and "Regions of
gateway endpoints supported by OSS"): where ``backend.oss`` may keep state. Every region
with MaxCompute PrivateLink is one of them."""


def check_oss_region(region_id: str) -> str:
    """``region_id`` if OSS serves it, else a ValueError naming the closest ones."""
    if region_id in OSS_REGIONS:
        return region_id
    import difflib

    close = difflib.get_close_matches(region_id, sorted(OSS_REGIONS), n=2, cutoff=0.6)
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    raise ValueError(
        f"{region_id!r} is not a region where OSS keeps buckets{hint} (one of "
        f"{', '.join(sorted(OSS_REGIONS))})"
    )
