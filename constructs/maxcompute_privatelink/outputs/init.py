"""``mcpl init``: a commented starter ``privatelink.yaml``, and the JSON Schema beside it
that its modeline names (editors with the YAML language server complete and check keys).

Nothing is overwritten that mcpl did not write: the config must not exist (it is
created exclusively), and an existing schema file is replaced only when it is mcpl's
(its ``$id`` says so).
"""

from __future__ import annotations

import ipaddress
import json
import os
from dataclasses import dataclass
from pathlib import Path

from maxcompute_privatelink import __version__
from maxcompute_privatelink.errors import ConfigFileError
from maxcompute_privatelink.model.config import SCHEMA_ID, json_schema
from maxcompute_privatelink.model.regions import get_region
from maxcompute_privatelink.outputs.render import environment

TEMPLATE = "privatelink.yaml.j2"
SCHEMA_FILE = "privatelink.schema.json"
"""Written beside the config; the modeline names it relatively."""
DEFAULT_REGION = "cn-hangzhou"
DEFAULT_VPC_CIDR = "10.0.0.0/16"
DEFAULT_NAME = "main"
GITIGNORE = ".gitignore"
IGNORED: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "Terraform state holds secrets; so may saved plans (`cdktf diff` saves stacks/<name>/plan)",
        ("*.tfstate", "*.tfstate.*", "*.tfplan", "tfplan", "**/stacks/*/plan"),
    ),
    (
        "Terraform's working folders (providers, modules); .terraform.lock.hcl is committed",
        (".terraform/",),
    ),
    ("client configs from `mcpl render` (credentials with --with-credentials)", ("client/",)),
    ("what a killed mcpl run leaves beside an output (the next run removes it)", (".*.mcpl-*",)),
    ("credentials kept beside the repo", (".env",)),
)
"""What ``mcpl init`` makes an infra repo's ``.gitignore`` hold: a comment, then its
patterns. ``cdktf.out/`` is committed, so it is not here."""


@dataclass(frozen=True)
class StarterZone:
    zone_id: str
    vswitch_cidr: str | None


@dataclass(frozen=True)
class StarterContext:
    """What ``privatelink.yaml.j2`` is rendered from."""

    version: str
    schema_file: str
    name: str
    region: str
    region_name: str
    ticket_required: bool
    vpc_id: str | None
    vpc_cidr: str | None
    zones: tuple[StarterZone, ...]


def _vswitch_blocks(vpc_cidr: str, count: int) -> list[str]:
    """The first ``count`` blocks of a vSwitch size inside the VPC: /24s, or halves and
    quarters of a smaller VPC (a vSwitch is /16 to /29)."""
    vpc = ipaddress.IPv4Network(vpc_cidr)
    prefix = min(max(vpc.prefixlen + 2, 24), 29)
    return [
        str(block) for _, block in zip(range(count), vpc.subnets(new_prefix=prefix), strict=False)
    ]


def starter(
    region_id: str, *, vpc_id: str | None, vpc_cidr: str | None, name: str = DEFAULT_NAME
) -> str:
    """The text of the starter config (validated by the caller as any config is)."""
    region = get_region(region_id)
    zone_ids = [region.zone_id(letter) for letter in "ab"]
    blocks = _vswitch_blocks(vpc_cidr, len(zone_ids)) if vpc_cidr else [None] * len(zone_ids)
    context = StarterContext(
        version=__version__,
        schema_file=SCHEMA_FILE,
        name=name,
        region=region.id,
        region_name=region.name,
        ticket_required=region.ticket_required,
        vpc_id=vpc_id,
        vpc_cidr=vpc_cidr,
        zones=tuple(StarterZone(z, b) for z, b in zip(zone_ids, blocks, strict=True)),
    )
    return environment().get_template(TEMPLATE).render(c=context)


def _is_ours(schema: Path) -> bool:
    try:
        data = json.loads(schema.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    return isinstance(data, dict) and data.get("$id") == SCHEMA_ID


def write_starter(config: Path, text: str) -> Path:
    """Create ``config`` with ``text`` and the schema beside it; the schema path."""
    schema = config.parent / SCHEMA_FILE
    if config.exists() or config.is_symlink():
        raise ConfigFileError(
            str(config),
            "exists; mcpl init only creates a new file: edit it, or pass --config NEW.yaml",
        )
    if (schema.exists() or schema.is_symlink()) and not _is_ours(schema):
        raise ConfigFileError(
            str(schema),
            "exists and is not the schema mcpl writes; move it, or init in another folder",
        )
    # the config first, created exclusively: when it cannot be, the schema is untouched
    try:
        descriptor = os.open(config, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise ConfigFileError(str(config), "appeared while writing; nothing overwritten") from None
    except OSError as error:
        raise ConfigFileError(
            str(config), f"cannot be written ({error.strerror}); nothing was written"
        ) from None
    try:
        schema.write_text(json_schema(), encoding="utf-8")
    except OSError as error:
        raise ConfigFileError(
            str(schema),
            f"cannot be written ({error.strerror}); {config} was written, the schema (for "
            "editors only) was not: `mcpl schema > privatelink.schema.json` writes it",
        ) from None
    return schema


def extend_gitignore(folder: Path) -> tuple[Path, list[str]]:
    """Create or extend ``folder``'s ``.gitignore`` with the patterns of ``IGNORED`` it
    lacks (a pattern counts when a line is exactly it), each group under its comment,
    appended: no line is ever removed or changed. The file and the patterns added."""
    path = folder / GITIGNORE
    try:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigFileError(
            str(path), f"cannot be read ({error}); add these lines yourself: {_all_patterns()}"
        ) from None
    present = {line.strip() for line in text.splitlines()}
    added: list[str] = []
    block: list[str] = []
    for comment, patterns in IGNORED:
        missing = [p for p in patterns if p not in present]
        if missing:
            block += [f"# {comment}", *missing]
            added += missing
    if not added:
        return path, []
    header = "# added by mcpl init" if text else "# mcpl init: what an infra repo must not commit"
    lead = "" if not text else ("\n" if text.endswith("\n") else "\n\n")
    try:
        with path.open("a", encoding="utf-8") as handle:
            handle.write(lead + "\n".join([header, *block]) + "\n")
    except OSError as error:
        raise ConfigFileError(
            str(path),
            f"cannot be written ({error.strerror}); add these lines yourself: {_all_patterns()}",
        ) from None
    return path, added


def _all_patterns() -> str:
    return " ".join(p for _, patterns in IGNORED for p in patterns)
