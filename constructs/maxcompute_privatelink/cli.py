"""``mcpl``: privatelink.yaml in, reviewed Terraform out.

The one error boundary of the tool: every command runs inside ``_boundary``, which turns
our errors and pydantic's into one ``field: message`` line each on stderr. Exit codes
(``ExitCode``): 0 ok; 1 what the command exists to find (config problems for
``validate``, drift for ``check``); 2 the command cannot run (bad usage, unreadable or
refused files, missing tools, a config that does not validate, an unsafe change).
"""

from __future__ import annotations

import functools
import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec, TypeVar

# before typer, which imports pydantic: the launcher's import disables pydantic's plugins
from maxcompute_privatelink.launcher import CONFIG_FLAGS, FULL_FLAG, OUT_FLAGS  # isort: skip

import typer
from pydantic import ValidationError

from maxcompute_privatelink import __version__
from maxcompute_privatelink.errors import (
    ExitCode,
    InvalidConfigError,
    McplError,
    OptionError,
    UnsafeChangeError,
)
from maxcompute_privatelink.layout import DEFAULT_CONFIG, DEFAULT_OUT
from maxcompute_privatelink.model.config_file import (
    read_config_data,
)
from maxcompute_privatelink.model.regions import REGIONS
from maxcompute_privatelink.outputs.ci import WORKFLOW, Options
from maxcompute_privatelink.progress_line import progress_line

if TYPE_CHECKING:
    from maxcompute_privatelink.model.config import PrivateLinkConfig

# The models (pydantic) and cdktf are imported inside the commands that need them:
# `mcpl regions` and `--help` stay instant, and synth starts its workers before the
# models are even built.


class SummaryFormat(StrEnum):
    """``mcpl summary --format`` (an Enum, not a Literal: typer before 0.19 takes only
    Enums as choices)."""

    MARKDOWN = "markdown"
    TEXT = "text"
    JSON = "json"


class OutputFormat(StrEnum):
    """``--format`` of ``validate`` and ``regions``: text for people, json for machines."""

    TEXT = "text"
    JSON = "json"


FormatOption = Annotated[
    OutputFormat,
    typer.Option("--format", help="text for people, json for machines (on stdout)."),
]


DEFAULT_CLIENT_OUT = "client"

P = ParamSpec("P")
R = TypeVar("R")

EXIT_CODES_HELP = (
    "Exit codes: 0 ok; 1 what the command exists to find (config problems for validate, "
    "drift for check, failed checks for doctor); 2 the command cannot run (bad usage, a "
    "missing or unreadable file, "
    "a refused output folder, a missing tool, a config that does not validate, a change "
    "synth refuses to make)."
)

JOURNEY = (
    "init", "validate", "synth", "check", "lock", "render", "doctor", "summary", "ci",
    "regions", "schema",
)  # fmt: skip
"""The commands in the order a user meets them: `mcpl --help` lists them so."""


class _JourneyOrder(typer.core.TyperGroup):
    def list_commands(self, ctx: Any) -> list[str]:
        names = super().list_commands(ctx)
        return sorted(names, key=lambda n: JOURNEY.index(n) if n in JOURNEY else len(JOURNEY))


app = typer.Typer(
    cls=_JourneyOrder,
    rich_markup_mode=None,  # help texts are plain: [doctor] is an extra, not markup
    name="mcpl",
    help="Private access from Alibaba Cloud VPCs to MaxCompute, as reviewed Terraform.",
    epilog=EXIT_CODES_HELP,
    no_args_is_help=True,
    add_completion=True,  # mcpl --install-completion [bash|zsh|fish|powershell]
    pretty_exceptions_enable=False,
)

ConfigOption = Annotated[
    Path,
    typer.Option(*CONFIG_FLAGS, help="The deployments file.", show_default=True, metavar="FILE"),
]
OutOption = Annotated[
    Path,
    typer.Option(*OUT_FLAGS, help="Folder of the cdktf output.", show_default=True, metavar="DIR"),
]
HclOption = Annotated[
    bool | None,
    typer.Option(
        "--hcl/--json",
        help="HCL (stacks/<name>/cdk.tf, formatted by Terraform's formatter) or JSON "
        "(cdk.tf.json). Default: what OUT holds now, so a repo keeps its format; JSON for "
        "a new OUT.",
        show_default=False,
        metavar="",
    ),
]
QuietOption = Annotated[
    bool,
    typer.Option(
        "--quiet",
        "-q",
        help="No progress line. Default: on a terminal, a command that takes more than a "
        "second says on stderr what it is doing (never in CI, where CI is set).",
        metavar="",
    ),
]
FullOption = Annotated[
    bool,
    typer.Option(
        FULL_FLAG,
        help="Build every stack. Default: stacks whose files hash as this machine built "
        "them for the same settings (its cache, never a committed record) are reused.",
        metavar="",
    ),
]


