"""Business time: working time between two moments, deadlines and due dates.

Everything here is pure arithmetic on a :class:`~partnerkit.model.BusinessCalendar`
(working days, working hours, holidays, time zone); :mod:`partnerkit.analysis.sla`
measures SLA terms with it.

The rule, in one sentence: **only time inside the working hours of a working day
counts**, where "day" and "hours" are read in the calendar's time zone. So:

* a lead created on Thursday at 17:59 (hours 09:00–18:00, Sunday–Thursday week) has
  used 1 minute of business time by Thursday's close and nothing more until Sunday
  09:00 (Monday, when Sunday is a holiday);
* an answer at 09:00 on the next working day is at the same business time as one at
  18:00 the day before: the night does not count;
* ``{business_days: n}`` is ``n`` working days' worth of working time
  (``n × the length of the working day``), so a request at 11:00 is due at 11:00
  ``n`` working days later;
* calendar units (``minutes``, ``hours``, ``days``) count real elapsed time, across
  nights, weekends and daylight-saving changes.

For columnar use, :meth:`BusinessClock.table` lays the calendar out as one row per
day with the cumulative working time before it: the working time up to a moment ``t``
is then ``before(day of t) + clamp(t − opens_at, 0, length)`` — one join and one
expression over a whole column of timestamps (see ``docs/analysis/sla.md``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import TYPE_CHECKING

from partnerkit.model import BusinessCalendar, Deliverable, Duration, month_bounds, quarter_bounds

if TYPE_CHECKING:
    import zoneinfo

    import pyarrow as pa

__all__ = ["BusinessClock", "Occurrence"]

_UTC = dt.UTC
_MAX_DAYS = 3660  # ten years: a calendar with no working day in that span is broken
_ONE_DAY = dt.timedelta(days=1)


def _aware(moment: dt.datetime, what: str) -> dt.datetime:
    """The moment in UTC (arithmetic between two datetimes of one zone is wall-clock time)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware (got the naive {moment.isoformat()})")
    return moment.astimezone(_UTC)


@dataclass(frozen=True)
class Occurrence:
    """One due occurrence of a recurring deliverable.

    Attributes:
        key: The occurrence's name: its due period (``2026-10``, ``2026-Q4``,
            ``2026``), or its due date for weekly and one-off deliverables.
        period_start: First day of the due period.
        period_end: Last day of the due period.
        due: The due date (delivery at any time that day, in the calendar's time
            zone, is on time).
    """

    key: str
    period_start: dt.date
    period_end: dt.date
    due: dt.date


