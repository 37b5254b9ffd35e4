"""A month's email figures: per send and in total, month over month.

The report's email section renders :func:`email_month`; it computes nothing itself.
Every figure is a count summed from ``email_campaign`` records or a rate recomputed
from summed counts by :func:`partnerkit.email.rollup` (the one home of the email
rates), never an average of the sends' rates. A send belongs to the month of its
``date`` (its day in the account's time zone). Results hold codes and values; the
words are the report's.

:data:`LEADING` orders the figures the way the report should show them: clicks first,
because opens are inflated by Apple Mail Privacy Protection.
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
    as_float,
    change_rows,
    figure_changes,
    month_and_before,
)
from partnerkit.email import COUNTS, RATES, EmailTotals, rollup
from partnerkit.records import RecordKind

if TYPE_CHECKING:
    import pyarrow as pa

    from partnerkit.analysis._data import Dataset

__all__ = ["LEADING", "EmailChange", "EmailMonth", "EmailSend", "email_month"]

#: The figures in the order the report leads with them (clicks before opens).
LEADING: tuple[str, ...] = (
    "sent",
    "delivered",
    "unique_clicks",
    "click_rate",
    "click_to_open_rate",
    "unsubscribes",
    "unsubscribe_rate",
    "bounce_rate",
    "spam_rate",
    "unique_opens",
    "open_rate",
)


@dataclass(frozen=True)
class EmailSend:
    """One send of the month (one ``email_campaign`` record).

    Attributes:
        platform: ``mailchimp``, ``hubspot``...
        account_id: The platform account.
        email_id: The platform's id of the send.
        name: Its internal name.
        subject: Its subject line.
        date: Its day.
        totals: Its counts and the rates recomputed from them.
    """

    platform: str
    account_id: str
    email_id: str
    name: str | None
    subject: str | None
    date: dt.date
    totals: EmailTotals


EmailChange = FigureChange
"""One figure of the month against the month before (:class:`FigureChange`): a count's
change is a ratio, a rate's is in its own points."""


@dataclass(frozen=True)
class EmailMonth(FiguresMonth):
    """The month's email figures.

    Attributes:
        month: The month, ``YYYY-MM``.
        sends: The month's sends, by day then platform and id.
        total: The month's counts and rates, all sends together.
        previous: The previous month's, all sends together.
        changes: Every figure of :data:`LEADING` against the previous month, in that order.
        reason: ``no_rows_for_month`` when the month has no send; ``None`` otherwise.
    """

    month: str
    sends: tuple[EmailSend, ...]
    total: EmailTotals
    previous: EmailTotals
    changes: tuple[EmailChange, ...]
    reason: str | None = None

    heading: ClassVar[str] = "Email"
    figure_kind: ClassVar[str] = "email"

    def to_arrow(self) -> pa.Table:
        """One row per send and figure, then one per total figure (``email_id`` null)."""
        import pyarrow as pa

        rows: list[dict[str, Any]] = []
        for send in self.sends:
            for code in LEADING:
                rows.append(
                    {
                        "email_id": send.email_id,
                        "platform": send.platform,
                        "date": send.date,
                        "code": code,
                        "value": as_float(_value(send.totals, code)),
                        "previous": None,
                        "change": None,
                    }
                )
        rows.extend(change_rows(self.changes, email_id=None, platform=None, date=None))
        text, number = pa.string(), pa.float64()
        schema = schema_of(
            ("email_id", text),
            ("platform", text),
            ("date", pa.date32()),
            ("code", text),
            ("value", number),
            ("previous", number),
            ("change", number),
        )
        return table_of(rows, schema)


def email_month(
    dataset: Dataset, month: str | dt.date, *, platforms: Sequence[str] = ()
) -> EmailMonth:
    """The month's email sends and totals, and each figure against the month before.

    Args:
        dataset: The records (``email_campaign``).
        month: The month, ``"YYYY-MM"`` or any day in it.
        platforms: Only these platforms (all by default).

    Returns:
        The month's figures; with no send in the month, its ``reason`` says so and its
        totals are empty (every rate not computable).
    """
    columns = ("date", "platform", "account_id", "email_id", "name", "subject", *COUNTS)
    window, this, before = month_and_before(
        dataset, RecordKind.EMAIL_CAMPAIGN, columns, month, platforms
    )
    sends = tuple(
        EmailSend(
            platform=r["platform"],
            account_id=r["account_id"],
            email_id=r["email_id"],
            name=r.get("name"),
            subject=r.get("subject"),
            date=r["date"],
            totals=rollup([r]),
        )
        for r in sorted(this, key=lambda r: (r["date"], r["platform"], r["email_id"]))
    )
    total, previous = rollup(this), rollup(before)
    changes = figure_changes(LEADING, _value, total, previous, rates=RATES)
    return EmailMonth(
        month=f"{window.start:%Y-%m}",
        sends=sends,
        total=total,
        previous=previous,
        changes=changes,
        reason=None if this else "no_rows_for_month",
    )


def _value(totals: EmailTotals, code: str) -> float | int | None:
    if code in RATES:
        return totals.rates[code].value
    return totals.counts[code]
