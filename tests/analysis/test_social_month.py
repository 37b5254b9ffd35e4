"""partnerkit.analysis.social.social_month: the month's social figures, worked by hand.

=============  ==========  ===========  =====  ===========  =========  ===  =====
account        date        impressions  reach  engagements  followers  new  unfol
=============  ==========  ===========  =====  ===========  =========  ===  =====
page P         2026-09-29  900          500    45           5100       5    1
page P         2026-09-30  1100         700    55           5150       6    2
page P         2026-10-01  1840         1210   96           5204       7    2
page P         2026-10-31  2160         1475   131          5250       6    1
page P         2026-11-01  5000         3000   400          9999       50   0
instagram I    2026-10-01  930          640    58           -          9    -
instagram I    2026-10-02  1070         712    42           -          4    -
=============  ==========  ===========  =====  ===========  =========  ===  =====

October, every account: impressions 1840 + 2160 + 930 + 1070 = 6000; engagements
96 + 131 + 58 + 42 = 327; engagement rate 327 / 6000 = 0.0545; followers 5250 (P's
last day; I has none); new followers 7 + 6 + 9 + 4 = 26; unfollows 2 + 1 = 3.
September: impressions 2000, engagements 100 (rate 0.05), followers 5150, new 11,
unfollows 3.
"""

import datetime as dt
from typing import Any

import pytest

from partnerkit.analysis import Dataset
from partnerkit.analysis.social import LEADING, SocialChange, social_month
from partnerkit.social import Figure
from partnerkit.stream import RecordStream

PAGE, INSTA = ("facebook_page", "104857600123"), ("instagram", "17841400000000001")


def day(account: tuple[str, str], date: dt.date, *figures: int | None) -> dict[str, Any]:
    impressions, reach, engagements, followers, new, unfollows = figures
    return {
        "date": date,
        "platform": account[0],
        "account_id": account[1],
        "account_name": "Cafe Lumen" if account == PAGE else None,
        "impressions": impressions,
        "reach": reach,
        "engagements": engagements,
        "followers": followers,
        "new_followers": new,
        "unfollows": unfollows,
    }


DAYS = [
    day(PAGE, dt.date(2026, 9, 29), 900, 500, 45, 5100, 5, 1),
    day(PAGE, dt.date(2026, 9, 30), 1100, 700, 55, 5150, 6, 2),
    day(PAGE, dt.date(2026, 10, 1), 1840, 1210, 96, 5204, 7, 2),
    day(PAGE, dt.date(2026, 10, 31), 2160, 1475, 131, 5250, 6, 1),
    day(PAGE, dt.date(2026, 11, 1), 5000, 3000, 400, 9999, 50, 0),
    day(INSTA, dt.date(2026, 10, 1), 930, 640, 58, None, 9, None),
    day(INSTA, dt.date(2026, 10, 2), 1070, 712, 42, None, 4, None),
]


@pytest.fixture(scope="module")
def data() -> Any:
    dataset = Dataset.from_streams([RecordStream.from_records("social_daily", DAYS, name="s")])
    yield dataset
    dataset.close()


def test_the_month_against_the_month_before(data: Any) -> None:
    october = social_month(data, "2026-10")
    assert october.month == "2026-10"
    assert october.reason is None
    assert [c.code for c in october.changes] == list(LEADING)
    # a month's reach is not the sum of its days: not computable, and the totals say why
    assert october.total.reach == Figure(None, "not_additive")
    assert october.changes == (
        SocialChange("impressions", 6000, 2000, 2.0),
        SocialChange("reach", None, None, None, "missing_values"),
        SocialChange("engagements", 327, 100, 2.27),
        SocialChange("engagement_rate", 0.0545, 0.05, 0.0045),
        SocialChange("followers", 5250, 5150, 0.019417),  # 100 / 5150
        SocialChange("new_followers", 26, 11, 1.363636),  # 15 / 11
        SocialChange("unfollows", 3, 3, 0.0),
        SocialChange("posts", None, None, None, "missing_values"),  # no row has posts
    )


def test_each_account_has_its_own_month(data: Any) -> None:
    october = social_month(data, dt.date(2026, 10, 20))
    page, insta = october.accounts
    assert (page.platform, page.account_id, page.account_name) == (*PAGE, "Cafe Lumen")
    assert page.total.counts["impressions"] == 4000  # 1840 + 2160
    # 227 / 4000 = 0.05675 against 100 / 2000 = 0.05: 0.00675 points more
    assert page.changes[3] == SocialChange("engagement_rate", 0.05675, 0.05, 0.00675)
    assert (insta.platform, insta.account_id, insta.account_name) == (*INSTA, None)
    assert insta.changes[0] == SocialChange("impressions", 2000, None, None, "no_previous")
    assert insta.changes[4] == SocialChange("followers", None, None, None, "missing_values")


def test_a_month_without_days_says_so(data: Any) -> None:
    august = social_month(data, "2026-08", platforms=["instagram"])
    assert august.reason == "no_rows_for_month"
    assert august.accounts == ()
    assert august.change("impressions").reason == "missing_values"


def test_the_table_has_a_row_per_account_figure_and_total_figure(data: Any) -> None:
    table = social_month(data, "2026-10").to_arrow()
    assert table.num_rows == 3 * len(LEADING)
    totals = [r for r in table.to_pylist() if r["account_id"] is None]
    assert totals[0] == {
        "platform": None,
        "account_id": None,
        "code": "impressions",
        "value": 6000.0,
        "previous": 2000.0,
        "change": 2.0,
        "reason": None,
    }
