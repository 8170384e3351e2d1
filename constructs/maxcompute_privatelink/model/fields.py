"""The shared constrained types and validators of the config: names, ids, CIDRs, DNS
names, URLs and user text, each checked with a message that says what is wrong, the
value and what is allowed. No cdktf; the props (``model.props``) are built from these.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field

from maxcompute_privatelink.layout import STACK_NAME
from maxcompute_privatelink.model.regions import get_region

MAX_SECURITY_GROUPS = 10
"""The provider's and the API's limit of security groups on one endpoint."""


MAX_USER_TAGS = 18
"""Alibaba allows 20 tags per resource; this tool adds ``managed-by`` and ``deployment``."""


MANAGED_TAGS = ("managed-by", "deployment")


DnsMode = Literal["private_zone", "console", "none"]


_TOKEN = re.compile(r"[$#&]\{TfToken\[[^\]]+\]\}")
"""How cdktf writes an unresolved token into a string: ``${TfToken[TOKEN.n]}`` for a
string, ``#{TfToken[...]}`` as the one item of a list, ``&{TfToken[...]}`` for a map
(cdktf 0.21.0, ``lib/tokens/private/encoding.ts``: BEGIN_STRING_TOKEN_MARKER,
BEGIN_LIST_TOKEN_MARKER, BEGIN_MAP_TOKEN_MARKER; cdktn writes the same).
``tests/test_tokens.py`` checks this against ``Token.is_unresolved`` of both."""


def is_token(value: object) -> bool:
    """Whether ``value`` holds a cdktf token, a value Terraform knows only at apply time
    (another resource's id, say). The model has no cdktf, so it reads the encoding."""
    return isinstance(value, str) and _TOKEN.search(value) is not None


_NAME = STACK_NAME


_ID_BODY = re.compile(r"[a-z0-9]+")


_ZONE = re.compile(r"[a-z0-9-]{1,64}")


DNS_LABEL = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")
"""A lowercase DNS label (RFC 1035 with digits first allowed): what PrivateZone takes as
a zone name's part or a record name. The one check of it: the props use it for
``dns: private_zone``, the ``CustomDomainName`` construct for its own props."""


def check_dns_name(value: str) -> str:
    if len(value) > 253 or not all(DNS_LABEL.fullmatch(label) for label in value.split(".")):
        raise ValueError(f"{value!r} is not a lowercase DNS name")
    return value


def check_dns_label(value: str) -> str:
    if not DNS_LABEL.fullmatch(value):
        raise ValueError(f"{value!r} is not a lowercase DNS label")
    return value


def _has_control(text: str) -> bool:
    return any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in text)


def _check_name(value: str) -> str:
    if not _NAME.fullmatch(value):
        raise ValueError(
            f"{value!r} is not a safe stack name: use 1 to 40 lowercase letters, digits "
            "and hyphens, starting with a letter (it names the Terraform stack and its folder)"
        )
    return value


def _check_region(value: str) -> str:
    get_region(value)  # UnknownRegionError is a ValueError: pydantic reports it here
    return value


MAX_ID_LENGTH = 64
"""Alibaba Cloud resource ids are prefix, hyphen and about 20 letters and digits."""


def shown(value: str, most: int = 40) -> str:
    """``value`` for a message: its repr, cut (with its length said) when long."""
    if len(value) <= most:
        return repr(value)
    return f"{value[:most]!r}... ({len(value)} characters)"


def shown_url(value: str) -> str:
    """A URL for a message: ``redacted``, and cut when long."""
    return shown(redacted(value), 100)


def _resource_id(prefix: str, what: str) -> AfterValidator:
    def check(value: str) -> str:
        if is_token(value):  # a reference: Terraform checks it at apply time
            return value
        if len(value) > MAX_ID_LENGTH:
            raise ValueError(
                f"{shown(value)} is not a {what} id: ids have at most {MAX_ID_LENGTH} "
                f"characters, like {prefix}-wz9abc123"
            )
        body = value.removeprefix(f"{prefix}-")
        if body == value or not _ID_BODY.fullmatch(body):
            raise ValueError(
                f"{value!r} is not a {what} id: expected {prefix}- followed by lowercase "
                f"letters and digits, like {prefix}-wz9abc123"
            )
        return value

    return AfterValidator(check)


