"""resource "alicloud_privatelink_vpc_endpoint_zone"."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

import cdktf
from constructs import Construct

from maxcompute_privatelink.bindings._base import AlicloudResource, Kind


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
        depends_on: Sequence[cdktf.ITerraformDependable] | None = None,
        lifecycle: cdktf.TerraformResourceLifecycle | None = None,
    ) -> None:
        super().__init__(
            scope,
            id,
            depends_on=depends_on,
            lifecycle=lifecycle,
            arguments={"endpoint_id": endpoint_id, "vswitch_id": vswitch_id, "zone_id": zone_id},
        )

    @property
    def eni_ip(self) -> str:
        return self.attribute("eni_ip")
