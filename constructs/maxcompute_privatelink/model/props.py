"""Props of the ``MaxComputePrivateLink`` construct: one deployment of ``privatelink.yaml``.

Plain pydantic, no cdktf: the same frozen model is the construct's props and one
entry under ``deployments:`` in the config file, so the file and the construct can
never disagree on what is valid. Single values are checked by their field types;
rules across fields are checked together after them and reported all at once
(``ProblemsError``), each at its own field.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from maxcompute_privatelink.errors import Problem, ProblemsError
from maxcompute_privatelink.model.fields import (
    DNS_LABEL,
    MAX_SECURITY_GROUPS,
    WIDE_PUBLIC,
    Cidr,
    DnsMode,
    EndpointId,
    Name,
    RegionId,
    SecurityGroupId,
    Url,
    VpcCidr,
    VpcId,
    VswitchId,
    ZoneId,
    _check_tags,
    _count,
    _not_everywhere,
    _unique,
    is_token,
    public_addresses,
)
from maxcompute_privatelink.model.options import (
    EniIpProps,
    PrivateZoneProps,
    ResourceGroupId,
    TimeoutsProps,
    option_problems,
)
from maxcompute_privatelink.model.plan import EXISTING_VPC_CIDR, DeploymentPlan, PrivateZoneNames
from maxcompute_privatelink.model.regions import Protocol, get_region
from maxcompute_privatelink.model.zones import zone_problems


def _zone_names(maxcompute_url: str | None, tunnel_url: str | None) -> PrivateZoneNames | str:
    """The zone and record names for the two client URLs, or why there are none."""
    hosts = [urlsplit(url).hostname or "" for url in (maxcompute_url or "", tunnel_url or "")]
    for host in hosts:
        try:
            ipaddress.ip_address(host)
        except ValueError:
            pass
        else:
            return f"private_zone needs host names, and {host!r} is an IP address; use dns: none"
        if host.count(".") < 2:
            return f"private_zone needs a host name below a domain, and {host!r} is not one"
        bad = [label for label in host.split(".") if not DNS_LABEL.fullmatch(label)]
        if bad or len(host) > 253:
            return (
                f"private_zone makes PrivateZone records of the host names, and {host!r} is "
                f"not a DNS name ({bad[0] if bad else 'too long'!r}: letters, digits and "
                "inner hyphens only); use such a host, or dns: console or none"
            )
    (mc_record, mc_zone), (dt_record, dt_zone) = (host.split(".", 1) for host in hosts)
    if mc_zone != dt_zone:
        return (
            f"private_zone puts both host names in one zone, and {hosts[0]!r} and "
            f"{hosts[1]!r} are in different domains; give endpoint_urls in one domain, or "
            "use dns: console or none"
        )
    return PrivateZoneNames(mc_zone, mc_record, dt_record)


WIDE_PREFIX = 16
"""Admitted networks wider than this are warned of: more than 65,536 addresses."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=False)


class ZoneProps(_Frozen):
    """One zone the endpoints get a NIC in, through one vSwitch of that zone."""

    zone_id: ZoneId = Field(description="Zone of the region, such as cn-shenzhen-e.")
    vswitch_id: VswitchId | None = Field(
        default=None,
        description="Existing vSwitch in that zone. Default: the vSwitch is created from "
        "vswitch_cidr (give exactly one of the two).",
    )
    vswitch_cidr: Cidr | None = Field(
        default=None,
        description="CIDR of a vSwitch to create in that zone, inside the VPC's CIDR. "
        "Default: the existing vswitch_id is used (give exactly one of the two).",
    )
    eni_ip: EniIpProps | None = Field(
        default=None,
        description="Fixed private addresses of the two endpoint NICs in this zone (for "
        "firewall rules and DNS forwarders). Changing one replaces that zone binding, "
        "which protect: true refuses. Default: the cloud picks them from the vSwitch.",
    )


class EndpointUrlsProps(_Frozen):
    """Client URLs for regions without a published PrivateLink domain (or to override it)."""

    maxcompute: Url = Field(description="MaxCompute endpoint, such as https://host/api.")
    tunnel: Url = Field(description="Tunnel endpoint, such as https://host.")


class AdoptProps(_Frozen):
    """Endpoints made by hand (the guide, in the console) for this tool to take over."""

    frontend_endpoint_id: EndpointId = Field(description="The existing frontend endpoint.")
    tunnel_endpoint_id: EndpointId = Field(description="The existing tunnel endpoint.")