def _check_ipv4_network(value: str) -> str:
    if is_token(value):  # a reference: Terraform checks it at apply time
        return value
    try:
        network = ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise ValueError(f"{value!r} is not a CIDR block; expected one like 10.20.0.0/16") from None
    if network.version != 4:
        raise ValueError(f"{value!r} is IPv6; only IPv4 CIDR blocks are allowed here")
    if "/" not in value:
        raise ValueError(f"{value!r} has no prefix length; write it as {network}")
    if str(network) != value:
        raise ValueError(f"{value!r} has host bits set; the network is {network}")
    return value


_RESERVED = tuple(
    ipaddress.ip_network(block)
    for block in ("100.64.0.0/10", "224.0.0.0/4", "127.0.0.0/8", "169.254.0.0/16")
)
"""What a VPC cannot use (Alibaba's VPC documentation, CreateVpc CidrBlock)."""


_NOT_PUBLIC = tuple(
    ipaddress.ip_network(block)
    for block in (
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
        "172.16.0.0/12", "192.168.0.0/16", "224.0.0.0/4", "240.0.0.0/4",
    )
)  # fmt: skip
"""Private, shared, loopback, link-local, multicast and reserved space: not the internet."""


WIDE_PUBLIC = 2**24
"""Public addresses (a /8) beyond which admitting clients needs allow_wide_public_cidrs."""


def public_addresses(blocks: tuple[str, ...]) -> int:
    """How many public (internet) addresses ``blocks`` cover together (tokens, known
    only at apply time, count none)."""
    networks = list(
        ipaddress.collapse_addresses(ipaddress.IPv4Network(b) for b in blocks if not is_token(b))
    )
    total = 0
    for network in networks:
        total += network.num_addresses
        for other in _NOT_PUBLIC:
            if network.overlaps(other):
                inner = network if network.subnet_of(other) else other  # type: ignore[arg-type]
                total -= inner.num_addresses
    return total


def _check_vpc_cidr(value: str) -> str:
    if is_token(value):
        return value
    network = ipaddress.IPv4Network(value)
    if not 8 <= network.prefixlen <= 28:
        raise ValueError(
            f"{value!r} has a /{network.prefixlen} mask; a VPC's mask is /8 to /28 (like "
            "10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or a block inside one)"
        )
    for reserved in _RESERVED:
        if network.overlaps(reserved):
            raise ValueError(f"{value!r} overlaps {reserved}, which a VPC cannot use")
    return value


def _check_zone_id(value: str) -> str:
    if is_token(value):
        raise ValueError(
            f"{value!r} is a cdktf token, known only at apply time; a zone id names the "
            "Terraform addresses of its zone's resources, so give it as text, like "
            "cn-shenzhen-e"
        )
    if not _ZONE.fullmatch(value):
        if _ZONE.fullmatch(value.lower()):
            raise ValueError(
                f"{value!r} is not a zone id: zone ids are lowercase; did you mean {value.lower()}?"
            )
        raise ValueError(
            f"{value!r} is not a zone id; a zone id is the region id and a letter, like "
            "cn-shanghai-e or ap-southeast-1a"
        )
    return value


_URL_CHARACTERS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&()*+,;=%]*")
"""RFC 3986's characters less the single quote: nothing that can break a properties
file, a quoted env value or a shell."""


_USERINFO = re.compile(r"(//)[^/?#]*@")
_QUERY = re.compile(r"([?#])[^#]*")

MAX_URL_LENGTH = 2048


def redacted(value: str) -> str:
    """``value`` with any ``user:password@``, query and fragment replaced by ``***``, so
    that no message echoes a secret a URL may carry (a token in ``?token=``)."""
    return _QUERY.sub(r"\1***", _USERINFO.sub(r"\1***@", value))


def check_url(value: str) -> str:
    shown = shown_url(value)
    if len(value) > MAX_URL_LENGTH:
        raise ValueError(f"{shown} has {len(value)} characters; a URL here has at most 2048")
    if _has_control(value) or any(ch.isspace() for ch in value):
        raise ValueError(f"{shown} contains white space or control characters")
    if not _URL_CHARACTERS.fullmatch(value):
        bad = sorted({ch for ch in value if not _URL_CHARACTERS.fullmatch(ch)})
        raise ValueError(f"{shown} contains {' '.join(bad)}, which URLs carry only percent-encoded")
    if "${" in value or "%{" in value:
        raise ValueError(f"{shown} contains a Terraform template sequence ('${{' or '%{{')")
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        raise ValueError(
            f"{shown} is not a valid URL (a port must be a number from 1 to 65535)"
        ) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{shown} is not an http(s) URL; expected one like https://host/api")
    if "@" in parts.netloc:
        raise ValueError(f"{shown} carries credentials; remove the user:password@ part")
    if port is not None and not 1 <= port <= 65535:
        raise ValueError(f"{shown} has port {port}; a port is a number from 1 to 65535")
    if parts.query or parts.fragment:
        raise ValueError(f"{shown} has a query or fragment; give only scheme, host and path")
    return value


