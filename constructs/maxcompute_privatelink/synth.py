"""Synthesize a validated config into the standard cdktf layout, and check it.

``OUT/manifest.json`` and ``OUT/stacks/<deployment>/cdk.tf.json`` (or, with ``hcl``,
``cdk.tf`` formatted as `terraform fmt` writes it, with cdktf's ``metadata.json``). The
stacks are built in a temporary folder beside ``OUT`` and swapped in only when the whole
synth worked, so a failure never leaves half an output. ``OUT`` belongs to this tool:
stack folders of deployments no longer in the config are removed; Terraform's own
working files in a stack folder that stays (``.terraform/``, ``.terraform.lock.hcl``)
are carried over.

``check`` synthesizes into a temporary folder and compares it with ``OUT``: the drift
gate that CI and pre-commit run.
"""

from __future__ import annotations

import difflib
import importlib.util
import json
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from importlib.metadata import version as metadata_version
from pathlib import Path
from typing import TYPE_CHECKING

from maxcompute_privatelink.cdktf_json import stable_json
from maxcompute_privatelink.errors import NodeNotFoundError, SynthWorkerError
from maxcompute_privatelink.hcl import format_tree
from maxcompute_privatelink.output_dir import write_folder

if TYPE_CHECKING:
    from maxcompute_privatelink.config import PrivateLinkConfig

KEPT_IN_STACK_DIRS = (".terraform", ".terraform.lock.hcl")
"""Written by `terraform init` in a stack folder; never generated, never dropped."""


@dataclass(frozen=True)
class SynthResult:
    out: Path
    stacks: dict[str, int]
    """Resources (data sources included) per stack, in config order."""
    removed: tuple[str, ...]
    """Stack folders that were removed because their deployment left the config."""


@dataclass(frozen=True)
class CheckResult:
    files: int
    """Files compared."""
    differences: tuple[str, ...]
    """One unified diff (or a missing/extra line) per file that differs."""


def state_path(config_dir: Path, out: Path, stack: str) -> str:
    """Local state ``<config dir>/terraform.<stack>.tfstate``, relative to the stack folder.

    Relative, so the output is the same on every machine; beside the config, so that
    replacing ``OUT`` never touches state.
    """
    state = Path(os.path.abspath(config_dir)) / f"terraform.{stack}.tfstate"
    working_dir = Path(os.path.abspath(out)) / "stacks" / stack
    return Path(os.path.relpath(state, working_dir)).as_posix()


def hcl_requested(hcl: bool) -> bool:
    """``--hcl``, or what `cdktf synth --hcl` asks of the app through its environment."""
    return hcl or os.environ.get("SYNTH_HCL_OUTPUT") in ("true", "1")


def synthesize(
    config: PrivateLinkConfig,
    *,
    config_dir: Path,
    out: Path,
    hcl: bool = False,
    workers: Workers | None = None,
) -> SynthResult:
    """Write the stacks of ``config`` to ``out``; ``config_dir`` anchors local state.
    ``workers``: processes started beforehand (``Workers.for_stacks``). Default: started
    here when the fleet is large enough."""
    counts: dict[str, int] = {}
    removed: list[str] = []

    def build(staging: Path) -> None:
        counts.update(
            _synth_into(staging, config, config_dir=config_dir, out=out, hcl=hcl, workers=workers)
        )
        removed.extend(_carry_over(out, staging, list(counts)))

    write_folder(out, build)
    return SynthResult(out=out, stacks=counts, removed=tuple(removed))


def check(
    config: PrivateLinkConfig,
    *,
    config_dir: Path,
    out: Path,
    hcl: bool,
    workers: Workers | None = None,
) -> CheckResult:
    """Compare what synth would write to ``out`` with what is there."""
    with tempfile.TemporaryDirectory(prefix="mcpl-check.") as scratch:
        expected = Path(scratch)
        _synth_into(expected, config, config_dir=config_dir, out=out, hcl=hcl, workers=workers)
        return _compare(expected, out)


WORKER_MIN_STACKS = 8
"""Below this many stacks per core, starting another interpreter and Node costs more
than it saves."""


