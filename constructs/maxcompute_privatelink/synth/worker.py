"""One synth worker: ``python [-O] -m maxcompute_privatelink.synth.worker`` reads a job
(pickled by the parent) on stdin, writes its stacks, and prints the resource counts
(JSON) on stdout.

Started by ``synth`` for larger fleets, one per core, so that Node and the interpreter
start once per core.
"""

from __future__ import annotations

import json
import os
import pickle
import sys
import threading
from pathlib import Path


def _start_jsii() -> None:
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    # Node loads the emitter's and the constructs assemblies
    from maxcompute_privatelink.construct import cdk  # noqa: F401


def _die_with_parent() -> None:
    """Have the kernel kill this worker when the synth that started it dies, however it
    dies (SIGKILL included), so no worker writes into a staging folder nobody owns. Linux
    only (prctl); elsewhere the worker ends at its next write to the closed pipes."""
    parent = os.environ.get("MCPL_SYNTH_PARENT")
    if not sys.platform.startswith("linux") or parent is None:
        return
    import ctypes
    import signal

    pr_set_pdeathsig = 1
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    if str(os.getppid()) != parent:  # the parent died before prctl took effect
        os._exit(1)


def main() -> None:
    _die_with_parent()
    # Node loads cdktf's assemblies while this thread unpickles the job (and imports the
    # models it needs): both take a few hundred milliseconds, and mostly on different CPUs
    warm_up = threading.Thread(target=_start_jsii)
    warm_up.start()
    # the parent validated the config already and pickles it; this process is its own
    from maxcompute_privatelink.errors import McplError
    from maxcompute_privatelink.model.config import PrivateLinkConfig
    from maxcompute_privatelink.synth.stack_writer import write_stacks

    # the parent's own validated config, pickled by it over this process's stdin pipe
    job = pickle.load(sys.stdin.buffer)  # noqa: S301
    warm_up.join()
    config: PrivateLinkConfig = job["config"]
    wanted = set(job["names"])
    try:
        counts = write_stacks(
            Path(job["target"]),
            [d for d in config.deployments if d.name in wanted],
            backend=config.backend,
            state_paths=job["state_paths"],
            hcl=job["hcl"],
        )
    except McplError as error:  # names the deployment: the parent shows this last line
        print(error, file=sys.stderr)
        sys.exit(1)
    json.dump(counts, sys.stdout)


if __name__ == "__main__":
    main()
