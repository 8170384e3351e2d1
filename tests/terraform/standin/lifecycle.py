"""How objects settle after create, and which deletes the API refuses.

``lifecycles.json`` holds each rule with its source; this module applies them. Time is
simulated: a new endpoint takes the stand-in's settle time to become Active, and the
provider's wait, which starts after its delay, fails when the create timeout is shorter.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

RULES_FILE = Path(__file__).resolve().parent / "lifecycles.json"
RULES: dict[str, Any] = json.loads(RULES_FILE.read_text())
SETTLE_VARIABLE = "MCPL_STANDIN_SETTLE_SECONDS"
"""How long (simulated seconds) a new endpoint or zone binding takes to settle."""


def seconds(duration: str) -> int:
    """A Go duration of hours, minutes and seconds (``1h30m``, ``5m``) in seconds."""
    units = {"h": 3600, "m": 60, "s": 1}
    return sum(int(n) * units[u] for n, u in re.findall(r"([0-9]+)([hms])", duration))


def _shown(total: int) -> str:
    """Seconds as Go prints a duration: 5m0s, 1h30m0s."""
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return (f"{hours}h" if hours else "") + f"{minutes}m{secs}s"


def settle(kind: str, state: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """The object after the provider's create wait, and the wait's error (None: it
    reached its target in time)."""
    wait = RULES["waits"].get(kind)
    if wait is None:
        return state, None
    settle_time = int(os.environ.get(SETTLE_VARIABLE) or RULES["settle_seconds"])
    timeouts = state.get("timeouts") or {}
    timeout = seconds(timeouts.get("create") or wait["default_timeout"])
    if max(settle_time, wait["delay_seconds"]) <= timeout:
        return {**state, wait["attribute"]: wait["target"]}, None
    error = (
        f"[ERROR] {state['id']}: timeout while waiting for state to become "
        f"'{wait['target']}' (last state: '{wait['pending']}', timeout: {_shown(timeout)}) "
        f"(stand-in: settles in {settle_time} s; {wait['at']})"
    )
    return {**state, wait["attribute"]: wait["pending"]}, error


def delete_refusal(kind: str, ident: str, cloud: dict[str, Any]) -> str | None:
    """The API's error when ``ident`` may not be deleted yet; None when it may."""
    rule = RULES["delete_refusals"].get(kind)
    if rule is None:
        return None
    blocking = [
        other
        for other, value in cloud["resources"].get(rule["blocked_by"], {}).items()
        if value.get(rule["reference"]) == ident
    ]
    if not blocking:
        return None
    return (
        f"{rule['code']}: {rule['message']} {ident} still has {rule['blocked_by']} "
        f"{', '.join(sorted(blocking))} ({rule['source']})"
    )
