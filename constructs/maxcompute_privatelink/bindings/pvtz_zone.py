"""resource "alicloud_pvtz_zone"."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar, Unpack

from constructs import Construct

from maxcompute_privatelink.bindings._base import AlicloudResource, Kind, ResourceMeta


class PvtzZone(AlicloudResource):
    TF_TYPE: ClassVar[str] = "alicloud_pvtz_zone"
    ARGUMENTS: ClassVar[Mapping[str, Kind]] = {
        "zone_name": "string",
        "proxy_pattern": "string",
        "remark": "string",
        "tags": "string_map",
    }

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        zone_name: str | None = None,
        proxy_pattern: str | None = None,
        remark: str | None = None,
        tags: Mapping[str, str] | None = None,
        **meta: Unpack[ResourceMeta],
    ) -> None:
        super().__init__(
            scope,
            id,
            **meta,
            arguments={
                "zone_name": zone_name,
                "proxy_pattern": proxy_pattern,
                "remark": remark,
                "tags": tags,
            },
        )
