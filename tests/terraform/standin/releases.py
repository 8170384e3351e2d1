"""The stand-in posing as an older release of the provider (``releases.json``): the
attributes that release did not yet compute, and what the API returns for them."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

RELEASE_VARIABLE = "MCPL_STANDIN_RELEASE"
BEHAVIOURS: list[dict[str, Any]] = json.loads(
    (Path(__file__).resolve().parent / "releases.json").read_text()
)["behaviours"]


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def current() -> list[dict[str, Any]]:
    """The behaviours of the release the stand-in poses as (none for the schema's own)."""
    release = os.environ.get(RELEASE_VARIABLE)
    if not release:
        return []
    return [b for b in BEHAVIOURS if _version(release) < _version(b["before"])]


def adjust(schemas: dict[str, Any]) -> dict[str, Any]:
    """``schemas`` as the release has them: its not-yet-Computed attributes plain
    Optional."""
    for behaviour in current():
        attributes = schemas["resource_schemas"][behaviour["resource"]]["block"]["attributes"]
        attributes[behaviour["attribute"]]["computed"] = False
    return schemas


def api_view(kind: str, state: dict[str, Any]) -> dict[str, Any]:
    """The object as the API holds it: the value the release does not compute, which its
    next read puts into state."""
    view = dict(state)
    for behaviour in current():
        if behaviour["resource"] == kind and view.get(behaviour["attribute"]) in (None, ""):
            view[behaviour["attribute"]] = behaviour["api_value"]
    return view
