"""Section 5, budget: planned against actual by source and campaign, fees, the pacing chart."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from partnerkit.report import _charts
from partnerkit.report._context import Context
from partnerkit.report._sections import cost
from partnerkit.report.i18n import N_
from partnerkit.report.sections import Block, Heading, Table

__all__ = ["build"]


def build(ctx: Context) -> list[Block]:
    """Planned vs actual by source and campaign, fees, pacing chart."""
    report = ctx.r.budget
    if report is None:
        return [ctx.failed("budget")]
    f = ctx.f
    days = {"days": ctx.number(report.days_elapsed), "total": ctx.number(report.month.days)}
    out: list[Block] = [ctx.sentence(N_("budget.days"), days)]
    lines = [line for line in report if line.records and (line.planned is not None or line.spend)]
    chart_groups = []
    for line in lines:
        bars = [
            _charts.Bar(
                f.t("chart.legend.planned"),
                float(line.planned or 0),
                f.money_whole(line.planned) if line.planned is not None else "—",
                f.money(line.planned) if line.planned is not None else "—",
            ),
            _charts.Bar(
                f.t("chart.legend.actual"),
                float(line.spend),
                f.money_whole(line.spend),
                f.money(line.spend),
            ),
            _charts.Bar(
                f.t("chart.legend.projected"),
                float(line.projected or 0),
                f.money_whole(line.projected) if line.projected is not None else "—",
                f.money(line.projected) if line.projected is not None else "—",
            ),
        ]
        chart_groups.append((ctx.source_name(line.key), bars))
    if chart_groups:
        title = f.t("chart.budget_source")
        alt = "; ".join(f"{g}: " + ", ".join(b.full for b in bars) for g, bars in chart_groups)
        out.append(
            _charts.grouped_bars(
                "budget",
                title,
                chart_groups,
                [
                    f.t("chart.legend.planned"),
                    f.t("chart.legend.actual"),
                    f.t("chart.legend.projected"),
                ],
                tick=lambda v: f.money_whole(Decimal(v)),
                alt=alt,
            )
        )
    out.append(Heading(f.t("budget.by_source")))
    out.append(
        _budget_table(
            ctx, "budget.source", f.t("col.source"), report, lambda line: ctx.source_name(line.key)
        )
    )
    campaigns = ctx.r.budget_campaigns
    out.append(Heading(f.t("budget.by_campaign")))
    if campaigns is None:
        out.append(ctx.failed("budget_campaigns"))
    else:
        out.append(
            _budget_table(
                ctx,
                "budget.campaign",
                f.t("col.campaign"),
                campaigns,
                lambda line: str(line.label) if line.key is not None else f.channel(None),
            )
        )
    out.append(Heading(f.t("budget.fees")))
    fee_label = f.t("budget.management_fee")
    basis = _fee_basis(ctx)
    if basis:
        fee_label = f.t("budget.with_basis", label=fee_label, basis=basis)
    out.append(
        Table(
            "budget.fees",
            ("", f.t("col.this_month"), f.t("col.projected")),
            (
                (
                    ctx.text(f.t("budget.total_planned")),
                    ctx.money(report.planned, "no_media_budget"),
                    ctx.text(""),
                ),
                (
                    ctx.text(f.t("budget.media")),
                    ctx.money(report.media_spend),
                    ctx.money(report.projected_media, "no_day_counted"),
                ),
                (
                    ctx.text(fee_label),
                    ctx.money(report.management_fee, "no_management_fee"),
                    ctx.money(report.projected_management_fee, "no_management_fee"),
                ),
                (
                    ctx.text(f.t("budget.partner_fee")),
                    ctx.money(report.partner_fee, "no_monthly_fee"),
                    ctx.text(""),
                ),
            ),
        )
    )
    out += cost.blocks(ctx)
    return out


def _fee_basis(ctx: Context) -> str | None:
    """How the contract computes the management fee, in words (read from the contract)."""
    contract = ctx.ws.contract
    fee = contract.management_fee if contract is not None else None
    if fee is None:
        return None
    f = ctx.f
    currency = fee.currency or ctx.ws.currency
    if fee.monthly is not None:
        return f.t("budget.fee_fixed", amount=f.money(fee.monthly, currency))
    if fee.percent_of_spend is None:
        return None
    percent = f.percent(fee.percent_of_spend, 2)
    if fee.minimum_monthly is not None:
        return f.t(
            "budget.fee_percent_minimum",
            percent=percent,
            minimum=f.money(fee.minimum_monthly, currency),
        )
    return f.t("budget.fee_percent", percent=percent)


def _budget_table(
    ctx: Context, key: str, first: str, report: Any, label: Callable[[Any], str]
) -> Table:
    f = ctx.f
    rows = []
    for line in report:
        if line.key is None and not line.spend and line.planned is None:
            continue  # nothing is unattributed: no row for it
        if not line.records:
            # no spend record: spend, use and projection are not computable, not 0
            rows.append(
                (
                    ctx.text(label(line)),
                    ctx.money(line.planned, "no_budget"),
                    ctx.missing("no_rows"),
                    ctx.missing("no_rows"),
                    ctx.missing("no_rows"),
                    ctx.text(""),
                )
            )
            continue
        flag = ctx.text(f.t(f"flag.{line.flag!s}") if line.flag else "")
        rows.append(
            (
                ctx.text(label(line)),
                ctx.money(line.planned, "no_budget"),
                ctx.money(line.spend),
                ctx.percent(line.used_pct, "no_budget"),
                ctx.money(line.projected, "no_day_counted"),
                flag,
            )
        )
    return Table(
        key,
        (
            first,
            f.t("col.planned"),
            f.t("col.spend"),
            f.t("col.used"),
            f.t("col.projected"),
            f.t("col.flag"),
        ),
        tuple(rows),
    )
