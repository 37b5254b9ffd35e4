"""Organic social figures rolled up the one way they may be: the home of those rules.

A :class:`~partnerkit.records.SocialDailyRecord` holds one day of a Facebook Page or an
Instagram account. Its metrics are of three sorts, each rolled up its own way:

* flows (impressions, engagements, new followers, unfollows, posts) are summed over days and
  accounts;
* reach counts distinct people and is never summed: the same person reached on two
  days is one person, not two. A period's reach is the day's figure when the rows are
  one day of one account; over several days it is not computable from daily rows
  (Meta's ``days_28`` period is 28 days ending on a day, not a calendar month), and
  over several accounts it is not either (their audiences overlap), so it is ``None``
  with the reason ``not_additive``;
* followers is a level (a stock): each account's figure is its last day's value, and
  several accounts' last values add up.

The engagement rate is recomputed from the summed counts, engagements per impression
(reach cannot be the denominator of a month). A figure with nothing to divide by, or
no value at all, is ``None`` with its reason, never ``0``.

>>> totals = rollup([
...     {"date": "2026-10-01", "account_id": "1", "impressions": 800, "reach": 500,
...      "engagements": 40, "followers": 1200, "new_followers": 5},
...     {"date": "2026-10-02", "account_id": "1", "impressions": 200, "reach": 150,
...      "engagements": 10, "followers": 1203, "new_followers": 4},
... ])
>>> totals.counts["impressions"], totals.followers.value, totals.engagement_rate.value
(1000, 1203, 0.05)
>>> totals.reach.value, totals.reach.reason
(None, 'not_additive')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from partnerkit._counts import add_counts

__all__ = ["COUNTS", "Figure", "SocialTotals", "rollup"]

#: The additive metrics of a social day, as :class:`~partnerkit.records.SocialDailyRecord`
#: names them.
COUNTS = ("impressions", "engagements", "new_followers", "unfollows", "posts")

#: Places a rate is rounded to (a ratio, 0.05 is 5%).
_PLACES = 6

Reason = Literal["not_additive", "missing_values", "zero_denominator"]


@dataclass(frozen=True)
class Figure:
    """A rolled-up figure that may not be computable.

    Attributes:
        value: The figure, or ``None`` when not computable.
        reason: Why :attr:`value` is ``None``: ``not_additive`` (reach of several days
            or accounts), ``missing_values`` (no row has the metric) or
            ``zero_denominator`` (a rate whose denominator sums to zero).
    """

    value: int | float | None
    reason: Reason | None = None


@dataclass(frozen=True)
class SocialTotals:
    """Organic social figures of several days (and accounts) taken together.

    Attributes:
        days: How many rows (account-days) went in.
        counts: The summed flows by name (:data:`COUNTS`); ``None`` when no row has one.
        reach: The reach (see the module: only one account's one day is computable).
        followers: The sum over accounts of each account's last day's followers.
        engagement_rate: Engagements per impression, from the summed counts, over the
            rows that have both.
    """

    days: int
    counts: dict[str, int | None] = field(default_factory=dict)
    reach: Figure = Figure(None, "missing_values")
    followers: Figure = Figure(None, "missing_values")
    engagement_rate: Figure = Figure(None, "missing_values")


def rollup(rows: Iterable[Mapping[str, Any]]) -> SocialTotals:
    """Roll social days up: sum the flows, never the reach, followers from the last day.

    A missing (``None``) value is left out, not counted as ``0``.

    Args:
        rows: Social daily records (or any mappings with ``date``, ``account_id`` and
            the metrics; ``platform`` tells apart a Page and an Instagram account with
            the same id).

    Returns:
        The totals.
    """
    sums: dict[str, int | None] = dict.fromkeys(COUNTS)
    engaged = shown = 0
    paired = False
    reaches: list[int] = []
    last: dict[tuple[Any, Any], tuple[Any, int]] = {}  # account -> (date, followers)
    days = 0
    for row in rows:
        days += 1
        add_counts(sums, row)
        top, bottom = row.get("engagements"), row.get("impressions")
        if top is not None and bottom is not None:
            engaged, shown, paired = engaged + int(top), shown + int(bottom), True
        if row.get("reach") is not None:
            reaches.append(int(row["reach"]))
        followers = row.get("followers")
        if followers is not None:
            account = (row.get("platform"), row.get("account_id"))
            seen = last.get(account)
            if seen is None or row["date"] >= seen[0]:
                last[account] = (row["date"], int(followers))
    return SocialTotals(
        days=days,
        counts=sums,
        reach=_reach(reaches),
        followers=(
            Figure(sum(f for _, f in last.values())) if last else Figure(None, "missing_values")
        ),
        engagement_rate=_rate(engaged, shown, paired),
    )


def _reach(values: list[int]) -> Figure:
    if not values:
        return Figure(None, "missing_values")
    if len(values) > 1:
        return Figure(None, "not_additive")
    return Figure(values[0])


def _rate(numerator: int, denominator: int, paired: bool) -> Figure:
    if not paired:
        return Figure(None, "missing_values")
    if denominator == 0:
        return Figure(None, "zero_denominator")
    return Figure(round(numerator / denominator, _PLACES))
