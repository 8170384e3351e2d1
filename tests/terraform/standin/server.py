"""The stand-in alicloud provider on the wire: Terraform's plugin protocol 5 over gRPC,
started by Terraform through go-plugin's handshake.

go-plugin (hashicorp/go-plugin ``client.go``, ``Client.Start``): Terraform starts the
plugin with ``PLUGIN_CLIENT_CERT`` (AutoMTLS) and reads one line from its stdout,
``CORE|APP|NETWORK|ADDRESS|PROTOCOL|SERVER_CERT``: core protocol 1, provider protocol
5, a TCP address on loopback, ``grpc``, and the server's certificate as unpadded base64
DER, which becomes the client's root CA.
"""

from __future__ import annotations

import base64
import datetime
import json
import sys
from concurrent import futures
from typing import Any

import grpc
import msgpack
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from terraform.standin import api_rules, lifecycle, ram, releases
from terraform.standin import provider as behaviour
from terraform.standin.provider import UNKNOWN, Diagnostics

# compiled from the .proto files when first imported (grpcio-tools), found through the
# folder above the package on sys.path
protos, services = grpc.protos_and_services("terraform/standin/tfplugin5.proto")
controller_protos, controller_services = grpc.protos_and_services(
    "terraform/standin/grpc_controller.proto"
)

READERS = {
    "alicloud_vpcs": behaviour.read_vpcs,
    "alicloud_vswitches": behaviour.read_vswitches,
    "alicloud_pvtz_zones": behaviour.read_pvtz_zones,
}
"""The data sources the stand-in reads, each from its cloud."""
NESTING = {"single": 1, "list": 2, "set": 3, "map": 4, "group": 5}


def decode(value: Any) -> Any:
    """A DynamicValue as Python data; unknowns (any msgpack extension) as ``UNKNOWN``."""
    if value.msgpack:
        return msgpack.unpackb(
            value.msgpack, raw=False, strict_map_key=False, ext_hook=lambda _c, _d: UNKNOWN
        )
    if value.json:
        return json.loads(value.json)
    return None


def _default(value: Any) -> Any:
    if value is UNKNOWN:
        return msgpack.ExtType(0, b"")
    raise TypeError(f"cannot encode {value!r}")


def encode(value: Any) -> Any:
    return protos.DynamicValue(msgpack=msgpack.packb(value, default=_default, use_bin_type=True))


def diagnostics(found: Diagnostics) -> list[Any]:
    result = []
    for severity, summary, detail, path in found:
        steps = [protos.AttributePath.Step(attribute_name=name) for name in path]
        result.append(
            protos.Diagnostic(
                severity=1 if severity == "error" else 2,
                summary=summary,
                detail=detail,
                attribute=protos.AttributePath(steps=steps) if steps else None,
            )
        )
    return result


def schema_message(schema: dict[str, Any]) -> Any:
    def block(node: dict[str, Any]) -> Any:
        return protos.Schema.Block(
            version=node.get("version", 0),
            attributes=[
                protos.Schema.Attribute(
                    name=name,
                    type=json.dumps(attribute["type"]).encode(),
                    description=attribute.get("description", ""),
                    required=attribute.get("required", False),
                    optional=attribute.get("optional", False),
                    computed=attribute.get("computed", False),
                    sensitive=attribute.get("sensitive", False),
                    deprecated=attribute.get("deprecated", False),
                )
                for name, attribute in sorted(node.get("attributes", {}).items())
            ],
            block_types=[
                protos.Schema.NestedBlock(
                    type_name=name,
                    block=block(nested["block"]),
                    nesting=NESTING[nested["nesting_mode"]],
                    min_items=nested.get("min_items", 0),
                    max_items=nested.get("max_items", 0),
                )
                for name, nested in sorted(node.get("block_types", {}).items())
            ],
        )

    return protos.Schema(version=schema.get("version", 0), block=block(schema["block"]))