class MaxComputePrivateLinkProps(_Frozen):
    """Private access to MaxCompute from one VPC in one region."""

    name: Name = Field(
        description="Deployment name: the Terraform stack's name and the prefix of the "
        "cloud resources' names."
    )
    region: RegionId = Field(description="Region id, such as cn-shenzhen (`mcpl regions`).")
    vpc_id: VpcId | None = Field(
        default=None,
        description="Existing VPC. Default: a VPC is created from vpc_cidr "
        "(give exactly one of the two).",
    )
    vpc_cidr: VpcCidr | None = Field(
        default=None,
        description="CIDR of a VPC to create, /8 to /28. Default: the existing vpc_id is used "
        "(give exactly one of the two).",
    )
    zones: Annotated[tuple[ZoneProps, ...], _count("zone", 1)] = Field(
        description="Zones that get an endpoint NIC, each through one vSwitch; two or more "
        "keep MaxCompute reachable when a zone fails."
    )
    security_group_ids: (
        Annotated[
            tuple[SecurityGroupId, ...],
            _count("security group", 1, MAX_SECURITY_GROUPS),
            _unique("security group"),
        ]
        | None
    ) = Field(
        default=None,
        description="Existing security groups for the endpoint NICs (at most 10). Default: "
        "a least-privilege group is created that admits only the client port (443 for "
        "https, 80 for http) from allowed_cidrs.",
    )
    allowed_cidrs: (
        Annotated[
            tuple[Cidr, ...],
            _count("CIDR", 1),
            AfterValidator(_not_everywhere),
            _unique("CIDR"),
        ]
        | None
    ) = Field(
        default=None,
        description="Networks that may reach the endpoints through the created security "
        "group. Default: the VPC's CIDR.",
    )
    allow_wide_public_cidrs: bool = Field(
        default=False,
        description="Admit more than a /8 of public (internet) addresses through the "
        "created security group. Default: false, and such allowed_cidrs are refused.",
    )
    protocol: Protocol = Field(
        default="https",
        description="Protocol of the client URLs. Default: https.",
    )
    dns: DnsMode = Field(
        default="private_zone",
        description="How the client host names resolve inside the VPC: private_zone "
        "creates a PrivateZone zone with CNAMEs to the endpoints (the console's Custom "
        "Domain Name switch, as code); console leaves the switch to you after apply; none "
        "has clients use each endpoint's own domain. Default: private_zone.",
    )
    ticket_approved: bool = Field(
        default=False,
        description="Set to true once the support ticket for a ticket-required region is "
        "approved. Default: false, and ticket-required regions are refused.",
    )
    endpoint_urls: EndpointUrlsProps | None = Field(
        default=None,
        description="Client URLs. Default: the region's published PrivateLink domains; "
        "required where the region has none.",
    )
    protect: bool = Field(
        default=True,
        description="lifecycle prevent_destroy on both endpoints and their zone bindings, so "
        "that no plan can destroy them; a refused destroy shows output destroy_protection "
        "above Terraform's error. Default: true; to remove a deployment on purpose, set "
        "false and synth (nothing to apply), then destroy.",
    )
    adopt: AdoptProps | None = Field(
        default=None,
        description="Take over endpoints made in the console: the first apply imports both "
        "endpoints and their zone bindings (<endpoint_id>:<zone_id>) instead of creating "
        "new ones. Needs Terraform >= 1.5. Default: the endpoints are created.",
    )
    resource_group_id: ResourceGroupId | None = Field(
        default=None,
        description="Resource group of every created resource the provider can put in one: "
        "the VPC, the security group, both endpoints and the PrivateZone zone (vSwitches, "
        "rules, records and zone bindings take none). Changing it moves them, except the "
        "zone, which is replaced. Default: the account's default resource group.",
    )
    timeouts: TimeoutsProps | None = Field(
        default=None,
        description="How long Terraform waits for the endpoints and their zone bindings. "
        "Default: the provider's 5 minutes for each wait.",
    )
    private_zone: PrivateZoneProps | None = Field(
        default=None,
        description="With dns: private_zone, an existing zone for the records, or more VPCs "
        "bound to the created one. Default: one zone per deployment, bound to its VPC.",
    )
    tags: Annotated[dict[str, str], AfterValidator(_check_tags)] = Field(
        default_factory=dict,
        description="Tags for every created resource, beside managed-by and deployment. "
        "Default: only those two.",
    )

    _plan: DeploymentPlan | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _check_together(self) -> MaxComputePrivateLinkProps:
        problems = [*self._region_problems(), *self._network_problems()]
        names: PrivateZoneNames | None = None
        if not problems and self.dns == "private_zone":
            found = _zone_names(*self._client_urls())
            if isinstance(found, str):
                problems.append(Problem(("dns",), found))
            else:
                names = self._with_zone_options(found)
        if problems:
            raise ProblemsError(problems)
        maxcompute, tunnel = self._client_urls()
        self._plan = DeploymentPlan(
            region=get_region(self.region),
            maxcompute_endpoint=maxcompute,
            tunnel_endpoint=tunnel,
            private_zone=names,
            client_port=443 if self.protocol == "https" else 80,
            admitted_networks=self._admitted_networks(),
            warnings=tuple(self._warnings()),
            known_after_apply=tuple(self._tokens()),
        )
        return self

    @property
    def plan(self) -> DeploymentPlan:
        """What these settings imply, computed once when they validated."""
        if self._plan is None:
            raise ValueError("these props were not validated (model_construct): no plan")
        return self._plan

    # -- the plan's parts ------------------------------------------------------------------

    def _with_zone_options(self, names: PrivateZoneNames) -> PrivateZoneNames:
        given = self.private_zone
        if given is None:
            return names
        return dataclasses.replace(
            names, existing_zone_id=given.zone_id, more_vpc_ids=given.vpc_ids or ()
        )

    def _client_urls(self) -> tuple[str | None, str | None]:
        """``end_point`` and ``tunnel_endpoint`` for clients; None with ``dns: none``."""
        if self.dns == "none":
            return None, None
        if self.endpoint_urls:
            return self.endpoint_urls.maxcompute, self.endpoint_urls.tunnel
        region = get_region(self.region)
        return region.maxcompute_endpoint(self.protocol), region.tunnel_endpoint(self.protocol)

    def _admitted_networks(self) -> tuple[str, ...]:
        if self.security_group_ids is not None:
            return ()
        if self.allowed_cidrs is not None:
            return self.allowed_cidrs
        return (self.vpc_cidr or EXISTING_VPC_CIDR,)

    def _tokens(self) -> list[str]:
        """The fields given as cdktf tokens, as ``zones[0].vswitch_id``."""
        found = [name for name in ("vpc_id", "vpc_cidr") if is_token(getattr(self, name))]
        for index, zone in enumerate(self.zones):
            found += [
                f"zones[{index}].{name}"
                for name in ("vswitch_id", "vswitch_cidr")
                if is_token(getattr(zone, name))
            ]
        for name in ("security_group_ids", "allowed_cidrs"):
            values: tuple[str, ...] = getattr(self, name) or ()
            found += [f"{name}[{index}]" for index, v in enumerate(values) if is_token(v)]
        return found

    def _warnings(self) -> list[Problem]:
        """What is allowed but risky: what `mcpl validate` warns of and the review flags."""
        found: list[Problem] = []
        if self.adopt is not None and self.dns == "private_zone":
            found.append(
                Problem(
                    ("adopt",),
                    "if Custom Domain Name is on in the console for the adopted endpoints, "
                    "turn it off before apply (dns: private_zone answers for the same names), "
                    "or set dns: console",
                )
            )
        if len(self.zones) == 1:
            found.append(
                Problem(
                    ("zones",),
                    f"only one zone ({self.zones[0].zone_id}): MaxCompute becomes unreachable "
                    "from this VPC when that zone fails; add a second zone",
                )
            )
        if self.protocol == "http":
            found.append(
                Problem(
                    ("protocol",),
                    "http, not https: client traffic to MaxCompute is not encrypted; use "
                    "protocol: https (the default)",
                )
            )
        found += self._network_warnings()
        if self.dns == "console":
            found.append(
                Problem(
                    ("dns",),
                    "console: turn on Custom Domain Name for both endpoints in the console "
                    "after apply (it has no API); until then clients resolve the public "
                    "addresses",
                )
            )
        return found

    def _network_warnings(self) -> list[Problem]:
        """Admitted networks that are public, or wider than a /16 (WIDE_PREFIX)."""
        if self.security_group_ids is not None:
            return []
        given = self.allowed_cidrs is not None
        found: list[Problem] = []
        for index, network in enumerate(self._admitted_networks()):
            if network == EXISTING_VPC_CIDR or is_token(network):
                continue
            loc: tuple[str | int, ...] = ("allowed_cidrs", index) if given else ("vpc_cidr",)
            parsed = ipaddress.ip_network(network, strict=False)
            if not parsed.is_private:
                found.append(Problem(loc, f"{network} is not a private network, and may connect"))
            elif parsed.prefixlen < WIDE_PREFIX:
                found.append(
                    Problem(
                        loc,
                        f"{network} is wide: {parsed.num_addresses:,} addresses may connect; "
                        "narrow it to your clients' networks",
                    )
                )
        return found

    # -- rules across fields -----------------------------------------------------------

    def _region_problems(self) -> list[Problem]:
        region = get_region(self.region)
        problems: list[Problem] = []
        if region.ticket_required and not self.ticket_approved:
            problems.append(Problem(("ticket_approved",), region.ticket_problem))
        if self.dns == "none":
            if self.endpoint_urls is not None:
                problems.append(
                    Problem(
                        ("endpoint_urls",),
                        "cannot be used with dns: none, where clients use each endpoint's own "
                        "domain; drop endpoint_urls, or choose dns: private_zone or console",
                    )
                )
            return problems
        if self.endpoint_urls is None and region.maxcompute_host is None:
            problems.append(
                Problem(
                    ("endpoint_urls",),
                    f"{region.id} has no published MaxCompute PrivateLink domain; set "
                    "endpoint_urls.maxcompute and endpoint_urls.tunnel to the URLs your "
                    "ticket gave",
                )
            )
        if self.endpoint_urls is not None:
            for key in ("maxcompute", "tunnel"):
                url: str = getattr(self.endpoint_urls, key)
                if urlsplit(url).scheme != self.protocol:
                    problems.append(
                        Problem(
                            ("endpoint_urls", key),
                            f"{url!r} does not use protocol {self.protocol}; write "
                            f"{self.protocol}://... or set protocol to match",
                        )
                    )
        return problems

    def _network_problems(self) -> list[Problem]:
        problems: list[Problem] = []
        if (self.vpc_id is None) == (self.vpc_cidr is None):
            which = "both" if self.vpc_id else "neither"
            problems.append(
                Problem(
                    ("vpc_id",),
                    f"{which} of vpc_id and vpc_cidr given; give vpc_id to use an existing "
                    "VPC or vpc_cidr to create one",
                )
            )
        if (
            self.allowed_cidrs is not None
            and not self.allow_wide_public_cidrs
            and public_addresses(self.allowed_cidrs) > WIDE_PUBLIC
        ):
            count = public_addresses(self.allowed_cidrs)
            problems.append(
                Problem(
                    ("allowed_cidrs",),
                    f"{', '.join(self.allowed_cidrs)} admit {count:,} public (internet) "
                    f"addresses, more than a /8 ({WIDE_PUBLIC:,}); list your clients' "
                    "networks, or set allow_wide_public_cidrs: true if you mean it",
                )
            )
        if self.allowed_cidrs is not None and self.security_group_ids is not None:
            problems.append(
                Problem(
                    ("allowed_cidrs",),
                    "only applies to the security group this tool creates, and "
                    "security_group_ids are given; allow the clients in those groups, or "
                    "drop security_group_ids to have a least-privilege group created",
                )
            )
        if self.adopt is not None:
            problems.extend(self._adopt_problems(self.adopt))
        problems.extend(zone_problems(self))
        problems.extend(option_problems(self))
        return problems

    def _adopt_problems(self, adopt: AdoptProps) -> list[Problem]:
        problems: list[Problem] = []
        if adopt.frontend_endpoint_id == adopt.tunnel_endpoint_id:
            problems.append(
                Problem(
                    ("adopt", "tunnel_endpoint_id"),
                    f"{adopt.tunnel_endpoint_id!r} is also the frontend endpoint; the "
                    "pair is two endpoints, one per endpoint service",
                )
            )
        if self.vpc_cidr is not None:
            problems.append(
                Problem(
                    ("adopt",),
                    "adopted endpoints sit in an existing VPC; give its vpc_id instead of vpc_cidr",
                )
            )
        for index, zone in enumerate(self.zones):
            if zone.vswitch_cidr is not None:
                problems.append(
                    Problem(
                        ("zones", index, "vswitch_cidr"),
                        "adopted endpoints have their NICs in existing vSwitches; give the "
                        f"vswitch_id the endpoints use in {zone.zone_id}",
                    )
                )
        return problems
