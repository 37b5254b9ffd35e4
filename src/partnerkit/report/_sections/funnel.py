"""Section 6, funnel and revenue: the funnel chart, the funnel, stage entries, revenue by source."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from partnerkit.analysis.kpis import KPIValue
from partnerkit.analysis.month import figure, reason
from partnerkit.model import KPIUnit
from partnerkit.report import _charts
from partnerkit.report._context import Context
from partnerkit.report.i18n import N_
from partnerkit.report.sections import Block, Cell, Heading, NoData, Table, Text

__all__ = ["build"]


def build(ctx: Context) -> list[Block]:
    """The funnel chart, the funnel by source, revenue by source."""
    from partnerkit.analysis.funnel import STAGES

    out: list[Block] = []
    f = ctx.f
    stages = [name for name, _ in STAGES]
    fun = ctx.r.funnel
    if fun is None:
        out.append(ctx.failed("funnel"))
    else:
        totals = [s for s in fun if s.source == "all" and s.cohort == "all"]
        if not totals or totals[0].count == 0:
            out.append(ctx.nodata(N_("funnel.no_leads")))
        else:
            bars = [
                _charts.Bar(
                    f.t(f"funnel.stage.{s.stage}"),
                    float(s.count),
                    f.number(s.count)
                    + ("" if s.step_rate is None else f" ({f.percent(s.step_rate)})"),
                )
                for s in totals
            ]
            title = f.t("chart.funnel")
            out.append(
                _charts.bar_chart(
                    "funnel",
                    title,
                    bars,
                    tick=lambda v: f.number(Decimal(v)),
                    alt="; ".join(f"{b.label}: {b.text}" for b in bars),
                    axis=f.t("chart.legend.leads"),
                )
            )
            out.append(
                ctx.sentence(
                    N_("funnel.cohort"),
                    {"leads": ctx.number(totals[0].count)},
                    month=f.month(ctx.r.month),
                )
            )
            out.append(Heading(f.t("funnel.by_source")))
            sources = [
                s.source for s in fun if s.cohort == "all" and s.stage == "lead" and s.count > 0
            ]
            rows = []
            for src in sources:
                row: list[Cell] = [
                    ctx.text(f.t("funnel.all") if src == "all" else ctx.source_name(src))
                ]
                for stage in stages:
                    s = fun.get(stage, src)
                    text = f.number(s.count)
                    if s.step_rate is not None:
                        text += f" ({f.percent(s.step_rate)})"
                    row.append(Cell(text, Decimal(s.count), numeric=True))
                rows.append(tuple(row))
            out.append(
                Table(
                    "funnel.sources",
                    (f.t("col.source"), *(f.t(f"funnel.stage.{s}") for s in stages)),
                    tuple(rows),
                )
            )
    out.extend(_stage_entries(ctx))
    out.append(Heading(f.t("funnel.revenue")))
    rev = ctx.r.revenue
    if rev is None:
        out.append(ctx.failed("revenue"))
        return out
    rows = []
    for r in rev:

        def kpi(name: str, r: Any = r) -> KPIValue | None:
            """The figure from the month's one KPI table (totals or this source's)."""
            if name in ("spend", "leads", "customers", "cpl"):
                if r.source == "all":
                    return ctx.r.total(name)
                return ctx.r.source(r.source, name)
            try:
                found: KPIValue = r.value(name)
            except KeyError:
                return None
            return found

        shown = [figure(kpi(k)) for k in ("spend", "leads", "customers")]
        if r.source != "all" and not any(shown) and not r.won_deals:
            continue

        def cell(name: str, unit: KPIUnit, r: Any = r) -> Cell:
            v = kpi(name, r)
            return ctx.unit(figure(v), unit, reason(v))

        rows.append(
            (
                ctx.text(f.t("funnel.all") if r.source == "all" else r.name),
                cell("spend", KPIUnit.MONEY),
                cell("leads", KPIUnit.COUNT),
                cell("customers", KPIUnit.COUNT),
                ctx.number(r.won_deals),
                cell("revenue", KPIUnit.MONEY),
                cell("cpl", KPIUnit.MONEY),
                cell("cac", KPIUnit.MONEY),
                cell("roi", KPIUnit.PERCENT),
            )
        )
    try:
        revenue = rev.get("all").value("revenue")
    except KeyError:
        revenue = None
    if revenue is not None and revenue.value is None:
        why = f.reason(revenue.reason)
        out.append(NoData(f.t("no_data", reason=f"{f.t('col.revenue')}: {why}")))
    out.append(
        Table(
            "funnel.revenue",
            (
                f.t("col.source"),
                f.t("col.spend"),
                f.t("col.inquiries"),
                f.t("col.customers_won"),
                f.t("col.won_deals"),
                f.t("col.revenue"),
                f.t("col.cpl"),
                f.t("col.cac"),
                f.t("col.roi"),
            ),
            tuple(rows),
        )
    )
    out += _lead_quality(ctx)
    return out


def _lead_quality(ctx: Context) -> list[Block]:
    """The lead agreement by source: sales-ready, nurture, the share, sales' rating."""
    if ctx.ws.lead_definition is None:
        return []
    f = ctx.f
    out: list[Block] = [Heading(f.t("leadq.heading"))]
    quality = ctx.r.lead_quality
    if quality is None:
        return [*out, ctx.failed("lead_quality")]
    out.append(Text(f.t("leadq.definition")))
    rows = []
    for r in quality:
        if r.source != "all" and not r.leads and r.survey_score is None:
            continue
        score = (
            ctx.missing("no_survey_in_time")
            if r.survey_score is None
            else Cell(f.number(r.survey_score, 1), r.survey_score, numeric=True)
        )
        rows.append(
            (
                ctx.text(f.t("funnel.all") if r.source == "all" else ctx.source_name(r.source)),
                ctx.number(r.leads),
                ctx.number(r.sales_ready),
                ctx.number(r.nurture),
                ctx.number(r.disqualified),
                ctx.percent(r.sales_ready_share, "no_rows"),
                score,
            )
        )
    scale = quality.survey_scale
    out.append(
        Table(
            "funnel.lead_quality",
            (
                f.t("col.source"),
                f.t("col.inquiries"),
                f.t("col.sales_ready"),
                f.t("col.nurture"),
                f.t("col.disqualified"),
                f.t("col.sales_ready_share"),
                f.t("col.survey_score", scale=scale) if scale else f.t("col.survey_score_plain"),
            ),
            tuple(rows),
        )
    )
    return out


