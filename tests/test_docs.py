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
    # `python tools/generate_docs.py` writes docs/config-reference.md and docs/cli.md
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "generate_docs.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


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
