"""The funnel and revenue by source: from a lead to a paying customer, source by source.

Three views, each a DuckDB query over the lead and deal records with the source map's
attribution joined in (see :func:`~partnerkit.analysis.kpis.attribute`):

* :func:`funnel` — lead → MQL → SQL → opportunity → customer, by source and by
  **cohort month** (the month the lead was created, in the workspace's time zone):
  counts, step and cumulative conversion rates, median days in each stage.
* :func:`stage_entries` — the same stages as **entries in each month**: a lead counts
  in the month it entered a stage (the stage's own date), whatever its current stage
  and whenever it was created, so a lead that became an MQL in October and an SQL in
  November is October's MQL and November's SQL.
* :func:`revenue_by_source` — spend, leads, customers, won deals, revenue, CPL, CAC and
  ROI on **one row per source**: spend from the ad platforms, leads from the CRM, won
  deals tied to their leads through ``deal.contact_ids``; the formulas are the KPI
  catalogue's (``cpl``, ``cac``, ``roi``, ``revenue``, ...).
* :func:`lead_quality` — the lead definition the business and sales agreed: sales-ready,
  nurture and disqualified leads by source, and the share of sales-ready leads.

**Reaching a stage.** A lead has *reached* a stage when it has that stage's date or
the date of any later stage: CRMs let leads skip stages (straight from lead to SQL),
and a lead that became a customer has passed every stage before it. So the counts
never rise from one stage to the next.

**Time in stage.** For a lead that reached a stage with a date, the time until the
next stage it entered (the first later stage with a date); leads still in the stage,
and dates out of order (a later stage dated before an earlier one), are left out.
The median is reported in days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

from partnerkit.analysis._args import AsOf
from partnerkit.analysis._data import Dataset, Result, grows_memory
from partnerkit.analysis._engine import Engine, RatesLike, conditions_sql
from partnerkit.analysis._lead_class import lead_class_sql
from partnerkit.analysis._tables import fields_table, the_one
from partnerkit.analysis.attribution import UNATTRIBUTED, AttributionMode
from partnerkit.analysis.kpis import KPIRequest, KPITable, KPIValue, compute_kpi_sets
from partnerkit.analysis.periods import (
    PeriodLike,
    Window,
    local_month_sql,
    resolve_window,
    today_in,
    window_sql,
)
from partnerkit.errors import ConfigurationError
from partnerkit.model import BUILTIN_KPIS, Measure, Workspace
from partnerkit.records import RecordKind

if TYPE_CHECKING:
    import pyarrow as pa

    from partnerkit.analysis.health import Survey

__all__ = [
    "STAGES",
    "Funnel",
    "FunnelStage",
    "LeadQuality",
    "LeadQualityRow",
    "RevenueBySource",
    "SourceRevenue",
    "StageEntries",
    "StageEntry",
    "funnel",
    "lead_quality",
    "revenue_by_source",
    "stage_entries",
]

#: The funnel's stages, in order, with the lead record column that dates each.
STAGES: tuple[tuple[str, str], ...] = (
    ("lead", "became_lead_at"),
    ("mql", "became_mql_at"),
    ("sql", "became_sql_at"),
    ("opportunity", "became_opportunity_at"),
    ("customer", "became_customer_at"),
)
ALL = "all"
"""The label of the row that adds up every source (or every cohort month)."""

_LEADS: Measure = BUILTIN_KPIS["leads"].measure  # type: ignore[assignment]


def _rate(part: int, whole: int) -> Decimal | None:
    return None if whole == 0 else Decimal(part) / Decimal(whole) * 100


class _HasSource(Protocol):
    @property
    def source(self) -> str: ...


_Row = TypeVar("_Row", bound=_HasSource)


class _RowsBySource(Generic[_Row]):
    """A result of one row per source (and an ``all`` row): iterate it, or get a source's."""

    rows: tuple[_Row, ...]

    def __iter__(self) -> Iterator[_Row]:
        return iter(self.rows)

    def get(self, source: str) -> _Row:
        """The row of a source (``all`` for the total).

        Raises:
            KeyError: There is none.
        """
        return the_one(self.rows, lambda r: r.source == source, f"no row for source {source!r}")


# ====================================================================== funnel


