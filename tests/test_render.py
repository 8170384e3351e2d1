"""mcpl render: client configs from the stacks' outputs, golden-tested file by file."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import javaproperties
import pytest
from dotenv import dotenv_values
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from conftest import ROOT, runner, tree, write_config
from maxcompute_privatelink.cli import app

pytestmark = pytest.mark.releases

FIXTURES = Path(__file__).parent / "fixtures"
FILES = ["README.md", "jdbc.url", "odps_config.ini", "pyodps.env"]
AK_ID = "LTAI5tExampleKeyId0001"
AK_SECRET = "Ex4mpleSecretValue0000000000aB"
TOKEN = "CAIS+example/token=="


class GoldenFile(SingleFileSnapshotExtension):
    """One golden file per rendered file, stored as text to read in review."""

    _write_mode = WriteMode.TEXT
    file_extension = "txt"


@pytest.fixture
def golden(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(GoldenFile)


def mcpl(*args: str, env: dict[str, str] | None = None) -> Any:
    return runner.invoke(app, list(args), env=env)


def synthesize(config: Path, tmp_path: Path) -> Path:
    out = tmp_path / "cdktf.out"
    synth = mcpl("synth", "-c", str(config), "-o", str(out))
    assert synth.exit_code == 0, synth.output
    return out


def synth_and_render(
    config: Path, tmp_path: Path, *extra: str, env: dict[str, str] | None = None
) -> Any:
    out = synthesize(config, tmp_path)
    return mcpl(
        "render",
        "-c",
        str(config),
        "--from",
        str(out),
        "-o",
        str(tmp_path / "client"),
        *extra,
        env=env,
    )


def copy_example(name: str, tmp_path: Path) -> Path:
    source = ROOT / name
    target = tmp_path / source.name
    target.write_text(source.read_text())
    return target


# -- golden files ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "example", ["privatelink.yaml", "examples/existing-vpc.yaml"], ids=["default", "existing-vpc"]
)
def test_renders_each_file_of_a_synthesized_example(
    example: str, tmp_path: Path, golden: SnapshotAssertion
) -> None:
    # given
    config = copy_example(example, tmp_path)
    # when
    result = synth_and_render(config, tmp_path)
    # then
    assert result.exit_code == 0, result.output
    [deployment] = [p for p in (tmp_path / "client").iterdir() if p.is_dir()]
    files = tree(deployment)
    assert sorted(files) == FILES
    for name in FILES:
        assert files[name].decode() == golden(name=name)


def test_renders_each_file_from_terraform_output(tmp_path: Path, golden: SnapshotAssertion) -> None:
    # given: the apply of examples/existing-vpc.yaml, as `terraform output -json` prints it
    config = copy_example("examples/existing-vpc.yaml", tmp_path)
    tf_output = FIXTURES / "tf-output" / "prod-hangzhou.json"
    # when
    result = mcpl(
        "render", "-c", str(config), "--tf-output", str(tf_output), "-o", str(tmp_path / "c")
    )
    # then
    assert result.exit_code == 0, result.output
    files = tree(tmp_path / "c" / "prod-hangzhou")
    for name in FILES:
        assert files[name].decode() == golden(name=name)
    assert b"ep-bp1frontend0001" in files["README.md"]


def _as_cdktf_saves_outputs(stack: dict[str, Any], outputs: dict[str, Any]) -> dict[str, Any]:
    """What `cdktf deploy --outputs-file` writes for one stack, ported from cdktf-cli 0.21
    (@cdktf/cli-core/src/lib/output.ts): getConstructIdsForOutputs maps the stack's
    "//".outputs (construct path -> output id) to `terraform output -json`, then
    unpackTerraformOutput keeps each value, dropping sensitive ones."""

    def mapped(node: dict[str, Any]) -> dict[str, Any]:
        return {
            key: (
                outputs[value]["value"]
                if not outputs[value]["sensitive"]
                else None  # JSON.stringify drops the undefined it becomes
            )
            if isinstance(value, str)
            else mapped(value)
            for key, value in node.items()
            if not isinstance(value, str) or value in outputs
        }

    return {k: v for k, v in mapped(stack["//"]["outputs"]).items() if v is not None}


def test_renders_the_file_of_cdktf_deploy_outputs_file_like_terraform_output(
    tmp_path: Path,
) -> None:
    # given: the same apply as `terraform output -json` and as cdktf deploy's outputs file,
    # which also holds another stack of the app
    config = copy_example("examples/existing-vpc.yaml", tmp_path)
    out = synthesize(config, tmp_path)
    stack = json.loads((out / "stacks/prod-hangzhou/cdk.tf.json").read_text())
    tf_output = FIXTURES / "tf-output" / "prod-hangzhou.json"
    saved = _as_cdktf_saves_outputs(stack, json.loads(tf_output.read_text()))
    saved["network"] = {"vpc_id": "vpc-other"}
    outputs_file = tmp_path / "outputs.json"
    outputs_file.write_text(json.dumps(saved, indent=2))
    # when
    from_cdktf = mcpl(
        "render", "-c", str(config), "--tf-output", str(outputs_file), "-o", str(tmp_path / "a")
    )
    from_terraform = mcpl(
        "render", "-c", str(config), "--tf-output", str(tf_output), "-o", str(tmp_path / "b")
    )
    # then
    assert saved["prod-hangzhou"]["frontend_endpoint_id"] == "ep-bp1frontend0001"
    assert from_cdktf.exit_code == 0, from_cdktf.output
    assert from_terraform.exit_code == 0, from_terraform.output
    # the same files, but each says where its values came from
    cdktf_files, terraform_files = (tree(tmp_path / f / "prod-hangzhou") for f in "ab")
    assert cdktf_files == {
        name: text.replace(
            b"`terraform output -json` after apply", b"`cdktf deploy --outputs-file` after apply"
        )
        for name, text in terraform_files.items()
    }
    assert b"cdktf deploy --outputs-file" in cdktf_files["README.md"]


def test_renders_the_deployments_an_outputs_file_holds_and_keeps_the_others(
    tmp_path: Path, deployment: dict[str, Any]
) -> None:
    # given: two deployments rendered, then `cdktf deploy prod-shenzhen --outputs-file`,
    # which holds that stack's outputs only
    deployment["client"] = {"project_name": "proj1"}
    config = write_config(tmp_path, [deployment, dict(deployment, name="second")])
    assert synth_and_render(config, tmp_path).exit_code == 0
    client = tmp_path / "client"
    before = tree(client / "second")
    outputs = {
        "frontend_endpoint_id": "ep-a1",
        "maxcompute_endpoint": "https://service-pvl.cn-shenzhen-vpc.maxcompute.aliyun-inc.com/api",
        "tunnel_endpoint": "https://dt-pvl.cn-shenzhen-vpc.maxcompute.aliyun-inc.com",
    }
    outputs_file = tmp_path / "outputs.json"
    outputs_file.write_text(json.dumps({"prod-shenzhen": outputs}))
    # when
    result = mcpl("render", "-c", str(config), "--tf-output", str(outputs_file), "-o", str(client))
    # then: that deployment rendered from the file; the other named, its files kept, and
    # still render's (the marker lists them, so a later render replaces them)
    assert result.exit_code == 0, result.output
    assert (
        result.stdout
        == f"{client}/prod-shenzhen/: odps_config.ini, pyodps.env, jdbc.url, README.md\n"
    )
    assert result.stderr == (
        "note: not rendered, as --tf-output holds no outputs of them: second (their files in "
        f"{client}/ stay as they were); `cdktf output '*' --outputs-file FILE` writes every "
        "stack's outputs, or give each one's `terraform output -json` file\n"
    )
    assert "ep-a1" in (client / "prod-shenzhen" / "README.md").read_text()
    assert tree(client / "second") == before
    marker = json.loads((client / "mcpl-render.json").read_text())
    assert marker["deployments"] == ["prod-shenzhen"]
    assert {f"second/{name}" for name in before} <= set(marker["files"])


def test_fails_when_the_outputs_file_holds_no_deployment_of_the_config(
    tmp_path: Path, deployment: dict[str, Any]
) -> None:
    # given: cdktf's outputs file of another app's stack
    config = write_config(tmp_path, [deployment, dict(deployment, name="second")])
    outputs_file = tmp_path / "outputs.json"
    outputs_file.write_text(json.dumps({"network": {"vpc_id": "vpc-a1"}}))
    # when
    result = mcpl("render", "-c", str(config), "--tf-output", str(outputs_file))
    # then
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: --tf-output {outputs_file}: cannot tell which deployment it belongs to; name "
        "it <deployment>.json (prod-shenzhen, second) or pass a folder of them\n"
    )


def test_odps_config_parses_back_as_java_properties(tmp_path: Path) -> None:
    # given
    config = copy_example("examples/existing-vpc.yaml", tmp_path)
    # when
    result = synth_and_render(config, tmp_path)
    # then
    assert result.exit_code == 0, result.output
    text = (tmp_path / "client" / "prod-hangzhou" / "odps_config.ini").read_text()
    assert javaproperties.loads(text) == {
        "account_provider": "chain",
        "project_name": "sales_dw",
        "end_point": "https://service-pvl.cn-hangzhou-vpc.maxcompute.aliyun-inc.com/api",
        "tunnel_endpoint": "https://dt-pvl.cn-hangzhou-vpc.maxcompute.aliyun-inc.com",
        "region_id": "cn-hangzhou",
        "https_check": "true",
        "log_view_host": "https://logview.aliyun.com",
        "quota_name": "batch-quota",
    }
    # odpscmd reads schema_name and drops it (ExecutionContext.java:750): not written, said
    assert "run\n# `use schema reporting;` once it has started" in text


def test_http_deployment_gets_http_urls_and_no_https_check(
    tmp_path: Path, deployment: dict[str, Any]
) -> None:
    # given
    deployment.update(protocol="http", client={"project_name": "p_http"})
    config = write_config(tmp_path, [deployment])
    # when
    result = synth_and_render(config, tmp_path)
    # then
    assert result.exit_code == 0, result.output
    properties = javaproperties.loads(
        (tmp_path / "client/prod-shenzhen/odps_config.ini").read_text()
    )
    assert properties["end_point"].startswith("http://service-pvl.cn-shenzhen-vpc.")
    assert properties["tunnel_endpoint"].startswith("http://dt-pvl.cn-shenzhen-vpc.")
    assert properties["https_check"] == "false"
    env = dotenv_values(tmp_path / "client/prod-shenzhen/pyodps.env")
    assert env == {
        "ODPS_ENDPOINT": "http://service-pvl.cn-shenzhen-vpc.maxcompute.aliyun-inc.com/api",
        "ODPS_TUNNEL_ENDPOINT": "http://dt-pvl.cn-shenzhen-vpc.maxcompute.aliyun-inc.com",
        "ODPS_PROJECT_NAME": "p_http",
        "ODPS_REGION_NAME": "cn-shenzhen",
    }


# -- credentials ----------------------------------------------------------------------------


def test_no_file_holds_a_credential_by_default(tmp_path: Path) -> None:
    # given: credentials in the environment, but no --with-credentials
    config = copy_example("privatelink.yaml", tmp_path)
    env = {"ALIBABA_CLOUD_ACCESS_KEY_ID": AK_ID, "ALIBABA_CLOUD_ACCESS_KEY_SECRET": AK_SECRET}
    # when
    result = synth_and_render(config, tmp_path, env=env)
    # then
    assert result.exit_code == 0, result.output
    for path, content in tree(tmp_path / "client").items():
        assert AK_ID.encode() not in content, path
        assert AK_SECRET.encode() not in content, path
    lines = (tmp_path / "client/analytics-shenzhen/odps_config.ini").read_text().splitlines()
    assert not [line for line in lines if line.startswith(("access_id", "access_key"))]


def test_with_credentials_writes_them_with_mode_0600(tmp_path: Path) -> None:
    # given
    config = copy_example("privatelink.yaml", tmp_path)
    env = {
        "ALIBABA_CLOUD_ACCESS_KEY_ID": AK_ID,
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": AK_SECRET,
        "ALIBABA_CLOUD_SECURITY_TOKEN": TOKEN,
    }
    # when
    result = synth_and_render(config, tmp_path, "--with-credentials", env=env)
    # then
    assert result.exit_code == 0, result.output
    folder = tmp_path / "client" / "analytics-shenzhen"
    properties = javaproperties.loads((folder / "odps_config.ini").read_text())
    # odpscmd takes an STS token only from the environment (the credential chain)
    assert properties["account_provider"] == "chain"
    assert not {"access_id", "access_key", "sts_token"} & set(properties)
    variables = dotenv_values(folder / "pyodps.env")
    assert variables["ALIBABA_CLOUD_ACCESS_KEY_SECRET"] == AK_SECRET
    assert variables["ALIBABA_CLOUD_SECURITY_TOKEN"] == TOKEN
    assert "odps_config.ini holds no STS token" in result.stderr
    for name in ("odps_config.ini", "pyodps.env"):
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600, name
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for name in ("jdbc.url", "README.md"):
        assert AK_SECRET not in (folder / name).read_text(), name
    assert AK_SECRET not in result.output


def test_with_an_accesskey_alone_odpscmd_gets_it_in_its_file(tmp_path: Path) -> None:
    config = copy_example("privatelink.yaml", tmp_path)
    env = {"ALIBABA_CLOUD_ACCESS_KEY_ID": AK_ID, "ALIBABA_CLOUD_ACCESS_KEY_SECRET": AK_SECRET}
    result = synth_and_render(config, tmp_path, "--with-credentials", env=env)
    assert result.exit_code == 0, result.output
    folder = tmp_path / "client" / "analytics-shenzhen"
    properties = javaproperties.loads((folder / "odps_config.ini").read_text())
    assert (properties["account_provider"], properties["access_id"]) == ("aliyun", AK_ID)
    assert properties["access_key"] == AK_SECRET
    assert stat.S_IMODE((folder / "odps_config.ini").stat().st_mode) == 0o600


def test_fails_when_credentials_are_asked_for_but_not_set(tmp_path: Path) -> None:
    # given
    config = copy_example("privatelink.yaml", tmp_path)
    # when
    result = synth_and_render(
        config, tmp_path, "--with-credentials", env={"ALIBABA_CLOUD_ACCESS_KEY_ID": AK_ID}
    )
    # then
    assert result.exit_code == 2
    assert result.stderr == (
        "error: --with-credentials reads ALIBABA_CLOUD_ACCESS_KEY_ID and "
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET (and ALIBABA_CLOUD_SECURITY_TOKEN for STS) from the "
        "environment; not set: ALIBABA_CLOUD_ACCESS_KEY_SECRET\n"
    )
    assert not (tmp_path / "client").exists()


def test_fails_without_echoing_a_credential_that_would_inject(tmp_path: Path) -> None:
    config = copy_example("privatelink.yaml", tmp_path)
    env = {
        "ALIBABA_CLOUD_ACCESS_KEY_ID": AK_ID,
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "secret\nproject_name=evil",
    }
    result = synth_and_render(config, tmp_path, "--with-credentials", env=env)
    assert result.exit_code == 2
    assert "ALIBABA_CLOUD_ACCESS_KEY_SECRET holds characters" in result.stderr
    assert "evil" not in result.output
    assert not (tmp_path / "client").exists()


# -- injection ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("client", "expected"),
    [
        (
            {"project_name": "prod\nend_point=http://evil"},
            "deployment 'prod-shenzhen': client.project_name: 'prod\\nend_point=http://evil' is "
            "not a valid MaxCompute project name: 3 to 28 letters, digits and underscores, "
            "starting with a letter",
        ),
        (
            {"project_name": "p1&tunnelEndpoint=x"},
            "deployment 'prod-shenzhen': client.project_name: 'p1&tunnelEndpoint=x' is not a "
            "valid MaxCompute project name: 3 to 28 letters, digits and underscores, starting "
            "with a letter",
        ),
        (
            {"project_name": "proj1", "quota_name": "q\r1"},
            "deployment 'prod-shenzhen': client.quota_name: 'q\\r1' is not a valid MaxCompute "
            "quota name: 1 to 64 letters, digits, underscores and hyphens, starting with a "
            "letter or digit",
        ),
        (
            {"project_name": "proj1", "schema_name": "s\x00"},
            "deployment 'prod-shenzhen': client.schema_name: 's\\x00' is not a valid MaxCompute "
            "schema name: 1 to 128 letters, digits and underscores, starting with a letter",
        ),
        (
            {"project_name": "proj1", "log_view_host": "https://logview?project=evil"},
            "deployment 'prod-shenzhen': client.log_view_host: 'https://logview?***' "
            "has a query or fragment; give only scheme, host and path",
        ),
        (
            {"project_name": "proj1", "log_view_host": "https://log\tview"},
            "deployment 'prod-shenzhen': client.log_view_host: 'https://log\\tview' contains "
            "white space or control characters",
        ),
    ],
    ids=["newline", "jdbc_ampersand", "carriage_return", "nul", "query", "tab"],
)
def test_fails_at_validation_when_a_client_value_would_inject(
    tmp_path: Path, deployment: dict[str, Any], client: dict[str, Any], expected: str
) -> None:
    # given
    deployment["client"] = client
    config = write_config(tmp_path, [deployment])
    # when
    result = mcpl("validate", "-c", str(config))
    rendered = mcpl("render", "-c", str(config), "-o", str(tmp_path / "client"))
    # then
    assert (result.exit_code, rendered.exit_code) == (1, 2)  # a finding; cannot run
    assert result.stderr == rendered.stderr == f"error: {expected}\n"
    assert not (tmp_path / "client").exists()


def test_jdbc_values_are_url_encoded(tmp_path: Path, deployment: dict[str, Any]) -> None:
    # given: URL paths may hold & and = legitimately; in the JDBC query they must not split
    deployment["dns"] = "console"
    deployment["endpoint_urls"] = {
        "maxcompute": "https://mc.example/api",
        "tunnel": "https://dt.example/a&b=c",
    }
    deployment["client"] = {"project_name": "proj1", "log_view_host": "https://lv.example/x&y"}
    config = write_config(tmp_path, [deployment])
    # when
    result = synth_and_render(config, tmp_path)
    # then
    assert result.exit_code == 0, result.output
    folder = tmp_path / "client/prod-shenzhen"
    url = (folder / "jdbc.url").read_text()
    assert url == (
        "jdbc:odps:https://mc.example/api?project=proj1"
        "&tunnelEndpoint=https%3A%2F%2Fdt.example%2Fa%26b%3Dc"
        "&httpsCheck=true"
        "&logview=https%3A%2F%2Flv.example%2Fx%26y\n"
    )
    assert (
        "ODPS_TUNNEL_ENDPOINT='https://dt.example/a&b=c'\n" in (folder / "pyodps.env").read_text()
    )
    assert (
        dotenv_values(folder / "pyodps.env")["ODPS_TUNNEL_ENDPOINT"] == "https://dt.example/a&b=c"
    )
    assert javaproperties.loads((folder / "odps_config.ini").read_text())["tunnel_endpoint"] == (
        "https://dt.example/a&b=c"
    )


def test_fails_when_a_terraform_output_value_would_inject(
    tmp_path: Path, deployment: dict[str, Any]
) -> None:
    # given: a doctored terraform output file
    deployment["client"] = {"project_name": "proj1"}
    config = write_config(tmp_path, [deployment])
    outputs = json.loads((FIXTURES / "tf-output/prod-hangzhou.json").read_text())
    outputs["tunnel_endpoint"]["value"] = "https://dt.example\nproject_name=evil"
    (tmp_path / "prod-shenzhen.json").write_text(json.dumps(outputs))
    # when
    result = mcpl(
        "render",
        "-c",
        str(config),
        "--tf-output",
        str(tmp_path / "prod-shenzhen.json"),
        "-o",
        str(tmp_path / "client"),
    )
    # then
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: deployment 'prod-shenzhen': {tmp_path / 'prod-shenzhen.json'}: output "
        "tunnel_endpoint = 'https://dt.example\\nproject_name=evil' is not valid\n"
    )
    assert not (tmp_path / "client").exists()


# -- what render cannot know ------------------------------------------------------------------


def test_fails_naming_a_value_only_known_after_apply(
    tmp_path: Path, deployment: dict[str, Any]
) -> None:
    # given: a stack whose tunnel_endpoint is a reference (as with DNS mode none)
    deployment["client"] = {"project_name": "proj1"}
    config = write_config(tmp_path, [deployment])
    out = synthesize(config, tmp_path)
    stack_file = out / "stacks/prod-shenzhen/cdk.tf.json"
    stack = json.loads(stack_file.read_text())
    stack["output"]["tunnel_endpoint"]["value"] = (
        "https://${alicloud_privatelink_vpc_endpoint.maxcompute_tunnel.endpoint_domain}"
    )
    stack_file.write_text(json.dumps(stack))
    # when
    result = mcpl("render", "-c", str(config), "--from", str(out), "-o", str(tmp_path / "c"))
    # then
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: deployment 'prod-shenzhen': tunnel_endpoint is not known yet in {stack_file} "
        "(a Terraform reference, known after apply); run `terraform apply`, then pass "
        "`terraform output -json` with --tf-output\n"
    )
    assert not (tmp_path / "c").exists()


def test_fails_when_the_synthesized_stacks_are_older_than_the_config(
    tmp_path: Path, deployment: dict[str, Any]
) -> None:
    # given: synthesized over https, then the config moved to http
    deployment["client"] = {"project_name": "proj1"}
    out = synthesize(write_config(tmp_path, [deployment]), tmp_path)
    config = write_config(tmp_path, [dict(deployment, protocol="http")])
    # when
    result = mcpl("render", "-c", str(config), "--from", str(out), "-o", str(tmp_path / "c"))
    # then
    assert result.exit_code == 2
    assert "is older than the config: maxcompute_endpoint is 'https://" in result.stderr
    assert result.stderr.endswith("in the config; run `mcpl synth`\n")


def test_fails_when_nothing_was_synthesized(tmp_path: Path, deployment: dict[str, Any]) -> None:
    deployment["client"] = {"project_name": "proj1"}
    config = write_config(tmp_path, [deployment])
    result = mcpl("render", "-c", str(config), "--from", str(tmp_path / "none"))
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: deployment 'prod-shenzhen': {tmp_path / 'none/stacks/prod-shenzhen'}: no "
        "cdk.tf.json or cdk.tf; run `mcpl synth` first, or pass --tf-output\n"
    )


def test_renders_the_same_files_from_hcl_stacks(tmp_path: Path) -> None:
    # given: the README recommends committing HCL
    config = copy_example("examples/existing-vpc.yaml", tmp_path)
    json_files = synth_and_render(config, tmp_path)
    assert json_files.exit_code == 0, json_files.output
    from_json = tree(tmp_path / "client")
    hcl_out = tmp_path / "hcl"
    assert mcpl("synth", "-c", str(config), "-o", str(hcl_out), "--hcl").exit_code == 0
    # when
    result = mcpl("render", "-c", str(config), "--from", str(hcl_out), "-o", str(tmp_path / "c2"))
    # then: byte for byte, but for the name of the stack file render read
    assert result.exit_code == 0, result.output
    from_hcl = tree(tmp_path / "c2")
    assert from_hcl.keys() == from_json.keys()
    for name, content in from_hcl.items():
        assert content == from_json[name], name


def test_fails_when_client_project_name_is_missing(
    tmp_path: Path, deployment: dict[str, Any]
) -> None:
    config = write_config(tmp_path, [deployment])
    result = mcpl("render", "-c", str(config), "--from", str(synthesize(config, tmp_path)))
    assert result.exit_code == 2
    assert result.stderr == (
        "error: deployment 'prod-shenzhen': client.project_name: required for render; add "
        "client: {project_name: <your MaxCompute project>} to the deployment\n"
    )


def test_tf_output_folder_maps_files_to_deployments(
    tmp_path: Path, deployment: dict[str, Any]
) -> None:
    # given: two deployments and a folder with one <name>.json each
    deployment["client"] = {"project_name": "proj1"}
    second = dict(deployment, name="second")
    config = write_config(tmp_path, [deployment, second])
    folder = tmp_path / "outputs"
    folder.mkdir()
    fixture = json.loads((FIXTURES / "tf-output/prod-hangzhou.json").read_text())
    for name in ("prod-shenzhen", "second"):
        outputs = json.loads(json.dumps(fixture))
        outputs["maxcompute_endpoint"]["value"] = (
            "https://service-pvl.cn-shenzhen-vpc.maxcompute.aliyun-inc.com/api"
        )
        outputs["tunnel_endpoint"]["value"] = (
            "https://dt-pvl.cn-shenzhen-vpc.maxcompute.aliyun-inc.com"
        )
        outputs["frontend_endpoint_id"]["value"] = f"ep-{name.replace('-', '')}"
        (folder / f"{name}.json").write_text(json.dumps(outputs))
    # when
    result = mcpl(
        "render", "-c", str(config), "--tf-output", str(folder), "-o", str(tmp_path / "c")
    )
    # then
    assert result.exit_code == 0, result.output
    assert "ep-prodshenzhen" in (tmp_path / "c/prod-shenzhen/README.md").read_text()
    assert "ep-second" in (tmp_path / "c/second/README.md").read_text()


def test_fails_when_a_tf_output_file_matches_no_deployment(
    tmp_path: Path, deployment: dict[str, Any]
) -> None:
    deployment["client"] = {"project_name": "proj1"}
    config = write_config(tmp_path, [deployment, dict(deployment, name="second")])
    result = mcpl(
        "render", "-c", str(config), "--tf-output", str(FIXTURES / "tf-output/prod-hangzhou.json")
    )
    assert result.exit_code == 2
    assert "cannot tell which deployment it belongs to; name it <deployment>.json" in result.stderr


def test_render_replaces_the_previous_output_whole(
    tmp_path: Path, deployment: dict[str, Any]
) -> None:
    # given: a rendered pair
    deployment["client"] = {"project_name": "proj1"}
    config = write_config(tmp_path, [deployment, dict(deployment, name="gone", protect=False)])
    assert synth_and_render(config, tmp_path).exit_code == 0
    # when: one deployment leaves
    config = write_config(tmp_path, [deployment])
    result = synth_and_render(config, tmp_path)
    # then
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "client").iterdir()) == [
        "mcpl-render.json",
        "prod-shenzhen",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.yaml", "cdktf.out", "client"]


# -- DNS modes -------------------------------------------------------------------------------


def test_dns_none_needs_terraform_output_and_says_so(
    tmp_path: Path, deployment: dict[str, Any]
) -> None:
    # given
    deployment.update(dns="none", client={"project_name": "proj1"})
    config = write_config(tmp_path, [deployment])
    out = synthesize(config, tmp_path)
    # when
    result = mcpl("render", "-c", str(config), "--from", str(out), "-o", str(tmp_path / "c"))
    # then
    assert result.exit_code == 2
    assert result.stderr == (
        "error: deployment 'prod-shenzhen': maxcompute_endpoint is not known yet in "
        f"{out / 'stacks/prod-shenzhen/cdk.tf.json'} (a Terraform reference, known after "
        "apply); run `terraform apply`, then pass `terraform output -json` with --tf-output\n"
    )
    assert not (tmp_path / "c").exists()


def test_dns_none_renders_the_endpoints_own_domains_from_terraform_output(
    tmp_path: Path, deployment: dict[str, Any], golden: SnapshotAssertion
) -> None:
    # given
    deployment.update(dns="none", client={"project_name": "proj1"})
    config = write_config(tmp_path, [deployment])
    # when
    result = mcpl(
        "render",
        "-c",
        str(config),
        "--tf-output",
        str(FIXTURES / "tf-output/dns-none.json"),
        "-o",
        str(tmp_path / "c"),
    )
    # then
    assert result.exit_code == 0, result.output
    files = tree(tmp_path / "c" / "prod-shenzhen")
    properties = javaproperties.loads(files["odps_config.ini"].decode())
    assert properties["end_point"] == (
        "https://ep-wz9frontend0001.epsrv-wz9svc0001.cn-shenzhen.privatelink.aliyuncs.com/api"
    )
    assert properties["tunnel_endpoint"] == (
        "https://ep-wz9tunnel00001.epsrv-wz9svc0002.cn-shenzhen.privatelink.aliyuncs.com"
    )
    assert files["README.md"].decode() == golden(name="README.md")


@pytest.mark.parametrize(
    ("mode", "says"),
    [
        (
            "private_zone",
            "the stack creates, `cn-shenzhen-vpc.maxcompute.aliyun-inc.com`",
        ),
        ("console", "turn it on in the VPC console after `terraform apply`"),
    ],
)
def test_readme_page_says_how_the_names_resolve(
    tmp_path: Path, deployment: dict[str, Any], mode: str, says: str
) -> None:
    deployment.update(dns=mode, client={"project_name": "proj1"})
    result = synth_and_render(write_config(tmp_path, [deployment]), tmp_path)
    assert result.exit_code == 0, result.output
    page = (tmp_path / "client/prod-shenzhen/README.md").read_text()
    assert says in " ".join(page.split())
