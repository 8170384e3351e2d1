"""The drift gate trusts nothing a pull request can write: whatever lets check and synth
skip work lives in this machine's cache (``synth.cache``), outside the repository, and a
committed file passes only when it hashes as this machine built it for the same inputs."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pytest

from conftest import runner, write_config
from maxcompute_privatelink.cli import app
from maxcompute_privatelink.synth import cache


def mcpl(*args: str | Path) -> Any:
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(params=[[], ["--hcl"]], ids=["json", "hcl"])
def fmt(request: pytest.FixtureRequest) -> list[str]:
    flags: list[str] = request.param
    return flags


@pytest.fixture
def committed(
    tmp_path: Path, deployment: dict[str, Any], fmt: list[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, Path]:
    """A config with two deployments and its synthesized output, this machine's cache
    (``tmp_path/cache``) warm."""
    monkeypatch.setenv("MCPL_CACHE_DIR", str(tmp_path / "cache"))
    config = write_config(tmp_path, [deployment, dict(deployment, name="second")])
    out = tmp_path / "cdktf.out"
    assert mcpl("synth", "-c", config, "-o", out, *fmt).exit_code == 0
    return config, out


def stack_file(out: Path, name: str = "prod-shenzhen") -> Path:
    folder = out / "stacks" / name
    return folder / "cdk.tf" if (folder / "cdk.tf").exists() else folder / "cdk.tf.json"


def forge_records(out: Path) -> None:
    """What a pull request could do to a manifest that held records: put the edited
    files' hashes (and a source key) into it, as mcpl 0.2 wrote them."""
    manifest = out / "manifest.json"
    data = json.loads(manifest.read_text())
    data["fingerprints"] = {
        name: {
            "fingerprint": "0" * 64,
            "files": {
                p.name: hashlib.sha256(p.read_bytes()).hexdigest()
                for p in (out / "stacks" / name).iterdir()
            },
            "resources": 15,
        }
        for name in data["stacks"]
    }
    data["source"] = "f" * 64
    manifest.write_text(json.dumps(data, indent=2))


def test_fails_when_a_committed_stack_is_edited_with_its_records_forged(
    committed: tuple[Path, Path], fmt: list[str]
) -> None:
    # given: the security group opened to the internet by hand, records updated to match
    config, out = committed
    stack = stack_file(out)
    text = stack.read_text()
    assert "10.20.0.0/16" in text
    stack.write_text(text.replace("10.20.0.0/16", "0.0.0.0/0"))
    forge_records(out)
    # when
    checked = mcpl("check", "-c", config, "-o", out, *fmt)
    # then: check names the file and the change; synth builds the stack again and repairs it
    assert checked.exit_code == 1, checked.output
    assert f"--- {stack} (committed)" in checked.stdout
    assert "0.0.0.0/0" in checked.stdout
    synthesized = mcpl("synth", "-c", config, "-o", out, *fmt)
    assert synthesized.exit_code == 0, synthesized.output
    assert f"{stack}: " in synthesized.stdout
    assert f"stacks/prod-shenzhen/{stack.name}: 15 resources\n" in synthesized.stdout
    assert "0.0.0.0/0" not in stack.read_text()
    assert mcpl("check", "-c", config, "-o", out, *fmt).exit_code == 0


def test_fails_when_the_config_changes_but_the_stack_keeps_its_old_bytes(
    committed: tuple[Path, Path], fmt: list[str]
) -> None:
    # given: a new tag in the config, the committed stack left as it was
    config, out = committed
    config.write_text(config.read_text().replace("team: data", "team: ops", 1))
    # when
    checked = mcpl("check", "-c", config, "-o", out, *fmt)
    # then
    assert checked.exit_code == 1
    assert f"--- {stack_file(out)} (committed)" in checked.stdout


def test_fails_when_the_manifest_is_forged_without_a_deployment(
    committed: tuple[Path, Path], fmt: list[str]
) -> None:
    # given: the second deployment taken out of the manifest
    config, out = committed
    manifest = out / "manifest.json"
    data = json.loads(manifest.read_text())
    del data["stacks"]["second"]
    manifest.write_text(json.dumps(data, indent=2))
    # when
    checked = mcpl("check", "-c", config, "-o", out, *fmt)
    # then
    assert checked.exit_code == 1
    assert f"--- {manifest} (committed)" in checked.stdout


def test_a_fresh_clone_without_a_cache_compares_every_file(
    committed: tuple[Path, Path], fmt: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: another machine (an empty cache), and one stack edited
    config, out = committed
    monkeypatch.setenv("MCPL_CACHE_DIR", str(tmp_path / "other-machine"))
    stack = stack_file(out, "second")
    stack.write_text(stack.read_text().replace("443/443", "443/444", 1))
    # when
    checked = mcpl("check", "-c", config, "-o", out, *fmt)
    # then
    assert checked.exit_code == 1
    assert f"--- {stack} (committed)" in checked.stdout
    assert "443/444" in checked.stdout


def test_the_manifest_holds_no_records_only_cdktfs_keys_and_the_marker(
    committed: tuple[Path, Path],
) -> None:
    # given
    _, out = committed
    # when
    manifest = json.loads((out / "manifest.json").read_text())
    # then: nothing that changes when another deployment changes, nothing to trust
    assert set(manifest) == {"generator", "stacks", "version"}


def test_fails_on_a_manifest_with_the_records_an_older_mcpl_kept_until_synth_drops_them(
    committed: tuple[Path, Path], fmt: list[str]
) -> None:
    # given: the records mcpl 0.2 kept in the manifest
    config, out = committed
    forge_records(out)
    # when
    checked = mcpl("check", "-c", config, "-o", out, *fmt)
    synthesized = mcpl("synth", "-c", config, "-o", out, *fmt)
    # then
    assert checked.exit_code == 1
    assert f"--- {out / 'manifest.json'} (committed)" in checked.stdout
    assert synthesized.exit_code == 0
    assert "fingerprints" not in (out / "manifest.json").read_text()


def test_this_machines_cache_records_each_stacks_fingerprint_and_file_hashes(
    committed: tuple[Path, Path],
) -> None:
    # given
    _, out = committed
    # when
    witness = cache.load(out)
    # then
    assert list(witness.stacks) == ["prod-shenzhen", "second"]
    stack = stack_file(out)
    entry = witness.stacks["prod-shenzhen"]
    assert entry.files[stack.name] == hashlib.sha256(stack.read_bytes()).hexdigest()
    assert entry.resources == 15
    assert witness.manifest == hashlib.sha256((out / "manifest.json").read_bytes()).hexdigest()
    assert witness.source is not None


def test_a_cache_file_others_can_write_is_ignored(committed: tuple[Path, Path]) -> None:
    # given: the cache file made writable by the group
    _, out = committed
    [record] = (Path(os.environ["MCPL_CACHE_DIR"]) / "outputs").glob("*.json")
    assert cache.load(out).stacks
    record.chmod(0o664)
    # when
    witness = cache.load(out)
    # then
    assert witness == cache.Witness()


def test_no_cache_is_kept_with_mcpl_cache_dir_off(
    tmp_path: Path, deployment: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given
    monkeypatch.setenv("MCPL_CACHE_DIR", "off")
    config = write_config(tmp_path, [deployment])
    out = tmp_path / "cdktf.out"
    # when
    first = mcpl("synth", "-c", config, "-o", out)
    second = mcpl("synth", "-c", config, "-o", out)
    # then: every synth builds every stack
    assert first.exit_code == second.exit_code == 0
    assert "unchanged" not in second.stdout
    assert cache.load(out) == cache.Witness()
