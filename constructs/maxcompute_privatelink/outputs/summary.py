"""``mcpl summary``: a pull-request review of what the stacks declare, and of a plan.

Per deployment: a table (region and access, VPC, zones and vSwitches, security groups
and what they admit, both endpoints, DNS, client URLs), a Mermaid diagram, the count
of billable endpoint-zone instances and the flags a reviewer should see. With plans
(the JSON of ``terraform show -json <planfile>``): every change, with destroys and
replacements of endpoints, zone bindings and DNS records first, in bold.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from maxcompute_privatelink.errors import RenderError, format_loc
from maxcompute_privatelink.model.config import Deployment, PrivateLinkConfig
from maxcompute_privatelink.model.fields import is_token
from maxcompute_privatelink.model.options import EniIpProps
from maxcompute_privatelink.outputs.render import environment
from maxcompute_privatelink.outputs.stack_outputs import assign_files, read_json

Action = Literal["create", "update", "replace", "delete", "import"]

CRITICAL_TYPES = (
    "alicloud_privatelink_vpc_endpoint",
    "alicloud_privatelink_vpc_endpoint_zone",
    "alicloud_pvtz_zone",
    "alicloud_pvtz_zone_record",
    "alicloud_pvtz_zone_attachment",
)
"""Losing one of these cuts MaxCompute off from the VPC until it is back."""

ACTION_ORDER: tuple[Action, ...] = ("delete", "replace", "update", "create", "import")
MARKER = "<!-- mcpl-summary -->"
"""The first line of the markdown review (``summary.md.j2``): how the workflow finds its own
comment to update."""


@dataclass(frozen=True)
class Change:
    deployment: str
    address: str
    type: str
    action: Action
    reasons: tuple[str, ...] = ()
    """The attributes that force a replacement."""
    importing: bool = False
    """Terraform imports the object first (an ``import`` block), then applies ``action``."""

    @property
    def label(self) -> str:
        """``update``, or ``import + update`` when the object is imported first."""
        if self.importing and self.action != "import":
            return f"import + {self.action}"
        return self.action

    @property
    def critical(self) -> bool:
        return self.action in ("delete", "replace") and self.type in CRITICAL_TYPES


@dataclass(frozen=True)
class Row:
    label: str
    value: str


@dataclass(frozen=True)
class DeploymentSummary:
    name: str
    rows: tuple[Row, ...]
    flags: tuple[str, ...]
    mermaid: str
    billable_instances: int
    adopted: tuple[str, ...]
    changes: tuple[Change, ...] | None
    """None when no plan was given for this deployment."""


@dataclass(frozen=True)
class RemovedSummary:
    """A deployment the config no longer has, destroyed from the base revision's files."""

    name: str
    changes: tuple[Change, ...] | None
    """Its destroy plan; None when none was found (the plan failed)."""


@dataclass(frozen=True)
class Summary:
    deployments: tuple[DeploymentSummary, ...]
    critical: tuple[Change, ...] = field(default_factory=tuple)
    unplanned: tuple[str, ...] = ()
    """With ``--plan``: the deployments no plan file was found for."""
    removed: tuple[RemovedSummary, ...] = ()
    """With ``--removed``: deployments removed from the config, and their destroy plans."""

    @property
    def totals(self) -> str:
        """One line of the whole review: deployments, billable instances, flags, plans."""
        count = len(self.deployments)
        instances = sum(d.billable_instances for d in self.deployments)
        flags = sum(len(d.flags) for d in self.deployments)
        parts = [
            f"{count} deployment{'s' if count != 1 else ''}",
            f"{instances} billable endpoint-zone instances",
            f"{flags} flag{'s' if flags != 1 else ''}",
        ]
        planned = [d for d in self.deployments if d.changes is not None]
        if planned or self.unplanned:
            changing = sum(bool(d.changes) for d in planned)
            parts.append(f"plans: {changing} with changes, {len(planned) - changing} without")
        if self.unplanned:
            parts.append(f"{len(self.unplanned)} without a plan")
        if self.removed:
            parts.append(f"{len(self.removed)} removed")
        return ", ".join(parts)


# -- plans -------------------------------------------------------------------------------


def _action(change: dict[str, Any]) -> Action | None:
    """What Terraform does to the object; an import alone is ``import`` (``importing`` is
    read beside it, so an imported object that also changes shows both)."""
    actions = change.get("actions") or []
    if "delete" in actions and "create" in actions:
        return "replace"
    if actions == ["delete"]:
        return "delete"
    if actions == ["create"]:
        return "create"
    if actions == ["update"]:
        return "update"
    if change.get("importing"):
        return "import"
    return None


