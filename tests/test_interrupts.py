"""Interrupted runs: synth's worker processes die with the command that started them,
however it ends (SIGTERM, SIGINT, SIGKILL), so none writes on into a staging folder.

The workers are stopped (SIGSTOP) before the parent is signalled: a stopped worker cannot
notice its closed pipes, so only the parent's cleanup or the kernel's parent-death
signal can end it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.emitter

PARENT = """
import signal, sys, time
from maxcompute_privatelink.cli import _terminated
from maxcompute_privatelink.synth.parallel import Workers
signal.signal(signal.SIGTERM, _terminated)
with Workers(2) as workers:
    print(" ".join(str(p.pid) for p in workers.processes), flush=True)
    time.sleep(300)
"""


def alive(pid: int) -> bool:
    """Running (a zombie waiting to be reaped counts as dead)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def threads(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Threads:"):
            return int(line.split()[1])
    return 0


def wait_until_dead(pids: list[int], deadline: float) -> list[int]:
    while time.monotonic() < deadline and any(alive(pid) for pid in pids):
        time.sleep(0.05)
    return [pid for pid in pids if alive(pid)]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize(
    ("sent", "exit_code"),
    [(signal.SIGTERM, 143), (signal.SIGINT, None), (signal.SIGKILL, -signal.SIGKILL)],
    ids=["SIGTERM", "SIGINT", "SIGKILL"],
)
def test_workers_die_with_the_parent(sent: signal.Signals, exit_code: int | None) -> None:
    # given: a parent that started two synth workers
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert parent.stdout is not None
    pids = [int(pid) for pid in parent.stdout.readline().split()]
    assert len(pids) == 2 and all(alive(pid) for pid in pids)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and min(threads(pid) for pid in pids) < 2:
        time.sleep(0.05)  # each worker's main() has begun: it starts a thread after prctl
    for pid in pids:
        os.kill(pid, signal.SIGSTOP)
    # when
    parent.send_signal(sent)
    code = parent.wait(timeout=60)
    # then: the parent ended as the signal says, and no worker outlives it
    if exit_code is not None:
        assert code == exit_code
    assert wait_until_dead(pids, time.monotonic() + 30) == []
