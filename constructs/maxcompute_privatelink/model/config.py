"""``privatelink.yaml``: the file users write, loaded and validated in one pass."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from maxcompute_privatelink.errors import InvalidConfigError, Problem, ProblemsError
from maxcompute_privatelink.model import raw_rules
from maxcompute_privatelink.model.backend import BackendProps
from maxcompute_privatelink.model.client import ClientProps
from maxcompute_privatelink.model.config_file import read_config_data
from maxcompute_privatelink.model.diagnostics import validation_findings
from maxcompute_privatelink.model.fields import Name
from maxcompute_privatelink.model.props import MaxComputePrivateLinkProps


class Deployment(MaxComputePrivateLinkProps):
    """One entry under ``deployments:``: the props of the construct it becomes, plus the
    settings of the client configs rendered for it."""

    client: ClientProps | None = Field(
        default=None,
        description="Client settings for `mcpl render`. Default: none, and render asks for "
        "client.project_name.",
    )
    renamed_from: Name | None = Field(
        default=None,
        description="The name this deployment had before: synth moves the old stack's local "
        "state file (terraform.<old>.tfstate) and its files to the new name instead of "
        "refusing to orphan them. Default: a new deployment.",
    )


def _check_not_empty(deployments: tuple[Deployment, ...]) -> tuple[Deployment, ...]:
    if not deployments:
        raise ValueError("no deployments; add at least one (`mcpl init` writes a starter)")
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
        problems = [*self._name_problems(), *self._zone_problems(), *self._adopt_problems()]
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
        renamed: dict[str, int] = {}
        for index, deployment in enumerate(self.deployments):
            old = deployment.renamed_from
            if old is None:
                continue
            where = ("deployments", index, "renamed_from")
            if old == deployment.name:
                problems.append(Problem(where, f"{old!r} is this deployment's own name"))
            elif old in first:
                problems.append(
                    Problem(
                        where,
                        f"{old!r} is still a deployment here (deployments[{first[old]}]); "
                        "renamed_from names a deployment that is gone",
                    )
                )
            elif old in renamed:
                problems.append(
                    Problem(
                        where,
                        f"{old!r} is also renamed_from of deployments[{renamed[old]}]; one "
                        "stack can become one deployment",
                    )
                )
            renamed.setdefault(old, index)
        return problems

    def _adopt_problems(self) -> list[Problem]:
        """An endpoint can be managed by one stack: two would fight over it."""
        first: dict[str, str] = {}
        problems: list[Problem] = []
        for index, deployment in enumerate(self.deployments):
            if deployment.adopt is None:
                continue
            for key in ("frontend_endpoint_id", "tunnel_endpoint_id"):
                endpoint: str = getattr(deployment.adopt, key)
                if endpoint in first:
                    problems.append(
                        Problem(
                            ("deployments", index, "adopt", key),
                            f"{endpoint!r} is adopted by deployment {first[endpoint]!r} "
                            "already; an endpoint belongs to one deployment",
                        )
                    )
                first.setdefault(endpoint, deployment.name)
        return problems

    def _zone_problems(self) -> list[Problem]:
        """One VPC can hold a PrivateZone zone name once: two deployments in the same
        existing VPC with dns: private_zone would both create it."""
        first: dict[tuple[str, str], str] = {}
        problems: list[Problem] = []
        for index, deployment in enumerate(self.deployments):
            names = deployment.plan.private_zone
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
            for w in deployment.plan.warnings
        ]


def load_config(path: Path) -> PrivateLinkConfig:
    """Read and validate ``path``.

    Raises ``ConfigFileError`` when it is no config at all and ``InvalidConfigError``,
    one line per problem naming deployment, field, value and what is allowed, when it
    is not a valid one.
    """
    return validate_config(read_config_data(path))


def validate_config(data: Any) -> PrivateLinkConfig:
    """Validate parsed YAML; ``InvalidConfigError`` holds one readable line per problem,
    every problem at once."""
    texts = raw_rules.text_findings(data)
    try:
        config = PrivateLinkConfig.model_validate(data)
    except ValidationError as error:
        # the raw findings' fields are not reported again; the raw rules across fields
        # are, unless the model's (which ran when every field validated) said the same
        said = {(f.deployment, f.field) for f in texts}
        model = [
            f
            for f in validation_findings(error, data, PrivateLinkConfig)
            if (f.deployment, f.field) not in said
        ]
        lines = {f.line for f in model}
        across = [f for f in raw_rules.across_fields(data) if f.line not in lines]
        findings = [*texts, *model, *across]
        raise InvalidConfigError([f.line for f in findings], findings) from None
    if texts:
        raise InvalidConfigError([f.line for f in texts], texts)
    return config


SCHEMA_ID = "https://maxcompute-privatelink.invalid/privatelink.schema.json"


def json_schema() -> str:
    """The JSON Schema of privatelink.yaml, as `mcpl schema` prints it (stable text)."""
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **PrivateLinkConfig.model_json_schema(),
    }
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"