class Provider(services.ProviderServicer):  # type: ignore[misc,name-defined]
    def __init__(self) -> None:
        self.schemas = releases.adjust(behaviour.load_schema())
        self.cloud = behaviour.cloud_from_environment()
        self.policy = ram.policy_from_environment()
        self.region = "cn-hangzhou"

    def _block(self, kind: str, data_source: bool = False) -> dict[str, Any]:
        group = "data_source_schemas" if data_source else "resource_schemas"
        block: dict[str, Any] = self.schemas[group][kind]["block"]
        return block

    def GetSchema(self, request: Any, context: Any) -> Any:
        clean = behaviour.strip_x(self.schemas)
        return protos.GetProviderSchema.Response(
            provider=schema_message(clean["provider"]),
            resource_schemas={k: schema_message(v) for k, v in clean["resource_schemas"].items()},
            data_source_schemas={
                k: schema_message(v) for k, v in clean["data_source_schemas"].items()
            },
        )

    def PrepareProviderConfig(self, request: Any, context: Any) -> Any:
        return protos.PrepareProviderConfig.Response(prepared_config=request.config)

    def ValidateResourceTypeConfig(self, request: Any, context: Any) -> Any:
        found = behaviour.validate(self._block(request.type_name), decode(request.config))
        return protos.ValidateResourceTypeConfig.Response(diagnostics=diagnostics(found))

    def ValidateDataSourceConfig(self, request: Any, context: Any) -> Any:
        block = self._block(request.type_name, data_source=True)
        found = behaviour.validate(block, decode(request.config))
        return protos.ValidateDataSourceConfig.Response(diagnostics=diagnostics(found))

    def UpgradeResourceState(self, request: Any, context: Any) -> Any:
        raw = json.loads(request.raw_state.json) if request.raw_state.json else {}
        state = behaviour.normalize(self._block(request.type_name), raw)
        return protos.UpgradeResourceState.Response(upgraded_state=encode(state))

    def Configure(self, request: Any, context: Any) -> Any:
        config = decode(request.config) or {}
        if isinstance(config.get("region"), str):
            self.region = config["region"]
        return protos.Configure.Response()

    def _refusal(
        self, kind: str, operation: str, prior: Any, planned: Any, **options: Any
    ) -> tuple[int | None, Diagnostics]:
        """RAM's answer to the calls of ``operation``: the index of the first refused call
        (None: all allowed) and its error."""
        if not options.get("data_source"):
            attributes = self._block(kind).get("attributes", {})
            options["defaults"] = {
                name: a["x_default"] for name, a in attributes.items() if "x_default" in a
            }
        performed = ram.calls(kind, operation, prior, planned, **options)
        index = ram.refused(performed, self.policy)
        found = Diagnostics()
        if index is not None:
            found.error(*ram.forbidden_message(performed[index]))
        return index, found

    def ReadResource(self, request: Any, context: Any) -> Any:
        current = decode(request.current_state)
        if current is not None:
            refused, found = self._refusal(request.type_name, "read", current, current)
            if refused is not None:
                return protos.ReadResource.Response(diagnostics=diagnostics(found))
        if current is None or self.cloud.path is None:
            return protos.ReadResource.Response(new_state=request.current_state)
        stored = self.cloud.get(request.type_name, current["id"])
        if stored is not None:
            stored = behaviour.normalize(self._block(request.type_name), stored)
        return protos.ReadResource.Response(new_state=encode(stored), private=request.private)

    def PlanResourceChange(self, request: Any, context: Any) -> Any:
        block = self._block(request.type_name)
        planned, replace = behaviour.plan(
            block,
            decode(request.prior_state),
            decode(request.proposed_new_state),
            decode(request.config),
        )
        return protos.PlanResourceChange.Response(
            planned_state=encode(planned),
            requires_replace=[
                protos.AttributePath(steps=[protos.AttributePath.Step(attribute_name=name)])
                for name in replace
            ],
            planned_private=request.prior_private,
        )

    def ApplyResourceChange(self, request: Any, context: Any) -> Any:
        kind, prior, planned = request.type_name, decode(request.prior_state), None
        planned = decode(request.planned_state)
        if planned is None:
            refused, found = self._refusal(kind, "delete", prior, prior)
            if refused == 0:  # nothing happened: the object stays
                return protos.ApplyResourceChange.Response(
                    new_state=request.prior_state, diagnostics=diagnostics(found)
                )
            if refused is None:
                with self.cloud.state() as data:
                    blocked = lifecycle.delete_refusal(kind, prior["id"], data)
                if blocked is not None:  # the provider retries until its timeout, then fails
                    found.error(blocked)
                    return protos.ApplyResourceChange.Response(
                        new_state=request.prior_state, diagnostics=diagnostics(found)
                    )
            self.cloud.delete(kind, prior["id"])
            return protos.ApplyResourceChange.Response(
                new_state=encode(None), diagnostics=diagnostics(found)
            )
        if prior is not None and prior.get("id") != planned.get("id"):
            self.cloud.delete(kind, prior["id"])
            prior = None  # replaced: the new object is created
        operation = "create" if prior is None else "update"
        invalid = api_rules.refusals(kind, planned)
        if invalid:  # the API refuses the request: nothing changes
            found = Diagnostics()
            for summary, detail in invalid:
                found.error(summary, detail)
            return protos.ApplyResourceChange.Response(
                new_state=request.prior_state, diagnostics=diagnostics(found)
            )
        refused, found = self._refusal(kind, operation, prior, planned)
        if refused == 0:  # refused before anything changed
            return protos.ApplyResourceChange.Response(
                new_state=request.prior_state if operation == "update" else encode(None),
                diagnostics=diagnostics(found),
            )
        # created (and maybe refused later, as the real provider is: Terraform then
        # keeps the object, tainted)
        state = behaviour.fill(kind, self._block(kind), planned, self.region)
        if operation == "create":
            state, timed_out = lifecycle.settle(kind, state)
            if timed_out is not None:  # kept, with its id: Terraform taints it
                found.error(timed_out)
        self.cloud.put(kind, releases.api_view(kind, state))
        return protos.ApplyResourceChange.Response(
            new_state=encode(state), diagnostics=diagnostics(found)
        )

    def ImportResourceState(self, request: Any, context: Any) -> Any:
        stored = self.cloud.get(request.type_name, request.id)
        if stored is None:
            found = Diagnostics()
            found.error(
                "Cannot import non-existent remote object",
                f"{request.type_name} {request.id} does not exist in the stand-in cloud",
            )
            return protos.ImportResourceState.Response(diagnostics=diagnostics(found))
        state = behaviour.normalize(self._block(request.type_name), stored)
        return protos.ImportResourceState.Response(
            imported_resources=[
                protos.ImportResourceState.ImportedResource(
                    type_name=request.type_name, state=encode(state)
                )
            ]
        )

    def ReadDataSource(self, request: Any, context: Any) -> Any:
        config = decode(request.config)
        block = self._block(request.type_name, data_source=True)
        reader = READERS.get(request.type_name)
        if reader is None:
            found = Diagnostics()
            found.error(f"the stand-in does not read {request.type_name}")
            return protos.ReadDataSource.Response(diagnostics=diagnostics(found))
        state = reader(block, config, self.cloud)
        refused, found = self._refusal(
            request.type_name, "read", None, config, data_source=True, found=bool(state["ids"])
        )
        if refused is not None:
            return protos.ReadDataSource.Response(diagnostics=diagnostics(found))
        return protos.ReadDataSource.Response(state=encode(state))

    def Stop(self, request: Any, context: Any) -> Any:
        return protos.Stop.Response()


