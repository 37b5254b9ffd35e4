"""Dates in an ad account's time zone: today, the history limit, ranges and chunks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from partnerkit.errors import DataError

__all__ = [
    "HISTORY_MONTHS",
    "chunks",
    "earliest_day",
    "halves",
    "local_today",
    "zone",
]

#: Meta keeps insights for 37 months; older start dates are refused (code 3018).
HISTORY_MONTHS = 37


def zone(name: str) -> ZoneInfo:
    """The IANA zone of an ad account (``timezone_name``).

    Raises:
        DataError: Meta named a zone this Python does not know (install ``tzdata``).
    """
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise DataError(
            f"the ad account's time zone {name!r} is unknown here; install or update tzdata",
            column="timezone_name",
            value=name,
        ) from None


def local_today(timezone: str, now: dt.datetime) -> dt.date:
    """The date in the account's time zone at a moment.

    Args:
        timezone: The account's IANA zone (``timezone_name``).
        now: The moment of the read (timezone-aware): ``ReadRequest.now()``.
    """
    return now.astimezone(zone(timezone)).date()


def earliest_day(today: dt.date) -> dt.date:
    """The first day Meta still serves: 37 months back, plus a day of margin."""
    month = today.month - HISTORY_MONTHS
    year = today.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    day = min(today.day, 28)
    return dt.date(year, month, day) + dt.timedelta(days=1)


def chunks(start: dt.date, end: dt.date, days: int) -> Iterator[tuple[dt.date, dt.date]]:
    """Consecutive inclusive ranges of at most ``days`` days covering start..end."""
    step = dt.timedelta(days=days)
    while start <= end:
        last = min(end, start + step - dt.timedelta(days=1))
        yield start, last
        start = last + dt.timedelta(days=1)


def halves(start: dt.date, end: dt.date) -> tuple[tuple[dt.date, dt.date], tuple[dt.date, dt.date]]:
    """Split an inclusive range of two days or more into two that share no day.

    The first half gets the extra day of an odd range: 2026-09-01..09-05 splits into
    09-01..09-03 and 09-04..09-05.
    """
    days = (end - start).days + 1
    if days < 2:
        raise ValueError("a one-day range cannot be split")
    middle = start + dt.timedelta(days=(days - 1) // 2)
    return (start, middle), (middle + dt.timedelta(days=1), end)
