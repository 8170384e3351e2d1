"""Terraform addresses of the constructs' resources: fixed, readable, unique per stack.

An address is a public contract (renaming it means destroy and recreate), so no
construct leaves it to cdktf's hashed default: each resource is named after the path of
its construct below the stack, plus its role, as in
``alicloud_privatelink_vpc_endpoint.maxcompute_frontend``.
"""

from __future__ import annotations

import re

from constructs import Construct

from maxcompute_privatelink.construct.cdk import cdktf


def slug(text: str) -> str:
    """``cn-shenzhen-e`` -> ``cn_shenzhen_e``: a Terraform identifier."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


_PREFIX = "_mcpl_logical_prefix"
_NATIVE = "_mcpl_native_ids"
HIDDEN_ID = "Default"
"""cdktf (like the AWS CDK) leaves constructs with this id out of logical ids."""


def register(owner: Construct, scope: Construct, id: str, prefix: str | None) -> None:
    """Fix ``owner``'s address prefix from what Python already knows, without asking jsii
    (every question is a round trip to Node, and synth time is mostly round trips).

    The prefix is ``prefix`` when given, else the scope's prefix and ``id``, else ``id``
    at the top of a stack. When ``owner`` and every construct between it and the stack
    have the id ``Default``, cdktf's own logical id of a child named ``<prefix>_<role>``
    is exactly that, and ``name_element`` need not override it.
    """
    parent: str | None = scope.__dict__.get(_PREFIX)
    at_stack = isinstance(scope, cdktf.TerraformStack)
    if prefix is None:
        if parent is not None:
            prefix = slug(f"{parent}_{id}")
        elif at_stack:
            prefix = slug(id)
    if prefix is not None:
        owner.__dict__[_PREFIX] = prefix
    owner.__dict__[_NATIVE] = id == HIDDEN_ID and (at_stack or bool(scope.__dict__.get(_NATIVE)))


def is_native(owner: Construct) -> bool:
    """Whether cdktf's own logical ids of ``owner``'s children are their construct ids."""
    return bool(owner.__dict__.get(_NATIVE))


def _prefix(owner: Construct) -> str:
    """``owner``'s path below its stack, as an identifier (asked of jsii only when
    ``register`` could not tell, once per owner)."""
    cached: str | None = owner.__dict__.get(_PREFIX)
    if cached is None:
        stack_path = cdktf.TerraformStack.of(owner).node.path
        cached = slug(owner.node.path[len(stack_path) :].strip("/"))
        owner.__dict__[_PREFIX] = cached
    return cached


def element_id(owner: Construct, role: str) -> str:
    """The construct id, and logical id, of ``owner``'s child playing ``role``."""
    return slug(f"{_prefix(owner)}_{role}")


def name_element(owner: Construct, element: cdktf.TerraformElement, role: str) -> None:
    """Give ``element`` (created as ``element_id(owner, role)``) that logical id."""
    logical_id = element_id(owner, role)
    if not is_native(owner):
        element.override_logical_id(logical_id)
    element.__dict__["_mcpl_logical_id"] = logical_id
