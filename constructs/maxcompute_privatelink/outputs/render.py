"""Render the MaxCompute client configs of every deployment from its stack's outputs.

The outputs come from the synthesized stacks (the endpoint URLs are literal there) or
from ``terraform output -json`` after apply (which adds endpoint ids and domains).
Everything is read and checked first; files are written only when every deployment
rendered, into a fresh folder swapped in whole (``output_dir.write_folder``), which holds
``mcpl-render.json``, render's marker: render writes only to an empty or new folder or
to its own output, and replaces only its own files there.

Credential files (``--with-credentials``) are written into the staging folder with the
rest, mode 0600 in 0700 folders, so that the swap brings every deployment's credentials
or none. Before them goes a ``.gitignore`` that ignores everything: a folder holding
credentials, the output or the debris of a killed run beside it (``.<out>.mcpl-*``, which
the next run removes), is never staged by ``git add -A``.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

from maxcompute_privatelink.model.config import Deployment, PrivateLinkConfig

if TYPE_CHECKING:
    import jinja2
from maxcompute_privatelink.errors import RenderError
from maxcompute_privatelink.layout import read_json_file
from maxcompute_privatelink.model.fields import check_url, shown_url
from maxcompute_privatelink.outputs.stack_outputs import (
    Source,
    StackOutputs,
    outputs_after_apply,
    synth_outputs,
)
from maxcompute_privatelink.synth.cdktf_json import stable_json
from maxcompute_privatelink.synth.output_dir import (
    MARK,
    OutputKind,
    physical,
    write_folder,
)

FILES = ("odps_config.ini", "pyodps.env", "jdbc.url", "README.md")
"""What render writes per deployment, each from ``templates/<file>.j2``."""

CREDENTIAL_FILES = ("odps_config.ini", "pyodps.env")
"""The files that hold credentials with ``--with-credentials`` (written with mode 0600)."""

CREDENTIAL_VARIABLES = (
    "ALIBABA_CLOUD_ACCESS_KEY_ID",
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
    "ALIBABA_CLOUD_SECURITY_TOKEN",
)

MARKER = "mcpl-render.json"
"""Render's marker at the top of its output: which deployments it rendered, and a salted
sha256 of each file it wrote there (so that a file is render's only while it is byte for
byte what render wrote, whatever the marker claims)."""


GITIGNORE = ".gitignore"
GITIGNORE_TEXT = (
    "# Written by `mcpl render --with-credentials`: the files here hold credentials, and\n"
    "# none of them belongs in version control.\n"
    "*\n"
)


def _generated(parts: tuple[str, ...]) -> bool:
    return parts in ((MARKER,), (GITIGNORE,)) or (len(parts) == 2 and parts[1] in FILES)


def _digest(salt: str, data: bytes) -> str:
    return hashlib.sha256(salt.encode() + b"\0" + data).hexdigest()


@dataclass(frozen=True)
class _OldMarker:
    """What the old output's marker records: the salted digest of each file render wrote
    there, read once per render."""

    old: Path
    recorded: Mapping[str, object]
    salt: str | None

    @classmethod
    def read(cls, old: Path) -> _OldMarker:
        path = old / MARKER
        data = None if path.is_symlink() else read_json_file(path, limit=1 << 20)
        recorded = data.get("files") if isinstance(data, dict) else None
        salt = data.get("salt") if isinstance(data, dict) else None
        return cls(
            old,
            recorded if isinstance(recorded, dict) else {},
            salt if isinstance(salt, str) else None,
        )

    def as_written(self, parts: tuple[str, ...]) -> bytes | None:
        """The bytes of ``<deployment>/<file>`` when the marker lists it and it still
        hashes as render wrote it (never through a link), else None."""
        wrote = self.recorded.get("/".join(parts))
        path = self.old.joinpath(*parts)
        if len(parts) != 2 or parts[1] not in FILES or not isinstance(wrote, str):
            return None
        if self.salt is None or path.is_symlink():
            return None
        try:
            content = path.read_bytes()
        except OSError:
            return None
        return content if _digest(self.salt, content) == wrote else None


def _still_written(marker: _OldMarker, kept: Iterable[str], salt: str) -> dict[str, str]:
    """The files of deployments ``kept`` (in the config, not rendered this time) that
    are still as render wrote them: render's still, recorded again with ``salt``, so that
    a later render replaces them."""
    found: dict[str, str] = {}
    for name in kept:
        for file_name in FILES:
            content = marker.as_written((name, file_name))
            if content is not None:
                found[f"{name}/{file_name}"] = _digest(salt, content)
    return found


def _owns(
    marker: _OldMarker, names: Iterable[str], kept: Iterable[str] = ()
) -> Callable[[tuple[str, ...]], bool]:
    """What of the old output render replaces: its marker; the files of the deployments
    ``names`` (rendered now); and each file the old ``marker`` lists that still hashes as
    render wrote it, but those of deployments ``kept`` (not rendered this time), which
    stay. Anything else is the user's and is carried over: a folder that is no
    deployment (``client/shared/``), a file render never wrote or that was edited,
    whatever a hand-made marker says."""
    current, staying = frozenset(names), frozenset(kept)

    def owned(parts: tuple[str, ...]) -> bool:
        if parts == (MARKER,):
            return True
        if parts == (GITIGNORE,):
            path = marker.old / GITIGNORE
            return not path.is_symlink() and read_text_or_none(path) == GITIGNORE_TEXT
        if len(parts) != 2 or parts[1] not in FILES:
            return False
        if parts[0] in current:
            return True
        return parts[0] not in staying and marker.as_written(parts) is not None

    return owned


def _is_marker(path: Path) -> bool:
    data = None if path.is_symlink() else read_json_file(path, limit=1024 * 1024)
    return (
        isinstance(data, dict)
        and data.get("generator") == MARK
        and data.get("output") == ("client configs")
    )


CLIENT_OUTPUT = OutputKind(
    command="mcpl render", marker=MARKER, option="--out", generated=_generated, is_marker=_is_marker
)

TEMPLATES = Path(__file__).resolve().parent / "templates"

_ENDPOINT_ID = re.compile(r"ep-[a-z0-9]+")
_DOMAIN = re.compile(r"[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?")
_CREDENTIAL = re.compile(r"[A-Za-z0-9+/=._-]+")
_ENV_SAFE = re.compile(r"[A-Za-z0-9+/=._:%@~,!*\[\]-]*")
"""What a KEY=value line may hold bare, alike for a shell (an assignment word undergoes
neither field splitting nor pathname expansion: POSIX, "Simple Commands"), python-dotenv
and `docker run --env-file` (which takes the rest of the line literally)."""


@dataclass(frozen=True)
class Credentials:
    """Read from the environment only, never from the config file or a flag."""

    access_key_id: str
    access_key_secret: str
    security_token: str | None

    def __repr__(self) -> str:  # never print a secret by accident
        return "Credentials(<redacted>)"


@dataclass(frozen=True)
class ClientContext:
    """Everything the templates may use; nothing else reaches them."""

    deployment: str
    region: str
    region_name: str
    protocol: str
    dns: str
    private_zone_name: str | None
    project_name: str
    maxcompute_endpoint: str
    tunnel_endpoint: str
    log_view_host: str | None
    schema_name: str | None
    quota_name: str | None
    use_instance_tunnel: bool | None
    frontend_endpoint_id: str | None
    tunnel_endpoint_id: str | None
    frontend_endpoint_domain: str | None
    tunnel_endpoint_domain: str | None
    source: Source
    credentials: Credentials | None

    @property
    def source_label(self) -> str:
        if self.source == "synth":
            return "the synthesized stack"
        return f"`{self.source}` after apply".replace("terraform output", "terraform output -json")

    @property
    def https_check(self) -> bool:
        return self.protocol == "https"

    @property
    def odpscmd_keys(self) -> bool:
        """Whether odps_config.ini carries the AccessKey: only with --with-credentials and
        no STS token, since odpscmd builds file credentials with a null token
        (aliyun-odps-console ExecutionContext.java:744) and reads a token only through the
        credential chain (account_provider=chain: AlibabaCloudCredentials.java:52)."""
        return self.credentials is not None and self.credentials.security_token is None

    @property
    def env_quoted(self) -> bool:
        """Whether pyodps.env quotes a value for the shell, which Docker would keep."""
        values = (
            self.maxcompute_endpoint,
            self.tunnel_endpoint,
            self.project_name,
            self.region,
            self.log_view_host,
            self.quota_name,
            self.schema_name,
        )
        return any(v is not None and not _ENV_SAFE.fullmatch(v) for v in values)

    @property
    def jdbc_url(self) -> str:
        """``jdbc:odps:<endpoint>?project=..&tunnelEndpoint=..``; the driver URL-decodes
        every query value, so each is encoded whole (``&``, ``?``, ``=`` and all). No
        credential and no region: the driver takes user, password and sts_token as
        connection properties, and has no region setting."""
        params: list[tuple[str, str]] = [
            ("project", self.project_name),
            ("tunnelEndpoint", self.tunnel_endpoint),
        ]
        if self.https_check:
            # the driver's default is false, which skips certificate checks
            # (odps-jdbc ConnectionResource.java:91 and :208)
            params.append(("httpsCheck", "true"))
        if self.log_view_host:
            params.append(("logview", self.log_view_host))
        if self.schema_name:
            params.append(("schema", self.schema_name))
        if self.quota_name:
            params.append(("quotaName", self.quota_name))
        if self.use_instance_tunnel is not None:
            params.append(("useInstanceTunnel", str(self.use_instance_tunnel).lower()))
        query = "&".join(f"{key}={quote(value, safe='')}" for key, value in params)
        # the driver takes the endpoint verbatim up to the first '?', which a checked URL
        # cannot contain
        return f"jdbc:odps:{self.maxcompute_endpoint}?{query}"


@dataclass(frozen=True)
class RenderResult:
    out: Path
    deployments: tuple[str, ...]
    with_credentials: bool
    missing: tuple[str, ...] = ()
    """Deployments ``--tf-output`` holds no outputs of: not rendered, their files kept."""


# -- checking and building the context -----------------------------------------------------


def credentials_from_environment(
    environ: Mapping[str, str], option: str = "--with-credentials"
) -> Credentials:
    """The clients' credentials from ``environ``; ``option`` is the flag that asked."""
    key_id, secret, token = (environ.get(v) or None for v in CREDENTIAL_VARIABLES)
    missing = [v for v, x in zip(CREDENTIAL_VARIABLES[:2], (key_id, secret), strict=True) if not x]
    if missing:
        raise RenderError(
            None,
            f"{option} reads ALIBABA_CLOUD_ACCESS_KEY_ID and "
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET (and ALIBABA_CLOUD_SECURITY_TOKEN for STS) from "
            f"the environment; not set: {', '.join(missing)}",
        )
    if key_id is None or secret is None:  # reported as missing just above
        raise RenderError(None, "ALIBABA_CLOUD_ACCESS_KEY_ID and _SECRET are both needed")
    for variable, value in zip(CREDENTIAL_VARIABLES, (key_id, secret, token), strict=True):
        if value is not None and not _CREDENTIAL.fullmatch(value):
            # never echo the value: it is a secret
            raise RenderError(
                None,
                f"{variable} holds characters no AccessKey or STS token has (only letters, "
                "digits and + / = . _ - are); check the variable",
            )
    return Credentials(key_id, secret, token)


