"""What main.py's synth does differently when cdktf-cli or cdktn-cli runs it
(``launcher.cdktf_app``, ``synth --for-cdktf-cli``): those CLIs list the folders under
``stacks/`` before running the app and, after it, delete every one the new manifest does
not list, with ``fs.rmSync(folder, {recursive: true})``, without ``force``
(``@cdktf/cli-core/src/lib/synth-stack.js``, end of ``SynthStack.synth``): a folder that
went missing fails the command (ENOENT), and a folder of the user's is deleted.
tests/terraform/test_cdktf_cli.py runs the CLIs themselves."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from conftest import runner, write_config
from maxcompute_privatelink import launcher
from maxcompute_privatelink.cli import app


def synth(config: Path, *flags: str) -> Result:
    return runner.invoke(
        app, ["synth", "-c", str(config), "-o", str(config.parent / "out"), *flags]
    )


@pytest.mark.parametrize("for_cli", [True, False], ids=["by the CLI", "by hand"])
def test_a_renamed_stack_leaves_an_empty_folder_only_for_the_cli(
    tmp_path: Path, deployment: dict[str, Any], for_cli: bool
) -> None:
    # given: a synthesized deployment, then renamed
    config = write_config(tmp_path, [deployment])
    assert synth(config).exit_code == 0
    old = deployment["name"]
    write_config(tmp_path, [dict(deployment, name="renamed", renamed_from=old)])
    # when
    result = synth(config, *(["--for-cdktf-cli"] if for_cli else []))
    # then: for the CLI, the old folder is there, empty, for its rmSync; by hand, gone;
    # the note on stdout for the CLI (it shows the app's stderr as errors)
    assert result.exit_code == 0, result.output
    folder = tmp_path / "out" / "stacks" / old
    assert (folder.is_dir() and not any(folder.iterdir())) is for_cli
    assert folder.exists() is for_cli
    assert ("note: stacks/" in result.stdout) is for_cli
    assert ("note: stacks/" in result.stderr) is not for_cli


def test_fails_when_a_folder_of_yours_is_under_stacks_for_the_cli(
    tmp_path: Path, deployment: dict[str, Any]
) -> None:
    # given: a synthesized output with the user's folder under stacks/, and an empty one
    config = write_config(tmp_path, [deployment])
    assert synth(config).exit_code == 0
    mine = tmp_path / "out" / "stacks" / "runbooks"
    mine.mkdir()
    (mine / "notes.md").write_text("ours\n")
    (tmp_path / "out" / "stacks" / "empty").mkdir()
    # when: unchanged config too: the CLI deletes the folder whatever synth writes
    by_cli = synth(config, "--for-cdktf-cli")
    by_hand = synth(config)
    # then: refused for the CLI, naming the folder; the empty folder loses nothing
    assert by_cli.exit_code == 2
    assert by_cli.stderr == (
        f"error: {tmp_path / 'out' / 'stacks' / 'runbooks'}: a folder of yours, not a stack, "
        "which cdktf-cli and cdktn-cli delete once the app has run, as the manifest does "
        "not list it (cli-core synth-stack.ts); move it out of "
        f"{tmp_path / 'out'}, or synthesize with `mcpl synth`, which leaves it alone; "
        "nothing was written\n"
    )
    assert by_hand.exit_code == 0, by_hand.output
    assert (mine / "notes.md").read_text() == "ours\n"


def test_main_py_synthesizes_for_the_cli_only_when_a_cli_runs_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: what main.py passes on, with and without the CLIs' variable
    calls: list[list[str]] = []
    monkeypatch.setattr(launcher, "main", lambda args, prog_name: calls.append(args))
    monkeypatch.setenv("CDKTF_OUTDIR", "elsewhere")
    # when
    launcher.cdktf_app()
    monkeypatch.setenv(launcher.CDKTF_CLI_MARK, "true")
    launcher.cdktf_app()
    # then
    assert calls == [
        ["synth", "--config", "privatelink.yaml", "--out", "elsewhere"],
        ["synth", "--config", "privatelink.yaml", "--out", "elsewhere", "--for-cdktf-cli"],
    ]
