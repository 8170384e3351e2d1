"""``mcpl doctor``: DNS, TCP, TLS and HTTP per endpoint (and ``--auth``), against servers
on 127.0.0.1 only (``tests/loopback.py``): a DNS responder, fake MaxCompute endpoints
and a throw-away CA."""

from __future__ import annotations

import copy
import dataclasses
import json
import re
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import BASE_DEPLOYMENT, ROOT, runner, write_config
from loopback import (
    PROJECT,
    REQUEST_ID,
    Ca,
    DnsResponder,
    closed_port,
    dripping_server,
    maxcompute_server,
)
from maxcompute_privatelink.cli import app
from maxcompute_privatelink.outputs.doctor import Check, text_lines, totals

pytestmark = pytest.mark.releases

MAXCOMPUTE_HOST = "service.mc.test"
TUNNEL_HOST = "dt.mc.test"


def deployment(maxcompute_port: int, tunnel_port: int, **overrides: Any) -> dict[str, Any]:
    protocol = overrides.get("protocol", "https")
    return {
        **copy.deepcopy(BASE_DEPLOYMENT),
        "name": "prod",
        "endpoint_urls": {
            "maxcompute": f"{protocol}://{MAXCOMPUTE_HOST}:{maxcompute_port}/api",
            "tunnel": f"{protocol}://{TUNNEL_HOST}:{tunnel_port}",
        },
        "client": {"project_name": PROJECT},
        **overrides,
    }


@pytest.fixture
def ca(tmp_path: Path) -> Ca:
    return Ca.create(tmp_path)


@pytest.fixture
def resolver() -> Iterator[DnsResponder]:
    responder = DnsResponder({MAXCOMPUTE_HOST: ["127.0.0.1"], TUNNEL_HOST: ["127.0.0.1"]})
    with responder.running():
        yield responder


@pytest.fixture
def servers(ca: Ca, tmp_path: Path) -> Iterator[tuple[int, int]]:
    certificate = ca.leaf(tmp_path, MAXCOMPUTE_HOST, TUNNEL_HOST)
    with maxcompute_server(certificate) as maxcompute, maxcompute_server(certificate) as tunnel:
        yield maxcompute, tunnel


def doctor(config: Path, resolver: DnsResponder, *args: str) -> Any:
    return runner.invoke(
        app,
        ["doctor", "-c", str(config), "--nameserver", f"127.0.0.1:{resolver.port}", *args],
    )


def checks(result: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads(result.stdout)
    return found


def test_a_healthy_deployment_passes_every_check(
    tmp_path: Path, ca: Ca, resolver: DnsResponder, servers: tuple[int, int]
) -> None:
    # given
    config = write_config(tmp_path, [deployment(*servers)])
    # when
    result = doctor(config, resolver, "--ca-bundle", str(ca.bundle), "--format", "json")
    # then
    assert result.exit_code == 0, result.output
    found = checks(result)
    assert [(c["endpoint"], c["check"], c["ok"]) for c in found] == [
        (endpoint, step, True)
        for endpoint in ("maxcompute", "tunnel")
        for step in ("dns", "tcp", "tls", "http")
    ]
    dns_detail = found[0]["detail"]
    assert dns_detail == f"{MAXCOMPUTE_HOST} -> 127.0.0.1 (outside the VPC's 10.20.0.0/16)"
    assert "certificate by Doctor Test CA" in found[2]["detail"]
    assert found[3]["detail"] == f"GET /api: HTTP 400 Bad Request, request id {REQUEST_ID}"
    assert resolver.queries == [MAXCOMPUTE_HOST, TUNNEL_HOST]


def test_the_text_report_marks_each_check_and_counts(
    tmp_path: Path, ca: Ca, resolver: DnsResponder, servers: tuple[int, int]
) -> None:
    # given
    config = write_config(tmp_path, [deployment(*servers)])
    # when
    result = doctor(config, resolver, "--ca-bundle", str(ca.bundle))
    # then
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"\u2714 prod  maxcompute  dns   {MAXCOMPUTE_HOST} -> 127.0.0.1")
    assert lines[-1] == "8 checks: 8 passed, 0 failed"