@dataclass(frozen=True)
class FunnelStage:
    """One stage of the funnel for one source and cohort month.

    Attributes:
        source: The source id, ``(unattributed)``, or ``all``.
        cohort: The cohort month ``YYYY-MM``, or ``all``.
        stage: ``lead``, ``mql``, ``sql``, ``opportunity`` or ``customer``.
        count: Leads of the cohort that reached the stage.
        step_rate: ``count`` over the previous stage's count, in percent (``None`` for
            the first stage, or when the previous stage has no leads).
        cumulative_rate: ``count`` over the cohort's leads, in percent.
        median_days: Median days in this stage before the next one (``None`` for the
            last stage, or when no lead moved on).
        moved_on: Leads the median is computed from.
    """

    source: str
    cohort: str
    stage: str
    count: int
    step_rate: Decimal | None
    cumulative_rate: Decimal | None
    median_days: Decimal | None
    moved_on: int


@dataclass(frozen=True)
class Funnel(Result):
    """The funnel by source and cohort month, with the totals.

    Attributes:
        period: The cohort months' period.
        attribution: ``original`` or ``latest`` lead source.
        stages: Every stage row (source × cohort × stage, totals included).
        title: The display title.
    """

    period: Window
    attribution: str
    stages: tuple[FunnelStage, ...]
    title: str = "Funnel"

    def __iter__(self) -> Iterator[FunnelStage]:
        return iter(self.stages)

    def get(self, stage: str, source: str = ALL, cohort: str = ALL) -> FunnelStage:
        """One stage of one source and cohort (``all`` for the totals).

        Raises:
            KeyError: There is none.
        """
        missing = f"no {stage!r} stage for source {source!r}, cohort {cohort!r}"
        key = (stage, source, cohort)
        return the_one(self.stages, lambda s: (s.stage, s.source, s.cohort) == key, missing)

    def to_arrow(self) -> pa.Table:
        """One row per source, cohort month and stage."""
        return fields_table(FunnelStage, self.stages)


def _default_window(period: PeriodLike, ws: Workspace) -> Window:
    return resolve_window(period, on=today_in(ws.timezone))


_CREATED = 'v."created_at"'


def _leads_sql(engine: Engine, dataset: Dataset, window: Window | None, columns: str) -> str:
    """The leads the ``leads`` KPI counts, created in ``window``: their source and ``columns``.

    One row per lead record (``v``), its source (``src``, by the engine's attribution)
    first. ``window=None`` keeps every lead, whenever it was created.
    """
    kind = RecordKind.LEAD
    attr, tz = engine.joins, engine.ws.timezone
    created = "true" if window is None else window_sql(_CREATED, window, tz, timestamp=True)
    return (
        f"SELECT {attr.expr(kind, 'source')} AS src, {columns} "
        f'FROM "lead" v {attr.join(kind)} '
        f"WHERE {created} "
        f"AND {conditions_sql(_LEADS.where, dataset.schema(kind))}"
    )


def _entered(index: int) -> str:
    """The SQL moment a lead entered stage ``index``: its date (``lead``: else its creation)."""
    column = f'v."{STAGES[index][1]}"'
    return f"coalesce({column}, {_CREATED})" if index == 0 else column


def _reached(index: int) -> str:
    cols = [f"t{i}" for i in range(index, len(STAGES))]
    return cols[0] if len(cols) == 1 else f"coalesce({', '.join(cols)})"


