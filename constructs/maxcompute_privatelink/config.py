"""``privatelink.yaml``: the file users write, loaded and validated in one pass."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from maxcompute_privatelink.backend_props import BackendProps
from maxcompute_privatelink.client_props import ClientProps
from maxcompute_privatelink.diagnostics import validation_lines
from maxcompute_privatelink.errors import (
    ConfigFileError,
    InvalidConfigError,
    Problem,
    ProblemsError,
)
from maxcompute_privatelink.privatelink_props import MaxComputePrivateLinkProps

DEFAULT_CONFIG = "privatelink.yaml"


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


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys instead of silently keeping the last one."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                mark = key_node.start_mark
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"duplicate key {key!r} (line {mark.line + 1}); each key may appear once",
                    mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


MAX_CONFIG_BYTES = 1024 * 1024
"""A config file describes a fleet of VPCs in well under a megabyte."""

MAX_CONFIG_NODES = 100_000
"""Values in the parsed file, aliases counted each time they are used: refuses YAML
alias bombs ("billion laughs") before anything walks them."""


def _count_nodes(data: Any, budget: int) -> int:
    """How many values ``data`` holds, stopping once past ``budget``."""
    count, stack = 0, [data]
    while stack and count <= budget:
        item = stack.pop()
        count += 1
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return count


def read_config_data(path: Path) -> Any:
    """The parsed YAML of ``path``; ``ConfigFileError`` when it cannot be the config."""
    shown = str(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ConfigFileError(
            shown, "no such file; pass --config PATH or copy one from examples/"
        ) from None
    except OSError as error:
        raise ConfigFileError(shown, f"cannot be read ({error.strerror})") from None
    if size > MAX_CONFIG_BYTES:
        raise ConfigFileError(
            shown, f"is {size:,} bytes; a config file may be at most {MAX_CONFIG_BYTES:,}"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigFileError(
            shown, "no such file; pass --config PATH or copy one from examples/"
        ) from None
    except IsADirectoryError:
        raise ConfigFileError(shown, "is a folder; pass the YAML file with --config") from None
    except UnicodeDecodeError:
        raise ConfigFileError(shown, "is not UTF-8 text; save it as UTF-8 YAML") from None
    except OSError as error:
        raise ConfigFileError(shown, f"cannot be read ({error.strerror})") from None
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise ConfigFileError(shown, f"not valid YAML: {where}{error.problem}") from None
    except yaml.YAMLError as error:
        raise ConfigFileError(shown, f"not valid YAML: {error}") from None
    if _count_nodes(data, MAX_CONFIG_NODES) > MAX_CONFIG_NODES:
        raise ConfigFileError(
            shown,
            f"expands to more than {MAX_CONFIG_NODES:,} values (YAML aliases used over and "
            "over); write the deployments out",
        )
    if data is None:
        raise ConfigFileError(
            shown, "is empty; it needs a top-level 'deployments:' list (see examples/)"
        )
    if not isinstance(data, dict):
        raise ConfigFileError(
            shown,
            f"the top level is a {type(data).__name__}; it must be a mapping with a "
            "'deployments:' list (see examples/)",
        )
    return data


def load_config(path: Path) -> PrivateLinkConfig:
    """Read and validate ``path``.

    Raises ``ConfigFileError`` when it is no config at all and ``InvalidConfigError``,
    one line per problem naming deployment, field, value and what is allowed, when it
    is not a valid one.
    """
    data = read_config_data(path)
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
