"""What a deployment's settings imply, computed once when they validate.

The props (``model.props``) hold the fields a user writes and the rules across them;
the plan holds what follows from them: the client URLs, the PrivateZone names, the port
and networks the created security group admits, and the warnings. The construct,
render and summary read the plan; none computes any of it again.
"""

from __future__ import annotations

from dataclasses import dataclass

from maxcompute_privatelink.errors import Problem
from maxcompute_privatelink.model.regions import Region

EXISTING_VPC_CIDR = "the existing VPC's CIDR"
"""Stands for an existing VPC's CIDR, which Terraform reads at plan time."""


@dataclass(frozen=True)
class PrivateZoneNames:
    """One PrivateZone zone holding both client host names."""

    zone_name: str
    maxcompute_record: str
    tunnel_record: str
    existing_zone_id: str | None = None
    """The records go into this existing zone (``private_zone.zone_id``), which is
    neither created nor bound; None: a zone is created and bound to the VPC."""
    more_vpc_ids: tuple[str, ...] = ()
    """VPCs bound to the created zone besides the deployment's own."""


@dataclass(frozen=True)
class DeploymentPlan:
    """The derived values of one valid deployment."""

    region: Region
    """The region's catalog entry (services, published domains, zones)."""
    maxcompute_endpoint: str | None
    """The URL clients put in ``end_point``; None with ``dns: none``, where it is the
    frontend endpoint's own domain, known only after apply."""
    tunnel_endpoint: str | None
    """The URL clients put in ``tunnel_endpoint``; None with ``dns: none``."""
    private_zone: PrivateZoneNames | None
    """The zone and records ``dns: private_zone`` creates; None in the other modes."""
    client_port: int
    """443 for https, 80 for http."""
    admitted_networks: tuple[str, ...]
    """What a created security group admits on the client port: allowed_cidrs, else the
    VPC's CIDR (``EXISTING_VPC_CIDR`` when only an existing VPC knows it). Empty when
    security_group_ids are given and no group is created."""
    warnings: tuple[Problem, ...]
    """What is allowed but worth a second look."""
    known_after_apply: tuple[str, ...]
    """The fields given as cdktf tokens (``vpc_id``, ``zones[0].vswitch_id``, ...): their
    values are known only at apply time, so only Terraform checks them. Empty for every
    config file; a CDKTF app passing its own resources' ids fills it."""
