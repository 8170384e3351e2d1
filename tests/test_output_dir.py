"""Output folders: whole-folder writes, ownership, the user's files, debris and locks."""

from __future__ import annotations

import errno
import fcntl
import os
from pathlib import Path

import pytest

from conftest import everything, tree
from maxcompute_privatelink.errors import OutputDirError
from maxcompute_privatelink.synth.output_dir import OutputKind, guard, recover, write_folder

KIND = OutputKind(
    command="mcpl test",
    marker="marker.json",
    option="--out",
    generated=lambda parts: parts in (("marker.json",), ("new.txt",), ("sub", "gen.txt")),
    is_marker=lambda path: path.is_file() and path.read_text() == "mine",
)
OTHER = OutputKind(
    command="mcpl other",
    marker="other.json",
    option="--out",
    generated=lambda parts: False,
    is_marker=lambda path: path.is_file(),
)


def build_new(staging: Path) -> None:
    (staging / "marker.json").write_text("mine")
    (staging / "new.txt").write_text("new")


def test_replaces_the_generated_files_and_keeps_the_users(tmp_path: Path) -> None:
    # given: an output of ours with a user file and a user folder in it
    out = tmp_path / "out"
    (out / "sub").mkdir(parents=True)
    (out / "marker.json").write_text("mine")
    (out / "new.txt").write_text("old")
    (out / "sub" / "gen.txt").write_text("generated before, not now")
    (out / "user.txt").write_text("user")
    (out / "sub" / "notes.txt").write_text("notes")
    (out / "empty").mkdir()
    # when
    write_folder(out, build_new, kind=KIND)
    # then
    assert tree(out) == {
        "marker.json": b"mine",
        "new.txt": b"new",
        "sub/notes.txt": b"notes",
        "user.txt": b"user",
    }
    assert (out / "empty").is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_fails_leaving_the_previous_folder_untouched(tmp_path: Path) -> None:
    # given: a previous output, and a build that dies after writing part of the new one
    out = tmp_path / "out"
    (out / "stacks").mkdir(parents=True)
    (out / "marker.json").write_text("mine")
    (out / "stacks" / "a.json").write_text("previous")
    before = everything(out)

    def build(staging: Path) -> None:
        (staging / "half.json").write_text("half")
        raise RuntimeError("injected failure")

    # when
    with pytest.raises(RuntimeError, match="injected failure"):
        write_folder(out, build, kind=KIND)
    # then
    assert everything(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"], "no temporary folder left"


def test_fails_when_out_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("x")
    with pytest.raises(OutputDirError, match="--out exists and is not a folder"):
        write_folder(tmp_path / "out", build_new, kind=KIND)
    assert (tmp_path / "out").read_text() == "x"


def test_fails_when_the_folder_holds_files_of_someone_else(tmp_path: Path) -> None:
    # given
    out = tmp_path / "infra"
    (out / "stacks").mkdir(parents=True)
    (out / "stacks" / "main.tf").write_text("# theirs")
    before = everything(out)
    # when
    with pytest.raises(OutputDirError) as raised:
        write_folder(out, build_new, kind=KIND)
    # then
    assert str(raised.value) == (
        f"{out}: holds files mcpl did not write (no marker.json of `mcpl test`); mcpl test "
        "only writes to an empty or new folder or to its own output; choose another --out; "
        "nothing was written"
    )
    assert everything(out) == before


def test_fails_when_the_folder_is_another_commands_output(tmp_path: Path) -> None:
    (tmp_path / "other.json").write_text("{}")
    with pytest.raises(OutputDirError, match="is the output of `mcpl other`; give `mcpl test`"):
        guard(tmp_path, KIND, config=None, others=(OTHER,))


@pytest.mark.parametrize(
    ("where", "reason"),
    [
        ("/", "is the file system's root"),
        ("home", "is your home folder"),
        ("config_dir", "holds the config"),
        ("above_config", "holds the config"),
        ("cwd", "is the current folder or one above it"),
        ("above_cwd", "is the current folder or one above it"),
        ("git", "is the root of a git work tree"),
    ],
)
def test_fails_when_the_folder_can_never_be_an_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str, reason: str
) -> None:
    # given: a config in repo/conf/, HOME and the current folder in throw-away folders
    config = tmp_path / "repo" / "conf" / "c.yaml"
    config.parent.mkdir(parents=True)
    config.write_text("deployments: []\n")
    (tmp_path / "home").mkdir()
    (tmp_path / "work" / "here").mkdir(parents=True)
    (tmp_path / "git" / ".git").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path / "work" / "here")
    folder = {
        "/": Path("/"),
        "home": tmp_path / "home",
        "config_dir": config.parent,
        "above_config": tmp_path / "repo",
        "cwd": Path(),
        "above_cwd": Path(".."),
        "git": tmp_path / "git",
    }[where]
    # when / then: refused before anything is looked at or written
    with pytest.raises(OutputDirError, match=reason):
        guard(folder, KIND, config=config, others=())