def _err(line: str) -> None:
    typer.echo(line, err=True)


def _boundary(
    invalid_config: ExitCode = ExitCode.CANNOT_RUN,
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Every command's one error boundary: one line per problem, no traceback, and the
    exit code of ``ExitCode``. ``invalid_config``: the exit code of a config that does
    not validate (a finding for ``validate``, a reason not to run for the rest)."""

    def wrap(command: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(command)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            code = ExitCode.CANNOT_RUN
            try:
                return command(*args, **kwargs)
            except (InvalidConfigError, UnsafeChangeError) as error:
                for line in error.lines:
                    _err(f"error: {line}")
                if isinstance(error, InvalidConfigError):
                    code = invalid_config
            except ValidationError as error:  # raised outside a config file: no names to add
                from maxcompute_privatelink.model.config import PrivateLinkConfig
                from maxcompute_privatelink.model.diagnostics import validation_lines

                for line in validation_lines(error, None, PrivateLinkConfig):
                    _err(f"error: {line}")
            except McplError as error:
                _err(f"error: {error}")
            raise typer.Exit(code)

        return run

    return wrap


def _warn(line: str) -> None:
    _err(f"warning: {line}")


def _load(path: Path) -> PrivateLinkConfig:
    from maxcompute_privatelink.synth.flow import load_config

    return load_config(path, _warn)


@app.command(short_help="Check the config: one line per problem, exit 1 on any.")
@_boundary(invalid_config=ExitCode.FINDINGS)
def validate(
    config: ConfigOption = Path(DEFAULT_CONFIG),
    output_format: FormatOption = OutputFormat.TEXT,
) -> None:
    """Check the deployments file; print one line per problem (exit 1). Writes nothing."""
    if output_format is OutputFormat.JSON:
        _validate_json(config)
        return
    from maxcompute_privatelink.synth.flow import refuse_shared_state

    loaded = _load(config)
    refuse_shared_state(config, loaded)
    names = ", ".join(d.name for d in loaded.deployments)
    typer.echo(f"{config}: {len(loaded.deployments)} deployment(s) valid: {names}")


def _validate_json(path: Path) -> None:
    """``validate --format json``: one JSON document on stdout, problems and warnings
    each with deployment, field, message and line; exit 1 when there are problems. A
    file that cannot be read is still one line on stderr, exit 2."""
    import dataclasses
    import json

    from maxcompute_privatelink.model.config import validate_config
    from maxcompute_privatelink.model.diagnostics import finding
    from maxcompute_privatelink.synth.flow import refuse_shared_state

    data = read_config_data(path)
    result: dict[str, Any] = {"config": str(path), "valid": True, "deployments": []}
    problems: list[Any] = []
    warnings: list[Any] = []
    try:
        loaded = validate_config(data)
        warnings = [finding(w, data) for w in loaded.warnings()]
        refuse_shared_state(path, loaded)
        result["deployments"] = [d.name for d in loaded.deployments]
    except InvalidConfigError as error:
        problems = list(error.findings)
        result["valid"] = False
    result["problems"] = [dataclasses.asdict(p) for p in problems]
    result["warnings"] = [dataclasses.asdict(w) for w in warnings]
    typer.echo(json.dumps(result, indent=2, ensure_ascii=False))
    if problems:
        raise typer.Exit(ExitCode.FINDINGS)


@app.command(short_help="Write one Terraform stack per deployment into OUT.")
@_boundary()
def synth(
    config: ConfigOption = Path(DEFAULT_CONFIG),
    out: OutOption = Path(DEFAULT_OUT),
    hcl: HclOption = None,
    full: FullOption = False,
    quiet: QuietOption = False,
    adopt: Annotated[
        bool,
        typer.Option(
            "--adopt",
            help="Take OUT as synth's own although its manifest.json carries no mark of "
            "mcpl's (an output of mcpl 0.1); only for an output mcpl wrote.",
            metavar="",
        ),
    ] = False,
    never_applied: Annotated[
        list[str] | None,
        typer.Option(
            "--never-applied",
            metavar="NAME",
            help="With remote state (backend:), which synth cannot read: deployment NAME "
            "was never applied, so protect: true does not hold back a change or removal "
            "of it. Repeat for each. With local state synth reads the state itself.",
            show_default=False,
        ),
    ] = None,
    for_cdktf_cli: Annotated[
        bool,
        typer.Option(
            "--for-cdktf-cli",
            hidden=True,  # main.py's, when cdktf-cli or cdktn-cli runs it (launcher)
            help="Run by cdktf-cli or cdktn-cli: refuse a folder of yours under "
            "OUT/stacks/ (the CLI deletes it), leave removed stack folders empty for the "
            "CLI to delete, and print warnings and notes on stdout (the CLI shows the "
            "app's stderr as errors).",
        ),
    ] = False,
) -> None:
    """Write one Terraform stack per deployment: OUT/stacks/<name>/cdk.tf.json (or cdk.tf).

    OUT must be new, empty or synth's own output; only the files synth generates are
    replaced. It refuses to drop what protect: true keeps, or a stack whose state tracks
    resources, unless nothing was applied."""
    from maxcompute_privatelink.layout import stack_file_name
    from maxcompute_privatelink.outputs.render import CLIENT_OUTPUT
    from maxcompute_privatelink.synth import flow
    from maxcompute_privatelink.synth.build import hcl_requested

    as_hcl = hcl_requested(hcl, out)
    say = typer.echo if for_cdktf_cli else _err
    with progress_line(quiet):
        result = flow.synth(
            config, out, hcl=as_hcl, full=full, warn=lambda line: say(f"warning: {line}"),
            others=(CLIENT_OUTPUT,), adopt=adopt,
            never_applied=frozenset(never_applied or ()), for_cdktf_cli=for_cdktf_cli,
        )  # fmt: skip
    file_name = stack_file_name(as_hcl)
    for name, count in result.stacks.items():
        kept = "" if name in result.rebuilt else ", unchanged"
        typer.echo(f"{out}/stacks/{name}/{file_name}: {count} resources{kept}")
    for name in result.removed:
        typer.echo(f"{out}/stacks/{name}: removed (deployment no longer in {config})")
    for note in result.notes:
        say(f"note: {note}")


@app.command(short_help="Fail with a diff when OUT or the workflow is stale.")
@_boundary()
def check(
    config: ConfigOption = Path(DEFAULT_CONFIG),
    out: OutOption = Path(DEFAULT_OUT),
    hcl: HclOption = None,
    full: FullOption = False,
    quiet: QuietOption = False,
    workflow: Annotated[
        Path | None,
        typer.Option(
            "--workflow",
            help="The workflow `mcpl ci github` wrote, checked to be what this mcpl writes "
            f"from the options it records. Default: {WORKFLOW} when it exists.",
            show_default=False,
            metavar="FILE",
        ),
    ] = None,
    require_locks: Annotated[
        bool,
        typer.Option(
            "--require-locks",
            help="Also fail when a stack has no committed .terraform.lock.hcl (`mcpl lock` "
            "writes them; CI inits with -lockfile=readonly).",
            metavar="",
        ),
    ] = False,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose",
            "-v",
            help="Also list what OUT holds that synth does not write.",
            metavar="",
        ),
    ] = False,
) -> None:
    """Fail with a diff when OUT (or the CI workflow) is not what mcpl would write now."""
    from maxcompute_privatelink.outputs.ci import stale_workflow
    from maxcompute_privatelink.synth import flow, locks
    from maxcompute_privatelink.synth.build import hcl_requested

    as_hcl = hcl_requested(hcl, out)
    with progress_line(quiet):
        result = flow.check(config, out, hcl=as_hcl, full=full, warn=_warn)
    for entry in result.left_alone if verbose else ():
        typer.echo(f"{out}/{entry}: not generated, left alone")
    if workflow is None and WORKFLOW.is_file():
        workflow = WORKFLOW
    stale = stale_workflow(workflow) if workflow is not None else None
    unlocked = locks.missing(out, list(result.stacks)) if require_locks else []
    for name in unlocked:
        _err(
            f"error: {out}/stacks/{name}/{locks.LOCK_FILE}: missing; run `mcpl lock` and commit it"
        )
    if unlocked and not result.differences and stale is None:
        raise typer.Exit(ExitCode.FINDINGS)
    if not result.differences and stale is None:
        typer.echo(f"{out}: up to date with {config} ({result.files} files)")
        return
    if result.differences:  # the cause in one line, before any diff
        fix = f"mcpl synth --config {config} --out {out}" + (" --hcl" if as_hcl else " --json")
        shown = ", ".join(result.differing[:3]) + (
            f", and {len(result.differing) - 3} more" if len(result.differing) > 3 else ""
        )
        _err(
            f"error: {out} differs from what {config} synthesizes: {shown}; run `{fix}` and "
            "commit the result"
        )
    for difference in result.differences:
        typer.echo(difference)
    if stale is not None:
        _err(f"error: {stale}")
    raise typer.Exit(ExitCode.FINDINGS)


@app.command(short_help="Write each stack's .terraform.lock.hcl, to commit.")
@_boundary()
def lock(config: ConfigOption = Path(DEFAULT_CONFIG), out: OutOption = Path(DEFAULT_OUT)) -> None:
    """Write .terraform.lock.hcl for each stack that lacks one (terraform init
    -backend=false: the provider from the registry or your CLI config's mirrors), to commit."""
    from maxcompute_privatelink.synth import locks

    names = [d.name for d in _load(config).deployments]
    for name in locks.lock(out, names):
        typer.echo(f"{out}/stacks/{name}/{locks.LOCK_FILE}: written; commit it")
    typer.echo(f"{out}: every stack has its lock file")


@app.command(short_help="A review of the stacks, and of plans, for pull requests.")
@_boundary()
def summary(
    config: ConfigOption = Path(DEFAULT_CONFIG),
    from_dir: Annotated[
        Path,
        typer.Option(
            "--from",
            help="Committed stacks; the summary says when they are not what the config "
            "synthesizes.",
            metavar="DIR",
        ),
    ] = Path(DEFAULT_OUT),
    plan: Annotated[
        list[Path] | None,
        typer.Option(
            "--plan",
            help="JSON of `terraform show -json <planfile>`: a <deployment>.json file (any "
            "name with one deployment) or a folder of them; repeatable.",
            metavar="FILE",
        ),
    ] = None,
    output_format: Annotated[
        SummaryFormat,
        typer.Option(
            "--format", help="markdown for pull requests, text for terminals, json for machines."
        ),
    ] = SummaryFormat.MARKDOWN,
    max_chars: Annotated[
        int | None,
        typer.Option(
            "--max-chars",
            min=1000,
            help="Markdown only: fit the review in this many characters (a pull-request "
            "comment takes 65536): when the whole review is longer, a digest that names "
            "every changing deployment and what cuts MaxCompute off.",
            metavar="N",
        ),
    ] = None,
    removed: Annotated[
        str | None,
        typer.Option(
            "--removed",
            help="Deployments removed from the config (a JSON list, as `mcpl ci stacks "
            "--removed` prints it), whose destroy plans are among --plan: shown first.",
            metavar="JSON",
        ),
    ] = None,
    expect: Annotated[
        str | None,
        typer.Option(
            "--expect",
            help="The deployments CI planned, as `mcpl ci stacks` prints them (a JSON "
            "list): those without a plan are named as failed plans at the top.",
            metavar="JSON",
        ),
    ] = None,
) -> None:
    """A PR-ready review: per deployment a table, a diagram, costs, flags, and the plan."""
    from maxcompute_privatelink.outputs.ci import stack_list
    from maxcompute_privatelink.outputs.comment import fitted, full_review
    from maxcompute_privatelink.outputs.summary import (
        as_json,
        looks_stale,
        summarize,
        text,
    )

    expected = stack_list("--expect", expect) if expect is not None else []
    gone = stack_list("--removed", removed) if removed is not None else []
    loaded = _load(config)
    result = summarize(loaded, plan or [], gone)
    if result.unplanned and not expect:
        _warn(
            f"--plan: no plan for {', '.join(result.unplanned)} (expected <deployment>.json "
            "of `terraform show -json`); their review shows no planned changes"
        )
    stale = looks_stale(loaded, from_dir) if from_dir.exists() else None
    if stale is not None:
        _err(f"warning: {from_dir} is not what {config} synthesizes ({stale}); run `mcpl check`")
    if output_format is SummaryFormat.MARKDOWN:
        shown = fitted(result, expected, max_chars) if max_chars else full_review(result, expected)
    else:
        shown = text(result) if output_format is SummaryFormat.TEXT else as_json(result)
    typer.echo(shown, nl=False)


ci_app = typer.Typer(help="Write CI workflows for the infra repo.", no_args_is_help=True)
app.add_typer(ci_app, name="ci")


@ci_app.command(
    "github", short_help="Write the infra repo's workflow: plan in PRs, apply on merge."
)
@_boundary()
def ci_github(
    config: ConfigOption = Path(DEFAULT_CONFIG),
    out: OutOption = Path(DEFAULT_OUT),
    hcl: Annotated[
        bool | None,
        typer.Option(
            "--hcl/--json",
            help="Whether the repo commits HCL. Default: what OUT holds now (cdk.tf or not).",
            show_default=False,
            metavar="",
        ),
    ] = None,
    install: Annotated[
        str | None,
        typer.Option(
            "--install",
            metavar="COMMAND",
            help="Shell command that installs mcpl in CI. Default: from where this mcpl "
            "came, as pip recorded it: the git commit or https URL, or this release from "
            "your package index; refused for a folder or file on this machine.",
            show_default=False,
        ),
    ] = None,
    branch: Annotated[
        str, typer.Option("--branch", help="Branch whose pushes apply.", metavar="NAME")
    ] = "main",
    environment_name: Annotated[
        str,
        typer.Option("--environment", help="GitHub environment that gates apply.", metavar="NAME"),
    ] = "privatelink",
    auth: Annotated[
        str,
        typer.Option(
            "--auth",
            help="oidc: GitHub OIDC assumes a read-only RAM role for plans and another for "
            "applies; keys: two pairs of repository secrets, one per job.",
            metavar="oidc|keys",
        ),
    ] = "oidc",
    max_parallel: Annotated[
        int, typer.Option("--max-parallel", help="Stack jobs at once, per run.", metavar="N")
    ] = 20,
    drift_schedule: Annotated[
        str,
        typer.Option(
            "--drift-schedule", help="Cron line of the run that plans every stack.", metavar="CRON"
        ),
    ] = "23 4 * * 1",
    runs_on: Annotated[
        str, typer.Option("--runs-on", help="Runner label.", metavar="LABEL")
    ] = "ubuntu-latest",
    allow_local_state: Annotated[
        bool,
        typer.Option(
            "--allow-local-state",
            help="Accept stacks with local state (a self-hosted runner whose disk keeps it).",
            metavar="",
        ),
    ] = False,
    target: Annotated[
        Path, typer.Option("--write-to", help="Where the workflow goes.", metavar="FILE")
    ] = WORKFLOW,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Overwrite --write-to even if it is not a workflow mcpl wrote.",
            metavar="",
        ),
    ] = False,
    print_policies: Annotated[
        bool,
        typer.Option(
            "--print-policies",
            help="Print the RAM policies of the plan and apply roles and of state access "
            "(for the config's backend.oss), and the roles' OIDC trust policies, as JSON; "
            "write nothing.",
            metavar="",
        ),
    ] = False,
) -> None:
    """Write .github/workflows/privatelink.yml: plan per stack on PRs, apply on main."""
    import json

    from maxcompute_privatelink.errors import CiError
    from maxcompute_privatelink.layout import holds_hcl
    from maxcompute_privatelink.outputs.ci import (
        install_command,
        installed_direct_url,
        policies,
        write_workflow,
    )

    if print_policies:  # the state's statements from backend.oss, when the config has one
        backend = _load(config).backend if config.exists() else None
        typer.echo(json.dumps(policies(backend.oss if backend else None), indent=2))
        return
    if auth not in ("oidc", "keys"):
        raise CiError(f"--auth {auth!r}: give oidc (GitHub OIDC, the default) or keys")
    loaded = _load(config)
    options = Options(
        config=config.as_posix(),
        out=out.as_posix(),
        workflow=target.as_posix(),
        hcl=holds_hcl(out) if hcl is None else hcl,
        install=install_command(installed_direct_url()) if install is None else install,
        branch=branch,
        environment=environment_name,
        auth="oidc" if auth == "oidc" else "keys",
        max_parallel=max_parallel,
        drift_schedule=drift_schedule,
        runs_on=runs_on,
        allow_local_state=allow_local_state,
    )
    written = write_workflow(loaded, options, force=force)
    typer.echo(
        f"{written}: plans per stack on pull requests, applies on {branch} "
        f"({environment_name}), {auth} credentials"
    )
    if allow_local_state:
        _err("warning: --allow-local-state: state survives only on a runner that keeps its disk")


