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
:func:`attribute`), so rows by source add up to the total.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from partnerkit.analysis._args import AsOf, as_of_day, choice
from partnerkit.analysis._data import Dataset, Result
from partnerkit.analysis._sql import ident as _ident
from partnerkit.analysis._sql import literal as _literal
from partnerkit.analysis.attribution import (
    GROUP_BYS,
    UNATTRIBUTED,
    Attribution,
    AttributionJoins,
    AttributionMode,
    GroupBy,
    attribute,
    attribution_of,
)
from partnerkit.analysis.dedup import people_of
from partnerkit.analysis.periods import (
    PeriodLike,
    Window,
    local_day_sql,
    resolve_window,
    today_in,
    window_sql,
)
from partnerkit.errors import ConfigurationError, CurrencyError, NonAdditiveError
from partnerkit.model import (
    KPI,
    Condition,
    Direction,
    KPIUnit,
    LeadCount,
    Measure,
    Scope,
    Target,
    TargetStatus,
    Workspace,
)
from partnerkit.records import Additivity, RecordKind, columns

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "AttributionMode",
    "Change",
    "CurrencyError",
    "ExchangeRates",
    "KPIInput",
    "KPITable",
    "KPIValue",
    "NonAdditiveError",
    "RatesLike",
    "ScopeLike",
    "attribute",
    "compute_kpi",
    "compute_kpis",
    "condition_sql",
    "conditions_sql",
    "evaluate_targets",
]

ScopeLike = Scope | str | Mapping[str, str] | None
"""A scope: a model :class:`~partnerkit.model.Scope`, ``"all"``, or ``{source: id}``."""

_VIEW = {
    RecordKind.PERFORMANCE: "performance",
    RecordKind.LEAD: "lead",
    RecordKind.DEAL: "deal",
    RecordKind.CAMPAIGN: "campaign",
}
_SIX = Decimal("0.000001")


# ====================================================================== errors


# ============================================================== exchange rates


@dataclass(frozen=True)
class ExchangeRates:
    """Exchange rates the caller supplies: workspace-currency units for one unit of each.

    With a workspace in ILS, ``ExchangeRates({"USD": Decimal("3.7")})`` turns 100 USD
    into 370 ILS. One rate per currency applies to the whole computation; conversion
    happens on the sum of each currency (``Σ amount × rate = rate × Σ amount``).

    Attributes:
        rates: The rate of each ISO 4217 code.
    """

    rates: Mapping[str, Decimal] = field(default_factory=dict)

    def __post_init__(self) -> None:
        clean: dict[str, Decimal] = {}
        for code, rate in self.rates.items():
            value = Decimal(str(rate))
            if not value.is_finite() or value <= 0:
                raise ConfigurationError(f"the exchange rate of {code} must be above 0")
            clean[code.upper()] = value
        object.__setattr__(self, "rates", clean)

    @classmethod
    def of(cls, rates: RatesLike | None) -> ExchangeRates:
        """Accept ``ExchangeRates``, a mapping of code to rate, or ``None`` (no rates)."""
        if isinstance(rates, ExchangeRates):
            return rates
        return cls(
            {k: v if isinstance(v, Decimal) else Decimal(str(v)) for k, v in (rates or {}).items()}
        )

    def rate(self, currency: str) -> Decimal | None:
        """The rate of a currency, or ``None`` when none was supplied."""
        return self.rates.get(currency.upper())


RatesLike = ExchangeRates | Mapping[str, Decimal | int | float | str]
"""Exchange rates as :class:`ExchangeRates` or a plain ``{"USD": 3.7}`` mapping."""


# =================================================================== catalogue


def _kpi(workspace: Workspace, kpi: str | KPI) -> KPI:
    if isinstance(kpi, KPI):
        return kpi
    return workspace.kpi(kpi)  # the model's catalogue; raises listing the valid ids


