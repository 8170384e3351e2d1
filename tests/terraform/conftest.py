"""Fixtures of the Terraform suite: the stand-in provider, once per session, and a lab
per test: a throw-away folder, its own stand-in cloud, and the environment Terraform
runs in."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from conftest import runner
from maxcompute_privatelink.cli import app
from terraform.harness import Result, Terraform, available, environment, install_standin, seed_cloud
from terraform.standin import ram

TERRAFORMS = available()


@pytest.fixture(scope="session")
def cli_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return install_standin(tmp_path_factory.mktemp("standin"))


@dataclass
class Lab:
    """One test's world: a repo folder, a cloud, and the Terraform under test."""

    terraform: Terraform
    root: Path
    cloud: Path
    monkeypatch: pytest.MonkeyPatch
    policies: dict[str, Path] = field(default_factory=dict)

    def mcpl(self, *args: str | Path) -> Any:
        result = runner.invoke(app, [str(a) for a in args])
        assert result.exit_code == 0, result.output
        return result

    def copy(self, example: Path) -> Path:
        target = self.root / example.name
        shutil.copy(example, target)
        return target

    def synth(self, config: Path, *flags: str) -> Path:
        out = config.parent / "cdktf.out"
        self.mcpl("synth", "-c", config, "-o", out, *flags)
        return out

    def as_role(self, role: str, folder: Path, *args: str) -> Result:
        """``ok`` under one of the printed roles' policies (``roles`` first)."""
        self.monkeypatch.setenv(ram.POLICY_VARIABLE, str(self.policies[role]))
        self.monkeypatch.setenv(ram.CALLS_VARIABLE, str(self.root.parent / f"calls-{role}.log"))
        return self.ok(folder, *args)

    def roles(self) -> dict[str, Path]:
        """The plan and apply roles' policies, as `--print-policies` prints them, each in a
        file; ``as_role`` runs Terraform under one."""
        self.policies = printed_policies(self.root.parent)
        return self.policies

    def tf(self, folder: Path, *args: str) -> Result:
        return self.terraform.run(folder, *args)

    def ok(self, folder: Path, *args: str) -> Result:
        return self.terraform.ok(folder, *args)

    def seed_from_stack_files(self, stack: Path) -> None:
        """What the console made before this tool: every existing VPC the stack reads, and
        every object it imports, with the stack's own arguments but names and tags of a
        hand-made object (so an adopted endpoint imports and then updates)."""
        data = json.loads((stack / "cdk.tf.json").read_text())
        vpcs = {}
        for body in data.get("data", {}).get("alicloud_vpcs", {}).values():
            for ident in body.get("ids", []):
                vpcs[ident] = "10.0.0.0/8"
        vswitches = self.given_vswitches(data)
        resources: dict[str, list[dict[str, Any]]] = self.given_zones(data)
        for block in data.get("import", []):
            kind, name = block["to"].split(".")
            body = {
                key: value
                for key, value in data["resource"][kind][name].items()
                if key not in ("depends_on", "lifecycle", "//", "vpc_endpoint_name", "tags")
            }
            if kind == "alicloud_privatelink_vpc_endpoint":
                body.update(
                    vpc_endpoint_name="made-in-the-console",
                    endpoint_domain=f"{block['id']}-console.epsrv-console.{data['provider']['alicloud'][0]['region']}.privatelink.aliyuncs.com",
                    endpoint_description=None,
                )
            else:  # a zone binding: its references become the console's ids
                endpoint, zone = block["id"].split(":")
                body.update(endpoint_id=endpoint, zone_id=zone)
            body["id"] = block["id"]
            resources.setdefault(kind, []).append(body)
        seed_cloud(self.cloud, resources, vpcs, vswitches)

    @staticmethod
    def given_zones(data: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
        """Each existing PrivateZone zone the stack looks up, named and bound as its
        postconditions require (a zone the platform team made)."""
        zones, bindings = [], []
        for body in data.get("data", {}).get("alicloud_pvtz_zones", {}).values():
            checks = " ".join(c["condition"] for c in body["lifecycle"]["postcondition"])
            name = re.search(r'zone_name\) == \\?"([^"\\]+)', checks)
            vpcs = re.findall(r'vpc_id\), \\?"([^"\\]+)', checks)
            for ident in body["ids"]:
                zones.append({"id": ident, "zone_name": name[1] if name else "", "remark": ""})
                bindings.append({"id": ident, "zone_id": ident, "vpc_ids": vpcs})
        found = {"alicloud_pvtz_zone": zones, "alicloud_pvtz_zone_attachment": bindings}
        return {kind: objects for kind, objects in found.items() if objects}

    @staticmethod
    def given_vswitches(data: dict[str, Any]) -> dict[str, dict[str, str]]:
        """Each vSwitch the stack looks up, in the zone and VPC the stack uses it in."""
        looked_up = {
            ident
            for body in data.get("data", {}).get("alicloud_vswitches", {}).values()
            for ident in body.get("ids", [])
        }
        resources = data.get("resource", {})
        vpc = next(
            (body["vpc_id"]
             for body in resources.get("alicloud_privatelink_vpc_endpoint", {}).values()),
            "",
        )  # fmt: skip
        return {
            body["vswitch_id"]: {"zone_id": body["zone_id"], "vpc_id": vpc, "cidr_block": ""}
            for body in resources.get("alicloud_privatelink_vpc_endpoint_zone", {}).values()
            if body["vswitch_id"] in looked_up
        }

    def seed(self, config: Path, out: Path) -> None:
        """Seed the cloud from the JSON synth of ``config``: ``out`` when it holds JSON,
        else a scratch synth (HCL stacks are seeded alike)."""
        if not any(out.glob("stacks/*/cdk.tf.json")):
            out = self.root.parent / "seed"
            self.mcpl("synth", "-c", config, "-o", out)
        for stack in sorted((out / "stacks").iterdir()):
            self.seed_from_stack_files(stack)


def printed_policies(folder: Path) -> dict[str, Path]:
    """The plan and apply roles' policies as `mcpl ci github --print-policies` prints them
    (without a config: placeholders for the state), each in a file in ``folder``."""
    result = runner.invoke(app, ["ci", "github", "--print-policies", "-c", str(folder / "none")])
    assert result.exit_code == 0, result.output
    documents = json.loads(result.stdout)
    files = {}
    for role in ("plan", "apply"):
        files[role] = folder / f"{role}.json"
        files[role].write_text(json.dumps(documents[f"{role}_role_policy"]))
    return files


def new_lab(
    terraform: Terraform, folder: Path, monkeypatch: pytest.MonkeyPatch, cli_config: Path
) -> Lab:
    """A lab in ``folder``: its repo, its cloud, and Terraform's environment set."""
    cloud = folder / "cloud.json"
    for key, value in environment(cli_config, cloud).items():
        monkeypatch.setenv(key, value)
    repo = folder / "repo"
    repo.mkdir()
    return Lab(terraform, repo, cloud, monkeypatch)


@pytest.fixture(params=TERRAFORMS, ids=[t.label for t in TERRAFORMS])
def lab(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    cli_config: Path,
) -> Iterator[Lab]:
    yield new_lab(request.param, tmp_path, monkeypatch, cli_config)


@pytest.fixture
def workflow_lab(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli_config: Path) -> Lab:
    """A lab with the first Terraform only: for tests whose subject is the workflow's
    logic (which jobs run, which plan is applied), not what each Terraform does."""
    return new_lab(TERRAFORMS[0], tmp_path, monkeypatch, cli_config)
