"""Business-time arithmetic on a Sunday–Thursday, 09:00–18:00 Asia/Jerusalem calendar.

September 2026: Thu 10 is the last working day before Rosh Hashanah (Sat 12 and Sun 13
are holidays; Fri 11 and Sat 12 are the weekend), so the next working day is Mon 14.
Israel leaves daylight-saving time on Sun 2026-10-25 (UTC+3 → UTC+2).
"""

import datetime as dt
import random
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from _row_builders import TZ, at

from partnerkit.analysis.business_time import BusinessClock, Occurrence
from partnerkit.model import BusinessCalendar, Deliverable, Duration

H = dt.timedelta(hours=1)
M = dt.timedelta(minutes=1)

CALENDAR = BusinessCalendar.model_validate(
    {
        "timezone": "Asia/Jerusalem",
        "working_days": ["sun", "mon", "tue", "wed", "thu"],
        "hours": "09:00-18:00",
        "holidays": ["2026-09-12", "2026-09-13", "2026-09-21", "2026-10-03"],
    }
)
CLOCK = BusinessClock(CALENDAR)


def d(text: str) -> Duration:
    return Duration.model_validate(text)


# ------------------------------------------------------------------ working time


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # Same working day: 10:00 → 12:30 is 2 h 30.
        ("2026-09-06 10:00", "2026-09-06 12:30", 2.5 * H),
        # Across the night: 17:00 → 18:00 Sunday (1 h) + 09:00 → 10:00 Monday (1 h).
        ("2026-09-06 17:00", "2026-09-07 10:00", 2 * H),
        # Starts on Saturday (not a working day): only Sunday 09:00 → 09:30 counts.
        ("2026-09-05 10:00", "2026-09-06 09:30", 30 * M),
        # Before opening: 07:00 → 09:00 Sunday is no working time at all.
        ("2026-09-06 07:00", "2026-09-06 09:00", dt.timedelta(0)),
        # 17:59 Thursday before the holiday weekend → 12:00 Friday: 1 minute.
        ("2026-09-10 17:59", "2026-09-11 12:00", M),
        # ... → Monday 10:59: 1 minute Thursday + 1 h 59 Monday = exactly 2 h.
        ("2026-09-10 17:59", "2026-09-14 10:59", 2 * H),
        # End before start: zero, never negative.
        ("2026-09-06 12:00", "2026-09-06 10:00", dt.timedelta(0)),
        # Across the DST change: Thu 22 Oct 17:00 → Sun 25 Oct 10:00 is 1 h + 1 h.
        ("2026-10-22 17:00", "2026-10-25 10:00", 2 * H),
    ],
)
def test_working_time(start: str, end: str, expected: dt.timedelta) -> None:
    assert CLOCK.working_time(at(start), at(end)) == expected


def test_the_holiday_weekend_boundary_deadline() -> None:
    lead = at("2026-09-10 17:59")
    two_hours = d("2 business hours")
    # 1 minute on Thursday, then Fri/Sat are the weekend, Sat 12 and Sun 13 holidays:
    # the other 119 minutes run Monday 09:00 → 10:59.
    assert CLOCK.deadline(lead, two_hours) == at("2026-09-14 10:59")
    assert CLOCK.within(lead, at("2026-09-14 10:59"), two_hours)
    assert not CLOCK.within(lead, at("2026-09-14 11:00"), two_hours)
    # An answer on the holiday itself is still within (1 minute used).
    assert CLOCK.within(lead, at("2026-09-13 15:00"), two_hours)


def test_a_deadline_landing_on_closing_time_is_the_close_not_the_next_opening() -> None:
    # 16:00 + 2 business hours = 18:00 the same day (the same business time as 09:00 next day).
    assert CLOCK.add(at("2026-09-06 16:00"), 2 * H) == at("2026-09-06 18:00")
    assert CLOCK.working_time(at("2026-09-06 16:00"), at("2026-09-07 09:00")) == 2 * H


def test_business_days_are_whole_working_days_of_working_time() -> None:
    # 1 business day = 9 h of working time: Thu 11:00 → Thu 18:00 (7 h) + Sun 09:00 → 11:00.
    assert CLOCK.allowance(d("1 business day")) == 9 * H
    assert CLOCK.deadline(at("2026-10-22 11:00"), d("1 business day")) == at("2026-10-25 11:00")
    # 1.5 business days = 13.5 h.
    assert CLOCK.allowance(d("1.5 business days")) == 13.5 * H


def test_calendar_units_count_real_time_across_dst() -> None:
    # Sat 24 Oct 12:00 (UTC+3) → Sun 25 Oct 11:30 (UTC+2) is 24.5 real hours,
    # though the wall clocks differ by 23.5.
    start, end = at("2026-10-24 12:00"), at("2026-10-25 11:30")
    assert CLOCK.elapsed(start, end, d("24 hours")) == 24.5 * H
    assert not CLOCK.within(start, end, d("24 hours"))
    assert CLOCK.deadline(start, d("1 day")) == at("2026-10-25 11:00")


def test_naive_moments_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        CLOCK.working_time(dt.datetime(2026, 9, 6, 10), at("2026-09-06 12:00"))


# --------------------------------------------------------------------- due dates


