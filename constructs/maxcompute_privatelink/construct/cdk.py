"""The CDK for Terraform the constructs run on, as ``cdktf`` whichever it is: every
module imports it from here. ``construct.emitter`` says which; importing this starts
Node (jsii), so only what synthesizes imports it."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from maxcompute_privatelink.construct.emitter import chosen

if TYPE_CHECKING:
    import cdktf  # both have this API; mypy checks against cdktf's
else:
    cdktf = importlib.import_module(chosen())

__all__ = ["cdktf"]
