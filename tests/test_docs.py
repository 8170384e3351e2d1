"""The reference pages are generated: they must be what the generator writes now."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from maxcompute_privatelink.construct.emitter import chosen

pytestmark = pytest.mark.releases


def test_the_config_and_cli_references_are_up_to_date() -> None:
    # `python tools/generate_docs.py` writes docs/config-reference.md, docs/cli.md,
    # docs/permissions.md and schema/privatelink.schema.json
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "generate_docs.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_destroy_protection_docs_synth_shows_is_what_a_stack_carries() -> None:
    # given: the output a refused destroy shows, as "Removing a deployment" quotes it
    from maxcompute_privatelink.construct.stack import DESTROY_PROTECTION

    page = (ROOT / "docs" / "synth.md").read_text()
    # then
    assert f'  - destroy_protection       = "{DESTROY_PROTECTION}" -> null\n' in page


def test_every_docs_page_the_readme_links_exists() -> None:
    readme = (ROOT / "README.md").read_text()
    linked = {part.split(")")[0] for part in readme.split("](docs/")[1:]}
    assert linked, "the README links the docs"
    for page in linked:
        assert (ROOT / "docs" / page).is_file(), page


@pytest.mark.emitter
def test_the_construct_page_example_runs_as_written(tmp_path: Path) -> None:
    # given the Python example of docs/construct.md, as a user would copy it
    page = (ROOT / "docs" / "construct.md").read_text()
    (example,) = re.findall(r"```python\n(.*?)```", page, re.DOTALL)
    # a cdktn user imports the same names from cdktn
    example = example.replace("from cdktf import", f"from {chosen()} import")
    checks = (
        "assert url.startswith('https://'), url\n"
        "assert props.plan.known_after_apply == ('vpc_id', 'zones[0].vswitch_id')\n"
        "app.synth()\n"
    )

    # when it runs in a scratch folder (App() writes ./cdktf.out), with checks appended
    done = subprocess.run(
        [sys.executable, "-c", example + checks],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )

    # then it builds the construct, gives its typed attributes and synthesizes both stacks
    assert done.returncode == 0, done.stderr
    stacks = tmp_path / "cdktf.out" / "stacks"
    network = json.loads((stacks / "network" / "cdk.tf.json").read_text())
    reader = json.loads((stacks / "reader" / "cdk.tf.json").read_text())
    assert network["terraform"]["required_providers"]["alicloud"]["version"] == "~> 1.280"
    assert "terraform_remote_state" in reader["data"]


def bench_row(command: str, deployments: int) -> list[str]:
    """The cells of bench/results.md's row for ``command`` at ``deployments``."""
    for line in (ROOT / "bench/results.md").read_text().splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if cells[:2] == [command, str(deployments)]:
            return cells
    raise AssertionError(f"bench/results.md has no row {command!r} at {deployments}")


def quoted(text: str, pattern: str) -> tuple[str, ...]:
    found = re.search(pattern, text)
    assert found is not None, f"the docs no longer say {pattern!r}"
    return found.groups()


def test_the_speed_figures_the_docs_quote_are_the_measured_ones() -> None:
    # given: what docs/development.md says of 100 deployments, and what bench measured
    text = " ".join((ROOT / "docs/development.md").read_text().split())
    results = (ROOT / "bench/results.md").read_text()
    # then: each figure is the one in bench/results.md
    assert quoted(text, r"the floor was ([\d.]+) s") == quoted(
        results, r"the jsii floor\): \*\*([\d.]+) s\*\*"
    )
    for pattern, command in (
        (r"a full synth took ([\d.]+) s \(([\d.]+)x the floor\)", "mcpl synth --full"),
        (r"unchanged fleet took ([\d.]+) s \(([\d.]+)x\)", "mcpl check, unchanged"),
        (r"changing one deployment took ([\d.]+) s \(([\d.]+)x\)", "mcpl synth, one changed"),
    ):
        row = bench_row(command, 100)
        assert quoted(text, pattern) == (row[2], row[3]), command
    assert quoted(text, r"render took ([\d.]+) s") == (bench_row("mcpl render", 100)[2],)
    assert quoted(text, r"peaked at (\d+) MB \(PSS\)") == (bench_row("mcpl synth --full", 100)[5],)
