"""What a deployment goes through after its first apply, with real Terraform: changes
reviewed with `mcpl summary --plan`, the protect promise, adopting console endpoints,
and the README's decommission recipe step by step."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import ROOT, runner
from maxcompute_privatelink.construct.stack import DESTROY_PROTECTION
from terraform.conftest import Lab

pytestmark = pytest.mark.terraform

BINDING_H = "alicloud_privatelink_vpc_endpoint_zone.maxcompute_frontend_cn_hangzhou_h"


def write(config: Path, data: dict[str, Any]) -> None:
    config.write_text(yaml.safe_dump(data, sort_keys=False))


def applied(lab: Lab, example: str) -> tuple[Path, dict[str, Any], Path]:
    """``example`` copied, synthesized, initialized and applied; its config data and stack."""
    config = lab.copy(ROOT / example)
    out = lab.synth(config)
    lab.seed(config, out)
    [stack] = sorted((out / "stacks").iterdir())
    lab.ok(stack, "init", "-no-color")
    lab.ok(stack, "apply", "-no-color", "-auto-approve")
    return config, yaml.safe_load(config.read_text()), stack


def summary(lab: Lab, config: Path, stack: Path) -> str:
    """`mcpl summary --plan` on `terraform show -json` of the stack's plan."""
    lab.ok(stack, "plan", "-no-color", "-out=tfplan")
    plan = lab.ok(stack, "show", "-json", "tfplan").stdout
    plan_file = lab.root / f"{stack.name}.json"
    plan_file.write_text(plan)
    result = lab.mcpl(
        "summary", "-c", config, "--from", config.parent / "cdktf.out", "--plan", plan_file
    )
    return str(result.stdout)


def test_a_forcenew_change_is_refused_with_protect_and_planned_as_replacement_without(
    lab: Lab,
) -> None:
    # given: an applied deployment in an existing VPC
    config, data, stack = applied(lab, "examples/existing-vpc.yaml")
    deployment = data["deployments"][0]
    # when: the binding of zone h moves to another vSwitch (vswitch_id forces a new one)
    deployment["zones"][0]["vswitch_id"] = "vsw-bp1prod0zoneh0002"
    write(config, data)
    lab.seed(config, lab.synth(config))  # the new vSwitch, made in zone h
    lab.synth(config)
    refused = lab.tf(stack, "plan", "-no-color")
    # then: protect: true (the default) stops the plan
    assert refused.code == 1
    assert "Instance cannot be destroyed" in refused.stderr
    assert BINDING_H in refused.stderr
    # when: protect is turned off, and the tags change too
    deployment["protect"] = False
    deployment["tags"] = {"env": "prod", "owner": "data"}
    write(config, data)
    lab.synth(config)
    review = summary(lab, config, stack)
    # then: the replacement is planned, first and in bold, with its reason; tags update
    plan = json.loads((lab.root / f"{stack.name}.json").read_text())
    actions = {c["address"]: c["change"]["actions"] for c in plan["resource_changes"]}
    assert actions[BINDING_H] == ["delete", "create"]
    assert actions["alicloud_privatelink_vpc_endpoint.maxcompute_frontend"] == ["update"]
    critical = review.split("## prod-hangzhou")[0]
    assert f"- **replace `{BINDING_H}` (prod-hangzhou), forced by vswitch_id**" in critical
    assert "| update | `alicloud_privatelink_vpc_endpoint.maxcompute_frontend` |  |" in review


def test_adopting_console_endpoints_plans_imports_and_the_summary_shows_them(lab: Lab) -> None:
    # given: endpoints and bindings made in the console, with their own names and tags
    config = lab.copy(ROOT / "examples/adopt.yaml")
    out = lab.synth(config)
    lab.seed(config, out)
    [stack] = sorted((out / "stacks").iterdir())
    lab.ok(stack, "init", "-no-color")
    # when
    review = summary(lab, config, stack)
    plan = json.loads((lab.root / f"{stack.name}.json").read_text())
    # then: six imports, of which the two endpoints also update (name, tags), none create
    importing = {
        c["address"]: c["change"]["actions"]
        for c in plan["resource_changes"]
        if c["change"].get("importing")
    }
    assert len(importing) == 6
    assert importing["alicloud_privatelink_vpc_endpoint.maxcompute_frontend"] == ["update"]
    assert importing["alicloud_privatelink_vpc_endpoint.maxcompute_tunnel"] == ["update"]
    assert not [c for c in plan["resource_changes"] if "create" in c["change"]["actions"]]
    assert "| import + update | `alicloud_privatelink_vpc_endpoint.maxcompute_frontend` |" in (
        review
    )
    assert (
        "| import | `alicloud_privatelink_vpc_endpoint_zone.maxcompute_frontend_cn_shenzhen_e` |"
        in review
    )
    # and applying adopts them: the endpoint keeps the console's id, and nothing is left
    lab.ok(stack, "apply", "-no-color", "-auto-approve", "tfplan")
    outputs = lab.terraform.json(stack, "output", "-json")
    assert outputs["frontend_endpoint_id"]["value"] == "ep-wz9frontend0001"
    lab.ok(stack, "plan", "-no-color", "-detailed-exitcode")