class BusinessClock:
    """Working-time arithmetic on one business calendar.

    Args:
        calendar: The calendar (its ``timezone`` is used; UTC when it has none).
    """

    def __init__(self, calendar: BusinessCalendar) -> None:
        self.calendar = calendar
        self._weekdays = frozenset(d.number for d in calendar.working_days)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The calendar's time zone."""
        return self.calendar.zone

    @property
    def day_length(self) -> dt.timedelta:
        """The length of one working day (``hours.end − hours.start``)."""
        return self.calendar.hours.length

    # ------------------------------------------------------------------ days

    def is_working_day(self, day: dt.date) -> bool:
        """True when ``day`` is a working weekday and not a holiday."""
        return day.weekday() in self._weekdays and not self.calendar.is_holiday(day)

    def opening(self, day: dt.date) -> tuple[dt.datetime, dt.datetime] | None:
        """The working hours of a local day as UTC instants, or ``None`` on a day off."""
        if not self.is_working_day(day):
            return None
        hours = self.calendar.hours
        opens = dt.datetime.combine(day, hours.start, tzinfo=self.zone).astimezone(_UTC)
        closes = dt.datetime.combine(day, hours.end, tzinfo=self.zone).astimezone(_UTC)
        return opens, closes

    def local_day(self, moment: dt.datetime) -> dt.date:
        """The calendar day of a moment in the calendar's time zone."""
        return _aware(moment, "the moment").astimezone(self.zone).date()

    def working_days(self, first: dt.date, last: dt.date) -> list[dt.date]:
        """The working days from ``first`` to ``last``, both included."""
        count = (last - first).days + 1
        days = (first + dt.timedelta(days=i) for i in range(max(count, 0)))
        return [d for d in days if self.is_working_day(d)]

    def nth_working_day(self, first: dt.date, last: dt.date, n: int) -> dt.date:
        """The ``n``-th working day from ``first`` to ``last`` (``-1`` is the last one).

        When the span has fewer than ``|n|`` working days, the last (or, counting from
        the end, the first) working day is returned.

        Raises:
            ValueError: ``n`` is 0, or the span has no working day.
        """
        if n == 0:
            raise ValueError("working days are counted from 1 (or from -1 for the last)")
        days = self.working_days(first, last)
        if not days:
            raise ValueError(f"no working day from {first} to {last}: check the calendar")
        if n > 0:
            return days[min(n, len(days)) - 1]
        return days[max(len(days) + n, 0)]

    # ------------------------------------------------------------ working time

    def working_time(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """The working time from ``start`` to ``end`` (zero when ``end`` is not later).

        Raises:
            ValueError: A moment is naive.
        """
        start, end = _aware(start, "start"), _aware(end, "end")
        if end <= start:
            return dt.timedelta(0)
        total = dt.timedelta(0)
        day, last = self.local_day(start), self.local_day(end)
        while day <= last:
            hours = self.opening(day)
            if hours is not None:
                lo, hi = max(hours[0], start), min(hours[1], end)
                if hi > lo:
                    total += hi - lo
            day += _ONE_DAY
        return total

    def add(self, start: dt.datetime, amount: dt.timedelta) -> dt.datetime:
        """The earliest moment by which ``amount`` of working time has passed since ``start``.

        A deadline that falls exactly at a day's close is that close, not the next
        opening (both are the same business time).

        Raises:
            ValueError: A naive moment, a negative amount, or no working day for ten years.
        """
        zone = start.tzinfo
        start = _aware(start, "start")
        if amount < dt.timedelta(0):
            raise ValueError("the amount of working time must not be negative")
        if amount == dt.timedelta(0):
            return start.astimezone(zone)
        left = amount
        day = self.local_day(start)
        for _ in range(_MAX_DAYS):
            hours = self.opening(day)
            if hours is not None and hours[1] > start:
                lo = max(hours[0], start)
                if hours[1] - lo >= left:
                    return (lo + left).astimezone(zone)
                left -= hours[1] - lo
            day += _ONE_DAY
        raise ValueError("no working day in ten years: check the calendar")  # pragma: no cover

    # ----------------------------------------------------------- thresholds

    def allowance(self, threshold: Duration) -> dt.timedelta:
        """The time a threshold allows, on its own clock (working time for business units).

        ``{business_days: n}`` allows ``n × day_length`` of working time; the result
        is rounded to the microsecond.
        """
        seconds = {
            "minutes": Decimal(60),
            "hours": Decimal(3600),
            "days": Decimal(86400),
            "business_hours": Decimal(3600),
            "business_days": Decimal(self.day_length.total_seconds()),
        }[threshold.unit]
        micro = (threshold.value * seconds * 1_000_000).to_integral_value(ROUND_HALF_EVEN)
        return dt.timedelta(microseconds=int(micro))

    def elapsed(self, start: dt.datetime, end: dt.datetime, threshold: Duration) -> dt.timedelta:
        """The time from ``start`` to ``end`` on the threshold's clock (never negative)."""
        if threshold.is_business:
            return self.working_time(start, end)
        return max(_aware(end, "end") - _aware(start, "start"), dt.timedelta(0))

    def deadline(self, start: dt.datetime, threshold: Duration) -> dt.datetime:
        """The moment a threshold runs out for something that started at ``start``."""
        if threshold.is_business:
            return self.add(start, self.allowance(threshold))
        return (_aware(start, "start") + self.allowance(threshold)).astimezone(start.tzinfo)

    def within(self, start: dt.datetime, end: dt.datetime, threshold: Duration) -> bool:
        """True when ``end`` comes no later than the threshold allows after ``start``."""
        return self.elapsed(start, end, threshold) <= self.allowance(threshold)

    # -------------------------------------------------------------- due dates

    def occurrences(
        self, deliverable: Deliverable, first: dt.date, last: dt.date
    ) -> list[Occurrence]:
        """The occurrences of a deliverable whose due date falls from ``first`` to ``last``.

        ``business_day`` counts working days of the period on this calendar;
        ``day_of_month`` past a month's end falls on its last day; a weekly
        deliverable's period is the seven days ending on its due day.
        """
        rule = deliverable.due
        out: list[Occurrence] = []
        if deliverable.every == "once":
            assert rule.date is not None
            return [Occurrence(rule.date.isoformat(), rule.date, rule.date, rule.date)]
        if deliverable.every == "week":
            assert rule.weekday is not None
            day = first + dt.timedelta(days=(rule.weekday.number - first.weekday()) % 7)
            while day <= last:
                out.append(Occurrence(day.isoformat(), day - dt.timedelta(days=6), day, day))
                day += dt.timedelta(days=7)
            return out
        for key, lo, hi in _periods(deliverable.every, first, last):
            if rule.business_day is not None:
                due = self.nth_working_day(lo, hi, rule.business_day)
            else:
                assert rule.day_of_month is not None
                n = rule.day_of_month
                length = hi.day
                due = lo.replace(day=min(n, length) if n > 0 else max(length + n + 1, 1))
            if first <= due <= last:
                out.append(Occurrence(key, lo, hi, due))
        return out

    # ------------------------------------------------------------- columnar

    def table(self, first: dt.date, last: dt.date) -> pa.Table:
        """The calendar from ``first`` to ``last`` as a table, one row per local day.

        Columns: ``day`` (date), ``working`` (bool), ``opens_at`` / ``closes_at``
        (UTC timestamps, null on days off), ``length_us`` (working microseconds that
        day) and ``before_us`` (working microseconds from ``first`` up to the day's
        start). The working time up to a moment ``t`` on local day ``d`` is
        ``before_us(d) + clamp(t − opens_at(d), 0, length_us(d))``, and between two
        moments it is the difference of that.
        """
        import pyarrow as pa

        days, working, opens, closes, lengths, before = [], [], [], [], [], []
        total = 0
        day = first
        while day <= last:
            hours = self.opening(day)
            length = 0 if hours is None else _micro(hours[1] - hours[0])
            days.append(day)
            working.append(hours is not None)
            opens.append(None if hours is None else hours[0])
            closes.append(None if hours is None else hours[1])
            lengths.append(length)
            before.append(total)
            total += length
            day += _ONE_DAY
        stamp = pa.timestamp("us", tz="UTC")
        return pa.table(
            {
                "day": pa.array(days, pa.date32()),
                "working": pa.array(working, pa.bool_()),
                "opens_at": pa.array(opens, stamp),
                "closes_at": pa.array(closes, stamp),
                "length_us": pa.array(lengths, pa.int64()),
                "before_us": pa.array(before, pa.int64()),
            }
        )


def _micro(delta: dt.timedelta) -> int:
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def _periods(every: str, first: dt.date, last: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """The months, quarters or years (key, first day, last day) overlapping a span."""
    out = []
    year, month = first.year, first.month
    if every == "quarter":
        month = 3 * ((month - 1) // 3) + 1
    elif every == "year":
        month = 1
    step = {"month": 1, "quarter": 3, "year": 12}[every]
    while dt.date(year, month, 1) <= last:
        if every == "month":
            key = f"{year}-{month:02d}"
            lo, hi = month_bounds(key)
        elif every == "quarter":
            key = f"{year}-Q{(month - 1) // 3 + 1}"
            lo, hi = quarter_bounds(key)
        else:
            key = str(year)
            lo, hi = dt.date(year, 1, 1), dt.date(year, 12, 31)
        out.append((key, lo, hi))
        month += step
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return out
