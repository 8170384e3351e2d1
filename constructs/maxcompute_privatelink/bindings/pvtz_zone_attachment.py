"""resource "alicloud_pvtz_zone_attachment"."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

import cdktf
from constructs import Construct

from maxcompute_privatelink.bindings._base import AlicloudResource, Kind


class PvtzZoneAttachment(AlicloudResource):
    TF_TYPE: ClassVar[str] = "alicloud_pvtz_zone_attachment"
    ARGUMENTS: ClassVar[Mapping[str, Kind]] = {"zone_id": "string", "vpc_ids": "string_set"}

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        zone_id: str,
        vpc_ids: Sequence[str] | None = None,
        depends_on: Sequence[cdktf.ITerraformDependable] | None = None,
        lifecycle: cdktf.TerraformResourceLifecycle | None = None,
    ) -> None:
        super().__init__(
            scope,
            id,
            depends_on=depends_on,
            lifecycle=lifecycle,
            arguments={"zone_id": zone_id, "vpc_ids": vpc_ids},
        )
