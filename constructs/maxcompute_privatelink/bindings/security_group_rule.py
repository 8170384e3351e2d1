"""resource "alicloud_security_group_rule"."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar, Unpack

from constructs import Construct

from maxcompute_privatelink.bindings._base import AlicloudResource, Kind, ResourceMeta


class SecurityGroupRule(AlicloudResource):
    TF_TYPE: ClassVar[str] = "alicloud_security_group_rule"
    ARGUMENTS: ClassVar[Mapping[str, Kind]] = {
        "security_group_id": "string",
        "type": "string",
        "ip_protocol": "string",
        "nic_type": "string",
        "policy": "string",
        "port_range": "string",
        "priority": "number",
        "cidr_ip": "string",
        "description": "string",
    }

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        security_group_id: str,
        type: str,
        ip_protocol: str,
        nic_type: str | None = None,
        policy: str | None = None,
        port_range: str | None = None,
        priority: int | None = None,
        cidr_ip: str | None = None,
        description: str | None = None,
        **meta: Unpack[ResourceMeta],
    ) -> None:
        super().__init__(
            scope,
            id,
            **meta,
            arguments={
                "security_group_id": security_group_id,
                "type": type,
                "ip_protocol": ip_protocol,
                "nic_type": nic_type,
                "policy": policy,
                "port_range": port_range,
                "priority": priority,
                "cidr_ip": cidr_ip,
                "description": description,
            },
        )
