"""The demo's October report: LinkedIn Ads beside Meta and Google Ads, and its planted finding.

The figures are worked out here from the cassette itself (LinkedIn's answers on file),
not through the connector or partnerkit's rollups: the ad analytics answer of the
August–October request (one element per campaign and day, the cost a decimal string in
the account's currency) and the lead-gen form responses of the same three months, each
counted in the month of its submission time in the workspace's zone. The lead count is
checked a second time by SQL over the demo's raw lead table (``_demo_sql``), which maps
``PAID_SOCIAL`` / ``linkedin`` to the LinkedIn source as the source map does.

The planted finding: LinkedIn's cost per lead in October is more than three times the
workspace's ₪180 target and almost three times September's.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).parent))
from _demo_sql import month_by_source

from partnerkit.demo._read import CASSETTES
from partnerkit.report import MonthlyReport
from partnerkit.report.sections import Bullets

SOURCE = "linkedin-lead-gen"
WHOLE = "(start:(year:2026,month:8,day:1),end:(year:2026,month:10,day:31))"


def _interactions() -> list[dict[str, Any]]:
    text = Path(CASSETTES / "linkedin-ads.yaml").read_text(encoding="utf-8")
    return list(yaml.safe_load(text)["interactions"])


def _analytics() -> list[dict[str, Any]]:
    """The elements of the August–October ad analytics answer."""
    for i in _interactions():
        query = i["request"].get("query") or {}
        if i["request"]["url"].endswith("/adAnalytics") and query.get("dateRange") == WHOLE:
            return list(i["response"]["body"]["elements"])
    raise AssertionError("no August–October analytics request on file")


def _monthly() -> dict[int, dict[str, Decimal]]:
    """Spend, impressions, clicks and platform leads by month, summed by hand."""
    out: dict[int, dict[str, Decimal]] = {}
    for e in _analytics():
        month = out.setdefault(e["dateRange"]["start"]["month"], Counter())  # type: ignore[arg-type]
        month["spend"] += Decimal(e["costInLocalCurrency"])
        month["impressions"] += Decimal(e["impressions"])
        month["clicks"] += Decimal(e["clicks"])
        month["leads"] += Decimal(e["oneClickLeads"])
    return out


def _form_leads_by_month() -> Counter[int]:
    """Distinct form responses by the month of ``submittedAt`` in Asia/Jerusalem."""
    seen: dict[str, int] = {}
    for i in _interactions():
        if not i["request"]["url"].endswith("/leadFormResponses"):
            continue
        for e in i["response"]["body"]["elements"]:
            at = dt.datetime.fromtimestamp(e["submittedAt"] / 1000, dt.UTC)
            seen[e["id"]] = at.astimezone(ZoneInfo("Asia/Jerusalem")).month
    return Counter(seen.values())


@pytest.fixture(scope="module")
def reports(
    demo_report_en: MonthlyReport, demo_report_he: MonthlyReport
) -> dict[str, MonthlyReport]:
    return {"en-US": demo_report_en, "he-IL": demo_report_he}


def test_the_recording_adds_up_by_hand() -> None:
    months = _monthly()
    # 31 days × ₪140, 30 × ₪145, 31 × ₪156; a lead every day but each third (Aug, Sep),
    # every fourth day from the 1st in October (1, 5, ..., 29)
    assert [months[m]["spend"] for m in (8, 9, 10)] == [4340, 4350, 4836]
    assert [months[m]["leads"] for m in (8, 9, 10)] == [21, 20, 8]
    # one form response for each lead the analytics count, in the same month
    assert _form_leads_by_month() == Counter({8: 21, 9: 20, 10: 8})


def test_linkedin_has_its_table_beside_the_other_paid_sources(
    reports: dict[str, MonthlyReport], demo: Any
) -> None:
    october, september = _monthly()[10], _monthly()[9]
    leads = _form_leads_by_month()
    by_sql = month_by_source(demo.dataset, "2026-10")[SOURCE]
    assert (by_sql["spend"], by_sql["inquiries"]) == (october["spend"], leads[10])
    for report in reports.values():
        channels = report.section("channels")
        keys = [t.key for t in channels.tables()]
        # Meta, LinkedIn (both paid social, in source-map order), then Google Ads
        assert keys.index("source.meta-lead-ads") < keys.index(f"source.{SOURCE}")
        assert keys.index(f"source.{SOURCE}") < keys.index("source.google-search")
        rows = [[c.value for c in row[1:3]] for row in channels.table(f"source.{SOURCE}").rows]
        spend, impressions, clicks, ctr, inquiries, cpl = rows[:6]
        assert spend == [october["spend"], september["spend"]]  # 4,836 and 4,350
        assert impressions == [october["impressions"], september["impressions"]]
        assert clicks == [october["clicks"], september["clicks"]]
        assert float(ctr[0]) == pytest.approx(
            float(october["clicks"] / october["impressions"]) * 100
        )
        assert inquiries == [Decimal(leads[10]), Decimal(leads[9])]  # 8 and 20
        # 4,836 / 8 = 604.50; 4,350 / 20 = 217.50
        assert cpl == [october["spend"] / leads[10], september["spend"] / leads[9]]
    en = reports["en-US"].section("channels").table(f"source.{SOURCE}")
    assert [c.text for c in en.rows[0][:4]] == ["Spend", "₪4,836.00", "₪4,350.00", "+11.2%"]
    assert [c.text for c in en.rows[5][:4]] == [
        "Cost per lead (CPL)",
        "₪604.50",
        "₪217.50",
        "+177.9%",  # 604.50 / 217.50 − 1 = 1.7793
    ]


def test_the_planted_finding_linkedins_october_cpl_leads_the_problems(
    reports: dict[str, MonthlyReport],
) -> None:
    october = _monthly()[10]
    cpl = october["spend"] / _form_leads_by_month()[10]
    assert cpl > 3 * 180  # the workspace's CPL target
    for report in reports.values():
        chart = next(c for c in report.section("channels").charts() if c.key == "cpl")
        assert chart.data is not None
        shown = {row[0].text: row[1].text for row in chart.data.rows}
        assert "604.50" in shown["LinkedIn lead gen forms"]  # 4,836 / 8 = 604.50
    summary = reports["en-US"].section("summary").blocks
    said = [i.plain() for b in summary if isinstance(b, Bullets) for i in b.items]
    # the first of the month's problems: 604.50 / 217.50 − 1 = +177.9%
    problems = [s for s in said if s.startswith("LinkedIn lead gen forms")]
    assert problems == [
        "LinkedIn lead gen forms: Cost per lead (CPL) ₪605, +177.9% on the previous month."
    ]
