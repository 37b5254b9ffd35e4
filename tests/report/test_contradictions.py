"""Issue 16's contradictions, each pinned to the one answer the rule gives.

Tried with the bundled demo for 2026-10 (``partnerkit demo``), the same question got
different answers in different places. Each test asserts the one value, worked out by
hand here (DuckDB over the raw records in ``_demo_sql``, or a walk of the business
calendar), in every place it is shown: the report's HTML (``data-value`` cells), the
report's sections, and what ``partnerkit demo`` prints.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from _demo_sql import month_by_source, month_totals
from _helpers import Page

OCT = "2026-10"
TZ = ZoneInfo("Asia/Jerusalem")


def _v(cell: tuple[str, str | None]) -> Decimal:
    assert cell[1] is not None, f"no value behind {cell[0]!r}"
    return Decimal(cell[1])


def _console_row(console: str, name: str) -> list[str]:
    """The cells of the demo's "by source" table row for a source."""
    for line in console.splitlines():
        cells = [c.strip() for c in line.split("│")]
        if len(cells) > 2 and cells[1] == name:
            return cells[1:-1]
    raise AssertionError(f"no console row for {name!r}")


@pytest.fixture(scope="module")
def hand(demo: Any) -> dict[str, Any]:
    return {"by_source": month_by_source(demo.dataset, OCT), **month_totals(demo.dataset, OCT)}


def _values(html: str) -> list[Decimal]:
    return [Decimal(v) for v in re.findall(r'data-value="([^"]+)"', html)]


# --------------------------------------------------- Google Ads CPL 145.78 / 187.65


def test_google_ads_cost_per_lead_is_one_value_everywhere(
    demo_run: Any, hand: dict[str, Any]
) -> None:
    # The display test is a campaign of the Google Ads search source (the workspace says
    # so): its 4,145.40 is Google Ads spend. 18,577.20 / 99 leads = 187.648…
    google = hand["by_source"]["google-search"]
    assert (google["spend"], google["inquiries"]) == (Decimal("18577.2"), 99)
    cpl = google["spend"] / google["inquiries"]
    _result, console, html = demo_run
    page = Page(html)
    cells = [
        r[6]
        for r in page.tables["funnel.revenue"]
        if r and r[0][0] == "Google Ads search"  # revenue by source
    ]
    assert [_v(c) for c in cells] == [cpl]
    assert _cpl_in_source_table(page, "google-search") == cpl
    # the number that was shown as Google Ads' CPL elsewhere (14,431.80 / 99) is nowhere
    wrong = Decimal("14431.8") / 99
    assert all(abs(v - wrong) > Decimal("0.01") for v in _values(html))
    assert _console_row(console, "Google Ads search")[5] == f"₪{cpl:,.2f}"


def _cpl_in_source_table(page: Page, source: str) -> Decimal:
    """The CPL row of a source's table (the row whose value equals spend ÷ leads)."""
    rows = [r for r in page.tables[f"source.{source}"] if r]
    return _v(next(r for r in rows if r[0][0] in ("Cost per lead (CPL)", "עלות לליד"))[1])


# ---------------------------------------------------------------- "76% under"


def test_google_ads_budget_is_its_spend_of_its_budget(demo_run: Any, hand: dict[str, Any]) -> None:
    # 18,577.20 of 19,000 = 97.77%: within the 10% band, on budget — not "76% under".
    _result, _console, html = demo_run
    page = Page(html)
    row = page.row("budget.source", "Google Ads search")
    assert _v(row[1]) == 19000
    assert _v(row[2]) == hand["by_source"]["google-search"]["spend"]
    assert _v(row[3]).quantize(Decimal("0.01")) == Decimal("97.77")
    assert row[5][0] in ("on budget", "בתקציב")
    under = Decimal("14431.8") / 19000 * 100  # the 76% the report used to show
    assert all(abs(v - under) > Decimal("0.01") for v in _values(html))


# ------------------------------------------------------- SLA 76.4% / 32.9% / 31%


