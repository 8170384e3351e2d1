"""Table-driven bad input through the real command: every malformed config exits 2 with
one line that names the field (or the file and line), never a traceback, and writes
nothing at all."""

from __future__ import annotations

import copy
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import BASE_DEPLOYMENT, runner
from maxcompute_privatelink.cli import app

pytestmark = pytest.mark.releases

Data = dict[str, Any]


def base() -> Data:
    return {"deployments": [copy.deepcopy(BASE_DEPLOYMENT)]}


def change(**fields: Any) -> Callable[[Data], None]:
    def apply(data: Data) -> None:
        for key, value in fields.items():
            if value is None:
                data["deployments"][0].pop(key, None)
            else:
                data["deployments"][0][key] = value

    return apply


def zone(index: int, **fields: Any) -> Callable[[Data], None]:
    def apply(data: Data) -> None:
        target = data["deployments"][0]["zones"][index]
        for key, value in fields.items():
            if value is None:
                target.pop(key, None)
            else:
                target[key] = value

    return apply


def top(**fields: Any) -> Callable[[Data], None]:
    def apply(data: Data) -> None:
        data.update(fields)

    return apply


def existing_network(data: Data) -> None:
    deployment = data["deployments"][0]
    deployment.pop("vpc_cidr")
    deployment["vpc_id"] = "vpc-wz9shared"
    deployment["zones"] = [{"zone_id": "cn-shenzhen-e", "vswitch_id": "vsw-wz9e"}]


def existing(**fields: Any) -> Callable[[Data], None]:
    """``change(**fields)`` on a deployment in an existing VPC."""

    def apply(data: Data) -> None:
        existing_network(data)
        change(**fields)(data)

    return apply


def twice(data: Data) -> None:
    data["deployments"].append(copy.deepcopy(data["deployments"][0]))


def two_adopting(data: Data) -> None:
    existing_network(data)
    data["deployments"][0]["adopt"] = {
        "frontend_endpoint_id": "ep-front1",
        "tunnel_endpoint_id": "ep-tunnel1",
    }
    twice(data)
    data["deployments"][1]["name"] = "second"
    data["deployments"][1]["dns"] = "console"
    data["deployments"][1]["adopt"] = {
        "frontend_endpoint_id": "ep-front1",
        "tunnel_endpoint_id": "ep-tunnel2",
    }


def one_vswitch_two_zones(data: Data) -> None:
    existing_network(data)
    data["deployments"][0]["zones"].append({"zone_id": "cn-shenzhen-f", "vswitch_id": "vsw-wz9e"})


def renamed_from_a_present_deployment(data: Data) -> None:
    twice(data)
    data["deployments"][1]["name"] = "second"
    data["deployments"][1]["renamed_from"] = "prod-shenzhen"


def twice_in_one_vpc(data: Data) -> None:
    existing_network(data)
    twice(data)
    data["deployments"][1]["name"] = "second"


SINGAPORE = {
    "region": "ap-southeast-1",
    "zones": [{"zone_id": "ap-southeast-1a", "vswitch_cidr": "10.20.1.0/24"}],
}
OSS = {"bucket": "acme-state", "region": "cn-hangzhou"}
URLS = {"maxcompute": "https://service.mc.example/api", "tunnel": "https://dt.mc.example"}

