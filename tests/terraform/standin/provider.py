"""The stand-in alicloud provider's behaviour, apart from the wire (``server.py``).

It serves the provider schema of ``schema/alicloud-provider-subset.json`` (read from
the alicloud provider's Go source at v1.289.0) with its ``x_`` keys stripped, and uses
those keys the way terraform-plugin-sdk's helper/schema does:

- validation (``ValidateResourceTypeConfig``): ``x_allowed_values`` (StringInSlice /
  IntInSlice), ``x_int_between``, ``x_string_len_between``, ``x_conflicts_with``,
  ``x_exactly_one_of``, ``x_at_least_one_of``, ``x_removed_message`` (errors) and
  ``x_deprecation_message`` (warnings), with the SDK's message texts;
- planning: computed attributes left null by the config are unknown on create and on
  replace, kept from the prior state on update; a changed ``x_force_new`` attribute is
  returned in ``requires_replace``;
- applying: unknown values become plausible ones (``ep-…`` ids, endpoint domains
  ``ep-….epsrv-….<region>.privatelink.aliyuncs.com``, ``vsw-…``, ``sg-…``, PrivateZone
  ids, rule ids as the provider composes them).

A "cloud" of created objects persists in the JSON file named by ``MCPL_STANDIN_CLOUD``
(one Terraform command starts one provider process), so that reads, imports of
console-made endpoints, data sources and drift behave across commands. Without it, the
cloud lives in memory only.
"""

from __future__ import annotations

import contextlib
import copy
import fcntl
import json
import os
import secrets
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

SCHEMA_FILE = Path(__file__).resolve().parents[3] / "schema" / "alicloud-provider-subset.json"
PROVIDER_KEY = "registry.terraform.io/aliyun/alicloud"
CLOUD_VARIABLE = "MCPL_STANDIN_CLOUD"


class Unknown:
    """A value known only after apply (msgpack extension type 0 on the wire)."""

    _instance: Unknown | None = None

    def __new__(cls) -> Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "<unknown>"


UNKNOWN = Unknown()


class Diagnostics(list[tuple[str, str, str, tuple[str, ...]]]):
    """(severity, summary, detail, attribute path) in the order found."""

    def error(self, summary: str, detail: str = "", path: tuple[str, ...] = ()) -> None:
        self.append(("error", summary, detail, path))

    def warning(self, summary: str, detail: str = "", path: tuple[str, ...] = ()) -> None:
        self.append(("warning", summary, detail, path))


def load_schema() -> dict[str, Any]:
    data = json.loads(SCHEMA_FILE.read_text())
    schemas: dict[str, Any] = data["provider_schemas"][PROVIDER_KEY]
    return schemas


def strip_x(node: Any) -> Any:
    """The schema as `terraform providers schema -json` would print it: no ``x_`` keys."""
    if isinstance(node, dict):
        return {k: strip_x(v) for k, v in node.items() if not k.startswith("x_")}
    if isinstance(node, list):
        return [strip_x(v) for v in node]
    return node


