"""The JSON Schema of privatelink.yaml, for editors, and the pre-commit hooks."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import EXAMPLES, ROOT, runner
from maxcompute_privatelink.cli import app
from maxcompute_privatelink.model.config import json_schema

pytestmark = pytest.mark.releases

SCHEMA_FILE = ROOT / "schema" / "privatelink.schema.json"


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_FILE.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_committed_schema_is_what_mcpl_schema_prints() -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    assert result.stdout == json_schema() == SCHEMA_FILE.read_text(), (
        "run `mcpl schema > schema/privatelink.schema.json`"
    )


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_schema_validates_every_bundled_example(
    example: Path, validator: jsonschema.Draft202012Validator
) -> None:
    # given
    data = yaml.safe_load(example.read_text())
    # when
    errors = list(validator.iter_errors(data))
    # then
    assert errors == []


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_examples_point_editors_at_the_schema(example: Path) -> None:
    first = example.read_text().splitlines()[0]
    prefix = "# yaml-language-server: $schema="
    assert first.startswith(prefix)
    assert (example.parent / first.removeprefix(prefix)).resolve() == SCHEMA_FILE


@pytest.mark.parametrize(
    ("typo", "where"),
    [({"zone_idd": "x"}, "zones"), ({"protocl": "https"}, "deployment"), ({"bakend": {}}, "top")],
    ids=["zone_key", "deployment_key", "top_level_key"],
)
def test_schema_rejects_a_typod_key(
    typo: dict[str, object], where: str, validator: jsonschema.Draft202012Validator
) -> None:
    # given
    data = yaml.safe_load((ROOT / "privatelink.yaml").read_text())
    target = {"zones": data["deployments"][0]["zones"][0], "deployment": data["deployments"][0]}
    target.get(where, data).update(typo)  # type: ignore[union-attr]
    # when
    errors = [e.message for e in validator.iter_errors(data)]
    # then
    assert any(
        "Additional properties are not allowed" in e and next(iter(typo)) in e for e in errors
    )


def test_pre_commit_hooks_run_existing_commands() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    by_id = {hook["id"]: hook for hook in hooks}
    assert set(by_id) == {"mcpl-validate", "mcpl-check", "mcpl-check-hcl"}
    for hook in hooks:
        assert hook["language"] == "python"
        assert hook["pass_filenames"] is False
        command = hook["entry"].split()
        assert command[0] == "mcpl"
        help_result = runner.invoke(app, [*command[1:], "--help"])
        assert help_result.exit_code == 0, hook["id"]
    # what each hook installs: tests/test_packaging.py
