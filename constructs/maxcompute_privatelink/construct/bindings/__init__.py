"""Thin typed bindings (L1) of the alicloud provider: one class per Terraform type.

Generated from ``schema/alicloud-provider-subset.json`` by ``tools/generate_bindings.py``
(all but ``_base.py``, the mechanics they share, and ``provider.py``): every settable
argument as a typed keyword argument under its Terraform name, every computed attribute
as a property, Terraform's meta-arguments; no defaults, no logic.
``tests/test_bindings_schema.py`` regenerates them and checks them against the schema.
"""

from maxcompute_privatelink.construct.bindings._base import (
    PREVENT_DESTROY,
    AlicloudDataSource,
    AlicloudResource,
    Kind,
    literal,
)
from maxcompute_privatelink.construct.bindings.data_pvtz_zones import DataAlicloudPvtzZones
from maxcompute_privatelink.construct.bindings.data_vpcs import DataAlicloudVpcs
from maxcompute_privatelink.construct.bindings.data_vswitches import DataAlicloudVswitches
from maxcompute_privatelink.construct.bindings.privatelink_vpc_endpoint import (
    PrivatelinkVpcEndpoint,
)
from maxcompute_privatelink.construct.bindings.privatelink_vpc_endpoint_zone import (
    PrivatelinkVpcEndpointZone,
)
from maxcompute_privatelink.construct.bindings.provider import (
    PROVIDER_SOURCE,
    PROVIDER_VERSION_CONSTRAINT,
    AlicloudProvider,
)
from maxcompute_privatelink.construct.bindings.pvtz_zone import PvtzZone
from maxcompute_privatelink.construct.bindings.pvtz_zone_attachment import PvtzZoneAttachment
from maxcompute_privatelink.construct.bindings.pvtz_zone_record import PvtzZoneRecord
from maxcompute_privatelink.construct.bindings.security_group import SecurityGroup
from maxcompute_privatelink.construct.bindings.security_group_rule import SecurityGroupRule
from maxcompute_privatelink.construct.bindings.vpc import Vpc
from maxcompute_privatelink.construct.bindings.vswitch import Vswitch

RESOURCES: tuple[type[AlicloudResource], ...] = (
    PrivatelinkVpcEndpoint,
    PrivatelinkVpcEndpointZone,
    Vpc,
    Vswitch,
    SecurityGroup,
    SecurityGroupRule,
    PvtzZone,
    PvtzZoneRecord,
    PvtzZoneAttachment,
)
DATA_SOURCES: tuple[type[AlicloudDataSource], ...] = (
    DataAlicloudVpcs,
    DataAlicloudVswitches,
    DataAlicloudPvtzZones,
)

__all__ = [
    "DATA_SOURCES",
    "PREVENT_DESTROY",
    "PROVIDER_SOURCE",
    "PROVIDER_VERSION_CONSTRAINT",
    "RESOURCES",
    "AlicloudDataSource",
    "AlicloudProvider",
    "AlicloudResource",
    "DataAlicloudPvtzZones",
    "DataAlicloudVpcs",
    "DataAlicloudVswitches",
    "Kind",
    "PrivatelinkVpcEndpoint",
    "PrivatelinkVpcEndpointZone",
    "PvtzZone",
    "PvtzZoneAttachment",
    "PvtzZoneRecord",
    "SecurityGroup",
    "SecurityGroupRule",
    "Vpc",
    "Vswitch",
    "literal",
]
