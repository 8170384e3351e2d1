"""Every binding against the alicloud provider's schema (v1.289.0, tests/data).

Nothing else here can check attribute names: `terraform validate` needs the provider
plugin, which no registry serves here. So: every argument a binding can emit exists for
its type, is settable, not deprecated and of the right type; required ones are always
set; and everything the bundled examples synthesize passes the same checks, values too.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import typing
from typing import Any, ClassVar

import pytest

from conftest import EXAMPLES, ROOT, SCHEMA_FILE
from maxcompute_privatelink.construct import bindings
from maxcompute_privatelink.construct.bindings import (
    DATA_SOURCES,
    PROVIDER_VERSION_CONSTRAINT,
    RESOURCES,
    AlicloudProvider,
)
from maxcompute_privatelink.construct.bindings._base import META_ARGUMENTS, _Arguments
from maxcompute_privatelink.model.config import load_config
from maxcompute_privatelink.synth.synthesize import synthesize

SCHEMA_TYPES: dict[str, Any] = {
    "string": "string",
    "number": "number",
    "bool": "bool",
    "string_list": ["list", "string"],
    "string_set": ["set", "string"],
    "string_map": ["map", "string"],
}
META_PARAMETERS = {"self", "scope", "id", "meta"}  # meta: depends_on and lifecycle
ALL_BINDINGS: list[type[_Arguments]] = [*RESOURCES, *DATA_SOURCES]


def _block(schema: dict[str, Any], binding: type) -> dict[str, Any]:
    group = "data_source_schemas" if binding in DATA_SOURCES else "resource_schemas"
    block: dict[str, Any] = schema[group][binding.TF_TYPE]["block"]  # type: ignore[attr-defined]
    return block


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.strip().lstrip("v").split("."))


def test_schema_fixture_is_the_shared_one() -> None:
    # The repo carries a copy so a clone is self-contained; where the project's shared/
    # sits beside the clone (CI, developers), the copy must not have drifted from it.
    shared = ROOT.parent / "shared" / "data" / "alicloud-schema-subset.json"
    if not shared.exists():
        pytest.skip("no ../shared beside this checkout")
    assert SCHEMA_FILE.read_bytes() == shared.read_bytes()


@pytest.mark.parametrize("binding", ALL_BINDINGS, ids=lambda b: b.TF_TYPE)
def test_every_argument_exists_is_settable_and_typed(binding: Any, schema: dict[str, Any]) -> None:
    # given
    attributes = _block(schema, binding)["attributes"]
    # then
    for name, kind in binding.ARGUMENTS.items():
        if kind == "timeouts":  # the block of that name, each of its fields a duration
            block = _block(schema, binding)["block_types"][name]
            assert block["nesting_mode"] == "single"
            assert {a["type"] for a in block["block"]["attributes"].values()} == {"string"}
            continue
        assert name in attributes, f"{binding.TF_TYPE} has no attribute {name}"
        attribute = attributes[name]
        assert attribute.get("optional") or attribute.get("required"), f"{name} is computed-only"
        assert not attribute.get("deprecated"), f"{name}: {attribute.get('x_deprecation_message')}"
        assert attribute["type"] == SCHEMA_TYPES[kind], f"{binding.TF_TYPE}.{name}"


@pytest.mark.parametrize("binding", ALL_BINDINGS, ids=lambda b: b.TF_TYPE)
def test_required_arguments_are_always_set(binding: Any, schema: dict[str, Any]) -> None:
    # given: the typed keyword arguments of the constructor
    attributes = _block(schema, binding)["attributes"]
    keywords = _keywords(binding)
    # then: every required argument is one, and required of the caller
    for name, attribute in attributes.items():
        if attribute.get("required"):
            assert name in binding.ARGUMENTS, f"{binding.TF_TYPE} never sets required {name}"
            assert name in keywords.__required_keys__, f"{name} is optional in the binding"


@pytest.mark.parametrize("binding", ALL_BINDINGS, ids=lambda b: b.TF_TYPE)
def test_constructor_takes_exactly_the_declared_arguments(binding: Any) -> None:
    keywords = set(_keywords(binding).__annotations__) - META_ARGUMENTS
    assert keywords == set(binding.ARGUMENTS)


def _keywords(binding: Any) -> Any:
    """The TypedDict of a binding's keyword arguments (``**arguments: Unpack[...]``)."""
    hints = typing.get_type_hints(binding.__init__, include_extras=True)
    return typing.get_args(hints["arguments"])[0]


