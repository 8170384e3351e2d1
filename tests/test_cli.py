"""The mcpl command line, through typer's CliRunner and, once each, as real processes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, runner, tree, write_config
from maxcompute_privatelink.cli import app

pytestmark = pytest.mark.releases


def test_validate_accepts_the_bundled_config() -> None:
    # when
    result = runner.invoke(app, ["validate", "--config", str(ROOT / "privatelink.yaml")])
    # then
    assert result.exit_code == 0, result.output
    assert "1 deployment(s) valid: analytics-shenzhen" in result.stdout


def test_validate_warns_on_a_single_zone(tmp_path: Path, deployment: dict[str, Any]) -> None:
    deployment["zones"] = deployment["zones"][:1]
    config = write_config(tmp_path, [deployment])
    result = runner.invoke(app, ["validate", "-c", str(config)])
    assert result.exit_code == 0
    assert result.stderr.startswith(
        "warning: deployment 'prod-shenzhen': zones: only one zone (cn-shenzhen-e)"
    )


def test_fails_when_config_is_bad_with_one_line_per_problem_and_writes_nothing(
    tmp_path: Path, deployment: dict[str, Any]
) -> None:
    # given: two problems in one deployment, one in another
    other = dict(deployment, name="second", region="cn-mars")
    deployment["zones"][1]["zone_id"] = "cn-beijing-a"
    deployment["allowed_cidrs"] = ["0.0.0.0/0"]
    config = write_config(tmp_path, [deployment, other])
    out = tmp_path / "cdktf.out"
    # when
    result = runner.invoke(app, ["synth", "-c", str(config), "-o", str(out)])
    # then
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert [line.split(": ")[:3] for line in lines] == [
        ["error", "deployment 'prod-shenzhen'", "allowed_cidrs"],
        ["error", "deployment 'second'", "region"],
    ]
    assert "Traceback" not in result.output
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["c.yaml"], "nothing written, not even a temp"


def test_fails_when_config_is_missing(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", "-c", str(tmp_path / "none.yaml")])
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {tmp_path / 'none.yaml'}: no such file; pass --config PATH, or run `mcpl init` "
        "to write a starter\n"
    )


def test_cross_field_problems_are_all_reported(tmp_path: Path, deployment: dict[str, Any]) -> None:
    deployment["zones"][0]["zone_id"] = "cn-beijing-a"
    deployment["zones"][1]["vswitch_cidr"] = "10.99.0.0/24"
    config = write_config(tmp_path, [deployment])
    result = runner.invoke(app, ["validate", "-c", str(config)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: deployment 'prod-shenzhen': zones[0].zone_id: 'cn-beijing-a' is not a zone of "
        "cn-shenzhen; it is a zone of cn-beijing: if the VPC is in cn-beijing, set region: "
        "cn-beijing; else use a zone of cn-shenzhen, like cn-shenzhen-a",
        "error: deployment 'prod-shenzhen': zones[1].vswitch_cidr: '10.99.0.0/24' is outside "
        "the VPC's 10.20.0.0/16; choose a block inside 10.20.0.0/16",
    ]


def test_synth_writes_the_cdktf_layout(tmp_path: Path, deployment: dict[str, Any]) -> None:
    # given
    config = write_config(tmp_path, [deployment, dict(deployment, name="second")])
    out = tmp_path / "cdktf.out"
    # when
    result = runner.invoke(app, ["synth", "-c", str(config), "-o", str(out)])
    # then
    assert result.exit_code == 0, result.output
    assert sorted(tree(out)) == [
        "manifest.json",
        "stacks/prod-shenzhen/cdk.tf.json",
        "stacks/second/cdk.tf.json",
    ]
    assert f"{out}/stacks/prod-shenzhen/cdk.tf.json: 15 resources" in result.stdout
    assert oct(out.stat().st_mode & 0o777) != oct(0o700), "not the temp folder's mode"


def test_synth_is_byte_identical_across_folders(tmp_path: Path, deployment: dict[str, Any]) -> None:
    # given: the same config in two unrelated folders
    outputs = []
    for folder in (tmp_path / "a", tmp_path / "deeper" / "b"):
        folder.mkdir(parents=True)
        config = write_config(folder, [deployment])
        # when
        result = runner.invoke(app, ["synth", "-c", str(config), "-o", str(folder / "cdktf.out")])
        assert result.exit_code == 0, result.output
        outputs.append(tree(folder / "cdktf.out"))
    # then
    assert outputs[0] == outputs[1]
    text = b"".join(outputs[0].values())
    assert str(tmp_path).encode() not in text
    assert os.environ.get("USER", "root").encode() + b"/" not in text


def test_synth_replaces_stale_stacks_and_keeps_terraform_files(
    tmp_path: Path, deployment: dict[str, Any]
) -> None:
    # given: a synthesized pair, with `terraform init` files in one stack folder
    out = tmp_path / "cdktf.out"
    config = write_config(tmp_path, [deployment, dict(deployment, name="gone", protect=False)])
    assert runner.invoke(app, ["synth", "-c", str(config), "-o", str(out)]).exit_code == 0
    stack_dir = out / "stacks" / "prod-shenzhen"
    (stack_dir / ".terraform").mkdir()
    (stack_dir / ".terraform.lock.hcl").write_text("# lock\n")
    # when: one deployment leaves the config
    config = write_config(tmp_path, [deployment])
    result = runner.invoke(app, ["synth", "-c", str(config), "-o", str(out)])
    # then
    assert result.exit_code == 0, result.output
    assert f"{out}/stacks/gone: removed (deployment no longer in {config})" in result.stdout
    assert not (out / "stacks" / "gone").exists()
    assert (stack_dir / ".terraform").is_dir()
    assert (stack_dir / ".terraform.lock.hcl").read_text() == "# lock\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.yaml", "cdktf.out"]


def test_fails_when_out_is_a_file(tmp_path: Path, deployment: dict[str, Any]) -> None:
    config = write_config(tmp_path, [deployment])
    (tmp_path / "out").write_text("x")
    result = runner.invoke(app, ["synth", "-c", str(config), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {tmp_path / 'out'}: --out exists and is not a folder; choose another --out\n"
    )


def test_fails_when_node_is_missing(
    tmp_path: Path, deployment: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_config(tmp_path, [deployment])
    monkeypatch.setattr("shutil.which", lambda _: None)
    result = runner.invoke(app, ["synth", "-c", str(config), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert result.stderr == (
        "error: synth needs Node.js on PATH (cdktf runs on jsii) and found none; install "
        "Node.js 22 or 24 (20 still runs, past its end of life), or run `mcpl validate`, "
        "which does not need it\n"
    )
    assert not (tmp_path / "out").exists()


def test_regions_prints_the_catalog_within_100_columns() -> None:
    result = runner.invoke(app, ["regions"])
    assert result.exit_code == 0
    text = result.stdout
    assert max(len(line) for line in text.splitlines()) <= 100
    assert (
        "cn-shenzhen     China (Shenzhen): direct\n"
        "  end_point        https://service-pvl.cn-shenzhen-vpc.maxcompute.aliyun-inc.com/api\n"
        "  tunnel_endpoint  https://dt-pvl.cn-shenzhen-vpc.maxcompute.aliyun-inc.com\n"
    ) in text
    assert (
        "ap-southeast-1  Singapore: ticket required\n"
        "  end_point, tunnel_endpoint: the URLs the ticket gives (endpoint_urls)\n"
    ) in text
    assert len([line for line in text.splitlines() if not line.startswith(" ")]) == 15


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="20")
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_main_py_synthesizes_the_default_config_like_cdktf_synth(tmp_path: Path) -> None:
    # given: a copy of the project's app and config, as `cdktf synth` would run them
    for name in ("main.py", "privatelink.yaml"):
        (tmp_path / name).write_text((ROOT / name).read_text())
    (tmp_path / "constructs").symlink_to(ROOT / "constructs")
    # when
    result = _run(sys.executable, "main.py", cwd=tmp_path)
    # then
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "cdktf.out/stacks/analytics-shenzhen/cdk.tf.json").is_file()
    assert result.stderr == "", "no Node banner, no warnings"


@pytest.mark.parametrize("venv", ["active", "makefile"])
def test_cdktf_json_app_runs_in_the_active_venv_or_the_makefiles(tmp_path: Path, venv: str) -> None:
    # given: cdktf.json's app command, run as cdktf-cli runs it: through a shell with
    # CDKTF_OUTDIR set (@cdktf/cli-core src/lib/synth-stack.ts: shell(command, [], {shell:
    # true})); this test's venv either activated or linked as ./.venv with none active
    command = json.loads((ROOT / "cdktf.json").read_text())["app"]
    for name in ("main.py", "privatelink.yaml"):
        (tmp_path / name).write_text((ROOT / name).read_text())
    (tmp_path / "constructs").symlink_to(ROOT / "constructs")
    env = dict(os.environ, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="20")
    env["CDKTF_OUTDIR"] = str(tmp_path / "out")
    env.pop("VIRTUAL_ENV", None)
    if venv == "active":
        env["VIRTUAL_ENV"] = sys.prefix
    else:
        (tmp_path / ".venv").symlink_to(sys.prefix)
    # when
    result = subprocess.run(
        ["/bin/sh", "-c", command], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    # then
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "manifest.json").is_file()


@pytest.mark.parametrize(
    ("words", "cword", "expected"),
    [
        ("mcpl sy", "1", ["synth"]),
        ("mcpl summary --format ", "3", ["markdown", "text", "json"]),
    ],
)
def test_shell_completion_completes_commands_and_choices(
    tmp_path: Path, words: str, cword: str, expected: list[str]
) -> None:
    # given: what the bash script of `mcpl --install-completion bash` sets before calling
    # mcpl (click's shell_completion.py: _{PROG}_COMPLETE, COMP_WORDS, COMP_CWORD)
    env = dict(os.environ, _MCPL_COMPLETE="complete_bash", COMP_WORDS=words, COMP_CWORD=cword)
    # when
    result = subprocess.run(
        [str(Path(sys.executable).parent / "mcpl")],  # the installed script, named mcpl
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    # then
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == expected


def test_module_entry_point_runs_and_reports_errors_without_traceback(tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_text("deployments: 3\n")
    result = _run(
        sys.executable, "-m", "maxcompute_privatelink", "validate", "-c", "c.yaml", cwd=tmp_path
    )
    assert result.returncode == 1
    assert result.stderr == ("error: deployments: input should be a valid tuple (got 3)\n")
    version = _run(sys.executable, "-m", "maxcompute_privatelink", "--version", cwd=tmp_path)
    assert version.stdout == "mcpl 0.1.0\n"


def test_help_states_the_exit_codes() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert "Exit codes: 0 ok; 1 what the command exists to find" in text
    assert "2 the command cannot run" in text


COMMANDS = [
    ["init"], ["validate"], ["synth"], ["check"], ["lock"], ["render"], ["doctor"],
    ["summary"], ["regions"], ["schema"], ["ci", "github"], ["ci", "stacks"], ["ci", "reviewed"],
]  # fmt: skip


def test_help_lists_the_commands_in_the_order_a_user_meets_them() -> None:
    result = runner.invoke(app, ["--help"], env={"COLUMNS": "80"})
    listed = [
        line.split()[0]
        for line in result.stdout.split("Commands:")[1].splitlines()
        if line.startswith("  ") and not line.startswith("   ")
    ]
    assert listed[:11] == [
        "init", "validate", "synth", "check", "lock", "render", "doctor", "summary", "ci",
        "regions", "schema",
    ]  # fmt: skip


@pytest.mark.parametrize("command", COMMANDS, ids=[" ".join(c) for c in COMMANDS])
def test_help_fits_80_columns_and_shows_what_each_option_takes(command: list[str]) -> None:
    # when
    result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "80"})
    # then: no type names for metavars, nothing cut, nothing wider than 80 columns
    assert result.exit_code == 0, result.output
    for line in result.stdout.splitlines():
        assert len(line) <= 80, line
        assert "<bool>" not in line and "<str>" not in line and "list[" not in line, line
        assert not line.rstrip().endswith("..."), line


def test_help_shows_choices_and_extras_as_written() -> None:
    doctor = runner.invoke(app, ["doctor", "--help"], env={"COLUMNS": "80"}).stdout
    ci = runner.invoke(app, ["ci", "github", "--help"], env={"COLUMNS": "80"}).stdout
    assert "(extra [doctor])" in " ".join(doctor.split())
    assert "--auth oidc|keys" in ci
    assert re.search(r"--format [<\[]text\|json[>\]]", doctor)  # typer 0.28 on: <...>
