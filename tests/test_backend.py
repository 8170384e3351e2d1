"""backend: oss remote state, one state object per stack; no credentials in the file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import hcl2
import pytest

from conftest import ROOT, runner, write_config
from maxcompute_privatelink.cli import app

# Terraform's oss backend arguments (developer.hashicorp.com/terraform/language/backend/oss)
OSS_BACKEND_ARGUMENTS = {
    "access_key", "secret_key", "security_token", "ecs_role_name", "region", "endpoint",
    "bucket", "prefix", "key", "tablestore_endpoint", "tablestore_table",
    "tablestore_instance_name", "encrypt", "acl", "profile", "shared_credentials_file",
    "sts_endpoint", "assume_role_role_arn", "assume_role_policy", "assume_role_session_name",
    "assume_role_session_expiration",
}  # fmt: skip
OSS = {"bucket": "acme-state", "region": "cn-hangzhou"}


def synth(tmp_path: Path, config: Path, *flags: str) -> Path:
    out = tmp_path / "cdktf.out"
    result = runner.invoke(app, ["synth", "-c", str(config), "-o", str(out), *flags])
    assert result.exit_code == 0, result.output
    return out


def test_oss_backend_matches_the_bundled_example(tmp_path: Path) -> None:
    # when
    out = synth(tmp_path, ROOT / "examples/oss-backend.yaml")
    stack = json.loads((out / "stacks/warehouse-hangzhou/cdk.tf.json").read_text())
    # then
    backend = stack["terraform"]["backend"]
    assert list(backend) == ["oss"]
    assert backend["oss"] == {
        "bucket": "acme-terraform-state",
        "prefix": "maxcompute-privatelink/warehouse-hangzhou",
        "key": "terraform.tfstate",
        "region": "cn-hangzhou",
        "encrypt": True,
        "tablestore_endpoint": "https://tf-lock.cn-hangzhou.ots.aliyuncs.com",
        "tablestore_table": "terraform_lock",
    }
    assert set(backend["oss"]) <= OSS_BACKEND_ARGUMENTS
    assert stack["terraform"]["required_version"] == ">= 1.5.0"


def with_instance_name(tmp_path: Path) -> Path:
    """The bundled OSS example with tablestore_instance_name, which needs Terraform 1.12."""
    text = (ROOT / "examples/oss-backend.yaml").read_text()
    config = tmp_path / "oss.yaml"
    config.write_text(
        text.replace(
            "    tablestore_table: terraform_lock",
            "    tablestore_table: terraform_lock\n    tablestore_instance_name: tf-lock",
        )
    )
    return config


def test_tablestore_instance_name_raises_the_required_terraform(tmp_path: Path) -> None:
    out = synth(tmp_path, with_instance_name(tmp_path))
    stack = json.loads((out / "stacks/warehouse-hangzhou/cdk.tf.json").read_text())
    assert stack["terraform"]["backend"]["oss"]["tablestore_instance_name"] == "tf-lock"
    assert stack["terraform"]["required_version"] == ">= 1.12.0"


def test_each_stack_gets_its_own_state_key(tmp_path: Path, deployment: dict[str, Any]) -> None:
    # given
    config = write_config(tmp_path, [deployment, dict(deployment, name="second")])
    config.write_text(
        config.read_text() + "backend:\n  oss: {bucket: acme-state, region: cn-hangzhou}\n"
    )
    # when
    out = synth(tmp_path, config)
    # then
    prefixes = {
        name: json.loads((out / f"stacks/{name}/cdk.tf.json").read_text())["terraform"]["backend"][
            "oss"
        ]["prefix"]
        for name in ("prod-shenzhen", "second")
    }
    assert prefixes == {
        "prod-shenzhen": "maxcompute-privatelink/prod-shenzhen",
        "second": "maxcompute-privatelink/second",
    }


def test_hcl_backend_block_carries_the_override(tmp_path: Path) -> None:
    out = synth(tmp_path, with_instance_name(tmp_path), "--hcl")
    parsed = hcl2.loads((out / "stacks/warehouse-hangzhou/cdk.tf").read_text())
    [terraform] = parsed["terraform"]
    assert terraform["required_version"] == '">= 1.12.0"'
    [backend] = terraform["backend"]
    oss = backend['"oss"']
    assert oss["tablestore_instance_name"] == '"tf-lock"'
    assert oss["encrypt"] is True
    assert {k for k in oss if not k.startswith("__")} <= OSS_BACKEND_ARGUMENTS


def test_without_backend_state_stays_local(tmp_path: Path, deployment: dict[str, Any]) -> None:
    out = synth(tmp_path, write_config(tmp_path, [deployment]))
    stack = json.loads((out / "stacks/prod-shenzhen/cdk.tf.json").read_text())
    assert list(stack["terraform"]["backend"]) == ["local"]


@pytest.mark.parametrize("key", ["access_key", "secret_key", "security_token"])
def test_fails_when_backend_holds_credentials(
    tmp_path: Path, deployment: dict[str, Any], key: str
) -> None:
    # given
    config = write_config(tmp_path, [deployment])
    config.write_text(
        config.read_text()
        + f"backend:\n  oss: {{bucket: acme-state, region: cn-hangzhou, {key}: LTAI5tLeak}}\n"
    )
    # when
    result = runner.invoke(app, ["synth", "-c", str(config), "-o", str(tmp_path / "out")])
    # then
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: backend.oss.{key}: credentials do not belong in privatelink.yaml, which is "
        "committed; remove it and set ALICLOUD_ACCESS_KEY, ALICLOUD_SECRET_KEY (and "
        "ALICLOUD_SECURITY_TOKEN) in the environment of terraform init\n"
    )
    assert "LTAI5tLeak" not in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("backend", "expected"),
    [
        (
            "{bucket: acme-state, region: cn-hangzhou, tablestore_table: lock}",
            "backend.oss.tablestore_endpoint: required with tablestore_table: state locking "
            "needs the Tablestore endpoint, like https://<instance>.<region>.ots.aliyuncs.com",
        ),
        (
            "{bucket: acme-state, region: cn-hangzhou, acl: public-read}",
            "backend.oss.acl: input should be 'private' (got 'public-read')",
        ),
        (
            "{bucket: Acme_State, region: cn-hangzhou}",
            "backend.oss.bucket: 'Acme_State' is not a valid OSS bucket name: 3 to 63 lowercase "
            "letters, digits and hyphens, starting and ending with a letter or digit",
        ),
        (
            "{bucket: acme-state, region: cn-hangzhou, prefix: /abs/}",
            "backend.oss.prefix: '/abs/' is not a valid state prefix: path segments of letters, "
            "digits, '.', '_' and '-' joined by '/', no leading or trailing '/', no '.' or '..' "
            "segment",
        ),
        (
            "{bucket: acme-state}",
            "backend.oss.region: required, and missing",
        ),
        (
            "{}",
            "backend.oss: required, and missing",
        ),
    ],
    ids=["lock_without_endpoint", "public_acl", "bucket_name", "prefix", "no_region", "empty"],
)
def test_fails_when_backend_is_invalid(
    tmp_path: Path, deployment: dict[str, Any], backend: str, expected: str
) -> None:
    config = write_config(tmp_path, [deployment])
    body = f"backend:\n  oss: {backend}\n" if backend != "{}" else "backend: {}\n"
    config.write_text(config.read_text() + body)
    result = runner.invoke(app, ["validate", "-c", str(config)])
    assert result.exit_code == 1
    assert result.stderr == f"error: {expected}\n"
