"""A month's organic search (SEO) figures: totals, hidden volume and top movers.

The report's SEO section renders :func:`seo_month`; it computes nothing itself. Every
figure comes from ``search_performance`` records rolled up by
:func:`partnerkit.search.rollup` (the one home of the rule: clicks and impressions
summed, CTR recomputed from them, position weighted by impressions), never an average
of rows' CTRs or positions. Results hold codes and values; the words are the report's.

* **Totals** are the property's (``level = 'property'`` rows, anonymised queries
  included). Without property rows they are the query rows' (``basis = 'query'``)
  and the hidden volume is not computable.
* **Hidden** is what the anonymised queries hide: the property's clicks and
  impressions minus the query rows'. Query rows can add up to more than the property
  (Search Console counts impressions per page when rows are split by page): the
  hidden amount is then not computable (``None``), never negative.
* **Movers** are the queries and pages whose clicks changed most (by the absolute
  change in clicks, largest first), and the queries whose average position changed
  most among those with at least :data:`MIN_IMPRESSIONS_FOR_POSITION` impressions in
  both months (a position seen a handful of times swings at random).

A day belongs to the month of its ``date`` (the property's day, Pacific Time).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from partnerkit.analysis._tables import schema_of, table_of
from partnerkit.analysis.change import (
    FigureChange,
    FiguresMonth,
    as_float,
    change_rows,
    figure_changes,
    month_and_before,
    window_rows,
)
from partnerkit.analysis.periods import Window
from partnerkit.model.kpis import contains_any
from partnerkit.records import RecordKind
from partnerkit.search import SearchTotals, rollup

if TYPE_CHECKING:
    import pyarrow as pa

    from partnerkit.analysis._data import Dataset

__all__ = [
    "FIGURES",
    "MIN_IMPRESSIONS_FOR_POSITION",
    "TOP_MOVERS",
    "TOP_TEN",
    "KeywordGroup",
    "SearchChange",
    "SearchMover",
    "SeoMonth",
    "group_totals",
    "in_group",
    "seo_month",
]

#: The figures of the month, in the order the report shows them.
FIGURES: tuple[str, ...] = ("clicks", "impressions", "ctr", "position")

#: A query needs at least this many impressions in the month AND in the month before
#: for its change of average position to count as a mover.
MIN_IMPRESSIONS_FOR_POSITION = 100

#: How many movers of each kind a month keeps.
TOP_MOVERS = 5

#: The last position of the first results page: a group "in the top ten" has an
#: impression-weighted average position of at most this.
TOP_TEN = 10.0

Dimension = Literal["query", "page"]

_PLACES = 6

#: The figures whose change is a difference: CTR in points, position in places.
_RATES = frozenset({"ctr", "position"})

_COLUMNS = ("date", "level", "query", "page", "clicks", "impressions", "position")


SearchChange = FigureChange
"""One figure of the month against the month before (:class:`FigureChange`): clicks and
impressions as a ratio; CTR in its own points; position in places (negative is better:
closer to the top)."""


@dataclass(frozen=True)
class SearchMover:
    """A query or a page whose clicks or position changed most.

    Attributes:
        dimension: ``query`` or ``page``.
        key: The query or the page's URL.
        measure: ``clicks`` (change in clicks) or ``position`` (change in average
            position, queries only).
        value: This month's clicks or position (``None``: none this month).
        previous: The month before's.
        change: ``value - previous`` (clicks: a count, ``None`` counts as 0;
            position: places, negative is better).
        totals: The query's or page's figures this month.
        previous_totals: Its figures the month before.
    """

    dimension: Dimension
    key: str
    measure: Literal["clicks", "position"]
    value: float | int | None
    previous: float | int | None
    change: float | int
    totals: SearchTotals
    previous_totals: SearchTotals


@dataclass(frozen=True)
class KeywordGroup:
    """A group of queries (the workspace's ``keyword_groups``) this month and the month before.

    Attributes:
        name: The group's name.
        terms: The words its queries contain (any of them, case-insensitive).
        totals: Its query rows this month (position weighted by impressions).
        previous: The same, the month before.
        position: Its average position against the month before (in places).
        clicks: Its clicks against the month before (a ratio).
        movement: ``left_top_ten`` (at most :data:`TOP_TEN` the month before, above it
            now), ``entered_top_ten`` (the other way), or ``None``.
    """

    name: str
    terms: tuple[str, ...]
    totals: SearchTotals
    previous: SearchTotals
    position: SearchChange
    clicks: SearchChange
    movement: Literal["left_top_ten", "entered_top_ten"] | None


@dataclass(frozen=True)
class SeoMonth(FiguresMonth):
    """The month's organic search figures.

    Attributes:
        month: The month, ``YYYY-MM``.
        basis: ``property`` (totals from the property's rows) or ``query`` (no
            property rows: totals from the query rows).
        total: The month's totals.
        previous: The month before's, on the same basis.
        changes: Every figure of :data:`FIGURES` against the month before.
        queries: The month's query rows taken together (anonymised queries left out).
        hidden_clicks: Property clicks minus query-row clicks (``None``: not computable).
        hidden_impressions: The same for impressions.
        hidden_clicks_share: ``hidden_clicks / total.clicks``.
        hidden_impressions_share: ``hidden_impressions / total.impressions``.
        movers: Top movers: queries by clicks, pages by clicks, queries by position,
            each largest change first (at most :data:`TOP_MOVERS` of each).
        reason: ``no_rows_for_month`` when the month has no search row; else ``None``.
        groups: The keyword groups asked for, in the order given.
    """

    month: str
    basis: Literal["property", "query"]
    total: SearchTotals
    previous: SearchTotals
    changes: tuple[SearchChange, ...]
    queries: SearchTotals
    hidden_clicks: int | None
    hidden_impressions: int | None
    hidden_clicks_share: float | None
    hidden_impressions_share: float | None
    movers: tuple[SearchMover, ...]
    reason: str | None = None
    groups: tuple[KeywordGroup, ...] = ()

    heading: ClassVar[str] = "Organic search"
    figure_kind: ClassVar[str] = "search"

    def movers_of(self, dimension: Dimension, measure: str) -> tuple[SearchMover, ...]:
        """The movers of one kind (``"query", "clicks"``...), largest change first."""
        return tuple(m for m in self.movers if m.dimension == dimension and m.measure == measure)

    def to_arrow(self) -> pa.Table:
        """One row per figure (``dimension`` ``property``), then one per mover."""
        import pyarrow as pa

        rows = change_rows(self.changes, dimension=self.basis, key=None)
        rows += [
            {
                "dimension": m.dimension,
                "key": m.key,
                "code": m.measure,
                "value": as_float(m.value),
                "previous": as_float(m.previous),
                "change": float(m.change),
            }
            for m in self.movers
        ]
        text, number = pa.string(), pa.float64()
        schema = schema_of(
            ("dimension", text),
            ("key", text),
            ("code", text),
            ("value", number),
            ("previous", number),
            ("change", number),
        )
        return table_of(rows, schema)


def seo_month(
    dataset: Dataset,
    month: str | dt.date,
    *,
    properties: Sequence[str] = (),
    top: int = TOP_MOVERS,
    min_impressions: int = MIN_IMPRESSIONS_FOR_POSITION,
    groups: Mapping[str, Sequence[str]] | None = None,
) -> SeoMonth:
    """The month's organic search totals, hidden volume and top movers, vs the month before.

    Args:
        dataset: The records (``search_performance``).
        month: The month, ``"YYYY-MM"`` or any day in it.
        properties: Only these Search Console properties (``account_id``; all by default).
        top: How many movers of each kind to keep.
        min_impressions: The impressions a query needs in both months for its position
            change to count (:data:`MIN_IMPRESSIONS_FOR_POSITION`).
        groups: Keyword groups to follow: name → the words their queries contain.

    Returns:
        The month's figures; with no search row in the month, ``reason`` says so.
    """
    window, this, before = month_and_before(
        dataset, RecordKind.SEARCH_PERFORMANCE, _COLUMNS, month, properties, by="account_id"
    )
    this_q = [r for r in this if r["level"] == "query"]
    before_q = [r for r in before if r["level"] == "query"]
    this_p = [r for r in this if r["level"] == "property"]
    before_p = [r for r in before if r["level"] == "property"]
    basis: Literal["property", "query"] = "property" if this_p else "query"
    total = rollup(this_p) if this_p else rollup(this_q)
    previous = rollup(before_p) if before_p else rollup(before_q)
    queries = rollup(this_q)
    hidden_clicks = _hidden(total.clicks, queries.clicks) if this_p else None
    hidden_impr = _hidden(total.impressions, queries.impressions) if this_p else None
    movers = (
        *_clicks_movers("query", this_q, before_q, top),
        *_clicks_movers("page", this_q, before_q, top),
        *_position_movers(this_q, before_q, top, min_impressions),
    )
    return SeoMonth(
        month=f"{window.start:%Y-%m}",
        basis=basis,
        total=total,
        previous=previous,
        changes=figure_changes(FIGURES, _value, total, previous, rates=_RATES),
        queries=queries,
        hidden_clicks=hidden_clicks,
        hidden_impressions=hidden_impr,
        hidden_clicks_share=_share(hidden_clicks, total.clicks),
        hidden_impressions_share=_share(hidden_impr, total.impressions),
        movers=movers,
        reason=None if this else "no_rows_for_month",
        groups=tuple(
            _group(name, tuple(terms), this_q, before_q) for name, terms in (groups or {}).items()
        ),
    )


def _group(
    name: str,
    terms: tuple[str, ...],
    this: Sequence[Mapping[str, Any]],
    before: Sequence[Mapping[str, Any]],
) -> KeywordGroup:
    now = rollup(r for r in this if in_group(r.get("query"), terms))
    then = rollup(r for r in before if in_group(r.get("query"), terms))
    movement: Literal["left_top_ten", "entered_top_ten"] | None = None
    if now.position is not None and then.position is not None:
        if then.position <= TOP_TEN < now.position:
            movement = "left_top_ten"
        elif now.position <= TOP_TEN < then.position:
            movement = "entered_top_ten"
    position, clicks = figure_changes(("position", "clicks"), _value, now, then, rates=_RATES)
    return KeywordGroup(
        name=name,
        terms=terms,
        totals=now,
        previous=then,
        position=position,
        clicks=clicks,
        movement=movement,
    )


def group_totals(
    dataset: Dataset,
    start: dt.date,
    end: dt.date,
    *,
    terms: Sequence[str] = (),
    exclude: Sequence[str] = (),
    properties: Sequence[str] = (),
) -> SearchTotals:
    """The query rows of some days taken together, optionally for a group of queries.

    A query belongs to the group when it contains one of ``terms`` (case-insensitive;
    all queries without ``terms``) and none of ``exclude`` (e.g. brand terms, for
    non-brand organic clicks). Only query rows can be grouped: the property's rows
    have no query.

    Args:
        dataset: The records (``search_performance``).
        start: The first day.
        end: The last day (included).
        terms: Words of the group's queries.
        exclude: Words that take a query out of the group.
        properties: Only these properties (all by default).

    Returns:
        The group's clicks, impressions, CTR and impression-weighted position.
    """
    rows = window_rows(
        dataset,
        RecordKind.SEARCH_PERFORMANCE,
        _COLUMNS,
        Window(start, end),
        properties,
        by="account_id",
    )
    return rollup(
        r for r in rows if r["level"] == "query" and in_group(r.get("query"), terms, exclude)
    )


def in_group(query: str | None, terms: Iterable[str], exclude: Iterable[str] = ()) -> bool:
    """Whether a query contains one of ``terms`` (any, when none) and none of ``exclude``.

    Containment is a KPI condition's ``contains``
    (:func:`~partnerkit.model.kpis.contains_any`), so a keyword group's figures here
    and a KPI that names the group read the same queries.
    """
    wanted = list(terms)
    if wanted and not contains_any(query or "", wanted):
        return False
    return not contains_any(query or "", exclude)


def _hidden(whole: int | None, part: int | None) -> int | None:
    if whole is None or part is None or part > whole:
        return None
    return whole - part


def _share(part: int | None, whole: int | None) -> float | None:
    return round(part / whole, _PLACES) if part is not None and whole else None


def _value(totals: SearchTotals, code: str) -> float | int | None:
    value: float | int | None = getattr(totals, code)
    return value


def _by(dimension: str, rows: Iterable[Mapping[str, Any]]) -> dict[str, SearchTotals]:
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        key = row.get(dimension)
        if key is not None:
            groups.setdefault(str(key), []).append(row)
    return {key: rollup(group) for key, group in groups.items()}


_NONE = SearchTotals(None, None, None, None, 0)


def _clicks_movers(
    dimension: Dimension,
    this: Sequence[Mapping[str, Any]],
    before: Sequence[Mapping[str, Any]],
    top: int,
) -> list[SearchMover]:
    now, then = _by(dimension, this), _by(dimension, before)
    found = []
    for key in now.keys() | then.keys():
        a, b = now.get(key, _NONE), then.get(key, _NONE)
        change = (a.clicks or 0) - (b.clicks or 0)
        if change:
            found.append(SearchMover(dimension, key, "clicks", a.clicks, b.clicks, change, a, b))
    found.sort(key=lambda m: (-abs(m.change), m.key))
    return found[:top]


def _position_movers(
    this: Sequence[Mapping[str, Any]],
    before: Sequence[Mapping[str, Any]],
    top: int,
    min_impressions: int,
) -> list[SearchMover]:
    now, then = _by("query", this), _by("query", before)
    found = []
    for key in now.keys() & then.keys():
        a, b = now[key], then[key]
        if (a.impressions or 0) < min_impressions or (b.impressions or 0) < min_impressions:
            continue
        if a.position is None or b.position is None:
            continue
        change = round(a.position - b.position, _PLACES)
        if change:
            found.append(
                SearchMover("query", key, "position", a.position, b.position, change, a, b)
            )
    found.sort(key=lambda m: (-abs(m.change), m.key))
    return found[:top]