def _scope(workspace: Workspace, scope: ScopeLike) -> Scope:
    if scope is None:
        found = Scope()
    elif isinstance(scope, Scope):
        found = scope
    else:
        found = Scope.model_validate(scope)
    if found.source is not None:
        workspace.source(found.source)
    if found.campaign is not None:
        workspace.campaign(found.campaign)
    if found.partner is not None and (
        workspace.partner is None or workspace.partner.id != found.partner
    ):
        have = f"its partner is {workspace.partner.id!r}" if workspace.partner else "it has none"
        raise ConfigurationError(
            f"the workspace has no partner {found.partner!r} ({have}); a partner scope covers "
            f"the sources the partner owns"
        )
    return found


# ================================================================ SQL helpers


def _category(arrow_type: pa.DataType) -> str:
    import pyarrow as pa

    if pa.types.is_boolean(arrow_type):
        return "bool"
    if pa.types.is_integer(arrow_type) or pa.types.is_floating(arrow_type):
        return "number"
    if pa.types.is_decimal(arrow_type):
        return "number"
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return "string"
    if pa.types.is_date(arrow_type):
        return "date"
    if pa.types.is_timestamp(arrow_type):
        return "timestamp"
    return "other"


def _fits(value: Any, category: str) -> bool:
    if category == "bool":
        return isinstance(value, bool)
    if category == "number":
        return isinstance(value, int | float | Decimal) and not isinstance(value, bool)
    if category == "string":
        return isinstance(value, str)
    if category == "date":
        return isinstance(value, dt.date) and not isinstance(value, dt.datetime)
    if category == "timestamp":
        return isinstance(value, dt.datetime) and value.tzinfo is not None
    return False


def condition_sql(condition: Condition, schema: pa.Schema, alias: str = "v") -> str:
    """Compile a model :class:`~partnerkit.model.Condition` to a two-valued SQL predicate.

    It keeps :meth:`Condition.test`'s semantics exactly: a missing value never equals,
    is never in a list and never compares, and is always ``!=`` and ``not in``; a value
    of another type than the column's (text against a number) never matches. The
    predicate is never ``NULL``, so it can be negated safely.

    Args:
        condition: The condition.
        schema: The Arrow schema of the record table (gives the column's type; a
            column the table lacks, such as an ``extra.*`` nobody sent, is all null).
        alias: The table alias in the query.
    """
    op = condition.op
    if condition.column not in schema.names:
        return "TRUE" if op in ("is_null", "ne", "not_in") else "FALSE"
    col = f"{alias}.{_ident(condition.column)}"
    if op == "is_null":
        return f"({col} IS NULL)"
    if op == "is_not_null":
        return f"({col} IS NOT NULL)"
    category = _category(schema.field(condition.column).type)
    values = condition.value if op in ("in", "not_in") else (condition.value,)
    fit = [_literal(v) for v in values if _fits(v, category)]
    if op == "eq":
        return f"coalesce({col} = {fit[0]}, FALSE)" if fit else "FALSE"
    if op == "ne":
        return f"coalesce({col} <> {fit[0]}, TRUE)" if fit else "TRUE"
    if op == "in":
        return f"coalesce({col} IN ({', '.join(fit)}), FALSE)" if fit else "FALSE"
    if op == "not_in":
        return f"coalesce({col} NOT IN ({', '.join(fit)}), TRUE)" if fit else "TRUE"
    symbol = {"gt": ">", "ge": ">=", "lt": "<", "le": "<="}[op]
    return f"coalesce({col} {symbol} {fit[0]}, FALSE)" if fit else "FALSE"


def conditions_sql(conditions: Iterable[Condition], schema: pa.Schema, alias: str = "v") -> str:
    """All conditions together (``TRUE`` when there are none)."""
    parts = [condition_sql(c, schema, alias) for c in conditions]
    return " AND ".join(parts) if parts else "TRUE"


def _is_timestamp(schema: pa.Schema, column: str) -> bool:
    import pyarrow as pa

    return column in schema.names and pa.types.is_timestamp(schema.field(column).type)


# ===================================================================== engine


