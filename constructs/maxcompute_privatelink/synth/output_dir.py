"""Output folders that mcpl owns, written whole or not at all.

A command that writes a folder (``synth``'s ``cdktf.out``, ``render``'s ``client``)
first proves the folder is its own (``guard``): absent, empty, or holding that command's
marker file. Folders that can never be an output (the config's folder or any folder
above it, the current directory and those above it, ``/``, ``$HOME``, a git work tree's
root, a mount point) are refused outright, and so is another command's output.

Then ``write_folder`` builds the new content in a staging folder beside the output (same
file system, so the swap is two renames), carries every file the command does not
generate over from the old output by hard link (a copy across file systems), and swaps
the staging folder in. A symlinked output is written through: its target is swapped,
the link stays. On Linux the swap is one atomic exchange of the two folders, so the
output is never missing; elsewhere it is two renames. One lock per parent folder keeps
two runs apart; a run that was killed leaves staging and old folders behind, which the
next run removes, restoring the old output when the kill fell between the two renames.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from maxcompute_privatelink.errors import OutputDirError
from maxcompute_privatelink.layout import GENERATOR

MARK = GENERATOR

DEBRIS = ".mcpl-"
"""Staging (``.<out>.mcpl-staging-*``) and old (``.<out>.mcpl-old-*``) folders beside an
output; ``.gitignore`` covers ``.*.mcpl-*``."""


@dataclass(frozen=True)
class OutputKind:
    """One command's output folder: its marker file and the files it generates."""

    command: str
    """The command that writes it, as users type it (``mcpl synth``)."""
    marker: str
    """File name, at the top of the folder, of the marker the command writes."""
    option: str
    """The option that names the folder, for messages."""
    generated: Callable[[tuple[str, ...]], bool]
    """Whether a path (relative parts) is one the command writes; everything else found
    in the folder is the user's and is carried over untouched."""
    is_marker: Callable[[Path], bool]
    """Whether a file is this command's marker."""
    adoptable: Callable[[Path], bool] = lambda _: False
    """Whether a file is a marker an older release wrote without its mark, which the
    command takes as its own only when told (``adopt_flag``)."""
    adopt_flag: str = ""
    """The option that adopts such an output."""


def physical(path: Path) -> Path:
    """The path the kernel will use: symlinks resolved, ``..`` applied to what they name."""
    return Path(os.path.realpath(path))


def _forbidden_reason(target: Path, config: Path | None) -> str | None:
    home = os.environ.get("HOME")
    cwd = physical(Path.cwd())
    if target == Path(target.anchor):
        return "is the file system's root"
    if home and target == physical(Path(home)):
        return "is your home folder"
    if config is not None:
        config_dir = physical(config).parent
        if target == config_dir or target in config_dir.parents:
            return f"holds the config {config}; choose a folder of its own, like cdktf.out"
    if target == cwd or target in cwd.parents:
        return "is the current folder or one above it"
    if (target / ".git").exists():
        return "is the root of a git work tree"
    if os.path.ismount(target):
        return "is a mount point, which cannot be replaced by renaming; use a folder inside it"
    return None


def guard(
    out: Path, kind: OutputKind, *, config: Path | None, others: tuple[OutputKind, ...]
) -> None:
    """Refuse ``out`` unless it is absent, empty or ``kind``'s own (``OutputDirError``)."""
    target = physical(out)
    reason = _forbidden_reason(target, config)
    if reason is not None:
        raise OutputDirError(str(out), f"{kind.option} {reason}; nothing was written")
    if not target.exists():
        return
    if not target.is_dir():
        raise OutputDirError(
            str(out), f"{kind.option} exists and is not a folder; choose another {kind.option}"
        )
    try:
        entries = [entry.name for entry in target.iterdir()]
    except OSError as error:
        raise OutputDirError(str(out), f"cannot be read ({error.strerror})") from None
    if not entries or kind.is_marker(target / kind.marker):
        return
    if kind.adoptable(target / kind.marker):
        raise OutputDirError(
            str(out),
            f"its {kind.marker} is missing or carries no mark of mcpl's (an output of mcpl "
            f"0.1, or of another cdktf app); if {kind.command} wrote it, adopt it once with "
            f"`{kind.command} {kind.adopt_flag}`, else choose another {kind.option}; "
            "nothing was written",
        )
    for other in others:
        if other.is_marker(target / other.marker):
            raise OutputDirError(
                str(out),
                f"is the output of `{other.command}`; give `{kind.command}` a folder of its "
                "own; nothing was written",
            )
    raise OutputDirError(
        str(out),
        f"holds files mcpl did not write (no {kind.marker} of `{kind.command}`); "
        f"{kind.command} only writes to an empty or new folder or to its own output; "
        f"choose another {kind.option}; nothing was written",
    )


@contextlib.contextmanager
def _locked(parent: Path, out: Path) -> Iterator[None]:
    """An exclusive lock on the output's parent folder, refused when another run holds it."""
    descriptor = os.open(parent, os.O_RDONLY)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputDirError(
                str(out),
                "another mcpl run is writing beside it right now; run again when it has finished",
            ) from None
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