@grows_memory
def funnel(
    workspace: Workspace,
    dataset: Dataset,
    period: PeriodLike,
    *,
    attribution: AttributionMode = "original",
) -> Funnel:
    """The funnel of the leads created in a period, by source and cohort month.

    Leads are the ``leads`` KPI's (not deleted), created in the period in the
    workspace's time zone; the cohort is their creation month. Rows for every source,
    every cohort month, and the totals (``all``) come from one query (grouping sets),
    so each median is a true median of its rows, never a median of medians.

    Args:
        workspace: The engagement (source map, time zone).
        dataset: The records.
        period: The cohort months, e.g. ``"2026-Q3"``.
        attribution: ``original`` (first touch) or ``latest`` lead source.

    Returns:
        The funnel.
    """
    window = _default_window(period, workspace)
    with Engine(workspace, dataset, attribution=attribution) as engine:
        created = _CREATED
        stamps = ", ".join(f"{_entered(i)} AS t{i}" for i in range(len(STAGES)))
        cohort = local_month_sql(created, workspace.timezone, timestamp=True)
        base = _leads_sql(engine, dataset, window, f"{cohort} AS cohort, {stamps}")
        aggs = [
            f"count(*) FILTER (WHERE {_reached(i)} IS NOT NULL) AS n{i}" for i in range(len(STAGES))
        ]
        for i in range(len(STAGES) - 1):
            nxt = _reached(i + 1)
            moved = f"t{i} IS NOT NULL AND {nxt} IS NOT NULL AND {nxt} >= t{i}"
            aggs.append(
                f"median((epoch({nxt}) - epoch(t{i})) / 86400.0) FILTER (WHERE {moved}) AS m{i}"
            )
            aggs.append(f"count(*) FILTER (WHERE {moved}) AS k{i}")
        # Cohorts of one month: a source's cohort row is its row for the whole period
        # (and the month's total the period's), so each is computed once and copied.
        one_cohort = len(window.months()) == 1
        sets = "(src, cohort), ()" if one_cohort else "(src, cohort), (src), (cohort), ()"
        query = (
            f"SELECT grouping(src) AS gs, grouping(cohort) AS gc, src, cohort, "
            f"{', '.join(aggs)} FROM ({base}) "
            f"GROUP BY GROUPING SETS ({sets}) "
            f"ORDER BY gs, src NULLS LAST, gc, cohort"
        )
        relation = engine.con.sql(query)
        names = relation.columns
        rows = [dict(zip(names, r, strict=True)) for r in relation.fetchall()]
        if one_cohort:
            cohorts = [row for row in rows if not row["gs"]]
            copies = [{**row, "gc": 1, "cohort": None} for row in cohorts]
            if cohorts:  # the cohort's total: the period's, when it has a lead
                whole = next(row for row in rows if row["gs"])
                copies.append({**whole, "gc": 0, "cohort": cohorts[0]["cohort"]})
            rows += copies
    seen = {row["src"] for row in rows if not row["gs"]}
    for known in workspace.sources:  # every source shows, with zeros when it brought none
        if known.id not in seen:
            rows.append({"gs": 0, "gc": 1, "src": known.id, "cohort": None})
    rank = {s.id: i for i, s in enumerate(workspace.sources)}
    rows.sort(
        key=lambda r: (
            r["gs"],
            rank.get(r["src"], len(rank)) if r["src"] is not None else len(rank) + 1,
            str(r["src"]),
            r["gc"],
            r["cohort"] or dt.date.min,
        )
    )
    stages: list[FunnelStage] = []
    for row in rows:
        source = ALL if row["gs"] else (row["src"] or UNATTRIBUTED)
        cohort = ALL if row["gc"] else f"{row['cohort']:%Y-%m}"
        counts = [int(row.get(f"n{i}") or 0) for i in range(len(STAGES))]
        for i, (stage, _) in enumerate(STAGES):
            median = row.get(f"m{i}")
            stages.append(
                FunnelStage(
                    source=source,
                    cohort=cohort,
                    stage=stage,
                    count=counts[i],
                    step_rate=None if i == 0 else _rate(counts[i], counts[i - 1]),
                    cumulative_rate=_rate(counts[i], counts[0]),
                    median_days=None if median is None else Decimal(repr(float(median))),
                    moved_on=int(row.get(f"k{i}") or 0),
                )
            )
    return Funnel(
        window,
        attribution,
        tuple(stages),
        title=f"Funnel by source, leads created {window.label}",
    )


# ============================================================== stage entries


@dataclass(frozen=True)
class StageEntry:
    """The leads that entered one stage in one month, for one source.

    Attributes:
        source: The source id, ``(unattributed)``, or ``all``.
        month: The month ``YYYY-MM`` the stage was entered (workspace time zone), or
            ``all`` for the whole period.
        stage: ``lead``, ``mql``, ``sql``, ``opportunity`` or ``customer``.
        count: Leads whose date of that stage falls in the month.
    """

    source: str
    month: str
    stage: str
    count: int


@dataclass(frozen=True)
class StageEntries(Result):
    """Stage entries by month and source, with the totals.

    Attributes:
        period: The months counted.
        attribution: ``original`` or ``latest`` lead source.
        entries: Every row (source × month × stage, totals included), zeros included.
        title: The display title.
    """

    period: Window
    attribution: str
    entries: tuple[StageEntry, ...]
    title: str = "Stage entries"

    def __iter__(self) -> Iterator[StageEntry]:
        return iter(self.entries)

    def get(self, stage: str, source: str = ALL, month: str = ALL) -> StageEntry:
        """The entries of one stage for a source and month (``all`` for the totals).

        Raises:
            KeyError: There is no such stage, source or month.
        """
        missing = f"no {stage!r} entries for source {source!r}, month {month!r}"
        key = (stage, source, month)
        return the_one(self.entries, lambda e: (e.stage, e.source, e.month) == key, missing)

    def to_arrow(self) -> pa.Table:
        """One row per source, month and stage."""
        return fields_table(StageEntry, self.entries)


