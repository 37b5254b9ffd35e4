"""Recommendations for next month, decided from the month's analysis results.

Each rule reads typed analysis results and returns :class:`Recommendation` objects —
a code and its parameters (ids, amounts, counts), never a sentence: the report words
them. The thresholds are named constants, documented here and tested at their
boundaries.

The rules, in the order :func:`recommend` returns them:

``shift_budget``
    Move budget from the paid source with the highest cost per lead to the one with
    the lowest. Only sources with spend above 0, a CPL, and at least
    :data:`MIN_LEADS_FOR_SHIFT` leads (inquiries) in the month take part, so both CPLs
    rest on volume; at least two must, and they must differ.
``fix_silent_source``
    An active source the source-map audit found silent at its last check.
``pause_campaign``
    A platform campaign with spend and no lead in the month (the audit's
    ``spend_without_leads`` finding at campaign level).
``exclude_search_term``
    A search term that spent in the month and brought no conversion
    (:func:`~partnerkit.analysis.grain.wasted_search_terms`, whose thresholds decide
    which), the :data:`MAX_SEARCH_TERMS` with the most spend: add it as a negative
    keyword.
``restore_sla``
    An SLA term that failed in the month (its headline, the month's figure, ``passed``
    is False; a term measured only cumulatively is judged on that).
``close_target_gap``
    A target not on track, with a value.
``use_budget``
    A budget line with records, flagged ``under``, with a plan.
``deduplicate``
    The month's leads hold duplicates (dedup's ``duplicates`` above 0).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from partnerkit.analysis.attribution import UNATTRIBUTED

if TYPE_CHECKING:
    from partnerkit.analysis.audit import SourceMapAudit
    from partnerkit.analysis.budget import BudgetReport
    from partnerkit.analysis.dedup import LeadDedup
    from partnerkit.analysis.funnel import RevenueBySource
    from partnerkit.analysis.grain import SearchTermWaste
    from partnerkit.analysis.kpis import KPIValue
    from partnerkit.analysis.month import MonthEvaluation
    from partnerkit.analysis.sla import SLACompliance

__all__ = [
    "MAX_SEARCH_TERMS",
    "MIN_LEADS_FOR_SHIFT",
    "Recommendation",
    "RecommendationCode",
    "SourceCost",
    "budget_shift",
    "recommend",
    "recommend_month",
]

MIN_LEADS_FOR_SHIFT = 10
"""Leads (inquiries) a source needs in the month for its CPL to back a budget shift."""

MAX_SEARCH_TERMS = 5
"""Search terms without conversions recommended as negative keywords, most spend first."""

RecommendationCode = Literal[
    "shift_budget",
    "fix_silent_source",
    "pause_campaign",
    "exclude_search_term",
    "restore_sla",
    "close_target_gap",
    "use_budget",
    "deduplicate",
]
"""What a recommendation asks for."""


@dataclass(frozen=True)
class Recommendation:
    """One recommendation: what to do (``code``) and the figures behind it.

    Attributes:
        code: What it asks for (see the module documentation).
        params: The ids, names and figures the report words it with.
    """

    code: RecommendationCode
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SourceCost:
    """One source's month, as the budget-shift rule reads it.

    Attributes:
        source: The source id.
        name: Its name.
        spend: Media spend in the workspace currency (``None``: no spend data).
        leads: Leads (inquiries) in the month.
        cpl: Cost per lead (``None``: not computable).
    """

    source: str
    name: str
    spend: Decimal | None
    leads: Decimal | int | None
    cpl: Decimal | None


def budget_shift(
    costs: Iterable[SourceCost], *, min_leads: int = MIN_LEADS_FOR_SHIFT
) -> Recommendation | None:
    """The ``shift_budget`` recommendation, or ``None`` when the month does not back one.

    Args:
        costs: The month's sources (rows for ``all`` and unattributed records are
            ignored).
        min_leads: The fewest leads a source needs to take part.

    Returns:
        ``shift_budget`` with ``from_*`` (the highest CPL) and ``to_*`` (the lowest)
        ``source``, ``name``, ``cpl``, ``leads`` and ``spend``; ``None`` unless two
        sources with different CPLs qualify.
    """
    candidates = [
        c
        for c in costs
        if c.source not in ("all", UNATTRIBUTED)
        and c.spend is not None
        and c.spend > 0
        and c.cpl is not None
        and c.leads is not None
        and c.leads >= min_leads
    ]
    if len(candidates) < 2:
        return None
    best = min(candidates, key=lambda c: (c.cpl, c.source))
    worst = max(candidates, key=lambda c: (c.cpl, c.source))
    if best.cpl == worst.cpl:
        return None
    params: dict[str, Any] = {}
    for tag, c in (("from", worst), ("to", best)):
        params.update(
            {
                f"{tag}_source": c.source,
                f"{tag}_name": c.name,
                f"{tag}_cpl": c.cpl,
                f"{tag}_leads": c.leads,
                f"{tag}_spend": c.spend,
            }
        )
    return Recommendation("shift_budget", params)


def recommend(
    month: str,
    *,
    revenue: RevenueBySource | None = None,
    costs: Iterable[SourceCost] | None = None,
    audit: SourceMapAudit | None = None,
    sla: SLACompliance | None = None,
    targets: Sequence[KPIValue] | None = None,
    budget: BudgetReport | None = None,
    dedup: LeadDedup | None = None,
    search_terms: SearchTermWaste | None = None,
) -> list[Recommendation]:
    """Every recommendation the month's results back, in the module's order.

    Args:
        month: The month, ``YYYY-MM`` (the audit's campaign findings are per month).
        revenue: Revenue by source (spend, leads, CPL per source); ignored when
            ``costs`` is given.
        costs: The month's spend, leads and CPL per source, as the caller's one
            evaluation of the month has them (see :mod:`partnerkit.analysis.month`).
        audit: The source-map audit.
        sla: SLA compliance.
        targets: The month's target values.
        budget: The budget report.
        dedup: The month's lead dedup.
        search_terms: The month's search terms without conversions.

    Returns:
        The recommendations (empty when nothing calls for one).
    """
    out: list[Recommendation] = []
    if costs is None and revenue is not None:
        costs = [SourceCost(r.source, r.name, r.spend, r.leads, r.cpl) for r in revenue]
    if costs is not None:
        shift = budget_shift(costs)
        if shift is not None:
            out.append(shift)
    if audit is not None:
        for row in audit.silent.to_pylist():
            if row.get("silent"):
                out.append(
                    Recommendation(
                        "fix_silent_source",
                        {
                            "source": row["source_id"],
                            "name": row.get("name") or row["source_id"],
                            "days": row["days_without_leads"],
                            "last_lead_day": row.get("last_lead_day"),
                            "leads_before": row.get("leads_before"),
                            "wiring": row.get("wiring"),
                        },
                    )
                )
        for row in audit.spend_and_leads.to_pylist():
            if (
                row.get("finding") == "spend_without_leads"
                and row["month"] == month
                and row.get("level") == "campaign"
            ):
                out.append(
                    Recommendation(
                        "pause_campaign",
                        {
                            "campaign_id": row.get("campaign_id"),
                            "name": row.get("campaign_name") or row.get("campaign_id") or "?",
                            "spend": row.get("spend"),
                        },
                    )
                )
    if search_terms is not None and search_terms.month == month:
        for t in search_terms.terms[:MAX_SEARCH_TERMS]:
            out.append(
                Recommendation(
                    "exclude_search_term",
                    {
                        "term": t.term,
                        "campaign_id": t.campaign_id,
                        "name": t.campaign_name or t.campaign_id or "?",
                        "spend": t.spend,
                        "currency": t.currency,
                        "clicks": t.clicks,
                    },
                )
            )
    if sla is not None:
        for term in sla.terms:
            if term.headline.passed is False:
                out.append(Recommendation("restore_sla", {"sla": term.sla.id}))
    for v in targets or ():
        if v.status is not None and v.status.value != "on_track" and v.value is not None:
            out.append(
                Recommendation(
                    "close_target_gap",
                    {
                        "target": v.target_id,
                        "kpi": v.kpi,
                        "value": v.value,
                        "target_value": v.target,
                        "unit": v.unit,
                        "counts": v.counts,
                    },
                )
            )
    if budget is not None:
        for line in budget:
            if (
                line.records
                and line.flag is not None
                and str(line.flag) == "under"
                and line.planned
            ):
                out.append(
                    Recommendation(
                        "use_budget",
                        {"key": line.key, "spend": line.spend, "planned": line.planned},
                    )
                )
    if dedup is not None and dedup.duplicates:
        out.append(
            Recommendation(
                "deduplicate",
                {"duplicates": dedup.duplicates, "records": dedup.lead_records},
            )
        )
    return out


def recommend_month(evaluation: MonthEvaluation) -> list[Recommendation]:
    """The recommendations of one evaluated month (what the report's "next month" shows).

    Reads the month's one evaluation (:func:`~partnerkit.analysis.month.evaluate_month`):
    spend, leads and CPL per source of the source map, the audit, SLA compliance, the
    targets, the budget by source, the dedup and the search terms without conversions.

    Args:
        evaluation: The month's evaluation.

    Returns:
        :func:`recommend`'s recommendations for the month.
    """
    from partnerkit.analysis.month import figure

    ev = evaluation
    costs = [
        SourceCost(
            source.id,
            source.name,
            figure(ev.source(source.id, "spend")),
            figure(ev.source(source.id, "leads")),
            figure(ev.source(source.id, "cpl")),
        )
        for source in ev.workspace.sources
    ]
    return recommend(
        ev.label,
        costs=costs,
        audit=ev.audit,
        sla=ev.sla,
        targets=list(ev.targets or ()),
        budget=ev.budget,
        dedup=ev.dedup,
        search_terms=ev.search_terms,
    )
