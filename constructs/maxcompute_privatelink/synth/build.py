"""Build the stacks a config asks for into a folder, reusing the unchanged ones.

The part synth and check share: which stacks changed (``synth.incremental``, against this
machine's ``synth.cache``), building those (in this process or in workers), copying the
others byte for byte, and the manifest.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from maxcompute_privatelink.construct.emitter import FORMAT_VERSION, chosen
from maxcompute_privatelink.errors import NodeNotFoundError
from maxcompute_privatelink.layout import (
    MANIFEST,
    STACKS,
    holds_hcl,
    manifest_entry,
    stack_file_name,
)
from maxcompute_privatelink.synth import cache, progress
from maxcompute_privatelink.synth.cdktf_json import stable_json
from maxcompute_privatelink.synth.hcl import format_tree
from maxcompute_privatelink.synth.incremental import (
    fingerprint,
    record,
    sha256_of,
    source_key,
    stack_files,
    unchanged,
)
from maxcompute_privatelink.synth.output_dir import MARK
from maxcompute_privatelink.synth.parallel import Workers, worker_count
from maxcompute_privatelink.synth.state import state_paths

if TYPE_CHECKING:
    from maxcompute_privatelink.model.config import Deployment, PrivateLinkConfig


def hcl_requested(hcl: bool | None, out: Path) -> bool:
    """Whether to write HCL: ``--hcl`` or ``--json`` when given; else what `cdktf synth
    --hcl` asks of the app through its environment; else what ``out`` holds now, so
    that a repo keeps its format (JSON for a new output)."""
    if hcl is not None:
        return hcl
    if os.environ.get("SYNTH_HCL_OUTPUT") in ("true", "1"):
        return True
    return holds_hcl(out)


@dataclass(frozen=True)
class Built:
    counts: dict[str, int]
    rebuilt: tuple[str, ...]
    reused_files: frozenset[str]
    """The files (``stacks/<name>/<file>``) of the stacks reused: by the hashes this
    machine's synth recorded, what synth writes."""
    witness: cache.Witness
    """What was built, for the cache."""


def build_changed(
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
) -> Built:
    """Fill ``target`` with every stack and the manifest: the stacks of ``previous`` that
    are unchanged, copied byte for byte (unless not ``copy_reused``: check compares
    them by hash), and the others built (``out`` anchors the state paths).
    ``config_digest``: for the cache's ``source`` key (not for a config with warnings:
    check must load it to print them)."""
    backend = config.backend
    names = [d.name for d in config.deployments]
    paths = state_paths(config_dir, out, names)
    wanted = {
        name: fingerprint(d, backend, paths[name], hcl)
        for name, d in zip(names, config.deployments, strict=True)
    }
    recorded = {} if full else cache.load(out).stacks
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
    if changed:
        progress.report(f"building {len(changed)} of {len(names)} stacks")
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
    manifest = manifest_text(names, hcl).encode("utf-8")
    (target / MANIFEST).write_bytes(manifest)
    return Built(
        {name: entries[name].resources for name in names},
        tuple(d.name for d in changed),
        frozenset(f"{STACKS}/{name}/{f}" for name in reused for f in stack_files(hcl)),
        cache.Witness(entries, key, sha256_of(manifest)),
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
        progress.report(f"formatting {len(names)} stacks as HCL")
        format_tree(target / STACKS)
    return {name: counts[name] for name in names}


def manifest_text(names: list[str], hcl: bool) -> str:
    """``manifest.json`` as cdktf 0.21.0 writes it for these stacks (``lib/manifest.ts``),
    written here for both emitters, with ``FORMAT_VERSION``, plus synth's marker. Nothing
    else: what lets synth skip work is kept outside the repository (``synth.cache``), and
    one line per stack changes only when that stack comes or goes."""
    file_name = stack_file_name(hcl)
    manifest: dict[str, object] = {
        "generator": MARK,
        "stacks": {name: manifest_entry(name, file_name) for name in names},
        "version": FORMAT_VERSION,
    }
    return stable_json(manifest)