# (id, raw YAML text or a change to a valid config, what the one error line must contain)
CASES: list[tuple[str, str | Callable[[Data], None], str]] = [
    # the file itself
    ("yaml_syntax", "deployments: [\n", "not valid YAML: line 2, column 1"),
    ("yaml_tab_indent", "deployments:\n\t- name: a\n", "not valid YAML: line 2, column 1"),
    ("yaml_unclosed_quote", 'deployments: "abc\n', "not valid YAML: line 2"),
    ("empty_file", "", "is empty; it needs a top-level 'deployments:' list"),
    ("blank_file", "  \n\n", "is empty; it needs a top-level 'deployments:' list"),
    ("huge_file", "# " + "x" * (1024 * 1024) + "\n", "a config file may be at most 1,048,576"),
    ("duplicate_top_key", "deployments: []\ndeployments: []\n", "duplicate key 'deployments'"),
    (
        "duplicate_nested_key",
        "deployments:\n  - name: a\n    name: b\n",
        "duplicate key 'name', first on line 2; each key may appear once: keep one",
    ),
    ("top_level_list", "- deployments\n", "the top level is a list"),
    ("top_level_scalar", "42\n", "the top level is a int"),
    (
        "python_tag",
        "deployments: !!python/object/apply:os.system [ls]\n",
        "could not determine a constructor",
    ),
    (
        "alias_bomb",
        "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        + "".join(
            f"{n}: &{n} [{', '.join([f'*{p}'] * 10)}]\n"
            for p, n in zip("abcdefg", "bcdefgh", strict=True)
        )
        + "deployments: *h\n",
        "expands to more than 100,000 values",
    ),
    # shapes and types
    (
        "deployments_mapping",
        "deployments: {name: a}\n",
        "error: deployments: is a mapping, where a list is expected: start each entry with "
        "`- `, as in `- name: ...`",
    ),
    ("deployments_empty", top(deployments=[]), "deployments: no deployments"),
    ("deployment_string", top(deployments=["prod"]), "deployments[0]: input should be a valid"),
    ("name_missing", change(name=None), "deployments[0]: name: required, and missing"),
    ("name_number", change(name=42), "name: input should be a valid string (got 42)"),
    ("region_number", change(region=7), "region: input should be a valid string (got 7)"),
    (
        "zones_mapping",
        change(zones={"zone_id": "x"}),
        "error: deployment 'prod-shenzhen': zones: is a mapping, where a list is expected: "
        "start each entry with `- `, as in `- zone_id: ...`",
    ),
    ("zone_string", change(zones=["cn-shenzhen-e"]), "zones[0]: input should be a valid"),
    ("protocol_ftp", change(protocol="ftp"), "protocol: input should be 'http' or 'https'"),
    ("protocol_upper", change(protocol="HTTPS"), "protocol: input should be 'http' or 'https'"),
    ("ticket_maybe", change(ticket_approved="maybe"), "ticket_approved: input should be a valid"),
    ("tags_list", change(tags=["team"]), "tags: input should be a valid dictionary"),
    ("tag_number", change(tags={"cost": 1}), "tags.cost: input should be a valid string"),
    # typos
    (
        "top_key_typo",
        top(deployment=[]),
        "error: deployment: unknown key 'deployment'; did you mean deployments? allowed keys: "
        "deployments, backend",
    ),
    ("deployment_key_typo", change(vpc_cdir="10.0.0.0/16"), "vpc_cdir: unknown key 'vpc_cdir'"),
    ("zone_key_typo", zone(0, zone="x"), "zones[0].zone: unknown key 'zone'"),
    (
        "client_key_typo",
        change(client={"project_name": "proj1", "project": "p"}),
        "client.project: unknown key",
    ),
    ("backend_key_typo", top(backend={"oss": OSS, "s3": {}}), "backend.s3: unknown key 's3'"),
    ("provider_credentials", top(access_key="LTAI5tExample"), "access_key: unknown key"),
    # names
    ("name_upper", change(name="Prod"), "name: 'Prod' is not a safe stack name"),
    ("name_traversal", change(name="../x"), "name: '../x' is not a safe stack name"),
    ("name_slash", change(name="a/b"), "name: 'a/b' is not a safe stack name"),
    ("name_lookalike", change(name="\u0440rod"), "is not a safe stack name"),
    ("name_too_long", change(name="a" * 41), "is not a safe stack name"),
    ("name_twice", twice, "'prod-shenzhen' is also the name of deployments[0]"),
    # tags
    ("tag_newline", change(tags={"team": "a\nb"}), "tags: tag 'team' contains control"),
    ("tag_interpolation", change(tags={"t": "${var.x}"}), "Terraform template sequence"),
    ("tag_directive", change(tags={"t": "%{if x}"}), "Terraform template sequence"),
    ("tag_quote", change(tags={"t": 'say "hi"'}), "contains a quote or backslash"),
    ("tag_backslash", change(tags={"t": "a\\b"}), "contains a quote or backslash"),
    ("tag_key_reserved", change(tags={"aliyun:x": "y"}), "must not start with aliyun"),
    ("tag_key_managed", change(tags={"deployment": "y"}), "is set by this tool"),
    # CIDRs
    ("cidr_prefix_33", change(vpc_cidr="10.20.0.0/33"), "vpc_cidr: '10.20.0.0/33' is not a CIDR"),
    ("cidr_host_bits", change(vpc_cidr="10.20.0.1/16"), "vpc_cidr: '10.20.0.1/16' has host bits"),
    ("cidr_no_prefix", change(vpc_cidr="10.20.0.0"), "has no prefix length"),
    ("vpc_cidr_ipv6", change(vpc_cidr="fd00::/48"), "vpc_cidr: 'fd00::/48' is IPv6"),
    ("vswitch_outside", zone(1, vswitch_cidr="10.99.0.0/24"), "is outside the VPC's"),
    ("vswitch_overlap", zone(1, vswitch_cidr="10.20.1.0/25"), "overlaps 10.20.1.0/24"),
    ("allowed_ipv6", change(allowed_cidrs=["fd00::/8"]), "allowed_cidrs[0]: 'fd00::/8' is IPv6"),
    ("allowed_everywhere", change(allowed_cidrs=["0.0.0.0/0"]), "would admit the whole internet"),
    ("allowed_twice", change(allowed_cidrs=["10.0.0.0/8"] * 2), "CIDR listed twice"),
    # ids
    ("vpc_id_prefix", change(vpc_cidr=None, vpc_id="wz9abc"), "vpc_id: 'wz9abc' is not a VPC"),
    ("vswitch_id_prefix", zone(0, vswitch_cidr=None, vswitch_id="sg-1"), "is not a vSwitch id"),
    (
        "sg_id_prefix",
        change(security_group_ids=["vsw-1"]),
        "security_group_ids[0]: 'vsw-1' is not a security group id",
    ),
    (
        "too_many_sgs",
        change(security_group_ids=[f"sg-a{i}" for i in range(11)]),
        "11 security groups given; at most 10",
    ),
    # resource_group_id, timeouts, eni_ip, private_zone
    (
        "resource_group_prefix",
        change(resource_group_id="group-1"),
        "deployment 'prod-shenzhen': resource_group_id: 'group-1' is not a resource group id: "
        "expected rg- followed by lowercase letters and digits, like rg-wz9abc123",
    ),
    ("resource_group_number", change(resource_group_id=7), "resource_group_id: input should be"),
    (
        "timeout_not_duration",
        change(timeouts={"create": "ten minutes"}),
        "deployment 'prod-shenzhen': timeouts.create: 'ten minutes' is not a duration: write "
        "hours, minutes and seconds such as 10m, 1h or 1h30m",
    ),
    (
        "timeout_too_short",
        change(timeouts={"delete": "30s"}),
        "timeouts.delete: '30s' is shorter than 2m, and the provider first checks a new "
        "endpoint a minute after creating it; give 2m or more, such as 10m",
    ),
    ("timeout_too_long", change(timeouts={"create": "48h"}), "'48h' is longer than 24h"),
    ("timeout_key_typo", change(timeouts={"read": "5m"}), "timeouts.read: unknown key 'read'"),
    (
        "eni_ip_not_an_address",
        zone(0, eni_ip={"frontend": "10.20.1.300"}),
        "deployment 'prod-shenzhen': zones[0].eni_ip.frontend: '10.20.1.300' is not an IPv4 "
        "address such as 10.0.1.10",
    ),
    ("eni_ip_v6", zone(0, eni_ip={"tunnel": "fd00::1"}), "'fd00::1' is not an IPv4 address"),
    (
        "eni_ip_outside_vswitch",
        zone(0, eni_ip={"frontend": "10.20.2.10"}),
        "zones[0].eni_ip.frontend: 10.20.2.10 is outside the vSwitch's 10.20.1.0/24; choose "
        "one in it",
    ),
    (
        "eni_ip_reserved",
        zone(1, eni_ip={"tunnel": "10.20.2.253"}),
        "zones[1].eni_ip.tunnel: 10.20.2.253 is one the vSwitch keeps (the first and the last "
        "three of 10.20.2.0/24); choose one from 10.20.2.1 to 10.20.2.252",
    ),
    (
        "eni_ip_twice",
        zone(0, eni_ip={"frontend": "10.20.1.10", "tunnel": "10.20.1.10"}),
        "zones[0].eni_ip.tunnel: 10.20.1.10 is also zones[0].eni_ip.frontend; each NIC needs "
        "its own address",
    ),
    ("eni_ip_key_typo", zone(0, eni_ip={"front": "10.20.1.10"}), "unknown key 'front'"),
    (
        "private_zone_without_private_zone_dns",
        change(dns="console", private_zone={"vpc_ids": ["vpc-wz9peer"]}),
        "deployment 'prod-shenzhen': private_zone: only applies with dns: private_zone, and dns "
        "is console; drop private_zone or set dns: private_zone",
    ),
    (
        "private_zone_id_malformed",
        change(private_zone={"zone_id": "pvtz-1"}),
        "private_zone.zone_id: 'pvtz-1' is not a PrivateZone zone id: 16 to 64 lowercase "
        "letters and digits, as the PrivateZone console shows it",
    ),
    (
        "private_zone_id_with_new_vpc",
        change(private_zone={"zone_id": "6d83e3b31aa60ca4aaa7161f1b6baa95"}),
        "private_zone.zone_id: an existing zone must already be bound to the deployment's VPC, "
        "and vpc_cidr creates a new one; create the VPC first and give its vpc_id, or drop "
        "zone_id",
    ),
    (
        "private_zone_id_and_vpc_ids",
        existing(
            private_zone={"zone_id": "6d83e3b31aa60ca4aaa7161f1b6baa95", "vpc_ids": ["vpc-wz9p"]}
        ),
        "private_zone.vpc_ids: binds VPCs to the zone this tool creates, and zone_id names an "
        "existing one, whose VPC bindings stay its owner's",
    ),
    ("private_zone_vpc_ids_empty", change(private_zone={"vpc_ids": []}), "private_zone.vpc_ids"),
    (
        "private_zone_vpc_ids_own",
        existing(private_zone={"vpc_ids": ["vpc-wz9shared"]}),
        "private_zone.vpc_ids: 'vpc-wz9shared' is the deployment's own VPC, which the zone is "
        "always bound to; list only the other VPCs",
    ),
    # region and zones
    ("region_unknown", change(region="cn-mars"), "region: 'cn-mars' is not a region"),
    ("zone_other_region", zone(1, zone_id="cn-beijing-a"), "is not a zone of cn-shenzhen"),
    ("zone_twice", zone(1, zone_id="cn-shenzhen-e"), "'cn-shenzhen-e' is listed twice"),
    (
        "ticket_unapproved",
        change(**SINGAPORE, dns="none"),
        "ticket_approved: ap-southeast-1 (Singapore) needs a support ticket",
    ),
    (
        "ticket_without_urls",
        change(**SINGAPORE, ticket_approved=True),
        "endpoint_urls: ap-southeast-1 has no published MaxCompute PrivateLink domain",
    ),
    ("vpc_both", change(vpc_id="vpc-wz9a"), "vpc_id: both of vpc_id and vpc_cidr given"),
    ("vpc_neither", change(vpc_cidr=None), "vpc_id: neither of vpc_id and vpc_cidr given"),
    # dns, protocol, backend combinations
    ("dns_unknown", change(dns="route53"), "dns: input should be 'private_zone', 'console'"),
    (
        "dns_none_with_urls",
        change(
            dns="none", endpoint_urls={"maxcompute": "https://a.b.c/api", "tunnel": "https://d.b.c"}
        ),
        "endpoint_urls: cannot be used with dns: none",
    ),
    (
        "private_zone_ip_hosts",
        change(endpoint_urls={"maxcompute": "https://10.0.0.1/api", "tunnel": "https://10.0.0.2"}),
        "dns: private_zone needs host names",
    ),
    (
        "private_zone_two_domains",
        change(endpoint_urls={"maxcompute": "https://a.one.cn/api", "tunnel": "https://b.two.cn"}),
        "dns: private_zone puts both host names in one zone",
    ),
    (
        "url_protocol_mismatch",
        change(endpoint_urls={"maxcompute": "http://a.b.c/api", "tunnel": "https://d.b.c"}),
        "endpoint_urls.maxcompute: 'http://a.b.c/api' does not use protocol https",
    ),
    (
        "url_with_query",
        change(endpoint_urls={"maxcompute": "https://a.b.c/api?x=1", "tunnel": "https://d.b.c"}),
        "endpoint_urls.maxcompute: 'https://a.b.c/api?***' has a query or fragment",
    ),
    (
        "url_with_interpolation",
        change(endpoint_urls={"maxcompute": "https://a.b.c/${x}", "tunnel": "https://d.b.c"}),
        "endpoint_urls.maxcompute: 'https://a.b.c/${x}' contains {",
    ),
    ("duplicate_private_zone", twice_in_one_vpc, "private_zone would create zone"),
    (
        "backend_credentials",
        top(backend={"oss": {**OSS, "secret_key": "s3cr3t"}}),
        "backend.oss.secret_key: credentials do not belong in privatelink.yaml",
    ),
    (
        "backend_lock_without_endpoint",
        top(backend={"oss": {**OSS, "tablestore_table": "lock"}}),
        "backend.oss.tablestore_endpoint: required with tablestore_table",
    ),
    (
        "backend_public_acl",
        top(backend={"oss": {**OSS, "acl": "public-read"}}),
        "backend.oss.acl: input should be 'private'",
    ),
    ("backend_empty", top(backend={}), "backend.oss: required, and missing"),
    (
        "allowed_with_groups",
        change(security_group_ids=["sg-a1"], allowed_cidrs=["10.0.0.0/8"]),
        "allowed_cidrs: only applies to the security group this tool creates",
    ),
    # issue 11: values that were accepted and should not have been
    ("vpc_cidr_everything", change(vpc_cidr="0.0.0.0/0"), "'0.0.0.0/0' has a /0 mask"),
    (
        "vpc_cidr_reserved",
        change(vpc_cidr="100.64.0.0/16"),
        "vpc_cidr: '100.64.0.0/16' overlaps 100.64.0.0/10, which a VPC cannot use",
    ),
    (
        "allowed_half_internets",
        change(allowed_cidrs=["0.0.0.0/1", "128.0.0.0/1"]),
        "allowed_cidrs: 0.0.0.0/1, 128.0.0.0/1 admit 3,702,390,784 public (internet) addresses",
    ),
    (
        "allowed_two_public_eights",
        change(allowed_cidrs=["11.0.0.0/8", "12.0.0.0/8"]),
        "set allow_wide_public_cidrs: true if you mean it",
    ),
    ("yaml_set", "deployments: !!set {a, b}\n", "!!set values are not allowed"),
    ("yaml_binary", "deployments: !!binary aGVsbG8=\n", "!!binary values are not allowed"),
    (
        "yaml_omap",
        "deployments: !!omap [{a: 1}]\n",
        "!!omap values are not allowed",
    ),
    ("yaml_list_key", "deployments:\n  - ? [a]\n    : 1\n", "a key must be a plain value"),
    ("yaml_mapping_key", "? {a: 1}\n: 1\n", "a key must be a plain value"),
    (
        "url_port_too_large",
        change(endpoint_urls={"maxcompute": "https://a.b.c:99999/api", "tunnel": "https://d.b.c"}),
        "'https://a.b.c:99999/api' is not a valid URL (a port must be a number from 1 to 65535)",
    ),
    (
        "url_port_zero",
        change(endpoint_urls={"maxcompute": "https://a.b.c:0/api", "tunnel": "https://d.b.c"}),
        "'https://a.b.c:0/api' has port 0; a port is a number from 1 to 65535",
    ),
    (
        "url_port_word",
        change(endpoint_urls={"maxcompute": "https://a.b.c/api", "tunnel": "https://d.b.c:x"}),
        "endpoint_urls.tunnel: 'https://d.b.c:x' is not a valid URL",
    ),
    (
        "url_password",
        change(
            endpoint_urls={"maxcompute": "https://ak:s3cr3t@a.b.c/api", "tunnel": "https://d.b.c"}
        ),
        "'https://***@a.b.c/api' carries credentials",
    ),
    (
        "private_zone_underscore_host",
        change(
            endpoint_urls={
                "maxcompute": "https://service_pvl.x.example/api",
                "tunnel": "https://dt.x.example",
            }
        ),
        "dns: private_zone makes PrivateZone records of the host names, and "
        "'service_pvl.x.example' is not a DNS name ('service_pvl'",
    ),
    (
        "backend_prefix_dotdot",
        top(backend={"oss": {**OSS, "prefix": "state/../other"}}),
        "backend.oss.prefix: 'state/../other' is not a valid state prefix",
    ),
    (
        "backend_prefix_dot",
        top(backend={"oss": {**OSS, "prefix": "./state"}}),
        "backend.oss.prefix: './state' is not a valid state prefix",
    ),
    (
        "one_vswitch_two_zones",
        one_vswitch_two_zones,
        "zones[1].vswitch_id: 'vsw-wz9e' is also given for cn-shenzhen-e; a vSwitch lies in one "
        "zone",
    ),
    (
        "two_adopt_one_endpoint",
        two_adopting,
        "deployment 'second': adopt.frontend_endpoint_id: 'ep-front1' is adopted by deployment "
        "'prod-shenzhen' already",
    ),
    (
        "renamed_from_itself",
        change(renamed_from="prod-shenzhen"),
        "renamed_from: 'prod-shenzhen' is this deployment's own name",
    ),
    (
        "renamed_from_present",
        renamed_from_a_present_deployment,
        "renamed_from: 'prod-shenzhen' is still a deployment here (deployments[0])",
    ),
    (
        "client_project_newline",
        change(client={"project_name": "p1\nend_point=x"}),
        "client.project_name: 'p1\\nend_point=x' is not a valid MaxCompute project name",
    ),
    # the model's messages, each line in full (they were a second table in test_props.py)
    (
        "unknown_region",
        change(region="cn-mars"),
        "deployment 'prod-shenzhen': region: 'cn-mars' is not a region with MaxCompute "
        "PrivateLink; supported: cn-hangzhou, cn-shanghai, cn-beijing, cn-zhangjiakou, "
        "cn-wulanchabu, cn-shenzhen, cn-chengdu, cn-hongkong, ap-southeast-1, ap-southeast-3, "
        "ap-southeast-5, ap-northeast-1, eu-central-1, us-west-1, us-east-1",
    ),
    (
        "ticket_region_without_approval",
        change(**SINGAPORE, endpoint_urls=URLS),
        "deployment 'prod-shenzhen': ticket_approved: ap-southeast-1 (Singapore) needs a "
        "support ticket before MaxCompute PrivateLink can be used there; open one with "
        "Alibaba Cloud, then set ticket_approved: true",
    ),
    (
        "ticket_region_without_endpoint_urls",
        change(**SINGAPORE, ticket_approved=True),
        "deployment 'prod-shenzhen': endpoint_urls: ap-southeast-1 has no published MaxCompute "
        "PrivateLink domain; set endpoint_urls.maxcompute and endpoint_urls.tunnel to the URLs "
        "your ticket gave",
    ),
    (
        "zone_of_another_region",
        zone(1, zone_id="cn-hangzhou-h"),
        "error: deployment 'prod-shenzhen': zones[1].zone_id: 'cn-hangzhou-h' is not a zone of "
        "cn-shenzhen; it is a zone of cn-hangzhou: if the VPC is in cn-hangzhou, set region: "
        "cn-hangzhou; else use a zone of cn-shenzhen, like cn-shenzhen-a",
    ),
    (
        "duplicate_zone",
        zone(1, zone_id="cn-shenzhen-e"),
        "deployment 'prod-shenzhen': zones[1].zone_id: 'cn-shenzhen-e' is listed twice; one "
        "vSwitch per zone is allowed",
    ),
    (
        "both_vpc_id_and_vpc_cidr",
        change(vpc_id="vpc-wz9abc"),
        "deployment 'prod-shenzhen': vpc_id: both of vpc_id and vpc_cidr given; give vpc_id to "
        "use an existing VPC or vpc_cidr to create one",
    ),
    (
        "neither_vpc_id_nor_vpc_cidr",
        change(vpc_cidr=None),
        "deployment 'prod-shenzhen': vpc_id: neither of vpc_id and vpc_cidr given; give vpc_id "
        "to use an existing VPC or vpc_cidr to create one",
    ),
    (
        "both_vswitch_id_and_vswitch_cidr",
        zone(0, vswitch_id="vsw-wz9abc"),
        "deployment 'prod-shenzhen': zones[0].vswitch_id: both of vswitch_id and vswitch_cidr "
        "given for cn-shenzhen-e; give vswitch_id to use an existing vSwitch or vswitch_cidr "
        "to create one",
    ),
    (
        "neither_vswitch_id_nor_vswitch_cidr",
        zone(0, vswitch_cidr=None),
        "deployment 'prod-shenzhen': zones[0].vswitch_id: neither of vswitch_id and "
        "vswitch_cidr given for cn-shenzhen-e; give vswitch_id to use an existing vSwitch or "
        "vswitch_cidr to create one",
    ),
    (
        "existing_vswitch_in_created_vpc",
        zone(0, vswitch_cidr=None, vswitch_id="vsw-wz9abc"),
        "deployment 'prod-shenzhen': zones[0].vswitch_id: 'vsw-wz9abc' cannot be in a VPC "
        "that vpc_cidr creates; give vswitch_cidr instead",
    ),
    (
        "vswitch_cidr_outside_vpc",
        zone(1, vswitch_cidr="10.99.0.0/24"),
        "deployment 'prod-shenzhen': zones[1].vswitch_cidr: '10.99.0.0/24' is outside the "
        "VPC's 10.20.0.0/16; choose a block inside 10.20.0.0/16",
    ),
    (
        "overlapping_vswitch_cidrs",
        zone(1, vswitch_cidr="10.20.1.128/25"),
        "deployment 'prod-shenzhen': zones[1].vswitch_cidr: '10.20.1.128/25' overlaps "
        "10.20.1.0/24 of zones[0]; vSwitch blocks must not overlap",
    ),
    (
        "vswitch_mask_too_wide",
        change(
            vpc_cidr="10.0.0.0/8",
            zones=[{"zone_id": "cn-shenzhen-e", "vswitch_cidr": "10.0.0.0/12"}],
        ),
        "deployment 'prod-shenzhen': zones[0].vswitch_cidr: '10.0.0.0/12' has a /12 mask; "
        "vSwitch masks must be /16 to /29",
    ),
    (
        "vpc_id_without_prefix",
        change(vpc_cidr=None, vpc_id="wz9abc"),
        "deployment 'prod-shenzhen': vpc_id: 'wz9abc' is not a VPC id: expected vpc- followed "
        "by lowercase letters and digits, like vpc-wz9abc123",
    ),
    (
        "vswitch_id_without_prefix",
        zone(0, vswitch_cidr=None, vswitch_id="vpc-wz9abc"),
        "deployment 'prod-shenzhen': zones[0].vswitch_id: 'vpc-wz9abc' is not a vSwitch id: "
        "expected vsw- followed by lowercase letters and digits, like vsw-wz9abc123",
    ),
    (
        "security_group_id_without_prefix",
        change(security_group_ids=["sg-ok1", "group1"]),
        "deployment 'prod-shenzhen': security_group_ids[1]: 'group1' is not a security group "
        "id: expected sg- followed by lowercase letters and digits, like sg-wz9abc123",
    ),
    (
        "more_than_ten_security_groups",
        change(security_group_ids=[f"sg-a{i}" for i in range(11)]),
        "deployment 'prod-shenzhen': security_group_ids: 11 security groups given; at most "
        "10 are allowed",
    ),
    (
        "duplicate_security_group",
        change(security_group_ids=["sg-a1", "sg-a1"]),
        "deployment 'prod-shenzhen': security_group_ids: security group listed twice: sg-a1",
    ),
    (
        "allowed_cidrs_everywhere",
        change(allowed_cidrs=["10.0.0.0/8", "0.0.0.0/0"]),
        "deployment 'prod-shenzhen': allowed_cidrs: '0.0.0.0/0' would admit the whole internet "
        "to the endpoints; list the networks of your MaxCompute clients (for example the VPC's "
        "CIDR, 10.0.0.0/8)",
    ),
    (
        "allowed_cidrs_ipv6",
        change(allowed_cidrs=["fd00::/8"]),
        "deployment 'prod-shenzhen': allowed_cidrs[0]: 'fd00::/8' is IPv6; only IPv4 CIDR "
        "blocks are allowed here",
    ),
    (
        "cidr_with_host_bits",
        change(vpc_cidr="10.20.0.1/16"),
        "deployment 'prod-shenzhen': vpc_cidr: '10.20.0.1/16' has host bits set; the network "
        "is 10.20.0.0/16",
    ),
    (
        "cidr_not_a_cidr",
        change(vpc_cidr="10.20.0.0/33"),
        "deployment 'prod-shenzhen': vpc_cidr: '10.20.0.0/33' is not a CIDR block; expected "
        "one like 10.20.0.0/16",
    ),
    (
        "allowed_cidrs_with_security_group_ids",
        change(security_group_ids=["sg-a1"], allowed_cidrs=["10.0.0.0/8"]),
        "deployment 'prod-shenzhen': allowed_cidrs: only applies to the security group this "
        "tool creates, and security_group_ids are given; allow the clients in those groups, or "
        "drop security_group_ids to have a least-privilege group created",
    ),
    (
        "unsafe_name",
        change(name="Prod_Shenzhen"),
        "deployment 'Prod_Shenzhen': name: 'Prod_Shenzhen' is not a safe stack name: use 1 to "
        "40 lowercase letters, digits and hyphens, starting with a letter (it names the "
        "Terraform stack and its folder)",
    ),
    (
        "path_traversal_name",
        change(name="../x"),
        "deployment '../x': name: '../x' is not a safe stack name: use 1 to 40 lowercase "
        "letters, digits and hyphens, starting with a letter (it names the Terraform stack and "
        "its folder)",
    ),
    (
        "unknown_key",
        change(vpc_cdir="10.0.0.0/16"),
        "deployment 'prod-shenzhen': vpc_cdir: unknown key 'vpc_cdir'; did you mean vpc_cidr? "
        "allowed keys: name, "
        "region, vpc_id, vpc_cidr, zones, security_group_ids, allowed_cidrs, "
        "allow_wide_public_cidrs, protocol, dns, ticket_approved, endpoint_urls, protect, "
        "adopt, resource_group_id, timeouts, private_zone, tags, client, renamed_from",
    ),
    (
        "unknown_zone_key",
        zone(0, zone="cn-shenzhen-e"),
        "deployment 'prod-shenzhen': zones[0].zone: unknown key 'zone'; did you mean zone_id? "
        "allowed keys: zone_id, vswitch_id, vswitch_cidr, eni_ip",
    ),
    (
        "bad_protocol",
        change(protocol="ftp"),
        "deployment 'prod-shenzhen': protocol: input should be 'http' or 'https' (got 'ftp')",
    ),
    (
        "endpoint_url_protocol_mismatch",
        change(
            endpoint_urls={"maxcompute": "http://mc.example/api", "tunnel": "https://dt.example"}
        ),
        "deployment 'prod-shenzhen': endpoint_urls.maxcompute: 'http://mc.example/api' does not "
        "use protocol https; write https://... or set protocol to match",
    ),
    (
        "endpoint_url_with_credentials",
        change(
            endpoint_urls={
                "maxcompute": "https://ak:sk@mc.example/api",
                "tunnel": "https://dt.example",
            }
        ),
        "deployment 'prod-shenzhen': endpoint_urls.maxcompute: 'https://***@mc.example/api' "
        "carries credentials; remove the user:password@ part",
    ),
    (
        "no_zones",
        change(zones=[]),
        "deployment 'prod-shenzhen': zones: is empty; give at least 1 zone",
    ),
    (
        "missing_zones",
        change(zones=None),
        "deployment 'prod-shenzhen': zones: required, and missing",
    ),
    (
        "tag_with_terraform_template",
        change(tags={"team": "${file(pathexpand(x))}"}),
        "deployment 'prod-shenzhen': tags: tag 'team' contains a Terraform template sequence "
        "('${' or '%{'): '${file(pathexpand(x))}'",
    ),
    (
        "tag_with_quotes",
        change(tags={"team": 'a "b"'}),
        "deployment 'prod-shenzhen': tags: tag 'team' contains a quote or backslash, which "
        "tags here may not hold: 'a \"b\"'",
    ),
    (
        "tag_with_newline",
        change(tags={"team": "a\nb"}),
        "deployment 'prod-shenzhen': tags: tag 'team' contains control characters: 'a\\nb'",
    ),
    (
        "tag_key_reserved_line",
        change(tags={"managed-by": "me"}),
        "deployment 'prod-shenzhen': tags: tag key 'managed-by' is set by this tool; choose "
        "another key",
    ),
    (
        "unknown_dns_mode",
        change(dns="route53"),
        "deployment 'prod-shenzhen': dns: input should be 'private_zone', 'console' or 'none' "
        "(got 'route53')",
    ),
    (
        "dns_none_with_endpoint_urls",
        change(dns="none", endpoint_urls=URLS),
        "deployment 'prod-shenzhen': endpoint_urls: cannot be used with dns: none, where "
        "clients use each endpoint's own domain; drop endpoint_urls, or choose dns: "
        "private_zone or console",
    ),
    (
        "private_zone_with_ip_hosts",
        change(
            endpoint_urls={"maxcompute": "https://10.20.1.5/api", "tunnel": "https://10.20.1.6"}
        ),
        "deployment 'prod-shenzhen': dns: private_zone needs host names, and '10.20.1.5' is an "
        "IP address; use dns: none",
    ),
    (
        "private_zone_with_hosts_in_two_domains",
        change(
            endpoint_urls={
                "maxcompute": "https://a.one.example/api",
                "tunnel": "https://b.two.example",
            }
        ),
        "deployment 'prod-shenzhen': dns: private_zone puts both host names in one zone, and "
        "'a.one.example' and 'b.two.example' are in different domains; give endpoint_urls in "
        "one domain, or use dns: console or none",
    ),
    (
        "private_zone_with_a_bare_domain",
        change(
            endpoint_urls={
                "maxcompute": "https://example.com/api",
                "tunnel": "https://dt.example.com",
            }
        ),
        "deployment 'prod-shenzhen': dns: private_zone needs a host name below a domain, and "
        "'example.com' is not one",
    ),
    (
        "adopt_the_same_endpoint_twice",
        change(
            vpc_cidr=None,
            vpc_id="vpc-wz9a",
            zones=[{"zone_id": "cn-shenzhen-e", "vswitch_id": "vsw-wz9e"}],
            adopt={"frontend_endpoint_id": "ep-a1", "tunnel_endpoint_id": "ep-a1"},
        ),
        "deployment 'prod-shenzhen': adopt.tunnel_endpoint_id: 'ep-a1' is also the frontend "
        "endpoint; the pair is two endpoints, one per endpoint service",
    ),
    (
        "adopt_with_a_new_vswitch",
        change(
            vpc_cidr=None,
            vpc_id="vpc-wz9a",
            zones=[{"zone_id": "cn-shenzhen-e", "vswitch_cidr": "10.0.1.0/24"}],
            adopt={"frontend_endpoint_id": "ep-a1", "tunnel_endpoint_id": "ep-b2"},
        ),
        "deployment 'prod-shenzhen': zones[0].vswitch_cidr: adopted endpoints have their NICs "
        "in existing vSwitches; give the vswitch_id the endpoints use in cn-shenzhen-e",
    ),
    (
        "adopt_with_a_bad_endpoint_id",
        change(adopt={"frontend_endpoint_id": "vpc-a1", "tunnel_endpoint_id": "ep-b2"}),
        "deployment 'prod-shenzhen': adopt.frontend_endpoint_id: 'vpc-a1' is not a PrivateLink "
        "endpoint id: expected ep- followed by lowercase letters and digits, like ep-wz9abc123",
    ),
    (
        "adopt_missing_the_tunnel",
        change(adopt={"frontend_endpoint_id": "ep-a1"}),
        "deployment 'prod-shenzhen': adopt.tunnel_endpoint_id: required, and missing",
    ),
    # what a newcomer meets first: each message names the cause, and the fix
    (
        "deployments_keyed_by_name",
        "deployments:\n  main:\n    region: cn-shanghai\n",
        "error: deployments: is a mapping of names, where a list is expected: write each entry "
        "as a list item, `- name: main`, with its keys indented under it",
    ),
    (
        "zone_key_misspelled",
        zone(0, zone_id=None, zone="cn-shenzhen-e"),
        "error: deployment 'prod-shenzhen': zones[0].zone: unknown key 'zone'; did you mean "
        "zone_id? allowed keys: zone_id, vswitch_id, vswitch_cidr, eni_ip",
    ),
    (
        "region_misspelled",
        change(region="cn-shenzen"),
        "error: deployment 'prod-shenzhen': region: 'cn-shenzen' is not a region with "
        "MaxCompute PrivateLink; did you mean cn-shenzhen? supported: cn-hangzhou, cn-shanghai, "
        "cn-beijing, cn-zhangjiakou, cn-wulanchabu, cn-shenzhen, cn-chengdu, cn-hongkong, "
        "ap-southeast-1, ap-southeast-3, ap-southeast-5, ap-northeast-1, eu-central-1, "
        "us-west-1, us-east-1",
    ),
    (
        "zone_of_a_misspelled_region",
        zone(0, zone_id="cn-shenzen-e"),
        "error: deployment 'prod-shenzhen': zones[0].zone_id: 'cn-shenzen-e' is not a zone of "
        "cn-shenzhen; did you mean cn-shenzhen-e?",
    ),
    (
        "zone_in_capitals",
        zone(0, zone_id="cn-shenzhen-E"),
        "error: deployment 'prod-shenzhen': zones[0].zone_id: 'cn-shenzhen-E' is not a zone "
        "id: zone ids are lowercase; did you mean cn-shenzhen-e?",
    ),
    (
        "vswitch_left_from_init",
        existing(zones=[{"zone_id": "cn-shenzhen-e", "vswitch_id": "vsw-CHANGE-ME"}]),
        "error: deployment 'prod-shenzhen': zones[0].vswitch_id: left from `mcpl init`: put "
        "the id of your VPC's vSwitch in cn-shenzhen-e here (vsw-..., in the VPC console under "
        "vSwitches)",
    ),
    (
        "tag_value_not_a_string",
        change(tags={"cost": 12}),
        "deployment 'prod-shenzhen': tags.cost: input should be a valid string (got 12)",
    ),
]


