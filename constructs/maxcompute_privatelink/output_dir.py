"""Write a whole output folder or nothing: build beside it, then swap it in.

``synth`` and ``render`` build their output in a temporary folder next to ``OUT`` (same
file system, so the swap is two renames) and replace ``OUT`` only once everything was
written. A failure half-way leaves the previous ``OUT`` as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from maxcompute_privatelink.errors import OutputDirError


def write_folder(out: Path, build: Callable[[Path], None]) -> None:
    """Run ``build(staging)``, then make ``staging`` the new ``out``."""
    if out.exists() and not out.is_dir():
        raise OutputDirError(str(out), "exists and is not a folder; choose another --out")
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        _chmod_as_umask(staging)
        build(staging)
        _replace(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _chmod_as_umask(folder: Path) -> None:
    """mkdtemp makes 0700 folders; the output gets what a plain mkdir would give it."""
    umask = os.umask(0)
    os.umask(umask)
    folder.chmod(0o777 & ~umask)


def _replace(staging: Path, out: Path) -> None:
    if not out.exists():
        os.replace(staging, out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=out.parent))
    os.replace(out, old / out.name)
    os.replace(staging, out)
    shutil.rmtree(old, ignore_errors=True)
