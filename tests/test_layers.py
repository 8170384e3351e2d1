"""The layers import one way: model <- construct <- synth <- outputs <- cli; ``errors`` and
``layout`` (facts about files on disk) are leaves every layer may use."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "constructs" / "maxcompute_privatelink"
ORDER = ["errors", "layout", "model", "construct", "synth", "outputs", "progress_line", "cli"]
"""Lowest first: a module may import its own layer and the ones before it."""


def _layer(module: str) -> str:
    parts = module.split(".")
    if parts[0] != "maxcompute_privatelink" or len(parts) == 1:
        return "root"
    return parts[1]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return {name for name in found if name.startswith("maxcompute_privatelink.")}


def test_no_import_points_up() -> None:
    # given
    upward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        own = _layer(module)
        if own not in ORDER:
            continue  # the package root: its lazy exports may name any layer
        for imported in _imports(path):
            other = _layer(imported)
            if other in ORDER and ORDER.index(other) > ORDER.index(own):
                upward.append(f"{module} -> {imported}")
    # then
    assert upward == []


def test_every_layer_says_what_it_holds() -> None:
    for layer in ("model", "construct", "synth", "outputs"):
        doc = (PACKAGE / layer / "__init__.py").read_text()
        assert doc.startswith('"""') and len(doc) > 200, layer
