"""Generate ``constructs/maxcompute_privatelink/bindings/*.py`` from the provider schema.

    python tools/generate_bindings.py          # write the bindings
    python tools/generate_bindings.py --check  # exit 1 when the committed ones differ

The schema is ``schema/alicloud-provider-subset.json`` (the alicloud provider's schema
for the types this project uses, read from its Go source; its ``source`` key says
where). Per Terraform type, a binding takes every settable argument the schema gives
(keyword arguments, typed, each documented from the schema), except deprecated and
removed ones and nested blocks, exposes every computed attribute as a property (a list
of objects as ``<name>_field(index, field)``), and takes Terraform's meta-arguments.
Which types are bound, and their class names, is the one table below; no argument is
written by hand. The provider binding is generated the same way from the schema's
``provider`` block, less the credential arguments (``CREDENTIALS``): credentials come
from the environment, a profile or a role, never from the generated Terraform. The
modules do not postpone annotations: ``Required[...]`` in the argument TypedDicts must
be seen at run time (``__required_keys__``).
"""

from __future__ import annotations

import json
import keyword
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from generated import ROOT, write_or_check

SCHEMA = ROOT / "schema" / "alicloud-provider-subset.json"
BINDINGS = ROOT / "constructs" / "maxcompute_privatelink" / "construct" / "bindings"
PROVIDER_KEY = "registry.terraform.io/aliyun/alicloud"

RESOURCES = {
    "alicloud_privatelink_vpc_endpoint": ("privatelink_vpc_endpoint", "PrivatelinkVpcEndpoint"),
    "alicloud_privatelink_vpc_endpoint_zone": (
        "privatelink_vpc_endpoint_zone",
        "PrivatelinkVpcEndpointZone",
    ),
    "alicloud_vpc": ("vpc", "Vpc"),
    "alicloud_vswitch": ("vswitch", "Vswitch"),
    "alicloud_security_group": ("security_group", "SecurityGroup"),
    "alicloud_security_group_rule": ("security_group_rule", "SecurityGroupRule"),
    "alicloud_pvtz_zone": ("pvtz_zone", "PvtzZone"),
    "alicloud_pvtz_zone_record": ("pvtz_zone_record", "PvtzZoneRecord"),
    "alicloud_pvtz_zone_attachment": ("pvtz_zone_attachment", "PvtzZoneAttachment"),
}
DATA_SOURCES = {
    "alicloud_vpcs": ("data_vpcs", "DataAlicloudVpcs"),
    "alicloud_vswitches": ("data_vswitches", "DataAlicloudVswitches"),
    "alicloud_pvtz_zones": ("data_pvtz_zones", "DataAlicloudPvtzZones"),
}
"""The Terraform types this project binds: type -> (module, class)."""

PROVIDER_SOURCE = "aliyun/alicloud"
PROVIDER_VERSION_CONSTRAINT = ">= 1.269.0, < 2.0.0"
CONSTRAINT_REASON = (
    "1.239.0 added ``security_group_name``, the newest argument the constructs emit, but "
    "releases before 1.269.0 break the stacks after their first apply: before 1.243.0 an "
    "endpoint's ``service_id`` is not Computed, so every later plan replaces both endpoints "
    "(an error under prevent_destroy; alicloud/resource_alicloud_privatelink_vpc_endpoint.go "
    "at v1.242.0 and v1.243.0), and before 1.269.0 a security group's ``resource_group_id`` "
    "is not Computed, so every plan shows a diff and every apply calls JoinResourceGroup "
    "(alicloud/resource_alicloud_security_group.go at v1.268.0 and v1.269.0). 2.x is "
    "another major version (its beta drops fields), so it is opted into, not drifted into."
)
CREDENTIALS = frozenset({"access_key", "secret_key", "security_token"})
"""Provider arguments that are secrets: never bound, so never written to Terraform."""

