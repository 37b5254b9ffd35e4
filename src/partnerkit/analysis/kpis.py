"""KPIs against targets, baselines and the previous period, for any scope and period.

The formulas are the model's: a :class:`~partnerkit.model.KPI` is a measure, or a
numerator over a denominator, each a sum or count over one record kind with ``where``
conditions. This module *compiles* those definitions to DuckDB SQL and runs them over
a :class:`~partnerkit.analysis.Dataset`; it defines no formula of its own.

Why SQL and not Python: a month of ad data is millions of rows (days × ads), and a
KPI set reads every one of them. DuckDB scans the Arrow columns in place, evaluates
every measure of every KPI for the current and the previous period in **one pass per
record kind** (``sum(...) FILTER (WHERE ...)``), and hands back a few dozen numbers.
Python only touches those aggregates: exchange rates, ratios, statuses.

Rules every number follows:

* Ratios are ratios of sums (never averages of daily ratios).
* A missing or zero denominator gives *not computable* with the reason; never
  ``inf``, ``NaN`` or ``0``.
* Non-additive metrics are never summed (:class:`NonAdditiveError`).
* Money in a currency other than the workspace's is converted with the
  :class:`ExchangeRates` the caller supplies, or refused (:class:`CurrencyError`).
* Days are the workspace's: lead and deal timestamps are placed in periods in the
  workspace's time zone (see :mod:`partnerkit.analysis.periods`).

Scopes (``channel``, ``source``, ``campaign``, ``partner``) resolve through the source
map: each record is attributed to at most one source and campaign (see
:mod:`partnerkit.analysis.attribution`), so rows by source add up to the total.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from partnerkit.analysis._args import AsOf, as_of_day, choice
from partnerkit.analysis._data import Dataset, Result, grows_memory
from partnerkit.analysis._engine import (
    Aggregates,
    Engine,
    ExchangeRates,
    Leaf,
    LeafValue,
    RatesLike,
    ScopeLike,
    condition_sql,
    conditions_sql,
    find_target,
    kpi_value,
    parts_of,
    resolve_kpi,
    resolve_scope,
)
from partnerkit.analysis._tables import schema_of, the_one
from partnerkit.analysis._tables import six as _q
from partnerkit.analysis.attribution import (
    GROUP_BYS,
    UNATTRIBUTED,
    AttributionMode,
    GroupBy,
)
from partnerkit.analysis.periods import (
    PeriodLike,
    Window,
    resolve_window,
    today_in,
)
from partnerkit.errors import CurrencyError, NonAdditiveError
from partnerkit.model import (
    KPI,
    Direction,
    KPIUnit,
    LeadCount,
    Measure,
    Scope,
    Target,
    TargetStatus,
    Workspace,
)
from partnerkit.records import RecordKind

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "AttributionMode",
    "Change",
    "CurrencyError",
    "ExchangeRates",
    "KPIInput",
    "KPIRequest",
    "KPITable",
    "KPIValue",
    "NonAdditiveError",
    "RatesLike",
    "ScopeLike",
    "TargetsRequest",
    "compute_kpi",
    "compute_kpi_sets",
    "compute_kpis",
    "condition_sql",
    "conditions_sql",
    "evaluate_targets",
    "reason_code",
]


_VIEW = {
    RecordKind.PERFORMANCE: "performance",
    RecordKind.LEAD: "lead",
    RecordKind.DEAL: "deal",
    RecordKind.CAMPAIGN: "campaign",
}


# ====================================================================== errors


# ==================================================================== results


@dataclass(frozen=True)
class Change:
    """How a value moved against a reference value.

    Attributes:
        absolute: ``value − reference``.
        relative: ``(value − reference) / |reference| × 100``; ``None`` when the
            reference is 0.
        improved: Whether the move is for the better, given the KPI's direction
            (``None`` when the values are equal).
    """

    absolute: Decimal
    relative: Decimal | None
    improved: bool | None

    @classmethod
    def between(cls, value: Decimal, reference: Decimal, direction: Direction) -> Change:
        """The change from ``reference`` to ``value``."""
        diff = value - reference
        relative = None if reference == 0 else diff / abs(reference) * 100
        improved = None if diff == 0 else (diff > 0) == (direction is Direction.HIGHER)
        return cls(diff, relative, improved)


@dataclass(frozen=True)
class KPIInput:
    """One part of a KPI's formula with the number it came to, for checking by hand.

    Attributes:
        role: ``measure``, ``numerator``, ``denominator``, or ``… minus`` for a
            subtracted measure (ROI's cost).
        formula: The measure in words, e.g. ``sum(performance.spend)``.
        value: What it came to (money in the workspace currency); ``None`` when not
            computable.
        records: Records counted.
        by_platform: The value's parts by platform (``meta``, ``google_ads``, ...).
        by_currency: Money by original currency, before conversion.
        reason: Why ``value`` is ``None``.
        note: A remark (e.g. no records in this scope and period).
    """

    role: str
    formula: str
    value: Decimal | None
    records: int
    by_platform: Mapping[str, Decimal] = field(default_factory=dict)
    by_currency: Mapping[str, Decimal] = field(default_factory=dict)
    reason: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class KPIValue(Result):
    """One KPI for one scope and period, with everything needed to check it by hand.

    Attributes:
        kpi: The KPI's id.
        name: Its display name.
        unit: ``money``, ``percent``, ``count`` or ``ratio``.
        direction: Whether higher or lower is better.
        formula: The formula in words.
        scope: The scope, e.g. ``all`` or ``source google-search``.
        period: The period asked for.
        measured: The days actually counted: the period, or its first days up to
            ``as_of`` when the period is not over (``complete`` is then False).
        complete: Whether the whole period was counted.
        value: The KPI's value (money in ``currency``); ``None`` when not computable.
        reason: Why ``value`` is ``None``.
        inputs: The formula's parts and what each came to.
        currency: The workspace currency (money values are in it).
        projected: For an incomplete period, the value projected linearly to its end.
        previous: The value in the previous period (the same number of days of it
            when this period is incomplete).
        previous_period: The previous period's days.
        previous_reason: Why ``previous`` is ``None``.
        change: The change against the previous period.
        baseline: The baseline value (from the target, or computed over a baseline
            period when one was given).
        baseline_period: The baseline's period, as text.
        baseline_source: ``target`` or ``data``.
        change_vs_baseline: The change against the baseline.
        target: The target value.
        target_id: The target's id.
        status: On track / at risk / off track against the target, from its
            tolerance bands and the KPI's direction.
        status_basis: ``value``, or ``projection`` for an incomplete period.
        shortfall: How far short of the target, in percent (negative: beaten).
        counts: What the KPI (and so its target) counts of leads: ``inquiries``
            (lead records), ``people`` (distinct people), or ``None`` (no lead count).
    """

    kpi: str
    name: str
    unit: KPIUnit
    direction: Direction
    formula: str
    scope: str
    period: Window
    measured: Window
    complete: bool
    value: Decimal | None
    reason: str | None
    inputs: tuple[KPIInput, ...]
    currency: str
    projected: Decimal | None = None
    previous: Decimal | None = None
    previous_period: Window | None = None
    previous_reason: str | None = None
    change: Change | None = None
    baseline: Decimal | None = None
    baseline_period: str | None = None
    baseline_source: str | None = None
    change_vs_baseline: Change | None = None
    target: Decimal | None = None
    target_id: str | None = None
    status: TargetStatus | None = None
    status_basis: str | None = None
    shortfall: Decimal | None = None
    counts: LeadCount | None = None

    @property
    def title(self) -> str:  # type: ignore[override]
        """The display title."""
        return f"{self.name} — {self.scope}, {self.period}"

    @property
    def computable(self) -> bool:
        """True when the value could be computed."""
        return self.value is not None

    def explain(self) -> str:
        """The arithmetic in one line per part, e.g. for a report's footnote."""
        lines = [f"{self.name} ({self.kpi}) = {self.formula}"]
        for part in self.inputs:
            shown = "not computable" if part.value is None else _show(part.value)
            platforms = " + ".join(f"{p} {_show(v)}" for p, v in part.by_platform.items())
            detail = f" = {platforms}" if len(part.by_platform) > 1 else ""
            lines.append(
                f"  {part.role}: {part.formula} = {shown}{detail} ({part.records} records)"
            )
        lines.append(
            f"  value: {_show(self.value) if self.value is not None else 'not computable'}"
            + (f" — {self.reason}" if self.reason else "")
        )
        return "\n".join(lines)

    def row(self) -> dict[str, Any]:
        """The flat row of the table view."""
        inputs = {p.role: p for p in self.inputs}
        top = inputs.get("numerator") or inputs.get("measure")
        bottom = inputs.get("denominator")
        return {
            "kpi": self.kpi,
            "name": self.name,
            "scope": self.scope,
            "period": self.period.label,
            "measured_from": self.measured.start,
            "measured_to": self.measured.end,
            "complete": self.complete,
            "unit": self.unit.value,
            "counts": self.counts,
            "value": _q(self.value),
            "reason": self.reason,
            "numerator": _q(top.value) if top else None,
            "denominator": _q(bottom.value) if bottom else None,
            "projected": _q(self.projected),
            "previous": _q(self.previous),
            "change": _q(self.change.absolute) if self.change else None,
            "change_pct": _q(self.change.relative) if self.change else None,
            "baseline": _q(self.baseline),
            "change_vs_baseline_pct": (
                _q(self.change_vs_baseline.relative) if self.change_vs_baseline else None
            ),
            "target": _q(self.target),
            "target_id": self.target_id,
            "status": self.status.value if self.status else None,
            "shortfall_pct": _q(self.shortfall),
            "formula": self.formula,
        }

    def to_arrow(self) -> pa.Table:
        """One row (see :class:`KPITable` for the columns)."""
        return _rows_table([self.row()])

    def inputs_table(self) -> pa.Table:
        """The formula's parts, one row per part and platform."""
        import pyarrow as pa

        rows = []
        for part in self.inputs:
            platforms: list[tuple[str | None, Decimal | None]] = [*part.by_platform.items()] or [
                (None, part.value)
            ]
            for platform, value in platforms:
                rows.append(
                    {
                        "role": part.role,
                        "formula": part.formula,
                        "platform": platform,
                        "value": _q(value),
                        "total": _q(part.value),
                        "records": part.records,
                        "reason": part.reason,
                        "note": part.note,
                    }
                )
        return pa.Table.from_pylist(rows, schema=_INPUT_SCHEMA())

    def _repr_html_(self) -> str:
        import html

        body = html.escape(self.explain())
        return f"<h4>{html.escape(self.title)}</h4><pre>{body}</pre>" + super()._repr_html_()


def _show(value: Decimal) -> str:
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value:,.2f}"


