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
import tempfile
from dataclasses import dataclass
from pathlib import Path

from maxcompute_privatelink.config import PrivateLinkConfig
from maxcompute_privatelink.errors import NodeNotFoundError, OutputDirError

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

    if out.exists() and not out.is_dir():
        raise OutputDirError(str(out), "exists and is not a folder; choose another --out")
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    _chmod_as_umask(staging)
    try:
        app = cdktf.App(outdir=str(staging), stack_traces=False, hcl_output=False)
        stacks = {
            d.name: DeploymentStack(app, d, state_path=state_path(config_dir, out, d.name))
            for d in config.deployments
        }
        app.synth()
        counts = {name: _count_elements(stack) for name, stack in stacks.items()}
        removed = _swap_in(staging, out, list(stacks))
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return SynthResult(out=out, stacks=counts, removed=removed)


def _chmod_as_umask(folder: Path) -> None:
    """mkdtemp makes 0700 folders; the output gets what a plain mkdir would give it."""
    umask = os.umask(0)
    os.umask(umask)
    folder.chmod(0o777 & ~umask)


def _count_elements(stack: object) -> int:
    from cdktf import TerraformDataSource, TerraformResource

    from constructs import Construct

    assert isinstance(stack, Construct)
    return sum(
        isinstance(node, TerraformResource | TerraformDataSource) for node in stack.node.find_all()
    )


def _swap_in(staging: Path, out: Path, stack_names: list[str]) -> tuple[str, ...]:
    previous_stacks = out / "stacks"
    removed: list[str] = []
    if previous_stacks.is_dir():
        for stack_dir in sorted(previous_stacks.iterdir()):
            if stack_dir.name not in stack_names:
                removed.append(stack_dir.name)
                continue
            for kept in KEPT_IN_STACK_DIRS:
                if (stack_dir / kept).exists():
                    os.replace(stack_dir / kept, staging / "stacks" / stack_dir.name / kept)
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=out.parent))
        os.replace(out, old / out.name)
        os.replace(staging, out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(staging, out)
    return tuple(removed)
