"""Organic search figures rolled up the one way they may be: the home of that rule.

Search Console gives clicks, impressions, CTR and average position per row (a day, a
query, a page, ...). Clicks and impressions add up. CTR and average position do not:

* CTR is recomputed from the summed clicks and impressions, never summed or averaged;
* average position is weighted by impressions,
  ``sum(position × impressions) / sum(impressions)``, because a row seen 1,000 times at
  position 2 says more than a row seen once at position 40.

Every rollup of :class:`~partnerkit.records.SearchPerformanceRecord` rows (over days,
queries, pages, countries or devices) goes through :func:`rollup`, so the rule has one
home. A rate with no denominator is ``None`` (not computable), never ``0``.

>>> totals = rollup([
...     {"clicks": 10, "impressions": 1000, "position": 2.0},
...     {"clicks": 1, "impressions": 10, "position": 40.0},
... ])
>>> totals.clicks, totals.impressions, round(totals.ctr, 6), round(totals.position, 6)
(11, 1010, 0.010891, 2.376238)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["SearchTotals", "rollup"]


@dataclass(frozen=True)
class SearchTotals:
    """Search figures of several rows taken together.

    Attributes:
        clicks: Summed clicks (``None`` when no row had any figure).
        impressions: Summed impressions (``None`` when no row had any figure).
        ctr: ``clicks / impressions``; ``None`` without impressions.
        position: Impression-weighted average position over the rows that have both a
            position and impressions; ``None`` when none has.
        rows: How many rows went in.
    """

    clicks: int | None
    impressions: int | None
    ctr: float | None
    position: float | None
    rows: int


def rollup(rows: Iterable[Mapping[str, Any]]) -> SearchTotals:
    """Roll search rows up: sum clicks and impressions, recompute CTR, weight position.

    A missing (``None``) figure is left out of its sum, not counted as ``0``; a row
    without impressions carries no weight for position.

    Args:
        rows: Records (or any mappings) with ``clicks``, ``impressions`` and
            ``position``; a row's own ``ctr`` is ignored, it is recomputed.

    Returns:
        The totals.
    """
    clicks: int | None = None
    impressions: int | None = None
    weighted = 0.0
    weight = 0
    count = 0
    for row in rows:
        count += 1
        row_clicks = row.get("clicks")
        row_impressions = row.get("impressions")
        if row_clicks is not None:
            clicks = (clicks or 0) + int(row_clicks)
        if row_impressions is not None:
            impressions = (impressions or 0) + int(row_impressions)
        position = row.get("position")
        if position is not None and row_impressions:
            weighted += float(position) * int(row_impressions)
            weight += int(row_impressions)
    ctr = clicks / impressions if clicks is not None and impressions else None
    return SearchTotals(
        clicks=clicks,
        impressions=impressions,
        ctr=ctr,
        position=weighted / weight if weight else None,
        rows=count,
    )
