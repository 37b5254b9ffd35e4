"""The report's numbers against the analysis results and against hand-worked values."""

from __future__ import annotations

import datetime as dt
import re
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from _helpers import Page, small_dataset, small_workspace

from partnerkit.analysis import Dataset
from partnerkit.analysis.budget import budget_report
from partnerkit.analysis.funnel import revenue_by_source
from partnerkit.analysis.kpis import compute_kpis, evaluate_targets
from partnerkit.errors import ConfigurationError, NotComputableError
from partnerkit.records import RecordKind
from partnerkit.report import SECTION_IDS, MonthlyReport, NoData, build_report

OCT = "2026-10"
AS_OF = dt.date(2026, 11, 15)  # the day the reports are made: every figure is fixed


def _v(cell: tuple[str, str | None]) -> Decimal:
    assert cell[1] is not None, f"no value behind {cell[0]!r}"
    return Decimal(cell[1])


@pytest.fixture(scope="module")
def small() -> MonthlyReport:
    return build_report(small_workspace(), small_dataset(), OCT, as_of=AS_OF)


# ----------------------------------------------------------------- hand-worked


def test_small_targets_are_the_hand_worked_values(small: MonthlyReport) -> None:
    page = Page(small.to_html())
    leads = page.row("summary.targets", "Leads (inquiries)")
    assert _v(leads[1]) == 5
    assert _v(leads[2]) == 2  # September
    assert _v(leads[3]) == 150  # +150%
    assert leads[3][0] == "+150%"
    assert _v(leads[4]) == 3  # baseline
    assert _v(leads[5]) == 4
    assert leads[6][0] == "on track"
    cpl = page.row("summary.targets", "Cost per lead (CPL)")
    assert _v(cpl[1]) == 100
    assert cpl[1][0] == "₪100.00"
    assert _v(cpl[2]) == 200
    assert cpl[3][0] == "−50%"
    assert cpl[4][0] == "—"  # no baseline: shown as missing, not 0
    assert _v(cpl[5]) == 150


def test_small_source_table_is_hand_worked(small: MonthlyReport) -> None:
    page = Page(small.to_html())
    spend = page.row("source.google-search", "Spend")
    assert _v(spend[1]) == 500
    assert _v(spend[2]) == 400
    assert _v(spend[3]) == 25  # +25%: the spend change is shown, never "—" with spend before
    assert _v(page.row("source.google-search", "Cost per lead (CPL)")[1]) == 125
    assert _v(page.row("source.google-search", "Cost per click (CPC)")[1]) == 10
    assert _v(page.row("source.google-search", "Leads (inquiries)")[1]) == 4
    # organic has no spend records: its spend is missing, never 0
    organic = page.row("source.organic", "Spend")
    assert organic[1] == ("—", None)


def test_small_budget_and_fee_are_hand_worked(small: MonthlyReport) -> None:
    page = Page(small.to_html())
    line = page.row("budget.source", "Google search")
    assert (_v(line[1]), _v(line[2]), _v(line[3])) == (1000, 500, 50)
    assert line[5][0] == "under"
    assert _v(page.row("budget.fees", "Media spend")[1]) == 500
    assert _v(page.row("budget.fees", "Management fee (10% of media spend)")[1]) == 50
    assert _v(page.row("budget.fees", "Partner fee")[1]) == 2000


def test_small_cost_of_the_partnership_is_hand_worked(small: MonthlyReport) -> None:
    page = Page(small.to_html())
    # media 500; retainer 2000; management fee 10 % of 500 = 50
    assert _v(page.row("cost.lines", "Media spend")[1]) == 500
    assert _v(page.row("cost.lines", "Retainer")[1]) == 2000
    assert _v(page.row("cost.lines", "Management fee")[1]) == 50
    assert _v(page.row("cost.lines", "Fees")[1]) == 2050
    assert _v(page.row("cost.lines", "Total cost")[1]) == 2550
    # 5 leads: CPL 500 / 5 = 100 on media, 2550 / 5 = 510 on total cost
    cpl = page.row("cost.kpis", "Cost per lead (CPL)")
    assert (_v(cpl[1]), _v(cpl[2])) == (100, 510)
    # no deals: ROI is missing on both, never 0
    roi = page.row("cost.kpis", "Return on investment (ROI)")
    assert (roi[1][1], roi[2][1]) == (None, None)


def test_missing_inputs_say_no_data_and_why(small: MonthlyReport) -> None:
    page = Page(small.to_html())
    # no deals: revenue is missing with the reason, not 0
    total = page.row("funnel.revenue", "All sources")
    assert total[5][0] == "—"
    assert total[5][1] is None
    assert "no deal records" in small.to_html()
    # no evidence log: the report-delivery term is not measured, said so
    assert any("no evidence log" in n for n in page.nodata)
    assert page.row("sla.terms", "Report delivery")[7][0] == "not measured"
    # no learning log, no notes
    learnings = small.section("learnings")
    assert not learnings.has_data
    assert isinstance(learnings.blocks[0], NoData)
    assert "learning log" in learnings.blocks[0].reason
    md = small.to_markdown()
    assert "*No data: the learning log has no test" in md


