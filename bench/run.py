"""Fleet-scale benchmark: synth, synth --hcl, check and render beside the jsii floor.

    python bench/run.py [--sizes 1,10,50,100,500] [--runs 9] [--out bench/results.md]

`npx cdktf synth` is measured too where cdktf-cli is installed: node_modules/.bin/cdktf
under the repo, or the path in CDKTF_CLI (npm install cdktf-cli@0.21.0; 423 MB).

Fleets of N deployments spread over all 15 regions (3 zones each, dns: private_zone, a
created security group). Every figure is the median of --runs whole-process runs (wall
time) and the highest peak RSS of the whole process tree (Python, Node and workers,
summed) over those runs. A plain benchmark, not a timed test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import functools
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "constructs"))

from maxcompute_privatelink.model.regions import REGIONS  # noqa: E402

BIN = Path(sys.executable).parent
MCPL = (
    [str(BIN / "mcpl")]
    if (BIN / "mcpl").exists()
    else [sys.executable, "-m", "maxcompute_privatelink"]
)
ENV = {**os.environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}
TARGETS = {
    "synth_vs_floor": 5.0,
    "unchanged_check_vs_floor": 0.5,
    "one_changed_synth_vs_floor": 1.5,
    "render_beyond_interpreter_s": 0.5,
    "peak_rss_mb": 400.0,
}
TARGET_SIZE = 100
"""The fleet the targets are stated for (issue #18)."""


def change_one(config: Path) -> None:
    """Edit the first deployment (a tag that flips), so one stack must be built again."""
    data = yaml.safe_load(config.read_text())
    tags = data["deployments"][0].setdefault("tags", {})
    tags["bench"] = "b" if tags.get("bench") == "a" else "a"
    config.write_text(yaml.safe_dump(data))


def fleet(size: int) -> dict[str, object]:
    regions = list(REGIONS.values())
    deployments = []
    for index in range(size):
        region = regions[index % len(regions)]
        separator = "" if region.id[-1].isdigit() else "-"
        deployment: dict[str, object] = {
            "name": f"d{index:03d}-{region.id}",
            "region": region.id,
            "vpc_cidr": "10.20.0.0/16",
            "zones": [
                {"zone_id": f"{region.id}{separator}{letter}", "vswitch_cidr": f"10.20.{n}.0/24"}
                for n, letter in enumerate("abc")
            ],
            "dns": "private_zone",
            "client": {"project_name": "bench_project"},
        }
        if region.ticket_required:
            deployment["ticket_approved"] = True
            deployment["endpoint_urls"] = {
                "maxcompute": f"https://service-pvl.{region.id}-vpc.mc.example/api",
                "tunnel": f"https://dt-pvl.{region.id}-vpc.mc.example",
            }
        deployments.append(deployment)
    return {"deployments": deployments}


def _memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process: PSS shares each shared page out among its users, so a
    sum over processes counts the shared libraries of Python and Node once."""
    rss = pss = 0
    with Path(f"/proc/{pid}/smaps_rollup").open() as rollup:
        for line in rollup:
            if line.startswith("Rss:"):
                rss = int(line.split()[1])
            elif line.startswith("Pss:"):
                pss = int(line.split()[1])
    return rss, pss


def _descendants(pid: int) -> list[int]:
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        try:
            tasks = [task.name for task in Path(f"/proc/{current}/task").iterdir()]
        except OSError:
            continue
        for task in tasks:
            try:
                with Path(f"/proc/{current}/task/{task}/children").open() as children:
                    stack.extend(int(child) for child in children.read().split())
            except OSError:
                continue
    return found


def _tree_memory_kb(root: int) -> tuple[int, int]:
    """(largest single-process RSS, summed PSS) over ``root`` and its descendants."""
    largest = total = 0
    for pid in _descendants(root):
        try:
            rss, pss = _memory_kb(pid)
        except OSError:
            continue
        largest, total = max(largest, rss), total + pss
    return largest, total


SAMPLE_EVERY_S = 0.05
"""Memory grows steadily through a synth; sampling more often only steals CPU from the
measured command on a 2-core machine."""


@dataclass
class Run:
    seconds: float
    process_kb: int
    tree_kb: int


def time_once(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    run = subprocess.run(command, cwd=cwd, env=ENV, capture_output=True, check=False)
    seconds = time.perf_counter() - start
    if run.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{run.stderr.decode()[-2000:]}")
    return seconds


def run_once(command: list[str], cwd: Path) -> Run:
    """One run with its memory sampled (sampling steals some CPU: not used for time)."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    peak_process = peak_tree = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_process, peak_tree
        while not done.is_set():
            largest, total = _tree_memory_kb(process.pid)
            peak_process, peak_tree = max(peak_process, largest), max(peak_tree, total)
            time.sleep(SAMPLE_EVERY_S)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = process.communicate()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{stderr.decode()[-2000:]}")
    return Run(seconds, peak_process, peak_tree)


@dataclass
class Result:
    median_s: float
    process_mb: float
    """Peak RSS of the largest single process."""
    tree_mb: float
    """Peak of the whole tree's summed PSS."""
    floor_s: float
    """The median of the floor runs interleaved with these runs (the floor's own median
    for the floor): what this row's ratio divides by."""

    @property
    def ratio(self) -> float:
        return self.median_s / self.floor_s


def measure(
    command: list[str],
    cwd: Path,
    runs: int,
    prepare: Callable[[], None] | None = None,
    floor: Callable[[], float] | None = None,
) -> Result:
    """Median wall time of ``runs`` plain runs; memory from one more, sampled run.
    ``prepare`` runs before each run, untimed; ``floor`` (one timed run of the floor)
    before each too, so that the row and its floor see the same machine: a floor measured
    once, minutes earlier, moved the ratios by a tenth."""
    seconds, floors = [], []
    for _ in range(runs):
        if floor is not None:
            floors.append(floor())
        if prepare is not None:
            prepare()
        seconds.append(time_once(command, cwd))
    if prepare is not None:
        prepare()
    sampled = run_once(command, cwd)
    median = statistics.median(seconds)
    return Result(
        median,
        sampled.process_kb / 1024,
        sampled.tree_kb / 1024,
        statistics.median(floors) if floors else median,
    )


def compile_bytecode() -> None:
    """The package's bytecode, fresh, as ``pip install`` and ``make install`` leave it: a
    checkout edited since (or a shell with PYTHONDONTWRITEBYTECODE set) would otherwise
    compile the changed modules in every measured run."""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "-o", "0", "-o", "1", str(ROOT / "constructs")],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,10,50,100,500")
    parser.add_argument("--runs", type=int, default=9)  # a median of 5 moved by 0.1 s
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.md")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    compile_bytecode()
    work = Path(tempfile.mkdtemp(prefix="mcpl-bench."))
    results: dict[tuple[str, int], Result] = {}
    try:
        floor_command = [sys.executable, str(ROOT / "bench/empty_app.py"), "floor.out"]
        floor = measure(floor_command, work, args.runs)
        floor_once = functools.partial(time_once, floor_command, work)
        interpreter = measure([sys.executable, "-c", "pass"], work, args.runs)
        cdktf_cli = Path(os.environ.get("CDKTF_CLI", ROOT / "node_modules/.bin/cdktf"))
        npx = shutil.which("npx") if cdktf_cli.exists() else None
        for size in sizes:
            folder = work / f"fleet{size}"
            folder.mkdir()
            config = folder / "privatelink.yaml"
            config.write_text(yaml.safe_dump(fleet(size)))
            scenarios: dict[str, tuple[list[str], Callable[[], None] | None]] = {
                "mcpl synth --full": ([*MCPL, "synth", "--full", "-o", "cdktf.out"], None),
                "mcpl synth --hcl --full": (
                    [*MCPL, "synth", "--hcl", "--full", "-o", "hcl.out"],
                    None,
                ),
                "mcpl check --full": ([*MCPL, "check", "--full", "-o", "cdktf.out"], None),
                "mcpl check, unchanged": ([*MCPL, "check", "-o", "cdktf.out"], None),
                "mcpl synth, one changed": (
                    [*MCPL, "synth", "-o", "cdktf.out"],
                    functools.partial(change_one, config),
                ),
                "mcpl render": ([*MCPL, "render", "--from", "cdktf.out", "-o", "client"], None),
            }
            for name, (command, prepare) in scenarios.items():
                results[(name, size)] = measure(command, folder, args.runs, prepare, floor_once)
                print(f"{name:24} {size:4}: {results[(name, size)].median_s:6.2f} s", flush=True)
            if npx:
                app = f"{sys.executable} {ROOT / 'main.py'}"
                (folder / "cdktf.json").write_text(f'{{"language": "python", "app": "{app}"}}')
                command = [str(cdktf_cli), "synth", "--output", "npx.out"]
                results[("npx cdktf synth", size)] = measure(
                    command, folder, args.runs, floor=floor_once
                )
        report = render_report(floor, interpreter, results, sizes, args.runs, npx is not None)
        args.out.write_text(report)
        print(report)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def render_report(
    floor: Result,
    interpreter: Result,
    results: dict[tuple[str, int], Result],
    sizes: list[int],
    runs: int,
    npx: bool,
) -> str:
    names = list(dict.fromkeys(name for name, _ in results))  # as measured: main's scenarios
    lines = [
        "# Benchmark results",
        "",
        f"Machine: {os.cpu_count()} cores, {platform.machine()}, "
        f"Python {platform.python_version()}, {platform.system()}. Wall time: the median of "
        f"{runs} whole-process runs. Memory, from one more run sampled every 50 ms: the RSS "
        "of the largest single process, and the PSS of the whole process tree (Python, Node, "
        "synth workers) summed, which counts shared libraries once.",
        "",
        f"Empty cdktf app synth (the jsii floor): **{floor.median_s:.2f} s**, "
        f"{floor.process_mb:.0f} MB RSS, {floor.tree_mb:.0f} MB tree PSS. "
        f"Bare interpreter start: {interpreter.median_s:.3f} s. Each row's ratio divides its "
        "median by the median of floor runs interleaved with its own (one before each), so "
        "that both see the machine in the same state.",
        "",
        "| command | deployments | wall (s) | x floor | largest RSS (MB) | tree PSS (MB) |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name in names:
        for size in sizes:
            result = results.get((name, size))
            if result is None:
                continue
            lines.append(
                f"| {name} | {size} | {result.median_s:.2f} | "
                f"{result.ratio:.1f} | {result.process_mb:.0f} | "
                f"{result.tree_mb:.0f} |"
            )
    if not npx:
        lines += ["", "`npx cdktf synth`: not measured (no cdktf-cli under node_modules)."]
    lines += ["", "Marginal cost per deployment (between the smallest and largest fleet):", ""]
    small, large = min(sizes), max(sizes)
    for name in names:
        if (name, small) in results and (name, large) in results and large > small:
            per = (results[(name, large)].median_s - results[(name, small)].median_s) / (
                large - small
            )
            lines.append(f"- {name}: {per * 1000:.1f} ms")
    at = TARGET_SIZE if TARGET_SIZE in sizes else large
    if ("mcpl synth --full", at) in results and ("mcpl check, unchanged", at) in results:
        synth = results[("mcpl synth --full", at)]
        check = results[("mcpl check, unchanged", at)]
        one = results[("mcpl synth, one changed", at)]
        render = results[("mcpl render", at)]
        peak = max(
            r.tree_mb
            for (name, size), r in results.items()
            if name.startswith("mcpl") and size == at
        )
        lines += [
            "",
            f"Targets at {at} deployments, as ratios to the floor runs interleaved with them:",
            "",
            f"- full synth at most {TARGETS['synth_vs_floor']:.0f}x the floor: {synth.ratio:.1f}x",
            f"- check of an unchanged fleet at most {TARGETS['unchanged_check_vs_floor']}x: "
            f"{check.ratio:.2f}x",
            f"- synth after changing one deployment at most "
            f"{TARGETS['one_changed_synth_vs_floor']}x: {one.ratio:.2f}x",
            f"- render under {TARGETS['render_beyond_interpreter_s']} s beyond the interpreter "
            f"start: {render.median_s - interpreter.median_s:.2f} s",
            f"- peak memory under {TARGETS['peak_rss_mb']:.0f} MB (tree PSS, every mcpl command): "
            f"{peak:.0f} MB",
        ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
