"""``MaxComputePrivateLink``: private access to MaxCompute from one VPC (the guide, as code).

It always creates both interface endpoints, frontend and tunnel, which only work
together (the guide: "the two endpoints are interdependent"), in the same VPC with
the same security groups, and binds each to every zone's vSwitch. The tunnel endpoint
depends on the frontend one, in the guide's order. Where the props give CIDRs instead
of ids it creates the VPC and vSwitches (the guide's step 1); without security groups
it creates one that admits only the client port from the allowed networks. With
``dns: private_zone`` it adds a ``CustomDomainName`` (the guide's step 2, as code).

Terraform addresses are a public contract (changing one means destroy and recreate),
so every resource has a fixed, readable logical id: ``<construct id>_<role>``, such as
``alicloud_privatelink_vpc_endpoint.maxcompute_frontend``.
"""

from __future__ import annotations

from dataclasses import dataclass

from constructs import Construct

from maxcompute_privatelink.construct import bindings as alicloud
from maxcompute_privatelink.construct.cdk import cdktf
from maxcompute_privatelink.construct.conditions import found, found_once, if_found, quoted
from maxcompute_privatelink.construct.custom_domain_name import (
    CustomDomainName,
    CustomDomainNameProps,
)
from maxcompute_privatelink.construct.naming import (
    HIDDEN_ID,
    element_id,
    is_native,
    name_element,
    register,
    slug,
)
from maxcompute_privatelink.construct.requirements import require_alicloud
from maxcompute_privatelink.model.fields import is_token
from maxcompute_privatelink.model.plan import EXISTING_VPC_CIDR
from maxcompute_privatelink.model.props import (
    MaxComputePrivateLinkProps,
)

MANAGED_BY = "maxcompute-privatelink"
MIN_VPC_NAME = 2
"""VPC names have 2 to 128 characters (ALIYUN::ECS::VPC VpcName; InvalidVpcName.Malformed):
a one-letter deployment's VPC is named ``<name>-vpc``, a name no working stack had."""


@dataclass(frozen=True)
class ConstructReferences:
    """A ``MaxComputePrivateLink``'s attributes as text references, for its own stack."""

    frontend_endpoint_id: str
    tunnel_endpoint_id: str
    frontend_endpoint_domain: str
    tunnel_endpoint_domain: str
    vpc_id: str
    maxcompute_endpoint_url: str
    tunnel_endpoint_url: str
    private_zone_id: str | None
    """None unless ``dns: private_zone``."""
    manual_steps: str | None
    """None unless ``dns: console``."""