def _INPUT_SCHEMA() -> pa.Schema:  # noqa: N802
    import pyarrow as pa

    return schema_of(
        *[
            ("role", pa.string()),
            ("formula", pa.string()),
            ("platform", pa.string()),
            ("value", pa.decimal128(38, 6)),
            ("total", pa.decimal128(38, 6)),
            ("records", pa.int64()),
            ("reason", pa.string()),
            ("note", pa.string()),
        ]
    )


def _rows_table(rows: list[dict[str, Any]]) -> pa.Table:
    import pyarrow as pa

    money = pa.decimal128(38, 6)
    schema = schema_of(
        *[
            ("kpi", pa.string()),
            ("name", pa.string()),
            ("scope", pa.string()),
            ("period", pa.string()),
            ("measured_from", pa.date32()),
            ("measured_to", pa.date32()),
            ("complete", pa.bool_()),
            ("unit", pa.string()),
            ("counts", pa.string()),
            ("value", money),
            ("reason", pa.string()),
            ("numerator", money),
            ("denominator", money),
            ("projected", money),
            ("previous", money),
            ("change", money),
            ("change_pct", money),
            ("baseline", money),
            ("change_vs_baseline_pct", money),
            ("target", money),
            ("target_id", pa.string()),
            ("status", pa.string()),
            ("shortfall_pct", money),
            ("formula", pa.string()),
        ]
    )
    return pa.Table.from_pylist(rows, schema=schema)


