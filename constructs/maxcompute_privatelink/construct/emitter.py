"""Which CDK for Terraform emits the stacks: cdktf, or its maintained fork cdktn.

CDKTF is archived upstream (0.21.0 is its final release); cdktn (CDK Terrain) continues
it with the same API under another import name. This module is the one place that
picks: ``MCPL_EMITTER=cdktf|cdktn`` when set; else the one the user's app imported
already (constructs of two emitters cannot share an app); else cdktf when installed,
else cdktn (``pip install 'maxcompute-privatelink[cdktf]'`` or ``[cdktn]``). It imports
neither, so asking starts no Node; ``construct.cdk`` loads the one picked.

Both write the same Terraform. What they would write differently is pinned here:
``FORMAT_VERSION``, the ``version`` of the stacks' metadata and of ``manifest.json``,
which each would set to its own release; so a repo's committed output does not change
when it moves from one to the other.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import os
import sys
import threading

from maxcompute_privatelink.errors import EmitterMissingError, EnvironmentValueError

EMITTERS = ("cdktf", "cdktn")
"""The packages that can emit the stacks, in order of preference (cdktf: the design's)."""

VARIABLE = "MCPL_EMITTER"

FORMAT_VERSION = "0.21.0"
"""The synth format the output follows: cdktf 0.21.0's, which cdktn 0.24 keeps (its
``App`` sets the ``cdktfVersion`` context to its own release; synth sets it to this)."""


def chosen() -> str:
    """The emitter's package name, found without importing it (nor starting Node)."""
    wanted = os.environ.get(VARIABLE, "").strip()
    if wanted:
        if wanted not in EMITTERS:
            raise EnvironmentValueError(VARIABLE, wanted, f"use {' or '.join(EMITTERS)}")
        if importlib.util.find_spec(wanted) is None:
            raise EmitterMissingError(wanted)
        return wanted
    imported = [name for name in EMITTERS if name in sys.modules]
    if len(imported) == 1:
        return imported[0]
    for name in EMITTERS:
        if importlib.util.find_spec(name) is not None:
            return name
    raise EmitterMissingError(None)


_preloading: list[threading.Thread] = []
_jsii_imported = threading.Event()
"""Set by ``preload`` once jsii is imported (Node boots next), or when the load failed."""


def preload() -> threading.Event:
    """Start loading the emitter (Node, jsii and the constructs) in a daemon thread, so
    that Node starts while this process still validates; the later import waits for it.
    A failure is left for that import to report. Once per process: ``mcpl`` may have
    started it already (``launcher``). Returns an event set once jsii is imported: from
    then on the thread mostly waits for Node, and other imports cost it little."""
    if _preloading:
        return _jsii_imported

    def load() -> None:
        os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
        with contextlib.suppress(Exception):  # the import that needs it raises it again
            importlib.import_module("jsii")
            _jsii_imported.set()
            importlib.import_module("maxcompute_privatelink.construct.stack")
        _jsii_imported.set()

    thread = threading.Thread(target=load, name="mcpl-preload", daemon=True)
    _preloading.append(thread)
    thread.start()
    return _jsii_imported


def settle() -> None:
    """Wait for a ``preload`` still running: the command may end before it needs the
    emitter (a config that does not validate, nothing to build), and an interpreter
    that exits while jsii loads leaves Node running and fails in jsii's clean-up of its
    temporary folder. At most a minute: a Node that never answers must not hold the
    command for ever (a load takes half a second)."""
    for thread in _preloading:
        thread.join(timeout=60)
