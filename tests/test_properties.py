"""Property-based: over generated configs, the loader, synth and render never fail
unhandled; every accepted config synthesizes, every rejected one says why."""

from __future__ import annotations

import json
import string
import tempfile
from pathlib import Path
from typing import Any

import javaproperties
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from maxcompute_privatelink.errors import ConfigFileError, McplError
from maxcompute_privatelink.model.config import PrivateLinkConfig
from maxcompute_privatelink.model.config_file import read_config_data
from maxcompute_privatelink.model.diagnostics import validation_lines
from maxcompute_privatelink.model.regions import REGIONS
from maxcompute_privatelink.outputs.render import render
from maxcompute_privatelink.synth.synthesize import synthesize

pytestmark = pytest.mark.releases

SETTINGS = settings(
    derandomize=True,  # the same examples on every run: CI stays reproducible
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

ugly_text = st.lists(
    st.sampled_from([*string.printable, "\u0440", "${", "%{", "é", "\x00", "\\", '"']),
    max_size=12,
).map("".join)
names = st.one_of(st.from_regex(r"[a-z][a-z0-9-]{0,12}", fullmatch=True), ugly_text)
regions = st.one_of(st.sampled_from(sorted(REGIONS)), ugly_text)
octet = st.integers(0, 255)


@st.composite
def networks(draw: Any, prefix: st.SearchStrategy[int]) -> str:
    address = ".".join(str(draw(octet)) for _ in range(4))
    network: str = draw(st.one_of(st.just(f"{address}/{draw(prefix)}"), ugly_text))
    return network


@st.composite
def zones(draw: Any, region: str) -> dict[str, Any]:
    letter = draw(st.sampled_from("abcdefgh"))
    separator = "" if region[-1:].isdigit() else "-"
    zone: dict[str, Any] = {
        "zone_id": draw(st.one_of(st.just(f"{region}{separator}{letter}"), ugly_text))
    }
    if draw(st.booleans()):
        zone["vswitch_id"] = draw(
            st.one_of(st.from_regex(r"vsw-[a-z0-9]{4}", fullmatch=True), ugly_text)
        )
    if draw(st.booleans()):
        zone["vswitch_cidr"] = f"10.20.{draw(st.integers(0, 300))}.0/{draw(st.integers(14, 30))}"
    return zone


@st.composite
def deployments(draw: Any) -> dict[str, Any]:
    region = draw(regions)
    deployment: dict[str, Any] = {"name": draw(names), "region": region}
    if draw(st.booleans()):
        deployment["vpc_cidr"] = draw(
            st.one_of(st.just("10.20.0.0/16"), networks(st.integers(0, 40)))
        )
    if draw(st.booleans()):
        deployment["vpc_id"] = draw(
            st.one_of(st.from_regex(r"vpc-[a-z0-9]{4}", fullmatch=True), ugly_text)
        )
    deployment["zones"] = draw(st.lists(zones(region), max_size=3))
    optional: dict[str, st.SearchStrategy[Any]] = {
        "protocol": st.sampled_from(["http", "https", "ftp"]),
        "dns": st.sampled_from(["private_zone", "console", "none", "bind"]),
        "ticket_approved": st.booleans(),
        "allowed_cidrs": st.lists(networks(st.integers(0, 32)), max_size=3),
        "security_group_ids": st.lists(
            st.from_regex(r"sg-[a-z0-9]{3}", fullmatch=True), max_size=3
        ),
        "tags": st.dictionaries(ugly_text, ugly_text, max_size=3),
        "endpoint_urls": st.fixed_dictionaries(
            {
                "maxcompute": st.just("https://service.mc.example/api"),
                "tunnel": st.just("https://dt.mc.example"),
            }
        ),
        "client": st.fixed_dictionaries(
            {"project_name": st.one_of(st.just("proj_one"), ugly_text)},
            optional={"use_instance_tunnel": st.booleans(), "quota_name": ugly_text},
        ),
        "protect": st.booleans(),
    }
    for key, strategy in optional.items():
        if draw(st.booleans()):
            deployment[key] = draw(strategy)
    return deployment


random_configs = st.fixed_dictionaries(
    {"deployments": st.lists(deployments(), min_size=1, max_size=2)}
)


@st.composite
def valid_deployments(draw: Any, name: str) -> dict[str, Any]:
    """Configs that should pass: the synth and render properties need many of them."""
    region = draw(st.sampled_from(sorted(REGIONS)))
    separator = "" if region[-1].isdigit() else "-"
    letters = draw(st.lists(st.sampled_from("abcdefgh"), min_size=1, max_size=3, unique=True))
    create_vpc = draw(st.booleans())
    deployment: dict[str, Any] = {"name": name, "region": region}
    if create_vpc:
        deployment["vpc_cidr"] = "10.20.0.0/16"
    else:
        # one VPC per deployment: two private zones in one VPC are refused, rightly
        deployment["vpc_id"] = f"vpc-{name.replace('-', '')}" + draw(
            st.from_regex(r"[a-z0-9]{4}", fullmatch=True)
        )
    deployment["zones"] = [
        {"zone_id": f"{region}{separator}{letter}"}
        | (
            {"vswitch_cidr": f"10.20.{index}.0/24"}
            if create_vpc or draw(st.booleans())
            else {"vswitch_id": f"vsw-{letter}{index}x"}
        )
        for index, letter in enumerate(letters)
    ]
    dns = draw(st.sampled_from(["private_zone", "console", "none"]))
    deployment["dns"] = dns
    protocol = draw(st.sampled_from(["http", "https"]))
    deployment["protocol"] = protocol
    if REGIONS[region].ticket_required:
        deployment["ticket_approved"] = True
        if dns != "none":
            deployment["endpoint_urls"] = {
                "maxcompute": f"{protocol}://service-pvl.{region}.mc.example/api",
                "tunnel": f"{protocol}://dt-pvl.{region}.mc.example",
            }
    if draw(st.booleans()):
        deployment["allowed_cidrs"] = draw(
            st.lists(
                st.sampled_from(["10.0.0.0/8", "172.16.0.0/12", "192.168.1.0/24"]),
                min_size=1,
                max_size=3,
                unique=True,
            )
        )
    elif draw(st.booleans()):
        deployment["security_group_ids"] = ["sg-abc1"]
    deployment["tags"] = draw(
        st.dictionaries(
            st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True).filter(
                lambda k: k not in ("managed-by", "deployment") and not k.startswith("aliyun")
            ),
            st.text(alphabet=string.ascii_letters + string.digits + " :/._-", max_size=10),
            max_size=3,
        )
    )
    deployment["protect"] = draw(st.booleans())
    if draw(st.booleans()):
        deployment["client"] = {
            "project_name": "proj_one",
            "use_instance_tunnel": draw(st.booleans()),
        }
    return deployment


