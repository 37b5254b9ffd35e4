"""A month's organic social figures: per account and in total, month over month.

The report's social section renders :func:`social_month`; it computes nothing itself.
Every figure comes from ``social_daily`` records through :func:`partnerkit.social.rollup`
(the one home of the social rules): flows summed over the month's days, followers the
last day's level, the engagement rate recomputed from summed counts, and reach not
computable over a month (it counts distinct people; its reason is ``not_additive``).
Results hold codes and values; the words are the report's.

:data:`LEADING` orders the figures the way the report should show them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from partnerkit.analysis._data import Result
from partnerkit.analysis._tables import schema_of, table_of, the_one
from partnerkit.analysis.periods import Window, window_sql
from partnerkit.social import COUNTS, Figure, SocialTotals, rollup

if TYPE_CHECKING:
    import pyarrow as pa

    from partnerkit.analysis._data import Dataset

__all__ = ["LEADING", "SocialAccount", "SocialChange", "SocialMonth", "social_month"]

#: The figures in the order the report shows them.
LEADING: tuple[str, ...] = (
    "impressions",
    "reach",
    "engagements",
    "engagement_rate",
    "followers",
    "new_followers",
    "unfollows",
)

#: The figures that are rates: their change is in points, not a ratio.
_RATES = frozenset({"engagement_rate"})

ChangeReason = Literal["no_previous", "zero_denominator", "missing_values", "not_additive"]

#: Places a change is rounded to.
_PLACES = 6

_COLUMNS = ("date", "platform", "account_id", "account_name", "reach", "followers", *COUNTS)


@dataclass(frozen=True)
class SocialChange:
    """One figure of the month against the month before.

    Attributes:
        code: The figure, one of :data:`LEADING`.
        value: This month's value (``None``: not computable, see ``reason``).
        previous: The previous month's value.
        change: For a count (followers too), ``value / previous - 1`` (0.1 is 10% more);
            for the engagement rate, ``value - previous`` in its own unit (0.004 is 0.4
            points). ``None`` when not computable.
        reason: Why ``change`` is ``None``: ``not_additive`` (reach over a month),
            ``missing_values`` (this month's value is not computable), ``no_previous``
            (the previous month's is not) or ``zero_denominator`` (a count that was 0
            the month before).
    """

    code: str
    value: float | int | None
    previous: float | int | None
    change: float | None
    reason: ChangeReason | None = None


@dataclass(frozen=True)
class SocialAccount:
    """One Page or Instagram account over the month.

    Attributes:
        platform: ``facebook_page`` or ``instagram``.
        account_id: The Page or Instagram account id.
        account_name: Its name, when the records carry one.
        total: The month's figures.
        changes: Every figure of :data:`LEADING` against the previous month.
    """

    platform: str
    account_id: str
    account_name: str | None
    total: SocialTotals
    changes: tuple[SocialChange, ...]


@dataclass(frozen=True)
class SocialMonth(Result):
    """The month's organic social figures.

    Attributes:
        month: The month, ``YYYY-MM``.
        accounts: Each account's month, by platform then id.
        total: The month's figures, every account together.
        previous: The previous month's, every account together.
        changes: Every figure of :data:`LEADING` against the previous month, in order.
        reason: ``no_rows_for_month`` when the month has no day; ``None`` otherwise.
    """

    month: str
    accounts: tuple[SocialAccount, ...]
    total: SocialTotals
    previous: SocialTotals
    changes: tuple[SocialChange, ...]
    reason: str | None = None

    @property
    def title(self) -> str:  # type: ignore[override]
        """The display title."""
        return f"Social, {self.month}"

    def change(self, code: str) -> SocialChange:
        """The month-over-month change of one figure (``"followers"``...), all accounts."""
        return the_one(self.changes, lambda c: c.code == code, f"social figure {code!r}")

    def to_arrow(self) -> pa.Table:
        """One row per account and figure, then one per total figure (``account_id`` null)."""
        import pyarrow as pa

        rows: list[dict[str, Any]] = []
        for account in self.accounts:
            rows.extend(_rows_of(account.platform, account.account_id, account.changes))
        rows.extend(_rows_of(None, None, self.changes))
        text, number = pa.string(), pa.float64()
        schema = schema_of(
            ("platform", text),
            ("account_id", text),
            ("code", text),
            ("value", number),
            ("previous", number),
            ("change", number),
            ("reason", text),
        )
        return table_of(rows, schema)


def social_month(
    dataset: Dataset, month: str | dt.date, *, platforms: Sequence[str] = ()
) -> SocialMonth:
    """The month's social figures per account and in total, against the month before.

    Args:
        dataset: The records (``social_daily``).
        month: The month, ``"YYYY-MM"`` or any day in it.
        platforms: Only these platforms (``facebook_page``, ``instagram``; all by default).

    Returns:
        The month's figures; with no day in the month, its ``reason`` says so and every
        figure is not computable.
    """
    window = Window.month(month)
    rows = _rows(dataset, window.previous().start, window.end, platforms)
    this = [r for r in rows if window.start <= r["date"]]
    before = [r for r in rows if r["date"] < window.start]
    keys = sorted({(r["platform"], r["account_id"]) for r in this})
    accounts = []
    for platform, account in keys:
        mine = [r for r in this if (r["platform"], r["account_id"]) == (platform, account)]
        earlier = [r for r in before if (r["platform"], r["account_id"]) == (platform, account)]
        total = rollup(mine)
        names = [r["account_name"] for r in sorted(mine, key=lambda r: r["date"])]
        accounts.append(
            SocialAccount(
                platform=platform,
                account_id=account,
                account_name=next((n for n in reversed(names) if n), None),
                total=total,
                changes=_changes(total, rollup(earlier)),
            )
        )
    total, previous = rollup(this), rollup(before)
    return SocialMonth(
        month=f"{window.start:%Y-%m}",
        accounts=tuple(accounts),
        total=total,
        previous=previous,
        changes=_changes(total, previous),
        reason=None if this else "no_rows_for_month",
    )


def _rows(
    dataset: Dataset, start: dt.date, end: dt.date, platforms: Sequence[str]
) -> list[dict[str, Any]]:
    where = window_sql('"date"', Window(start, end), "UTC", timestamp=False)  # a DATE
    columns = ", ".join(f'"{c}"' for c in _COLUMNS)
    query = f"SELECT {columns} FROM social_daily WHERE {where}"
    if platforms:
        query += " AND platform IN (SELECT unnest($platforms))"
        return dataset.sql(query, {"platforms": list(platforms)}).to_pylist()
    return dataset.sql(query).to_pylist()


def _figure(totals: SocialTotals, code: str) -> Figure:
    if code == "reach":
        return totals.reach
    if code == "followers":
        return totals.followers
    if code == "engagement_rate":
        return totals.engagement_rate
    count = totals.counts[code]
    return Figure(count) if count is not None else Figure(None, "missing_values")


def _changes(total: SocialTotals, previous: SocialTotals) -> tuple[SocialChange, ...]:
    return tuple(_change(code, _figure(total, code), _figure(previous, code)) for code in LEADING)


def _change(code: str, now: Figure, then: Figure) -> SocialChange:
    value, before = now.value, then.value
    if value is None:
        reason: ChangeReason = "not_additive" if now.reason == "not_additive" else "missing_values"
        return SocialChange(code, value, before, None, reason)
    if before is None:
        return SocialChange(code, value, before, None, "no_previous")
    if code in _RATES:
        return SocialChange(code, value, before, round(value - before, _PLACES))
    if before == 0:
        return SocialChange(code, value, before, None, "zero_denominator")
    return SocialChange(code, value, before, round(value / before - 1, _PLACES))


def _rows_of(
    platform: str | None, account: str | None, changes: Sequence[SocialChange]
) -> list[dict[str, Any]]:
    return [
        {
            "platform": platform,
            "account_id": account,
            "code": c.code,
            "value": None if c.value is None else float(c.value),
            "previous": None if c.previous is None else float(c.previous),
            "change": c.change,
            "reason": c.reason,
        }
        for c in changes
    ]