@dataclass(frozen=True, eq=False)
class _Leaf:
    """One aggregate of a measure tree (its ``minus`` handled by the caller).

    Compared and hashed by its formula text, which says everything it computes.
    """

    kind: RecordKind
    aggregate: Literal["sum", "count"]
    column: str | None
    where: tuple[Condition, ...]
    date_column: str
    formula: str = ""
    distinct: Literal["person"] | None = None

    def __post_init__(self) -> None:
        text = (
            f"sum({self.kind.value}.{self.column}"
            if self.aggregate == "sum"
            else f"count({self.kind.value}"
        )
        if self.distinct == "person":
            text = "count(distinct person of lead"
        if self.where:
            text += " where " + " and ".join(str(c) for c in self.where)
        object.__setattr__(self, "formula", text + ")")
        typed = tuple((c.column, c.op, repr(c.value)) for c in self.where)  # 5 is not "5"
        object.__setattr__(self, "_key", (self.formula, self.date_column, typed))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Leaf) and self._key == other._key  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(self._key)  # type: ignore[attr-defined]

    @classmethod
    def of(cls, measure: Measure) -> _Leaf:
        """The leaf of a measure node (cached: measures are immutable)."""
        found = _LEAVES.get(id(measure))
        if found is None or found[0] is not measure:
            leaf = cls(
                measure.kind,
                measure.aggregate,
                measure.column,
                tuple(measure.where),
                measure.date_column,
                distinct=measure.distinct,
            )
            found = _LEAVES[id(measure)] = (measure, leaf)
        return found[1]


# Leaves by measure identity; each entry keeps its measure alive so ids stay unique.
_LEAVES: dict[int, tuple[Measure, _Leaf]] = {}


@dataclass
class _Agg:
    """What a leaf came to over one window and group."""

    kept: int = 0
    sums: dict[str | None, Any] = field(default_factory=dict)  # currency -> raw sum
    platforms: dict[str, list[Any]] = field(default_factory=dict)  # platform -> [(cur, sum)]
    platform_counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class _LeafValue:
    """A leaf's value in the workspace currency, with where it came from.

    Attributes:
        value: The value (``None`` when not computable).
        records: Records counted.
        by_platform: The part of the value from each platform.
        by_currency: Money summed in each original currency (before conversion).
        reason: Why the value is ``None``.
        note: A remark for the reader (e.g. no records in scope).
    """

    value: Decimal | None
    records: int
    by_platform: Mapping[str, Decimal]
    by_currency: Mapping[str, Decimal]
    reason: str | None = None
    note: str | None = None

    def scaled(self, factor: Decimal) -> _LeafValue:
        """The value times ``factor`` (for projections)."""
        if self.value is None:
            return self
        return replace(self, value=self.value * factor)


def _to_decimal(value: Any) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


