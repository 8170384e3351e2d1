"""Rules read off the raw YAML, before and beside the model's: what a config holds that
no field check should see (cdktf token text, placeholders `mcpl init` left), and rules
across fields that hold on the raw values, so that they are reported in the same run as
any field's problem (pydantic runs a model's cross-field rules only once every field of
it validated). Every problem at once: `validate_config` merges these with the model's.
"""

from __future__ import annotations

import re
from typing import Any

from maxcompute_privatelink.errors import Finding, Loc, Problem
from maxcompute_privatelink.model.diagnostics import finding
from maxcompute_privatelink.model.fields import is_token, shown
from maxcompute_privatelink.model.regions import REGIONS

_PLACEHOLDER = re.compile(r"<([^<>]+)>")
"""What `mcpl init` writes where only the user knows the value: ``<what goes here>``."""
CHANGE_ME = "CHANGE-ME"
"""What `mcpl init` writes in an id only the user knows: ``vsw-CHANGE-ME``."""


FILLED_IN = frozenset({"maxcompute", "tunnel", "vswitch_id", "vpc_id"})
"""The fields `mcpl init` may leave a placeholder in (``endpoint_urls.*``, the ids of an
existing network): elsewhere ``<...>`` is taken as written."""


def _finding(data: Any, path: Loc, message: str) -> Finding:
    return finding(Problem(path, message), data)


def _placeholder(data: Any, path: Loc, value: str) -> str | None:
    """The message for a value `mcpl init` left to fill in, or None."""
    if path[-1] not in FILLED_IN:
        return None
    found = _PLACEHOLDER.fullmatch(value.strip())
    if found:
        return f"left from `mcpl init`: put {found.group(1).strip()} here"
    if CHANGE_ME not in value:
        return None
    if path[-1] == "vswitch_id" and len(path) >= 2:
        zone = _at(data, (*path[:-1], "zone_id"))
        where = f" in {zone}" if isinstance(zone, str) else ""
        return (
            f"left from `mcpl init`: put the id of your VPC's vSwitch{where} here (vsw-..., "
            "in the VPC console under vSwitches)"
        )
    return f"left from `mcpl init`: put the real value here in place of {shown(value)}"


def _at(data: Any, path: Loc) -> Any:
    node = data
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def text_findings(data: Any) -> list[Finding]:
    """Strings holding cdktf token text or a placeholder of `mcpl init`: each is its own
    problem, and no field check reports it again."""
    found: list[Finding] = []

    def walk(node: Any, path: Loc) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(key, path)
                walk(value, (*path, str(key)))
        elif isinstance(node, list):
            for index, item in enumerate(node):
                walk(item, (*path, index))
        elif is_token(node) or (isinstance(node, str) and "TfToken[" in node):
            found.append(_finding(data, path, (
                f"{shown(node)} is cdktf token text, which only Python code that passes the "
                "construct a token can give; write the literal value"
            )))  # fmt: skip
        elif isinstance(node, str) and path and (message := _placeholder(data, path, node)):
            found.append(_finding(data, path, message))

    walk(data, ())
    return found


def across_fields(data: Any) -> list[Finding]:
    """Rules across fields that hold on the raw values: a ticket-required region without
    ``ticket_approved: true``."""
    deployments = data.get("deployments") if isinstance(data, dict) else None
    found: list[Finding] = []
    for index, entry in enumerate(deployments if isinstance(deployments, list) else []):
        if not isinstance(entry, dict):
            continue
        region_id = entry.get("region")
        region = REGIONS.get(region_id) if isinstance(region_id, str) else None
        if (
            region is not None
            and region.ticket_required
            and entry.get("ticket_approved") is not True
        ):
            path = ("deployments", index, "ticket_approved")
            found.append(_finding(data, path, region.ticket_problem))
    return found