def recover(target: Path) -> None:
    """Clean up after a killed run (under the lock): restore ``target`` from an old folder
    if the kill fell between the two renames, and remove staging and old folders."""
    prefix = f".{target.name}{DEBRIS}"
    for debris in sorted(target.parent.glob(f"{prefix}old-*")):
        kept = debris / target.name
        if not target.exists() and kept.is_dir():
            kept.replace(target)
        shutil.rmtree(debris, ignore_errors=True)
    for debris in target.parent.glob(f"{prefix}staging-*"):
        shutil.rmtree(debris, ignore_errors=True)


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError as error:
        if error.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK) or not source.is_file():
            raise
        shutil.copy2(source, target, follow_symlinks=False)


def _make_dirs(old: Path, staging: Path, parts: tuple[str, ...]) -> None:
    """Create ``staging/parts`` (and its parents) with the modes they had in ``old``."""
    for depth in range(1, len(parts) + 1):
        target = staging.joinpath(*parts[:depth])
        if not target.is_dir():
            target.mkdir()
            shutil.copymode(old.joinpath(*parts[:depth]), target)


def carry_over(
    old: Path,
    staging: Path,
    owns: Callable[[tuple[str, ...]], bool],
    dropped: Callable[[tuple[str, ...]], bool],
) -> None:
    """Give ``staging`` every entry of ``old`` that the command does not own (``owns``),
    unchanged (symlinks as symlinks, never followed), except under paths ``dropped``
    names. A folder that held only owned files does not come along; an empty one does."""
    for folder, dirs, files in os.walk(old):
        base = Path(folder)
        parts = base.relative_to(old).parts
        if parts and not dirs and not files:
            _make_dirs(old, staging, parts)
        for name in sorted(dirs):
            source = base / name
            if dropped((*parts, name)):
                dirs.remove(name)
            elif source.is_symlink():
                target = staging.joinpath(*parts, name)
                if target.exists() or target.is_symlink():
                    raise OutputDirError(
                        str(source),
                        "is a symbolic link where mcpl writes a folder; replace it with a "
                        "real folder",
                    )
                _make_dirs(old, staging, parts)
                _link_or_copy(source, target)
        for name in files:
            relative = (*parts, name)
            if owns(relative) or dropped(relative):
                continue
            _make_dirs(old, staging, parts)
            _link_or_copy(base / name, staging.joinpath(*relative))


def write_folder(
    out: Path,
    build: Callable[[Path], None],
    *,
    kind: OutputKind,
    config: Path | None = None,
    others: tuple[OutputKind, ...] = (),
    owns: Callable[[tuple[str, ...]], bool] | None = None,
    dropped: Callable[[tuple[str, ...]], bool] = lambda _: False,
    before_swap: Callable[[], None] = lambda: None,
) -> None:
    """Run ``build(staging)``, carry the user's files over, then make staging the new
    ``out``. ``owns``: the files of the old output the command wrote, known once ``build``
    has read it (default: ``kind.generated``); the rest are the user's. ``before_swap``
    runs once everything is built (synth moves state files there). ``out`` is
    ``guard``-ed again under the lock, after a killed run is cleaned up."""
    target = physical(out)
    guard(out, kind, config=config, others=others)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with _locked(target.parent, out):
            recover(target)
            guard(out, kind, config=config, others=others)
            staging = Path(
                tempfile.mkdtemp(prefix=f".{target.name}{DEBRIS}staging-", dir=target.parent)
            )
            try:
                _take_mode(staging, target)
                build(staging)
                if target.is_dir():
                    carry_over(target, staging, owns or kind.generated, dropped)
                before_swap()
                _replace(staging, target)
            except BaseException:
                shutil.rmtree(staging, ignore_errors=True)
                raise
    except OSError as error:
        raise OutputDirError(str(out), _os_reason(error)) from None


def _os_reason(error: OSError) -> str:
    where = f" ({error.filename})" if error.filename else ""
    if error.errno == errno.ENOSPC:
        return f"the disk is full{where}; nothing was changed: free space and run again"
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"cannot be written{where}: {error.strerror}; nothing was changed"
    if error.errno == errno.EXDEV:
        return f"spans two file systems{where}; nothing was changed: use a folder on one"
    return f"cannot be written{where}: {error.strerror}; nothing was changed"


def _take_mode(folder: Path, target: Path) -> None:
    """mkdtemp makes 0700 folders: the new output gets the old one's mode (setgid and
    sticky bits included) and group, or, for a new output, what a plain mkdir gives."""
    try:
        old = target.stat()
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        folder.chmod(0o777 & ~umask)
        return
    if old.st_gid != folder.stat().st_gid:
        with contextlib.suppress(PermissionError):  # a group the user is not in: keep ours
            os.chown(folder, -1, old.st_gid)
    folder.chmod(stat.S_IMODE(old.st_mode))


def _exchange(staging: Path, target: Path) -> bool:
    """Swap two folders in one atomic step (Linux ``renameat2(RENAME_EXCHANGE)``), so that
    ``target`` never goes missing; False where the system or file system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(staging), at_fdcwd, os.fsencode(target), rename_exchange):
        code = ctypes.get_errno()
        if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
            return False
        raise OSError(code, os.strerror(code), str(target))
    return True


def _replace(staging: Path, target: Path) -> None:
    if not target.exists():
        staging.replace(target)
        return
    if _exchange(staging, target):
        shutil.rmtree(staging, ignore_errors=True)  # it holds the old output now
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}{DEBRIS}old-", dir=target.parent))
    target.replace(old / target.name)
    staging.replace(target)
    shutil.rmtree(old, ignore_errors=True)