class _Engine:
    """Aggregates measures over a dataset, for windows, a scope and optional groups.

    One query per record kind: every leaf (a sum or count with its conditions) of
    every KPI asked for, for every window, as ``FILTER`` clauses — one ``count(*)``
    per distinct filter — grouped by platform and currency, and by the columns the
    source map reads when a scope or a breakdown needs attribution. Python then adds
    up the groups (a few hundred rows at most). The analyses of this package share it.
    """

    def __init__(
        self,
        workspace: Workspace,
        dataset: Dataset,
        *,
        rates: RatesLike | None = None,
        attribution: AttributionMode = "original",
    ) -> None:
        """Prepare to aggregate (nothing runs until :meth:`aggregate`)."""
        self.ws = workspace
        self.data = dataset
        self.tz = workspace.timezone
        self.rates = ExchangeRates.of(rates)
        self.con = dataset.cursor()
        self.attribution: Attribution = attribution_of(workspace, dataset, attribution=attribution)
        self.joins: AttributionJoins = self.attribution.joins(self.con)
        self._people: str | None = None

    def close(self) -> None:
        """Drop the attribution (and people) tables registered on the cursor."""
        self.joins.close()
        if self._people is not None:
            self.con.unregister(self._people)
            self._people = None

    def __enter__(self) -> _Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---------------------------------------------------------------- checks

    def _is_money(self, kind: RecordKind, column: str) -> bool:
        if column.startswith("extra."):
            schema = self.data.schema(kind)
            if column not in schema.names:
                return False
            meta = schema.field(column).metadata or {}
            return meta.get(b"unit") == b"money"
        info = next((c for c in columns(kind) if c.name == column), None)
        return info is not None and info.column.unit == "money"

    def _check_additive(self, leaf: _Leaf) -> None:
        assert leaf.column is not None
        name = f"{leaf.kind.value}.{leaf.column}"
        schema = self.data.schema(leaf.kind)
        if leaf.column in schema.names:
            meta = schema.field(leaf.column).metadata or {}
            if meta.get(b"additivity") == Additivity.NON_ADDITIVE.value.encode():
                description = meta.get(b"description", b"").decode() or None
                raise NonAdditiveError(name, description)
        info = next((c for c in columns(leaf.kind) if c.name == leaf.column), None)
        if info is not None and info.column.additivity is Additivity.NON_ADDITIVE:
            raise NonAdditiveError(name, info.column.description)

    def _sum_expr(self, leaf: _Leaf) -> str:
        assert leaf.column is not None
        if leaf.column not in self.data.schema(leaf.kind).names:
            return "CAST(NULL AS DOUBLE)"
        return f"v.{_ident(leaf.column)}"

    # ------------------------------------------------------------ aggregating

    def aggregate(
        self,
        measures: Iterable[Measure | _Leaf],
        windows: Sequence[Window],
        *,
        scope: Scope | None = None,
        by: GroupBy | None = None,
        daily: bool = False,
    ) -> _Aggregates:
        """Aggregate measures (their leaves) for each window.

        Args:
            measures: Measures (a ``minus`` chain is split into its leaves).
            windows: The windows, in the workspace's calendar.
            scope: Records to keep (all by default).
            by: Group by source, channel or campaign (``None``: one group).
            daily: Also group by local day of each leaf's date column.

        Returns:
            The aggregates, looked up with :meth:`_Aggregates.get`.
        """
        scope = scope or Scope()
        leaves: list[_Leaf] = []
        for m in measures:
            for leaf in _leaves_of(m) if isinstance(m, Measure) else [m]:
                if leaf not in leaves:
                    leaves.append(leaf)
        result = _Aggregates(self, windows)
        groups: dict[tuple[RecordKind, str | None], list[_Leaf]] = {}
        for leaf in leaves:
            if leaf.aggregate == "sum":
                self._check_additive(leaf)
            groups.setdefault((leaf.kind, leaf.date_column if daily else None), []).append(leaf)
        for (kind, _), kind_leaves in groups.items():
            if self.data.row_count(kind) == 0:
                for leaf in kind_leaves:
                    result.mark_empty(leaf)
                continue
            people = [lf for lf in kind_leaves if lf.distinct == "person"]
            records = [lf for lf in kind_leaves if lf.distinct is None]
            for leaf in people:
                self._run_people(leaf, windows, scope, by, daily, result)
            if records:
                self._run(kind, records, windows, scope, by, daily, result)
        return result

    def _people_table(self) -> str:
        if self._people is None:
            table = people_of(self.ws, self.data)
            self._people = f"_pk_people_{uuid.uuid4().hex[:12]}"
            self.con.register(self._people, table)
        return self._people

    def _run_people(
        self,
        leaf: _Leaf,
        windows: Sequence[Window],
        scope: Scope,
        by: GroupBy | None,
        daily: bool,
        result: _Aggregates,
    ) -> None:
        """Count distinct people per window (and group): one query per window.

        A person counts once per window and group, however many of their leads it
        keeps; by day, a person counts on the day of their first kept lead, so the
        days add up to the window.
        """
        kind = RecordKind.LEAD
        schema = self.data.schema(kind)
        j = self.joins
        people = self._people_table()
        group = j.expr(kind, by) if by else "CAST(NULL AS VARCHAR)"
        in_scope = j.scope_sql(kind, scope)
        ts = _is_timestamp(schema, leaf.date_column)
        column = "v." + _ident(leaf.date_column)
        day = local_day_sql(column, self.tz, timestamp=ts) if daily else "CAST(NULL AS DATE)"
        preds = conditions_sql(leaf.where, schema)
        for i, w in enumerate(windows):
            keep = f"{window_sql(column, w, self.tz, timestamp=ts)} AND {preds} AND {in_scope}"
            query = (
                f"SELECT g, d, count(*) FROM ("
                f"  SELECT {group} AS g, p.person, min({day}) AS d FROM lead v "
                f"  JOIN {people} p ON p.record_id = v.record_id {j.join(kind)} "
                f"  WHERE {keep} GROUP BY ALL"
                f") GROUP BY ALL"
            )
            for g, d, n in self.con.execute(query).fetchall():
                agg = result.slot(leaf, i, g, d)
                agg.kept += int(n)

    def _run(
        self,
        kind: RecordKind,
        leaves: list[_Leaf],
        windows: Sequence[Window],
        scope: Scope,
        by: GroupBy | None,
        daily: bool,
        result: _Aggregates,
    ) -> None:
        schema = self.data.schema(kind)
        attr = self.attribution
        attributed = by is not None or scope.kind != "all"
        keys = attr.keys(kind) if attributed else {}
        row_channel = (
            attributed
            and (by == "channel" or scope.kind == "channel")
            and "channel" in schema.names
            and kind is RecordKind.PERFORMANCE
        )
        money = any(
            lf.aggregate == "sum" and self._is_money(kind, lf.column or "") for lf in leaves
        )
        select = [f"{expr} AS k{i}" for i, expr in enumerate(keys.values())]
        select.append('v."channel" AS ch' if row_channel else "NULL AS ch")
        select.append('v."platform" AS p')
        select.append('v."currency" AS c' if money and "currency" in schema.names else "NULL AS c")
        if daily:
            date_column = leaves[0].date_column
            ts = _is_timestamp(schema, date_column)
            day = local_day_sql("v." + _ident(date_column), self.tz, timestamp=ts)
            select.append(f"{day} AS d")
        else:
            select.append("NULL AS d")
        in_any: list[str] = []
        counts: dict[str, str] = {}  # one count(*) per distinct filter, shared by leaves
        count_of: dict[tuple[int, int], str] = {}
        for j, leaf in enumerate(leaves):
            ts = _is_timestamp(schema, leaf.date_column)
            preds = conditions_sql(leaf.where, schema)
            for i, w in enumerate(windows):
                in_window = window_sql("v." + _ident(leaf.date_column), w, self.tz, timestamp=ts)
                if in_window not in in_any:
                    in_any.append(in_window)
                keep = in_window if preds == "TRUE" else f"{in_window} AND {preds}"
                if keep not in counts:
                    counts[keep] = f"n{len(counts)}"
                    select.append(f"count(*) FILTER (WHERE {keep}) AS {counts[keep]}")
                count_of[j, i] = counts[keep]
                if leaf.aggregate == "sum":
                    select.append(f"sum({self._sum_expr(leaf)}) FILTER (WHERE {keep}) AS s{j}_{i}")
        where = " OR ".join(in_any) or "TRUE"
        with_sql, join = "", ""
        if kind is RecordKind.DEAL and keys:
            with_sql, join = attr.deal_pick(where)
        query = (
            f'{with_sql} SELECT {", ".join(select)} FROM "{_VIEW[kind]}" v {join} '
            f"WHERE {where} GROUP BY ALL"
        )
        relation = self.con.sql(query)
        names = relation.columns
        n_keys = len(keys)
        for row in relation.fetchall():
            record = dict(zip(names, row, strict=True))
            channel = record["ch"]
            group = None
            if attributed:
                owner = attr.owner(kind, tuple(row[:n_keys]))
                if not attr.in_scope(owner, channel, scope):
                    continue
                group = attr.group_of(owner, channel, by) if by else None
            platform, currency, day = record["p"], record["c"], record["d"]
            key = str(platform) if platform is not None else "(no platform)"
            for j, leaf in enumerate(leaves):
                for i in range(len(windows)):
                    kept = int(record[count_of[j, i]])
                    if not kept:
                        continue
                    agg = result.slot(leaf, i, group, day)
                    agg.kept += kept
                    agg.platform_counts[key] = agg.platform_counts.get(key, 0) + kept
                    if leaf.aggregate == "sum":
                        raw = record[f"s{j}_{i}"]
                        if raw is not None:
                            agg.sums[currency] = agg.sums.get(currency, 0) + raw
                            agg.platforms.setdefault(key, []).append((currency, raw))

    # ------------------------------------------------------------- currencies

    def convert(self, leaf: _Leaf, sums: Mapping[str | None, Any]) -> Decimal:
        """Add per-currency sums into the workspace currency.

        Raises:
            CurrencyError: A currency has no rate.
        """
        assert leaf.column is not None
        money = self._is_money(leaf.kind, leaf.column)
        total = Decimal(0)
        missing = []
        for currency, raw in sums.items():
            amount = _to_decimal(raw)
            if not money or currency is None or currency.upper() == self.ws.currency:
                total += amount
                continue
            rate = self.rates.rate(currency)
            if rate is None:
                missing.append(currency)
            else:
                total += amount * rate
        if missing:
            raise CurrencyError(f"{leaf.kind.value}.{leaf.column}", missing, self.ws.currency)
        return total


