"""Reading ``privatelink.yaml`` into plain data, with the checks that need no model.

Apart from the models (``config.py``) so that the CLI can read a file, and start synth
workers on what it holds, before it pays for importing and building the models.
"""

from __future__ import annotations

import hashlib
import os
import select
import stat
import time
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from maxcompute_privatelink.errors import ConfigFileError

_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser where PyYAML was built with it (five times faster), else PyYAML's."""


class _UniqueKeyLoader(_SafeLoader):  # type: ignore[misc,valid-type]
    """A safe loader for plain data only: keys are plain values and appear once (YAML
    merge keys ``<<`` are applied, and a key given beside them overrides the merged one);
    dates stay the text they are written as; sets, binary, ordered maps and pairs are
    refused, since their order or type would change the output from run to run."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            mark = key_node.start_mark
            if not isinstance(key_node, yaml.ScalarNode):
                raise yaml.constructor.ConstructorError(
                    None, None, "a key must be a plain value, not a list or a mapping", mark
                )
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"duplicate key {key!r}, first on line {seen[key]}; each key may appear "
                    "once: keep one",
                    mark,
                )
            seen[key] = mark.line + 1
        self.flatten_mapping(node)
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping

    def construct_plain_text(self, node: yaml.ScalarNode) -> str:
        return str(self.construct_scalar(node))

    def refuse_type(self, node: yaml.Node) -> None:
        kind = node.tag.rsplit(":", 1)[-1]
        raise yaml.constructor.ConstructorError(
            None,
            None,
            f"!!{kind} values are not allowed; write plain text, numbers, lists and mappings",
            node.start_mark,
        )


_UniqueKeyLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", _UniqueKeyLoader.construct_plain_text
)
for _tag in ("set", "binary", "omap", "pairs"):
    _UniqueKeyLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _UniqueKeyLoader.refuse_type)


MAX_CONFIG_BYTES = 1024 * 1024
"""A config file describes a fleet of VPCs in well under a megabyte."""

MAX_CONFIG_NODES = 100_000
"""Values in the parsed file, aliases counted each time they are used: refuses YAML
alias bombs ("billion laughs") before anything walks them."""


def _count_nodes(data: Any, budget: int) -> int:
    """How many values ``data`` holds, stopping once past ``budget``."""
    count, stack = 0, [data]
    while stack and count <= budget:
        item = stack.pop()
        count += 1
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return count


READ_TIMEOUT = 10.0
"""Seconds a pipe or device given as the config may take to deliver it all."""


def _read_special(path: Path, shown: str) -> bytes:
    """Up to ``MAX_CONFIG_BYTES + 1`` of a FIFO (``--config <(...)``) or device, within
    ``READ_TIMEOUT``: a pipe nobody writes to fails instead of hanging. Opened without
    blocking, so that a FIFO with no writer does not hang the open either."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        deadline = time.monotonic() + READ_TIMEOUT
        chunks: list[bytes] = []
        size = 0
        while size <= MAX_CONFIG_BYTES:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ConfigFileError(
                    shown,
                    f"gave no end of data within {READ_TIMEOUT:g} s (a pipe nobody writes "
                    "to?); pass a file",
                )
            if not select.select([descriptor], [], [], left)[0]:
                continue
            try:
                chunk = os.read(descriptor, 65536)
            except BlockingIOError:
                continue
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(descriptor)


def _read_text(path: Path, shown: str) -> str:
    """At most ``MAX_CONFIG_BYTES`` of ``path`` as text: a FIFO (``--config <(...)``) and a
    device are read up to the cap and within ``READ_TIMEOUT``, never without end."""
    missing = "no such file; pass --config PATH, or run `mcpl init` to write a starter"
    try:
        info = path.stat()
        if stat.S_ISREG(info.st_mode) and info.st_size > MAX_CONFIG_BYTES:
            raise ConfigFileError(
                shown,
                f"is {info.st_size:,} bytes; a config file may be at most {MAX_CONFIG_BYTES:,}",
            )
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError
        if stat.S_ISREG(info.st_mode):
            with path.open("rb") as handle:
                raw = handle.read(MAX_CONFIG_BYTES + 1)
        else:
            raw = _read_special(path, shown)
    except FileNotFoundError:
        raise ConfigFileError(shown, missing) from None
    except IsADirectoryError:
        raise ConfigFileError(shown, "is a folder; pass the YAML file with --config") from None
    except OSError as error:
        raise ConfigFileError(shown, f"cannot be read ({error.strerror})") from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigFileError(
            shown, f"holds more than {MAX_CONFIG_BYTES:,} bytes, the most a config file may"
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigFileError(shown, "is not UTF-8 text; save it as UTF-8 YAML") from None


@dataclass(frozen=True)
class ConfigSource:
    """A config file as read once: its text, parsed on first use (``data``), and the
    digest of its bytes."""

    shown: str
    """The path as the user gave it, for messages."""
    text: str

    @cached_property
    def digest(self) -> str:
        """sha256 of the file's bytes (the text decoded from UTF-8 without error encodes
        back to the very bytes read): what synth records, so that a later ``check`` of
        the same bytes can trust the committed output without parsing it or building the
        models (``synth.incremental``)."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @cached_property
    def data(self) -> dict[str, Any]:
        """The parsed YAML; ``ConfigFileError`` when it cannot be the config."""
        return _parse(self.text, self.shown)

    @cached_property
    def deployment_names(self) -> list[str]:
        """Each deployment's ``name`` as written, read without validating (an entry
        without a string name is skipped): for what is decided before the models are
        built."""
        deployments = self.data.get("deployments")
        return [
            entry["name"]
            for entry in (deployments if isinstance(deployments, list) else [])
            if isinstance(entry, dict) and isinstance(entry.get("name"), str)
        ]


def read_config_data(path: Path) -> Any:
    """The parsed YAML of ``path``; ``ConfigFileError`` when it cannot be the config."""
    return read_config_source(path).data


def read_config_source(path: Path) -> ConfigSource:
    """``path`` read once; ``ConfigFileError`` when it cannot be read."""
    shown = str(path)
    return ConfigSource(shown, _read_text(path, shown))


def _parse(text: str, shown: str) -> dict[str, Any]:
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise ConfigFileError(shown, f"not valid YAML: {where}{error.problem}") from None
    except yaml.YAMLError as error:
        raise ConfigFileError(shown, f"not valid YAML: {error}") from None
    if _count_nodes(data, MAX_CONFIG_NODES) > MAX_CONFIG_NODES:
        raise ConfigFileError(
            shown,
            f"expands to more than {MAX_CONFIG_NODES:,} values (YAML aliases used over and "
            "over); write the deployments out",
        )
    if data is None:
        raise ConfigFileError(
            shown,
            "is empty; it needs a top-level 'deployments:' list (`mcpl init` writes a starter)",
        )
    if not isinstance(data, dict):
        raise ConfigFileError(
            shown,
            f"the top level is a {type(data).__name__}; it must be a mapping with a "
            "'deployments:' list (`mcpl init` writes a starter)",
        )
    return data
