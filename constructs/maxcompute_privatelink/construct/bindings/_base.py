"""The mechanics shared by every binding: arguments in, Terraform JSON and HCL out.

A binding declares its Terraform type and, per argument, its kind; cdktf (through
jsii) calls ``_synthesize_attributes`` for JSON and ``_synthesize_hcl_attributes`` for
HCL at synth time. Unset (``None``) arguments are left out, as Terraform expects.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Literal, TypedDict

from constructs import Construct

from maxcompute_privatelink.construct.cdk import cdktf

Kind = Literal["string", "number", "bool", "string_list", "string_set", "string_map", "timeouts"]
"""The Terraform value type of an argument, as in ``terraform providers schema -json``;
``timeouts`` is the provider's ``timeouts`` block, given as a map of strings."""

_HCL_SHAPE: dict[Kind, tuple[str, str]] = {
    "string": ("simple", "string"),
    "number": ("simple", "number"),
    "bool": ("simple", "boolean"),
    "string_list": ("list", "stringList"),
    "string_set": ("set", "stringList"),
    "string_map": ("map", "stringMap"),
}


class Reference(str):
    """A Terraform reference written as text, such as ``${alicloud_vpc.a.id}``: the one
    kind of string ``literal`` leaves as it is."""

    __slots__ = ()


_TEMPLATE_START = re.compile(r"\$\{(?!TfToken\[)|%\{")
"""``${`` and ``%{`` that are not cdktf tokens (``${TfToken[TOKEN.n]}``)."""


def literal(value: Any) -> Any:
    """Keep user text literal in Terraform: ``${`` -> ``$${``, ``%{`` -> ``%%{`` (Terraform's
    escapes, in JSON and HCL alike), in strings, lists and map values; tokens untouched."""
    if isinstance(value, Reference):
        return str(value)
    if isinstance(value, str):
        return _TEMPLATE_START.sub(lambda m: m.group(0)[0] + m.group(0), value)
    if isinstance(value, list | tuple):
        return [literal(item) for item in value]
    if isinstance(value, Mapping):
        return {key: literal(item) for key, item in value.items()}
    return value


def _hcl_text(value: Any) -> Any:
    """Also escape what an HCL string literal needs: backslashes and quotes. cdktf's HCL
    renderer escapes quotes only in strings without ``${`` and backslashes never."""
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace('"', '\\"')
    if isinstance(value, list):
        return [_hcl_text(item) for item in value]
    if isinstance(value, dict):
        return {key: _hcl_text(item) for key, item in value.items()}
    return value


def _present(arguments: Mapping[str, Any]) -> dict[str, Any]:
    return {name: literal(value) for name, value in arguments.items() if value is not None}


def _hcl(kinds: Mapping[str, Kind], arguments: Mapping[str, Any]) -> dict[str, Any]:
    rendered: dict[str, Any] = {}
    for name, value in _present(arguments).items():
        value = _hcl_text(value)
        if kinds[name] == "timeouts":
            rendered[name] = {
                "value": {
                    key: {"value": item, "isBlock": False, "type": "simple",
                          "storageClassType": "string"}
                    for key, item in value.items()
                },
                "isBlock": True,
                "type": "struct",
                "storageClassType": "Timeouts",
            }  # fmt: skip
            continue
        shape, storage = _HCL_SHAPE[kinds[name]]
        rendered[name] = {
            "value": value,
            "isBlock": False,
            "type": shape,
            "storageClassType": storage,
        }
    return rendered


class _Arguments:
    """Stores the arguments and hands them to cdktf: the part every binding shares."""

    TF_TYPE: ClassVar[str]
    ARGUMENTS: ClassVar[Mapping[str, Kind]]
    _mcpl_arguments: dict[str, Any]

    def _set_arguments(self, arguments: Mapping[str, Any]) -> None:
        unknown = set(arguments) - set(self.ARGUMENTS)
        if unknown:
            raise TypeError(f"{self.TF_TYPE} has no argument(s) {sorted(unknown)}")
        self._mcpl_arguments = dict(arguments)

    def attribute(self, name: str) -> str:
        """The attribute ``name`` as a cdktf token (each kind of block asks its own)."""
        raise NotImplementedError

    def reference(self, name: str) -> str:
        """The attribute ``name`` as text for wiring inside one stack (each kind of block
        writes its own)."""
        raise NotImplementedError

    def element_field(self, name: str, index: int, field: str, fields: tuple[str, ...]) -> str:
        """``<name>[index].<field>`` of a list of objects, as a string reference."""
        if field not in fields:
            raise ValueError(f"{name} has no field {field!r}; one of {fields}")
        return self.attribute(f"{name}[{index}].{field}")

    @property
    def arguments(self) -> Mapping[str, Any]:
        """The arguments that are set, as they are written to Terraform."""
        return _present(self._mcpl_arguments)

    def _synthesize_attributes(self) -> Mapping[str, Any]:
        return self.arguments

    def _synthesize_hcl_attributes(self) -> Mapping[str, Any]:
        return _hcl(self.ARGUMENTS, self._mcpl_arguments)


