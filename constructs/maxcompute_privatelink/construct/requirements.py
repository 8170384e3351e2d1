"""What a stack holding the constructs must require of Terraform: ``aliyun/alicloud`` at a
version the constructs work with, merged with whatever the user's own providers ask.

A construct never declares a provider (the user's app does, once, perhaps aliased). It
only makes sure the stack's ``required_providers.alicloud`` names the right source and
a version range that includes what the constructs need: the user's constraint is kept
as written, a lower bound is added when theirs allows older releases, and a
constraint that allows no release new enough fails at once, in one line.

Constraint syntax and meaning are Terraform's (``hashicorp/go-version``,
``constraint.go``: operators ``=``, ``!=``, ``>``, ``>=``, ``<``, ``<=``, ``~>``,
comma-separated clauses that must all hold).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import jsii
from constructs import Construct

from maxcompute_privatelink.construct.bindings import (
    PROVIDER_SOURCE,
    PROVIDER_VERSION_CONSTRAINT,
    AlicloudProvider,
)
from maxcompute_privatelink.construct.cdk import cdktf
from maxcompute_privatelink.errors import ProviderRequirementError

PROVIDER_NAME = "alicloud"

_CLAUSE = re.compile(r"\s*(=|!=|>=|<=|>|<|~>)?\s*v?(\d+(?:\.\d+){0,2})(?:[-+][0-9A-Za-z.-]*)?\s*")

Version = tuple[int, int, int]


def _version(text: str) -> Version:
    major, minor, patch = [*(int(part) for part in text.split(".")), 0, 0][:3]
    return major, minor, patch


MINIMUM: Version = _version(
    next(c.split(">=")[1].strip() for c in PROVIDER_VERSION_CONSTRAINT.split(",") if ">=" in c)
)
"""The oldest provider release the constructs work with (the binding's constraint)."""


@dataclass(frozen=True)
class _Range:
    """The releases a constraint allows, as one interval (``!=`` is ignored: it never
    decides whether a release at or above the minimum is allowed, bar one)."""

    low: Version | None = None
    low_inclusive: bool = True
    high: Version | None = None
    high_inclusive: bool = False

    def below(self, version: Version) -> bool:
        """Whether it allows releases older than ``version``."""
        return self.low is None or self.low < version

    def reaches(self, version: Version) -> bool:
        """Whether it allows ``version`` or a later release."""
        if self.high is None:
            return True
        return self.high > version or (self.high == version and self.high_inclusive)


def _allowed(constraint: str) -> _Range:
    """The interval of releases ``constraint`` allows; ValueError when it does not parse."""
    low: Version | None = None
    low_inclusive = True
    high: Version | None = None
    high_inclusive = False

    def raise_low(version: Version, inclusive: bool) -> None:
        nonlocal low, low_inclusive
        if low is None or version > low:
            low, low_inclusive = version, inclusive

    def cut_high(version: Version, inclusive: bool) -> None:
        nonlocal high, high_inclusive
        if high is None or version < high:
            high, high_inclusive = version, inclusive

    for clause in constraint.split(","):
        match = _CLAUSE.fullmatch(clause)
        if match is None:
            raise ValueError(f"{clause.strip()!r} is not a version constraint")
        operator, text = match.group(1) or "=", match.group(2)
        version = _version(text)
        if operator in ("=", ">=", ">", "~>"):
            raise_low(version, operator != ">")
        if operator in ("=", "<="):
            cut_high(version, True)
        elif operator == "<":
            cut_high(version, False)
        elif operator == "~>":  # the last given segment may grow: ~> 1.2 is < 2.0.0
            segments = text.count(".") + 1
            if segments == 3:
                cut_high((version[0], version[1] + 1, 0), False)
            else:
                cut_high((version[0] + 1, 0, 0), False)
    return _Range(low, low_inclusive, high, high_inclusive)


def merged_constraint(constraints: list[str]) -> str:
    """The user's constraints (all of them hold) with the constructs' minimum added when
    theirs allow older releases; the binding's own constraint when there are none.

    Raises ``ProviderRequirementError`` when they allow no release new enough."""
    clauses: list[str] = []
    for constraint in constraints:
        for clause in constraint.split(","):
            if clause.strip() and clause.strip() not in clauses:
                clauses.append(clause.strip())
    if not clauses:
        return PROVIDER_VERSION_CONSTRAINT
    joined = ", ".join(clauses)
    minimum = ".".join(map(str, MINIMUM))
    example = f"'>= {minimum}, < {MINIMUM[0] + 1}.0.0'"
    try:
        allowed = _allowed(joined)
    except ValueError as error:
        raise ProviderRequirementError(
            f"the alicloud provider's version constraint {joined!r} does not parse ({error}); "
            f"write it as Terraform does, like {example}"
        ) from None
    if not allowed.reaches(MINIMUM):
        raise ProviderRequirementError(
            f"the alicloud provider's version constraint {joined!r} allows no release from "
            f"{minimum} on, the oldest MaxComputePrivateLink works with; widen it, for "
            f"example to {example}"
        )
    return f"{joined}, >= {minimum}" if allowed.below(MINIMUM) else joined


_DECLARED = "_mcpl_alicloud_providers"


def declare_providers(stack: cdktf.TerraformStack, *providers: AlicloudProvider) -> None:
    """Tell the constructs that ``providers`` are all the alicloud providers ``stack``
    will hold (``DeploymentStack``'s case), so that none asks jsii for its children."""
    stack.__dict__[_DECLARED] = list(providers)


def _alicloud_providers(stack: cdktf.TerraformStack) -> list[cdktf.TerraformProvider]:
    declared: list[cdktf.TerraformProvider] | None = stack.__dict__.get(_DECLARED)
    if declared is not None:
        return list(declared)
    return [
        child
        for child in stack.node.children
        if isinstance(child, AlicloudProvider)
        or (
            isinstance(child, cdktf.TerraformProvider)
            and child.terraform_resource_type == PROVIDER_NAME
        )
    ]


def _constraint_of(provider: cdktf.TerraformProvider) -> str | None:
    ours: str | None = provider.__dict__.get("_mcpl_version")
    if ours is not None:  # the binding's: known in Python
        return ours
    metadata = provider.terraform_generator_metadata
    if metadata is None:
        return None
    constraint: str | None = metadata.provider_version or metadata.provider_version_constraint
    return constraint


def _check_source(provider: cdktf.TerraformProvider) -> None:
    if isinstance(provider, AlicloudProvider):
        return
    source = (provider.terraform_provider_source or PROVIDER_SOURCE).lower()
    if source.removeprefix("registry.terraform.io/") != PROVIDER_SOURCE:
        raise ProviderRequirementError(
            f"the alicloud provider comes from {source!r}; MaxComputePrivateLink's resources "
            f"are {PROVIDER_SOURCE!r}'s: declare the provider with that source"
        )


def _constraints(stack: cdktf.TerraformStack, given: cdktf.TerraformProvider | None) -> list[str]:
    providers = _alicloud_providers(stack)
    if given is not None and given not in providers:
        providers.append(given)
    for provider in providers:
        _check_source(provider)
    return [c for c in (_constraint_of(p) for p in providers) if c is not None]


@jsii.implements(cdktf.IResolvable)
class _LateConstraint:
    """The merged constraint, worked out again at synth: it also sees providers the app
    declared after the construct."""

    creation_stack: list[str] = []  # noqa: RUF012 (jsii reads it as a property)

    def __init__(self, stack: cdktf.TerraformStack) -> None:
        self._stack = stack

    def resolve(self, _context: Any) -> str:
        return merged_constraint(_constraints(self._stack, None))

    def to_string(self) -> str:
        return "alicloud version constraint"


_DONE = "_mcpl_alicloud_required"
"""Set on a construct of ours once it required the provider: its children skip it."""
_LATE = "_mcpl_alicloud_required_late"


def require_alicloud(
    owner: Construct, scope: Construct, provider: cdktf.TerraformProvider | None
) -> None:
    """Make the stack of ``owner`` (a construct of this package, just created in
    ``scope``) require ``aliyun/alicloud`` at a version the constructs work with, keeping
    the constraint of the user's providers. Adds no provider.

    When the stack declares an alicloud provider already, its constraint is merged now
    and written over only where it changes. When it declares none yet, the source is
    written, and the version is merged at synth from the providers declared by then.
    Nothing is asked again for a construct made inside one that did this."""
    owner.__dict__[_DONE] = True
    if scope.__dict__.get(_DONE):
        return
    stack = scope if isinstance(scope, cdktf.TerraformStack) else cdktf.TerraformStack.of(scope)
    constraints = _constraints(stack, provider)
    if constraints or provider is not None:
        merged = merged_constraint(constraints)
        if merged not in constraints:
            stack.add_override(f"terraform.required_providers.{PROVIDER_NAME}.version", merged)
        return
    if stack.__dict__.get(_LATE):
        return
    stack.__dict__[_LATE] = True
    stack.add_override(f"terraform.required_providers.{PROVIDER_NAME}.source", PROVIDER_SOURCE)
    stack.add_override(
        f"terraform.required_providers.{PROVIDER_NAME}.version",
        cdktf.Token.as_string(_LateConstraint(stack)),
    )