@dataclass(frozen=True)
class KPITable(Result):
    """Many KPI values (KPIs × scopes).

    :func:`compute_kpis` and :func:`evaluate_targets` return one.

    Attributes:
        values: The values, in order.
        title: The display title.
    """

    values: tuple[KPIValue, ...]
    title: str = "KPIs"

    def __iter__(self) -> Iterator[KPIValue]:
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)

    def get(self, kpi: str, scope: str = "all") -> KPIValue:
        """The value of a KPI for a scope (``all``, ``source google-search``, ...).

        Raises:
            KeyError: There is none.
        """
        missing = f"no {kpi!r} for scope {scope!r}"
        return the_one(self.values, lambda v: (v.kpi, v.scope) == (kpi, scope), missing)

    def target(self, target_id: str) -> KPIValue:
        """The value evaluated for a target.

        Raises:
            KeyError: There is none.
        """
        missing = f"no value for target {target_id!r}"
        return the_one(self.values, lambda v: v.target_id == target_id, missing)

    def to_arrow(self) -> pa.Table:
        """One row per KPI and scope: value, inputs, previous, baseline, target, status."""
        return _rows_table([v.row() for v in self.values])


# ================================================================ computation


@dataclass(frozen=True)
class _Job:
    kpi: KPI
    scope: Scope
    window: Window
    target: Target | None = None
    baseline_window: Window | None = None


