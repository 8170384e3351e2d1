"""The progress line of synth and check: on a terminal (a pseudo-terminal here), once the
command has taken more than a second, what it is doing, redrawn in place on stderr and
cleared at the end; never with --quiet, in CI, or into a pipe."""

from __future__ import annotations

import copy
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import BASE_DEPLOYMENT

MCPL = Path(sys.executable).parent / "mcpl"
BUILDING = (
    r"\r\x1b\[Kmcpl: building (60 stacks in \d+ worker processes|stacks: \d+ of 60) \(\d+ s\)"
)
"""In worker processes (one per core, from 16 stacks on) or, on one core, in this one."""


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A config whose full synth takes more than a second: 60 deployments."""
    folder = tmp_path_factory.mktemp("fleet")
    deployments = []
    for index in range(60):
        deployment = copy.deepcopy(BASE_DEPLOYMENT)
        deployment["name"] = f"team-{index:03d}"
        deployments.append(deployment)
    config = folder / "privatelink.yaml"
    config.write_text(yaml.safe_dump({"deployments": deployments}, sort_keys=False))
    return config


def on_a_terminal(*args: str, cwd: Path, env: dict[str, str] | None = None) -> tuple[int, str]:
    """``mcpl args`` with stderr on a pseudo-terminal; its exit code and what it drew."""
    leader, follower = pty.openpty()
    environment = {k: v for k, v in os.environ.items() if k != "CI"} | (env or {})
    done = subprocess.run(
        [str(MCPL), *args], cwd=cwd, env=environment, stdout=subprocess.DEVNULL,
        stderr=follower, check=False,
    )  # fmt: skip
    os.close(follower)
    drawn = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the follower is closed: all read
            break
        if not chunk:
            break
        drawn += chunk
    os.close(leader)
    return done.returncode, drawn.decode(errors="replace")


def test_a_long_synth_says_what_it_does_and_clears_the_line(fleet: Path) -> None:
    # when
    code, drawn = on_a_terminal("synth", "--full", cwd=fleet.parent)
    # then
    assert code == 0
    assert re.search(BUILDING, drawn), drawn[:200]
    assert drawn.endswith("\r\x1b[K"), drawn[-80:]


def test_a_long_check_says_what_it_does(fleet: Path) -> None:
    assert on_a_terminal("synth", cwd=fleet.parent)[0] == 0
    code, drawn = on_a_terminal("check", "--full", cwd=fleet.parent)
    assert code == 0
    assert re.search(BUILDING, drawn), drawn[:200]
    assert "\r\x1b[Kmcpl: comparing with the committed files" in drawn


@pytest.mark.parametrize(("flags", "env"), [(["--quiet"], {}), ([], {"CI": "true"})],
                         ids=["quiet", "in CI"])  # fmt: skip
def test_no_line_with_quiet_or_in_ci(fleet: Path, flags: list[str], env: dict[str, str]) -> None:
    code, drawn = on_a_terminal("synth", "--full", *flags, cwd=fleet.parent, env=env)
    assert code == 0
    assert "mcpl:" not in drawn


def test_no_line_into_a_pipe(fleet: Path) -> None:
    done = subprocess.run(
        [str(MCPL), "synth", "--full"], cwd=fleet.parent, capture_output=True, text=True,
        env={k: v for k, v in os.environ.items() if k != "CI"}, check=False,
    )  # fmt: skip
    assert done.returncode == 0
    assert done.stderr == ""
