"""Synthesize a validated config into the standard cdktf layout.

``OUT/manifest.json`` and ``OUT/stacks/<deployment>/cdk.tf.json`` (or, with ``hcl``,
``cdk.tf`` formatted as `terraform fmt` writes it, with cdktf's ``metadata.json``). The
stacks are built in a staging folder beside ``OUT`` and swapped in only when the whole
synth worked (``output_dir.write_folder``), so a failure never leaves half an output.

``OUT`` is synth's only when its ``manifest.json`` says so (or it is new or empty), and
even then synth replaces only the files it generates: every other file in ``OUT`` is
carried over untouched. The previous output is synth's memory: a stack folder whose
deployment left the config is removed only when nothing still tracks its resources, and
a protected endpoint or zone binding is never dropped from a stack (see ``_refusals``).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from maxcompute_privatelink.errors import McplError, StateMoveError, UnsafeChangeError
from maxcompute_privatelink.layout import (
    HCL_FILE,
    MANIFEST,
    STACK_FILES,
    STACK_NAME,
    STACKS,
    STALE_WHEN_RENAMED,
    StackRecord,
    manifest_stacks,
    previous_stacks,
    user_entries,
)
from maxcompute_privatelink.synth import cache, guards
from maxcompute_privatelink.synth.build import build_changed
from maxcompute_privatelink.synth.check import check_unchanged, generated
from maxcompute_privatelink.synth.incremental import unchanged
from maxcompute_privatelink.synth.output_dir import (
    OutputKind,
    physical,
    write_folder,
)
from maxcompute_privatelink.synth.parallel import Workers
from maxcompute_privatelink.synth.state import state_file

if TYPE_CHECKING:
    from maxcompute_privatelink.model.backend import OssBackendProps
    from maxcompute_privatelink.model.config import PrivateLinkConfig
    from maxcompute_privatelink.model.config_file import ConfigSource


def is_manifest(path: Path) -> bool:
    """Whether ``path`` (OUT/manifest.json) is the manifest synth writes
    (``layout.manifest_stacks``): the marker of synth's output."""
    return manifest_stacks(path.parent) is not None


def is_legacy_manifest(path: Path) -> bool:
    """Whether ``path`` is cdktf's manifest as mcpl 0.1 wrote it, without mcpl's mark (any
    cdktf app writes the same), or is missing beside stack folders with synth's stack
    files (a manifest deleted by hand): the output is mcpl's only when the user says so
    (``--adopt``)."""
    if not path.exists() and not path.is_symlink():
        return bool(_adopted_stacks(path.parent))
    return manifest_stacks(path.parent, unmarked=True) is not None


def _adopted_stacks(out: Path) -> frozenset[str]:
    """The stacks of an output the user adopts (``--adopt``): its unmarked manifest's, or
    without a manifest, every folder under ``stacks/`` that holds a stack file."""
    listed = manifest_stacks(out, unmarked=True)
    if listed is not None:
        return listed
    folders = out / STACKS
    return frozenset(
        folder.name
        for folder in (folders.iterdir() if folders.is_dir() else ())
        if STACK_NAME.fullmatch(folder.name) and any((folder / f).is_file() for f in STACK_FILES)
    )


def vouched_stacks(out: Path) -> frozenset[str] | None:
    """The stacks of ``out`` when its manifest is missing but this machine's cache knows
    the output and every stack file there hashes as synth wrote it: then the output is
    synth's, though someone deleted its manifest. None otherwise."""
    if (physical(out) / MANIFEST).exists():
        return None
    witness, target = cache.load(out), physical(out)
    intact = [
        unchanged(target, name, entry, entry.fingerprint, hcl=HCL_FILE in entry.files)
        for name, entry in witness.stacks.items()
    ]
    return frozenset(witness.stacks) if intact and all(intact) else None


def owns(names: Collection[str]) -> Callable[[tuple[str, ...]], bool]:
    """Whether a path in ``OUT`` (relative parts) is one synth writes, its stacks
    ``names``: the manifest and the stack files of those stacks. Every other file,
    a stack file in any other folder under ``stacks/`` too, is the user's. ``names`` is
    read when asked, so that stacks found while building (the old manifest's) count."""

    def owned(parts: tuple[str, ...]) -> bool:
        return generated(parts) and (len(parts) == 1 or parts[1] in names)

    return owned


SYNTH_OUTPUT = OutputKind(
    command="mcpl synth",
    marker=MANIFEST,
    option="--out",
    generated=generated,
    is_marker=is_manifest,
    adoptable=is_legacy_manifest,
    adopt_flag="--adopt",
)