def _default_as_of(window: Window, tz: str) -> dt.date:
    yesterday = today_in(tz) - dt.timedelta(days=1)
    return min(window.end, yesterday)


def _scope_label(scope: Scope) -> str:
    return str(scope)


def _group_scope(by: GroupBy, group: str | None) -> str:
    return f"{by} {group if group is not None else UNATTRIBUTED}"


class _Run:
    """Computes jobs that share a dataset, grouping them by scope into few queries."""

    def __init__(self, engine: Engine, as_of: dt.date | None) -> None:
        self.engine = engine
        self.as_of = as_of

    def _windows(self, job: _Job) -> tuple[Window | None, Window, bool]:
        as_of = self.as_of if self.as_of is not None else _default_as_of(job.window, self.engine.tz)
        if as_of < job.window.start:
            return None, job.window.previous(), False
        measured = job.window.through(as_of)
        complete = measured.end == job.window.end
        previous = job.window.previous()
        if not complete:
            previous = previous.first_days(measured.days)
        return measured, previous, complete

    def compute(self, jobs: Sequence[_Job], by: GroupBy | None = None) -> list[KPIValue]:
        return _compute_batches(self.engine, [(self, jobs, by)])[0]

    def _groups(self, by: GroupBy, seen: list[str | None]) -> list[str | None]:
        """Every source (campaign, channel) of the workspace, then any other group seen."""
        ws = self.engine.ws
        if by == "source":
            known: list[str | None] = [s.id for s in ws.sources]
        elif by == "campaign":
            known = [c.id for c in ws.campaigns]
        else:
            known = list(dict.fromkeys(s.channel.value for s in ws.sources))
        extra = sorted(g for g in seen if g is not None and g not in known)
        return [*known, *extra, *([None] if None in seen else [])]

    def _lookup(
        self, kpi: KPI, aggs: Aggregates, index: int, group: str | None
    ) -> dict[Leaf, LeafValue]:
        return {Leaf.of(m): aggs.leaf(Leaf.of(m), index, group) for _, m in parts_of(kpi)}

    def _value(
        self,
        job: _Job,
        aggs: Aggregates,
        windows: list[Window],
        group: str | None,
        label: str,
        measured: Window | None,
        previous: Window,
        complete: bool,
    ) -> KPIValue:
        kpi = job.kpi
        currency = self.engine.ws.currency
        inputs: tuple[KPIInput, ...] = ()
        projected: Decimal | None = None
        value: Decimal | None = None
        reason: str | None = f"the period starts after {self.as_of}"
        if measured is not None:
            lookup = self._lookup(kpi, aggs, windows.index(measured), group)
            value, reason = kpi_value(kpi, lookup)
            inputs = tuple(
                KPIInput(
                    role,
                    Leaf.of(m).formula,
                    lookup[Leaf.of(m)].value,
                    lookup[Leaf.of(m)].records,
                    lookup[Leaf.of(m)].by_platform,
                    lookup[Leaf.of(m)].by_currency,
                    lookup[Leaf.of(m)].reason,
                    lookup[Leaf.of(m)].note,
                )
                for role, m in parts_of(kpi)
            )
            if not complete and value is not None:
                factor = Decimal(job.window.days) / Decimal(measured.days)
                projected, _ = kpi_value(kpi, {k: v.scaled(factor) for k, v in lookup.items()})
        prev_lookup = self._lookup(kpi, aggs, windows.index(previous), group)
        prev, prev_reason = kpi_value(kpi, prev_lookup)
        change = (
            Change.between(value, prev, kpi.direction)
            if value is not None and prev is not None
            else None
        )
        baseline, baseline_period, baseline_source = None, None, None
        if job.target is not None and job.target.baseline is not None:
            baseline = job.target.baseline.value
            baseline_period, baseline_source = str(job.target.baseline.period), "target"
        elif job.baseline_window is not None:
            base_lookup = self._lookup(kpi, aggs, windows.index(job.baseline_window), group)
            baseline, _ = kpi_value(kpi, base_lookup)
            baseline_period, baseline_source = job.baseline_window.label, "data"
        status = shortfall = basis = None
        target = job.target
        judged = value if complete else projected
        if target is not None and judged is not None:
            status = target.status(judged, kpi.direction)
            shortfall = target.tolerance.shortfall(judged, target.value, kpi.direction)
            basis = "value" if complete else "projection"
        return KPIValue(
            kpi=kpi.id,
            name=kpi.name,
            counts=kpi.lead_count,
            unit=kpi.unit,
            direction=kpi.direction,
            formula=kpi.formula,
            scope=label,
            period=job.window,
            measured=measured or job.window,
            complete=complete,
            value=value,
            reason=reason,
            inputs=inputs,
            currency=currency,
            projected=projected,
            previous=prev,
            previous_period=previous,
            previous_reason=prev_reason,
            change=change,
            baseline=baseline,
            baseline_period=baseline_period,
            baseline_source=baseline_source,
            change_vs_baseline=(
                Change.between(value, baseline, kpi.direction)
                if value is not None and baseline is not None
                else None
            ),
            target=target.value if target else None,
            target_id=target.id if target else None,
            status=status,
            status_basis=basis,
            shortfall=shortfall,
        )


