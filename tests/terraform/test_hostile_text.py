"""Keys and values read back through Terraform's own parser exactly as the config wrote
them, JSON and HCL: a tag key Terraform would read as an expression (``-1-1``, ``-self``,
``null``) or a template (``${...}``) is quoted and escaped, never evaluated."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml

from conftest import BASE_DEPLOYMENT
from maxcompute_privatelink.synth.hcl import hcl_key, json_key
from terraform.conftest import Lab
from terraform.test_stacks import init, show

pytestmark = pytest.mark.terraform

ALLOWED_KEYS = [
    "-1-1", "-1e3", "-a", "-self", "-null", "-true", "true", "false", "null", "for", "if",
    "9abc", "a.b", "a b", "#x", "//x", "/*x", "<<EOF", "x = 1", "a:b", "$x", "%x", "a$",
    "$", "%", "{", "}", "[", "é", "日本", "-", "_", "managed_by",
]  # fmt: skip
"""Tag keys the config accepts that a naive writer would get wrong."""

WRITER_KEYS = [*ALLOWED_KEYS, '${file("/etc/hostname")}', "%{ if true }x%{ endif }", 'a"b', "a\\b"]
"""What the writers must also survive, though the config refuses it (template
sequences, quotes, backslashes): a construct fed from elsewhere."""

VALUES = ["-1-1", "null", "x = 1", "$", "%", "a$b", "#", "//", "<<EOF", "é", ""]


@pytest.mark.parametrize("syntax", ["hcl", "json"])
def test_every_hostile_key_reads_back_through_terraform_as_written(lab: Lab, syntax: str) -> None:
    # given: a module whose one output is an object of every hostile key, as the writers
    # write tag keys
    module = lab.root / "keys"
    module.mkdir()
    if syntax == "hcl":
        pairs = "\n".join(
            f'    {hcl_key(key)} = "{index}"' for index, key in enumerate(WRITER_KEYS)
        )
        (module / "main.tf").write_text(f'output "keys" {{\n  value = {{\n{pairs}\n  }}\n}}\n')
    else:
        value = {json_key(key): str(index) for index, key in enumerate(WRITER_KEYS)}
        (module / "main.tf.json").write_text(json.dumps({"output": {"keys": {"value": value}}}))
    # when
    lab.ok(module, "init", "-no-color")
    lab.ok(module, "apply", "-auto-approve", "-no-color")
    outputs = lab.terraform.json(module, "output", "-json")
    # then
    assert outputs["keys"]["value"] == {key: str(i) for i, key in enumerate(WRITER_KEYS)}


@pytest.mark.parametrize("flags", [[], ["--hcl"]], ids=["json", "hcl"])
def test_hostile_tags_of_a_config_plan_exactly_as_written(lab: Lab, flags: list[str]) -> None:
    # given: a deployment whose tags are hostile keys and values (19 at most, with ours)
    tags: dict[str, Any] = {
        key: VALUES[index % len(VALUES)] for index, key in enumerate(ALLOWED_KEYS[:18])
    }
    config = lab.root / "privatelink.yaml"
    deployment = dict(BASE_DEPLOYMENT, name="hostile", protect=False, tags=tags)
    config.write_text(yaml.safe_dump({"deployments": [deployment]}, allow_unicode=True))
    out = lab.synth(config, *flags)
    stack = out / "stacks" / "hostile"
    # when
    init(lab, stack, lab.root / "state")
    plan = show(lab, stack)
    # then: every tagged resource carries the config's tags, and mcpl's own two
    tagged = [
        change["change"]["after"]["tags"]
        for change in plan["resource_changes"]
        if change["change"]["after"] and "tags" in change["change"]["after"]
    ]
    assert len(tagged) >= 4
    expected = {**tags, "managed-by": "maxcompute-privatelink", "deployment": "hostile"}
    assert all(found == expected for found in tagged), tagged