@grows_memory
def stage_entries(
    workspace: Workspace,
    dataset: Dataset,
    period: PeriodLike,
    *,
    attribution: AttributionMode = "original",
) -> StageEntries:
    """How many leads entered each funnel stage in each month of a period, by source.

    A lead counts in a stage's month when its date of that stage (``became_mql_at``...;
    for ``lead``, ``became_lead_at`` else its creation) falls in the month, in the
    workspace's time zone — whatever stage it is in now and whenever it was created.
    A lead is counted at most once per stage (the CRM's date of its first entry), so
    the counts of a stage over the months add up to the period's. Leads are the
    ``leads`` KPI's (not deleted).

    Args:
        workspace: The engagement (source map, time zone).
        dataset: The records.
        period: The months, e.g. ``"2026-Q4"``.
        attribution: ``original`` (first touch) or ``latest`` lead source.

    Returns:
        The entries; every source of the workspace, month of the period and stage has
        a row (zero when nobody entered).
    """
    window = _default_window(period, workspace)
    tz = workspace.timezone
    with Engine(workspace, dataset, attribution=attribution) as engine:
        parts = []
        for i, (stage, _) in enumerate(STAGES):
            at = _entered(i)
            month = local_month_sql(at, tz, timestamp=True)
            base = _leads_sql(engine, dataset, None, f"'{stage}' AS stage, {month} AS month")
            parts.append(f"{base} AND {window_sql(at, window, tz, timestamp=True)}")
        query = (
            f"SELECT grouping(src) AS gs, grouping(month) AS gm, src, month, stage, "
            f"count(*) AS n FROM ({' UNION ALL '.join(parts)}) "
            f"GROUP BY GROUPING SETS ((src, month, stage), (src, stage), (month, stage), (stage))"
        )
        found = {
            (
                ALL if gs else (src or UNATTRIBUTED),
                ALL if gm else f"{month:%Y-%m}",
                stage,
            ): int(n)
            for gs, gm, src, month, stage, n in engine.con.sql(query).fetchall()
        }
    sources = [s.id for s in workspace.sources]
    sources += sorted({k[0] for k in found} - {*sources, ALL, UNATTRIBUTED})
    if any(k[0] == UNATTRIBUTED for k in found):
        sources.append(UNATTRIBUTED)
    months = window.months()
    entries = tuple(
        StageEntry(source, month, stage, found.get((source, month, stage), 0))
        for source in [*sources, ALL]
        for month in [*months, ALL]
        for stage, _ in STAGES
    )
    return StageEntries(
        window,
        attribution,
        entries,
        title=f"Funnel stages entered {window.label}, by source",
    )


# ============================================================ revenue by source


@dataclass(frozen=True)
class SourceRevenue:
    """Spend, leads, customers and revenue of one source, with CPL, CAC and ROI.

    Every money amount is in the workspace currency. Each KPI is the catalogue's,
    computed for this source (see :attr:`values` for its inputs and reasons).

    Attributes:
        source: The source id, ``(unattributed)`` or ``all``.
        name: The source's name.
        channel: Its channel.
        spend: Media spend (``sum(performance.spend)``).
        leads: Leads created (``leads``).
        customers: Leads that became customers (``customers``).
        won_deals: Closed-won deals, tied to the source through their contacts.
        revenue: Their amount (``revenue``).
        cpl: Cost per lead.
        cac: Customer acquisition cost.
        roi: Return on investment, in percent.
        values: The KPI values behind the row (``cpl``, ``cac``, ``roi``, ...).
    """

    source: str
    name: str
    channel: str | None
    spend: Decimal | None
    leads: Decimal | None
    customers: Decimal | None
    won_deals: int
    revenue: Decimal | None
    cpl: Decimal | None
    cac: Decimal | None
    roi: Decimal | None
    values: tuple[KPIValue, ...]

    def value(self, kpi: str) -> KPIValue:
        """The KPI value behind a column (its inputs and reason).

        Raises:
            KeyError: The row has no such KPI.
        """
        return the_one(self.values, lambda v: v.kpi == kpi, kpi)