@ci_app.command("stacks", short_help="Print the deployments the workflow's jobs run on.")
@_boundary()
def ci_stacks(
    config: ConfigOption = Path(DEFAULT_CONFIG),
    out: OutOption = Path(DEFAULT_OUT),
    changed_since: Annotated[
        str,
        typer.Option(
            "--changed-since",
            help="Only stacks whose files changed between this commit and HEAD. Default "
            "(or empty, or all zeros): every stack.",
            metavar="REV",
        ),
    ] = "",
    only_these: Annotated[
        str,
        typer.Option(
            "--only",
            help="Only these deployments (a JSON list, such as a manual run's input), "
            "whether or not their files changed; a name the config lacks is an error. "
            "Default (or empty): all of them.",
            metavar="JSON",
        ),
    ] = "",
    removed: Annotated[
        bool,
        typer.Option(
            "--removed",
            help="Instead: the deployments --changed-since's committed manifest lists and "
            "the config no longer has (the workflow destroys them from that revision).",
            metavar="",
        ),
    ] = False,
    not_since: Annotated[
        str,
        typer.Option(
            "--not-since",
            help="Leave out the stacks whose files changed between this commit and HEAD "
            "(with --changed-since at the last full apply and this at the push's parent: "
            "the stacks an earlier push failed to apply). Default (or empty, or all "
            "zeros): leave out none.",
            metavar="REV",
        ),
    ] = "",
    in_batches: Annotated[
        bool,
        typer.Option(
            "--batches",
            help="Print them in at most 256 groups (GitHub's limit of jobs in a matrix), "
            "each group the names separated by spaces: one stack a job up to 256 stacks.",
            metavar="",
        ),
    ] = False,
) -> None:
    """Print the config's deployments as a JSON list (what the workflow's jobs run on):
    names from the config alone, never from a committed file."""
    import json

    from maxcompute_privatelink.outputs.ci import batches, changed_stacks, only, removed_stacks

    deployments = _load(config).deployments
    names = [d.name for d in deployments]
    if removed:
        renamed = [d.renamed_from for d in deployments if d.renamed_from is not None]
        names = removed_stacks(out, {*names, *renamed}, changed_since)
    else:
        names = only(names, only_these) if only_these.strip() else names
        names = changed_stacks(out, names, changed_since)
        if not_since.strip("0"):
            recent = set(changed_stacks(out, names, not_since))
            names = [name for name in names if name not in recent]
    typer.echo(json.dumps(batches(names) if in_batches else names, separators=(",", ":")))


