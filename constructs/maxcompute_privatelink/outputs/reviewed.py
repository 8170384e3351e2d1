"""Which reviewed plan each stack's apply takes (`mcpl ci reviewed`).

A pull request's plan job saves each stack's plan (``<stack>.tfplan``) with the git tree of
the stack's files it was planned from (``<stack>.tree``) in the artifact
``reviewed-<job index>``; its stacks job keeps the run's batches (``stacks.json``, the
artifact ``stacks``), so that ``batches[i]`` names the stacks of ``reviewed-<i>``. On the
push that merges it, the apply job takes, for each stack, the plan of the newest of those
runs that planned it, and applies it only if the tree it was planned from is the merged
one (Terraform itself refuses a saved plan whose state changed since: a stale plan).

Nothing here trusts a name: run ids are digits, stack names are deployment names, and a
run's batches only ever point at its own artifacts."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

from maxcompute_privatelink.errors import CiError
from maxcompute_privatelink.layout import STACK_NAME

STACKS_FILE = "stacks.json"
"""In each run's ``stacks`` artifact: ``{"batches": [...], "removed": [...]}``, as `mcpl
ci stacks --batches` and `--removed` printed them for that run."""
ARTIFACT = "reviewed-{index}"
"""The artifact of the plan job's ``index``-th leg: its stacks' saved plans and trees."""
REMOVED_ARTIFACT = "reviewed-removed"
"""The artifact of the removed-plan job: the removed deployments' destroy plans, with the
trees of the base revision's stack files they were planned from."""
_RUN_ID = re.compile(r"[0-9]{1,20}")


def _run_planned(folder: Path, removed: bool) -> list[tuple[str, list[str]]]:
    """What a run planned, per artifact, as its ``stacks.json`` lists it: each plan job
    leg's stacks, or (``removed``) the removed deployments' destroys; nothing when it has
    no such file or it is not what the stacks job writes (never trusted beyond its shape)."""
    try:
        listed = json.loads((folder / STACKS_FILE).read_text(encoding="utf-8"))
        groups = [" ".join(listed["removed"])] if removed else listed["batches"]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    if not isinstance(groups, list) or not all(isinstance(g, str) for g in groups):
        return []
    names = [[n for n in group.split() if STACK_NAME.fullmatch(n)] for group in groups]
    if removed:
        return [(REMOVED_ARTIFACT, names[0])]
    return [(ARTIFACT.format(index=index), stacks) for index, stacks in enumerate(names)]


def applies(
    batches: Sequence[str],
    runs_dir: Path,
    runs: Sequence[str],
    retry: Sequence[str] = (),
    *,
    removed: bool = False,
) -> list[dict[str, str]]:
    """The apply job's matrix: for each of this run's ``batches``, its ``stacks``, its
    ``plans``, ``<stack>=<run id>/<artifact>`` for each stack that one of ``runs`` (newest
    first; each a folder of ``runs_dir`` holding its ``stacks.json``) planned, the newest
    such run's, and its ``retry``: those of ``retry`` (stacks an earlier push failed to
    apply). A stack no run planned has no entry: the apply job refuses it. With
    ``removed``, the batches are removed deployments and the plans their destroys."""
    bad = [run for run in runs if not _RUN_ID.fullmatch(run)]
    if bad:
        raise CiError(f"--run {bad[0][:40]!r}: give a workflow run's id (digits)")
    found: dict[str, str] = {}
    for run in runs:
        for artifact, stacks in _run_planned(runs_dir / run, removed):
            for stack in stacks:
                found.setdefault(stack, f"{run}/{artifact}")
    matrix = []
    for batch in batches:
        stacks = batch.split()
        plans = " ".join(f"{stack}={found[stack]}" for stack in stacks if stack in found)
        again = " ".join(stack for stack in stacks if stack in retry)
        matrix.append({"stacks": batch, "plans": plans, "retry": again})
    return matrix
