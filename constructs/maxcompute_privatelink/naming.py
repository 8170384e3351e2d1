"""Terraform addresses of the constructs' resources: fixed, readable, unique per stack.

An address is a public contract (renaming it means destroy and recreate), so no
construct leaves it to cdktf's hashed default: each resource is named after the path of
its construct below the stack, plus its role, as in
``alicloud_privatelink_vpc_endpoint.maxcompute_frontend``.
"""

from __future__ import annotations

import re

import cdktf
from constructs import Construct


def slug(text: str) -> str:
    """``cn-shenzhen-e`` -> ``cn_shenzhen_e``: a Terraform identifier."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def name_element(owner: Construct, element: cdktf.TerraformElement, role: str) -> None:
    """Give ``element`` (a child of ``owner``) the address ``<owner path>_<role>``."""
    stack_path = cdktf.TerraformStack.of(owner).node.path
    below = owner.node.path[len(stack_path) :].strip("/")
    element.override_logical_id(slug(f"{below}_{role}"))
