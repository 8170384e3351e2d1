"""Who may call what: the stand-in's RAM, as strict as the cloud's.

Each operation of each resource (create, read, update, delete) and of the data source
performs the API actions the real provider calls in it, waits, describes and tag calls
included: ``ram_actions.json`` lists them with the provider file and line each comes
from (the table is data; this module only walks it). When ``MCPL_STANDIN_POLICY`` names
a RAM policy document (the JSON ``mcpl ci github --print-policies`` prints), an action
the policy does not allow is refused as the cloud refuses it: ``Forbidden.RAM``, naming
the action. Every action performed is appended to the file ``MCPL_STANDIN_CALLS`` names,
so that a test can tell which printed actions no call used.
"""

from __future__ import annotations

import fnmatch
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TABLE_FILE = Path(__file__).resolve().parent / "ram_actions.json"
POLICY_VARIABLE = "MCPL_STANDIN_POLICY"
CALLS_VARIABLE = "MCPL_STANDIN_CALLS"

TABLE: dict[str, Any] = json.loads(TABLE_FILE.read_text())


@dataclass(frozen=True)
class Call:
    action: str
    at: str


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _changed(
    name: str, prior: dict[str, Any] | None, planned: dict[str, Any], defaults: dict[str, Any]
) -> bool:
    """helper/schema's ``d.HasChange``: on create, whether the attribute is set at all, by
    the config or by its schema ``Default`` (which the SDK applies before Create)."""
    if prior is None:
        return not _empty(planned.get(name)) or not _empty(defaults.get(name))
    return bool(prior.get(name) != planned.get(name))


def _tags(prior: dict[str, Any] | None, planned: dict[str, Any]) -> tuple[bool, bool]:
    """Whether tags were added (or their values changed), and whether some were removed
    (the provider's ``parsingTags``)."""
    before = (prior or {}).get("tags") or {}
    after = planned.get("tags") or {}
    added = any(before.get(key) != value for key, value in after.items())
    removed = any(key not in after for key in before)
    return added, removed


def _applies(
    when: dict[str, Any],
    prior: dict[str, Any] | None,
    planned: dict[str, Any],
    found: bool,
    defaults: dict[str, Any],
) -> bool:
    if "new" in when and when["new"] != (prior is None):
        return False
    changed = when.get("changed", ())
    if changed and not any(_changed(n, prior, planned, defaults) for n in changed):
        return False
    if "tags" in when:
        added, removed = _tags(prior, planned)
        if not (added if when["tags"] == "added" else removed):
            return False
    return not ("found" in when and when["found"] != found)


def calls(
    kind: str,
    operation: str,
    prior: dict[str, Any] | None = None,
    planned: dict[str, Any] | None = None,
    *,
    data_source: bool = False,
    found: bool = True,
    defaults: dict[str, Any] | None = None,
) -> list[Call]:
    """The API actions ``operation`` of ``kind`` performs, in order, given the prior and
    planned state (for conditions), the schema's defaults and, for a data source,
    whether it found anything."""
    group = TABLE["data_sources" if data_source else "resources"]
    steps = group[kind][operation]
    done: list[Call] = []
    for step in steps:
        if "then" in step:
            done.extend(calls(kind, step["then"], prior, planned, found=found, defaults=defaults))
        elif _applies(step.get("when", {}), prior, planned or {}, found, defaults or {}):
            done.append(Call(step["action"], step["at"]))
    return done


class Policy:
    """A RAM policy document: an action is allowed when an Allow statement names it (``*``
    patterns, case-insensitive, as RAM matches them) and no Deny statement does."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.statements = [
            (str(s.get("Effect")), [a.lower() for a in _listed(s.get("Action"))])
            for s in document.get("Statement", [])
        ]

    def allows(self, action: str) -> bool:
        wanted = action.lower()

        def names(patterns: list[str]) -> bool:
            return any(fnmatch.fnmatchcase(wanted, pattern) for pattern in patterns)

        if any(effect == "Deny" and names(p) for effect, p in self.statements):
            return False
        return any(effect == "Allow" and names(p) for effect, p in self.statements)


def _listed(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else [str(v) for v in value or []]


def policy_from_environment() -> Policy | None:
    path = os.environ.get(POLICY_VARIABLE)
    return Policy(json.loads(Path(path).read_text())) if path else None


def refused(performed: list[Call], policy: Policy | None) -> int | None:
    """The index of the first call ``policy`` refuses; None when all are allowed. Every
    call up to it (the refused one included) is logged as attempted."""
    log = os.environ.get(CALLS_VARIABLE)
    for index, call in enumerate(performed):
        if log:
            with Path(log).open("a", encoding="utf-8") as handle:
                handle.write(call.action + "\n")
        if policy is not None and not policy.allows(call.action):
            return index
    return None


def forbidden_message(call: Call) -> tuple[str, str]:
    """The error the provider reports for a call RAM refuses (summary, detail)."""
    code, product_action = "Forbidden.RAM", call.action.split(":", 1)[1]
    return (
        f"{product_action} failed: {code}",
        f"ErrorCode: {code}\nMessage: User not authorized to operate on the specified "
        f"resource, or this API doesn't support RAM.\nAction: {call.action}\n"
        f"(the provider calls it at {call.at})",
    )