_Plan = tuple[_Job, Window | None, Window, bool]


def _compute_batches(
    engine: Engine, batches: Sequence[tuple[_Run, Sequence[_Job], GroupBy | None]]
) -> list[list[KPIValue]]:
    """Compute several job lists on one engine: one aggregate per scope and breakdown.

    Every batch's values come out as if it had been computed alone: its windows,
    groups and order are its own; the batches only share the queries (one pass per
    record kind for every window any of them needs, in the same scope and breakdown).
    """
    shared: dict[tuple[str, GroupBy | None], tuple[Scope, list[Window], list[Measure]]] = {}
    # Per batch: its scopes in first-seen order, each with its plans.
    per_batch: list[dict[str, list[_Plan]]] = []
    for run, jobs, by in batches:
        scopes: dict[str, list[_Plan]] = {}
        for job in jobs:
            key = job.scope.model_dump_json()
            _, windows, measures = shared.setdefault((key, by), (job.scope, [], []))
            measured, previous, complete = run._windows(job)
            for w in (measured, previous, job.baseline_window):
                if w is not None and w not in windows:
                    windows.append(w)
            measures.extend(m for _, m in parts_of(job.kpi))
            scopes.setdefault(key, []).append((job, measured, previous, complete))
        per_batch.append(scopes)
    aggs: dict[tuple[str, GroupBy | None], Aggregates] = {}
    for (key, by), (scope, windows, measures) in shared.items():
        aggs[key, by] = engine.aggregate(measures, windows, scope=scope, by=by)
    out: list[list[KPIValue]] = []
    for (run, _, by), scopes in zip(batches, per_batch, strict=True):
        values: list[KPIValue] = []
        for key, plans in scopes.items():
            windows = shared[key, by][1]
            found = aggs[key, by]
            scope = plans[0][0].scope
            groups: list[str | None] = [None]
            if by:
                own = {
                    windows.index(w)
                    for job, measured, previous, _ in plans
                    for w in (measured, previous, job.baseline_window)
                    if w is not None
                }
                leaves = {Leaf.of(m) for job, *_ in plans for _, m in parts_of(job.kpi)}
                groups = run._groups(by, found.groups(own, leaves))
            for group in groups:
                for job, measured, previous, complete in plans:
                    label = _group_scope(by, group) if by else _scope_label(scope)
                    values.append(
                        run._value(job, found, windows, group, label, measured, previous, complete)
                    )
        out.append(values)
    return out


