"""`mcpl lock` writes each stack's .terraform.lock.hcl with `terraform init -backend=false`
(the provider from the user's registry or mirrors: here the stand-in's), and `mcpl check
--require-locks` (the workflow's) fails while a stack has none."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT, runner
from maxcompute_privatelink.cli import app
from terraform.conftest import TERRAFORMS, Lab, new_lab

pytestmark = pytest.mark.terraform


@pytest.fixture
def lab(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli_config: Path) -> Lab:
    return new_lab(TERRAFORMS[0], tmp_path, monkeypatch, cli_config)


def test_lock_writes_what_check_requires(lab: Lab) -> None:
    # given: a synthesized example of several stacks
    config = lab.copy(ROOT / "examples" / "multi-region.yaml")
    out = lab.synth(config)
    args = ["-c", str(config), "-o", str(out)]
    stacks = len(list((out / "stacks").iterdir()))
    assert stacks > 1
    # when: checked before locking
    before = runner.invoke(app, ["check", *args, "--require-locks"])
    # then: one finding per stack, with the fix
    assert before.exit_code == 1
    missing = [line for line in before.stderr.splitlines() if "lock.hcl: missing" in line]
    assert len(missing) == stacks
    assert missing[0].endswith("; run `mcpl lock` and commit it")
    # when: locked, then locked again
    first = runner.invoke(app, ["lock", *args])
    second = runner.invoke(app, ["lock", *args])
    # then: each stack locked once, to the stand-in's release, and check passes
    assert first.exit_code == 0, first.output
    assert first.output.count("written; commit it") == stacks
    assert second.output.count("written") == 0
    for lock in sorted(out.glob("stacks/*/.terraform.lock.hcl")):
        assert 'version     = "1.289.0"' in lock.read_text()
    assert runner.invoke(app, ["check", *args, "--require-locks"]).exit_code == 0


def test_fails_when_the_provider_cannot_be_installed(
    lab: Lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: a CLI config whose mirror holds no provider
    empty = tmp_path / "empty.rc"
    (tmp_path / "nothing").mkdir()
    empty.write_text(
        'provider_installation {\n  filesystem_mirror {\n    path = "'
        + str(tmp_path / "nothing")
        + '"\n  }\n}\n'
    )
    monkeypatch.setenv("TF_CLI_CONFIG_FILE", str(empty))
    config = lab.copy(ROOT / "privatelink.yaml")
    out = lab.synth(config)
    # when
    result = runner.invoke(app, ["lock", "-c", str(config), "-o", str(out)])
    # then: one line, naming the stack and Terraform's reason; no lock file
    assert result.exit_code == 2
    assert "could not lock the provider: Error: " in result.stderr
    assert "stacks/analytics-shenzhen" in result.stderr
    assert not list(out.glob("stacks/*/.terraform.lock.hcl"))
