"""maxcompute-privatelink: private MaxCompute access from Alibaba Cloud VPCs, as code.

The public API: the construct and its props (usable from any CDKTF Python app), the
config file model, and the region catalog. Names are imported on first use, so that
the CLI starts fast; cdktf is imported only by the construct modules, so validating a
config never starts Node.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "REGIONS": "maxcompute_privatelink.model.regions",
    "Region": "maxcompute_privatelink.model.regions",
    "get_region": "maxcompute_privatelink.model.regions",
    "PrivateLinkConfig": "maxcompute_privatelink.model.config",
    "load_config": "maxcompute_privatelink.model.config",
    "EndpointUrlsProps": "maxcompute_privatelink.model.props",
    "MaxComputePrivateLinkProps": "maxcompute_privatelink.model.props",
    "ZoneProps": "maxcompute_privatelink.model.props",
    "MaxComputePrivateLink": "maxcompute_privatelink.construct.privatelink",
    "CustomDomainName": "maxcompute_privatelink.construct.custom_domain_name",
    "CustomDomainNameProps": "maxcompute_privatelink.construct.custom_domain_name",
}

__all__ = [
    "REGIONS",
    "CustomDomainName",
    "CustomDomainNameProps",
    "EndpointUrlsProps",
    "MaxComputePrivateLink",
    "MaxComputePrivateLinkProps",
    "PrivateLinkConfig",
    "Region",
    "ZoneProps",
    "__version__",
    "get_region",
    "load_config",
]

if TYPE_CHECKING:
    from maxcompute_privatelink.construct.custom_domain_name import (
        CustomDomainName,
        CustomDomainNameProps,
    )
    from maxcompute_privatelink.construct.privatelink import MaxComputePrivateLink
    from maxcompute_privatelink.model.config import PrivateLinkConfig, load_config
    from maxcompute_privatelink.model.props import (
        EndpointUrlsProps,
        MaxComputePrivateLinkProps,
        ZoneProps,
    )
    from maxcompute_privatelink.model.regions import REGIONS, Region, get_region


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'maxcompute_privatelink' has no attribute {name!r}")
