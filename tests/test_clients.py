"""The rendered client files, read by the clients: PyODPS itself (offline, its requests
refused and recorded), odpscmd's file by Java .properties rules, and jdbc.url by the
JDBC driver's URL rules. Every setting of the config must arrive where it should."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus

import javaproperties
import pytest

from conftest import runner, write_config
from maxcompute_privatelink.cli import app

AK_ID, AK_SECRET, TOKEN = "LTAI5tClientTest0001", "ClientTestSecret000000000001", "CAIS.token"

EVERY_OPTION = {
    "project_name": "sales_dw",
    "log_view_host": "https://logview.example.com",
    "schema_name": "reporting",
    "quota_name": "batch-quota",
    "use_instance_tunnel": False,
}

PYODPS_PROBE = """
import json, os, sys
import requests.adapters

calls = []
def refuse(self, request, **kwargs):  # no network: record what PyODPS asks for
    calls.append(request.method + " " + request.url)
    raise requests.exceptions.ConnectionError("network refused by the test")
requests.adapters.HTTPAdapter.send = refuse
from odps import options
options.retry_delay = 0  # refused requests are retried: no need to wait between tries

snippet = sys.stdin.read()
scope = {}
exec(compile(snippet, "README.md", "exec"), scope)
o = scope["o"]
from odps import options
from odps.tunnel import TableTunnel
account = o.account
print(json.dumps({
    "endpoint": o.endpoint,
    "tunnel_endpoint": o.tunnel_endpoint,
    "table_tunnel_endpoint": TableTunnel(o).endpoint,
    "project": o.project,
    "schema": o._schema,
    "quota_name": o.quota_name,
    "logview_host": o.logview_host,
    "use_instance_tunnel": options.tunnel.use_instance_tunnel,
    "region_name": o.region_name,
    "verify_ssl": options.verify_ssl,
    "account": type(account).__name__,
    "access_id": account.access_id,
    "sts_token": getattr(account, "sts_token", None),
    "calls": sorted(set(calls)),
}))
"""


def render(tmp_path: Path, deployment: dict[str, Any], client: dict[str, Any]) -> Path:
    deployment["client"] = client
    config = write_config(tmp_path, [deployment])
    out, folder = tmp_path / "cdktf.out", tmp_path / "client"
    for args in (["synth", "-c", config, "-o", out], ["render", "-c", config, "--from", out,
                                                      "-o", folder]):  # fmt: skip
        result = runner.invoke(app, [str(a) for a in args])
        assert result.exit_code == 0, result.output
    return folder / str(deployment["name"])


def pyodps(folder: Path, credentials: dict[str, str]) -> dict[str, Any]:
    """Source pyodps.env as the README says, then run the README's snippet in a fresh
    interpreter with that environment (and the credentials the user exports)."""
    sourced = subprocess.run(
        ["bash", "-c", "set -a; . ./pyodps.env; set +a; env -0"],
        cwd=folder,
        env={"PATH": "/usr/bin:/bin", **credentials},
        capture_output=True,
        check=True,
    )
    env = dict(item.split("=", 1) for item in sourced.stdout.decode().split("\0") if "=" in item)
    readme = (folder / "README.md").read_text()
    [snippet] = re.findall(r"```python\n(.*?)```", readme, re.S)
    done = subprocess.run(
        [sys.executable, "-c", PYODPS_PROBE],
        input=snippet,
        env={**env, "PYTHONPATH": ":".join(sys.path)},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    found: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def jdbc(url: str) -> tuple[str, dict[str, str]]:
    """The endpoint and parameters as odps-jdbc reads them (ConnectionResource.java:591-607:
    the prefix off, the endpoint up to the first '?', pairs split on '&' and the first '=',
    each side URLDecoder.decode-d, which also turns '+' into a space)."""
    rest = url.strip().removeprefix("jdbc:odps:")
    endpoint, _, query = rest.partition("?")
    params = {}
    for pair in query.split("&"):
        key, _, value = pair.partition("=")
        params[unquote_plus(key)] = unquote_plus(value)
    return endpoint, params


@pytest.mark.parametrize(
    ("protocol", "client"),
    [("https", {"project_name": "p_https"}), ("http", {"project_name": "p_http"}),
     ("https", EVERY_OPTION)],
    ids=["https", "http", "every-option"],
)  # fmt: skip
def test_pyodps_reads_every_setting_from_pyodps_env_and_the_snippet(
    tmp_path: Path, deployment: dict[str, Any], protocol: str, client: dict[str, Any]
) -> None:
    # given
    deployment["protocol"] = protocol
    folder = render(tmp_path, deployment, client)
    # when
    seen = pyodps(folder, {"ALIBABA_CLOUD_ACCESS_KEY_ID": AK_ID,
                           "ALIBABA_CLOUD_ACCESS_KEY_SECRET": AK_SECRET})  # fmt: skip
    # then
    endpoint = f"{protocol}://service-pvl.cn-shenzhen-vpc.maxcompute.aliyun-inc.com/api"
    tunnel = f"{protocol}://dt-pvl.cn-shenzhen-vpc.maxcompute.aliyun-inc.com"
    assert (seen["endpoint"], seen["tunnel_endpoint"], seen["table_tunnel_endpoint"]) == (
        endpoint, tunnel, tunnel,
    )  # fmt: skip
    assert seen["project"] == client["project_name"]
    assert seen["region_name"] == "cn-shenzhen"
    assert (seen["account"], seen["access_id"], seen["sts_token"]) == ("CloudAccount", AK_ID, None)
    assert seen["schema"] == client.get("schema_name")
    assert seen["quota_name"] == client.get("quota_name")
    assert seen["use_instance_tunnel"] is client.get("use_instance_tunnel", True)
    assert seen["verify_ssl"] is True
    if "log_view_host" in client:
        assert seen["logview_host"] == client["log_view_host"]
        assert not any("/logview/host" in call for call in seen["calls"])
    else:  # PyODPS asks the endpoint, is refused, and falls back to its default
        assert any(call.startswith(f"GET {endpoint}/logview/host?") for call in seen["calls"])
    for call in seen["calls"]:
        assert call.startswith(f"GET {endpoint}/"), call


def test_pyodps_gets_the_sts_token_from_the_environment(
    tmp_path: Path, deployment: dict[str, Any]
) -> None:
    folder = render(tmp_path, deployment, {"project_name": "p_sts"})
    seen = pyodps(folder, {"ALIBABA_CLOUD_ACCESS_KEY_ID": AK_ID,
                           "ALIBABA_CLOUD_ACCESS_KEY_SECRET": AK_SECRET,
                           "ALIBABA_CLOUD_SECURITY_TOKEN": TOKEN})  # fmt: skip
    assert (seen["account"], seen["access_id"], seen["sts_token"]) == ("StsAccount", AK_ID, TOKEN)


def test_pyodps_reads_the_credentials_render_wrote(
    tmp_path: Path, deployment: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: --with-credentials with an STS token
    for name, value in (("ID", AK_ID), ("SECRET", AK_SECRET)):
        monkeypatch.setenv(f"ALIBABA_CLOUD_ACCESS_KEY_{name}", value)
    monkeypatch.setenv("ALIBABA_CLOUD_SECURITY_TOKEN", TOKEN)
    deployment["client"] = {"project_name": "p_files"}
    config = write_config(tmp_path, [deployment])
    out, client = tmp_path / "cdktf.out", tmp_path / "client"
    assert runner.invoke(app, ["synth", "-c", str(config), "-o", str(out)]).exit_code == 0
    rendered = runner.invoke(
        app, ["render", "-c", str(config), "--from", str(out), "-o", str(client),
              "--with-credentials"],
    )  # fmt: skip
    assert rendered.exit_code == 0, rendered.output
    # when: the user sources the file alone
    seen = pyodps(client / "prod-shenzhen", {})
    # then
    assert (seen["account"], seen["access_id"], seen["sts_token"]) == ("StsAccount", AK_ID, TOKEN)


@pytest.mark.parametrize("protocol", ["https", "http"])
def test_odpscmd_reads_its_settings_by_java_properties_rules(
    tmp_path: Path, deployment: dict[str, Any], protocol: str
) -> None:
    # given
    deployment["protocol"] = protocol
    folder = render(tmp_path, deployment, EVERY_OPTION)
    # when: ExecutionContext.load() reads the file with Properties.load
    # (aliyun-odps-console ExecutionContext.java:675)
    properties = javaproperties.loads((folder / "odps_config.ini").read_text())
    # then
    assert properties == {
        "account_provider": "chain",
        "project_name": "sales_dw",
        "end_point": f"{protocol}://service-pvl.cn-shenzhen-vpc.maxcompute.aliyun-inc.com/api",
        "tunnel_endpoint": f"{protocol}://dt-pvl.cn-shenzhen-vpc.maxcompute.aliyun-inc.com",
        "region_id": "cn-shenzhen",
        "https_check": "true" if protocol == "https" else "false",
        "log_view_host": "https://logview.example.com",
        "quota_name": "batch-quota",
        "use_instance_tunnel": "false",
    }


@pytest.mark.parametrize("protocol", ["https", "http"])
def test_the_jdbc_driver_reads_its_settings_from_the_url(
    tmp_path: Path, deployment: dict[str, Any], protocol: str
) -> None:
    # given
    deployment["protocol"] = protocol
    folder = render(tmp_path, deployment, EVERY_OPTION)
    # when
    endpoint, params = jdbc((folder / "jdbc.url").read_text())
    # then
    assert endpoint == f"{protocol}://service-pvl.cn-shenzhen-vpc.maxcompute.aliyun-inc.com/api"
    expected = {
        "project": "sales_dw",
        "tunnelEndpoint": f"{protocol}://dt-pvl.cn-shenzhen-vpc.maxcompute.aliyun-inc.com",
        "logview": "https://logview.example.com",
        "schema": "reporting",
        "quotaName": "batch-quota",
        "useInstanceTunnel": "false",
    }
    if protocol == "https":
        expected["httpsCheck"] = "true"  # the driver defaults it to false
    assert params == expected
    assert not {"accessId", "accessKey", "stsToken"} & set(params)


def test_pyodps_env_for_a_shell_only_says_so(tmp_path: Path, deployment: dict[str, Any]) -> None:
    # given: a URL that a shell needs quoted ($), which Docker would keep quoted
    deployment.update(
        dns="console",
        endpoint_urls={"maxcompute": "https://mc.example/a$b", "tunnel": "https://dt.example"},
    )
    folder = render(tmp_path, deployment, {"project_name": "p_quoted"})
    text = (folder / "pyodps.env").read_text()
    # then
    assert "ODPS_ENDPOINT='https://mc.example/a$b'" in text
    assert "not for Docker" in text and "docker run --env-file" in text
    (tmp_path / "plain").mkdir()
    plain = render(tmp_path / "plain", dict(deployment, endpoint_urls=None, dns="private_zone"),
                   {"project_name": "p_plain"})  # fmt: skip
    assert "or `docker run --env-file pyodps.env`" in (plain / "pyodps.env").read_text()