@pytest.mark.parametrize("binding", RESOURCES, ids=lambda b: b.TF_TYPE)
def test_read_only_attributes_exist(binding: Any, schema: dict[str, Any]) -> None:
    # given: every property the binding class itself defines reads an attribute
    attributes = _block(schema, binding)["attributes"]
    readers = [n for n, v in vars(binding).items() if isinstance(v, property)]
    # then
    assert "id" in attributes
    for name in readers:
        assert name in attributes, f"{binding.TF_TYPE} has no attribute {name}"


def test_the_bindings_are_what_the_generator_writes_from_the_schema() -> None:
    # `python tools/generate_bindings.py` writes them; nothing in bindings/ is by hand but
    # the provider (one argument) and the shared base
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "generate_bindings.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"},
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_provider_arguments_exist_and_carry_no_credentials(schema: dict[str, Any]) -> None:
    attributes = schema["provider"]["block"]["attributes"]
    for name, kind in AlicloudProvider.ARGUMENTS.items():
        assert attributes[name]["type"] == SCHEMA_TYPES[kind]
        assert not attributes[name].get("deprecated")
    assert not {"access_key", "secret_key", "security_token"} & set(AlicloudProvider.ARGUMENTS)


def test_provider_binds_every_current_scalar_argument_but_the_credentials(
    schema: dict[str, Any],
) -> None:
    # given the provider block of the schema
    attributes = schema["provider"]["block"]["attributes"]
    current = {
        name
        for name, attribute in attributes.items()
        if attribute["type"] in SCHEMA_TYPES.values() and not attribute.get("deprecated")
    }

    # when the generated binding is compared with it
    bound = set(AlicloudProvider.ARGUMENTS)

    # then only the credentials are left out
    assert current - bound == {"access_key", "secret_key", "security_token"}
    assert {"region", "profile", "ecs_role_name", "credentials_uri"} <= bound


def _constraint_admits(constraint: str, version: str) -> bool:
    checks = {
        ">=": lambda a, b: a >= b,
        "<": lambda a, b: a < b,
        ">": lambda a, b: a > b,
        "<=": lambda a, b: a <= b,
        "=": lambda a, b: a == b,
    }
    for part in constraint.split(","):
        match = re.fullmatch(r"\s*(>=|<=|>|<|=)\s*([0-9.]+)\s*", part)
        assert match, f"cannot read constraint part {part!r}"
        if not checks[match.group(1)](_version(version), _version(match.group(2))):
            return False
    return True


def test_provider_constraint_admits_the_schema_version_and_nothing_too_old(
    schema: dict[str, Any], synthesized: list[dict[str, Any]]
) -> None:
    # given: the newest provider version any type or argument the stacks emit needs
    needed: list[tuple[int, ...]] = [(1, 0, 0)]
    for stack in synthesized:
        for group, key in (("resource", "resource_schemas"), ("data", "data_source_schemas")):
            for tf_type, bodies in stack.get(group, {}).items():
                entry = schema[key][tf_type]
                if entry.get("x_available_since"):
                    needed.append(_version(entry["x_available_since"]))
                for body in bodies.values():
                    for name in body:
                        since = entry["block"]["attributes"].get(name, {}).get("x_since")
                        if since:
                            needed.append(_version(since))
    newest_needed = ".".join(str(p) for p in max(needed))
    lower = re.search(r">=\s*([0-9.]+)", PROVIDER_VERSION_CONSTRAINT)
    # then
    assert lower is not None
    assert _version(lower.group(1)) >= max(needed), f"arguments need {newest_needed}"
    assert _constraint_admits(PROVIDER_VERSION_CONSTRAINT, "1.289.0")
    assert not _constraint_admits(PROVIDER_VERSION_CONSTRAINT, "1.238.0")


def _value_problems(path: str, value: Any, attribute: dict[str, Any]) -> list[str]:
    kind = attribute["type"]
    expected: dict[str, type | tuple[type, ...]] = {
        "string": str,
        "number": (int, float),
        "bool": bool,
    }
    problems: list[str] = []
    if isinstance(kind, str):
        if not isinstance(value, expected[kind]) or (kind == "number" and isinstance(value, bool)):
            problems.append(f"{path}: {value!r} is not a {kind}")
    elif kind[0] in ("list", "set"):
        if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            problems.append(f"{path}: {value!r} is not a {kind}")
    elif kind[0] == "map" and not (
        isinstance(value, dict) and all(isinstance(v, str) for v in value.values())
    ):
        problems.append(f"{path}: {value!r} is not a {kind}")
    allowed = attribute.get("x_allowed_values")
    if allowed and isinstance(value, str) and "${" not in value and value not in allowed:
        problems.append(f"{path}: {value!r} is not one of {allowed}")
    between = attribute.get("x_int_between")
    if between and isinstance(value, int) and not between[0] <= value <= between[1]:
        problems.append(f"{path}: {value} is outside {between}")
    return problems