@ci_app.command("reviewed", short_help="Print which reviewed plan each stack's apply takes.")
@_boundary()
def ci_reviewed(
    batches_json: Annotated[
        str,
        typer.Option(
            "--batches",
            help="This run's batches, as `mcpl ci stacks --batches` printed them.",
            metavar="JSON",
        ),
    ],
    runs_dir: Annotated[
        Path,
        typer.Option(
            "--runs",
            help="A folder with one folder per reviewing run, named by its id, holding that "
            "run's stacks.json (its `stacks` artifact).",
            metavar="DIR",
        ),
    ],
    runs: Annotated[
        list[str] | None,
        typer.Option(
            "--run", help="A run whose reviewed plans may be applied; newest first.", metavar="ID"
        ),
    ] = None,
    retry: Annotated[
        str,
        typer.Option(
            "--retry",
            help="Stacks an earlier push failed to apply, as a JSON list: their apply may "
            "plan the reviewed stack files again. Default: none.",
            metavar="JSON",
        ),
    ] = "[]",
    removed: Annotated[
        bool,
        typer.Option(
            "--removed",
            help="Instead: --batches are removed deployments, and the plans their reviewed "
            "destroys.",
            metavar="",
        ),
    ] = False,
) -> None:
    """Print the apply job's matrix as JSON: each batch's stacks, and for each stack the
    run and artifact holding its reviewed plan (the newest run's that planned it)."""
    import json

    from maxcompute_privatelink.outputs.ci import stack_list
    from maxcompute_privatelink.outputs.reviewed import applies

    matrix = applies(
        stack_list("--batches", batches_json),
        runs_dir,
        runs or [],
        stack_list("--retry", retry),
        removed=removed,
    )
    typer.echo(json.dumps(matrix, separators=(",", ":")))


