"""The ``mcpl`` launcher: Node starts before the CLI is imported when a synth or check
will likely build a stack; a guess that never changes what is written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import after_mcpl, runner, write_config
from maxcompute_privatelink.cli import app
from maxcompute_privatelink.launcher import paths_to_build

pytestmark = pytest.mark.emitter

DEFAULTS = (Path("privatelink.yaml"), Path("cdktf.out"))


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["synth"], DEFAULTS),
        (["check"], DEFAULTS),
        (["synth", "-c", "a.yaml", "-o", "out"], (Path("a.yaml"), Path("out"))),
        (["check", "--config=a.yaml", "--out", "o"], (Path("a.yaml"), Path("o"))),
        (["synth", "--hcl", "--config", "a.yaml"], (Path("a.yaml"), Path("cdktf.out"))),
        (["synth", "--full"], None),
        (["render"], None),
        (["validate", "-c", "a.yaml"], None),
        ([], None),
        (["synth", "--config"], None),
    ],
)
def test_reads_config_and_out_of_the_commands_that_build(
    args: list[str], expected: tuple[Path, Path] | None
) -> None:
    # when / then
    assert paths_to_build(args) == expected


def run_launcher(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``mcpl`` through its launcher, in a fresh interpreter."""
    return subprocess.run(
        [sys.executable, "-m", "maxcompute_privatelink", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def started_before_the_cli(cwd: Path, *args: str) -> str:
    """Whether ``launcher.start`` loads the emitter for ``args``: started, the thread,
    jsii imported, and typer not yet."""
    script = (
        "import sys, threading\n"
        "from maxcompute_privatelink import launcher\n"
        "started = launcher.start(sys.argv[1:])\n"
        "names = [t.name for t in threading.enumerate()]\n"
        "print(started, 'mcpl-preload' in names, 'jsii' in sys.modules, 'typer' in sys.modules)\n"
        "from maxcompute_privatelink.construct.emitter import settle\n"
        "settle()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, *args], cwd=cwd, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_an_edited_config_starts_the_emitter_before_the_cli_is_imported(
    tmp_path: Path, deployment: dict[str, Any]
) -> None:
    # given: a synthesized output, then the config written again after it
    config = write_config(tmp_path, [deployment], name="privatelink.yaml")
    synthesized = runner.invoke(
        app, ["synth", "-c", str(config), "-o", str(tmp_path / "cdktf.out")]
    )
    assert synthesized.exit_code == 0, synthesized.output
    unchanged = started_before_the_cli(tmp_path, "synth")
    config.write_text(config.read_text() + "# edited\n")
    # when
    edited = started_before_the_cli(tmp_path, "synth")
    full = started_before_the_cli(tmp_path, "synth", "--full")
    elsewhere = started_before_the_cli(tmp_path, "check", "-o", "other.out")
    # then: jsii was imported alone, before the CLI
    assert edited == "True True True False"
    assert unchanged == full == elsewhere == "False False False False"


def test_fails_in_one_line_when_an_edited_config_does_not_validate_while_node_loads(
    tmp_path: Path, deployment: dict[str, Any]
) -> None:
    # given: the emitter loads (the config is newer than the output), and the config is bad
    config = write_config(tmp_path, [deployment], name="privatelink.yaml")
    out = tmp_path / "cdktf.out"
    assert runner.invoke(app, ["synth", "-c", str(config), "-o", str(out)]).exit_code == 0
    write_config(tmp_path, [dict(deployment, region="cn-mars")], name="privatelink.yaml")
    # when
    done = run_launcher(tmp_path, "synth")
    preloading = "[t.name for t in threading.enumerate() if t.name == 'mcpl-preload']"
    inside = after_mcpl(["synth"], preloading, cwd=tmp_path)
    # then: the one line, no traceback from jsii's clean-up of a load cut short, and the
    # load finished before the exit (else Node outlives mcpl)
    assert done.returncode == 2
    assert done.stderr.startswith("error: deployment 'prod-shenzhen': region: 'cn-mars'")
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert inside == "2 []"
