"""resource "alicloud_vswitch"."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar, Unpack

from constructs import Construct

from maxcompute_privatelink.bindings._base import AlicloudResource, Kind, ResourceMeta


class Vswitch(AlicloudResource):
    TF_TYPE: ClassVar[str] = "alicloud_vswitch"
    ARGUMENTS: ClassVar[Mapping[str, Kind]] = {
        "vpc_id": "string",
        "cidr_block": "string",
        "zone_id": "string",
        "vswitch_name": "string",
        "description": "string",
        "tags": "string_map",
    }

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        vpc_id: str,
        cidr_block: str,
        zone_id: str,
        vswitch_name: str | None = None,
        description: str | None = None,
        tags: Mapping[str, str] | None = None,
        **meta: Unpack[ResourceMeta],
    ) -> None:
        super().__init__(
            scope,
            id,
            **meta,
            arguments={
                "vpc_id": vpc_id,
                "cidr_block": cidr_block,
                "zone_id": zone_id,
                "vswitch_name": vswitch_name,
                "description": description,
                "tags": tags,
            },
        )
