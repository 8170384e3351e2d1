"""Postconditions of a lookup (a data source listing objects by id): what `terraform
plan` checks about something that exists already, before anything is created.

A lookup by one id finds one object or none. ``found_once`` fails the plan when it finds
none; each ``if_found`` checks a field of the object found, and holds when nothing was
found (so that a missing object gets one error, not one per field). Text that reaches an
expression or a message is written with Terraform's escapes, so nothing in it is live.
"""

from __future__ import annotations

from maxcompute_privatelink.construct import bindings as alicloud
from maxcompute_privatelink.construct.cdk import cdktf


def quoted(text: str) -> str:
    """``text`` as a quoted string inside a Terraform expression, nothing in it live."""
    escaped = alicloud.literal(text).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def found(items: str, field: str) -> str:
    """A message's reference to ``field`` of the object found in ``self.<items>``."""
    return f'${{coalesce(one(self.{items}[*].{field}), "none")}}'


def found_once(items: str, message: str) -> cdktf.Postcondition:
    """The lookup's ``self.<items>`` holds exactly one object."""
    return cdktf.Postcondition(condition=f"${{length(self.{items}) == 1}}", error_message=message)


def if_found(items: str, test: str, message: str) -> cdktf.Postcondition:
    """``test`` (an expression about ``self``) holds for the object found, if any."""
    return cdktf.Postcondition(
        condition=f"${{length(self.{items}) != 1 || {test}}}", error_message=message
    )
