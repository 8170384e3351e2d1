"""The RAM policies the CI roles need: exactly the API actions the alicloud provider and
Terraform's oss backend call for the stacks mcpl writes, each with the call that needs it.

The plan role reads: what ``terraform plan`` calls (every resource's Read, the
``alicloud_vpcs``, ``alicloud_vswitches`` and ``alicloud_pvtz_zones`` data sources). The
apply role also writes: each resource's Create, Update and Delete, with the waits and
tag calls they make. Both reach the state, which ``backend.oss`` names. The test suite's
stand-in provider performs the same calls, read from the provider's source
(``tests/terraform/standin/ram_actions.json``, with file and line for each), and refuses
what a policy does not allow; a test fails when a printed action is never called, or a
call is not printed."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from maxcompute_privatelink.model.backend import OssBackendProps

READ: dict[str, str] = {
    "privatelink:GetVpcEndpointAttribute": "read an endpoint; wait for it after create",
    "privatelink:ListTagResources": "read an endpoint's tags",
    "privatelink:ListVpcEndpointSecurityGroups": "read an endpoint's security groups",
    "privatelink:ListVpcEndpointZones": "read a zone binding; wait for it after create",
    "vpc:DescribeVpcAttribute": "read a created VPC; wait for it",
    "vpc:DescribeRouteTableList": "read a created VPC's route table; data.alicloud_vpcs",
    "vpc:DescribeVpcs": "data.alicloud_vpcs: look up an existing VPC",
    "vpc:DescribeVSwitchAttributes": "read a created vSwitch; wait for it",
    "vpc:DescribeVSwitches": "data.alicloud_vswitches: check a given vSwitch's zone and VPC",
    "ecs:DescribeSecurityGroups": "read the created security group",
    "ecs:DescribeSecurityGroupAttribute": "read the security group and its rule",
    "pvtz:DescribeZoneInfo": "read the PrivateZone zone and its VPC bindings",
    "pvtz:DescribeSyncEcsHostTask": "read the PrivateZone zone (the provider always asks)",
    "pvtz:ListTagResources": "read the PrivateZone zone's tags",
    "pvtz:DescribeZoneRecords": "read the PrivateZone records",
    "pvtz:DescribeZones": "data.alicloud_pvtz_zones: check an existing zone's name and VPCs",
}
"""What every plan calls, with the reason (the apply role needs them too)."""

WRITE: dict[str, str] = {
    "vpc:CreateVpc": "create the VPC",
    "vpc:ModifyVpcAttribute": "rename or describe the VPC again",
    "vpc:DeleteVpc": "destroy the VPC",
    "vpc:MoveResourceGroup": "move the VPC to another resource_group_id",
    "vpc:CreateVSwitch": "create a vSwitch",
    "vpc:ModifyVSwitchAttribute": "rename or describe a vSwitch again",
    "vpc:DeleteVSwitch": "destroy a vSwitch",
    "vpc:TagResources": "tag the VPC and vSwitches (also right after create)",
    "vpc:UnTagResources": "remove a tag from the VPC or a vSwitch",
    "ecs:CreateSecurityGroup": "create the security group (with its tags)",
    "ecs:ModifySecurityGroupAttribute": "rename or describe the security group again",
    "ecs:ModifySecurityGroupPolicy": "set inner_access_policy (also right after create)",
    "ecs:DeleteSecurityGroup": "destroy the security group",
    "ecs:JoinResourceGroup": "move the security group to another resource_group_id",
    "ecs:AuthorizeSecurityGroup": "add the HTTPS ingress rule",
    "ecs:RevokeSecurityGroup": "remove the rule",
    "ecs:TagResources": "change the security group's tags",
    "ecs:UntagResources": "remove a tag from the security group",
    "privatelink:CreateVpcEndpoint": "create an endpoint",
    "privatelink:UpdateVpcEndpointAttribute": "rename or describe an endpoint again",
    "privatelink:AttachSecurityGroupToVpcEndpoint": "add a security group to an endpoint",
    "privatelink:DetachSecurityGroupFromVpcEndpoint": "remove a security group",
    "privatelink:DeleteVpcEndpoint": "destroy an endpoint",
    "privatelink:ChangeResourceGroup": "move an endpoint to another resource_group_id",
    "privatelink:AddZoneToVpcEndpoint": "bind an endpoint to a zone (its NIC)",
    "privatelink:RemoveZoneFromVpcEndpoint": "unbind a zone",
    "privatelink:TagResources": "tag an endpoint (also right after create)",
    "privatelink:UntagResources": "remove a tag from an endpoint",
    "pvtz:AddZone": "create the PrivateZone zone",
    "pvtz:UpdateZoneRemark": "set the zone's remark (also right after create)",
    "pvtz:DeleteZone": "destroy the zone",
    "pvtz:TagResources": "tag the zone (also right after create)",
    "pvtz:UnTagResources": "remove a tag from the zone",
    "pvtz:BindZoneVpc": "bind the zone to the VPC; unbind it on destroy",
    "pvtz:AddZoneRecord": "add a record",
    "pvtz:UpdateRecordRemark": "set a record's remark (also right after create)",
    "pvtz:SetZoneRecordStatus": "enable a record (after every create: status defaults)",
    "pvtz:UpdateZoneRecord": "point a record at a replaced endpoint's domain",
    "pvtz:DeleteZoneRecord": "remove a record",
}
"""What applies and destroys call beyond the reads, with the reason."""

SERVICE_LINKED_ROLE: dict[str, object] = {
    "Effect": "Allow",
    "Action": ["ram:CreateServiceLinkedRole"],
    "Resource": "*",
    "Condition": {"StringEquals": {"ram:ServiceName": "privatelink.aliyuncs.com"}},
}
"""PrivateLink creates its service-linked role (AliyunServiceRoleForPrivateLink) when the
account's first endpoint is created: only then, and only for PrivateLink."""

