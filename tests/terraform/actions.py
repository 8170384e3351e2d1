"""Running a generated GitHub Actions workflow here, job by job, as a runner would.

Each job runs on a fresh clone of the repository at the event's commit, its ``run:``
steps as ``bash --noprofile --norc -eo pipefail`` scripts (GitHub's default shell) with
the workflow's, the job's and the step's ``env:``, ``GITHUB_WORKSPACE`` and
``GITHUB_OUTPUT``. ``${{ }}`` expressions are evaluated for the subset the workflow uses
(contexts, literals, ``== != && || !``, ``always()``, ``fromJSON()``), job ``if:``,
``needs``, outputs and ``strategy.matrix`` included. The ``uses:`` steps are played by
local stand-ins: checkout clones, the setup-* actions find their tools on PATH, the
credentials action exports what it exports (``ALICLOUD_*``, ``ALIBABA_CLOUD_*``),
artifacts are folders kept per run (``scratch/runs/<run id>/<name>``, which the ``gh``
stand-in downloads from), and github-script runs in node against a stand-in REST API
(``github_script.cjs``) that keeps comments, issues, pull requests and runs in
``scratch/github-state.json`` across runs.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

# -- GitHub's limits ------------------------------------------------------------------------

MAX_MATRIX_JOBS = 256
"""docs.github.com, "Running variations of jobs in a workflow": a matrix generates at most
256 jobs per workflow run."""
MAX_COMMENT_CHARS = 65_536
"""docs.github.com REST API, issue comments: a body over 65,536 characters is refused with
HTTP 422 "body is too long (maximum is 65536 characters)"."""
MAX_JOB_OUTPUT_BYTES = 1_000_000
"""docs.github.com, "Passing information between jobs": job outputs are at most 1 MB each
(and 50 MB per run)."""
MAX_STEP_SUMMARY_BYTES = 1024 * 1024
"""docs.github.com, "Adding a job summary": at most 1 MiB per step; a larger summary is not
uploaded and an error annotation is created."""
MAX_REST_CALLS_PER_HOUR = 1000
"""docs.github.com, "Rate limits for the REST API": the GITHUB_TOKEN of GitHub Actions may
make 1,000 requests per hour per repository (15,000 for GitHub Enterprise Cloud). The
stand-ins of the REST API (github_script.cjs, gh.sh) count every call of a runner's runs
in ``scratch/rest-calls.log`` and refuse the 1,001st with HTTP 403, as if they all came
within one hour."""


# -- expressions -----------------------------------------------------------------------------

_TOKEN = re.compile(
    r"\s*(?:(?P<string>'(?:[^']|'')*')|(?P<number>\d+(?:\.\d+)?)"
    r"|(?P<op>==|!=|&&|\|\||!|\(|\)|,)|(?P<name>[A-Za-z_][\w.*-]*))"
)


def _tokens(text: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    position = 0
    while position < len(text.rstrip()):
        match = _TOKEN.match(text, position)
        if match is None:
            raise ValueError(f"cannot read expression at {text[position:]!r}")
        kind = match.lastgroup
        assert kind is not None
        found.append((kind, match.group(kind)))
        position = match.end()
    return found


def _lookup(context: dict[str, Any], path: str) -> Any:
    value: Any = context
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _equal(left: Any, right: Any) -> bool:
    if isinstance(left, str) and isinstance(right, str):
        return left.lower() == right.lower()
    return bool(left == right)


class _Parser:
    def __init__(self, text: str, context: dict[str, Any]) -> None:
        self.tokens = _tokens(text)
        self.position = 0
        self.context = context

    def peek(self) -> str | None:
        return self.tokens[self.position][1] if self.position < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def parse(self) -> Any:
        value = self.either()
        if self.position != len(self.tokens):
            raise ValueError(f"unexpected {self.peek()!r}")
        return value

    def either(self) -> Any:
        value = self.both()
        while self.peek() == "||":
            self.take()
            other = self.both()
            value = value or other
        return value

    def both(self) -> Any:
        value = self.compare()
        while self.peek() == "&&":
            self.take()
            other = self.compare()
            value = value and other
        return value

    def compare(self) -> Any:
        value = self.unary()
        while self.peek() in ("==", "!="):
            operator = self.take()[1]
            other = self.unary()
            value = _equal(value, other) if operator == "==" else not _equal(value, other)
        return value

    def unary(self) -> Any:
        if self.peek() == "!":
            self.take()
            return not self.unary()
        return self.primary()

    def primary(self) -> Any:
        kind, text = self.take()
        if text == "(":
            value = self.either()
            assert self.take()[1] == ")"
            return value
        if kind == "string":
            return text[1:-1].replace("''", "'")
        if kind == "number":
            return float(text) if "." in text else int(text)
        if text in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[text]
        if self.peek() == "(":
            self.take()
            arguments = []
            while self.peek() != ")":
                arguments.append(self.either())
                if self.peek() == ",":
                    self.take()
            self.take()
            return self.call(text, arguments)
        return _lookup(self.context, text)

    def call(self, name: str, arguments: list[Any]) -> Any:
        status = self.context.get("job", {}).get("status", "success")
        if name == "always":
            return True
        if name == "success":
            return status == "success"
        if name == "failure":
            return status == "failure"
        if name == "fromJSON":
            return json.loads(arguments[0])
        if name == "hashFiles":  # sha256 over the matching files of the workspace, in order
            workspace = Path(self.context["github"]["workspace"])
            digest = hashlib.sha256()
            for path in sorted(workspace.glob(arguments[0])):
                digest.update(hashlib.sha256(path.read_bytes()).digest())
            return digest.hexdigest()
        raise ValueError(f"function {name} is not played here")


def evaluate(expression: str, context: dict[str, Any]) -> Any:
    return _Parser(expression, context).parse()


_TEMPLATE = re.compile(r"\$\{\{((?:(?!\}\}).)*)\}\}", re.S)


def substitute(value: Any, context: dict[str, Any]) -> Any:
    """A value of the workflow with its ``${{ }}`` evaluated (a lone expression keeps
    its type: a matrix list stays a list)."""
    if isinstance(value, dict):
        return {k: substitute(v, context) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v, context) for v in value]
    if not isinstance(value, str):
        return value
    lone = _TEMPLATE.fullmatch(value.strip())
    if lone:
        return evaluate(lone.group(1), context)

    def text(match: re.Match[str]) -> str:
        found = evaluate(match.group(1), context)
        return "" if found is None else str(found)

    return _TEMPLATE.sub(text, value)


# -- events and jobs --------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    """What triggered the run: ``name`` and the commit the jobs check out."""

    name: str
    sha: str
    ref: str = "refs/heads/main"
    before: str = ""
    base_sha: str = ""
    repository: str = "acme/infra"
    head_repository: str = "acme/infra"
    inputs: tuple[tuple[str, Any], ...] = ()
    """A manual run's inputs (``workflow_dispatch``), as pairs."""

    @property
    def pull_number(self) -> int:
        found = re.match(r"refs/pull/(\d+)/", self.ref)
        return int(found.group(1)) if found else 0

    def github(self, run_id: int = 1) -> dict[str, Any]:
        event: dict[str, Any] = {"before": self.before}
        if self.name == "pull_request":
            event["pull_request"] = {
                "base": {"sha": self.base_sha},
                "head": {"repo": {"full_name": self.head_repository}},
            }
        return {
            "event_name": self.name,
            "server_url": "https://github.com",
            "run_id": str(run_id),
            "token": "ghs_standin",
            "sha": self.sha,
            "ref": self.ref,
            "repository": self.repository,
            "workspace": "",
            "event": event,
        }


