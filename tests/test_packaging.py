"""What pip reads: ranges in pyproject.toml for users' installs, requirements.lock for the
app's own, and tests/minimums.txt at the ranges' lower bounds. Parsed with ``packaging``,
the library pip itself uses for requirement specifiers (pip/_vendor/packaging)."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from conftest import ROOT

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


@pytest.mark.parametrize("requirement", RUNTIME, ids=[r.name for r in RUNTIME])
def test_runtime_dependencies_are_ranges_up_to_the_next_major(requirement: Requirement) -> None:
    # given the operators of one runtime requirement
    operators = {specifier.operator for specifier in requirement.specifier}

    # then it is a range, never a pin
    assert operators == {">=", "<"}, str(requirement)


@pytest.mark.parametrize("requirement", RUNTIME, ids=[r.name for r in RUNTIME])
def test_lower_bounds_are_what_test_minimums_installs(requirement: Requirement) -> None:
    # given the minimums the suite runs on
    minimums = _pins(ROOT / "tests" / "minimums.txt")

    # when the requirement's lower bound is read
    (lower,) = (Version(s.version) for s in requirement.specifier if s.operator == ">=")

    # then the suite runs on exactly that release
    assert minimums[canonicalize_name(requirement.name)] == lower


def test_the_lock_satisfies_every_requirement_of_the_dev_install() -> None:
    # given the lock and everything '.[dev]' asks for
    lock = _pins(ROOT / "requirements.lock")
    project = _project()
    wanted = [Requirement(line) for line in project["runtime"] + project["dev"]]

    # then each is pinned in the lock, inside its range
    for requirement in wanted:
        pinned = lock.get(canonicalize_name(requirement.name))
        assert pinned is not None, f"{requirement.name} is not in requirements.lock"
        assert requirement.specifier.contains(pinned, prereleases=True), str(requirement)


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
    script = (
        "import sys, maxcompute_privatelink as m\n"
        "print('cdktf' in sys.modules)\n"
        "from maxcompute_privatelink import MaxComputePrivateLink, CustomDomainName\n"
        "print(MaxComputePrivateLink.__module__, 'cdktf' in sys.modules)\n"
        "print(all(getattr(m, name) is not None for name in m.__all__))\n"
    )

    # when it runs
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )

    # then cdktf loads only with the construct, which is the construct module's
    assert done.stdout.splitlines() == [
        "False",
        "maxcompute_privatelink.construct.privatelink True",
        "True",
    ]
