"""The rules of a deployment's zones: each zone once and in its region, one vSwitch of
its own (given, or created inside the VPC's block without overlap), and the endpoint
NICs' fixed addresses inside their vSwitches."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from maxcompute_privatelink.errors import Problem
from maxcompute_privatelink.model.fields import is_token
from maxcompute_privatelink.model.regions import REGIONS, Region, get_region

if TYPE_CHECKING:
    from maxcompute_privatelink.model.props import MaxComputePrivateLinkProps


def _zone_hint(region: Region, zone_id: str) -> str:
    """What to write instead of ``zone_id``: when it is another region's zone, that the
    region may be the mistake; else the zone of ``region`` with its letter."""
    other = next((r for r in REGIONS.values() if r.is_zone(zone_id)), None)
    if other is not None:
        return (
            f"it is a zone of {other.id}: if the VPC is in {other.id}, set region: "
            f"{other.id}; else use a zone of {region.id}, like {region.zone_example()}"
        )
    letter = zone_id[-1:].lower()
    if letter.isalpha() and letter.isascii():
        return f"did you mean {region.zone_id(letter)}?"
    return f"its zone ids look like {region.zone_example()}"


def zone_problems(props: MaxComputePrivateLinkProps) -> list[Problem]:
    """Each zone once, in its region, with one vSwitch of its own: given, or created
    from a block inside the VPC's that overlaps no other; then the NICs' fixed
    addresses."""
    region = get_region(props.region)
    vpc = (
        ipaddress.ip_network(props.vpc_cidr)
        if props.vpc_cidr is not None and not is_token(props.vpc_cidr)
        else None
    )
    problems: list[Problem] = []
    seen_zones: set[str] = set()
    vswitch_zone: dict[str, str] = {}
    placed: list[tuple[int, ipaddress.IPv4Network | ipaddress.IPv6Network]] = []
    for index, zone in enumerate(props.zones):
        if not region.is_zone(zone.zone_id):
            problems.append(
                Problem(
                    ("zones", index, "zone_id"),
                    f"{zone.zone_id!r} is not a zone of {region.id}; "
                    + _zone_hint(region, zone.zone_id),
                )
            )
        if zone.zone_id in seen_zones:
            problems.append(
                Problem(
                    ("zones", index, "zone_id"),
                    f"{zone.zone_id!r} is listed twice; one vSwitch per zone is allowed",
                )
            )
        seen_zones.add(zone.zone_id)
        if zone.vswitch_id is not None:
            first = vswitch_zone.setdefault(zone.vswitch_id, zone.zone_id)
            if first != zone.zone_id:
                problems.append(
                    Problem(
                        ("zones", index, "vswitch_id"),
                        f"{zone.vswitch_id!r} is also given for {first}; a vSwitch lies "
                        "in one zone: give each zone a vSwitch of its own",
                    )
                )
        if (zone.vswitch_id is None) == (zone.vswitch_cidr is None):
            which = "both" if zone.vswitch_id else "neither"
            problems.append(
                Problem(
                    ("zones", index, "vswitch_id"),
                    f"{which} of vswitch_id and vswitch_cidr given for {zone.zone_id}; "
                    "give vswitch_id to use an existing vSwitch or vswitch_cidr to "
                    "create one",
                )
            )
        elif zone.vswitch_id is not None and props.vpc_cidr is not None:
            problems.append(
                Problem(
                    ("zones", index, "vswitch_id"),
                    f"{zone.vswitch_id!r} cannot be in a VPC that vpc_cidr creates; give "
                    "vswitch_cidr instead",
                )
            )
        if zone.vswitch_cidr is None or is_token(zone.vswitch_cidr):
            continue  # no block, or one known only at apply time
        subnet = ipaddress.ip_network(zone.vswitch_cidr)
        if not 16 <= subnet.prefixlen <= 29:
            problems.append(
                Problem(
                    ("zones", index, "vswitch_cidr"),
                    f"{zone.vswitch_cidr!r} has a /{subnet.prefixlen} mask; vSwitch "
                    "masks must be /16 to /29",
                )
            )
        if vpc is not None and not subnet.subnet_of(vpc):  # type: ignore[arg-type]
            problems.append(
                Problem(
                    ("zones", index, "vswitch_cidr"),
                    f"{zone.vswitch_cidr!r} is outside the VPC's {props.vpc_cidr}; choose "
                    f"a block inside {props.vpc_cidr}",
                )
            )
        for other_index, other in placed:
            if subnet.overlaps(other):
                problems.append(
                    Problem(
                        ("zones", index, "vswitch_cidr"),
                        f"{zone.vswitch_cidr!r} overlaps {other} of zones[{other_index}]; "
                        "vSwitch blocks must not overlap",
                    )
                )
        placed.append((index, subnet))
    return [*problems, *_eni_problems(props)]


def _eni_problems(props: MaxComputePrivateLinkProps) -> list[Problem]:
    """Each fixed address inside its created vSwitch, off the addresses the vSwitch keeps
    (the first and the last three: VPC API reference, CreateVSwitchCidrReservation), and
    given once."""
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for index, zone in enumerate(props.zones):
        for role in ("frontend", "tunnel"):
            address = getattr(zone.eni_ip, role) if zone.eni_ip is not None else None
            if address is None:
                continue
            where = ("zones", index, "eni_ip", role)
            first = seen.setdefault(address, f"zones[{index}].eni_ip.{role}")
            if first != f"zones[{index}].eni_ip.{role}":
                problems.append(
                    Problem(where, f"{address} is also {first}; each NIC needs its own address")
                )
            if zone.vswitch_cidr is None or is_token(zone.vswitch_cidr):
                continue  # an existing vSwitch: the API checks the address at apply
            block = ipaddress.IPv4Network(zone.vswitch_cidr)
            ip = ipaddress.IPv4Address(address)
            if ip not in block:
                problems.append(
                    Problem(where, f"{address} is outside the vSwitch's {block}; choose one in it")
                )
            elif ip == block[0] or ip >= block[-3]:
                problems.append(
                    Problem(
                        where,
                        f"{address} is one the vSwitch keeps (the first and the last three of "
                        f"{block}); choose one from {block[1]} to {block[-4]}",
                    )
                )
    return problems
