"""``mcpl doctor``: the guide's step 3 as a command. Is the private path to MaxCompute
really working from this machine?

For each deployment, each of its two endpoints (MaxCompute and Tunnel) is checked in
order. Each step runs only when the one before it passed:
- dns: resolve the host, with the system resolver (as the clients do) or ``--nameserver``.
- tcp: connect to the address DNS gave.
- tls: an https handshake that verifies the host name.
- http: an unsigned GET, which MaxCompute answers with an error and a request id.
- auth: with ``--auth``, one signed, read-only request through PyODPS.

Nothing is sent to an address outside private ranges: an answer that is public fails
the dns step, and that endpoint is not probed further; a public ``--nameserver`` is
refused. ``--timeout`` bounds each step as a whole: every address tried, the TLS
handshake, the whole HTTP answer (a server that drips one byte at a time is cut off).
The connections go to the address the dns step checked, never to a name resolved again
(PyODPS, for ``--auth``, resolves the name itself: it runs only after the dns step
passed).
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import math
import queue
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar
from urllib.parse import urlsplit

from maxcompute_privatelink import __version__
from maxcompute_privatelink.errors import OptionError
from maxcompute_privatelink.model.config import Deployment, PrivateLinkConfig
from maxcompute_privatelink.model.plan import EXISTING_VPC_CIDR
from maxcompute_privatelink.outputs.render import Credentials
from maxcompute_privatelink.outputs.stack_outputs import StackOutputs

Endpoint = Literal["maxcompute", "tunnel"]
Step = Literal["dns", "tcp", "tls", "http", "auth"]
ENDPOINTS: tuple[Endpoint, ...] = ("maxcompute", "tunnel")

PRIVATE_RANGES = tuple(
    ipaddress.ip_network(block)
    for block in (
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "fc00::/7",
        "::1/128",
    )
)
"""Where a PrivateLink endpoint can be: RFC 1918, shared address space (100.64/10, which
Alibaba's services use), unique local IPv6, and loopback (a test server on this machine)."""

REQUEST_ID_HEADER = "x-odps-request-id"
"""Where MaxCompute and Tunnel name a request: PyODPS reads it from every error answer
(odps/errors.py, ``parse_response``: ``resp.headers.get("x-odps-request-id")``)."""

USER_AGENT = f"mcpl-doctor/{__version__}"


@dataclass(frozen=True)
class Check:
    """One step's result: what ``--format json`` lists."""

    deployment: str
    endpoint: Endpoint
    check: Step
    ok: bool
    detail: str
    hint: str | None = None


@dataclass(frozen=True)
class Options:
    nameserver: tuple[str, int] | None = None
    """Ask this DNS server directly; None: the system resolver."""
    tls: ssl.SSLContext = field(default_factory=ssl.create_default_context)
    """Verifies the endpoints' certificates (``ssl_context``): built once. Default: the
    system's CAs."""
    timeout: float = 5.0
    """Seconds each step may take, all of it: every address, the whole answer."""
    credentials: Credentials | None = None
    """With ``--auth``: the clients' credentials, from the environment."""


def nameserver(value: str) -> tuple[str, int]:
    """``HOST[:PORT]`` of ``--nameserver``, an IP address (port 53 by default)."""
    host, port_text = value.split(":") if value.count(":") == 1 else (value, "")
    try:
        address = str(ipaddress.ip_address(host.strip("[]")))
        port = int(port_text) if port_text else 53
    except ValueError:
        raise OptionError(
            "--nameserver", f"{value!r} is not IP[:PORT]; give an address, like 10.0.0.2:53"
        ) from None
    if not 1 <= port <= 65535:
        raise OptionError("--nameserver", f"{value!r}: a port is a number from 1 to 65535")
    if not is_private(address):
        raise OptionError(
            "--nameserver",
            f"{value!r} is a public address, and doctor sends nothing outside private "
            "ranges; give the VPC's resolver (a private address, like 100.100.2.136)",
        )
    return address, port


def ssl_context(ca_bundle: Path | None) -> ssl.SSLContext:
    """Verifying context: the system's CAs, or ``ca_bundle``'s."""
    try:
        return ssl.create_default_context(cafile=str(ca_bundle) if ca_bundle else None)
    except (OSError, ssl.SSLError) as error:
        raise OptionError(
            "--ca-bundle", f"{ca_bundle}: not a readable PEM bundle ({error})"
        ) from None


def is_private(address: str) -> bool:
    parsed = ipaddress.ip_address(address)
    return any(parsed in network for network in PRIVATE_RANGES)


T = TypeVar("T")


def _within(seconds: float, call: Callable[[], T], connection: socket.socket | None = None) -> T:
    """``call()``, or TimeoutError after ``seconds`` (it keeps running, in a daemon thread:
    ``getaddrinfo`` has no timeout of its own, and a socket's timeout bounds each read,
    not the whole answer). ``connection``: shut down on time-out, which ends the call."""
    results: queue.Queue[tuple[bool, Any]] = queue.Queue(maxsize=1)

    def run() -> None:
        try:
            results.put((True, call()))
        except BaseException as error:  # handed to the caller
            results.put((False, error))

    threading.Thread(target=run, daemon=True).start()
    try:
        ok, value = results.get(timeout=seconds)
    except queue.Empty:
        if connection is not None:
            # shutdown, not just close: a blocked read in the call's thread holds the
            # socket (its makefile) open, and only a shutdown wakes it
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
            connection.close()
        raise TimeoutError(f"no answer within {seconds:g} s") from None
    if not ok:
        raise value
    result: T = value
    return result


# -- the steps -----------------------------------------------------------------------------


@dataclass
class _Probe:
    """One endpoint's checks so far, and what the next step needs."""

    deployment: Deployment
    endpoint: Endpoint
    url: str
    options: Options
    checks: list[Check] = field(default_factory=list)
    addresses: tuple[str, ...] = ()
    """What the dns step found, all private: the only addresses anything connects to."""

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""

    @property
    def port(self) -> int:
        parts = urlsplit(self.url)
        return parts.port or (443 if parts.scheme == "https" else 80)

    def record(self, step: Step, ok: bool, detail: str, hint: str | None = None) -> bool:
        self.checks.append(
            Check(self.deployment.name, self.endpoint, step, ok, detail, None if ok else hint)
        )
        return ok


def _resolve(host: str, port: int, options: Options) -> list[str]:
    if options.nameserver is None:
        infos = _within(
            options.timeout, lambda: socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        )
        return list(dict.fromkeys(str(info[4][0]) for info in infos))
    import dns.resolver

    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = [options.nameserver[0]]
    resolver.port = options.nameserver[1]
    resolver.timeout = resolver.lifetime = options.timeout
    answer = resolver.resolve(host, "A", search=False)
    return [record.to_text() for record in answer]


VPC_NAMESERVERS = "100.100.2.136 and 100.100.2.138"
"""What an ECS instance in a VPC resolves with by default (Alibaba Cloud's VPC DNS)."""


def _unanswered(error: BaseException) -> bool:
    """Whether the resolver itself did not answer (down, unreachable, timed out), rather
    than answering that the name does not exist."""
    import dns.exception
    import dns.resolver

    if isinstance(error, socket.gaierror):  # the system resolver: EAI_AGAIN, no server
        return error.errno in (socket.EAI_AGAIN, getattr(socket, "EAI_SYSTEM", None))
    return isinstance(error, (TimeoutError, OSError, dns.exception.Timeout,
                              dns.resolver.NoNameservers))  # fmt: skip


def _resolver_hint(probe: _Probe) -> str:
    if probe.options.nameserver is not None:
        host, port = probe.options.nameserver
        return (
            f"the nameserver {host}:{port} did not answer: is it running and reachable from "
            f"here? In a VPC, the VPC's own are {VPC_NAMESERVERS}"
        )
    return (
        "this machine's resolver did not answer: check its DNS settings (/etc/resolv.conf; "
        f"in a VPC, {VPC_NAMESERVERS}), or ask one directly with --nameserver"
    )


def _dns_hint(probe: _Probe) -> str:
    d = probe.deployment
    names = d.plan.private_zone
    if d.dns == "private_zone" and names is not None:
        return (
            f"the PrivateZone zone {names.zone_name} must hold the record of {probe.host} and "
            "be attached to this machine's VPC (terraform apply creates both); run doctor "
            "from inside that VPC"
        )
    if d.dns == "console":
        return (
            "turn on Custom Domain Name for both endpoints in the VPC console (dns: console "
            "leaves it to you), and run doctor from inside the VPC"
        )
    return "dns: none uses the endpoints' own domains: pass --tf-output from after apply"


def _dns(probe: _Probe) -> list[str] | None:
    try:
        addresses = _resolve(probe.host, probe.port, probe.options)
    except Exception as error:  # NXDOMAIN, no answer, timeout, refused: all "no answer"
        reason = type(error).__name__ if not str(error) else str(error).splitlines()[0]
        hint = _resolver_hint(probe) if _unanswered(error) else _dns_hint(probe)
        probe.record("dns", False, f"{probe.host}: no answer ({reason})", hint)
        return None
    public = [a for a in addresses if not is_private(a)]
    if public:
        probe.record(
            "dns",
            False,
            f"{probe.host} resolves to a public address ({', '.join(public)}): not the "
            "PrivateLink endpoint; not probed further",
            _dns_hint(probe),
        )
        return None
    detail = f"{probe.host} -> {', '.join(addresses)}"
    vpc_cidr = probe.deployment.vpc_cidr
    if vpc_cidr is not None and vpc_cidr != EXISTING_VPC_CIDR:
        vpc = ipaddress.ip_network(vpc_cidr)
        inside = all(ipaddress.ip_address(a) in vpc for a in addresses)
        detail += f" ({'inside' if inside else 'outside'} the VPC's {vpc_cidr})"
    probe.record("dns", True, detail)
    probe.addresses = tuple(addresses)
    return addresses


def _tcp_hint(probe: _Probe) -> str:
    d = probe.deployment
    port = probe.port
    if d.security_group_ids is not None:
        groups = ", ".join(d.security_group_ids)
        return f"the endpoints use {groups}: allow TCP {port} from this machine's network there"
    networks = ", ".join(n for n in d.plan.admitted_networks)
    return (
        f"the security group {d.name}-maxcompute-endpoints admits TCP {port} only from "
        f"{networks}: is this machine in one of them? (allowed_cidrs)"
    )


def _tcp(probe: _Probe, addresses: Sequence[str]) -> socket.socket | None:
    """Connect to the first address that answers, all of them within ``--timeout``: each
    gets an equal share of what is left."""
    errors: list[str] = []
    deadline = time.monotonic() + probe.options.timeout
    for index, address in enumerate(addresses):  # each one checked private by the dns step
        left = deadline - time.monotonic()
        if left <= 0:
            errors.append(f"{address}: not tried (--timeout {probe.options.timeout:g} s spent)")
            continue
        try:
            connection = socket.create_connection(
                (address, probe.port), left / (len(addresses) - index)
            )
        except OSError as error:
            errors.append(f"{address}: {error.strerror or error}")
            continue
        probe.record("tcp", True, f"connected to {address}:{probe.port}")
        return connection
    probe.record("tcp", False, "; ".join(errors), _tcp_hint(probe))
    return None


def _tls(probe: _Probe, connection: socket.socket) -> ssl.SSLSocket | None:
    timeout = probe.options.timeout
    try:
        secure = _within(
            timeout,
            lambda: probe.options.tls.wrap_socket(connection, server_hostname=probe.host),
            connection,
        )
    except TimeoutError:
        probe.record(
            "tls", False, f"no handshake within {timeout:g} s", "the port answers, but not with TLS"
        )
        return None
    except ssl.SSLCertVerificationError as error:
        connection.close()
        message = error.verify_message or str(error)
        if "hostname" in message.lower() or "match" in message.lower():
            hint = (
                "the certificate is not for this host name: dns: none with https reaches "
                "the endpoint's own domain, which MaxCompute's certificate does not cover "
                "(use dns: private_zone or console); or a TLS-inspecting proxy answered"
                if probe.deployment.dns == "none"
                else "the certificate is not for this host name: is this the MaxCompute "
                "endpoint, or a TLS-inspecting proxy?"
            )
        else:
            hint = "the certificate is not trusted: on a TLS-inspecting network pass --ca-bundle"
        probe.record("tls", False, f"certificate check failed: {message}", hint)
        return None
    except (OSError, ssl.SSLError) as error:
        connection.close()
        probe.record(
            "tls", False, f"handshake failed: {error}", "the port answers, but not with TLS"
        )
        return None
    certificate = secure.getpeercert() or {}
    issuer: dict[str, str] = {}
    for relative_name in certificate.get("issuer", ()):
        for pair in relative_name:
            if isinstance(pair, tuple) and len(pair) == 2:
                issuer[str(pair[0])] = str(pair[1])
    who = issuer.get("organizationName") or issuer.get("commonName") or "unknown issuer"
    until = certificate.get("notAfter", "?")
    probe.record("tls", True, f"{secure.version()}, certificate by {who}, until {until}")
    return secure


def _http(probe: _Probe, connection: socket.socket) -> None:
    path = urlsplit(probe.url).path or "/"
    timeout = probe.options.timeout
    client = http.client.HTTPConnection(probe.host, probe.port, timeout=timeout)
    client.sock = connection  # the checked address, never the name resolved again

    def exchange() -> http.client.HTTPResponse:
        client.request("GET", path, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
        answer = client.getresponse()
        answer.read(65536)
        return answer

    try:
        response = _within(timeout, exchange, connection)
    except TimeoutError:
        client.close()
        probe.record(
            "http",
            False,
            f"GET {path}: no whole answer within {timeout:g} s",
            "the endpoint took the connection but answered too slowly or not at all: check "
            "the endpoint's status, and that this URL is the one its endpoint serves",
        )
        return
    except (OSError, http.client.HTTPException) as error:
        probe.record(
            "http",
            False,
            f"GET {path}: {error or type(error).__name__}",
            "the endpoint took the connection but sent no HTTP answer: check the endpoint's "
            "status, and that this URL is the one its endpoint serves",
        )
        return
    finally:
        client.close()
    request_id = response.getheader(REQUEST_ID_HEADER)
    detail = f"GET {path}: HTTP {response.status} {response.reason}"
    if request_id:
        detail += f", request id {request_id}"
    probe.record("http", True, detail)


def _probe(probe: _Probe) -> None:
    addresses = _dns(probe)
    if addresses is None:
        return
    connection = _tcp(probe, addresses)
    if connection is None:
        return
    if urlsplit(probe.url).scheme == "https":
        secure = _tls(probe, connection)
        if secure is None:
            return
        connection = secure
    _http(probe, connection)


# -- authentication (PyODPS) -----------------------------------------------------------------


@contextmanager
def _pinned(host: str, addresses: Sequence[str]) -> Iterator[None]:
    """While inside, ``host`` resolves to ``addresses`` only, in this process: PyODPS
    (through requests and urllib3, which call ``socket.getaddrinfo``) connects to the
    addresses the dns step checked, never to a name resolved again."""
    real = socket.getaddrinfo

    def getaddrinfo(name: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if name != host:
            return real(name, port, *args, **kwargs)
        return [info for address in addresses for info in real(address, port, *args, **kwargs)]

    socket.getaddrinfo = getaddrinfo  # type: ignore[assignment]  # same call, narrower
    try:
        yield
    finally:
        socket.getaddrinfo = real


def _auth(probe: _Probe, credentials: Credentials) -> Check:
    with _pinned(probe.host, probe.addresses):
        return _signed_request(probe.deployment, probe.url, credentials, probe.options.timeout)


def _signed_request(
    deployment: Deployment, url: str, credentials: Credentials, timeout: float
) -> Check:
    def result(ok: bool, detail: str, hint: str | None = None) -> Check:
        for secret in (
            credentials.access_key_id,
            credentials.access_key_secret,
            credentials.security_token,
        ):
            if secret:
                detail = detail.replace(secret, "***")
        return Check(deployment.name, "maxcompute", "auth", ok, detail, hint)

    if deployment.client is None:
        return result(
            False, "no client.project_name in the config", "add client: {project_name: ...}"
        )
    project = deployment.client.project_name
    from odps import ODPS, errors
    from odps import options as odps_options
    from odps.accounts import AliyunAccount, StsAccount

    # whole seconds (PyODPS refuses others), at least one
    odps_options.connect_timeout = odps_options.read_timeout = max(1, math.ceil(timeout))
    odps_options.retry_times = 0
    account = (
        StsAccount(
            credentials.access_key_id, credentials.access_key_secret, credentials.security_token
        )
        if credentials.security_token
        else AliyunAccount(credentials.access_key_id, credentials.access_key_secret)
    )
    client = ODPS(account=account, project=project, endpoint=url)
    try:
        client.get_project(project).reload()
    except errors.NoSuchObject:
        return result(False, f"project not found: {project}", "check client.project_name")
    except errors.ODPSError as error:
        code = getattr(error, "code", None) or type(error).__name__
        rejected = str(code) in _REJECTED or getattr(error, "status_code", None) in (401, 403)
        if rejected:
            return result(
                False,
                f"credentials rejected ({code})",
                "check ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET (and _SECURITY_TOKEN for STS)",
            )
        return result(False, f"request failed ({code}: {str(error).splitlines()[0]})")
    except Exception as error:  # the network, mostly
        return result(False, f"request failed ({type(error).__name__}: {error})")
    return result(True, f"authenticated; project {project} found")


_REJECTED = frozenset(
    {
        "InvalidAccessKeyId",
        "SignatureNotMatch",
        "InvalidAccessKeyId.NotFound",
        "AuthorizationRequired",
        "AccessDenied",
        "NoPermission",
        "InvalidSecurityToken.Expired",
        "AuthenticationRequestExpired",
    }
)


# -- the run ---------------------------------------------------------------------------------


def pyodps_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("odps") is not None


def selected(config: PrivateLinkConfig, names: Sequence[str]) -> list[Deployment]:
    """The deployments named (all when none is), in the config's order."""
    known = [d.name for d in config.deployments]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise OptionError(
            "--deployment", f"{unknown[0]!r} is not in the config; one of {', '.join(known)}"
        )
    return [d for d in config.deployments if not names or d.name in names]


def client_urls(deployment: Deployment, outputs: StackOutputs | None) -> dict[Endpoint, str | None]:
    """The URLs render writes: the plan's, or with ``dns: none`` the applied outputs'."""
    plan = deployment.plan
    if plan.maxcompute_endpoint is not None and plan.tunnel_endpoint is not None:
        return {"maxcompute": plan.maxcompute_endpoint, "tunnel": plan.tunnel_endpoint}
    values = outputs.values if outputs is not None else {}
    return {
        "maxcompute": values.get("maxcompute_endpoint"),
        "tunnel": values.get("tunnel_endpoint"),
    }


def diagnose(
    deployments: Sequence[Deployment],
    options: Options,
    outputs: dict[str, StackOutputs] | None = None,
) -> Iterator[Check]:
    """Every check, in order: per deployment, MaxCompute's steps, then Tunnel's, then
    auth when asked."""
    for deployment in deployments:
        urls = client_urls(deployment, (outputs or {}).get(deployment.name))
        reachable = True
        probes: dict[Endpoint, _Probe] = {}
        for endpoint in ENDPOINTS:
            url = urls[endpoint]
            if url is None:
                reachable = False
                yield Check(
                    deployment.name,
                    endpoint,
                    "dns",
                    False,
                    "the URL is the endpoint's own domain, known only after apply",
                    "pass --tf-output with `terraform output -json` (dns: none)",
                )
                continue
            probe = probes[endpoint] = _Probe(deployment, endpoint, url, options)
            _probe(probe)
            reachable = reachable and all(c.ok for c in probe.checks)
            yield from probe.checks
        if options.credentials is not None and reachable:
            yield _auth(probes["maxcompute"], options.credentials)


# -- the report ------------------------------------------------------------------------------


def text_lines(check: Check) -> list[str]:
    """A check for people: a mark, where, the detail; its hint on the next line."""
    mark = "\u2714" if check.ok else "\u2718"
    lines = [f"{mark} {check.deployment}  {check.endpoint:<10}  {check.check:<4}  {check.detail}"]
    if check.hint:
        lines.append(f"    hint: {check.hint}")
    return lines


def totals(checks: Sequence[Check], chosen: bool = False) -> str:
    """The last line: how many passed and failed. When every deployment was checked
    (no ``--deployment``), several, and only some failed, how to check just this
    machine's: from inside one VPC the others' endpoints are expected to fail."""
    failed = sum(not c.ok for c in checks)
    line = f"{len(checks)} checks: {len(checks) - failed} passed, {failed} failed"
    names = list(dict.fromkeys(c.deployment for c in checks))
    passing = [n for n in names if all(c.ok for c in checks if c.deployment == n)]
    if failed and not chosen and len(names) > 1:
        mine = passing[0] if len(passing) == 1 else "NAME"
        line += (
            f"; {len(names)} deployments were checked: from a machine in one VPC, check only "
            f"its own with -d {mine}"
        )
    return line
