"""``--format json`` of validate, regions and summary: one JSON document on stdout that
carries what the text says, for scripts; exit codes as with text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, runner, write_config
from maxcompute_privatelink.cli import app
from maxcompute_privatelink.model.regions import REGIONS

pytestmark = pytest.mark.releases


def mcpl(*args: str) -> Any:
    return runner.invoke(app, list(args))


def test_validate_json_of_a_valid_config_lists_deployments_and_warnings(
    tmp_path: Path, deployment: dict[str, Any]
) -> None:
    # given: one zone, which validates with a warning
    deployment["zones"] = deployment["zones"][:1]
    config = write_config(tmp_path, [deployment])
    # when
    result = mcpl("validate", "-c", str(config), "--format", "json")
    # then
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["valid"] is True
    assert report["deployments"] == ["prod-shenzhen"]
    assert report["problems"] == []
    [warning] = report["warnings"]
    assert (warning["deployment"], warning["field"]) == ("prod-shenzhen", "zones")
    assert warning["line"].startswith("deployment 'prod-shenzhen': zones: only one zone")
    assert result.stderr == ""


def test_fails_with_exit_1_and_every_problem_in_json(
    tmp_path: Path, deployment: dict[str, Any]
) -> None:
    # given: two problems in one deployment
    deployment.update(region="cn-nowhere", vpc_cidr="10.0.0.0/33")
    config = write_config(tmp_path, [deployment])
    # when
    result = mcpl("validate", "-c", str(config), "--format", "json")
    text = mcpl("validate", "-c", str(config))
    # then
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["valid"] is False
    assert {(p["deployment"], p["field"]) for p in report["problems"]} == {
        ("prod-shenzhen", "region"),
        ("prod-shenzhen", "vpc_cidr"),
    }
    assert [f"error: {p['line']}" for p in report["problems"]] == text.stderr.splitlines()


def test_validate_json_of_an_unreadable_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    # when
    result = mcpl("validate", "-c", str(tmp_path / "none.yaml"), "--format", "json")
    # then
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1


def test_regions_json_lists_every_region_as_the_table_does() -> None:
    # when
    listed = json.loads(mcpl("regions", "--format", "json").stdout)
    table = [line for line in mcpl("regions").stdout.splitlines() if not line.startswith(" ")]
    # then
    assert [r["id"] for r in listed] == list(REGIONS)
    assert [r["id"] for r in listed] == [line.split()[0] for line in table]
    singapore = next(r for r in listed if r["id"] == "ap-southeast-1")
    assert singapore["ticket_required"] is True
    shenzhen = next(r for r in listed if r["id"] == "cn-shenzhen")
    assert shenzhen["maxcompute_endpoint"] == (
        "https://service-pvl.cn-shenzhen-vpc.maxcompute.aliyun-inc.com/api"
    )
    assert shenzhen["tunnel_service_name"].endswith(".maxcompute.tunnel.share")


def test_summary_json_carries_the_rows_flags_and_plan(tmp_path: Path) -> None:
    # given: the bundled example and a plan of it
    plan = ROOT / "tests" / "fixtures" / "plans" / "prod-shenzhen.json"
    config = write_config(
        tmp_path,
        [
            {
                "name": "prod-shenzhen",
                "region": "cn-shenzhen",
                "vpc_cidr": "10.20.0.0/16",
                "zones": [{"zone_id": "cn-shenzhen-e", "vswitch_cidr": "10.20.1.0/24"}],
            }
        ],
    )
    # when
    result = mcpl("summary", "-c", str(config), "--plan", str(plan), "--format", "json")
    markdown = mcpl("summary", "-c", str(config), "--plan", str(plan)).stdout
    # then
    assert result.exit_code == 0, result.output
    [summary] = json.loads(result.stdout)["deployments"]
    assert summary["name"] == "prod-shenzhen"
    assert summary["rows"]["VPC"] == "new, 10.20.0.0/16"
    assert f"| VPC | {summary['rows']['VPC']} |" in markdown
    assert all(flag in markdown for flag in summary["flags"])
    assert summary["billable_instances"] == 2
    assert summary["changes"], "the plan's changes are listed"
    assert {"address", "action", "critical"} <= set(summary["changes"][0])
