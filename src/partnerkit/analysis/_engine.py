"""The aggregation engine the KPI analyses share (internal).

:class:`Engine` compiles the model's measures to DuckDB SQL and aggregates them over a
:class:`~partnerkit.analysis.Dataset` for windows, a scope and optional groups; the
KPIs, pacing, funnel and budget analyses build on it through these public names only.
See :mod:`partnerkit.analysis.kpis` for the rules every number follows.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from partnerkit._closing import Closing
from partnerkit.analysis._data import VIEWS, Dataset
from partnerkit.analysis._grain import summable_rows
from partnerkit.analysis._sql import ident as _ident
from partnerkit.analysis._sql import literal as _literal
from partnerkit.analysis._sql import timestamp_literal
from partnerkit.analysis.attribution import (
    Attribution,
    AttributionJoins,
    AttributionMode,
    GroupBy,
    attribution_of,
)
from partnerkit.analysis.dedup import people_table
from partnerkit.analysis.periods import (
    Window,
    local_day_sql,
    utc_bounds,
    window_sql,
)
from partnerkit.errors import ConfigurationError, CurrencyError, NonAdditiveError
from partnerkit.model import (
    KPI,
    Condition,
    Measure,
    Scope,
    Target,
    Workspace,
)
from partnerkit.model.kpis import aggregate_text, lower_text, to_decimal
from partnerkit.records import Additivity, RecordKind, columns
from partnerkit.search import weighted_mean

if TYPE_CHECKING:
    import pyarrow as pa


__all__ = [
    "Aggregates",
    "Engine",
    "ExchangeRates",
    "Leaf",
    "LeafValue",
    "RatesLike",
    "ScopeLike",
    "condition_sql",
    "conditions_sql",
    "find_target",
    "is_timestamp",
    "kpi_value",
    "leaves_of",
    "parts_of",
    "resolve_kpi",
    "resolve_scope",
    "to_decimal",
]

ScopeLike = Scope | str | Mapping[str, str] | None
"""A scope: a model :class:`~partnerkit.model.Scope`, ``"all"``, or ``{source: id}``."""


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

#: How a two-step pass groups its rows and tells its windows (see ``Engine._two_steps``):
#: the inner step's columns, and each (leaf, window)'s filter with the key of its count.
_Steps = tuple[list[str], "Callable[[Leaf, int], tuple[str, str]]"]


# =================================================================== catalogue


def resolve_kpi(workspace: Workspace, kpi: str | KPI) -> KPI:
    if isinstance(kpi, KPI):
        return kpi
    return workspace.kpi(kpi)  # the model's catalogue; raises listing the valid ids


def resolve_scope(workspace: Workspace, scope: ScopeLike) -> Scope:
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
    if op in ("contains", "not_contains"):
        return _contains_sql(col, condition.words, category, negate=op == "not_contains")
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


def _contains_sql(col: str, words: Any, category: str, *, negate: bool) -> str:
    """``contains`` / ``not contains``: text holding any of the words, case-insensitively.

    A missing value or a column that is not text contains nothing (so it is always
    ``not contains``), as :meth:`Condition.test` has it.
    """
    if category != "string":
        return "TRUE" if negate else "FALSE"
    tests = " OR ".join(f"contains(lower({col}), {_literal(lower_text(str(w)))})" for w in words)
    found = f"coalesce({tests}, FALSE)"
    return f"(NOT {found})" if negate else found


def conditions_sql(conditions: Iterable[Condition], schema: pa.Schema, alias: str = "v") -> str:
    """All conditions together (``TRUE`` when there are none)."""
    parts = [condition_sql(c, schema, alias) for c in conditions]
    return " AND ".join(parts) if parts else "TRUE"


def is_timestamp(schema: pa.Schema, column: str) -> bool:
    import pyarrow as pa

    return column in schema.names and pa.types.is_timestamp(schema.field(column).type)


# ===================================================================== engine


@dataclass(frozen=True, eq=False)
class Leaf:
    """One aggregate of a measure tree (its ``minus`` handled by the caller).

    Compared and hashed by its formula text, which says everything it computes.
    """

    kind: RecordKind
    aggregate: Literal["sum", "count", "mean"]
    column: str | None
    where: tuple[Condition, ...]
    date_column: str
    formula: str = ""
    distinct: Literal["person"] | None = None
    weight: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "formula", aggregate_text(self))
        typed = tuple((c.column, c.op, repr(c.value)) for c in self.where)  # 5 is not "5"
        object.__setattr__(self, "_key", (self.formula, self.date_column, typed))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Leaf) and self._key == other._key  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(self._key)  # type: ignore[attr-defined]

    @classmethod
    def of(cls, measure: Measure) -> Leaf:
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
                weight=measure.weight,
            )
            found = _LEAVES[id(measure)] = (measure, leaf)
        return found[1]


# Leaves by measure identity; each entry keeps its measure alive so ids stay unique.
_LEAVES: dict[int, tuple[Measure, Leaf]] = {}


@dataclass
class Agg:
    """What a leaf came to over one window and group."""

    kept: int = 0
    # currency -> raw sum; a mean's: platform -> Σ value × weight
    sums: dict[str | None, Any] = field(default_factory=dict)
    platforms: dict[str, list[Any]] = field(default_factory=dict)  # platform -> [(cur, sum)]
    platform_counts: dict[str, int] = field(default_factory=dict)
    weights: dict[str, Any] = field(default_factory=dict)  # a mean's Σ weight by platform


@dataclass(frozen=True)
class LeafValue:
    """A leaf's value in the workspace currency, with where it came from.

    Attributes:
        value: The value (``None`` when not computable).
        records: Records counted.
        by_platform: The part of the value from each platform.
        by_currency: Money summed in each original currency (before conversion).
        reason: Why the value is ``None``.
        note: A remark for the reader (e.g. no records in scope).
        averaged: The value is a weighted mean (average position), which a longer
            period does not multiply.
    """

    value: Decimal | None
    records: int
    by_platform: Mapping[str, Decimal]
    by_currency: Mapping[str, Decimal]
    reason: str | None = None
    note: str | None = None
    averaged: bool = False

    def scaled(self, factor: Decimal) -> LeafValue:
        """The value times ``factor`` (for projections); a mean stays as it is."""
        if self.value is None or self.averaged:
            return self
        return replace(self, value=self.value * factor)


class Engine(Closing):
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
        self._kept = contextlib.ExitStack()
        self._passes: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = {}

    def close(self) -> None:
        """Drop the attribution tables registered on the cursor.

        And the people table, unless the dataset keeps it
        (:func:`~partnerkit.analysis.dedup.people_table`).
        """
        self.joins.close()
        self._people = None
        self._kept.close()

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

    def _check_additive(self, leaf: Leaf) -> None:
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

    def _sum_expr(self, leaf: Leaf) -> str:
        assert leaf.column is not None
        if leaf.column not in self.data.schema(leaf.kind).names:
            return "CAST(NULL AS DOUBLE)"
        return f"v.{_ident(leaf.column)}"

    def _mean_sql(self, leaf: Leaf, keep: str, suffix: str) -> list[str]:
        """A mean's two sums: ``Σ value × weight`` and ``Σ weight``, over rows with a value.

        The weight and the final division are the rule's (:data:`Measure.weight`,
        :func:`partnerkit.search.weighted_mean`): a row without a weight adds nothing.
        """
        assert leaf.column is not None
        assert leaf.weight is not None
        names = self.data.schema(leaf.kind).names
        if leaf.column not in names or leaf.weight not in names:
            return [f"CAST(NULL AS DOUBLE) AS s{suffix}", f"CAST(NULL AS DOUBLE) AS w{suffix}"]
        value, weight = f"v.{_ident(leaf.column)}", f"v.{_ident(leaf.weight)}"
        rows = f"{keep} AND {value} IS NOT NULL AND {weight} IS NOT NULL"
        return [
            f"sum(CAST({value} AS DOUBLE) * {weight}) FILTER (WHERE {rows}) AS s{suffix}",
            f"sum({weight}) FILTER (WHERE {rows}) AS w{suffix}",
        ]

    # ------------------------------------------------------------ aggregating

    def aggregate(
        self,
        measures: Iterable[Measure | Leaf],
        windows: Sequence[Window],
        *,
        scope: Scope | None = None,
        by: GroupBy | None = None,
        daily: bool = False,
    ) -> Aggregates:
        """Aggregate measures (their leaves) for each window.

        Args:
            measures: Measures (a ``minus`` chain is split into its leaves).
            windows: The windows, in the workspace's calendar.
            scope: Records to keep (all by default).
            by: Group by source, channel or campaign (``None``: one group).
            daily: Also group by local day of each leaf's date column.

        Returns:
            The aggregates, looked up with :meth:`Aggregates.get`.
        """
        scope = scope or Scope()
        leaves: list[Leaf] = []
        for m in measures:
            for leaf in leaves_of(m) if isinstance(m, Measure) else [m]:
                if leaf not in leaves:
                    leaves.append(leaf)
        result = Aggregates(self, windows)
        groups: dict[tuple[RecordKind, str | None], list[Leaf]] = {}
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
            self._people = self._kept.enter_context(people_table(self.ws, self.data))
        return self._people

    def _run_people(
        self,
        leaf: Leaf,
        windows: Sequence[Window],
        scope: Scope,
        by: GroupBy | None,
        daily: bool,
        result: Aggregates,
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
        ts = is_timestamp(schema, leaf.date_column)
        column = "v." + _ident(leaf.date_column)
        day = local_day_sql(column, self.tz, timestamp=ts) if daily else "CAST(NULL AS DATE)"
        preds = conditions_sql(leaf.where, schema)
        join = j.join(kind) if by is not None or scope.kind != "all" else ""
        where = f"WHERE v.is_deleted IS NOT true AND {preds} AND {in_scope}"
        spans = [window_sql(column, w, self.tz, timestamp=ts) for w in windows]
        # A lead the people table lacks is a person of its own (person is null): those
        # are counted row by row, the others once per person. Each person once per group
        # is a hash aggregate, which spills; DuckDB plans several filtered DISTINCT counts
        # by group as a materialised join that cannot.
        matched = f"lead v JOIN {people} p ON p.record_id = v.record_id {join} {where}"
        alone = f"lead v ANTI JOIN {people} p ON p.record_id = v.record_id {join} {where}"
        if not daily:  # one pass for every window
            flags = ", ".join(f"bool_or({span}) AS w{i}" for i, span in enumerate(spans))
            own = ", ".join(f"{span} AS w{i}" for i, span in enumerate(spans))
            counts = ", ".join(f"count(*) FILTER (WHERE w{i}) AS n{i}" for i in range(len(spans)))
            anywhen = " OR ".join(spans)
            query = (
                f"SELECT g, {counts} FROM ("
                f"  SELECT {group} AS g, p.person, {flags} FROM {matched} AND ({anywhen}) "
                f"  GROUP BY ALL"
                f"  UNION ALL SELECT {group} AS g, NULL, {own} FROM {alone} AND ({anywhen})"
                f") GROUP BY g"
            )
            for g, *ns in self.con.execute(query).fetchall():
                for i, n in enumerate(ns):
                    if n:
                        result.slot(leaf, i, g, None).kept += int(n)
            return
        for i, span in enumerate(spans):
            query = (
                f"SELECT g, d, count(*) FROM ("
                f"  SELECT {group} AS g, p.person, min({day}) AS d FROM {matched} AND {span} "
                f"  GROUP BY ALL"
                f"  UNION ALL SELECT {group} AS g, NULL, {day} FROM {alone} AND {span}"
                f") GROUP BY g, d"
            )
            for g, d, n in self.con.execute(query).fetchall():
                result.slot(leaf, i, g, d).kept += int(n)

    def _run(
        self,
        kind: RecordKind,
        leaves: list[Leaf],
        windows: Sequence[Window],
        scope: Scope,
        by: GroupBy | None,
        daily: bool,
        result: Aggregates,
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
            ts = is_timestamp(schema, date_column)
            day = local_day_sql("v." + _ident(date_column), self.tz, timestamp=ts)
            select.append(f"{day} AS d")
        else:
            select.append("NULL AS d")
        in_any: list[str] = []
        counts: dict[str, str] = {}  # one count(*) per distinct filter, shared by leaves
        count_of: dict[tuple[int, int], str] = {}
        for j, leaf in enumerate(leaves):
            ts = is_timestamp(schema, leaf.date_column)
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
                elif leaf.aggregate == "mean":
                    select += self._mean_sql(leaf, keep, f"{j}_{i}")
        where = " OR ".join(in_any) or "TRUE"
        with_sql, join = "", ""
        if kind is RecordKind.DEAL and keys:
            with_sql, join = attr.deal_pick(where)
        # Performance rows of every grain overlap: only the ones that add up are summed.
        rows = summable_rows(self.data) if kind is RecordKind.PERFORMANCE else f'"{VIEWS[kind]}"'
        query = (
            f"{with_sql} SELECT {', '.join(select)} FROM {rows} v {join} WHERE {where} GROUP BY ALL"
        )
        n_keys = len(keys)
        groups, steps = select[: n_keys + 4], None
        if not with_sql and _rolls_up(schema, leaves, windows):
            steps = self._by_day(leaves, windows, groups)
        elif not with_sql and not daily and _rolls_up_instants(schema, leaves, windows):
            steps = self._by_instant(leaves, windows, groups)
        if steps is not None:
            query, count_of = self._two_steps(leaves, groups, rows, where, *steps, len(windows))
        names, fetched = self._fetch(query)
        for row in fetched:
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
                    elif leaf.aggregate == "mean":
                        weighted, weight = record[f"s{j}_{i}"], record[f"w{j}_{i}"]
                        if weight:
                            agg.sums[key] = agg.sums.get(key, 0) + weighted
                            agg.weights[key] = agg.weights.get(key, 0) + weight

    def _fetch(self, query: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        """A pass's column names and rows; the same query twice on one engine runs once.

        Only over a dataset whose records cannot change (two breakdowns of one month's
        budget group by the same keys: their SQL is the same). The rows are a few
        hundred groups at most.
        """
        if not self.data.frozen:
            relation = self.con.sql(query)
            return relation.columns, relation.fetchall()
        found = self._passes.get(query)
        if found is None:
            relation = self.con.sql(query)
            found = self._passes[query] = (relation.columns, relation.fetchall())
        return found

    def _by_day(self, leaves: list[Leaf], windows: Sequence[Window], groups: list[str]) -> _Steps:
        """The query of :meth:`_run` in two steps: by day first, then by window.

        For leaves dated by one ``DATE`` column (performance rows), many windows: the
        rows are summed once per group and day (a count and a sum per distinct filter
        and leaf), and only those day totals — a few per group and day — are summed
        into each window. The same columns as the one-step query (``k…``, ``ch``,
        ``p``, ``c``, ``d``, the counts and ``s{leaf}_{window}``) and the same sums.

        Returns:
            The steps for :meth:`_two_steps`: the groups and the day; each window's filter.
        """
        day_column = "v." + _ident(leaves[0].date_column)
        in_window = [window_sql("v._day", w, self.tz, timestamp=False) for w in windows]
        return [*groups, f"{day_column} AS _day"], lambda leaf, i: ("", in_window[i])

    def _by_instant(
        self, leaves: list[Leaf], windows: Sequence[Window], groups: list[str]
    ) -> _Steps:
        """The query of :meth:`_run` in two steps for leaves dated by timestamps (leads).

        A window of timestamps is the instants from its first local midnight up to
        the one after its last day (:func:`~partnerkit.analysis.periods.utc_bounds`),
        so every window is a run of the intervals between those instants. Each row's
        interval of each date column — how many of the instants it is at or after — is
        worked out once, the rows are counted and summed once per group and intervals,
        and only those totals are summed into each window: the same columns and sums
        as the one-step query, which tests every row against every window.

        Returns:
            The steps for :meth:`_two_steps`: the groups and each date column's interval;
            each window's filter, keyed by the interval column it reads.
        """
        bounds = [utc_bounds(w, self.tz) for w in windows]
        instants = sorted({moment for pair in bounds for moment in pair})
        rank = {moment: i + 1 for i, moment in enumerate(instants)}
        bucket: dict[str, str] = {}  # date column -> its interval column
        inner = list(groups)
        for leaf in leaves:
            column = leaf.date_column
            if column not in bucket:
                bucket[column] = f"b{len(bucket)}"
                col = "v." + _ident(column)
                at_or_after = " + ".join(
                    f"CAST({col} >= {timestamp_literal(m)} AS INTEGER)" for m in instants
                )
                inner.append(
                    f"CASE WHEN {col} IS NULL THEN NULL ELSE {at_or_after} END AS {bucket[column]}"
                )

        def in_window(leaf: Leaf, i: int) -> tuple[str, str]:
            b, (first, after) = bucket[leaf.date_column], bounds[i]
            return b, f"v.{b} >= {rank[first]} AND v.{b} < {rank[after]}"

        return inner, in_window

    def _two_steps(
        self,
        leaves: list[Leaf],
        groups: list[str],
        rows: str,
        where: str,
        inner: list[str],
        in_window: Callable[[Leaf, int], tuple[str, str]],
        n_windows: int,
    ) -> tuple[str, dict[tuple[int, int], str]]:
        """The two-step query of :meth:`_by_day` and :meth:`_by_instant`.

        The inner step groups the rows by ``inner`` (the groups and the columns a window
        is told by) with a count per distinct filter and a sum per summed leaf; the
        outer step sums those totals into each window. ``in_window(leaf, i)`` gives the
        leaf's filter for window ``i`` over the inner rows, with a key: leaves with the
        same filter and key share one count column per window.

        Returns:
            The query and the count column of each (leaf, window).
        """
        schema = self.data.schema(leaves[0].kind)
        counts: dict[str, str] = {}  # one count per distinct condition
        for j, leaf in enumerate(leaves):
            preds = conditions_sql(leaf.where, schema)
            keep = "" if preds == "TRUE" else f" FILTER (WHERE {preds})"
            if preds not in counts:
                counts[preds] = f"m{len(counts)}"
                inner.append(f"count(*){keep} AS {counts[preds]}")
            if leaf.aggregate == "sum":
                inner.append(f"sum({self._sum_expr(leaf)}){keep} AS t{j}")
        outer = [f"v.{name.rsplit(' AS ', 1)[1]}" for name in groups]
        count_of: dict[tuple[int, int], str] = {}
        window_counts: dict[tuple[str, str, int], str] = {}
        for j, leaf in enumerate(leaves):
            preds = conditions_sql(leaf.where, schema)
            for i in range(n_windows):
                key_part, condition = in_window(leaf, i)
                key = (counts[preds], key_part, i)
                if key not in window_counts:
                    window_counts[key] = f"n{len(window_counts)}"
                    outer.append(
                        f"coalesce(sum(v.{counts[preds]}) FILTER (WHERE {condition}), 0) "
                        f"AS {window_counts[key]}"
                    )
                count_of[j, i] = window_counts[key]
                if leaf.aggregate == "sum":
                    outer.append(f"sum(v.t{j}) FILTER (WHERE {condition}) AS s{j}_{i}")
        query = (
            f"SELECT {', '.join(outer)} FROM ("
            f"SELECT {', '.join(inner)} FROM {rows} v WHERE {where} GROUP BY ALL"
            f") v GROUP BY ALL"
        )
        return query, count_of

    # ------------------------------------------------------------- currencies

    def convert(self, leaf: Leaf, sums: Mapping[str | None, Any]) -> Decimal:
        """Add per-currency sums into the workspace currency.

        Raises:
            CurrencyError: A currency has no rate.
        """
        assert leaf.column is not None
        money = self._is_money(leaf.kind, leaf.column)
        total = Decimal(0)
        missing = []
        for currency, raw in sums.items():
            amount = to_decimal(raw)
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


def _rolls_up(schema: pa.Schema, leaves: Sequence[Leaf], windows: Sequence[Window]) -> bool:
    """Whether :meth:`Engine._run` sums by day before it sums by window.

    When every leaf is a sum or a count dated by the same ``DATE`` column and there are
    several windows: each row is then summed once instead of once per window. (Any
    other aggregate keeps the one-step query.)
    """
    if len(windows) < 2 or not leaves:
        return False
    if any(leaf.aggregate not in ("sum", "count") for leaf in leaves):
        return False
    column = leaves[0].date_column
    return (
        all(leaf.date_column == column for leaf in leaves)
        and column in schema.names
        and not is_timestamp(schema, column)
    )


def _rolls_up_instants(
    schema: pa.Schema, leaves: Sequence[Leaf], windows: Sequence[Window]
) -> bool:
    """Whether :meth:`Engine._run` sums by intervals of instants before it sums by window.

    When every leaf is a sum or a count dated by a timestamp column (each leaf its own)
    and there are several windows.
    """
    if len(windows) < 2 or not leaves:
        return False
    if any(leaf.aggregate not in ("sum", "count") for leaf in leaves):
        return False
    return all(
        leaf.date_column in schema.names and is_timestamp(schema, leaf.date_column)
        for leaf in leaves
    )


def leaves_of(measure: Measure) -> list[Leaf]:
    out = []
    node: Measure | None = measure
    while node is not None:
        out.append(Leaf.of(node))
        node = node.minus
    return out


class Aggregates:
    """Leaf aggregates by window, group and day, as :meth:`Engine.aggregate` returns them."""

    def __init__(self, engine: Engine, windows: Sequence[Window]) -> None:
        self.engine = engine
        self.windows = list(windows)
        self._slots: dict[tuple[Leaf, int, str | None, dt.date | None], Agg] = {}
        self._empty: set[Leaf] = set()

    def mark_empty(self, leaf: Leaf) -> None:
        self._empty.add(leaf)

    def slot(self, leaf: Leaf, window: int, group: str | None, day: dt.date | None) -> Agg:
        key = (leaf, window, group, day)
        if key not in self._slots:
            self._slots[key] = Agg()
        return self._slots[key]

    def groups(
        self, windows: Collection[int] | None = None, leaves: Collection[Leaf] | None = None
    ) -> list[str | None]:
        """Every group that has records, in first-seen order (``None``: unattributed).

        Args:
            windows: Only these windows' records (their indexes); all by default.
            leaves: Only these leaves' records; all by default.
        """
        seen: dict[str | None, None] = {}
        for leaf, window, group, _ in self._slots:
            if windows is not None and window not in windows:
                continue
            if leaves is not None and leaf not in leaves:
                continue
            seen.setdefault(group, None)
        return list(seen)

    def days(self, leaf: Leaf, window: int, group: str | None = None) -> dict[dt.date, Decimal]:
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
        leaf: Leaf,
        window: int,
        group: str | None = None,
        day: dt.date | None = None,
        *,
        all_days: bool = False,
    ) -> LeafValue:
        """A leaf's value for a window and group (and day, when daily)."""
        kind = leaf.kind.value
        if leaf in self._empty:
            return LeafValue(None, 0, {}, {}, reason=f"the dataset has no {kind} records")
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
        if leaf.aggregate == "mean":
            return self._mean(leaf, parts, kept)
        if leaf.aggregate == "count":
            return LeafValue(
                Decimal(kept),
                kept,
                {p: Decimal(n) for p, n in sorted(counts.items())},
                {},
                note=None if kept else f"no {kind} records in this scope and period",
            )
        if not kept:
            return LeafValue(
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
            return LeafValue(
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
            (c or ws_currency): to_decimal(v)
            for c, v in sums.items()
            if self.engine._is_money(leaf.kind, leaf.column or "")
        }
        return LeafValue(total, kept, by_platform, by_currency)

    def _mean(self, leaf: Leaf, parts: Sequence[Agg], kept: int) -> LeafValue:
        """A weighted mean over the parts: each platform's, and all of them together."""
        kind = leaf.kind.value
        weighted: dict[str, Any] = {}
        weights: dict[str, Any] = {}
        for a in parts:
            for p, w in a.weights.items():
                weighted[p] = weighted.get(p, 0) + a.sums[p]
                weights[p] = weights.get(p, 0) + w
        mean = weighted_mean(sum(weighted.values()), sum(weights.values()))
        if mean is None:
            why = f"no {kind} record counted has {leaf.weight}"
            note = None if kept else f"no {kind} records in this scope and period"
            return LeafValue(None, kept, {}, {}, reason=why, note=note, averaged=True)
        by_platform = {
            p: to_decimal(m)
            for p in sorted(weights)
            if (m := weighted_mean(weighted[p], weights[p])) is not None
        }
        return LeafValue(to_decimal(mean), kept, by_platform, {}, averaged=True)


def parts_of(kpi: KPI) -> list[tuple[str, Measure]]:
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


def tree_value(
    measure: Measure, lookup: Mapping[Leaf, LeafValue]
) -> tuple[Decimal | None, str | None]:
    total = Decimal(0)
    node: Measure | None = measure
    first = True
    while node is not None:
        got = lookup[Leaf.of(node)]
        if got.value is None:
            return None, f"{Leaf.of(node).formula} is not computable: {got.reason}"
        total = total + got.value if first else total - got.value
        first = False
        node = node.minus
    return total, None


def kpi_value(kpi: KPI, lookup: Mapping[Leaf, LeafValue]) -> tuple[Decimal | None, str | None]:
    if kpi.measure is not None:
        value, reason = tree_value(kpi.measure, lookup)
        return (None, reason) if value is None else (value * kpi.scale, None)
    assert kpi.numerator is not None
    assert kpi.denominator is not None
    top, reason = tree_value(kpi.numerator, lookup)
    if top is None:
        return None, reason
    bottom, reason = tree_value(kpi.denominator, lookup)
    if bottom is None:
        return None, reason
    if bottom == 0:
        return None, f"the denominator {kpi.denominator} is 0"
    return top / bottom * kpi.scale, None


def find_target(workspace: Workspace, kpi: KPI, scope: Scope, window: Window) -> Target | None:
    for t in workspace.targets:
        if t.kpi != kpi.id or t.scope != scope:
            continue
        bounds = t.period.occurrence(window.start)
        if bounds == (window.start, window.end):
            return t
    return None
