"""Month-to-date pacing, worked by hand on March 2028 (31 days, Wed 1 to Fri 31).

The business works Sunday–Thursday. From 1 Feb to the as-of day every Sunday–Thursday
brings 2 leads (created 09:00 in Jerusalem), Fridays and Saturdays none; Meta spends
100 ILS every day of the week.

March 2028, Sunday–Thursday days: 1 2 | 5–9 | 12–16 | 19–23 | 26–30 = 22 days
(Fridays 3 10 17 24 31 and Saturdays 4 11 18 25 are the other 9).
As of Wed 15 March: 15 days elapsed, 11 of them Sunday–Thursday (1 2 5–9 12–15).
"""

import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from _engagement_feb2028 import lead, perf, workspace

from partnerkit.analysis import Dataset
from partnerkit.analysis.pacing import pace, pace_targets, weekday_weights
from partnerkit.analysis.periods import Window
from partnerkit.errors import ConfigurationError
from partnerkit.model import TargetStatus

AS_OF = dt.date(2028, 3, 15)
JERUSALEM_WINTER = dt.timedelta(hours=2)  # before DST on 24 March
WORKDAYS = {6, 0, 1, 2, 3}  # Sunday–Thursday as date.weekday() numbers


def same(a: Decimal | None, b: Decimal | int) -> bool:
    """Equal to 18 decimal places (divisions are carried to 28 digits)."""
    assert a is not None
    return abs(a - Decimal(b)) < Decimal("1e-18")


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def _data(last: dt.date = AS_OF, hour: str = "09:00") -> Dataset:
    leads, rows = [], []
    for day in _days(dt.date(2028, 2, 1), last):
        rows.append(
            perf(day.isoformat(), "meta", "act_9", "m-1", "100", 10, 1000, 1.0, None, "paid_social")
        )
        if day.weekday() in WORKDAYS:
            local = dt.datetime.fromisoformat(f"{day} {hour}")
            offset = dt.timedelta(hours=3) if day >= dt.date(2028, 3, 24) else JERUSALEM_WINTER
            created = (local - offset).strftime("%Y-%m-%d %H:%M")
            for n in range(2):
                leads.append(lead(f"{day}-{n}", "PAID_SOCIAL", created))
    return Dataset.from_records({"performance": rows, "lead": leads})


DATA = _data()
WS = workspace(
    targets=[
        {"id": "leads", "kpi": "leads", "period": "monthly", "value": 45},
        {"id": "cpl", "kpi": "cpl", "period": "monthly", "value": 70},
        {"id": "q1-leads", "kpi": "leads", "period": "2028-Q1", "value": 100},
    ]
)


def test_the_march_calendar_used_by_hand() -> None:
    march = _days(dt.date(2028, 3, 1), dt.date(2028, 3, 31))
    assert sum(d.weekday() in WORKDAYS for d in march) == 22
    assert sum(d.weekday() in WORKDAYS for d in march[:15]) == 11


def test_leads_linear_and_weekday_weighted() -> None:
    got = pace(WS, DATA, "leads", as_of=AS_OF)
    assert (got.days_elapsed, got.days_in_period) == (15, 31)
    assert got.actual == 22  # 11 working days × 2
    # linear: 22 × 31 / 15 = 45.47
    assert same(got.linear, Decimal(22) * 31 / 15)
    # the pattern (16 Feb–15 Mar, four of each weekday): 2 a working day, 0 Fri/Sat;
    # weighted: 22 × (22 days × 2) / (11 days × 2) = 44
    assert got.weighted == 44
    weights = got.measures[0].weekday_average
    assert weights["sunday"] == weights["wednesday"] == 2
    assert weights["friday"] == weights["saturday"] == 0
    # against the target of 45: 45.47 is on track; 44 is (45 − 44) / 45 = 2.2 % short
    assert got.target_id == "leads"
    assert got.linear_status is TargetStatus.ON_TRACK
    assert got.weighted_status is TargetStatus.AT_RISK


