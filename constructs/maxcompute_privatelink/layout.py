"""What a synthesized stack folder says: the committed output is synth's memory.

Synth reads the previous output before it replaces it, to refuse changes that would
lose track of live resources: a protected endpoint or zone binding whose block would
disappear, a deployment that leaves the config while its state still holds resources.
Stack files are read as synth wrote them: ``cdk.tf.json`` as JSON, ``cdk.tf`` as
Terraform's formatter lays it out (top-level blocks open and close at column 0).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_CONFIG = "privatelink.yaml"
"""The deployments file every command reads unless given ``--config``."""

DEFAULT_OUT = "cdktf.out"
"""The output synth writes and the other commands read unless given ``--out``."""

STACKS = "stacks"
"""The folder of the stack folders, inside the output."""

STACK_NAME = re.compile(r"[a-z][a-z0-9-]{0,39}")
"""A deployment's name, which names its stack and the stack's folder: never a path."""

GENERATOR = "maxcompute-privatelink"
"""The ``generator`` value in every marker file mcpl writes."""

JSON_FILE = "cdk.tf.json"
HCL_FILE = "cdk.tf"
METADATA_FILE = "metadata.json"
STACK_FILES = (JSON_FILE, HCL_FILE, METADATA_FILE)
"""Every file synth writes in a stack folder; nothing else there is synth's."""

TERRAFORM_CACHE = ".terraform"
"""What `terraform init` writes in a stack folder: a cache, made again by the next init."""

SAVED_PLAN = "plan"
"""The plan `cdktf diff` saves in a stack folder (cdktf-cli 0.21 and cdktn-cli 0.24,
cli-core ``models/terraform-cli.ts``, ``plan``: ``terraform plan -out plan``), made again
by the next diff."""

TERRAFORM_WORKING_FILES = (TERRAFORM_CACHE, ".terraform.lock.hcl", SAVED_PLAN)
"""What Terraform and the cdktf CLIs write in a stack folder: a stack folder that holds
nothing else may go when its deployment leaves the config."""

STALE_WHEN_RENAMED = (TERRAFORM_CACHE, SAVED_PLAN)
"""What a renamed stack does not take along: its backend changed, so the next `terraform
init` (or `cdktf diff`) makes them again; the lock file goes along."""

MAX_STATE_BYTES = 64 * 1024 * 1024


def read_json_file(path: Path, *, limit: int) -> object:
    """The JSON in ``path`` (up to ``limit`` bytes), or ``None`` when it is missing, too
    large, unreadable or not JSON: for files mcpl only inspects (markers, state)."""
    try:
        if path.stat().st_size > limit:
            return None
        data: object = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError, RecursionError):
        return None
    return data


MANIFEST = "manifest.json"
"""cdktf's manifest, with ``generator`` added: the marker of synth's output folder."""

MAX_MANIFEST_BYTES = 16 * 1024 * 1024
"""A manifest lists stack names and paths: far below this for any fleet."""


def read_manifest(folder: Path) -> dict[str, object] | None:
    """``folder``'s manifest.json as JSON, or None (missing, a link, not an object)."""
    path = folder / MANIFEST
    if path.is_symlink() or not path.is_file():
        return None
    data = read_json_file(path, limit=MAX_MANIFEST_BYTES)
    return data if isinstance(data, dict) else None


LEGACY_MANIFEST_KEYS = frozenset({"fingerprints", "source"})
"""What mcpl 0.2 also kept in the manifest (records that now live in this machine's
cache, ``synth.cache``): still mcpl's manifest; the next synth drops them."""


def manifest_entry(name: str, file_name: str) -> dict[str, object]:
    """The manifest's entry for stack ``name``, as cdktf 0.21.0 writes it
    (``lib/manifest.ts``), its stack in ``file_name``."""
    return {
        "annotations": [],
        "constructPath": name,
        "dependencies": [],
        "name": name,
        "stackMetadataPath": f"{STACKS}/{name}/{METADATA_FILE}",
        "synthesizedStackPath": f"{STACKS}/{name}/{file_name}",
        "workingDirectory": f"{STACKS}/{name}",
    }


def manifest_stacks(folder: Path, *, unmarked: bool = False) -> frozenset[str] | None:
    """The stacks that ``folder``'s manifest says synth wrote, or None when it is not the
    manifest synth writes: missing, a link, without mcpl's ``generator``, with keys synth
    does not write, or any stack entry not exactly what synth writes for a stack name
    (so never a path). Only these stack folders are mcpl's; any other is the user's.
    ``unmarked``: also cdktf's manifest as mcpl 0.1 wrote it, without the mark."""
    files = _manifest_files(folder, unmarked=unmarked)
    return None if files is None else frozenset(files)


