"""partnerkit.social.rollup: flows summed, reach never, followers from the last day."""

import datetime as dt
from typing import Any

from partnerkit.social import Figure, rollup

OCT = dt.date(2026, 10, 1)


def day(n: int, account: str = "104857600123", **metrics: Any) -> dict[str, Any]:
    return {
        "date": OCT + dt.timedelta(days=n),
        "platform": "facebook_page",
        "account_id": account,
        **metrics,
    }


def test_flows_add_up_reach_does_not_and_followers_is_the_last_day() -> None:
    rows = [
        # given out of order: the last day is the latest date, not the last row
        day(2, impressions=300, reach=250, engagements=12, followers=1207, new_followers=5),
        day(0, impressions=1000, reach=700, engagements=50, followers=1200, new_followers=3),
        day(1, impressions=700, reach=400, engagements=18, followers=1204, new_followers=4),
    ]
    totals = rollup(rows)
    assert totals.days == 3
    # 1000 + 700 + 300 = 2000 impressions, 50 + 18 + 12 = 80 engagements, 3 + 4 + 5 = 12
    assert totals.counts == {
        "impressions": 2000,
        "engagements": 80,
        "new_followers": 12,
        "unfollows": None,  # no row reports it: missing, not 0
        "posts": None,
    }
    assert totals.reach == Figure(None, "not_additive")  # not 700 + 400 + 250
    assert totals.followers == Figure(1207)  # 2 October's level, not a sum
    assert totals.engagement_rate == Figure(0.04)  # 80 / 2000


def test_one_day_of_one_account_keeps_its_reach() -> None:
    assert rollup([day(0, reach=700)]).reach == Figure(700)


def test_two_accounts_reach_is_not_additive_their_followers_add_up() -> None:
    rows = [
        day(0, reach=700, followers=1200),
        day(0, account="17841400000000001", reach=300, followers=850),
        day(1, account="17841400000000001", followers=856),
    ]
    rows[1]["platform"] = rows[2]["platform"] = "instagram"
    totals = rollup(rows)
    assert totals.reach == Figure(None, "not_additive")
    assert totals.followers == Figure(1200 + 856)


def test_rates_use_only_rows_with_both_counts_and_are_never_zero_by_default() -> None:
    # the second day has engagements but no impressions: it is left out of the rate
    totals = rollup([day(0, impressions=400, engagements=10), day(1, engagements=90)])
    assert totals.counts["engagements"] == 100
    assert totals.engagement_rate == Figure(0.025)  # 10 / 400
    assert rollup([day(0, impressions=0, engagements=0)]).engagement_rate == Figure(
        None, "zero_denominator"
    )
    empty = rollup([])
    assert (empty.days, empty.reach, empty.followers, empty.engagement_rate) == (
        0,
        Figure(None, "missing_values"),
        Figure(None, "missing_values"),
        Figure(None, "missing_values"),
    )
