"""The stacks' provider constraint keeps out the releases that break them after their
first apply (tools/generate_bindings.py, CONSTRAINT_REASON, with the provider source at
each tag): before 1.243.0 an endpoint's ``service_id`` is not Computed (every later plan
replaces both endpoints), before 1.269.0 a security group's ``resource_group_id`` is
not (a diff on every plan, JoinResourceGroup on every apply)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT
from terraform.conftest import TERRAFORMS, new_lab
from terraform.harness import install_standin

pytestmark = pytest.mark.terraform


@pytest.mark.parametrize("release", ["1.242.0", "1.268.0"])
def test_a_release_that_breaks_the_stacks_is_never_installed(
    release: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: a provider mirror that offers only that release
    cli_config = install_standin(tmp_path / "mirror", version=release)
    lab = new_lab(TERRAFORMS[0], tmp_path, monkeypatch, cli_config)
    [stack] = sorted((lab.synth(lab.copy(ROOT / "privatelink.yaml")) / "stacks").iterdir())
    # when
    result = lab.tf(stack, "init", "-no-color")
    # then
    assert result.code == 1
    assert "no available releases match the given constraints" in result.stderr, result
    assert ">= 1.269.0" in " ".join(result.stderr.split()), result


def test_the_floor_release_installs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # given: the first release the constraint admits
    cli_config = install_standin(tmp_path / "mirror", version="1.269.0")
    lab = new_lab(TERRAFORMS[0], tmp_path, monkeypatch, cli_config)
    [stack] = sorted((lab.synth(lab.copy(ROOT / "privatelink.yaml")) / "stacks").iterdir())
    # when
    lab.ok(stack, "init", "-no-color")
    # then
    assert 'version     = "1.269.0"' in (stack / ".terraform.lock.hcl").read_text()