class StepFailed(Exception):
    """A ``uses:`` step failed as GitHub would fail it."""


@dataclass
class JobRun:
    """One job of one run (every matrix leg together)."""

    result: str = "skipped"
    outputs: dict[str, Any] = field(default_factory=dict)
    logs: list[str] = field(default_factory=list)
    summaries: list[str] = field(default_factory=list)
    """What the steps wrote to ``GITHUB_STEP_SUMMARY``."""


@dataclass
class Runner:
    """Plays the jobs of ``workflow`` for events on the repository ``origin``."""

    workflow: Path
    origin: Path
    scratch: Path
    environment: dict[str, str]
    """The runner's own environment (PATH with the tools, the stand-in's settings)."""
    linked_checkouts: bool = False
    """For fleets of hundreds of jobs that only add files to their checkout: check out by
    hard-linking one clone per commit instead of cloning for each job, and let the legs
    of one matrix, and the same job in every run, share a workspace, emptied of what the
    leg before added (a fresh runner's checkout, as long as no leg writes into a file it
    checked out: git and Python replace files rather than write into them). Kinder than
    GitHub in one way: a job's folder keeps its path from run to run, so `mcpl check` in
    the stacks job finds this machine's cache for a commit an earlier run checked, where
    a GitHub runner starts without it (its cost at a fleet's size: bench/ci_cost.py)."""
    _pristine: dict[str, set[str]] = field(default_factory=dict)
    _folders: dict[Path, dict[str, int]] = field(default_factory=dict)
    _checked_out: dict[Path, str] = field(default_factory=dict)

    def run(self, event: Event) -> dict[str, JobRun]:
        document = yaml.safe_load(self.workflow.read_text())
        run_id = self._started(event)
        artifacts = self.scratch / "runs" / str(run_id)
        artifacts.mkdir(parents=True)
        results: dict[str, JobRun] = {}
        for job_id, job in document["jobs"].items():  # written in dependency order
            needs = job.get("needs", [])
            needs = [needs] if isinstance(needs, str) else needs
            context = {
                "github": event.github(run_id),
                "runner": {"os": "Linux"},
                "inputs": dict(event.inputs),
                "needs": {
                    n: {"result": results[n].result, "outputs": results[n].outputs} for n in needs
                },
                "secrets": {},
            }
            condition = job.get("if")
            needs_succeeded = all(results[n].result == "success" for n in needs)
            # GitHub adds success() to a condition that calls no status function
            implicit = not condition or not re.search(
                r"\b(always|success|failure|cancelled)\(", condition
            )
            wanted = (not implicit or needs_succeeded) and (
                bool(evaluate(condition, context)) if condition else True
            )
            if not wanted:
                results[job_id] = JobRun("skipped")
                continue
            matrix = substitute(job.get("strategy", {}).get("matrix", {}), context)
            [(key, values)] = matrix.items() if matrix else [("", [None])]
            legs = [{key: value} for value in values] if matrix else [{}]
            if len(legs) > MAX_MATRIX_JOBS:  # GitHub fails the run before any job starts
                results[job_id] = JobRun("failure", logs=[
                    f"Error: the matrix of {job_id} has {len(legs)} jobs; at most "
                    f"{MAX_MATRIX_JOBS} are allowed"])  # fmt: skip
                continue
            run = JobRun("success")
            shared = self._workspace(job_id) if self.linked_checkouts else None
            for index, leg in enumerate(legs):
                leg_context = {**context, "matrix": leg, "strategy": {"job-index": index}}
                workspace = shared or self._workspace()
                if not self._job(document, job, leg_context, event, artifacts, run, workspace):
                    run.result = "failure"
            results[job_id] = run
        failed = any(run.result == "failure" for run in results.values())
        self._finished(run_id, "failure" if failed else "success")
        return results

    # -- what the REST API knows of runs and pull requests (github_script.cjs reads it) --

    def _save(self, state: dict[str, Any]) -> None:
        (self.scratch / "github-state.json").write_text(json.dumps(state, indent=1))

    def _started(self, event: Event) -> int:
        """Records the run (in progress) and what GitHub knows with it: a pull request's
        head, or, for a push to a branch, which pull requests it merged (their heads are
        in the pushed history, as after a fast-forward or merge commit)."""
        state = self.github_state
        run_id = int(state.get("next_run", 100))
        state["next_run"] = run_id + 1
        pulls = state.setdefault("pulls", [])
        if event.name == "pull_request" and event.pull_number:
            known = [p for p in pulls if p["number"] == event.pull_number]
            pull = known[0] if known else {"number": event.pull_number, "merged_at": None}
            if not known:
                pulls.append(pull)
            pull.update(head={"sha": event.sha, "repo": {"full_name": event.head_repository}},
                        base={"ref": "main"})  # fmt: skip
        if event.name == "push":
            branch = event.ref.removeprefix("refs/heads/")
            for pull in pulls:
                merged = subprocess.run(
                    ["git", "-C", str(self.origin), "merge-base", "--is-ancestor",
                     pull["head"]["sha"], event.sha], capture_output=True, check=False,
                )  # fmt: skip
                if (
                    pull["merged_at"] is None
                    and pull["base"]["ref"] == branch
                    and (merged.returncode == 0)
                ):
                    pull.update(merged_at="2026-12-02T00:00:00Z", merge_commit_sha=event.sha)
        state.setdefault("runs", []).append({
            "id": run_id, "event": event.name, "head_sha": event.sha,
            "head_branch": event.ref.removeprefix("refs/heads/") if event.name != "pull_request"
            else f"pr-{event.pull_number}",
            "path": f".github/workflows/{self.workflow.name}",
            "status": "in_progress", "conclusion": None,
        })  # fmt: skip
        self._save(state)
        return run_id

    def _finished(self, run_id: int, conclusion: str) -> None:
        state = self.github_state
        for run in state["runs"]:
            if run["id"] == run_id:
                run.update(status="completed", conclusion=conclusion)
        self._save(state)

    def _job(
        self,
        document: dict[str, Any],
        job: dict[str, Any],
        context: dict[str, Any],
        event: Event,
        artifacts: Path,
        run: JobRun,
        workspace: Path,
    ) -> bool:
        context["github"]["workspace"] = str(workspace)
        env = dict(self.environment)
        env["MCPL_TEST_RUNS"] = str(self.scratch / "runs")  # where the gh stand-in downloads
        env.update(_strings(substitute(document.get("env", {}), context)))
        env.update(_strings(substitute(job.get("env", {}), context)))
        context["env"] = env
        steps: dict[str, Any] = {}
        context["steps"] = steps
        ok = True
        for step in job["steps"]:
            context["job"] = {"status": "success" if ok else "failure"}
            if not (bool(evaluate(step["if"], context)) if "if" in step else ok):
                continue
            step_env = {**env, **_strings(substitute(step.get("env", {}), context))}
            outputs = workspace.parent / f"{workspace.name}.outputs"
            outputs.write_text("")
            if "uses" in step:
                step_env["GITHUB_OUTPUT"] = str(outputs)
                try:
                    self._action(step, substitute(step.get("with", {}), context), workspace,
                                 event, artifacts, env, step_env)  # fmt: skip
                except StepFailed as failed:
                    run.logs.append(f"$ {step['uses']}\n{failed}")
                    ok = False
                    continue
                if "id" in step:
                    steps[step["id"]] = {"outputs": _outputs(outputs)}
                continue
            summary = workspace.parent / f"{workspace.name}.summary"
            summary.write_text("")
            step_env.update(GITHUB_WORKSPACE=str(workspace), GITHUB_OUTPUT=str(outputs),
                            GITHUB_STEP_SUMMARY=str(summary))  # fmt: skip
            script = substitute(step["run"], context)
            done = subprocess.run(
                ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
                cwd=workspace,
                env=step_env,
                capture_output=True,
                text=True,
                check=False,
            )
            run.logs.append(f"$ {step.get('name', script)}\n{done.stdout}{done.stderr}")
            if done.returncode != 0:
                ok = False
                continue
            if summary.stat().st_size > MAX_STEP_SUMMARY_BYTES:
                run.logs.append(f"Error: the step summary has {summary.stat().st_size} bytes")
                ok = False  # an error annotation on GitHub; a failure here
                continue
            run.summaries.append(summary.read_text())
            if "id" in step:
                steps[step["id"]] = {"outputs": _outputs(outputs)}
        if not ok:
            return False
        outputs = substitute(job.get("outputs", {}), context)
        for name, value in outputs.items():
            if len(str(value).encode()) > MAX_JOB_OUTPUT_BYTES:
                run.logs.append(f"Error: job output {name} is over {MAX_JOB_OUTPUT_BYTES} bytes")
                return False
        run.outputs.update(outputs)
        return True

    @property
    def github_state(self) -> dict[str, Any]:
        """The comments and issues the workflow's scripts wrote, across runs."""
        path = self.scratch / "github-state.json"
        found: dict[str, Any] = (
            json.loads(path.read_text()) if path.exists() else {"comments": [], "issues": []}
        )
        return found

    @property
    def rest_calls(self) -> list[str]:
        """The REST API calls the runs made (method and path), oldest first."""
        path = self.scratch / "rest-calls.log"
        return path.read_text().splitlines() if path.exists() else []

    @property
    def runs(self) -> list[dict[str, Any]]:
        """The runs as the REST API lists them, oldest first."""
        return list(self.github_state.get("runs", []))

    @property
    def comments(self) -> list[str]:
        """The bodies of the comments on pull requests, oldest first."""
        return [comment["body"] for comment in self.github_state["comments"]]

    @property
    def issues(self) -> list[dict[str, Any]]:
        return list(self.github_state["issues"])

    def _script(self, script: str, workspace: Path, event: Event, env: dict[str, str]) -> None:
        source = workspace.parent / f"{workspace.name}.script.js"
        source.write_text(script)
        number = re.match(r"refs/pull/(\d+)/", event.ref)
        done = subprocess.run(
            [shutil.which("node") or "node", str(GITHUB_SCRIPT),
             str(self.scratch / "github-state.json"), str(source),
             number.group(1) if number else "0"],
            cwd=workspace, env={**env, "GITHUB_SHA": event.sha}, capture_output=True,
            text=True, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise StepFailed(done.stdout + done.stderr)

    def _action(
        self,
        step: dict[str, Any],
        inputs: dict[str, Any],
        workspace: Path,
        event: Event,
        artifacts: Path,
        env: dict[str, str],
        step_env: dict[str, str],
    ) -> None:
        action = step["uses"].split("@")[0]
        if action == "actions/checkout":
            if self.linked_checkouts:
                self._linked_checkout(workspace, event.sha)
            else:
                self._clone(workspace, event.sha)
        elif action == "aliyun/configure-aliyun-credentials-action":
            # what v1.0.7's index.js exports after AssumeRoleWithOIDC
            for prefix in ("ALIBABA_CLOUD_", "ALIBABACLOUD_"):
                env.update(
                    {f"{prefix}ACCESS_KEY_ID": "STS.standin", f"{prefix}SECURITY_TOKEN": "t"}
                )
                env[f"{prefix}ACCESS_KEY_SECRET"] = "standin-secret"
            env.update(ALICLOUD_ACCESS_KEY="STS.standin", ALICLOUD_SECRET_KEY="standin-secret",
                       ALICLOUD_SECURITY_TOKEN="t")  # fmt: skip
        elif action == "actions/upload-artifact":
            found = sorted(f for f in workspace.glob(inputs["path"]) if f.is_file())
            if not found and inputs.get("if-no-files-found") != "ignore":
                raise StepFailed(f"No files were found with the provided path: {inputs['path']}")
            if not found:  # no artifact at all, as the action does
                return
            target = artifacts / inputs["name"]
            if target.exists():  # upload-artifact v4+: an artifact's name is unique per run
                raise StepFailed(f"Failed to CreateArtifact: an artifact named {target.name} "
                                 "already exists in this run (409 Conflict)")  # fmt: skip
            target.mkdir(parents=True)
            for item in found:
                shutil.copy(item, target)
            # what the REST API serves (gh.sh): the zip, under an id of the repository's
            shutil.make_archive(str(target), "zip", target)
            index = self.scratch / "runs" / "artifacts.tsv"
            number = 1 + (len(index.read_text().splitlines()) if index.exists() else 0)
            with index.open("a") as lines:
                lines.write(f"{number}\t{artifacts.name}\t{target.name}\n")
        elif action == "actions/download-artifact":
            target = workspace / inputs["path"]
            target.mkdir(parents=True, exist_ok=True)
            prefix = inputs["pattern"].rstrip("*")
            for folder in sorted(f for f in artifacts.glob(f"{prefix}*") if f.is_dir()):
                for item in folder.iterdir():
                    shutil.copy(item, target)
        elif action == "actions/github-script":
            self._script(inputs["script"], workspace, event, step_env)
        elif action not in (
            "actions/cache",  # a cache, not a part of the result: nothing to play
            "actions/setup-python",
            "actions/setup-node",
            "hashicorp/setup-terraform",
        ):
            raise AssertionError(f"no stand-in for {action}")

    def _workspace(self, job_id: str | None = None) -> Path:
        """A fresh folder; with linked checkouts, one per job id that every run reuses,
        emptied of what the job before added (``_linked_checkout``)."""
        if job_id is None:
            return Path(tempfile.mkdtemp(prefix="runner-", dir=self.scratch))
        folder = self.scratch / "workspaces" / job_id
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def _linked_checkout(self, workspace: Path, sha: str) -> None:
        cached = self.scratch / "checkouts" / sha
        if sha not in self._pristine:
            self._clone(cached, sha)
            self._pristine[sha] = {
                str((Path(top) / name).relative_to(cached))
                for top, dirs, files in os.walk(cached)
                for name in dirs + files
            }
        if (workspace / ".git").exists() and self._checked_out.get(workspace) != sha:
            shutil.rmtree(workspace)  # another commit's checkout: start over
            workspace.mkdir()
        self._checked_out[workspace] = sha
        if not (workspace / ".git").exists():
            workspace.rmdir()
            subprocess.run(["cp", "-al", str(cached), str(workspace)], check=True)
            self._folders[workspace] = {
                top: Path(top).stat().st_mtime_ns for top, _, _ in os.walk(workspace)
            }
            return
        # a leg before this one used the workspace: take out what it added, from each
        # folder whose entries changed (its mtime did)
        pristine, folders = self._pristine[sha], self._folders[workspace]
        for folder, mtime in folders.items():
            if Path(folder).stat().st_mtime_ns == mtime:
                continue
            with os.scandir(folder) as entries:
                for entry in entries:
                    if str(Path(entry.path).relative_to(workspace)) in pristine:
                        continue
                    if entry.is_dir(follow_symlinks=False):
                        shutil.rmtree(entry.path)
                    else:
                        Path(entry.path).unlink()
            folders[folder] = Path(folder).stat().st_mtime_ns

    def _clone(self, target: Path, sha: str) -> None:
        subprocess.run(["git", "clone", "-q", str(self.origin), str(target)], check=True)
        subprocess.run(["git", "-C", str(target), "checkout", "-q", sha], check=True)


GITHUB_SCRIPT = Path(__file__).resolve().parent / "github_script.cjs"
GH = Path(__file__).resolve().parent / "gh.sh"
"""The ``gh`` for a runner's PATH: a stand-in of `gh run download` from the runs' artifacts."""
"""Runs a github-script ``script:`` against a stand-in REST API that keeps comments and
issues in a file, refusing a body over MAX_COMMENT_CHARS as GitHub does."""


def _outputs(path: Path) -> dict[str, str]:
    """What a step wrote to ``GITHUB_OUTPUT`` (``name=value`` lines)."""
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return dict(pairs)


def _strings(env: dict[str, object]) -> dict[str, str]:
    """Environment values as a runner sets them: missing values are empty strings."""
    return {
        key: "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
        for key, value in env.items()
    }


def runner_path(*folders: Path) -> str:
    return os.pathsep.join([*(str(f) for f in folders), os.environ.get("PATH", "")])