def read_plan(path: Path, deployment: str) -> tuple[Change, ...]:
    data = read_json(
        path, hint="write it with `terraform show -json PLANFILE > FILE`", deployment=deployment
    )
    entries = data.get("resource_changes") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise RenderError(
            deployment,
            f"{path} is not the JSON of `terraform show -json <planfile>` (no resource_changes)",
        )
    changes: list[Change] = []
    for entry in entries:
        change = entry.get("change") if isinstance(entry, dict) else None
        if not isinstance(change, dict):
            continue
        action = _action(change)
        if action is None:
            continue
        reasons = tuple(
            ".".join(str(part) for part in replace_path)
            for replace_path in change.get("replace_paths") or []
            if isinstance(replace_path, list)
        )
        changes.append(
            Change(
                deployment,
                str(entry.get("address")),
                str(entry.get("type")),
                action,
                reasons,
                importing=bool(change.get("importing")),
            )
        )
    changes.sort(key=lambda c: (ACTION_ORDER.index(c.action), c.address))
    return tuple(changes)


def looks_stale(config: PrivateLinkConfig, out: Path) -> str | None:
    """What shows, without synthesizing (no Node), that ``out`` is older than ``config``:
    other stacks, or client URLs that differ. None when nothing cheap to compare does;
    `mcpl check` is the full comparison."""
    from maxcompute_privatelink.layout import STACKS, read_outputs

    names = [d.name for d in config.deployments]
    present = sorted(p.name for p in (out / STACKS).glob("*") if read_outputs(p) is not None)
    if sorted(names) != present:
        return f"stacks {', '.join(present) or 'none'}, deployments {', '.join(names)}"
    for deployment in config.deployments:
        found = read_outputs(out / STACKS / deployment.name)
        outputs = found[1] if found is not None else {}
        for key, wanted in (
            ("maxcompute_endpoint", deployment.plan.maxcompute_endpoint),
            ("tunnel_endpoint", deployment.plan.tunnel_endpoint),
        ):
            if wanted is not None and outputs.get(key) != wanted:
                return f"{deployment.name}: {key} {outputs.get(key)!r}, config {wanted!r}"
    return None


# -- what the stacks declare ---------------------------------------------------------------


APPLY_TIME = "(known at apply)"
"""What stands for a value given as a cdktf token: Terraform learns it at apply time."""


def _shown(value: str) -> str:
    return APPLY_TIME if is_token(value) else value


def _flags(d: Deployment, changes: tuple[Change, ...] | None) -> list[str]:
    region = d.plan.region
    flags: list[str] = []
    if region.ticket_required:
        flags.append(f"{region.id} ({region.name}) needs an approved support ticket")
    # what `mcpl validate` warns of, by field
    flags.extend(f"{format_loc(w.loc)}: {w.message}" for w in d.plan.warnings)
    if d.plan.known_after_apply:
        flags.append(
            "known only at apply time (cdktf tokens), so checked by Terraform and not here: "
            + ", ".join(d.plan.known_after_apply)
        )
    for change in changes or ():
        if change.action == "replace":
            why = f" (forced by {', '.join(change.reasons)})" if change.reasons else ""
            flags.append(f"replaces {change.address}{why}")
    return flags


def _mermaid(d: Deployment) -> str:
    """The deployment as a picture that reads top to bottom: the frontend service and the
    name clients use for it; the VPC holding its zones, each with its two NICs in their
    vSwitch (the frontend's above the tunnel's: an invisible link keeps them so); the
    tunnel service and its name. Each service links only to its own NICs, so no two lines
    cross; zone titles are short, so no zone is narrower than its title (checked drawn by
    Mermaid in Chromium: docs/development.md)."""
    vpc = f"new VPC {_shown(d.vpc_cidr)}" if d.vpc_cidr else f"VPC {_shown(d.vpc_id or '')}"
    region = d.plan.region
    names = d.plan.private_zone
    if names is not None:
        reached = (
            f"{names.maxcompute_record}.{names.zone_name}",
            f"{names.tunnel_record}.{names.zone_name}",
        )
        how = "PrivateZone CNAME"
    elif d.dns == "console":  # the client URLs' hosts, which the switch answers for
        reached = (
            urlsplit(d.plan.maxcompute_endpoint or "").hostname or "",
            urlsplit(d.plan.tunnel_endpoint or "").hostname or "",
        )
        how = "Custom Domain Name, on by hand"
    else:
        reached = ("the endpoint's own domain", "the endpoint's own domain")
        how = "dns: none"
    lines = [
        "flowchart TB",
        f'  fe(["MaxCompute frontend service<br/>{region.frontend_service_name}<br/>'
        f'{reached[0]} ({how})"])',
        f'  subgraph vpc["{vpc}"]',
    ]
    for index, zone in enumerate(d.zones):
        vswitch = (
            _shown(zone.vswitch_id)
            if zone.vswitch_id
            else f"new vSwitch {_shown(zone.vswitch_cidr or '')}"
        )
        lines += [
            f'    subgraph z{index}["{zone.zone_id}"]',
            f'      z{index}f["frontend NIC{_at(zone.eni_ip, "frontend")}<br/>{vswitch}"]',
            f'      z{index}t["tunnel NIC{_at(zone.eni_ip, "tunnel")}<br/>{vswitch}"]',
            "    end",
        ]
    lines += [
        "  end",
        f'  tu(["MaxCompute tunnel service<br/>{region.tunnel_service_name}<br/>'
        f'{reached[1]} ({how})"])',
    ]
    for index in range(len(d.zones)):
        lines += [f"  fe --- z{index}f", f"  z{index}f ~~~ z{index}t", f"  z{index}t --- tu"]
    return "\n".join(lines)


