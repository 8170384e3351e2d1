"""What synth, render, check and ci promise about the user's files and cloud: they
write only what they own, keep every other file, and never orphan live state."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from conftest import LIVE_STATE, ROOT, everything, runner, tree, write_config
from maxcompute_privatelink.cli import app

FRONTEND = "alicloud_privatelink_vpc_endpoint.maxcompute_frontend"
ZONE_F = "alicloud_privatelink_vpc_endpoint_zone.maxcompute_frontend_cn_shenzhen_f"


def mcpl(*args: str | Path) -> Result:
    return runner.invoke(app, [str(a) for a in args])


def synth(config: Path, out: Path, *flags: str) -> Result:
    result = mcpl("synth", "-c", config, "-o", out, *flags)
    assert result.exit_code == 0, result.output
    return result


def refused(result: Result, *fragments: str) -> None:
    """Exit 2, one line per problem, each starting with error:, no traceback."""
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


# -- 1. ownership ---------------------------------------------------------------------------------


def test_fails_when_out_is_the_folder_holding_the_config(
    tmp_path: Path, deployment: dict[str, Any]
) -> None:
    # given: a repo folder with the config, state and a .git
    config = write_config(tmp_path, [deployment])
    (tmp_path / ".git").mkdir()
    (tmp_path / "terraform.prod-shenzhen.tfstate").write_text("{}")
    before = everything(tmp_path)
    # when
    result = mcpl("synth", "-c", config, "-o", tmp_path)
    # then
    refused(result, f"error: {tmp_path}: --out holds the config {config}")
    assert len(result.stderr.splitlines()) == 1
    assert everything(tmp_path) == before


def test_fails_when_out_is_another_repo(tmp_path: Path, deployment: dict[str, Any]) -> None:
    # given: another infra repo with a stacks/ folder of its own
    config = write_config(tmp_path, [deployment])
    infra = tmp_path / "infra"
    (infra / "stacks" / "network").mkdir(parents=True)
    (infra / "stacks" / "network" / "main.tf").write_text("# theirs\n")
    before = everything(infra)
    # when
    result = mcpl("synth", "-c", config, "-o", infra)
    # then
    refused(result, f"error: {infra}: holds files mcpl did not write (no manifest.json")
    assert everything(infra) == before


@pytest.mark.parametrize("out", [".", ".."])
def test_fails_when_out_is_the_current_folder_or_above(
    tmp_path: Path, deployment: dict[str, Any], monkeypatch: pytest.MonkeyPatch, out: str
) -> None:
    # given
    work, conf = tmp_path / "w" / "here", tmp_path / "conf"
    work.mkdir(parents=True)
    conf.mkdir()
    config = write_config(conf, [deployment])
    monkeypatch.chdir(work)
    before = everything(tmp_path)
    # when
    result = mcpl("synth", "-c", config, "-o", out)
    # then
    refused(result, "is the current folder or one above it")
    assert everything(tmp_path) == before


def test_fails_when_render_writes_into_the_synth_output_and_the_reverse(
    tmp_path: Path, deployment: dict[str, Any]
) -> None:
    # given
    deployment["client"] = {"project_name": "proj1"}
    config = write_config(tmp_path, [deployment])
    out, client = tmp_path / "cdktf.out", tmp_path / "client"
    synth(config, out)
    assert mcpl("render", "-c", config, "--from", out, "-o", client).exit_code == 0
    before = everything(tmp_path)
    # when
    into_synth = mcpl("render", "-c", config, "--from", out, "-o", out)
    into_render = mcpl("synth", "-c", config, "-o", client)
    # then
    refused(into_synth, f"{out}: is the output of `mcpl synth`; give `mcpl render` a folder")
    refused(into_render, f"{client}: is the output of `mcpl render`; give `mcpl synth` a folder")
    assert everything(tmp_path) == before


def test_ci_refuses_to_overwrite_the_config_or_a_file_it_did_not_write(
    tmp_path: Path, deployment: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: a repo (the current folder) whose config keeps local state (allowed below)
    monkeypatch.chdir(tmp_path)
    write_config(tmp_path, [deployment])
    Path("deploy.yml").write_text("name: deploy\n")
    before = everything(tmp_path)
    ci = ("ci", "github", "-c", "c.yaml", "--allow-local-state", "--write-to")
    # when
    over_config = mcpl(*ci, "c.yaml")
    forced_config = mcpl(*ci, "c.yaml", "--force")
    over_theirs = mcpl(*ci, "deploy.yml")
    # then
    refused(over_config, "--write-to c.yaml is the config file")
    refused(forced_config, "--write-to c.yaml is the config file")
    refused(over_theirs, "exists and is not a workflow mcpl wrote", "pass --force")
    assert everything(tmp_path) == before


def test_ci_replaces_its_own_workflow_and_a_forced_file(
    tmp_path: Path, deployment: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given
    monkeypatch.chdir(tmp_path)
    write_config(tmp_path, [deployment])
    ours, theirs = tmp_path / "ours.yml", tmp_path / "theirs.yml"
    theirs.write_text("name: deploy\n")
    ci = ("ci", "github", "-c", "c.yaml", "--allow-local-state", "--write-to")
    assert mcpl(*ci, "ours.yml").exit_code == 0
    # when
    again = mcpl(*ci, "ours.yml", "--branch", "prod")
    forced = mcpl(*ci, "theirs.yml", "--force")
    # then
    assert again.exit_code == forced.exit_code == 0
    assert "prod" in ours.read_text()
    assert theirs.read_text().startswith("# Generated by `mcpl ci github`")


# -- 2. only the files synth generates ------------------------------------------------------------


def test_resynth_keeps_every_user_file_in_a_stack_folder_and_check_leaves_them_alone(
    tmp_path: Path, deployment: dict[str, Any]
) -> None:
    # given: a stack folder where the user ran Terraform and added files of their own
    config = write_config(tmp_path, [deployment])
    out = tmp_path / "cdktf.out"
    synth(config, out)
    stack = out / "stacks" / "prod-shenzhen"
    users = {
        "override.tf": b"# mine\n",
        "terraform.tfvars": b"x = 1\n",
        "terraform.tfstate": json.dumps(LIVE_STATE).encode(),
        "tfplan": b"\x00plan",
        ".terraform.lock.hcl": b"# lock\n",
        ".terraform/providers/p": b"plugin",
    }
    for name, content in users.items():
        (stack / name).parent.mkdir(parents=True, exist_ok=True)
        (stack / name).write_bytes(content)
    (stack / "link").symlink_to("/etc/hostname")
    (out / "NOTES.md").write_text("user notes\n")
    # when: a change of config, synthesized again
    write_config(tmp_path, [dict(deployment, tags={"team": "other"})])
    synth(config, out)
    checked = mcpl("check", "-c", config, "-o", out, "--verbose")
    # then: every user file is there, byte for byte; the stack file changed
    for name, content in users.items():
        assert (stack / name).read_bytes() == content, name
    assert str((stack / "link").readlink()) == "/etc/hostname"
    assert (out / "NOTES.md").read_text() == "user notes\n"
    assert b'"team": "other"' in (stack / "cdk.tf.json").read_bytes()
    assert checked.exit_code == 0, checked.output
    left_alone = [line for line in checked.stdout.splitlines() if "left alone" in line]
    assert left_alone == [
        f"{out}/NOTES.md: not generated, left alone",
        f"{out}/stacks/prod-shenzhen/.terraform.lock.hcl: not generated, left alone",
        f"{out}/stacks/prod-shenzhen/.terraform/: not generated, left alone",
        f"{out}/stacks/prod-shenzhen/link: not generated, left alone",
        f"{out}/stacks/prod-shenzhen/override.tf: not generated, left alone",
        f"{out}/stacks/prod-shenzhen/terraform.tfstate: not generated, left alone",
        f"{out}/stacks/prod-shenzhen/terraform.tfvars: not generated, left alone",
        f"{out}/stacks/prod-shenzhen/tfplan: not generated, left alone",
    ]


def test_switching_to_hcl_replaces_the_json_stack_file(
    tmp_path: Path, deployment: dict[str, Any]
) -> None:
    config = write_config(tmp_path, [deployment])
    out = tmp_path / "cdktf.out"
    synth(config, out)
    synth(config, out, "--hcl")
    assert sorted(p.name for p in (out / "stacks" / "prod-shenzhen").iterdir()) == [
        "cdk.tf",
        "metadata.json",
    ]


# -- 3. never orphan live state -------------------------------------------------------------------


def two_deployments(tmp_path: Path, deployment: dict[str, Any], **gone: Any) -> tuple[Path, Path]:
    config = write_config(tmp_path, [deployment, dict(deployment, name="gone", **gone)])
    out = tmp_path / "cdktf.out"
    synth(config, out)
    write_config(tmp_path, [deployment])
    return config, out


def test_fails_when_a_removed_deployment_is_still_protected(
    tmp_path: Path, deployment: dict[str, Any]
) -> None:
    # given: applied (its local state tracks an endpoint)
    config, out = two_deployments(tmp_path, deployment)
    state = tmp_path / "terraform.gone.tfstate"
    state.write_text(json.dumps(LIVE_STATE))
    before = everything(tmp_path)
    # when
    result = mcpl("synth", "-c", config, "-o", out)
    # then: one line, and it does not advise applying
    refused(
        result,
        f"error: deployment 'gone' left the config, but {out}/stacks/gone protects 6 "
        f"resources, {FRONTEND} among them (protect: true), and its state ({state}) tracks "
        "resources: put the deployment back with protect: false and synth, then follow the "
        "decommission recipe (docs/synth.md); or, if it was renamed, add renamed_from: gone "
        "to the renamed entry\n",
    )
    assert result.stderr.count("error:") == 1
    assert "apply" not in result.stderr
    assert everything(tmp_path) == before


def test_fails_when_a_removed_deployments_state_still_tracks_resources(
    tmp_path: Path, deployment: dict[str, Any]
) -> None:
    # given: protect was turned off, but nothing was destroyed
    config, out = two_deployments(tmp_path, deployment, protect=False)
    state = tmp_path / "terraform.gone.tfstate"
    state.write_text(json.dumps(LIVE_STATE))
    before = everything(tmp_path)
    # when
    result = mcpl("synth", "-c", config, "-o", out)
    # then
    refused(
        result,
        f"error: deployment 'gone' left the config, but its state {state} still tracks 1 "
        'resource(s); destroy them first (docs/synth.md, "Removing a deployment")',
    )
    assert everything(tmp_path) == before


def test_fails_when_a_removed_stack_folder_holds_user_files(
    tmp_path: Path, deployment: dict[str, Any]
) -> None:
    config, out = two_deployments(tmp_path, deployment, protect=False)
    (out / "stacks" / "gone" / "terraform.tfvars").write_text("x = 1\n")
    before = everything(tmp_path)
    result = mcpl("synth", "-c", config, "-o", out)
    refused(
        result,
        f"{out}/stacks/gone: deployment 'gone' left the config, but its folder holds files "
        "mcpl did not write (terraform.tfvars)",
    )
    assert everything(tmp_path) == before


def test_removes_a_destroyed_deployment_with_terraforms_cache(
    tmp_path: Path, deployment: dict[str, Any]
) -> None:
    # given: the decommission recipe was followed: protect false, destroyed (empty state)
    config, out = two_deployments(tmp_path, deployment, protect=False)
    (tmp_path / "terraform.gone.tfstate").write_text(json.dumps({"version": 4, "resources": []}))
    (out / "stacks" / "gone" / ".terraform").mkdir()
    (out / "stacks" / "gone" / ".terraform.lock.hcl").write_text("# lock\n")
    # when
    result = synth(config, out)
    # then
    assert f"{out}/stacks/gone: removed (deployment no longer in {config})" in result.stdout
    assert not (out / "stacks" / "gone").exists()
    assert (tmp_path / "terraform.gone.tfstate").exists(), "state is never deleted"


def test_renamed_from_moves_the_state_and_the_users_files(
    tmp_path: Path, deployment: dict[str, Any]
) -> None:
    # given: an applied deployment with local state and a tfvars file
    config = write_config(tmp_path, [deployment])
    out = tmp_path / "cdktf.out"
    synth(config, out)
    old_state = tmp_path / "terraform.prod-shenzhen.tfstate"
    old_state.write_text(json.dumps(LIVE_STATE))
    (out / "stacks" / "prod-shenzhen" / "terraform.tfvars").write_text("x = 1\n")
    (out / "stacks" / "prod-shenzhen" / ".terraform").mkdir()
    # when: it is renamed
    renamed = dict(deployment, name="prod-sz", renamed_from="prod-shenzhen")
    write_config(tmp_path, [renamed])
    result = synth(config, out)
    # then: the state moved with the stack, the stack is what a fresh synth writes
    assert not old_state.exists()
    assert json.loads((tmp_path / "terraform.prod-sz.tfstate").read_text()) == LIVE_STATE
    assert sorted(p.name for p in (out / "stacks").iterdir()) == ["prod-sz"]
    stack = out / "stacks" / "prod-sz"
    assert (stack / "terraform.tfvars").read_text() == "x = 1\n"
    assert not (stack / ".terraform").exists(), "the backend changed: init makes it again"
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    synth(write_config(fresh, [dict(deployment, name="prod-sz")]), fresh / "cdktf.out")
    mine, theirs = tree(out), tree(fresh / "cdktf.out")
    assert mine["stacks/prod-sz/cdk.tf.json"] == theirs["stacks/prod-sz/cdk.tf.json"]
    assert mine["manifest.json"] == theirs["manifest.json"]
    assert "note: stacks/prod-shenzhen -> stacks/prod-sz: renamed; state" in result.stderr
    # and a second synth changes nothing
    assert mcpl("check", "-c", config, "-o", out).exit_code == 0


def test_fails_when_a_rename_finds_both_state_files(
    tmp_path: Path, deployment: dict[str, Any]
) -> None:
    config = write_config(tmp_path, [deployment])
    out = tmp_path / "cdktf.out"
    synth(config, out)
    (tmp_path / "terraform.prod-shenzhen.tfstate").write_text(json.dumps(LIVE_STATE))
    (tmp_path / "terraform.prod-sz.tfstate").write_text(json.dumps(LIVE_STATE))
    write_config(tmp_path, [dict(deployment, name="prod-sz", renamed_from="prod-shenzhen")])
    before = everything(tmp_path)
    result = mcpl("synth", "-c", config, "-o", out)
    refused(result, "deployment 'prod-sz' (renamed_from: prod-shenzhen): both")
    assert everything(tmp_path) == before


def test_a_rename_with_remote_state_says_how_to_move_it(
    tmp_path: Path, deployment: dict[str, Any]
) -> None:
    backend = "backend:\n  oss: {bucket: acme-state, region: cn-hangzhou}\n"
    config = write_config(tmp_path, [deployment])
    config.write_text(config.read_text() + backend)
    out = tmp_path / "cdktf.out"
    synth(config, out)
    config = write_config(
        tmp_path, [dict(deployment, name="prod-sz", renamed_from="prod-shenzhen")]
    )
    config.write_text(config.read_text() + backend)
    result = synth(config, out)
    assert (
        "ossutil cp oss://acme-state/maxcompute-privatelink/prod-shenzhen/terraform.tfstate "
        "oss://acme-state/maxcompute-privatelink/prod-sz/terraform.tfstate"
    ) in result.stderr


# -- 4. protect means protect ---------------------------------------------------------------------


@pytest.mark.parametrize("flags", [[], ["--hcl"]], ids=["json", "hcl"])
@pytest.mark.parametrize("change", ["drop_zone", "change_zone_id"])
def test_fails_when_a_protected_zone_binding_would_be_dropped(
    tmp_path: Path, deployment: dict[str, Any], flags: list[str], change: str
) -> None:
    # given: applied (its local state tracks an endpoint)
    config = write_config(tmp_path, [deployment])
    out = tmp_path / "cdktf.out"
    synth(config, out, *flags)
    state = tmp_path / "terraform.prod-shenzhen.tfstate"
    state.write_text(json.dumps(LIVE_STATE))
    zones = deployment["zones"]
    changed = (
        [zones[0]] if change == "drop_zone" else [zones[0], dict(zones[1], zone_id="cn-shenzhen-d")]
    )
    write_config(tmp_path, [dict(deployment, zones=changed)])
    before = everything(tmp_path)
    # when
    result = mcpl("synth", "-c", config, "-o", out, *flags)
    # then
    refused(
        result,
        f"error: deployment 'prod-shenzhen': synth would drop {ZONE_F}, "
        f"{ZONE_F.replace('frontend', 'tunnel')}, which protect: true keeps from being "
        f"destroyed, and its state ({state}) tracks resources: if the change is meant, set "
        "protect: false for 'prod-shenzhen' and synth, then make this change and synth again "
        "(its plan shows what is destroyed)\n",
    )
    assert "apply" not in result.stderr
    assert everything(tmp_path) == before


def test_a_zone_can_go_once_protect_is_off_in_the_previous_output(
    tmp_path: Path, deployment: dict[str, Any]
) -> None:
    config = write_config(tmp_path, [deployment])
    out = tmp_path / "cdktf.out"
    synth(config, out)
    (tmp_path / "terraform.prod-shenzhen.tfstate").write_text(json.dumps(LIVE_STATE))
    write_config(tmp_path, [dict(deployment, protect=False)])
    synth(config, out)  # the bindings lose prevent_destroy: nothing to apply for that
    write_config(tmp_path, [dict(deployment, protect=False, zones=deployment["zones"][:1])])
    synth(config, out)
    stack = json.loads((out / "stacks/prod-shenzhen/cdk.tf.json").read_text())
    assert ZONE_F.split(".")[1] not in stack["resource"]["alicloud_privatelink_vpc_endpoint_zone"]


# -- 5. interruptions -----------------------------------------------------------------------------


def test_gitignore_covers_every_name_mcpl_uses_beside_its_outputs(tmp_path: Path) -> None:
    # given: a git repo with the shipped .gitignore
    shutil.copy(ROOT / ".gitignore", tmp_path / ".gitignore")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    names = [
        ".cdktf.out.mcpl-staging-a1b2",
        ".cdktf.out.mcpl-old-a1b2/cdktf.out/manifest.json",
        ".client.mcpl-staging-x/prod/odps_config.ini",
        ".privatelink.yml.mcpl-abc",
        "client/prod/odps_config.ini",
        "terraform.prod.tfstate",
        "terraform.prod.tfstate.backup",
    ]
    # when
    result = subprocess.run(
        ["git", "-C", str(tmp_path), "check-ignore", "--no-index", *names],
        capture_output=True,
        text=True,
        check=False,
    )
    # then
    assert result.stdout.splitlines() == names


def test_credentials_are_written_only_where_git_ignores_them(
    tmp_path: Path, deployment: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given
    from maxcompute_privatelink.outputs import render

    deployment["client"] = {"project_name": "proj1"}
    config = write_config(tmp_path, [deployment])
    out, client = tmp_path / "cdktf.out", tmp_path / "client"
    synth(config, out)
    real_write, ignored_when_written = render._write, []

    def record(path: Path, text: str, *, mode: int | None) -> None:
        if mode is not None:  # a credential file: its output root ignores everything
            ignore = path.parent.parent / ".gitignore"
            ignored_when_written.append(ignore.read_text().splitlines()[-1] == "*")
        real_write(path, text, mode=mode)

    monkeypatch.setattr(render, "_write", record)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI5tTestKey000001")
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "TestSecret0000000000000001")
    # when
    result = mcpl("render", "-c", config, "--from", out, "-o", client, "--with-credentials")
    # then
    assert result.exit_code == 0, result.output
    assert ignored_when_written == [True, True]
    assert (client / ".gitignore").read_text().endswith("\n*\n")
    assert (client / "prod-shenzhen" / "pyodps.env").stat().st_mode & 0o777 == 0o600


def test_fails_with_one_line_when_mcpl_synth_workers_is_not_a_number(
    tmp_path: Path, deployment: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_config(tmp_path, [deployment])
    monkeypatch.setenv("MCPL_SYNTH_WORKERS", "abc")
    result = mcpl("synth", "-c", config, "-o", tmp_path / "cdktf.out")
    refused(result, "error: MCPL_SYNTH_WORKERS='abc': expected a whole number of processes")
    assert len(result.stderr.splitlines()) == 1
    assert not (tmp_path / "cdktf.out").exists()


# -- 6. paths and symlinks ------------------------------------------------------------------------


def test_synth_writes_through_a_symlinked_out_and_state_lands_beside_the_config(
    tmp_path: Path, deployment: dict[str, Any]
) -> None:
    # given: the repo's cdktf.out is a link to a folder elsewhere, at another depth
    repo, elsewhere = tmp_path / "repo", tmp_path / "disk" / "a" / "b" / "out"
    repo.mkdir()
    elsewhere.mkdir(parents=True)
    (repo / "cdktf.out").symlink_to(elsewhere)
    config = write_config(repo, [deployment])
    # when
    synth(config, repo / "cdktf.out")
    # then: the link stays, and the state path, resolved from the physical stack folder
    # as Terraform resolves it, is the file beside the config
    assert (repo / "cdktf.out").is_symlink()
    stack = json.loads((elsewhere / "stacks/prod-shenzhen/cdk.tf.json").read_text())
    path = stack["terraform"]["backend"]["local"]["path"]
    resolved = os.path.normpath(elsewhere / "stacks" / "prod-shenzhen" / path)
    assert resolved == str(repo / "terraform.prod-shenzhen.tfstate")


def test_check_never_follows_a_symlink_out_of_the_output(
    tmp_path: Path, deployment: dict[str, Any]
) -> None:
    # given: a stack file replaced by a link to a secret outside
    config = write_config(tmp_path, [deployment])
    out = tmp_path / "cdktf.out"
    synth(config, out)
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT\n")
    stack_file = out / "stacks" / "prod-shenzhen" / "cdk.tf.json"
    stack_file.unlink()
    stack_file.symlink_to(secret)
    # when
    result = mcpl("check", "-c", config, "-o", out)
    # then
    assert result.exit_code == 1
    assert "TOP-SECRET-CONTENT" not in result.output
    assert f"not a regular file: {stack_file} (synth writes a file there; never followed)" in (
        result.stdout
    )


# -- 8. two configs in one folder -----------------------------------------------------------------


def test_fails_when_two_configs_in_one_folder_share_a_state_file(
    tmp_path: Path, deployment: dict[str, Any]
) -> None:
    # given
    write_config(tmp_path, [deployment], name="a.yaml")
    config = write_config(tmp_path, [deployment], name="b.yaml")
    line = (
        f"error: deployment 'prod-shenzhen': {tmp_path / 'a.yaml'} has a deployment of that "
        f"name too, and both keep local state in {tmp_path / 'terraform.prod-shenzhen.tfstate'}"
    )
    # when
    validated = mcpl("validate", "-c", config)
    synthesized = mcpl("synth", "-c", config, "-o", tmp_path / "cdktf.out")
    # then
    assert validated.exit_code == 1
    assert validated.stderr.startswith(line)
    refused(synthesized, line)
    assert not (tmp_path / "cdktf.out").exists()


def test_configs_with_other_names_or_a_backend_can_share_a_folder(
    tmp_path: Path, deployment: dict[str, Any]
) -> None:
    write_config(tmp_path, [dict(deployment, name="other")], name="a.yaml")
    remote = write_config(tmp_path, [deployment], name="remote.yaml")
    remote.write_text(
        remote.read_text() + "backend: {oss: {bucket: acme-b, region: cn-hangzhou}}\n"
    )
    (tmp_path / "notes.yaml").write_text("- not a config\n")
    config = write_config(tmp_path, [deployment], name="b.yaml")
    assert mcpl("validate", "-c", config).exit_code == 0


def test_everything_sees_links_and_empty_folders(tmp_path: Path) -> None:
    # everything() sees what tree() cannot: links and empty folders
    (tmp_path / "d").mkdir()
    (tmp_path / "l").symlink_to("/nowhere")
    assert everything(tmp_path) == {"d": "dir", "l": "-> /nowhere"}
    assert tree(tmp_path) == {}