def _leaves_of(measure: Measure) -> list[_Leaf]:
    out = []
    node: Measure | None = measure
    while node is not None:
        out.append(_Leaf.of(node))
        node = node.minus
    return out


class _Aggregates:
    """Leaf aggregates by window, group and day, as :meth:`_Engine.aggregate` returns them."""

    def __init__(self, engine: _Engine, windows: Sequence[Window]) -> None:
        self.engine = engine
        self.windows = list(windows)
        self._slots: dict[tuple[_Leaf, int, str | None, dt.date | None], _Agg] = {}
        self._empty: set[_Leaf] = set()

    def mark_empty(self, leaf: _Leaf) -> None:
        self._empty.add(leaf)

    def slot(self, leaf: _Leaf, window: int, group: str | None, day: dt.date | None) -> _Agg:
        key = (leaf, window, group, day)
        if key not in self._slots:
            self._slots[key] = _Agg()
        return self._slots[key]

    def groups(self) -> list[str | None]:
        """Every group that has records, in first-seen order (``None``: unattributed)."""
        seen: dict[str | None, None] = {}
        for _, _, group, _ in self._slots:
            seen.setdefault(group, None)
        return list(seen)

    def days(self, leaf: _Leaf, window: int, group: str | None = None) -> dict[dt.date, Decimal]:
        """A leaf's value by local day (days without records are left out)."""
        out: dict[dt.date, Decimal] = {}
        for (lf, w, g, day), _ in self._slots.items():
            if lf == leaf and w == window and g == group and day is not None:
                value = self.leaf(leaf, window, group, day).value
                if value is not None:
                    out[day] = value
        return out

    def leaf(
        self,
        leaf: _Leaf,
        window: int,
        group: str | None = None,
        day: dt.date | None = None,
        *,
        all_days: bool = False,
    ) -> _LeafValue:
        """A leaf's value for a window and group (and day, when daily)."""
        kind = leaf.kind.value
        if leaf in self._empty:
            return _LeafValue(None, 0, {}, {}, reason=f"the dataset has no {kind} records")
        if all_days:
            parts = [
                a for (lf, w, g, _), a in self._slots.items() if (lf, w, g) == (leaf, window, group)
            ]
        else:
            found = self._slots.get((leaf, window, group, day))
            parts = [found] if found else []
        kept = sum(a.kept for a in parts)
        counts: dict[str, int] = {}
        for a in parts:
            for p, n in a.platform_counts.items():
                counts[p] = counts.get(p, 0) + n
        if leaf.aggregate == "count":
            return _LeafValue(
                Decimal(kept),
                kept,
                {p: Decimal(n) for p, n in sorted(counts.items())},
                {},
                note=None if kept else f"no {kind} records in this scope and period",
            )
        if not kept:
            return _LeafValue(
                Decimal(0), 0, {}, {}, note=f"no {kind} records in this scope and period"
            )
        sums: dict[str | None, Any] = {}
        platforms: dict[str, dict[str | None, Any]] = {}
        for a in parts:
            for cur, raw in a.sums.items():
                sums[cur] = sums.get(cur, 0) + raw
            for p, pairs in a.platforms.items():
                for cur, raw in pairs:
                    platforms.setdefault(p, {})[cur] = platforms.setdefault(p, {}).get(cur, 0) + raw
        if not sums:
            return _LeafValue(
                None,
                kept,
                {},
                {},
                reason=f"every {kind} record counted lacks {leaf.column}",
            )
        total = self.engine.convert(leaf, sums)
        by_platform = {p: self.engine.convert(leaf, s) for p, s in sorted(platforms.items())}
        ws_currency = self.engine.ws.currency
        by_currency = {
            (c or ws_currency): _to_decimal(v)
            for c, v in sums.items()
            if self.engine._is_money(leaf.kind, leaf.column or "")
        }
        return _LeafValue(total, kept, by_platform, by_currency)


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


