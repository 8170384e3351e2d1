"""The review as one pull-request comment, at any fleet size.

GitHub refuses an issue or pull-request comment whose body has more than 65,536
characters (HTTP 422 "Body is too long"; GitHub REST API, "Create an issue comment"), and
a job summary over 1 MiB (GitHub Actions docs, "Adding a job summary"). The full review
(``summary.markdown``) goes to the job summary and an artifact; the comment is the full
review when it fits, else a digest that still leads with what cuts MaxCompute off and
names every deployment that changes or whose plan failed, shortest form last.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from maxcompute_privatelink.outputs.summary import MARKER, Summary, markdown

COMMENT_LIMIT = 65_536
"""Characters in one comment body (GitHub's documented maximum)."""
FULL_REVIEW = (
    "the full review, with each deployment's table, diagram and plan, is in this run's job "
    "summary and its `privatelink-review` artifact"
)


def failed_plans(summary: Summary, expected: Sequence[str]) -> list[str]:
    """The deployments CI planned (``expected``, and the removed ones) that have no plan:
    their job failed."""
    removed = [r.name for r in summary.removed]
    return [name for name in [*expected, *removed] if name in summary.unplanned]


def _failures(failed: Sequence[str]) -> str:
    if not failed:
        return ""
    return (
        f"\n> [!WARNING]\n> No plan for {', '.join(f'`{n}`' for n in failed)}: the plan "
        "failed, so this review cannot show their changes; see the run's Plan jobs.\n"
    )


def full_review(summary: Summary, expected: Sequence[str] = ()) -> str:
    """The whole review, with failed plans named under the title."""
    text = markdown(summary)
    warning = _failures(failed_plans(summary, expected))
    if not warning:
        return text
    head, _, rest = text.partition("\n\n")
    return f"{head}\n{warning}\n{rest}" if rest else f"{head}\n{warning}"


def _counts(summary: Summary) -> dict[str, str]:
    """Each deployment with changes -> ``2 create, 1 update``."""
    found = {}
    for name, changes in [(r.name, r.changes) for r in summary.removed] + [
        (d.name, d.changes) for d in summary.deployments
    ]:
        if changes:
            tally = Counter(c.label for c in changes)
            found[name] = ", ".join(f"{n} {label}" for label, n in sorted(tally.items()))
    return found


def fitted(summary: Summary, expected: Sequence[str] = (), limit: int = COMMENT_LIMIT) -> str:
    """The comment: the full review if it fits in ``limit`` characters, else a digest."""
    whole = full_review(summary, expected)
    if len(whole) <= limit:
        return whole
    failed = failed_plans(summary, expected)
    changed = _counts(summary)
    unchanged = [d.name for d in summary.deployments if d.changes == ()]
    present = {d.name for d in summary.deployments}
    others = len(present) - len(present & (set(changed) | set(failed))) - len(unchanged)
    head = [MARKER, "# MaxCompute PrivateLink review", _failures(failed)]
    if summary.critical:
        head += ["**These changes cut MaxCompute off from a VPC until the resource is back:**", ""]
        head += [f"- **{c.label} `{c.address}` ({c.deployment})**" for c in summary.critical]
        head.append("")
    if summary.removed:
        head.append(
            "Removed from the config, destroyed on merge: "
            + ", ".join(f"`{r.name}`" for r in summary.removed) + "\n"
        )  # fmt: skip
    head.append(
        f"{len(changed)} deployment(s) change, {len(unchanged)} plan no changes"
        + (f", {others} are not part of this change" if others else "")
        + f"; {FULL_REVIEW}.\n"
    )
    tiers = [
        ["| deployment | planned |", "| --- | --- |"]
        + [f"| `{name}` | {what} |" for name, what in changed.items()],
        ["Changing: " + ", ".join(f"`{name}`" for name in changed)],
        ["Changing: " + ", ".join(changed)],
    ]
    tail = (
        ["", f"<details><summary>No changes ({len(unchanged)})</summary>", "",
         ", ".join(unchanged), "", "</details>"]
        if unchanged else []
    )  # fmt: skip
    for body in tiers:
        for extra in (tail, []):
            text = "\n".join([*head, *body, *extra]) + "\n"
            if len(text) <= limit:
                return text
    return _cut("\n".join([*head, *tiers[-1]]), limit)


def _cut(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters at a comma, saying so (only when the names of
    the changing deployments alone exceed the limit)."""
    note = " ... (cut at GitHub's comment limit; the rest is in the job summary)\n"
    kept = text[: limit - len(note)]
    return kept[: kept.rfind(",")] + note
