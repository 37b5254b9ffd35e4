"""Page and Instagram insights become social_daily records, day by day.

Every expected value is read off the cassettes by hand: a value whose ``end_time`` is
``2026-10-02T07:00:00+0000`` (midnight in Los Angeles, summer time) is 1 October's.
"""

import datetime as dt
from typing import Any

import pytest
from partnerkit_meta_pages import MetaPagesConnector

from partnerkit.connector import ReadRequest
from partnerkit.errors import ConfigurationError
from partnerkit.social import Figure, rollup

PAGE = "104857600123"
IG = "17841400000000001"
LA = "America/Los_Angeles"


def without_ids(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.items() if k != "record_id"} for r in records]


def test_page_insights_are_one_record_a_day(read: Any) -> None:
    records, _notices, tape = read()
    assert without_ids(records) == [
        {
            "date": dt.date(2026, 10, 1),
            "platform": "facebook_page",
            "account_id": PAGE,
            "account_name": "Cafe Lumen",
            "timezone": LA,
            "impressions": 1840,
            "reach": 1210,
            "engagements": 96,
            "followers": 5204,
            "new_followers": 7,
            "unfollows": 2,
            # published at 16:30 UTC on 1 October and at 03:15 UTC on 2 October (20:15 on
            # 1 October in Los Angeles)
            "posts": 2,
        },
        {
            "date": dt.date(2026, 10, 2),
            "platform": "facebook_page",
            "account_id": PAGE,
            "account_name": "Cafe Lumen",
            "timezone": LA,
            "impressions": 2310,
            "reach": 1475,
            "engagements": 131,
            "followers": 5209,
            "new_followers": 6,
            "unfollows": 1,
            "posts": 1,  # 18:00 UTC on 2 October, on the second page of posts
        },
    ]
    # the Page's name, the window, two pages of posts; the insights' paging.next links
    # the next window and never ends: it is not followed
    assert [i.request.url.rsplit("/", 1)[-1] for i in tape.interactions] == [
        PAGE,
        "insights",
        "published_posts",
        "published_posts",
    ]


def test_instagram_joins_the_daily_series_and_the_one_day_totals(read: Any) -> None:
    records, _notices, _tape = read(stream="instagram_insights")
    assert without_ids(records) == [
        {
            "date": dt.date(2026, 10, 1),
            "platform": "instagram",
            "account_id": IG,
            "account_name": "cafelumen",
            "timezone": LA,
            "reach": 640,
            "new_followers": 9,
            "impressions": 930,
            "engagements": 58,
            "engaged_users": 41,
        },
        {
            "date": dt.date(2026, 10, 2),
            "platform": "instagram",
            "account_id": IG,
            "account_name": "cafelumen",
            "timezone": LA,
            "reach": 712,
            "new_followers": 4,
            "impressions": 1012,
            "engagements": 73,
            "engaged_users": 49,
        },
    ]


def test_the_two_days_roll_up_by_the_rules(read: Any) -> None:
    records, _notices, _tape = read()
    totals = rollup(records)
    assert totals.counts == {
        "impressions": 1840 + 2310,
        "engagements": 96 + 131,
        "new_followers": 7 + 6,
        "unfollows": 2 + 1,
        "posts": 2 + 1,
    }
    assert totals.reach == Figure(None, "not_additive")
    assert totals.followers == Figure(5209)
    assert totals.engagement_rate == Figure(round(227 / 4150, 6))


def test_a_long_range_is_read_in_90_day_windows_across_the_clock_change(read: Any) -> None:
    records, _notices, tape = read(
        cassette="windows",
        start=dt.date(2026, 8, 1),
        end=dt.date(2026, 11, 8),
        as_of=dt.datetime(2026, 11, 15, 12, tzinfo=dt.UTC),
    )
    # 1 August + 89 days = 29 October ends the first window; 30 October to 8 November
    # is the second (10 days): 100 days, each once
    windows = [i.request.query["since"] for i in tape.interactions if "insights" in i.request.url]
    assert windows == ["2026-08-01", "2026-10-30"]
    days = [r["date"] for r in records]
    assert days == [dt.date(2026, 8, 1) + dt.timedelta(days=n) for n in range(100)]
    by_day = {r["date"]: r for r in records}
    # the cassette counts impressions up from 1000 by one a day: day n has 1000 + n
    assert by_day[dt.date(2026, 10, 31)]["impressions"] == 1000 + 91  # ends 07:00 UTC
    assert by_day[dt.date(2026, 11, 1)]["impressions"] == 1000 + 92  # ends 08:00 UTC
    assert {r["posts"] for r in records} == {0}  # no post in either window: a known 0


def test_accounts_come_from_the_settings(read: Any) -> None:
    with pytest.raises(ConfigurationError, match="set instagram_accounts"):
        list(
            MetaPagesConnector({"access_token": "x" * 20, "pages": [PAGE]}).read(
                ReadRequest(stream="instagram_insights")
            )
        )
    with pytest.raises(ConfigurationError, match="no Meta Page access token"):
        list(MetaPagesConnector({"pages": [PAGE]}).read(ReadRequest(stream="page_insights")))
    with pytest.raises(ConfigurationError, match="not a Graph object id"):
        MetaPagesConnector({"pages": ["cafe-lumen"]})


def test_only_the_streams_with_an_account_are_enabled() -> None:
    token = {"access_token": "test-page-token-not-real"}
    pages = MetaPagesConnector({**token, "pages": [PAGE]})
    both = MetaPagesConnector({**token, "pages": [PAGE], "instagram_accounts": [IG]})
    instagram = MetaPagesConnector({**token, "instagram_accounts": [IG]})
    assert [s.name for s in pages.enabled_streams()] == ["page_insights"]
    assert [s.name for s in both.enabled_streams()] == ["page_insights", "instagram_insights"]
    assert [s.name for s in instagram.enabled_streams()] == ["instagram_insights"]