def _parts_of(kpi: KPI) -> list[tuple[str, Measure]]:
    """The KPI's measures with their roles, ``minus`` chains unrolled (cached per KPI)."""
    found = _PARTS.get(id(kpi))
    if found is not None and found[0] is kpi:
        return found[1]
    roots: list[tuple[str, Measure | None]] = (
        [("measure", kpi.measure)]
        if kpi.measure is not None
        else [("numerator", kpi.numerator), ("denominator", kpi.denominator)]
    )
    out: list[tuple[str, Measure]] = []
    for role, m in roots:
        node, label = m, role
        while node is not None:
            out.append((label, node))
            node, label = node.minus, f"{role} minus"
    _PARTS[id(kpi)] = (kpi, out)
    return out


_PARTS: dict[int, tuple[KPI, list[tuple[str, Measure]]]] = {}


def _tree_value(
    measure: Measure, lookup: Mapping[_Leaf, _LeafValue]
) -> tuple[Decimal | None, str | None]:
    total = Decimal(0)
    node: Measure | None = measure
    first = True
    while node is not None:
        got = lookup[_Leaf.of(node)]
        if got.value is None:
            return None, f"{_Leaf.of(node).formula} is not computable: {got.reason}"
        total = total + got.value if first else total - got.value
        first = False
        node = node.minus
    return total, None


