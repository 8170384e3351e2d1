"""The stand-in refuses names, descriptions and remarks as the cloud's APIs do
(``standin/api_rules.json``), and every one mcpl writes passes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from conftest import EXAMPLES, runner
from maxcompute_privatelink.cli import app
from terraform.standin.api_rules import refusals

BAD = [
    ("alicloud_pvtz_zone", "remark", "MaxCompute PrivateLink host names (Custom Domain Name)"),
    ("alicloud_pvtz_zone", "remark", "has spaces"),
    ("alicloud_pvtz_zone", "remark", "paren(s)"),
    ("alicloud_pvtz_zone", "remark", "x" * 51),
    ("alicloud_pvtz_zone", "remark", "slash/"),
    ("alicloud_pvtz_zone", "remark", "colon:"),
    ("alicloud_pvtz_zone", "remark", "tab\there"),
    ("alicloud_pvtz_zone", "remark", "emoji\U0001f600"),
    ("alicloud_pvtz_zone", "remark", "quote'"),
    ("alicloud_pvtz_zone", "remark", "at@"),
    ("alicloud_pvtz_zone_record", "remark", "MaxCompute frontend endpoint"),
    ("alicloud_pvtz_zone_record", "remark", "y" * 60),
    ("alicloud_pvtz_zone_record", "remark", "semi;colon"),
    ("alicloud_pvtz_zone_record", "remark", "hash#"),
    ("alicloud_privatelink_vpc_endpoint", "vpc_endpoint_name", "a"),
    ("alicloud_privatelink_vpc_endpoint", "vpc_endpoint_name", "1starts-with-digit"),
    ("alicloud_privatelink_vpc_endpoint", "vpc_endpoint_name", "-starts-with-hyphen"),
    ("alicloud_privatelink_vpc_endpoint", "vpc_endpoint_name", "has space"),
    ("alicloud_privatelink_vpc_endpoint", "vpc_endpoint_name", "has.dot"),
    ("alicloud_privatelink_vpc_endpoint", "vpc_endpoint_name", "n" * 129),
    ("alicloud_privatelink_vpc_endpoint", "endpoint_description", "x"),
    ("alicloud_privatelink_vpc_endpoint", "endpoint_description", "http://example.com"),
    ("alicloud_privatelink_vpc_endpoint", "endpoint_description", "https://example.com"),
    ("alicloud_privatelink_vpc_endpoint", "endpoint_description", "d" * 257),
    ("alicloud_security_group", "security_group_name", "prod.maxcompute-endpoints"),
    ("alicloud_security_group", "security_group_name", "9-starts-with-digit"),
    ("alicloud_security_group", "security_group_name", "g" * 129),
    ("alicloud_vpc", "vpc_name", "has space"),
    ("alicloud_vpc", "vpc_name", "_underscore-first"),
    ("alicloud_vpc", "description", "https://vpc.example"),
    ("alicloud_vpc", "description", "v" * 257),
]  # fmt: skip

GOOD = [
    ("alicloud_pvtz_zone", "remark", ""),
    ("alicloud_pvtz_zone", "remark", "MaxCompute-PrivateLink-Custom-Domain-Name"),
    ("alicloud_pvtz_zone", "remark", "中文,ok._-"),
    ("alicloud_pvtz_zone_record", "remark", "z" * 50),
    ("alicloud_privatelink_vpc_endpoint", "vpc_endpoint_name", "prod-shenzhen_maxcompute-1"),
    ("alicloud_privatelink_vpc_endpoint", "vpc_endpoint_name", "数据-endpoint"),
    ("alicloud_privatelink_vpc_endpoint", "endpoint_description", "MaxCompute endpoint of x"),
    ("alicloud_security_group", "security_group_name", "prod-maxcompute-endpoints:a_b"),
    ("alicloud_vpc", "vpc_name", "analytics-shenzhen"),
    ("alicloud_vpc", "description", "VPC of MaxCompute PrivateLink deployment a"),
]


@pytest.mark.parametrize(("kind", "attribute", "value"), BAD)
def test_the_api_refuses_what_its_reference_refuses(kind: str, attribute: str, value: str) -> None:
    # when
    found = refusals(kind, {attribute: value})
    # then: one refusal, with the API's error code
    assert len(found) == 1
    summary, detail = found[0]
    assert summary.split(":")[0] in (
        "Zone.Remark", "IllegalParam.EndpointName", "IllegalParam.EndpointDescription",
        "InvalidSecurityGroupName.Malformed", "InvalidVpcName.Malformed",
        "InvalidVpcDiscription.Malformed",
    )  # fmt: skip
    assert repr(value) in detail


@pytest.mark.parametrize(("kind", "attribute", "value"), GOOD)
def test_the_api_accepts_what_its_reference_allows(kind: str, attribute: str, value: str) -> None:
    assert refusals(kind, {attribute: value}) == []


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.stem for e in EXAMPLES])
@pytest.mark.parametrize("name", ["a", "a" * 40, "prod-shenzhen"])
def test_every_name_description_and_remark_mcpl_writes_passes(
    example: Path, name: str, tmp_path: Path
) -> None:
    # given: the example with a deployment name at both ends of its range
    text = example.read_text()
    data = yaml.safe_load(text)
    for index, deployment in enumerate(data["deployments"]):
        deployment["name"] = f"{name[: 40 - 2]}{index}" if index else name
    config = tmp_path / "c.yaml"
    config.write_text(yaml.safe_dump(data))
    out = tmp_path / "out"
    # when
    result = runner.invoke(app, ["synth", "-c", str(config), "-o", str(out)])
    # then
    assert result.exit_code == 0, result.output
    for stack in out.glob("stacks/*/cdk.tf.json"):
        resources = json.loads(stack.read_text())["resource"]
        for kind, bodies in resources.items():
            for body in bodies.values():
                assert refusals(kind, body) == [], (kind, body)
