"""Every `mcpl ...` command line in README.md and docs/ runs, as written, against an infra
repo like the one the README builds (the bundled config, its state in OSS, synthesized,
locked and committed), and exits as the docs say. A command named in prose only, with a
placeholder or an option still to fill in, is not a command line: ``PHRASES`` lists why
each is not run, and a new one fails until it is listed or made runnable."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest

from conftest import OSS, ROOT, committed, runner
from maxcompute_privatelink.cli import app
from terraform.conftest import Lab

pytestmark = pytest.mark.terraform

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

EXITS = {
    "mcpl init": 2,  # in the repo: privatelink.yaml exists, and init never overwrites
    "mcpl init --region cn-shanghai --vpc-cidr 10.30.0.0/16": 0,  # the README's, in an empty repo
}
"""Exit codes other than 0, as the docs say (README, "Exit codes")."""

NOT_RUN = {
    "mcpl doctor": "probes the endpoints from inside a VPC: tests/test_doctor.py, on loopback",
    "mcpl doctor --auth": "the same, and signs a request: tests/test_doctor.py",
    "mcpl --install-completion": "writes into the user's shell start-up files",
    "mcpl ci reviewed": "run by the workflow with its runs' artifacts: tests/test_reviewed.py",
}
"""Command lines the docs give that are not run here, and where they are tested."""


def commands() -> dict[str, list[str]]:
    """Each command line of the docs (fenced shell blocks and inline code), whitespace
    folded, with the pages that hold it."""
    found: dict[str, list[str]] = {}
    for page in PAGES:
        text = page.read_text()
        lines = [
            line.strip().removeprefix("$ ").split("  #")[0].strip()
            for block in re.findall(r"```(?:sh|console|bash)?\n(.*?)```", text, re.S)
            for line in block.splitlines()
        ]
        lines += re.findall(r"`(mcpl [^`]+)`", text)
        for line in lines:
            folded = " ".join(line.split())
            if folded.startswith("mcpl ") and page.name not in found.get(folded, []):
                found.setdefault(folded, []).append(page.name)
    return found


def is_phrase(command: str) -> bool:
    """A command named in prose: usage syntax, a placeholder, or an option left open."""
    words = command.split()
    unquoted = re.sub(r"'[^']*'|\"[^\"]*\"", "", command)
    return (
        "[" in unquoted
        or "..." in command
        or any(re.fullmatch(r"[A-Z][A-Z_]+", w) for w in words)
        or words[-1] in ("--tf-output", "--plan", "--never-applied")
    )


DOCUMENTED = commands()
RUNNABLE = sorted(c for c in DOCUMENTED if not is_phrase(c) and c not in NOT_RUN)


def test_the_docs_name_commands_that_exist() -> None:
    # every command line, phrases included, names a command and options mcpl has
    for command in DOCUMENTED:
        words = [w for w in shlex.split(command.split(" > ")[0])[1:] if not w.startswith("[")]
        names = [w for w in words if not w.startswith("-")][:2]
        path = names[:2] if names[:1] == ["ci"] else names[:1]
        helped = runner.invoke(app, [*path, "--help"])
        assert helped.exit_code == 0, (command, DOCUMENTED[command])
        unquoted = re.sub(r"'[^']*'|\"[^\"]*\"", "", command.split(" > ")[0])
        for option in re.findall(r"(?<![\w-])--[a-z][a-z-]*", unquoted):
            assert re.search(rf"{option}\b", helped.stdout), (command, option)


@pytest.fixture
def infra(workflow_lab: Lab, tmp_path: Path) -> Path:
    """The README's repo: the bundled config with its state in OSS, synthesized, locked
    (the stand-in provider's mirror) and committed."""
    repo = tmp_path / "infra"
    repo.mkdir()
    (repo / "privatelink.yaml").write_text((ROOT / "privatelink.yaml").read_text() + OSS)
    for args in (["synth"], ["lock"]):
        done = runner.invoke(app, [*args, "-c", str(repo / "privatelink.yaml"), "-o",
                                   str(repo / "cdktf.out")])  # fmt: skip
        assert done.exit_code == 0, done.output
    return committed(repo)


@pytest.mark.parametrize("command", RUNNABLE)
def test_each_command_line_runs_as_documented(
    command: str, infra: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: the repo, or for the README's first init an empty one
    folder = infra
    if command.startswith("mcpl init ") and EXITS.get(command) == 0:
        folder = tmp_path / "empty"
        folder.mkdir()
    review = tmp_path / "review"
    if "/tmp/review" in command:  # docs/infra-repo.md: the scratch copy, made as it says
        review.mkdir()
        shutil.copy(infra / "privatelink.yaml", review)
    monkeypatch.chdir(folder)
    argv, _, target = command.replace("/tmp/review", str(review)).partition(" > ")
    # when
    result = runner.invoke(app, shlex.split(argv)[1:])
    if target:
        Path(target).write_text(result.stdout)
    # then
    assert result.exit_code == EXITS.get(command, 0), (DOCUMENTED[command], result.output)
    assert "Traceback" not in result.output
