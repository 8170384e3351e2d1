"""The pre-commit hooks of .pre-commit-hooks.yaml, run by pre-commit itself as an infra
repo runs them: `pre-commit try-repo <this checkout> <hook>` in a throw-away infra repo.
pre-commit builds each hook's environment as it would from the real repository (`pip
install .` and the hook's additional_dependencies, into a virtualenv of its own), here
offline: pip takes the packages from the wheelhouse `make test-tools` downloads."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import ROOT, committed, runner
from maxcompute_privatelink.cli import app

LINT_BIN = Path(os.environ.get("MCPL_LINT_BIN", ROOT / ".venv-lint" / "bin"))
WHEELHOUSE = Path(os.environ.get("MCPL_WHEELHOUSE", ROOT / ".wheelhouse"))


def infra_repo(folder: Path, *synth_flags: str) -> Path:
    """An infra repo with the bundled example's config and its output, committed."""
    folder.mkdir()
    (folder / "privatelink.yaml").write_text((ROOT / "examples/oss-backend.yaml").read_text())
    synthesized = runner.invoke(
        app, ["synth", "-c", str(folder / "privatelink.yaml"), "-o", str(folder / "cdktf.out"),
              *synth_flags],
    )  # fmt: skip
    assert synthesized.exit_code == 0, synthesized.output
    return committed(folder)


def try_repo(repo: Path, hook: str, home: Path) -> subprocess.CompletedProcess[str]:
    pre_commit = LINT_BIN / "pre-commit"
    assert pre_commit.is_file() and WHEELHOUSE.is_dir(), "run `make test-tools`"
    environment = {
        **os.environ,
        "PRE_COMMIT_HOME": str(home),
        "PIP_NO_INDEX": "1",  # offline: every package from the wheelhouse
        "PIP_FIND_LINKS": str(WHEELHOUSE),
    }
    return subprocess.run(
        [str(pre_commit), "try-repo", str(ROOT), hook, "--all-files", "--color", "never"],
        cwd=repo, env=environment, capture_output=True, text=True, check=False,
    )  # fmt: skip


def edit_stack(repo: Path) -> None:
    [stack_file] = [p for p in repo.glob("cdktf.out/stacks/*/cdk.tf*") if p.suffix != ".hcl"]
    stack_file.write_text(stack_file.read_text().replace("443/443", "443/444", 1))


def break_config(repo: Path) -> None:
    config = repo / "privatelink.yaml"
    config.write_text(config.read_text().replace("region: cn-hangzhou", "region: cn-hangzou"))


HOOKS = {
    # hook: (synth flags, what makes it fail, what its failure says)
    "mcpl-validate": ([], break_config, "region"),
    "mcpl-check": ([], edit_stack, "differs from what privatelink.yaml synthesizes"),
    "mcpl-check-hcl": (["--hcl"], edit_stack, "differs from what privatelink.yaml synthesizes"),
}


@pytest.mark.parametrize(("hook", "flags", "spoil", "said"), [(h, *v) for h, v in HOOKS.items()])
def test_each_hook_installs_what_it_needs_passes_and_fails(
    tmp_path: Path, hook: str, flags: list[str], spoil: Callable[[Path], None], said: str
) -> None:
    # given: an infra repo whose committed output is what its config gives
    repo = infra_repo(tmp_path / "infra", *flags)
    # when: pre-commit installs the hook and runs it
    passed = try_repo(repo, hook, tmp_path / "pre-commit")
    # then
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout
    # when: the repo is spoiled
    spoil(repo)
    failed = try_repo(repo, hook, tmp_path / "pre-commit")
    # then
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "Failed" in failed.stdout and said in failed.stdout, failed.stdout
