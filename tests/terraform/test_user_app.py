"""Terraform on a user's own CDKTF app (``tests/user_app.py``): two providers, one
aliased; the app's own VPC, vSwitches and security group passed to the construct as
tokens; a second stack reading the construct's endpoint id through cdktf's cross-stack
wiring. Both stacks validate, apply in order, and the second one's output is the id the
first one's apply made."""

from __future__ import annotations

import json

import pytest

import user_app
from terraform.conftest import Lab

pytestmark = [pytest.mark.terraform, pytest.mark.emitter]


def test_a_user_app_validates_applies_and_reads_across_stacks(lab: Lab) -> None:
    # given
    out, state = lab.root / "cdktf.out", lab.root / "state"
    out.mkdir()
    user_app.build(out, state).app.synth()
    network, reader = out / "stacks" / "network", out / "stacks" / "reader"
    # when
    for stack in (network, reader):
        lab.ok(stack, "init", "-no-color")
        lab.ok(stack, "validate", "-no-color")
    lab.ok(network, "apply", "-no-color", "-auto-approve")
    lab.ok(reader, "apply", "-no-color", "-auto-approve")
    # then
    made = json.loads((state / "network.tfstate").read_text())
    endpoints = {
        r["name"]: r["instances"][0]["attributes"]
        for r in made["resources"]
        if r["type"] == "alicloud_privatelink_vpc_endpoint"
    }
    vpc = next(r for r in made["resources"] if r["type"] == "alicloud_vpc")
    assert endpoints["maxcompute_frontend"]["vpc_id"] == vpc["instances"][0]["attributes"]["id"]
    assert {r["provider"] for r in made["resources"] if r["name"].startswith("maxcompute_")} == {
        'provider["registry.terraform.io/aliyun/alicloud"].hangzhou'
    }
    outputs = lab.terraform.json(reader, "output", "-json")
    assert outputs["frontend_endpoint_id"]["value"] == endpoints["maxcompute_frontend"]["id"]