def _deadline(created: dt.datetime, minutes: int = 120) -> dt.datetime:
    """Two working hours later on the demo calendar (Sun–Thu 09–18, its holidays)."""
    holidays = {dt.date(2026, 10, 3)}
    t = created.astimezone(TZ)
    left = dt.timedelta(minutes=minutes)
    while True:
        day = t.date()
        opens = dt.datetime.combine(day, dt.time(9), TZ)
        closes = dt.datetime.combine(day, dt.time(18), TZ)
        if day.weekday() in (6, 0, 1, 2, 3) and day not in holidays and t < closes:
            start = max(t, opens)
            if start + left <= closes:
                return start + left
            left -= closes - start
        t = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), TZ)


def test_the_response_time_sla_headline_is_the_months(demo: Any, demo_run: Any) -> None:
    # By hand: of October's leads, those first contacted within two working hours.
    from partnerkit.records import RecordKind

    met = breached = 0
    for lead in demo.dataset.tables[RecordKind.LEAD].to_pylist():
        if lead["is_deleted"] or f"{lead['created_at'].astimezone(TZ):%Y-%m}" != OCT:
            continue
        first = lead["first_engagement_at"]
        if first is not None and first <= _deadline(lead["created_at"]):
            met += 1
        else:
            breached += 1  # no contact by 15 November is past every October deadline
    # 183 HubSpot leads, and LinkedIn's 8 October form leads (never in HubSpot: no contact)
    assert (met, breached) == (81, 183 + 8)
    october = (Decimal(met) / (met + breached)).quantize(Decimal("0.0001"), ROUND_HALF_EVEN)
    result, console, html = demo_run
    page = Page(html)
    term = page.tables["sla.terms"][1]
    assert term[0][0] == "מענה ללידים"  # the demo names no SLA: its kind, in words
    assert (_v(term[2]), _v(term[3]), _v(term[4])) == (met, breached, october)
    # the headline sentence carries the month's figure, the cumulative one beside it
    summary = html[html.index('data-section="summary"') : html.index('data-section="work"')]
    shares = [Decimal(v) for v in re.findall(r'data-value="(0\.\d+)"', summary)]
    assert october in shares
    cumulative = _v(term[5])
    assert cumulative != october
    assert shares.index(october) < shares.index(cumulative)  # month first, then since start
    # the health part judges the month by the same figure
    health = result.evaluation.health.months[0].part("sla")
    assert f"lead-follow-up {october:.1%}" in health.detail
    # and the demo prints it
    assert f"{october:.1%} met in October 2026 against 85% required" in console
    assert "76.4%" not in html + console


# --------------------------------------------- monthly report "breached" vs 100%


def test_the_monthly_report_sla_of_october_says_met_in_console_and_report(
    demo_run: Any,
) -> None:
    # October's case is the September report, due on the 5th business day of October
    # and delivered on time; the late one (the October report) is due in November.
    result, console, html = demo_run
    page = Page(html)
    row = page.row("sla.terms", "מסירת דוחות")
    assert (_v(row[2]), _v(row[3]), _v(row[4])) == (1, 0, 1)
    assert "SLA monthly-report" not in console  # no breach claimed for October
    assert result.slas.term("monthly-report").month.passed is True


# -------------------------------------------------------------- customers 14 / 23


def test_customers_won_in_october_is_one_value_and_the_cohort_is_labelled(
    demo_run: Any, hand: dict[str, Any]
) -> None:
    _result, _console, html = demo_run
    page = Page(html)
    assert hand["customers"] == 23  # leads that became customers in October
    total = page.row("funnel.revenue", "כל המקורות")
    assert _v(total[3]) == hand["customers"]
    for source, expected in hand["by_source"].items():
        if expected.get("customers") and f"source.{source}" in page.tables:
            rows = page.tables[f"source.{source}"]
            shown = [_v(r[1]) for r in rows if r and r[0][0] == "לקוחות חדשים"]
            assert shown == [expected["customers"]]
    # The funnel's 14 is a cohort (October's leads that became customers so far) and
    # says so; its column is not called "customers".
    funnel_cols = list(re.findall(r"<th[^>]*>([^<]*)</th>", html))
    stages = funnel_cols[funnel_cols.index("ליד שיווקי מוסמך") :][:4]
    assert not any(c.startswith("לקוחות") for c in stages)
    assert "קבוצה" in html  # "cohort"