def _manifest_files(folder: Path, *, unmarked: bool = False) -> dict[str, str] | None:
    """Each stack of ``folder``'s manifest and the file synth wrote it to (``cdk.tf.json``
    or ``cdk.tf``), when it is the manifest synth writes (``manifest_stacks``)."""
    data = read_manifest(folder)
    if data is None:
        return None
    if data.get("generator") == GENERATOR:
        allowed = {"generator", "stacks", "version"} | LEGACY_MANIFEST_KEYS
    elif unmarked and "generator" not in data:
        allowed = {"stacks", "version"}
    else:
        return None
    stacks = data.get("stacks")
    if set(data) - allowed or not isinstance(stacks, dict):
        return None
    files: dict[str, str] = {}
    for name, entry in stacks.items():
        written = next((f for f in (JSON_FILE, HCL_FILE) if entry == manifest_entry(name, f)), None)
        if not STACK_NAME.fullmatch(name) or written is None:
            return None
        files[name] = written
    return files


def stack_file_name(hcl: bool) -> str:
    """The file synth writes a stack to: ``cdk.tf`` with ``--hcl``, else ``cdk.tf.json``."""
    return HCL_FILE if hcl else JSON_FILE


_BLOCK = re.compile(r"^(resource|terraform|output)\b([^\n]*)\{\n(.*?)^\}", re.M | re.S)
_ANY_BLOCK = re.compile(r'^[a-z_]+(?: "[^"\n]*")* ?\{(?:\}|\n.*?^\})[ \t]*$', re.M | re.S)
"""Any top-level block as Terraform's formatter lays it out."""
_OUTPUT_VALUE = re.compile(r'^[ \t]*value[ \t]*=[ \t]*(?:"((?:[^"\\\n]|\\.)*)"[ \t]*)?(.*)$', re.M)
_HCL_ESCAPES = re.compile(r'\\(["\\nrt])|\$\$\{|%%\{')
_LABELS = re.compile(r'"([^"]+)"')
_PREVENT_DESTROY = re.compile(r"\bprevent_destroy\b")
_NOT_PROTECTED = re.compile(r"\bprevent_destroy\s*=\s*false\b")
_CONFLICT = re.compile(r"^(<{7}|={7}|>{7}|\|{7})(?: |$)", re.M)
"""A merge-conflict marker line, as git writes them."""
_LOCAL_PATH = re.compile(r'backend "local" \{\s*\n\s*path\s*=\s*"([^"\n]*)"')


@dataclass(frozen=True)
class StackRecord:
    """One stack folder of a previous synth."""

    name: str
    addresses: frozenset[str]
    """Every managed resource address (``type.name``)."""
    protected: frozenset[str]
    """The addresses with ``lifecycle { prevent_destroy = true }``."""
    local_state: str | None
    """The local backend's ``path`` as written (relative to the stack folder), or None
    with a remote backend."""
    certain: bool = True
    """Whether the file was read with certainty: False when it is not JSON, holds
    merge-conflict markers, or (HCL) has text outside the top-level blocks synth writes;
    then what it protects and where its state is are unknown."""


def read_stack(folder: Path) -> StackRecord | None:
    """The record of ``folder``, or None when synth wrote no stack file there."""
    json_file, hcl_file = folder / JSON_FILE, folder / HCL_FILE
    if json_file.is_file() and not json_file.is_symlink():
        return _from_json(folder.name, json_file)
    if hcl_file.is_file() and not hcl_file.is_symlink():
        return _from_hcl(folder.name, hcl_file.read_text(encoding="utf-8", errors="replace"))
    return None


def _from_json(name: str, path: Path) -> StackRecord:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        data = None
    if not isinstance(data, dict):
        return StackRecord(name, frozenset(), frozenset(), None, certain=False)
    addresses: set[str] = set()
    protected: set[str] = set()
    resources = data.get("resource")
    for kind, bodies in resources.items() if isinstance(resources, dict) else ():
        for resource, body in bodies.items() if isinstance(bodies, dict) else ():
            address = f"{kind}.{resource}"
            addresses.add(address)
            lifecycle = body.get("lifecycle") if isinstance(body, dict) else None
            # anything but an absent or false prevent_destroy counts: fail closed
            if isinstance(lifecycle, dict) and lifecycle.get("prevent_destroy", False) is not False:
                protected.add(address)
    local = _dig(data, "terraform", "backend", "local", "path")
    return StackRecord(
        name, frozenset(addresses), frozenset(protected), local if isinstance(local, str) else None
    )


def _from_hcl(name: str, text: str) -> StackRecord:
    """What ``text`` (a ``cdk.tf`` as Terraform's formatter lays it out) holds. A
    resource counts as protected when its block mentions ``prevent_destroy`` at all,
    in any layout, unless it is set to false."""
    addresses: set[str] = set()
    protected: set[str] = set()
    local: str | None = None
    outside = _ANY_BLOCK.sub("", text)
    certain = not _CONFLICT.search(text) and not any(
        line.strip() and not line.lstrip().startswith(("#", "//")) for line in outside.splitlines()
    )
    for block in _BLOCK.finditer(text):
        kind, labels, body = block.groups()
        if kind == "terraform":
            found = _LOCAL_PATH.search(body)
            local = found.group(1) if found else None
            continue
        names = _LABELS.findall(labels)
        if len(names) != 2:
            continue
        address = ".".join(names)
        addresses.add(address)
        mentions = len(_PREVENT_DESTROY.findall(body))
        if mentions and len(_NOT_PROTECTED.findall(body)) < mentions:
            protected.add(address)
    return StackRecord(name, frozenset(addresses), frozenset(protected), local, certain)


