"""The provider waits for a new endpoint to become Active and for a zone binding to
connect, at most the create timeout (``timeouts`` in the config, else its 5 minutes);
and the API refuses to delete an endpoint that still has zones. The stand-in plays both
(``standin/lifecycles.json``, with their sources), on simulated time."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import ROOT
from terraform.conftest import TERRAFORMS, Lab, new_lab
from terraform.standin import lifecycle

pytestmark = pytest.mark.terraform

FRONTEND = "alicloud_privatelink_vpc_endpoint.maxcompute_frontend"


@pytest.fixture
def lab(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli_config: Path) -> Lab:
    return new_lab(TERRAFORMS[0], tmp_path, monkeypatch, cli_config)


def stack_of(lab: Lab, **settings: Any) -> Path:
    """privatelink.yaml, unprotected, with ``settings``, synthesized and initialized."""
    data = yaml.safe_load((ROOT / "privatelink.yaml").read_text())
    data["deployments"][0].update(protect=False, **settings)
    config = lab.root / "privatelink.yaml"
    config.write_text(yaml.safe_dump(data))
    [stack] = sorted((lab.synth(config) / "stacks").iterdir())
    lab.ok(stack, "init", "-no-color")
    return stack


def resources(stack: Path, lab: Lab) -> dict[str, Any]:
    state = lab.terraform.json(stack, "show", "-json")
    return {r["address"]: r for r in state["values"]["root_module"]["resources"]}


def test_fails_when_endpoints_settle_slower_than_the_default_timeout(
    lab: Lab, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: endpoints that take 7 minutes to become Active
    monkeypatch.setenv(lifecycle.SETTLE_VARIABLE, "420")
    stack = stack_of(lab)
    # when
    result = lab.tf(stack, "apply", "-no-color", "-auto-approve")
    # then: the provider's timeout error; the endpoint stays in state, tainted, to replace
    assert result.code == 1
    error = " ".join(result.stderr.split())
    assert (
        "timeout while waiting for state to become 'Active' (last state: 'Creating', "
        "timeout: 5m0s)" in error
    )
    frontend = resources(stack, lab)[FRONTEND]
    assert frontend["values"]["status"] == "Creating"
    assert frontend.get("tainted") is True


def test_applies_when_timeouts_give_the_endpoints_time(
    lab: Lab, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: the same slow endpoints, and ten minutes to wait for them
    monkeypatch.setenv(lifecycle.SETTLE_VARIABLE, "420")
    stack = stack_of(lab, timeouts={"create": "10m"})
    # when
    lab.ok(stack, "apply", "-no-color", "-auto-approve")
    # then: Active, the zone bindings Connected, and the wait recorded in state
    found = resources(stack, lab)
    assert found[FRONTEND]["values"]["status"] == "Active"
    assert found[FRONTEND]["values"]["timeouts"] == {"create": "10m", "delete": None,
                                                      "update": None}  # fmt: skip
    bindings = [r for a, r in found.items() if "vpc_endpoint_zone" in a]
    assert len(bindings) == 4
    assert {r["values"]["status"] for r in bindings} == {"Connected"}
    # and a second plan is empty
    lab.ok(stack, "plan", "-no-color", "-detailed-exitcode")


def test_fails_when_an_endpoint_with_zones_is_deleted(lab: Lab) -> None:
    # given: an applied stack whose zone bindings were dropped from state (not from the
    # cloud), as `terraform state rm` does
    stack = stack_of(lab)
    lab.ok(stack, "apply", "-no-color", "-auto-approve")
    bindings = [a for a in resources(stack, lab) if "vpc_endpoint_zone" in a]
    lab.ok(stack, "state", "rm", *bindings)
    # when
    result = lab.tf(stack, "destroy", "-no-color", "-auto-approve")
    # then: the API refuses; the endpoints stay in state and in the cloud
    assert result.code == 1
    assert "EndpointOperationDenied" in result.stderr
    assert FRONTEND in resources(stack, lab)
    cloud = json.loads(lab.cloud.read_text())["resources"]
    assert len(cloud["alicloud_privatelink_vpc_endpoint"]) == 2
