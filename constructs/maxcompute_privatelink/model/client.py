"""``client:`` of a deployment: what MaxCompute clients need beside the endpoint URLs.

Every value ends up in a file (a Java properties file, an env file, a JDBC URL), so each
is held to a character set that cannot break or inject into any of them.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from maxcompute_privatelink.model.fields import Url


def _pattern(regex: str, what: str, rule: str) -> AfterValidator:
    compiled = re.compile(regex)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise ValueError(f"{value!r} is not a valid {what}: {rule}")
        return value

    return AfterValidator(check)


ProjectName = Annotated[
    str,
    _pattern(
        r"[A-Za-z][A-Za-z0-9_]{2,27}",
        "MaxCompute project name",
        "3 to 28 letters, digits and underscores, starting with a letter",
    ),
]
SchemaName = Annotated[
    str,
    _pattern(
        r"[A-Za-z][A-Za-z0-9_]{0,127}",
        "MaxCompute schema name",
        "1 to 128 letters, digits and underscores, starting with a letter",
    ),
]
QuotaName = Annotated[
    str,
    _pattern(
        r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}",
        "MaxCompute quota name",
        "1 to 64 letters, digits, underscores and hyphens, starting with a letter or digit",
    ),
]


class ClientProps(BaseModel):
    """Settings of the rendered client configs (``mcpl render``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    project_name: ProjectName = Field(description="MaxCompute project the clients open.")
    log_view_host: Url | None = Field(
        default=None,
        description="Logview address (odpscmd log_view_host). Default: left out, and the "
        "clients use their built-in one.",
    )
    schema_name: SchemaName | None = Field(
        default=None,
        description="Schema inside the project (three-layer model). Default: left out, and "
        "the project's default schema is used.",
    )
    quota_name: QuotaName | None = Field(
        default=None,
        description="Compute quota to run jobs on. Default: left out, and the project's "
        "default quota is used.",
    )
    use_instance_tunnel: bool | None = Field(
        default=None,
        description="Download SQL results through Instance Tunnel. Default: left out, and "
        "each client's own default applies.",
    )
