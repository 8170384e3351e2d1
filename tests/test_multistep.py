"""Multi-step operations are all-or-nothing, or say exactly what changed: a rename that
fails after moving state files moves them back; a failed or killed render leaves every
deployment's credentials or none, and nothing git would stage; a killed run leaves no
jsii folders behind; init that cannot create the config touches nothing."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from conftest import ROOT, everything, runner, write_config
from maxcompute_privatelink.cli import app
from maxcompute_privatelink.synth import output_dir

AK_ID = "LTAI5tExampleKeyId0001"
AK_SECRET = "Ex4mpleSecretValue0000000000aB"
LIVE = {"version": 4, "resources": []}


def mcpl(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return runner.invoke(app, [str(a) for a in args], env=env)


@pytest.fixture
def two_to_rename(tmp_path: Path, deployment: dict[str, Any]) -> tuple[Path, Path]:
    """Two deployments synthesized, each with a local state file, then both renamed."""
    names = ("east", "west")
    config = write_config(tmp_path, [dict(deployment, name=n, protect=False) for n in names])
    out = tmp_path / "cdktf.out"
    assert mcpl("synth", "-c", config, "-o", out).exit_code == 0
    for name in names:
        (tmp_path / f"terraform.{name}.tfstate").write_text(json.dumps(LIVE))
    renamed = [dict(deployment, name=f"{n}2", renamed_from=n, protect=False) for n in names]
    write_config(tmp_path, renamed)
    return config, out


def test_a_rename_that_fails_midway_moves_the_state_back(
    two_to_rename: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: the second state file cannot be linked to its new name
    config, out = two_to_rename
    before = everything(config.parent)
    real = os.link

    def link(source: Any, destination: Any, **kwargs: Any) -> None:
        if str(destination).endswith("terraform.west2.tfstate"):
            raise OSError(errno.EACCES, "Permission denied", str(destination))
        real(source, destination, **kwargs)

    monkeypatch.setattr(os, "link", link)
    # when
    result = mcpl("synth", "-c", config, "-o", out)
    # then: one line that says what happened, and everything as before
    assert result.exit_code == 2
    assert result.stderr.startswith("error: synth failed while renaming (")
    assert result.stderr.endswith(
        "the state files it had moved were moved back, so nothing was changed; fix that, "
        "then synth again\n"
    )
    assert everything(config.parent) == before


def test_a_rename_whose_swap_fails_moves_the_state_back(
    two_to_rename: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: the disk fills up at the swap, after both state files moved
    config, out = two_to_rename
    before = everything(config.parent)

    def full(staging: Path, target: Path) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(target))

    monkeypatch.setattr(output_dir, "_replace", full)
    # when
    result = mcpl("synth", "-c", config, "-o", out)
    # then
    assert result.exit_code == 2
    assert "the disk is full" in result.stderr
    assert "moved back, so nothing was changed" in result.stderr
    assert everything(config.parent) == before


@pytest.fixture
def rendered(tmp_path: Path, deployment: dict[str, Any]) -> tuple[Path, Path]:
    """Two deployments synthesized and rendered without credentials."""
    deployment["client"] = {"project_name": "proj1"}
    config = write_config(tmp_path, [deployment, dict(deployment, name="second")])
    assert mcpl("synth", "-c", config, "-o", tmp_path / "cdktf.out").exit_code == 0
    client = tmp_path / "client"
    assert (
        mcpl("render", "-c", config, "--from", tmp_path / "cdktf.out", "-o", client).exit_code == 0
    )
    return config, client


CREDENTIALS = {"ALIBABA_CLOUD_ACCESS_KEY_ID": AK_ID, "ALIBABA_CLOUD_ACCESS_KEY_SECRET": AK_SECRET}


def holding_the_secret(folder: Path) -> list[str]:
    return sorted(
        str(p.relative_to(folder))
        for p in folder.rglob("*")
        if p.is_file() and AK_SECRET in p.read_text(errors="replace")
    )


def test_credentials_come_for_every_deployment_or_none(
    rendered: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: writing the second deployment's credentials fails (as a kill there would)
    config, client = rendered
    from maxcompute_privatelink.outputs import render

    real = render._write

    def failing(path: Path, text: str, *, mode: int | None) -> None:
        if path.parent.name == "second" and mode is not None:
            raise OSError(errno.EIO, "Input/output error", str(path))
        real(path, text, mode=mode)

    monkeypatch.setattr(render, "_write", failing)
    # when
    result = mcpl(
        "render", "-c", config, "--from", client.parent / "cdktf.out", "-o", client,
        "--with-credentials", env=CREDENTIALS,
    )  # fmt: skip
    # then: no deployment got credentials, and none are left beside the output
    assert result.exit_code == 2
    assert holding_the_secret(client.parent) == []


def test_credentials_and_the_debris_of_a_killed_render_are_never_staged_by_git(
    rendered: tuple[Path, Path],
) -> None:
    # given: a render with credentials, and the debris a kill leaves beside it
    config, client = rendered
    result = mcpl(
        "render", "-c", config, "--from", client.parent / "cdktf.out", "-o", client,
        "--with-credentials", env=CREDENTIALS,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    debris = client.parent / ".client.mcpl-staging-killed"
    subprocess.run(["cp", "-a", str(client), str(debris)], check=True)
    repo = client.parent

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True)
        return done.stdout

    git("init", "-q")
    # when
    git("add", "-A")
    # then
    staged = git("diff", "--cached", "--name-only").splitlines()
    assert staged and not [name for name in staged if name.startswith(("client/", ".client"))]
    assert holding_the_secret(client) == [
        "prod-shenzhen/odps_config.ini", "prod-shenzhen/pyodps.env",
        "second/odps_config.ini", "second/pyodps.env",
    ]  # fmt: skip


def test_init_that_cannot_create_the_config_leaves_the_schema_alone(tmp_path: Path) -> None:
    # given: mcpl's schema beside a config path in a folder that does not exist
    schema = tmp_path / "privatelink.schema.json"
    schema.write_text('{"$id": "https://maxcompute-privatelink.invalid/privatelink.schema.json"}')
    before = everything(tmp_path)
    # when
    result = mcpl("init", "-c", tmp_path / "missing" / "privatelink.yaml")
    # then
    assert result.exit_code == 2
    assert "nothing was written" in result.stderr
    assert everything(tmp_path) == before


def started_by(pid: int) -> list[str]:
    """Processes still running that a synth with ``pid`` started (its workers, any Node):
    they carry ``MCPL_SYNTH_PARENT=<pid>`` in their environment."""
    marker = f"MCPL_SYNTH_PARENT={pid}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and marker in (entry / "environ").read_bytes().split(b"\0"):
                found.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode())
        except OSError:
            continue
    return found


def test_a_killed_synth_leaves_no_process_and_no_jsii_folders(
    tmp_path: Path, deployment: dict[str, Any]
) -> None:
    # given: a fleet large enough for workers, and a TMPDIR of its own
    config = write_config(tmp_path, [dict(deployment, name=f"d{i}") for i in range(60)])
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp), "MCPL_SYNTH_WORKERS": "2"}
    mcpl_script = [sys.executable, "-c", "from maxcompute_privatelink.launcher import main; main()"]
    args = ["synth", "-c", str(config), "-o", str(tmp_path / "cdktf.out"), "--full"]
    # when: killed once jsii has started in the workers, then run again
    process = subprocess.Popen([*mcpl_script, *args], env=env, cwd=ROOT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(tmp.rglob("jsii-kernel-*")):
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    assert process.wait() == -signal.SIGKILL, "killed while it ran"
    assert any(tmp.iterdir()), "the kill left debris"
    time.sleep(1)  # the workers die with it (PR_SET_PDEATHSIG), and their Node with them
    assert started_by(process.pid) == []
    again = subprocess.run([*mcpl_script, *args], env=env, cwd=ROOT, capture_output=True)
    # then: the second run swept what the first left
    assert again.returncode == 0, again.stderr
    assert list(tmp.iterdir()) == []