def test_fails_when_the_tunnel_port_is_closed_with_the_security_group_hint(
    tmp_path: Path, ca: Ca, resolver: DnsResponder, servers: tuple[int, int]
) -> None:
    # given
    port = closed_port()
    config = write_config(tmp_path, [deployment(servers[0], port)])
    # when
    result = doctor(config, resolver, "--ca-bundle", str(ca.bundle), "--format", "json")
    # then
    assert result.exit_code == 1
    failed = [c for c in checks(result) if not c["ok"]]
    assert [(c["endpoint"], c["check"]) for c in failed] == [("tunnel", "tcp")]
    assert failed[0]["detail"] == "127.0.0.1: Connection refused"
    assert failed[0]["hint"] == (
        f"the security group prod-maxcompute-endpoints admits TCP {port} only from "
        "10.20.0.0/16: is this machine in one of them? (allowed_cidrs)"
    )


def test_fails_on_nxdomain_with_the_private_zone_hint(
    tmp_path: Path, resolver: DnsResponder
) -> None:
    # given: a resolver that knows neither name
    resolver.records.clear()
    config = write_config(tmp_path, [deployment(443, 443)])
    # when
    result = doctor(config, resolver, "--format", "json")
    # then
    assert result.exit_code == 1
    found = checks(result)
    assert [(c["endpoint"], c["check"], c["ok"]) for c in found] == [
        ("maxcompute", "dns", False),
        ("tunnel", "dns", False),
    ]
    assert found[0]["detail"].startswith(f"{MAXCOMPUTE_HOST}: no answer (")
    assert found[0]["hint"].startswith("the PrivateZone zone mc.test must hold the record")


