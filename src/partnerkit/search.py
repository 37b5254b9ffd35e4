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
from types import MappingProxyType
from typing import Any

__all__ = ["WEIGHTED_BY", "SearchTotals", "rollup", "weighted_mean", "weighted_sums"]

#: The per-row averages of search rows, each with the additive count it is weighted by
#: when rows are rolled up. :func:`rollup` applies it, and so does the KPI engine's
#: ``mean`` measure (``mean: search_performance.position``), so the rule has one home.
WEIGHTED_BY: Mapping[str, str] = MappingProxyType({"position": "impressions"})


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
    kept = list(rows)
    for row in kept:
        row_clicks = row.get("clicks")
        row_impressions = row.get("impressions")
        if row_clicks is not None:
            clicks = (clicks or 0) + int(row_clicks)
        if row_impressions is not None:
            impressions = (impressions or 0) + int(row_impressions)
    ctr = clicks / impressions if clicks is not None and impressions else None
    return SearchTotals(
        clicks=clicks,
        impressions=impressions,
        ctr=ctr,
        position=weighted_mean(*weighted_sums(kept, "position")),
        rows=len(kept),
    )


def weighted_sums(rows: Iterable[Mapping[str, Any]], column: str) -> tuple[float, int]:
    """``Σ value × weight`` and ``Σ weight`` of a per-row average (weight: :data:`WEIGHTED_BY`).

    Only rows that have both the value and a weight count: a row without impressions
    carries no weight for position.

    Args:
        rows: Search rows (records or any mappings).
        column: A column of :data:`WEIGHTED_BY` (``position``).

    Returns:
        The weighted sum and the sum of the weights.
    """
    weight_column = WEIGHTED_BY[column]
    weighted = 0.0
    weight = 0
    for row in rows:
        value, row_weight = row.get(column), row.get(weight_column)
        if value is not None and row_weight:
            weighted += float(value) * int(row_weight)
            weight += int(row_weight)
    return weighted, weight


def weighted_mean(weighted: float, weight: float) -> float | None:
    """The weighted average ``Σ value × weight / Σ weight``; ``None`` without weight.

    Args:
        weighted: ``Σ value × weight`` (:func:`weighted_sums`, or the engine's SQL sums).
        weight: ``Σ weight``.

    Returns:
        The average to 9 places (float noise such as 12.100000000000001 off, so a
        position equal to its target is on it), or ``None`` when the weights add up to 0
        (never 0).
    """
    return round(float(weighted) / float(weight), _PLACES) if weight else None


_PLACES = 9
