"""The reference pages are generated: they must be what the generator writes now."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import ROOT


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


def test_the_construct_page_example_runs_as_written() -> None:
    # given the Python example of docs/construct.md, as a user would copy it
    page = (ROOT / "docs" / "construct.md").read_text()
    (example,) = re.findall(r"```python\n(.*?)```", page, re.DOTALL)

    # when it runs, with a check of what it promises appended
    done = subprocess.run(
        [sys.executable, "-c", example + "assert url.startswith('https://'), url\n"],
        capture_output=True,
        text=True,
        check=False,
    )

    # then it builds the construct and gives its typed attributes
    assert done.returncode == 0, done.stderr