def _kpi_value(kpi: KPI, lookup: Mapping[_Leaf, _LeafValue]) -> tuple[Decimal | None, str | None]:
    if kpi.measure is not None:
        value, reason = _tree_value(kpi.measure, lookup)
        return (None, reason) if value is None else (value * kpi.scale, None)
    assert kpi.numerator is not None
    assert kpi.denominator is not None
    top, reason = _tree_value(kpi.numerator, lookup)
    if top is None:
        return None, reason
    bottom, reason = _tree_value(kpi.denominator, lookup)
    if bottom is None:
        return None, reason
    if bottom == 0:
        return None, f"the denominator {kpi.denominator} is 0"
    return top / bottom * kpi.scale, None


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


def _q(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(_SIX)


def _schema(fields: Sequence[tuple[str, pa.DataType]]) -> pa.Schema:
    """An Arrow schema from ``(name, type)`` pairs."""
    import pyarrow as pa

    return pa.schema([pa.field(name, kind) for name, kind in fields])


def _INPUT_SCHEMA() -> pa.Schema:  # noqa: N802
    import pyarrow as pa

    return _schema(
        [
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
    schema = _schema(
        [
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
        for v in self.values:
            if v.kpi == kpi and v.scope == scope:
                return v
        raise KeyError(f"no {kpi!r} for scope {scope!r}")

    def target(self, target_id: str) -> KPIValue:
        """The value evaluated for a target.

        Raises:
            KeyError: There is none.
        """
        for v in self.values:
            if v.target_id == target_id:
                return v
        raise KeyError(f"no value for target {target_id!r}")

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


def _find_target(workspace: Workspace, kpi: KPI, scope: Scope, window: Window) -> Target | None:
    for t in workspace.targets:
        if t.kpi != kpi.id or t.scope != scope:
            continue
        bounds = t.period.occurrence(window.start)
        if bounds == (window.start, window.end):
            return t
    return None


class _Run:
    """Computes jobs that share a dataset, grouping them by scope into few queries."""

    def __init__(self, engine: _Engine, as_of: dt.date | None) -> None:
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
        out: list[KPIValue] = []
        by_scope: dict[str, list[_Job]] = {}
        for job in jobs:
            by_scope.setdefault(job.scope.model_dump_json(), []).append(job)
        for scoped in by_scope.values():
            scope = scoped[0].scope
            windows: list[Window] = []
            plans = []
            for job in scoped:
                measured, previous, complete = self._windows(job)
                wanted = [w for w in (measured, previous, job.baseline_window) if w is not None]
                for w in wanted:
                    if w not in windows:
                        windows.append(w)
                plans.append((job, measured, previous, complete))
            measures = [m for job in scoped for _, m in _parts_of(job.kpi)]
            aggs = self.engine.aggregate(measures, windows, scope=scope, by=by)
            groups = self._groups(by, aggs.groups()) if by else [None]
            for group in groups:
                for job, measured, previous, complete in plans:
                    label = _group_scope(by, group) if by else _scope_label(scope)
                    out.append(
                        self._value(job, aggs, windows, group, label, measured, previous, complete)
                    )
        return out

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
        self, kpi: KPI, aggs: _Aggregates, index: int, group: str | None
    ) -> dict[_Leaf, _LeafValue]:
        return {_Leaf.of(m): aggs.leaf(_Leaf.of(m), index, group) for _, m in _parts_of(kpi)}

    def _value(
        self,
        job: _Job,
        aggs: _Aggregates,
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
            value, reason = _kpi_value(kpi, lookup)
            inputs = tuple(
                KPIInput(
                    role,
                    _Leaf.of(m).formula,
                    lookup[_Leaf.of(m)].value,
                    lookup[_Leaf.of(m)].records,
                    lookup[_Leaf.of(m)].by_platform,
                    lookup[_Leaf.of(m)].by_currency,
                    lookup[_Leaf.of(m)].reason,
                    lookup[_Leaf.of(m)].note,
                )
                for role, m in _parts_of(kpi)
            )
            if not complete and value is not None:
                factor = Decimal(job.window.days) / Decimal(measured.days)
                projected, _ = _kpi_value(kpi, {k: v.scaled(factor) for k, v in lookup.items()})
        prev_lookup = self._lookup(kpi, aggs, windows.index(previous), group)
        prev, prev_reason = _kpi_value(kpi, prev_lookup)
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
            baseline, _ = _kpi_value(kpi, base_lookup)
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
            measured to date and projected.
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
    the_kpi = _kpi(workspace, kpi)
    the_scope = _scope(workspace, scope)
    window = resolve_window(period, on=as_of or today_in(workspace.timezone))
    found = workspace.target(target) if isinstance(target, str) else target
    if found is None:
        found = _find_target(workspace, the_kpi, the_scope, window)
    base = resolve_window(baseline) if baseline is not None else None
    with _Engine(workspace, dataset, rates=rates, attribution=attribution) as engine:
        job = _Job(the_kpi, the_scope, window, found, base)
        return _Run(engine, as_of).compute([job])[0]


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
    the_scope = _scope(workspace, scope)
    window = resolve_window(period, on=as_of or today_in(workspace.timezone))
    chosen = [_kpi(workspace, k) for k in (kpis or list(workspace.kpi_catalogue.values()))]
    jobs = [
        _Job(k, the_scope, window, None if by else _find_target(workspace, k, the_scope, window))
        for k in chosen
    ]
    with _Engine(workspace, dataset, rates=rates, attribution=attribution) as engine:
        values = _Run(engine, as_of).compute(jobs, by=by)
    return KPITable(tuple(values), title=f"KPIs — {window.label}")


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
        as_of: The last day to count.
        rates: Exchange rates.
        attribution: ``original`` or ``latest`` lead source.

    Returns:
        One value per target occurrence, in the workspace's target order.
    """
    as_of = None if as_of is None else as_of_day(as_of, workspace.timezone)
    report = resolve_window(period, on=as_of or today_in(workspace.timezone))
    cutoff = as_of if as_of is not None else _default_as_of(report, workspace.timezone)
    jobs = [
        _Job(_kpi(workspace, t.kpi), _scope(workspace, t.scope), window, t)
        for t in workspace.targets
        for window in _occurrences(t, report)
    ]
    with _Engine(workspace, dataset, rates=rates, attribution=attribution) as engine:
        values = _Run(engine, cutoff).compute(jobs)
    rank = {t.id: i for i, t in enumerate(workspace.targets)}
    ranked = sorted(values, key=lambda v: (rank[v.target_id or ""], v.period.start))
    return KPITable(tuple(ranked), title=f"Targets — {report.label}")
