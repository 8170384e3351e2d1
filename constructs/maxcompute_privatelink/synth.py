"""Synthesize a validated config into the standard cdktf layout.

``OUT/manifest.json`` and ``OUT/stacks/<deployment>/cdk.tf.json``. The stacks are built
in a temporary folder beside ``OUT`` and swapped in only when the whole synth worked,
so a failure never leaves half an output. ``OUT`` belongs to this tool: stack folders of
deployments no longer in the config are removed; Terraform's own working files in a
stack folder that stays (``.terraform/``, ``.terraform.lock.hcl``) are carried over.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from maxcompute_privatelink.config import PrivateLinkConfig
from maxcompute_privatelink.errors import NodeNotFoundError
from maxcompute_privatelink.output_dir import write_folder

KEPT_IN_STACK_DIRS = (".terraform", ".terraform.lock.hcl")
"""Written by `terraform init` in a stack folder; never generated, never dropped."""


@dataclass(frozen=True)
class SynthResult:
    out: Path
    stacks: dict[str, int]
    """Resources (data sources included) per stack, in config order."""
    removed: tuple[str, ...]
    """Stack folders that were removed because their deployment left the config."""


def state_path(config_dir: Path, out: Path, stack: str) -> str:
    """Local state ``<config dir>/terraform.<stack>.tfstate``, relative to the stack folder.

    Relative, so the output is the same on every machine; beside the config, so that
    replacing ``OUT`` never touches state.
    """
    state = Path(os.path.abspath(config_dir)) / f"terraform.{stack}.tfstate"
    working_dir = Path(os.path.abspath(out)) / "stacks" / stack
    return Path(os.path.relpath(state, working_dir)).as_posix()


def _require_node() -> None:
    if shutil.which("node") is None:
        raise NodeNotFoundError()


def synthesize(config: PrivateLinkConfig, *, config_dir: Path, out: Path) -> SynthResult:
    """Write the stacks of ``config`` to ``out``; ``config_dir`` anchors local state."""
    _require_node()
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    import cdktf  # jsii starts Node on import: only when synth is asked for

    from maxcompute_privatelink.stack import DeploymentStack

    counts: dict[str, int] = {}
    removed: list[str] = []

    def build(staging: Path) -> None:
        app = cdktf.App(outdir=str(staging), stack_traces=False, hcl_output=False)
        stacks = {
            d.name: DeploymentStack(app, d, state_path=state_path(config_dir, out, d.name))
            for d in config.deployments
        }
        app.synth()
        counts.update((name, _count_elements(stack)) for name, stack in stacks.items())
        removed.extend(_carry_over(out, staging, list(stacks)))

    write_folder(out, build)
    return SynthResult(out=out, stacks=counts, removed=tuple(removed))


def _count_elements(stack: object) -> int:
    from cdktf import TerraformDataSource, TerraformResource
    from constructs import Construct

    assert isinstance(stack, Construct)
    return sum(
        isinstance(node, TerraformResource | TerraformDataSource) for node in stack.node.find_all()
    )


def _hardlink_copy(source: Path, target: Path) -> None:
    """Copy by hard links: instant for `.terraform/`'s plugins, and the old tree stays whole."""
    if source.is_dir() and not source.is_symlink():
        shutil.copytree(source, target, symlinks=True, copy_function=os.link)
    elif source.exists() or source.is_symlink():
        os.link(source, target, follow_symlinks=False)


def _carry_over(out: Path, staging: Path, stack_names: list[str]) -> list[str]:
    """Give staying stacks their Terraform working files back; name the stacks that go."""
    removed: list[str] = []
    previous_stacks = out / "stacks"
    if not previous_stacks.is_dir():
        return removed
    for stack_dir in sorted(previous_stacks.iterdir()):
        if stack_dir.name not in stack_names:
            removed.append(stack_dir.name)
            continue
        for kept in KEPT_IN_STACK_DIRS:
            _hardlink_copy(stack_dir / kept, staging / "stacks" / stack_dir.name / kept)
    return removed
