"""``mcpl init``: a starter privatelink.yaml that validates (or says what to fill in),
with the schema its modeline names; never overwriting what mcpl did not write."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from conftest import runner
from maxcompute_privatelink.cli import app
from maxcompute_privatelink.model.regions import REGIONS

pytestmark = pytest.mark.releases

DIRECT = [r for r in REGIONS.values() if not r.ticket_required]
TICKET = [r for r in REGIONS.values() if r.ticket_required]


def mcpl(*args: str | Path) -> Any:
    return runner.invoke(app, [str(a) for a in args])


def test_the_default_starter_validates_and_names_its_schema(tmp_path: Path) -> None:
    # given
    config = tmp_path / "privatelink.yaml"
    # when
    result = mcpl("init", "-c", config)
    # then
    assert result.exit_code == 0, result.output
    text = config.read_text()
    assert text.splitlines()[0] == "# yaml-language-server: $schema=privatelink.schema.json"
    schema = json.loads((tmp_path / "privatelink.schema.json").read_text())
    assert (tmp_path / "privatelink.schema.json").read_text() == mcpl("schema").stdout
    data = yaml.safe_load(text)
    jsonschema.validate(data, schema)  # what the editor's YAML language server checks
    validated = mcpl("validate", "-c", config)
    assert validated.exit_code == 0, validated.output
    assert data["deployments"][0]["zones"] == [
        {"zone_id": "cn-hangzhou-a", "vswitch_cidr": "10.0.0.0/24"},
        {"zone_id": "cn-hangzhou-b", "vswitch_cidr": "10.0.1.0/24"},
    ]


@pytest.mark.parametrize("region", DIRECT, ids=[r.id for r in DIRECT])
@pytest.mark.parametrize("cidr", ["10.0.0.0/16", "192.168.0.0/28", "172.16.0.0/12"])
def test_a_new_network_starter_validates_in_every_direct_region(
    tmp_path: Path, region: Any, cidr: str
) -> None:
    # given
    config = tmp_path / "c.yaml"
    # when
    result = mcpl("init", "-c", config, "--region", region.id, "--vpc-cidr", cidr)
    # then
    assert result.exit_code == 0, result.output
    validated = mcpl("validate", "-c", config)
    assert validated.exit_code == 0, validated.output


@pytest.mark.parametrize("region", TICKET, ids=[r.id for r in TICKET])
def test_a_ticket_region_starter_says_what_the_ticket_must_fill_in(
    tmp_path: Path, region: Any
) -> None:
    # given: the starter with the user's vSwitches filled in and the ticket approved
    config = tmp_path / "c.yaml"
    assert mcpl("init", "-c", config, "--region", region.id, "--vpc-id", "vpc-a1").exit_code == 0
    text = (
        config.read_text().replace("vsw-CHANGE-ME", "vsw-b2", 1).replace("vsw-CHANGE-ME", "vsw-c3")
    )
    config.write_text(text.replace("ticket_approved: false", "ticket_approved: true"))
    # when
    result = mcpl("validate", "-c", config)
    # then: only the URLs the ticket gives are left
    assert result.exit_code == 1
    problems = result.stderr.splitlines()
    assert [p.split(": ")[2] for p in problems] == [
        "endpoint_urls.maxcompute",
        "endpoint_urls.tunnel",
    ]


def test_an_existing_vpc_starter_asks_for_each_vswitch(tmp_path: Path) -> None:
    # given
    config = tmp_path / "c.yaml"
    # when
    result = mcpl("init", "-c", config, "--vpc-id", "vpc-bp1abc")
    validated = mcpl("validate", "-c", config)
    # then
    assert result.exit_code == 0, result.output
    assert "next: set the vswitch_id of each zone" in result.stdout
    assert validated.exit_code == 1
    assert [line.split(": ")[2] for line in validated.stderr.splitlines()] == [
        "zones[0].vswitch_id",
        "zones[1].vswitch_id",
    ]


def test_fails_when_the_config_exists_and_leaves_it_alone(tmp_path: Path) -> None:
    # given
    config = tmp_path / "privatelink.yaml"
    config.write_text("mine\n")
    # when
    result = mcpl("init", "-c", config)
    # then
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {config}: exists; mcpl init only creates a new file: edit it, or pass "
        "--config NEW.yaml\n"
    )
    assert config.read_text() == "mine\n"
    assert not (tmp_path / "privatelink.schema.json").exists()


def test_fails_when_a_schema_file_beside_is_not_mcpls(tmp_path: Path) -> None:
    # given
    (tmp_path / "privatelink.schema.json").write_text('{"$id": "https://example.com/mine"}')
    # when
    result = mcpl("init", "-c", tmp_path / "privatelink.yaml")
    # then
    assert result.exit_code == 2
    assert "is not the schema mcpl writes" in result.stderr
    assert not (tmp_path / "privatelink.yaml").exists()
    assert "example.com/mine" in (tmp_path / "privatelink.schema.json").read_text()


def test_a_second_starter_beside_the_first_replaces_mcpls_schema(tmp_path: Path) -> None:
    # given
    assert mcpl("init", "-c", tmp_path / "a.yaml").exit_code == 0
    # when
    result = mcpl("init", "-c", tmp_path / "b.yaml", "--region", "cn-beijing")
    # then
    assert result.exit_code == 0, result.output
    assert (tmp_path / "a.yaml").is_file() and (tmp_path / "b.yaml").is_file()


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["--region", "mars-1"], "error: --region: 'mars-1' is not a region"),
        (["--vpc-cidr", "10.0.0.0/33"], "error: --vpc-cidr: '10.0.0.0/33' is not a CIDR block"),
        (["--vpc-id", "vpc_1"], "error: --vpc-id: 'vpc_1' is not a VPC id"),
        (["--name", "Main"], "error: --name: 'Main' is not a safe stack name"),
        (
            ["--vpc-id", "vpc-a1", "--vpc-cidr", "10.0.0.0/16"],
            "error: --vpc-id: give --vpc-id or --vpc-cidr, not both",
        ),
    ],
)
def test_fails_in_one_line_on_a_bad_option_and_writes_nothing(
    tmp_path: Path, args: list[str], line: str
) -> None:
    # when
    result = mcpl("init", "-c", tmp_path / "c.yaml", *args)
    # then
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(line)
    assert list(tmp_path.iterdir()) == []


def git_ignores(repo: Path, *names: str) -> set[str]:
    """Which of ``names`` git ignores in ``repo``, by git's own matching."""
    done = subprocess.run(
        ["git", "-C", str(repo), "check-ignore", "--no-index", *names],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    return set(done.stdout.split())


def test_writes_a_gitignore_that_keeps_state_plans_and_credentials_out(tmp_path: Path) -> None:
    # given: an empty git repo
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    # when
    result = mcpl("init", "-c", tmp_path / "privatelink.yaml")
    # then: git ignores state, plans, Terraform's folders, rendered clients, debris and
    # .env, and none of what the repo commits
    assert result.exit_code == 0, result.output
    assert f"{tmp_path / '.gitignore'}: ignores *.tfstate " in result.stdout
    ignored = [
        "terraform.main.tfstate", "terraform.main.tfstate.backup", "cdktf.out/stacks/main/tfplan",
        "x.tfplan", "cdktf.out/stacks/main/.terraform/providers/p", "client/main/pyodps.env",
        ".cdktf.out.mcpl-staging-a1/manifest.json", ".env", "cdktf.out/stacks/main/plan",
        "infra/out/stacks/main/plan",
    ]  # fmt: skip
    committed = [
        "privatelink.yaml", "privatelink.schema.json", "cdktf.out/manifest.json",
        "cdktf.out/stacks/main/cdk.tf.json", "cdktf.out/stacks/main/.terraform.lock.hcl",
        ".github/workflows/privatelink.yml",
    ]  # fmt: skip
    assert git_ignores(tmp_path, *ignored, *committed) == set(ignored)


def test_extends_a_gitignore_without_touching_a_line_of_it(tmp_path: Path) -> None:
    # given: the user's .gitignore, one pattern already there, no final newline
    theirs = "# ours\n*.log\n.terraform/\n!keep.tfstate"
    (tmp_path / ".gitignore").write_text(theirs)
    # when
    result = mcpl("init", "-c", tmp_path / "privatelink.yaml")
    # then: their lines first, as they were; then only what was missing
    assert result.exit_code == 0, result.output
    text = (tmp_path / ".gitignore").read_text()
    assert text.startswith(theirs + "\n\n# added by mcpl init\n")
    added = [line for line in text[len(theirs) :].splitlines() if line and line[0] != "#"]
    assert added == [
        "*.tfstate",
        "*.tfstate.*",
        "*.tfplan",
        "tfplan",
        "**/stacks/*/plan",
        "client/",
        ".*.mcpl-*",
        ".env",
    ]


def test_leaves_a_gitignore_that_has_every_pattern_alone(tmp_path: Path) -> None:
    # given: a first init wrote it
    assert mcpl("init", "-c", tmp_path / "a.yaml").exit_code == 0
    before = (tmp_path / ".gitignore").read_bytes()
    # when
    result = mcpl("init", "-c", tmp_path / "b.yaml")
    # then
    assert result.exit_code == 0, result.output
    assert ".gitignore" not in result.stdout
    assert (tmp_path / ".gitignore").read_bytes() == before


def test_a_ticket_region_starter_says_what_to_fill_in_all_at_once(tmp_path: Path) -> None:
    # given: the starter for a region that needs a ticket, as `mcpl init` writes it
    config = tmp_path / "privatelink.yaml"
    assert mcpl("init", "-c", config, "--region", "ap-southeast-1").exit_code == 0
    # when
    result = mcpl("validate", "-c", config)
    # then: its placeholders named as such, and the ticket rule, in one run
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: deployment 'main': endpoint_urls.maxcompute: left from `mcpl init`: put the "
        "MaxCompute URL your ticket gives (https://...) here",
        "error: deployment 'main': endpoint_urls.tunnel: left from `mcpl init`: put the Tunnel "
        "URL your ticket gives (https://...) here",
        "error: deployment 'main': ticket_approved: ap-southeast-1 (Singapore) needs a support "
        "ticket before MaxCompute PrivateLink can be used there; open one with Alibaba Cloud, "
        "then set ticket_approved: true",
    ]


def test_an_existing_vpc_starter_names_each_vswitch_to_fill_in(tmp_path: Path) -> None:
    config = tmp_path / "privatelink.yaml"
    assert (
        mcpl("init", "-c", config, "--region", "cn-shanghai", "--vpc-id", "vpc-a1").exit_code == 0
    )
    result = mcpl("validate", "-c", config)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"error: deployment 'main': zones[{i}].vswitch_id: left from `mcpl init`: put the id of "
        f"your VPC's vSwitch in cn-shanghai-{z} here (vsw-..., in the VPC console under vSwitches)"
        for i, z in enumerate("ab")
    ]