def worker_count(stacks: int) -> int:
    """Processes to synthesize ``stacks`` with: one per core at most (``MCPL_SYNTH_WORKERS``
    overrides, for benchmarks and tests)."""
    forced = os.environ.get("MCPL_SYNTH_WORKERS")
    if forced:
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
        }
        command = [sys.executable, *_optimize_flag(), "-m", "maxcompute_privatelink.synth_worker"]
        self.processes = [
            subprocess.Popen(
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
            assert process.stdin is not None
            try:
                process.stdin.write(pickle.dumps(job))
                process.stdin.close()
            except BrokenPipeError:
                pass  # the worker died at start; its exit status and stderr tell why below
        counts: dict[str, int] = {}
        failures: list[str] = []
        for process in self.processes:
            assert process.stdout is not None and process.stderr is not None
            stdout = process.stdout.read()
            stderr = process.stderr.read().decode(errors="replace").strip()
            if process.wait() != 0:
                failures.append(stderr.splitlines()[-1] if stderr else "no output")
            else:
                counts.update(json.loads(stdout))
        if failures:
            raise SynthWorkerError(failures)
        return counts


def _synth_into(
    target: Path,
    config: PrivateLinkConfig,
    *,
    config_dir: Path,
    out: Path,
    hcl: bool,
    workers: Workers | None = None,
) -> dict[str, int]:
    """Synthesize into ``target`` as if it were ``out`` (state paths are relative to it)."""
    if shutil.which("node") is None:
        raise NodeNotFoundError()
    hcl = hcl_requested(hcl)
    names = [d.name for d in config.deployments]
    state_paths = {name: state_path(config_dir, out, name) for name in names}
    wanted = worker_count(len(names))
    if workers is not None and len(workers) == wanted:
        counts = workers.run(target, config, state_paths, hcl)
    elif wanted > 1:
        with Workers(wanted) as started:
            counts = started.run(target, config, state_paths, hcl)
    else:
        from maxcompute_privatelink.stack_writer import write_stacks

        counts = write_stacks(
            target, config.deployments, backend=config.backend, state_paths=state_paths, hcl=hcl
        )
    _write_manifest(target, names, hcl)
    if hcl:
        format_tree(target / "stacks")
    return {name: counts[name] for name in names}


def _optimize_flag() -> list[str]:
    """``-O`` when cdktf's optimized bytecode is cached (``make install`` compiles it): the
    workers then skip the run-time type checks of jsii's wrappers (about 6% of the work).
    Without that cache, compiling cdktf's 30,000-line module at every start costs more."""
    spec = importlib.util.find_spec("cdktf")
    if spec is None or spec.origin is None:
        return []
    cached = importlib.util.cache_from_source(spec.origin, optimization=1)
    return ["-O"] if os.path.exists(cached) else []


def _write_manifest(target: Path, names: list[str], hcl: bool) -> None:
    """``manifest.json`` as cdktf writes it for these stacks."""
    file_name = "cdk.tf" if hcl else "cdk.tf.json"
    manifest = {
        "stacks": {
            name: {
                "annotations": [],
                "constructPath": name,
                "dependencies": [],
                "name": name,
                "stackMetadataPath": f"stacks/{name}/metadata.json",
                "synthesizedStackPath": f"stacks/{name}/{file_name}",
                "workingDirectory": f"stacks/{name}",
            }
            for name in names
        },
        "version": metadata_version("cdktf"),
    }
    (target / "manifest.json").write_text(stable_json(manifest), encoding="utf-8")


def _hardlink_copy(source: Path, target: Path) -> None:
    """Copy by hard links: instant for `.terraform/`'s plugins, and the old tree stays whole."""
    if source.is_dir() and not source.is_symlink():
        shutil.copytree(source, target, symlinks=True, copy_function=os.link)
    elif source.exists() or source.is_symlink():
        os.link(source, target, follow_symlinks=False)


def _carry_over(out: Path, staging: Path, stack_names: list[str]) -> list[str]:
    """Give staying stacks their Terraform working files back; name the stacks that go."""
    removed: list[str] = []
    previous_stacks = out / "stacks"
    if not previous_stacks.is_dir():
        return removed
    for stack_dir in sorted(previous_stacks.iterdir()):
        if stack_dir.name not in stack_names:
            removed.append(stack_dir.name)
            continue
        for kept in KEPT_IN_STACK_DIRS:
            _hardlink_copy(stack_dir / kept, staging / "stacks" / stack_dir.name / kept)
    return removed


def _generated_files(folder: Path) -> dict[str, Path]:
    if not folder.is_dir():
        return {}
    files: dict[str, Path] = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_file() and not set(relative.parts) & set(KEPT_IN_STACK_DIRS):
            files[relative.as_posix()] = path
    return files


def _compare(expected_dir: Path, actual_dir: Path) -> CheckResult:
    expected, actual = _generated_files(expected_dir), _generated_files(actual_dir)
    differences: list[str] = []
    for name in sorted(expected.keys() | actual.keys()):
        if name not in actual:
            differences.append(f"missing: {actual_dir / name}")
        elif name not in expected:
            differences.append(f"not generated by this config: {actual_dir / name}")
        else:
            want, have = expected[name].read_bytes(), actual[name].read_bytes()
            if want != have:
                differences.append(
                    "\n".join(
                        difflib.unified_diff(
                            have.decode("utf-8", "replace").splitlines(),
                            want.decode("utf-8", "replace").splitlines(),
                            fromfile=f"{actual_dir / name} (committed)",
                            tofile=f"{actual_dir / name} (from the config)",
                            lineterm="",
                        )
                    )
                )
    return CheckResult(files=len(expected), differences=tuple(differences))
