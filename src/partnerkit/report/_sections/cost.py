"""The budget section's cost of the partnership: media, fees by line, total cost, KPIs on it.

Renders :class:`~partnerkit.analysis.cost.PartnershipCost` (``MonthEvaluation.cost``);
it computes no figure.
"""

from __future__ import annotations

from partnerkit.analysis.cost import PartnershipCost
from partnerkit.model import BUILTIN_KPIS, TOTAL_COST_KPIS
from partnerkit.report._context import Context
from partnerkit.report.i18n import N_
from partnerkit.report.sections import Block, Cell, Heading, Table

__all__ = ["FEE_LABELS", "blocks"]

#: The words of each fee code (``FeeLine.code``).
FEE_LABELS = {
    "retainer": N_("fee.retainer"),
    "management_fee": N_("fee.management_fee"),
    "bank_of_hours": N_("fee.bank_of_hours"),
    "overage": N_("fee.overage"),
    "project": N_("fee.project"),
    "performance_fee": N_("fee.performance_fee"),
    "bonus": N_("fee.bonus"),
}


def blocks(ctx: Context) -> list[Block]:
    """The cost tables: media + fees = total cost; CPL, CAC, ROI on media and total cost."""
    f = ctx.f
    cost: PartnershipCost | None = ctx.r.cost
    out: list[Block] = [Heading(f.t("cost.heading"))]
    if cost is None:
        out.append(ctx.failed("cost"))
        return out
    rows: list[tuple[Cell, ...]] = [(ctx.text(f.t("budget.media")), ctx.money(cost.media_spend))]
    for line in cost:
        label = f.t(FEE_LABELS[line.code])
        if line.ref is not None:
            label = f.t("cost.fee_ref", label=label, ref=line.ref)
        rows.append((ctx.text(label), ctx.money(line.amount, line.status or "not_computable")))
    rows.append((ctx.text(f.t("cost.fees")), ctx.money(cost.fees, "fees_not_computable")))
    rows.append((ctx.text(f.t("cost.total")), ctx.money(cost.total_cost, "fees_not_computable")))
    out.append(Table("cost.lines", ("", f.t("col.this_month")), tuple(rows)))
    kpi_rows = []
    for base in ("cpl", "cac", "roi"):
        kpi = BUILTIN_KPIS[base]
        on_media = cost.kpi(base)
        on_total = cost.kpi(TOTAL_COST_KPIS[f"{base}_total_cost"].id)
        kpi_rows.append(
            (
                ctx.text(f.kpi(base, kpi.name)),
                ctx.unit(on_media.value, kpi.unit, on_media.reason),
                ctx.unit(on_total.value, kpi.unit, on_total.reason),
            )
        )
    out.append(
        Table(
            "cost.kpis",
            ("", f.t("cost.on_media"), f.t("cost.on_total_cost")),
            tuple(kpi_rows),
        )
    )
    out.append(
        Table(
            "cost.per_fee",
            ("", f.t("col.this_month")),
            (
                (
                    ctx.text(f.t("cost.revenue_per_fee")),
                    ctx.number(cost.revenue_per_fee, 2),
                ),
                (
                    ctx.text(f.t("cost.pipeline_per_fee")),
                    ctx.number(cost.pipeline_per_fee, 2),
                ),
            ),
        )
    )
    return out