def test_a_public_answer_fails_and_nothing_connects_to_it(
    tmp_path: Path, resolver: DnsResponder, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: the names resolve to the internet; every connection attempt is recorded
    resolver.records.update({MAXCOMPUTE_HOST: ["8.8.8.8"], TUNNEL_HOST: ["47.96.0.1"]})
    attempts: list[Any] = []
    real_connect = socket.socket.connect

    def connect(self: socket.socket, address: Any) -> None:
        attempts.append(address)
        real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    config = write_config(tmp_path, [deployment(443, 443)])
    # when
    result = doctor(config, resolver, "--format", "json")
    # then
    assert result.exit_code == 1
    found = checks(result)
    assert [(c["check"], c["ok"]) for c in found] == [("dns", False), ("dns", False)]
    assert found[0]["detail"] == (
        f"{MAXCOMPUTE_HOST} resolves to a public address (8.8.8.8): not the PrivateLink "
        "endpoint; not probed further"
    )
    assert all(address[0] == "127.0.0.1" for address in attempts), attempts


def test_fails_when_the_certificate_is_for_another_name(
    tmp_path: Path, ca: Ca, resolver: DnsResponder
) -> None:
    # given: a server whose certificate names another host
    certificate = ca.leaf(tmp_path, "other.test")
    with maxcompute_server(certificate) as port:
        config = write_config(tmp_path, [deployment(port, port)])
        # when
        result = doctor(config, resolver, "--ca-bundle", str(ca.bundle), "--format", "json")
    # then
    assert result.exit_code == 1
    tls = [c for c in checks(result) if c["check"] == "tls"]
    assert [c["ok"] for c in tls] == [False, False]
    assert "Hostname mismatch" in tls[0]["detail"]
    assert tls[0]["hint"].startswith("the certificate is not for this host name")


def test_fails_when_the_ca_is_not_trusted_with_the_ca_bundle_hint(
    tmp_path: Path, resolver: DnsResponder, servers: tuple[int, int]
) -> None:
    # given: no --ca-bundle, so the throw-away CA is unknown
    config = write_config(tmp_path, [deployment(*servers)])
    # when
    result = doctor(config, resolver, "--format", "json", "-d", "prod")
    # then
    tls = next(c for c in checks(result) if c["check"] == "tls")
    assert not tls["ok"]
    assert tls["hint"] == (
        "the certificate is not trusted: on a TLS-inspecting network pass --ca-bundle"
    )


def test_an_http_deployment_skips_tls(tmp_path: Path, resolver: DnsResponder) -> None:
    # given
    with maxcompute_server() as maxcompute, maxcompute_server() as tunnel:
        config = write_config(tmp_path, [deployment(maxcompute, tunnel, protocol="http")])
        # when
        result = doctor(config, resolver, "--format", "json")
    # then
    assert result.exit_code == 0, result.output
    assert [c["check"] for c in checks(result)] == ["dns", "tcp", "http"] * 2


def test_the_system_resolver_is_used_without_nameserver(tmp_path: Path) -> None:
    # given: localhost, which the system resolves to loopback without any network
    with maxcompute_server() as port:
        urls = {"maxcompute": f"http://localhost:{port}/api", "tunnel": f"http://localhost:{port}"}
        config = write_config(
            tmp_path,
            [deployment(0, 0, protocol="http", dns="console", endpoint_urls=urls)],
        )
        # when
        result = runner.invoke(app, ["doctor", "-c", str(config), "--format", "json"])
    # then
    assert result.exit_code == 0, result.output
    assert checks(result)[0]["detail"].startswith("localhost -> ")


def test_json_lists_checks_with_the_documented_keys(tmp_path: Path, resolver: DnsResponder) -> None:
    # given
    resolver.records.clear()
    config = write_config(tmp_path, [deployment(443, 443)])
    # when
    result = doctor(config, resolver, "--format", "json")
    # then
    for check in checks(result):
        assert set(check) == {"deployment", "endpoint", "check", "ok", "detail", "hint"}
        assert check["endpoint"] in ("maxcompute", "tunnel")
        assert check["check"] in ("dns", "tcp", "tls", "http", "auth")


def test_a_silent_nameserver_is_given_up_after_the_timeout(tmp_path: Path) -> None:
    # given: a DNS server that never answers
    silent = DnsResponder(silent=True)
    config = write_config(tmp_path, [deployment(443, 443)])
    with silent.running():
        began = time.monotonic()
        # when
        result = doctor(config, silent, "--timeout", "0.3", "--format", "json")
        elapsed = time.monotonic() - began
    # then: two lookups of 0.3 s each, far below any default timeout, and the hint blames
    # the nameserver, not the zone
    assert result.exit_code == 1
    found = checks(result)
    assert [c["ok"] for c in found] == [False, False]
    assert elapsed < 5, elapsed
    assert found[0]["hint"] == (
        f"the nameserver 127.0.0.1:{silent.port} did not answer: is it running and reachable "
        "from here? In a VPC, the VPC's own are 100.100.2.136 and 100.100.2.138"
    )


def test_suggests_checking_only_this_machines_deployment(
    tmp_path: Path, ca: Ca, resolver: DnsResponder, servers: tuple[int, int]
) -> None:
    # given: two deployments; this machine reaches the first's endpoints only
    elsewhere = deployment(*servers, name="elsewhere")
    elsewhere["endpoint_urls"] = {
        "maxcompute": "https://service.other.test/api", "tunnel": "https://dt.other.test",
    }  # fmt: skip
    config = write_config(tmp_path, [deployment(*servers), elsewhere])
    # when
    everything = doctor(config, resolver, "--ca-bundle", str(ca.bundle))
    chosen = doctor(config, resolver, "--ca-bundle", str(ca.bundle), "-d", "prod")
    # then
    assert everything.exit_code == 1
    assert everything.stdout.splitlines()[-1].endswith(
        "; 2 deployments were checked: from a machine in one VPC, check only its own with -d prod"
    )
    assert chosen.exit_code == 0, chosen.output


def test_dns_none_needs_the_urls_from_after_apply(tmp_path: Path, resolver: DnsResponder) -> None:
    # given
    plain = deployment(443, 443, dns="none")
    del plain["endpoint_urls"]
    config = write_config(tmp_path, [plain])
    # when
    result = doctor(config, resolver, "--format", "json")
    # then
    assert result.exit_code == 1
    [first, _] = checks(result)
    assert first["hint"] == "pass --tf-output with `terraform output -json` (dns: none)"


def test_dns_none_reads_the_urls_from_tf_output(tmp_path: Path, resolver: DnsResponder) -> None:
    # given: terraform output -json after apply, naming the endpoints' own domains
    with maxcompute_server() as port:
        plain = deployment(port, port, dns="none", protocol="http")
        del plain["endpoint_urls"]
        config = write_config(tmp_path, [plain])
        outputs = tmp_path / "prod.json"
        outputs.write_text(
            json.dumps(
                {
                    "maxcompute_endpoint": {"value": f"http://{MAXCOMPUTE_HOST}:{port}/api"},
                    "tunnel_endpoint": {"value": f"http://{TUNNEL_HOST}:{port}"},
                }
            )
        )
        # when
        result = doctor(config, resolver, "--tf-output", str(outputs), "--format", "json")
    # then
    assert result.exit_code == 0, result.output
    assert all(c["ok"] for c in checks(result))


@pytest.mark.parametrize(
    ("key_id", "ok", "detail"),
    [
        ("LTAIgood0001", True, f"authenticated; project {PROJECT} found"),
        ("LTAIrejected0001", False, "credentials rejected"),
    ],
)
def test_auth_makes_one_signed_request_through_pyodps(
    tmp_path: Path,
    resolver: DnsResponder,
    monkeypatch: pytest.MonkeyPatch,
    key_id: str,
    ok: bool,
    detail: str,
) -> None:
    # given: credentials in the environment, as the clients read them
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", key_id)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "s3cretValue")
    monkeypatch.delenv("ALIBABA_CLOUD_SECURITY_TOKEN", raising=False)
    with maxcompute_server() as port:
        config = write_config(tmp_path, [deployment(port, port, protocol="http")])
        # when
        result = doctor(config, resolver, "--auth", "--format", "json")
    # then
    auth = checks(result)[-1]
    assert (auth["check"], auth["ok"]) == ("auth", ok)
    assert auth["detail"].startswith(detail)
    assert "s3cretValue" not in result.output and key_id not in result.output
    assert result.exit_code == (0 if ok else 1)


def test_auth_reports_a_missing_project(
    tmp_path: Path, resolver: DnsResponder, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAIgood0001")
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "s3cretValue")
    with maxcompute_server() as port:
        item = deployment(port, port, protocol="http", client={"project_name": "gone"})
        config = write_config(tmp_path, [item])
        # when
        result = doctor(config, resolver, "--auth", "--format", "json")
    # then
    auth = checks(result)[-1]
    assert (auth["ok"], auth["detail"]) == (False, "project not found: gone")


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["--deployment", "nope"], "error: --deployment: 'nope' is not in the config; one of prod"),
        (["--nameserver", "dns.local"], "error: --nameserver: 'dns.local' is not IP[:PORT]"),
        (["--timeout", "0"], "error: --timeout: 0 seconds; give 0.1 to 120"),
        (["--ca-bundle", "/nonexistent.pem"], "error: --ca-bundle: /nonexistent.pem: not a"),
        (["--auth"], "error: --auth reads ALIBABA_CLOUD_ACCESS_KEY_ID"),
    ],
)
def test_fails_in_one_line_when_it_cannot_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], line: str
) -> None:
    # given
    for variable in ("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET"):
        monkeypatch.delenv(variable, raising=False)
    config = write_config(tmp_path, [deployment(443, 443)])
    # when
    result = runner.invoke(app, ["doctor", "-c", str(config), *args])
    # then
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(line), result.stderr
    assert result.stdout == ""