def test_every_section_present_in_order(small: MonthlyReport) -> None:
    page = Page(small.to_html())
    assert tuple(page.sections) == SECTION_IDS
    assert [s.number for s in small.sections] == list(range(1, 10))
    md = small.to_markdown()
    for s in small.sections:
        assert f"## {s.number}. {s.title}" in md


def test_recommendation_carries_its_numbers(small: MonthlyReport) -> None:
    recs = " ".join(small.recommendations)
    assert "Use or release the Google search budget: ₪500.00 of ₪1,000.00 spent." in recs


def test_section_selection_css_and_template() -> None:
    report = build_report(
        small_workspace(),
        small_dataset(),
        dt.date(2026, 10, 15),
        as_of=AS_OF,
        sections=["budget", "summary"],
        css="h2{color:red}",
        template='<html lang="$lang" dir="$dir"><style>$css</style>$body</html>',
    )
    page = Page(report.to_html())
    assert page.sections == ["budget", "summary"]
    assert page.section_titles[0] == "1. Budget"
    assert report.to_html().count("h2{color:red}") == 1
    assert report.to_html().startswith('<html lang="en" dir="ltr">')
    with pytest.raises(ConfigurationError, match="unknown report section"):
        build_report(small_workspace(), small_dataset(), OCT, sections=["nope"])  # type: ignore[list-item]


def test_empty_dataset_is_not_a_report() -> None:
    from partnerkit.analysis import Dataset

    with pytest.raises(NotComputableError) as caught:
        build_report(small_workspace(), Dataset(), OCT, as_of=AS_OF)
    assert caught.value.code == "not_synced"


def test_write_and_notebook(small: MonthlyReport, tmp_path: Path) -> None:
    html_path, md_path = small.write(tmp_path / "out")
    assert html_path.name == "report-2026-10.html"
    assert html_path.read_text(encoding="utf-8") == small.to_html()
    assert md_path.read_text(encoding="utf-8") == small.to_markdown()
    notebook = small._repr_html_()
    assert re.match(
        r'<div class="partnerkit-report partnerkit-report-[0-9a-f]{12}" lang="en" dir="ltr">',
        notebook,
    )
    assert "<html" not in notebook


def test_html_is_self_contained(small: MonthlyReport) -> None:
    html = small.to_html()
    assert "<script" not in html
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in html
    assert "@import" not in html
    assert "url(" not in html


# ------------------------------------------------------------------- the demo


def test_demo_targets_match_evaluate_targets(demo: Any, demo_report_en: MonthlyReport) -> None:
    expected = evaluate_targets(demo.workspace, demo.dataset, OCT, as_of=dt.date(2026, 10, 31))
    page = Page(demo_report_en.to_html())
    rows = page.tables["summary.targets"][1:]
    assert len(rows) == len(expected.values)
    for row, v in zip(rows, expected, strict=True):
        assert _v(row[1]) == v.value
        assert _v(row[2]) == v.previous
        assert _v(row[5]) == v.target
        assert v.change is not None
        assert _v(row[3]) == v.change.relative


def test_demo_sources_match_compute_kpis(demo: Any, demo_report_en: MonthlyReport) -> None:
    kpis = compute_kpis(
        demo.workspace,
        demo.dataset,
        OCT,
        kpis=["cpl", "leads", "clicks"],
        by="source",
        as_of=dt.date(2026, 10, 31),
    )
    page = Page(demo_report_en.to_html())
    checked = 0
    for source in ("google-search", "meta-lead-ads"):
        for kpi, label in (
            ("cpl", "Cost per lead (CPL)"),
            ("leads", "Leads (inquiries)"),
            ("clicks", "Clicks"),
        ):
            v = kpis.get(kpi, f"source {source}")
            row = page.row(f"source.{source}", label)
            assert _v(row[1]) == v.value
            assert _v(row[2]) == v.previous
            checked += 1
    assert checked == 6
    # the displayed text is the value, rounded for reading
    cpl = page.row("source.google-search", "Cost per lead (CPL)")
    assert cpl[1][0] == f"₪{_v(cpl[1]):,.2f}"


def test_demo_budget_and_revenue_match(demo: Any, demo_report_en: MonthlyReport) -> None:
    budget = budget_report(
        demo.workspace, demo.dataset, OCT, by="source", as_of=dt.date(2026, 10, 31)
    )
    revenue = revenue_by_source(demo.workspace, demo.dataset, OCT, as_of=dt.date(2026, 10, 31))
    page = Page(demo_report_en.to_html())
    names = {s.id: s.name for s in demo.workspace.sources}
    for line in budget:
        if line.key in ("google-search", "meta-lead-ads"):
            row = page.row("budget.source", names[line.key])
            assert _v(row[1]) == line.planned
            assert _v(row[2]) == line.spend
    assert _v(page.row("budget.fees", "Media spend")[1]) == budget.media_spend
    total = revenue.get("all")
    row = page.row("funnel.revenue", "All sources")
    assert _v(row[1]) == total.spend
    assert _v(row[2]) == total.leads
    assert _v(row[5]) == total.revenue


