"""The demo's October report shows organic social with the figures of its recording.

The figures are worked out here from the cassette itself (the Graph API answers on
file), not through the connector or partnerkit's rollup: every insights value is put on
its day (the Pacific day that ends at its ``end_time``), every published post on the
Pacific day of its ``created_time``, and the month's figures are summed by hand. The
planted finding is checked the same way: the Page stops posting on 16 October and the
month's engagement rate falls to well under two thirds of September's. Social records
are not performance records: the month's spend, leads and health are the same with or
without them.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

from partnerkit.analysis import Dataset
from partnerkit.analysis.month import evaluate_month
from partnerkit.demo._read import CASSETTES
from partnerkit.records import RecordKind
from partnerkit.report import MonthlyReport

PACIFIC = ZoneInfo("America/Los_Angeles")


@pytest.fixture(scope="module")
def reports(
    demo_report_en: MonthlyReport, demo_report_he: MonthlyReport
) -> dict[str, MonthlyReport]:
    """The demo's October report in English and Hebrew (the session's, tests/report/conftest.py)."""
    return {"en-US": demo_report_en, "he-IL": demo_report_he}


def _answers() -> list[dict[str, Any]]:
    text = Path(CASSETTES / "meta-pages.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)["interactions"]  # type: ignore[no-any-return]


def _body(interaction: dict[str, Any]) -> dict[str, Any]:
    # the recorded body, as JSON would give it (the cassette's YAML is its rendering)
    return json.loads(json.dumps(interaction["response"]["body"], default=str))  # type: ignore[no-any-return]


def _pacific(moment: str) -> dt.datetime:
    return dt.datetime.strptime(moment, "%Y-%m-%dT%H:%M:%S%z").astimezone(PACIFIC)


def _days() -> dict[dt.date, dict[str, int]]:
    """Every recorded day's metrics (Graph names) and ``posts``."""
    days: dict[dt.date, dict[str, int]] = {}
    posts: dict[str, dt.date] = {}
    for interaction in _answers():
        url = interaction["request"]["url"]
        if url.endswith("/insights"):
            for metric in _body(interaction)["data"]:
                for value in metric["values"]:
                    day = (_pacific(value["end_time"]) - dt.timedelta(seconds=1)).date()
                    days.setdefault(day, {})[metric["name"]] = value["value"]
        elif url.endswith("/published_posts"):
            for post in _body(interaction)["data"]:
                posts[post["id"]] = _pacific(post["created_time"]).date()
    for day in days.values():
        day["posts"] = 0
    for day in posts.values():
        days[day]["posts"] += 1
    return days


def _month(days: dict[dt.date, dict[str, int]], month: int) -> dict[str, float]:
    mine = {d: v for d, v in days.items() if d.month == month}
    last = max(mine)

    def total(name: str) -> int:
        return sum(v[name] for v in mine.values())

    return {
        "impressions": total("page_media_view"),
        "engagements": total("page_post_engagements"),
        "engagement_rate": total("page_post_engagements") / total("page_media_view"),
        "followers": mine[last]["page_follows"],
        "new_followers": total("page_daily_follows_unique"),
        "unfollows": total("page_daily_unfollows_unique"),
        "posts": total("posts"),
    }


def test_the_social_totals_are_the_pages_recorded_days(reports: dict[str, MonthlyReport]) -> None:
    days = _days()
    assert len(days) == 92  # every day of August to October
    october, september = _month(days, 10), _month(days, 9)
    assert october["impressions"] == 31900  # 5 × 1500 + 10 × 1000 + 16 × 900
    assert september["engagements"] == 1200  # 10 × 60 + 20 × 30
    for report in reports.values():
        table = report.section("channels").table("social.totals")
        rows = dict(zip(_CODES, table.rows, strict=True))
        for code in ("impressions", "engagements", "followers", "new_followers", "posts"):
            assert rows[code][1].value == Decimal(int(october[code])), code
            assert rows[code][2].value == Decimal(int(september[code])), code
        assert rows["unfollows"][1].value == Decimal(int(october["unfollows"]))
        rate = rows["engagement_rate"]
        assert float(rate[1].value) == pytest.approx(october["engagement_rate"], abs=1e-6)
        assert float(rate[2].value) == pytest.approx(september["engagement_rate"], abs=1e-6)
        assert all(c.value is None for c in rows["reach"][1:4])  # never a summed reach
    en = reports["en-US"].section("channels").table("social.totals")
    assert [c.text for c in en.rows[3][:4]] == [
        "Engagement rate (per impression)", "1.98%", "3.43%", "−1.45 pts",
    ]  # fmt: skip
    accounts = reports["en-US"].section("channels").table("social.accounts")
    assert [c.text for c in accounts.rows[0][:3]] == ["Negev Solar", "Facebook Page", "31,900"]


_CODES = (
    "impressions",
    "reach",
    "engagements",
    "engagement_rate",
    "followers",
    "new_followers",
    "unfollows",
    "posts",
)


def test_the_page_stopped_posting_and_engagement_fell() -> None:
    days = _days()
    second_half = [v["posts"] for d, v in days.items() if d >= dt.date(2026, 10, 16)]
    assert len(second_half) == 16
    assert sum(second_half) == 0
    assert sum(v["posts"] for d, v in days.items() if d.month == 10) == 5
    october, september = _month(days, 10), _month(days, 9)
    assert october["engagement_rate"] < 0.6 * september["engagement_rate"]


def test_social_records_leave_the_months_other_figures_alone(demo: Any) -> None:
    tables = dict(demo.dataset.tables)
    assert tables[RecordKind.SOCIAL_DAILY].num_rows > 0
    without = Dataset({k: v for k, v in tables.items() if k != RecordKind.SOCIAL_DAILY})
    try:
        with_social, alone = (
            evaluate_month(
                demo.workspace,
                data,
                "2026-10",
                evidence=demo.evidence,
                survey=demo.survey,
                as_of=demo.as_of,
            )
            for data in (demo.dataset, without)
        )
    finally:
        without.close()
    assert with_social.social is not None
    assert alone.social is None
    assert with_social.totals is not None
    assert alone.totals is not None
    assert with_social.totals.to_arrow().equals(alone.totals.to_arrow())  # spend, leads...
    assert with_social.health is not None
    assert alone.health is not None
    assert with_social.health.to_arrow().equals(alone.health.to_arrow())
