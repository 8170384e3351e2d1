"""Incremental synth: this machine's cache says what is unchanged. After every kind of change, what
synth leaves is byte-identical to a fresh full synth; only the stacks that changed are
built; with nothing changed, neither synth nor check needs Node."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import after_mcpl, runner, tree, write_config
from maxcompute_privatelink.cli import app
from maxcompute_privatelink.model.config_file import read_config_source
from maxcompute_privatelink.synth import incremental
from maxcompute_privatelink.synth.check import CheckResult, check_unchanged

NAMES = ("east", "west", "north")


def fleet(deployment: dict[str, Any]) -> list[dict[str, Any]]:
    return [dict(deployment, name=name, protect=False) for name in NAMES]


@pytest.fixture
def synthesized(tmp_path: Path, deployment: dict[str, Any]) -> tuple[Path, Path]:
    """A fleet of three synthesized: the config, and the output (``tmp_path/cdktf.out``)."""
    config = write_config(tmp_path, fleet(deployment))
    out = tmp_path / "cdktf.out"
    synth(config, out)
    return config, out


def mcpl(*args: str | Path) -> Any:
    return runner.invoke(app, [str(a) for a in args])


def synth(config: Path, out: Path, *flags: str) -> list[str]:
    """Synth; the stacks it built (the others were reused)."""
    result = mcpl("synth", "-c", config, "-o", out, *flags)
    assert result.exit_code == 0, result.output
    return [
        line.split("/stacks/")[1].split("/")[0]
        for line in result.stdout.splitlines()
        if "/stacks/" in line and line.endswith("resources")
    ]


def generated(out: Path) -> dict[str, bytes]:
    return {
        name: data
        for name, data in tree(out).items()
        if name == "manifest.json" or name.startswith("stacks/")
    }


def assert_same_as_full_synth(config: Path, out: Path, *flags: str) -> None:
    """``out`` is what a full synth writes from ``config`` (to an output at the same
    depth, so the state paths are the same)."""
    full = config.parent / "full.out"
    synth(config, full, "--full", *flags)
    assert generated(out) == generated(full)


Change = Callable[[list[dict[str, Any]]], list[dict[str, Any]]]


def edit_one(deployments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    deployments[1] = dict(deployments[1], tags={"team": "new"})
    return deployments


def add_one(deployments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [*deployments, dict(deployments[0], name="south")]


def remove_one(deployments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return deployments[:2]


def rename_one(deployments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    deployments[2] = dict(deployments[2], name="polar", renamed_from="north")
    return deployments


@pytest.mark.parametrize(
    ("change", "built"),
    [
        (edit_one, ["west"]),
        (add_one, ["south"]),
        (remove_one, []),
        (rename_one, ["polar"]),
    ],
    ids=["edited", "added", "removed", "renamed"],
)
def test_only_changed_stacks_are_built_and_the_output_is_a_full_synths(
    tmp_path: Path, deployment: dict[str, Any], change: Change, built: list[str]
) -> None:
    # given: a synthesized fleet
    deployments = fleet(deployment)
    config = write_config(tmp_path, deployments)
    out = tmp_path / "cdktf.out"
    assert synth(config, out) == list(NAMES)
    # when: one kind of change
    config = write_config(tmp_path, change(deployments))
    rebuilt = synth(config, out)
    # then
    assert rebuilt == built
    assert_same_as_full_synth(config, out)


def test_a_backend_change_builds_every_stack(synthesized: tuple[Path, Path]) -> None:
    # given
    config, out = synthesized
    text = config.read_text()
    # when: an oss backend for every stack
    config.write_text(text + "backend:\n  oss:\n    bucket: tf-state\n    region: cn-shenzhen\n")
    rebuilt = synth(config, out)
    # then
    assert rebuilt == list(NAMES)
    assert_same_as_full_synth(config, out)


def test_json_to_hcl_and_back_builds_every_stack(synthesized: tuple[Path, Path]) -> None:
    # given
    config, out = synthesized
    # when / then: to HCL, and again (nothing left to build), and back to JSON
    assert synth(config, out, "--hcl") == list(NAMES)
    assert synth(config, out, "--hcl") == []
    assert_same_as_full_synth(config, out, "--hcl")
    assert synth(config, out, "--json") == list(NAMES)
    assert_same_as_full_synth(config, out, "--json")


def test_a_change_of_the_tool_builds_every_stack(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, synthesized: tuple[Path, Path]
) -> None:
    # given
    config, out = synthesized
    # when: another version of mcpl's code
    monkeypatch.setattr(incremental, "code_digest", lambda: "another build")
    incremental.tool_identity.cache_clear()
    try:
        rebuilt = synth(config, out)
        full = synth(config, tmp_path / "full.out", "--full")
    finally:
        incremental.tool_identity.cache_clear()
    # then
    assert rebuilt == list(NAMES) == full
    assert generated(out) == generated(tmp_path / "full.out")


def test_a_hand_edit_is_drift_for_check_and_synth_repairs_it(
    synthesized: tuple[Path, Path],
) -> None:
    # given: a stack file edited by hand
    config, out = synthesized
    stack = out / "stacks" / "west" / "cdk.tf.json"
    original = stack.read_bytes()
    stack.write_bytes(original.replace(b'"cidr_block"', b'"cidr_block_x"', 1))
    # when
    checked = mcpl("check", "-c", config, "-o", out)
    rebuilt = synth(config, out)
    # then
    assert checked.exit_code == 1
    assert '"cidr_block_x"' in checked.stdout and str(stack) in checked.stdout
    assert rebuilt == ["west"]
    assert stack.read_bytes() == original
    assert mcpl("check", "-c", config, "-o", out).exit_code == 0


def test_with_nothing_changed_synth_and_check_need_no_node(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, synthesized: tuple[Path, Path]
) -> None:
    # given: a synthesized fleet, then no Node (nor anything else) on PATH
    config, out = synthesized
    before = generated(out)
    monkeypatch.setenv("PATH", str(tmp_path / "no-tools"))
    # when
    checked = mcpl("check", "-c", config, "-o", out)
    rebuilt = synth(config, out)
    # then
    assert checked.exit_code == 0, checked.output
    assert "up to date" in checked.stdout
    assert rebuilt == []
    assert generated(out) == before


def test_check_without_node_fails_in_one_line_when_a_stack_changed(
    tmp_path: Path, deployment: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: a changed deployment, and no Node
    deployments = fleet(deployment)
    config = write_config(tmp_path, deployments)
    out = tmp_path / "cdktf.out"
    synth(config, out)
    config = write_config(tmp_path, edit_one(deployments))
    monkeypatch.setenv("PATH", str(tmp_path / "no-tools"))
    # when
    checked = mcpl("check", "-c", config, "-o", out)
    # then
    assert checked.exit_code == 2
    assert checked.stderr.startswith("error: synth needs Node.js")


def test_full_builds_every_stack(synthesized: tuple[Path, Path]) -> None:
    # given
    config, out = synthesized
    # when
    rebuilt = synth(config, out, "--full")
    # then
    assert rebuilt == list(NAMES)


def test_with_nothing_changed_the_emitter_is_not_even_imported(
    synthesized: tuple[Path, Path],
) -> None:
    # given
    config, out = synthesized
    from maxcompute_privatelink.construct.emitter import chosen

    report = f"{chosen()!r} in sys.modules, [t.name for t in threading.enumerate()][1:]"
    for command in ("check", "synth"):
        # when
        done = after_mcpl([command, "-c", config, "-o", out], report)
        # then: neither the emitter (so no Node) nor a preload thread nor a worker
        assert done == "0 False []"


def test_check_reports_a_stray_stack_file_beside_an_unchanged_stack(
    synthesized: tuple[Path, Path],
) -> None:
    # given: an unchanged JSON stack with an HCL file beside it
    config, out = synthesized
    stray = out / "stacks" / "east" / "cdk.tf"
    stray.write_text("# left over\n")
    # when
    checked = mcpl("check", "-c", config, "-o", out)
    rebuilt = synth(config, out)
    # then: check names it; synth drops it (it is a file synth generates) and builds nothing
    assert checked.exit_code == 1
    assert f"not generated by this config: {stray}" in checked.stdout
    assert rebuilt == []
    assert not stray.exists()


def unchanged_check(config: Path, out: Path, hcl: bool = False) -> CheckResult | None:
    return check_unchanged(config, out, hcl, read_config_source(config))


def test_check_of_the_bytes_synth_read_trusts_the_output_without_the_models(
    synthesized: tuple[Path, Path],
) -> None:
    # given
    config, out = synthesized
    report = "sorted(m for m in sys.modules if m.startswith('maxcompute_privatelink.model'))"
    # when
    direct = unchanged_check(config, out)
    done = after_mcpl(["check", "-c", config, "-o", out], report)
    # then: the manifest and three stacks compared, with no model built or validated
    assert direct is not None
    assert (direct.files, direct.differences) == (4, ())
    assert done == "0 ['maxcompute_privatelink.model', " + (
        "'maxcompute_privatelink.model.config_file', 'maxcompute_privatelink.model.regions']"
    )


@pytest.mark.parametrize(
    "change",
    ["a comment in the config", "--hcl", "another depth", "a stray file", "manifest edited"],
)
def test_check_falls_back_to_the_models_when_anything_differs(
    tmp_path: Path, deployment: dict[str, Any], change: str, synthesized: tuple[Path, Path]
) -> None:
    # given: a synthesized fleet, then one thing other than when synth recorded it
    config, out = synthesized
    hcl = change == "--hcl"
    if change == "a comment in the config":
        config.write_text("# the same deployments\n" + config.read_text())
    elif change == "another depth":
        out = out.rename(tmp_path / "cdktf.out.moved")
        deeper = tmp_path / "deeper"
        deeper.mkdir()
        out = out.rename(deeper / "cdktf.out")
    elif change == "a stray file":
        (out / "stacks" / "west" / "cdk.tf").write_text("# stray\n")
    elif change == "manifest edited":
        manifest = json.loads((out / "manifest.json").read_text())
        manifest["stacks"]["west"]["annotations"] = ["by hand"]
        (out / "manifest.json").write_text(json.dumps(manifest))
    # when
    direct = unchanged_check(config, out, hcl)
    checked = mcpl("check", "-c", config, "-o", out, *(["--hcl"] if hcl else []))
    # then: no trust; check builds and compares, and says what it finds
    assert direct is None
    if change == "a comment in the config":
        assert checked.exit_code == 0, checked.output  # the same stacks
    else:
        assert checked.exit_code == 1, checked.output
    if change == "another depth":
        assert '+        "path": "../../../../terraform.west.tfstate"' in checked.stdout
    if change == "manifest edited":
        assert "by hand" in checked.stdout


def test_a_config_with_warnings_is_always_loaded_so_check_and_synth_print_them(
    tmp_path: Path, deployment: dict[str, Any]
) -> None:
    # given: one zone, which validates with a warning
    deployment["zones"] = deployment["zones"][:1]
    config = write_config(tmp_path, [deployment])
    out = tmp_path / "cdktf.out"
    synth(config, out)
    # when
    direct = unchanged_check(config, out)
    checked = mcpl("check", "-c", config, "-o", out)
    again = mcpl("synth", "-c", config, "-o", out)
    # then
    assert "source" not in json.loads((out / "manifest.json").read_text())
    assert direct is None
    warning = "warning: deployment 'prod-shenzhen': zones: only one zone"
    for result in (checked, again):
        assert result.exit_code == 0, result.output
        assert result.stderr.startswith(warning)


def test_fails_when_another_config_beside_it_shares_local_state_even_with_nothing_changed(
    tmp_path: Path, deployment: dict[str, Any], synthesized: tuple[Path, Path]
) -> None:
    # given: an unchanged output, then a second config with a deployment of the same name
    config, out = synthesized
    write_config(tmp_path, [dict(deployment, name="west")], name="other.yaml")
    # when
    direct = unchanged_check(config, out)
    checked = mcpl("check", "-c", config, "-o", out)
    # then
    assert direct is None
    assert checked.exit_code == 2
    assert checked.stderr.startswith(
        f"error: deployment 'west': {tmp_path / 'other.yaml'} has a deployment of that name too"
    )


def test_synth_of_the_bytes_it_read_last_writes_nothing_at_all(
    synthesized: tuple[Path, Path],
) -> None:
    # given: an unchanged output with a user's file in a stack folder
    config, out = synthesized
    (out / "stacks" / "west" / "terraform.tfvars").write_text("x = 1\n")
    before = {path: path.stat() for path in [out, *out.rglob("*")]}
    # when
    result = mcpl("synth", "-c", config, "-o", out)
    # then: every stack reported unchanged, in config order; not a file or folder touched
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"{out}/stacks/{name}/cdk.tf.json: 15 resources, unchanged" for name in NAMES
    ]
    after = {path: path.stat() for path in [out, *out.rglob("*")]}
    assert after.keys() == before.keys()
    for path, stat in after.items():
        assert (stat.st_ino, stat.st_mtime_ns) == (before[path].st_ino, before[path].st_mtime_ns)
