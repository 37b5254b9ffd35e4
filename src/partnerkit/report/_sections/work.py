"""Section 2, work done: observations, the work log, hours, meetings, campaigns, tests."""

from __future__ import annotations

from partnerkit.report._context import Context
from partnerkit.report._sections import work_log
from partnerkit.report.i18n import N_
from partnerkit.report.sections import Block, Bullets, Heading, Text

__all__ = ["build"]


def build(ctx: Context) -> list[Block]:
    """Observations, the work log, hours, meetings, campaigns, tests, recommendations."""
    out: list[Block] = []
    note = ctx.note()
    if note is not None and note.observations:
        out.append(Heading(ctx.f.t("work.observations")))
        out.append(
            Bullets(tuple(Text(o.replace("{", "{{").replace("}", "}}")) for o in note.observations))
        )
    out += work_log.blocks(ctx)
    campaigns = ctx.r.budget_campaigns
    if campaigns is not None:
        active = [line for line in campaigns if line.spend > 0]
        if active:
            out.append(Heading(ctx.f.t("work.campaigns")))
            items = []
            for line in active:
                source = ""
                if line.key is not None:
                    for c in ctx.ws.campaigns:
                        if c.id == line.key:
                            source = ctx.ws.source(c.source).name
                items.append(
                    ctx.sentence(
                        N_("work.campaign_line"),
                        {
                            "name": ctx.text(line.label),
                            "source": ctx.text(source or "—"),
                            "spend": ctx.money(line.spend),
                        },
                    )
                )
            out.append(Bullets(tuple(items)))
    tests = ctx.experiments()
    if tests:
        out.append(Heading(ctx.f.t("work.tests")))
        out.append(
            Bullets(
                tuple(
                    ctx.sentence(
                        N_("work.test_line"),
                        {
                            "name": ctx.text(e.name or e.id),
                            "status": ctx.text(ctx.f.t(f"experiment.{e.status.value}")),
                        },
                    )
                    for e in tests
                )
            )
        )
    if ctx.prev_recs:
        out.append(Heading(ctx.f.t("work.previous_recs")))
        out.append(Bullets(tuple(Text("{r}", {"r": ctx.text(r)}) for r in ctx.prev_recs)))
    if not out:
        out.append(ctx.nodata(N_("work.none")))
    return out
