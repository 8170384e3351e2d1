"""Real Terraform on every bundled config, as users run it: init, validate, plan, apply,
`terraform output -json` into `mcpl render`, an empty second plan, and a re-synth that
keeps Terraform's working files. The JSON and HCL outputs of one config plan the same
changes and share one state: after the JSON stack is applied, the HCL one plans
nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import EXAMPLES, ROOT
from terraform.conftest import TERRAFORMS, Lab

pytestmark = pytest.mark.terraform

LOOPBACK = "http://127.0.0.1:1"
"""Where the oss backend is sent: the network boundary, on this machine."""


def stacks(out: Path) -> list[Path]:
    return sorted(p for p in (out / "stacks").iterdir() if p.is_dir())


def uses_oss(stack: Path) -> bool:
    return any('"oss"' in p.read_text() for p in stack.glob("cdk.tf*"))


def init(lab: Lab, stack: Path, state: Path) -> None:
    """`terraform init`. An oss stack goes to the network boundary first (its backend
    config must be accepted: the oss backend only fails to connect), then runs against
    local ``state`` through a ``backend_override.tf.json``, a file of the user's that
    synth keeps."""
    if uses_oss(stack):
        refused = lab.tf(
            stack,
            "init",
            "-no-color",
            f"-backend-config=endpoint={LOOPBACK}",
            f"-backend-config=tablestore_endpoint={LOOPBACK}",
        )
        assert refused.code == 1, refused
        assert "127.0.0.1:1" in refused.stderr and "connection refused" in refused.stderr, refused
        override = {"terraform": {"backend": {"local": {"path": str(state)}}}}
        (stack / "backend_override.tf.json").write_text(json.dumps(override))
        lab.ok(stack, "init", "-no-color", "-reconfigure")
        return
    lab.ok(stack, "init", "-no-color")


def show(
    lab: Lab, stack: Path, plan_file: str = "tfplan", role: str | None = None
) -> dict[str, Any]:
    """``terraform plan`` into ``plan_file`` (under ``role``'s policy, when given), as JSON."""
    if role is None:
        lab.ok(stack, "plan", "-no-color", f"-out={plan_file}")
    else:
        lab.as_role(role, stack, "plan", "-no-color", f"-out={plan_file}")
    plan: dict[str, Any] = lab.terraform.json(stack, "show", "-json", plan_file)
    return plan


def changes(plan: dict[str, Any]) -> dict[str, tuple[list[str], bool, Any]]:
    """Per address: the actions, whether it is imported, and the known planned values."""
    return {
        change["address"]: (
            change["change"]["actions"],
            bool(change["change"].get("importing")),
            change["change"]["after"],
        )
        for change in plan["resource_changes"]
    }


def expected_client_url(stack: Path, outputs: dict[str, Any]) -> str:
    """What render must put in end_point: the PrivateLink URL, or with dns: none the
    frontend endpoint's own domain that apply invented."""
    if "maxcompute_endpoint" in outputs:
        return str(outputs["maxcompute_endpoint"]["value"])
    return str(outputs["frontend_endpoint_domain"]["value"])


EVERY_TERRAFORM = {"privatelink", "adopt", "oss-backend"}
"""The configs every Terraform runs: the bundled one, import blocks (adopt) and the oss
backend, what one Terraform release reads differently from another. The other examples
differ from these in the config, not in what Terraform reads: the first Terraform runs
them."""


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.stem for e in EXAMPLES])
def test_every_stack_validates_plans_applies_renders_and_stays_clean(
    lab: Lab, example: Path
) -> None:
    if lab.terraform != TERRAFORMS[0] and example.stem not in EVERY_TERRAFORM:
        pytest.skip(f"{example.name} reads as the other configs do: {TERRAFORMS[0].label} runs it")
    # given: the example in a repo, synthesized as JSON and as HCL, and the roles
    # `mcpl ci github --print-policies` prints: plans under the plan role, applies and
    # destroys under the apply role, refused by the stand-in as RAM would
    lab.roles()
    config = lab.copy(example)
    json_out = lab.synth(config)
    hcl_out = lab.root / "cdktf.hcl"
    lab.mcpl("synth", "-c", config, "-o", hcl_out, "--hcl")
    lab.seed(config, json_out)
    for stack in stacks(json_out):
        twin = hcl_out / "stacks" / stack.name
        state = lab.root / f"{stack.name}.oss-standin.tfstate"
        init(lab, stack, state)
        init(lab, twin, state)
        # when: validate and plan both, apply the JSON one
        for folder in (stack, twin):
            assert "Success!" in lab.ok(folder, "validate", "-no-color").stdout
        plan, twin_plan = show(lab, stack, role="plan"), show(lab, twin, role="plan")
        lab.as_role("apply", stack, "apply", "-no-color", "-auto-approve", "tfplan")
        outputs = lab.terraform.json(stack, "output", "-json")
        (lab.root / f"{stack.name}.json").write_text(json.dumps(outputs))
        # then: JSON and HCL plan the same changes, which create or import, never destroy
        assert changes(plan) == changes(twin_plan)
        assert plan["resource_changes"]
        for address, (actions, _, _) in changes(plan).items():
            assert "delete" not in actions, (address, actions)
        assert outputs["frontend_endpoint_id"]["value"].startswith("ep-")
        assert outputs["tunnel_endpoint_domain"]["value"].endswith(".privatelink.aliyuncs.com")
        # and after apply neither plans anything
        lab.as_role("plan", stack, "plan", "-no-color", "-detailed-exitcode")
        lab.as_role("plan", twin, "plan", "-no-color", "-detailed-exitcode")
    # and render writes the endpoints apply made into the client files
    rendered = lab.mcpl(
        "render",
        "-c",
        config,
        *[arg for s in stacks(json_out) for arg in ("--tf-output", lab.root / f"{s.name}.json")],
        "-o",
        lab.root / "client",
    )
    assert rendered.exit_code == 0
    for stack in stacks(json_out):
        outputs = json.loads((lab.root / f"{stack.name}.json").read_text())
        ini = (lab.root / "client" / stack.name / "odps_config.ini").read_text()
        readme = (lab.root / "client" / stack.name / "README.md").read_text()
        assert expected_client_url(stack, outputs) in ini
        assert outputs["frontend_endpoint_id"]["value"] in readme
    # and a re-synth keeps Terraform's files and the user's, and plans nothing
    lab.synth(config)
    for stack in stacks(json_out):
        assert (stack / ".terraform").is_dir()
        assert (stack / ".terraform.lock.hcl").is_file()
        assert (stack / "tfplan").is_file()
        lab.as_role("plan", stack, "plan", "-no-color", "-detailed-exitcode")
    # and once protect is off, the HCL twin destroys what the JSON stack applied (what
    # the destroy calls is the provider's: one Terraform shows it)
    if lab.terraform != TERRAFORMS[0]:
        return
    data = yaml.safe_load(config.read_text())
    for deployment in data["deployments"]:
        deployment["protect"] = False
    config.write_text(yaml.safe_dump(data, sort_keys=False))
    lab.synth(config)
    lab.mcpl("synth", "-c", config, "-o", hcl_out, "--hcl")
    for stack in stacks(json_out):
        lab.as_role("apply", stack, "apply", "-no-color", "-auto-approve")
        lab.as_role("apply", hcl_out / "stacks" / stack.name, "destroy", "-no-color",
                    "-auto-approve")  # fmt: skip
    cloud = json.loads(lab.cloud.read_text())["resources"]
    assert not cloud.get("alicloud_privatelink_vpc_endpoint"), "every endpoint destroyed"


def test_an_older_terraform_is_told_the_version_the_stack_needs(lab: Lab) -> None:
    # given: tablestore_instance_name, which only Terraform >= 1.12 accepts
    text = (ROOT / "examples/oss-backend.yaml").read_text()
    config = lab.root / "oss.yaml"
    config.write_text(
        text.replace(
            "    tablestore_table: terraform_lock",
            "    tablestore_table: terraform_lock\n    tablestore_instance_name: tf-lock",
        )
    )
    [stack] = stacks(lab.synth(config))
    # when
    result = lab.tf(
        stack, "init", "-no-color", f"-backend-config=endpoint={LOOPBACK}",
        f"-backend-config=tablestore_endpoint={LOOPBACK}",
    )  # fmt: skip
    # then: 1.12 and later take the backend config to the network boundary; older ones
    # name the version instead of failing on an unsupported argument
    version = tuple(int(part) for part in lab.terraform.label.split("-")[-1].split(".")[:2])
    assert result.code == 1
    if version >= (1, 12):
        assert "connection refused" in result.stderr, result
    else:
        assert "Unsupported Terraform Core version" in result.stderr, result
        assert ">= 1.12.0" in result.stderr
        assert "Unsupported argument" not in result.stderr
