"""mcpl summary: the pull-request review, golden-tested; plans; the Mermaid diagram."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from conftest import ROOT, runner, write_config
from maxcompute_privatelink.cli import app
from maxcompute_privatelink.model.config import PrivateLinkConfig
from maxcompute_privatelink.outputs.summary import markdown, summarize

pytestmark = pytest.mark.releases

FIXTURES = Path(__file__).parent / "fixtures"
PLAN = FIXTURES / "plans" / "prod-shenzhen.json"


class GoldenMarkdown(SingleFileSnapshotExtension):
    _write_mode = WriteMode.TEXT
    file_extension = "md"


@pytest.fixture
def golden(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(GoldenMarkdown)


def summary(*args: str) -> Any:
    return runner.invoke(app, ["summary", *args])


@pytest.mark.parametrize(
    "example",
    [
        "privatelink.yaml",
        "examples/multi-region.yaml",
        "examples/adopt.yaml",
        "examples/platform-team.yaml",
    ],
    ids=["default", "multi-region", "adopt", "platform-team"],
)
def test_markdown_summary_of_the_bundled_examples(
    example: str, tmp_path: Path, golden: SnapshotAssertion
) -> None:
    # when
    result = summary("-c", str(ROOT / example), "--from", str(tmp_path / "none"))
    # then
    assert result.exit_code == 0, result.output
    assert result.stdout == golden


def test_plan_puts_endpoint_destroys_and_replacements_first_in_bold(
    tmp_path: Path, deployment: dict[str, Any], golden: SnapshotAssertion
) -> None:
    # given: a plan with a create, an update, a replacement and destroys
    config = write_config(tmp_path, [deployment])
    # when
    result = summary("-c", str(config), "--from", str(tmp_path / "none"), "--plan", str(PLAN))
    # then
    assert result.exit_code == 0, result.output
    text = result.stdout
    critical = text.index("**These changes cut MaxCompute off")
    first_deployment = text.index("## prod-shenzhen")
    assert critical < first_deployment
    head = text[critical:first_deployment]
    assert (
        "- **replace `alicloud_privatelink_vpc_endpoint.maxcompute_frontend` (prod-shenzhen), "
        "forced by service_name**" in head
    )
    assert (
        "- **delete `alicloud_privatelink_vpc_endpoint_zone.maxcompute_tunnel_cn_shenzhen_d` "
        "(prod-shenzhen)**" in head
    )
    assert "maxcompute_ingress_https_old" not in head, "a rule is not an endpoint"
    rows = re.findall(r"^\| (\**\w+\**) \| `([^`]+)` \|", text, re.M)
    assert rows == [
        ("**delete**", "alicloud_privatelink_vpc_endpoint_zone.maxcompute_tunnel_cn_shenzhen_d"),
        ("delete", "alicloud_security_group_rule.maxcompute_ingress_https_old"),
        ("**replace**", "alicloud_privatelink_vpc_endpoint.maxcompute_frontend"),
        ("update", "alicloud_privatelink_vpc_endpoint.maxcompute_tunnel"),
        ("create", "alicloud_security_group_rule.maxcompute_ingress_https_vpc"),
    ]
    assert (
        "replaces alicloud_privatelink_vpc_endpoint.maxcompute_frontend (forced by service_name)"
        in text
    )
    assert text == golden


def test_flags_what_a_reviewer_should_see(tmp_path: Path, deployment: dict[str, Any]) -> None:
    # given: a ticket region, one zone, http, a public and a wide network
    deployment.update(
        region="ap-southeast-1",
        ticket_approved=True,
        protocol="http",
        zones=[{"zone_id": "ap-southeast-1a", "vswitch_cidr": "10.20.1.0/24"}],
        allowed_cidrs=["10.0.0.0/8", "8.8.8.0/24"],
        endpoint_urls={
            "maxcompute": "http://service.mc.example/api",
            "tunnel": "http://tunnel.mc.example",
        },
    )
    config = write_config(tmp_path, [deployment])
    # when
    result = summary("-c", str(config), "--from", str(tmp_path / "none"))
    # then
    flags = re.findall(r"^- ⚠️ (.*)$", result.stdout, re.M)
    warned = [
        "zones: only one zone (ap-southeast-1a): MaxCompute becomes unreachable from this VPC "
        "when that zone fails; add a second zone",
        "protocol: http, not https: client traffic to MaxCompute is not encrypted; use "
        "protocol: https (the default)",
        "allowed_cidrs[0]: 10.0.0.0/8 is wide: 16,777,216 addresses may connect; narrow it to "
        "your clients' networks",
        "allowed_cidrs[1]: 8.8.8.0/24 is not a private network, and may connect",
    ]
    assert flags == ["ap-southeast-1 (Singapore) needs an approved support ticket", *warned]
    assert "| Billable | 2 endpoint-zone instances (2 endpoints \u00d7 1 zone)" in result.stdout
    # and validate warns of each risk the review flags, with the same words
    validated = runner.invoke(app, ["validate", "-c", str(config)])
    assert validated.exit_code == 0
    assert validated.stderr.splitlines() == [
        f"warning: deployment 'prod-shenzhen': {w}" for w in warned
    ]


def test_says_which_values_are_known_only_at_apply_time(deployment: dict[str, Any]) -> None:
    # given: a CDKTF app's props, with its own resources' ids as tokens (cdktf's encoding)
    deployment.update(
        vpc_cidr=None,
        vpc_id="${TfToken[TOKEN.11]}",
        zones=[
            {"zone_id": "cn-shenzhen-e", "vswitch_id": "${TfToken[TOKEN.12]}"},
            {"zone_id": "cn-shenzhen-f", "vswitch_id": "vsw-wz9abc"},
        ],
        allowed_cidrs=["${TfToken[TOKEN.13]}", "192.168.0.0/24"],
    )
    config = PrivateLinkConfig.model_validate({"deployments": [deployment]})
    # when
    text = markdown(summarize(config, []))
    # then
    assert "TfToken" not in text
    assert "| VPC | (known at apply) |" in text
    assert "cn-shenzhen-e: (known at apply); cn-shenzhen-f: `vsw-wz9abc`" in text
    assert "from (known at apply), 192.168.0.0/24; nothing else" in text
    assert (
        "known only at apply time (cdktf tokens), so checked by Terraform and not here: "
        "vpc_id, zones[0].vswitch_id, allowed_cidrs[0]"
    ) in text
    _check_mermaid(text.split("```mermaid")[1].split("```")[0])


def _check_mermaid(block: str) -> None:
    """Structure of a Mermaid flowchart: header, balanced subgraphs, defined edge ends,
    labels without stray quotes; and the layout that draws without crossings (as drawn by
    Mermaid 11 in headless Chromium): zone titles no longer than the zone id, each
    service linked only to its own NICs, each zone's frontend NIC above its tunnel NIC."""
    lines = [line.strip() for line in block.strip().splitlines()]
    assert lines[0] == "flowchart TB"
    depth, defined, edges = 0, set(), []
    node = re.compile(r'^([A-Za-z][\w]*)(\["[^"]*"\]|\(\["[^"]*"\]\))$')
    subgraph = re.compile(r'^subgraph ([A-Za-z]\w*)\["([^"]*)"\]$')
    edge = re.compile(r"^([A-Za-z]\w*) (---|~~~) ([A-Za-z]\w*)$")
    for line in lines[1:]:
        if match := subgraph.match(line):
            depth += 1
            defined.add(match.group(1))
            if match.group(1) != "vpc":
                assert re.fullmatch(r"[a-z]+-[a-z]+-?\d*[a-z]", match.group(2)), line
        elif line == "end":
            depth -= 1
            assert depth >= 0, "end without subgraph"
        elif match := node.match(line):
            defined.add(match.group(1))
        elif match := edge.match(line):
            edges.append((match.group(1), match.group(3)))
        else:
            raise AssertionError(f"not Mermaid flowchart syntax: {line!r}")
    assert depth == 0, "unclosed subgraph"
    for source, target in edges:
        assert {source, target} <= defined, (source, target)
    zones = sorted({source[:-1] for source, _ in edges if re.fullmatch(r"z\d+f", source)})
    assert sorted(edges) == sorted(
        [(z, e) for zone in zones for z, e in (("fe", f"{zone}f"), (f"{zone}f", f"{zone}t"),
                                                 (f"{zone}t", "tu"))]
    )  # fmt: skip


