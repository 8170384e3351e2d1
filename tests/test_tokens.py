"""The construct in a user's own CDKTF app: tokens in (ids and CIDRs of the app's own
resources), tokens out (attributes another stack can read), an aliased provider passed
to every child, and ``required_providers`` merged with the user's constraint."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

import user_app
from conftest import resolved
from maxcompute_privatelink import MaxComputePrivateLink, MaxComputePrivateLinkProps
from maxcompute_privatelink.construct import bindings as alicloud
from maxcompute_privatelink.construct.cdk import cdktf
from maxcompute_privatelink.construct.requirements import merged_constraint
from maxcompute_privatelink.errors import ProviderRequirementError
from maxcompute_privatelink.model.fields import is_token

pytestmark = pytest.mark.emitter


def synthesized(app: cdktf.App, stack: str) -> dict[str, Any]:
    app.synth()
    data: dict[str, Any] = json.loads(
        (Path(app.outdir) / "stacks" / stack / "cdk.tf.json").read_text()
    )
    return data


@pytest.fixture
def built(tmp_path: Path) -> user_app.UserApp:
    return user_app.build(tmp_path / "out", tmp_path / "state")


def existing_network(**overrides: Any) -> dict[str, Any]:
    return {
        "name": "analytics",
        "region": "cn-hangzhou",
        "vpc_id": "vpc-bp1abc",
        "zones": [{"zone_id": "cn-hangzhou-h", "vswitch_id": "vsw-bp1abc"}],
        **overrides,
    }


# -- the model reads cdktf's token encoding ------------------------------------------------


def test_is_token_agrees_with_cdktf_on_every_kind_of_token() -> None:
    # given: what cdktf asks (a string, or a whole list or map) and the string the model sees
    stack = cdktf.TerraformStack(cdktf.Testing.app(), "s")
    vpc = alicloud.Vpc(stack, "v", cidr_block="10.0.0.0/16")
    as_list = cdktf.Token.as_list(vpc.id)
    as_map = cdktf.Token.as_string_map(vpc.id)
    cases: list[tuple[Any, str]] = [
        (vpc.id, vpc.id),
        (f"prefix-{vpc.id}", f"prefix-{vpc.id}"),
        (as_list, as_list[0]),
        (as_map, next(iter(as_map))),
        ("vpc-bp1abc", "vpc-bp1abc"),
        ("${alicloud_vpc.v.id}", "${alicloud_vpc.v.id}"),  # text to cdktf: escaped, literal
        (["#{not a token}"], "#{not a token}"),
    ]
    # when
    ours = [is_token(text) for _, text in cases]
    # then
    assert ours == [cdktf.Token.is_unresolved(value) for value, _ in cases]
    assert ours == [True, True, True, True, False, False, False]


# -- tokens in -----------------------------------------------------------------------------


def test_props_take_tokens_where_terraform_takes_references(built: user_app.UserApp) -> None:
    # given
    props = built.props
    # when
    plan = props.plan
    # then
    assert plan.known_after_apply == (
        "vpc_id",
        "zones[0].vswitch_id",
        "zones[1].vswitch_id",
        "security_group_ids[0]",
    )


def test_props_take_a_list_token_and_cidr_tokens() -> None:
    # given
    stack = cdktf.TerraformStack(cdktf.Testing.app(), "s")
    vpc = alicloud.Vpc(stack, "v", cidr_block="10.0.0.0/16")
    vswitch = alicloud.Vswitch(stack, "w", vpc_id=vpc.id, zone_id="cn-hangzhou-h")
    # when
    props = MaxComputePrivateLinkProps.model_validate(
        existing_network(
            vpc_id=None,
            vpc_cidr=vpc.cidr_block,
            zones=[{"zone_id": "cn-hangzhou-h", "vswitch_cidr": vswitch.cidr_block}],
            allowed_cidrs=cdktf.Token.as_list(vpc.cidr_block),
        )
    )
    # then
    assert props.plan.known_after_apply == (
        "vpc_cidr",
        "zones[0].vswitch_cidr",
        "allowed_cidrs[0]",
    )


def test_literal_values_are_still_checked_beside_tokens() -> None:
    # given
    stack = cdktf.TerraformStack(cdktf.Testing.app(), "s")
    vpc = alicloud.Vpc(stack, "v", cidr_block="10.0.0.0/16")
    # when
    with pytest.raises(ValidationError) as raised:
        MaxComputePrivateLinkProps.model_validate(
            existing_network(vpc_id=vpc.id, security_group_ids=["sg-ok1", "group-7"])
        )
    # then
    assert "'group-7' is not a security group id" in str(raised.value)
    assert "vpc_id" not in str(raised.value)


def test_fails_when_a_zone_id_is_a_token() -> None:
    # given
    stack = cdktf.TerraformStack(cdktf.Testing.app(), "s")
    vswitch = alicloud.Vswitch(stack, "w", vpc_id="vpc-bp1abc", zone_id="cn-hangzhou-h")
    # when
    with pytest.raises(ValidationError) as raised:
        MaxComputePrivateLinkProps.model_validate(
            existing_network(zones=[{"zone_id": vswitch.zone_id, "vswitch_id": "vsw-bp1abc"}])
        )
    # then
    assert "is a cdktf token, known only at apply time; a zone id names the Terraform" in str(
        raised.value
    )


def test_the_construct_references_the_apps_own_network(built: user_app.UserApp) -> None:
    # given
    app = built.app
    # when
    stack = synthesized(app, "network")
    # then
    resources = stack["resource"]
    for endpoint in resources["alicloud_privatelink_vpc_endpoint"].values():
        assert endpoint["vpc_id"] == "${alicloud_vpc.vpc.id}"
        assert endpoint["security_group_ids"] == ["${alicloud_security_group.clients.id}"]
    bindings = resources["alicloud_privatelink_vpc_endpoint_zone"]
    assert {b["zone_id"]: b["vswitch_id"] for b in bindings.values()} == {
        "cn-hangzhou-h": "${alicloud_vswitch.vsw_0.id}",
        "cn-hangzhou-i": "${alicloud_vswitch.vsw_1.id}",
    }
    attachment = next(iter(resources["alicloud_pvtz_zone_attachment"].values()))
    assert attachment["vpc_ids"] == ["${alicloud_vpc.vpc.id}"]
    assert "alicloud_security_group_rule" not in resources  # the app's group is its own


def test_tokens_for_allowed_cidrs_name_their_rules_by_position(tmp_path: Path) -> None:
    # given
    app = cdktf.App(outdir=str(tmp_path))
    stack = cdktf.TerraformStack(app, "s")
    vpc = alicloud.Vpc(stack, "v", cidr_block="10.0.0.0/16")
    props = MaxComputePrivateLinkProps.model_validate(
        existing_network(allowed_cidrs=[vpc.cidr_block, "192.168.0.0/24"])
    )
    # when
    MaxComputePrivateLink(stack, "mc", props)
    rules = synthesized(app, "s")["resource"]["alicloud_security_group_rule"]
    # then
    assert {name: rule["cidr_ip"] for name, rule in rules.items()} == {
        "mc_ingress_https_allowed_0": "${alicloud_vpc.v.cidr_block}",
        "mc_ingress_https_192_168_0_0_24": "192.168.0.0/24",
    }


# -- tokens out ----------------------------------------------------------------------------


def test_an_attribute_read_in_another_stack_is_wired_through_an_output(
    built: user_app.UserApp,
) -> None:
    # given
    app = built.app
    # when
    network = synthesized(app, "network")
    reader = synthesized(app, "reader")
    # then
    (name, output), *_ = network["output"].items()
    assert output["value"] == "${alicloud_privatelink_vpc_endpoint.maxcompute_frontend.id}"
    (source, remote), *_ = reader["data"]["terraform_remote_state"].items()
    assert remote["config"]["path"].endswith("network.tfstate")
    assert reader["output"]["frontend_endpoint_id"]["value"] == (
        f"${{data.terraform_remote_state.{source}.outputs.{name}}}"
    )
    assert reader["output"]["maxcompute_endpoint"]["value"] == (
        "https://service-pvl.cn-hangzhou-vpc.maxcompute.aliyun-inc.com/api"
    )


@pytest.mark.parametrize("dns", ["private_zone", "console", "none"])
def test_text_references_are_what_the_tokens_resolve_to(dns: str) -> None:
    # given
    stack = cdktf.TerraformStack(cdktf.Testing.app(), "s")
    props = MaxComputePrivateLinkProps(
        **existing_network(
            vpc_id=None,
            vpc_cidr="10.1.0.0/16",
            zones=[{"zone_id": "cn-hangzhou-h", "vswitch_cidr": "10.1.0.0/24"}],
            dns=dns,
        )
    )
    link = MaxComputePrivateLink(stack, "mc", props)
    # when
    refs = link.references()
    # then
    dns_construct = link.custom_domain_name
    tokens = {
        "frontend_endpoint_id": link.frontend_endpoint_id,
        "tunnel_endpoint_id": link.tunnel_endpoint_id,
        "frontend_endpoint_domain": link.frontend_endpoint_domain,
        "tunnel_endpoint_domain": link.tunnel_endpoint_domain,
        "vpc_id": link.vpc_id,
        "maxcompute_endpoint_url": link.maxcompute_endpoint_url,
        "tunnel_endpoint_url": link.tunnel_endpoint_url,
        "private_zone_id": dns_construct.zone_id if dns_construct else None,
        "manual_steps": link.manual_steps,
    }
    assert {name: resolved(stack, token) for name, token in tokens.items()} == vars(refs)
    assert not any(is_token(value) for value in vars(refs).values())
    assert (refs.private_zone_id is None) == (dns != "private_zone")
    assert (refs.manual_steps is None) == (dns != "console")


def test_bindings_take_count_and_for_each(tmp_path: Path) -> None:
    # given
    app = cdktf.App(outdir=str(tmp_path))
    stack = cdktf.TerraformStack(app, "s")
    zones = cdktf.TerraformIterator.from_list(["cn-hangzhou-h", "cn-hangzhou-i"])
    # when
    alicloud.Vpc(stack, "vpcs", count=cdktf.TerraformCount.of(2), cidr_block="10.0.0.0/16")
    alicloud.Vswitch(
        stack,
        "vsw",
        for_each=zones,
        vpc_id="vpc-bp1abc",
        zone_id=cdktf.Token.as_string(zones.value),
    )
    resources = synthesized(app, "s")["resource"]
    # then
    assert resources["alicloud_vpc"]["vpcs"]["count"] == 2
    vswitch = resources["alicloud_vswitch"]["vsw"]
    assert vswitch["for_each"] == '${toset(["cn-hangzhou-h", "cn-hangzhou-i"])}'
    assert vswitch["zone_id"] == "${each.value}"


# -- providers -----------------------------------------------------------------------------


def test_an_aliased_provider_reaches_every_child(built: user_app.UserApp) -> None:
    # given
    app = built.app
    # when
    stack = synthesized(app, "network")
    # then
    providers = {
        f"{kind}.{name}": body.get("provider")
        for kind, bodies in stack["resource"].items()
        for name, body in bodies.items()
    }
    ours = {address for address in providers if ".maxcompute_" in address}
    assert len(ours) == 10  # 2 endpoints, 4 zone bindings, zone, 2 records, attachment
    assert {providers[address] for address in ours} == {"alicloud.hangzhou"}
    assert stack["provider"]["alicloud"] == [
        {"region": "cn-shenzhen"},
        {"region": "cn-hangzhou", "alias": "hangzhou"},
    ]


def test_the_construct_adds_no_provider_and_requires_the_right_source(tmp_path: Path) -> None:
    # given
    app = cdktf.App(outdir=str(tmp_path))
    stack = cdktf.TerraformStack(app, "s")
    # when
    MaxComputePrivateLink(stack, "mc", MaxComputePrivateLinkProps(**existing_network()))
    synthesized_stack = synthesized(app, "s")
    # then
    assert "provider" not in synthesized_stack
    assert synthesized_stack["terraform"]["required_providers"] == {
        "alicloud": {"source": "aliyun/alicloud", "version": alicloud.PROVIDER_VERSION_CONSTRAINT}
    }


def test_a_looser_user_constraint_is_kept_with_the_minimum_added(
    built: user_app.UserApp,
) -> None:
    # given
    app = built.app
    # when
    stack = synthesized(app, "network")
    # then
    assert stack["terraform"]["required_providers"]["alicloud"] == {
        "source": "aliyun/alicloud",
        "version": f"{user_app.USER_CONSTRAINT}, >= 1.269.0",
    }


def test_a_provider_declared_after_the_construct_is_merged_at_synth(tmp_path: Path) -> None:
    # given
    app = cdktf.App(outdir=str(tmp_path))
    stack = cdktf.TerraformStack(app, "s")
    MaxComputePrivateLink(stack, "mc", MaxComputePrivateLinkProps(**existing_network()))
    # when
    alicloud.AlicloudProvider(stack, "alicloud", region="cn-hangzhou", version="~> 1.280")
    synthesized_stack = synthesized(app, "s")
    # then
    assert synthesized_stack["terraform"]["required_providers"]["alicloud"] == {
        "source": "aliyun/alicloud",
        "version": "~> 1.280",
    }


def test_fails_when_the_users_constraint_excludes_the_minimum() -> None:
    # given
    stack = cdktf.TerraformStack(cdktf.Testing.app(), "s")
    old = alicloud.AlicloudProvider(stack, "alicloud", region="cn-hangzhou", version="~> 1.230.0")
    props = MaxComputePrivateLinkProps(**existing_network())
    # when
    with pytest.raises(ProviderRequirementError) as raised:
        MaxComputePrivateLink(stack, "mc", props, provider=old)
    # then
    assert str(raised.value) == (
        "the alicloud provider's version constraint '~> 1.230.0' allows no release from "
        "1.269.0 on, the oldest MaxComputePrivateLink works with; widen it, for example to "
        "'>= 1.269.0, < 2.0.0'"
    )


def test_fails_at_synth_when_a_later_provider_excludes_the_minimum(tmp_path: Path) -> None:
    # given
    app = cdktf.App(outdir=str(tmp_path))
    stack = cdktf.TerraformStack(app, "s")
    MaxComputePrivateLink(stack, "mc", MaxComputePrivateLinkProps(**existing_network()))
    alicloud.AlicloudProvider(stack, "alicloud", region="cn-hangzhou", version="< 1.200.0")
    # when
    with pytest.raises(RuntimeError) as raised:
        app.synth()
    # then
    assert "version constraint '< 1.200.0' allows no release from 1.269.0 on" in str(raised.value)


def test_fails_when_the_provider_comes_from_another_source() -> None:
    # given
    stack = cdktf.TerraformStack(cdktf.Testing.app(), "s")
    other = cdktf.TerraformProvider(
        stack, "alicloud", terraform_resource_type="alicloud", terraform_provider_source="a/b"
    )
    props = MaxComputePrivateLinkProps(**existing_network())
    # when
    with pytest.raises(ProviderRequirementError) as raised:
        MaxComputePrivateLink(stack, "mc", props, provider=other)
    # then
    assert str(raised.value).startswith("the alicloud provider comes from 'a/b'")


@pytest.mark.parametrize(
    ("theirs", "merged"),
    [
        ([], alicloud.PROVIDER_VERSION_CONSTRAINT),
        ([">= 1.280.0"], ">= 1.280.0"),
        (["~> 1.270"], "~> 1.270"),
        (["~> 1.200"], "~> 1.200, >= 1.269.0"),
        (["1.280.0"], "1.280.0"),
        (["< 2.0.0"], "< 2.0.0, >= 1.269.0"),
        (["<= 1.269.0"], "<= 1.269.0, >= 1.269.0"),
        (["> 1.238.9, != 1.250.0"], "> 1.238.9, != 1.250.0, >= 1.269.0"),
        ([">= 1.270.0", ">= 1.270.0, < 1.300.0"], ">= 1.270.0, < 1.300.0"),
    ],
)
def test_merged_constraint_keeps_theirs_and_raises_only_the_minimum(
    theirs: list[str], merged: str
) -> None:
    # given / when
    result = merged_constraint(theirs)
    # then
    assert result == merged


@pytest.mark.parametrize(
    ("theirs", "why"),
    [
        (["< 1.269.0"], "allows no release from 1.269.0 on"),
        (["~> 1.268.0"], "allows no release from 1.269.0 on"),
        (["= 1.268.0"], "allows no release from 1.269.0 on"),
        ([">= 1.250", "< 1.100"], "allows no release from 1.269.0 on"),
        (["latest"], "does not parse ('latest' is not a version constraint)"),
    ],
)
def test_fails_when_a_constraint_excludes_the_minimum_or_does_not_parse(
    theirs: list[str], why: str
) -> None:
    # given / when
    with pytest.raises(ProviderRequirementError) as raised:
        merged_constraint(theirs)
    # then
    assert why in str(raised.value)
