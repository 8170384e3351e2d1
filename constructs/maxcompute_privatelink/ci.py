"""``mcpl ci github``: the GitHub Actions workflow of an infra repo, from a template.

Pull requests validate, check the committed output, plan every stack and post one
summary comment (updated, not duplicated); pushes to the main branch apply every stack
behind a GitHub environment. Actions are pinned to exact versions; credentials come
only from repository secrets.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from maxcompute_privatelink import __version__
from maxcompute_privatelink.errors import CiError

if TYPE_CHECKING:
    from maxcompute_privatelink.config import PrivateLinkConfig

WORKFLOW = Path(".github/workflows/privatelink.yml")
DEFAULT_INSTALL = f'pip install "maxcompute-privatelink[hcl]=={__version__}"'
TERRAFORM_VERSION = "1.9.8"
"""Pinned for plans and applies; import blocks (adopt) need >= 1.5."""


@dataclass(frozen=True)
class Actions:
    """Exact versions of the actions the workflow uses."""

    checkout: str = "v4.2.2"
    setup_python: str = "v5.3.0"
    setup_node: str = "v4.1.0"
    setup_terraform: str = "v3.1.2"
    github_script: str = "v7.0.1"


@dataclass(frozen=True)
class WorkflowContext:
    config: str
    out: str
    stacks: tuple[str, ...]
    hcl: bool
    install: str
    branch: str
    environment: str
    runs_on: str = "ubuntu-latest"
    terraform_version: str = TERRAFORM_VERSION
    python_version: str = "3.11"
    node_version: str = "20"
    actions: Actions = field(default_factory=Actions)

    @staticmethod
    def expr(expression: str) -> str:
        """A GitHub Actions expression, ``${{ ... }}``, which jinja2 would read as its own."""
        return "${{ " + expression + " }}"

    @property
    def watched_paths(self) -> tuple[str, ...]:
        return (self.config, f"{self.out}/**", WORKFLOW.as_posix())


_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,99}")


def _safe_name(option: str, value: str) -> str:
    if not _NAME.fullmatch(value) or ".." in value:
        raise CiError(
            f"{option} {value!r}: use letters, digits, '.', '_', '-' and '/' (at most 100), "
            "as branch and environment names go into the workflow's expressions"
        )
    return value


def _one_line(command: str) -> str:
    if not command.strip() or any(ord(ch) < 32 or ord(ch) == 127 for ch in command):
        raise CiError(
            f"--install {command!r}: give one shell command on one line, such as "
            f"{DEFAULT_INSTALL!r}"
        )
    return command.strip()


def workflow_text(context: WorkflowContext) -> str:
    from maxcompute_privatelink.render import environment

    return environment().get_template("privatelink.yml.j2").render(c=context)


def write_workflow(
    config: PrivateLinkConfig,
    *,
    config_path: Path,
    out: Path,
    hcl: bool,
    install: str,
    branch: str,
    environment_name: str,
    target: Path,
) -> Path:
    """Write the workflow to ``target``, whole or not at all."""
    context = WorkflowContext(
        config=config_path.as_posix(),
        out=out.as_posix(),
        stacks=tuple(d.name for d in config.deployments),
        hcl=hcl,
        install=_one_line(install),
        branch=_safe_name("--branch", branch),
        environment=_safe_name("--environment", environment_name),
    )
    text = workflow_text(context)
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, staging = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(staging, 0o644)
        os.replace(staging, target)
    except BaseException:
        Path(staging).unlink(missing_ok=True)
        raise
    return target