def test_demo_sla_and_findings(demo_report_en: MonthlyReport) -> None:
    sla = demo_report_en.results.sla
    assert sla is not None
    page = Page(demo_report_en.to_html())
    rows = [r for r in page.tables["sla.terms"] if r]  # one row per term, in order
    for row, term in zip(rows, sla.terms, strict=True):
        assert term.month is not None
        assert int(_v(row[2])) == term.month.met
        assert int(_v(row[3])) == term.month.breached
        if term.month.attainment is not None:
            assert _v(row[4]) == term.month.attainment
        if term.attainment is not None:
            assert _v(row[5]) == term.attainment
    md = demo_report_en.to_markdown()
    assert "SolarCompare partner form: no lead for" in md  # the silent source
    assert "repeat a person already counted" in md
    assert "spent with no lead" in md  # the campaign with spend and no leads
    assert {"history", "cpl", "funnel", "budget"} <= set(Page(demo_report_en.to_html()).charts)


def test_hebrew_is_rtl_with_hebrew_titles_and_shekels(demo_report_he: MonthlyReport) -> None:
    html = demo_report_he.to_html()
    page = Page(html)
    assert page.html_attrs == {"lang": "he", "dir": "rtl"}
    # October is the trial's last month: its verdict opens the report (test_trial.py)
    assert page.section_titles[:2] == ["1. תקופת הניסיון: ההכרעה", "2. תקציר מנהלים"]
    assert "10. החודש הבא" in page.section_titles
    assert demo_report_he.rtl
    spend = page.row("budget.fees", "הוצאת מדיה")
    # babel's Hebrew currency format: number then ₪, with right-to-left marks
    assert spend[1][0].endswith("₪")
    assert "\u200f" in spend[1][0]
    assert spend[1][0].replace("\u200f", "").replace("\xa0", " ") == (f"{_v(spend[1]):,.2f} ₪")
    assert "אוקטובר 2026" in html


def test_previous_report_is_carried_forward() -> None:
    september = build_report(small_workspace(), small_dataset(), "2026-09", as_of=AS_OF)
    october = build_report(small_workspace(), small_dataset(), OCT, previous=september, as_of=AS_OF)
    md = october.to_markdown()
    assert "Recommended in the previous report" in md
    assert september.recommendations[0] in md
    if september.health_score is not None and october.health_score is not None:
        assert "previous report:" in md


def test_a_source_never_synced_says_so_instead_of_no_rows() -> None:
    # Google search is read through the "ads" connection; no performance record of it
    # exists at all: its spend is "not synced", not a quiet month and never 0.
    ws = small_workspace()
    data = ws.model_dump(mode="json", exclude_none=True)
    data["connections"] = [{"name": "ads", "connector": "files"}]
    data["sources"][0]["connection"] = "ads"
    ws = type(ws).model_validate(data)
    leads_only = Dataset.from_records({"lead": small_dataset().tables[RecordKind.LEAD].to_pylist()})
    report = build_report(ws, leads_only, OCT, as_of=AS_OF)
    spend = Page(report.to_html()).row("source.google-search", "Spend")
    assert spend[1][1] is None
    assert "never synced" in report.to_html()
    assert report.results.reason_of(report.results.source("google-search", "spend")) == (
        "not_synced"
    )
    # organic has no connection: no spend record is just that
    organic = report.results.source("organic", "spend")
    assert report.results.reason_of(organic) == "no_rows"


def test_a_relative_and_a_proposed_target_in_the_report() -> None:
    targets = [
        {
            "id": "monthly-leads",
            "kpi": "leads",
            "period": {"every": "month"},
            "change": "+25%",  # 4 × 1.25 = 5
            "baseline": {"value": 4, "period": {"month": "2026-08"}},
            "agreed_on": "2026-09-01",
        },
        {"id": "cpl", "kpi": "cpl", "period": "monthly", "value": 150, "approval": "proposed"},
    ]
    report = build_report(small_workspace(targets=targets), small_dataset(), OCT, as_of=AS_OF)
    page = Page(report.to_html())
    leads = page.row("summary.targets", "Leads (inquiries)")
    assert (_v(leads[4]), _v(leads[5]), leads[6][0]) == (4, 5, "on track")  # 5 leads
    cpl = page.row("summary.targets", "Cost per lead (CPL) (proposed)")
    assert (_v(cpl[1]), _v(cpl[5]), cpl[6][0]) == (100, 150, "on track")