def has_unknown(value: Any) -> bool:
    if value is UNKNOWN:
        return True
    if isinstance(value, dict):
        return any(has_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(has_unknown(v) for v in value)
    return False


def set_in_config(value: Any) -> bool:
    """Whether the config gives the attribute (an unknown counts: it will be set)."""
    return value is not None and value != [] and value != {}


# -- validation ---------------------------------------------------------------------------------


def validate(block: dict[str, Any], config: dict[str, Any] | None) -> Diagnostics:
    """helper/schema's checks of one resource or data source configuration."""
    found = Diagnostics()
    if not isinstance(config, dict):
        return found
    for name, attribute in block.get("attributes", {}).items():
        value = config.get(name)
        path = (name,)
        if value is None or value is UNKNOWN:
            continue
        if "x_removed_message" in attribute:
            found.error(attribute["x_removed_message"], path=path)
        if "x_deprecation_message" in attribute:
            found.warning("Argument is deprecated", attribute["x_deprecation_message"], path=path)
        allowed = attribute.get("x_allowed_values")
        if allowed is not None and not has_unknown(value):
            ignore_case = attribute.get("x_allowed_values_ignore_case", False)
            values = value if isinstance(value, list) else [value]
            for item in values:
                ok = item in allowed or (
                    ignore_case
                    and isinstance(item, str)
                    and item.lower() in [str(a).lower() for a in allowed]
                )
                if not ok:
                    shown = "[" + " ".join(str(a) for a in allowed) + "]"
                    found.error(f"expected {name} to be one of {shown}, got {item}", path=path)
        between = attribute.get("x_int_between")
        if between is not None and isinstance(value, int | float):
            low, high = between
            if not low <= value <= high:
                found.error(
                    f"expected {name} to be in the range ({low} - {high}), got {int(value)}",
                    path=path,
                )
        lengths = attribute.get("x_string_len_between")
        if lengths is not None and isinstance(value, str):
            low, high = lengths
            if not low <= len(value) <= high:
                found.error(
                    f"expected length of {name} to be in the range ({low} - {high}), got {value}",
                    path=path,
                )
        for other in attribute.get("x_conflicts_with", []):
            if set_in_config(config.get(other)):
                found.error(f'"{name}": conflicts with {other}', path=path)
    for name, nested in block.get("block_types", {}).items():
        value = config.get(name)
        for other in nested.get("x_conflicts_with", []):
            if set_in_config(value) and set_in_config(config.get(other)):
                found.error(f'"{name}": conflicts with {other}', path=(name,))
    seen: set[tuple[str, ...]] = set()
    for name, attribute in block.get("attributes", {}).items():
        for key, rule in (("x_exactly_one_of", "one"), ("x_at_least_one_of", "least")):
            group = tuple(attribute.get(key, []))
            if not group or (key, *group) in seen:
                continue
            seen.add((key, *group))
            given = [other for other in group if set_in_config(config.get(other))]
            listed = ",".join(group)
            if not given:
                found.error(f'"{name}": one of `{listed}` must be specified', path=(name,))
            elif rule == "one" and len(given) > 1:
                found.error(
                    f'"{name}": only one of `{listed}` can be specified, but `'
                    f"{','.join(given)}` were specified.",
                    path=(name,),
                )
    return found


# -- planning -----------------------------------------------------------------------------------


def plan(
    block: dict[str, Any],
    prior: dict[str, Any] | None,
    proposed: dict[str, Any] | None,
    config: dict[str, Any] | None,
) -> tuple[dict[str, Any] | None, list[str]]:
    """The planned state and the attributes that force a replacement."""
    if proposed is None:
        return None, []
    assert config is not None
    replace: list[str] = []
    if prior is not None:
        for name, attribute in block.get("attributes", {}).items():
            if not attribute.get("x_force_new"):
                continue
            wanted, before = proposed.get(name), prior.get(name)
            changed = wanted is UNKNOWN or (has_unknown(wanted) and wanted != before)
            if changed or (
                wanted != before
                and (set_in_config(config.get(name)) or not attribute.get("computed"))
            ):
                replace.append(name)
    new_object = prior is None or bool(replace)
    planned = dict(proposed)
    for name, attribute in block.get("attributes", {}).items():
        if not attribute.get("computed") or config.get(name) is not None:
            continue
        planned[name] = UNKNOWN if new_object else proposed.get(name)
    return planned, replace


# -- the cloud ----------------------------------------------------------------------------------


class Cloud:
    """Objects as the cloud holds them, by resource type and id."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.lock = threading.Lock()
        self.memory: dict[str, Any] = empty_cloud()

    @contextlib.contextmanager
    def state(self) -> Iterator[dict[str, Any]]:
        """The cloud's data, written back on exit (file-locked across processes)."""
        with self.lock:
            if self.path is None:
                yield self.memory
                return
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a+", encoding="utf-8") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)
                handle.seek(0)
                text = handle.read()
                data = json.loads(text) if text.strip() else empty_cloud()
                data.setdefault("vswitches", {})
                yield data
                handle.seek(0)
                handle.truncate()
                handle.write(json.dumps(data, indent=1, sort_keys=True))

    def get(self, kind: str, ident: str) -> dict[str, Any] | None:
        with self.state() as data:
            found = data["resources"].get(kind, {}).get(ident)
            return copy.deepcopy(found) if found is not None else None

    def put(self, kind: str, value: dict[str, Any]) -> None:
        with self.state() as data:
            data["resources"].setdefault(kind, {})[value["id"]] = value
            if kind == "alicloud_vpc":
                data["vpcs"][value["id"]] = value.get("cidr_block")
            if kind == "alicloud_vswitch":
                data["vswitches"][value["id"]] = {
                    "zone_id": value.get("zone_id"),
                    "vpc_id": value.get("vpc_id"),
                    "cidr_block": value.get("cidr_block"),
                }

    def delete(self, kind: str, ident: str) -> None:
        with self.state() as data:
            data["resources"].get(kind, {}).pop(ident, None)
            if kind == "alicloud_vpc":
                data["vpcs"].pop(ident, None)
            if kind == "alicloud_vswitch":
                data["vswitches"].pop(ident, None)

    def vpcs(self) -> dict[str, str]:
        with self.state() as data:
            return dict(data["vpcs"])

    def vswitches(self) -> dict[str, dict[str, str]]:
        """vSwitch id -> its zone_id, vpc_id and cidr_block."""
        with self.state() as data:
            return copy.deepcopy(data["vswitches"])

    def zones(self) -> dict[str, dict[str, Any]]:
        """PrivateZone zone id -> the zone's state (made by Terraform or seeded)."""
        with self.state() as data:
            return copy.deepcopy(data["resources"].get("alicloud_pvtz_zone", {}))

    def bound_vpcs(self, zone_id: str) -> list[str]:
        """The VPCs bound to a PrivateZone zone."""
        with self.state() as data:
            bound = data["resources"].get("alicloud_pvtz_zone_attachment", {}).get(zone_id)
            return sorted(bound.get("vpc_ids") or []) if bound else []


def empty_cloud() -> dict[str, Any]:
    """A cloud with nothing in it."""
    return {"resources": {}, "vpcs": {}, "vswitches": {}}


def cloud_from_environment() -> Cloud:
    path = os.environ.get(CLOUD_VARIABLE)
    return Cloud(Path(path) if path else None)


# -- inventing what the cloud decides ------------------------------------------------------------


def _token(length: int = 17) -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(secrets.choice(alphabet) for _ in range(length))


def _identifier(kind: str, value: dict[str, Any]) -> str:
    if kind == "alicloud_privatelink_vpc_endpoint_zone":
        return f"{value['endpoint_id']}:{value['zone_id']}"
    if kind == "alicloud_security_group_rule":
        parts = ("type", "ip_protocol", "port_range", "nic_type", "cidr_ip", "policy")
        fields = [str(value.get(part) or "") for part in parts]
        return ":".join([str(value["security_group_id"]), *fields, str(value.get("priority") or 1)])
    if kind == "alicloud_pvtz_zone_attachment":
        return str(value["zone_id"])
    if kind == "alicloud_pvtz_zone_record":
        return f"{secrets.randbelow(10**11)}:{value['zone_id']}"
    prefixes = {
        "alicloud_vpc": "vpc-",
        "alicloud_vswitch": "vsw-",
        "alicloud_security_group": "sg-",
        "alicloud_privatelink_vpc_endpoint": "ep-",
    }
    return prefixes.get(kind, "") + _token(32 if kind == "alicloud_pvtz_zone" else 17)


def _blank(kind: Any) -> Any:
    """A plausible value of a cty type for a computed attribute nobody cares about."""
    if kind == "string":
        return ""
    if kind == "number":
        return 0
    if kind == "bool":
        return False
    if isinstance(kind, list) and kind[0] in ("list", "set"):
        return []
    if isinstance(kind, list) and kind[0] == "map":
        return {}
    if isinstance(kind, list) and kind[0] == "object":
        return dict.fromkeys(kind[1])
    return None


KNOWN_VALUES: dict[str, Any] = {
    "status": "Available",
    "connection_status": "Connected",
    "endpoint_business_status": "Normal",
    "bandwidth": 3072,
    "create_time": "2026-11-26T00:00:00Z",
    "endpoint_type": "Interface",
    "address_ip_version": "IPv4",
    "zone_private_ip_address_count": 1,
}


def fill(kind: str, block: dict[str, Any], planned: dict[str, Any], region: str) -> dict[str, Any]:
    """The state after apply: every unknown decided."""
    value = dict(planned)
    if value.get("id") is UNKNOWN:
        value["id"] = None  # decided below, once the other values are known
    attributes = block.get("attributes", {})
    for name, attribute in attributes.items():
        if value.get(name) is not UNKNOWN:
            continue
        if name in KNOWN_VALUES:
            value[name] = KNOWN_VALUES[name]
        elif name in ("region_id", "service_region_id"):
            value[name] = region
        elif name == "service_id":
            value[name] = "epsrv-" + _token()
        elif name == "ip_address" or name == "eni_ip":
            value[name] = "10.0.0." + str(secrets.randbelow(200) + 10)
        else:
            value[name] = _blank(attribute["type"])
    if value.get("id") is None:
        value["id"] = _identifier(kind, value)
    if kind == "alicloud_privatelink_vpc_endpoint" and value.get("endpoint_domain") in ("", None):
        value["endpoint_domain"] = (
            f"{value['id']}-{_token(6)}.epsrv-{_token(10)}.{region}.privatelink.aliyuncs.com"
        )
    if "zone_id" in attributes and kind == "alicloud_pvtz_zone" and value.get("zone_id") == "":
        value["zone_id"] = value["id"]
    return value


def normalize(block: dict[str, Any], value: dict[str, Any]) -> dict[str, Any]:
    """``value`` with exactly the schema's keys (state from an older schema, imports)."""
    normal = {name: value.get(name) for name in block.get("attributes", {})}
    for name, nested in block.get("block_types", {}).items():
        item = value.get(name)
        if nested["nesting_mode"] in ("list", "set"):
            normal[name] = [normalize(nested["block"], v) for v in item or []]
        else:
            normal[name] = normalize(nested["block"], item) if isinstance(item, dict) else None
    return normal


def _listed(
    block: dict[str, Any], config: dict[str, Any], key: str, found: list[dict[str, Any]]
) -> dict[str, Any]:
    """A list data source's state: ``found`` (each object with every field of its type) as
    ``key``, with their ``ids``."""
    object_type = block["attributes"][key]["type"][1][1]
    objects = [{**{f: _blank(t) for f, t in object_type.items()}, **item} for item in found]
    state = {name: config.get(name) for name in block["attributes"]}
    idents = [item["id"] for item in objects]
    state.update({"id": str(abs(hash(tuple(idents)))), "ids": idents, key: objects})
    if "names" in block["attributes"]:
        state["names"] = [item.get("name") or "" for item in objects]
    return state


def read_vswitches(block: dict[str, Any], config: dict[str, Any], cloud: Cloud) -> dict[str, Any]:
    """``data.alicloud_vswitches``: the vSwitches the cloud knows, filtered by ``ids``."""
    known = cloud.vswitches()
    ids = config.get("ids") or list(known)
    found = [
        {"id": ident, "vswitch_id": ident, "status": "Available", **known[ident]}
        for ident in ids
        if ident in known
    ]
    return _listed(block, config, "vswitches", found)


def read_pvtz_zones(block: dict[str, Any], config: dict[str, Any], cloud: Cloud) -> dict[str, Any]:
    """``data.alicloud_pvtz_zones``: the zones the cloud knows, filtered by ``ids``, with
    their bound VPCs (what ``enable_details`` adds)."""
    known = cloud.zones()
    ids = config.get("ids") or list(known)
    found = []
    for ident in ids:
        if ident not in known:
            continue
        zone = known[ident]
        bound = [{"vpc_id": vpc, "region_id": "", "region_name": "", "vpc_name": ""}
                 for vpc in cloud.bound_vpcs(ident)]  # fmt: skip
        found.append(
            {
                "id": ident,
                "zone_id": ident,
                "name": zone.get("zone_name"),
                "zone_name": zone.get("zone_name"),
                "remark": zone.get("remark") or "",
                "bind_vpcs": bound if config.get("enable_details") else [],
            }
        )
    return _listed(block, config, "zones", found)


def read_vpcs(block: dict[str, Any], config: dict[str, Any], cloud: Cloud) -> dict[str, Any]:
    """``data.alicloud_vpcs``: the VPCs the cloud knows, filtered by ``ids``."""
    known = cloud.vpcs()
    ids = config.get("ids") or list(known)
    found = [
        {"id": ident, "vpc_id": ident, "cidr_block": known[ident], "status": "Available"}
        for ident in ids
        if ident in known
    ]
    state = _listed(block, config, "vpcs", found)
    state["total_count"] = len(found)
    return state