@app.command(short_help="From inside the VPC: does the private path work?")
@_boundary()
def doctor(
    config: ConfigOption = Path(DEFAULT_CONFIG),
    deployment: Annotated[
        list[str] | None,
        typer.Option(
            "--deployment", "-d", help="Check only this deployment; repeatable.", metavar="NAME"
        ),
    ] = None,
    nameserver: Annotated[
        str | None,
        typer.Option(
            "--nameserver",
            help="Ask this DNS server (a private IP[:PORT]), such as the VPC's, instead of "
            "the system resolver.",
            metavar="HOST[:PORT]",
        ),
    ] = None,
    ca_bundle: Annotated[
        Path | None,
        typer.Option(
            "--ca-bundle",
            help="Trust these CAs (PEM) for https, behind TLS inspection.",
            metavar="FILE",
        ),
    ] = None,
    timeout: Annotated[
        float,
        typer.Option(
            "--timeout",
            help="Seconds each step may take as a whole: every address, the TLS handshake, "
            "the whole answer (0.1 to 120).",
            metavar="SECONDS",
        ),
    ] = 5.0,
    tf_output: Annotated[
        list[Path] | None,
        typer.Option(
            "--tf-output",
            help="For dns: none, whose URLs are known after apply: as for render.",
            metavar="FILE",
        ),
    ] = None,
    auth: Annotated[
        bool,
        typer.Option(
            "--auth",
            help="Also make one signed, read-only request for client.project_name through "
            "PyODPS, with the credentials of ALIBABA_CLOUD_* (extra [doctor]).",
            metavar="",
        ),
    ] = False,
    output_format: FormatOption = OutputFormat.TEXT,
) -> None:
    """After apply, from a machine in the VPC: is the private path to MaxCompute working?
    Per endpoint: DNS, TCP, TLS, HTTP (and --auth). Exit 1 when a check fails."""
    import dataclasses
    import json

    from maxcompute_privatelink.outputs import doctor as checks
    from maxcompute_privatelink.outputs.render import credentials_from_environment
    from maxcompute_privatelink.outputs.stack_outputs import outputs_after_apply

    if not 0.1 <= timeout <= 120:
        raise OptionError("--timeout", f"{timeout:g} seconds; give 0.1 to 120")
    options = checks.Options(
        nameserver=checks.nameserver(nameserver) if nameserver else None,
        tls=checks.ssl_context(ca_bundle),  # an unreadable bundle cannot run: one line
        timeout=timeout,
        credentials=credentials_from_environment(os.environ, "--auth") if auth else None,
    )
    if auth and not checks.pyodps_installed():
        raise OptionError("--auth", "needs PyODPS: pip install 'maxcompute-privatelink[doctor]'")
    loaded = _load(config)
    chosen = checks.selected(loaded, deployment or [])
    names = [d.name for d in chosen]
    outputs = outputs_after_apply(tf_output, names) if tf_output else None
    found: list[checks.Check] = []
    for check in checks.diagnose(chosen, options, outputs):
        found.append(check)
        if output_format is OutputFormat.TEXT:
            for line in checks.text_lines(check):
                typer.echo(line)
    if output_format is OutputFormat.JSON:
        typer.echo(json.dumps([dataclasses.asdict(c) for c in found], indent=2, ensure_ascii=False))
    else:
        typer.echo(checks.totals(found, chosen=bool(deployment)))
    if not all(c.ok for c in found):
        raise typer.Exit(ExitCode.FINDINGS)


