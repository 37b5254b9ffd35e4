"""Section 3, performance by source: the history and CPL charts, one table per source.

Then organic search (:mod:`.seo`), email (:mod:`.email`) and organic social (:mod:`.social`)
when the workspace has them.
"""

from __future__ import annotations

from decimal import Decimal

from partnerkit.analysis.kpis import KPIValue
from partnerkit.analysis.month import figure, previous_figure
from partnerkit.report import _charts
from partnerkit.report._context import Context
from partnerkit.report._sections import email, seo, social
from partnerkit.report.i18n import N_
from partnerkit.report.sections import Block, Heading, Table

__all__ = ["build"]
_CHANNEL_ROWS: dict[str, tuple[str, ...]] = {
    "paid_search": (
        "impressions", "clicks", "cpc", "ctr", "conversions", "cpa",
        "conversion_rate", "roas", "leads", "cpl", "sqls", "customers",
    ),
    "paid_social": ("impressions", "clicks", "ctr", "leads", "cpl", "sqls", "customers"),
    "display": ("impressions", "clicks", "ctr", "conversions", "cpa", "leads", "cpl"),
    "video": ("impressions", "clicks", "ctr", "leads", "cpl"),
    "organic_search": ("sessions", "leads", "sqls", "customers"),
    "organic_social": ("sessions", "leads", "sqls", "customers"),
    "email": ("sessions", "conversions", "conversion_rate", "leads", "sqls", "customers"),
}  # fmt: skip
_DEFAULT_ROWS = ("leads", "cpl", "sqls", "customers")


def build(ctx: Context) -> list[Block]:
    """The sources' charts and tables, then the SEO, email and social parts (with data)."""
    return [*_sources(ctx), *seo.build(ctx), *email.build(ctx), *social.build(ctx)]


def _sources(ctx: Context) -> list[Block]:
    """The history chart, the CPL chart, and one table per source of the source map."""
    out: list[Block] = []
    out.extend(_history_chart(ctx))
    table = ctx.r.sources
    if table is None:
        out.append(ctx.failed("sources"))
        return out
    by_source: dict[str, dict[str, KPIValue]] = {}
    for v in table:
        by_source.setdefault(v.scope.removeprefix("source "), {})[v.kpi] = v
    out.extend(_cpl_chart(ctx, by_source))
    targets = {v.scope: v for v in (ctx.r.targets or ()) if v.scope.startswith("source ")}
    shown = 0
    for source_id, values in by_source.items():
        if not any(
            figure(values.get(k)) or previous_figure(values.get(k)) for k in ("spend", "leads")
        ):
            continue
        channel = _source_channel(ctx, source_id)
        rows = []
        for kpi in ("spend", *_CHANNEL_ROWS.get(channel or "", _DEFAULT_ROWS)):
            found = values.get(kpi)
            if found is None:
                continue
            scoped = targets.get(f"source {source_id}")
            shown_value = scoped if scoped is not None and scoped.kpi == kpi else found
            rows.append(ctx.kpi_row(ctx.kpi_name(shown_value), shown_value))
        out.append(
            Heading(
                ctx.f.t(
                    "sources.heading",
                    source=ctx.source_name(source_id),
                    channel=ctx.f.channel(channel),
                )
            )
        )
        out.append(
            Table(f"source.{source_id}", ctx.kpi_columns(ctx.f.t("col.metric")), tuple(rows))
        )
        shown += 1
    if not shown:
        out.append(ctx.nodata(N_("sources.none")))
    return out


def _source_channel(ctx: Context, source_id: str) -> str | None:
    for s in ctx.ws.sources:
        if s.id == source_id:
            return str(s.channel)
    return None


def _history_chart(ctx: Context) -> list[Block]:
    points = []
    for p in ctx.r.history:
        try:
            spend, leads = p.totals.get("spend"), p.totals.get("leads")
        except (KeyError, LookupError):
            continue
        s, n = figure(spend), figure(leads)
        if s is not None and n is not None:
            points.append((p.month, s, n))
    if not points:
        return []
    title = ctx.f.t("chart.history")
    alt = "; ".join(
        f"{ctx.f.month(m)}: {ctx.f.money(s)}, {ctx.f.number(n)} {ctx.f.t('chart.legend.leads')}"
        for m, s, n in points
    )
    return [
        _charts.history_chart(
            "history",
            title,
            [
                _charts.Bar(ctx.f.short_month(m), float(s), ctx.f.money_whole(s), ctx.f.money(s))
                for m, s, _ in points
            ],
            [_charts.Bar(ctx.f.short_month(m), float(n), ctx.f.number(n)) for m, _, n in points],
            (ctx.f.t("chart.legend.spend"), ctx.f.t("chart.legend.leads")),
            tick=lambda v: ctx.f.money_whole(Decimal(v)),
            line_tick=lambda v: ctx.f.number(Decimal(v)),
            alt=alt,
        )
    ]


def _cpl_chart(ctx: Context, by_source: dict[str, dict[str, KPIValue]]) -> list[Block]:
    bars = []
    for source_id, values in by_source.items():
        value = figure(values.get("cpl"))
        if value is None:
            continue
        bars.append(
            _charts.Bar(
                ctx.source_name(source_id),
                float(value),
                ctx.f.money_whole(value),
                ctx.f.money(value),
            )
        )
    if not bars:
        return []
    target = None
    for t in ctx.r.targets or ():
        if t.kpi == "cpl" and t.scope == "all" and t.target is not None:
            target = t.target
    title = ctx.f.t("chart.cpl_source")
    ref = None
    if target is not None:
        ref = _charts.Bar(
            ctx.f.t("chart.cpl_target", value=ctx.f.money_whole(target)),
            float(target),
            ctx.f.money_whole(target),
            ctx.f.money(target),
        )
    alt = "; ".join(f"{b.label}: {b.full}" for b in bars)
    if ref is not None:
        alt += f"; {ref.label}"
    chart = _charts.bar_chart(
        "cpl", title, bars, tick=lambda v: ctx.f.money_whole(Decimal(v)), alt=alt, reference=ref
    )
    return [chart]
