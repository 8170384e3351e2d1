"""Before the first apply, protect: true holds nothing back: fixing a typo or removing a
deployment that exists nowhere needs no detour through `terraform apply`. Synth tells
never-applied from live by the local state; remote state it cannot read, so the user
says so (`--never-applied NAME`). No refusal advises applying to fix a config."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from conftest import LIVE_STATE, OSS, everything, runner, write_config
from maxcompute_privatelink.cli import app

ZONES_F = (
    "alicloud_privatelink_vpc_endpoint_zone.maxcompute_frontend_cn_shenzhen_f, "
    "alicloud_privatelink_vpc_endpoint_zone.maxcompute_tunnel_cn_shenzhen_f"
)


def mcpl(*args: str | Path) -> Result:
    return runner.invoke(app, [str(a) for a in args])


def synthesized(tmp_path: Path, deployments: list[dict[str, Any]], backend: str = "") -> Path:
    config = write_config(tmp_path, deployments)
    config.write_text(config.read_text() + backend)
    result = mcpl("synth", "-c", config, "-o", tmp_path / "cdktf.out")
    assert result.exit_code == 0, result.output
    return config


def rewritten(config: Path, deployments: list[dict[str, Any]], backend: str = "") -> None:
    write_config(config.parent, deployments)
    config.write_text(config.read_text() + backend)


def zone_typo_fixed(deployment: dict[str, Any]) -> dict[str, Any]:
    zones = deployment["zones"]
    return dict(deployment, zones=[zones[0], dict(zones[1], zone_id="cn-shenzhen-d")])


@pytest.mark.parametrize("flags", [[], ["--hcl"]], ids=["json", "hcl"])
def test_a_zone_typo_is_fixed_before_any_apply(
    tmp_path: Path, deployment: dict[str, Any], flags: list[str]
) -> None:
    # given: synthesized with protect: true, never applied (no state file)
    config = synthesized(tmp_path, [deployment])
    mcpl("synth", "-c", config, "-o", tmp_path / "cdktf.out", *flags)
    rewritten(config, [zone_typo_fixed(deployment)])
    # when
    result = mcpl("synth", "-c", config, "-o", tmp_path / "cdktf.out", *flags)
    # then
    assert result.exit_code == 0, result.output
    assert (
        "cn-shenzhen-d"
        in next((tmp_path / "cdktf.out/stacks/prod-shenzhen").glob("cdk.tf*")).read_text()
    )


def test_a_zone_typo_is_fixed_when_the_state_tracks_nothing(
    tmp_path: Path, deployment: dict[str, Any]
) -> None:
    # given: `terraform apply` failed before creating anything: an empty state
    config = synthesized(tmp_path, [deployment])
    (tmp_path / "terraform.prod-shenzhen.tfstate").write_text('{"version": 4, "resources": []}')
    rewritten(config, [zone_typo_fixed(deployment)])
    # when
    result = mcpl("synth", "-c", config, "-o", tmp_path / "cdktf.out")
    # then
    assert result.exit_code == 0, result.output


def test_a_protected_deployment_never_applied_is_removed(
    tmp_path: Path, deployment: dict[str, Any]
) -> None:
    # given
    config = synthesized(tmp_path, [deployment, dict(deployment, name="gone")])
    rewritten(config, [deployment])
    # when
    result = mcpl("synth", "-c", config, "-o", tmp_path / "cdktf.out")
    # then
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "cdktf.out/stacks/gone").exists()


def test_fails_when_a_remote_state_deployment_changes_and_names_the_flag(
    tmp_path: Path, deployment: dict[str, Any]
) -> None:
    # given: remote state, which synth cannot read
    config = synthesized(tmp_path, [deployment], OSS)
    rewritten(config, [zone_typo_fixed(deployment)], OSS)
    before = everything(tmp_path)
    # when
    result = mcpl("synth", "-c", config, "-o", tmp_path / "cdktf.out")
    # then: how to proceed either way, and no advice to apply
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        f"error: deployment 'prod-shenzhen': synth would drop {ZONES_F}, which protect: true "
        "keeps from being destroyed, and its state is remote, which synth cannot read: if "
        "'prod-shenzhen' was never applied, say so with `mcpl synth --never-applied "
        "prod-shenzhen`; otherwise if the change is meant, set protect: false for "
        "'prod-shenzhen' and synth, then make this change and synth again (its plan shows "
        "what is destroyed)\n"
    )
    assert everything(tmp_path) == before


def test_never_applied_lets_a_remote_state_deployment_change(
    tmp_path: Path, deployment: dict[str, Any]
) -> None:
    # given
    config = synthesized(tmp_path, [deployment], OSS)
    rewritten(config, [zone_typo_fixed(deployment)], OSS)
    # when
    result = mcpl(
        "synth", "-c", config, "-o", tmp_path / "cdktf.out", "--never-applied", "prod-shenzhen"
    )
    # then
    assert result.exit_code == 0, result.output


def test_never_applied_lets_a_remote_state_deployment_go(
    tmp_path: Path, deployment: dict[str, Any]
) -> None:
    # given
    config = synthesized(tmp_path, [deployment, dict(deployment, name="gone")], OSS)
    rewritten(config, [deployment], OSS)
    refusal = mcpl("synth", "-c", config, "-o", tmp_path / "cdktf.out")
    assert refusal.exit_code == 2
    assert "`mcpl synth --never-applied gone`" in refusal.stderr
    # when
    result = mcpl("synth", "-c", config, "-o", tmp_path / "cdktf.out", "--never-applied", "gone")
    # then
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "cdktf.out/stacks/gone").exists()


def test_fails_when_never_applied_names_no_deployment(
    tmp_path: Path, deployment: dict[str, Any]
) -> None:
    # given: a change the flag is meant for, with a typo in the name
    config = synthesized(tmp_path, [deployment], OSS)
    rewritten(config, [zone_typo_fixed(deployment)], OSS)
    # when
    result = mcpl("synth", "-c", config, "-o", tmp_path / "cdktf.out", "--never-applied", "prod")
    # then
    assert result.exit_code == 2
    assert result.stderr == (
        "error: --never-applied prod: no deployment of that name in the config or in the "
        "output; name a deployment that changes or leaves the config\n"
    )


def test_fails_when_never_applied_overrules_a_local_state(
    tmp_path: Path, deployment: dict[str, Any]
) -> None:
    # given: local state that tracks an endpoint
    config = synthesized(tmp_path, [deployment])
    (tmp_path / "terraform.prod-shenzhen.tfstate").write_text(json.dumps(LIVE_STATE))
    rewritten(config, [zone_typo_fixed(deployment)])
    before = everything(tmp_path)
    # when
    result = mcpl(
        "synth", "-c", config, "-o", tmp_path / "cdktf.out", "--never-applied", "prod-shenzhen"
    )
    # then
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "error: --never-applied: the state is local (no backend: in the config), which synth "
        "reads itself; leave the flag out\n"
    )
    assert everything(tmp_path) == before
