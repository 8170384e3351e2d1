"""``mcpl``, before the CLI is imported: Node starts first when a stack will likely be built.

Importing the CLI (typer, pydantic) takes about 0.1 s, and building a stack waits for
Node to boot and load the emitter's assemblies, which takes longer. When the command
line asks ``synth`` or ``check`` (without ``--full``) of an output this machine's
cache knows (``synth.cache``) and a config written after it, the emitter starts loading
here, first (``emitter.preload``), and the CLI is imported while Node loads: a changed
deployment of 100 synthesizes about 0.15 s sooner (``bench/``).

The command line is only peeked at: typer parses it, and synth decides what to build
from the cache's fingerprints. A wrong guess costs a thread, or the time this saves; it
never changes what is written.

Each process also gets a temporary folder of its own (``private_tmpdir``).
"""

from __future__ import annotations

import atexit
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from maxcompute_privatelink.layout import DEFAULT_CONFIG, DEFAULT_OUT

# mcpl uses no pydantic plugins: not looking for them spares a scan of every installed
# distribution's entry points (pydantic/plugin/_loader.py, PYDANTIC_DISABLE_PLUGINS),
# which costs more than the rest of a `check` with nothing changed. Set on import: the
# CLI imports this module first, and the emitter may load the models before the CLI.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

CONFIG_FLAGS = ("--config", "-c")
OUT_FLAGS = ("--out", "-o")
FULL_FLAG = "--full"
BUILDING_COMMANDS = ("synth", "check")
"""The commands that build stacks (and reuse unchanged ones)."""


def paths_to_build(args: Sequence[str]) -> tuple[Path, Path] | None:
    """The config and the output of a ``synth`` or ``check`` command line (``args``, without
    the program), as typer will read them; None for any other command or ``--full``
    (which starts workers instead). Forms typer also takes but this skips (``-cFILE``)
    read as the default: a wrong guess, nothing worse."""
    if not args or args[0] not in BUILDING_COMMANDS or FULL_FLAG in args:
        return None
    paths = {"config": Path(DEFAULT_CONFIG), "out": Path(DEFAULT_OUT)}
    rest = list(args[1:])
    while rest:
        name, equals, value = rest.pop(0).partition("=")
        key = "config" if name in CONFIG_FLAGS else "out" if name in OUT_FLAGS else None
        if key is None:
            continue
        if not equals:
            if not rest:
                return None  # typer will say what is missing
            value = rest.pop(0)
        paths[key] = Path(value)
    return paths["config"], paths["out"]


def start(args: Sequence[str]) -> bool:
    """Start loading the emitter when ``args`` will likely build a stack; whether it did."""
    paths = paths_to_build(args)
    if paths is None:
        return False
    from maxcompute_privatelink.synth.incremental import edited_since, is_incremental

    config, out = paths
    if not (is_incremental(out) and edited_since(config, out)):
        return False
    from maxcompute_privatelink.construct.emitter import preload

    # jsii's own import (about 50 ms of Python) has the interpreter to itself: Node boots
    # that much sooner, and then loads its assemblies while the CLI is imported
    preload().wait(timeout=1)
    return True


RUN_PREFIX = "mcpl-run-"
"""Each mcpl process's own temporary folder: ``<TMPDIR>/mcpl-run-<pid>-*``."""


def private_tmpdir() -> Path | None:
    """Give this process, and the workers and Node it starts, a temporary folder of its own
    (``TMPDIR``): jsii unpacks its runtime and the emitter's assemblies there. Removed on
    exit; after a kill (nothing runs then), by the next mcpl, which sweeps the folders of
    processes that no longer run. None when no folder can be made (then the system's)."""
    base = Path(tempfile.gettempdir())
    for folder in base.glob(f"{RUN_PREFIX}*"):
        pid = folder.name.removeprefix(RUN_PREFIX).split("-", 1)[0]
        if pid.isdigit() and not _running(int(pid)) and _own(folder):
            shutil.rmtree(folder, ignore_errors=True)
    try:
        own = Path(tempfile.mkdtemp(prefix=f"{RUN_PREFIX}{os.getpid()}-", dir=base))
    except OSError:
        return None
    os.environ["TMPDIR"] = tempfile.tempdir = str(own)
    atexit.register(shutil.rmtree, own, True)
    return own


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's
    return True


def _own(folder: Path) -> bool:
    try:
        info = folder.lstat()
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.geteuid()


def main(args: list[str] | None = None, prog_name: str | None = None) -> None:
    """The ``mcpl`` command, with the command line ``args`` (default: ``sys.argv``)."""
    private_tmpdir()
    start(sys.argv[1:] if args is None else args)
    from maxcompute_privatelink.cli import main as cli_main

    cli_main(args, prog_name)


CDKTF_CLI_MARK = "CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS"
"""Set to ``true``, with ``CDKTF_OUTDIR``, in the environment of the app that cdktf-cli
0.21 and cdktn-cli 0.24 run (cli-core ``synth-stack.ts``); not by anything else."""


def cdktf_app() -> None:
    """What ``main.py`` (``cdktf.json``'s app) runs: ``mcpl synth`` of ./privatelink.yaml
    into ``$CDKTF_OUTDIR``, or cdktf.out run by hand. Run by cdktf-cli or cdktn-cli, it
    synthesizes for the CLI's clean-up of ``stacks/`` (``synth --for-cdktf-cli``)."""
    out = os.environ.get("CDKTF_OUTDIR", DEFAULT_OUT)
    args = ["synth", "--config", DEFAULT_CONFIG, "--out", out]
    if os.environ.get(CDKTF_CLI_MARK) == "true":
        args.append("--for-cdktf-cli")
    main(args, prog_name="main.py")
