"""cdktf or cdktn: one module picks (``construct.emitter``), both write the same bytes
(``tests/test_examples.py`` runs on each: ``make test`` and ``make test-cdktn``), and the
commands that do not synthesize need neither."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, runner, write_config
from maxcompute_privatelink.cli import app
from maxcompute_privatelink.construct import emitter
from maxcompute_privatelink.errors import EmitterMissingError, EnvironmentValueError

pytestmark = pytest.mark.emitter


def test_the_venv_holds_one_emitter_and_it_is_the_one_chosen() -> None:
    # given the emitters pip installed here ('.[cdktf,dev]', or '.[cdktn,dev]')
    installed = [name for name in emitter.EMITTERS if importlib.util.find_spec(name)]
    # when
    chosen = emitter.chosen()
    # then: the [cdktn] install brings no cdktf, and the one there is used
    assert installed == [chosen]


def test_mcpl_emitter_picks_and_the_app_s_own_import_is_followed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given both "installed", and an app that imported cdktn
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: object())
    monkeypatch.setitem(sys.modules, "cdktn", sys)
    monkeypatch.delitem(sys.modules, "cdktf", raising=False)
    monkeypatch.delenv(emitter.VARIABLE, raising=False)
    # when / then
    assert emitter.chosen() == "cdktn"
    monkeypatch.setenv(emitter.VARIABLE, "cdktf")
    assert emitter.chosen() == "cdktf"


def test_fails_when_mcpl_emitter_names_another_package(monkeypatch: pytest.MonkeyPatch) -> None:
    # given
    monkeypatch.setenv(emitter.VARIABLE, "pulumi")
    # when
    with pytest.raises(EnvironmentValueError) as raised:
        emitter.chosen()
    # then
    assert str(raised.value) == "MCPL_EMITTER='pulumi': use cdktf or cdktn; unset it or fix it"


def test_fails_when_no_emitter_is_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    # given
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    monkeypatch.delenv(emitter.VARIABLE, raising=False)
    for name in emitter.EMITTERS:
        monkeypatch.delitem(sys.modules, name, raising=False)
    # when
    with pytest.raises(EmitterMissingError) as raised:
        emitter.chosen()
    # then
    assert str(raised.value) == (
        "synthesizing needs cdktf or cdktn, which is not installed; pip install "
        "'maxcompute-privatelink[cdktf]' (validate, regions, render and summary need neither)"
    )


def test_synth_fails_in_one_line_when_the_asked_emitter_is_missing(
    tmp_path: Path, deployment: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given the emitter that is not installed here
    missing = next(n for n in emitter.EMITTERS if not importlib.util.find_spec(n))
    monkeypatch.setenv(emitter.VARIABLE, missing)
    config = write_config(tmp_path, [deployment])
    # when
    result = runner.invoke(app, ["synth", "-c", str(config), "-o", str(tmp_path / "out")])
    # then
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"error: synthesizing needs {missing}, which is not installed; pip install "
        f"'maxcompute-privatelink[{missing}]' (validate, regions, render and summary need "
        "neither)"
    ]
    assert not (tmp_path / "out").exists()


BLOCK_EMITTERS = """
import sys
class Blocker:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("cdktf", "cdktn", "jsii", "constructs"):
            raise ImportError(f"{name} is not installed")
        return None
sys.meta_path.insert(0, Blocker())
from maxcompute_privatelink.cli import main
sys.argv = ["mcpl", *sys.argv[1:]]
main()
"""


def test_commands_that_do_not_synthesize_need_no_emitter(tmp_path: Path) -> None:
    # given committed output, and a Python that cannot import cdktf, cdktn, jsii or constructs
    config = tmp_path / "privatelink.yaml"
    config.write_text((ROOT / "privatelink.yaml").read_text())
    out = tmp_path / "cdktf.out"
    assert runner.invoke(app, ["synth", "-c", str(config), "-o", str(out)]).exit_code == 0
    commands = [
        ["validate", "-c", str(config)],
        ["regions"],
        ["summary", "-c", str(config), "--from", str(out)],
        ["render", "-c", str(config), "--from", str(out), "-o", str(tmp_path / "client")],
        ["init", "-c", str(tmp_path / "new" / "privatelink.yaml")],
        ["schema"],
    ]
    (tmp_path / "new").mkdir()
    for command in commands:
        # when
        done = subprocess.run(
            [sys.executable, "-c", BLOCK_EMITTERS, *command],
            capture_output=True,
            text=True,
            check=False,
        )
        # then
        assert done.returncode == 0, (command, done.stderr)