META_KEYS = {"//", "depends_on", "lifecycle", "provider", "count", "for_each"}


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    stacks: list[dict[str, Any]] = []
    for example in EXAMPLES:
        out = tmp_path_factory.mktemp(example.stem) / "cdktf.out"
        synthesize(load_config(example), config_path=example, out=out)
        stacks += [json.loads(p.read_text()) for p in sorted(out.glob("stacks/*/cdk.tf.json"))]
    return stacks


def test_everything_the_examples_synthesize_conforms(
    synthesized: list[dict[str, Any]], schema: dict[str, Any]
) -> None:
    # given
    problems: list[str] = []
    seen_types: set[str] = set()
    # when
    for stack in synthesized:
        for group, blocks in (
            ("resource_schemas", stack.get("resource", {})),
            ("data_source_schemas", stack.get("data", {})),
        ):
            for tf_type, instances in blocks.items():
                seen_types.add(tf_type)
                attributes = schema[group][tf_type]["block"]["attributes"]
                blocks_of = schema[group][tf_type]["block"].get("block_types", {})
                for name, body in instances.items():
                    for key, value in body.items():
                        path = f"{tf_type}.{name}.{key}"
                        if key in META_KEYS:
                            continue
                        if key in blocks_of:  # a nested block: its fields are its attributes
                            fields = blocks_of[key]["block"]["attributes"]
                            problems += [f"{path}.{f}: no such field" for f in value
                                         if f not in fields]  # fmt: skip
                            continue
                        if key not in attributes:
                            problems.append(f"{path}: no such attribute")
                            continue
                        if attributes[key].get("deprecated"):
                            problems.append(f"{path}: deprecated")
                        problems += _value_problems(path, value, attributes[key])
                    for key, attribute in attributes.items():
                        if attribute.get("required") and key not in body:
                            problems.append(f"{tf_type}.{name}: required {key} missing")
        provider_attributes = schema["provider"]["block"]["attributes"]
        for provider in stack["provider"]["alicloud"]:
            for key, value in provider.items():
                problems += _value_problems(f"provider.{key}", value, provider_attributes[key])
    # then
    assert problems == []
    assert seen_types == {b.TF_TYPE for b in ALL_BINDINGS}, "the examples exercise every binding"


def test_no_deprecated_argument_name_is_ever_used(synthesized: list[dict[str, Any]]) -> None:
    text = json.dumps(synthesized)
    for deprecated in ('"name"', '"availability_zone"', '"router_table_id"', '"inner_access"'):
        assert f"{deprecated}:" not in text


def test_fails_when_a_binding_passes_an_undeclared_argument() -> None:
    # given: a binding whose constructor forwards an argument it does not declare
    from maxcompute_privatelink.construct.cdk import cdktf

    TerraformStack, Testing = cdktf.TerraformStack, cdktf.Testing
    from constructs import Construct

    class Broken(bindings.AlicloudResource):
        TF_TYPE = "alicloud_vpc"
        ARGUMENTS: ClassVar[dict[str, Any]] = {"vpc_name": "string"}

        def __init__(self, scope: Construct, id: str) -> None:
            super().__init__(scope, id, arguments={"name": "x"})

    stack = TerraformStack(Testing.app(), "s")
    # when / then
    with pytest.raises(TypeError, match=r"alicloud_vpc has no argument\(s\) \['name'\]"):
        Broken(stack, "v")


def test_hcl_attributes_carry_terraform_types() -> None:
    # given
    from maxcompute_privatelink.construct.cdk import cdktf

    TerraformStack, Testing = cdktf.TerraformStack, cdktf.Testing

    stack = TerraformStack(Testing.app(), "s")
    rule = bindings.SecurityGroupRule(
        stack, "r", security_group_id="sg-1", type="ingress", ip_protocol="tcp", priority=1
    )
    endpoint = bindings.PrivatelinkVpcEndpoint(
        stack, "e", vpc_id="vpc-1", security_group_ids=["sg-1"], tags={"a": "b"}
    )
    # when
    rule_hcl = rule._synthesize_hcl_attributes()
    endpoint_hcl = endpoint._synthesize_hcl_attributes()
    # then
    assert rule_hcl["priority"]["storageClassType"] == "number"
    assert rule_hcl["type"] == {
        "value": "ingress",
        "isBlock": False,
        "type": "simple",
        "storageClassType": "string",
    }
    assert endpoint_hcl["security_group_ids"]["type"] == "set"
    assert endpoint_hcl["tags"]["type"] == "map"
    assert "nic_type" not in rule_hcl, "unset arguments are left out"
