"""``backend:`` of privatelink.yaml: where the stacks keep their Terraform state.

Without it, each stack keeps local state beside the config file. With ``oss``, each
stack keeps its state in one OSS bucket at ``<prefix>/<stack>/terraform.tfstate``
(the oss backend writes ``<prefix>/<key>``; this tool sets ``prefix`` to
``<prefix>/<stack>`` and ``key`` to ``terraform.tfstate``), encrypted by default and
locked through Tablestore when ``tablestore_table`` is given.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from maxcompute_privatelink.errors import Problem, ProblemsError
from maxcompute_privatelink.model.fields import Url
from maxcompute_privatelink.model.regions import check_oss_region

CREDENTIAL_KEYS = ("access_key", "secret_key", "security_token")
STATE_KEY = "terraform.tfstate"


def _pattern(regex: str, what: str) -> AfterValidator:
    compiled = re.compile(regex)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise ValueError(f"{value!r} is not a valid {what}")
        return value

    return AfterValidator(check)


Bucket = Annotated[
    str,
    _pattern(
        r"[a-z0-9][a-z0-9-]{1,61}[a-z0-9]",
        "OSS bucket name: 3 to 63 lowercase letters, digits and hyphens, starting and "
        "ending with a letter or digit",
    ),
]
Prefix = Annotated[
    str,
    _pattern(
        r"(?!\.\.?(/|$))[A-Za-z0-9_.-]+(/(?!\.\.?(/|$))[A-Za-z0-9_.-]+)*",
        "state prefix: path segments of letters, digits, '.', '_' and '-' joined by '/', "
        "no leading or trailing '/', no '.' or '..' segment",
    ),
]
RegionName = Annotated[
    str,
    _pattern(r"[a-z]{2}-[a-z0-9-]{2,30}", "region id, like cn-hangzhou"),
    AfterValidator(check_oss_region),
]
TableName = Annotated[
    str,
    _pattern(r"[A-Za-z_][A-Za-z0-9_]{0,254}", "Tablestore table name: letters, digits, '_'"),
]
InstanceName = Annotated[
    str,
    _pattern(
        r"[A-Za-z][A-Za-z0-9-]{2,15}",
        "Tablestore instance name: 3 to 16 letters, digits and hyphens, starting with a letter",
    ),
]


class OssBackendProps(BaseModel):
    """Terraform's oss backend, one state object per stack."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    bucket: Bucket = Field(description="OSS bucket holding the state of every stack.")
    prefix: Prefix = Field(
        default="maxcompute-privatelink",
        description="Path inside the bucket; each stack's state is "
        "<prefix>/<stack>/terraform.tfstate. Default: maxcompute-privatelink.",
    )
    region: RegionName = Field(description="Region of the bucket, such as cn-hangzhou.")
    encrypt: bool = Field(
        default=True, description="Server-side encryption of the state. Default: true."
    )
    acl: Literal["private"] | None = Field(
        default=None,
        description="Object ACL of the state: only private, since state holds secrets. "
        "Default: the bucket's ACL.",
    )
    endpoint: Url | None = Field(
        default=None, description="OSS endpoint. Default: the region's public OSS endpoint."
    )
    tablestore_endpoint: Url | None = Field(
        default=None,
        description="Tablestore endpoint for state locking, required with tablestore_table. "
        "Default: no locking.",
    )
    tablestore_table: TableName | None = Field(
        default=None,
        description="Tablestore table for state locking; it needs a String primary key "
        "LockID. Default: no locking.",
    )
    tablestore_instance_name: InstanceName | None = Field(
        default=None,
        description="Tablestore instance of the lock table, for a VPC endpoint whose host "
        "does not start with the instance name; the stacks then require Terraform >= 1.12, "
        "the first whose oss backend takes it. Default: read from "
        "tablestore_endpoint by Terraform.",
    )

    @model_validator(mode="before")
    @classmethod
    def _refuse_credentials(cls, data: Any) -> Any:
        if isinstance(data, dict):
            given = [key for key in CREDENTIAL_KEYS if key in data]
            if given:
                raise ProblemsError(
                    [
                        Problem(
                            (key,),
                            "credentials do not belong in privatelink.yaml, which is "
                            "committed; remove it and set ALICLOUD_ACCESS_KEY, "
                            "ALICLOUD_SECRET_KEY (and ALICLOUD_SECURITY_TOKEN) in the "
                            "environment of terraform init",
                        )
                        for key in given
                    ]
                )
        return data

    @model_validator(mode="after")
    def _check_locking(self) -> OssBackendProps:
        if self.tablestore_table is not None and self.tablestore_endpoint is None:
            raise ProblemsError(
                [
                    Problem(
                        ("tablestore_endpoint",),
                        "required with tablestore_table: state locking needs the "
                        "Tablestore endpoint, like https://<instance>.<region>.ots.aliyuncs.com",
                    )
                ]
            )
        if self.tablestore_instance_name is not None and self.tablestore_table is None:
            raise ProblemsError(
                [
                    Problem(
                        ("tablestore_instance_name",),
                        "only applies to state locking; set tablestore_table and "
                        "tablestore_endpoint too, or remove it",
                    )
                ]
            )
        return self

    def stack_prefix(self, stack: str) -> str:
        """The oss backend's ``prefix`` for one stack."""
        return f"{self.prefix}/{stack}"


class BackendProps(BaseModel):
    """Remote state for every stack. Only ``oss`` for now."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    oss: OssBackendProps = Field(description="Terraform's oss backend (Alibaba Cloud OSS).")
