"""data "alicloud_vpcs"."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

import cdktf
from constructs import Construct

from maxcompute_privatelink.bindings._base import AlicloudDataSource, Kind, Reference


class DataAlicloudVpcs(AlicloudDataSource):
    TF_TYPE: ClassVar[str] = "alicloud_vpcs"
    ARGUMENTS: ClassVar[Mapping[str, Kind]] = {"ids": "string_list"}
    VPCS_FIELDS: ClassVar[tuple[str, ...]] = ("cidr_block", "id", "vpc_name")
    """The fields of the computed ``vpcs`` objects that ``vpcs_field`` may read."""

    def __init__(self, scope: Construct, id: str, *, ids: Sequence[str] | None = None) -> None:
        super().__init__(scope, id, arguments={"ids": ids})

    def vpcs_field(self, index: int, field: str) -> str:
        """``vpcs[index].<field>`` of the result, as a string reference."""
        if field not in self.VPCS_FIELDS:
            raise ValueError(f"vpcs has no field {field!r} here; one of {self.VPCS_FIELDS}")
        logical_id: str | None = self.__dict__.get("_mcpl_logical_id")
        if logical_id is not None:
            return Reference(f"${{data.{self.TF_TYPE}.{logical_id}.vpcs[{index}].{field}}}")
        return cdktf.Token.as_string(self.interpolation_for_attribute(f"vpcs[{index}].{field}"))
