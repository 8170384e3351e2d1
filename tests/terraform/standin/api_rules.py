"""What the cloud's APIs accept in names, descriptions and remarks.

The provider passes these strings through unchecked, so only the API refuses a bad one,
at apply: ``api_rules.json`` holds each rule (length, characters, refused prefixes, the
API's error code) with the API reference it comes from; this module only applies them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

RULES_FILE = Path(__file__).resolve().parent / "api_rules.json"
RULES: list[dict[str, Any]] = json.loads(RULES_FILE.read_text())["rules"]


def refusals(kind: str, value: dict[str, Any]) -> list[tuple[str, str]]:
    """(summary, detail) for each attribute of ``value`` (a planned object of ``kind``)
    that the API would refuse, in the API's words."""
    found = []
    for rule in RULES:
        text = value.get(rule["attribute"])
        if rule["resource"] != kind or not isinstance(text, str):
            continue
        low, high = rule["length"]
        bad = (
            not low <= len(text) <= high
            or ("characters" in rule and not re.fullmatch(rule["characters"], text))
            or text.startswith(tuple(rule.get("refused_prefixes", ())))
        )
        if bad:
            found.append(
                (
                    f"{rule['code']}: {rule['message']}",
                    f"{rule['attribute']} = {text!r} (the API's rule: {rule['source']})",
                )
            )
    return found