def test_a_ratio_is_projected_as_the_ratio_of_its_projections() -> None:
    got = pace(WS, DATA, "cpl", as_of=AS_OF)
    spend, leads = got.measures
    assert spend.to_date == 1500  # 15 days × 100
    # spend comes every day: both projections are 1500 × 31 / 15 = 3100
    assert spend.linear == spend.weighted == 3100
    assert leads.weighted == 44
    assert same(got.actual, Decimal(1500) / 22)  # 68.18
    assert same(got.linear, Decimal(3100) / (Decimal(22) * 31 / 15))  # 68.18 as well
    assert same(got.weighted, Decimal(3100) / 44)  # 70.45
    # against 70, lower is better: 68.18 on track; 70.45 is 0.65 % over → at risk
    assert got.linear_status is TargetStatus.ON_TRACK
    assert got.weighted_status is TargetStatus.AT_RISK


def test_weekday_weights_count_days_without_records_as_zero() -> None:
    pattern = Window(dt.date(2028, 3, 5), dt.date(2028, 3, 18))  # two of each weekday
    weights = weekday_weights({dt.date(2028, 3, 5): Decimal(4)}, pattern)  # one Sunday
    assert weights[6] == 2  # 4 over two Sundays
    assert sum(weights.values()) == 2


def test_days_are_local_days_across_the_dst_change() -> None:
    # leads at 00:30 on Sunday–Thursday: in UTC that is the evening before (22:30 in
    # winter, 21:30 after 24 March); grouped by UTC day they would fall on Sat–Wed.
    data = _data(last=dt.date(2028, 3, 29), hour="00:30")
    got = pace(WS, data, "leads", as_of=dt.date(2028, 3, 29))
    weights = got.measures[0].weekday_average  # 2 Mar – 29 Mar, four of each weekday
    assert weights["saturday"] == weights["friday"] == 0
    assert weights["sunday"] == weights["thursday"] == 2
    # 29 days elapsed, 21 of them Sunday–Thursday (1 2 5–9 12–16 19–23 26–29): 42 leads;
    # 2 days left: Thu 30 (weight 2) and Fri 31 (weight 0)
    assert got.actual == 42
    assert same(got.weighted, Decimal(42) * 44 / 42)  # Σ weights: month 22 × 2, elapsed 21 × 2


def test_the_weighted_projection_needs_weight_on_the_elapsed_days() -> None:
    # a custom period Fri 3 – Sun 5 March as of Sat 4: the elapsed days (Fri, Sat)
    # weigh 0 in the pattern, so the weighted projection cannot be made
    period = (dt.date(2028, 3, 3), dt.date(2028, 3, 5))  # Fri–Sun
    got = pace(WS, DATA, "leads", as_of=dt.date(2028, 3, 4), period=period)
    assert got.actual == 0
    assert got.weighted is None
    assert "cannot weigh" in (got.reason or "")
    assert got.linear == 0


def test_pace_targets_paces_every_target_in_progress() -> None:
    table = pace_targets(WS, DATA, as_of=AS_OF)
    assert [p.target_id for p in table] == ["leads", "cpl", "q1-leads"]
    q1 = table.target("q1-leads")
    # Q1: 91 days, 75 elapsed (Jan 31 + Feb 29 + 15); January has no data
    assert (q1.days_elapsed, q1.days_in_period) == (75, 91)
    # Feb 1–29: 21 working days (Sun–Thu) × 2 = 42; March to date 22 → 64
    assert q1.actual == 64
    assert same(q1.linear, Decimal(64) * 91 / 75)
    frame = table.to_pandas()
    assert list(frame["target_id"]) == ["leads", "cpl", "q1-leads"]


def test_as_of_must_fall_in_the_period() -> None:
    with pytest.raises(ConfigurationError, match="must fall in the period"):
        pace(WS, DATA, "leads", as_of=AS_OF, period="2028-02")
    with pytest.raises(ConfigurationError, match="at least 1"):
        pace(WS, DATA, "leads", as_of=AS_OF, weeks=0)


def test_pacing_has_table_views() -> None:
    got = pace(WS, DATA, "cpl", as_of=AS_OF)
    row = got.to_arrow().to_pylist()[0]
    assert (row["kpi"], row["days_elapsed"], row["linear_status"]) == ("cpl", 15, "on_track")
    measures = got.measures_table().to_pylist()
    assert [m["role"] for m in measures] == ["numerator", "denominator"]
    assert measures[1]["friday"] == 0
    assert "Pacing of Cost per lead (CPL)" in got._repr_html_()
