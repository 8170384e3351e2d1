"""Every bundled config synthesizes to the same bytes on every emitter and release the
package admits: the digest of each file synth writes, JSON and HCL, is a snapshot. The
suite runs it on cdktf, on cdktn and on the minimum releases (``make test``), so every
other test that reads the stack files holds on each of them too."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from syrupy.assertion import SnapshotAssertion

from conftest import EXAMPLES, runner, tree
from maxcompute_privatelink.cli import app

pytestmark = pytest.mark.emitter


@pytest.mark.parametrize("flags", [[], ["--hcl"]], ids=["json", "hcl"])
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_synthesizes_to_the_same_bytes(
    example: Path, flags: list[str], tmp_path: Path, snapshot: SnapshotAssertion
) -> None:
    # given: the config in a folder of its own (local state paths are relative to it)
    config = tmp_path / "privatelink.yaml"
    shutil.copy(example, config)
    # when
    result = runner.invoke(app, ["synth", "-c", str(config), "-o", str(tmp_path / "out"), *flags])
    # then
    assert result.exit_code == 0, result.output
    digests = {
        path: hashlib.sha256(data).hexdigest() for path, data in tree(tmp_path / "out").items()
    }
    assert digests == snapshot
