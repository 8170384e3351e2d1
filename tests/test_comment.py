"""The review comment fits GitHub's 65,536-character limit at any fleet size, leads with
what cuts MaxCompute off, and names every deployment that changes or failed to plan."""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path

import pytest

from conftest import BASE_DEPLOYMENT, runner, write_config
from maxcompute_privatelink.cli import app
from maxcompute_privatelink.model.config import PrivateLinkConfig
from maxcompute_privatelink.outputs.comment import COMMENT_LIMIT, fitted, full_review
from maxcompute_privatelink.outputs.summary import MARKER, Change, Summary, summarize


def fleet(size: int) -> PrivateLinkConfig:
    deployments = []
    for index in range(size):
        entry = copy.deepcopy(BASE_DEPLOYMENT)
        entry["name"] = f"warehouse-team-{index:04d}-cn-shenzhen"
        deployments.append(entry)
    return PrivateLinkConfig.model_validate({"deployments": deployments})


def planned(summary: Summary, changing: set[str], unplanned: tuple[str, ...] = ()) -> Summary:
    """``summary`` with a plan for every deployment: a create of a record for those in
    ``changing``, no changes for the rest, none at all for ``unplanned``."""
    deployments = []
    for d in summary.deployments:
        changes: tuple[Change, ...] | None = ()
        if d.name in changing:
            changes = (Change(d.name, "alicloud_pvtz_zone_record.dns_frontend",
                              "alicloud_pvtz_zone_record", "create"),)  # fmt: skip
        if d.name in unplanned:
            changes = None
        deployments.append(dataclasses.replace(d, changes=changes))
    return dataclasses.replace(summary, deployments=tuple(deployments), unplanned=unplanned)


def test_the_whole_review_is_the_comment_when_it_fits() -> None:
    # given
    summary = planned(summarize(fleet(2), []), {"warehouse-team-0000-cn-shenzhen"})
    # when
    comment = fitted(summary)
    # then
    assert comment == full_review(summary)
    assert comment.startswith(MARKER)
    assert "```mermaid" in comment


@pytest.mark.parametrize("size", [39, 300, 1000])
def test_the_comment_fits_and_names_every_changing_deployment(size: int) -> None:
    # given: a fleet where every deployment changes, and one plan failed
    summary = summarize(fleet(size), [])
    names = [d.name for d in summary.deployments]
    summary = planned(summary, set(names[1:]), unplanned=(names[0],))
    assert len(full_review(summary)) > COMMENT_LIMIT
    # when
    comment = fitted(summary, expected=names)
    # then
    assert len(comment) <= COMMENT_LIMIT
    assert comment.startswith(MARKER)
    assert all(name in comment for name in names[1:])
    assert f"No plan for `{names[0]}`" in comment.split("# MaxCompute")[1][:500]
    assert "job summary" in comment


def test_a_replacement_leads_the_digest_in_bold() -> None:
    # given: 300 deployments with no changes, and one endpoint replaced
    summary = summarize(fleet(300), [])
    name = summary.deployments[7].name
    summary = planned(summary, set())
    endpoint = Change(name, "alicloud_privatelink_vpc_endpoint.maxcompute_frontend",
                      "alicloud_privatelink_vpc_endpoint", "replace", ("vpc_id",))  # fmt: skip
    deployments = list(summary.deployments)
    deployments[7] = dataclasses.replace(deployments[7], changes=(endpoint,))
    summary = dataclasses.replace(summary, deployments=tuple(deployments), critical=(endpoint,))
    # when
    comment = fitted(summary)
    # then
    first = comment.index("**replace `alicloud_privatelink_vpc_endpoint.maxcompute_frontend`")
    assert first < comment.index("deployment(s) change")
    assert "1 deployment(s) change, 299 plan no changes" in comment
    assert "<details><summary>No changes (299)</summary>" in comment


def test_the_names_are_cut_only_when_they_alone_exceed_the_limit() -> None:
    # given: a small limit the changing names do not fit in
    summary = summarize(fleet(50), [])
    summary = planned(summary, {d.name for d in summary.deployments})
    # when
    comment = fitted(summary, limit=1000)
    # then
    assert len(comment) <= 1000
    assert comment.endswith("(cut at GitHub's comment limit; the rest is in the job summary)\n")


def test_fails_when_expect_is_not_a_list_of_names(tmp_path: Path) -> None:
    # given
    config = write_config(tmp_path, [copy.deepcopy(BASE_DEPLOYMENT)])
    # when
    result = runner.invoke(app, ["summary", "-c", str(config), "--expect", "prod-shenzhen"])
    # then
    assert result.exit_code == 2
    assert (
        "error: --expect: 'prod-shenzhen' is not a JSON list of deployment names, such as "
        '["prod-hangzhou"] (what `mcpl ci stacks` prints)' in result.stderr
    )


def test_a_failed_plan_is_named_at_the_top_of_the_review(tmp_path: Path) -> None:
    # given: CI planned prod-shenzhen, and no plan came back
    config = write_config(tmp_path, [copy.deepcopy(BASE_DEPLOYMENT)])
    (tmp_path / "plans").mkdir()
    # when
    result = runner.invoke(
        app,
        ["summary", "-c", str(config), "--plan", str(tmp_path / "plans"),
         "--expect", '["prod-shenzhen"]', "--max-chars", "65536"],
    )  # fmt: skip
    # then
    assert result.exit_code == 0, result.output
    head = result.stdout.split("## prod-shenzhen")[0]
    assert "No plan for `prod-shenzhen`: the plan failed" in head
