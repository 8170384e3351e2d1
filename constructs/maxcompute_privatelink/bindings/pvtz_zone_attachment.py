"""resource "alicloud_pvtz_zone_attachment"."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar, Unpack

from constructs import Construct

from maxcompute_privatelink.bindings._base import AlicloudResource, Kind, ResourceMeta


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
        **meta: Unpack[ResourceMeta],
    ) -> None:
        super().__init__(
            scope,
            id,
            **meta,
            arguments={"zone_id": zone_id, "vpc_ids": vpc_ids},
        )
