"""SLA terms and the business calendar they are measured on.

This module only describes the terms; measuring compliance in business time is the
job of :mod:`partnerkit.analysis`.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Self

from pydantic import AfterValidator, Field, model_validator

from partnerkit.model._base import (
    Cadence,
    Duration,
    Identifier,
    Share,
    Side,
    TimeZoneName,
    Weekday,
    _Model,
    unique_weekdays,
)

__all__ = ["SLA", "BusinessCalendar", "Holiday", "SLAKind", "WorkingHours"]

_MONDAY_TO_FRIDAY = [
    Weekday.MONDAY,
    Weekday.TUESDAY,
    Weekday.WEDNESDAY,
    Weekday.THURSDAY,
    Weekday.FRIDAY,
]
_HOURS_RE = re.compile(r"^\s*(\d{1,2}:\d{2})\s*[-–]\s*(\d{1,2}:\d{2})\s*$")


def _pad_time(value: Any) -> Any:
    if isinstance(value, str) and re.fullmatch(r"\d:\d{2}", value.strip()):
        return "0" + value.strip()
    return value


class WorkingHours(_Model):
    """The working hours of a working day, in the calendar's time zone.

    Written as ``{start: "09:00", end: "18:00"}`` or ``"09:00-18:00"``.

    Attributes:
        start: When the working day starts.
        end: When it ends (after ``start``; overnight shifts are not supported).
    """

    start: dt.time = dt.time(9, 0)
    end: dt.time = dt.time(17, 0)

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if isinstance(data, str):
            match = _HOURS_RE.match(data)
            if match is None:
                raise ValueError("is written start-end, e.g. '09:00-18:00'")
            return {"start": _pad_time(match[1]), "end": _pad_time(match[2])}
        if isinstance(data, dict):
            return {k: _pad_time(v) for k, v in data.items()}
        return data

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end <= self.start:
            raise ValueError(
                f"the working day ends ({self.end:%H:%M}) before it starts ({self.start:%H:%M})"
            )
        return self

    @property
    def length(self) -> dt.timedelta:
        """The length of a working day."""
        today = dt.date(2000, 1, 1)
        return dt.datetime.combine(today, self.end) - dt.datetime.combine(today, self.start)


class Holiday(_Model):
    """A day off. A bare date in the list is accepted too.

    Attributes:
        date: The day.
        name: What it is, e.g. "Rosh Hashanah".
    """

    date: dt.date
    name: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _bare_date(cls, data: Any) -> Any:
        return {"date": data} if isinstance(data, dt.date | str) else data


class BusinessCalendar(_Model):
    """When the two sides work: the clock SLAs count in.

    A Sunday–Thursday week is ``working_days: [sunday, monday, tuesday, wednesday,
    thursday]``.

    Attributes:
        timezone: IANA time zone; the workspace's when left out.
        working_days: The working days (Monday–Friday by default).
        hours: The working hours of each working day.
        holidays: Days off, as dates or ``{date, name}``.
    """

    timezone: TimeZoneName | None = None
    working_days: Annotated[list[Weekday], AfterValidator(unique_weekdays)] = Field(
        default_factory=lambda: list(_MONDAY_TO_FRIDAY), min_length=1
    )
    hours: WorkingHours = Field(default_factory=WorkingHours)
    holidays: list[Holiday] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_holidays(self) -> Self:
        seen: set[dt.date] = set()
        for h in self.holidays:
            if h.date in seen:
                raise ValueError(f"holiday {h.date} is listed twice")
            seen.add(h.date)
        return self

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The time zone (UTC when neither the calendar nor a workspace set one)."""
        return zoneinfo.ZoneInfo(self.timezone or "UTC")

    def is_holiday(self, day: dt.date) -> bool:
        """True when ``day`` is in the holiday list."""
        return any(h.date == day for h in self.holidays)

    def is_working_day(self, day: dt.date) -> bool:
        """True when ``day`` is a working weekday and not a holiday."""
        return Weekday.of(day) in self.working_days and not self.is_holiday(day)

    def is_working_time(self, moment: dt.datetime) -> bool:
        """True when a timezone-aware moment falls in working hours of a working day.

        Raises:
            ValueError: ``moment`` is naive (it must carry a time zone).
        """
        if moment.tzinfo is None:
            raise ValueError("is_working_time() needs a timezone-aware datetime")
        local = moment.astimezone(self.zone)
        return (
            self.is_working_day(local.date())
            and self.hours.start <= local.time().replace(tzinfo=None) < self.hours.end
        )

    def next_working_day(self, day: dt.date) -> dt.date:
        """Return the first working day after ``day``."""
        nxt = day + dt.timedelta(days=1)
        for _ in range(3660):
            if self.is_working_day(nxt):
                return nxt
            nxt += dt.timedelta(days=1)
        raise ValueError("no working day in ten years: check the calendar")  # pragma: no cover

    def working_days_in(self, start: dt.date, end: dt.date) -> list[dt.date]:
        """List the working days from ``start`` to ``end``, both included."""
        out = []
        day = start
        while day <= end:
            if self.is_working_day(day):
                out.append(day)
            day += dt.timedelta(days=1)
        return out


