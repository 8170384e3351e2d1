"""resource "alicloud_privatelink_vpc_endpoint_zone"."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar, Unpack

from constructs import Construct

from maxcompute_privatelink.bindings._base import AlicloudResource, Kind, ResourceMeta


class PrivatelinkVpcEndpointZone(AlicloudResource):
    TF_TYPE: ClassVar[str] = "alicloud_privatelink_vpc_endpoint_zone"
    ARGUMENTS: ClassVar[Mapping[str, Kind]] = {
        "endpoint_id": "string",
        "vswitch_id": "string",
        "zone_id": "string",
    }

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        endpoint_id: str,
        vswitch_id: str,
        zone_id: str | None = None,
        **meta: Unpack[ResourceMeta],
    ) -> None:
        super().__init__(
            scope,
            id,
            **meta,
            arguments={"endpoint_id": endpoint_id, "vswitch_id": vswitch_id, "zone_id": zone_id},
        )

    @property
    def eni_ip(self) -> str:
        return self.attribute("eni_ip")
