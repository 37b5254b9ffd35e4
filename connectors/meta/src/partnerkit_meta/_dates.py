"""An ad account's time zone and Meta's history limit (windows and chunks: ``ReadRequest``)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from partnerkit.errors import DataError

__all__ = [
    "HISTORY_MONTHS",
    "earliest_day",
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


def earliest_day(today: dt.date) -> dt.date:
    """The first day Meta still serves: 37 months back, plus a day of margin."""
    month = today.month - HISTORY_MONTHS
    year = today.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    day = min(today.day, 28)
    return dt.date(year, month, day) + dt.timedelta(days=1)
