"""One Terraform stack per deployment: provider, backend, the construct and its outputs."""

from __future__ import annotations

from constructs import Construct

from maxcompute_privatelink.construct import bindings as alicloud
from maxcompute_privatelink.construct.cdk import cdktf
from maxcompute_privatelink.construct.naming import HIDDEN_ID
from maxcompute_privatelink.construct.privatelink import MaxComputePrivateLink
from maxcompute_privatelink.construct.requirements import declare_providers
from maxcompute_privatelink.model.backend import STATE_KEY, BackendProps, OssBackendProps
from maxcompute_privatelink.model.props import MaxComputePrivateLinkProps

CONSTRUCT_ID = "maxcompute"
"""Prefix of every resource address in a deployment stack; part of the public contract."""

OUTPUTS: dict[str, str] = {
    "frontend_endpoint_id": "ID of the MaxCompute frontend endpoint (ep-...).",
    "tunnel_endpoint_id": "ID of the MaxCompute Tunnel endpoint (ep-...).",
    "frontend_endpoint_domain": "Domain name of the frontend endpoint, known after apply.",
    "tunnel_endpoint_domain": "Domain name of the Tunnel endpoint, known after apply.",
    "maxcompute_endpoint": "MaxCompute endpoint URL for clients (odps_config.ini end_point).",
    "tunnel_endpoint": "Tunnel endpoint URL for clients (odps_config.ini tunnel_endpoint).",
    "vpc_id": "ID of the VPC the endpoints are in.",
    "private_zone_id": "ID of the PrivateZone zone that resolves the client host names "
    "in the VPC (dns: private_zone only).",
    "manual_steps": "What to do by hand after apply (dns: console only).",
    "destroy_protection": "Why a destroy or replacement of the endpoints stops at "
    "Instance cannot be destroyed, and how to lift it (protect: true only).",
}
"""Output names and descriptions; names are read by `terraform output` users: stable."""


IMPORT_BLOCKS_TERRAFORM = "1.5.0"
"""The first Terraform with `import` blocks, which `adopt` writes: the floor of every
stack, so that one constraint holds for all of them."""

TABLESTORE_INSTANCE_TERRAFORM = "1.12.0"
"""The first Terraform whose oss backend takes ``tablestore_instance_name`` (hashicorp/
terraform#36253; 1.11.4 still refuses it as an unsupported argument)."""


DESTROY_PROTECTION = (
    "protect: true: Terraform refuses to destroy or replace this deployment's endpoints and "
    "their zone bindings. To destroy them, set protect: false on the deployment in the "
    "config and run mcpl synth (nothing to apply), then destroy again."
)
"""The ``destroy_protection`` output of a protected deployment. Terraform's own
prevent_destroy error is fixed text that names no config, and neither ``check`` blocks nor
output preconditions run in a destroy; but an errored plan (Terraform >= 1.4) still shows
its "Changes to Outputs", and a destroy removes this output: so `terraform destroy`,
`terraform plan -destroy` and `cdktf destroy` print it right above the error. It names no
deployment: a destroy shows the value of the last apply, which a rename since would make
stale."""


def required_version(backend: BackendProps | None) -> str:
    """The ``required_version`` of a stack: the lowest Terraform its features need."""
    if backend is not None and backend.oss.tablestore_instance_name is not None:
        return f">= {TABLESTORE_INSTANCE_TERRAFORM}"
    return f">= {IMPORT_BLOCKS_TERRAFORM}"


class DeploymentStack(cdktf.TerraformStack):
    """The stack of one deployment, named after it."""

    def __init__(
        self,
        scope: Construct,
        deployment: MaxComputePrivateLinkProps,
        *,
        state_path: str,
        backend: BackendProps | None = None,
    ) -> None:
        super().__init__(scope, deployment.name)
        declare_providers(
            self, alicloud.AlicloudProvider(self, "alicloud", region=deployment.region)
        )
        if backend is None:
            cdktf.LocalBackend(self, path=state_path)
        else:
            self._oss_backend(backend.oss, deployment.name)
        # under the id "Default", which cdktf leaves out of logical ids, the resources get
        # their fixed addresses (maxcompute_<role>) without one override round trip each
        self.privatelink = MaxComputePrivateLink(
            self, HIDDEN_ID, deployment, logical_prefix=CONSTRUCT_ID
        )
        # outputs of the construct's own stack: text references, no token round trips
        refs = self.privatelink.references()
        values: dict[str, str | None] = {
            "frontend_endpoint_id": refs.frontend_endpoint_id,
            "tunnel_endpoint_id": refs.tunnel_endpoint_id,
            "frontend_endpoint_domain": refs.frontend_endpoint_domain,
            "tunnel_endpoint_domain": refs.tunnel_endpoint_domain,
            "maxcompute_endpoint": refs.maxcompute_endpoint_url,
            "tunnel_endpoint": refs.tunnel_endpoint_url,
            "vpc_id": refs.vpc_id,
            "private_zone_id": refs.private_zone_id,
            "manual_steps": refs.manual_steps,
            "destroy_protection": DESTROY_PROTECTION if deployment.protect else None,
        }
        for name, description in OUTPUTS.items():
            value = values[name]
            if value is not None:  # an output exists only where the mode has the value
                cdktf.TerraformOutput(self, name, value=value, description=description)

    def _oss_backend(self, oss: OssBackendProps, stack: str) -> None:
        cdktf.OssBackend(
            self,
            bucket=oss.bucket,
            prefix=oss.stack_prefix(stack),
            key=STATE_KEY,
            region=oss.region,
            encrypt=oss.encrypt,
            acl=oss.acl,
            endpoint=oss.endpoint,
            tablestore_endpoint=oss.tablestore_endpoint,
            tablestore_table=oss.tablestore_table,
        )
        if oss.tablestore_instance_name is not None:
            # cdktf's OssBackend has no such argument; Terraform's oss backend does
            self.add_override(
                "terraform.backend.oss.tablestore_instance_name", oss.tablestore_instance_name
            )
