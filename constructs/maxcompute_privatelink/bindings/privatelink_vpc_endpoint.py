"""resource "alicloud_privatelink_vpc_endpoint"."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar, Unpack

from constructs import Construct

from maxcompute_privatelink.bindings._base import AlicloudResource, Kind, ResourceMeta


class PrivatelinkVpcEndpoint(AlicloudResource):
    TF_TYPE: ClassVar[str] = "alicloud_privatelink_vpc_endpoint"
    ARGUMENTS: ClassVar[Mapping[str, Kind]] = {
        "vpc_id": "string",
        "service_name": "string",
        "endpoint_type": "string",
        "security_group_ids": "string_set",
        "vpc_endpoint_name": "string",
        "endpoint_description": "string",
        "tags": "string_map",
    }

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        vpc_id: str,
        service_name: str | None = None,
        endpoint_type: str | None = None,
        security_group_ids: Sequence[str] | None = None,
        vpc_endpoint_name: str | None = None,
        endpoint_description: str | None = None,
        tags: Mapping[str, str] | None = None,
        **meta: Unpack[ResourceMeta],
    ) -> None:
        super().__init__(
            scope,
            id,
            **meta,
            arguments={
                "vpc_id": vpc_id,
                "service_name": service_name,
                "endpoint_type": endpoint_type,
                "security_group_ids": security_group_ids,
                "vpc_endpoint_name": vpc_endpoint_name,
                "endpoint_description": endpoint_description,
                "tags": tags,
            },
        )

    @property
    def endpoint_domain(self) -> str:
        return self.attribute("endpoint_domain")