def test_nth_working_day_skips_weekends_and_holidays() -> None:
    # September 2026: Tue 1, Wed 2, Thu 3, Sun 6, Mon 7 → the 5th is the 7th.
    assert CLOCK.nth_working_day(dt.date(2026, 9, 1), dt.date(2026, 9, 30), 5) == dt.date(
        2026, 9, 7
    )
    # October 2026: Thu 1, (Sat 3 is a holiday anyway) Sun 4, Mon 5, Tue 6, Wed 7.
    assert CLOCK.nth_working_day(dt.date(2026, 10, 1), dt.date(2026, 10, 31), 5) == dt.date(
        2026, 10, 7
    )
    # The last working day of October is Thu 29 (Fri 30 and Sat 31 are the weekend).
    assert CLOCK.nth_working_day(dt.date(2026, 10, 1), dt.date(2026, 10, 31), -1) == dt.date(
        2026, 10, 29
    )
    with pytest.raises(ValueError, match="counted from 1"):
        CLOCK.nth_working_day(dt.date(2026, 10, 1), dt.date(2026, 10, 31), 0)


def test_monthly_occurrences() -> None:
    report = Deliverable.model_validate(
        {"id": "r", "name": "Report", "every": "month", "due": {"business_day": 5}}
    )
    occ = CLOCK.occurrences(report, dt.date(2026, 9, 1), dt.date(2026, 10, 31))
    assert occ == [
        Occurrence("2026-09", dt.date(2026, 9, 1), dt.date(2026, 9, 30), dt.date(2026, 9, 7)),
        Occurrence("2026-10", dt.date(2026, 10, 1), dt.date(2026, 10, 31), dt.date(2026, 10, 7)),
    ]
    # Only occurrences *due* in the span: from Sep 8 the September one (due 7th) is out.
    assert [
        o.key for o in CLOCK.occurrences(report, dt.date(2026, 9, 8), dt.date(2026, 10, 31))
    ] == ["2026-10"]


def test_day_of_month_weekly_and_once() -> None:
    last = Deliverable.model_validate(
        {"id": "c", "name": "Calendar", "every": "month", "due": {"day_of_month": -1}}
    )
    # -1 is the last day: 28 February 2027 (not a leap year).
    assert [o.due for o in CLOCK.occurrences(last, dt.date(2027, 2, 1), dt.date(2027, 2, 28))] == [
        dt.date(2027, 2, 28)
    ]
    thirty_first = Deliverable.model_validate(
        {"id": "t", "name": "T", "every": "month", "due": {"day_of_month": 31}}
    )
    assert CLOCK.occurrences(thirty_first, dt.date(2026, 9, 1), dt.date(2026, 9, 30))[0].due == (
        dt.date(2026, 9, 30)
    )
    weekly = Deliverable.model_validate(
        {"id": "w", "name": "Weekly", "every": "week", "due": {"weekday": "thursday"}}
    )
    # Thursdays of 6–20 Sep 2026: the 10th and 17th; each period is the 7 days ending on it.
    assert CLOCK.occurrences(weekly, dt.date(2026, 9, 6), dt.date(2026, 9, 20)) == [
        Occurrence("2026-09-10", dt.date(2026, 9, 4), dt.date(2026, 9, 10), dt.date(2026, 9, 10)),
        Occurrence("2026-09-17", dt.date(2026, 9, 11), dt.date(2026, 9, 17), dt.date(2026, 9, 17)),
    ]
    once = Deliverable.model_validate(
        {"id": "o", "name": "Audit", "every": "once", "due": {"date": "2026-09-30"}}
    )
    assert [o.due for o in CLOCK.occurrences(once, dt.date(2026, 9, 1), dt.date(2026, 9, 30))] == [
        dt.date(2026, 9, 30)
    ]


def test_quarterly_business_day() -> None:
    q = Deliverable.model_validate(
        {"id": "q", "name": "QBR", "every": "quarter", "due": {"business_day": -1}}
    )
    # Q3 2026 ends Wed 30 Sep (a working day); Q4 ends Thu 31 Dec.
    occ = CLOCK.occurrences(q, dt.date(2026, 7, 1), dt.date(2026, 12, 31))
    assert [(o.key, o.due) for o in occ] == [
        ("2026-Q3", dt.date(2026, 9, 30)),
        ("2026-Q4", dt.date(2026, 12, 31)),
    ]


# ---------------------------------------------------------------- columnar table


def test_the_table_formula_agrees_with_the_scalar_walk() -> None:
    table = CLOCK.table(dt.date(2026, 9, 1), dt.date(2026, 11, 30)).to_pylist()
    by_day = {row["day"]: row for row in table}
    # A day off has no hours; Sun 6 Sep opens at 06:00 UTC (09:00 UTC+3).
    assert by_day[dt.date(2026, 9, 12)]["working"] is False
    assert by_day[dt.date(2026, 9, 6)]["opens_at"] == dt.datetime(2026, 9, 6, 6, tzinfo=dt.UTC)
    # After the DST change Sun 25 Oct opens at 07:00 UTC (09:00 UTC+2), still 9 h long.
    assert by_day[dt.date(2026, 10, 25)]["opens_at"] == dt.datetime(2026, 10, 25, 7, tzinfo=dt.UTC)
    assert by_day[dt.date(2026, 10, 25)]["length_us"] == 9 * 3600 * 10**6

    def w(moment: dt.datetime) -> int:
        row = by_day[moment.astimezone(TZ).date()]
        if not row["working"]:
            return int(row["before_us"])
        into = (moment - row["opens_at"]) // dt.timedelta(microseconds=1)
        return int(row["before_us"]) + min(max(into, 0), row["length_us"])

    rng = random.Random(9)
    base = at("2026-09-01 00:00")
    for _ in range(300):
        a = base + dt.timedelta(minutes=rng.randrange(0, 60 * 24 * 80))
        b = a + dt.timedelta(minutes=rng.randrange(0, 60 * 24 * 9))
        assert dt.timedelta(microseconds=w(b) - w(a)) == CLOCK.working_time(a, b)
