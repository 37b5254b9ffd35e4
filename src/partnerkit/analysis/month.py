"""One month's analysis, done once: the results every display of the month reads.

:func:`evaluate_month` calls each analysis once for a month — the targets, the KPIs
by source and in total, budget, pacing, funnel, revenue, the source-map audit, the
lead dedup, search terms without conversions, the audiences and placements that
moved, SLA compliance, partnership health and, in the trial's last two months,
the trial verdict — and returns them in one
:class:`MonthEvaluation`. The monthly report, the ``partnerkit`` command line and the
demo render that object; none of them computes a figure of its own, so a figure can
only differ between them if the rule does.

Periods are explicit: the month's figures are the headline, and SLA compliance
carries the cumulative figure (from the contract's start) beside the month's
(:attr:`partnerkit.analysis.sla.TermCompliance.month`).

Nothing is computed from nothing: a month that has not started, a dataset with no
records at all (a warehouse never synced) or a month with no lead and no spend
record gives a :class:`MonthEvaluation` whose :attr:`~MonthEvaluation.status` says
why (a :class:`NotComputable` code), and no analysis is run on it.

Example:
    >>> ev = evaluate_month(workspace, dataset, "2026-10", evidence=log)  # doctest: +SKIP
    >>> ev.sources.get("cpl", "source google-search").value  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, TypeVar
from zoneinfo import ZoneInfo

from partnerkit.analysis._data import Dataset
from partnerkit.analysis.audit import SourceMapAudit, audit_source_map
from partnerkit.analysis.budget import BudgetReport, budget_report, budget_reports
from partnerkit.analysis.cost import PartnershipCost, partnership_cost
from partnerkit.analysis.dedup import LeadDedup, dedup_leads
from partnerkit.analysis.email import EmailMonth, email_month
from partnerkit.analysis.evidence import EvidenceLog
from partnerkit.analysis.funnel import (
    Funnel,
    LeadQuality,
    RevenueBySource,
    StageEntries,
    funnel,
    lead_quality,
    revenue_by_source,
    revenue_requests,
    revenue_table,
    stage_entries,
)
from partnerkit.analysis.grain import (
    SearchTermWaste,
    SplitMovers,
    split_movers,
    wasted_search_terms,
)
from partnerkit.analysis.health import PartnershipHealth, Survey, TargetOutcome, partnership_health
from partnerkit.analysis.hours import HoursUsed, bank_hours, hours_used
from partnerkit.analysis.kpis import (
    KPIRequest,
    KPITable,
    KPIValue,
    TargetsRequest,
    compute_kpi_sets,
    compute_kpis,
    evaluate_targets,
)
from partnerkit.analysis.kpis import reason_code as reason
from partnerkit.analysis.meetings import MeetingLog, meeting_log
from partnerkit.analysis.pacing import PacingTable, pace_targets
from partnerkit.analysis.periods import resolve_window, today_in
from partnerkit.analysis.seo import SeoMonth, seo_month
from partnerkit.analysis.sla import SLACompliance, sla_compliance
from partnerkit.analysis.social import SocialMonth, social_month
from partnerkit.analysis.trial import TrialVerdict, trial_phase, trial_verdict
from partnerkit.analysis.worklog import WorkLog, work_log
from partnerkit.errors import ConfigurationError, NotComputableError, PartnerkitError
from partnerkit.model import BUILTIN_KPIS, KPI, Direction, KPIUnit
from partnerkit.records import RecordKind

if TYPE_CHECKING:
    from partnerkit.model import Workspace

__all__ = [
    "HISTORY_MONTHS",
    "MONTH_REASONS",
    "SOURCE_KPIS",
    "SPEND",
    "MonthEvaluation",
    "MonthPoint",
    "NotComputable",
    "evaluate_month",
    "figure",
    "month_not_started",
    "previous_figure",
    "reason",
]

T = TypeVar("T")

#: Media spend as a KPI: the built-in CPL's numerator (one rule for spend), so spend
#: gets the previous month and the change like every other figure.
SPEND = KPI(
    id="spend",
    name="Media spend",
    description="Media spend matched to a source (the numerator of the cost per lead).",
    unit=KPIUnit.MONEY,
    direction=Direction.LOWER,
    measure=BUILTIN_KPIS["cpl"].numerator,
)

#: The KPIs computed for each source and for the month in total.
SOURCE_KPIS: tuple[str, ...] = (
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

#: How many months the history (spend and leads month by month) covers, at most.
HISTORY_MONTHS = 6

#: Why a month cannot be evaluated at all.
MONTH_REASONS: tuple[str, ...] = ("month_not_started", "not_synced", "no_rows_for_month")


@dataclass(frozen=True)
class NotComputable:
    """Why a result is not computable: a code and the values it names.

    Words belong to the displays (the report's catalogue); a result only says which
    reason and with which parameters.

    Attributes:
        code: The reason: ``month_not_started``, ``not_synced``, ``no_rows_for_month``.
        params: The values the reason names (``month``, ``as_of``), as text.
    """

    code: str
    params: Mapping[str, str] = field(default_factory=dict)

    def error(self) -> NotComputableError:
        """The error to raise where a result was required."""
        what = {
            "month_not_started": "the month {month} has not started (as of {as_of})",
            "not_synced": "the dataset holds no records at all: nothing was synced",
            "no_rows_for_month": "no lead and no spend record in {month}",
        }[self.code]
        return NotComputableError(
            f"not computable: {what.format(**self.params)}",
            code=self.code,
            params=dict(self.params),
        )


@dataclass(frozen=True)
class MonthPoint:
    """One month of the spend-and-leads history.

    Attributes:
        month: The month's first day.
        totals: Its ``spend`` and ``leads`` (scope ``all``).
    """

    month: dt.date
    totals: KPITable


@dataclass
class MonthEvaluation:
    """Every analysis of one month, run once.

    Attributes:
        workspace: The engagement.
        month: The month's first day.
        month_end: Its last day.
        as_of: The last day counted (the month's last day, or earlier for a month
            still running).
        moment: The moment SLAs and the audit are judged at (timezone-aware).
        status: Why the month is not computable at all; ``None`` when it is.
        targets: Every workspace target for the month.
        totals: :data:`SOURCE_KPIS` and :data:`SPEND` for all sources together.
        sources: The same for each source (scope ``source <id>``; leads no source
            matches are ``source (unattributed)``).
        since: First day of the cumulative period: the contract's start (the month's
            first day without a contract).
        cumulative: :data:`SOURCE_KPIS` and :data:`SPEND` for all sources together from
            :attr:`since` to :attr:`as_of` — shown beside the month's, labelled.
        cumulative_sources: The same for each source.
        budget: Planned against actual by source.
        budget_campaigns: The same by campaign.
        cost: What the partnership cost: media spend, the fees by line, total cost,
            and CPL, CAC and ROI on media and on total cost.
        hours: Hours used against the contract's bank (with time records or a bank).
        work_log: The month's completed and remaining work (with work items).
        meetings: The month's meetings and overdue action items (with meeting items);
            the health score's ``actions`` part.
        pacing: Target pacing, only for a month still running.
        funnel: The month's leads (a cohort) through the funnel, by source.
        stage_entries: The leads that entered each funnel stage in the month, by source
            (each stage's own date, whenever the lead was created).
        revenue: Won deals, revenue, CAC and ROI by source.
        lead_quality: The month's leads by the lead agreement (sales-ready, nurture,
            disqualified) by source, with sales' survey rating; ``None`` without a
            ``lead_definition``.
        history: Spend and leads month by month up to this one.
        audit: The source-map audit.
        dedup: The month's leads counted as people (one per person) and inquiries.
        sla: SLA compliance: each term for the month and cumulative.
        health: Partnership health for the month.
        trial: The trial's verdict with its evidence, in the month the trial ends and
            the month before (:func:`~partnerkit.analysis.trial.trial_phase`); ``None``
            in other months and without ``contract.trial_end``.
        search_terms: Search terms with spend and no conversion in the month
            (:func:`~partnerkit.analysis.grain.wasted_search_terms`).
        splits: The audiences and placements that moved most against the previous
            month (:func:`~partnerkit.analysis.grain.split_movers`); ``None`` for a
            month still running, which a whole previous month would not compare with.
        seo: Organic search for the month and the month before
            (:func:`~partnerkit.analysis.seo.seo_month`); ``None`` when the dataset has
            no ``search_performance`` record in either month.
        email: Email sends for the month and the month before
            (:func:`~partnerkit.analysis.email.email_month`); ``None`` when the dataset
            has no ``email_campaign`` record in either month.
        social: Organic social for the month and the month before
            (:func:`~partnerkit.analysis.social.social_month`); ``None`` when the
            dataset has no ``social_daily`` record in either month.
        errors: Why an analysis left ``None`` could not run, by its name.
    """

    workspace: Workspace
    month: dt.date
    month_end: dt.date
    as_of: dt.date
    moment: dt.datetime
    status: NotComputable | None = None
    targets: KPITable | None = None
    totals: KPITable | None = None
    sources: KPITable | None = None
    since: dt.date | None = None
    cumulative: KPITable | None = None
    cumulative_sources: KPITable | None = None
    budget: BudgetReport | None = None
    budget_campaigns: BudgetReport | None = None
    cost: PartnershipCost | None = None
    hours: HoursUsed | None = None
    work_log: WorkLog | None = None
    meetings: MeetingLog | None = None
    pacing: PacingTable | None = None
    funnel: Funnel | None = None
    stage_entries: StageEntries | None = None
    revenue: RevenueBySource | None = None
    lead_quality: LeadQuality | None = None
    history: list[MonthPoint] = field(default_factory=list)
    audit: SourceMapAudit | None = None
    dedup: LeadDedup | None = None
    sla: SLACompliance | None = None
    health: PartnershipHealth | None = None
    trial: TrialVerdict | None = None
    search_terms: SearchTermWaste | None = None
    splits: SplitMovers | None = None
    errors: dict[str, str] = field(default_factory=dict)
    seo: SeoMonth | None = None
    email: EmailMonth | None = None
    social: SocialMonth | None = None

    @property
    def label(self) -> str:
        """The month as ``YYYY-MM``."""
        return f"{self.month:%Y-%m}"

    @property
    def computable(self) -> bool:
        """Whether the month could be evaluated (:attr:`status` is ``None``)."""
        return self.status is None

    @property
    def complete(self) -> bool:
        """Whether the whole month was counted."""
        return self.as_of >= self.month_end

    def total(self, kpi: str) -> KPIValue | None:
        """A KPI for all sources together (``spend``, ``leads``, ``cpl``, ...)."""
        if self.totals is None:
            return None
        try:
            return self.totals.get(kpi)
        except (KeyError, LookupError):
            return None

    def source(self, source_id: str, kpi: str) -> KPIValue | None:
        """A KPI of one source (``None`` when not computed)."""
        if self.sources is None:
            return None
        try:
            return self.sources.get(kpi, f"source {source_id}")
        except (KeyError, LookupError):
            return None

    def since_start(self, kpi: str, scope: str = "all") -> KPIValue | None:
        """A KPI over the cumulative period (:attr:`since` to :attr:`as_of`).

        Args:
            kpi: The KPI id.
            scope: ``all`` or ``source <id>``.
        """
        table = self.cumulative if scope == "all" else self.cumulative_sources
        if table is None:
            return None
        try:
            return table.get(kpi, scope)
        except (KeyError, LookupError):
            return None

    def reason_of(self, value: KPIValue | None) -> str | None:
        """Why a figure of this evaluation is not computable, as a code (``None``: it is).

        :func:`reason`, and ``not_synced`` instead of ``no_rows`` for a source read
        through a connection that has no record for it since :attr:`since`: nothing
        was synced for it, which is not the same as a quiet month.
        """
        code = reason(value)
        if code != "no_rows" or value is None or not value.scope.startswith("source "):
            return code
        source_id = value.scope.removeprefix("source ")
        source = next((s for s in self.workspace.sources if s.id == source_id), None)
        if source is None or source.connection is None:
            return code
        if _records(self.since_start(value.kpi, value.scope)) == 0:
            return "not_synced"
        return code

    @property
    def inquiries(self) -> KPIValue | None:
        """Leads counted as inquiries: every lead record created in the month."""
        return self.total("leads")

    @property
    def people(self) -> int | None:
        """Leads counted as people: each person once, across sources and repeats."""
        return self.dedup.people if self.dedup is not None else None


def figure(value: KPIValue | None) -> Decimal | None:
    """A KPI's value as displays show it: ``None`` when it is not computable.

    A sum over no records is not a zero: no spend record for a source (its spend is
    not imported, or it was never synced) is "not computable", and so is a ratio
    whose summed numerator had no record (a CPL of 0 from no spend data).
    """
    return None if reason(value) is not None else value.value if value is not None else None


def previous_figure(value: KPIValue | None) -> Decimal | None:
    """The previous month's value as displays show it (``None``: not computable)."""
    if value is None or value.previous is None:
        return None
    if reason(value) == "no_rows" and not value.previous:
        return None
    return value.previous