# ------------------------------------------------------ spend change shows "—"


def test_the_spend_change_is_shown_when_the_previous_month_has_spend(demo_run: Any) -> None:
    # Meta: 11,219.30 in October, 10,681.00 in September → +5.04%.
    _result, _console, html = demo_run
    page = Page(html)
    spend = page.tables["source.meta-lead-ads"][1]
    assert (_v(spend[1]), _v(spend[2])) == (Decimal("11219.3"), Decimal("10681"))
    expected = (Decimal("11219.3") - Decimal("10681")) / Decimal("10681") * 100
    assert _v(spend[3]) == expected


# ------------------------------------------------ 272 (inquiries) / 260 (people)


def test_leads_are_counted_both_ways_and_labelled(demo_run: Any, hand: dict[str, Any]) -> None:
    # HubSpot's and the import's 264 inquiries of 252 people, plus LinkedIn's 8 form leads
    # (8 new e-mail hashes in the cassette's answers)
    assert (hand["inquiries"], hand["people"]) == (264 + 8, 252 + 8)
    _result, console, html = demo_run
    summary = html[html.index('data-section="summary"') : html.index('data-section="work"')]
    assert re.search(
        r'<bdi class="num" data-value="272">272</bdi> פניות \(רשומות לידים\) של '
        r'<bdi class="num" data-value="260">260</bdi> אנשים',
        summary,
    )
    assert "272 inquiries (lead records) from 260 people" in console
    page = Page(html)
    labels = [r[0][0] for r in page.tables["summary.targets"] if r]
    assert "לידים (פניות)" in labels


# ------------------------------------------- empty warehouse: "100 of 100", exit 0


def test_an_empty_dataset_is_not_computable_and_scores_no_health(demo: Any) -> None:
    from partnerkit.analysis import Dataset, partnership_health
    from partnerkit.analysis.kpis import evaluate_targets
    from partnerkit.analysis.month import evaluate_month
    from partnerkit.errors import NotComputableError
    from partnerkit.report import build_report

    ws = demo.workspace
    empty = Dataset()
    evaluation = evaluate_month(ws, empty, OCT, as_of=dt.date(2026, 11, 15))
    assert evaluation.status is not None
    assert evaluation.status.code == "not_synced"
    with pytest.raises(NotComputableError) as caught:
        build_report(ws, empty, OCT, as_of=dt.date(2026, 11, 15))
    assert caught.value.code == "not_synced"
    # The health score itself: targets with no data cannot be judged, so no score — never
    # 100 from the one part (source-map hygiene) that passes on nothing.
    from partnerkit.analysis import TargetOutcome, audit_source_map

    targets = evaluate_targets(ws, empty, OCT, as_of=dt.date(2026, 10, 31))
    audit = audit_source_map(ws, empty, end=dt.date(2026, 10, 31))
    health = partnership_health(
        [OCT], targets=TargetOutcome.from_kpi_values(targets), audit=audit
    ).months[0]
    assert health.score is None
    assert health.reason == "parts_not_computable"
    assert "kpi" in health.not_computable


def test_a_month_not_started_is_refused(demo: Any) -> None:
    from partnerkit.analysis.month import evaluate_month
    from partnerkit.errors import NotComputableError
    from partnerkit.report import build_report

    evaluation = evaluate_month(
        demo.workspace, demo.dataset, "2026-12", as_of=dt.date(2026, 11, 15)
    )
    assert evaluation.status is not None
    assert (evaluation.status.code, dict(evaluation.status.params)) == (
        "month_not_started",
        {"month": "2026-12", "as_of": "2026-11-15"},
    )
    with pytest.raises(NotComputableError, match="has not started"):
        build_report(demo.workspace, demo.dataset, "2026-12", as_of=dt.date(2026, 11, 15))
