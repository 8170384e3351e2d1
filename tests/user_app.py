"""A CDKTF app as a user writes one: its own providers (one aliased, for another region),
its own network made with the bindings, the construct attached to that network through
tokens, and a second stack that reads one of the construct's attributes.

``tests/test_tokens.py`` reads what it synthesizes; ``tests/terraform/test_user_app.py``
runs Terraform on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from maxcompute_privatelink import MaxComputePrivateLink, MaxComputePrivateLinkProps
from maxcompute_privatelink.construct import bindings as alicloud
from maxcompute_privatelink.construct.cdk import cdktf

ZONES = ("cn-hangzhou-h", "cn-hangzhou-i")
USER_CONSTRAINT = ">= 1.200.0, < 2.0.0"
"""Looser than the construct's minimum: the merge keeps it and adds the minimum."""


@dataclass
class UserApp:
    app: cdktf.App
    network: cdktf.TerraformStack
    reader: cdktf.TerraformStack
    props: MaxComputePrivateLinkProps
    link: MaxComputePrivateLink
    hangzhou: alicloud.AlicloudProvider
    vpc: alicloud.Vpc
    vswitches: tuple[alicloud.Vswitch, ...]
    group: alicloud.SecurityGroup


def build(outdir: Path, state: Path) -> UserApp:
    """The app, writing to ``outdir`` and keeping each stack's state under ``state``."""
    app = cdktf.App(outdir=str(outdir))
    network = cdktf.TerraformStack(app, "network")
    cdktf.LocalBackend(network, path=str(state / "network.tfstate"))
    alicloud.AlicloudProvider(network, "default", region="cn-shenzhen", version=USER_CONSTRAINT)
    hangzhou = alicloud.AlicloudProvider(
        network, "hangzhou", region="cn-hangzhou", alias="hangzhou", version=USER_CONSTRAINT
    )
    vpc = alicloud.Vpc(
        network, "vpc", provider=hangzhou, vpc_name="analytics", cidr_block="10.8.0.0/16"
    )
    vswitches = tuple(
        alicloud.Vswitch(
            network,
            f"vsw_{index}",
            provider=hangzhou,
            vpc_id=vpc.id,
            zone_id=zone,
            cidr_block=f"10.8.{index}.0/24",
        )
        for index, zone in enumerate(ZONES)
    )
    group = alicloud.SecurityGroup(
        network, "clients", provider=hangzhou, vpc_id=vpc.id, security_group_name="clients"
    )
    props = MaxComputePrivateLinkProps(
        name="analytics",
        region="cn-hangzhou",
        vpc_id=vpc.id,
        zones=[
            {"zone_id": zone, "vswitch_id": vswitch.id}
            for zone, vswitch in zip(ZONES, vswitches, strict=True)
        ],
        security_group_ids=[group.id],
    )
    link = MaxComputePrivateLink(network, "maxcompute", props, provider=hangzhou)
    reader = cdktf.TerraformStack(app, "reader")
    cdktf.LocalBackend(reader, path=str(state / "reader.tfstate"))
    cdktf.TerraformOutput(reader, "frontend_endpoint_id", value=link.frontend_endpoint_id)
    cdktf.TerraformOutput(reader, "maxcompute_endpoint", value=link.maxcompute_endpoint_url)
    return UserApp(app, network, reader, props, link, hangzhou, vpc, vswitches, group)