def _checked(name: str, key: str, value: str | None, outputs: StackOutputs) -> str | None:
    """Output values are input too: hold them to what they can be before using them."""
    if value is None:
        return None
    ok = {
        "frontend_endpoint_id": _ENDPOINT_ID.fullmatch,
        "tunnel_endpoint_id": _ENDPOINT_ID.fullmatch,
        "frontend_endpoint_domain": _DOMAIN.fullmatch,
        "tunnel_endpoint_domain": _DOMAIN.fullmatch,
    }.get(key)
    try:
        good = bool(ok(value)) if ok else bool(check_url(value))
    except ValueError:
        good = False
    if not good:
        shown = shown_url(value) if key.endswith("_endpoint") else repr(value)
        raise RenderError(name, f"{outputs.origin}: output {key} = {shown} is not valid")
    return value


def _same_hosts(
    name: str, urls: dict[str, str], known: dict[str, str | None], outputs: StackOutputs
) -> None:
    """With ``dns: none`` the URLs are the endpoints' own domains: each URL's host must be
    the domain its endpoint reports, never another host (the clients would follow it)."""
    for url_key, domain_key in (
        ("maxcompute_endpoint", "frontend_endpoint_domain"),
        ("tunnel_endpoint", "tunnel_endpoint_domain"),
    ):
        domain, host = known.get(domain_key), urlsplit(urls[url_key]).hostname
        if domain is not None and host != domain:
            raise RenderError(
                name,
                f"{outputs.origin}: {url_key} is {shown_url(urls[url_key])}, whose host is "
                f"not the endpoint's domain {domain} ({domain_key}); render never points "
                "clients at another host: run `terraform output -json` again from this stack",
            )


