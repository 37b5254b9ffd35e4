"""Section 9, next month: the workspace's plan and the recommendations from the results."""

from __future__ import annotations

from collections.abc import Sequence

from partnerkit.analysis.recommend import Recommendation, recommend_month
from partnerkit.report._context import Context, dec
from partnerkit.report.i18n import N_
from partnerkit.report.sections import Block, Bullets, Cell, Heading, Text

__all__ = ["build", "worded"]


def build(ctx: Context) -> list[Block]:
    """The workspace's plan and recommendations derived from the results."""
    out: list[Block] = []
    f = ctx.f
    note = ctx.note()
    if note is not None and note.next_steps:
        out.append(Heading(f.t("next.plan")))
        out.append(Bullets(tuple(Text("{x}", {"x": ctx.text(x)}) for x in note.next_steps)))
    recs = _recommend(ctx)
    ctx.recommendations = recs
    if recs:
        out.append(Heading(f.t("next.recommendations")))
        out.append(Bullets(tuple(recs)))
    if not out:
        out.append(ctx.nodata(N_("next.none")))
    return out


def _recommend(ctx: Context) -> list[Text]:
    """Word the recommendations :func:`~partnerkit.analysis.recommend.recommend` decides."""
    return worded(ctx, recommend_month(ctx.r))


def worded(ctx: Context, decided: Sequence[Recommendation]) -> list[Text]:
    """The month's recommendations in words, one sentence each, in their order."""
    f = ctx.f
    out: list[Text] = []
    silent = iter(ctx.silent_lines(N_("rec.silent")))
    terms = {t.sla.id: t for t in ctx.r.sla.terms} if ctx.r.sla is not None else {}
    targets = {v.target_id: v for v in ctx.r.targets or ()}

    def say(key: str, **cells: Cell) -> None:
        out.append(ctx.sentence(key, cells))

    for rec in decided:
        p = rec.params
        if rec.code == "shift_budget":
            fields = {}
            for tag, side in (("worst", "from"), ("best", "to")):
                fields[tag] = ctx.text(p[f"{side}_name"])
                fields[f"{tag}_cpl"] = ctx.money(p[f"{side}_cpl"])
                fields[f"{tag}_leads"] = ctx.number(p[f"{side}_leads"])
                fields[f"{tag}_spend"] = ctx.money(p[f"{side}_spend"])
            template = f.t("rec.shift", **{k: "{" + k + "}" for k in fields})
            out.append(Text(template, fields))
        elif rec.code == "fix_silent_source":
            out.append(next(silent))
        elif rec.code == "pause_campaign":
            say(
                N_("rec.no_leads"),
                campaign=ctx.text(str(p["name"])),
                spend=ctx.money(dec(p["spend"])),
            )
        elif rec.code == "exclude_search_term":
            say(
                N_("rec.search_term"),
                term=ctx.text(str(p["term"])),
                campaign=ctx.text(str(p["name"])),
                spend=Cell(f.money(p["spend"], p["currency"]), p["spend"], numeric=True),
                clicks=ctx.number(p["clicks"]),
            )
        elif rec.code == "restore_sla":
            out.append(ctx.sla_text(terms[p["sla"]], N_("rec.sla_month")))
        elif rec.code == "close_target_gap":
            v = targets[p["target"]]
            say(
                N_("rec.target"),
                name=ctx.text(ctx.target_name(v)),
                value=ctx.unit(p["value"], p["unit"]),
                target=ctx.unit(p["target_value"], p["unit"], "no_target"),
            )
        elif rec.code == "use_budget":
            say(
                N_("rec.under_source"),
                source=ctx.text(ctx.source_name(p["key"])),
                spend=ctx.money(p["spend"]),
                planned=ctx.money(p["planned"]),
            )
        elif rec.code == "deduplicate":
            say(
                N_("rec.duplicates"),
                duplicates=ctx.number(p["duplicates"]),
                records=ctx.number(p["records"]),
            )
    return out
