"""One synth worker: ``python [-O] -m maxcompute_privatelink.synth_worker`` reads a job
(pickled by the parent) on stdin, writes its stacks, and prints the resource counts
(JSON) on stdout.

Started by ``synth`` for larger fleets, one per core, so that Node and the interpreter
start once per core.
"""

from __future__ import annotations

import json
import pickle
import sys
from pathlib import Path

from maxcompute_privatelink.config import PrivateLinkConfig
from maxcompute_privatelink.stack_writer import write_stacks


def main() -> None:
    # the parent validated the config already and pickles it; this process is its own
    job = pickle.load(sys.stdin.buffer)
    config: PrivateLinkConfig = job["config"]
    wanted = set(job["names"])
    counts = write_stacks(
        Path(job["target"]),
        [d for d in config.deployments if d.name in wanted],
        backend=config.backend,
        state_paths=job["state_paths"],
        hcl=job["hcl"],
    )
    json.dump(counts, sys.stdout)


if __name__ == "__main__":
    main()
