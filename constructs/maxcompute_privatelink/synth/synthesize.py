"""Synthesize a validated config into the standard cdktf layout, and check it.

``OUT/manifest.json`` and ``OUT/stacks/<deployment>/cdk.tf.json`` (or, with ``hcl``,
``cdk.tf`` formatted as `terraform fmt` writes it, with cdktf's ``metadata.json``). The
stacks are built in a staging folder beside ``OUT`` and swapped in only when the whole
synth worked (``output_dir.write_folder``), so a failure never leaves half an output.

``OUT`` is synth's only when its ``manifest.json`` says so (or it is new or empty), and
even then synth replaces only the files it generates: every other file in ``OUT`` is
carried over untouched. The previous output is synth's memory: a stack folder whose
deployment left the config is removed only when nothing still tracks its resources, and
a protected endpoint or zone binding is never dropped from a stack (see ``_refusals``).

``check`` synthesizes into a temporary folder and compares the generated files with
``OUT``: the drift gate that CI and pre-commit run.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from maxcompute_privatelink.construct.emitter import FORMAT_VERSION, chosen
from maxcompute_privatelink.errors import (
    NodeNotFoundError,
    UnsafeChangeError,
)
from maxcompute_privatelink.layout import (
    MANIFEST,
    STACK_FILES,
    STACKS,
    TERRAFORM_WORKING_FILES,
    StackRecord,
    live_resources,
    previous_stacks,
    read_manifest,
    read_stack,
    stack_file_name,
    user_entries,
)
from maxcompute_privatelink.synth.cdktf_json import stable_json
from maxcompute_privatelink.synth.hcl import format_tree
from maxcompute_privatelink.synth.incremental import (
    KEY,
    SOURCE_KEY,
    StackEntry,
    as_manifest,
    fingerprint,
    read_entries,
    record,
    source_key,
    stack_files,
    unchanged,
)
from maxcompute_privatelink.synth.output_dir import (
    MARK,
    OutputKind,
    physical,
    write_folder,
)
from maxcompute_privatelink.synth.parallel import Workers, worker_count

if TYPE_CHECKING:
    from maxcompute_privatelink.model.backend import OssBackendProps
    from maxcompute_privatelink.model.config import Deployment, PrivateLinkConfig
    from maxcompute_privatelink.model.config_file import ConfigSource


def generated(parts: tuple[str, ...]) -> bool:
    """Whether a path in ``OUT`` (relative parts) is one synth writes."""
    return parts == (MANIFEST,) or (
        len(parts) == 3 and parts[0] == STACKS and parts[2] in STACK_FILES
    )


def is_manifest(path: Path) -> bool:
    """Whether ``path`` is the manifest synth wrote. mcpl 0.1 wrote cdktf's manifest with
    no ``generator``: that one counts when it stands alone with ``stacks/``."""
    data = read_manifest(path.parent)  # the marker: path is OUT/manifest.json
    if data is None:
        return False
    if data.get("generator") == MARK:
        return True
    return (
        set(data) == {"stacks", "version"}
        and isinstance(data["stacks"], dict)
        and {entry.name for entry in path.parent.iterdir()} <= {MANIFEST, STACKS}
    )


SYNTH_OUTPUT = OutputKind(
    command="mcpl synth",
    marker=MANIFEST,
    option="--out",
    generated=generated,
    is_marker=is_manifest,
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


@dataclass(frozen=True)
class CheckResult:
    files: int
    """Files compared."""
    differences: tuple[str, ...]
    """One unified diff (or a missing/extra line) per file that differs."""
    left_alone: tuple[str, ...] = ()
    """Entries in OUT that synth does not generate (user files, `.terraform/`)."""
    stacks: dict[str, int] = field(default_factory=dict)
    """Resources per stack of the config."""


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
                f"keep local state in {state_file(config_path.parent, name)}; rename one "
                "(renamed_from moves its state), move one config to its own folder, or give "
                "one a backend"
            )
    return lines


def hcl_requested(hcl: bool) -> bool:
    """``--hcl``, or what `cdktf synth --hcl` asks of the app through its environment."""
    return hcl or os.environ.get("SYNTH_HCL_OUTPUT") in ("true", "1")


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
) -> SynthResult:
    """Write the stacks of ``config`` (read from ``config_path``, which anchors local state)
    to ``out``. ``workers``: processes started beforehand (``Workers.for_stacks``).
    Default: started here when the stacks to build are many enough. ``others``: the
    outputs of other commands, which synth refuses to write into. Stacks that the
    manifest shows unchanged are reused (``synth.incremental``); ``full`` builds all.
    ``config_digest``: ``ConfigSource.digest`` of the config file, recorded so that
    ``check_unchanged`` can trust the output. Default: not recorded."""
    config_dir = config_path.parent
    counts: dict[str, int] = {}
    plan = _Plan()
    rebuilt: list[str] = []

    def build(staging: Path) -> None:
        target = physical(out)
        previous = previous_stacks(target)
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
        refusals = _leaving_refusals(out, target, previous, plan.removed)
        if config.backend is None:
            refusals += _local_state_moves(config_dir, target, previous, plan)
        else:
            plan.notes.extend(_remote_state_notes(config.backend.oss, plan.renamed))
        if refusals:
            raise UnsafeChangeError(refusals)
        built = _build_changed(
            staging, target, config, config_dir=config_dir, out=out, hcl=hcl, full=full,
            workers=workers, config_digest=config_digest,
        )  # fmt: skip
        counts.update(built.counts)
        rebuilt.extend(built.rebuilt)
        # a reused stack is byte for byte what it was: only the built ones can drop a block
        refusals = _protection_refusals(previous, plan.renamed, staging, built.rebuilt)
        if refusals:
            raise UnsafeChangeError(refusals)
        for old, new in plan.renamed.items():
            _move_user_files(target / STACKS / old, staging / STACKS / new)

    def move_state() -> None:
        for source, destination in plan.state_moves:
            os.link(source, destination)  # fails if destination exists: never overwrites
            source.unlink()

    write_folder(
        out,
        build,
        kind=SYNTH_OUTPUT,
        config=config_path,
        others=others,
        dropped=plan.dropped,
        before_swap=move_state,
    )
    return SynthResult(
        out=out,
        stacks=counts,
        removed=tuple(plan.removed),
        notes=tuple(plan.notes),
        rebuilt=tuple(rebuilt),
    )


def _leaving_refusals(
    out: Path, target: Path, previous: Mapping[str, StackRecord], leaving: list[str]
) -> list[str]:
    """A stack folder of a deployment that left the config goes only when nothing tracks
    its resources and it holds nothing of the user's but Terraform's cache."""
    lines: list[str] = []
    for name in leaving:
        record, shown = previous[name], out / STACKS / name
        if record.protected:
            lines.append(
                f"deployment {name!r} left the config, but {shown} still protects "
                f"{len(record.protected)} resources, {min(record.protected)} among them "
                "(protect: true); put the deployment back with protect: false, synth and "
                "apply, then follow the decommission recipe (docs/synth.md); or, if it was "
                f"renamed, add renamed_from: {name} to the renamed entry"
            )
        if record.local_state is not None:
            state = Path(os.path.normpath(target / STACKS / name / record.local_state))
            live = live_resources(state)
            if live != 0:
                count = "resources" if live is None else f"{live} resource(s)"
                lines.append(
                    f"deployment {name!r} left the config, but its state {state} still "
                    f'tracks {count}; destroy them first (docs/synth.md, "Removing a deployment"), '
                    f"or, if it was renamed, add renamed_from: {name} to the renamed entry"
                )
        extra = [
            entry
            for entry in user_entries(target / STACKS / name)
            if entry.rstrip("/") not in TERRAFORM_WORKING_FILES
        ]
        if extra:
            lines.append(
                f"{shown}: deployment {name!r} left the config, but its folder holds files "
                f"mcpl did not write ({', '.join(extra)}); move them out, then synth again"
            )
    return lines


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


def _protection_refusals(
    previous: Mapping[str, StackRecord],
    renamed: dict[str, str],
    staging: Path,
    names: Sequence[str],
) -> list[str]:
    """Dropping a protected resource's block would let Terraform destroy it silently:
    ``prevent_destroy`` goes away with the block."""
    source_of = {new: old for old, new in renamed.items()}
    lines: list[str] = []
    for name in names:
        before = previous.get(source_of.get(name, name))
        after = read_stack(staging / STACKS / name)
        if before is None or after is None:
            continue
        for address in sorted(before.protected - after.addresses):
            lines.append(
                f"deployment {name!r}: synth would drop {address}, which protect: true keeps "
                f"from being destroyed; set protect: false for {name!r}, synth and apply "
                "first, then make this change"
            )
    return lines


def _move_user_files(old: Path, new: Path) -> None:
    """A renamed stack's user files follow it, less Terraform's cache (its backend
    changed: `terraform init` makes it again)."""
    for entry in user_entries(old):
        name = entry.rstrip("/")
        if name in TERRAFORM_WORKING_FILES[:1]:
            continue
        source = old / name
        if source.is_dir() and not source.is_symlink():
            shutil.copytree(source, new / name, symlinks=True, copy_function=os.link)
        else:
            os.link(source, new / name, follow_symlinks=False)


def check(
    config: PrivateLinkConfig,
    *,
    config_dir: Path,
    out: Path,
    hcl: bool,
    workers: Workers | None = None,
    full: bool = False,
    config_digest: str | None = None,
) -> CheckResult:
    """Compare what synth would write to ``out`` with what is there. Stacks the manifest
    shows unchanged (files hashing as recorded) are taken as they are: with nothing
    changed, no Node. A hand-edited file is built again, and its diff shown.
    ``config_digest``: as for ``synthesize``."""
    with tempfile.TemporaryDirectory(prefix="mcpl-check.") as scratch:
        expected = Path(scratch)
        built = _build_changed(
            expected, physical(out), config, config_dir=config_dir, out=out, hcl=hcl,
            full=full, workers=workers, copy_reused=False, config_digest=config_digest,
        )  # fmt: skip
        result = _compare(expected, out, reused=built.reused_files)
    return dataclasses.replace(result, stacks=built.counts)


def check_unchanged(
    config_path: Path, out: Path, hcl: bool, source: ConfigSource
) -> CheckResult | None:
    """``check`` without the models, for a config whose bytes are the ones the output was
    synthesized from (its manifest's ``source`` key matches, ``synth.incremental``): the
    result when ``out`` is what synth wrote, every stack file hashing as recorded and
    nothing missing, extra or edited (the manifest byte for byte as synth writes it,
    fingerprints included). None when
    it cannot tell: then check builds the models and compares as usual, which names
    each difference."""
    hcl = hcl_requested(hcl)
    previous = physical(out)
    manifest = read_manifest(previous)
    entries = read_entries(manifest)
    if manifest is None or not entries:
        return None
    names = list(entries)
    key = source_key(source.digest, state_paths(config_path.parent, out, names), hcl)
    if manifest.get(SOURCE_KEY) != key:
        return None
    # the same bytes validated when synth recorded the key: the raw data is well formed
    if other_configs(config_path) and state_file_conflicts(
        config_path, names, local=source.data.get("backend") is None
    ):
        return None  # check reports them as it loads the config
    if not all(
        unchanged(previous, name, entry, entry.fingerprint, hcl) for name, entry in entries.items()
    ):
        return None
    try:
        as_written = (previous / MANIFEST).read_bytes()
    except OSError:
        return None
    if _manifest_text(names, hcl, entries, key).encode("utf-8") != as_written:
        return None  # not as synth writes it: trust nothing it records
    # every file synth writes is verified: what is left is anything missing, extra or a link
    verified = {MANIFEST} | {f"{STACKS}/{name}/{f}" for name in names for f in stack_files(hcl)}
    with tempfile.TemporaryDirectory(prefix="mcpl-check.") as nothing_to_build:
        result = _compare(Path(nothing_to_build), out, reused=frozenset(verified))
    if result.differences:
        return None
    return dataclasses.replace(result, stacks={name: entries[name].resources for name in names})


def synth_unchanged(
    config_path: Path, out: Path, hcl: bool, source: ConfigSource
) -> SynthResult | None:
    """What synth does when ``out`` is what these config bytes synthesize already
    (``check_unchanged``): nothing at all, not even a swap of the folder. Its result,
    every stack reused; None when synth has work to do."""
    checked = check_unchanged(config_path, out, hcl, source)
    if checked is None:
        return None
    # the same bytes validated when synth recorded the output: the raw data is well formed
    names = [deployment["name"] for deployment in source.data["deployments"]]
    return SynthResult(out=out, stacks={name: checked.stacks[name] for name in names}, removed=())


@dataclass(frozen=True)
class _Built:
    counts: dict[str, int]
    rebuilt: tuple[str, ...]
    reused_files: frozenset[str]
    """The files (``stacks/<name>/<file>``) of the stacks reused: by their recorded
    hashes, what synth writes."""


def _build_changed(
    target: Path,
    previous: Path,
    config: PrivateLinkConfig,
    *,
    config_dir: Path,
    out: Path,
    hcl: bool,
    full: bool,
    workers: Workers | None,
    copy_reused: bool = True,
    config_digest: str | None = None,
) -> _Built:
    """Fill ``target`` with every stack and the manifest: the stacks of ``previous`` that
    are unchanged, copied byte for byte (unless not ``copy_reused``: check compares
    them by hash), and the others built (``out`` anchors the state paths).
    ``config_digest``: for the manifest's ``source`` key (not for a config with
    warnings: check must load it to print them)."""
    hcl = hcl_requested(hcl)
    backend = config.backend
    names = [d.name for d in config.deployments]
    paths = state_paths(config_dir, out, names)
    wanted = {
        name: fingerprint(d, backend, paths[name], hcl)
        for name, d in zip(names, config.deployments, strict=True)
    }
    recorded = {} if full else read_entries(read_manifest(previous))
    reused = {
        name: recorded[name]
        for name in names
        if unchanged(previous, name, recorded.get(name), wanted[name], hcl)
    }
    for name in reused if copy_reused else ():
        source, destination = previous / STACKS / name, target / STACKS / name
        destination.mkdir(parents=True)
        for file_name in stack_files(hcl):
            _link_or_copy(source / file_name, destination / file_name)
    changed = [d for d in config.deployments if d.name not in reused]
    counts = _synth_into(
        target, changed, config, config_dir=config_dir, out=out, hcl=hcl, workers=workers
    )
    entries = {
        name: reused[name]
        if name in reused
        else record(target / STACKS / name, wanted[name], hcl, counts[name])
        for name in names
    }
    key = source_key(config_digest, paths, hcl) if config_digest and not config.warnings() else None
    _write_manifest(target, names, hcl, entries, key)
    return _Built(
        {name: entries[name].resources for name in names},
        tuple(d.name for d in changed),
        frozenset(f"{STACKS}/{name}/{f}" for name in reused for f in stack_files(hcl)),
    )


def _link_or_copy(source: Path, destination: Path) -> None:
    """A hard link (staging is beside OUT, on its file system), else a copy. Once the
    swap removes the old output, the new one holds the file's only link."""
    try:
        os.link(source, destination, follow_symlinks=False)
    except OSError:
        shutil.copyfile(source, destination)