def _check_tags(tags: dict[str, str]) -> dict[str, str]:
    problems: list[str] = []
    for key, value in tags.items():
        if not 1 <= len(key) <= 128:
            problems.append(f"tag key {key!r} must be 1 to 128 characters")
        if key.lower().startswith(("aliyun", "acs:")) or "://" in key:
            problems.append(f"tag key {key!r} must not start with aliyun or acs: nor hold a URL")
        if key in MANAGED_TAGS:
            problems.append(f"tag key {key!r} is set by this tool; choose another key")
        if len(value) > 128:
            problems.append(f"tag {key!r} has a value of {len(value)} characters; at most 128")
        for text in (key, value):
            if _has_control(text):
                problems.append(f"tag {key!r} contains control characters: {text!r}")
            if "${" in text or "%{" in text:
                problems.append(
                    f"tag {key!r} contains a Terraform template sequence ('${{' or '%{{'): {text!r}"
                )
            if '"' in text or "\\" in text:
                problems.append(
                    f"tag {key!r} contains a quote or backslash, which tags here may not hold: "
                    f"{text!r}"
                )
    if len(tags) > MAX_USER_TAGS:
        problems.append(f"{len(tags)} tags given; at most {MAX_USER_TAGS}")
    if problems:
        raise ValueError("; ".join(problems))
    return tags


def _unique(what: str) -> AfterValidator:
    def check(values: tuple[str, ...]) -> tuple[str, ...]:
        duplicates = sorted({v for v in values if values.count(v) > 1})
        if duplicates:
            raise ValueError(f"{what} listed twice: {', '.join(duplicates)}")
        return values

    return AfterValidator(check)


def _count(what: str, least: int, most: int | None = None) -> AfterValidator:
    """Length limits, checked after the items (pydantic's own min/max_length also fire,
    confusingly, when an item is invalid)."""

    def check(values: tuple[object, ...]) -> tuple[object, ...]:
        if len(values) < least:
            raise ValueError(f"is empty; give at least {least} {what}")
        if most is not None and len(values) > most:
            raise ValueError(f"{len(values)} {what}s given; at most {most} are allowed")
        return values

    return AfterValidator(check)


def _not_everywhere(values: tuple[str, ...]) -> tuple[str, ...]:
    if "0.0.0.0/0" in values:
        raise ValueError(
            "'0.0.0.0/0' would admit the whole internet to the endpoints; list the networks "
            "of your MaxCompute clients (for example the VPC's CIDR, 10.0.0.0/8)"
        )
    return values


def _schema_pattern(regex: str) -> Any:
    """The pattern for editors (JSON Schema only; the validators give the messages)."""
    return Field(json_schema_extra={"pattern": f"^{regex}$"})


Name = Annotated[str, AfterValidator(_check_name), _schema_pattern(_NAME.pattern)]


RegionId = Annotated[str, AfterValidator(_check_region)]


VpcId = Annotated[str, _resource_id("vpc", "VPC"), _schema_pattern("vpc-[a-z0-9]+")]


VswitchId = Annotated[str, _resource_id("vsw", "vSwitch"), _schema_pattern("vsw-[a-z0-9]+")]


SecurityGroupId = Annotated[
    str, _resource_id("sg", "security group"), _schema_pattern("sg-[a-z0-9]+")
]


Cidr = Annotated[str, AfterValidator(_check_ipv4_network)]


VpcCidr = Annotated[str, AfterValidator(_check_ipv4_network), AfterValidator(_check_vpc_cidr)]


ZoneId = Annotated[str, AfterValidator(_check_zone_id)]


Url = Annotated[str, AfterValidator(check_url)]


EndpointId = Annotated[
    str, _resource_id("ep", "PrivateLink endpoint"), _schema_pattern("ep-[a-z0-9]+")
]
