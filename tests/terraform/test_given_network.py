"""A given vSwitch is checked at plan time: ``data.alicloud_vswitches`` with
postconditions fails ``terraform plan`` (before anything is created) when the vSwitch
is missing, or lies in another zone or VPC than the config says. Without the check the
mistake surfaces only as an API error halfway through the first apply."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

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


# -- an existing PrivateZone zone (private_zone.zone_id) -------------------------------------

PVTZ = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
SHARED_VPC = "vpc-bp1shared0hangzhou01"
ZONE_NAME = "cn-hangzhou-vpc.maxcompute.aliyun-inc.com"


@pytest.fixture
def team(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli_config: Path) -> tuple[Lab, Path]:
    """platform-team.yaml (an existing zone), unprotected, synthesized and initialized,
    with its vSwitches in the cloud but no zone yet."""
    lab = new_lab(TERRAFORMS[0], tmp_path, monkeypatch, cli_config)
    data = yaml.safe_load((ROOT / "examples" / "platform-team.yaml").read_text())
    data["deployments"][0]["protect"] = False
    config = lab.root / "privatelink.yaml"
    config.write_text(yaml.safe_dump(data))
    [stack] = sorted((lab.synth(config) / "stacks").iterdir())
    seed_cloud(
        lab.cloud,
        {},
        {SHARED_VPC: "10.30.0.0/16"},
        {
            "vsw-bp1shared0zoneh001": {"zone_id": "cn-hangzhou-h", "vpc_id": SHARED_VPC},
            "vsw-bp1shared0zonei001": {"zone_id": "cn-hangzhou-i", "vpc_id": SHARED_VPC},
        },
    )
    lab.ok(stack, "init", "-no-color")
    return lab, stack


def the_teams_zone(lab: Lab, name: str = ZONE_NAME, vpcs: tuple[str, ...] = (SHARED_VPC,)) -> None:
    seed_cloud(
        lab.cloud,
        {
            "alicloud_pvtz_zone": [{"id": PVTZ, "zone_name": name, "remark": "the team's"}],
            "alicloud_pvtz_zone_attachment": [
                {"id": PVTZ, "zone_id": PVTZ, "vpc_ids": [*vpcs, "vpc-bp1another"]}
            ],
            "alicloud_pvtz_zone_record": [{"id": f"1:{PVTZ}", "zone_id": PVTZ, "rr": "git"}],
        },
        {},
    )


def test_an_existing_zone_gets_the_records_and_keeps_everything_else(
    team: tuple[Lab, Path],
) -> None:
    # given: the team's zone, bound to the VPC and another, with a record of its own
    lab, stack = team
    the_teams_zone(lab)
    # when: apply, then destroy
    lab.ok(stack, "apply", "-no-color", "-auto-approve")
    cloud = json.loads(lab.cloud.read_text())["resources"]
    records = {r["rr"] for r in cloud["alicloud_pvtz_zone_record"].values()}
    lab.ok(stack, "destroy", "-no-color", "-auto-approve")
    # then: the records came and went; the zone, its bindings and its record stayed
    assert records == {"git", "service-pvl", "dt-pvl"}
    after = json.loads(lab.cloud.read_text())["resources"]
    assert list(after["alicloud_pvtz_zone"]) == [PVTZ]
    assert after["alicloud_pvtz_zone_attachment"][PVTZ]["vpc_ids"] == [SHARED_VPC, "vpc-bp1another"]
    assert [r["rr"] for r in after["alicloud_pvtz_zone_record"].values()] == ["git"]


def test_fails_when_the_existing_zone_has_another_name(team: tuple[Lab, Path]) -> None:
    # given
    lab, stack = team
    the_teams_zone(lab, name="corp.example")
    # when
    error = plan_error(lab, stack)
    # then
    assert (
        f"PrivateZone zone {PVTZ} is named corp.example, and the client URLs need {ZONE_NAME}; "
        "give the id of a zone of that name." in error
    )


def test_fails_when_the_existing_zone_is_not_bound_to_the_vpc(team: tuple[Lab, Path]) -> None:
    # given
    lab, stack = team
    the_teams_zone(lab, vpcs=())
    # when
    error = plan_error(lab, stack)
    # then
    assert (
        f"PrivateZone zone {PVTZ} is not bound to {SHARED_VPC}, so its records would not "
        f"answer there; bind {SHARED_VPC} to it in the PrivateZone console, then plan again."
        in error
    )


def test_fails_when_the_existing_zone_does_not_exist(team: tuple[Lab, Path]) -> None:
    # given: no zone
    lab, stack = team
    # when
    error = plan_error(lab, stack)
    # then
    assert f"PrivateZone zone {PVTZ} does not exist in this account" in error
    assert error.count("postcondition failed") == 1


def test_more_vpcs_are_bound_to_the_created_zone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli_config: Path
) -> None:
    # given: the bundled config with a peered VPC for the zone
    lab = new_lab(TERRAFORMS[0], tmp_path, monkeypatch, cli_config)
    data = yaml.safe_load((ROOT / "privatelink.yaml").read_text())
    data["deployments"][0]["private_zone"] = {"vpc_ids": ["vpc-wz9peered"]}
    config = lab.root / "privatelink.yaml"
    config.write_text(yaml.safe_dump(data))
    [stack] = sorted((lab.synth(config) / "stacks").iterdir())
    lab.ok(stack, "init", "-no-color")
    # when
    lab.ok(stack, "apply", "-no-color", "-auto-approve")
    # then: one zone, bound to the created VPC and the peered one; a second plan is empty
    cloud = json.loads(lab.cloud.read_text())["resources"]
    [attachment] = cloud["alicloud_pvtz_zone_attachment"].values()
    [vpc] = cloud["alicloud_vpc"]
    assert sorted(attachment["vpc_ids"]) == sorted([vpc, "vpc-wz9peered"])
    lab.ok(stack, "plan", "-no-color", "-detailed-exitcode")