KINDS = {
    '"string"': ("string", "str"),
    '"number"': ("number", "float"),
    '"bool"': ("bool", "bool"),
    '["list", "string"]': ("string_list", "Sequence[str]"),
    '["set", "string"]': ("string_set", "Sequence[str]"),
    '["map", "string"]': ("string_map", "Mapping[str, str]"),
    '"timeouts"': ("timeouts", "Mapping[str, str]"),
}
"""Schema type -> (the binding's ``Kind``, the Python type of the argument)."""


def _reserved() -> frozenset[str]:
    """Names the bindings' bases use (cdktf's, and the meta-arguments): never generated as
    properties or arguments."""
    from maxcompute_privatelink.construct.cdk import cdktf

    names = {"id", "arguments", "attribute", "reference", "element_field", "TF_TYPE", "ARGUMENTS"}
    names |= {"provider", "count", "for_each", "lifecycle", "depends_on"}
    for base in (cdktf.TerraformResource, cdktf.TerraformDataSource):
        names |= {name for name in dir(base) if not name.startswith("_")}
    return frozenset(names)


RESERVED = _reserved()


def _doc(attribute: dict[str, Any]) -> str:
    text = attribute.get("description") or attribute.get("x_doc") or ""
    flags = attribute.get("x_doc_flags") or ""
    parts = [part.strip() for part in (text, f"({flags})" if flags else "") if part.strip()]
    return " ".join(parts).replace('"""', "'''").replace("\\", "\\\\") or "(no description)"


def _wrapped(text: str, indent: str) -> str:
    lines = textwrap.wrap(text, width=90 - len(indent)) or [""]
    if len(lines) == 1:
        return f'{indent}"""{lines[0]}"""'
    body = "\n".join(f"{indent}{line}" for line in lines)
    return f'{indent}"""\n{body}\n{indent}"""'


def _argument_fields(arguments: dict[str, Any]) -> list[str]:
    """The body of an arguments TypedDict: each argument typed and documented."""
    lines = []
    for name, attribute in arguments.items():
        python = KINDS[json.dumps(attribute["type"])][1]
        typed = f"Required[{python}]" if attribute.get("required") else f"{python} | None"
        lines.append(f"    {name}: {typed}")
        lines.append(_wrapped(_doc(attribute), "    "))
    return lines


def _argument_kinds(arguments: dict[str, Any]) -> list[str]:
    """The ``ARGUMENTS`` table of a binding: each argument's ``Kind``."""
    lines = ["    ARGUMENTS: ClassVar[Mapping[str, Kind]] = {"]
    for name, attribute in arguments.items():
        lines.append(f'        "{name}": "{KINDS[json.dumps(attribute["type"])][0]}",')
    return [*lines, "    }"]


def _timeouts(block: dict[str, Any]) -> dict[str, Any]:
    """The ``timeouts`` block as one argument: a map of operation -> duration, written
    as a block (the provider's waits, each with its default)."""
    defaults = {
        name: attribute.get("x_default", "the provider's default")
        for name, attribute in sorted(block["block"]["attributes"].items())
    }
    shown = ", ".join(f"{name} ({value})" for name, value in defaults.items())
    return {
        "type": "timeouts",
        "optional": True,
        "x_doc": f"How long each of the provider's waits may take, as Terraform durations "
        f"such as 10m: {shown}.",
        "x_doc_flags": "Optional, block",
    }


def _settable(name: str, attribute: dict[str, Any]) -> bool:
    return (
        (attribute.get("required") or attribute.get("optional"))
        and json.dumps(attribute["type"]) in KINDS
        and not attribute.get("deprecated")
        and "x_deprecation_message" not in attribute
        and "x_removed_message" not in attribute
        and name not in RESERVED
        and not keyword.iskeyword(name)
    )


def _computed(name: str, attribute: dict[str, Any]) -> bool:
    return bool(
        attribute.get("computed")
        and name not in RESERVED
        and not keyword.iskeyword(name)
        and "x_removed_message" not in attribute
    )