def build_context(
    deployment: Deployment, outputs: StackOutputs, credentials: Credentials | None
) -> ClientContext:
    name = deployment.name
    if deployment.client is None:
        raise RenderError(
            name,
            "client.project_name: required for render; add client: {project_name: "
            "<your MaxCompute project>} to the deployment",
        )
    urls: dict[str, str] = {}
    expected = {
        "maxcompute_endpoint": deployment.plan.maxcompute_endpoint,
        "tunnel_endpoint": deployment.plan.tunnel_endpoint,
    }
    for key in expected:
        if key not in outputs.values:
            raise RenderError(name, f"{outputs.origin} has no output {key}")
    values = {key: _checked(name, key, outputs.values[key], outputs) for key in expected}
    for key, configured in expected.items():
        value = values[key]
        if value is None:
            raise RenderError(
                name,
                f"{key} is not known yet in {outputs.origin} (a Terraform reference, known "
                "after apply); run `terraform apply`, then pass `terraform output -json` "
                "with --tf-output",
            )
        if configured is not None and value != configured:
            if outputs.source == "synth":
                raise RenderError(
                    name,
                    f"{outputs.origin} is older than the config: {key} is "
                    f"{shown_url(value)} there and {shown_url(configured)} in the config; "
                    "run `mcpl synth`",
                )
            raise RenderError(
                name,
                f"{outputs.origin}: {key} is {shown_url(value)}, but the config's is "
                f"{shown_url(configured)}: these outputs are another stack's or an older "
                "apply's, and render never points clients elsewhere; run `terraform apply` "
                "with this config, then `terraform output -json` again",
            )
        urls[key] = value
    known = {
        key: _checked(name, key, outputs.values.get(key), outputs)
        for key in (
            "frontend_endpoint_id",
            "tunnel_endpoint_id",
            "frontend_endpoint_domain",
            "tunnel_endpoint_domain",
        )
    }
    if expected["maxcompute_endpoint"] is None:  # dns: none
        _same_hosts(name, urls, known, outputs)
    region = deployment.plan.region
    client = deployment.client
    return ClientContext(
        deployment=name,
        region=region.id,
        region_name=region.name,
        protocol=deployment.protocol,
        dns=deployment.dns,
        private_zone_name=(
            deployment.plan.private_zone.zone_name if deployment.plan.private_zone else None
        ),
        project_name=client.project_name,
        maxcompute_endpoint=urls["maxcompute_endpoint"],
        tunnel_endpoint=urls["tunnel_endpoint"],
        log_view_host=client.log_view_host,
        schema_name=client.schema_name,
        quota_name=client.quota_name,
        use_instance_tunnel=client.use_instance_tunnel,
        source=outputs.source,
        credentials=credentials,
        **known,
    )


