"""What the generated workflow costs per event, at fleet sizes: jobs, billed minutes (an
estimate) and provider downloads.

    python bench/ci_cost.py [--sizes 10,100,300,1000] [--out bench/results.md]

The jobs come from the workflow `mcpl ci github` writes (its jobs and their conditions)
and from `mcpl ci stacks --batches` (how many stacks a plan or apply job takes). The
minutes are a model, not a measurement: GitHub bills each job rounded up to a whole
minute, and the per-step times below are assumptions a team should replace with its own
(a stand-in provider cannot tell how long the real one takes). Downloads: with the
provider cache restored by actions/cache (keyed on the lock files), a job downloads the
provider only on a cache miss; without it, every `terraform init` of every stack would.
"""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "constructs"))

from maxcompute_privatelink.outputs.ci import batches  # noqa: E402

SETUP_MINUTES = 1.0
"""Checkout, setup-python/node/terraform, installing mcpl: per job."""
CHECK_SECONDS_PER_STACK = 0.0125
"""`mcpl check` on a fresh runner (no cache), per stack: bench/results.md, check --full at 500."""
PLAN_MINUTES_PER_STACK = 0.5
"""`terraform init` (cache hit) and `plan` of one stack against the real API."""
APPLY_MINUTES_PER_STACK = 3.0
"""An apply that creates both endpoints: they take minutes to become Active."""
SUMMARY_MINUTES = 0.5
REST_TO_FIND_THE_REVIEW = 5
"""A push's stacks job: the last fully applied run (1), the merged commit's pull request
(1) and its runs (1), and the run's `stacks` artifact (2: find, download)."""
REST_PER_ARTIFACT = 2
"""An apply job finds its reviewed plan's artifact by name and downloads it (gh api)."""
REST_PER_REVIEW = 2
"""The summary job lists the pull request's comments and creates or updates its own."""

EVENTS = {
    "PR, one stack": ("pull_request", 1, "plan"),
    "PR, every stack": ("pull_request", None, "plan"),
    "merge, every stack": ("push", None, "apply"),
    "drift run": ("schedule", None, "plan"),
}


def workflow_jobs() -> list[str]:
    """The jobs of the workflow `mcpl ci github` writes (in a scratch repo)."""
    with tempfile.TemporaryDirectory() as scratch:
        config = Path(scratch) / "privatelink.yaml"
        example = (ROOT / "examples" / "oss-backend.yaml").read_text()
        config.write_text(example)
        subprocess.run(
            [sys.executable, "-m", "maxcompute_privatelink", "ci", "github", "--install", "true"],
            cwd=scratch,
            check=True,
            capture_output=True,
        )
        text = (Path(scratch) / ".github/workflows/privatelink.yml").read_text()
    return list(yaml.safe_load(text)["jobs"])


def billed(minutes: float) -> int:
    return math.ceil(minutes)


def cost(event: str, changed: int, work: str) -> tuple[int, int, int, int, int]:
    """Jobs, billed minutes, downloads on a cache miss, downloads without the cache, and
    REST calls with the workflow's token (the drift run's: with no stack drifted)."""
    groups = [len(batch.split()) for batch in batches([f"s{i}" for i in range(changed)])]
    stacks_job = billed(SETUP_MINUTES + changed * CHECK_SECONDS_PER_STACK / 60)
    per_stack = PLAN_MINUTES_PER_STACK if work == "plan" else APPLY_MINUTES_PER_STACK
    work_jobs = [billed(SETUP_MINUTES + size * per_stack) for size in groups]
    summary = [billed(SETUP_MINUTES + SUMMARY_MINUTES)] if event == "pull_request" else []
    jobs = 1 + len(work_jobs) + len(summary)
    rest = {
        "pull_request": REST_PER_REVIEW,
        "push": REST_TO_FIND_THE_REVIEW + REST_PER_ARTIFACT * len(groups),
        "schedule": 1,  # the open drift issues
    }[event]
    return jobs, stacks_job + sum(work_jobs) + sum(summary), len(groups), changed, rest


def table(sizes: list[int]) -> str:
    jobs = workflow_jobs()
    lines = [
        "## CI cost per event (model)",
        "",
        f"From the generated workflow (jobs: {', '.join(jobs)}) and `mcpl ci stacks "
        "--batches`; minutes are an estimate from the assumptions in `bench/ci_cost.py` "
        f"(setup {SETUP_MINUTES:g} min a job, plan {PLAN_MINUTES_PER_STACK:g} min and apply "
        f"{APPLY_MINUTES_PER_STACK:g} min a stack, each job billed in whole minutes). "
        "Provider downloads: one per plan or apply job on a cache miss (the first run "
        "after a lock file changes), none on a hit; without the cache, one per stack. "
        "REST calls: what the jobs ask GitHub's API with the workflow's token, which may "
        'make 1,000 an hour per repository (docs.github.com, "Rate limits for the REST '
        'API"; `tests/terraform/test_fleet.py` counts them at 1000 stacks); a merge finds '
        "each stack's reviewed plan with two calls per apply job.",
        "",
        "| event | stacks | jobs | largest matrix | billed minutes | downloads, cache miss "
        "| downloads, no cache | REST calls |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for size in sizes:
        for label, (event, changed, work) in EVENTS.items():
            n = changed if changed is not None else size
            count, minutes, miss, without, rest = cost(event, n, work)
            lines.append(
                f"| {label} | {size} | {count} | {len(batches(['x'] * n))} | {minutes} "
                f"| {miss} | {without} | {rest} |"
            )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100,300,1000")
    parser.add_argument("--out", type=Path, default=None, help="replace the section in this file")
    args = parser.parse_args()
    section = table([int(s) for s in args.sizes.split(",")])
    if args.out is None:
        sys.stdout.write(section)
        return
    text = args.out.read_text() if args.out.exists() else ""
    head, marker, _ = text.partition("## CI cost per event (model)")
    args.out.write_text((head.rstrip() + "\n\n" if marker or head else "") + section)


if __name__ == "__main__":
    main()
