"""Turn validation failures into one readable line per problem.

A line names the deployment (by its ``name`` when it has one), the field, the bad value
and what is allowed: ``deployment 'prod': zones[1].zone_id: 'cn-beijing-a' is not ...``.
"""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from maxcompute_privatelink.errors import Finding, Loc, Problem, ProblemsError, format_loc

_MAX_SHOWN = 80


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 3] + "..."


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _models_in(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType, tuple, list, dict):
        return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]
    return []


def _model_at(root: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    model: type[BaseModel] | None = root
    for part in loc:
        if isinstance(part, int) or model is None:
            continue
        field = model.model_fields.get(part)
        models = _models_in(field.annotation) if field else []
        model = models[0] if models else None
    return model


def _problems(error: dict[str, Any], root: type[BaseModel]) -> list[Problem]:
    loc: Loc = tuple(error["loc"])
    cause = (error.get("ctx") or {}).get("error")
    kind = error["type"]
    if isinstance(cause, ProblemsError):
        return [Problem(loc + p.loc, p.message) for p in cause.problems]
    if kind == "value_error" and cause is not None:
        return [Problem(loc, str(cause))]
    if kind == "extra_forbidden":
        parent = _model_at(root, loc[:-1])
        allowed = ", ".join(parent.model_fields) if parent else "see `mcpl validate --help`"
        near = _meant(loc, root)
        mean = f"did you mean {near[-1]}? " if near else ""
        return [Problem(loc, f"unknown key {loc[-1]!r}; {mean}allowed keys: {allowed}")]
    if kind == "missing":
        return [Problem(loc, "required, and missing")]
    given = error.get("input")
    if kind in ("tuple_type", "list_type") and isinstance(given, dict):
        return [Problem(loc, _mapping_for_list(loc, given))]
    message = error["msg"][0].lower() + error["msg"][1:]
    return [Problem(loc, f"{message} (got {_shown(error.get('input'))})")]


IDENTIFIED_BY = {"deployments": "name", "zones": "zone_id"}
"""The key that names an entry of these lists: a mapping keyed by it was meant as a list."""


def _mapping_for_list(loc: Loc, given: dict[Any, Any]) -> str:
    """A mapping where a list is expected: entries keyed by their names, or one entry
    written without its ``- ``."""
    first = next(iter(given), "...")
    first = first if isinstance(first, str) and first.isprintable() else "..."
    key = IDENTIFIED_BY.get(str(loc[-1]) if loc else "")
    if key and given and all(isinstance(v, dict) for v in given.values()):
        return (
            f"is a mapping of names, where a list is expected: write each entry as a list "
            f"item, `- {key}: {first[:64]}`, with its keys indented under it"
        )
    return (
        "is a mapping, where a list is expected: start each entry with `- `, as in "
        f"`- {first[:64]}: ...`"
    )


def _meant(loc: Loc, root: type[BaseModel]) -> Loc | None:
    """Where the key an unknown key at ``loc`` most likely misspells would be, if one of
    its parent's keys is close."""
    parent = _model_at(root, loc[:-1])
    found = difflib.get_close_matches(str(loc[-1]), list(parent.model_fields) if parent else [],
                                      n=1, cutoff=0.6)  # fmt: skip
    return (*loc[:-1], found[0]) if found else None


def _without_effects(errors: list[dict[str, Any]], root: type[BaseModel]) -> set[Loc]:
    """The missing keys an unknown key misspells (``zone`` for ``zone_id``): that key is
    the cause, the missing one its effect, not reported again."""
    return {
        meant
        for error in errors
        if error["type"] == "extra_forbidden" and (meant := _meant(tuple(error["loc"]), root))
    }


def _deployment_name(data: Any, index: int) -> str | None:
    try:
        name = data["deployments"][index]["name"]
    except (KeyError, IndexError, TypeError):
        return None
    return name if isinstance(name, str) and name.isprintable() and len(name) <= 64 else None


def finding(problem: Problem, data: Any) -> Finding:
    """``problem`` with its deployment (by name when it has one) and field apart, and its
    line: ``deployment 'x': field.path: message`` (or ``field.path: message`` at the top)."""
    loc = problem.loc
    if len(loc) >= 2 and loc[0] == "deployments" and isinstance(loc[1], int):
        name = _deployment_name(data, loc[1])
        who = f"deployment {name!r}" if name else f"deployments[{loc[1]}]"
        rest = format_loc(loc[2:])
        line = f"{who}: {rest}: {problem.message}" if rest else f"{who}: {problem.message}"
        return Finding(name or f"deployments[{loc[1]}]", rest or None, problem.message, line)
    where = format_loc(loc)
    line = f"{where}: {problem.message}" if where else problem.message
    return Finding(None, where or None, problem.message, line)


def problem_line(problem: Problem, data: Any) -> str:
    """``deployment 'x': field.path: message`` (or ``field.path: message`` at the top)."""
    return finding(problem, data).line


def validation_findings(error: ValidationError, data: Any, root: type[BaseModel]) -> list[Finding]:
    """One finding per problem in ``error``, raised while validating ``data`` as ``root``."""
    errors: list[dict[str, Any]] = [dict(raw) for raw in error.errors(include_url=False)]
    effects = _without_effects(errors, root)
    return [
        finding(problem, data)
        for raw in errors
        if not (raw["type"] == "missing" and tuple(raw["loc"]) in effects)
        for problem in _problems(raw, root)
    ]


def validation_lines(error: ValidationError, data: Any, root: type[BaseModel]) -> list[str]:
    """One line per problem in ``error``, raised while validating ``data`` as ``root``."""
    return [f.line for f in validation_findings(error, data, root)]