@app.command(short_help="Write a starter privatelink.yaml, its schema and .gitignore.")
@_boundary()
def init(
    config: Annotated[
        Path,
        typer.Option(*CONFIG_FLAGS, help="The file to create; never overwritten.", metavar="FILE"),
    ] = Path(DEFAULT_CONFIG),
    region: Annotated[
        str, typer.Option("--region", help="Region id (`mcpl regions`).", metavar="ID")
    ] = "cn-hangzhou",
    vpc_id: Annotated[
        str | None, typer.Option("--vpc-id", help="Use this existing VPC (vpc-...).", metavar="ID")
    ] = None,
    vpc_cidr: Annotated[
        str | None,
        typer.Option(
            "--vpc-cidr", help="Create a VPC with this CIDR. Default: 10.0.0.0/16.", metavar="CIDR"
        ),
    ] = None,
    name: Annotated[
        str, typer.Option("--name", help="The deployment's name (its stack's).", metavar="NAME")
    ] = "main",
) -> None:
    """Write a commented starter privatelink.yaml, and privatelink.schema.json beside it
    for editors. Refuses to overwrite either (unless the schema is mcpl's)."""
    from pydantic import TypeAdapter
    from pydantic import ValidationError as PydanticValidationError

    from maxcompute_privatelink.model.fields import Name, RegionId, VpcCidr, VpcId
    from maxcompute_privatelink.outputs.init import (
        DEFAULT_VPC_CIDR,
        extend_gitignore,
        starter,
        write_starter,
    )

    if vpc_id is not None and vpc_cidr is not None:
        raise OptionError("--vpc-id", "give --vpc-id or --vpc-cidr, not both")
    cidr = None if vpc_id is not None else (vpc_cidr or DEFAULT_VPC_CIDR)
    for option, value, kind in (
        ("--region", region, RegionId),
        ("--name", name, Name),
        ("--vpc-id", vpc_id, VpcId),
        ("--vpc-cidr", cidr, VpcCidr),
    ):
        if value is None:
            continue
        try:
            TypeAdapter(kind).validate_python(value)
        except PydanticValidationError as error:
            raise OptionError(option, str(error.errors()[0]["ctx"]["error"])) from None
    text = starter(region, vpc_id=vpc_id, vpc_cidr=cidr, name=name)
    schema_file = write_starter(config, text)
    typer.echo(f"wrote {config} and {schema_file}")
    ignore_file, ignored = extend_gitignore(config.parent)
    if ignored:
        typer.echo(f"{ignore_file}: ignores {' '.join(ignored)} (state, plans, credentials)")
    todo = []
    if vpc_id is not None:
        todo.append("the vswitch_id of each zone")
    if "ticket_approved: false" in text:
        todo.append("ticket_approved and endpoint_urls, once your ticket is approved")
    todo.append("the zone ids, to zones your VPC has")
    typer.echo(f"next: set {'; '.join(todo)}; then `mcpl validate -c {config}`")


