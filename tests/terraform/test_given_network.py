"""A given vSwitch is checked at plan time: ``data.alicloud_vswitches`` with
postconditions fails ``terraform plan`` (before anything is created) when the vSwitch
is missing, or lies in another zone or VPC than the config says. Without the check the
mistake surfaces only as an API error halfway through the first apply."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import ROOT
from terraform.conftest import TERRAFORMS, Lab, new_lab
from terraform.harness import seed_cloud

pytestmark = pytest.mark.terraform

VPC = "vpc-bp1prod0hangzhou0001"
ZONE_H = "vsw-bp1prod0zoneh0001"
ZONE_I = "vsw-bp1prod0zonei0001"


@pytest.fixture(params=["json", "hcl"])
def planned(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    cli_config: Path,
) -> tuple[Lab, Path]:  # fmt: skip
    """existing-vpc.yaml synthesized (JSON or HCL) and initialized, with an empty cloud."""
    lab = new_lab(TERRAFORMS[0], tmp_path, monkeypatch, cli_config)
    flags = ("--hcl",) if request.param == "hcl" else ()
    out = lab.synth(lab.copy(ROOT / "examples" / "existing-vpc.yaml"), *flags)
    stack = out / "stacks" / "prod-hangzhou"
    lab.ok(stack, "init", "-no-color")
    return lab, stack


def plan_error(lab: Lab, stack: Path) -> str:
    result = lab.tf(stack, "plan", "-no-color")
    assert result.code == 1, result
    return " ".join(result.stderr.split())


def given(lab: Lab, **vswitches: tuple[str, str]) -> None:
    seed_cloud(
        lab.cloud,
        {},
        {VPC: "10.0.0.0/8", "vpc-bp1other": "172.16.0.0/12"},
        {
            ident: {"zone_id": zone, "vpc_id": vpc, "cidr_block": ""}
            for ident, (zone, vpc) in vswitches.items()
        },
    )


def test_plans_when_each_vswitch_is_in_its_zone_and_vpc(planned: tuple[Lab, Path]) -> None:
    # given
    lab, stack = planned
    given(lab, **{ZONE_H: ("cn-hangzhou-h", VPC), ZONE_I: ("cn-hangzhou-i", VPC)})
    # when
    result = lab.ok(stack, "plan", "-no-color", "-out=tfplan")
    # then
    plan = lab.terraform.json(stack, "show", "-json", "tfplan")
    assert not [c for c in plan["resource_changes"] if c["change"]["actions"] == ["delete"]]
    assert "postcondition failed" not in result.stdout + result.stderr


def test_fails_when_a_vswitch_lies_in_another_zone(planned: tuple[Lab, Path]) -> None:
    # given: the console says the h vSwitch is in zone i
    lab, stack = planned
    given(lab, **{ZONE_H: ("cn-hangzhou-i", VPC), ZONE_I: ("cn-hangzhou-i", VPC)})
    # when
    error = plan_error(lab, stack)
    # then
    assert "postcondition failed" in error
    assert (
        f"Deployment prod-hangzhou: vSwitch {ZONE_H}, given for cn-hangzhou-h, lies in zone "
        "cn-hangzhou-i; give a vSwitch of cn-hangzhou-h, or set zone_id to the vSwitch's "
        "zone." in error
    )
    assert ZONE_I not in error
    assert not json.loads(lab.cloud.read_text())["resources"]


def test_fails_when_a_vswitch_lies_in_another_vpc(planned: tuple[Lab, Path]) -> None:
    # given
    lab, stack = planned
    given(lab, **{ZONE_H: ("cn-hangzhou-h", VPC), ZONE_I: ("cn-hangzhou-i", "vpc-bp1other")})
    # when
    error = plan_error(lab, stack)
    # then
    assert (
        f"vSwitch {ZONE_I}, given for cn-hangzhou-i, lies in VPC vpc-bp1other, not {VPC}; "
        f"give a vSwitch of {VPC}." in error
    )


def test_fails_when_a_vswitch_does_not_exist(planned: tuple[Lab, Path]) -> None:
    # given: only the i vSwitch exists
    lab, stack = planned
    given(lab, **{ZONE_I: ("cn-hangzhou-i", VPC)})
    # when
    error = plan_error(lab, stack)
    # then: one clear error, not a zone or VPC of "none"
    assert (
        f"vSwitch {ZONE_H}, given for cn-hangzhou-h, does not exist in this region and "
        "account; give the id of an existing vSwitch, or vswitch_cidr to create one." in error
    )
    assert error.count("postcondition failed") == 1