def binding(tf_type: str, schema: dict[str, Any], module: str, cls: str, data: bool) -> str:
    """The source of one binding module."""
    attributes: dict[str, Any] = dict(schema["block"]["attributes"])
    if "timeouts" in schema["block"].get("block_types", {}):
        attributes["timeouts"] = _timeouts(schema["block"]["block_types"]["timeouts"])
    arguments = {n: a for n, a in sorted(attributes.items()) if _settable(n, a)}
    computed = {n: a for n, a in sorted(attributes.items()) if _computed(n, a)}
    base = "AlicloudDataSource" if data else "AlicloudResource"
    meta = "DataSourceMeta" if data else "ResourceMeta"
    kind = "data" if data else "resource"
    pythons = [KINDS[json.dumps(a["type"])][1] for a in arguments.values()]
    abc = [n for n in ("Mapping", "Sequence") if n == "Mapping" or any(n in p for p in pythons)]
    typing = ["ClassVar", *(["Required"] if any(a.get("required") for a in arguments.values())
                            else []), "Unpack"]  # fmt: skip
    lines = [
        f'"""{kind} "{tf_type}": generated by tools/generate_bindings.py from',
        'schema/alicloud-provider-subset.json; do not edit."""',
        "",
        f"from collections.abc import {', '.join(abc)}",
        f"from typing import {', '.join(typing)}",
        "",
        "from constructs import Construct",
        "",
        "from maxcompute_privatelink.construct.bindings._base import (",
        f"    {base},",
        "    Kind,",
        f"    {meta},",
        "    split_meta,",
        ")",
        "",
        "",
        f"class {cls}Arguments({meta}, total=False):",
        f'    """The arguments of `{tf_type}`; unset ones are left out."""',
        "",
        *_argument_fields(arguments),
        "",
        "",
        f"class {cls}({base}):",
        _wrapped(f'{kind} "{tf_type}" of the alicloud provider (v1.289.0 schema).', "    "),
        "",
        f'    TF_TYPE: ClassVar[str] = "{tf_type}"',
        *_argument_kinds(arguments),
        "",
        f"    def __init__(self, scope: Construct, id: str, **arguments: Unpack[{cls}Arguments]) "
        "-> None:",
        "        given, meta = split_meta(dict(arguments))",
        "        super().__init__(scope, id, arguments=given, **meta)",
    ]
    for name, attribute in computed.items():
        shape = attribute["type"]
        lines.append("")
        if isinstance(shape, list) and shape[0] == "list" and isinstance(shape[1], list):
            fields = tuple(sorted(shape[1][1]))
            lines += [
                f"    def {name}_field(self, index: int, field: str) -> str:",
                _wrapped(f"``{name}[index].<field>``: {_doc(attribute)}", "        "),
                f"        return self.element_field({name!r}, index, field, {fields!r})",
            ]
            continue
        lines += [
            "    @property",
            f"    def {name}(self) -> str:",
            _wrapped(_doc(attribute), "        "),
            f'        return self.attribute("{name}")',
        ]
    return "\n".join(lines) + "\n"


