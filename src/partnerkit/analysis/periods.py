"""Periods and time zones for analyses: which days a number covers, in whose calendar.

Every analysis answers for a *window*: a month, a quarter or a custom range of
calendar days in the **workspace's time zone**. Lead and deal timestamps are UTC in
the records, so a lead created at 23:30 on 31 October in Jerusalem (21:30 UTC) is an
October lead, and one created at 00:30 on 1 November in Jerusalem (22:30 UTC on
31 October) a November lead. Performance rows carry a calendar ``date`` already (the
ad account's day) and are taken as they are.

The helpers here turn windows into SQL predicates without converting each row:
a timestamp column is compared with the two UTC instants where the window starts and
ends in the workspace's zone (computed once with :mod:`zoneinfo`, so a DST change
inside the window is handled), and a date column with the first and last day. Only
when rows must be *grouped* by local day or month is each timestamp converted
(:func:`local_day_sql`, with DuckDB's ICU ``timezone()``).

These helpers are general: every analysis, the report, the demo and the CLI use them
for month arithmetic (:func:`month_start`, :func:`month_end`, :func:`add_months`,
:meth:`Window.month`, :meth:`Window.previous`, :func:`month_windows`) instead of their
own copies.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from partnerkit.analysis._args import AsOf, as_of_day, as_of_moment
from partnerkit.analysis._sql import date_literal, text, timestamp_literal
from partnerkit.errors import ConfigurationError, PeriodError
from partnerkit.model import Period, month_bounds, quarter_bounds

__all__ = [
    "PeriodLike",
    "Window",
    "add_months",
    "as_of_day",
    "as_of_moment",
    "last_day_counted",
    "local_day_sql",
    "local_month_sql",
    "month_end",
    "month_start",
    "month_windows",
    "parse_quarter",
    "resolve_window",
    "today_in",
    "utc_bounds",
    "window_sql",
    "zone",
]

WindowKind = Literal["month", "quarter", "custom"]

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_QUARTER = re.compile(r"^\d{4}-[Qq][1-4]$")


@dataclass(frozen=True)
class Window:
    """A run of calendar days in the workspace's time zone, first and last day included.

    Attributes:
        start: The first day.
        end: The last day (included).
        kind: ``month`` and ``quarter`` windows know their previous period; a
            ``custom`` window's previous period is the same number of days just before.
    """

    start: dt.date
    end: dt.date
    kind: WindowKind = "custom"

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ConfigurationError(
                f"the period ends ({self.end}) before it starts ({self.start})"
            )

    @classmethod
    def month(cls, month: str | dt.date) -> Window:
        """The calendar month ``YYYY-MM`` (or the month of a date)."""
        text = month if isinstance(month, str) else f"{month:%Y-%m}"
        first, last = month_bounds(text)
        return cls(first, last, "month")

    @classmethod
    def quarter(cls, quarter: str | dt.date) -> Window:
        """The calendar quarter ``YYYY-Qn`` (or the quarter of a date)."""
        text = (
            quarter.upper()
            if isinstance(quarter, str)
            else f"{quarter.year}-Q{(quarter.month - 1) // 3 + 1}"
        )
        first, last = quarter_bounds(text)
        return cls(first, last, "quarter")

    @property
    def days(self) -> int:
        """Number of days in the window."""
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        """``2026-10``, ``2026-Q4`` or ``2026-10-01..2026-10-15``."""
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    def __str__(self) -> str:
        return self.label

    def contains(self, day: dt.date) -> bool:
        """True when ``day`` falls in the window."""
        return self.start <= day <= self.end

    def overlaps(self, other: Window) -> bool:
        """True when the two windows share at least one day."""
        return self.start <= other.end and other.start <= self.end

    def each_day(self) -> Iterator[dt.date]:
        """Yield every day of the window, in order."""
        for offset in range(self.days):
            yield self.start + dt.timedelta(days=offset)

    def previous(self) -> Window:
        """The period before: the previous month or quarter, or as many days just before."""
        if self.kind == "month":
            return Window.month(self.start - dt.timedelta(days=1))
        if self.kind == "quarter":
            return Window.quarter(self.start - dt.timedelta(days=1))
        length = dt.timedelta(days=self.days)
        return Window(self.start - length, self.start - dt.timedelta(days=1), "custom")

    def first_days(self, count: int) -> Window:
        """The first ``count`` days of the window (all of it when shorter)."""
        end = min(self.end, self.start + dt.timedelta(days=max(count, 1) - 1))
        return self if end == self.end else Window(self.start, end, "custom")

    def through(self, day: dt.date) -> Window:
        """The window cut to end on ``day`` (a custom window unless nothing is cut)."""
        if day >= self.end:
            return self
        return Window(self.start, day, "custom")

    def months(self) -> list[str]:
        """The ``YYYY-MM`` months the window touches, in order."""
        out: list[str] = []
        day = self.start.replace(day=1)
        while day <= self.end:
            out.append(f"{day:%Y-%m}")
            day = (day + dt.timedelta(days=32)).replace(day=1)
        return out


PeriodLike = Period | Window | str | tuple[dt.date, dt.date]
"""What analyses accept as a period: a model :class:`~partnerkit.model.Period`, a
:class:`Window`, ``"2026-10"`` / ``"2026-Q4"``, or a ``(first day, last day)`` pair."""


def resolve_window(period: PeriodLike, *, on: dt.date | None = None) -> Window:
    """Turn any accepted period into a :class:`Window`.

    Args:
        period: A model ``Period``, a ``Window``, ``"YYYY-MM"``, ``"YYYY-Qn"`` or a
            ``(first, last)`` pair of dates.
        on: For a recurring period (``every: month``), a day that picks the occurrence.

    Returns:
        The window.

    Raises:
        ConfigurationError: The text is not a month or quarter, or a recurring period
            was given without ``on`` (or ``on`` falls outside its limits).
    """
    if isinstance(period, Window):
        return period
    if isinstance(period, tuple):
        start, end = period
        return Window(start, end, "custom")
    if isinstance(period, str):
        text = period.strip()
        if _MONTH.match(text):
            return Window.month(text)
        if _QUARTER.match(text):
            return Window.quarter(text)
        raise ConfigurationError(
            f"{period!r} is not a period: write a month (2026-10), a quarter (2026-Q4), or "
            f"pass (first_day, last_day)"
        )
    if period.month is not None:
        return Window.month(period.month)
    if period.quarter is not None:
        return Window.quarter(period.quarter)
    if period.every is None:
        assert period.start is not None
        assert period.end is not None
        return Window(period.start, period.end, "custom")
    if on is None:
        raise ConfigurationError(
            f"the period '{period}' recurs; say which occurrence (a day in it) to compute"
        )
    bounds = period.occurrence(on)
    if bounds is None:
        raise ConfigurationError(f"{on} is outside the recurring period '{period}'")
    return Window(bounds[0], bounds[1], period.every)


_QUARTER_TEXT = re.compile(r"^(\d{4})\s*-?\s*[Qq]\s*(\d+)$")


def parse_quarter(text: str) -> Window:
    """A calendar quarter written ``2026Q4`` (or ``2026-Q4``, ``2026-q4``) as a window.

    Args:
        text: The quarter: the year, then ``Q`` and the quarter's number.

    Returns:
        The quarter's window (its first to its last day).

    Raises:
        PeriodError: The text is not a quarter (``problem="format"``), or its number is
            not 1 to 4 (``problem="quarter_number"``: ``2026Q5``); the message says
            what to write.

    Examples:
        >>> parse_quarter("2026Q4").label
        '2026-Q4'
    """
    match = _QUARTER_TEXT.match(str(text).strip())
    if match is None:
        raise PeriodError(str(text), kind="quarter", problem="format", example="2026Q4")
    year, number = int(match[1]), int(match[2])
    if not 1 <= number <= 4:
        raise PeriodError(str(text), kind="quarter", problem="quarter_number", example=f"{year}Q4")
    return Window.quarter(f"{year}-Q{number}")


def month_windows(window: Window) -> list[Window]:
    """The calendar months a window touches, each cut to the window."""
    out = []
    for month in window.months():
        whole = Window.month(month)
        start, end = max(whole.start, window.start), min(whole.end, window.end)
        out.append(whole if (start, end) == (whole.start, whole.end) else Window(start, end))
    return out


def month_start(day: dt.date) -> dt.date:
    """The first day of the month of ``day``."""
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    """The last day of the month of ``day``."""
    return Window.month(day).end


def add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after (negative: before) the month of ``day``."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def zone(name: str) -> ZoneInfo:
    """Return the :class:`~zoneinfo.ZoneInfo` of an IANA name.

    Raises:
        ConfigurationError: The name is not a known time zone.
    """
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigurationError(f"unknown time zone {name!r}") from None


def today_in(tz: str) -> dt.date:
    """Today's date in a time zone."""
    return dt.datetime.now(zone(tz)).date()


