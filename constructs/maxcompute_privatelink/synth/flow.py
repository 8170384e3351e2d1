"""What ``mcpl synth`` and ``mcpl check`` do, from the config's path to their result.

Each is one call from the CLI, which only prints: read the config's bytes; when this
machine's cache (``synth.cache``) shows the committed output is what those bytes give,
stop there (check without the models, synth writing nothing); else start the synth
workers a large fleet needs, validate, refuse configs that share local state, and
build, reusing only the stacks whose committed files hash as this machine built them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from maxcompute_privatelink.errors import InvalidConfigError, UnsafeChangeError
from maxcompute_privatelink.model.config_file import (
    ConfigSource,
    read_config_data,
    read_config_source,
)
from maxcompute_privatelink.synth.output_dir import OutputKind
from maxcompute_privatelink.synth.state import state_file_conflicts

if TYPE_CHECKING:
    from maxcompute_privatelink.model.config import PrivateLinkConfig
    from maxcompute_privatelink.synth.check import CheckResult
    from maxcompute_privatelink.synth.parallel import Workers
    from maxcompute_privatelink.synth.synthesize import SynthResult

Warn = Callable[[str], None]
"""Where a config's warnings go, one line each (the CLI prints them on stderr)."""


def validated(data: Any, warn: Warn) -> PrivateLinkConfig:
    """The config of ``data`` (plain YAML data), its warnings passed to ``warn``."""
    from maxcompute_privatelink.model.config import validate_config
    from maxcompute_privatelink.model.diagnostics import problem_line

    config = validate_config(data)
    for warning in config.warnings():
        warn(problem_line(warning, data))
    return config


def load_config(path: Path, warn: Warn) -> PrivateLinkConfig:
    """The config file at ``path``, validated."""
    return validated(read_config_data(path), warn)


def refuse_shared_state(path: Path, config: PrivateLinkConfig) -> None:
    """Two configs in one folder must not keep local state in the same files."""
    names = [d.name for d in config.deployments]
    conflicts = state_file_conflicts(path, names, local=config.backend is None)
    if conflicts:
        raise InvalidConfigError(conflicts)


@contextmanager
def _load_for_synth(
    path: Path, source: ConfigSource, out: Path, full: bool, warn: Warn
) -> Iterator[tuple[PrivateLinkConfig, Workers]]:
    """The config, and the synth workers its fleet needs (none for a small one), started
    before the models are built: their interpreter and Node start while this one
    validates. Not when the cache knows ``out`` (and not ``full``): then the stacks to
    build are known only later, and often none; when the config is newer than the
    output, the emitter is loaded in this process meanwhile (``emitter.preload``; the
    ``mcpl`` launcher has usually started it already). Workers left unused are stopped
    on exit."""
    from maxcompute_privatelink.construct.emitter import preload
    from maxcompute_privatelink.synth.incremental import edited_since, is_incremental
    from maxcompute_privatelink.synth.parallel import Workers

    if not full and is_incremental(out):
        fleet = 0
        if edited_since(path, out):
            preload()  # Node starts while this process validates and fingerprints
    else:
        deployments = source.data.get("deployments")
        fleet = len(deployments) if isinstance(deployments, list) else 0
    with Workers.for_stacks(fleet) as workers:
        config = validated(source.data, warn)
        refuse_shared_state(path, config)
        yield config, workers


def synth(
    config_path: Path,
    out: Path,
    *,
    hcl: bool,
    full: bool,
    warn: Warn,
    others: tuple[OutputKind, ...] = (),
    adopt: bool = False,
    never_applied: frozenset[str] = frozenset(),
    for_cdktf_cli: bool = False,
) -> SynthResult:
    """``mcpl synth``: write ``out`` from the config at ``config_path``. ``adopt``: take an
    output of mcpl 0.1, unmarked, as synth's own. ``never_applied``: deployments with
    remote state the user says were never applied. ``for_cdktf_cli``: run by cdktf-cli
    or cdktn-cli, which delete every folder under ``stacks/`` the new manifest does not
    list once synth is done: a user's folder there is refused first, and a stack folder
    synth removes or renames is left empty for the CLI to delete."""
    from maxcompute_privatelink.synth.guards import cdktf_cli_refusals
    from maxcompute_privatelink.synth.synthesize import synth_unchanged, synthesize

    source = read_config_source(config_path)
    if for_cdktf_cli:
        refusals = cdktf_cli_refusals(out, source.deployment_names)
        if refusals:
            raise UnsafeChangeError(refusals)
    # the bytes this machine last synthesized into out, which holds them still: no work
    result = None if full else synth_unchanged(config_path, out, hcl, source)
    if result is not None:
        return result
    with _load_for_synth(config_path, source, out, full, warn) as (config, workers):
        return synthesize(
            config,
            config_path=config_path,
            out=out,
            hcl=hcl,
            workers=workers,
            others=others,
            full=full,
            config_digest=source.digest,
            adopt=adopt,
            never_applied=never_applied,
            for_cdktf_cli=for_cdktf_cli,
        )


def check(config_path: Path, out: Path, *, hcl: bool, full: bool, warn: Warn) -> CheckResult:
    """``mcpl check``: compare ``out`` with what the config at ``config_path`` gives."""
    from maxcompute_privatelink.synth.check import check, check_unchanged

    source = read_config_source(config_path)
    # the bytes this machine last built out from, which holds what they give: no models
    result = None if full else check_unchanged(config_path, out, hcl, source)
    if result is not None:
        return result
    with _load_for_synth(config_path, source, out, full, warn) as (config, workers):
        return check(
            config,
            config_dir=config_path.parent,
            out=out,
            hcl=hcl,
            workers=workers,
            full=full,
            config_digest=source.digest,
        )
