"""A fleet of a thousand stacks through the workflow `mcpl ci github` writes, with GitHub's
limits on (``actions.py``): the pull request plans every stack in at most 256 jobs and
gets one comment that fits and names every stack, the merge applies each stack's reviewed
plan within the REST calls GitHub's token may make in an hour, and the weekly drift run
plans them all again and finds nothing. What is tested
here is the workflow's shape at that size, so Terraform is a stand-in that answers in
milliseconds (``fleet_terraform.sh``); mcpl, git, the github-script and gh stand-ins are
the real thing or the ones the other workflow tests use."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import BASE_DEPLOYMENT
from terraform.actions import (
    GH,
    MAX_COMMENT_CHARS,
    MAX_MATRIX_JOBS,
    MAX_REST_CALLS_PER_HOUR,
    Event,
    Runner,
    runner_path,
)

pytestmark = pytest.mark.terraform

MCPL = Path(sys.executable).parent / "mcpl"
FLEET_TERRAFORM = Path(__file__).resolve().parent / "fleet_terraform.sh"
LOCK = """# This file is maintained automatically by "terraform init".
provider "registry.terraform.io/aliyun/alicloud" {
  version     = "1.289.0"
  constraints = ">= 1.269.0, < 2.0.0"
}
"""
"""Every stack's lock file: one provider release for the whole fleet, as `mcpl lock`
writes it from one mirror (the stand-in Terraform reads none)."""


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.invalid",
         *args], capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def mcpl(repo: Path, *args: str) -> None:
    done = subprocess.run([str(MCPL), *args], cwd=repo, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def fleet(size: int) -> dict[str, object]:
    deployments = []
    for index in range(size):
        deployment = copy.deepcopy(BASE_DEPLOYMENT)
        deployment["name"] = f"team-{index:04d}"
        deployments.append(deployment)
    return {
        "backend": {"oss": {"bucket": "acme-state", "region": "cn-shenzhen"}},
        "deployments": deployments,
    }


def tools(folder: Path) -> Path:
    """``terraform`` (the fleet's stand-in) and ``gh`` (the GitHub CLI's) for the PATH."""
    folder.mkdir()
    (folder / "terraform").symlink_to(FLEET_TERRAFORM)
    (folder / "gh").symlink_to(GH)
    return folder


def test_a_thousand_stacks_are_planned_reviewed_applied_and_checked_for_drift(
    tmp_path: Path,
) -> None:
    # given: an infra repo whose pull request adds a thousand deployments (OSS state)
    size = int(os.environ.get("FLEET", "1000"))
    origin = tmp_path / "origin"
    origin.mkdir()
    git(origin, "init", "-q", "-b", "main")
    (origin / "README.md").write_text("infra\n")
    git(origin, "add", "-A")
    git(origin, "commit", "-qm", "start")
    first = git(origin, "rev-parse", "HEAD")
    git(origin, "checkout", "-q", "-b", "fleet")
    (origin / "privatelink.yaml").write_text(yaml.safe_dump(fleet(size), sort_keys=False))
    mcpl(origin, "synth")
    for stack in (origin / "cdktf.out/stacks").iterdir():
        (stack / ".terraform.lock.hcl").write_text(LOCK)
    mcpl(origin, "ci", "github", "--install", "true")
    git(origin, "add", "-A")
    git(origin, "commit", "-qm", "a thousand deployments")
    added = git(origin, "rev-parse", "HEAD")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    bucket = scratch / "bucket"
    bucket.mkdir()
    environment = {
        **os.environ,
        "PATH": runner_path(tools(scratch / "tools"), MCPL.parent),
        "MCPL_TEST_BUCKET": str(bucket),
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
    }
    workflow = origin / ".github/workflows/privatelink.yml"
    runner = Runner(workflow, origin, scratch, environment, linked_checkouts=True)

    # when: the pull request is opened
    pr = runner.run(Event("pull_request", added, "refs/pull/1/merge", base_sha=first))
    # then: every stack planned, in batches that fit one matrix, and one comment that fits
    # GitHub's limit and names every stack
    assert {job: run.result for job, run in pr.items() if run.result != "skipped"} == {
        "stacks": "success", "plan": "success", "summary": "success",
    }, [log for run in pr.values() for log in run.logs if "rror" in log][:3]  # fmt: skip
    batches = json.loads(pr["stacks"].outputs["batches"])
    assert len(batches) <= MAX_MATRIX_JOBS
    assert sorted(name for batch in batches for name in batch.split()) == [
        f"team-{index:04d}" for index in range(size)
    ]
    [comment] = runner.comments
    assert len(comment) <= MAX_COMMENT_CHARS
    assert all(f"team-{index:04d}" in comment for index in range(size))

    # when: it is merged
    git(origin, "checkout", "-q", "main")
    git(origin, "merge", "-q", "--ff-only", "fleet")
    before = len(runner.rest_calls)
    push = runner.run(Event("push", added, before=first))
    # then: each stack's reviewed plan is applied, and nothing else
    assert push["apply"].result == "success", push["apply"].logs[:3]
    review = runner.runs[0]["id"]
    applied = "".join(push["apply"].logs).count(f": applied the plan reviewed in run {review}")
    assert applied == size
    assert len(list(bucket.iterdir())) == size
    # and within the REST calls the workflow's token may make in an hour: two per apply
    # job (find its artifact, download it) and a few to find the review
    assert len(runner.rest_calls) - before <= 2 * len(batches) + 10
    assert len(runner.rest_calls) < MAX_REST_CALLS_PER_HOUR

    # when: the weekly drift run plans every stack
    drift = runner.run(Event("schedule", added))
    # then: no drift anywhere, and no issue opened
    assert (drift["plan"].result, drift["drift"].result) == ("success", "success")
    assert runner.issues == []