@grows_memory
def compute_kpi(
    workspace: Workspace,
    dataset: Dataset,
    kpi: str | KPI,
    period: PeriodLike,
    *,
    scope: ScopeLike = "all",
    target: str | Target | None = None,
    baseline: PeriodLike | None = None,
    as_of: AsOf | None = None,
    rates: RatesLike | None = None,
    attribution: AttributionMode = "original",
) -> KPIValue:
    """Compute one KPI for a scope and period, against the previous period and a target.

    Args:
        workspace: The engagement (KPI catalogue, source map, targets, currency, zone).
        dataset: The records.
        kpi: A KPI id (built-in, the workspace's, or ``sales_ready_leads``) or a KPI.
        period: ``"2026-10"``, ``"2026-Q4"``, ``(first, last)``, a ``Period`` or a
            ``Window``.
        scope: ``"all"``, ``{"channel": ...}``, ``{"source": ...}``,
            ``{"campaign": ...}``, ``{"partner": ...}`` or a ``Scope``.
        target: A target (or its id) to judge the value against; by default the
            workspace's target for this KPI, scope and period, if there is one.
        baseline: A period to compute a baseline from the data, when the target has none.
        as_of: The last day to count (default: yesterday in the workspace's zone, or
            the period's end when that is earlier). A period not over by then is
            measured to date and projected. A date, or a timezone-aware datetime
            (its day in the workspace's time zone); a naive datetime is refused.
        rates: Exchange rates for money in other currencies than the workspace's.
        attribution: Which lead source counts for source scopes: ``original`` or
            ``latest``.

    Returns:
        The value with its inputs, previous value, baseline, target and status.

    Raises:
        CurrencyError: Money in another currency and no rate for it.
        NonAdditiveError: The KPI sums a non-additive ``extra`` metric.
        ConfigurationError: Unknown KPI, scope or target; a period that is not one.
    """
    as_of = None if as_of is None else as_of_day(as_of, workspace.timezone)
    the_kpi = resolve_kpi(workspace, kpi)
    the_scope = resolve_scope(workspace, scope)
    window = resolve_window(period, on=as_of or today_in(workspace.timezone))
    found = workspace.target(target) if isinstance(target, str) else target
    if found is None:
        found = find_target(workspace, the_kpi, the_scope, window)
    base = resolve_window(baseline) if baseline is not None else None
    with Engine(workspace, dataset, rates=rates, attribution=attribution) as engine:
        job = _Job(the_kpi, the_scope, window, found, base)
        return _Run(engine, as_of).compute([job])[0]


@grows_memory
def compute_kpis(
    workspace: Workspace,
    dataset: Dataset,
    period: PeriodLike,
    *,
    kpis: Sequence[str | KPI] | None = None,
    scope: ScopeLike = "all",
    by: GroupBy | None = None,
    as_of: AsOf | None = None,
    rates: RatesLike | None = None,
    attribution: AttributionMode = "original",
) -> KPITable:
    """Compute many KPIs at once (every KPI of the catalogue by default).

    All KPIs are computed in one pass per record kind. With ``by``, each source,
    channel or campaign gets its own rows (``scope`` is then ``source <id>``, and
    records no source matches are grouped as ``source (unattributed)``).

    Args:
        workspace: The engagement.
        dataset: The records.
        period: The period (see :func:`compute_kpi`).
        kpis: KPI ids or KPIs; every KPI of the workspace's catalogue
            (:attr:`Workspace.kpi_catalogue <partnerkit.model.Workspace.kpi_catalogue>`) by default.
        scope: Records to consider (see :func:`compute_kpi`).
        by: ``source``, ``channel`` or ``campaign`` to break the values down.
        as_of: The last day to count (see :func:`compute_kpi`).
        rates: Exchange rates.
        attribution: ``original`` or ``latest`` lead source.

    Returns:
        The values; workspace targets for the same KPI, scope and period are attached
        when ``by`` is not given.
    """
    as_of = None if as_of is None else as_of_day(as_of, workspace.timezone)
    if by is not None:
        choice("by", by, GROUP_BYS)
    the_scope = resolve_scope(workspace, scope)
    window = resolve_window(period, on=as_of or today_in(workspace.timezone))
    chosen = [resolve_kpi(workspace, k) for k in (kpis or list(workspace.kpi_catalogue.values()))]
    jobs = [
        _Job(k, the_scope, window, None if by else find_target(workspace, k, the_scope, window))
        for k in chosen
    ]
    with Engine(workspace, dataset, rates=rates, attribution=attribution) as engine:
        values = _Run(engine, as_of).compute(jobs, by=by)
    return KPITable(tuple(values), title=f"KPIs — {window.label}")