def test_the_readme_sample_is_what_doctor_prints() -> None:
    # given the sample under "After apply: `mcpl doctor`" in the README
    readme = (ROOT / "README.md").read_text()
    sample = readme.split("$ mcpl doctor\n")[1].split("```")[0].splitlines()
    # when each line is parsed back into a check and printed as doctor prints it
    pattern = re.compile(r"([\u2714\u2718]) (\S+)  (maxcompute|tunnel) +(\w+) +(.*)")
    parsed: list[Check] = []
    for line in sample[:-1]:
        if line.startswith("    hint: "):
            parsed[-1] = dataclasses.replace(parsed[-1], hint=line.removeprefix("    hint: "))
            continue
        match = pattern.fullmatch(line)
        assert match is not None, line
        mark, name, endpoint, step, detail = match.groups()
        parsed.append(Check(name, endpoint, step, mark == "\u2714", detail))  # type: ignore[arg-type]
    printed = [line for check in parsed for line in text_lines(check)]
    # then the sample is the command's own format, totals included
    assert printed == sample[:-1]
    assert sample[-1] == totals(parsed)


def test_a_server_that_drips_its_answer_is_cut_off_at_the_timeout(
    tmp_path: Path, resolver: DnsResponder
) -> None:
    # given: both endpoints answer one byte every 50 ms, for 20 s
    with dripping_server() as port:
        config = write_config(tmp_path, [deployment(port, port, protocol="http")])
        began = time.monotonic()
        # when
        result = doctor(config, resolver, "--timeout", "0.5", "--format", "json")
        elapsed = time.monotonic() - began
    # then: the http step of each endpoint fails after its 0.5 s, not after 20 s
    assert result.exit_code == 1
    http = [c for c in checks(result) if c["check"] == "http"]
    assert [c["detail"] for c in http] == [
        "GET /api: no whole answer within 0.5 s",
        "GET /: no whole answer within 0.5 s",
    ]
    assert elapsed < 10, elapsed


