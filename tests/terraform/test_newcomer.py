"""A newcomer's first hour, as README.md tells it: the wheel of this checkout installed
with its extras into a fresh venv outside the checkout (offline, from the wheelhouse
`make test-tools` downloads), then the journey in an empty git repo: init, validate,
synth, `terraform init` and `plan` (the stand-in provider), render, commit, check,
`ci github` and the pre-commit hook. Each step exits as the README says, and nothing
secret is staged."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from maxcompute_privatelink.synth.incremental import code_digest
from terraform.conftest import Lab

pytestmark = pytest.mark.terraform

WHEELHOUSE = Path(os.environ.get("MCPL_WHEELHOUSE", ROOT / ".wheelhouse"))
LINT_BIN = Path(os.environ.get("MCPL_LINT_BIN", ROOT / ".venv-lint" / "bin"))


def run(*args: str | Path, cwd: Path | None = None, code: int = 0) -> str:
    """``args`` as a process; its stdout and stderr, after checking its exit code."""
    offline = {**os.environ, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(WHEELHOUSE)}
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=offline, capture_output=True, text=True,
        check=False,
    )  # fmt: skip
    assert done.returncode == code, f"{args}: {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


def test_a_newcomer_installs_the_wheel_and_follows_the_readme(
    workflow_lab: Lab, tmp_path: Path
) -> None:
    assert WHEELHOUSE.is_dir(), "run `make test-tools`"
    # given: the wheel, installed with [cdktf,hcl] into a venv outside the checkout
    run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", tmp_path / "dist", ROOT)
    [wheel] = (tmp_path / "dist").glob("maxcompute_privatelink-*.whl")
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv)
    run(venv / "bin/python", "-m", "pip", "install", "--quiet", f"{wheel}[cdktf,hcl]")
    mcpl = venv / "bin/mcpl"
    digest = (
        "from maxcompute_privatelink.synth.incremental import code_digest; print(code_digest())"
    )
    installed_code = run(venv / "bin/python", "-c", digest, cwd=tmp_path).strip()
    repo = tmp_path / "infra"
    repo.mkdir()
    run("git", "init", "-q", cwd=repo)

    # when: the journey, step by step
    said = run(mcpl, "init", "--region", "cn-shanghai", "--vpc-cidr", "10.30.0.0/16", cwd=repo)
    assert "next: set the zone ids" in said
    assert "privatelink.yaml: 1 deployment(s) valid: main" in run(mcpl, "validate", cwd=repo)
    assert "cdktf.out/stacks/main/cdk.tf.json: " in run(mcpl, "synth", cwd=repo)
    stack = repo / "cdktf.out/stacks/main"
    workflow_lab.ok(stack, "init", "-no-color")
    plan = workflow_lab.ok(stack, "plan", "-no-color", "-out=tfplan")
    assert "Plan: " in plan.stdout
    config = repo / "privatelink.yaml"
    data = yaml.safe_load(config.read_text())
    data["deployments"][0]["client"] = {"project_name": "analytics"}  # as the README says
    config.write_text(yaml.safe_dump(data, sort_keys=False))
    run(mcpl, "synth", cwd=repo)
    assert "client/main/: odps_config.ini" in run(mcpl, "render", cwd=repo)
    # then, for CI, the state in OSS (README: "Then make it reviewed code")
    data["backend"] = {"oss": {"bucket": "acme-terraform-state", "region": "cn-shanghai"}}
    config.write_text(yaml.safe_dump(data, sort_keys=False))
    run(mcpl, "synth", cwd=repo)
    run("git", "add", "-A", cwd=repo)
    staged = run("git", "diff", "--cached", "--name-only", cwd=repo).split()
    assert "up to date" in run(mcpl, "check", cwd=repo)
    refused = run(mcpl, "ci", "github", cwd=repo, code=2)
    install = f'pip install "maxcompute-privatelink[cdktf,hcl] @ {wheel.name}"'
    run(mcpl, "ci", "github", "--install", install, cwd=repo)
    run("git", "add", "-A", cwd=repo)
    run("git", "-c", "user.name=t", "-c", "user.email=t@e.invalid", "commit", "-qm", "pl", cwd=repo)
    hook = run(LINT_BIN / "pre-commit", "try-repo", ROOT, "mcpl-check", "--all-files", cwd=repo)

    # then: what is committed is the config, its schema, the output and the ignore file;
    # no state, plan, Terraform folder or client file (credentials) is staged
    assert sorted(staged) == [
        ".gitignore",
        "cdktf.out/manifest.json",
        "cdktf.out/stacks/main/.terraform.lock.hcl",
        "cdktf.out/stacks/main/cdk.tf.json",
        "privatelink.schema.json",
        "privatelink.yaml",
    ]
    # and the installed wheel is the same mcpl as this checkout: one code digest, so that
    # switching between them rebuilds nothing (the checkout's templates are a link)
    assert installed_code == code_digest()
    # and `ci github` named the source it cannot install from, and the flag
    assert f"this mcpl was installed from file://{wheel}, which CI cannot reach" in refused
    assert "Passed" in hook
