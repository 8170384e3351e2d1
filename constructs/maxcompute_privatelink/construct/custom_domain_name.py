"""``CustomDomainName``: the console's "Custom Domain Name" switch, as code.

The switch (the guide's step 2) makes the PrivateLink domains of MaxCompute resolve to
the endpoints inside the VPC; it has no API and no provider argument. This construct
does the same with PrivateZone: one zone holding both host names, with
``proxy_pattern = "RECORD"`` so that names not in the zone resolve as before; a CNAME
from each host name to its endpoint's own domain; the zone attached to the VPC.

Never combine it with the console switch on the same endpoints: both would answer
for the same names.
"""

from __future__ import annotations

from typing import Annotated

from constructs import Construct
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainValidator

from maxcompute_privatelink.construct import bindings as alicloud
from maxcompute_privatelink.construct.cdk import cdktf
from maxcompute_privatelink.construct.conditions import found, found_once, if_found, quoted
from maxcompute_privatelink.construct.naming import element_id, name_element, register
from maxcompute_privatelink.construct.requirements import require_alicloud
from maxcompute_privatelink.model.fields import check_dns_label, check_dns_name, is_token

RECORD_TTL = 60
"""Seconds: short, so that a replaced endpoint is picked up within a minute."""

ZONE_REMARK = "MaxCompute-PrivateLink-Custom-Domain-Name"
"""The zone's remark. PrivateZone takes at most 50 characters of letters, digits, Chinese
and ``_ - , .`` in a remark (error ``Zone.Remark``, API UpdateZoneRemark), and the
provider passes it through unchecked: no spaces, no parentheses. The records' remarks
(``MaxCompute-frontend-endpoint``, ``MaxCompute-tunnel-endpoint``) follow the same rule."""


def _keep_string(value: object) -> str:
    """A string as given, subclass included: references (``bindings.Reference``) and
    cdktf tokens must reach the bindings as they are."""
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a string")
    return value


ValueOrReference = Annotated[str, PlainValidator(_keep_string)]


