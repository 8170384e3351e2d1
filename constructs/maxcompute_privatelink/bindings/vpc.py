"""resource "alicloud_vpc"."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar, Unpack

from constructs import Construct

from maxcompute_privatelink.bindings._base import AlicloudResource, Kind, ResourceMeta


class Vpc(AlicloudResource):
    TF_TYPE: ClassVar[str] = "alicloud_vpc"
    ARGUMENTS: ClassVar[Mapping[str, Kind]] = {
        "vpc_name": "string",
        "cidr_block": "string",
        "description": "string",
        "tags": "string_map",
    }

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        vpc_name: str | None = None,
        cidr_block: str | None = None,
        description: str | None = None,
        tags: Mapping[str, str] | None = None,
        **meta: Unpack[ResourceMeta],
    ) -> None:
        super().__init__(
            scope,
            id,
            **meta,
            arguments={
                "vpc_name": vpc_name,
                "cidr_block": cidr_block,
                "description": description,
                "tags": tags,
            },
        )

    @property
    def cidr_block(self) -> str:
        return self.attribute("cidr_block")