def provider_binding(schema: dict[str, Any]) -> str:
    """The source of the provider binding: its settable arguments less the credentials."""
    attributes: dict[str, Any] = schema["block"]["attributes"]
    arguments = {
        n: a for n, a in sorted(attributes.items()) if _settable(n, a) and n not in CREDENTIALS
    }
    lines = [
        '"""provider "alicloud": generated by tools/generate_bindings.py from',
        'schema/alicloud-provider-subset.json; do not edit."""',
        "",
        "from collections.abc import Mapping",
        "from typing import ClassVar, TypedDict, Unpack",
        "",
        "from maxcompute_privatelink.construct.cdk import cdktf",
        "from constructs import Construct",
        "",
        "from maxcompute_privatelink.construct.bindings._base import Kind, _Arguments",
        "",
        f'PROVIDER_SOURCE = "{PROVIDER_SOURCE}"',
        f'PROVIDER_VERSION_CONSTRAINT = "{PROVIDER_VERSION_CONSTRAINT}"',
        _wrapped(CONSTRAINT_REASON, ""),
        "",
        "",
        "class AlicloudProviderArguments(TypedDict, total=False):",
        '    """The arguments of the alicloud provider; unset ones are left out. Credentials',
        "    (``access_key``, ``secret_key``, ``security_token``) are not among them: Terraform",
        '    reads them from the environment, a profile or a RAM role."""',
        "",
        *_argument_fields(arguments),
        "",
        "",
        "class AlicloudProvider(_Arguments, cdktf.TerraformProvider):",
        '    """provider "alicloud" (v1.289.0 schema), without credential arguments."""',
        "",
        '    TF_TYPE: ClassVar[str] = "alicloud"',
        *_argument_kinds(arguments),
        "",
        "    def __init__(",
        "        self,",
        "        scope: Construct,",
        "        id: str,",
        "        *,",
        "        alias: str | None = None,",
        "        version: str | None = None,",
        "        **arguments: Unpack[AlicloudProviderArguments],",
        "    ) -> None:",
        '        """``alias``: a second configuration (another region or account), passed to',
        "        resources and constructs as ``provider=``. Default: the stack's default",
        "        configuration.",
        "",
        "        ``version``: the constraint written to ``required_providers``, in Terraform's",
        "        syntax. Default: PROVIDER_VERSION_CONSTRAINT; the constructs add their minimum",
        '        to a looser one (``construct.requirements``)."""',
        "        super().__init__(",
        "            scope,",
        "            id,",
        "            terraform_resource_type=self.TF_TYPE,",
        "            terraform_provider_source=PROVIDER_SOURCE,",
        "            terraform_generator_metadata=cdktf.TerraformProviderGeneratorMetadata(",
        '                provider_name="alicloud",',
        "                provider_version_constraint=version or PROVIDER_VERSION_CONSTRAINT,",
        "            ),",
        "        )",
        "        self.alias = alias",
        "        # read by construct.requirements without a round trip to jsii",
        '        self.__dict__["_mcpl_version"] = version or PROVIDER_VERSION_CONSTRAINT',
        "        self._set_arguments(dict(arguments))",
        "",
        "    # cdktf's TerraformProvider leaves alias to the generated class: its own getter",
        "    # always answers undefined (cdktf 0.21.0, lib/terraform-provider.ts). jsii calls",
        "    # these Python overrides instead (jsii/_kernel/__init__.py, _get_overides).",
        "    @property",
        "    def alias(self) -> str | None:",
        '        """The configuration\'s alias; None for the default configuration."""',
        '        alias: str | None = self.__dict__.get("_mcpl_alias")',
        "        return alias",
        "",
        "    @alias.setter",
        "    def alias(self, value: str | None) -> None:",
        '        self.__dict__["_mcpl_alias"] = value',
    ]
    return "\n".join(lines) + "\n"


def generate() -> dict[Path, str]:
    provider = json.loads(SCHEMA.read_text())["provider_schemas"][PROVIDER_KEY]
    files: dict[Path, str] = {BINDINGS / "provider.py": provider_binding(provider["provider"])}
    for group, table, data in (
        ("resource_schemas", RESOURCES, False),
        ("data_source_schemas", DATA_SOURCES, True),
    ):
        for tf_type, (module, cls) in table.items():
            source = binding(tf_type, provider[group][tf_type], module, cls, data)
            files[BINDINGS / f"{module}.py"] = source
    return _formatted(files)


def _formatted(files: dict[Path, str]) -> dict[Path, str]:
    """The sources with imports sorted and laid out as `ruff format` does (the repo's own
    ruff, so that the generated files pass its checks as they are)."""
    ruff = str(Path(sys.executable).parent / "ruff")
    formatted = {}
    for path, text in files.items():
        for command in (["check", "--select", "I", "--fix", "--quiet"], ["format"]):
            text = subprocess.run(  # noqa: S603 - the project's own ruff
                [ruff, *command, "--stdin-filename", str(path), "-"],
                input=text,
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
            ).stdout
        formatted[path] = text
    return formatted


def main(argv: list[str]) -> int:
    return write_or_check(generate(), argv)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
