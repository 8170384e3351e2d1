"""`mcpl ci reviewed`: which reviewed plan each stack's apply takes, and `mcpl ci stacks
--not-since`: the stacks an earlier push failed to apply (the workflow runs both:
tests/terraform/test_workflow.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import git, runner, synthesized_and_committed
from maxcompute_privatelink.cli import app


def kept(runs: Path, run: str, batches: object) -> None:
    """Run ``run``'s ``stacks`` artifact, as the stacks job downloads it."""
    (runs / run).mkdir(parents=True)
    (runs / run / "stacks.json").write_text(json.dumps({"batches": batches}))


def reviewed(runs: Path, *args: str) -> list[dict[str, str]]:
    result = runner.invoke(app, ["ci", "reviewed", "--runs", str(runs), *args])
    assert result.exit_code == 0, result.output
    matrix: list[dict[str, str]] = json.loads(result.stdout)
    return matrix


def test_each_stack_takes_the_newest_run_that_planned_it(tmp_path: Path) -> None:
    # given: an older run planned a and b in two jobs, a newer one planned b alone
    kept(tmp_path, "7", ["a", "b"])
    kept(tmp_path, "9", ["b"])
    # when: this push applies a, b and c in one job
    matrix = reviewed(tmp_path, "--batches", '["a b c"]', "--run", "9", "--run", "7")
    # then: b from the newer run, a from the older run's first job, c from none
    assert matrix == [{"stacks": "a b c", "plans": "a=7/reviewed-0 b=9/reviewed-0", "retry": ""}]


def test_the_retried_stacks_are_named_in_their_batch(tmp_path: Path) -> None:
    # given
    kept(tmp_path, "3", ["a", "b c"])
    # when
    matrix = reviewed(tmp_path, "--batches", '["a", "b", "c"]', "--run", "3", "--retry", '["c"]')
    # then
    assert matrix == [
        {"stacks": "a", "plans": "a=3/reviewed-0", "retry": ""},
        {"stacks": "b", "plans": "b=3/reviewed-1", "retry": ""},
        {"stacks": "c", "plans": "c=3/reviewed-1", "retry": "c"},
    ]


def test_a_run_without_its_stacks_file_or_with_a_forged_one_reviewed_nothing(
    tmp_path: Path,
) -> None:
    # given: one run kept no stacks artifact; another's names a path and has a bad shape
    kept(tmp_path, "5", ["../../etc a", 7])
    kept(tmp_path, "6", ["../x b"])
    # when
    matrix = reviewed(tmp_path, "--batches", '["a b"]', "--run", "4", "--run", "5", "--run", "6")
    # then: only the well-formed run's deployment names count
    assert matrix == [{"stacks": "a b", "plans": "b=6/reviewed-0", "retry": ""}]


def test_removed_deployments_take_the_destroy_plans_their_run_reviewed(tmp_path: Path) -> None:
    # given: a run that planned one stack and the destroy of two removed ones
    (tmp_path / "8").mkdir()
    (tmp_path / "8" / "stacks.json").write_text(
        json.dumps({"batches": ["a"], "removed": ["old", "older"]})
    )
    # when
    matrix = reviewed(tmp_path, "--batches", '["old older a"]', "--run", "8", "--removed")
    # then: the destroys from the run's removed-plan artifact; a kept stack has none there
    assert matrix == [
        {
            "stacks": "old older a",
            "plans": "old=8/reviewed-removed older=8/reviewed-removed",
            "retry": "",
        }
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--run", "../1"], "error: --run '../1': give a workflow run's id (digits)"),
        (["--retry", "c"], "error: --retry: 'c' is not a JSON list of deployment names"),
    ],
)
def test_fails_when_a_run_or_the_retried_stacks_are_not_what_the_workflow_gives(
    tmp_path: Path, args: list[str], message: str
) -> None:
    # when
    result = runner.invoke(
        app, ["ci", "reviewed", "--runs", str(tmp_path), "--batches", '["a"]', *args]
    )
    # then
    assert result.exit_code == 2
    assert result.stderr.startswith(message), result.stderr


def test_ci_stacks_not_since_leaves_out_what_changed_after_a_commit(repo: Path) -> None:
    # given: two stacks committed (the last full apply), then a change to the first, then
    # a change to the second (this push)
    def change(stack: str, message: str) -> None:
        path = Path(f"cdktf.out/stacks/{stack}/cdk.tf.json")
        path.write_text(path.read_text().replace('"managed-by"', '"managed-by" '))
        git("commit", "-qam", message)

    applied = synthesized_and_committed()
    change("prod-shenzhen", "failed to apply")
    before = git("rev-parse", "HEAD")
    change("second", "this push")
    # when
    args = ["ci", "stacks", "-c", "c.yaml", "--changed-since", applied]
    retry = runner.invoke(app, [*args, "--not-since", before])
    everything = runner.invoke(app, [*args, "--not-since", "0" * 40])
    # then: the stack an earlier push changed; all zeros leaves out none
    assert retry.stdout == '["prod-shenzhen"]\n', retry.output
    assert everything.stdout == '["prod-shenzhen","second"]\n'
