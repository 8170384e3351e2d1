"""The stand-in's own test: wrong configurations that the real alicloud provider (its
helper/schema rules, from the Go source) rejects, it must reject with the same words,
through `terraform validate`; and the wire details Terraform relies on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from terraform.conftest import Lab
from terraform.standin import provider

pytestmark = pytest.mark.terraform

SG = "sg-standin0001"


def rule(**fields: Any) -> dict[str, Any]:
    return {
        "security_group_id": SG,
        "type": "ingress",
        "ip_protocol": "tcp",
        "port_range": "443/443",
        "cidr_ip": "10.0.0.0/8",
        **fields,
    }


WRONG: dict[str, tuple[str, dict[str, Any], str]] = {
    # name: (resource type, arguments, what Terraform prints)
    "priority_range": (
        "alicloud_security_group_rule",
        rule(priority=101),
        "expected priority to be in the range (1 - 100), got 101",
    ),
    "rule_type": (
        "alicloud_security_group_rule",
        rule(type="inbound"),
        "expected type to be one of [ingress egress], got inbound",
    ),
    "rule_without_source": (
        "alicloud_security_group_rule",
        {k: v for k, v in rule().items() if k != "cidr_ip"},
        '"cidr_ip": one of `cidr_ip,ipv6_cidr_ip,source_security_group_id,prefix_list_id` '
        "must be specified",
    ),
    "rule_two_sources": (
        "alicloud_security_group_rule",
        rule(source_security_group_id="sg-other0001"),
        '"source_security_group_id": conflicts with cidr_ip',
    ),
    "endpoint_type": (
        "alicloud_privatelink_vpc_endpoint",
        {"vpc_id": "vpc-standin1", "endpoint_type": "Gateway"},
        "expected endpoint_type to be one of [Interface GatewayLoadBalancer], got Gateway",
    ),
    "ip_count": (
        "alicloud_privatelink_vpc_endpoint",
        {"vpc_id": "vpc-standin1", "zone_private_ip_address_count": 2},
        "expected zone_private_ip_address_count to be one of [0 1], got 2",
    ),
    "vswitch_two_zones": (
        "alicloud_vswitch",
        {"vpc_id": "vpc-standin1", "cidr_block": "10.0.1.0/24", "zone_id": "cn-hangzhou-h",
         "availability_zone": "cn-hangzhou-i"},
        '"zone_id": only one of `zone_id,availability_zone` can be specified, but '
        "`zone_id,availability_zone` were specified.",
    ),
    "vswitch_no_zone": (
        "alicloud_vswitch",
        {"vpc_id": "vpc-standin1", "cidr_block": "10.0.1.0/24"},
        '"zone_id": one of `zone_id,availability_zone` must be specified',
    ),
    "vpc_two_names": (
        "alicloud_vpc",
        {"vpc_name": "a", "name": "b", "cidr_block": "10.0.0.0/8"},
        '"vpc_name": conflicts with name',
    ),
    "zone_two_names": (
        "alicloud_pvtz_zone",
        {"zone_name": "a.example", "name": "b.example"},
        '"zone_name": conflicts with name',
    ),
    "record_priority": (
        "alicloud_pvtz_zone_record",
        {"zone_id": "z1", "rr": "a", "type": "CNAME", "value": "b.example", "priority": 0},
        "expected priority to be in the range (1 - 99), got 0",
    ),
    "attachment_both": (
        "alicloud_pvtz_zone_attachment",
        {"zone_id": "z1", "vpc_ids": ["vpc-standin1"], "vpcs": [{"vpc_id": "vpc-standin1"}]},
        '"vpc_ids": conflicts with vpcs',
    ),
    "required_missing": (
        "alicloud_privatelink_vpc_endpoint",
        {"service_name": "x"},
        'The argument "vpc_id" is required, but no definition was found.',
    ),
    "unknown_argument": (
        "alicloud_vpc",
        {"cidr_block": "10.0.0.0/8", "bogus": True},
        'No argument or block type is named "bogus".',
    ),
}  # fmt: skip


def config_of(resources: dict[str, tuple[str, dict[str, Any], str]]) -> dict[str, Any]:
    body: dict[str, Any] = {
        "terraform": {"required_providers": {"alicloud": {"source": "aliyun/alicloud"}}},
        "provider": {"alicloud": [{"region": "cn-hangzhou"}]},
        "resource": {},
    }
    for name, (kind, arguments, _) in resources.items():
        body["resource"].setdefault(kind, {})[name] = arguments
    if not body["resource"]:
        del body["resource"]
    return body


def test_rejects_what_the_real_provider_rejects_with_its_words(lab: Lab) -> None:
    # given: one configuration holding every mistake (Terraform reports them all)
    (lab.root / "main.tf.json").write_text(json.dumps(config_of(WRONG)))
    lab.ok(lab.root, "init", "-no-color")
    # when
    result = lab.tf(lab.root, "validate", "-json")
    # then
    report = json.loads(result.stdout)
    assert result.code == 1 and report["valid"] is False
    errors = [d for d in report["diagnostics"] if d["severity"] == "error"]
    messages = [f"{d['summary']} {d.get('detail', '')}" for d in errors]
    for name, (_, _, expected) in WRONG.items():
        assert any(expected in message for message in messages), (name, messages)
    # helper/schema checks ConflictsWith from each side that declares it: zone_name and
    # name of a PrivateZone zone, vpc_ids and vpcs of an attachment, report twice
    assert len(errors) == len(WRONG) + 2, messages


def test_accepts_a_correct_configuration_and_warns_on_deprecated_arguments(lab: Lab) -> None:
    config = config_of({})
    config["resource"] = {
        "alicloud_security_group_rule": {"ok": rule(priority=1, policy="accept")},
        "alicloud_vswitch": {
            "old": {"vpc_id": "vpc-standin1", "cidr_block": "10.0.1.0/24", "zone_id": "a",
                    "name": "legacy"},
        },
    }  # fmt: skip
    (lab.root / "main.tf.json").write_text(json.dumps(config))
    lab.ok(lab.root, "init", "-no-color")
    report = json.loads(lab.tf(lab.root, "validate", "-json").stdout)
    assert report["valid"] is True, report
    [warning] = [d for d in report["diagnostics"] if d["severity"] == "warning"]
    assert warning["summary"] == "Argument is deprecated"
    assert "vswitch_name" in warning["detail"]


def test_serves_the_schema_without_the_x_keys(lab: Lab) -> None:
    (lab.root / "main.tf.json").write_text(json.dumps(config_of({})))
    lab.ok(lab.root, "init", "-no-color")
    served = lab.terraform.json(lab.root, "providers", "schema", "-json")
    mine = served["provider_schemas"]["registry.terraform.io/aliyun/alicloud"]
    expected = provider.strip_x(provider.load_schema())
    for kind in ("resource_schemas", "data_source_schemas"):
        assert set(mine[kind]) == set(expected[kind])
        for name, schema in expected[kind].items():
            assert set(mine[kind][name]["block"]["attributes"]) == set(
                schema["block"]["attributes"]
            ), name


def test_plans_forcenew_changes_as_replacements() -> None:
    block = provider.load_schema()["resource_schemas"]["alicloud_privatelink_vpc_endpoint_zone"]
    prior = {"id": "ep-a:z1", "endpoint_id": "ep-a", "zone_id": "z1", "vswitch_id": "vsw-1"}
    config = {**prior, "id": None, "vswitch_id": "vsw-2"}
    planned, replace = provider.plan(
        block["block"], prior, {**prior, "vswitch_id": "vsw-2"}, config
    )
    assert replace == ["vswitch_id"]
    assert planned is not None and planned["id"] is provider.UNKNOWN


def test_unknown_values_survive_the_wire() -> None:
    from terraform.standin.server import decode, encode

    value = {"id": provider.UNKNOWN, "tags": {"a": "b"}, "n": 3, "flag": None}
    assert decode(encode(value)) == value


def test_an_object_deleted_outside_terraform_reads_as_gone(tmp_path: Path) -> None:
    cloud = provider.Cloud(tmp_path / "cloud.json")
    cloud.put("alicloud_vpc", {"id": "vpc-1", "cidr_block": "10.0.0.0/8"})
    assert cloud.vpcs() == {"vpc-1": "10.0.0.0/8"}
    cloud.delete("alicloud_vpc", "vpc-1")
    assert cloud.get("alicloud_vpc", "vpc-1") is None