def _code(value: str) -> str:
    """An id as code, or what stands for one known only at apply time."""
    return APPLY_TIME if is_token(value) else f"`{value}`"


def _rows(d: Deployment) -> list[Row]:
    region = d.plan.region
    access = "ticket required" if region.ticket_required else "direct"
    vpc = f"new, {_shown(d.vpc_cidr)}" if d.vpc_cidr else _code(d.vpc_id or "")
    zones = "; ".join(
        f"{z.zone_id}: "
        + (_code(z.vswitch_id) if z.vswitch_id else f"new vSwitch {_shown(z.vswitch_cidr or '')}")
        + _fixed_addresses(z.eni_ip)
        for z in d.zones
    )
    if d.security_group_ids is not None:
        groups = ", ".join(_code(g) for g in d.security_group_ids) + " (rules managed elsewhere)"
    else:
        groups = (
            f"new `{d.name}-maxcompute-endpoints`: ingress TCP {d.plan.client_port} from "
            + ", ".join(_shown(network) for network in d.plan.admitted_networks)
            + "; nothing else"
        )
    names = d.plan.private_zone
    if names is not None:
        where = (
            f"existing zone `{names.existing_zone_id}` (`{names.zone_name}`, its bindings "
            "left as they are)"
            if names.existing_zone_id
            else f"`{names.zone_name}`"
            + "".join(f", also bound to `{vpc}`" for vpc in names.more_vpc_ids)
        )
        dns = (
            f"private_zone: {where} with CNAMEs `{names.maxcompute_record}` and "
            f"`{names.tunnel_record}` to the endpoints"
        )
    elif d.dns == "console":
        dns = "console: Custom Domain Name switched on by hand after apply"
    else:
        dns = "none: clients use the endpoints' own domains"
    adopt = d.adopt
    frontend = f"`{region.frontend_service_name}`" + (
        f", adopting `{adopt.frontend_endpoint_id}`" if adopt else ""
    )
    tunnel = f"`{region.tunnel_service_name}`" + (
        f", adopting `{adopt.tunnel_endpoint_id}`" if adopt else ""
    )
    urls = (
        f"`{d.plan.maxcompute_endpoint}`, `{d.plan.tunnel_endpoint}`"
        if d.plan.maxcompute_endpoint and d.plan.tunnel_endpoint
        else "the endpoints' own domains, known after apply"
    )
    return [
        Row("Region", f"{region.id} ({region.name}), {access} access"),
        Row("VPC", vpc),
        Row("Zones and vSwitches", zones),
        Row("Security groups", groups),
        Row("Frontend endpoint", frontend),
        Row("Tunnel endpoint", tunnel),
        Row("DNS", dns),
        Row("Client URLs", urls),
        *_option_rows(d),
    ]


def _at(eni_ip: EniIpProps | None, role: str) -> str:
    """`` <address>`` of ``role``'s NIC when ``eni_ip`` fixes it, else nothing."""
    address = getattr(eni_ip, role) if eni_ip is not None else None
    return f" {address}" if address else ""


def _fixed_addresses(eni_ip: EniIpProps | None) -> str:
    given = [f"{role}{_at(eni_ip, role)}" for role in ("frontend", "tunnel") if _at(eni_ip, role)]
    return f" (NICs at {', '.join(given)})" if given else ""


