"""maxcompute-privatelink: private MaxCompute access from Alibaba Cloud VPCs, as code.

The public API: the construct and its props (usable from any CDKTF Python app), the
config file model, and the region catalog. cdktf is imported only by the construct
modules, so validating a config never starts Node.
"""

from maxcompute_privatelink.config import PrivateLinkConfig, load_config
from maxcompute_privatelink.privatelink_props import (
    EndpointUrlsProps,
    MaxComputePrivateLinkProps,
    ZoneProps,
)
from maxcompute_privatelink.regions import REGIONS, Region, get_region

__version__ = "0.1.0"

__all__ = [
    "REGIONS",
    "EndpointUrlsProps",
    "MaxComputePrivateLinkProps",
    "PrivateLinkConfig",
    "Region",
    "ZoneProps",
    "__version__",
    "get_region",
    "load_config",
]