#: The stages whose entries in the month the report shows (a lead's entry is its creation).
_ENTERED = ("mql", "sql", "opportunity", "customer")


def _stage_entries(ctx: Context) -> list[Block]:
    """The leads that entered each stage in the month, by source, told apart from the cohort."""
    f = ctx.f
    out: list[Block] = [Heading(f.t("funnel.entries", month=f.month(ctx.r.month)))]
    entries = ctx.r.stage_entries
    if entries is None:
        out.append(ctx.failed("stage_entries"))
        return out
    month = ctx.r.label
    counts = {(e.source, e.stage): e.count for e in entries if e.month == month}
    if not any(counts.get(("all", stage)) for stage in _ENTERED):
        out.append(ctx.nodata(N_("funnel.entries_none"), month=f.month(ctx.r.month)))
        return out
    out.append(ctx.sentence(N_("funnel.entries_note"), {}, month=f.month(ctx.r.month)))
    sources = dict.fromkeys(e.source for e in entries if e.source != "all")
    rows = [
        (
            ctx.text(f.t("funnel.all") if src == "all" else ctx.source_name(src)),
            *(ctx.number(counts.get((src, stage), 0)) for stage in _ENTERED),
        )
        for src in [*sources, "all"]
        if src == "all" or any(counts.get((src, stage)) for stage in _ENTERED)
    ]
    out.append(
        Table(
            "funnel.entries",
            (f.t("col.source"), *(f.t(f"funnel.stage.{s}") for s in _ENTERED)),
            tuple(rows),
        )
    )
    return out
