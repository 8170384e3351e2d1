"""resource "alicloud_security_group"."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

import cdktf
from constructs import Construct

from maxcompute_privatelink.bindings._base import AlicloudResource, Kind


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
        depends_on: Sequence[cdktf.ITerraformDependable] | None = None,
        lifecycle: cdktf.TerraformResourceLifecycle | None = None,
    ) -> None:
        super().__init__(
            scope,
            id,
            depends_on=depends_on,
            lifecycle=lifecycle,
            arguments={
                "vpc_id": vpc_id,
                "security_group_name": security_group_name,
                "description": description,
                "inner_access_policy": inner_access_policy,
                "tags": tags,
            },
        )