@dataclass(frozen=True)
class KPIRequest:
    """One KPI table for :func:`compute_kpi_sets`: :func:`compute_kpis`'s arguments.

    Attributes:
        period: The period (see :func:`compute_kpi`).
        kpis: KPI ids or KPIs; the workspace's catalogue by default.
        scope: Records to consider.
        by: ``source``, ``channel`` or ``campaign`` to break the values down.
        as_of: The last day to count.
    """

    period: PeriodLike
    kpis: Sequence[str | KPI] | None = None
    scope: ScopeLike = "all"
    by: GroupBy | None = None
    as_of: AsOf | None = None


@dataclass(frozen=True)
class TargetsRequest:
    """The targets of a period for :func:`compute_kpi_sets`: :func:`evaluate_targets`'s arguments.

    Attributes:
        period: The report's period, e.g. ``"2026-10"``.
        as_of: The last day to count.
    """

    period: PeriodLike
    as_of: AsOf | None = None


@grows_memory
def compute_kpi_sets(
    workspace: Workspace,
    dataset: Dataset,
    requests: Mapping[str, KPIRequest | TargetsRequest],
    *,
    rates: RatesLike | None = None,
    attribution: AttributionMode = "original",
) -> dict[str, KPITable]:
    """Compute several KPI tables at once, sharing the queries.

    Each table is the one :func:`compute_kpis` returns for the same arguments (for a
    :class:`TargetsRequest`, the one :func:`evaluate_targets` returns); the
    tables of one scope and breakdown are computed from one pass per record kind, for
    every window any of them needs (a month's totals, the months before it, the
    contract so far), instead of one pass per table.

    Args:
        workspace: The engagement.
        dataset: The records.
        requests: The tables, by a name of the caller's choice.
        rates: Exchange rates.
        attribution: ``original`` or ``latest`` lead source.

    Returns:
        The tables, by the requests' names.

    Raises:
        CurrencyError: Money in another currency and no rate for it (for any table).
        NonAdditiveError: A KPI sums a non-additive ``extra`` metric.
        ConfigurationError: Unknown KPI or scope; a period that is not one.
    """
    prepared: list[tuple[str, Window, list[_Job], dt.date | None, GroupBy | None]] = []
    targets: set[str] = set()
    for name, req in requests.items():
        if isinstance(req, TargetsRequest):
            window, jobs, cutoff = _target_jobs(workspace, req)
            prepared.append((name, window, jobs, cutoff, None))
            targets.add(name)
            continue
        as_of = None if req.as_of is None else as_of_day(req.as_of, workspace.timezone)
        if req.by is not None:
            choice("by", req.by, GROUP_BYS)
        the_scope = resolve_scope(workspace, req.scope)
        window = resolve_window(req.period, on=as_of or today_in(workspace.timezone))
        chosen = [
            resolve_kpi(workspace, k) for k in (req.kpis or list(workspace.kpi_catalogue.values()))
        ]
        jobs = [
            _Job(
                k,
                the_scope,
                window,
                None if req.by else find_target(workspace, k, the_scope, window),
            )
            for k in chosen
        ]
        prepared.append((name, window, jobs, as_of, req.by))
    with Engine(workspace, dataset, rates=rates, attribution=attribution) as engine:
        batches = [(_Run(engine, as_of), jobs, by) for _, _, jobs, as_of, by in prepared]
        results = _compute_batches(engine, batches)
    rank = {t.id: i for i, t in enumerate(workspace.targets)}
    tables: dict[str, KPITable] = {}
    for (name, window, *_), values in zip(prepared, results, strict=True):
        if name in targets:
            ranked = sorted(values, key=lambda v: (rank[v.target_id or ""], v.period.start))
            tables[name] = KPITable(tuple(ranked), title=f"Targets — {window.label}")
        else:
            tables[name] = KPITable(tuple(values), title=f"KPIs — {window.label}")
    return tables


