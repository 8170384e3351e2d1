"""The progress line of `mcpl synth` and `mcpl check` on a terminal: what the command is
doing (``synth.progress``), on stderr, redrawn in place, shown only once the command has
taken more than a second; never in CI (``CI`` set), with ``--quiet``, or when stderr is
not a terminal (a pipe, a log file)."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from maxcompute_privatelink.synth import progress

SHOWN_AFTER = 1.0
"""Seconds before the line appears: quick commands print nothing."""
REDRAW_EVERY = 0.25


def wanted(quiet: bool) -> bool:
    return not quiet and not os.environ.get("CI") and sys.stderr.isatty()


@contextmanager
def progress_line(quiet: bool) -> Iterator[None]:
    """Show what the layers report while the block runs, as one line on stderr."""
    if not wanted(quiet):
        yield
        return
    began = time.monotonic()
    state = {"what": "reading the config", "drawn": False}
    lock = threading.Lock()
    done = threading.Event()

    def draw() -> None:
        elapsed = time.monotonic() - began
        if elapsed < SHOWN_AFTER:
            return
        with lock:
            sys.stderr.write(f"\r\x1b[Kmcpl: {state['what']} ({elapsed:.0f} s)")
            sys.stderr.flush()
            state["drawn"] = True

    def tick() -> None:
        while not done.wait(REDRAW_EVERY):
            draw()

    def heard(what: str) -> None:
        state["what"] = what
        draw()

    ticker = threading.Thread(target=tick, daemon=True)
    ticker.start()
    try:
        with progress.reporting(heard):
            yield
    finally:
        done.set()
        ticker.join()
        if state["drawn"]:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