class CustomDomainNameProps(BaseModel):
    """What the zone needs; endpoint domains and the VPC id may be Terraform references."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    zone_name: Annotated[str, AfterValidator(check_dns_name)] = Field(
        description="The zone, such as cn-shenzhen-vpc.maxcompute.aliyun-inc.com."
    )
    maxcompute_record: Annotated[str, AfterValidator(check_dns_label)] = Field(
        description="Host of the MaxCompute endpoint inside the zone, such as service-pvl."
    )
    tunnel_record: Annotated[str, AfterValidator(check_dns_label)] = Field(
        description="Host of the Tunnel endpoint inside the zone, such as dt-pvl."
    )
    vpc_id: ValueOrReference = Field(description="The VPC the zone answers in.")
    frontend_endpoint_domain: ValueOrReference = Field(
        description="Target of the MaxCompute record."
    )
    tunnel_endpoint_domain: ValueOrReference = Field(description="Target of the Tunnel record.")
    tags: dict[str, str] = Field(
        default_factory=dict, description="Tags of the zone. Default: none."
    )
    resource_group_id: str | None = Field(
        default=None,
        description="Resource group of the created zone. Default: the account's default.",
    )
    existing_zone_id: str | None = Field(
        default=None,
        description="Put the records into this existing zone, which must be named zone_name "
        "and be bound to vpc_id already (both checked at plan time); it is neither "
        "created nor bound, and its other records and bindings are left alone. Default: "
        "a zone is created and bound.",
    )
    more_vpc_ids: tuple[str, ...] = Field(
        default=(),
        description="VPCs bound to the created zone besides vpc_id. Default: none.",
    )


class CustomDomainName(Construct):
    """Both MaxCompute PrivateLink host names, resolving to the endpoints in one VPC."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        props: CustomDomainNameProps,
        *,
        logical_prefix: str | None = None,
        provider: cdktf.TerraformProvider | None = None,
    ) -> None:
        """``logical_prefix``: resources are addressed ``<logical_prefix>_<role>``. Default:
        the construct's path below its stack.

        ``provider``: the alicloud provider the zone, records and attachment use.
        Default: the stack's default alicloud provider."""
        super().__init__(scope, id)
        register(self, scope, id, logical_prefix)
        self._props = props
        self._provider = provider
        require_alicloud(self, scope, provider)
        self._zone: alicloud.PvtzZone | None = None
        self._lookup: alicloud.DataAlicloudPvtzZones | None = None
        self._attachment: alicloud.PvtzZoneAttachment | None = None
        if props.existing_zone_id is not None:
            self._lookup = self._check_zone(props.existing_zone_id)
            zone_id = props.existing_zone_id
        else:
            self._zone = alicloud.PvtzZone(
                self,
                element_id(self, "zone"),
                provider=self._provider,
                zone_name=props.zone_name,
                proxy_pattern="RECORD",
                remark=ZONE_REMARK,
                resource_group_id=props.resource_group_id,
                tags=props.tags,
            )
            name_element(self, self._zone, "zone")
            zone_id = self._zone.reference("id")
        self._zone_id = zone_id
        self._records: list[alicloud.PvtzZoneRecord] = []
        for role, record, target in (
            ("frontend", props.maxcompute_record, props.frontend_endpoint_domain),
            ("tunnel", props.tunnel_record, props.tunnel_endpoint_domain),
        ):
            cname = alicloud.PvtzZoneRecord(
                self,
                element_id(self, role),
                provider=self._provider,
                zone_id=zone_id,
                rr=record,
                type="CNAME",
                value=target,
                ttl=RECORD_TTL,
                remark=f"MaxCompute-{role}-endpoint",
            )
            name_element(self, cname, role)
            self._records.append(cname)
        if self._zone is not None:
            self._attachment = alicloud.PvtzZoneAttachment(
                self,
                element_id(self, "vpc"),
                provider=self._provider,
                zone_id=zone_id,
                vpc_ids=[props.vpc_id, *props.more_vpc_ids],
            )
            name_element(self, self._attachment, "vpc")

    def _check_zone(self, zone_id: str) -> alicloud.DataAlicloudPvtzZones:
        """A lookup of the existing zone whose postconditions fail the plan, before any
        record is written, when it is missing, has another name, or (for a VPC id known
        at plan time) does not answer in the VPC."""
        props = self._props
        zone = f"PrivateZone zone {alicloud.literal(zone_id)}"
        conditions = [
            found_once(
                "zones",
                f"{zone} does not exist in this account; give the id of an existing zone, or "
                "drop private_zone.zone_id to have one created.",
            ),
            if_found(
                "zones",
                f"one(self.zones[*].zone_name) == {quoted(props.zone_name)}",
                f"{zone} is named {found('zones', 'zone_name')}, and the client URLs need "
                f"{alicloud.literal(props.zone_name)}; give the id of a zone of that name.",
            ),
        ]
        if not is_token(props.vpc_id) and not props.vpc_id.startswith("${"):
            vpc = alicloud.literal(props.vpc_id)
            conditions.append(
                if_found(
                    "zones",
                    f"contains(flatten(self.zones[*].bind_vpcs[*].vpc_id), {quoted(props.vpc_id)})",
                    f"{zone} is not bound to {vpc}, so its records would not answer there; bind "
                    f"{vpc} to it in the PrivateZone console, then plan again.",
                )
            )
        lookup = alicloud.DataAlicloudPvtzZones(
            self,
            element_id(self, "zone"),
            provider=self._provider,
            ids=[zone_id],
            enable_details=True,
            lifecycle=cdktf.TerraformResourceLifecycle(postcondition=conditions),
        )
        name_element(self, lookup, "zone")
        return lookup

    @property
    def props(self) -> CustomDomainNameProps:
        return self._props

    @property
    def zone(self) -> alicloud.PvtzZone | None:
        """The created zone; None when the records go into an existing one."""
        return self._zone

    @property
    def zone_check(self) -> alicloud.DataAlicloudPvtzZones | None:
        """The lookup of the existing zone (``existing_zone_id``); None otherwise."""
        return self._lookup

    @property
    def records(self) -> tuple[alicloud.PvtzZoneRecord, ...]:
        """The MaxCompute (frontend) record, then the Tunnel one."""
        return tuple(self._records)

    @property
    def attachment(self) -> alicloud.PvtzZoneAttachment | None:
        """The created zone's VPC binding; None for an existing zone, whose bindings are
        its owner's: an attachment sets a zone's whole VPC list, and its delete unbinds
        every VPC (BindZoneVpc with no Vpcs, alicloud/resource_alicloud_pvtz_zone_attachment.go
        :249-263 at 81c43b67)."""
        return self._attachment

    @property
    def zone_id(self) -> str:
        """The zone the records are in: the created zone's id (a token), or the given one."""
        return self._zone.id if self._zone is not None else self._zone_id

    @property
    def zone_reference(self) -> str:
        """``zone_id`` as text, for wiring inside one stack."""
        return self._zone_id