OSS_STATE_READ = ["oss:GetObject"]
"""The state object, and the HEAD request before it (oss backend, ``client.go``
getObj: IsObjectExist, GetObject)."""

OSS_STATE_WRITE = ["oss:PutObject"]
"""Applies and destroys write the state. Plans never do: the stacks use the default
workspace, which the backend always lists (``backend_state.go`` Workspaces: the result
starts with ``backend.DefaultStateName``), so StateMgr writes no empty state for it."""

OTS_READ = ["ots:DescribeTable", "ots:GetRow"]
"""The lock table checked at setup and the state's digest read with the state
(``backend_state.go`` remoteClient: DescribeTable; ``client.go`` getMD5: GetRow)."""

OTS_LOCK = ["ots:PutRow", "ots:DeleteRow"]
"""The lock and the digest written with the state (``client.go`` Lock, Unlock, putMD5,
deleteMD5): applies only. Plans run with ``-lock=false``: a plan writes no state, and the
saved plan of a state that changed meanwhile is refused at apply as stale."""


def _policy(*statements: dict[str, object]) -> dict[str, object]:
    return {"Version": "1", "Statement": list(statements)}


def _allow(actions: list[str], resources: object = "*") -> dict[str, object]:
    return {"Effect": "Allow", "Action": actions, "Resource": resources}


def _tablestore_instance(oss: OssBackendProps) -> str:
    if oss.tablestore_instance_name:
        return oss.tablestore_instance_name
    from urllib.parse import urlsplit

    host = urlsplit(oss.tablestore_endpoint or "").hostname or ""
    return host.split(".", 1)[0] or "<tablestore instance>"


def state_policy(oss: OssBackendProps | None, *, write: bool) -> dict[str, object]:
    """Access to the stacks' state: the objects under the prefix, listing that prefix and
    the lock table; reading only for the plan role (``write`` False), reading, writing and
    locking for the apply role. Filled from ``backend.oss`` when the config has one."""
    bucket = oss.bucket if oss else "<bucket>"
    prefix = oss.prefix if oss else "<prefix>"
    objects = OSS_STATE_READ + (OSS_STATE_WRITE if write else [])
    statements = [
        _allow(objects, [f"acs:oss:*:*:{bucket}/{prefix}/*"]),
        {
            **_allow(["oss:ListObjects"], [f"acs:oss:*:*:{bucket}"]),
            "Condition": {"StringLike": {"oss:Prefix": [f"{prefix}/*"]}},
        },
    ]
    if oss is None or oss.tablestore_table:
        table = oss.tablestore_table if oss else "<tablestore table>"
        instance = _tablestore_instance(oss) if oss else "<tablestore instance>"
        rows = OTS_READ + (OTS_LOCK if write else [])
        statements.append(_allow(rows, [f"acs:ots:*:*:instance/{instance}/table/{table}"]))
    return _policy(*statements)


def role_policies(oss: OssBackendProps | None) -> dict[str, object]:
    """The plan role's and the apply role's policy documents, and each one's state access
    (the plan role's read-only)."""
    read = sorted(READ)
    return {
        "plan_role_policy": _policy(_allow(read)),
        "apply_role_policy": _policy(_allow(sorted(READ | WRITE)), SERVICE_LINKED_ROLE),
        "plan_state_policy": state_policy(oss, write=False),
        "apply_state_policy": state_policy(oss, write=True),
    }
