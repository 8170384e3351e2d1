"""What platform teams set beyond the guide, all of it arguments the provider already
has: the resource group, fixed NIC addresses, the provider's wait times, and where the
PrivateZone records live. Their types, and the rules that tie them to the rest of a
deployment (``option_problems``, called by the props' check across fields).
"""

from __future__ import annotations

import ipaddress
import re
from typing import TYPE_CHECKING, Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from maxcompute_privatelink.errors import Problem
from maxcompute_privatelink.model.fields import (
    VpcId,
    _count,
    _resource_id,
    _schema_pattern,
    _unique,
    shown,
)

if TYPE_CHECKING:
    from maxcompute_privatelink.model.props import MaxComputePrivateLinkProps

ResourceGroupId = Annotated[
    str, _resource_id("rg", "resource group"), _schema_pattern("rg-[a-z0-9]+")
]

_DURATION = re.compile(r"(?:(?P<h>[0-9]+)h)?(?:(?P<m>[0-9]+)m)?(?:(?P<s>[0-9]+)s)?")
MAX_WAIT_SECONDS = 24 * 3600


MIN_WAIT_SECONDS = 120
"""The provider first checks a new endpoint or zone binding 60 s after creating it
(BuildStateConf delay, alicloud/resource_alicloud_privatelink_vpc_endpoint.go:224 and
resource_alicloud_privatelink_vpc_endpoint_zone.go:118): a shorter wait always fails."""


def _check_duration(value: str) -> str:
    """A Terraform timeout as the provider parses it (Go's ``time.ParseDuration``), kept
    to whole hours, minutes and seconds, from 2 minutes to 24 hours."""
    found = _DURATION.fullmatch(value)
    if not value or found is None:
        raise ValueError(
            f"{shown(value)} is not a duration: write hours, minutes and seconds such as "
            "10m, 1h or 1h30m"
        )
    seconds = sum(
        int(found[unit] or 0) * factor for unit, factor in (("h", 3600), ("m", 60), ("s", 1))
    )
    if seconds < MIN_WAIT_SECONDS:
        raise ValueError(
            f"{value!r} is shorter than 2m, and the provider first checks a new endpoint a "
            "minute after creating it; give 2m or more, such as 10m"
        )
    if seconds > MAX_WAIT_SECONDS:
        raise ValueError(
            f"{value!r} is longer than 24h, which only delays the failure a wait reports; "
            "give 24h or less"
        )
    return value


Duration = Annotated[str, AfterValidator(_check_duration)]


def _check_ipv4_address(value: str) -> str:
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        raise ValueError(f"{shown(value)} is not an IPv4 address such as 10.0.1.10") from None
    if address.version != 4:
        raise ValueError(f"{value!r} is not an IPv4 address such as 10.0.1.10")
    return value


EniAddress = Annotated[str, AfterValidator(_check_ipv4_address)]


_PVTZ_ZONE_ID = re.compile(r"[0-9a-z]{16,64}")


def _check_zone_id(value: str) -> str:
    if not _PVTZ_ZONE_ID.fullmatch(value):
        raise ValueError(
            f"{shown(value)} is not a PrivateZone zone id: 16 to 64 lowercase letters and "
            "digits, as the PrivateZone console shows it"
        )
    return value


PrivateZoneId = Annotated[str, AfterValidator(_check_zone_id)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class EniIpProps(_Frozen):
    """Fixed private addresses of one zone's two endpoint NICs."""

    frontend: EniAddress | None = Field(
        default=None,
        description="Address of the frontend endpoint's NIC in this zone. Default: the "
        "cloud picks one from the vSwitch.",
    )
    tunnel: EniAddress | None = Field(
        default=None,
        description="Address of the tunnel endpoint's NIC in this zone. Default: the cloud "
        "picks one from the vSwitch.",
    )


class TimeoutsProps(_Frozen):
    """How long the provider waits for each endpoint and zone binding."""

    create: Duration | None = Field(
        default=None,
        description="Until an endpoint is Active, or a zone binding Connected. Default: "
        "the provider's 5m.",
    )
    update: Duration | None = Field(
        default=None, description="For an endpoint's change to settle. Default: 5m."
    )
    delete: Duration | None = Field(
        default=None,
        description="Until an endpoint or zone binding is gone. Default: 5m.",
    )


class PrivateZoneProps(_Frozen):
    """Where ``dns: private_zone`` puts the two records."""

    zone_id: PrivateZoneId | None = Field(
        default=None,
        description="An existing PrivateZone zone for the records, named as the client "
        "URLs' domain and already bound to the deployment's VPC; its other records and "
        "its VPC bindings stay as they are. Default: a zone is created and bound.",
    )
    vpc_ids: Annotated[tuple[VpcId, ...], _count("VPC", 1), _unique("VPC")] | None = Field(
        default=None,
        description="More VPCs bound to the created zone (peered ones whose clients "
        "reach the endpoints). Default: only the deployment's VPC.",
    )


def option_problems(props: MaxComputePrivateLinkProps) -> list[Problem]:
    """The rules that tie these options to the rest of a deployment (the NIC addresses'
    are with the zones': ``model.zones``)."""
    return _private_zone_problems(props)


def _private_zone_problems(props: MaxComputePrivateLinkProps) -> list[Problem]:
    given = props.private_zone
    if given is None:
        return []
    if props.dns != "private_zone":
        return [
            Problem(
                ("private_zone",),
                f"only applies with dns: private_zone, and dns is {props.dns}; drop "
                "private_zone or set dns: private_zone",
            )
        ]
    problems: list[Problem] = []
    if given.zone_id is not None and given.vpc_ids is not None:
        problems.append(
            Problem(
                ("private_zone", "vpc_ids"),
                "binds VPCs to the zone this tool creates, and zone_id names an existing one, "
                "whose VPC bindings stay its owner's; bind those VPCs to it there, or drop "
                "zone_id",
            )
        )
    if given.zone_id is not None and props.vpc_cidr is not None:
        problems.append(
            Problem(
                ("private_zone", "zone_id"),
                "an existing zone must already be bound to the deployment's VPC, and vpc_cidr "
                "creates a new one; create the VPC first and give its vpc_id, or drop zone_id",
            )
        )
    if given.vpc_ids is not None and props.vpc_id is not None and props.vpc_id in given.vpc_ids:
        problems.append(
            Problem(
                ("private_zone", "vpc_ids"),
                f"{props.vpc_id!r} is the deployment's own VPC, which the zone is always "
                "bound to; list only the other VPCs",
            )
        )
    return problems