# -- templates ---------------------------------------------------------------------------


def _properties_value(value: object) -> str:
    """A value for a Java properties file: backslashes and non-ASCII escaped."""
    text = str(value).lower() if isinstance(value, bool) else str(value)
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        raise ValueError(f"control character in a properties value: {text!r}")
    escaped = "".join(
        "\\\\" if ch == "\\" else ch if ord(ch) < 127 else f"\\u{ord(ch):04x}" for ch in text
    )
    return "\\" + escaped if escaped.startswith(" ") else escaped


def _env_value(value: object) -> str:
    """A value for a KEY=value env file: bare when plain (shells, python-dotenv and docker
    --env-file read it alike), else single-quoted, which shells and dotenv take literally."""
    text = str(value)
    if _ENV_SAFE.fullmatch(text):
        return text
    if "'" in text or any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        raise ValueError(f"value cannot be quoted safely for an env file: {text!r}")
    return f"'{text}'"


def environment() -> jinja2.Environment:
    """The one jinja2 environment of every template (imported here, when it is needed)."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # noqa: S701 - INI, env, JDBC URL, YAML, Markdown: no HTML
    )
    env.filters["properties"] = _properties_value
    env.filters["env"] = _env_value
    return env


def render_files(context: ClientContext, env: jinja2.Environment) -> dict[str, str]:
    files: dict[str, str] = {}
    for name in FILES:
        try:
            files[name] = env.get_template(f"{name}.j2").render(c=context)
        except ValueError as error:  # a filter refused a value the checks let through
            raise RenderError(context.deployment, f"cannot render {name}: {error}") from None
    return files


def render(
    config: PrivateLinkConfig,
    *,
    out: Path,
    from_dir: Path,
    tf_outputs: list[Path],
    credentials: Credentials | None,
    config_path: Path | None = None,
    others: tuple[OutputKind, ...] = (),
) -> RenderResult:
    """Render every deployment's client files into ``out``; ``config_path`` and ``others``
    (other commands' outputs) keep ``out`` from being a folder that is not render's."""
    names = [d.name for d in config.deployments]
    if tf_outputs:  # after `cdktf deploy STACK --outputs-file`: the stacks it holds
        sources = outputs_after_apply(tf_outputs, names, partial=True)
    else:
        sources = {n: synth_outputs(from_dir, n) for n in names}
    missing = tuple(n for n in names if n not in sources)
    env = environment()
    rendered = {
        d.name: render_files(build_context(d, sources[d.name], credentials), env)
        for d in config.deployments
        if d.name in sources
    }

    # the same output for the same input (a salt, not a secret: it only keeps the
    # credential files' digests from being the plain sha256 of a file holding a key)
    salt = hashlib.sha256(stable_json(names).encode()).hexdigest()[:32]
    previous = _OldMarker.read(physical(out))
    written = _still_written(previous, missing, salt) | {
        f"{name}/{file_name}": _digest(salt, text.encode("utf-8"))
        for name, files in rendered.items()
        for file_name, text in files.items()
    }

    def build(staging: Path) -> None:
        marker = {
            "deployments": list(rendered),
            "files": written,
            "generator": MARK,
            "output": "client configs",
            "salt": salt,
        }
        if credentials is not None:  # first: the debris of a kill is ignored too
            (staging / GITIGNORE).write_text(GITIGNORE_TEXT, encoding="utf-8")
        (staging / MARKER).write_text(stable_json(marker), encoding="utf-8")
        for name, files in rendered.items():
            folder = staging / name
            folder.mkdir(mode=0o700 if credentials else 0o777)
            for file_name, text in files.items():
                secret = credentials is not None and file_name in CREDENTIAL_FILES
                _write(folder / file_name, text, mode=0o600 if secret else None)

    write_folder(
        out,
        build,
        kind=CLIENT_OUTPUT,
        config=config_path,
        others=others,
        owns=_owns(previous, rendered, kept=missing),
    )
    return RenderResult(out, tuple(rendered), credentials is not None, missing)


def read_text_or_none(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8") if path.stat().st_size < 4096 else None
    except (OSError, UnicodeDecodeError):
        return None


def _write(path: Path, text: str, *, mode: int | None) -> None:
    if mode is None:
        path.write_text(text, encoding="utf-8")
        return
    # created with its final mode: a secret is never readable by others, not even briefly
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