def _option_rows(d: Deployment) -> list[Row]:
    """Rows for the settings beyond the guide, only when they are set."""
    rows = []
    if d.resource_group_id is not None:
        rows.append(Row("Resource group", _code(d.resource_group_id)))
    if d.timeouts is not None:
        waits = d.timeouts.model_dump(exclude_none=True)
        given = ", ".join(f"{op} {value}" for op, value in waits.items())
        rows.append(Row("Waits", f"{given} (the rest: the provider's 5m)"))
    return rows


def summarize(config: PrivateLinkConfig, plans: list[Path], removed: Sequence[str] = ()) -> Summary:
    names = [d.name for d in config.deployments]
    gone = [name for name in removed if name not in names]
    assigned = assign_files(
        plans, [*names, *gone], option="--plan", what="`terraform show -json`",
        require_all=False,
    )  # fmt: skip
    deployments: list[DeploymentSummary] = []
    critical: list[Change] = []
    for d in config.deployments:
        changes = read_plan(assigned[d.name], d.name) if d.name in assigned else None
        critical.extend(c for c in changes or () if c.critical)
        adopted = (d.adopt.frontend_endpoint_id, d.adopt.tunnel_endpoint_id) if d.adopt else ()
        deployments.append(
            DeploymentSummary(
                name=d.name,
                rows=tuple(_rows(d)),
                flags=tuple(_flags(d, changes)),
                mermaid=_mermaid(d),
                billable_instances=2 * len(d.zones),
                adopted=adopted,
                changes=changes,
            )
        )
    retired = [
        RemovedSummary(name, read_plan(assigned[name], name) if name in assigned else None)
        for name in gone
    ]
    destroys = [c for r in retired for c in r.changes or () if c.critical]
    critical[:0] = destroys  # the removed deployments' destroys lead, in their order
    unplanned = tuple(name for name in [*names, *gone] if plans and name not in assigned)
    return Summary(tuple(deployments), tuple(critical), unplanned, tuple(retired))


# -- output --------------------------------------------------------------------------------


def as_json(summary: Summary) -> str:
    """The summary for machines (``--format json``): per deployment its rows (label ->
    value), flags, diagram, billable instances, adopted endpoints and planned changes
    (null without a plan); then the critical changes of every plan."""

    def change(c: Change) -> dict[str, Any]:
        return {
            "address": c.address,
            "type": c.type,
            "action": c.action,
            "label": c.label,
            "importing": c.importing,
            "reasons": list(c.reasons),
            "critical": c.critical,
        }

    data = {
        "deployments": [
            {
                "name": d.name,
                "rows": {row.label: row.value for row in d.rows},
                "flags": list(d.flags),
                "mermaid": d.mermaid,
                "billable_instances": d.billable_instances,
                "adopted": list(d.adopted),
                "changes": None if d.changes is None else [change(c) for c in d.changes],
            }
            for d in summary.deployments
        ],
        "critical": [dict(change(c), deployment=c.deployment) for c in summary.critical],
        "removed": [
            {
                "name": r.name,
                "changes": None if r.changes is None else [change(c) for c in r.changes],
            }
            for r in summary.removed
        ],
        "unplanned": list(summary.unplanned),
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def markdown(summary: Summary) -> str:
    return environment().get_template("summary.md.j2").render(s=summary)


def text(summary: Summary, width: int = 120) -> str:
    """For terminals: rich tables, no colour codes (so it can be piped)."""
    from rich.console import Console
    from rich.table import Table

    # recorded, and printed to a buffer: printing to stdout as well would show it twice
    console = Console(
        file=io.StringIO(), width=width, record=True, force_terminal=False, color_system=None
    )
    if summary.critical:
        console.print("CUTS MAXCOMPUTE ACCESS UNTIL RECREATED:")
        for change in summary.critical:
            console.print(f"  {change.label.upper()} {change.address} ({change.deployment})")
    for d in summary.deployments:
        table = Table(title=f"{d.name}", show_header=False, expand=False)
        table.add_column("", style="bold")
        table.add_column("")
        for row in d.rows:
            table.add_row(row.label, row.value.replace("`", ""))
        table.add_row(
            "Billable", f"{d.billable_instances} endpoint-zone instances, hourly, plus traffic"
        )
        console.print(table)
        for flag in d.flags:
            console.print(f"  ! {flag}")
        if d.changes is not None:
            plan = Table(title=f"{d.name}: plan", show_header=True)
            plan.add_column("action")
            plan.add_column("address")
            for change in d.changes:
                plan.add_row(change.label, change.address)
            console.print(plan if d.changes else f"{d.name}: plan: no changes")
    return console.export_text()