class MaxComputePrivateLink(Construct):
    """Private MaxCompute access from one VPC: the frontend and tunnel endpoint pair."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        props: MaxComputePrivateLinkProps,
        *,
        logical_prefix: str | None = None,
        provider: cdktf.TerraformProvider | None = None,
    ) -> None:
        """``logical_prefix``: resources are addressed ``<logical_prefix>_<role>``. Default:
        the construct's path below its stack, such as ``maxcompute``.

        ``provider``: the alicloud provider every resource and data source uses, such as
        an aliased one for another region or account. Default: the stack's default
        (un-aliased) alicloud provider. The construct never declares a provider itself;
        it only requires ``aliyun/alicloud`` at a version it works with
        (``requirements.require_alicloud``)."""
        super().__init__(scope, id)
        register(self, scope, id, logical_prefix)
        self._props = props
        self._provider = provider
        require_alicloud(self, scope, provider)
        region = props.plan.region
        tags = {**props.tags, "managed-by": MANAGED_BY, "deployment": props.name}

        self._vpc: alicloud.Vpc | None = None
        if props.vpc_cidr is not None:
            self._vpc = alicloud.Vpc(
                self,
                element_id(self, "vpc"),
                provider=self._provider,
                vpc_name=props.name if len(props.name) >= MIN_VPC_NAME else f"{props.name}-vpc",
                cidr_block=props.vpc_cidr,
                description=f"VPC of MaxCompute PrivateLink deployment {props.name}",
                resource_group_id=props.resource_group_id,
                tags=tags,
            )
            self._name(self._vpc, "vpc")
            vpc_id = self._vpc.reference("id")
        else:
            if props.vpc_id is None:  # validated props give one of the two
                raise ValueError("MaxComputePrivateLink needs vpc_id or vpc_cidr")
            vpc_id = props.vpc_id
        self._vpc_id = vpc_id

        self._vswitches: dict[str, alicloud.Vswitch] = {}
        self._given_vswitches: dict[str, alicloud.DataAlicloudVswitches] = {}
        vswitch_ids: dict[str, str] = {}
        for zone in props.zones:
            if zone.vswitch_cidr is None:
                if zone.vswitch_id is None:  # validated props give one of the two
                    raise ValueError(f"zone {zone.zone_id} needs vswitch_id or vswitch_cidr")
                vswitch_ids[zone.zone_id] = zone.vswitch_id
                self._given_vswitches[zone.zone_id] = self._check_vswitch(
                    zone.zone_id, zone.vswitch_id, props.vpc_id
                )
                continue
            vswitch = alicloud.Vswitch(
                self,
                element_id(self, zone.zone_id),
                provider=self._provider,
                vpc_id=vpc_id,
                cidr_block=zone.vswitch_cidr,
                zone_id=zone.zone_id,
                vswitch_name=f"{props.name}-{zone.zone_id}",
                description=f"MaxCompute PrivateLink endpoint NICs of {props.name} "
                f"in {zone.zone_id}",
                tags=tags,
            )
            self._name(vswitch, zone.zone_id)
            self._vswitches[zone.zone_id] = vswitch
            vswitch_ids[zone.zone_id] = vswitch.reference("id")

        self._existing_vpc: alicloud.DataAlicloudVpcs | None = None
        self._security_group: alicloud.SecurityGroup | None = None
        self._security_group_rules: list[alicloud.SecurityGroupRule] = []
        if props.security_group_ids is not None:
            security_group_ids = list(props.security_group_ids)
        else:
            security_group_ids = [self._create_security_group(vpc_id, tags)]

        lifecycle = alicloud.PREVENT_DESTROY if props.protect else None
        waits = props.timeouts.model_dump(exclude_none=True) if props.timeouts else None
        self._frontend = alicloud.PrivatelinkVpcEndpoint(
            self,
            element_id(self, "frontend"),
            provider=self._provider,
            vpc_id=vpc_id,
            service_name=region.frontend_service_name,
            endpoint_type="Interface",
            security_group_ids=security_group_ids,
            vpc_endpoint_name=f"{props.name}-maxcompute-frontend",
            endpoint_description=f"MaxCompute frontend endpoint of {props.name}",
            resource_group_id=props.resource_group_id,
            tags=tags,
            timeouts=waits,
            lifecycle=lifecycle,
        )
        self._name(self._frontend, "frontend")
        self._tunnel = alicloud.PrivatelinkVpcEndpoint(
            self,
            element_id(self, "tunnel"),
            provider=self._provider,
            vpc_id=vpc_id,
            service_name=region.tunnel_service_name,
            endpoint_type="Interface",
            security_group_ids=security_group_ids,
            vpc_endpoint_name=f"{props.name}-maxcompute-tunnel",
            endpoint_description=f"MaxCompute Tunnel endpoint of {props.name}",
            resource_group_id=props.resource_group_id,
            tags=tags,
            timeouts=waits,
            depends_on=[self._frontend],
            lifecycle=lifecycle,
        )
        self._name(self._tunnel, "tunnel")

        adopt = props.adopt
        if adopt is not None:
            self._frontend.import_from(adopt.frontend_endpoint_id)
            self._tunnel.import_from(adopt.tunnel_endpoint_id)
        adopted = {
            "frontend": adopt.frontend_endpoint_id if adopt else None,
            "tunnel": adopt.tunnel_endpoint_id if adopt else None,
        }

        self._endpoint_zones: list[alicloud.PrivatelinkVpcEndpointZone] = []
        for role, endpoint in (("frontend", self._frontend), ("tunnel", self._tunnel)):
            for zone in props.zones:
                binding = alicloud.PrivatelinkVpcEndpointZone(
                    self,
                    element_id(self, f"{role}_{zone.zone_id}"),
                    provider=self._provider,
                    endpoint_id=endpoint.reference("id"),
                    vswitch_id=vswitch_ids[zone.zone_id],
                    zone_id=zone.zone_id,
                    eni_ip=getattr(zone.eni_ip, role) if zone.eni_ip is not None else None,
                    timeouts=waits,
                    lifecycle=lifecycle,
                )
                self._name(binding, f"{role}_{zone.zone_id}")
                if adopted[role] is not None:
                    binding.import_from(f"{adopted[role]}:{zone.zone_id}")
                self._endpoint_zones.append(binding)

        self._custom_domain_name: CustomDomainName | None = None
        names = props.plan.private_zone
        if names is not None:
            native = is_native(self)
            self._custom_domain_name = CustomDomainName(
                self,
                HIDDEN_ID if native else "dns",
                CustomDomainNameProps(
                    zone_name=names.zone_name,
                    maxcompute_record=names.maxcompute_record,
                    tunnel_record=names.tunnel_record,
                    vpc_id=vpc_id,
                    frontend_endpoint_domain=self._frontend.reference("endpoint_domain"),
                    tunnel_endpoint_domain=self._tunnel.reference("endpoint_domain"),
                    tags=tags,
                    resource_group_id=props.resource_group_id,
                    existing_zone_id=names.existing_zone_id,
                    more_vpc_ids=names.more_vpc_ids,
                ),
                logical_prefix=element_id(self, "dns") if native else None,
                provider=provider,
            )

    def _name(
        self, element: alicloud.AlicloudResource | alicloud.AlicloudDataSource, role: str
    ) -> None:
        name_element(self, element, role)

    def _check_vswitch(
        self, zone_id: str, vswitch_id: str, vpc_id: str | None
    ) -> alicloud.DataAlicloudVswitches:
        """A lookup of a given vSwitch whose postconditions fail the plan, before anything
        is created, when the vSwitch does not exist, lies in another zone than the one it
        is given for, or (for a given VPC) in another VPC."""
        shown = alicloud.literal  # user text in a message, nothing in it live
        given = (
            f"Deployment {shown(self._props.name)}: vSwitch {shown(vswitch_id)}, given for "
            f"{shown(zone_id)},"
        )
        conditions = [
            found_once(
                "vswitches",
                f"{given} does not exist in this region and account; give the id of an "
                "existing vSwitch, or vswitch_cidr to create one.",
            ),
            if_found(
                "vswitches",
                f"one(self.vswitches[*].zone_id) == {quoted(zone_id)}",
                f"{given} lies in zone {found('vswitches', 'zone_id')}; give a vSwitch of "
                f"{shown(zone_id)}, or set zone_id to the vSwitch's zone.",
            ),
        ]
        if vpc_id is not None and not is_token(vpc_id):
            conditions.append(
                if_found(
                    "vswitches",
                    f"one(self.vswitches[*].vpc_id) == {quoted(vpc_id)}",
                    f"{given} lies in VPC {found('vswitches', 'vpc_id')}, not "
                    f"{shown(vpc_id)}; give a vSwitch of {shown(vpc_id)}.",
                )
            )
        lookup = alicloud.DataAlicloudVswitches(
            self,
            element_id(self, zone_id),
            provider=self._provider,
            ids=[vswitch_id],
            lifecycle=cdktf.TerraformResourceLifecycle(postcondition=conditions),
        )
        self._name(lookup, zone_id)
        return lookup

    def _create_security_group(self, vpc_id: str, tags: dict[str, str]) -> str:
        props = self._props
        port = props.plan.client_port
        group = alicloud.SecurityGroup(
            self,
            element_id(self, "endpoints"),
            provider=self._provider,
            vpc_id=vpc_id,
            security_group_name=f"{props.name}-maxcompute-endpoints",
            description=f"MaxCompute PrivateLink endpoint NICs of {props.name}: "
            f"{props.protocol} (TCP {port}) in from the allowed networks only",
            inner_access_policy="Drop",
            resource_group_id=props.resource_group_id,
            tags=tags,
        )
        self._name(group, "endpoints")
        self._security_group = group

        sources: list[tuple[str, str]] = []
        for index, network in enumerate(props.plan.admitted_networks):
            if network == EXISTING_VPC_CIDR:
                self._existing_vpc = alicloud.DataAlicloudVpcs(
                    self, element_id(self, "vpc"), provider=self._provider, ids=[vpc_id]
                )
                self._name(self._existing_vpc, "vpc")
                sources.append((self._existing_vpc.reference("vpcs[0].cidr_block"), "vpc"))
            elif props.allowed_cidrs is None:
                sources.append((network, "vpc"))  # the created VPC's own CIDR
            elif is_token(network):  # known at apply time: named by its place in the list
                sources.append((network, f"allowed_{index}"))
            else:
                sources.append((network, slug(network)))

        for cidr, source in sources:
            rule = alicloud.SecurityGroupRule(
                self,
                element_id(self, f"ingress_{props.protocol}_{source}"),
                provider=self._provider,
                security_group_id=group.reference("id"),
                type="ingress",
                ip_protocol="tcp",
                nic_type="intranet",
                policy="accept",
                port_range=f"{port}/{port}",
                priority=1,
                cidr_ip=cidr,
                description=f"MaxCompute clients over {props.protocol}",
            )
            self._name(rule, f"ingress_{props.protocol}_{source}")
            self._security_group_rules.append(rule)
        return group.reference("id")

    # -- the L1 children, read-only ------------------------------------------------------

    @property
    def frontend(self) -> alicloud.PrivatelinkVpcEndpoint:
        """The frontend (MaxCompute service) endpoint."""
        return self._frontend

    @property
    def tunnel(self) -> alicloud.PrivatelinkVpcEndpoint:
        """The Tunnel endpoint."""
        return self._tunnel

    @property
    def endpoint_zones(self) -> tuple[alicloud.PrivatelinkVpcEndpointZone, ...]:
        """One zone binding per (endpoint, zone): frontend's first, then tunnel's."""
        return tuple(self._endpoint_zones)

    @property
    def vpc(self) -> alicloud.Vpc | None:
        """The created VPC; None when the props name an existing one."""
        return self._vpc

    @property
    def vswitches(self) -> dict[str, alicloud.Vswitch]:
        """The created vSwitches by zone id (a copy); zones with vswitch_id have none."""
        return dict(self._vswitches)

    @property
    def vswitch_checks(self) -> dict[str, alicloud.DataAlicloudVswitches]:
        """By zone id (a copy): the lookup of each given vswitch_id, whose postconditions
        fail the plan when the vSwitch is missing or in another zone or VPC."""
        return dict(self._given_vswitches)

    @property
    def security_group(self) -> alicloud.SecurityGroup | None:
        """The created security group; None when the props give security_group_ids."""
        return self._security_group

    @property
    def security_group_rules(self) -> tuple[alicloud.SecurityGroupRule, ...]:
        """The created group's ingress rules, one per admitted network; empty when the
        props give security_group_ids."""
        return tuple(self._security_group_rules)

    @property
    def custom_domain_name(self) -> CustomDomainName | None:
        """The PrivateZone records (``dns: private_zone``); None in the other modes."""
        return self._custom_domain_name

    # -- what clients and outputs need ---------------------------------------------------

    @property
    def frontend_endpoint_id(self) -> str:
        """The frontend endpoint's id (``ep-...``), known after apply: a token."""
        return self._frontend.id

    @property
    def tunnel_endpoint_id(self) -> str:
        """The Tunnel endpoint's id (``ep-...``), known after apply: a token."""
        return self._tunnel.id

    @property
    def frontend_endpoint_domain(self) -> str:
        """The frontend endpoint's own domain name, known after apply: a token."""
        return self._frontend.endpoint_domain

    @property
    def tunnel_endpoint_domain(self) -> str:
        """The Tunnel endpoint's own domain name, known after apply: a token."""
        return self._tunnel.endpoint_domain

    @property
    def vpc_id(self) -> str:
        """The VPC the endpoints are in: the given vpc_id, or the created VPC's id (a
        token)."""
        return self._vpc.id if self._vpc is not None else self._vpc_id

    @property
    def maxcompute_endpoint_url(self) -> str:
        """The client's ``end_point``: the region's PrivateLink domain or endpoint_urls, or
        with ``dns: none`` the frontend endpoint's own domain (known after apply)."""
        return self._maxcompute_url(self.frontend_endpoint_domain)

    @property
    def tunnel_endpoint_url(self) -> str:
        """The client's ``tunnel_endpoint``; with ``dns: none`` the tunnel endpoint's own."""
        return self._tunnel_url(self.tunnel_endpoint_domain)

    @property
    def manual_steps(self) -> str | None:
        """What is left to do by hand after apply (``dns: console``); None otherwise."""
        return self._manual_steps(
            self.frontend_endpoint_id,
            self.tunnel_endpoint_id,
            self.maxcompute_endpoint_url,
            self.tunnel_endpoint_url,
        )

    def references(self) -> ConstructReferences:
        """The attributes above as text, ``${<type>.<address>.<attribute>}``, for outputs
        and resources in this construct's own stack. cdktf cannot see text, so it wires
        nothing across stacks: elsewhere use the token attributes. Text spares the round
        trip to Node that each token costs (``mcpl synth`` writes its outputs from it)."""
        frontend_id = self._frontend.reference("id")
        tunnel_id = self._tunnel.reference("id")
        frontend_domain = self._frontend.reference("endpoint_domain")
        tunnel_domain = self._tunnel.reference("endpoint_domain")
        maxcompute_url = self._maxcompute_url(frontend_domain)
        tunnel_url = self._tunnel_url(tunnel_domain)
        dns = self._custom_domain_name
        return ConstructReferences(
            frontend_endpoint_id=frontend_id,
            tunnel_endpoint_id=tunnel_id,
            frontend_endpoint_domain=frontend_domain,
            tunnel_endpoint_domain=tunnel_domain,
            vpc_id=self._vpc_id,
            maxcompute_endpoint_url=maxcompute_url,
            tunnel_endpoint_url=tunnel_url,
            private_zone_id=dns.zone_reference if dns is not None else None,
            manual_steps=self._manual_steps(frontend_id, tunnel_id, maxcompute_url, tunnel_url),
        )

    def _maxcompute_url(self, frontend_domain: str) -> str:
        url = self._props.plan.maxcompute_endpoint
        return url or f"{self._props.protocol}://{frontend_domain}/api"

    def _tunnel_url(self, tunnel_domain: str) -> str:
        url = self._props.plan.tunnel_endpoint
        return url or f"{self._props.protocol}://{tunnel_domain}"

    def _manual_steps(
        self, frontend_id: str, tunnel_id: str, maxcompute_url: str, tunnel_url: str
    ) -> str | None:
        if self._props.dns != "console":
            return None
        return (
            "After terraform apply, turn on Custom Domain Name for both MaxCompute endpoints "
            f"(frontend {frontend_id}, tunnel {tunnel_id}): VPC "
            f"console, region {self._props.region}, Endpoints, each endpoint, Basic "
            "Information, Domain Name of Endpoint Service, Custom Domain Name on. Until "
            f"then {maxcompute_url} and {tunnel_url} do not "
            "resolve in the VPC."
        )
