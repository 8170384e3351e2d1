"""The optional parallel path of synth: worker processes, one per core, for large fleets.

``synth`` works in one process for small fleets: ``stack_writer.write_stacks`` is the
reference path, and this module only splits the same work over processes. Each worker
(``synth.worker``) gets its job pickled on stdin, writes its stacks into the shared
staging folder and prints its resource counts; the parent reads each child's stdout and
stderr together (``communicate``), and the workers die with the parent.
"""

from __future__ import annotations

import importlib.util
import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from maxcompute_privatelink.errors import EnvironmentValueError, SynthWorkerError
from maxcompute_privatelink.synth import progress

if TYPE_CHECKING:
    from maxcompute_privatelink.model.config import PrivateLinkConfig


PARENT_VARIABLE = "MCPL_SYNTH_PARENT"
"""The parent's pid, for a worker to die with it (``synth.worker._die_with_parent``)."""

WORKER_MIN_STACKS = 8
"""Below this many stacks per core, starting another interpreter and Node costs more
than it saves."""


def worker_count(stacks: int) -> int:
    """Processes to synthesize ``stacks`` with: one per core at most (``MCPL_SYNTH_WORKERS``
    overrides, for benchmarks and tests)."""
    forced = os.environ.get("MCPL_SYNTH_WORKERS")
    if forced:
        if not forced.isdigit() or int(forced) < 1:
            raise EnvironmentValueError(
                "MCPL_SYNTH_WORKERS", forced, "expected a whole number of processes, 1 or more"
            )
        return max(1, min(int(forced), stacks))
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, stacks // WORKER_MIN_STACKS))


class Workers:
    """Synth worker processes, one per core: started early (``for_stacks``, before the
    config's models are even built) so that their interpreter and Node start while the
    parent validates; then given their jobs by ``run``. A context manager: whatever was
    not used is stopped on exit."""

    def __init__(self, count: int) -> None:
        package_root = str(Path(__file__).resolve().parent.parent)
        paths = [package_root, os.environ.get("PYTHONPATH", "")]
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(path for path in paths if path),
            "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
            PARENT_VARIABLE: str(os.getpid()),
        }
        command = [sys.executable, *_optimize_flag(), "-m", "maxcompute_privatelink.synth.worker"]
        self.processes = [
            subprocess.Popen(  # noqa: S603 - this interpreter, running this package's worker
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
            )
            for _ in range(count)
        ]

    @classmethod
    def for_stacks(cls, stacks: int) -> Workers:
        """Workers for ``stacks`` stacks: none when one process is faster."""
        count = worker_count(stacks)
        if shutil.which("node") is None:
            count = 1  # synth will say why; nothing to start
        return cls(count if count > 1 else 0)

    def __len__(self) -> int:
        return len(self.processes)

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *_: object) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                process.wait()

    def run(
        self, target: Path, config: PrivateLinkConfig, state_paths: dict[str, str], hcl: bool
    ) -> dict[str, int]:
        """Split the stacks round-robin over the workers; their resource counts."""
        names = list(state_paths)
        count = len(self.processes)
        for index, process in enumerate(self.processes):
            job = {
                "config": config,
                "names": names[index::count],
                "target": str(target),
                "state_paths": state_paths,
                "hcl": hcl,
            }
            stdin = process.stdin
            if stdin is None:
                raise SynthWorkerError(["a worker started without its input pipe"])
            try:
                stdin.write(pickle.dumps(job))
                stdin.close()
            except BrokenPipeError:
                pass  # the worker died at start; its exit status and stderr tell why below
            process.stdin = None  # given; communicate() below reads the two other pipes
        counts: dict[str, int] = {}
        failures: list[str] = []
        progress.report(f"building {len(names)} stacks in {count} worker processes")
        for finished, process in enumerate(self.processes):
            stdout, raw_stderr = process.communicate()  # both pipes at once: no deadlock
            progress.report(
                f"building {len(names)} stacks in {count} worker processes, {finished + 1} done"
            )
            stderr = raw_stderr.decode(errors="replace").strip()
            if process.returncode != 0:
                failures.append(stderr.splitlines()[-1] if stderr else "no output")
            else:
                counts.update(json.loads(stdout))
        if failures:
            raise SynthWorkerError(sorted(set(failures)))
        return counts


def _optimize_flag() -> list[str]:
    """``-O`` when cdktf's optimized bytecode is cached (``make install`` compiles it): the
    workers then skip the run-time type checks of jsii's wrappers (about 6% of the work).
    Without that cache, compiling cdktf's 30,000-line module at every start costs more."""
    spec = importlib.util.find_spec("cdktf")
    if spec is None or spec.origin is None:
        return []
    cached = importlib.util.cache_from_source(spec.origin, optimization=1)
    return ["-O"] if Path(cached).exists() else []