def last_day_counted(window: Window, as_of: AsOf | None, tz: str) -> dt.date:
    """The last day of a window an analysis counts, as of a day.

    The day of ``as_of`` in ``tz``, at most the window's last day; without ``as_of``,
    the window's last day, or yesterday in ``tz`` when that is earlier (today is not
    over). It may fall before the window's first day: nothing is counted yet.
    """
    if as_of is not None:
        return min(as_of_day(as_of, tz), window.end)
    return min(window.end, today_in(tz) - dt.timedelta(days=1))


def utc_bounds(window: Window, tz: str) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants where a window starts and ends (exclusive) in a time zone.

    Local midnights are resolved with :mod:`zoneinfo`, so a window that contains a
    DST change is 23 or 25 hours longer or shorter than ``days × 24`` hours, as it is.
    """
    tzinfo = zone(tz)
    first = dt.datetime.combine(window.start, dt.time(0), tzinfo)
    after = dt.datetime.combine(window.end + dt.timedelta(days=1), dt.time(0), tzinfo)
    return first.astimezone(dt.UTC), after.astimezone(dt.UTC)


def _tz_literal(tz: str) -> str:
    zone(tz)  # validated: a known zone name
    return text(tz)


def window_sql(expr: str, window: Window, tz: str, *, timestamp: bool) -> str:
    """A SQL predicate: the date or timestamp ``expr`` falls in the window.

    A timestamp is compared with the window's UTC bounds (no per-row conversion); a
    date with its first and last day.

    Args:
        expr: The SQL expression (a quoted column).
        window: The window, in the workspace's calendar.
        tz: The workspace's time zone.
        timestamp: True for a ``TIMESTAMPTZ`` expression, False for a ``DATE``.
    """
    if timestamp:
        first, after = utc_bounds(window, tz)
        return f"({expr} >= {timestamp_literal(first)} AND {expr} < {timestamp_literal(after)})"
    return f"({expr} BETWEEN {date_literal(window.start)} AND {date_literal(window.end)})"


def local_day_sql(expr: str, tz: str, *, timestamp: bool) -> str:
    """A SQL expression for the local calendar day of a date or timestamp ``expr``.

    Never relies on the DuckDB session's ``TimeZone`` setting.
    """
    if not timestamp:
        return f"CAST({expr} AS DATE)"
    return f"CAST(timezone({_tz_literal(tz)}, {expr}) AS DATE)"


def local_month_sql(expr: str, tz: str, *, timestamp: bool) -> str:
    """A SQL expression for the first day of the local month of ``expr`` (a ``DATE``)."""
    return f"CAST(date_trunc('month', {local_day_sql(expr, tz, timestamp=timestamp)}) AS DATE)"