@pytest.mark.parametrize(
    ("bad", "expected"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_fails_when_the_config_is_malformed(
    tmp_path: Path, bad: str | Callable[[Data], None], expected: str
) -> None:
    # given
    config = tmp_path / "privatelink.yaml"
    if isinstance(bad, str):
        config.write_text(bad)
    else:
        data = base()
        bad(data)
        config.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    out = tmp_path / "cdktf.out"
    # when
    result = runner.invoke(app, ["synth", "-c", str(config), "-o", str(out)])
    # then
    lines = result.stderr.splitlines()
    assert result.exit_code == 2, result.output
    assert len(lines) == 1, lines
    assert lines[0].startswith("error: ")
    if expected.startswith("error: "):  # the whole line
        assert lines[0] == expected
    else:
        assert expected in lines[0]
    assert ("Traceback" not in result.output and result.exception is None) or isinstance(
        result.exception, SystemExit
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["privatelink.yaml"], "nothing written"
    assert "s3cr3t" not in result.output, "a password is never echoed"


def test_yaml_merge_keys_are_applied(tmp_path: Path) -> None:
    # given: the second deployment takes the first one's settings through << and overrides
    config = tmp_path / "privatelink.yaml"
    config.write_text(
        "deployments:\n"
        "  - &base\n"
        "    name: a\n"
        "    region: cn-shenzhen\n"
        "    vpc_cidr: 10.20.0.0/16\n"
        "    zones: [{zone_id: cn-shenzhen-e, vswitch_cidr: 10.20.1.0/24}]\n"
        "  - <<: *base\n"
        "    name: b\n"
        "    vpc_cidr: 10.30.0.0/16\n"
        "    zones: [{zone_id: cn-shenzhen-f, vswitch_cidr: 10.30.1.0/24}]\n"
    )
    # when
    from maxcompute_privatelink.model.config import load_config

    loaded = load_config(config)
    # then
    second = loaded.deployments[1]
    assert (second.name, second.region, second.vpc_cidr) == ("b", "cn-shenzhen", "10.30.0.0/16")


def test_yaml_dates_stay_text(tmp_path: Path) -> None:
    data = base()
    data["deployments"][0]["tags"] = {"since": "2024-01-01"}
    config = tmp_path / "privatelink.yaml"
    config.write_text(yaml.safe_dump(data).replace("'2024-01-01'", "2024-01-01"))
    from maxcompute_privatelink.model.config import load_config

    assert load_config(config).deployments[0].tags == {"since": "2024-01-01"}


def test_reads_a_config_from_a_pipe(tmp_path: Path) -> None:
    # given: `--config <(...)`: a FIFO with a writer
    fifo = tmp_path / "config.fifo"
    os.mkfifo(fifo)
    text = yaml.safe_dump(base())
    writer = threading.Thread(target=lambda: fifo.write_text(text))
    writer.start()
    # when
    result = runner.invoke(app, ["validate", "-c", str(fifo)])
    writer.join(timeout=10)
    # then
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/dev/zero", "error: /dev/zero: holds more than 1,048,576 bytes, the most a config"),
        ("folder", "is a folder; pass the YAML file with --config"),
    ],
)
def test_fails_when_the_config_is_not_a_file_of_bounded_size(
    tmp_path: Path, path: str, expected: str
) -> None:
    (tmp_path / "folder").mkdir()
    config = path if path.startswith("/") else str(tmp_path / path)
    result = runner.invoke(app, ["synth", "-c", config, "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert result.stderr.startswith(expected) or expected in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_fails_with_one_line_when_a_plan_is_nested_too_deeply(tmp_path: Path) -> None:
    config = tmp_path / "privatelink.yaml"
    config.write_text(yaml.safe_dump(base()))
    plan = tmp_path / "prod-shenzhen.json"
    plan.write_text("[" * 100_000 + "]" * 100_000)
    result = runner.invoke(
        app, ["summary", "-c", str(config), "--from", str(tmp_path / "none"), "--plan", str(plan)]
    )
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"error: deployment 'prod-shenzhen': {plan}: nested too deeply to be Terraform's "
        "JSON; check the file\n"
    )
