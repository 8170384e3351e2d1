"""The props model (= one deployment of privatelink.yaml), tested without cdktf."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pydantic import ValidationError

from maxcompute_privatelink.model.config import PrivateLinkConfig
from maxcompute_privatelink.model.diagnostics import validation_lines
from maxcompute_privatelink.model.props import MaxComputePrivateLinkProps

Mutation = Callable[[dict[str, Any]], None]


def error_lines(deployments: list[dict[str, Any]]) -> list[str]:
    data = {"deployments": deployments}
    with pytest.raises(ValidationError) as caught:
        PrivateLinkConfig.model_validate(data)
    return validation_lines(caught.value, data, PrivateLinkConfig)


def _set(**changes: Any) -> Mutation:
    def apply(d: dict[str, Any]) -> None:
        for key, value in changes.items():
            if value is None:
                d.pop(key, None)
            else:
                d[key] = value

    return apply


def _zone(index: int, **changes: Any) -> Mutation:
    def apply(d: dict[str, Any]) -> None:
        for key, value in changes.items():
            if value is None:
                d["zones"][index].pop(key, None)
            else:
                d["zones"][index][key] = value

    return apply


SINGAPORE = {
    "region": "ap-southeast-1",
    "zones": [{"zone_id": "ap-southeast-1a", "vswitch_cidr": "10.20.1.0/24"}],
}
URLS = {"maxcompute": "https://service.mc.example/api", "tunnel": "https://dt.mc.example"}

BAD_INPUT: list[tuple[str, Mutation, str]] = [
    (
        "unknown_region",
        _set(region="cn-mars"),
        "deployment 'prod-shenzhen': region: 'cn-mars' is not a region with MaxCompute "
        "PrivateLink; supported: cn-hangzhou, cn-shanghai, cn-beijing, cn-zhangjiakou, "
        "cn-wulanchabu, cn-shenzhen, cn-chengdu, cn-hongkong, ap-southeast-1, ap-southeast-3, "
        "ap-southeast-5, ap-northeast-1, eu-central-1, us-west-1, us-east-1",
    ),
    (
        "ticket_region_without_approval",
        _set(**SINGAPORE, endpoint_urls=URLS),
        "deployment 'prod-shenzhen': ticket_approved: ap-southeast-1 (Singapore) needs a "
        "support ticket before MaxCompute PrivateLink can be used there; open one with "
        "Alibaba Cloud, then set ticket_approved: true",
    ),
    (
        "ticket_region_without_endpoint_urls",
        _set(**SINGAPORE, ticket_approved=True),
        "deployment 'prod-shenzhen': endpoint_urls: ap-southeast-1 has no published MaxCompute "
        "PrivateLink domain; set endpoint_urls.maxcompute and endpoint_urls.tunnel to the URLs "
        "your ticket gave",
    ),
    (
        "zone_of_another_region",
        _zone(1, zone_id="cn-hangzhou-h"),
        "deployment 'prod-shenzhen': zones[1].zone_id: 'cn-hangzhou-h' is not a zone of "
        "cn-shenzhen; its zone ids look like cn-shenzhen-a",
    ),
    (
        "duplicate_zone",
        _zone(1, zone_id="cn-shenzhen-e"),
        "deployment 'prod-shenzhen': zones[1].zone_id: 'cn-shenzhen-e' is listed twice; one "
        "vSwitch per zone is allowed",
    ),
    (
        "both_vpc_id_and_vpc_cidr",
        _set(vpc_id="vpc-wz9abc"),
        "deployment 'prod-shenzhen': vpc_id: both of vpc_id and vpc_cidr given; give vpc_id to "
        "use an existing VPC or vpc_cidr to create one",
    ),
    (
        "neither_vpc_id_nor_vpc_cidr",
        _set(vpc_cidr=None),
        "deployment 'prod-shenzhen': vpc_id: neither of vpc_id and vpc_cidr given; give vpc_id "
        "to use an existing VPC or vpc_cidr to create one",
    ),
    (
        "both_vswitch_id_and_vswitch_cidr",
        _zone(0, vswitch_id="vsw-wz9abc"),
        "deployment 'prod-shenzhen': zones[0].vswitch_id: both of vswitch_id and vswitch_cidr "
        "given for cn-shenzhen-e; give vswitch_id to use an existing vSwitch or vswitch_cidr "
        "to create one",
    ),
    (
        "neither_vswitch_id_nor_vswitch_cidr",
        _zone(0, vswitch_cidr=None),
        "deployment 'prod-shenzhen': zones[0].vswitch_id: neither of vswitch_id and "
        "vswitch_cidr given for cn-shenzhen-e; give vswitch_id to use an existing vSwitch or "
        "vswitch_cidr to create one",
    ),
    (
        "existing_vswitch_in_created_vpc",
        _zone(0, vswitch_cidr=None, vswitch_id="vsw-wz9abc"),
        "deployment 'prod-shenzhen': zones[0].vswitch_id: 'vsw-wz9abc' cannot be in a VPC "
        "that vpc_cidr creates; give vswitch_cidr instead",
    ),
    (
        "vswitch_cidr_outside_vpc",
        _zone(1, vswitch_cidr="10.99.0.0/24"),
        "deployment 'prod-shenzhen': zones[1].vswitch_cidr: '10.99.0.0/24' is outside the "
        "VPC's 10.20.0.0/16; choose a block inside 10.20.0.0/16",
    ),
    (
        "overlapping_vswitch_cidrs",
        _zone(1, vswitch_cidr="10.20.1.128/25"),
        "deployment 'prod-shenzhen': zones[1].vswitch_cidr: '10.20.1.128/25' overlaps "
        "10.20.1.0/24 of zones[0]; vSwitch blocks must not overlap",
    ),
    (
        "vswitch_mask_too_wide",
        _set(
            vpc_cidr="10.0.0.0/8",
            zones=[{"zone_id": "cn-shenzhen-e", "vswitch_cidr": "10.0.0.0/12"}],
        ),
        "deployment 'prod-shenzhen': zones[0].vswitch_cidr: '10.0.0.0/12' has a /12 mask; "
        "vSwitch masks must be /16 to /29",
    ),
    (
        "vpc_id_without_prefix",
        _set(vpc_cidr=None, vpc_id="wz9abc"),
        "deployment 'prod-shenzhen': vpc_id: 'wz9abc' is not a VPC id: expected vpc- followed "
        "by lowercase letters and digits, like vpc-wz9abc123",
    ),
    (
        "vswitch_id_without_prefix",
        _zone(0, vswitch_cidr=None, vswitch_id="vpc-wz9abc"),
        "deployment 'prod-shenzhen': zones[0].vswitch_id: 'vpc-wz9abc' is not a vSwitch id: "
        "expected vsw- followed by lowercase letters and digits, like vsw-wz9abc123",
    ),
    (
        "security_group_id_without_prefix",
        _set(security_group_ids=["sg-ok1", "group1"]),
        "deployment 'prod-shenzhen': security_group_ids[1]: 'group1' is not a security group "
        "id: expected sg- followed by lowercase letters and digits, like sg-wz9abc123",
    ),
    (
        "more_than_ten_security_groups",
        _set(security_group_ids=[f"sg-a{i}" for i in range(11)]),
        "deployment 'prod-shenzhen': security_group_ids: 11 security groups given; at most "
        "10 are allowed",
    ),
    (
        "duplicate_security_group",
        _set(security_group_ids=["sg-a1", "sg-a1"]),
        "deployment 'prod-shenzhen': security_group_ids: security group listed twice: sg-a1",
    ),
    (
        "allowed_cidrs_everywhere",
        _set(allowed_cidrs=["10.0.0.0/8", "0.0.0.0/0"]),
        "deployment 'prod-shenzhen': allowed_cidrs: '0.0.0.0/0' would admit the whole internet "
        "to the endpoints; list the networks of your MaxCompute clients (for example the VPC's "
        "CIDR, 10.0.0.0/8)",
    ),
    (
        "allowed_cidrs_ipv6",
        _set(allowed_cidrs=["fd00::/8"]),
        "deployment 'prod-shenzhen': allowed_cidrs[0]: 'fd00::/8' is IPv6; only IPv4 CIDR "
        "blocks are allowed here",
    ),
    (
        "cidr_with_host_bits",
        _set(vpc_cidr="10.20.0.1/16"),
        "deployment 'prod-shenzhen': vpc_cidr: '10.20.0.1/16' has host bits set; the network "
        "is 10.20.0.0/16",
    ),
    (
        "cidr_not_a_cidr",
        _set(vpc_cidr="10.20.0.0/33"),
        "deployment 'prod-shenzhen': vpc_cidr: '10.20.0.0/33' is not a CIDR block; expected "
        "one like 10.20.0.0/16",
    ),
    (
        "allowed_cidrs_with_security_group_ids",
        _set(security_group_ids=["sg-a1"], allowed_cidrs=["10.0.0.0/8"]),
        "deployment 'prod-shenzhen': allowed_cidrs: only applies to the security group this "
        "tool creates, and security_group_ids are given; allow the clients in those groups, or "
        "drop security_group_ids to have a least-privilege group created",
    ),
    (
        "unsafe_name",
        _set(name="Prod_Shenzhen"),
        "deployment 'Prod_Shenzhen': name: 'Prod_Shenzhen' is not a safe stack name: use 1 to "
        "40 lowercase letters, digits and hyphens, starting with a letter (it names the "
        "Terraform stack and its folder)",
    ),
    (
        "path_traversal_name",
        _set(name="../x"),
        "deployment '../x': name: '../x' is not a safe stack name: use 1 to 40 lowercase "
        "letters, digits and hyphens, starting with a letter (it names the Terraform stack and "
        "its folder)",
    ),
    (
        "unknown_key",
        _set(vpc_cdir="10.0.0.0/16"),
        "deployment 'prod-shenzhen': vpc_cdir: unknown key 'vpc_cdir'; allowed keys: name, "
        "region, vpc_id, vpc_cidr, zones, security_group_ids, allowed_cidrs, "
        "allow_wide_public_cidrs, protocol, dns, ticket_approved, endpoint_urls, protect, "
        "adopt, tags, client, renamed_from",
    ),
    (
        "unknown_zone_key",
        _zone(0, zone="cn-shenzhen-e"),
        "deployment 'prod-shenzhen': zones[0].zone: unknown key 'zone'; allowed keys: zone_id, "
        "vswitch_id, vswitch_cidr",
    ),
    (
        "bad_protocol",
        _set(protocol="ftp"),
        "deployment 'prod-shenzhen': protocol: input should be 'http' or 'https' (got 'ftp')",
    ),
    (
        "endpoint_url_protocol_mismatch",
        _set(endpoint_urls={"maxcompute": "http://mc.example/api", "tunnel": "https://dt.example"}),
        "deployment 'prod-shenzhen': endpoint_urls.maxcompute: 'http://mc.example/api' does not "
        "use protocol https; write https://... or set protocol to match",
    ),
    (
        "endpoint_url_with_credentials",
        _set(
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
        _set(zones=[]),
        "deployment 'prod-shenzhen': zones: is empty; give at least 1 zone",
    ),
    (
        "missing_zones",
        _set(zones=None),
        "deployment 'prod-shenzhen': zones: required, and missing",
    ),
    (
        "tag_with_terraform_template",
        _set(tags={"team": "${file(pathexpand(x))}"}),
        "deployment 'prod-shenzhen': tags: tag 'team' contains a Terraform template sequence "
        "('${' or '%{'): '${file(pathexpand(x))}'",
    ),
    (
        "tag_with_quotes",
        _set(tags={"team": 'a "b"'}),
        "deployment 'prod-shenzhen': tags: tag 'team' contains a quote or backslash, which "
        "tags here may not hold: 'a \"b\"'",
    ),
    (
        "tag_with_newline",
        _set(tags={"team": "a\nb"}),
        "deployment 'prod-shenzhen': tags: tag 'team' contains control characters: 'a\\nb'",
    ),
    (
        "tag_key_reserved",
        _set(tags={"managed-by": "me"}),
        "deployment 'prod-shenzhen': tags: tag key 'managed-by' is set by this tool; choose "
        "another key",
    ),
    (
        "unknown_dns_mode",
        _set(dns="route53"),
        "deployment 'prod-shenzhen': dns: input should be 'private_zone', 'console' or 'none' "
        "(got 'route53')",
    ),
    (
        "dns_none_with_endpoint_urls",
        _set(dns="none", endpoint_urls=URLS),
        "deployment 'prod-shenzhen': endpoint_urls: cannot be used with dns: none, where "
        "clients use each endpoint's own domain; drop endpoint_urls, or choose dns: "
        "private_zone or console",
    ),
    (
        "private_zone_with_ip_hosts",
        _set(endpoint_urls={"maxcompute": "https://10.20.1.5/api", "tunnel": "https://10.20.1.6"}),
        "deployment 'prod-shenzhen': dns: private_zone needs host names, and '10.20.1.5' is an "
        "IP address; use dns: none",
    ),
    (
        "private_zone_with_hosts_in_two_domains",
        _set(
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
        _set(
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
        _set(
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
        _set(
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
        _set(adopt={"frontend_endpoint_id": "vpc-a1", "tunnel_endpoint_id": "ep-b2"}),
        "deployment 'prod-shenzhen': adopt.frontend_endpoint_id: 'vpc-a1' is not a PrivateLink "
        "endpoint id: expected ep- followed by lowercase letters and digits, like ep-wz9abc123",
    ),
    (
        "adopt_missing_the_tunnel",
        _set(adopt={"frontend_endpoint_id": "ep-a1"}),
        "deployment 'prod-shenzhen': adopt.tunnel_endpoint_id: required, and missing",
    ),
    (
        "tag_value_not_a_string",
        _set(tags={"cost": 12}),
        "deployment 'prod-shenzhen': tags.cost: input should be a valid string (got 12)",
    ),
]


@pytest.mark.parametrize(
    ("mutation", "expected"), [c[1:] for c in BAD_INPUT], ids=[c[0] for c in BAD_INPUT]
)
def test_fails_when_input_is_bad(
    deployment: dict[str, Any], mutation: Mutation, expected: str
) -> None:
    # given
    mutation(deployment)
    # when
    lines = error_lines([deployment])
    # then
    assert lines == [expected]


def test_fails_when_adopting_into_a_network_this_tool_would_create(
    deployment: dict[str, Any],
) -> None:
    # given: CIDRs, so the VPC and vSwitches would be new
    deployment["adopt"] = {"frontend_endpoint_id": "ep-a1", "tunnel_endpoint_id": "ep-b2"}
    # when
    lines = error_lines([deployment])
    # then
    assert lines == [
        "deployment 'prod-shenzhen': adopt: adopted endpoints sit in an existing VPC; give its "
        "vpc_id instead of vpc_cidr",
        "deployment 'prod-shenzhen': zones[0].vswitch_cidr: adopted endpoints have their NICs "
        "in existing vSwitches; give the vswitch_id the endpoints use in cn-shenzhen-e",
        "deployment 'prod-shenzhen': zones[1].vswitch_cidr: adopted endpoints have their NICs "
        "in existing vSwitches; give the vswitch_id the endpoints use in cn-shenzhen-f",
    ]


def test_fails_when_deployment_names_repeat(deployment: dict[str, Any]) -> None:
    # given / when
    lines = error_lines([deployment, deployment])
    # then
    assert lines == [
        "deployment 'prod-shenzhen': name: 'prod-shenzhen' is also the name of deployments[0]; "
        "stack names must be unique"
    ]


def test_fails_with_every_problem_on_its_own_line(deployment: dict[str, Any]) -> None:
    # given: three unrelated mistakes across fields of one deployment
    deployment["zones"][0]["zone_id"] = "cn-beijing-a"
    deployment["zones"][1]["vswitch_cidr"] = "10.99.0.0/24"
    deployment["vpc_id"] = "vpc-abc"
    # when
    lines = error_lines([deployment])
    # then
    assert [line.split(":")[1].strip() for line in lines] == [
        "vpc_id",
        "zones[0].zone_id",
        "zones[1].vswitch_cidr",
    ]


def test_fails_naming_the_position_when_the_name_is_missing(deployment: dict[str, Any]) -> None:
    del deployment["name"]
    assert error_lines([deployment]) == ["deployments[0]: name: required, and missing"]


def test_fails_when_deployments_is_empty() -> None:
    assert error_lines([]) == ["deployments: no deployments; add at least one (see examples/)"]


def test_ticket_region_with_approval_and_urls_is_valid(deployment: dict[str, Any]) -> None:
    # given
    deployment.update(SINGAPORE, ticket_approved=True, endpoint_urls=URLS)
    # when
    props = MaxComputePrivateLinkProps.model_validate(deployment)
    # then
    assert props.plan.maxcompute_endpoint == "https://service.mc.example/api"
    assert props.plan.tunnel_endpoint == "https://dt.mc.example"


def test_ticket_region_with_dns_none_needs_no_endpoint_urls(deployment: dict[str, Any]) -> None:
    # given
    deployment.update(SINGAPORE, ticket_approved=True, dns="none")
    # when
    props = MaxComputePrivateLinkProps.model_validate(deployment)
    # then: the URLs are the endpoints' own domains, known after apply
    assert props.plan.maxcompute_endpoint is None
    assert props.plan.private_zone is None


def test_private_zone_names_come_from_the_client_urls(deployment: dict[str, Any]) -> None:
    props = MaxComputePrivateLinkProps.model_validate(deployment)
    assert props.plan.private_zone is not None
    assert (
        props.plan.private_zone.zone_name,
        props.plan.private_zone.maxcompute_record,
        props.plan.private_zone.tunnel_record,
    ) == ("cn-shenzhen-vpc.maxcompute.aliyun-inc.com", "service-pvl", "dt-pvl")


def test_fails_when_two_deployments_would_create_one_zone_in_a_vpc(
    deployment: dict[str, Any],
) -> None:
    # given: two deployments in one existing VPC, both private_zone
    deployment.pop("vpc_cidr")
    deployment.update(
        vpc_id="vpc-wz9shared",
        zones=[{"zone_id": "cn-shenzhen-e", "vswitch_id": "vsw-wz9e"}],
    )
    second = dict(deployment, name="second")
    # when
    lines = error_lines([deployment, second])
    # then
    assert lines == [
        "deployment 'second': dns: private_zone would create zone "
        "cn-shenzhen-vpc.maxcompute.aliyun-inc.com in vpc-wz9shared a second time (deployment "
        "'prod-shenzhen' creates it already); set dns: console or none on one of them"
    ]
    # and with one of them on console, both are fine
    second["dns"] = "console"
    PrivateLinkConfig.model_validate({"deployments": [deployment, second]})


def test_direct_region_uses_published_domains_with_the_protocol(
    deployment: dict[str, Any],
) -> None:
    # given
    deployment["protocol"] = "http"
    # when
    props = MaxComputePrivateLinkProps.model_validate(deployment)
    # then
    assert (
        props.plan.maxcompute_endpoint
        == "http://service-pvl.cn-shenzhen-vpc.maxcompute.aliyun-inc.com/api"
    )
    assert props.plan.tunnel_endpoint == "http://dt-pvl.cn-shenzhen-vpc.maxcompute.aliyun-inc.com"
    assert props.plan.client_port == 80


def test_defaults_are_https_and_no_ticket(deployment: dict[str, Any]) -> None:
    props = MaxComputePrivateLinkProps.model_validate(deployment)
    assert props.protocol == "https"
    assert props.plan.client_port == 443
    assert props.ticket_approved is False
    assert props.security_group_ids is None
    assert props.allowed_cidrs is None


def test_props_are_frozen(deployment: dict[str, Any]) -> None:
    props = MaxComputePrivateLinkProps.model_validate(deployment)
    with pytest.raises(ValidationError, match="frozen"):
        props.region = "cn-beijing"  # type: ignore[misc]


def test_warns_but_accepts_a_single_zone(deployment: dict[str, Any]) -> None:
    # given
    deployment["zones"] = deployment["zones"][:1]
    # when
    config = PrivateLinkConfig.model_validate({"deployments": [deployment]})
    # then
    [warning] = config.warnings()
    assert warning.loc == ("deployments", 0, "zones")
    assert "only one zone (cn-shenzhen-e)" in warning.message


def test_two_zones_give_no_warning(deployment: dict[str, Any]) -> None:
    config = PrivateLinkConfig.model_validate({"deployments": [deployment]})
    assert config.warnings() == []
