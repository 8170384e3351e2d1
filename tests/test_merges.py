"""Two pull requests that change different deployments merge without conflict, in either
order, and the merged tree passes `mcpl check`: no file holds a line every change
rewrites (GitHub runs no `pull_request` workflow on a conflicting PR). Real git merges."""

from __future__ import annotations

import copy
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import BASE_DEPLOYMENT, runner
from maxcompute_privatelink.cli import app


def git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.invalid",
         *args], capture_output=True, text=True, check=False,
    )  # fmt: skip


def synth(repo: Path) -> None:
    result = runner.invoke(
        app, ["synth", "-c", str(repo / "privatelink.yaml"), "-o", str(repo / "cdktf.out")]
    )
    assert result.exit_code == 0, result.output


def write(repo: Path, data: dict[str, Any]) -> None:
    (repo / "privatelink.yaml").write_text(yaml.safe_dump(data, sort_keys=False))


def branch(repo: Path, name: str, data: dict[str, Any]) -> None:
    """A branch off main with ``data`` as the config, synthesized and committed."""
    assert git(repo, "checkout", "-q", "-b", name, "main").returncode == 0
    write(repo, data)
    synth(repo)
    assert git(repo, "add", "-A").returncode == 0
    assert git(repo, "commit", "-qm", name).returncode == 0


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    """An infra repo on main with three deployments, synthesized and committed."""
    repo = tmp_path / "infra"
    repo.mkdir()
    deployments = []
    for name in ("alpha", "bravo", "charlie"):
        entry = copy.deepcopy(BASE_DEPLOYMENT)
        entry["name"] = name
        deployments.append(entry)
    data = {"deployments": deployments}
    assert git(repo, "init", "-q", "-b", "main").returncode == 0
    write(repo, data)
    synth(repo)
    assert git(repo, "add", "-A").returncode == 0
    assert git(repo, "commit", "-qm", "start").returncode == 0
    return repo, data


@pytest.mark.parametrize("order", [("one", "two"), ("two", "one")])
def test_two_prs_changing_different_deployments_merge_cleanly(
    repo: tuple[Path, dict[str, Any]], order: tuple[str, str]
) -> None:
    # given: one PR retags alpha, another moves charlie to other networks
    folder, data = repo
    one = copy.deepcopy(data)
    one["deployments"][0]["tags"] = {"team": "data", "owner": "alpha-team"}
    two = copy.deepcopy(data)
    two["deployments"][2]["allowed_cidrs"] = ["10.20.0.0/16", "192.168.9.0/24"]
    branch(folder, "one", one)
    branch(folder, "two", two)
    # when: both are merged into main, in either order
    assert git(folder, "checkout", "-q", "main").returncode == 0
    for name in order:
        merged = git(folder, "merge", "--no-edit", "-q", name)
        # then: no conflict
        assert merged.returncode == 0, merged.stdout + merged.stderr
    # and the merged tree is what the merged config synthesizes
    check = runner.invoke(
        app, ["check", "-c", str(folder / "privatelink.yaml"), "-o", str(folder / "cdktf.out")]
    )
    assert check.exit_code == 0, check.output
    merged_config = yaml.safe_load((folder / "privatelink.yaml").read_text())
    assert merged_config["deployments"][0]["tags"]["owner"] == "alpha-team"
    assert "192.168.9.0/24" in merged_config["deployments"][2]["allowed_cidrs"]
