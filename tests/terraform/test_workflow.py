"""The workflow `mcpl ci github` writes, run job by job on fresh clones of an infra repo
against the stand-in provider: two pull requests and two pushes to main, then the
weekly drift run. State lives in the (played) OSS bucket, so it survives the runners:
the first push creates the deployment once, and nothing after it plans or applies
anything."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import BASE_DEPLOYMENT, ROOT
from terraform.actions import GH, Event, JobRun, Runner, runner_path
from terraform.conftest import Lab
from terraform.harness import TESTS
from terraform.standin import ram

pytestmark = pytest.mark.terraform


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def commit(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", message)
    return git(repo, "rev-parse", "HEAD")


def tools(folder: Path) -> Path:
    """A folder for the runner's PATH: ``terraform`` (the shim over the Terraform under
    test) and ``gh`` (the GitHub CLI's stand-in); mcpl, python and node come from this
    machine's PATH after it."""
    folder.mkdir()
    shim = folder / "terraform"
    shim.write_text(
        f'#!/bin/sh\nPYTHONPATH="{TESTS}" exec "{sys.executable}" -m terraform.shim "$@"\n'
    )
    shim.chmod(shim.stat().st_mode | stat.S_IXUSR)
    (folder / "gh").symlink_to(GH)
    return folder


def add_privatelink(lab: Lab, origin: Path) -> None:
    """The bundled OSS example as the repo's privatelink.yaml, synthesized, with the
    workflow (its install step a no-op: mcpl is on the runner's PATH) and the stacks' lock
    files (`mcpl lock`, from the stand-in's mirror); the VPC and vSwitches it names exist
    in the cloud."""
    shutil.copy(ROOT / "examples/oss-backend.yaml", origin / "privatelink.yaml")
    for args in (["synth"], ["ci", "github", "--install", "true"]):
        done = subprocess.run(
            [str(Path(sys.executable).parent / "mcpl"), *args], cwd=origin, capture_output=True
        )
        assert done.returncode == 0, done.stderr
    (origin / ".gitignore").write_text(".terraform/\n")
    lab.mcpl("lock", "-c", origin / "privatelink.yaml", "-o", origin / "cdktf.out")
    lab.seed(origin / "privatelink.yaml", origin / "cdktf.out")


def runner_for(lab: Lab, origin: Path, scratch: Path) -> tuple[Runner, Path]:
    """A runner of the repo's workflow, and the folder that plays the OSS bucket."""
    bucket = scratch / "bucket"
    bucket.mkdir()
    environment = {
        **os.environ,
        "PATH": runner_path(tools(scratch / "tools"), Path(sys.executable).parent),
        "MCPL_TEST_BUCKET": str(bucket),
        "MCPL_TEST_TERRAFORM": lab.terraform.binary or "",
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
    }
    workflow = origin / ".github/workflows/privatelink.yml"
    return Runner(workflow, origin, scratch, environment), bucket


def started(lab: Lab, tmp_path: Path, branch: str | None = None) -> tuple[Runner, str, str]:
    """An infra repo with one commit on main, then (on ``branch`` when given) the commit
    that adds the deployment; its runner, and the two commits."""
    origin = lab.root
    git(origin, "init", "-q", "-b", "main")
    (origin / "README.md").write_text("infra\n")
    first = commit(origin, "start")
    if branch is not None:
        git(origin, "checkout", "-q", "-b", branch)
    add_privatelink(lab, origin)
    added = commit(origin, "MaxCompute PrivateLink")
    runner, _ = runner_for(lab, origin, tmp_path)
    return runner, first, added


def merged(runner: Runner, branch: str, number: int) -> tuple[dict[str, JobRun], dict[str, JobRun]]:
    """``branch``'s pull request number ``number`` into main, its checks run, then
    fast-forwarded into main and pushed: both runs."""
    origin = runner.origin
    base, head = git(origin, "rev-parse", "main"), git(origin, "rev-parse", branch)
    pr = runner.run(Event("pull_request", head, f"refs/pull/{number}/merge", base_sha=base))
    git(origin, "checkout", "-q", "main")
    git(origin, "merge", "-q", "--ff-only", branch)
    return pr, runner.run(Event("push", head, before=base))


def pr_run_id(runner: Runner, head: str) -> int:
    """The id of the newest pull-request run of ``head``."""
    runs = [r for r in runner.runs if r["event"] == "pull_request" and r["head_sha"] == head]
    return int(runs[-1]["id"])


def endpoints(lab: Lab) -> int:
    cloud = json.loads(lab.cloud.read_text()) if lab.cloud.exists() else {"resources": {}}
    return len(cloud["resources"].get("alicloud_privatelink_vpc_endpoint", {}))


def test_two_pull_requests_two_pushes_and_a_drift_run(workflow_lab: Lab, tmp_path: Path) -> None:
    lab = workflow_lab  # the Terraform the workflow pins (1.15.5)
    # given: an infra repo on main, and a branch that adds the deployment (OSS state)
    origin = lab.root
    git(origin, "init", "-q", "-b", "main")
    (origin / "README.md").write_text("infra\n")
    first = commit(origin, "start")
    git(origin, "checkout", "-q", "-b", "add-privatelink")
    add_privatelink(lab, origin)
    added = commit(origin, "MaxCompute PrivateLink")
    runner, bucket = runner_for(lab, origin, tmp_path)

    # when: the pull request is opened
    pr1 = runner.run(Event("pull_request", added, "refs/pull/1/merge", base_sha=first))
    # then: one stack planned, its plan creating the deployment, one comment
    assert {job: run.result for job, run in pr1.items()} == {
        "stacks": "success", "plan": "success", "summary": "success", "apply": "skipped",
        "removed-plan": "skipped", "removed-apply": "skipped", "drift": "skipped",
    }, [log for run in pr1.values() for log in run.logs]  # fmt: skip
    assert json.loads(pr1["stacks"].outputs["stacks"]) == ["warehouse-hangzhou"]
    assert (
        "| create | `alicloud_privatelink_vpc_endpoint.maxcompute_frontend` |"
        in (runner.comments[-1])
    )
    assert endpoints(lab) == 0, "a plan creates nothing"
    # and the whole review is the job summary too (the comment, as it fits)
    [review] = [text for text in pr1["summary"].summaries if text]
    assert review == runner.comments[-1]

    # when: it is merged, and main is pushed
    git(origin, "checkout", "-q", "main")
    git(origin, "merge", "-q", "--ff-only", "add-privatelink")
    push1 = runner.run(Event("push", added, before=first))
    # then: the stack is applied once, from the plan the pull request reviewed
    assert push1["apply"].result == "success", push1["apply"].logs
    reviewed = runner.runs[0]
    assert (reviewed["event"], reviewed["head_sha"]) == ("pull_request", added)
    applied = f"warehouse-hangzhou: applied the plan reviewed in run {reviewed['id']}"
    assert applied in "".join(push1["apply"].logs)
    assert endpoints(lab) == 2
    assert list(bucket.iterdir()) == [bucket / "warehouse-hangzhou.tfstate"]

    # when: a second pull request and push change no stack
    git(origin, "checkout", "-q", "-b", "docs")
    (origin / "README.md").write_text("infra, with PrivateLink\n")
    docs = commit(origin, "docs")
    pr2 = runner.run(Event("pull_request", docs, "refs/pull/2/merge", base_sha=added))
    git(origin, "checkout", "-q", "main")
    git(origin, "merge", "-q", "--ff-only", "docs")
    push2 = runner.run(Event("push", docs, before=added))
    # then: nothing is planned or applied, and the review says so
    assert json.loads(pr2["stacks"].outputs["stacks"]) == []
    assert (pr2["plan"].result, pr2["summary"].result) == ("skipped", "success")
    assert "### Plan" not in runner.comments[-1]
    assert json.loads(push2["stacks"].outputs["stacks"]) == []
    assert push2["apply"].result == "skipped"

    # when: the weekly drift run plans every stack on a fresh runner
    drift = runner.run(Event("schedule", docs))
    # then: the state survived the runners: no changes, no drift, still two endpoints
    assert drift["plan"].result == "success", drift["plan"].logs
    assert "No changes." in "".join(drift["plan"].logs)
    assert endpoints(lab) == 2
    assert drift["drift"].result == "success", drift["drift"].logs
    assert runner.issues == []

    # when: someone deletes a PrivateZone record in the console, and the schedule runs
    cloud = json.loads(lab.cloud.read_text())
    records = cloud["resources"]["alicloud_pvtz_zone_record"]
    records.pop(next(iter(records)))
    lab.cloud.write_text(json.dumps(cloud))
    drifted = runner.run(Event("schedule", docs))
    # then: the plan fails on drift, and one issue names the stack and what apply would do
    assert drifted["plan"].result == "failure"
    assert drifted["drift"].result == "success", drifted["drift"].logs
    [issue] = runner.issues
    assert issue["title"] == "privatelink drift: warehouse-hangzhou"
    assert issue["state"] == "open"
    assert "- create `alicloud_pvtz_zone_record.maxcompute_dns_" in issue["body"]
    # when: the drift is still there next week: the same issue, no second one
    runner.run(Event("schedule", docs))
    assert len(runner.issues) == 1
    # when: a push applies the stack again (a manual run), and the schedule runs
    inputs = (("stacks", '["warehouse-hangzhou"]'), ("apply", True))
    assert runner.run(Event("workflow_dispatch", docs, inputs=inputs))["apply"].result == "success"
    fixed = runner.run(Event("schedule", docs))
    # then: the issue is closed
    assert fixed["plan"].result == "success"
    [issue] = runner.issues
    assert issue["state"] == "closed"
    assert "no drift any more" in issue["body"]


def test_pull_requests_from_forks_get_no_plan_and_no_credentials(
    workflow_lab: Lab, tmp_path: Path
) -> None:
    lab = workflow_lab
    # given: the repo of the test above, at its first commit with the deployment
    origin = lab.root
    git(origin, "init", "-q", "-b", "main")
    add_privatelink(lab, origin)
    sha = commit(origin, "all")
    runner, _ = runner_for(lab, origin, tmp_path)
    # when
    fork = runner.run(
        Event("pull_request", sha, "refs/pull/3/merge", base_sha="0" * 40,
              head_repository="someone/infra")
    )  # fmt: skip
    # then: the checks run; no job that holds credentials does
    assert fork["stacks"].result == "success"
    assert (fork["plan"].result, fork["summary"].result, fork["apply"].result) == (
        "skipped", "skipped", "skipped",
    )  # fmt: skip


def test_a_failed_plan_still_gets_a_review_naming_it(workflow_lab: Lab, tmp_path: Path) -> None:
    lab = workflow_lab
    # given: a pull request adding the deployment, and a plan role that may do nothing,
    # so its plan fails (Forbidden.RAM)
    runner, first, added = started(lab, tmp_path, branch="add-privatelink")
    nothing = tmp_path / "nothing.json"
    nothing.write_text('{"Version": "1", "Statement": []}')
    runner.environment[ram.POLICY_VARIABLE] = str(nothing)
    # when
    pr = runner.run(Event("pull_request", added, "refs/pull/1/merge", base_sha=first))
    # then: the plan failed, and the comment was posted anyway, naming the stack
    assert pr["plan"].result == "failure"
    assert pr["summary"].result == "success", pr["summary"].logs
    assert "No plan for `warehouse-hangzhou`: the plan failed" in runner.comments[-1]


def test_a_failed_apply_is_applied_again_by_the_next_push(
    workflow_lab: Lab, tmp_path: Path
) -> None:
    lab = workflow_lab
    # given: the deployment reviewed, then merged, and its apply refused (an apply role that
    # may do nothing: the first call fails, nothing is created)
    runner, first, added = started(lab, tmp_path, branch="add-privatelink")
    pr = runner.run(Event("pull_request", added, "refs/pull/1/merge", base_sha=first))
    assert pr["plan"].result == "success", pr["plan"].logs
    nothing = tmp_path / "nothing.json"
    nothing.write_text('{"Version": "1", "Statement": []}')
    runner.environment[ram.POLICY_VARIABLE] = str(nothing)
    git(runner.origin, "checkout", "-q", "main")
    git(runner.origin, "merge", "-q", "--ff-only", "add-privatelink")
    push = runner.run(Event("push", added, before=first))
    assert push["apply"].result == "failure"
    assert "::error::not applied: warehouse-hangzhou" in "".join(push["apply"].logs)
    assert endpoints(lab) == 0
    # when: the role is fixed, and a pull request that changes no stack is merged
    del runner.environment[ram.POLICY_VARIABLE]
    origin = runner.origin
    git(origin, "checkout", "-q", "-b", "docs")
    (origin / "README.md").write_text("infra, with PrivateLink\n")
    commit(origin, "docs")
    _, again = merged(runner, "docs", 2)
    # then: its push applies the failed stack again: its reviewed plan is stale (the failed
    # apply wrote the state), so a new plan of the files that were reviewed, which
    # destroys nothing
    assert json.loads(again["stacks"].outputs["stacks"]) == ["warehouse-hangzhou"]
    assert again["apply"].result == "success", again["apply"].logs
    assert (
        f"warehouse-hangzhou: applied what remained of the change reviewed in run "
        f"{pr_run_id(runner, added)} (an earlier apply failed"
    ) in "".join(again["apply"].logs)
    assert endpoints(lab) == 2
    # and the push after it, with every stack applied, lists none
    git(origin, "checkout", "-q", "-b", "more-docs")
    (origin / "README.md").write_text("infra, with MaxCompute PrivateLink\n")
    commit(origin, "more docs")
    _, quiet = merged(runner, "more-docs", 3)
    assert json.loads(quiet["stacks"].outputs["stacks"]) == []


def test_a_stale_reviewed_plan_is_refused_at_apply(workflow_lab: Lab, tmp_path: Path) -> None:
    lab = workflow_lab
    # given: the deployment applied; a pull request that tags it, planned and reviewed
    runner, _, _ = started(lab, tmp_path, branch="add-privatelink")
    merged(runner, "add-privatelink", 1)
    origin = runner.origin
    git(origin, "checkout", "-q", "-b", "tag")
    data = yaml.safe_load((origin / "privatelink.yaml").read_text())
    data["deployments"][0].setdefault("tags", {})["team"] = "data"
    resynth(lab, origin, data)
    commit(origin, "tag it")
    pr = runner.run(Event("pull_request", git(origin, "rev-parse", "tag"), "refs/pull/2/merge",
                          base_sha=git(origin, "rev-parse", "main")))  # fmt: skip
    assert pr["plan"].result == "success", pr["plan"].logs
    # when: before it is merged, a manual run applies the stack again after a change in
    # the console (the state changes), and then the pull request is merged
    cloud = json.loads(lab.cloud.read_text())
    records = cloud["resources"]["alicloud_pvtz_zone_record"]
    records.pop(next(iter(records)))
    lab.cloud.write_text(json.dumps(cloud))
    inputs = (("stacks", '["warehouse-hangzhou"]'), ("apply", True))
    main = git(origin, "rev-parse", "main")
    assert runner.run(Event("workflow_dispatch", main, inputs=inputs))["apply"].result == "success"
    git(origin, "checkout", "-q", "main")
    git(origin, "merge", "-q", "--ff-only", "tag")
    push = runner.run(Event("push", git(origin, "rev-parse", "main"), before=main))
    # then: Terraform refuses the stale plan, no new plan is applied in its place, and the
    # log says how to plan it again
    assert push["apply"].result == "failure"
    log = "".join(push["apply"].logs)
    assert "Saved plan is stale" in log
    assert (
        "::error::warehouse-hangzhou: not applied: its reviewed plan did not apply (above; a "
        "stale plan: the state changed after the review). Plan it again: a manual run"
    ) in log
    cloud = json.loads(lab.cloud.read_text())["resources"]
    [endpoint, *_] = cloud["alicloud_privatelink_vpc_endpoint"].values()
    assert "team" not in json.dumps(endpoint), "the tag was not applied"
    # when: the next pull request, which changes no stack, is merged
    git(origin, "checkout", "-q", "-b", "docs")
    (origin / "README.md").write_text("infra, tagged\n")
    commit(origin, "docs")
    _, again = merged(runner, "docs", 3)
    # then: the refused stack is applied again: what its reviewed files still change
    assert again["apply"].result == "success", again["apply"].logs
    cloud = json.loads(lab.cloud.read_text())["resources"]
    [endpoint, *_] = cloud["alicloud_privatelink_vpc_endpoint"].values()
    assert '"team": "data"' in json.dumps(endpoint)


def test_a_push_without_a_reviewed_plan_applies_nothing(workflow_lab: Lab, tmp_path: Path) -> None:
    lab = workflow_lab
    # given: the deployment pushed straight to main, with no pull request
    runner, first, added = started(lab, tmp_path)
    # when
    push = runner.run(Event("push", added, before=first))
    # then: nothing is planned and applied in its place; the log names the manual run
    assert push["apply"].result == "failure"
    assert "warehouse-hangzhou: not applied: no reviewed plan" in "".join(push["apply"].logs)
    assert endpoints(lab) == 0
    # when: the manual run plans it, and applies that plan behind the environment
    inputs = (("stacks", '["warehouse-hangzhou"]'), ("apply", True))
    manual = runner.run(Event("workflow_dispatch", added, inputs=inputs))
    # then
    assert manual["plan"].result == "success", manual["plan"].logs
    assert manual["apply"].result == "success", manual["apply"].logs
    assert f"applied the plan reviewed in run {runner.runs[-1]['id']}" in "".join(
        manual["apply"].logs
    )
    assert endpoints(lab) == 2


def test_fails_when_a_manual_run_names_a_stack_the_config_lacks(
    workflow_lab: Lab, tmp_path: Path
) -> None:
    lab = workflow_lab
    # given
    origin = lab.root
    git(origin, "init", "-q", "-b", "main")
    add_privatelink(lab, origin)
    added = commit(origin, "MaxCompute PrivateLink")
    runner, _ = runner_for(lab, origin, tmp_path)
    # when
    inputs = (("stacks", '["warehouse-hangzhou", "nope"]'), ("apply", True))
    manual = runner.run(Event("workflow_dispatch", added, inputs=inputs))
    # then: nothing planned or applied, and the reason in the log
    assert manual["stacks"].result == "failure"
    assert (manual["plan"].result, manual["apply"].result) == ("skipped", "skipped")
    assert "--only: 'nope' not in the config" in manual["stacks"].logs[-1]


SCRATCH = {**BASE_DEPLOYMENT, "name": "scratch-shenzhen", "protect": False}
"""A second deployment, in a VPC of its own, that a test may destroy."""


def resynth(lab: Lab, origin: Path, data: dict[str, Any]) -> None:
    (origin / "privatelink.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    lab.mcpl("synth", "-c", origin / "privatelink.yaml", "-o", origin / "cdktf.out")
    lab.mcpl("lock", "-c", origin / "privatelink.yaml", "-o", origin / "cdktf.out")


def two_applied(
    lab: Lab, tmp_path: Path, second: dict[str, Any]
) -> tuple[Runner, dict[str, Any], str]:
    """main with the bundled OSS deployment and ``second``, pushed and applied: the runner,
    the config's data and the commit."""
    origin = lab.root
    git(origin, "init", "-q", "-b", "main")
    (origin / "README.md").write_text("infra\n")
    commit(origin, "start")
    git(origin, "checkout", "-q", "-b", "two")
    add_privatelink(lab, origin)
    data = yaml.safe_load((origin / "privatelink.yaml").read_text())
    data["deployments"].append(second)
    resynth(lab, origin, data)
    both = commit(origin, "two deployments")
    runner, _ = runner_for(lab, origin, tmp_path)
    _, push = merged(runner, "two", 4)
    assert push["apply"].result == "success", push["apply"].logs
    return runner, data, both


def test_a_removed_deployment_is_reviewed_as_a_destroy_and_destroyed_on_merge(
    workflow_lab: Lab, tmp_path: Path
) -> None:
    lab = workflow_lab
    # given: main with two deployments, applied; the second one unprotected
    origin = lab.root
    runner, data, both = two_applied(lab, tmp_path, SCRATCH)
    assert endpoints(lab) == 4
    # when: a pull request removes the second
    git(origin, "checkout", "-q", "-b", "remove")
    data["deployments"].pop()
    resynth(lab, origin, data)
    removal = commit(origin, "remove scratch")
    pr = runner.run(Event("pull_request", removal, "refs/pull/5/merge", base_sha=both))
    # then: nothing else changes; its destroy is planned from main's files and reviewed
    assert json.loads(pr["stacks"].outputs["removed"]) == ["scratch-shenzhen"]
    assert json.loads(pr["stacks"].outputs["stacks"]) == []
    assert pr["removed-plan"].result == "success", pr["removed-plan"].logs
    review = runner.comments[-1]
    assert "## scratch-shenzhen: removed from the config" in review
    assert "| **delete** | `alicloud_privatelink_vpc_endpoint.maxcompute_frontend` |" in review
    assert review.index("scratch-shenzhen") < review.index("## warehouse-hangzhou")
    assert endpoints(lab) == 4, "a plan destroys nothing"
    # when: it is merged while the apply role may not delete PrivateZone zones
    apply_role = json.loads(lab.roles()["apply"].read_text())
    for statement in apply_role["Statement"]:
        statement["Action"] = [a for a in statement["Action"] if a != "pvtz:DeleteZone"]
    halfway = tmp_path / "no-zone-delete.json"
    halfway.write_text(json.dumps(apply_role))
    runner.environment[ram.POLICY_VARIABLE] = str(halfway)
    git(origin, "checkout", "-q", "main")
    git(origin, "merge", "-q", "--ff-only", "remove")
    push = runner.run(Event("push", removal, before=both))
    # then: the reviewed destroy plan ran and stopped halfway: the endpoints went, the
    # zone stayed; the other deployment is untouched
    assert push["removed-apply"].result == "failure"
    assert (
        "::error::scratch-shenzhen: not destroyed: neither its reviewed destroy plan nor what "
        "remained of it applied (above)"
    ) in "".join(push["removed-apply"].logs)
    assert endpoints(lab) == 2
    # when: the role is fixed, and the next pull request, which changes no stack, is merged
    del runner.environment[ram.POLICY_VARIABLE]
    git(origin, "checkout", "-q", "-b", "docs")
    (origin / "README.md").write_text("infra, one deployment\n")
    commit(origin, "docs")
    _, again = merged(runner, "docs", 6)
    # then: the reviewed plan is stale now, so what remained of it (a subset) is destroyed
    reviewed = pr_run_id(runner, removal)
    assert json.loads(again["stacks"].outputs["removed"]) == ["scratch-shenzhen"]
    assert again["removed-apply"].result == "success", again["removed-apply"].logs
    assert (
        f"scratch-shenzhen: destroyed what remained of the destroy reviewed in run {reviewed}"
    ) in "".join(again["removed-apply"].logs)
    assert endpoints(lab) == 2
    cloud = json.loads(lab.cloud.read_text())["resources"]
    assert not cloud.get("alicloud_vpc"), "the scratch VPC is gone"
    assert len(cloud.get("alicloud_pvtz_zone", {})) == 1, "the remaining deployment's zone"


def test_a_removed_protected_deployment_is_never_destroyed(
    workflow_lab: Lab, tmp_path: Path
) -> None:
    lab = workflow_lab
    # given: main with a second deployment still protected, applied
    origin = lab.root
    runner, data, both = two_applied(lab, tmp_path, {**SCRATCH, "protect": True})
    # when: a pull request takes it out by hand (synth refuses to, while it is protected):
    # its config entry, its folder, and the manifest as synth writes it without it
    git(origin, "checkout", "-q", "-b", "remove")
    data["deployments"].pop()
    (origin / "privatelink.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    shutil.rmtree(origin / "cdktf.out/stacks/scratch-shenzhen")
    lab.mcpl("synth", "-c", origin / "privatelink.yaml", "-o", tmp_path / "clean")
    shutil.copy(tmp_path / "clean/manifest.json", origin / "cdktf.out/manifest.json")
    removal = commit(origin, "remove scratch by hand")
    pr = runner.run(Event("pull_request", removal, "refs/pull/6/merge", base_sha=both))
    git(origin, "checkout", "-q", "main")
    git(origin, "merge", "-q", "--ff-only", "remove")
    push = runner.run(Event("push", removal, before=both))
    # then: prevent_destroy refuses the plan and the destroy; the review says so
    assert pr["removed-plan"].result == "failure"
    assert "Instance cannot be destroyed" in "".join(pr["removed-plan"].logs)
    assert "set protect: false on the deployment" in "".join(pr["removed-plan"].logs)
    assert "No destroy plan: it failed" in runner.comments[-1]
    assert push["removed-apply"].result == "failure"
    assert endpoints(lab) == 4
