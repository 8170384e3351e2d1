"""provider "alicloud" (source aliyun/alicloud)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

import cdktf
from constructs import Construct

from maxcompute_privatelink.construct.bindings._base import Kind, _Arguments

PROVIDER_SOURCE = "aliyun/alicloud"
PROVIDER_VERSION_CONSTRAINT = ">= 1.239.0, < 2.0.0"
"""1.239.0 added ``security_group_name``, the newest argument the bindings emit; 2.x is
another major version (its beta drops fields), so it is opted into, not drifted into."""


class AlicloudProvider(_Arguments, cdktf.TerraformProvider):
    """The alicloud provider. Credentials are never arguments: Terraform reads them from
    the environment (ALIBABA_CLOUD_ACCESS_KEY_ID, ...), a profile or a RAM role."""

    TF_TYPE: ClassVar[str] = "alicloud"
    ARGUMENTS: ClassVar[Mapping[str, Kind]] = {"region": "string"}

    def __init__(self, scope: Construct, id: str, *, region: str) -> None:
        super().__init__(
            scope,
            id,
            terraform_resource_type=self.TF_TYPE,
            terraform_provider_source=PROVIDER_SOURCE,
            terraform_generator_metadata=cdktf.TerraformProviderGeneratorMetadata(
                provider_name="alicloud",
                provider_version_constraint=PROVIDER_VERSION_CONSTRAINT,
            ),
        )
        self._set_arguments({"region": region})