class SLAKind(StrEnum):
    """What an SLA term measures."""

    RESPONSE_TIME = "response_time"
    """Time to answer a message or request (``threshold``)."""
    DELIVERABLE_TURNAROUND = "deliverable_turnaround"
    """Time from a brief or a review request to the delivered draft (``threshold``)."""
    REPORT_DELIVERY = "report_delivery"
    """A report delivered by its due date (a ``deliverable``'s due rule, or ``threshold``)."""
    LEAD_FOLLOW_UP = "lead_follow_up"
    """Time from a lead's creation to its first touch (``threshold``)."""
    MEETING_CADENCE = "meeting_cadence"
    """Meetings held as often as agreed (``cadence``)."""
    CUSTOM = "custom"
    """Anything else, with a ``threshold`` or a ``cadence`` and a description."""


class SLA(_Model):
    """One term of the service-level agreement.

    Attributes:
        id: How reports refer to it.
        kind: What it measures.
        name: A display name.
        description: The term in words, as agreed.
        owner: The side that must meet it.
        threshold: The longest allowed time (``{business_hours: 4}``).
        cadence: How often (``weekly``) for a meeting cadence.
        deliverable: Id of the contract deliverable whose due rule a report follows.
        attainment: The share of cases that must meet the term (0.9 or ``"90%"``).
    """

    id: Identifier
    kind: SLAKind
    name: str | None = None
    description: str | None = None
    owner: Side = Side.PARTNER
    threshold: Duration | None = None
    cadence: Cadence | None = None
    deliverable: Identifier | None = None
    attainment: Share = Decimal(1)

    @model_validator(mode="after")
    def _terms_fit_kind(self) -> Self:
        kind = self.kind
        if kind is SLAKind.MEETING_CADENCE:
            if self.cadence is None:
                raise ValueError("a meeting_cadence term needs 'cadence' (e.g. weekly)")
            if self.threshold is not None:
                raise ValueError("a meeting_cadence term takes 'cadence', not 'threshold'")
        elif kind is SLAKind.REPORT_DELIVERY:
            if (self.deliverable is None) == (self.threshold is None):
                raise ValueError(
                    "a report_delivery term needs one of 'deliverable' (the contract "
                    "deliverable whose due rule applies) or 'threshold'"
                )
        elif kind is SLAKind.CUSTOM:
            if self.threshold is None and self.cadence is None:
                raise ValueError("a custom term needs 'threshold' or 'cadence'")
        elif self.threshold is None:
            raise ValueError(f"a {kind.value} term needs 'threshold' (e.g. {{business_hours: 4}})")
        if kind not in (SLAKind.MEETING_CADENCE, SLAKind.CUSTOM) and self.cadence is not None:
            raise ValueError(f"a {kind.value} term takes no 'cadence'")
        if kind not in (
            SLAKind.REPORT_DELIVERY,
            SLAKind.DELIVERABLE_TURNAROUND,
            SLAKind.CUSTOM,
        ) and (self.deliverable is not None):
            raise ValueError(f"a {kind.value} term takes no 'deliverable'")
        return self
