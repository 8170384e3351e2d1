"""The stacks' outputs, for render and doctor: read from the synthesized stacks (the
endpoint URLs are literal there), or after apply from ``terraform output -json`` files
or the file of ``cdktf deploy --outputs-file`` (which add endpoint ids and domains), and
which JSON file belongs to which deployment."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from maxcompute_privatelink.errors import RenderError
from maxcompute_privatelink.layout import HCL_FILE, JSON_FILE, STACKS, read_outputs

Source = Literal["synth", "terraform output", "cdktf deploy --outputs-file"]

_UNRESOLVED = re.compile(r"\$\{[^}]*\}")


@dataclass(frozen=True)
class StackOutputs:
    """One stack's outputs; None where the value is not known yet."""

    source: Source
    origin: str
    values: Mapping[str, str | None]


def _literal(value: Any) -> str | None:
    """A string output, or None while it still holds a Terraform reference."""
    if not isinstance(value, str):
        return None
    return None if _UNRESOLVED.search(value) else value


def synth_outputs(from_dir: Path, name: str) -> StackOutputs:
    """The outputs of a synthesized stack, ``cdk.tf.json`` or ``cdk.tf`` alike."""
    folder = from_dir / STACKS / name
    found = read_outputs(folder)
    if found is None:
        raise RenderError(
            name,
            f"{folder}: no {JSON_FILE} or {HCL_FILE}; run `mcpl synth` first, or pass --tf-output",
        )
    path, outputs = found
    if not outputs:
        raise RenderError(name, f"{path} has no outputs; run `mcpl synth` again")
    values = {key: _literal(value) for key, value in outputs.items()}
    return StackOutputs("synth", str(path), values)


_TF_OUTPUT_HINT = "write it with `terraform output -json > FILE`"


def terraform_outputs(path: Path, name: str, data: Any = None) -> StackOutputs:
    """``path``'s `terraform output -json`; ``data``: its JSON, when already read."""
    if data is None:
        data = read_json(path, hint=_TF_OUTPUT_HINT)
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise RenderError(
            name, f"{path} is not the JSON of `terraform output -json` (name -> {{value: ...}})"
        )
    values = {key: _literal(body.get("value")) for key, body in data.items()}
    return StackOutputs("terraform output", str(path), values)


_TERRAFORM_OUTPUT_KEYS = frozenset({"value", "type", "sensitive"})


def _is_terraform_output(body: Any) -> bool:
    """One output of ``terraform output -json``: ``{"sensitive": .., "type": .., "value": ..}``."""
    return isinstance(body, dict) and "value" in body and set(body) <= _TERRAFORM_OUTPUT_KEYS


def cdktf_outputs_file(path: Path, data: Any, names: list[str]) -> dict[str, StackOutputs] | None:
    """The deployments' outputs in ``data`` when it is what ``cdktf deploy --outputs-file``
    writes, else None. That file nests plain values under each stack's name (cdktf-cli,
    ``@cdktf/cli-core/src/lib/output.ts``: ``saveOutputs`` writes
    ``unpackTerraformOutput(getConstructIdsForOutputs(...))``, which maps each stack's
    ``"//".outputs`` to the values, dropping sensitive ones); it may hold other stacks of
    the app, which are left alone."""
    if not isinstance(data, dict) or not any(isinstance(data.get(n), dict) for n in names):
        return None
    if any(_is_terraform_output(body) for body in data.values()):
        return None  # `terraform output -json`: an output that happens to share a name
    return {
        name: StackOutputs(
            "cdktf deploy --outputs-file",
            f"{path} ({name})",
            {key: _literal(value) for key, value in data[name].items()},
        )
        for name in names
        if isinstance(data.get(name), dict)
    }


def outputs_after_apply(
    paths: list[Path], names: list[str], *, partial: bool = False
) -> dict[str, StackOutputs]:
    """Every deployment's outputs from ``--tf-output``: ``terraform output -json`` files
    (``<deployment>.json``, or any name with one deployment, or a folder of them), or the
    file of ``cdktf deploy --outputs-file``, which holds the stacks deployed (every one
    with ``cdktf deploy '*'`` or ``cdktf output '*'``). ``partial``: the deployments found
    when the files hold some of them only, else ``RenderError`` naming the first missing."""
    sources: dict[str, StackOutputs] = {}
    per_stack: list[Path] = []
    read: dict[Path, Any] = {}
    for path in paths:
        found = None
        if path.is_file():
            data = read[path] = read_json(path, hint=_TF_OUTPUT_HINT)
            found = cdktf_outputs_file(path, data, names)
        if found is None:
            per_stack.append(path)
        else:
            for name, outputs in found.items():
                sources.setdefault(name, outputs)
    left = [n for n in names if n not in sources]
    if left:
        assigned = assign_files(
            per_stack,
            left,
            option="--tf-output",
            what="`terraform output -json` (or `cdktf deploy --outputs-file`)",
            require_all=not (partial and sources),
        )
        sources.update({n: terraform_outputs(p, n, read.get(p)) for n, p in assigned.items()})
    return {n: sources[n] for n in names if n in sources}


def read_json(path: Path, *, hint: str, deployment: str | None = None) -> Any:
    """The JSON in ``path``; ``RenderError`` (with ``hint`` when it is missing) if not."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RenderError(deployment, f"{path}: no such file; {hint}") from None
    except RecursionError:
        raise RenderError(
            deployment, f"{path}: nested too deeply to be Terraform's JSON; check the file"
        ) from None
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise RenderError(deployment, f"{path}: cannot be read as JSON ({error})") from None


def assign_files(
    paths: Iterable[Path], names: list[str], *, option: str, what: str, require_all: bool
) -> dict[str, Path]:
    """Which JSON file (``what``, given with ``option``) belongs to which deployment.

    A folder holds ``<deployment>.json`` for each; a file belongs to the deployment it is
    named after, or to the only deployment there is.
    """
    assigned: dict[str, Path] = {}
    for path in paths:
        if path.is_dir():
            for name in names:
                if (path / f"{name}.json").is_file():
                    assigned.setdefault(name, path / f"{name}.json")
        elif path.stem in names:
            assigned[path.stem] = path
        elif len(names) == 1:
            assigned[names[0]] = path
        else:
            raise RenderError(
                None,
                f"{option} {path}: cannot tell which deployment it belongs to; name it "
                f"<deployment>.json ({', '.join(names)}) or pass a folder of them",
            )
    missing = [name for name in names if name not in assigned]
    if missing and require_all:
        raise RenderError(
            missing[0],
            f"no {what} file among {option}; expected {missing[0]}.json (deployments "
            f"without one: {', '.join(missing)})",
        )
    return assigned
