"""Ownership without exceptions: only what mcpl marked is mcpl's. An unmarked manifest is
adopted only when the user says so; a folder under ``stacks/`` that the manifest does
not list is the user's, whatever it holds; a marker is honoured only where it is exactly
what mcpl writes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from conftest import everything, runner, write_config
from maxcompute_privatelink.cli import app


def mcpl(*args: str | Path) -> Result:
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def synthesized(tmp_path: Path, deployment: dict[str, Any]) -> tuple[Path, Path]:
    config = write_config(tmp_path, [dict(deployment, protect=False)])
    out = tmp_path / "cdktf.out"
    assert mcpl("synth", "-c", config, "-o", out).exit_code == 0
    return config, out


def unmark(out: Path) -> None:
    """The manifest as mcpl 0.1 (or any cdktf app) writes it: no ``generator``."""
    manifest = out / "manifest.json"
    data = json.loads(manifest.read_text())
    del data["generator"]
    manifest.write_text(json.dumps(data))


def test_fails_on_an_unmarked_manifest_and_names_the_adoption(
    synthesized: tuple[Path, Path],
) -> None:
    # given: another cdktf app's output, or mcpl 0.1's
    config, out = synthesized
    unmark(out)
    before = everything(out)
    # when
    result = mcpl("synth", "-c", config, "-o", out)
    # then
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {out}: its manifest.json is missing or carries no mark of mcpl's (an output "
        "of mcpl 0.1, or of another cdktf app); if mcpl synth wrote it, adopt it once with "
        "`mcpl synth --adopt`, else choose another --out; nothing was written\n"
    )
    assert everything(out) == before


def test_adopt_takes_an_output_of_mcpl_0_1_as_its_own(synthesized: tuple[Path, Path]) -> None:
    # given
    config, out = synthesized
    unmark(out)
    # when
    result = mcpl("synth", "-c", config, "-o", out, "--adopt")
    # then
    assert result.exit_code == 0, result.output
    assert json.loads((out / "manifest.json").read_text())["generator"] == "maxcompute-privatelink"


def test_an_unmarked_manifest_of_another_app_never_lets_synth_remove_its_stacks(
    synthesized: tuple[Path, Path],
) -> None:
    # given: another app's stack beside ours, in an unmarked manifest
    config, out = synthesized
    theirs = out / "stacks" / "their-app"
    theirs.mkdir()
    (theirs / "cdk.tf.json").write_text("{}")
    unmark(out)
    # when: synth without --adopt
    result = mcpl("synth", "-c", config, "-o", out)
    # then
    assert result.exit_code == 2
    assert (theirs / "cdk.tf.json").read_text() == "{}"


def test_a_lost_manifest_is_no_reason_to_refuse_an_output_this_machine_wrote(
    synthesized: tuple[Path, Path],
) -> None:
    # given: the manifest deleted, every stack file as this machine's synth wrote it
    config, out = synthesized
    (out / "manifest.json").unlink()
    # when
    result = mcpl("synth", "-c", config, "-o", out)
    # then
    assert result.exit_code == 0, result.output
    assert (out / "manifest.json").is_file()
    assert mcpl("check", "-c", config, "-o", out).exit_code == 0


def test_a_lost_manifest_on_another_machine_is_adopted_only_when_asked(
    synthesized: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: the manifest deleted, and a machine whose cache knows nothing
    config, out = synthesized
    (out / "manifest.json").unlink()
    monkeypatch.setenv("MCPL_CACHE_DIR", str(tmp_path / "elsewhere"))
    # when
    refused = mcpl("synth", "-c", config, "-o", out)
    adopted = mcpl("synth", "-c", config, "-o", out, "--adopt")
    # then
    assert refused.exit_code == 2
    assert "adopt it once with `mcpl synth --adopt`" in refused.stderr
    assert adopted.exit_code == 0, adopted.output
    assert (out / "manifest.json").is_file()


def test_the_output_keeps_its_mode_and_group(synthesized: tuple[Path, Path]) -> None:
    # given: a shared output folder, group-writable with setgid
    config, out = synthesized
    out.chmod(0o2770)
    # when
    result = mcpl("synth", "-c", config, "-o", out, "--full")
    # then
    assert result.exit_code == 0, result.output
    assert out.stat().st_mode & 0o7777 == 0o2770


USER_FOLDERS = {
    "a stack file": {"cdk.tf.json": "{}"},
    "an HCL stack": {"cdk.tf": "# mine\n", "metadata.json": "{}"},
    "notes only": {"README.md": "ours\n"},
}


@pytest.mark.parametrize("files", list(USER_FOLDERS.values()), ids=list(USER_FOLDERS))
def test_a_folder_under_stacks_that_is_no_deployment_is_kept_and_left_alone(
    synthesized: tuple[Path, Path], files: dict[str, str]
) -> None:
    # given: the user's folder under stacks/, which the manifest does not list
    config, out = synthesized
    mine = out / "stacks" / "shared-modules"
    mine.mkdir()
    for name, text in files.items():
        (mine / name).write_text(text)
    # when
    synthesized_again = mcpl("synth", "-c", config, "-o", out, "--full")
    checked = mcpl("check", "-c", config, "-o", out, "--verbose")
    # then
    assert synthesized_again.exit_code == 0, synthesized_again.output
    assert "removed" not in synthesized_again.stdout
    assert {p.name: p.read_text() for p in mine.iterdir()} == files
    assert checked.exit_code == 0, checked.output
    assert f"{out}/stacks/shared-modules/: not generated, left alone" in checked.stdout


def test_fails_when_a_new_deployment_would_take_over_a_users_stack_folder(
    synthesized: tuple[Path, Path], deployment: dict[str, Any]
) -> None:
    # given: the user's stack file where a new deployment's folder would go
    config, out = synthesized
    mine = out / "stacks" / "second"
    mine.mkdir()
    (mine / "cdk.tf.json").write_text('{"mine": true}')
    write_config(config.parent, [deployment, dict(deployment, name="second")])
    before = everything(out)
    # when
    result = mcpl("synth", "-c", config, "-o", out)
    # then
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {out}/stacks/second: deployment 'second' is new, but its folder holds "
        "cdk.tf.json, which mcpl did not write (the manifest does not list the stack); move "
        "the folder away, then synth again\n"
    )
    assert everything(out) == before


FORGED_MANIFESTS = {
    "a path as a stack name": lambda m: m["stacks"].update(
        {"../../evil": m["stacks"]["prod-shenzhen"]}
    ),
    "an entry pointing elsewhere": lambda m: m["stacks"]["prod-shenzhen"].update(
        {"workingDirectory": "../.."}
    ),
    "a key synth never writes": lambda m: m.update({"extra": 1}),
    "another generator": lambda m: m.update({"generator": "someone-else"}),
}


@pytest.mark.parametrize("forge", list(FORGED_MANIFESTS.values()), ids=list(FORGED_MANIFESTS))
def test_a_manifest_not_exactly_as_synth_writes_it_is_no_marker(
    synthesized: tuple[Path, Path], forge: Any
) -> None:
    # given
    config, out = synthesized
    manifest = out / "manifest.json"
    data = json.loads(manifest.read_text())
    forge(data)
    manifest.write_text(json.dumps(data))
    before = everything(out.parent)
    # when
    result = mcpl("synth", "-c", config, "-o", out)
    # then: refused, nothing written
    assert result.exit_code == 2
    assert f"error: {out}: " in result.stderr
    assert everything(out.parent) == before


# -- render's output -----------------------------------------------------------------------------


def render(config: Path, out: Path) -> Result:
    synthesized = mcpl("synth", "-c", config, "-o", out.parent / "cdktf.out")
    assert synthesized.exit_code == 0, synthesized.output
    return mcpl("render", "-c", config, "--from", out.parent / "cdktf.out", "-o", out)


@pytest.fixture
def rendered(tmp_path: Path, deployment: dict[str, Any]) -> tuple[Path, Path]:
    config = write_config(
        tmp_path, [dict(deployment, protect=False, client={"project_name": "proj1"})]
    )
    client = tmp_path / "client"
    assert render(config, client).exit_code == 0
    return config, client


def test_a_folder_of_the_users_in_renders_output_is_never_deleted(
    rendered: tuple[Path, Path],
) -> None:
    # given: the user's notes in a folder that is no deployment, named like render's files
    config, client = rendered
    shared = client / "shared"
    shared.mkdir()
    (shared / "README.md").write_text("how we connect\n")
    (shared / "jdbc.url").write_text("jdbc:odps:mine\n")
    # when
    result = render(config, client)
    # then
    assert result.exit_code == 0, result.output
    assert (shared / "README.md").read_text() == "how we connect\n"
    assert (shared / "jdbc.url").read_text() == "jdbc:odps:mine\n"


def test_a_crafted_render_marker_cannot_make_render_delete_a_users_file(
    rendered: tuple[Path, Path],
) -> None:
    # given: a marker that claims the user's folder as a rendered deployment
    config, client = rendered
    mine = client / "notes"
    mine.mkdir()
    (mine / "README.md").write_text("mine\n")
    marker = client / "mcpl-render.json"
    data = json.loads(marker.read_text())
    data["deployments"].append("notes")
    data["files"]["notes/README.md"] = "0" * 64
    marker.write_text(json.dumps(data))
    # when
    result = render(config, client)
    # then
    assert result.exit_code == 0, result.output
    assert (mine / "README.md").read_text() == "mine\n"


def test_a_departed_deployments_files_go_unless_the_user_edited_them(
    tmp_path: Path, deployment: dict[str, Any]
) -> None:
    # given: two deployments rendered; the user edits one file of the one that leaves
    both = [dict(deployment, protect=False, client={"project_name": "proj1"})]
    both.append(dict(both[0], name="gone"))
    config = write_config(tmp_path, both)
    client = tmp_path / "client"
    assert render(config, client).exit_code == 0
    (client / "gone" / "README.md").write_text("my notes on gone\n")
    # when
    write_config(tmp_path, both[:1])
    result = render(config, client)
    # then: render's own files went; the edited one is the user's now
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (client / "gone").iterdir()) == ["README.md"]
    assert (client / "gone" / "README.md").read_text() == "my notes on gone\n"


def test_a_listed_stack_that_lost_its_stack_file_leaves_no_file_of_mcpls_behind(
    tmp_path: Path, deployment: dict[str, Any]
) -> None:
    # given: an HCL output of two stacks; the second leaves the config, and its cdk.tf
    # is already gone (its metadata.json, which synth wrote, is still there)
    config = write_config(tmp_path, [deployment, dict(deployment, name="second")])
    out = tmp_path / "cdktf.out"
    assert mcpl("synth", "-c", config, "-o", out, "--hcl").exit_code == 0
    (out / "stacks" / "second" / "cdk.tf").unlink()
    write_config(tmp_path, [deployment])
    # when
    result = mcpl("synth", "-c", config, "-o", out, "--hcl")
    checked = mcpl("check", "-c", config, "-o", out, "--hcl")
    # then: the manifest listed it, so its metadata.json was synth's and goes with it
    assert result.exit_code == 0, result.output
    assert not (out / "stacks" / "second").exists()
    assert checked.exit_code == 0, checked.output
