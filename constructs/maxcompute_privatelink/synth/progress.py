"""What a long synth or check is doing: the layers say it (``report``), the command line
shows it on a terminal (``reporting``). Nothing is said unless someone listens."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

Listener = Callable[[str], None]

_listener: ContextVar[Listener | None] = ContextVar("mcpl_progress", default=None)


def report(what: str) -> None:
    """Say what is being done now, in a few words (``building stacks: 120 of 1000``)."""
    listener = _listener.get()
    if listener is not None:
        listener(what)


@contextmanager
def reporting(listener: Listener) -> Iterator[None]:
    """Within the block, ``report`` tells ``listener``."""
    token = _listener.set(listener)
    try:
        yield
    finally:
        _listener.reset(token)
