"""What synth refuses, and why: changes that would let Terraform destroy what protect:
true keeps, or orphan resources that a state still tracks, or take over the user's files.

Protection guards live resources only. Whether a stack may have any (``Applied``):
- with local state (no ``backend:``), synth reads it: a stack whose state file is absent
  or tracks no managed resource was never applied from here, and changes freely;
- with remote state, synth cannot read it and assumes the stack is live, unless the user
  says otherwise for that deployment (``mcpl synth --never-applied NAME``).
No refusal advises applying in order to change a config.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from maxcompute_privatelink.layout import (
    STACK_FILES,
    STACKS,
    TERRAFORM_WORKING_FILES,
    StackRecord,
    live_resources,
    manifest_stacks,
    read_stack,
    user_entries,
)
from maxcompute_privatelink.synth.output_dir import physical
from maxcompute_privatelink.synth.state import state_file

NEVER_APPLIED_FLAG = "--never-applied"


@dataclass(frozen=True)
class Applied:
    """Whether a previous stack may have live resources."""

    target: Path
    """The output folder, physical."""
    config_dir: Path | None
    """Where synth keeps local state (beside the config); None with a remote backend."""
    never_applied: frozenset[str]
    """The deployments the user says were never applied (``--never-applied``)."""

    def states(self, name: str, record: StackRecord) -> list[Path]:
        """The local state files of stack ``name``: synth's, and the one its stack file
        names if the backend was edited by hand."""
        states = [state_file(self.config_dir, name)] if self.config_dir is not None else []
        if record.local_state is not None:
            states.append(Path(os.path.normpath(self.target / STACKS / name / record.local_state)))
        return list(dict.fromkeys(states))

    def remote(self, record: StackRecord) -> bool:
        """Whether the stack keeps its state where synth cannot read it."""
        return self.config_dir is None and record.local_state is None

    def maybe(self, name: str, record: StackRecord) -> bool:
        """Whether stack ``name`` may have live resources: with local state, whether a
        state file tracks any (the flag cannot overrule it); with remote state, unless the
        user says it was never applied."""
        if self.remote(record):
            return name not in self.never_applied
        return any(live_resources(state) != 0 for state in self.states(name, record))

    def how(self, name: str, record: StackRecord) -> str:
        """How to proceed when stack ``name`` is (or may be) live: the remote case names
        the flag for a deployment that never was."""
        if self.remote(record):
            return (
                f"its state is remote, which synth cannot read: if {name!r} was never "
                f"applied, say so with `mcpl synth {NEVER_APPLIED_FLAG} {name}`; otherwise"
            )
        states = ", ".join(str(s) for s in self.states(name, record))
        return f"its state ({states}) tracks resources:"


def never_applied_refusals(applied: Applied, known: set[str]) -> list[str]:
    """``--never-applied`` names that are no deployment of the config or of the output,
    or whose state is local: synth reads that itself."""
    lines = [
        f"{NEVER_APPLIED_FLAG} {name}: no deployment of that name in the config or in the "
        "output; name a deployment that changes or leaves the config"
        for name in sorted(applied.never_applied - known)
    ]
    if applied.config_dir is not None and applied.never_applied & known:
        lines.append(
            f"{NEVER_APPLIED_FLAG}: the state is local (no backend: in the config), which "
            "synth reads itself; leave the flag out"
        )
    return lines


def leaving_refusals(
    out: Path,
    previous: Mapping[str, StackRecord],
    leaving: list[str],
    applied: Applied,
) -> list[str]:
    """A stack folder of a deployment that left the config goes only when nothing tracks
    its resources and it holds nothing of the user's but Terraform's cache; anything
    synth cannot read with certainty refuses (fails closed). Its local states are
    checked whatever the stack file names: its backend may have been edited by hand."""
    lines: list[str] = []
    for name in leaving:
        record, shown = previous[name], out / STACKS / name
        if not record.certain:
            lines.append(
                f"deployment {name!r} left the config, but {shown} cannot be read with "
                "certainty (not valid JSON, merge-conflict markers, or not in the layout "
                "synth writes), so what it protects is unknown; restore it (git checkout, "
                "or resolve the conflict), then synth again"
            )
            continue
        if record.local_state is not None and applied.config_dir is not None:
            states = applied.states(name, record)
            if len(states) > 1:
                lines.append(
                    f"deployment {name!r} left the config, but the backend of {shown} is not "
                    f"what synth writes (its state at {states[-1]}, not {states[0]}); restore "
                    "the stack file (git checkout), then synth again"
                )
        if record.protected and applied.maybe(name, record):
            lines.append(
                f"deployment {name!r} left the config, but {shown} protects "
                f"{len(record.protected)} resources, {min(record.protected)} among them "
                f"(protect: true), and {applied.how(name, record)} put the deployment back "
                "with protect: false and synth, then follow the decommission recipe "
                "(docs/synth.md); or, if it was renamed, add renamed_from: "
                f"{name} to the renamed entry"
            )
        else:
            for state in applied.states(name, record):
                live = live_resources(state)
                if live != 0:
                    count = "resources" if live is None else f"{live} resource(s)"
                    lines.append(
                        f"deployment {name!r} left the config, but its state {state} still "
                        f'tracks {count}; destroy them first (docs/synth.md, "Removing a '
                        f'deployment"), or, if it was renamed, add renamed_from: {name} to '
                        "the renamed entry"
                    )
        extra = [
            entry
            for entry in user_entries(applied.target / STACKS / name)
            if entry.rstrip("/") not in TERRAFORM_WORKING_FILES
        ]
        if extra:
            lines.append(
                f"{shown}: deployment {name!r} left the config, but its folder holds files "
                f"mcpl did not write ({', '.join(extra)}); move them out, then synth again"
            )
    return lines


def users_stack_files(out: Path, target: Path, new: set[str]) -> list[str]:
    """A deployment new to the output must not take over a folder where the user (or
    another tool) keeps a stack file: synth would replace it."""
    lines: list[str] = []
    for name in sorted(new):
        theirs = [f for f in STACK_FILES if (target / STACKS / name / f).exists()]
        if theirs:
            lines.append(
                f"{out / STACKS / name}: deployment {name!r} is new, but its folder holds "
                f"{', '.join(theirs)}, which mcpl did not write (the manifest does not list "
                "the stack); move the folder away, then synth again"
            )
    return lines


def protection_refusals(
    previous: Mapping[str, StackRecord],
    renamed: dict[str, str],
    staging: Path,
    names: Sequence[str],
    applied: Applied,
) -> list[str]:
    """Dropping a protected resource's block would let Terraform destroy it silently:
    ``prevent_destroy`` goes away with the block. Only where it may be live."""
    source_of = {new: old for old, new in renamed.items()}
    lines: list[str] = []
    for name in names:
        old = source_of.get(name, name)
        before = previous.get(old)
        after = read_stack(staging / STACKS / name)
        if before is None or after is None:
            continue
        dropped = sorted(before.protected - after.addresses)
        if not dropped or not applied.maybe(old, before):
            continue
        lines.append(
            f"deployment {name!r}: synth would drop {', '.join(dropped)}, which protect: true "
            f"keeps from being destroyed, and {applied.how(old, before)} if the change is "
            f"meant, set protect: false for {name!r} and synth, then make this change and "
            "synth again (its plan shows what is destroyed)"
        )
    return lines


CDKTF_CLI_CLEAN_UP = (
    "cdktf-cli and cdktn-cli delete once the app has run, as the manifest does not list it "
    "(cli-core synth-stack.ts)"
)


def cdktf_cli_refusals(out: Path, names: Sequence[str]) -> list[str]:
    """Run by cdktf-cli or cdktn-cli (``cdktf synth``, ``diff``, ``deploy``...): a folder
    under ``stacks/`` that is neither a stack of ``out``'s manifest nor of a deployment
    (``names``) is the user's, and the CLI would delete it after this synth, whatever
    synth writes. Refused before anything is written; an empty folder loses nothing and
    is let go. Not when ``out`` is not synth's output (synth refuses that itself)."""
    target = physical(out)
    listed = manifest_stacks(target)
    folders = target / STACKS
    if listed is None or not folders.is_dir() or folders.is_symlink():
        return []
    theirs = sorted(
        entry.name
        for entry in folders.iterdir()
        if entry.is_dir()
        and not entry.is_symlink()  # the CLIs take only real folders (lstat)
        and entry.name not in listed
        and entry.name not in names
        and any(entry.iterdir())
    )
    return [
        f"{out / STACKS / name}: a folder of yours, not a stack, which {CDKTF_CLI_CLEAN_UP}; "
        f"move it out of {out}, or synthesize with `mcpl synth`, which leaves it alone; "
        "nothing was written"
        for name in theirs
    ]