class DataSourceMeta(TypedDict, total=False):
    """Terraform's meta-arguments that every data source binding takes."""

    depends_on: Sequence[cdktf.ITerraformDependable] | None
    provider: cdktf.TerraformProvider | None
    """An aliased provider (another region or account). Default: the stack's default."""
    count: float | cdktf.TerraformCount | None
    for_each: cdktf.ITerraformIterator | None
    lifecycle: cdktf.TerraformResourceLifecycle | None
    """For a data source, only ``postcondition``: checked when Terraform reads it."""


class ResourceMeta(DataSourceMeta, total=False):
    """Terraform's meta-arguments that every resource binding takes."""


META_ARGUMENTS = frozenset(ResourceMeta.__annotations__) | frozenset(DataSourceMeta.__annotations__)


def split_meta(given: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A binding's keyword arguments split into its Terraform arguments (in the order the
    caller gave them, which is the order HCL writes them in) and the meta-arguments."""
    meta = {name: given.pop(name) for name in list(given) if name in META_ARGUMENTS}
    return given, {name: value for name, value in meta.items() if value is not None}


PREVENT_DESTROY = cdktf.TerraformResourceLifecycle(prevent_destroy=True)
"""``lifecycle { prevent_destroy = true }``: Terraform refuses plans that destroy it."""


class AlicloudResource(_Arguments, cdktf.TerraformResource):
    """A resource of the alicloud provider."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        arguments: Mapping[str, Any],
        **meta: Any,
    ) -> None:
        super().__init__(scope, id, terraform_resource_type=self.TF_TYPE, **meta)
        self._set_arguments(arguments)

    def attribute(self, name: str) -> str:
        """The attribute ``name`` as a cdktf token (asked of jsii once per name): cdktf
        resolves it to ``${<type>.<logical id>.<name>}``, and used in another stack it
        wires an output and a remote state for it."""
        cache: dict[str, str] = self.__dict__.setdefault("_mcpl_attributes", {})
        if name not in cache:
            cache[name] = self.get_string_attribute(name)
        return cache[name]

    def reference(self, name: str) -> str:
        """The attribute ``name`` as text, ``${<type>.<logical id>.<name>}``, once the
        logical id is fixed (``naming.name_element``); else its token. For wiring inside
        one stack, where it spares a round trip to jsii; across stacks use ``attribute``."""
        logical_id: str | None = self.__dict__.get("_mcpl_logical_id")
        if logical_id is not None:
            return Reference(f"${{{self.TF_TYPE}.{logical_id}.{name}}}")
        return self.attribute(name)

    @property
    def id(self) -> str:
        """The resource's id (known after apply), as a cdktf token."""
        return self.attribute("id")


class AlicloudDataSource(_Arguments, cdktf.TerraformDataSource):
    """A data source of the alicloud provider."""

    def __init__(
        self, scope: Construct, id: str, *, arguments: Mapping[str, Any], **meta: Any
    ) -> None:
        super().__init__(scope, id, terraform_resource_type=self.TF_TYPE, **meta)
        self._set_arguments(arguments)

    def attribute(self, name: str) -> str:
        """The attribute ``name`` as a cdktf token."""
        return cdktf.Token.as_string(self.interpolation_for_attribute(name))

    def reference(self, name: str) -> str:
        """The attribute ``name`` as text, ``${data.<type>.<logical id>.<name>}``, once the
        logical id is fixed; else its token. For wiring inside one stack."""
        logical_id: str | None = self.__dict__.get("_mcpl_logical_id")
        if logical_id is not None:
            return Reference(f"${{data.{self.TF_TYPE}.{logical_id}.{name}}}")
        return self.attribute(name)
