"""Where each stack keeps local state: ``terraform.<stack>.tfstate`` beside the config.

Relative to its stack folder, so the output is the same on every machine; beside the
config, so that replacing the output never touches state. Two configs in one folder must
not keep local state in the same files (``state_file_conflicts``).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from maxcompute_privatelink.layout import STACKS
from maxcompute_privatelink.synth.output_dir import physical


def _state_file_name(stack: str) -> str:
    return f"terraform.{stack}.tfstate"


def state_file(config_dir: Path, stack: str) -> Path:
    """Where a stack's local state lives: ``terraform.<stack>.tfstate`` beside the config."""
    return physical(config_dir) / _state_file_name(stack)


def state_paths(config_dir: Path, out: Path, names: list[str]) -> dict[str, str]:
    """Local state ``<config dir>/terraform.<stack>.tfstate`` of each stack, relative to
    its stack folder.

    Relative, so the output is the same on every machine; beside the config, so that
    replacing ``OUT`` never touches state. Computed from physical paths (symlinks
    resolved), as Terraform resolves it from the physical folder it runs in; each folder
    is resolved once.
    """
    config_root, stacks = physical(config_dir), physical(out) / STACKS
    return {
        name: Path(os.path.relpath(config_root / _state_file_name(name), stacks / name)).as_posix()
        for name in names
    }


def state_path(config_dir: Path, out: Path, stack: str) -> str:
    """``state_paths`` of one stack."""
    return state_paths(config_dir, out, [stack])[stack]


def other_configs(config_path: Path) -> list[Path]:
    """The other YAML files in the config's folder: configs that may share its state."""
    own = physical(config_path)
    return [
        other
        for other in sorted(config_path.parent.glob("*.y*ml"))
        if other.is_file() and physical(other) != own and other.suffix in (".yaml", ".yml")
    ]


def state_file_conflicts(config_path: Path, names: Sequence[str], local: bool) -> list[str]:
    """Deployments (``names``) that another config in the same folder also keeps local
    state for: both would read and write the same ``terraform.<name>.tfstate``. None
    unless the config keeps ``local`` state (it has no backend)."""
    from maxcompute_privatelink.errors import McplError
    from maxcompute_privatelink.model.config_file import read_config_data

    if not local:
        return []
    lines: list[str] = []
    for other in other_configs(config_path):
        try:
            data = read_config_data(other)
        except McplError:
            continue  # not a config of ours
        deployments = data.get("deployments")
        if data.get("backend") is not None or not isinstance(deployments, list):
            continue
        shared = sorted(
            set(names) & {d.get("name") for d in deployments if isinstance(d, dict)} - {None}
        )
        for name in shared:
            lines.append(
                f"deployment {name!r}: {other} has a deployment of that name too, and both "
                f"keep local state in {config_path.parent / _state_file_name(name)}; rename one "
                "(renamed_from moves its state), move one config to its own folder, or give "
                "one a backend"
            )
    return lines
