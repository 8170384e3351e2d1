"""Build deployment stacks with cdktf and write their files: the part of synth that
talks to Node, run in this process or, for larger fleets, in worker processes.

Each stack is resolved once (``TerraformStack.to_terraform`` or ``to_hcl_terraform``)
and written here, the way ``cdktf synth`` (or ``cdktf synth --hcl``) writes it.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from maxcompute_privatelink.errors import McplError, StackBuildError
from maxcompute_privatelink.layout import HCL_FILE, JSON_FILE, METADATA_FILE, STACKS
from maxcompute_privatelink.model.backend import BackendProps
from maxcompute_privatelink.model.config import Deployment
from maxcompute_privatelink.synth import progress
from maxcompute_privatelink.synth.cdktf_json import stable_json
from maxcompute_privatelink.synth.hcl import (
    bare_references,
    condition_blocks,
    json_key,
    quote_keys,
)

_BLOCK = re.compile(r'^(?:resource|data) "', re.M)
"""Resource and data blocks in cdktf's HCL, which opens each at the start of a line."""


def write_stacks(
    target: Path,
    deployments: Sequence[Deployment],
    *,
    backend: BackendProps | None,
    state_paths: dict[str, str],
    hcl: bool,
) -> dict[str, int]:
    """Write ``target/stacks/<name>/`` for each deployment; resources per stack. The caller
    (``synth``) has made sure Node is there."""
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    # jsii starts Node on import: only when synth is asked for
    from maxcompute_privatelink.construct.cdk import cdktf
    from maxcompute_privatelink.construct.emitter import FORMAT_VERSION

    # the App only makes folders (its outdir/stacks) and writes nothing, since each stack
    # is resolved and written below; a private outdir keeps parallel workers apart
    with tempfile.TemporaryDirectory(prefix="mcpl-app.") as scratch:
        app = cdktf.App(outdir=scratch, stack_traces=False)
        # the stacks' metadata version: the same whichever emitter (construct.emitter)
        app.node.set_context("cdktfVersion", FORMAT_VERSION)
        return _write(target, app, deployments, backend, state_paths, hcl)


def _write(
    target: Path,
    app: Any,
    deployments: Sequence[Deployment],
    backend: BackendProps | None,
    state_paths: dict[str, str],
    hcl: bool,
) -> dict[str, int]:
    from maxcompute_privatelink.construct.stack import required_version

    counts: dict[str, int] = {}
    constraint = required_version(backend)
    for index, deployment in enumerate(deployments):
        progress.report(f"building stacks: {index + 1} of {len(deployments)}")
        try:
            counts[deployment.name] = _write_one(
                target, app, deployment, backend, state_paths[deployment.name], hcl, constraint
            )
        except McplError:
            raise
        except Exception as error:  # jsii's, the emitter's: name the deployment, one line
            raise StackBuildError(deployment.name, f"{type(error).__name__}: {error}") from None
    return counts


def _write_one(
    target: Path,
    app: Any,
    deployment: Deployment,
    backend: BackendProps | None,
    state_path: str,
    hcl: bool,
    constraint: str,
) -> int:
    """Write ``deployment``'s stack into ``target``; its resource count."""
    from maxcompute_privatelink.construct.stack import DeploymentStack

    stack = DeploymentStack(app, deployment, state_path=state_path, backend=backend)
    stack_dir = target / STACKS / deployment.name
    stack_dir.mkdir(parents=True)
    if hcl:
        synthesized = stack.to_hcl_terraform()
        text = synthesized["hcl"]
        if not isinstance(text, str):
            raise TypeError(f"cdktf returned {type(text).__name__} for a stack's HCL")
        text = quote_keys(_with_required_version(text, constraint))
        (stack_dir / HCL_FILE).write_text(condition_blocks(bare_references(text)), encoding="utf-8")
        metadata = stable_json(synthesized["metadata"])
        (stack_dir / METADATA_FILE).write_text(metadata, encoding="utf-8")
        return len(_BLOCK.findall(text))
    data: dict[str, Any] = stack.to_terraform()
    data["terraform"] = {"required_version": constraint, **data["terraform"]}
    _escape_tag_keys(data)
    (stack_dir / JSON_FILE).write_text(stable_json(data), encoding="utf-8")
    return sum(
        len(bodies) for group in ("resource", "data") for bodies in data.get(group, {}).values()
    )


def _escape_tag_keys(data: dict[str, Any]) -> None:
    """Tag keys as ``json_key`` writes them: Terraform reads JSON property names as
    templates. Values need nothing: a user's value holds no ``${``, a reference is
    cdktf's (``model.fields`` refuses template sequences in tags)."""
    for bodies in data.get("resource", {}).values():
        for body in bodies.values():
            tags = body.get("tags")
            if isinstance(tags, dict):
                body["tags"] = {json_key(key): value for key, value in tags.items()}


def _with_required_version(hcl: str, constraint: str) -> str:
    """``required_version`` as the first line of the stack's ``terraform`` block. Written
    here, not as a stack override: cdktf 0.21's HCL writer turns that override into
    ``0 = "required_version"``, which Terraform rejects."""
    head = "terraform {\n"
    if not hcl.startswith(head):
        raise ValueError("cdktf's HCL no longer starts with the terraform block")
    return f'{head}required_version = "{constraint}"\n{hcl[len(head) :]}'
