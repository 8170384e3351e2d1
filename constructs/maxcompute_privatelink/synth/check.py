"""``check``: the drift gate CI and pre-commit run.

It synthesizes into a temporary folder and compares the generated files with ``OUT``,
one diff per file that differs. Stacks are taken as they are only when their files hash
as this machine's synth wrote them for the same inputs (``synth.cache``), never because
a committed record says so; with no cache (a fresh clone, a CI runner) everything is
built and compared.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from maxcompute_privatelink.layout import MANIFEST, STACK_FILES, STACKS, manifest_stacks
from maxcompute_privatelink.synth import cache, progress
from maxcompute_privatelink.synth.build import build_changed
from maxcompute_privatelink.synth.incremental import sha256_of, source_key, stack_files, unchanged
from maxcompute_privatelink.synth.output_dir import physical
from maxcompute_privatelink.synth.parallel import Workers
from maxcompute_privatelink.synth.state import other_configs, state_file_conflicts, state_paths

if TYPE_CHECKING:
    from maxcompute_privatelink.model.config import PrivateLinkConfig
    from maxcompute_privatelink.model.config_file import ConfigSource


def generated(parts: tuple[str, ...]) -> bool:
    """Whether a path in ``OUT`` (relative parts) is one synth writes."""
    return parts == (MANIFEST,) or (
        len(parts) == 3 and parts[0] == STACKS and parts[2] in STACK_FILES
    )


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
    differing: tuple[str, ...] = ()
    """Each file that differs, relative to OUT, with how: ``<path> changed``, ``missing``,
    ``not generated`` or ``not a regular file``; in the order of ``differences``."""


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
    """Compare what synth would write to ``out`` with what is there. Stacks whose files
    hash as this machine built them for the same inputs (``synth.cache``) are taken as
    they are: with nothing changed, no Node. Any other stack is built again, and its
    diff shown. Folders under ``stacks/`` that are neither a deployment nor listed in the
    committed manifest are the user's: left alone. ``config_digest``: as for
    ``synthesize``."""
    previous = physical(out)
    ours = frozenset(d.name for d in config.deployments) | (manifest_stacks(previous) or set())
    with tempfile.TemporaryDirectory(prefix="mcpl-check.") as scratch:
        expected = Path(scratch)
        built = build_changed(
            expected, previous, config, config_dir=config_dir, out=out, hcl=hcl,
            full=full, workers=workers, copy_reused=False, config_digest=config_digest,
        )  # fmt: skip
        progress.report("comparing with the committed files")
        result = _compare(expected, out, reused=built.reused_files, stacks=ours)
    cache.save(out, built.witness)
    return dataclasses.replace(result, stacks=built.counts)


def check_unchanged(
    config_path: Path, out: Path, hcl: bool, source: ConfigSource
) -> CheckResult | None:
    """``check`` without the models, for a config whose bytes are the ones this machine
    last built ``out`` from (the cache's ``source`` key matches, ``synth.incremental``):
    the result when ``out`` holds what those bytes give, the manifest and every stack
    file hashing as this machine wrote them, nothing missing, extra or a link. None when
    it cannot tell: then check builds the models and compares as usual, which names each
    difference."""
    previous = physical(out)
    witness = cache.load(out)
    entries = witness.stacks
    if witness.source is None or witness.manifest is None or not entries:
        return None
    names = list(entries)
    key = source_key(source.digest, state_paths(config_path.parent, out, names), hcl)
    if witness.source != key:
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
    manifest = previous / MANIFEST
    try:
        if manifest.is_symlink() or sha256_of(manifest.read_bytes()) != witness.manifest:
            return None
    except OSError:
        return None
    # every file synth writes is verified: what is left is anything missing, extra or a link
    verified = {MANIFEST} | {f"{STACKS}/{name}/{f}" for name in names for f in stack_files(hcl)}
    with tempfile.TemporaryDirectory(prefix="mcpl-check.") as nothing_to_build:
        result = _compare(
            Path(nothing_to_build), out, reused=frozenset(verified), stacks=frozenset(names)
        )
    if result.differences:
        return None
    return dataclasses.replace(result, stacks={name: entries[name].resources for name in names})


def _scan(
    root: Path, stacks: frozenset[str] | None = None
) -> tuple[dict[str, Path], list[str], list[str]]:
    """``root``'s generated files (by relative path), the entries synth does not generate
    (folders with a trailing ``/``, not descended into), and generated paths that are
    symbolic links. Never follows a link. ``stacks``: the stack folders that are synth's
    (default: every folder under ``stacks/``); any other is the user's."""
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
            container = relative == (STACKS,) or (
                len(relative) == 2 and relative[0] == STACKS and (stacks is None or name in stacks)
            )
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


def _compare(
    expected_dir: Path, actual_dir: Path, reused: frozenset[str], stacks: frozenset[str]
) -> CheckResult:
    """``reused``: files (relative paths) already known to be what synth writes, not in
    ``expected_dir``: unchanged stacks' files, which hash as this machine wrote them (and,
    for ``check_unchanged``, the manifest). Any other file there is compared as usual.
    ``stacks``: the stack folders of ``actual_dir`` that are synth's."""
    expected = _scan(expected_dir)[0]
    actual, left_alone, links = _scan(physical(actual_dir), stacks)
    differences: list[str] = [
        f"not a regular file: {actual_dir / name} (synth writes a file there; never followed)"
        for name in links
    ]
    differing = [f"{name} not a regular file" for name in links]
    for name in sorted(expected.keys() | actual.keys()):
        if name in links or name in reused:
            continue
        if name not in actual:
            differences.append(f"missing: {actual_dir / name}")
            differing.append(f"{name} missing")
        elif name not in expected:
            differences.append(f"not generated by this config: {actual_dir / name}")
            differing.append(f"{name} not generated")
        else:
            want, have = expected[name].read_bytes(), actual[name].read_bytes()
            if want != have:
                differing.append(f"{name} changed")
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
        differing=tuple(differing),
    )
