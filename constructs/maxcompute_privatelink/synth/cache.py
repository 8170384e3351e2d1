"""What this machine's synth and check built, kept where a pull request cannot write.

The committed output is written by whoever edits the repository, a pull request
included: a record kept there (a hash, a fingerprint) proves nothing, since whoever
edits a stack file can edit its record too. So the facts that let synth and check skip
building a stack live in the user's cache folder, outside the repository:

- per stack, its fingerprint (everything its bytes depend on,
  ``incremental.fingerprint``) and the sha256 of each file synth wrote for it;
- per output, the ``source`` key of the config bytes it was built from
  (``incremental.source_key``) and the sha256 of the manifest they give.

Each fact says what synth *writes* for given inputs, never what a repository holds, and
the keys cover the tool's own code: a fact is true forever, so an old one is at worst
unused, never wrong. A committed file is reused (or passed by check) only when it hashes
as this machine's synth wrote it for the same inputs; anything else is built again and
compared. A fresh clone, or a CI runner, has no cache: everything is built and compared
in full.

Where: ``$MCPL_CACHE_DIR``, else ``$XDG_CACHE_HOME/maxcompute-privatelink``, else
``~/.cache/maxcompute-privatelink``; ``MCPL_CACHE_DIR=off`` keeps none. One file per
output folder (by its physical path), replaced whole on each write; a file that is not
the user's own, is writable by others, or does not parse is ignored.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from maxcompute_privatelink.synth.output_dir import physical

CACHE_ENV = "MCPL_CACHE_DIR"
"""Where the cache lives; ``off`` keeps none."""

SCHEME = 1
"""Bumped when what a cache file holds changes: older files are ignored."""

MAX_CACHE_BYTES = 64 * 1024 * 1024
"""A file records hashes per stack: far below this for any fleet."""


@dataclass(frozen=True)
class StackEntry:
    """What synth wrote for one stack."""

    fingerprint: str
    files: dict[str, str]
    """File name -> sha256 of its bytes, for each file synth wrote in the stack folder."""
    resources: int


@dataclass(frozen=True)
class Witness:
    """What this machine's synth wrote (or check built) for one output folder."""

    stacks: dict[str, StackEntry] = field(default_factory=dict)
    """By stack name, in config order."""
    source: str | None = None
    """The ``source`` key of the config bytes the stacks were built from; None for a
    config with warnings (check and synth must load it to print them)."""
    manifest: str | None = None
    """sha256 of the manifest.json those bytes give."""


def root() -> Path | None:
    """The cache folder, or None when ``MCPL_CACHE_DIR=off``."""
    explicit = os.environ.get(CACHE_ENV, "")
    if explicit == "off":
        return None
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path("~/.cache").expanduser()) / "maxcompute-privatelink"


def _file_of(out: Path) -> Path | None:
    folder = root()
    if folder is None:
        return None
    name = hashlib.sha256(os.fsencode(physical(out))).hexdigest()[:40]
    return folder / "outputs" / f"{name}.json"


def _trusted(path: Path) -> bool:
    """A regular file of this user's, writable by no one else (not a link)."""
    try:
        info = path.lstat()
    except OSError:
        return False
    return (
        stat.S_ISREG(info.st_mode)
        and info.st_uid == os.geteuid()
        and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
        and info.st_size <= MAX_CACHE_BYTES
    )


def load(out: Path) -> Witness:
    """What the cache knows of ``out``; an empty witness when nothing (or nothing usable)."""
    path = _file_of(out)
    if path is None or not _trusted(path):
        return Witness()
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return Witness()
    if not isinstance(data, dict) or data.get("scheme") != SCHEME:
        return Witness()
    source, manifest = data.get("source"), data.get("manifest")
    return Witness(
        stacks=_entries(data.get("stacks")),
        source=source if isinstance(source, str) else None,
        manifest=manifest if isinstance(manifest, str) else None,
    )


def _entries(raw: object) -> dict[str, StackEntry]:
    if not isinstance(raw, dict):
        return {}
    entries: dict[str, StackEntry] = {}
    for name, item in raw.items():
        if (
            isinstance(item, dict)
            and isinstance(item.get("fingerprint"), str)
            and isinstance(item.get("files"), dict)
            and all(isinstance(v, str) for v in item["files"].values())
            and isinstance(item.get("resources"), int)
        ):
            entries[name] = StackEntry(item["fingerprint"], dict(item["files"]), item["resources"])
    return entries


def save(out: Path, witness: Witness) -> None:
    """Record ``witness`` for ``out``, replacing what was there. A cache that cannot be
    written only costs speed: nothing is raised."""
    path = _file_of(out)
    if path is None:
        return
    data = {
        "scheme": SCHEME,
        "out": str(physical(out)),
        "source": witness.source,
        "manifest": witness.manifest,
        "stacks": {
            name: {"fingerprint": e.fingerprint, "files": e.files, "resources": e.resources}
            for name, e in witness.stacks.items()
        },
    }
    with contextlib.suppress(OSError):
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor, staging = tempfile.mkstemp(prefix=".mcpl-", dir=path.parent)
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                json.dump(data, handle, separators=(",", ":"))
            Path(staging).replace(path)
        except BaseException:
            Path(staging).unlink(missing_ok=True)
            raise