def _synth_into(
    target: Path,
    deployments: list[Deployment],
    config: PrivateLinkConfig,
    *,
    config_dir: Path,
    out: Path,
    hcl: bool,
    workers: Workers | None = None,
) -> dict[str, int]:
    """Synthesize ``deployments`` into ``target`` as if it were ``out`` (state paths are
    relative to it); resources per stack. Nothing to build: neither Node nor workers."""
    if not deployments:
        return {}
    chosen()  # an emitter is installed, or one line says which to install
    if shutil.which("node") is None:
        raise NodeNotFoundError()
    names = [d.name for d in deployments]
    paths = state_paths(config_dir, out, names)
    part = config.model_copy(update={"deployments": tuple(deployments)})
    wanted = worker_count(len(names))
    if workers is not None and len(workers) == wanted:
        counts = workers.run(target, part, paths, hcl)
    elif wanted > 1:
        with Workers(wanted) as started:
            counts = started.run(target, part, paths, hcl)
    else:
        from maxcompute_privatelink.synth.stack_writer import write_stacks

        counts = write_stacks(
            target, deployments, backend=config.backend, state_paths=paths, hcl=hcl
        )
    if hcl:
        format_tree(target / STACKS)
    return {name: counts[name] for name in names}


def _write_manifest(
    target: Path,
    names: list[str],
    hcl: bool,
    entries: dict[str, StackEntry],
    source: str | None,
) -> None:
    (target / MANIFEST).write_text(_manifest_text(names, hcl, entries, source), encoding="utf-8")


