"""The demo's numbers, checked against the bundled CSV files read independently here."""

import contextlib
import csv
import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from partnerkit.demo import DEMO_WORKSPACE, run_demo

DATA = DEMO_WORKSPACE.parent / "data"
TZ = ZoneInfo("Asia/Jerusalem")


@pytest.fixture(scope="module")
def result():
    return run_demo(month=dt.date(2026, 10, 15))


def october(day: str) -> bool:
    return day.startswith("2026-10")


def test_meta_spend_excludes_the_malformed_row(result) -> None:
    with (DATA / "meta_ads_export.csv").open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if october(r["Day"])]
    expected = Decimal(0)
    for r in rows:
        with contextlib.suppress(ArithmeticError):
            expected += Decimal(r["Amount spent (ILS)"])
    meta = next(s for s in result.sources if s.source_id == "meta-lead-ads")
    assert meta.spend == expected
    assert meta.platform_leads == sum(int(r["Leads"] or 0) for r in rows)


def test_google_spend_has_thousands_separators(result) -> None:
    with (DATA / "google_ads_export.csv").open(encoding="utf-8") as f:
        lines = f.readlines()[2:]
    rows = [r for r in csv.DictReader(lines) if october(r["Day"])]
    expected = sum((Decimal(r["Cost"].replace(",", "")) for r in rows), Decimal(0))
    google = next(s for s in result.sources if s.source_id == "google-search")
    assert google.spend == expected
    display = sum(
        (Decimal(r["Cost"].replace(",", "")) for r in rows if r["Campaign ID"] == "21000000003"),
        Decimal(0),
    )
    assert any(f"{display:,.2f} ILS spent and no lead" in f for f in result.findings)


def crm_days(original_source: str, drill_2: str | None = None) -> list[dt.date]:
    with (DATA / "crm_contacts.csv").open(encoding="utf-8") as f:
        return [
            dt.datetime.fromisoformat(r["Create Date"]).astimezone(TZ).date()
            for r in csv.DictReader(f)
            if r["Original Source"] == original_source
            and (drill_2 is None or r["Original Source Drill-Down 2"] == drill_2)
        ]


def test_crm_leads_by_month_in_the_workspace_time_zone(result) -> None:
    days = crm_days("PAID_SOCIAL")
    meta = next(s for s in result.sources if s.source_id == "meta-lead-ads")
    assert meta.crm_leads == sum(1 for d in days if (d.year, d.month) == (2026, 10))
    assert meta.previous_crm_leads == sum(1 for d in days if (d.year, d.month) == (2026, 9))
    assert meta.cost_per_lead == (meta.spend / meta.crm_leads).quantize(Decimal("0.01"))


def test_the_zapier_source_is_found_silent(result) -> None:
    days = crm_days("OFFLINE", "Zapier")
    form = next(s for s in result.sources if s.source_id == "partner-form")
    assert form.last_lead == max(days)
    assert form.last_lead < dt.date(2026, 10, 9)
    assert form.silent
    assert any(f.startswith("SolarCompare partner form: no lead since") for f in result.findings)


def test_a_paused_silent_source_is_not_flagged(result) -> None:
    expo = next(s for s in result.sources if s.source_id == "trade-show")
    assert (expo.crm_leads, expo.silent) == (0, False)
    assert not any("Expo" in f for f in result.findings)


def test_rejected_row_is_reported_with_its_row(result) -> None:
    notices = result.notices["meta-export/performance"]
    rejected = [n for n in notices if n.code == "rejected_row"]
    assert len(rejected) == 1
    assert rejected[0].details["row"] == 42
    assert rejected[0].details["column"] == "Amount spent (ILS)"
    assert result.rows["meta-export/performance"] == 183
