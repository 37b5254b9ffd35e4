"""A month's organic social figures: per account and in total, month over month.

The report's social section renders :func:`social_month`; it computes nothing itself.
Every figure comes from ``social_daily`` records through :func:`partnerkit.social.rollup`
(the one home of the social rules): flows summed over the month's days, followers the
last day's level, the engagement rate recomputed from summed counts, and reach not
computable over a month (it counts distinct people: ``total.reach`` says
``not_additive``). Changes are :class:`~partnerkit.analysis.change.FigureChange`, the
channel analyses' shared change. Results hold codes and values; the words are the
report's.

:data:`LEADING` orders the figures the way the report should show them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from partnerkit.analysis._tables import schema_of, table_of
from partnerkit.analysis.change import (
    FigureChange,
    FiguresMonth,
    change_rows,
    figure_changes,
    month_and_before,
)
from partnerkit.records import RecordKind
from partnerkit.social import COUNTS, SocialTotals, rollup

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
    "posts",
)

#: The figures that are rates: their change is in points, not a ratio.
_RATES = frozenset({"engagement_rate"})

_COLUMNS = ("date", "platform", "account_id", "account_name", "reach", "followers", *COUNTS)


SocialChange = FigureChange
"""One figure of the month against the month before (:class:`FigureChange`): a count's
change is a ratio (followers too), the engagement rate's is in its own points. Reach's
value is always ``None`` over a month: its reason, ``not_additive``, is on the totals
(``SocialTotals.reach``)."""


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
class SocialMonth(FiguresMonth):
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

    heading: ClassVar[str] = "Social"
    figure_kind: ClassVar[str] = "social"

    def to_arrow(self) -> pa.Table:
        """One row per account and figure, then one per total figure (``account_id`` null)."""
        import pyarrow as pa

        rows: list[dict[str, Any]] = []
        for account in self.accounts:
            rows.extend(
                change_rows(
                    account.changes, platform=account.platform, account_id=account.account_id
                )
            )
        rows.extend(change_rows(self.changes, platform=None, account_id=None))
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
    window, this, before = month_and_before(
        dataset, RecordKind.SOCIAL_DAILY, _COLUMNS, month, platforms
    )
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


def _value(totals: SocialTotals, code: str) -> float | int | None:
    figures = {
        "reach": totals.reach,
        "followers": totals.followers,
        "engagement_rate": totals.engagement_rate,
    }
    return figures[code].value if code in figures else totals.counts[code]


def _changes(total: SocialTotals, previous: SocialTotals) -> tuple[SocialChange, ...]:
    return figure_changes(LEADING, _value, total, previous, rates=_RATES)
