"""The printed RAM policies are exactly what a deployment's life needs.

The stand-in performs, in each operation, the API actions the real provider calls
(``standin/ram_actions.json``, with the provider's file and line for each) and refuses
any the policy in ``MCPL_STANDIN_POLICY`` does not allow, as the cloud does. A deployment
lives its whole life under the roles `mcpl ci github --print-policies` prints: plans
under the plan role; applies, an update (tags, a rename, another resource group, other
security groups, longer waits) and the destroy under the apply role. Every call must be
allowed, and every printed action must be called, but for the few allow-listed below
with their reason.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import ROOT
from terraform.conftest import TERRAFORMS, Lab, new_lab, printed_policies
from terraform.standin import ram
from terraform.test_stacks import init

pytestmark = pytest.mark.terraform

UNCALLED_BY_DESIGN = {
    "ram:CreateServiceLinkedRole": "PrivateLink creates its service-linked role with the "
    "account's first endpoint; the stand-in has no account to remember it in",
    "pvtz:UpdateZoneRecord": "only when an endpoint is replaced (a new VPC with protect: "
    "false), which gives the record a new domain to point at",
}
"""Printed actions the lives below do not call, each with why it stays."""


@pytest.fixture
def lab(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli_config: Path) -> Iterator[Lab]:
    """One Terraform is enough: RAM is the provider's, whichever Terraform runs it."""
    yield new_lab(TERRAFORMS[0], tmp_path, monkeypatch, cli_config)


def actions(policy: Path) -> set[str]:
    document = json.loads(policy.read_text())
    return {a for s in document["Statement"] for a in s["Action"]}


class Roles:
    """Runs Terraform under one role's policy at a time; every call is logged."""

    def __init__(self, lab: Lab, files: dict[str, Path], monkeypatch: pytest.MonkeyPatch):
        self.lab, self.files, self.monkeypatch = lab, files, monkeypatch
        self.calls = {role: lab.root.parent / f"calls-{role}.log" for role in files}

    def as_role(self, role: str, stack: Path, *args: str) -> Any:
        self.monkeypatch.setenv(ram.POLICY_VARIABLE, str(self.files[role]))
        self.monkeypatch.setenv(ram.CALLS_VARIABLE, str(self.calls[role]))
        return self.lab.ok(stack, *args)

    def called(self, role: str | None = None) -> set[str]:
        """The actions called under ``role``, or under any role."""
        logs = [self.calls[role]] if role else list(self.calls.values())
        return {a for log in logs if log.exists() for a in log.read_text().split()}


def write(config: Path, data: dict[str, Any]) -> None:
    config.write_text(yaml.safe_dump(data, sort_keys=False))


def live(
    roles: Roles, lab: Lab, example: str, flags: list[str], change: Any, start: Any = None
) -> None:
    """One example's life (as ``start`` makes it): plan, apply, an empty plan, a change,
    destroy."""
    folder = lab.root / Path(example).stem  # a repo of its own
    folder.mkdir()
    config = folder / "privatelink.yaml"
    data = yaml.safe_load((ROOT / example).read_text())
    for deployment in data["deployments"]:
        deployment["protect"] = False  # to destroy at the end
        if start is not None:
            start(deployment)
    write(config, data)
    out = lab.synth(config, *flags)
    lab.mcpl("synth", "-c", config, "-o", folder / "seed")  # JSON, which seeding reads
    lab.seed(config, folder / "seed")
    [stack] = sorted((out / "stacks").iterdir())
    init(lab, stack, folder / "state")
    roles.as_role("plan", stack, "plan", "-no-color", "-out=tfplan")
    roles.as_role("apply", stack, "apply", "-no-color", "tfplan")
    (stack / "tfplan").unlink()  # a file of the user's: the rename would refuse to drop it
    roles.as_role("plan", stack, "plan", "-no-color", "-detailed-exitcode")
    # a change of the running deployment
    change(data["deployments"][0])
    write(config, data)
    lab.synth(config, *flags)
    [stack] = sorted((out / "stacks").iterdir())
    init(lab, stack, folder / "state")
    roles.as_role("plan", stack, "plan", "-no-color", "-out=tfplan")
    roles.as_role("apply", stack, "apply", "-no-color", "tfplan")
    roles.as_role("plan", stack, "plan", "-no-color", "-detailed-exitcode")
    roles.as_role("apply", stack, "destroy", "-no-color", "-auto-approve")


