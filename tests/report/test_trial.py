"""The trial verdict opens the report in the trial's last month, and warns the month before.

The demo's contract (``partnerkit/demo/partnerkit.yaml``) runs a trial from 1 August to
31 October 2026 with four criteria: CPL at most ₪180, at least 540 leads, at least 75
SQLs, and the lead follow-up SLA (85% within 2 business hours). Their values are worked
out here by a DuckDB query over the raw record tables (``_demo_sql``, no partnerkit
rule): over the trial, 889 lead records (HubSpot's 840 and LinkedIn's 49 form leads) and
₪105,232.90 of spend (CPL 118.37), 171 leads became SQLs; the follow-up term has one
case per lead, 628 of the 889 within 2 business hours (70.64% < 85%: LinkedIn's form
leads never reach HubSpot, so none has a first touch). Three of four met, one not: the
verdict is *extend*.
"""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from _demo_sql import TZ, connect
from _helpers import Page, small_dataset, small_workspace

from partnerkit.report import MonthlyReport, Table, Text, build_report

AS_OF = dt.date(2026, 11, 15)


def _by_hand(dataset: Any, first: dt.date, last: dt.date) -> dict[str, Decimal]:
    """Leads, spend and SQLs from ``first`` to ``last``: SQL over the raw tables."""
    con = connect(dataset)

    def one(sql: str) -> Decimal:
        row = con.execute(sql).fetchone()
        assert row is not None
        return Decimal(row[0])

    local = f"timezone('{TZ}', {{}})::DATE BETWEEN DATE '{first}' AND DATE '{last}'"
    return {
        "leads": one(
            f"SELECT count(*) FROM raw_lead WHERE is_deleted IS NOT true "
            f"AND {local.format('created_at')}"
        ),
        "sqls": one(
            f"SELECT count(*) FROM raw_lead WHERE is_deleted IS NOT true "
            f"AND {local.format('became_sql_at')}"
        ),
        "spend": one(
            f"SELECT sum(spend) FROM raw_performance "
            f"WHERE date BETWEEN DATE '{first}' AND DATE '{last}'"
        ),
    }


def _texts(report: MonthlyReport) -> list[str]:
    return [b.plain() for b in report.sections[0].blocks if isinstance(b, Text)]


def _rows(report: MonthlyReport) -> dict[str, tuple[Any, ...]]:
    table = report.sections[0].table("trial.criteria")
    return {row[0].text: row for row in table.rows}


# ------------------------------------------------------------------- the demo


def test_the_october_report_opens_with_the_verdict(
    demo: Any, demo_report_en: MonthlyReport
) -> None:
    first = demo_report_en.sections[0]
    assert (first.id, first.number, first.title) == ("trial", 1, "The trial period: verdict")
    assert [s.id for s in demo_report_en.sections][1:3] == ["summary", "work"]
    hand = _by_hand(demo.dataset, dt.date(2026, 8, 1), dt.date(2026, 10, 31))
    # HubSpot's 840 leads and ₪91,706.90 (Meta, Google Ads) plus LinkedIn's cassette: 21 + 20
    # + 8 form leads and 31 × 140 + 30 × 145 + 31 × 156 = ₪13,526 (no SQL among them)
    assert (hand["leads"], hand["spend"], hand["sqls"]) == (889, Decimal("105232.90"), 171)

    table = first.table("trial.criteria")
    assert table.columns == ("Success criterion", "Success means", "Measured", "Result")
    rows = _rows(demo_report_en)
    cpl = rows["Cost per lead (CPL)"]
    assert (cpl[1].text, cpl[1].value) == ("≤ ₪180.00", 180)
    assert cpl[2].value == hand["spend"] / hand["leads"]  # 105,232.90 / 889 = 118.3722…
    assert (cpl[2].text, cpl[3].text) == ("₪118.37", "met")
    leads = rows["Leads (inquiries)"]
    assert (leads[1].text, leads[2].value, leads[3].text) == ("≥ 540", hand["leads"], "met")
    sqls = rows["Sales-qualified leads (SQLs)"]
    assert (sqls[1].text, sqls[2].value, sqls[3].text) == ("≥ 75", hand["sqls"], "met")
    response = rows["Lead follow-up time (SLA)"]
    assert (response[1].text, response[1].value) == ("≥ 85%", Decimal("0.85"))
    assert (response[2].text, response[2].value) == ("70.6%", Decimal("0.7064"))  # 628 / 889
    assert response[3].text == "not met"

    # the evidence behind the SLA figure: one case per lead of the trial
    verdict = demo_report_en.results.trial
    assert verdict is not None
    term = verdict.criterion("lead-response").term
    assert term is not None
    # LinkedIn's 49 form leads never reach HubSpot: no first touch, each one breached
    assert (term.met, term.breached, term.pending) == (628, 212 + 49, 0)
    assert term.met + term.breached == hand["leads"]
    assert round(Decimal(628) / Decimal(889), 4) == Decimal("0.7064")

    assert _texts(demo_report_en) == [
        "The trial period (Aug 1, 2026 to Oct 31, 2026) ends this month.",
        "Verdict: extend the trial. 3 of 4 success criteria met, 1 not met, "
        "0 not measurable: not enough to decide.",
        "Measured over the trial, from Aug 1, 2026 to Oct 31, 2026.",
    ]
    assert Page(demo_report_en.to_html()).sections[0] == "trial"
    assert "## 1. The trial period: verdict" in demo_report_en.to_markdown()


def test_the_october_report_in_hebrew(demo_report_he: MonthlyReport) -> None:
    md = demo_report_he.to_markdown()
    assert "## 1. תקופת הניסיון: ההכרעה" in md
    assert "ההכרעה: להאריך את הניסיון." in md
    assert "| מדד הצלחה | הצלחה היא | נמדד | תוצאה |" in md


