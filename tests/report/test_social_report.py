"""The report's organic social part of section 3, on the small engagement plus two accounts.

Worked by hand (Page "Small shop" p1, Instagram "smallshop" ig1):

  p1 Sep 29: impressions 600, engagements 30, followers 995, new 6, unfollows 1, posts 1
  p1 Sep 30: impressions 400, engagements 20, followers 1000, new 4, unfollows 1, posts 0
  p1 Oct 1:  impressions 2000, engagements 60, followers 1010, new 12, unfollows 2, posts 2
  p1 Oct 2:  impressions 1000, engagements 20, followers 1015, new 6, unfollows 1, posts 0
  ig1 Oct 1: impressions 500, engagements 20, followers 400, new 5, unfollows 0, posts 1

  October: impressions 3500, engagements 100, rate 100 / 3500 = 2.86%, followers at month
  end 1015 + 400 = 1415, new 23, unfollows 3, posts 3.
  September: impressions 1000, engagements 50, rate 5%, followers 1000, new 10,
  unfollows 2, posts 1.
  Changes: +250%, +100%, 2.857142…% − 5% = −2.14 points, +41.5%, +130%, +50%, +200%.
  Reach is in every row (500, 300...) yet never a month's figure: not computable.
  Target: social_engagements 120 a month → 100 is below it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from partnerkit.analysis import Dataset
from partnerkit.analysis.month import evaluate_month
from partnerkit.report import build_report
from tests.report._helpers import small_dataset, small_workspace

OCT = "2026-10"
AS_OF = dt.date(2026, 11, 5)

#: The English catalogue's reason a month's reach is not shown.
NOT_ADDITIVE = "it counts distinct people, so days and accounts cannot be added up"


def _day(account: str, day: str, *counts: int, reach: int) -> dict[str, Any]:
    impressions, engagements, followers, new, unfollows, posts = counts
    page = account == "p1"
    platform, name = ("facebook_page", "Small shop") if page else ("instagram", "smallshop")
    return {
        "date": dt.date.fromisoformat(day),
        "platform": platform,
        "account_id": account,
        "account_name": name,
        "impressions": impressions,
        "reach": reach,
        "engagements": engagements,
        "followers": followers,
        "new_followers": new,
        "unfollows": unfollows,
        "posts": posts,
    }


def _dataset(social: bool = True) -> Dataset:
    base = small_dataset()
    records = {k: base.sql(f"SELECT * FROM {k}").to_pylist() for k in ("performance", "lead")}
    base.close()
    if social:
        records["social_daily"] = [
            _day("p1", "2026-09-29", 600, 30, 995, 6, 1, 1, reach=400),
            _day("p1", "2026-09-30", 400, 20, 1000, 4, 1, 0, reach=300),
            _day("p1", "2026-10-01", 2000, 60, 1010, 12, 2, 2, reach=900),
            _day("p1", "2026-10-02", 1000, 20, 1015, 6, 1, 0, reach=500),
            _day("ig1", "2026-10-01", 500, 20, 400, 5, 0, 1, reach=300),
        ]
    return Dataset.from_records(records)


_KPI = {
    "id": "social_engagements",
    "name": "Social engagements",
    "unit": "count",
    "direction": "higher",
    "measure": {"sum": "social_daily.engagements"},
}


def _workspace() -> Any:
    base = small_workspace()
    targets = [t.model_dump(mode="json", exclude_none=True) for t in base.targets]
    target = {"id": "engagements", "kpi": "social_engagements", "period": {"every": "month"}}
    return small_workspace(kpis=[_KPI], targets=[*targets, {**target, "value": 120}])


def _report(social: bool = True) -> Any:
    dataset = _dataset(social)
    try:
        return build_report(_workspace(), dataset, OCT, as_of=AS_OF)
    finally:
        dataset.close()


def _texts(table: Any) -> list[list[str]]:
    return [[c.text for c in row] for row in table.rows]


def test_every_account_together_against_the_month_before() -> None:
    table = _report().section("channels").table("social.totals")
    rows = _texts(table)
    assert [r[:4] for r in rows] == [
        ["Impressions", "3,500", "1,000", "+250%"],
        ["Reach", "—", "—", "—"],
        ["Engagements", "100", "50", "+100%"],
        ["Engagement rate (per impression)", "2.86%", "5%", "−2.14 pts"],
        ["Followers (at month end)", "1,415", "1,000", "+41.5%"],
        ["New followers", "23", "10", "+130%"],
        ["Unfollows", "3", "2", "+50%"],
        ["Posts", "3", "1", "+200%"],
    ]
    reach = table.rows[1]
    assert {c.missing for c in reach[1:4]} == {NOT_ADDITIVE}
    assert all(c.value is None for c in reach[1:4])  # never a summed number
    assert table.rows[0][1].value == Decimal(3500)
    assert table.rows[3][1].value == Decimal(str(round(100 / 3500, 6)))


def test_a_figure_with_a_workspace_target_is_judged_against_it() -> None:
    rows = _report().section("channels").table("social.totals").rows
    assert rows[2][4].value == Decimal(120)  # engagements: 100 against 120
    assert rows[2][5].text != "—"
    assert [r[4].missing for r in rows if r[0].text != "Engagements"] == ["no target"] * 7


def test_figures_without_a_target_say_so() -> None:
    rows = small_report_rows()
    assert [r[4].text for r in rows] == ["—"] * 8
    assert {r[4].missing for r in rows} == {"no target"}


def small_report_rows() -> Any:
    dataset = _dataset()
    try:
        report = build_report(small_workspace(), dataset, OCT, as_of=AS_OF)
    finally:
        dataset.close()
    return report.section("channels").table("social.totals").rows


def test_a_row_per_account_with_its_platform_and_name() -> None:
    rows = _texts(_report().section("channels").table("social.accounts"))
    assert rows == [
        # reach is not a column here: never a month's figure (the totals row says why)
        ["Small shop", "Facebook Page", "3,000", "80", "2.67%", "1,015", "18", "3", "2"],
        ["smallshop", "Instagram", "500", "20", "4%", "400", "5", "0", "1"],
    ]


def test_the_evaluation_holds_the_social_month_only_with_records() -> None:
    with_social, without = _dataset(), _dataset(social=False)
    try:
        ev = evaluate_month(_workspace(), with_social, OCT, as_of=AS_OF)
        none = evaluate_month(_workspace(), without, OCT, as_of=AS_OF)
    finally:
        with_social.close()
        without.close()
    assert ev.social is not None
    assert ev.social.total.counts["impressions"] == 3500
    assert none.social is None  # nothing from nothing
    section = _report(social=False).section("channels")
    assert not [t.key for t in section.tables() if t.key.startswith("social.")]