class Controller(controller_services.GRPCControllerServicer):  # type: ignore[misc,name-defined]
    """Ends the process when Terraform says it is done, instead of being killed later."""

    def __init__(self, server: Any) -> None:
        self.server = server

    def Shutdown(self, request: Any, context: Any) -> Any:
        self.server.stop(grace=0.5)
        return controller_protos.Empty()


def _certificate() -> tuple[bytes, bytes, bytes]:
    """A self-signed certificate for localhost, as go-plugin's own generateCert makes."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "HashiCorp")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(seconds=30))
        .not_valid_after(now + datetime.timedelta(hours=12))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=True,
                data_encipherment=False,
                key_agreement=True,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return (
        key_pem,
        certificate.public_bytes(serialization.Encoding.PEM),
        certificate.public_bytes(serialization.Encoding.DER),
    )


def serve() -> None:
    import os

    if "TF_PLUGIN_MAGIC_COOKIE" not in os.environ:
        print("This is a Terraform provider plugin: Terraform starts it.", file=sys.stderr)
        raise SystemExit(1)
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    services.add_ProviderServicer_to_server(Provider(), server)
    checker = health.HealthServicer()
    checker.set("plugin", health_pb2.HealthCheckResponse.SERVING)
    health_pb2_grpc.add_HealthServicer_to_server(checker, server)
    controller_services.add_GRPCControllerServicer_to_server(Controller(server), server)
    client_certificate = os.environ.get("PLUGIN_CLIENT_CERT")
    if client_certificate:
        key_pem, certificate_pem, certificate_der = _certificate()
        # Terraform's client certificate is ECDSA P-521, which BoringSSL (grpcio's TLS)
        # does not accept for client authentication; Go then sends none. The connection
        # is still TLS on loopback, with the server certificate Terraform pinned.
        credentials = grpc.ssl_server_credentials([(key_pem, certificate_pem)])
        port = server.add_secure_port("127.0.0.1:0", credentials)
        shown = base64.b64encode(certificate_der).decode().rstrip("=")
    else:
        port = server.add_insecure_port("127.0.0.1:0")
        shown = ""
    server.start()
    print(f"1|5|tcp|127.0.0.1:{port}|grpc|{shown}", flush=True)
    server.wait_for_termination()