def _month_span(month: str | dt.date) -> tuple[dt.date, dt.date]:
    if isinstance(month, dt.datetime):
        month = month.date()
    if isinstance(month, dt.date):
        first = month.replace(day=1)
    else:
        try:
            first = dt.date.fromisoformat(f"{str(month).strip()}-01")
        except ValueError:
            raise ConfigurationError(f"not a month: {month!r} (write it YYYY-MM)") from None
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    return first, nxt - dt.timedelta(days=1)


def _shift(month: dt.date, by: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + by
    return dt.date(index // 12, index % 12 + 1, 1)


def _moment(as_of: dt.date | dt.datetime | None, zone: ZoneInfo) -> tuple[dt.date, dt.datetime]:
    """The day counted to and the moment judged at, from ``as_of``."""
    if as_of is None:
        now = dt.datetime.now(dt.UTC)
        return now.astimezone(zone).date(), now
    if isinstance(as_of, dt.datetime):
        if as_of.tzinfo is None:
            raise ConfigurationError(
                "as_of must be a date or a timezone-aware datetime, e.g. datetime(..., tzinfo=UTC)"
            )
        return as_of.astimezone(zone).date(), as_of
    return as_of, dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(), tzinfo=zone)


def _records(value: KPIValue | None) -> int:
    if value is None:
        return 0
    return sum(part.records for part in value.inputs)


def month_not_started(
    workspace: Workspace, month: str | dt.date, *, as_of: dt.date | dt.datetime | None = None
) -> NotComputable | None:
    """Whether a month has not started at ``as_of`` (now by default), before reading data.

    Returns:
        ``NotComputable("month_not_started", ...)`` for a month whose first day is after
        the day of ``as_of`` in the workspace's time zone; ``None`` otherwise.
    """
    first, _ = _month_span(month)
    day, _ = _moment(as_of, ZoneInfo(workspace.timezone))
    if day < first:
        return NotComputable("month_not_started", {"month": f"{first:%Y-%m}", "as_of": f"{day}"})
    return None


def _revenue(workspace: Workspace, label: str, tables: dict[str, KPITable]) -> RevenueBySource:
    """Revenue by source from the month's batch of KPI tables (``revenue …``)."""
    window = resolve_window(label, on=today_in(workspace.timezone))
    return revenue_table(
        workspace, window, "original", tables["revenue sources"], tables["revenue total"]
    )


def evaluate_month(
    workspace: Workspace,
    dataset: Dataset,
    month: str | dt.date,
    *,
    as_of: dt.date | dt.datetime | None = None,
    evidence: EvidenceLog | None = None,
    survey: Survey | None = None,
) -> MonthEvaluation:
    """Run every analysis of one month once.

    Args:
        workspace: The engagement.
        dataset: The records.
        month: The month, ``"2026-10"`` or any day in it.
        as_of: When the evaluation is made: a date (the end of that day in the
            workspace's time zone) or a timezone-aware datetime; now by default.
            Records are counted up to the earlier of its day and the month's end;
            SLA deadlines and the audit are judged at it.
        evidence: The SLA evidence log, if there is one.
        survey: The partnership survey, if there is one.

    Returns:
        The month's results. When the month cannot be evaluated at all,
        :attr:`MonthEvaluation.status` says why and every result is ``None``; an
        analysis that failed on its own is ``None`` with its reason in ``errors``.

    Raises:
        ConfigurationError: ``month`` is not a month, or ``as_of`` a naive datetime.
    """
    first, last = _month_span(month)
    zone = ZoneInfo(workspace.timezone)
    day, moment = _moment(as_of, zone)
    cutoff = min(day, last)
    ev = MonthEvaluation(workspace, first, last, cutoff, moment)
    label = ev.label
    ev.status = month_not_started(workspace, first, as_of=as_of)
    if ev.status is not None:
        return ev
    if all(dataset.row_count(kind) == 0 for kind in RecordKind):
        ev.status = NotComputable("not_synced", {"month": label})
        return ev

    def run(name: str, call: Callable[[], T]) -> T | None:
        try:
            return call()
        except (PartnerkitError, ValueError, KeyError, LookupError) as exc:
            ev.errors[name] = str(exc) or type(exc).__name__
            return None

    kpis: list[str | KPI] = [SPEND, *SOURCE_KPIS]
    contract_start = workspace.contract.start if workspace.contract is not None else None
    since = min(contract_start or first, first)
    start = _shift(first, -(HISTORY_MONTHS - 1))
    if workspace.contract is not None:
        start = max(start, workspace.contract.start.replace(day=1))
    history = []
    point = start
    while point < first:
        history.append(f"{point:%Y-%m}")
        point = _shift(point, 1)
    # The month's KPI tables share their queries (one pass per record kind and
    # breakdown); should any of them fail, each is computed on its own below, so
    # that the error is that table's alone.
    requests: dict[str, KPIRequest | TargetsRequest] = {
        "totals": KPIRequest(label, kpis=kpis, as_of=cutoff),
        "cumulative": KPIRequest((since, cutoff), kpis=kpis, as_of=cutoff),
        "cumulative_sources": KPIRequest((since, cutoff), kpis=kpis, by="source", as_of=cutoff),
        "sources": KPIRequest(label, kpis=kpis, by="source", as_of=cutoff),
        **{f"history {key}": KPIRequest(key, kpis=[SPEND, "leads"]) for key in history},
        "targets": TargetsRequest(label, as_of=cutoff),
        **{
            f"revenue {key}": req
            for key, req in revenue_requests(workspace, label, as_of=cutoff).items()
        },
    }
    try:
        tables = compute_kpi_sets(workspace, dataset, requests)
    except (PartnerkitError, ValueError, KeyError, LookupError):
        tables = {}

    def kpi_table(name: str) -> KPITable | None:
        if name in tables:
            return tables[name]
        req = requests[name]
        if isinstance(req, TargetsRequest):
            return run(name, lambda: evaluate_targets(workspace, dataset, label, as_of=cutoff))
        return run(
            name,
            lambda: compute_kpis(
                workspace, dataset, req.period, kpis=req.kpis, by=req.by, as_of=req.as_of
            ),
        )

    ev.totals = kpi_table("totals")
    if (
        ev.totals is not None
        and not _records(ev.total("leads"))
        and not _records(ev.total("spend"))
    ):
        ev.status = NotComputable("no_rows_for_month", {"month": label})
        return ev
    ev.since = since
    ev.cumulative = kpi_table("cumulative")
    ev.cumulative_sources = kpi_table("cumulative_sources")
    ev.targets = kpi_table("targets")
    ev.sources = kpi_table("sources")
    budgets = run(
        "budget",
        lambda: budget_reports(workspace, dataset, label, by=("source", "campaign"), as_of=cutoff),
    )
    if budgets is not None:
        ev.budget, ev.budget_campaigns = budgets
    else:  # each on its own, so that the error is that table's alone
        ev.errors.pop("budget", None)
        ev.budget = run(
            "budget", lambda: budget_report(workspace, dataset, label, by="source", as_of=cutoff)
        )
        ev.budget_campaigns = run(
            "budget_campaigns",
            lambda: budget_report(workspace, dataset, label, by="campaign", as_of=cutoff),
        )
    ev.cost = run("cost", lambda: partnership_cost(workspace, dataset, label, as_of=cutoff))
    if dataset.row_count(RecordKind.TIME_ENTRY) or bank_hours(workspace) is not None:
        ev.hours = run("hours", lambda: hours_used(workspace, dataset, label, as_of=cutoff))
    if dataset.row_count(RecordKind.WORK_ITEM):
        ev.work_log = run("work_log", lambda: work_log(workspace, dataset, label, as_of=cutoff))
    if dataset.row_count(RecordKind.MEETING_ITEM):
        ev.meetings = run("meetings", lambda: meeting_log(workspace, dataset, label, as_of=cutoff))
    if cutoff < last:
        ev.pacing = run("pacing", lambda: pace_targets(workspace, dataset, as_of=cutoff))
    ev.funnel = run("funnel", lambda: funnel(workspace, dataset, label))
    ev.stage_entries = run("stage_entries", lambda: stage_entries(workspace, dataset, label))
    ev.revenue = run(
        "revenue",
        lambda: (
            _revenue(workspace, label, tables)
            if "revenue total" in tables
            else revenue_by_source(workspace, dataset, label, as_of=cutoff)
        ),
    )
    if workspace.lead_definition is not None:
        ev.lead_quality = run(
            "lead_quality", lambda: lead_quality(workspace, dataset, label, survey=survey)
        )
    point = start
    for key in history:
        got = kpi_table(f"history {key}")
        if got is not None:
            ev.history.append(MonthPoint(point, got))
        point = _shift(point, 1)
    if ev.totals is not None:
        ev.history.append(MonthPoint(first, ev.totals))
    ev.audit = run(
        "audit",
        lambda: audit_source_map(workspace, dataset, start=contract_start, end=last, as_of=moment),
    )
    ev.dedup = run("dedup", lambda: dedup_leads(workspace, dataset, start=first, end=cutoff))
    ev.search_terms = run("search_terms", lambda: wasted_search_terms(workspace, dataset, label))
    if cutoff >= last:
        ev.splits = run("splits", lambda: split_movers(workspace, dataset, label))
    if workspace.slas:
        ev.sla = run(
            "sla",
            lambda: sla_compliance(
                workspace,
                dataset,
                evidence,
                start=since,
                end=last,
                as_of=moment,
                month=first,
            ),
        )
    else:
        ev.errors["sla"] = "the workspace has no SLA terms"
    outcomes = TargetOutcome.from_kpi_values(ev.targets) if ev.targets is not None else None
    ev.health = run(
        "health",
        lambda: partnership_health(
            [label],
            targets=outcomes,
            sla=ev.sla,
            audit=ev.audit,
            survey=survey,
            actions=ev.meetings,
        ),
    )
    if trial_phase(workspace.contract, first) is not None:
        ev.trial = run(
            "trial",
            lambda: trial_verdict(workspace, dataset, evidence, as_of=moment, month=first),
        )
    groups = workspace.keyword_groups
    seo = run("seo", lambda: seo_month(dataset, label, groups=groups))
    if seo is not None and (seo.reason is None or seo.previous.rows):
        ev.seo = seo  # nothing from nothing: no section without a record in either month
    email = run("email", lambda: email_month(dataset, label))
    if email is not None and (email.reason is None or email.previous.sends):
        ev.email = email
    social = run("social", lambda: social_month(dataset, label))
    if social is not None and (social.reason is None or social.previous.days):
        ev.social = social
    return ev
