"""``privatelink.yaml``: the file users write, loaded and validated in one pass."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from maxcompute_privatelink.backend_props import BackendProps
from maxcompute_privatelink.client_props import ClientProps
from maxcompute_privatelink.config_file import read_config_data
from maxcompute_privatelink.diagnostics import validation_lines
from maxcompute_privatelink.errors import InvalidConfigError, Problem, ProblemsError
from maxcompute_privatelink.privatelink_props import MaxComputePrivateLinkProps


class Deployment(MaxComputePrivateLinkProps):
    """One entry under ``deployments:``: the props of the construct it becomes, plus the
    settings of the client configs rendered for it."""

    client: ClientProps | None = Field(
        default=None,
        description="Client settings for `mcpl render`. Default: none, and render asks for "
        "client.project_name.",
    )


def _check_not_empty(deployments: tuple[Deployment, ...]) -> tuple[Deployment, ...]:
    if not deployments:
        raise ValueError("no deployments; add at least one (see examples/)")
    return deployments


_at_least_one = AfterValidator(_check_not_empty)


class PrivateLinkConfig(BaseModel):
    """The whole file: one Terraform stack per deployment."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    deployments: Annotated[tuple[Deployment, ...], _at_least_one] = Field(
        description="One entry per VPC that gets private MaxCompute access; each becomes "
        "its own Terraform stack, named after it."
    )
    backend: BackendProps | None = Field(
        default=None,
        description="Remote state for every stack. Default: local state, "
        "terraform.<stack>.tfstate beside this file.",
    )

    @model_validator(mode="after")
    def _check_across_deployments(self) -> PrivateLinkConfig:
        problems = [*self._name_problems(), *self._zone_problems()]
        if problems:
            raise ProblemsError(problems)
        return self

    def _name_problems(self) -> list[Problem]:
        first: dict[str, int] = {}
        problems: list[Problem] = []
        for index, deployment in enumerate(self.deployments):
            if deployment.name in first:
                problems.append(
                    Problem(
                        ("deployments", index, "name"),
                        f"{deployment.name!r} is also the name of deployments"
                        f"[{first[deployment.name]}]; stack names must be unique",
                    )
                )
            first.setdefault(deployment.name, index)
        return problems

    def _zone_problems(self) -> list[Problem]:
        """One VPC can hold a PrivateZone zone name once: two deployments in the same
        existing VPC with dns: private_zone would both create it."""
        first: dict[tuple[str, str], str] = {}
        problems: list[Problem] = []
        for index, deployment in enumerate(self.deployments):
            names = deployment.private_zone
            if names is None or deployment.vpc_id is None:
                continue
            key = (deployment.vpc_id, names.zone_name)
            if key in first:
                problems.append(
                    Problem(
                        ("deployments", index, "dns"),
                        f"private_zone would create zone {names.zone_name} in "
                        f"{deployment.vpc_id} a second time (deployment {first[key]!r} "
                        "creates it already); set dns: console or none on one of them",
                    )
                )
            first.setdefault(key, deployment.name)
        return problems

    def warnings(self) -> list[Problem]:
        return [
            Problem(("deployments", index, *w.loc), w.message)
            for index, deployment in enumerate(self.deployments)
            for w in deployment.warnings()
        ]


def load_config(path: Path) -> PrivateLinkConfig:
    """Read and validate ``path``.

    Raises ``ConfigFileError`` when it is no config at all and ``InvalidConfigError``,
    one line per problem naming deployment, field, value and what is allowed, when it
    is not a valid one.
    """
    return validate_config(read_config_data(path))


def validate_config(data: Any) -> PrivateLinkConfig:
    """Validate parsed YAML; ``InvalidConfigError`` holds one readable line per problem."""
    try:
        return PrivateLinkConfig.model_validate(data)
    except ValidationError as error:
        raise InvalidConfigError(validation_lines(error, data, PrivateLinkConfig)) from None


SCHEMA_ID = "https://maxcompute-privatelink.invalid/privatelink.schema.json"


def json_schema() -> str:
    """The JSON Schema of privatelink.yaml, as `mcpl schema` prints it (stable text)."""
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **PrivateLinkConfig.model_json_schema(),
    }
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"
