"""The stacks' provider constraint keeps out the releases that break them after their
first apply (tools/generate_bindings.py, CONSTRAINT_REASON, with the provider source at
each tag): before 1.243.0 an endpoint's ``service_id`` is not Computed (every later plan
replaces both endpoints), before 1.269.0 a security group's ``resource_group_id`` is
not (a diff on every plan, JoinResourceGroup on every apply). The stand-in poses as
those releases (``standin/releases.json``), so the suite shows both breakages, and that
the floor has neither."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import ROOT
from terraform.conftest import TERRAFORMS, Lab, new_lab
from terraform.harness import install_standin
from terraform.standin import ram

pytestmark = pytest.mark.terraform


@pytest.mark.parametrize("release", ["1.242.0", "1.268.0"])
def test_a_release_that_breaks_the_stacks_is_never_installed(
    release: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: a provider mirror that offers only that release
    cli_config = install_standin(tmp_path / "mirror", version=release)
    lab = new_lab(TERRAFORMS[0], tmp_path, monkeypatch, cli_config)
    [stack] = sorted((lab.synth(lab.copy(ROOT / "privatelink.yaml")) / "stacks").iterdir())
    # when
    result = lab.tf(stack, "init", "-no-color")
    # then
    assert result.code == 1
    assert "no available releases match the given constraints" in result.stderr, result
    assert ">= 1.269.0" in " ".join(result.stderr.split()), result


def test_the_floor_release_installs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # given: the first release the constraint admits
    cli_config = install_standin(tmp_path / "mirror", version="1.269.0")
    lab = new_lab(TERRAFORMS[0], tmp_path, monkeypatch, cli_config)
    [stack] = sorted((lab.synth(lab.copy(ROOT / "privatelink.yaml")) / "stacks").iterdir())
    # when
    lab.ok(stack, "init", "-no-color")
    # then
    assert 'version     = "1.269.0"' in (stack / ".terraform.lock.hcl").read_text()


def applied_at(release: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Lab, Path]:
    """privatelink.yaml applied with the stand-in posing as ``release``, the stack's
    constraint widened to the old ``>= 1.239.0`` (so that init takes that release)."""
    cli_config = install_standin(tmp_path / "mirror", version=release)
    lab = new_lab(TERRAFORMS[0], tmp_path, monkeypatch, cli_config)
    [stack] = sorted((lab.synth(lab.copy(ROOT / "privatelink.yaml")) / "stacks").iterdir())
    document = json.loads((stack / "cdk.tf.json").read_text())
    document["terraform"]["required_providers"]["alicloud"]["version"] = ">= 1.239.0"
    (stack / "cdk.tf.json").write_text(json.dumps(document))
    lab.ok(stack, "init", "-no-color")
    lab.ok(stack, "apply", "-no-color", "-auto-approve")
    return lab, stack


def test_at_the_floor_two_plans_after_apply_are_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given
    lab, stack = applied_at("1.269.0", tmp_path, monkeypatch)
    # when / then
    for _ in range(2):
        lab.ok(stack, "plan", "-no-color", "-detailed-exitcode")


def test_before_1_243_every_later_plan_replaces_both_endpoints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: applied with 1.242.0, whose endpoint does not compute service_id
    lab, stack = applied_at("1.242.0", tmp_path, monkeypatch)
    # when
    result = lab.tf(stack, "plan", "-no-color")
    # then: both endpoints would be replaced, which prevent_destroy refuses
    assert result.code == 1
    error = " ".join(result.stderr.split())
    assert "Instance cannot be destroyed" in error
    assert "alicloud_privatelink_vpc_endpoint.maxcompute_frontend" in error
    assert "alicloud_privatelink_vpc_endpoint.maxcompute_tunnel" in error


def test_before_1_269_every_plan_moves_the_security_group(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: applied with 1.268.0, whose security group does not compute resource_group_id
    lab, stack = applied_at("1.268.0", tmp_path, monkeypatch)
    calls = tmp_path / "calls.log"
    monkeypatch.setenv(ram.CALLS_VARIABLE, str(calls))
    for _ in range(2):
        # when
        result = lab.tf(stack, "plan", "-no-color", "-detailed-exitcode")
        # then: a diff every time, even right after applying it
        assert result.code == 2, result
        assert '- resource_group_id   = "rg-acfmstandin0default" -> null' in result.stdout
        assert "alicloud_security_group.maxcompute_endpoints will be updated" in result.stdout
        lab.ok(stack, "apply", "-no-color", "-auto-approve")
        # and every apply calls JoinResourceGroup (with no resource group to join)
        assert calls.read_text().split().count("ecs:JoinResourceGroup") == 1
        calls.unlink()
