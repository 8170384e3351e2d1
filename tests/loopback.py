"""Servers on 127.0.0.1 for ``mcpl doctor``'s tests: a DNS responder (answers built with
dnspython), HTTP(S) servers that answer as MaxCompute does to unsigned requests (an XML
error and a request id), and a throw-away CA (cryptography). Nothing leaves loopback."""

from __future__ import annotations

import datetime
import http.server
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

REQUEST_ID = "20261126061500abcdef"
PROJECT = "proj1"
"""The project the fake MaxCompute knows (``--auth``)."""


@dataclass
class DnsResponder:
    """Answers A queries from ``records`` (NXDOMAIN for other names); with ``silent``,
    never answers. ``queries`` lists the names asked."""

    records: dict[str, list[str]] = field(default_factory=dict)
    silent: bool = False
    queries: list[str] = field(default_factory=list)
    port: int = 0

    @contextmanager
    def running(self) -> Iterator[DnsResponder]:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind(("127.0.0.1", 0))
        sock.settimeout(0.1)
        self.port = sock.getsockname()[1]
        stop = threading.Event()

        def serve() -> None:
            while not stop.is_set():
                try:
                    wire, peer = sock.recvfrom(4096)
                except TimeoutError:
                    continue
                query = dns.message.from_wire(wire)
                name = query.question[0].name.to_text().rstrip(".")
                self.queries.append(name)
                if self.silent:
                    continue
                response = dns.message.make_response(query)
                if name in self.records:
                    response.answer.append(
                        dns.rrset.from_text(name + ".", 60, "IN", "A", *self.records[name])
                    )
                else:
                    response.set_rcode(dns.rcode.NXDOMAIN)
                sock.sendto(response.to_wire(), peer)

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            stop.set()
            thread.join()
            sock.close()


@dataclass(frozen=True)
class Ca:
    """A throw-away CA: its PEM bundle, and leaf certificates it signs."""

    bundle: Path
    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate

    @staticmethod
    def create(folder: Path) -> Ca:
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Doctor Test CA")])
        now = datetime.datetime.now(datetime.UTC)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256())
        )
        bundle = folder / "ca.pem"
        bundle.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        return Ca(bundle, key, certificate)

    def leaf(self, folder: Path, *names: str) -> tuple[Path, Path]:
        """A certificate for ``names`` and its key, as PEM files."""
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.now(datetime.UTC)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
            .issuer_name(self.certificate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=7))
            .add_extension(
                x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False
            )
            .sign(self.key, hashes.SHA256())
        )
        cert_file, key_file = folder / f"{names[0]}.pem", folder / f"{names[0]}.key"
        cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        key_file.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        return cert_file, key_file


class _MaxCompute(http.server.BaseHTTPRequestHandler):
    """Unsigned requests get MaxCompute's XML error and a request id; ``--auth``'s signed
    GET of /api/projects/<name> gets the project (PyODPS reads its owner and times from
    headers: odps/models/project.py, ``reload``), 404 NoSuchObject, or 403 for a key id
    holding ``rejected``."""

    def do_GET(self) -> None:
        signed = self.headers.get("Authorization") or ""
        headers = {"Content-Type": "application/xml", "x-odps-request-id": REQUEST_ID}
        if not signed:
            status, code = 400, "InvalidRequest"
            body = f"<Error><Code>{code}</Code><RequestId>{REQUEST_ID}</RequestId></Error>"
        elif "rejected" in signed.split(":")[0]:
            status, body = 403, "<Error><Code>InvalidAccessKeyId</Code></Error>"
        elif self.path.startswith(f"/api/projects/{PROJECT}"):
            status, body = 200, f"<Project><Name>{PROJECT}</Name></Project>"
            stamp = "Mon, 02 Nov 2026 10:00:00 GMT"
            headers |= {"x-odps-owner": "ALIYUN$owner", "x-odps-creation-time": stamp}
            headers["Last-Modified"] = stamp
        else:
            status, body = 404, "<Error><Code>NoSuchObject</Code></Error>"
        data = ('<?xml version="1.0" encoding="UTF-8"?>' + body).encode()
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@contextmanager
def maxcompute_server(certificate: tuple[Path, Path] | None = None) -> Iterator[int]:
    """A fake MaxCompute on 127.0.0.1 (https with ``certificate``); yields its port."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _MaxCompute)
    if certificate is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(str(certificate[0]), str(certificate[1]))
        server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@contextmanager
def dripping_server(*, interval: float = 0.05, limit: float = 20.0) -> Iterator[int]:
    """A server on 127.0.0.1 that answers any request with an HTTP status line and then one
    byte every ``interval`` seconds, for ``limit`` seconds at most (a slow-loris answer:
    each read gets a byte in time, the answer never ends); yields its port."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.1)
    stop = threading.Event()

    def drip(connection: socket.socket) -> None:
        with connection:
            connection.settimeout(limit)
            try:
                connection.recv(65536)
                connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
                began = time.monotonic()
                while not stop.is_set() and time.monotonic() - began < limit:
                    connection.sendall(b"x")
                    time.sleep(interval)
            except OSError:
                return

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=drip, args=(connection,), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        listener.close()