def test_an_absent_or_empty_folder_or_our_own_is_accepted(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "ours").mkdir()
    (tmp_path / "ours" / "marker.json").write_text("mine")
    for folder in ("absent", "empty", "ours"):
        guard(tmp_path / folder, KIND, config=None, others=(OTHER,))


def test_a_symlinked_output_is_written_through(tmp_path: Path) -> None:
    # given
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    # when
    write_folder(tmp_path / "link", build_new, kind=KIND)
    # then
    assert (tmp_path / "link").is_symlink()
    assert tree(real) == {"marker.json": b"mine", "new.txt": b"new"}


def test_debris_of_a_killed_run_is_removed_and_the_old_output_restored(tmp_path: Path) -> None:
    # given: killed between the two renames: OUT is gone, the old one waits in its folder
    out = tmp_path / "out"
    old = tmp_path / ".out.mcpl-old-x1"
    (old / "out").mkdir(parents=True)
    (old / "out" / "marker.json").write_text("mine")
    (old / "out" / "user.txt").write_text("user")
    (tmp_path / ".out.mcpl-staging-x2").mkdir()
    (tmp_path / ".out.mcpl-staging-x2" / "odps_config.ini").write_text("secret")
    # when
    write_folder(out, build_new, kind=KIND)
    # then
    assert tree(out) == {"marker.json": b"mine", "new.txt": b"new", "user.txt": b"user"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_recovery_leaves_other_outputs_debris_alone(tmp_path: Path) -> None:
    (tmp_path / ".client.mcpl-staging-a").mkdir()
    recover(tmp_path / "out")
    assert (tmp_path / ".client.mcpl-staging-a").is_dir()


def test_fails_when_another_run_holds_the_lock(tmp_path: Path) -> None:
    # given: another run writing beside OUT
    holder = os.open(tmp_path, os.O_RDONLY)
    fcntl.flock(holder, fcntl.LOCK_EX)
    try:
        # when / then
        with pytest.raises(OutputDirError, match="another mcpl run is writing beside it"):
            write_folder(tmp_path / "out", build_new, kind=KIND)
    finally:
        os.close(holder)
    assert not (tmp_path / "out").exists()


def test_copies_user_files_when_hard_links_cannot_cross_file_systems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given
    out = tmp_path / "out"
    out.mkdir()
    (out / "marker.json").write_text("mine")
    (out / "terraform.tfvars").write_text("x = 1\n")

    def no_links(*_: object, **__: object) -> None:
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr("maxcompute_privatelink.synth.output_dir.os.link", no_links)
    # when
    write_folder(out, build_new, kind=KIND)
    # then
    assert (out / "terraform.tfvars").read_text() == "x = 1\n"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (errno.ENOSPC, "the disk is full"),
        (errno.EACCES, "cannot be written"),
        (errno.EROFS, "cannot be written"),
        (errno.EXDEV, "spans two file systems"),
    ],
)
def test_fails_with_one_line_when_the_file_system_refuses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, message: str
) -> None:
    # given
    out = tmp_path / "out"
    out.mkdir()
    (out / "marker.json").write_text("mine")
    before = everything(out)

    def refuse(*_: object) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr("maxcompute_privatelink.synth.output_dir._replace", refuse)
    # when
    with pytest.raises(OutputDirError) as raised:
        write_folder(out, build_new, kind=KIND)
    # then
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)
    assert everything(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_the_swap_is_one_atomic_exchange_where_linux_offers_it(tmp_path: Path) -> None:
    # given
    from maxcompute_privatelink.synth.output_dir import _exchange

    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x").write_text("a")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "x").write_text("b")
    # when
    exchanged = _exchange(tmp_path / "a", tmp_path / "b")
    # then
    if not exchanged:
        pytest.skip("no renameat2(RENAME_EXCHANGE) here: the two-rename swap is used")
    assert (tmp_path / "a" / "x").read_text() == "b"
    assert (tmp_path / "b" / "x").read_text() == "a"


def test_fails_when_the_folder_is_a_mount_point(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: OUT is a mount point (a volume), which cannot be renamed away
    out = tmp_path / "volume"
    out.mkdir()
    real_ismount = os.path.ismount
    monkeypatch.setattr(
        "maxcompute_privatelink.synth.output_dir.os.path.ismount",
        lambda path: str(path) == str(out) or real_ismount(path),
    )
    # when / then
    with pytest.raises(OutputDirError, match="is a mount point, which cannot be replaced"):
        write_folder(out, build_new, kind=KIND)
    assert list(out.iterdir()) == []
