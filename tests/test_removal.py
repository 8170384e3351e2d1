"""Protect and removal fail closed: a deployment leaves the config (and its stack folder
goes) only when synth can read with certainty that nothing tracks or protects its
resources. Each case below was once let through."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from conftest import LIVE_STATE, everything, runner, write_config
from maxcompute_privatelink.cli import app


def mcpl(*args: str | Path) -> Result:
    return runner.invoke(app, [str(a) for a in args])


Case = Callable[[Path, Path], None]
"""Makes one thing unreadable or forged, given the config's folder and the stack folder."""


def dangling_state_link(repo: Path, stack: Path) -> None:
    (repo / "terraform.leaving.tfstate").symlink_to(repo / "unmounted-share" / "x.tfstate")


def conflicted_json(repo: Path, stack: Path) -> None:
    stack_file = stack / "cdk.tf.json"
    text = stack_file.read_text()
    stack_file.write_text(f"<<<<<<< HEAD\n{text}=======\n{text}>>>>>>> theirs\n")


def conflicted_hcl(repo: Path, stack: Path) -> None:
    stack_file = stack / "cdk.tf"
    text = stack_file.read_text()
    stack_file.write_text(text.replace("resource ", "<<<<<<< HEAD\n=======\nresource ", 1))


def backend_edited(repo: Path, stack: Path) -> None:
    stack_file = stack / "cdk.tf.json"
    data = json.loads(stack_file.read_text())
    data["terraform"]["backend"]["local"]["path"] = "elsewhere.tfstate"
    stack_file.write_text(json.dumps(data))
    (repo / "terraform.leaving.tfstate").write_text(json.dumps(LIVE_STATE))


def backend_removed(repo: Path, stack: Path) -> None:
    stack_file = stack / "cdk.tf.json"
    data = json.loads(stack_file.read_text())
    del data["terraform"]["backend"]
    stack_file.write_text(json.dumps(data))
    (repo / "terraform.leaving.tfstate").write_text(json.dumps(LIVE_STATE))


def lifecycle_on_one_line(repo: Path, stack: Path) -> None:
    stack_file = stack / "cdk.tf"
    one_line = re.sub(
        r"lifecycle \{\n\s*prevent_destroy = true\n\s*\}",
        "lifecycle { prevent_destroy = true }",
        stack_file.read_text(),
    )
    assert "lifecycle { prevent_destroy = true }" in one_line
    stack_file.write_text(one_line)
    (repo / "terraform.leaving.tfstate").write_text(json.dumps(LIVE_STATE))


def protect_as_text(repo: Path, stack: Path) -> None:
    stack_file = stack / "cdk.tf.json"
    data = json.loads(stack_file.read_text())
    for bodies in data["resource"].values():
        for body in bodies.values():
            if "lifecycle" in body:
                body["lifecycle"]["prevent_destroy"] = "true"
    stack_file.write_text(json.dumps(data))
    (repo / "terraform.leaving.tfstate").write_text(json.dumps(LIVE_STATE))


CASES: dict[str, tuple[Case, bool, list[str], str]] = {
    # name: (case, protect, synth flags, what the refusal says)
    "a state file linked to nothing": (dangling_state_link, False, [], "still tracks resources"),
    "a JSON stack with conflict markers": (
        conflicted_json, False, [], "cannot be read with certainty",
    ),
    "an HCL stack with conflict markers": (
        conflicted_hcl, False, ["--hcl"], "cannot be read with certainty",
    ),
    "a backend path edited while the state is live": (
        backend_edited, False, [], "is not what synth writes",
    ),
    "a backend removed while the state is live": (
        backend_removed, False, [], "still tracks 1 resource(s)",
    ),
    "HCL lifecycle on one line": (lifecycle_on_one_line, True, ["--hcl"], "protects 6 resources"),
    "prevent_destroy as text": (protect_as_text, True, [], "protects 6 resources"),
}  # fmt: skip


@pytest.mark.parametrize(("case", "protect", "flags", "said"), CASES.values(), ids=list(CASES))
def test_fails_closed_when_a_leaving_deployment_cannot_be_read_with_certainty(
    tmp_path: Path,
    deployment: dict[str, Any],
    case: Case,
    protect: bool,
    flags: list[str],
    said: str,
) -> None:
    # given: two deployments synthesized, one of them made uncertain, then removed
    staying = dict(deployment, name="staying")
    leaving = dict(deployment, name="leaving", protect=protect)
    config = write_config(tmp_path, [staying, leaving])
    out = tmp_path / "cdktf.out"
    assert mcpl("synth", "-c", config, "-o", out, *flags).exit_code == 0
    case(tmp_path, out / "stacks" / "leaving")
    write_config(tmp_path, [staying])
    before = everything(tmp_path)
    # when
    result = mcpl("synth", "-c", config, "-o", out, *flags)
    # then: refused, one line each, nothing changed
    assert result.exit_code == 2, result.output
    assert said in result.stderr, result.stderr
    assert result.stderr.startswith("error: deployment 'leaving' left the config, but ")
    assert "Traceback" not in result.output
    assert everything(tmp_path) == before