def _manifest_text(
    names: list[str], hcl: bool, entries: dict[str, StackEntry], source: str | None
) -> str:
    """``manifest.json`` as cdktf 0.21.0 writes it for these stacks (``lib/manifest.ts``),
    written here for both emitters, with ``FORMAT_VERSION``, plus synth's marker, the
    stacks' fingerprints and the ``source`` key when there is one (``synth.incremental``)."""
    file_name = stack_file_name(hcl)
    manifest: dict[str, object] = {
        KEY: as_manifest(entries),
        "generator": MARK,
        "stacks": {
            name: {
                "annotations": [],
                "constructPath": name,
                "dependencies": [],
                "name": name,
                "stackMetadataPath": f"stacks/{name}/metadata.json",
                "synthesizedStackPath": f"stacks/{name}/{file_name}",
                "workingDirectory": f"stacks/{name}",
            }
            for name in names
        },
        "version": FORMAT_VERSION,
    }
    if source is not None:
        manifest[SOURCE_KEY] = source
    return stable_json(manifest)


def _scan(root: Path) -> tuple[dict[str, Path], list[str], list[str]]:
    """``root``'s generated files (by relative path), the entries synth does not generate
    (folders with a trailing ``/``, not descended into), and generated paths that are
    symbolic links. Never follows a link."""
    files: dict[str, Path] = {}
    left_alone: list[str] = []
    links: list[str] = []
    if not root.is_dir():
        return files, left_alone, links
    for folder, dirs, names in os.walk(root):
        base = Path(folder)
        parts = base.relative_to(root).parts
        for name in sorted(dirs):
            relative = (*parts, name)
            container = relative == (STACKS,) or (len(relative) == 2 and relative[0] == STACKS)
            if not container or (base / name).is_symlink():
                left_alone.append("/".join(relative) + "/")
                dirs.remove(name)
        for name in sorted(names):
            relative = (*parts, name)
            path = base / name
            if not generated(relative):
                left_alone.append("/".join(relative))
            elif path.is_symlink() or not path.is_file():
                links.append("/".join(relative))
            else:
                files["/".join(relative)] = path
    return files, sorted(left_alone), links


