"""The business calendar and SLA terms (the model only; no business-time arithmetic)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from partnerkit.model import SLA, BusinessCalendar, Cadence, Duration, SLAKind, Weekday

SUN_THU = ["sunday", "monday", "tuesday", "wednesday", "thursday"]


@pytest.fixture
def israel() -> BusinessCalendar:
    return BusinessCalendar.model_validate(
        {
            "timezone": "Asia/Jerusalem",
            "working_days": SUN_THU,
            "hours": "09:00-17:00",
            "holidays": [dt.date(2026, 9, 21), {"date": "2026-09-22", "name": "Day after"}],
        }
    )


def test_sunday_to_thursday_week(israel: BusinessCalendar) -> None:
    # 2026-03-01 is a Sunday; that week runs to Saturday 2026-03-07.
    week = [dt.date(2026, 3, 1) + dt.timedelta(days=i) for i in range(7)]
    assert [israel.is_working_day(d) for d in week] == [True, True, True, True, True, False, False]
    assert israel.working_days_in(week[0], week[-1]) == week[:5]


def test_holidays(israel: BusinessCalendar) -> None:
    assert not israel.is_working_day(dt.date(2026, 9, 21))  # Monday, Yom Kippur
    assert israel.is_holiday(dt.date(2026, 9, 22))
    assert israel.holidays[1].name == "Day after"
    # Thursday 2026-09-17 -> Sunday 2026-09-20 (Fri, Sat off)
    assert israel.next_working_day(dt.date(2026, 9, 17)) == dt.date(2026, 9, 20)
    # Sunday 2026-09-20 -> Wednesday 2026-09-23 (Mon, Tue holidays)
    assert israel.next_working_day(dt.date(2026, 9, 20)) == dt.date(2026, 9, 23)


def test_working_time_in_the_calendar_zone(israel: BusinessCalendar) -> None:
    # 06:30 UTC on Sunday 2026-03-01 is 08:30 in Jerusalem (UTC+2): before hours.
    assert not israel.is_working_time(dt.datetime(2026, 3, 1, 6, 30, tzinfo=dt.UTC))
    # 07:00 UTC is 09:00 local: the first working minute.
    assert israel.is_working_time(dt.datetime(2026, 3, 1, 7, 0, tzinfo=dt.UTC))
    # 17:00 local is the end: not working time any more.
    assert not israel.is_working_time(
        dt.datetime(2026, 3, 1, 17, 0, tzinfo=ZoneInfo("Asia/Jerusalem"))
    )
    # 23:30 UTC Thursday is 01:30 Friday local.
    assert not israel.is_working_time(dt.datetime(2026, 3, 5, 23, 30, tzinfo=dt.UTC))
    with pytest.raises(ValueError, match="timezone-aware"):
        israel.is_working_time(dt.datetime(2026, 3, 1, 10, 0))


def test_defaults_are_monday_to_friday_nine_to_five() -> None:
    cal = BusinessCalendar()
    assert cal.working_days == [
        Weekday.MONDAY,
        Weekday.TUESDAY,
        Weekday.WEDNESDAY,
        Weekday.THURSDAY,
        Weekday.FRIDAY,
    ]
    assert (cal.hours.start, cal.hours.end) == (dt.time(9), dt.time(17))
    assert cal.hours.length == dt.timedelta(hours=8)
    assert cal.zone == ZoneInfo("UTC")


def test_weekday_abbreviations() -> None:
    cal = BusinessCalendar.model_validate({"working_days": ["Sun", "mon", "TUE"]})
    assert cal.working_days == [Weekday.SUNDAY, Weekday.MONDAY, Weekday.TUESDAY]
    assert Weekday.of(dt.date(2026, 3, 1)) is Weekday.SUNDAY
    assert Weekday.SUNDAY.number == 6


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({"timezone": "Asia/Jerusalm"}, "Did you mean 'Asia/Jerusalem'?"),
        ({"timezone": "../etc/passwd"}, "unknown time zone"),
        ({"working_days": ["sunday", "sun"]}, "lists a day more than once"),
        ({"working_days": []}, "at least 1 item"),
        ({"working_days": ["funday"]}, "Input should be"),
        ({"hours": "18:00-09:00"}, "the working day ends (09:00) before it starts (18:00)"),
        ({"hours": "nine to five"}, "is written start-end"),
        ({"hours": {"start": "9am"}}, "Input should be in a valid time format"),
        ({"holidays": ["2026-01-01", "2026-01-01"]}, "holiday 2026-01-01 is listed twice"),
    ],
)
def test_bad_calendars(data: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ValidationError) as info:
        BusinessCalendar.model_validate(data)
    assert fragment in str(info.value)


@pytest.mark.parametrize(
    ("written", "value", "unit", "text"),
    [
        ({"business_hours": 4}, Decimal(4), "business_hours", "4 business hours"),
        ({"business_days": 1}, Decimal(1), "business_days", "1 business day"),
        ("2 business days", Decimal(2), "business_days", "2 business days"),
        ("1.5 hours", Decimal("1.5"), "hours", "1.5 hours"),
        ("30 minutes", Decimal(30), "minutes", "30 minutes"),
        ({"value": 3, "unit": "days"}, Decimal(3), "days", "3 days"),
    ],
)
def test_durations(written: Any, value: Decimal, unit: str, text: str) -> None:
    duration = Duration.model_validate(written)
    assert (duration.value, duration.unit, str(duration)) == (value, unit, text)


def test_duration_conversion() -> None:
    assert Duration.model_validate("90 minutes").as_timedelta() == dt.timedelta(minutes=90)
    assert Duration.model_validate({"days": 2}).as_timedelta() == dt.timedelta(days=2)
    with pytest.raises(ValueError, match="counts working time"):
        Duration.model_validate({"business_days": 2}).as_timedelta()


@pytest.mark.parametrize(
    ("written", "fragment"),
    [
        (
            {"busines_hours": 4},
            "unknown duration unit 'busines_hours'. Did you mean 'business_hours'?",
        ),
        ("four hours", "is not a duration"),
        ({"hours": 0}, "greater than 0"),
        ({"hours": -1}, "greater than 0"),
    ],
)
def test_bad_durations(written: Any, fragment: str) -> None:
    with pytest.raises(ValidationError) as info:
        Duration.model_validate(written)
    assert fragment in str(info.value)


@pytest.mark.parametrize(
    ("written", "every", "interval", "text"),
    [
        ("weekly", "week", 1, "every week"),
        ("biweekly", "week", 2, "every 2 weeks"),
        ("Monthly", "month", 1, "every month"),
        ({"every": "quarter"}, "quarter", 1, "every quarter"),
        ({"every": "week", "interval": 3}, "week", 3, "every 3 weeks"),
    ],
)
def test_cadences(written: Any, every: str, interval: int, text: str) -> None:
    cadence = Cadence.model_validate(written)
    assert (cadence.every, cadence.interval, str(cadence)) == (every, interval, text)


def test_bad_cadence() -> None:
    with pytest.raises(ValidationError, match="is not a cadence"):
        Cadence.model_validate("daily")


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "response_time", "threshold": {"business_hours": 4}, "attainment": "95%"},
        {"kind": "deliverable_turnaround", "threshold": "3 business days"},
        {"kind": "report_delivery", "deliverable": "monthly-report"},
        {"kind": "report_delivery", "threshold": {"business_days": 5}},
        {"kind": "lead_follow_up", "threshold": {"hours": 1}, "owner": "in_house"},
        {"kind": "meeting_cadence", "cadence": "biweekly"},
        {"kind": "custom", "cadence": "monthly", "description": "Quarterly account review"},
        {"kind": "custom", "threshold": {"days": 10}},
    ],
)
def test_valid_sla_terms(data: dict[str, Any]) -> None:
    sla = SLA.model_validate({"id": "x", **data})
    assert sla.kind is SLAKind(data["kind"])


def test_attainment_share() -> None:
    assert SLA.model_validate(
        {"id": "x", "kind": "meeting_cadence", "cadence": "weekly", "attainment": "90%"}
    ).attainment == Decimal("0.9")
    assert SLA.model_validate(
        {"id": "x", "kind": "meeting_cadence", "cadence": "weekly", "attainment": 0.75}
    ).attainment == Decimal("0.75")
    with pytest.raises(
        ValidationError, match=r"is a share between 0 and 1 \(0.9 means 90%\); write 0.9"
    ):
        SLA.model_validate(
            {"id": "x", "kind": "meeting_cadence", "cadence": "weekly", "attainment": 90}
        )


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({"kind": "meeting_cadence"}, "needs 'cadence'"),
        (
            {"kind": "meeting_cadence", "cadence": "weekly", "threshold": "1 hours"},
            "not 'threshold'",
        ),
        ({"kind": "response_time"}, "a response_time term needs 'threshold'"),
        ({"kind": "lead_follow_up", "cadence": "weekly"}, "needs 'threshold'"),
        (
            {"kind": "response_time", "threshold": "1 hours", "cadence": "weekly"},
            "takes no 'cadence'",
        ),
        (
            {"kind": "response_time", "threshold": "1 hours", "deliverable": "r"},
            "takes no 'deliverable'",
        ),
        ({"kind": "report_delivery"}, "needs one of 'deliverable'"),
        ({"kind": "report_delivery", "deliverable": "r", "threshold": "1 days"}, "needs one of"),
        ({"kind": "custom"}, "a custom term needs 'threshold' or 'cadence'"),
        ({"kind": "uptime", "threshold": "1 hours"}, "Input should be 'response_time'"),
    ],
)
def test_sla_terms_fit_their_kind(data: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ValidationError) as info:
        SLA.model_validate({"id": "x", **data})
    assert fragment in str(info.value)


# ---------------------------------------------------------------- public holidays


def test_public_holidays_are_the_countrys_days_off() -> None:
    # Israel's holidays of autumn 2026 by the Hebrew calendar (5787): Rosh Hashanah
    # Sat 12 and Sun 13 Sep, Yom Kippur Mon 21 Sep, Sukkot Sat 26 Sep, Shemini Atzeret /
    # Simchat Torah Sat 3 Oct.
    israel = BusinessCalendar.model_validate({"working_days": SUN_THU, "public_holidays": "IL"})
    autumn = israel.holidays_between(dt.date(2026, 9, 1), dt.date(2026, 10, 31))
    assert sorted(autumn) == [
        dt.date(2026, 9, 12),
        dt.date(2026, 9, 13),
        dt.date(2026, 9, 21),
        dt.date(2026, 9, 26),
        dt.date(2026, 10, 3),
    ]
    assert autumn[dt.date(2026, 9, 21)] == "Yom Kippur"
    # Sunday 13 Sep is Rosh Hashanah, so Thursday 10 Sep is followed by Monday 14 Sep
    assert israel.next_working_day(dt.date(2026, 9, 10)) == dt.date(2026, 9, 14)
    assert israel.public_holidays is not None
    assert israel.public_holidays.country == "IL"
    assert israel.public_holidays.categories == ["public"]


def test_public_holidays_of_thailand() -> None:
    thailand = BusinessCalendar.model_validate({"public_holidays": {"country": "th"}})
    # Songkran, 13-15 April; the King's birthday, 28 July; Mother's Day, 12 August
    for day in (dt.date(2027, 4, 13), dt.date(2027, 4, 15), dt.date(2027, 7, 28)):
        assert thailand.is_holiday(day), day
    assert thailand.is_holiday(dt.date(2027, 8, 12))
    assert not thailand.is_holiday(dt.date(2027, 4, 20))


def test_the_workspace_adds_and_removes_days() -> None:
    calendar = BusinessCalendar.model_validate(
        {
            "working_days": SUN_THU,
            "public_holidays": {"country": "IL"},
            "holidays": [{"date": "2026-09-20", "name": "Agency retreat"}],
            "working_on": ["2026-09-13"],
        }
    )
    days = calendar.holidays_between(dt.date(2026, 9, 1), dt.date(2026, 9, 30))
    assert days == {
        dt.date(2026, 9, 12): "Rosh Hashanah",
        dt.date(2026, 9, 20): "Agency retreat",
        dt.date(2026, 9, 21): "Yom Kippur",
        dt.date(2026, 9, 26): "Sukkot",
    }
    assert calendar.is_working_day(dt.date(2026, 9, 13))  # a Sunday worked anyway
    assert not calendar.is_working_day(dt.date(2026, 9, 20))


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({"public_holidays": "ISR"}, "no country 'ISR'"),
        ({"public_holidays": "XX"}, "use an ISO 3166-1 alpha-2 code"),
        (
            {"public_holidays": {"country": "US", "subdivision": "Kalifornia"}},
            "US has no subdivision 'Kalifornia'",
        ),
        ({"public_holidays": {"country": "IL", "categories": ["bank"]}}, "no holiday category"),
        (
            {"public_holidays": "IL", "working_on": ["2026-09-14"]},
            "working_on 2026-09-14 is not a public holiday",
        ),
        ({"working_on": ["2026-09-21"]}, "working_on 2026-09-21 is not a public holiday"),
    ],
)
def test_bad_public_holidays(data: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ValidationError) as info:
        BusinessCalendar.model_validate(data)
    assert fragment in str(info.value)
