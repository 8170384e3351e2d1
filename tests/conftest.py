from __future__ import annotations

import copy
import inspect
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
# mcpl's cache (synth.cache) of each test process is its own, never the user's
os.environ["MCPL_CACHE_DIR"] = tempfile.mkdtemp(prefix="mcpl-test-cache.")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = [ROOT / "privatelink.yaml", *sorted((ROOT / "examples").glob("*.yaml"))]
"""Every bundled config: the ones users copy, which must synthesize as shipped."""


# click 8.2 (and the click newer typers carry) keeps stderr apart by itself; click 8.1,
# what typer 0.15 (the lowest typer the package admits) runs on, has to be asked
_SEPARATE_STDERR = "mix_stderr" in inspect.signature(CliRunner.__init__).parameters
_RUNNER_OPTIONS: dict[str, Any] = {"mix_stderr": False} if _SEPARATE_STDERR else {}
runner = CliRunner(**_RUNNER_OPTIONS)
"""The CLI runner every test of a command uses (stdout and stderr apart)."""
SCHEMA_FILE = ROOT / "schema" / "alicloud-provider-subset.json"

BASE_DEPLOYMENT: dict[str, Any] = {
    "name": "prod-shenzhen",
    "region": "cn-shenzhen",
    "vpc_cidr": "10.20.0.0/16",
    "zones": [
        {"zone_id": "cn-shenzhen-e", "vswitch_cidr": "10.20.1.0/24"},
        {"zone_id": "cn-shenzhen-f", "vswitch_cidr": "10.20.2.0/24"},
    ],
    "tags": {"team": "data"},
}


LIVE_STATE: dict[str, Any] = {
    "version": 4,
    "resources": [
        {
            "mode": "managed",
            "type": "alicloud_privatelink_vpc_endpoint",
            "name": "maxcompute_frontend",
            "instances": [{"attributes": {"id": "ep-live1"}}],
        }
    ],
}
"""A local state file that tracks one live endpoint."""


@pytest.fixture(autouse=True)
def installed_from_an_index(monkeypatch: pytest.MonkeyPatch) -> None:
    """The suite runs from an editable checkout, a folder CI cannot install from, which
    `mcpl ci github` refuses as the default of --install: in-process, mcpl here counts
    as installed from a package index (tests/test_ci.py tests each source)."""
    monkeypatch.setattr("maxcompute_privatelink.outputs.ci.installed_direct_url", lambda: None)


@pytest.fixture
def deployment() -> dict[str, Any]:
    """A valid deployment entry as it comes out of YAML; tests change one thing."""
    return copy.deepcopy(BASE_DEPLOYMENT)


@pytest.fixture(scope="session")
def schema() -> dict[str, Any]:
    data = json.loads(SCHEMA_FILE.read_text())
    provider: dict[str, Any] = data["provider_schemas"]["registry.terraform.io/aliyun/alicloud"]
    return provider


def write_config(folder: Path, deployments: list[dict[str, Any]], name: str = "c.yaml") -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump({"deployments": deployments}, sort_keys=False))
    return path


def git(*args: str, cwd: Path | None = None) -> str:
    """git in ``cwd`` (the current folder by default), committing as a fixed test author;
    its output."""
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@e.invalid", *args],
        capture_output=True, text=True, check=True, cwd=cwd,
    )  # fmt: skip
    return done.stdout.strip()


def committed(folder: Path) -> Path:
    """``folder`` as a new git repo with everything in it committed."""
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "infra"]):
        git(*args, cwd=folder)
    return folder


def synthesized_and_committed() -> str:
    """``c.yaml`` of the current folder synthesized, in a new git repo, committed: the
    commit."""
    from maxcompute_privatelink.cli import app

    assert runner.invoke(app, ["synth", "-c", "c.yaml"]).exit_code == 0
    git("init", "-q")
    git("add", "-A")
    git("commit", "-qm", "one")
    return git("rev-parse", "HEAD")


OSS = "backend:\n  oss: {bucket: acme-state, region: cn-hangzhou}\n"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, deployment: dict[str, Any]) -> Path:
    """An infra repo as the current folder: c.yaml (OSS state) with two deployments."""
    monkeypatch.chdir(tmp_path)
    config = write_config(tmp_path, [deployment, dict(deployment, name="second")])
    config.write_text(config.read_text() + OSS)
    return tmp_path


def after_mcpl(args: list[str | Path], report: str, cwd: Path | None = None) -> str:
    """Run ``mcpl args`` in a fresh interpreter, through the ``mcpl`` entry point, then
    print its exit code and ``report``, a Python expression evaluated there (``sys`` and
    ``threading`` imported): that last line of its output."""
    script = (
        "import sys, threading\n"
        "from maxcompute_privatelink.launcher import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit as done:\n    code = done.code or 0\n"
        f"print(code, {report})\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()[-1]


def tree(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` by relative path, with its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def everything(folder: Path) -> dict[str, str | bytes]:
    """Every entry below ``folder``, never following a symlink: files by their bytes,
    symlinks by their target, folders as ``"dir"``; to show that nothing changed."""
    found: dict[str, str | bytes] = {}
    for root, dirs, files in os.walk(folder):
        for name in [*dirs, *files]:
            path = Path(root) / name
            key = path.relative_to(folder).as_posix()
            if path.is_symlink():
                found[key] = "-> " + str(path.readlink())
            elif path.is_dir():
                found[key] = "dir"
            else:
                found[key] = path.read_bytes()
    return found


def resolved(scope: Any, value: Any) -> Any:
    """``value`` with its cdktf tokens resolved as synth resolves them in ``scope``."""
    from maxcompute_privatelink.construct.cdk import cdktf

    resolver = cdktf.DefaultTokenResolver(cdktf.StringConcat())
    return cdktf.Tokenization.resolve(value, scope=scope, resolver=resolver)