def _dig(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def holds_hcl(out: Path) -> bool:
    """Whether the output ``out`` holds HCL stacks: what its manifest says synth wrote
    last (a stray ``cdk.tf`` beside a JSON stack does not change that); without one,
    whether any stack folder holds a ``cdk.tf``."""
    files = _manifest_files(out)
    if files:
        return HCL_FILE in files.values()
    return any(out.glob(f"{STACKS}/*/{HCL_FILE}"))


def read_outputs(folder: Path) -> tuple[Path, dict[str, str | None]] | None:
    """The stack file in ``folder`` and its outputs, JSON or HCL: each literal value as
    text, None where it is an expression (a reference, known after apply); None when
    synth wrote no stack file there."""
    json_file, hcl_file = folder / JSON_FILE, folder / HCL_FILE
    if json_file.is_file():
        try:
            data = json.loads(json_file.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            return json_file, {}
        outputs = data.get("output") if isinstance(data, dict) else None
        values = {
            key: body.get("value") if isinstance(body, dict) else None
            for key, body in (outputs.items() if isinstance(outputs, dict) else ())
        }
        return json_file, {k: v if isinstance(v, str) else None for k, v in values.items()}
    if hcl_file.is_file():
        found: dict[str, str | None] = {}
        for block in _BLOCK.finditer(hcl_file.read_text(encoding="utf-8", errors="replace")):
            kind, labels, body = block.groups()
            names = _LABELS.findall(labels)
            value = _OUTPUT_VALUE.search(body)
            if kind != "output" or len(names) != 1 or value is None:
                continue
            literal, rest = value.groups()
            found[names[0]] = _unescape(literal) if literal is not None and not rest else None
        return hcl_file, found
    return None


def _unescape(literal: str) -> str:
    """An HCL string literal's text, as Terraform reads it (the escapes cdktf writes)."""
    plain = {'"': '"', "\\": "\\", "n": "\n", "r": "\r", "t": "\t"}

    def one(match: re.Match[str]) -> str:
        if match.group(1) is not None:
            return plain[match.group(1)]
        return "${" if match.group(0).startswith("$") else "%{"

    return _HCL_ESCAPES.sub(one, literal)


class PreviousStacks(Mapping[str, StackRecord]):
    """The stacks a previous synth left, by name; each file is read when its record is
    first asked for (an incremental synth asks for few of them)."""

    def __init__(self, folders: dict[str, Path]) -> None:
        self._folders = folders
        self._records: dict[str, StackRecord] = {}

    def __getitem__(self, name: str) -> StackRecord:
        if name not in self._records:
            record = read_stack(self._folders[name])
            if record is None:  # the file went away since the folders were listed
                raise KeyError(name)
            self._records[name] = record
        return self._records[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._folders)

    def __len__(self) -> int:
        return len(self._folders)


def _has_stack_file(folder: Path) -> bool:
    return any(
        (folder / name).is_file() and not (folder / name).is_symlink()
        for name in (JSON_FILE, HCL_FILE)
    )


def previous_stacks(out: Path, owned: frozenset[str]) -> PreviousStacks:
    """The stacks a previous synth left in ``out``: the folders of ``owned`` (the stacks
    its manifest lists, ``manifest_stacks``) that hold a stack file. A folder the
    manifest does not list is the user's, whatever it holds."""
    stacks = out / STACKS
    if not stacks.is_dir() or stacks.is_symlink():
        return PreviousStacks({})
    return PreviousStacks(
        {
            folder.name: folder
            for folder in sorted(stacks.iterdir())
            if folder.name in owned
            and folder.is_dir()
            and not folder.is_symlink()
            and _has_stack_file(folder)
        }
    )


def live_resources(state: Path) -> int | None:
    """Managed resource instances that the Terraform state file ``state`` tracks: 0 when
    there is no file; None when it cannot be read, or is a link to nothing (a share not
    mounted): both count as "maybe some"."""
    if not state.exists():
        return None if state.is_symlink() else 0
    data = read_json_file(state, limit=MAX_STATE_BYTES)
    if not isinstance(data, dict):
        return None
    resources = data.get("resources", [])
    if not isinstance(resources, list):
        return None
    return sum(
        len(resource.get("instances") or [])
        for resource in resources
        if isinstance(resource, dict) and resource.get("mode", "managed") == "managed"
    )


def user_entries(folder: Path) -> list[str]:
    """What ``folder`` (a stack folder) holds that synth did not write, by name."""
    if not folder.is_dir():
        return []
    return sorted(
        entry.name + ("/" if entry.is_dir() and not entry.is_symlink() else "")
        for entry in folder.iterdir()
        if entry.name not in STACK_FILES
    )