@pytest.fixture(scope="module")
def september(demo: Any) -> MonthlyReport:
    return build_report(
        demo.workspace,
        demo.dataset,
        "2026-09",
        evidence=demo.evidence,
        survey=demo.survey,
        locale="en-US",
        as_of=demo.as_of,
    )


def test_the_september_report_warns_the_trial_ends_next_month(
    demo: Any, september: MonthlyReport
) -> None:
    assert september.sections[0].id == "trial"
    texts = _texts(september)
    assert texts[0] == (
        "The trial period ends next month, on Oct 31, 2026: this is the last report before "
        "the verdict."
    )
    assert texts[1] == (
        "As it stands on Sep 30, 2026, with the figures projected to the trial's end, the "
        "verdict would be: continue. Every success criterion is met (4 of 4)."
    )
    table = september.sections[0].table("trial.criteria")
    assert table.columns == (
        "Success criterion",
        "Success means",
        "Measured",
        "Projected to Oct 31, 2026",
        "Result",
    )
    hand = _by_hand(demo.dataset, dt.date(2026, 8, 1), dt.date(2026, 9, 30))
    leads = _rows(september)["Leads (inquiries)"]
    assert leads[2].value == hand["leads"] == 576 + 41  # HubSpot's and LinkedIn's 21 + 20
    # 617 leads in 61 of the trial's 92 days → 617 × 92 / 61 = 930.56 ≥ 540
    assert leads[3].value is not None
    assert round(leads[3].value, 2) == round(hand["leads"] * 92 / 61, 2) == Decimal("930.56")
    assert leads[4].text == "met"
    cpl = _rows(september)["Cost per lead (CPL)"]
    assert cpl[2].value == hand["spend"] / hand["leads"]
    assert cpl[3].value == cpl[2].value  # a ratio projects to itself


def test_august_has_no_trial_section(demo: Any) -> None:
    august = build_report(
        demo.workspace, demo.dataset, "2026-08", evidence=demo.evidence, as_of=demo.as_of
    )
    assert august.results.trial is None
    assert august.sections[0].id == "summary"


# --------------------------------------------------------- small engagements


def _trial(*criteria: dict[str, Any], trial_end: dt.date | None = dt.date(2026, 10, 31)) -> Any:
    contract: dict[str, Any] = {
        "start": dt.date(2026, 9, 1),
        "pricing": {"kind": "retainer", "monthly_fee": 2000},
        "trial_criteria": list(criteria),
    }
    if trial_end is not None:
        contract["trial_end"] = trial_end
    return small_workspace(contract=contract)


def test_a_workspace_without_a_trial_end_gets_no_trial_section() -> None:
    report = build_report(small_workspace(), small_dataset(), "2026-10", as_of=AS_OF)
    assert report.results.trial is None
    assert "trial" not in [s.id for s in report.sections]
    explicit = build_report(
        small_workspace(), small_dataset(), "2026-10", as_of=AS_OF, sections=["trial", "budget"]
    )
    assert [s.id for s in explicit.sections] == ["budget"]


def test_an_end_verdict_and_a_criterion_without_data() -> None:
    # Over 1 Sep – 31 Oct: CPL 900 / 7 = 128.57 > 100 (not met), 7 leads < 10 (not met),
    # the report-delivery SLA has no evidence log (not measurable) → 2 of 3 missed: end.
    ws = _trial(
        {"id": "cpl", "kpi": "cpl", "value": 100},
        {"id": "leads", "kpi": "leads", "value": 10},
        {"id": "reports", "sla": "monthly-report"},
    )
    report = build_report(ws, small_dataset(), "2026-10", as_of=AS_OF)
    first = report.sections[0]
    assert first.id == "trial"
    verdict = [b for b in first.blocks if isinstance(b, Text)][1]
    assert verdict.plain() == (
        "Verdict: end the engagement. 2 of 3 success criteria not met: more than half."
    )
    assert verdict.tone == "bad"
    rows = _rows(report)
    assert rows["Cost per lead (CPL)"][2].value == Decimal(900) / Decimal(7)
    assert rows["Leads (inquiries)"][2].value == 7
    reports = rows["Report delivery (SLA)"]
    assert (reports[2].text, reports[2].value, reports[2].missing) == (
        "—",
        None,
        "no evidence log given",
    )
    assert reports[3].text == "not measurable"


def test_the_selection_keeps_or_leaves_out_the_trial() -> None:
    ws = _trial({"id": "leads", "kpi": "leads", "value": 7})
    only_budget = build_report(ws, small_dataset(), "2026-10", as_of=AS_OF, sections=["budget"])
    assert [(s.id, s.number) for s in only_budget.sections] == [("budget", 1)]
    chosen = build_report(ws, small_dataset(), "2026-10", as_of=AS_OF, sections=["budget", "trial"])
    assert [(s.id, s.number) for s in chosen.sections] == [("trial", 1), ("budget", 2)]
    texts = [b for b in chosen.sections[0].blocks if isinstance(b, Text)]
    assert texts[1].plain() == "Verdict: continue. Every success criterion is met (1 of 1)."
    assert texts[1].tone == "good"


def test_a_trial_without_criteria_says_so() -> None:
    report = build_report(_trial(), small_dataset(), "2026-10", as_of=AS_OF)
    blocks = report.sections[0].blocks
    assert not any(isinstance(b, Table) for b in blocks)
    assert [b.plain() for b in blocks if isinstance(b, Text)][1] == (
        "The contract sets no success criteria for the trial: there is nothing to judge it on."
    )