@dataclass(frozen=True)
class RevenueBySource(_RowsBySource[SourceRevenue], Result):
    """Revenue, CAC and ROI by source, spend and revenue on one row per source.

    Attributes:
        period: The period.
        attribution: ``original`` or ``latest`` lead source.
        currency: The workspace currency.
        rows: One row per source, then ``(unattributed)``, then the total ``all``.
        title: The display title.
    """

    period: Window
    attribution: str
    currency: str
    rows: tuple[SourceRevenue, ...]
    title: str = "Revenue by source"

    def to_arrow(self) -> pa.Table:
        """One row per source."""
        columns = "source name channel spend leads customers revenue cpl cac roi won_deals"
        return fields_table(SourceRevenue, self.rows, columns)


_REVENUE_KPIS = ("leads", "customers", "revenue", "cpl", "cac", "roi")


@grows_memory
def revenue_by_source(
    workspace: Workspace,
    dataset: Dataset,
    period: PeriodLike,
    *,
    attribution: AttributionMode = "original",
    as_of: AsOf | None = None,
    rates: RatesLike | None = None,
) -> RevenueBySource:
    """Spend and revenue on one row per source, with CPL, CAC and ROI.

    A won deal belongs to the source of its earliest-created contact (its first
    touch); with ``attribution="latest"`` that lead's latest source counts. Spend
    belongs to the source its ad account / campaign / UTM tags match.

    Args:
        workspace: The engagement.
        dataset: The records.
        period: The period (deals by close date, leads by creation, spend by day).
        attribution: ``original`` (first touch) or ``latest``.
        as_of: The last day counted: a date or an aware datetime (its day in the
            workspace's time zone).
        rates: Exchange rates for spend or deal amounts in other currencies.

    Returns:
        One row per source of the source map, one for what no source matches, and
        the total.
    """
    window = _default_window(period, workspace)
    requests = revenue_requests(workspace, window, as_of=as_of)
    tables = compute_kpi_sets(workspace, dataset, requests, rates=rates, attribution=attribution)
    return revenue_table(workspace, window, attribution, tables["sources"], tables["total"])


def revenue_requests(
    workspace: Workspace, period: PeriodLike, *, as_of: AsOf | None = None
) -> dict[str, KPIRequest]:
    """The two KPI tables :func:`revenue_by_source` reads: ``sources`` and ``total``.

    For a caller that computes them in one batch with its own (:func:`compute_kpi_sets`)
    and hands them to :func:`revenue_table`.
    """
    catalogue = workspace.kpi_catalogue
    kpis = [catalogue[k] for k in _REVENUE_KPIS]
    return {
        "sources": KPIRequest(period, kpis=kpis, by="source", as_of=as_of),
        "total": KPIRequest(period, kpis=kpis, as_of=as_of),
    }


def revenue_table(
    workspace: Workspace,
    window: Window,
    attribution: AttributionMode,
    per_source: KPITable,
    total: KPITable,
) -> RevenueBySource:
    """:func:`revenue_by_source`'s result from its two KPI tables (:func:`revenue_requests`)."""
    groups: dict[str, list[KPIValue]] = {}
    for value in per_source:
        groups.setdefault(value.scope.removeprefix("source "), []).append(value)
    groups[ALL] = list(total)
    rows = []
    for source, values in groups.items():
        by_kpi = {v.kpi: v for v in values}
        known = next((s for s in workspace.sources if s.id == source), None)
        cpl = by_kpi["cpl"]
        spend = next((i.value for i in cpl.inputs if i.role == "numerator"), None)
        revenue = by_kpi["revenue"]
        rows.append(
            SourceRevenue(
                source=source,
                name=known.name if known else source,
                channel=known.channel.value if known else None,
                spend=spend,
                leads=by_kpi["leads"].value,
                customers=by_kpi["customers"].value,
                won_deals=revenue.inputs[0].records if revenue.inputs else 0,
                revenue=revenue.value,
                cpl=cpl.value,
                cac=by_kpi["cac"].value,
                roi=by_kpi["roi"].value,
                values=tuple(values),
            )
        )
    return RevenueBySource(
        window,
        attribution,
        workspace.currency,
        tuple(rows),
        title=f"Revenue by source — {window.label}",
    )


# ================================================================ lead quality


