"""Month-to-date pacing: where a KPI will land at the period's end, against its target.

Two projections of each measure of the KPI (spend, leads, ...) from the days counted
so far (``as_of`` included):

* **linear** — ``to_date × days_in_period / days_elapsed``;
* **weekday-weighted** — the previous weeks' pattern says how much of a normal week
  falls on each weekday (B2B leads on weekdays, little on Saturday). With ``w[d]``
  the average value on weekday ``d`` over the ``weeks × 7`` days ending on
  ``as_of``: ``to_date × Σ_{all days} w[weekday] / Σ_{elapsed days} w[weekday]``.
  When every weekday weighs the same this *is* the linear projection.

A ratio KPI is projected as the ratio of its projected measures (CPL at the month's
end = projected spend ÷ projected leads), never by extrapolating the ratio. The
projections are judged against the target with its tolerance bands, like any value.

Daily values come from one DuckDB query per record kind and date column, grouped by
local day in the workspace's time zone; Python only adds up a few dozen numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from partnerkit.analysis._args import AsOf, as_of_day
from partnerkit.analysis._data import Dataset, Result, grows_memory
from partnerkit.analysis._engine import (
    Engine,
    Leaf,
    LeafValue,
    RatesLike,
    ScopeLike,
    find_target,
    kpi_value,
    parts_of,
    resolve_kpi,
    resolve_scope,
)
from partnerkit.analysis._tables import field_row, fields_table, schema_of, the_one
from partnerkit.analysis._tables import six as _q
from partnerkit.analysis.attribution import AttributionMode
from partnerkit.analysis.periods import PeriodLike, Window, resolve_window
from partnerkit.errors import ConfigurationError
from partnerkit.model import KPI, Direction, KPIUnit, Scope, Target, TargetStatus, Workspace

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "MeasurePace",
    "Pacing",
    "PacingTable",
    "pace",
    "pace_targets",
    "weekday_weights",
    "weighted_projection",
]

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class MeasurePace:
    """One measure of the KPI: to date and projected.

    Attributes:
        role: ``measure``, ``numerator``, ``denominator`` or ``… minus``.
        formula: The measure in words.
        to_date: Its value over the days elapsed.
        linear: Projected linearly to the period's end.
        weighted: Projected with the weekday pattern (``None`` when the pattern
            cannot weigh the elapsed days; see ``reason``).
        weekday_average: The pattern: average value on each weekday (``monday`` ...).
        reason: Why a value is ``None``.
    """

    role: str
    formula: str
    to_date: Decimal | None
    linear: Decimal | None
    weighted: Decimal | None
    weekday_average: Mapping[str, Decimal] = field(default_factory=dict)
    reason: str | None = None


#: The columns of a pacing's table view, read from :class:`Pacing`'s fields.
_COLUMNS = (
    "kpi scope period as_of days_elapsed days_in_period actual linear weighted target target_id"
    " linear_status weighted_status reason"
)


@dataclass(frozen=True)
class Pacing(Result):
    """A KPI's month-to-date value and its projections to the period's end.

    Attributes:
        kpi: The KPI's id.
        name: Its display name.
        unit: Its unit.
        direction: Whether higher or lower is better.
        scope: The scope, e.g. ``all``.
        period: The whole period.
        as_of: The last day counted.
        days_elapsed: Days counted (``as_of`` included).
        days_in_period: Days in the period.
        pattern: The days the weekday pattern was read from.
        actual: The value to date (``None`` when not computable).
        linear: The value projected linearly.
        weighted: The value projected with the weekday pattern.
        reason: Why ``actual`` or a projection is ``None``.
        measures: Each measure, to date and projected.
        target: The target value.
        target_id: The target's id.
        linear_status: The linear projection against the target.
        weighted_status: The weighted projection against the target.
    """

    kpi: str
    name: str
    unit: KPIUnit
    direction: Direction
    scope: str
    period: Window
    as_of: dt.date
    days_elapsed: int
    days_in_period: int
    pattern: Window
    actual: Decimal | None
    linear: Decimal | None
    weighted: Decimal | None
    reason: str | None
    measures: tuple[MeasurePace, ...]
    target: Decimal | None = None
    target_id: str | None = None
    linear_status: TargetStatus | None = None
    weighted_status: TargetStatus | None = None

    @property
    def title(self) -> str:  # type: ignore[override]
        """The display title."""
        return f"Pacing of {self.name} — {self.scope}, {self.period} as of {self.as_of}"

    def row(self) -> dict[str, Any]:
        """The flat row of the table view."""
        return field_row(self, _COLUMNS)

    def to_arrow(self) -> pa.Table:
        """One row: to date, both projections, target and statuses."""
        return fields_table(Pacing, [self], _COLUMNS)

    def measures_table(self) -> pa.Table:
        """One row per measure with its weekday pattern, for checking by hand."""
        import pyarrow as pa

        rows = [
            {
                "role": m.role,
                "formula": m.formula,
                "to_date": _q(m.to_date),
                "linear": _q(m.linear),
                "weighted": _q(m.weighted),
                **{day: _q(m.weekday_average.get(day)) for day in _WEEKDAYS},
                "reason": m.reason,
            }
            for m in self.measures
        ]
        money = pa.decimal128(38, 6)
        schema = schema_of(
            *[("role", pa.string()), ("formula", pa.string())]
            + [(n, money) for n in ("to_date", "linear", "weighted", *_WEEKDAYS)]
            + [("reason", pa.string())]
        )
        return pa.Table.from_pylist(rows, schema=schema)


@dataclass(frozen=True)
class PacingTable(Result):
    """Pacing of many KPIs or targets.

    Attributes:
        values: The pacings, in order.
        title: The display title.
    """

    values: tuple[Pacing, ...]
    title: str = "Pacing"

    def __iter__(self) -> Iterator[Pacing]:
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)

    def target(self, target_id: str) -> Pacing:
        """The pacing of a target.

        Raises:
            KeyError: There is none.
        """
        missing = f"no pacing for target {target_id!r}"
        return the_one(self.values, lambda v: v.target_id == target_id, missing)

    def to_arrow(self) -> pa.Table:
        """One row per KPI or target."""
        return fields_table(Pacing, self.values, _COLUMNS)


def weekday_weights(daily: Mapping[dt.date, Decimal], pattern: Window) -> dict[int, Decimal]:
    """Average value on each weekday (0 = Monday) over a pattern window.

    Days of the pattern without a value count as 0; each weekday's total is divided
    by the number of times that weekday occurs in the window.
    """
    totals = dict.fromkeys(range(7), Decimal(0))
    occurs = dict.fromkeys(range(7), 0)
    for day in pattern.each_day():
        occurs[day.weekday()] += 1
        totals[day.weekday()] += daily.get(day, Decimal(0))
    return {d: totals[d] / occurs[d] if occurs[d] else Decimal(0) for d in range(7)}


def weighted_projection(
    to_date: Decimal, weights: Mapping[int, Decimal], elapsed: Window, period: Window
) -> Decimal | None:
    """Project ``to_date`` over the period with weekday weights.

    Returns:
        ``to_date × Σ_{period} w / Σ_{elapsed} w``, or ``None`` when the elapsed
        days weigh nothing.
    """
    done = sum((weights[d.weekday()] for d in elapsed.each_day()), Decimal(0))
    whole = sum((weights[d.weekday()] for d in period.each_day()), Decimal(0))
    if done == 0:
        return None
    return to_date * whole / done


def _pace(
    engine: Engine,
    kpi: KPI,
    scope_label: str,
    scope: Scope,
    period: Window,
    as_of: dt.date,
    weeks: int,
    target: Target | None,
) -> Pacing:
    elapsed = period.through(as_of)
    pattern = Window(as_of - dt.timedelta(days=7 * weeks - 1), as_of)
    parts = parts_of(kpi)
    aggs = engine.aggregate([m for _, m in parts], [elapsed, pattern], scope=scope, daily=True)
    factor = Decimal(period.days) / Decimal(elapsed.days)
    now: dict[Leaf, LeafValue] = {}
    linear: dict[Leaf, LeafValue] = {}
    weighted: dict[Leaf, LeafValue] = {}
    measures = []
    for role, m in parts:
        leaf = Leaf.of(m)
        got = aggs.leaf(leaf, 0, all_days=True)
        now[leaf] = got
        linear[leaf] = got.scaled(factor)
        weights = weekday_weights(aggs.days(leaf, 1), pattern)
        projected = None
        reason = got.reason
        if got.averaged:  # a weighted mean (average position) is not multiplied by days
            projected = got.value
        elif got.value is not None:
            projected = weighted_projection(got.value, weights, elapsed, period)
            if projected is None:
                reason = (
                    f"the {weeks} weeks to {as_of} have no {leaf.kind.value} records on the "
                    f"weekdays elapsed, so the pattern cannot weigh them"
                )
        weighted[leaf] = LeafValue(
            projected,
            got.records,
            got.by_platform,
            got.by_currency,
            reason=reason,
        )
        measures.append(
            MeasurePace(
                role,
                leaf.formula,
                got.value,
                linear[leaf].value,
                projected,
                {_WEEKDAYS[d]: w for d, w in weights.items()},
                reason,
            )
        )
    actual, reason = kpi_value(kpi, now)
    linear_value, _ = kpi_value(kpi, linear)
    weighted_value, weighted_reason = kpi_value(kpi, weighted)
    reason = reason or weighted_reason
    return Pacing(
        kpi=kpi.id,
        name=kpi.name,
        unit=kpi.unit,
        direction=kpi.direction,
        scope=scope_label,
        period=period,
        as_of=as_of,
        days_elapsed=elapsed.days,
        days_in_period=period.days,
        pattern=pattern,
        actual=actual,
        linear=linear_value,
        weighted=weighted_value,
        reason=reason,
        measures=tuple(measures),
        target=target.value if target else None,
        target_id=target.id if target else None,
        linear_status=(
            target.status(linear_value, kpi.direction)
            if target and linear_value is not None
            else None
        ),
        weighted_status=(
            target.status(weighted_value, kpi.direction)
            if target and weighted_value is not None
            else None
        ),
    )


def _check(period: Window, as_of: dt.date, weeks: int) -> None:
    if not period.contains(as_of):
        raise ConfigurationError(
            f"as_of ({as_of}) must fall in the period {period} ({period.start} to {period.end})"
        )
    if weeks < 1:
        raise ConfigurationError("weeks must be at least 1")


@grows_memory
def pace(
    workspace: Workspace,
    dataset: Dataset,
    kpi: str | KPI,
    *,
    as_of: AsOf,
    period: PeriodLike | None = None,
    scope: ScopeLike = "all",
    target: str | Target | None = None,
    weeks: int = 4,
    rates: RatesLike | None = None,
    attribution: AttributionMode = "original",
) -> Pacing:
    """Project a KPI to the end of its period from the days counted so far.

    Args:
        workspace: The engagement.
        dataset: The records.
        kpi: A KPI id or KPI.
        as_of: The last day counted (included), in the workspace's calendar: a date
            or an aware datetime (its day in the workspace's time zone).
        period: The period (the month of ``as_of`` by default); it must contain ``as_of``.
        scope: The scope (see :func:`~partnerkit.analysis.kpis.compute_kpi`).
        target: The target (or its id); by default the workspace's target for the KPI,
            scope and period, if any.
        weeks: How many weeks before ``as_of`` give the weekday pattern.
        rates: Exchange rates.
        attribution: ``original`` or ``latest`` lead source.

    Returns:
        The pacing: to date, linear and weekday-weighted projections, statuses.
    """
    as_of = as_of_day(as_of, workspace.timezone)
    the_kpi = resolve_kpi(workspace, kpi)
    the_scope = resolve_scope(workspace, scope)
    window = resolve_window(period if period is not None else Window.month(as_of), on=as_of)
    _check(window, as_of, weeks)
    found = workspace.target(target) if isinstance(target, str) else target
    if found is None:
        found = find_target(workspace, the_kpi, the_scope, window)
    with Engine(workspace, dataset, rates=rates, attribution=attribution) as engine:
        return _pace(engine, the_kpi, str(the_scope), the_scope, window, as_of, weeks, found)


@grows_memory
def pace_targets(
    workspace: Workspace,
    dataset: Dataset,
    *,
    as_of: AsOf,
    weeks: int = 4,
    rates: RatesLike | None = None,
    attribution: AttributionMode = "original",
) -> PacingTable:
    """Pace every target whose period contains ``as_of`` (this month's, this quarter's).

    Args:
        workspace: The engagement and its targets.
        dataset: The records.
        as_of: The last day counted: a date or an aware datetime (its day in the
            workspace's time zone).
        weeks: Weeks of weekday pattern.
        rates: Exchange rates.
        attribution: ``original`` or ``latest`` lead source.

    Returns:
        One pacing per target in progress, in the workspace's order.
    """
    as_of = as_of_day(as_of, workspace.timezone)
    if weeks < 1:
        raise ConfigurationError("weeks must be at least 1")
    out = []
    with Engine(workspace, dataset, rates=rates, attribution=attribution) as engine:
        for t in workspace.targets:
            bounds = t.period.occurrence(as_of)
            if bounds is None:
                continue
            if t.period.every is not None:
                window = Window(bounds[0], bounds[1], t.period.every)
            else:
                window = resolve_window(t.period)
            scope = resolve_scope(workspace, t.scope)
            out.append(
                _pace(
                    engine,
                    resolve_kpi(workspace, t.kpi),
                    str(scope),
                    scope,
                    window,
                    as_of,
                    weeks,
                    t,
                )
            )
    return PacingTable(tuple(out), title=f"Pacing as of {as_of}")
