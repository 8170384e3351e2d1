"""What the speed-ups must not change: synth's own JSON writer and its worker processes
give the files cdktf itself would, byte for byte. (Speed is measured by bench/, not here.)"""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, runner, tree, write_config
from maxcompute_privatelink.cli import app
from maxcompute_privatelink.construct.emitter import FORMAT_VERSION
from maxcompute_privatelink.model.config import load_config
from maxcompute_privatelink.synth.cdktf_json import stable_json
from maxcompute_privatelink.synth.parallel import WORKER_MIN_STACKS, worker_count
from maxcompute_privatelink.synth.state import state_path

pytestmark = pytest.mark.emitter


def fleet(deployment: dict[str, Any], size: int) -> list[dict[str, Any]]:
    return [dict(deployment, name=f"dep-{index:02d}") for index in range(size)]


def test_stack_files_are_what_cdktf_app_synth_writes(tmp_path: Path) -> None:
    # given: the bundled examples through cdktf's own App.synth()
    from maxcompute_privatelink.construct.cdk import cdktf

    App = cdktf.App

    from maxcompute_privatelink.construct.naming import HIDDEN_ID
    from maxcompute_privatelink.construct.stack import DeploymentStack

    for example in [ROOT / "privatelink.yaml", *sorted((ROOT / "examples").glob("*.yaml"))]:
        config = load_config(example)
        theirs = tmp_path / f"{example.stem}-cdktf"
        cdktf_app = App(outdir=str(theirs), stack_traces=False)
        cdktf_app.node.set_context("cdktfVersion", FORMAT_VERSION)  # as synth does
        ours = tmp_path / f"{example.stem}-ours"
        for d in config.deployments:
            DeploymentStack(
                cdktf_app,
                d,
                state_path=state_path(example.parent, ours, d.name),
                backend=config.backend,
            )
        cdktf_app.synth()
        # when: the same through mcpl synth
        result = runner.invoke(app, ["synth", "-c", str(example), "-o", str(ours)])
        assert result.exit_code == 0, result.output
        # then: the same files; the manifest is cdktf's plus mcpl's marker, and each stack
        # states required_version, which mcpl writes itself (cdktf 0.21 cannot, in HCL)
        mine, cdktf_files = tree(ours), tree(theirs)
        manifest = json.loads(mine.pop("manifest.json"))
        assert manifest.pop("generator") == "maxcompute-privatelink"
        theirs_manifest = json.loads(cdktf_files.pop("manifest.json"))
        # the emitter's App writes its own release there (cdktn: 0.24.0); synth the format's
        assert theirs_manifest.pop("version") == version(cdktf.__name__)
        assert manifest.pop("version") == FORMAT_VERSION
        assert manifest == theirs_manifest, example.name
        assert mine.keys() == cdktf_files.keys()
        for name, content in mine.items():
            stack = json.loads(content)
            assert stack["terraform"].pop("required_version") == ">= 1.5.0"
            assert stack == json.loads(cdktf_files[name]), (example.name, name)
        assert HIDDEN_ID == "Default"


def test_stable_json_matches_json_stable_stringify() -> None:
    assert stable_json({"b": [], "a": {}, "c": [1, 2.0, True, None, "é\n"]}) == (
        '{\n  "a": {\n  },\n  "b": [\n  ],\n  "c": [\n    1,\n    2,\n    true,\n    null,\n'
        '    "é\\n"\n  ]\n}'
    )


@pytest.mark.parametrize("flags", [[], ["--hcl"]], ids=["json", "hcl"])
def test_workers_write_the_same_bytes_as_one_process(
    tmp_path: Path, deployment: dict[str, Any], flags: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: enough stacks for two workers, which also shows they do not race
    config = write_config(tmp_path, fleet(deployment, 6))
    outputs = {}
    for workers in ("1", "2"):
        monkeypatch.setenv("MCPL_SYNTH_WORKERS", workers)
        out = tmp_path / f"out-{workers}"
        # when
        result = runner.invoke(app, ["synth", "-c", str(config), "-o", str(out), *flags])
        # then
        assert result.exit_code == 0, result.output
        outputs[workers] = tree(out)
    assert outputs["1"] == outputs["2"]
    manifest = json.loads(outputs["2"]["manifest.json"])
    assert list(manifest["stacks"]) == sorted(f"dep-{i:02d}" for i in range(6))


def test_a_failing_worker_is_reported_without_a_traceback(
    tmp_path: Path, deployment: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_config(tmp_path, fleet(deployment, 2))
    monkeypatch.setenv("MCPL_SYNTH_WORKERS", "2")
    monkeypatch.setenv("PYTHONPATH", "/nonexistent")
    monkeypatch.setattr("sys.executable", "/bin/false")
    result = runner.invoke(app, ["synth", "-c", str(config), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: synth failed in a worker process: ")
    assert not (tmp_path / "out").exists()


def test_worker_count_follows_cores_and_fleet_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MCPL_SYNTH_WORKERS", raising=False)
    monkeypatch.setattr("os.sched_getaffinity", lambda _: {0, 1})
    assert worker_count(1) == 1
    assert worker_count(2 * WORKER_MIN_STACKS - 1) == 1
    assert worker_count(2 * WORKER_MIN_STACKS) == 2
    assert worker_count(100) == 2
    monkeypatch.setenv("MCPL_SYNTH_WORKERS", "3")
    assert worker_count(2) == 2