@dataclass(frozen=True)
class LeadQualityRow:
    """The lead definition applied to one source's leads.

    Attributes:
        source: The source id, ``(unattributed)`` or ``all``.
        leads: Leads created (the ``leads`` KPI's: not deleted).
        sales_ready: Leads that pass every ``sales_ready`` condition.
        nurture: The others that pass every ``nurture`` condition.
        disqualified: The rest.
        sales_ready_share: ``sales_ready / leads``, in percent (``None`` without leads).
        survey_score: Sales' mean lead-quality rating in the survey for the period
            (1 to :attr:`LeadQuality.survey_scale`): for a source, the answers that name
            it; for ``all``, the answers about every lead. ``None`` without answers.
        survey_answers: How many answers the score is the mean of.
    """

    source: str
    leads: int
    sales_ready: int
    nurture: int
    disqualified: int
    sales_ready_share: Decimal | None
    survey_score: Decimal | None = None
    survey_answers: int = 0


@dataclass(frozen=True)
class LeadQuality(_RowsBySource[LeadQualityRow], Result):
    """Sales-ready, nurture and disqualified leads by source.

    Attributes:
        period: The period (leads by creation, in the workspace's zone).
        rows: One row per source, ``(unattributed)``, and the total ``all``.
        definition: The lead definition, in words.
        survey_scale: The survey's highest rating (``None`` without a survey).
        title: The display title.
    """

    period: Window
    rows: tuple[LeadQualityRow, ...]
    definition: str
    survey_scale: int | None = None
    title: str = "Lead quality by source"

    def to_arrow(self) -> pa.Table:
        """One row per source."""
        return fields_table(LeadQualityRow, self.rows)


@grows_memory
def lead_quality(
    workspace: Workspace,
    dataset: Dataset,
    period: PeriodLike,
    *,
    attribution: AttributionMode = "original",
    survey: Survey | None = None,
) -> LeadQuality:
    """Classify the period's leads by the workspace's lead definition, by source.

    The definition's conditions compile to SQL with the same semantics as
    :meth:`~partnerkit.model.LeadDefinition.classify`: sales-ready when every
    ``sales_ready`` condition holds, else nurture when every ``nurture`` condition
    holds (an empty list takes every other lead), else disqualified.

    Args:
        workspace: The engagement; it must have a ``lead_definition``.
        dataset: The records.
        period: The period (leads by creation, in the workspace's zone).
        attribution: ``original`` (first touch) or ``latest`` lead source.
        survey: The partnership survey: sales' ``lead_quality`` ratings taken in the
            period give each row its :attr:`~LeadQualityRow.survey_score`.

    Returns:
        One row per source of the source map, the unattributed leads, and the total.

    Raises:
        ConfigurationError: The workspace has no lead definition.
    """
    definition = workspace.lead_definition
    if definition is None:
        raise ConfigurationError(
            "the workspace has no lead_definition: write the agreement with sales under "
            "lead_definition (sales_ready and nurture conditions) in the workspace file"
        )
    window = _default_window(period, workspace)
    with Engine(workspace, dataset, attribution=attribution) as engine:
        schema = dataset.schema(RecordKind.LEAD)
        ready = lead_class_sql(definition, schema, "sales_ready")
        nurture = lead_class_sql(definition, schema, "nurture")
        leads = _leads_sql(engine, dataset, window, f"{ready} AS ready, {nurture} AS nurture")
        query = (
            f"SELECT grouping(src) AS gs, src, count(*) AS n, "
            f"count(*) FILTER (WHERE ready) AS r, "
            f"count(*) FILTER (WHERE nurture) AS u FROM ({leads}) "
            f"GROUP BY GROUPING SETS ((src), ())"
        )
        found = {
            (ALL if gs else (src or UNATTRIBUTED)): (int(n), int(r), int(u))
            for gs, src, n, r, u in engine.con.sql(query).fetchall()
        }
    order = [s.id for s in workspace.sources]
    order += sorted(k for k in found if k not in order and k not in (UNATTRIBUTED, ALL))
    order += [k for k in (UNATTRIBUTED,) if k in found] + [ALL]
    rated = survey.lead_quality(window.start, window.end) if survey is not None else {}
    rows = []
    for source in order:
        n, r, u = found.get(source, (0, 0, 0))
        score, answers = rated.get(None if source == ALL else source, (None, 0))
        rows.append(LeadQualityRow(source, n, r, u, n - r - u, _rate(r, n), score, answers))
    return LeadQuality(
        window,
        tuple(rows),
        definition.description
        or "sales-ready: " + " and ".join(str(c) for c in definition.sales_ready),
        survey.scale if survey is not None else None,
        title=f"Lead quality by source — {window.label}",
    )
