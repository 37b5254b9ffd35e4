"""The organic search (SEO) part of section 3: totals, hidden volume, targets, top movers.

Renders :class:`~partnerkit.analysis.seo.SeoMonth` from the month's evaluation, and the
month's evaluated targets on KPIs over Search Console records (a keyword group's
average position, non-brand clicks); no figure is computed here. Nothing is shown when
the workspace has no Search Console data in the month or the month before (the
evaluation's ``seo`` is ``None``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from partnerkit.analysis.kpis import KPIValue
from partnerkit.analysis.seo import MIN_IMPRESSIONS_FOR_POSITION, SearchMover, SeoMonth
from partnerkit.records import RecordKind
from partnerkit.report._context import Context
from partnerkit.report._sections._channel import (
    Kind,
    changed,
    figure_columns,
    figure_row,
    part,
    shown,
)
from partnerkit.report.i18n import N_
from partnerkit.report.sections import Block, Cell, Table

__all__ = ["KPIS", "build"]

#: The KPI a workspace target names for each SEO figure (see ``docs/analysis/seo.md``).
KPIS: dict[str, str] = {
    "clicks": "organic_clicks",
    "impressions": "organic_impressions",
    "ctr": "organic_ctr",
    "position": "average_position",
}
#: Messages looked up by a built key (marked here for extraction).
_LOOKED_UP = (
    N_("seo.heading"),
    N_("seo.none"),
    N_("seo.group.left_top_ten"),
    N_("seo.group.entered_top_ten"),
)
_KINDS: dict[str, Kind] = {
    "clicks": "count",
    "impressions": "count",
    "ctr": "ratio",
    "position": "position",
}
_NAMES = {
    "clicks": N_("seo.clicks"),
    "impressions": N_("seo.impressions"),
    "ctr": N_("seo.ctr"),
    "position": N_("seo.position"),
}


def build(ctx: Context) -> list[Block]:
    """The SEO heading, its totals table, the hidden volume and the movers' tables."""
    return part(ctx, "seo", ctx.r.seo, _body)


def _body(ctx: Context, seo: SeoMonth) -> list[Block]:
    rows = tuple(
        figure_row(ctx, ctx.f.t(_NAMES[c.code]), c, _KINDS[c.code], KPIS[c.code])
        for c in seo.changes
    )
    out: list[Block] = [Table("seo.totals", figure_columns(ctx), rows)]
    if seo.hidden_clicks is not None and seo.hidden_clicks_share is not None:
        out.append(
            ctx.sentence(
                N_("seo.hidden"),
                {
                    "clicks": shown(ctx, seo.hidden_clicks, "count"),
                    "share": shown(ctx, seo.hidden_clicks_share, "ratio"),
                },
            )
        )
    out += _groups(ctx, seo)
    out += _targets(ctx)
    out += _movers(ctx, seo, "query", "clicks", N_("seo.movers.queries"))
    out += _movers(ctx, seo, "page", "clicks", N_("seo.movers.pages"))
    out += _movers(ctx, seo, "query", "position", N_("seo.movers.positions"))
    return out


def _groups(ctx: Context, seo: SeoMonth) -> list[Block]:
    """The keyword groups' positions, and a sentence for each that left or entered the top ten."""
    if not seo.groups:
        return []
    t = ctx.f.t
    columns = (
        t("seo.col.group"),
        t("seo.position"),
        t("col.previous"),
        t("col.change"),
        t("seo.clicks"),
    )
    rows = tuple(
        (
            ctx.text(g.name),
            shown(ctx, g.position.value, "position", "no_rows"),
            shown(ctx, g.position.previous, "position", "no_previous"),
            changed(ctx, g.position.change, "position", g.position.reason),
            shown(ctx, g.clicks.value, "count", "no_rows"),
        )
        for g in seo.groups
    )
    out: list[Block] = [Table("seo.groups", columns, rows, t("seo.groups"))]
    for g in seo.groups:
        if g.movement is None:
            continue
        cells = {
            "group": ctx.text(g.name),
            "position": shown(ctx, g.position.value, "position"),
            "previous": shown(ctx, g.position.previous, "position"),
        }
        tone: Literal["good", "bad"] = "bad" if g.movement == "left_top_ten" else "good"
        out.append(ctx.sentence(f"seo.group.{g.movement}", cells, tone))
    return out


def _targets(ctx: Context) -> list[Block]:
    """The month's targets on other KPIs over Search Console records, against their values.

    A keyword group's average position (``mean: search_performance.position`` where the
    query contains the group's words) or non-brand clicks: the totals' own KPIs
    (:data:`KPIS`, for the whole workspace) are in the totals table already.
    """
    found = [v for v in ctx.r.targets or () if v.target is not None and _on_search(ctx, v)]
    if not found:
        return []
    t = ctx.f.t
    rows = tuple(ctx.kpi_row(ctx.target_name(v), v) for v in found)
    return [Table("seo.targets", ctx.kpi_columns(t("col.metric")), rows, t("seo.targets"))]


def _on_search(ctx: Context, v: KPIValue) -> bool:
    if v.kpi in KPIS.values() and v.scope == "all":
        return False
    kpi = ctx.ws.kpi_catalogue.get(v.kpi)
    return kpi is not None and RecordKind.SEARCH_PERFORMANCE in kpi.kinds


def _movers(ctx: Context, seo: SeoMonth, dimension: str, measure: str, key: str) -> list[Block]:
    found = seo.movers_of("query" if dimension == "query" else "page", measure)
    if not found:
        return []
    t = ctx.f.t
    kind: Kind = "position" if measure == "position" else "count"
    first = t("seo.col.query") if dimension == "query" else t("seo.col.page")
    columns = (first, t(_NAMES[measure]), t("col.previous"), t("col.change"))
    rows = tuple(_mover_row(ctx, m, kind) for m in found)
    caption = t(key, threshold=ctx.f.number(MIN_IMPRESSIONS_FOR_POSITION))
    return [Table(key, columns, rows, caption)]


def _mover_row(ctx: Context, m: SearchMover, kind: Kind) -> tuple[Cell, ...]:
    if kind == "count":
        number = Decimal(m.change)
        sign = "+" if number > 0 else "−"
        change = Cell(sign + ctx.f.number(abs(number)), number, numeric=True)
    else:
        change = changed(ctx, float(m.change), "position", None)
    return (
        ctx.text(m.key),
        shown(ctx, m.value, kind, "no_rows"),
        shown(ctx, m.previous, kind, "no_rows"),
        change,
    )