def renamed_and_retagged(deployment: dict[str, Any]) -> None:
    deployment["renamed_from"] = deployment["name"]
    deployment["name"] = deployment["name"] + "-two"
    deployment["tags"] = {"owner": "platform"}  # one added, the others removed


def without_groups(deployment: dict[str, Any]) -> None:
    """An existing VPC behind a security group mcpl creates (read through the
    ``alicloud_vpcs`` data source): the example less its own groups."""
    deployment.pop("security_group_ids")


def moved(deployment: dict[str, Any]) -> None:
    """Renamed, retagged and moved to another resource group: the VPC, security group and
    endpoints move; the PrivateZone zone, whose group cannot change, is replaced."""
    renamed_and_retagged(deployment)
    deployment["resource_group_id"] = "rg-acfmanother0group"


def in_a_group(deployment: dict[str, Any]) -> None:
    deployment["resource_group_id"] = "rg-acfmfirst0group"


def more_waits(deployment: dict[str, Any]) -> None:
    """The platform team's deployment: longer waits and a new tag (its zone is theirs)."""
    deployment["timeouts"] = {"create": "20m", "delete": "20m", "update": "20m"}
    deployment["tags"] = {"env": "prod", "owner": "platform"}


def given_groups(deployment: dict[str, Any]) -> None:
    """From the created security group to one of the user's: endpoints change groups."""
    renamed_and_retagged(deployment)
    deployment["security_group_ids"] = ["sg-bp1maxcompute0clients"]


def test_a_deployments_life_calls_exactly_the_printed_actions(
    lab: Lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # (JSON stacks: the calls are the provider's, and test_stacks plans, applies and
    # destroys every example's HCL twin under the same roles)
    flags: list[str] = []
    # given: the printed roles
    files = printed_policies(tmp_path)
    roles = Roles(lab, files, monkeypatch)
    # when: a created network and an existing one live their lives under them
    live(roles, lab, "privatelink.yaml", flags, moved, start=in_a_group)
    live(roles, lab, "examples/existing-vpc.yaml", flags, given_groups, start=without_groups)
    live(roles, lab, "examples/platform-team.yaml", flags, more_waits)
    # then: nothing was refused (lab.ok), and every printed action was called
    granted = actions(files["plan"]) | actions(files["apply"])
    assert roles.called() <= granted
    assert granted - roles.called() == set(UNCALLED_BY_DESIGN)
    # and each role's every action under that role: so taking any one out of either
    # policy makes the stand-in refuse a call of this life, naming it (as below)
    for role in ("plan", "apply"):
        unused = actions(files[role]) - roles.called(role) - set(UNCALLED_BY_DESIGN)
        assert not unused, (role, sorted(unused))


def test_plan_role_reads_only(tmp_path: Path) -> None:
    # given
    files = printed_policies(tmp_path)
    # when
    plan, apply = actions(files["plan"]), actions(files["apply"])
    # then: a plan can change nothing; the apply role can do all a plan does
    assert all(action.split(":")[1].startswith(("Describe", "Get", "List")) for action in plan)
    assert plan < apply


def test_a_missing_action_is_refused_with_the_clouds_error_naming_it(
    lab: Lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: the plan role without pvtz:ListTagResources, after an apply
    files = printed_policies(tmp_path)
    roles = Roles(lab, files, monkeypatch)
    document = json.loads(files["plan"].read_text())
    document["Statement"][0]["Action"].remove("pvtz:ListTagResources")
    files["plan"].write_text(json.dumps(document))
    config = lab.copy(ROOT / "privatelink.yaml")
    [stack] = sorted((lab.synth(config) / "stacks").iterdir())
    init(lab, stack, lab.root / "state")
    roles.as_role("apply", stack, "apply", "-no-color", "-auto-approve")
    # when
    monkeypatch.setenv(ram.POLICY_VARIABLE, str(files["plan"]))
    result = lab.tf(stack, "plan", "-no-color")
    # then
    assert result.code == 1
    assert "Forbidden.RAM" in result.stderr
    assert "Action: pvtz:ListTagResources" in result.stderr
