"""Hours used against the bank, worked by hand (issue 22, item 2).

February 2028 (Tue 1 – Tue 29), a Monday–Friday calendar with 14 Feb off: working days
Feb 1–4 (4), 7–11 (5), 15–18 (4), 21–25 (5), 28–29 (2) = 20.

Time records (date, task type, hours, billable):
  Jan 31  reporting            5      yes   (January)
  Feb 1   campaign_management  3.5    yes
  Feb 3   reporting            2.25   yes
  Feb 9   campaign_management  4      no
  Feb 15  strategy             1.25   —
  Feb 28  content              31     yes
  Mar 1   reporting            2      yes   (March)
February: 3.5 + 2.25 + 4 + 1.25 + 31 = 42 hours; the bank 40 → 2 hours over, at 250 = 500.
"""

import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from _engagement_feb2028 import FEB, RATES, workspace

from partnerkit.analysis import Dataset
from partnerkit.analysis.cost import partnership_cost
from partnerkit.analysis.hours import hours_used

CALENDAR = {
    "working_days": ["monday", "tuesday", "wednesday", "thursday", "friday"],
    "holidays": [dt.date(2028, 2, 14)],
}
BANK = {"kind": "bank_of_hours", "hours": 40, "hourly_rate": 200, "overage_rate": 250}


def entry(day: str, task_type: str, hours: str, billable: bool | None) -> dict[str, Any]:
    return {
        "platform": "toggl",
        "account_id": "ws-1",
        "date": dt.date.fromisoformat(day),
        "person": "analyst",
        "task_type": task_type,
        "hours": Decimal(hours),
        "billable": billable,
    }


ENTRIES = [
    entry("2028-01-31", "reporting", "5", True),
    entry("2028-02-01", "campaign_management", "3.5", True),
    entry("2028-02-03", "reporting", "2.25", True),
    entry("2028-02-09", "campaign_management", "4", False),
    entry("2028-02-15", "strategy", "1.25", None),
    entry("2028-02-28", "content", "31", True),
    entry("2028-03-01", "reporting", "2", True),
]
DATA = Dataset.from_records({"time_entry": ENTRIES})


def ws(pricing: dict[str, Any]) -> Any:
    return workspace(
        contract={"start": dt.date(2027, 12, 1), "pricing": pricing}, calendar=CALENDAR
    )


def test_the_whole_month_against_the_bank() -> None:
    got = hours_used(ws(BANK), DATA, FEB, as_of=dt.date(2028, 2, 29))
    assert (got.bank, got.used, got.remaining) == (40, 42, 0)
    assert (got.overage_hours, got.overage_rate, got.overage_cost) == (2, 250, 500)
    assert [(t.task_type, t.hours, t.billable) for t in got.by_task_type] == [
        ("content", 31, 31),
        ("campaign_management", Decimal("7.5"), Decimal("3.5")),
        ("reporting", Decimal("2.25"), Decimal("2.25")),
        ("strategy", Decimal("1.25"), None),  # no record says whether billable
    ]
    assert (got.working_days, got.working_days_elapsed) == (20, 20)
    assert got.forecast == 42  # a month that is over is its own forecast
    assert got.forecast_overage_hours == 2


def test_a_month_still_running_is_paced_by_working_days() -> None:
    got = hours_used(ws(BANK), DATA, FEB, as_of=dt.date(2028, 2, 10))
    # Feb 1–10: 3.5 + 2.25 + 4 = 9.75 hours in 8 working days (1–4, 7–10)
    assert (got.used, got.working_days_elapsed, got.working_days) == (Decimal("9.75"), 8, 20)
    assert got.forecast == Decimal("24.375")  # 9.75 / 8 × 20
    assert (got.remaining, got.overage_hours, got.overage_cost) == (Decimal("30.25"), 0, 0)
    assert got.forecast_overage_hours == 0


def test_the_cost_takes_hours_used_from_the_time_records() -> None:
    cost = partnership_cost(ws(BANK), DATA, FEB, as_of=dt.date(2028, 2, 29), rates=RATES)
    overage = cost.line("overage")
    assert overage.amount == 500  # (42 − 40) × 250, the same line hours_used reports
    assert overage.basis["hours_used"] == 42


def test_a_retainer_with_hours_included_and_an_overage_rate() -> None:
    pricing = {"kind": "retainer", "monthly_fee": 10000, "hours_included": 40}
    plain = hours_used(ws(pricing), DATA, FEB, as_of=dt.date(2028, 2, 29))
    # hours beyond the retainer's hours are reported, but not charged without a rate
    assert (plain.overage_hours, plain.overage_rate, plain.overage_cost) == (2, None, None)
    cost = partnership_cost(ws(pricing), DATA, FEB, as_of=dt.date(2028, 2, 29), rates=RATES)
    assert [line.code for line in cost] == ["retainer"]
    charged = ws({**pricing, "overage_rate": 300})
    got = hours_used(charged, DATA, FEB, as_of=dt.date(2028, 2, 29))
    assert (got.overage_hours, got.overage_cost) == (2, 600)
    cost = partnership_cost(charged, DATA, FEB, as_of=dt.date(2028, 2, 29), rates=RATES)
    assert [(line.code, line.amount) for line in cost] == [
        ("retainer", 10000),
        ("overage", 600),
    ]


def test_no_time_record_is_no_hours_used_not_zero() -> None:
    empty = Dataset.from_records({"time_entry": []})
    got = hours_used(ws(BANK), empty, FEB, as_of=dt.date(2028, 2, 29))
    assert (got.used, got.overage_hours, got.forecast, got.reason) == (
        None,
        None,
        None,
        "no_time_records",
    )
    assert got.overage_cost is None
    cost = partnership_cost(ws(BANK), empty, FEB, as_of=dt.date(2028, 2, 29), rates=RATES)
    assert cost.line("overage").status == "hours_used_missing"
    assert cost.fees is None
