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
"""In each run's ``stacks`` artifact: ``{"batches": [...]}``, as `mcpl ci stacks
--batches` printed them for that run."""
ARTIFACT = "reviewed-{index}"
"""The artifact of the plan job's ``index``-th leg: its stacks' saved plans and trees."""
_RUN_ID = re.compile(r"[0-9]{1,20}")


def _run_batches(folder: Path) -> list[list[str]]:
    """A run's batches as its ``stacks.json`` lists them; none when it has no such file
    or it is not what the stacks job writes (a file is never trusted beyond its shape)."""
    try:
        batches = json.loads((folder / STACKS_FILE).read_text(encoding="utf-8"))["batches"]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    if not isinstance(batches, list) or not all(isinstance(b, str) for b in batches):
        return []
    return [[n for n in batch.split() if STACK_NAME.fullmatch(n)] for batch in batches]


def applies(
    batches: Sequence[str], runs_dir: Path, runs: Sequence[str], retry: Sequence[str] = ()
) -> list[dict[str, str]]:
    """The apply job's matrix: for each of this run's ``batches``, its ``stacks``, its
    ``plans``, ``<stack>=<run id>/<artifact>`` for each stack that one of ``runs`` (newest
    first; each a folder of ``runs_dir`` holding its ``stacks.json``) planned, the newest
    such run's, and its ``retry``: those of ``retry`` (stacks an earlier push failed to
    apply). A stack no run planned has no entry: the apply job refuses it."""
    bad = [run for run in runs if not _RUN_ID.fullmatch(run)]
    if bad:
        raise CiError(f"--run {bad[0][:40]!r}: give a workflow run's id (digits)")
    found: dict[str, str] = {}
    for run in runs:
        for index, stacks in enumerate(_run_batches(runs_dir / run)):
            for stack in stacks:
                found.setdefault(stack, f"{run}/{ARTIFACT.format(index=index)}")
    matrix = []
    for batch in batches:
        stacks = batch.split()
        plans = " ".join(f"{stack}={found[stack]}" for stack in stacks if stack in found)
        again = " ".join(stack for stack in stacks if stack in retry)
        matrix.append({"stacks": batch, "plans": plans, "retry": again})
    return matrix
