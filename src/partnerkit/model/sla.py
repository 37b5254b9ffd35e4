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
from typing import Annotated, Any, Literal, Self

from pydantic import AfterValidator, Field, PrivateAttr, field_validator, model_validator

from partnerkit.model._base import (
    Cadence,
    Duration,
    Identifier,
    Share,
    Side,
    TimeZoneName,
    Weekday,
    _Model,
    did_you_mean,
    unique_weekdays,
)

__all__ = ["SLA", "BusinessCalendar", "Holiday", "PublicHolidays", "SLAKind", "WorkingHours"]

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


class PublicHolidays(_Model):
    """A country's public holidays, from the ``holidays`` package, as days off.

    Written ``public_holidays: IL`` or ``{country: IL, subdivision: ..., categories:
    [public, optional]}``. The days are the ones the installed ``holidays`` release
    gives (``uv.lock`` pins it, so a report re-run gives the same figures); a day the
    two sides agree otherwise is added with ``holidays:`` or removed with
    ``working_on:`` on the calendar.

    Attributes:
        country: ISO 3166-1 alpha-2 code, e.g. ``IL``, ``TH``, ``US``.
        subdivision: A subdivision the package knows for that country (a state,
            a province), when holidays differ by region.
        categories: The package's holiday categories to take (``public`` by default;
            e.g. ``optional``, ``bank``, ``government`` where a country has them).
    """

    country: str
    subdivision: str | None = None
    categories: list[str] = Field(default_factory=lambda: ["public"], min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _bare_country(cls, data: Any) -> Any:
        return {"country": data} if isinstance(data, str) else data

    @field_validator("country")
    @classmethod
    def _known_country(cls, value: str) -> str:
        code = value.upper()
        alpha2 = [c for c in _supported() if len(c) == 2]
        if code not in alpha2:
            raise ValueError(
                f"the holidays package knows no country {value!r}: use an ISO 3166-1 "
                f"alpha-2 code{did_you_mean(code, alpha2)}"
            )
        return code

    @model_validator(mode="after")
    def _known_parts(self) -> Self:
        subdivisions = _supported()[self.country]
        if self.subdivision is not None and self.subdivision not in subdivisions:
            known = ", ".join(subdivisions[:12]) or "none"
            raise ValueError(
                f"{self.country} has no subdivision {self.subdivision!r} in the holidays "
                f"package (known: {known}){did_you_mean(self.subdivision, subdivisions)}"
            )
        known_categories = _categories(self.country)
        for category in self.categories:
            if category not in known_categories:
                raise ValueError(
                    f"{self.country} has no holiday category {category!r} "
                    f"(known: {', '.join(sorted(known_categories))})"
                )
        return self

    def days(self, year: int) -> dict[dt.date, str]:
        """The public holidays of one year, by day, with their names."""
        import holidays

        found = holidays.country_holidays(
            self.country, subdiv=self.subdivision, years=year, categories=self.categories
        )
        return {day: str(name) for day, name in sorted(found.items())}


def _supported() -> dict[str, list[str]]:
    import holidays

    return {code: list(parts) for code, parts in holidays.list_supported_countries().items()}


def _categories(country: str) -> frozenset[str]:
    import holidays

    return frozenset(getattr(holidays.country_holidays(country), "supported_categories", ()))


class BusinessCalendar(_Model):
    """When the two sides work: the clock SLAs count in.

    A Sunday–Thursday week is ``working_days: [sunday, monday, tuesday, wednesday,
    thursday]``. Days off are the country's public holidays (``public_holidays``, from
    the ``holidays`` package) plus the days listed in ``holidays``, minus the days in
    ``working_on``.

    Attributes:
        timezone: IANA time zone; the workspace's when left out.
        working_days: The working days (Monday–Friday by default).
        hours: The working hours of each working day.
        public_holidays: A country (and subdivision) whose public holidays are days off.
        holidays: Days off besides the public holidays, as dates or ``{date, name}``.
        working_on: Public holidays the two sides work anyway (each must be one).
    """

    timezone: TimeZoneName | None = None
    working_days: Annotated[list[Weekday], AfterValidator(unique_weekdays)] = Field(
        default_factory=lambda: list(_MONDAY_TO_FRIDAY), min_length=1
    )
    hours: WorkingHours = Field(default_factory=WorkingHours)
    public_holidays: PublicHolidays | None = None
    holidays: list[Holiday] = Field(default_factory=list)
    working_on: list[dt.date] = Field(default_factory=list)
    _years: dict[int, dict[dt.date, str | None]] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _unique_holidays(self) -> Self:
        seen: set[dt.date] = set()
        for h in self.holidays:
            if h.date in seen:
                raise ValueError(f"holiday {h.date} is listed twice")
            seen.add(h.date)
        for day in self.working_on:
            public = self.public_holidays.days(day.year) if self.public_holidays else {}
            if day not in public:
                raise ValueError(
                    f"working_on {day} is not a public holiday of the calendar: list only "
                    "days that public_holidays would make days off"
                )
        return self

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The time zone (UTC when neither the calendar nor a workspace set one)."""
        return zoneinfo.ZoneInfo(self.timezone or "UTC")

    def days_off(self, year: int) -> dict[dt.date, str | None]:
        """The year's days off (public holidays, listed days, less ``working_on``), with names."""
        cached = self._years.get(year)
        if cached is None:
            days: dict[dt.date, str | None] = {}
            if self.public_holidays is not None:
                days.update(self.public_holidays.days(year))
            days.update({h.date: h.name for h in self.holidays if h.date.year == year})
            for day in self.working_on:
                days.pop(day, None)
            cached = self._years[year] = dict(sorted(days.items()))
        return cached

    def holidays_between(self, first: dt.date, last: dt.date) -> dict[dt.date, str | None]:
        """The days off from ``first`` to ``last``, both included, with their names."""
        return {
            day: name
            for year in range(first.year, last.year + 1)
            for day, name in self.days_off(year).items()
            if first <= day <= last
        }

    def is_holiday(self, day: dt.date) -> bool:
        """True when ``day`` is a day off (a public or listed holiday not worked)."""
        return day in self.days_off(day.year)

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
        leads: For a ``lead_follow_up`` term, the leads it covers by the lead agreement
            (:class:`~partnerkit.model.LeadDefinition`): ``sales_ready`` or ``nurture``;
            every lead when left out.
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
    leads: Literal["sales_ready", "nurture"] | None = None

    @model_validator(mode="after")
    def _terms_fit_kind(self) -> Self:
        kind = self.kind
        if self.leads is not None and kind is not SLAKind.LEAD_FOLLOW_UP:
            raise ValueError(f"a {kind.value} term takes no 'leads' (lead_follow_up terms do)")
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
