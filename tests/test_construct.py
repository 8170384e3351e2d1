"""MaxComputePrivateLink and its stack, through the real synth output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension

from conftest import resolved
from maxcompute_privatelink.model.config import PrivateLinkConfig
from maxcompute_privatelink.model.props import MaxComputePrivateLinkProps
from maxcompute_privatelink.synth.synthesize import synthesize

pytestmark = pytest.mark.emitter

FRONTEND = "alicloud_privatelink_vpc_endpoint.maxcompute_frontend"
TUNNEL = "alicloud_privatelink_vpc_endpoint.maxcompute_tunnel"


def synth_one(deployment: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    config = PrivateLinkConfig.model_validate({"deployments": [deployment]})
    out = tmp_path / "cdktf.out"
    synthesize(config, config_path=tmp_path / "privatelink.yaml", out=out)
    stack: dict[str, Any] = json.loads(
        (out / "stacks" / deployment["name"] / "cdk.tf.json").read_text()
    )
    return stack


def resources(stack: dict[str, Any], tf_type: str) -> dict[str, Any]:
    found: dict[str, Any] = stack["resource"].get(tf_type, {})
    return found


@pytest.fixture
def json_snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(JSONSnapshotExtension)


def test_typical_stack_matches_snapshot(
    deployment: dict[str, Any], tmp_path: Path, json_snapshot: SnapshotAssertion
) -> None:
    # given: a new VPC, two zones, a created security group
    # when
    stack = synth_one(deployment, tmp_path)
    # then
    assert stack == json_snapshot


def test_existing_network_stack_matches_snapshot(
    deployment: dict[str, Any], tmp_path: Path, json_snapshot: SnapshotAssertion
) -> None:
    # given: everything exists already
    deployment.pop("vpc_cidr")
    deployment.update(
        vpc_id="vpc-wz9existing",
        security_group_ids=["sg-wz9a", "sg-wz9b"],
        zones=[
            {"zone_id": "cn-shenzhen-e", "vswitch_id": "vsw-wz9e"},
            {"zone_id": "cn-shenzhen-f", "vswitch_id": "vsw-wz9f"},
        ],
    )
    # when
    stack = synth_one(deployment, tmp_path)
    # then
    assert stack == json_snapshot


def test_platform_options_stack_matches_snapshot(
    deployment: dict[str, Any], tmp_path: Path, json_snapshot: SnapshotAssertion
) -> None:
    # given: a created network with every option beyond the guide
    deployment.update(
        resource_group_id="rg-acfmplatform",
        timeouts={"create": "15m", "delete": "10m"},
        private_zone={"vpc_ids": ["vpc-wz9peer1", "vpc-wz9peer2"]},
    )
    deployment["zones"][0]["eni_ip"] = {"frontend": "10.20.1.10", "tunnel": "10.20.1.11"}
    deployment["zones"][1]["eni_ip"] = {"tunnel": "10.20.2.11"}
    # when
    stack = synth_one(deployment, tmp_path)
    # then: the whole stack, and what carries each option
    assert stack == json_snapshot
    grouped = [
        body["resource_group_id"]
        for kind in ("alicloud_vpc", "alicloud_security_group", "alicloud_pvtz_zone")
        for body in resources(stack, kind).values()
    ] + [resources(stack, "alicloud_privatelink_vpc_endpoint")[n]["resource_group_id"]
         for n in ("maxcompute_frontend", "maxcompute_tunnel")]  # fmt: skip
    assert grouped == ["rg-acfmplatform"] * 5
    zones = resources(stack, "alicloud_privatelink_vpc_endpoint_zone")
    assert {n: b.get("eni_ip") for n, b in zones.items()} == {
        "maxcompute_frontend_cn_shenzhen_e": "10.20.1.10",
        "maxcompute_frontend_cn_shenzhen_f": None,
        "maxcompute_tunnel_cn_shenzhen_e": "10.20.1.11",
        "maxcompute_tunnel_cn_shenzhen_f": "10.20.2.11",
    }
    waited = [*zones.values(), *resources(stack, "alicloud_privatelink_vpc_endpoint").values()]
    assert all(b["timeouts"] == {"create": "15m", "delete": "10m"} for b in waited)
    [attachment] = resources(stack, "alicloud_pvtz_zone_attachment").values()
    assert attachment["vpc_ids"] == [
        "${alicloud_vpc.maxcompute_vpc.id}",
        "vpc-wz9peer1",
        "vpc-wz9peer2",
    ]


def test_an_existing_zone_is_checked_and_neither_created_nor_bound(
    deployment: dict[str, Any], tmp_path: Path
) -> None:
    # given
    deployment.pop("vpc_cidr")
    deployment.update(
        vpc_id="vpc-wz9existing",
        zones=[{"zone_id": "cn-shenzhen-e", "vswitch_id": "vsw-wz9e"}],
        private_zone={"zone_id": "0f1e2d3c4b5a69788796a5b4c3d2e1f0"},
    )
    # when
    stack = synth_one(deployment, tmp_path)
    # then: records in the given zone, no zone and no attachment (which would set the
    # zone's whole VPC list, and unbind every VPC on destroy)
    assert "alicloud_pvtz_zone" not in stack["resource"]
    assert "alicloud_pvtz_zone_attachment" not in stack["resource"]
    records = resources(stack, "alicloud_pvtz_zone_record").values()
    assert {r["zone_id"] for r in records} == {"0f1e2d3c4b5a69788796a5b4c3d2e1f0"}
    [lookup] = stack["data"]["alicloud_pvtz_zones"].values()
    assert lookup["ids"] == ["0f1e2d3c4b5a69788796a5b4c3d2e1f0"]
    assert lookup["enable_details"] is True
    conditions = [c["condition"] for c in lookup["lifecycle"]["postcondition"]]
    assert len(conditions) == 3
    assert '"vpc-wz9existing")' in conditions[2]
    assert stack["output"]["private_zone_id"]["value"] == "0f1e2d3c4b5a69788796a5b4c3d2e1f0"


def test_always_creates_both_endpoints_in_the_guides_order(
    deployment: dict[str, Any], tmp_path: Path
) -> None:
    # when
    stack = synth_one(deployment, tmp_path)
    endpoints = resources(stack, "alicloud_privatelink_vpc_endpoint")
    # then
    assert set(endpoints) == {"maxcompute_frontend", "maxcompute_tunnel"}
    frontend, tunnel = endpoints["maxcompute_frontend"], endpoints["maxcompute_tunnel"]
    assert frontend["service_name"] == "com.aliyuncs.privatelink.cn-shenzhen.maxcompute.frontend"
    assert tunnel["service_name"] == "com.aliyuncs.privatelink.cn-shenzhen.maxcompute.tunnel.share"
    assert frontend["endpoint_type"] == tunnel["endpoint_type"] == "Interface"
    assert frontend["vpc_id"] == tunnel["vpc_id"] == "${alicloud_vpc.maxcompute_vpc.id}"
    assert frontend["security_group_ids"] == tunnel["security_group_ids"]
    assert tunnel["depends_on"] == [FRONTEND]
    assert "depends_on" not in frontend


def test_binds_each_endpoint_to_every_zone(deployment: dict[str, Any], tmp_path: Path) -> None:
    # when
    stack = synth_one(deployment, tmp_path)
    zones = resources(stack, "alicloud_privatelink_vpc_endpoint_zone")
    # then
    bindings = {(z["endpoint_id"], z["zone_id"], z["vswitch_id"]) for z in zones.values()}
    assert len(zones) == 4
    assert bindings == {
        (
            f"${{{endpoint}.id}}",
            zone,
            f"${{alicloud_vswitch.maxcompute_{zone.replace('-', '_')}.id}}",
        )
        for endpoint in (FRONTEND, TUNNEL)
        for zone in ("cn-shenzhen-e", "cn-shenzhen-f")
    }


def test_creates_vpc_and_vswitches_from_cidrs(deployment: dict[str, Any], tmp_path: Path) -> None:
    stack = synth_one(deployment, tmp_path)
    [vpc] = resources(stack, "alicloud_vpc").values()
    vswitches = resources(stack, "alicloud_vswitch")
    assert vpc["cidr_block"] == "10.20.0.0/16"
    assert vpc["vpc_name"] == "prod-shenzhen"
    assert {(v["zone_id"], v["cidr_block"]) for v in vswitches.values()} == {
        ("cn-shenzhen-e", "10.20.1.0/24"),
        ("cn-shenzhen-f", "10.20.2.0/24"),
    }
    assert {v["vpc_id"] for v in vswitches.values()} == {"${alicloud_vpc.maxcompute_vpc.id}"}


def test_created_security_group_admits_only_https_from_the_vpc(
    deployment: dict[str, Any], tmp_path: Path
) -> None:
    # when
    stack = synth_one(deployment, tmp_path)
    groups = resources(stack, "alicloud_security_group")
    rules = list(resources(stack, "alicloud_security_group_rule").values())
    # then
    assert groups["maxcompute_endpoints"]["inner_access_policy"] == "Drop"
    assert [
        (r["type"], r["ip_protocol"], r["port_range"], r["cidr_ip"], r["nic_type"], r["policy"])
        for r in rules
    ] == [("ingress", "tcp", "443/443", "10.20.0.0/16", "intranet", "accept")]
    endpoint = resources(stack, "alicloud_privatelink_vpc_endpoint")["maxcompute_frontend"]
    assert endpoint["security_group_ids"] == ["${alicloud_security_group.maxcompute_endpoints.id}"]


def test_created_security_group_admits_http_from_each_allowed_cidr(
    deployment: dict[str, Any], tmp_path: Path
) -> None:
    # given
    deployment.update(protocol="http", allowed_cidrs=["10.0.0.0/8", "192.168.10.0/24"])
    # when
    stack = synth_one(deployment, tmp_path)
    rules = resources(stack, "alicloud_security_group_rule")
    # then
    assert {name: (r["port_range"], r["cidr_ip"]) for name, r in rules.items()} == {
        "maxcompute_ingress_http_10_0_0_0_8": ("80/80", "10.0.0.0/8"),
        "maxcompute_ingress_http_192_168_10_0_24": ("80/80", "192.168.10.0/24"),
    }
    assert "0.0.0.0/0" not in json.dumps(stack)


def test_existing_vpc_rule_reads_the_vpcs_cidr_at_plan_time(
    deployment: dict[str, Any], tmp_path: Path
) -> None:
    # given: an existing VPC, no security groups, no allowed_cidrs
    deployment.pop("vpc_cidr")
    deployment["vpc_id"] = "vpc-wz9existing"
    # when
    stack = synth_one(deployment, tmp_path)
    # then
    assert stack["data"]["alicloud_vpcs"]["maxcompute_vpc"]["ids"] == ["vpc-wz9existing"]
    [rule] = resources(stack, "alicloud_security_group_rule").values()
    assert rule["cidr_ip"] == "${data.alicloud_vpcs.maxcompute_vpc.vpcs[0].cidr_block}"
    assert resources(stack, "alicloud_vswitch")["maxcompute_cn_shenzhen_e"]["vpc_id"] == (
        "vpc-wz9existing"
    )
    assert "alicloud_vpc" not in stack["resource"]


def test_given_security_groups_are_used_and_none_created(
    deployment: dict[str, Any], tmp_path: Path
) -> None:
    deployment["security_group_ids"] = ["sg-wz9a"]
    stack = synth_one(deployment, tmp_path)
    assert "alicloud_security_group" not in stack["resource"]
    assert "alicloud_security_group_rule" not in stack["resource"]
    for endpoint in resources(stack, "alicloud_privatelink_vpc_endpoint").values():
        assert endpoint["security_group_ids"] == ["sg-wz9a"]


def test_stack_has_provider_relative_backend_and_described_outputs(
    deployment: dict[str, Any], tmp_path: Path
) -> None:
    # when
    stack = synth_one(deployment, tmp_path)
    # then
    assert stack["provider"] == {"alicloud": [{"region": "cn-shenzhen"}]}
    assert stack["terraform"]["required_providers"]["alicloud"]["source"] == "aliyun/alicloud"
    assert stack["terraform"]["backend"] == {
        "local": {"path": "../../../terraform.prod-shenzhen.tfstate"}
    }
    outputs = stack["output"]
    assert set(outputs) == {
        "frontend_endpoint_id",
        "tunnel_endpoint_id",
        "frontend_endpoint_domain",
        "tunnel_endpoint_domain",
        "maxcompute_endpoint",
        "tunnel_endpoint",
        "vpc_id",
        "private_zone_id",
        "destroy_protection",
    }
    assert all(o["description"] for o in outputs.values())
    assert outputs["maxcompute_endpoint"]["value"] == (
        "https://service-pvl.cn-shenzhen-vpc.maxcompute.aliyun-inc.com/api"
    )
    assert outputs["tunnel_endpoint"]["value"] == (
        "https://dt-pvl.cn-shenzhen-vpc.maxcompute.aliyun-inc.com"
    )
    assert outputs["frontend_endpoint_id"]["value"] == f"${{{FRONTEND}.id}}"
    assert outputs["tunnel_endpoint_domain"]["value"] == f"${{{TUNNEL}.endpoint_domain}}"


def test_ticket_region_uses_the_ticket_urls(deployment: dict[str, Any], tmp_path: Path) -> None:
    deployment.update(
        region="ap-southeast-1",
        ticket_approved=True,
        zones=[{"zone_id": "ap-southeast-1a", "vswitch_cidr": "10.20.1.0/24"}],
        endpoint_urls={
            "maxcompute": "https://service.mc.example/api",
            "tunnel": "https://tunnel.mc.example",
        },
    )
    stack = synth_one(deployment, tmp_path)
    endpoints = resources(stack, "alicloud_privatelink_vpc_endpoint")
    assert endpoints["maxcompute_frontend"]["service_name"] == (
        "com.aliyuncs.privatelink.ap-southeast-1.maxcompute.frontend"
    )
    assert stack["output"]["maxcompute_endpoint"]["value"] == "https://service.mc.example/api"
    assert stack["output"]["tunnel_endpoint"]["value"] == "https://tunnel.mc.example"
    [zone] = resources(stack, "alicloud_pvtz_zone").values()
    assert zone["zone_name"] == "mc.example"
    records = resources(stack, "alicloud_pvtz_zone_record")
    assert {r["rr"] for r in records.values()} == {"service", "tunnel"}


def test_tags_reach_every_created_resource(deployment: dict[str, Any], tmp_path: Path) -> None:
    stack = synth_one(deployment, tmp_path)
    expected = {
        "team": "data",
        "managed-by": "maxcompute-privatelink",
        "deployment": "prod-shenzhen",
    }
    tagged = [
        body["tags"]
        for tf_type in (
            "alicloud_vpc",
            "alicloud_vswitch",
            "alicloud_security_group",
            "alicloud_privatelink_vpc_endpoint",
        )
        for body in resources(stack, tf_type).values()
    ]
    assert len(tagged) == 6
    assert all(tags == expected for tags in tagged)


def test_construct_exposes_typed_attributes_and_creates_no_provider(
    deployment: dict[str, Any],
) -> None:
    # given
    from maxcompute_privatelink.construct.cdk import cdktf

    TerraformProvider, TerraformStack, Testing, Token = (
        cdktf.TerraformProvider,
        cdktf.TerraformStack,
        cdktf.Testing,
        cdktf.Token,
    )

    from maxcompute_privatelink.construct.privatelink import MaxComputePrivateLink

    stack = TerraformStack(Testing.app(), "s")
    props = MaxComputePrivateLinkProps.model_validate(deployment)
    # when
    link = MaxComputePrivateLink(stack, "mc", props)
    # then
    assert not any(isinstance(c, TerraformProvider) for c in stack.node.find_all())
    assert link.maxcompute_endpoint_url.startswith("https://service-pvl.cn-shenzhen-vpc.")
    assert link.tunnel_endpoint_url.startswith("https://dt-pvl.cn-shenzhen-vpc.")
    attributes = (
        link.frontend_endpoint_id,
        link.tunnel_endpoint_id,
        link.frontend_endpoint_domain,
        link.tunnel_endpoint_domain,
        link.vpc_id,
    )
    assert all(Token.is_unresolved(value) for value in attributes)  # tokens, not text
    assert tuple(resolved(stack, value) for value in attributes) == (
        "${alicloud_privatelink_vpc_endpoint.mc_frontend.id}",
        "${alicloud_privatelink_vpc_endpoint.mc_tunnel.id}",
        "${alicloud_privatelink_vpc_endpoint.mc_frontend.endpoint_domain}",
        "${alicloud_privatelink_vpc_endpoint.mc_tunnel.endpoint_domain}",
        "${alicloud_vpc.mc_vpc.id}",
    )
    assert link.vpc is not None and set(link.vswitches) == {"cn-shenzhen-e", "cn-shenzhen-f"}
    assert len(link.endpoint_zones) == 4
    assert link.security_group is not None and len(link.security_group_rules) == 1
    with pytest.raises(AttributeError):
        link.frontend = link.tunnel  # type: ignore[misc]


def test_two_constructs_in_one_stack_get_distinct_addresses(deployment: dict[str, Any]) -> None:
    # given
    from maxcompute_privatelink.construct.cdk import cdktf

    TerraformStack, Testing = cdktf.TerraformStack, cdktf.Testing

    from maxcompute_privatelink.construct.privatelink import MaxComputePrivateLink

    stack = TerraformStack(Testing.app(), "s")
    props = MaxComputePrivateLinkProps.model_validate(deployment)
    # when
    MaxComputePrivateLink(stack, "analytics", props)
    MaxComputePrivateLink(stack, "reporting", props.model_copy(update={"name": "reporting"}))
    synthesized = json.loads(Testing.synth(stack))
    # then
    assert set(synthesized["resource"]["alicloud_privatelink_vpc_endpoint"]) == {
        "analytics_frontend",
        "analytics_tunnel",
        "reporting_frontend",
        "reporting_tunnel",
    }


# -- DNS: the console's Custom Domain Name switch -------------------------------------------


def test_private_zone_makes_both_host_names_resolve_in_the_vpc(
    deployment: dict[str, Any], tmp_path: Path
) -> None:
    # given: the default mode
    assert "dns" not in deployment
    # when
    stack = synth_one(deployment, tmp_path)
    # then
    zones = resources(stack, "alicloud_pvtz_zone")
    assert list(zones) == ["maxcompute_dns_zone"]
    zone = zones["maxcompute_dns_zone"]
    assert zone["zone_name"] == "cn-shenzhen-vpc.maxcompute.aliyun-inc.com"
    assert zone["proxy_pattern"] == "RECORD"
    records = resources(stack, "alicloud_pvtz_zone_record")
    assert {
        name: (r["rr"], r["type"], r["value"], r["zone_id"]) for name, r in records.items()
    } == {
        "maxcompute_dns_frontend": (
            "service-pvl",
            "CNAME",
            f"${{{FRONTEND}.endpoint_domain}}",
            "${alicloud_pvtz_zone.maxcompute_dns_zone.id}",
        ),
        "maxcompute_dns_tunnel": (
            "dt-pvl",
            "CNAME",
            f"${{{TUNNEL}.endpoint_domain}}",
            "${alicloud_pvtz_zone.maxcompute_dns_zone.id}",
        ),
    }
    attachment = resources(stack, "alicloud_pvtz_zone_attachment")["maxcompute_dns_vpc"]
    assert attachment == {
        "//": attachment["//"],
        "zone_id": "${alicloud_pvtz_zone.maxcompute_dns_zone.id}",
        "vpc_ids": ["${alicloud_vpc.maxcompute_vpc.id}"],
    }
    assert stack["output"]["private_zone_id"]["value"] == (
        "${alicloud_pvtz_zone.maxcompute_dns_zone.id}"
    )
    assert "manual_steps" not in stack["output"]


def test_private_zone_attaches_to_an_existing_vpc(
    deployment: dict[str, Any], tmp_path: Path
) -> None:
    deployment.pop("vpc_cidr")
    deployment["vpc_id"] = "vpc-wz9existing"
    stack = synth_one(deployment, tmp_path)
    attachment = resources(stack, "alicloud_pvtz_zone_attachment")["maxcompute_dns_vpc"]
    assert attachment["vpc_ids"] == ["vpc-wz9existing"]


@pytest.mark.parametrize("mode", ["console", "none"])
def test_dns_mode_stack_matches_snapshot(
    mode: str, deployment: dict[str, Any], tmp_path: Path, json_snapshot: SnapshotAssertion
) -> None:
    deployment["dns"] = mode
    stack = synth_one(deployment, tmp_path)
    assert stack == json_snapshot


def test_console_mode_creates_no_dns_and_says_what_to_do(
    deployment: dict[str, Any], tmp_path: Path
) -> None:
    # given
    deployment["dns"] = "console"
    # when
    stack = synth_one(deployment, tmp_path)
    # then
    assert not {"alicloud_pvtz_zone", "alicloud_pvtz_zone_record"} & set(stack["resource"])
    steps = stack["output"]["manual_steps"]["value"]
    assert steps.startswith("After terraform apply, turn on Custom Domain Name for both")
    assert f"frontend ${{{FRONTEND}.id}}, tunnel ${{{TUNNEL}.id}}" in steps
    assert stack["output"]["maxcompute_endpoint"]["value"] == (
        "https://service-pvl.cn-shenzhen-vpc.maxcompute.aliyun-inc.com/api"
    )
    assert "private_zone_id" not in stack["output"]


def test_none_mode_points_clients_at_the_endpoints_own_domains(
    deployment: dict[str, Any], tmp_path: Path
) -> None:
    # given
    deployment["dns"] = "none"
    # when
    stack = synth_one(deployment, tmp_path)
    # then
    assert "alicloud_pvtz_zone" not in stack["resource"]
    assert stack["output"]["maxcompute_endpoint"]["value"] == (
        f"https://${{{FRONTEND}.endpoint_domain}}/api"
    )
    assert stack["output"]["tunnel_endpoint"]["value"] == f"https://${{{TUNNEL}.endpoint_domain}}"
    assert "manual_steps" not in stack["output"]


# -- adopting endpoints made in the console -------------------------------------------------


def test_adopt_imports_both_endpoints_and_their_zone_bindings(
    tmp_path: Path, json_snapshot: SnapshotAssertion
) -> None:
    # given
    from conftest import ROOT
    from maxcompute_privatelink.model.config import load_config

    config = load_config(ROOT / "examples/adopt.yaml")
    out = tmp_path / "cdktf.out"
    # when
    synthesize(config, config_path=tmp_path / "privatelink.yaml", out=out)
    stack = json.loads((out / "stacks/legacy-shenzhen/cdk.tf.json").read_text())
    # then
    imports = {entry["to"]: entry["id"] for entry in stack["import"]}
    assert imports == {
        FRONTEND: "ep-wz9frontend0001",
        TUNNEL: "ep-wz9tunnel00001",
        "alicloud_privatelink_vpc_endpoint_zone.maxcompute_frontend_cn_shenzhen_e": (
            "ep-wz9frontend0001:cn-shenzhen-e"
        ),
        "alicloud_privatelink_vpc_endpoint_zone.maxcompute_frontend_cn_shenzhen_f": (
            "ep-wz9frontend0001:cn-shenzhen-f"
        ),
        "alicloud_privatelink_vpc_endpoint_zone.maxcompute_tunnel_cn_shenzhen_e": (
            "ep-wz9tunnel00001:cn-shenzhen-e"
        ),
        "alicloud_privatelink_vpc_endpoint_zone.maxcompute_tunnel_cn_shenzhen_f": (
            "ep-wz9tunnel00001:cn-shenzhen-f"
        ),
    }
    addresses = {
        f"{tf_type}.{name}" for tf_type, bodies in stack["resource"].items() for name in bodies
    }
    assert set(imports) <= addresses, "every import targets a synthesized resource"
    assert stack["import"] == json_snapshot


def test_without_adopt_nothing_is_imported(deployment: dict[str, Any], tmp_path: Path) -> None:
    assert "import" not in synth_one(deployment, tmp_path)


def test_every_public_attribute_of_the_construct_is_documented() -> None:
    # the construct exposes its L1 children and tokens, each saying what it holds; it
    # keeps no public `props` (callers have their own)
    from maxcompute_privatelink.construct.privatelink import MaxComputePrivateLink

    public = {
        name: member
        for name, member in vars(MaxComputePrivateLink).items()
        if isinstance(member, property) and not name.startswith("_")
    }
    assert "props" not in public
    assert [name for name, member in public.items() if not (member.__doc__ or "").strip()] == []