@app.command(short_help="Print the JSON Schema of privatelink.yaml, for editors.")
def schema() -> None:
    """Print the JSON Schema of privatelink.yaml, for editors (yaml-language-server)."""
    from maxcompute_privatelink.model.config import json_schema

    typer.echo(json_schema(), nl=False)


@app.command(short_help="Write each deployment's client configs into OUT.")
@_boundary()
def render(
    config: ConfigOption = Path(DEFAULT_CONFIG),
    from_dir: Annotated[
        Path,
        typer.Option(
            "--from", help="Folder of the synthesized stacks to read outputs from.", metavar="DIR"
        ),
    ] = Path(DEFAULT_OUT),
    tf_output: Annotated[
        list[Path] | None,
        typer.Option(
            "--tf-output",
            help="JSON of `terraform output -json` after apply: a <deployment>.json file "
            "(any name with one deployment) or a folder of them; or the file of `cdktf "
            "deploy --outputs-file`, which holds the stacks deployed: deployments it lacks "
            "are not rendered, and their files stay; repeatable. Adds endpoint ids and "
            "domains.",
            metavar="FILE",
        ),
    ] = None,
    out: Annotated[
        Path, typer.Option(*OUT_FLAGS, help="Folder of the client configs.", metavar="DIR")
    ] = Path(DEFAULT_CLIENT_OUT),
    with_credentials: Annotated[
        bool,
        typer.Option(
            "--with-credentials",
            help="Write the AccessKey from ALIBABA_CLOUD_ACCESS_KEY_ID/_SECRET (and "
            "ALIBABA_CLOUD_SECURITY_TOKEN) into odps_config.ini and pyodps.env, mode 0600.",
            metavar="",
        ),
    ] = False,
) -> None:
    """Write OUT/<deployment>/{odps_config.ini, pyodps.env, jdbc.url, README.md}."""
    from maxcompute_privatelink.outputs.render import (
        CREDENTIAL_FILES,
        FILES,
        credentials_from_environment,
    )
    from maxcompute_privatelink.outputs.render import render as render_clients

    loaded = _load(config)
    credentials = credentials_from_environment(os.environ) if with_credentials else None
    from maxcompute_privatelink.synth.synthesize import SYNTH_OUTPUT

    result = render_clients(
        loaded,
        out=out,
        from_dir=from_dir,
        tf_outputs=tf_output or [],
        credentials=credentials,
        config_path=config,
        others=(SYNTH_OUTPUT,),
    )
    for name in result.deployments:
        typer.echo(f"{out}/{name}/: {', '.join(FILES)}")
    if result.missing:
        _err(
            f"note: not rendered, as --tf-output holds no outputs of them: "
            f"{', '.join(result.missing)} (their files in {out}/ stay as they were); "
            "`cdktf output '*' --outputs-file FILE` writes every stack's outputs, or give "
            "each one's `terraform output -json` file"
        )
    if result.with_credentials:
        sts = credentials is not None and credentials.security_token is not None
        holders = ("pyodps.env",) if sts else CREDENTIAL_FILES
        typer.echo(
            f"credentials written (mode 0600) to {', '.join(holders)}: keep {out}/ out of "
            "version control"
        )
        if sts:
            _err(
                "note: odps_config.ini holds no STS token (odpscmd reads one only from the "
                "environment): export the variables of pyodps.env before running odpscmd"
            )