@dataclass(frozen=True)
class SynthResult:
    out: Path
    stacks: dict[str, int]
    """Resources (data sources included) per stack, in config order."""
    removed: tuple[str, ...]
    """Stack folders that were removed because their deployment left the config."""
    notes: tuple[str, ...] = ()
    """What else synth did or the user must do (renames, remote state to move)."""
    rebuilt: tuple[str, ...] = ()
    """The stacks built again; the others were unchanged and reused as they were."""


@dataclass
class _Plan:
    """What one synth decided from the previous output (filled in under the lock)."""

    removed: list[str] = field(default_factory=list)
    renamed: dict[str, str] = field(default_factory=dict)
    """Old stack name -> new stack name."""
    state_moves: list[tuple[Path, Path]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def dropped(self, parts: tuple[str, ...]) -> bool:
        """Stack folders that do not come along: removed, or moved to their new name."""
        return (
            len(parts) >= 2
            and parts[0] == STACKS
            and (parts[1] in self.removed or parts[1] in self.renamed)
        )


def synthesize(
    config: PrivateLinkConfig,
    *,
    config_path: Path,
    out: Path,
    hcl: bool = False,
    workers: Workers | None = None,
    others: tuple[OutputKind, ...] = (),
    full: bool = False,
    config_digest: str | None = None,
    adopt: bool = False,
    never_applied: frozenset[str] = frozenset(),
    for_cdktf_cli: bool = False,
) -> SynthResult:
    """Write the stacks of ``config`` (read from ``config_path``, which anchors local state)
    to ``out``. ``workers``: processes started beforehand (``Workers.for_stacks``).
    Default: started here when the stacks to build are many enough. ``others``: the
    outputs of other commands, which synth refuses to write into. Stacks whose files
    hash as this machine built them for the same inputs are reused (``synth.cache``);
    ``full`` builds all. ``config_digest``: ``ConfigSource.digest`` of the config file,
    recorded in the cache so that ``check_unchanged`` can take the output as it is.
    Default: not recorded. ``adopt``: take an output of mcpl 0.1 (cdktf's manifest
    without mcpl's mark) as synth's own. ``never_applied``: deployments with remote state
    that the user says were never applied, which protection does not hold back
    (``guards.Applied``). ``for_cdktf_cli``: leave an empty folder where a stack folder
    was removed or renamed, for the CLI's own clean-up (``flow.synth``), which fails on a
    folder that went missing under it."""
    config_dir = config_path.parent
    kind = SYNTH_OUTPUT
    vouched = vouched_stacks(out)
    if adopt or vouched is not None:
        kind = dataclasses.replace(
            kind, is_marker=lambda p: is_manifest(p) or (adopt and is_legacy_manifest(p))
            or (vouched is not None and not p.exists()),
        )  # fmt: skip
    ours: set[str] = {d.name for d in config.deployments}
    counts: dict[str, int] = {}
    plan = _Plan()
    rebuilt: list[str] = []
    witness: list[cache.Witness] = []

    def build(staging: Path) -> None:
        target = physical(out)
        listed = manifest_stacks(target) or vouched or frozenset()
        if adopt and not listed:
            listed = _adopted_stacks(target)
        ours.update(listed)
        previous = previous_stacks(target, listed)
        names = [d.name for d in config.deployments]
        plan.renamed.update(
            {
                d.renamed_from: d.name
                for d in config.deployments
                if d.renamed_from is not None
                and d.renamed_from in previous
                and d.name not in previous
            }
        )
        plan.removed.extend(n for n in previous if n not in names and n not in plan.renamed)
        applied = guards.Applied(target, None if config.backend else config_dir, never_applied)
        refusals = guards.never_applied_refusals(applied, set(names) | set(previous))
        refusals += guards.leaving_refusals(out, previous, plan.removed, applied)
        refusals += guards.users_stack_files(out, target, set(names) - listed)
        if config.backend is None:
            refusals += _local_state_moves(config_dir, target, previous, plan)
        else:
            plan.notes.extend(_remote_state_notes(config.backend.oss, plan.renamed))
        if refusals:
            raise UnsafeChangeError(refusals)
        built = build_changed(
            staging, target, config, config_dir=config_dir, out=out, hcl=hcl, full=full,
            workers=workers, config_digest=config_digest,
        )  # fmt: skip
        witness.append(built.witness)
        counts.update(built.counts)
        rebuilt.extend(built.rebuilt)
        # a reused stack is byte for byte what it was: only the built ones can drop a block
        refusals = guards.protection_refusals(
            previous, plan.renamed, staging, built.rebuilt, applied
        )
        if refusals:
            raise UnsafeChangeError(refusals)
        for old, new in plan.renamed.items():
            _move_user_files(target / STACKS / old, staging / STACKS / new)
        if for_cdktf_cli:  # cdktf-cli lstat()s and deletes each: absent, it fails (ENOENT)
            for gone in [*plan.removed, *plan.renamed]:
                (staging / STACKS / gone).mkdir(parents=True, exist_ok=True)

    moved: list[tuple[Path, Path]] = []

    def move_state() -> None:
        for source, destination in plan.state_moves:
            os.link(source, destination)  # fails if destination exists: never overwrites
            moved.append((source, destination))
            source.unlink()

    try:
        write_folder(
            out,
            build,
            kind=kind,
            config=config_path,
            others=others,
            owns=owns(ours),  # filled in by build: the config's and the old manifest's
            dropped=plan.dropped,
            before_swap=move_state,
        )
    except BaseException as error:  # a move or the swap failed, or an interrupt
        if not moved:
            raise
        left = _undo_moves(moved)
        if not isinstance(error, (McplError, OSError)):
            raise  # Ctrl-C, SIGTERM: moved back as far as it could be, then as asked
        raise StateMoveError(_reason(error), left) from None
    cache.save(out, witness[0])
    return SynthResult(
        out=out,
        stacks=counts,
        removed=tuple(plan.removed),
        notes=tuple(plan.notes),
        rebuilt=tuple(rebuilt),
    )


def _reason(error: BaseException) -> str:
    """What failed, without a claim about what changed (``StateMoveError`` says that)."""
    if isinstance(error, OSError):
        return f"{error.filename or 'a state file'}: {error.strerror or error}"
    return str(error).split("; nothing was changed")[0]


def _undo_moves(moved: list[tuple[Path, Path]]) -> list[str]:
    """Move the state files of ``moved`` back, newest first; what could not be moved back,
    each as the command that does it by hand."""
    left: list[str] = []
    for source, destination in reversed(moved):
        try:
            if not source.exists():
                os.link(destination, source)
            destination.unlink()
        except OSError:
            left.append(f"mv {destination} {source}")
    moved.clear()
    return left


def _local_state_moves(
    config_dir: Path, target: Path, previous: Mapping[str, StackRecord], plan: _Plan
) -> list[str]:
    """Plan moving each renamed stack's local state (and its backup) to the new name."""
    refusals: list[str] = []
    for old, new in plan.renamed.items():
        written = previous[old].local_state
        source = (
            Path(os.path.normpath(target / STACKS / old / written))
            if written is not None
            else state_file(config_dir, old)
        )
        destination = state_file(config_dir, new)
        if not source.exists():
            plan.notes.append(f"stacks/{old} -> stacks/{new}: renamed (no local state to move)")
            continue
        if destination.exists():
            refusals.append(
                f"deployment {new!r} (renamed_from: {old}): both {source} and {destination} "
                "exist; keep the one that tracks the endpoints, move the other away, then "
                "synth again"
            )
            continue
        plan.state_moves.append((source, destination))
        backup = Path(f"{source}.backup")
        if backup.exists() and not Path(f"{destination}.backup").exists():
            plan.state_moves.append((backup, Path(f"{destination}.backup")))
        plan.notes.append(
            f"stacks/{old} -> stacks/{new}: renamed; state {source.name} moved to "
            f"{destination.name}; run `terraform init` in stacks/{new}, then `terraform plan`"
        )
    return refusals


def _remote_state_notes(oss: OssBackendProps, renamed: dict[str, str]) -> list[str]:
    notes = []
    for old, new in renamed.items():
        source = f"oss://{oss.bucket}/{oss.stack_prefix(old)}/terraform.tfstate"
        destination = f"oss://{oss.bucket}/{oss.stack_prefix(new)}/terraform.tfstate"
        notes.append(
            f"stacks/{old} -> stacks/{new}: renamed; its state stays at {source}, which mcpl "
            f"cannot move: copy it to {destination} before the next plan or apply (e.g. "
            f"`ossutil cp {source} {destination}`), or apply creates the deployment again"
        )
    return notes


def _move_user_files(old: Path, new: Path) -> None:
    """A renamed stack's user files follow it, less Terraform's cache and cdktf diff's
    saved plan (its backend changed: the next init or diff makes them again)."""
    for entry in user_entries(old):
        name = entry.rstrip("/")
        if name in STALE_WHEN_RENAMED:
            continue
        source = old / name
        if source.is_dir() and not source.is_symlink():
            shutil.copytree(source, new / name, symlinks=True, copy_function=os.link)
        else:
            os.link(source, new / name, follow_symlinks=False)


def synth_unchanged(
    config_path: Path, out: Path, hcl: bool, source: ConfigSource
) -> SynthResult | None:
    """What synth does when ``out`` is what these config bytes synthesize already
    (``check_unchanged``): nothing at all, not even a swap of the folder. Its result,
    every stack reused; None when synth has work to do."""
    checked = check_unchanged(config_path, out, hcl, source)
    if checked is None:
        return None
    # the same bytes validated when synth recorded the output: every name is there
    stacks = {name: checked.stacks[name] for name in source.deployment_names}
    return SynthResult(out=out, stacks=stacks, removed=())
