"""Every error this tool raises on purpose.

Messages say what is wrong, the value, what is allowed and how to fix it. Constructs
and models raise; only the CLI catches (``McplError`` and pydantic's
``ValidationError``) and prints one ``field: message`` line per problem.

Errors that are also ``ValueError`` can be raised inside pydantic validators: pydantic
wraps them into its ``ValidationError`` and keeps the original in ``ctx["error"]``, so
the CLI can still print each ``Problem`` on its own line at its own location.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum

Loc = tuple[str | int, ...]


class ExitCode(IntEnum):
    """What ``mcpl`` exits with: one meaning per code, for every command."""

    OK = 0
    FINDINGS = 1
    """What the command exists to find: config problems (validate), drift (check)."""
    CANNOT_RUN = 2
    """Bad usage, unreadable or refused files, missing tools, a config that does not
    validate (for every command but validate), a change synth refuses to make."""


class McplError(Exception):
    """Root of every error this tool raises on purpose: the command cannot run."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, at ``loc`` (field path relative to the model)."""

    loc: Loc
    message: str


class ProblemsError(McplError, ValueError):
    """Several independent problems found in one model, each at its own field."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(f"{format_loc(p.loc)}: {p.message}" for p in self.problems))


class ConfigFileError(McplError):
    """The config file is missing, unreadable, empty or not YAML."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        super().__init__(f"{path}: {message}")


@dataclass(frozen=True)
class Finding:
    """One problem (or warning) of a config, for machines (``--format json``): where it
    is, what it says, and the line people read."""

    deployment: str | None
    field: str | None
    message: str
    line: str


class InvalidConfigError(McplError):
    """The config file parsed but is not valid: one readable line per problem
    (``findings``: the same, with deployment and field apart)."""

    def __init__(self, lines: Sequence[str], findings: Sequence[Finding] | None = None) -> None:
        self.lines = tuple(lines)
        self.findings = (
            tuple(findings)
            if findings is not None
            else tuple(Finding(None, None, line, line) for line in self.lines)
        )
        super().__init__("\n".join(self.lines))


class UnknownRegionError(McplError, ValueError):
    """A region id that is not in the catalog."""

    def __init__(self, region: str, supported: Sequence[str]) -> None:
        self.region = region
        near = difflib.get_close_matches(region, supported, n=1, cutoff=0.75)
        mean = f"did you mean {near[0]}? " if near else ""
        super().__init__(
            f"{region!r} is not a region with MaxCompute PrivateLink; {mean}supported: "
            + ", ".join(supported)
        )


class RenderError(McplError):
    """The client configs cannot be rendered (missing outputs, values not known yet...)."""

    def __init__(self, deployment: str | None, message: str) -> None:
        self.deployment = deployment
        super().__init__(f"deployment {deployment!r}: {message}" if deployment else message)


class FormatterError(McplError):
    """No Terraform formatter, or it refused the generated HCL."""


class CiError(McplError):
    """The CI workflow cannot be written as asked."""


class StateMoveError(McplError):
    """A rename's state files were moved, then synth failed: they are moved back, and
    whatever could not be is said exactly."""

    def __init__(self, reason: str, left: Sequence[str]) -> None:
        self.left = tuple(left)
        if not left:
            outcome = (
                "the state files it had moved were moved back, so nothing was changed; "
                "fix that, then synth again"
            )
        else:
            outcome = (
                "the stacks are as before, but some state files stay moved: move them back "
                "by hand (" + "; ".join(left) + "), then synth again"
            )
        super().__init__(f"synth failed while renaming ({reason}); {outcome}")


class StackBuildError(McplError):
    """One deployment's stack could not be built (an emitter error, a bug of ours)."""

    def __init__(self, deployment: str, reason: str) -> None:
        self.deployment = deployment
        first = reason.strip().splitlines()[0] if reason.strip() else "no reason given"
        super().__init__(
            f"deployment {deployment!r}: its stack could not be synthesized ({first}); "
            "nothing was written"
        )


class SynthWorkerError(McplError):
    """A synth worker process failed."""

    def __init__(self, failures: Sequence[str]) -> None:
        super().__init__("synth failed in a worker process: " + "; ".join(failures))


class NodeNotFoundError(McplError):
    """cdktf runs on jsii, which needs Node.js."""

    def __init__(self) -> None:
        super().__init__(
            "synth needs Node.js on PATH (cdktf runs on jsii) and found none; install "
            "Node.js 22 or 24 (20 still runs, past its end of life), or run `mcpl validate`, "
            "which does not need it"
        )


class OutputDirError(McplError):
    """The output folder cannot be used."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")


class UnsafeChangeError(McplError):
    """Synth would lose track of live resources or delete the user's files: one line per
    thing refused, each saying the way out."""

    def __init__(self, lines: Sequence[str]) -> None:
        self.lines = tuple(lines)
        super().__init__("\n".join(self.lines))


class LockError(McplError):
    """`terraform init` could not lock a stack's provider (``mcpl lock``)."""


class OptionError(McplError):
    """A command-line option holds a value the command cannot use."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(f"{option}: {message}")


class EnvironmentValueError(McplError):
    """An environment variable this tool reads holds a value it cannot use."""

    def __init__(self, variable: str, value: str, allowed: str) -> None:
        super().__init__(f"{variable}={value!r}: {allowed}; unset it or fix it")


class EmitterMissingError(McplError):
    """Synth needs cdktf or cdktn, and the one asked for (or either) is not installed."""

    def __init__(self, wanted: str | None) -> None:
        which = wanted or "cdktf or cdktn"
        extra = wanted or "cdktf"
        super().__init__(
            f"synthesizing needs {which}, which is not installed; pip install "
            f"'maxcompute-privatelink[{extra}]' (validate, regions, render and summary "
            "need neither)"
        )


class ProviderRequirementError(McplError, ValueError):
    """The app's alicloud provider cannot serve the constructs: its version constraint
    allows no release new enough, or it comes from another source."""


def format_loc(loc: Loc) -> str:
    """``("zones", 1, "zone_id")`` -> ``zones[1].zone_id``."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text
