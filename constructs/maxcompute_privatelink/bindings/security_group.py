"""resource "alicloud_security_group"."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar, Unpack

from constructs import Construct

from maxcompute_privatelink.bindings._base import AlicloudResource, Kind, ResourceMeta


class SecurityGroup(AlicloudResource):
    TF_TYPE: ClassVar[str] = "alicloud_security_group"
    ARGUMENTS: ClassVar[Mapping[str, Kind]] = {
        "vpc_id": "string",
        "security_group_name": "string",
        "description": "string",
        "inner_access_policy": "string",
        "tags": "string_map",
    }

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        vpc_id: str | None = None,
        security_group_name: str | None = None,
        description: str | None = None,
        inner_access_policy: str | None = None,
        tags: Mapping[str, str] | None = None,
        **meta: Unpack[ResourceMeta],
    ) -> None:
        super().__init__(
            scope,
            id,
            **meta,
            arguments={
                "vpc_id": vpc_id,
                "security_group_name": security_group_name,
                "description": description,
                "inner_access_policy": inner_access_policy,
                "tags": tags,
            },
        )
