"""What pip reads: ranges in pyproject.toml for users' installs, requirements.lock for the
app's own, and tests/minimums.txt at the ranges' lower bounds. Parsed with ``packaging``,
the library pip itself uses for requirement specifiers (pip/_vendor/packaging)."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from conftest import ROOT
from maxcompute_privatelink.construct.emitter import chosen

pytestmark = pytest.mark.releases

PYPROJECT: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text())


def _project() -> dict[str, list[str]]:
    project = PYPROJECT["project"]
    return {"runtime": project["dependencies"], **project["optional-dependencies"]}


def _pins(path: Path) -> dict[str, Version]:
    pins: dict[str, Version] = {}
    for line in path.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        requirement = Requirement(line)
        (specifier,) = requirement.specifier
        assert specifier.operator == "==", f"{path.name}: {line} is not an exact pin"
        pins[canonicalize_name(requirement.name)] = Version(specifier.version)
    return pins


RUNTIME = [Requirement(line) for line in _project()["runtime"]]
CDKTF = [Requirement(line) for line in _project()["cdktf"]]
CDKTN = [Requirement(line) for line in _project()["cdktn"]]
"""The emitters, extras: what synthesizing needs besides the runtime (construct.emitter)."""


@pytest.mark.parametrize(
    "requirement",
    RUNTIME + CDKTF + CDKTN,
    ids=[
        f"{extra}-{r.name}"
        for extra, rs in (("runtime", RUNTIME), ("cdktf", CDKTF), ("cdktn", CDKTN))
        for r in rs
    ],
)
def test_runtime_dependencies_are_ranges_up_to_the_next_major(requirement: Requirement) -> None:
    # given the operators of one runtime requirement
    operators = {specifier.operator for specifier in requirement.specifier}

    # then it is a range, never a pin
    assert operators == {">=", "<"}, str(requirement)


@pytest.mark.parametrize("requirement", RUNTIME + CDKTF, ids=[r.name for r in RUNTIME + CDKTF])
def test_lower_bounds_are_what_test_minimums_installs(requirement: Requirement) -> None:
    # given the minimums the suite runs on
    minimums = _pins(ROOT / "tests" / "minimums.txt")

    # when the requirement's lower bound is read
    (lower,) = (Version(s.version) for s in requirement.specifier if s.operator == ">=")

    # then the suite runs on exactly that release
    assert minimums[canonicalize_name(requirement.name)] == lower


@pytest.mark.parametrize(
    ("lock_file", "emitter", "other"),
    [("requirements.lock", "cdktf", "cdktn"), ("requirements-cdktn.lock", "cdktn", "cdktf")],
)
def test_each_lock_satisfies_the_dev_install_with_its_emitter_and_not_the_other(
    lock_file: str, emitter: str, other: str
) -> None:
    # given a lock and everything '.[<emitter>,dev]' asks for
    lock = _pins(ROOT / lock_file)
    project = _project()
    wanted = [Requirement(line) for line in project["runtime"] + project[emitter] + project["dev"]]

    # then each is pinned in the lock, inside its range, and the other emitter is not there
    for requirement in wanted:
        pinned = lock.get(canonicalize_name(requirement.name))
        assert pinned is not None, f"{requirement.name} is not in {lock_file}"
        assert requirement.specifier.contains(pinned, prereleases=True), str(requirement)
    assert other not in lock


def test_the_cdktn_lower_bound_is_what_test_cdktn_installs() -> None:
    # given the cdktn release make test-cdktn runs the emitter tests on
    pinned = _pins(ROOT / "requirements-cdktn.lock")["cdktn"]
    (requirement,) = (r for r in CDKTN if r.name == "cdktn")

    # then it is the extra's lower bound
    assert [s.version for s in requirement.specifier if s.operator == ">="] == [str(pinned)]


def test_the_locks_differ_only_in_the_emitter() -> None:
    # given both locks
    cdktf_lock = _pins(ROOT / "requirements.lock")
    cdktn_lock = _pins(ROOT / "requirements-cdktn.lock")

    # then every other package is pinned alike (make lock holds the cdktn one to the other)
    shared = set(cdktf_lock) & set(cdktn_lock)
    assert {n for n in shared if cdktf_lock[n] != cdktn_lock[n]} == {"constructs"}
    assert set(cdktf_lock) ^ set(cdktn_lock) == {"cdktf", "cdktn"}


def test_the_installed_version_is_the_packages_own() -> None:
    # given the version pip recorded at install (setuptools read it from __version__)
    from importlib.metadata import version

    import maxcompute_privatelink

    # then there is one version source
    assert version("maxcompute-privatelink") == maxcompute_privatelink.__version__
    assert "version" not in PYPROJECT["project"]


def test_the_package_is_marked_typed_and_ships_the_marker() -> None:
    # given the package-data setuptools puts in the wheel
    setuptools = PYPROJECT["tool"]["setuptools"]

    # then py.typed (PEP 561) is there and is shipped
    assert (ROOT / "constructs" / "maxcompute_privatelink" / "py.typed").is_file()
    assert "py.typed" in setuptools["package-data"]["maxcompute_privatelink"]


def test_the_construct_is_exported_lazily_from_the_top_level() -> None:
    # given a fresh interpreter that imports the package, then the construct
    loaded = f"{chosen()!r} in sys.modules"  # the emitter: cdktf, or cdktn
    script = (
        "import sys, maxcompute_privatelink as m\n"
        f"print({loaded})\n"
        "from maxcompute_privatelink import MaxComputePrivateLink, CustomDomainName\n"
        f"print(MaxComputePrivateLink.__module__, {loaded})\n"
        "print(all(getattr(m, name) is not None for name in m.__all__))\n"
    )

    # when it runs
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )

    # then the emitter loads only with the construct, which is the construct module's
    assert done.stdout.splitlines() == [
        "False",
        "maxcompute_privatelink.construct.privatelink True",
        "True",
    ]


NAMED_PINS = ("pydantic", "PyYAML", "typer", "constructs")
"""The pins the package must install beside (issue #16): their installed releases, which
in `make test-minimums`' venv are pydantic 2.11.0, PyYAML 6.0.2, typer 0.15.4 and
constructs 10.4.2 (tests/minimums.txt)."""


def test_pip_resolves_the_package_beside_the_installed_pins(tmp_path: Path) -> None:
    # given: this venv's releases of the named packages, pinned exactly
    from importlib.metadata import version

    pins = [f"{name}=={version(name)}" for name in NAMED_PINS]
    report = tmp_path / "report.json"

    # when pip itself resolves the package and its emitter beside them, offline
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--dry-run",
            "--no-index",
            "--quiet",
            "--report",
            str(report),
            f"maxcompute-privatelink[{chosen()}]",
            *pins,
        ],
        capture_output=True,
        text=True,
        check=False,
    )

    # then nothing conflicts and nothing needs changing
    assert done.returncode == 0, done.stderr
    assert json.loads(report.read_text())["install"] == []


def test_every_package_the_code_imports_is_declared() -> None:
    # given the third-party modules the package imports, and what pyproject.toml declares
    import ast
    from importlib.metadata import packages_distributions

    owners = packages_distributions()
    imported: set[str] = set()
    for path in (ROOT / "constructs" / "maxcompute_privatelink").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported.add(node.module.split(".")[0])
    third_party = imported - set(sys.stdlib_module_names) - {"maxcompute_privatelink"}
    project = _project()
    declared = {
        canonicalize_name(Requirement(line).name)
        for extra in ("runtime", "cdktf", "cdktn", "hcl", "doctor")
        for line in project[extra]
    }

    # then each comes from a declared distribution (cdktn's module, when not installed here,
    # is the cdktn extra's)
    undeclared = {
        module
        for module in third_party
        if not {canonicalize_name(d) for d in owners.get(module, [module])} & declared
    }
    assert undeclared == set()


def test_the_license_is_a_valid_pep_639_expression() -> None:
    # given the license pyproject.toml declares (setuptools >= 77 writes it to the
    # metadata as License-Expression)
    from packaging.licenses import canonicalize_license_expression

    declared = PYPROJECT["project"]["license"]

    # then it is an SPDX expression pip and the index accept, written canonically
    assert isinstance(declared, str)
    assert canonicalize_license_expression(declared) == declared


def test_the_pre_commit_hooks_that_synthesize_install_the_emitter() -> None:
    # given: pre-commit installs the hook's repository without extras, then each hook's
    # additional_dependencies (pre_commit/languages/python.py: `pip install . *deps`)
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    extra = {"cdktf": _project()["cdktf"], "hcl": _project()["hcl"]}
    # then: what synthesizes gets the [cdktf] extra as pyproject.toml declares it, the HCL
    # hook the [hcl] one too; validate needs neither
    assert hooks["mcpl-check"]["additional_dependencies"] == extra["cdktf"]
    assert hooks["mcpl-check-hcl"]["additional_dependencies"] == extra["cdktf"] + extra["hcl"]
    assert "additional_dependencies" not in hooks["mcpl-validate"]
