"""The demo's October report shows organic search and email with the figures of its recordings.

The figures are worked out here from the cassettes themselves (the answers on file),
not through the connectors or partnerkit's rollups: Search Console's property rows of
the three-month request, and Mailchimp's campaign reports. The planted findings are
checked the same way: the "solar panel" queries' impression-weighted position is in the
top ten in September and out of it in October, and the winter battery offer's
unsubscribe rate is ten times the newsletters'.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

from partnerkit.demo._read import CASSETTES
from partnerkit.report import MonthlyReport


def _answers(name: str) -> list[dict[str, Any]]:
    return yaml.safe_load(Path(CASSETTES / name).read_text(encoding="utf-8"))["interactions"]


def _search_rows(dimensions: list[str]) -> list[dict[str, Any]]:
    """The rows of the August–October request with these dimensions."""
    for i in _answers("search-console.yaml"):
        body = i["request"]["body"]
        if body["dimensions"] == dimensions and (body["startDate"], body["endDate"]) == (
            "2026-08-01",
            "2026-10-31",
        ):
            return list(i["response"]["body"].get("rows", []))
    raise AssertionError("no August–October request on file")


def _month(rows: list[dict[str, Any]], month: str) -> list[dict[str, Any]]:
    return [r for r in rows if r["keys"][0].startswith(month)]


def _position(rows: list[dict[str, Any]]) -> float:
    return sum(r["position"] * r["impressions"] for r in rows) / sum(r["impressions"] for r in rows)


def _reports() -> list[dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for i in _answers("mailchimp.yaml"):
        for report in (i["response"]["body"] or {}).get("reports", []):
            found[report["id"]] = report
    return list(found.values())


def _day(report: dict[str, Any]) -> dt.date:
    sent = dt.datetime.fromisoformat(report["send_time"])
    return sent.astimezone(ZoneInfo("Asia/Jerusalem")).date()  # the account's zone


def _delivered(report: dict[str, Any]) -> int:
    bounces = report["bounces"]
    return int(report["emails_sent"] - bounces["hard_bounces"] - bounces["soft_bounces"])


@pytest.fixture(scope="module")
def reports(
    demo_report_en: MonthlyReport, demo_report_he: MonthlyReport
) -> dict[str, MonthlyReport]:
    return {"en-US": demo_report_en, "he-IL": demo_report_he}


def _values(report: MonthlyReport, key: str) -> list[list[Decimal | None]]:
    return [[c.value for c in row[1:]] for row in report.section("channels").table(key).rows]


def test_the_seo_totals_are_the_property_rows_of_the_recording(
    reports: dict[str, MonthlyReport],
) -> None:
    rows = _search_rows(["date"])
    october, september = _month(rows, "2026-10"), _month(rows, "2026-09")
    clicks = sum(r["clicks"] for r in october)
    impressions = sum(r["impressions"] for r in october)
    before = sum(r["clicks"] for r in september)
    assert (clicks, impressions, before) == (246, 4530, 306)  # 3 days × (76 + 6), ...
    for report in reports.values():
        values = _values(report, "seo.totals")
        assert values[0][:2] == [Decimal(clicks), Decimal(before)]
        assert values[1][0] == Decimal(impressions)
        assert float(values[2][0]) == pytest.approx(clicks / impressions)
        assert float(values[3][0]) == pytest.approx(_position(october))
    en = reports["en-US"].section("channels").table("seo.totals")
    assert [c.text for c in en.rows[0][:4]] == ["Clicks", "246", "306", "−19.6%"]


def test_the_solar_panel_queries_fell_out_of_the_top_ten_in_october(
    reports: dict[str, MonthlyReport],
) -> None:
    rows = _search_rows(["date", "query", "page", "country", "device"])
    group = [r for r in rows if "solar panel" in r["keys"][1]]
    assert _position(_month(group, "2026-09")) <= 10 < _position(_month(group, "2026-10"))
    september, october = _position(_month(group, "2026-09")), _position(_month(group, "2026-10"))
    for report in reports.values():
        row = report.section("channels").table("seo.groups").rows[0]
        assert row[0].text == "solar panels"  # the workspace's keyword group
        assert float(row[1].value) == pytest.approx(october)
        assert float(row[2].value) == pytest.approx(september)
    said = [b.plain() for b in reports["en-US"].section("channels").blocks if hasattr(b, "plain")]
    assert (
        "The keyword group solar panels dropped out of the top ten: average position 13.9, "
        "5.8 the month before." in said
    )  # (13·380 + 15·290) / 670 = 13.87; (5·420 + 7·310) / 730 = 5.85
    movers = reports["en-US"].section("channels").table("seo.movers.positions")
    top = {row[0].text: row[3].value for row in movers.rows[:2]}
    assert top == {"solar panel installation": Decimal(8), "solar panels beer sheva": Decimal(8)}


def test_the_email_part_shows_the_months_sends_and_the_high_unsubscribe_rate(
    reports: dict[str, MonthlyReport],
) -> None:
    october = sorted((r for r in _reports() if _day(r).month == 10), key=_day)
    assert [r["campaign_title"] for r in october] == ["October newsletter", "Winter battery offer"]
    sent = sum(r["emails_sent"] for r in october)
    delivered = sum(_delivered(r) for r in october)
    clicks = sum(r["clicks"]["unique_subscriber_clicks"] for r in october)
    offer = october[1]
    offer_rate = offer["unsubscribed"] / _delivered(offer)
    newsletter_rate = october[0]["unsubscribed"] / _delivered(october[0])
    assert offer_rate > 10 * newsletter_rate  # 70 / 2330 against 7 / 2400
    for report in reports.values():
        totals = _values(report, "email.totals")
        assert totals[0][0] == Decimal(sent)
        assert totals[1][0] == Decimal(clicks)
        assert float(totals[2][0]) == pytest.approx(clicks / delivered, abs=1e-6)
        sends = report.section("channels").table("email.sends")
        offer_row = next(r for r in sends.rows if r[0].text == "Winter battery offer")
        assert float(offer_row[5].value) == pytest.approx(offer_rate, abs=1e-6)
    en = reports["en-US"].section("channels").table("email.sends")
    assert [c.text for c in en.rows[1]][:2] == ["Winter battery offer", "Oct 21, 2026"]
    assert en.rows[1][5].text == "3%"