def test_every_address_together_gets_one_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    # given: 30 addresses that drop every SYN (each connect waits out its timeout)
    from maxcompute_privatelink.model.config import validate_config
    from maxcompute_privatelink.outputs import doctor as checks_module

    given: list[float] = []

    def dropping(address: tuple[str, int], timeout: float) -> socket.socket:
        given.append(timeout)
        time.sleep(timeout)
        raise TimeoutError("timed out")

    monkeypatch.setattr(socket, "create_connection", dropping)
    config = validate_config({"deployments": [deployment(443, 443)]})
    probe = checks_module._Probe(
        config.deployments[0], "maxcompute", "https://h:443", checks_module.Options(timeout=0.3)
    )
    # when
    connected = checks_module._tcp(probe, [f"10.0.0.{i}" for i in range(1, 31)])
    # then: the attempts share the 0.3 s; none is tried once it is spent
    assert connected is None
    assert sum(given) <= 0.3
    assert len(given) <= 30
    assert probe.checks[-1].detail.startswith("10.0.0.1: timed out; 10.0.0.2: timed out")


@pytest.mark.parametrize("server", ["8.8.8.8", "1.1.1.1:53", "2001:4860:4860::8888"])
def test_fails_when_the_nameserver_is_a_public_address(tmp_path: Path, server: str) -> None:
    # given
    config = write_config(tmp_path, [deployment(443, 443)])
    # when
    result = runner.invoke(app, ["doctor", "-c", str(config), "--nameserver", server])
    # then: refused before anything is sent
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: --nameserver: {server!r} is a public address")