def test_adopting_with_a_wrong_vswitch_stops_at_protect(lab: Lab) -> None:
    # given: the config names another vSwitch than the console binding uses
    config = lab.copy(ROOT / "examples/adopt.yaml")
    lab.seed(config, lab.synth(config))
    data = yaml.safe_load(config.read_text())
    data["deployments"][0]["zones"][0]["vswitch_id"] = "vsw-wz9other00001"
    write(config, data)
    out = lab.synth(config)
    [stack] = sorted((out / "stacks").iterdir())
    lab.ok(stack, "init", "-no-color")
    # when
    refused = lab.tf(stack, "plan", "-no-color")
    # then: the README's promise: no plan, and the reason
    assert refused.code == 1
    assert "Instance cannot be destroyed" in refused.stderr


def test_the_readmes_decommission_recipe_step_by_step(lab: Lab) -> None:
    # given: an applied deployment
    config, data, stack = applied(lab, "privatelink.yaml")
    name = data["deployments"][0]["name"]
    state = config.parent / f"terraform.{name}.tfstate"
    cloud_before = json.loads(lab.cloud.read_text())["resources"]
    assert cloud_before["alicloud_privatelink_vpc_endpoint"]
    # 0. step 1 skipped: the destroy stops at prevent_destroy, and right above Terraform's
    # error (which names no config) the errored plan shows the output that names step 1
    refused = lab.tf(stack, "destroy", "-no-color", "-auto-approve")
    assert refused.code == 1
    assert "Instance cannot be destroyed" in refused.stderr
    shown = " ".join(refused.stdout.split())  # Terraform aligns the outputs' = signs
    assert f'- destroy_protection = "{DESTROY_PROTECTION}" -> null' in shown
    assert "set protect: false on the deployment" in DESTROY_PROTECTION
    assert json.loads(lab.cloud.read_text())["resources"] == cloud_before
    # 1. protect: false, synth, apply: nothing changes in the cloud
    data["deployments"][0]["protect"] = False
    write(config, data)
    lab.synth(config)
    applied_again = lab.ok(stack, "apply", "-no-color", "-auto-approve")
    assert "0 added, 0 changed, 0 destroyed" in applied_again.stdout
    assert json.loads(lab.cloud.read_text())["resources"] == cloud_before
    # 2. terraform destroy in its stack folder
    lab.ok(stack, "destroy", "-no-color", "-auto-approve")
    left = json.loads(lab.cloud.read_text())["resources"]
    assert not any(left.values()), left
    # 3. delete it from the config and synth: the stack folder goes, the state stays
    other = dict(data["deployments"][0], name="other-shenzhen", protect=True)
    write(config, {"deployments": [other]})
    result = lab.mcpl("synth", "-c", config, "-o", config.parent / "cdktf.out")
    assert f"stacks/{name}: removed" in result.stdout
    assert not stack.exists()
    assert json.loads(state.read_text())["resources"] == []


def test_synth_refuses_to_remove_a_deployment_whose_state_terraform_filled(lab: Lab) -> None:
    # given: an applied deployment with protect: false (step 1 of the recipe, no destroy)
    config, data, stack = applied(lab, "privatelink.yaml")
    data["deployments"][0]["protect"] = False
    write(config, data)
    lab.synth(config)
    lab.ok(stack, "apply", "-no-color", "-auto-approve")
    # when: it is deleted from the config without destroying
    other = dict(data["deployments"][0], name="other-shenzhen")
    write(config, {"deployments": [other]})
    from maxcompute_privatelink.cli import app

    result = runner.invoke(app, ["synth", "-c", str(config), "-o", str(stack.parents[1])])
    # then: the state Terraform wrote is what synth reads
    assert result.exit_code == 2
    assert "still tracks 16 resource(s)" in result.stderr
    assert stack.is_dir()


def test_the_summary_of_a_first_plan_lists_every_create(lab: Lab) -> None:
    # given
    config = lab.copy(ROOT / "privatelink.yaml")
    out = lab.synth(config)
    [stack] = sorted((out / "stacks").iterdir())
    lab.ok(stack, "init", "-no-color")
    # when
    review = summary(lab, config, stack)
    # then: one create row per resource Terraform plans, and nothing critical
    plan = json.loads((lab.root / f"{stack.name}.json").read_text())
    assert len(plan["resource_changes"]) == 16
    assert review.count("| create | `") == 16
    assert "cut MaxCompute off" not in review
