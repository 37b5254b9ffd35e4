"""The performance rows that add up: one grain per platform account and day (internal).

A ``performance`` view holds rows of several grains about the same spend: an account's
campaign rows and its ad rows, a report stream's keyword, search-term, geography or
device rows, a conversion action's rows, a GA4 custom report's segmented rows, Meta's
breakdown rows (``age=25-34|gender=female``). Each grain adds up to the same month, so
summing the view counts spend and clicks once per grain synced.

:func:`summable_performance` is the one rule every analysis that sums performance
reads it through (KPIs, pacing, budget, the audit):

* only the **standard grain**: ``segment`` is null (a split row has a segment) and
  ``level`` is a standard level (:data:`STANDARD_LEVELS`) or null (a file that names
  no grain);
* for each ``platform``, ``account_id`` and ``date``, only the rows of **one** level:
  the first present in :data:`STANDARD_LEVELS` — campaign rows, else ad-group rows,
  else ad rows, else account rows, else analytics (``traffic``) rows, else rows with
  no level. Campaign rows come first because every campaign has them (a Performance
  Max campaign has no ads; an ad row never carries a campaign's cost the ad cannot
  be tied to); ad rows are used on the days an account has no campaign rows.

The split rows stay in the view for the analyses that ask about a split (search
terms, conversion actions, audiences and placements: :mod:`partnerkit.analysis.grain`).
They read them through :func:`split_performance`, the same rule for a split: the rows
whose segment names the split, of one level and one set of segment names per platform
account and day (an account synced by age alone and by age and gender counts each
age once).
"""

from __future__ import annotations

import re
from collections.abc import Collection

from partnerkit.analysis._sql import text

__all__ = [
    "STANDARD_LEVELS",
    "level_rank_sql",
    "segment_value_sql",
    "split_performance",
    "summable_performance",
]

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
    level, segment = (_column(c, columns) for c in ("level", "segment"))
    levels = ", ".join(text(lv) for lv in STANDARD_LEVELS)
    rank = level_rank_sql(level)
    return (
        f"(SELECT * EXCLUDE (_grain_rank, _grain_top) FROM ("
        f"SELECT *, {rank} AS _grain_rank, "
        f"min({rank}) OVER (PARTITION BY platform, account_id, date) AS _grain_top "
        f"FROM {view} WHERE {segment} IS NULL AND ({level} IS NULL OR {level} IN ({levels}))"
        f") WHERE _grain_rank = _grain_top)"
    )


def _column(name: str, columns: Collection[str] | None) -> str:
    """A column's name, or a text null when the view has no such column."""
    return name if columns is None or name in columns else "CAST(NULL AS VARCHAR)"


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
        f"FROM {view} WHERE {value} IS NOT NULL"
        f") WHERE _grain_pick = 1)"
    )
