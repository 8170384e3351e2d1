"""Input and output hygiene: bounded lengths, the backend's region checked like the
deployments', token text refused in the YAML, special files that never hang a command,
secrets in URLs never echoed. Each case was once let through."""

from __future__ import annotations

import copy
import json
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import BASE_DEPLOYMENT, ROOT, runner, write_config
from maxcompute_privatelink.cli import app
from maxcompute_privatelink.model import config_file

pytestmark = pytest.mark.releases

Data = dict[str, Any]
OSS = {"bucket": "tf-state", "region": "cn-shenzhen"}


def with_deployment(**fields: Any) -> Callable[[Data], None]:
    def apply(data: Data) -> None:
        data["deployments"][0].update(fields)

    return apply


def with_backend(**fields: Any) -> Callable[[Data], None]:
    def apply(data: Data) -> None:
        data["backend"] = {"oss": {**OSS, **fields}}

    return apply


CASES: dict[str, tuple[Callable[[Data], None], str]] = {
    "a 100,000-character vpc_id": (
        with_deployment(vpc_cidr=None, vpc_id="vpc-" + "a" * 100_000),
        "deployment 'prod-shenzhen': vpc_id: 'vpc-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'... "
        "(100004 characters) is not a VPC id: ids have at most 64 characters",
    ),
    "a backend region nowhere": (
        with_backend(region="xx-nowhere-9"),
        "backend.oss.region: 'xx-nowhere-9' is not a region where OSS keeps buckets (one of ",
    ),
    "a backend region misspelt": (
        with_backend(region="cn-shenzen"),
        "backend.oss.region: 'cn-shenzen' is not a region where OSS keeps buckets; did you "
        "mean cn-shenzhen",
    ),
    "token text as an id": (
        with_deployment(vpc_cidr=None, vpc_id="${TfToken[TOKEN.12]}"),
        "deployment 'prod-shenzhen': vpc_id: '${TfToken[TOKEN.12]}' is cdktf token text, "
        "which only Python code that passes the construct a token can give; write the "
        "literal value",
    ),
    "token text in a tag": (
        with_deployment(tags={"team": "#{TfToken[TOKEN.3]}"}),
        "deployment 'prod-shenzhen': tags.team: '#{TfToken[TOKEN.3]}' is cdktf token text",
    ),
    "a secret in a URL's query": (
        with_deployment(
            endpoint_urls={
                "maxcompute": "https://a.example/api?token=s3cr3t",
                "tunnel": "https://b.example",
            }
        ),
        "deployment 'prod-shenzhen': endpoint_urls.maxcompute: 'https://a.example/api?***' "
        "has a query or fragment",
    ),
}


@pytest.mark.parametrize(("edit", "line"), CASES.values(), ids=list(CASES))
def test_fails_with_one_line_on_bad_input(
    tmp_path: Path, edit: Callable[[Data], None], line: str
) -> None:
    # given
    data: Data = {"deployments": [copy.deepcopy(BASE_DEPLOYMENT)]}
    edit(data)
    for deployment in data["deployments"]:
        for key in [k for k, v in deployment.items() if v is None]:
            del deployment[key]
    config = tmp_path / "c.yaml"
    config.write_text(yaml.safe_dump(data))
    # when
    result = runner.invoke(app, ["validate", "-c", str(config)])
    # then: one line each (a problem may add others), no secret, no traceback
    assert result.exit_code == 1, result.output
    assert f"error: {line}" in result.stderr, result.stderr
    assert "s3cr3t" not in result.output
    assert "Traceback" not in result.output
    assert max(len(x) for x in result.stderr.splitlines()) < 1000


def test_token_text_and_other_problems_are_reported_at_once(tmp_path: Path) -> None:
    # given: token text, and an allowed CIDR that is none
    data: Data = {"deployments": [copy.deepcopy(BASE_DEPLOYMENT)]}
    data["deployments"][0]["tags"] = {"team": "${TfToken[TOKEN.1]}"}
    data["deployments"][0]["allowed_cidrs"] = ["10.0.0.0/33"]
    config = tmp_path / "c.yaml"
    config.write_text(yaml.safe_dump(data))
    # when
    result = runner.invoke(app, ["validate", "-c", str(config)])
    # then
    assert result.exit_code == 1
    assert "tags.team: '${TfToken[TOKEN.1]}' is cdktf token text" in result.stderr
    assert "10.0.0.0/33" in result.stderr


def test_a_pipe_nobody_writes_to_fails_instead_of_hanging(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: a FIFO with no writer
    monkeypatch.setattr(config_file, "READ_TIMEOUT", 0.3)
    fifo = tmp_path / "config.fifo"
    os.mkfifo(fifo)
    # when
    began = time.monotonic()
    result = runner.invoke(app, ["validate", "-c", str(fifo)])
    # then
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {fifo}: gave no end of data within 0.3 s (a pipe nobody writes to?); pass a file\n"
    )
    assert time.monotonic() - began < 5


def test_a_pipe_with_a_writer_is_read_whole(tmp_path: Path) -> None:
    # given: a FIFO a writer fills a moment later, as `--config <(...)` does
    fifo = tmp_path / "config.fifo"
    os.mkfifo(fifo)
    text = yaml.safe_dump({"deployments": [BASE_DEPLOYMENT]})

    def write() -> None:
        time.sleep(0.2)
        with fifo.open("w") as handle:
            handle.write(text)

    writer = threading.Thread(target=write)
    writer.start()
    # when
    result = runner.invoke(app, ["validate", "-c", str(fifo)])
    writer.join()
    # then
    assert result.exit_code == 0, result.output
    assert "1 deployment(s) valid: prod-shenzhen" in result.stdout


def test_render_refuses_terraform_outputs_that_point_clients_at_another_host(
    tmp_path: Path, deployment: dict[str, Any]
) -> None:
    # given: outputs of another stack (another region's URLs) for this deployment
    deployment["client"] = {"project_name": "proj1"}
    config = write_config(tmp_path, [deployment])
    outputs = json.loads((ROOT / "tests/fixtures/tf-output/prod-hangzhou.json").read_text())
    tf_output = tmp_path / "prod-shenzhen.json"
    tf_output.write_text(json.dumps(outputs))
    # when
    result = runner.invoke(
        app, ["render", "-c", str(config), "--tf-output", str(tf_output), "-o", str(tmp_path / "c")]
    )
    # then
    assert result.exit_code == 2
    assert "but the config's is 'https://service-pvl.cn-shenzhen-vpc" in result.stderr
    assert "render never points clients elsewhere" in result.stderr
    assert not (tmp_path / "c").exists()


def test_a_stack_that_cannot_be_built_is_named_in_one_line(
    tmp_path: Path, deployment: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: the emitter fails on one deployment's stack
    from maxcompute_privatelink.construct import stack

    real = stack.DeploymentStack

    def failing(scope: Any, props: Any, **kwargs: Any) -> Any:
        if props.name == "broken":
            raise RuntimeError("jsii says no\nat line 2")
        return real(scope, props, **kwargs)

    monkeypatch.setattr(stack, "DeploymentStack", failing)
    config = write_config(tmp_path, [deployment, dict(deployment, name="broken")])
    out = tmp_path / "cdktf.out"
    # when
    result = runner.invoke(app, ["synth", "-c", str(config), "-o", str(out)])
    # then
    assert result.exit_code == 2
    assert result.stderr == (
        "error: deployment 'broken': its stack could not be synthesized (RuntimeError: jsii "
        "says no); nothing was written\n"
    )
    assert not out.exists()
