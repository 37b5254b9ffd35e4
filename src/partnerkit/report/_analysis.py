"""Every call the report makes into :mod:`partnerkit.analysis`, in one place.

The report never computes a number of its own: it reads the typed results gathered
here. Each analysis runs on its own; one that cannot run (missing data, a bad
setting) leaves its result ``None`` with the reason in :attr:`Results.errors`, and
the section that needed it says "no data" and why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, TypeVar
from zoneinfo import ZoneInfo

from partnerkit.analysis import (
    Dataset,
    EvidenceLog,
    LeadDedup,
    PartnershipHealth,
    SLACompliance,
    SourceMapAudit,
    Survey,
    TargetOutcome,
    audit_source_map,
    dedup_leads,
    partnership_health,
    sla_compliance,
)
from partnerkit.analysis.budget import BudgetReport, budget_report
from partnerkit.analysis.funnel import Funnel, RevenueBySource, funnel, revenue_by_source
from partnerkit.analysis.kpis import KPITable, compute_kpis, evaluate_targets
from partnerkit.analysis.pacing import PacingTable, pace_targets
from partnerkit.analysis.periods import Window, add_months
from partnerkit.errors import PartnerkitError

if TYPE_CHECKING:
    from partnerkit.model import Workspace

__all__ = ["CHANNEL_KPIS", "MonthPoint", "Results", "gather", "month_bounds"]

T = TypeVar("T")

#: The KPIs computed per channel (the outline's metrics; the catalogue's formulas).
CHANNEL_KPIS: tuple[str, ...] = (
    "leads",
    "cpl",
    "impressions",
    "clicks",
    "cpc",
    "ctr",
    "conversions",
    "cpa",
    "conversion_rate",
    "roas",
    "sessions",
    "sqls",
    "customers",
)
#: How many months the "over time" chart shows, at most.
HISTORY_MONTHS = 6


@dataclass(frozen=True)
class MonthPoint:
    """One month of the spend-and-leads history (the revenue-by-source total row).

    Attributes:
        month: The month's first day.
        revenue: The month's revenue by source (its ``all`` row has spend and leads).
    """

    month: dt.date
    revenue: RevenueBySource


@dataclass
class Results:
    """What the analyses returned for one report month.

    Attributes:
        month: The month's first day.
        month_end: Its last day.
        as_of: The last day counted.
        moment: The moment (timezone-aware) SLAs and the audit are judged at.
        targets: Every workspace target for the month (:func:`evaluate_targets`).
        channels: The channel KPIs, by channel, with the previous month.
        budget: Planned vs actual by channel (this month).
        budget_campaigns: The same by campaign.
        budget_previous: Planned vs actual by channel, the previous month.
        pacing: Target pacing, only for a month still running.
        funnel: The funnel of the month's leads by source.
        revenue: Spend, leads, customers and revenue by source.
        history: Revenue-by-source totals month by month, for the charts.
        audit: The source-map audit (silent sources, unmapped leads, gaps).
        dedup: Duplicate leads of the month.
        sla: SLA compliance from the contract's start to the month's end.
        health: Partnership health for the month.
        errors: Why an analysis that is ``None`` could not run, by its name.
    """

    month: dt.date
    month_end: dt.date
    as_of: dt.date
    moment: dt.datetime
    targets: KPITable | None = None
    channels: KPITable | None = None
    budget: BudgetReport | None = None
    budget_campaigns: BudgetReport | None = None
    budget_previous: BudgetReport | None = None
    pacing: PacingTable | None = None
    funnel: Funnel | None = None
    revenue: RevenueBySource | None = None
    history: list[MonthPoint] = field(default_factory=list)
    audit: SourceMapAudit | None = None
    dedup: LeadDedup | None = None
    sla: SLACompliance | None = None
    health: PartnershipHealth | None = None
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """The month as ``YYYY-MM``."""
        return f"{self.month:%Y-%m}"


def month_bounds(month: str | dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of a month given as ``"2026-10"`` or any day in it."""
    window = Window.month(month.strip() if isinstance(month, str) else month)
    return window.start, window.end


def _run(results: Results, name: str, call: Callable[[], T]) -> T | None:
    try:
        return call()
    except (PartnerkitError, ValueError, KeyError, LookupError) as exc:
        results.errors[name] = str(exc) or type(exc).__name__
        return None


def gather(
    workspace: Workspace,
    dataset: Dataset,
    month: str | dt.date,
    *,
    evidence: EvidenceLog | None = None,
    survey: Survey | None = None,
    as_of: dt.date | None = None,
) -> Results:
    """Run every analysis the report needs for one month.

    Args:
        workspace: The engagement.
        dataset: The records.
        month: The report month.
        evidence: The SLA evidence log, if there is one.
        survey: The partnership survey, if there is one.
        as_of: The last day counted (default: the month's last day).

    Returns:
        The results; an analysis that failed is ``None`` with its reason in ``errors``.
    """
    first, last = month_bounds(month)
    cutoff = min(as_of, last) if as_of is not None else last
    zone = ZoneInfo(workspace.timezone)
    moment = dt.datetime.combine(cutoff + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    res = Results(month=first, month_end=last, as_of=cutoff, moment=moment)
    label = res.label
    previous = f"{add_months(first, -1):%Y-%m}"

    res.targets = _run(
        res, "targets", lambda: evaluate_targets(workspace, dataset, label, as_of=cutoff)
    )
    res.channels = _run(
        res,
        "channels",
        lambda: compute_kpis(
            workspace, dataset, label, kpis=list(CHANNEL_KPIS), by="channel", as_of=cutoff
        ),
    )
    res.budget = _run(res, "budget", lambda: budget_report(workspace, dataset, label, as_of=cutoff))
    res.budget_campaigns = _run(
        res,
        "budget_campaigns",
        lambda: budget_report(workspace, dataset, label, by="campaign", as_of=cutoff),
    )
    res.budget_previous = _run(
        res, "budget_previous", lambda: budget_report(workspace, dataset, previous)
    )
    if cutoff < last:
        res.pacing = _run(res, "pacing", lambda: pace_targets(workspace, dataset, as_of=cutoff))
    res.funnel = _run(res, "funnel", lambda: funnel(workspace, dataset, label))
    res.revenue = _run(
        res, "revenue", lambda: revenue_by_source(workspace, dataset, label, as_of=cutoff)
    )
    start = add_months(first, -(HISTORY_MONTHS - 1))
    if workspace.contract is not None:
        start = max(start, workspace.contract.start.replace(day=1))
    point = start
    while point <= first:
        key = f"{point:%Y-%m}"
        got = _run(res, f"history {key}", partial(revenue_by_source, workspace, dataset, key))
        if got is not None:
            res.history.append(MonthPoint(point, got))
        point = add_months(point, 1)
    audit_start = workspace.contract.start if workspace.contract is not None else None
    res.audit = _run(
        res,
        "audit",
        lambda: audit_source_map(workspace, dataset, start=audit_start, end=last, as_of=moment),
    )
    res.dedup = _run(res, "dedup", lambda: dedup_leads(workspace, dataset, start=first, end=last))
    if workspace.slas:
        res.sla = _run(
            res,
            "sla",
            lambda: sla_compliance(workspace, dataset, evidence, end=last, as_of=moment),
        )
    else:
        res.errors["sla"] = "the workspace has no SLA terms"
    outcomes = TargetOutcome.from_kpi_values(res.targets) if res.targets is not None else None
    res.health = _run(
        res,
        "health",
        lambda: partnership_health(
            [label], targets=outcomes, sla=res.sla, audit=res.audit, survey=survey
        ),
    )
    return res
