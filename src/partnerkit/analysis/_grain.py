"""The performance rows that add up: one grain per platform account and day (internal).

A ``performance`` view holds rows of several grains about the same spend: an account's
campaign rows and its ad rows, a report stream's keyword, search-term, geography or
device rows, a conversion action's rows, a GA4 custom report's segmented rows, Meta's
breakdown rows (``age=25-34|gender=female``). Each grain adds up to the same month, so
summing the view counts spend and clicks once per grain synced.

:func:`summable_performance` is the one rule, and :func:`summable_rows` the way every
analysis that sums performance reads it (KPIs, pacing, budget, the audit, the split
analyses' totals):

* only the **standard grain**: ``segment`` is null (a split row has a segment) and
  ``level`` is a standard level (:data:`STANDARD_LEVELS`) or null (a file that names
  no grain);
* for each ``platform``, ``account_id`` and ``date``, only the rows of **one** level:
  the first present in :data:`STANDARD_LEVELS` — campaign rows, else ad-group rows,
  else ad rows, else account rows, else analytics (``traffic``) rows, else rows with
  no level. Campaign rows come first because every campaign has them (a Performance
  Max campaign has no ad rows); ad rows are used on the days an account has no
  campaign rows.

A dataset whose accounts each have rows of one standard grain only (the usual case:
one level synced, no report stream) reads the view as it is: :func:`overlaps` tells,
once per frozen dataset, and the rule's join is skipped.

The split rows stay in the view for the analyses that ask about a split (search
terms, conversion actions, audiences and placements: :mod:`partnerkit.analysis.grain`).
They read them through :func:`split_performance`, the same rule for a split: the rows
whose segment names the split, of one level and one set of segment names per platform
account and day (an account synced by age alone and by age and gender counts each
age once).
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Collection
from typing import TYPE_CHECKING

from partnerkit.analysis._sql import text

if TYPE_CHECKING:
    from partnerkit.analysis._data import Dataset

__all__ = [
    "STANDARD_LEVELS",
    "level_rank_sql",
    "overlaps",
    "segment_value_sql",
    "split_performance",
    "summable_performance",
    "summable_rows",
]

_OVERLAPS: weakref.WeakKeyDictionary[Dataset, bool] = weakref.WeakKeyDictionary()
"""The answer of :func:`overlaps` for each frozen dataset."""

STANDARD_LEVELS = ("campaign", "ad_group", "ad", "account", "traffic")
"""The standard levels of a performance row, in the order the grain rule prefers them."""


def level_rank_sql(column: str = "level") -> str:
    """SQL: a standard level's place in :data:`STANDARD_LEVELS` (1 first; null level last)."""
    cases = " ".join(f"WHEN {text(lv)} THEN {i}" for i, lv in enumerate(STANDARD_LEVELS, 1))
    return f"CASE {column} {cases} ELSE {len(STANDARD_LEVELS) + 1} END"


def summable_performance(view: str = "performance", columns: Collection[str] | None = None) -> str:
    """SQL (a parenthesised subquery): the performance rows that add up.

    Use it wherever an analysis sums performance columns: ``FROM {summable_performance()} v``.
    The columns are the view's own.

    Args:
        view: The table or view of performance rows (the dataset's ``performance``).
        columns: The view's column names, when it may lack ``level`` or ``segment`` (a
            table given by hand): a missing one is null on every row.

    Returns:
        The subquery: the standard-grain rows of one level per platform account and day.
    """
    levels = ", ".join(text(lv) for lv in STANDARD_LEVELS)

    def standard(alias: str) -> tuple[str, str]:
        """The rank of a row's level and the test that it is a standard-grain row."""
        level, segment = (_column(alias, c, columns) for c in ("level", "segment"))
        test = f"{segment} IS NULL AND ({level} IS NULL OR {level} IN ({levels}))"
        return level_rank_sql(level), test

    # A join on each account and day's first level, not a window over the rows: the
    # grouping reads five columns, and the rows keep only the columns a query uses.
    rank, test = standard("p")
    top_rank, top_test = standard("t")
    return (
        f"(SELECT p.* FROM {view} p JOIN ("
        f"SELECT coalesce(t.platform, '') AS platform, coalesce(t.account_id, '') AS account_id, "
        f"t.date, min({top_rank}) AS _grain_top "
        f"FROM {view} t WHERE {top_test} GROUP BY ALL) g "
        f"ON coalesce(p.platform, '') = g.platform "
        f"AND coalesce(p.account_id, '') = g.account_id "
        f"AND p.date = g.date "
        f"WHERE {test} AND {rank} = g._grain_top)"
    )