@pytest.mark.parametrize(
    "example",
    [ROOT / "privatelink.yaml", *sorted((ROOT / "examples").glob("*.yaml"))],
    ids=lambda p: p.name,
)
def test_mermaid_diagrams_are_well_formed(example: Path, tmp_path: Path) -> None:
    result = summary("-c", str(example), "--from", str(tmp_path / "none"))
    blocks = re.findall(r"```mermaid\n(.*?)```", result.stdout, re.S)
    assert blocks
    for block in blocks:
        _check_mermaid(block)


def test_text_format_for_terminals(
    tmp_path: Path, deployment: dict[str, Any], golden: SnapshotAssertion
) -> None:
    config = write_config(tmp_path, [deployment])
    result = summary(
        "-c",
        str(config),
        "--from",
        str(tmp_path / "none"),
        "--plan",
        str(PLAN),
        "--format",
        "text",
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("CUTS MAXCOMPUTE ACCESS UNTIL RECREATED:\n  DELETE ")
    assert "prod-shenzhen: plan" in out
    assert "Security groups" in out and "\x1b[" not in out
    assert out.count("Security groups") == 1, "each table once"
    assert out == golden  # the whole output


def test_warns_when_the_committed_output_is_stale(
    tmp_path: Path, deployment: dict[str, Any]
) -> None:
    config = write_config(tmp_path, [deployment])
    out = tmp_path / "cdktf.out"
    assert runner.invoke(app, ["synth", "-c", str(config), "-o", str(out)]).exit_code == 0
    fresh = summary("-c", str(config), "--from", str(out))
    assert fresh.exit_code == 0 and fresh.stderr == ""
    config = write_config(tmp_path, [dict(deployment, protocol="http")])
    stale = summary("-c", str(config), "--from", str(out))
    assert stale.stderr == (
        "warning: deployment 'prod-shenzhen': protocol: http, not https: client traffic to "
        "MaxCompute is not encrypted; use protocol: https (the default)\n"
        f"warning: {out} is not what {config} synthesizes (prod-shenzhen: maxcompute_endpoint "
        "'https://service-pvl.cn-shenzhen-vpc.maxcompute.aliyun-inc.com/api', config "
        "'http://service-pvl.cn-shenzhen-vpc.maxcompute.aliyun-inc.com/api'); run `mcpl check`\n"
    )


def test_summary_needs_no_node(
    tmp_path: Path, deployment: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: committed stacks, and no Node on PATH
    config = write_config(tmp_path, [deployment])
    out = tmp_path / "cdktf.out"
    assert runner.invoke(app, ["synth", "-c", str(config), "-o", str(out), "--hcl"]).exit_code == 0
    monkeypatch.setenv("PATH", str(tmp_path / "no-tools"))
    # when
    result = summary("-c", str(config), "--from", str(out))
    # then
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert "## prod-shenzhen" in result.stdout


def test_fails_when_the_plan_is_not_a_plan(tmp_path: Path, deployment: dict[str, Any]) -> None:
    config = write_config(tmp_path, [deployment])
    bad = tmp_path / "prod-shenzhen.json"
    bad.write_text('{"values": {}}')
    result = summary("-c", str(config), "--from", str(tmp_path / "none"), "--plan", str(bad))
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: deployment 'prod-shenzhen': {bad} is not the JSON of `terraform show -json "
        "<planfile>` (no resource_changes)\n"
    )


def test_says_which_deployments_have_no_plan(tmp_path: Path, deployment: dict[str, Any]) -> None:
    # given: a folder of plans that holds one of the two deployments' plans
    config = write_config(tmp_path, [deployment, dict(deployment, name="second")])
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "prod-shenzhen.json").write_text(PLAN.read_text())
    # when
    result = summary("-c", str(config), "--from", str(tmp_path / "none"), "--plan", str(plans))
    as_json = summary(
        "-c", str(config), "--from", str(tmp_path / "none"), "--plan", str(plans),
        "--format", "json",
    )  # fmt: skip
    # then
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "warning: --plan: no plan for second (expected <deployment>.json of `terraform show "
        "-json`); their review shows no planned changes\n"
    )
    assert '"unplanned": [\n    "second"\n  ]' in as_json.stdout
