"""Synthesize a validated config into the standard cdktf layout, and check it.

``OUT/manifest.json`` and ``OUT/stacks/<deployment>/cdk.tf.json`` (or, with ``hcl``,
``cdk.tf`` formatted as `terraform fmt` writes it, with cdktf's ``metadata.json``). The
stacks are built in a temporary folder beside ``OUT`` and swapped in only when the whole
synth worked, so a failure never leaves half an output. ``OUT`` belongs to this tool:
stack folders of deployments no longer in the config are removed; Terraform's own
working files in a stack folder that stays (``.terraform/``, ``.terraform.lock.hcl``)
are carried over.

``check`` synthesizes into a temporary folder and compares it with ``OUT``: the drift
gate that CI and pre-commit run.
"""

from __future__ import annotations

import difflib
import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from maxcompute_privatelink.config import PrivateLinkConfig
from maxcompute_privatelink.errors import NodeNotFoundError
from maxcompute_privatelink.hcl import bare_references, format_tree
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


@dataclass(frozen=True)
class CheckResult:
    files: int
    """Files compared."""
    differences: tuple[str, ...]
    """One unified diff (or a missing/extra line) per file that differs."""


def state_path(config_dir: Path, out: Path, stack: str) -> str:
    """Local state ``<config dir>/terraform.<stack>.tfstate``, relative to the stack folder.

    Relative, so the output is the same on every machine; beside the config, so that
    replacing ``OUT`` never touches state.
    """
    state = Path(os.path.abspath(config_dir)) / f"terraform.{stack}.tfstate"
    working_dir = Path(os.path.abspath(out)) / "stacks" / stack
    return Path(os.path.relpath(state, working_dir)).as_posix()


def hcl_requested(hcl: bool) -> bool:
    """``--hcl``, or what `cdktf synth --hcl` asks of the app through its environment."""
    return hcl or os.environ.get("SYNTH_HCL_OUTPUT") in ("true", "1")


def synthesize(
    config: PrivateLinkConfig, *, config_dir: Path, out: Path, hcl: bool = False
) -> SynthResult:
    """Write the stacks of ``config`` to ``out``; ``config_dir`` anchors local state."""
    counts: dict[str, int] = {}
    removed: list[str] = []

    def build(staging: Path) -> None:
        counts.update(_synth_into(staging, config, config_dir=config_dir, out=out, hcl=hcl))
        removed.extend(_carry_over(out, staging, list(counts)))

    write_folder(out, build)
    return SynthResult(out=out, stacks=counts, removed=tuple(removed))


def check(config: PrivateLinkConfig, *, config_dir: Path, out: Path, hcl: bool) -> CheckResult:
    """Compare what synth would write to ``out`` with what is there."""
    with tempfile.TemporaryDirectory(prefix="mcpl-check.") as scratch:
        expected = Path(scratch)
        _synth_into(expected, config, config_dir=config_dir, out=out, hcl=hcl)
        return _compare(expected, out)


def _synth_into(
    target: Path, config: PrivateLinkConfig, *, config_dir: Path, out: Path, hcl: bool
) -> dict[str, int]:
    """Synthesize into ``target`` as if it were ``out`` (state paths are relative to it)."""
    if shutil.which("node") is None:
        raise NodeNotFoundError()
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    import cdktf  # jsii starts Node on import: only when synth is asked for

    from maxcompute_privatelink.stack import DeploymentStack

    app = cdktf.App(outdir=str(target), stack_traces=False)
    stacks = {
        d.name: DeploymentStack(
            app, d, state_path=state_path(config_dir, out, d.name), backend=config.backend
        )
        for d in config.deployments
    }
    app.synth()
    if hcl_requested(hcl):
        for name, stack in stacks.items():
            _write_hcl(target, name, stack.to_hcl_terraform())
        format_tree(target / "stacks")
    return {name: _count_elements(stack) for name, stack in stacks.items()}


def _write_hcl(target: Path, name: str, synthesized: Mapping[str, Any]) -> None:
    """What `cdktf synth --hcl` writes, whichever way the app was asked for HCL.

    cdktf 0.21's stacks read only the SYNTH_HCL_OUTPUT variable of the Node process, not
    ``App(hcl_output=True)``, so the HCL comes from ``to_hcl_terraform`` here.
    """
    stack_dir = target / "stacks" / name
    (stack_dir / "cdk.tf.json").unlink(missing_ok=True)
    hcl = synthesized["hcl"]
    assert isinstance(hcl, str)
    (stack_dir / "cdk.tf").write_text(bare_references(hcl), encoding="utf-8")
    metadata = json.dumps(synthesized["metadata"], indent=2, sort_keys=True)
    (stack_dir / "metadata.json").write_text(metadata, encoding="utf-8")
    manifest = target / "manifest.json"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(
        text.replace(f'"stacks/{name}/cdk.tf.json"', f'"stacks/{name}/cdk.tf"'), encoding="utf-8"
    )


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


def _generated_files(folder: Path) -> dict[str, Path]:
    if not folder.is_dir():
        return {}
    files: dict[str, Path] = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_file() and not set(relative.parts) & set(KEPT_IN_STACK_DIRS):
            files[relative.as_posix()] = path
    return files


def _compare(expected_dir: Path, actual_dir: Path) -> CheckResult:
    expected, actual = _generated_files(expected_dir), _generated_files(actual_dir)
    differences: list[str] = []
    for name in sorted(expected.keys() | actual.keys()):
        if name not in actual:
            differences.append(f"missing: {actual_dir / name}")
        elif name not in expected:
            differences.append(f"not generated by this config: {actual_dir / name}")
        else:
            want, have = expected[name].read_bytes(), actual[name].read_bytes()
            if want != have:
                differences.append(
                    "\n".join(
                        difflib.unified_diff(
                            have.decode("utf-8", "replace").splitlines(),
                            want.decode("utf-8", "replace").splitlines(),
                            fromfile=f"{actual_dir / name} (committed)",
                            tofile=f"{actual_dir / name} (from the config)",
                            lineterm="",
                        )
                    )
                )
    return CheckResult(files=len(expected), differences=tuple(differences))
