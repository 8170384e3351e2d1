"""resource "alicloud_pvtz_zone_record"."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

import cdktf
from constructs import Construct

from maxcompute_privatelink.bindings._base import AlicloudResource, Kind


class PvtzZoneRecord(AlicloudResource):
    TF_TYPE: ClassVar[str] = "alicloud_pvtz_zone_record"
    ARGUMENTS: ClassVar[Mapping[str, Kind]] = {
        "zone_id": "string",
        "rr": "string",
        "type": "string",
        "value": "string",
        "ttl": "number",
        "remark": "string",
    }

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        zone_id: str,
        type: str,
        value: str,
        rr: str | None = None,
        ttl: int | None = None,
        remark: str | None = None,
        depends_on: Sequence[cdktf.ITerraformDependable] | None = None,
        lifecycle: cdktf.TerraformResourceLifecycle | None = None,
    ) -> None:
        super().__init__(
            scope,
            id,
            depends_on=depends_on,
            lifecycle=lifecycle,
            arguments={
                "zone_id": zone_id,
                "rr": rr,
                "type": type,
                "value": value,
                "ttl": ttl,
                "remark": remark,
            },
        )

    @property
    def record_id(self) -> str:
        return self.attribute("record_id")
