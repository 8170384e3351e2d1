"""Our runner refuses what GitHub refuses (``actions.py``, each limit cited there): more
than 256 jobs in a matrix, a comment over 65,536 characters, a job output over 1 MB, a
step summary over 1 MiB. Small workflows, no Terraform."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import ROOT
from maxcompute_privatelink.outputs.summary import MARKER
from terraform.actions import (
    MAX_COMMENT_CHARS,
    MAX_MATRIX_JOBS,
    Event,
    Runner,
)

pytestmark = pytest.mark.terraform


def run(
    tmp_path: Path, jobs: dict[str, Any], ref: str = "refs/heads/main", keep: bool = False
) -> tuple[Runner, dict[str, Any]]:
    """``jobs`` as a workflow of a one-commit repository, run for a push (``ref``); with
    ``keep``, in the repository and scratch folder of an earlier call."""
    origin = tmp_path / "origin"
    if keep and origin.exists():
        scratch = tmp_path / "scratch"
        sha = subprocess.run(
            ["git", "-C", str(origin), "rev-parse", "HEAD"], capture_output=True, text=True,
            check=True,
        ).stdout.strip()  # fmt: skip
        workflow = origin / "w.yml"
        runner = Runner(workflow, origin, scratch, {"PATH": os.environ["PATH"]})
        return runner, runner.run(Event("push", sha, ref))
    origin.mkdir()
    workflow = origin / "w.yml"
    workflow.write_text(yaml.safe_dump({"on": "push", "jobs": jobs}))
    subprocess.run(["git", "init", "-q", str(origin)], check=True)
    subprocess.run(["git", "-C", str(origin), "add", "-A"], check=True)
    subprocess.run(
        ["git", "-C", str(origin), "-c", "user.name=t", "-c", "user.email=t@example.invalid",
         "commit", "-qm", "w"], check=True,
    )  # fmt: skip
    sha = subprocess.run(
        ["git", "-C", str(origin), "rev-parse", "HEAD"], capture_output=True, text=True,
        check=True,
    ).stdout.strip()  # fmt: skip
    scratch = tmp_path / "scratch"
    scratch.mkdir(exist_ok=True)
    runner = Runner(workflow, origin, scratch, {"PATH": os.environ["PATH"]})
    return runner, runner.run(Event("push", sha, ref))


POST = """
const body = require("fs").readFileSync("summary.md", "utf8");
await github.rest.issues.createComment({ ...context.repo, issue_number: 1, body });
"""


def matrix_job(size: int) -> dict[str, Any]:
    stacks = ", ".join(f'"s{i}"' for i in range(size))
    return {
        "list": {"runs-on": "x", "outputs": {"stacks": "${{ steps.l.outputs.stacks }}"},
                 "steps": [{"id": "l", "run": f"echo 'stacks=[{stacks}]' >> $GITHUB_OUTPUT"}]},
        "plan": {"runs-on": "x", "needs": "list",
                 "strategy": {"matrix": {"stack": "${{ fromJSON(needs.list.outputs.stacks) }}"}},
                 "steps": [{"run": "true"}]},
    }  # fmt: skip


def test_a_matrix_of_256_jobs_runs(tmp_path: Path) -> None:
    # when
    _, results = run(tmp_path, matrix_job(MAX_MATRIX_JOBS))
    # then
    assert results["plan"].result == "success"


def test_fails_when_a_matrix_has_257_jobs(tmp_path: Path) -> None:
    # when
    _, results = run(tmp_path, matrix_job(MAX_MATRIX_JOBS + 1))
    # then: the job fails before any leg runs
    assert results["plan"].result == "failure"
    assert results["plan"].logs == [
        "Error: the matrix of plan has 257 jobs; at most 256 are allowed"
    ]


@pytest.mark.parametrize(("size", "posted"), [(MAX_COMMENT_CHARS, True),
                                              (MAX_COMMENT_CHARS + 1, False)])  # fmt: skip
def test_a_comment_over_65536_characters_is_refused(
    tmp_path: Path, size: int, posted: bool
) -> None:
    # given: a job that writes summary.md and posts it
    job = {"runs-on": "x", "steps": [
        {"run": f"python3 -c \"print('x' * {size}, end='')\" > summary.md"},
        {"uses": "actions/github-script@v7", "with": {"script": POST}},
    ]}  # fmt: skip
    # when
    runner, results = run(tmp_path, {"comment": job})
    # then
    assert (results["comment"].result == "success") is posted
    assert len(runner.comments) == int(posted)
    if not posted:
        assert "body is too long (maximum is 65536 characters)" in results["comment"].logs[-1]


def test_fails_when_a_job_output_is_over_1_mb(tmp_path: Path) -> None:
    # given
    big = "echo \"big=$(head -c 1000001 /dev/zero | tr '\\0' x)\" >> $GITHUB_OUTPUT"
    job = {"runs-on": "x", "outputs": {"big": "${{ steps.b.outputs.big }}"},
           "steps": [{"id": "b", "run": big}]}  # fmt: skip
    # when
    _, results = run(tmp_path, {"out": job})
    # then
    assert results["out"].result == "failure"
    assert "Error: job output big is over 1000000 bytes" in results["out"].logs


def test_fails_when_a_step_summary_is_over_1_mib(tmp_path: Path) -> None:
    # given
    job = {"runs-on": "x", "steps": [
        {"run": "head -c 1048577 /dev/zero | tr '\\0' x >> \"$GITHUB_STEP_SUMMARY\""},
    ]}  # fmt: skip
    # when
    _, results = run(tmp_path, {"s": job})
    # then
    assert results["s"].result == "failure"
    assert "Error: the step summary has 1048577 bytes" in results["s"].logs


def test_the_review_updates_only_its_own_comment(tmp_path: Path) -> None:
    # given: the workflow's comment script, and on PR 1 a person's comment that starts
    # with the marker (a quote of an old review), then a first review
    config = tmp_path / "repo" / "privatelink.yaml"
    config.parent.mkdir()
    config.write_text((ROOT / "examples" / "oss-backend.yaml").read_text())
    generated = subprocess.run(
        [sys.executable, "-m", "maxcompute_privatelink", "ci", "github", "--install", "true"],
        cwd=config.parent,
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert generated.returncode == 0, generated.stderr
    workflow = yaml.safe_load((config.parent / ".github/workflows/privatelink.yml").read_text())
    [script] = [
        step["with"]["script"] for step in workflow["jobs"]["summary"]["steps"]
        if step.get("uses", "").startswith("actions/github-script@")
    ]  # fmt: skip
    person = {"id": 1, "issue_number": 1, "body": MARKER + "\nquoted", "user": {"login": "ana"}}
    (tmp_path / "scratch").mkdir()
    state = tmp_path / "scratch" / "github-state.json"
    state.write_text(json.dumps({"next": 2, "comments": [person], "issues": []}))
    job = {"runs-on": "x", "steps": [
        {"run": 'printf "%s\\nreview %s" "$MARK" "$N" > summary.md',
         "env": {"MARK": MARKER, "N": "${{ github.sha }}"}},
        {"uses": "actions/github-script@v7", "with": {"script": script}},
    ]}  # fmt: skip
    # when: two reviews of the pull request
    for _ in range(2):
        runner, results = run(tmp_path, {"comment": job}, ref="refs/pull/1/merge", keep=True)
        assert results["comment"].result == "success", results["comment"].logs
    # then: the person's comment is untouched, and the bot's one comment was updated
    comments = runner.github_state["comments"]
    assert comments[0] == person
    assert len(comments) == 2
    assert comments[1]["user"]["login"] == "github-actions[bot]"
    assert comments[1]["body"].startswith(MARKER + "\nreview ")