def _target_jobs(workspace: Workspace, req: TargetsRequest) -> tuple[Window, list[_Job], dt.date]:
    """The report's window, one job per target occurrence, and the day counted to."""
    as_of = None if req.as_of is None else as_of_day(req.as_of, workspace.timezone)
    report = resolve_window(req.period, on=as_of or today_in(workspace.timezone))
    cutoff = as_of if as_of is not None else _default_as_of(report, workspace.timezone)
    jobs = [
        _Job(resolve_kpi(workspace, t.kpi), resolve_scope(workspace, t.scope), window, t)
        for t in workspace.targets
        for window in _occurrences(t, report)
    ]
    return report, jobs, cutoff


def _occurrences(target: Target, report: Window) -> list[Window]:
    period = target.period
    if not period.is_recurring:
        window = resolve_window(period)
        return [window] if window.overlaps(report) else []
    out: list[Window] = []
    day = report.start
    while day <= report.end:
        bounds = period.occurrence(day)
        if bounds is not None:
            window = Window(bounds[0], bounds[1], period.every or "custom")
            if window not in out:
                out.append(window)
            day = max(day, bounds[1]) + dt.timedelta(days=1)
        else:
            day += dt.timedelta(days=1)
    return out


@grows_memory
def evaluate_targets(
    workspace: Workspace,
    dataset: Dataset,
    period: PeriodLike,
    *,
    as_of: AsOf | None = None,
    rates: RatesLike | None = None,
    attribution: AttributionMode = "original",
) -> KPITable:
    """Evaluate every target of the workspace that applies to a period.

    A recurring target (``every: month``) is evaluated for each of its occurrences
    that touch the period; a fixed one when it overlaps the period. Each is computed
    over its own period, to ``as_of`` (default: the report period's last day, or
    yesterday when that is earlier); a period not over by then is judged on its
    linear projection (``status_basis == "projection"``).

    Args:
        workspace: The engagement and its targets.
        dataset: The records.
        period: The report's period, e.g. ``"2026-10"``.
        as_of: The last day to count (a date or an aware datetime, see :func:`compute_kpi`).
        rates: Exchange rates.
        attribution: ``original`` or ``latest`` lead source.

    Returns:
        One value per target occurrence, in the workspace's target order.
    """
    request = TargetsRequest(period, as_of)
    found = compute_kpi_sets(
        workspace, dataset, {"targets": request}, rates=rates, attribution=attribution
    )
    return found["targets"]


def reason_code(value: KPIValue | None) -> str | None:
    """Why a KPI value is not computable, as a code (``None``: it is computable).

    The one rule every display and the trial verdict use (``analysis.month.reason`` is
    this function).

    ``not_computed`` (no KPI value), ``no_rows`` (no record to sum), ``period_not_started``
    (the period starts after the moment counted to), ``zero_denominator`` (a ratio's
    denominator came to 0), ``missing_values`` (records there, but none with the values
    the KPI sums); the KPI's own reason otherwise.
    """
    if value is None:
        return "not_computed"
    for part in value.inputs:
        summed = part.formula.startswith("sum(")
        if part.role in ("measure", "numerator") and part.records == 0 and summed:
            return "no_rows"
    if value.value is None:
        if not value.inputs:
            return "period_not_started"
        for part in value.inputs:
            if part.value is None:
                return "no_rows" if part.records == 0 else "missing_values"
        if any(p.role == "denominator" and p.value == 0 for p in value.inputs):
            return "zero_denominator"
        return value.reason or "not_computed"
    return None