@app.command(short_help="List the regions and their PrivateLink domains.")
def regions(output_format: FormatOption = OutputFormat.TEXT) -> None:
    """List the regions with MaxCompute PrivateLink, their access and published domains."""
    if output_format is OutputFormat.JSON:
        import json

        listed = [
            {
                "id": region.id,
                "name": region.name,
                "ticket_required": region.ticket_required,
                "maxcompute_endpoint": region.maxcompute_endpoint("https"),
                "tunnel_endpoint": region.tunnel_endpoint("https"),
                "frontend_service_name": region.frontend_service_name,
                "tunnel_service_name": region.tunnel_service_name,
            }
            for region in REGIONS.values()
        ]
        typer.echo(json.dumps(listed, indent=2, ensure_ascii=False))
        return
    # one block per region, under 100 columns: the region, then the URLs a client's
    # end_point and tunnel_endpoint take (odps_config.ini's keys)
    width = max(len(region.id) for region in REGIONS.values())
    for region in REGIONS.values():
        access = "ticket required" if region.ticket_required else "direct"
        typer.echo(f"{region.id.ljust(width)}  {region.name}: {access}")
        maxcompute, tunnel = region.maxcompute_endpoint("https"), region.tunnel_endpoint("https")
        if maxcompute is None or tunnel is None:
            typer.echo("  end_point, tunnel_endpoint: the URLs the ticket gives (endpoint_urls)")
            continue
        typer.echo(f"  end_point        {maxcompute}")
        typer.echo(f"  tunnel_endpoint  {tunnel}")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mcpl {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version.", metavar=""
        ),
    ] = False,
) -> None:
    """Private access from Alibaba Cloud VPCs to MaxCompute, as reviewed Terraform."""


@contextmanager
def _no_traceback() -> Iterator[None]:
    try:
        yield
    except KeyboardInterrupt:
        _err("interrupted")
        sys.exit(130)


def _terminated(signum: int, _frame: object) -> None:
    """SIGTERM unwinds like Ctrl-C: staging folders are removed, workers stopped."""
    raise SystemExit(128 + signum)


def main(args: list[str] | None = None, prog_name: str | None = None) -> None:
    """Run the command line ``args`` (default: ``sys.argv``) as ``prog_name``."""
    from maxcompute_privatelink.construct.emitter import settle

    signal.signal(signal.SIGTERM, _terminated)
    with _no_traceback():
        try:
            app(args=args, prog_name=prog_name)
        finally:
            settle()