def _same_manifest(want: bytes, have: bytes) -> bool:
    """Whether two manifests differ at most in their fingerprints and ``source`` keys: the
    files they record are the same bytes, only the environment that wrote them differs
    (another emitter or formatter version, the config's comments). Synth writes the new
    keys; check lets them be."""
    try:
        wanted, had = json.loads(want), json.loads(have)
    except ValueError:
        return False
    for manifest in (wanted, had):
        if isinstance(manifest, dict):
            manifest.pop(SOURCE_KEY, None)
        records = manifest.get(KEY) if isinstance(manifest, dict) else None
        for entry in records.values() if isinstance(records, dict) else ():
            if isinstance(entry, dict):
                entry.pop("fingerprint", None)
    return bool(wanted == had)


def _compare(
    expected_dir: Path, actual_dir: Path, reused: frozenset[str] = frozenset()
) -> CheckResult:
    """``reused``: files (relative paths) already known to be what synth writes, not in
    ``expected_dir``: unchanged stacks' files, which hash as recorded (and, for
    ``check_unchanged``, the manifest). Any other file there is compared as usual."""
    expected = _scan(expected_dir)[0]
    actual, left_alone, links = _scan(physical(actual_dir))
    differences: list[str] = [
        f"not a regular file: {actual_dir / name} (synth writes a file there; never followed)"
        for name in links
    ]
    for name in sorted(expected.keys() | actual.keys()):
        if name in links or name in reused:
            continue
        if name not in actual:
            differences.append(f"missing: {actual_dir / name}")
        elif name not in expected:
            differences.append(f"not generated by this config: {actual_dir / name}")
        else:
            want, have = expected[name].read_bytes(), actual[name].read_bytes()
            if want != have and not (name == MANIFEST and _same_manifest(want, have)):
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
    return CheckResult(
        files=len(expected) + len(reused),
        differences=tuple(differences),
        left_alone=tuple(left_alone),
    )