def overlaps(dataset: Dataset) -> bool:
    """Whether any platform account's performance rows overlap (more than one grain).

    True when an account has rows of two levels, a split row, or a row of a report
    stream's own level; then :func:`summable_performance` has rows to leave out.
    The question reads two columns of the view grouped by account (a fraction of the
    grain rule's cost), once for a dataset whose records cannot change, so datasets of
    one grain skip the rule.
    """
    known = _OVERLAPS.get(dataset)
    if known is not None:
        return known
    names = dataset.schema("performance").names
    if "level" not in names and "segment" not in names:
        return False
    level, segment = (_column("v", c, names) for c in ("level", "segment"))
    levels = ", ".join(text(lv) for lv in STANDARD_LEVELS)
    # The distinct (account, level, split or not) first: a few rows per account, so
    # the account's test reads those instead of comparing strings over every row.
    found = dataset.sql(
        f"SELECT count(*) AS n FROM (SELECT 1 FROM (SELECT DISTINCT v.platform, "
        f"v.account_id, {level} AS level, {segment} IS NOT NULL AS split "
        f"FROM performance v) v GROUP BY v.platform, v.account_id "
        f"HAVING min(coalesce(v.level, '')) <> max(coalesce(v.level, '')) "
        f"OR bool_or(v.split) OR bool_or(v.level NOT IN ({levels})))"
    )
    answer = bool(found["n"][0].as_py())
    if dataset.frozen:  # the records cannot change: the answer holds for its life
        _OVERLAPS[dataset] = answer
    return answer


def summable_rows(dataset: Dataset) -> str:
    """SQL: the dataset's performance rows that add up, to read as ``FROM ... v``.

    :func:`summable_performance` when :func:`overlaps`; the ``performance`` view as it
    is when every account has rows of one standard grain (the rule would keep them all).
    """
    if overlaps(dataset):
        return summable_performance(columns=dataset.schema("performance").names)
    return '"performance"'


def _column(alias: str, name: str, columns: Collection[str] | None) -> str:
    """A column of a row, or a text null when the view has no such column."""
    return f"{alias}.{name}" if columns is None or name in columns else "CAST(NULL AS VARCHAR)"


def segment_value_sql(name: str, column: str = "segment") -> str:
    """SQL: the value of the ``name=value`` part of a segment; null when it has none."""
    pattern = text(r"(?:^|\|)" + re.escape(name) + r"=([^|]*)")
    return (
        f"CASE WHEN regexp_matches({column}, {pattern}) "
        f"THEN regexp_extract({column}, {pattern}, 1) END"
    )


def split_performance(name: str, view: str = "performance") -> str:
    """SQL (a parenthesised subquery): the rows split by ``name`` that add up.

    The rows whose ``segment`` has a ``name=`` part, with its value as ``split_value``;
    for each platform, account and day only one level and one set of segment names —
    the standard levels in their order, then the fewest names, then the report
    streams' own levels by name — so each value is counted once however many splits
    were synced.

    Args:
        name: The segment name, e.g. ``search_term``, ``conversion_action``, ``age``.
        view: The table or view of performance rows (it has a ``segment`` column).

    Returns:
        The subquery: the view's columns and ``split_value``.
    """
    value = segment_value_sql(name)
    names = "regexp_replace(segment, '=[^|]*', '', 'g')"
    count = "length(segment) - length(replace(segment, '|', ''))"
    order = f"{level_rank_sql()}, {count}, level, {names}"
    return (
        f"(SELECT * EXCLUDE (_grain_pick) FROM ("
        f"SELECT *, {value} AS split_value, dense_rank() OVER "
        f"(PARTITION BY platform, account_id, date ORDER BY {order}) AS _grain_pick "
        f"FROM {view} WHERE segment IS NOT NULL AND contains(segment, {text(name + '=')}) "
        f"AND {value} IS NOT NULL"
        f") WHERE _grain_pick = 1)"
    )