@st.composite
def valid_configs(draw: Any) -> dict[str, Any]:
    count = draw(st.integers(1, 2))
    return {"deployments": [draw(valid_deployments(f"dep-{i}")) for i in range(count)]}


configs = st.one_of(random_configs, valid_configs())


def validated(data: dict[str, Any]) -> PrivateLinkConfig | None:
    """The config, or None after checking that the rejection says why, line by line."""
    try:
        return PrivateLinkConfig.model_validate(data)
    except ValidationError as error:
        lines = validation_lines(error, data, PrivateLinkConfig)
        assert lines, "rejected without a reason"
        for line in lines:
            assert line.strip() and "\n" not in line, repr(line)
        return None


@SETTINGS
@given(configs)
def test_every_generated_config_is_accepted_or_rejected_with_reasons(data: dict[str, Any]) -> None:
    validated(data)


@SETTINGS
@given(st.text(max_size=300))
def test_any_text_as_a_config_file_is_read_or_refused_cleanly(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "privatelink.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            data = read_config_data(path)
        except ConfigFileError as error:
            assert str(error).startswith(str(path))
            return
        validated(data)


@settings(SETTINGS, max_examples=40)
@given(valid_configs())
def test_every_accepted_config_synthesizes_and_renders(data: dict[str, Any]) -> None:
    config = validated(data)
    assert config is not None, "the valid-config strategy made an invalid one"
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "privatelink.yaml").write_text(yaml.safe_dump(data))
        result = synthesize(config, config_path=root / "privatelink.yaml", out=root / "cdktf.out")
        for deployment in config.deployments:
            stack = json.loads(
                (root / f"cdktf.out/stacks/{deployment.name}/cdk.tf.json").read_text()
            )
            assert stack["resource"]["alicloud_privatelink_vpc_endpoint"]
        assert list(result.stacks) == [d.name for d in config.deployments]
        try:
            render(
                config,
                out=root / "client",
                from_dir=root / "cdktf.out",
                tf_outputs=[],
                credentials=None,
            )
        except McplError as error:  # a missing client: or dns: none is a said reason
            assert "client.project_name" in str(error) or "not known yet" in str(error)
            return
        for deployment in config.deployments:
            ini = (root / "client" / deployment.name / "odps_config.ini").read_text()
            assert javaproperties.loads(ini)["end_point"] == deployment.plan.maxcompute_endpoint
