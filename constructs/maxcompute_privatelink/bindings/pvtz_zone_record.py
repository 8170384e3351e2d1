"""resource "alicloud_pvtz_zone_record"."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar, Unpack

from constructs import Construct

from maxcompute_privatelink.bindings._base import AlicloudResource, Kind, ResourceMeta


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
        **meta: Unpack[ResourceMeta],
    ) -> None:
        super().__init__(
            scope,
            id,
            **meta,
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
