"""Whole-folder writes: the previous output survives any failure half-way."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import tree
from maxcompute_privatelink.errors import OutputDirError
from maxcompute_privatelink.output_dir import write_folder


def test_replaces_the_folder_when_build_succeeds(tmp_path: Path) -> None:
    # given
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.txt").write_text("old")
    # when
    write_folder(out, lambda staging: (staging / "new.txt").write_text("new"))
    # then
    assert tree(out) == {"new.txt": b"new"}
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_fails_leaving_the_previous_folder_untouched(tmp_path: Path) -> None:
    # given: a previous output, and a build that dies after writing part of the new one
    out = tmp_path / "out"
    (out / "stacks").mkdir(parents=True)
    (out / "stacks" / "a.json").write_text("previous")

    def build(staging: Path) -> None:
        (staging / "half.json").write_text("half")
        raise RuntimeError("injected failure")

    # when
    with pytest.raises(RuntimeError, match="injected failure"):
        write_folder(out, build)
    # then
    assert tree(out) == {"stacks/a.json": b"previous"}
    assert [p.name for p in tmp_path.iterdir()] == ["out"], "no temporary folder left"


def test_fails_when_out_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("x")
    with pytest.raises(OutputDirError, match="exists and is not a folder"):
        write_folder(tmp_path / "out", lambda staging: None)
