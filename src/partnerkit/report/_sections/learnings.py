"""Section 8, learnings: the test plan's tests of the month and the month's learnings."""

from __future__ import annotations

from partnerkit.report._context import Context
from partnerkit.report.i18n import N_
from partnerkit.report.sections import Block, Bullets, Heading, Text

__all__ = ["build"]


def build(ctx: Context) -> list[Block]:
    """The test plan's tests of the month, and the month's learnings."""
    out: list[Block] = []
    f = ctx.f
    tests = ctx.experiments()
    if tests:
        out.append(
            ctx.text_table(
                "learnings.tests",
                (f.t("col.test"), f.t("col.tested"), f.t("col.learned"), f.t("col.decision")),
                (
                    (
                        e.name or e.id,
                        f"{e.hypothesis} — {e.learning_goal}",
                        " ".join(x for x in (e.result, e.learning) if x) or "—",
                        f.t(f"decision.{e.decision.value}")
                        if e.decision
                        else f.t(f"experiment.{e.status.value}"),
                    )
                    for e in tests
                ),
            )
        )
    note = ctx.note()
    if note is not None and note.learnings:
        out.append(Heading(f.t("learnings.notes")))
        out.append(Bullets(tuple(Text("{x}", {"x": ctx.text(x)}) for x in note.learnings)))
    if not out:
        out.append(ctx.nodata(N_("learnings.none")))
    return out
