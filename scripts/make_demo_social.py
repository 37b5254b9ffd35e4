"""Record the demo's Facebook Page answers (deterministic; re-run to rebuild).

Negev Solar's organic social, August to October 2026, beside the other channels of
``scripts/make_demo_data.py`` and ``scripts/make_demo_channels.py`` (the recorder of
``scripts/_recorder.py``, shared with them, so the requests on file are exactly the ones
the connector makes):

* ``cassettes/meta-pages.yaml``: the Page's name, its daily insights (Graph API
  ``/{page-id}/insights``, the metrics of the ``page_insights`` stream) and its published
  posts (``/{page-id}/published_posts``), every day of August to October. The answers
  have the Graph API's shapes, as in ``connectors/meta_pages/tests/cassettes``; every
  value is made up.

Planted finding: the Page posts every third day until 13 October and not at all from
the 16th; October's second half has far fewer engagements, so the month's engagement
rate falls from 3.43% (September: 1,200 engagements over 35,000 views) to 1.98% (632
over 31,900).

Usage: ``uv run python scripts/make_demo_social.py``
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from _recorder import Fake, json_answer, record

from partnerkit.testing.cassette import Request

GRAPH = "https://graph.facebook.com/v26.0"
PAGE = "104900000000001"
NAME = "Negev Solar"
PACIFIC = ZoneInfo("America/Los_Angeles")
FIRST, LAST = dt.date(2026, 8, 1), dt.date(2026, 10, 31)
#: The Page's followers at the end of 31 July.
FOLLOWERS_BEFORE = 4800
HEADERS = {
    "content-type": "application/json; charset=UTF-8",
    "facebook-api-version": "v26.0",
    "x-app-usage": '{"call_count":1,"total_cputime":0,"total_time":1}',
}


def posts_on(day: dt.date) -> int:
    """One post every third day (the 1st, 4th, 7th...), none from 16 October."""
    if day >= dt.date(2026, 10, 16):
        return 0
    return 1 if day.day % 3 == 1 else 0


def figures(day: dt.date) -> dict[str, int]:
    """The day's views, reach, engagements, follows and unfollows (followers apart)."""
    quiet = day >= dt.date(2026, 10, 16)
    posted = posts_on(day) > 0
    views = 900 if quiet else (1500 if posted else 1000)
    engagements = 2 if quiet else (60 if posted else 30)
    follows = 1 if quiet else (8 if posted else 4)
    unfollows = 3 if quiet else 2
    return {
        "page_media_view": views,
        "page_total_media_view_unique": views * 6 // 10,
        "page_post_engagements": engagements,
        "page_daily_follows_unique": follows,
        "page_daily_unfollows_unique": unfollows,
    }


def followers(day: dt.date) -> int:
    """The level at the end of the day: the last of July's, plus follows less unfollows."""
    total, current = FOLLOWERS_BEFORE, FIRST
    while current <= day:
        f = figures(current)
        total += f["page_daily_follows_unique"] - f["page_daily_unfollows_unique"]
        current += dt.timedelta(days=1)
    return total


def _end_time(day: dt.date) -> str:
    """Meta's ``end_time`` of a day's value: the next Pacific midnight, in UTC."""
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), PACIFIC)
    return end.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def _days(since: dt.date, until: dt.date) -> list[dt.date]:
    """The recorded days from ``since`` to ``until`` (exclusive, as Meta's ``until``)."""
    out, day = [], max(since, FIRST)
    while day < until and day <= LAST:
        out.append(day)
        day += dt.timedelta(days=1)
    return out


def _insights(query: dict[str, str]) -> dict[str, Any]:
    since = dt.date.fromisoformat(query["since"])
    until = dt.date.fromisoformat(query["until"])
    days = _days(since, until)
    data = []
    for metric in query["metric"].split(","):
        values = [
            {
                "value": followers(d) if metric == "page_follows" else figures(d)[metric],
                "end_time": _end_time(d),
            }
            for d in days
        ]
        data.append(
            {
                "name": metric,
                "period": "day",
                "values": values,
                "id": f"{PAGE}/insights/{metric}/day",
            }
        )
    return {"data": data}


def _published(query: dict[str, str]) -> dict[str, Any]:
    since = dt.datetime.fromtimestamp(int(query["since"]), PACIFIC).date()
    until = dt.datetime.fromtimestamp(int(query["until"]), PACIFIC).date()
    posts = []
    for day in reversed(_days(since, until)):  # newest first, as the Graph API lists them
        for n in range(posts_on(day)):
            at = dt.datetime.combine(day, dt.time(9, 30 + n), PACIFIC).astimezone(dt.UTC)
            posts.append(
                {
                    "id": f"{PAGE}_{day:%m%d}{n}",
                    "created_time": at.strftime("%Y-%m-%dT%H:%M:%S+0000"),
                }
            )
    return {"data": posts, "paging": {"cursors": {"before": "QkVGT1JF", "after": "QUZURVI"}}}


def fake_graph(req: Request) -> tuple[int, dict[str, str], Any]:
    """The Page's name, insights and published posts."""
    query = req.query
    if req.url == f"{GRAPH}/{PAGE}":
        return json_answer({"id": PAGE, "name": NAME}, **HEADERS)
    if req.url == f"{GRAPH}/{PAGE}/insights":
        return json_answer(_insights(query), **HEADERS)
    if req.url == f"{GRAPH}/{PAGE}/published_posts":
        return json_answer(_published(query), **HEADERS)
    raise AssertionError(f"the fake Graph API has no answer to {req.describe()}")


FAKES: dict[str, Fake] = {"meta-pages": fake_graph}
SECRETS = {"PARTNERKIT_DEMO_META_PAGES_ACCESS_TOKEN": "demo-meta-pages-token-not-real"}


if __name__ == "__main__":
    record(FAKES, SECRETS)
