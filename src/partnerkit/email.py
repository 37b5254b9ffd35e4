"""Email figures rolled up the one way they may be: the home of the email rates.

An :class:`~partnerkit.records.EmailCampaignRecord` holds counts only (sent, delivered,
bounces, opens, clicks, unsubscribes, spam reports); they add up across sends. Every rate
is derived from summed counts here and nowhere else, never summed or averaged, because
the mean of two sends' open rates weighs a send to 50 people like one to 50,000:

* delivery rate = delivered / sent;
* bounce rate = bounces / sent;
* open rate = unique opens / delivered (inflated by Apple Mail Privacy Protection, which
  opens every message on delivery: read it as an upper bound, and lead with clicks);
* click rate = unique clicks / delivered (recipients who clicked, per delivered email);
* click-to-open rate = unique clicks / unique opens;
* unsubscribe rate = unsubscribes / delivered;
* spam rate = spam reports / delivered.

Each rate is taken over the sends that have both of its counts, so a send whose
platform does not report a count neither adds to a numerator nor dilutes a
denominator. A rate with nothing to divide by is ``None`` with its reason
(``zero_denominator`` or ``missing_values``), never ``0``.

>>> totals = rollup([
...     {"sent": 1000, "delivered": 980, "bounces": 20, "unique_opens": 490, "unique_clicks": 49},
...     {"sent": 100, "delivered": 100, "bounces": 0, "unique_opens": 10, "unique_clicks": 5},
... ])
>>> totals.counts["delivered"], totals.rates["click_rate"].value, totals.rates["open_rate"].value
(1080, 0.05, 0.462963)
>>> rollup([{"sent": 0, "delivered": 0}]).rates["click_rate"].reason
'missing_values'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from partnerkit._counts import add_counts

__all__ = ["COUNTS", "RATES", "EmailTotals", "Rate", "delivered", "rollup"]

#: The additive counts of an email send, as :class:`~partnerkit.records.EmailCampaignRecord`
#: names them.
COUNTS = (
    "sent",
    "delivered",
    "bounces",
    "hard_bounces",
    "soft_bounces",
    "opens",
    "unique_opens",
    "clicks",
    "unique_clicks",
    "unsubscribes",
    "spam_reports",
)

#: Each rate's numerator and denominator counts.
RATES: dict[str, tuple[str, str]] = {
    "delivery_rate": ("delivered", "sent"),
    "bounce_rate": ("bounces", "sent"),
    "open_rate": ("unique_opens", "delivered"),
    "click_rate": ("unique_clicks", "delivered"),
    "click_to_open_rate": ("unique_clicks", "unique_opens"),
    "unsubscribe_rate": ("unsubscribes", "delivered"),
    "spam_rate": ("spam_reports", "delivered"),
}

#: Places a rate is rounded to (a ratio, 0.05 is 5%).
_PLACES = 6

RateReason = Literal["zero_denominator", "missing_values"]


@dataclass(frozen=True)
class Rate:
    """One email rate, derived from summed counts.

    Attributes:
        value: ``numerator / denominator`` as a ratio (0.05 is 5%), rounded to six
            places; ``None`` when not computable.
        numerator: The summed numerator over the sends that have both counts.
        denominator: The summed denominator over the same sends.
        reason: Why :attr:`value` is ``None``: ``missing_values`` (no send has both
            counts) or ``zero_denominator`` (they sum to zero); ``None`` otherwise.
    """

    value: float | None
    numerator: int | None
    denominator: int | None
    reason: RateReason | None = None


@dataclass(frozen=True)
class EmailTotals:
    """Email figures of several sends taken together.

    Every count is summed over the sends that report it (``None`` when none does);
    every rate is a :class:`Rate`, recomputed from the counts (see the module).

    Attributes:
        sends: How many sends (rows) went in.
        counts: The summed counts by name (:data:`COUNTS`).
        rates: The rates by name (:data:`RATES`).
    """

    sends: int
    counts: dict[str, int | None] = field(default_factory=dict)
    rates: dict[str, Rate] = field(default_factory=dict)


def delivered(sent: int | None, bounces: int | None) -> int | None:
    """Emails delivered when a platform reports only sent and bounced: ``sent - bounces``.

    Args:
        sent: Emails sent.
        bounces: Emails bounced (hard and soft).

    Returns:
        The difference (never below zero), or ``None`` when either is missing.
    """
    if sent is None or bounces is None:
        return None
    return max(sent - bounces, 0)


def rollup(rows: Iterable[Mapping[str, Any]]) -> EmailTotals:
    """Roll sends up: sum the counts, recompute every rate from them.

    A missing (``None``) count is left out of its sum, not counted as ``0``; a row's
    own rates, if it has any, are ignored.

    Args:
        rows: Email campaign records (or any mappings with the :data:`COUNTS`).

    Returns:
        The totals.
    """
    sums: dict[str, int | None] = dict.fromkeys(COUNTS)
    pairs: dict[str, list[int]] = {name: [0, 0, 0] for name in RATES}  # num, den, rows
    sends = 0
    for row in rows:
        sends += 1
        add_counts(sums, row)
        for name, (top, bottom) in RATES.items():
            num, den = row.get(top), row.get(bottom)
            if num is not None and den is not None:
                pair = pairs[name]
                pair[0] += int(num)
                pair[1] += int(den)
                pair[2] += 1
    rates = {name: _rate(*pair) for name, pair in pairs.items()}
    return EmailTotals(sends=sends, counts=sums, rates=rates)


def _rate(numerator: int, denominator: int, rows: int) -> Rate:
    if not rows:
        return Rate(None, None, None, "missing_values")
    if denominator == 0:
        return Rate(None, numerator, 0, "zero_denominator")
    return Rate(round(numerator / denominator, _PLACES), numerator, denominator)
