"""Every figure shown for the demo month is the month's evaluation's, and the raw data's.

For the demo workspace (2026-10): each number the report's HTML carries (its
``data-value`` cells), the ``partnerkit report`` command writes and ``partnerkit demo``
prints equals the :class:`~partnerkit.analysis.month.MonthEvaluation`'s result; spend,
people, inquiries, customers and CPL by source also equal a hand-written DuckDB query
over the raw record tables (``_demo_sql``), which shares no code with the analysis.

A property-based version over random workspaces (hypothesis) is not here yet.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))
from _demo_sql import days_by_source, month_by_source, month_totals
from _helpers import Page

from partnerkit.analysis.month import MonthEvaluation, figure, previous_figure
from partnerkit.report import MonthlyReport, build_report
from partnerkit.report.sections import Bullets, Cell, Table, Text

OCT = "2026-10"


def _v(cell: tuple[str, str | None]) -> Decimal | None:
    return None if cell[1] is None else Decimal(cell[1])


def _cells(report: MonthlyReport) -> list[Cell]:
    out: list[Cell] = []
    for section in report.sections:
        for block in section.blocks:
            if isinstance(block, Table):
                out.extend(c for row in block.rows for c in row)
            elif isinstance(block, Text):
                out.extend(_shown(block))
            elif isinstance(block, Bullets):
                for item in block.items:
                    out.extend(_shown(item))
    return out


def _shown(text: Text) -> list[Cell]:
    """The cells a sentence shows (a field its words leave out is not shown)."""
    return [c for k, c in text.fields.items() if "{" + k + "}" in text.template]


@pytest.fixture(scope="module")
def evaluation(demo_run: Any) -> MonthEvaluation:
    ev: MonthEvaluation = demo_run[0].evaluation
    assert ev is not None
    assert ev.status is None
    return ev


@pytest.fixture(scope="module")
def report_en(demo: Any, evaluation: MonthEvaluation) -> MonthlyReport:
    return build_report(demo.workspace, demo.dataset, OCT, evaluation=evaluation, locale="en-US")


def _kpi_by_name(evaluation: MonthEvaluation, report: MonthlyReport, scope: str) -> dict[str, Any]:
    from partnerkit.report import Formatter

    f = Formatter(report.locale, evaluation.workspace.currency)
    table = evaluation.sources if scope != "all" else evaluation.totals
    assert table is not None
    return {f.kpi(v.kpi, v.name): v for v in table if v.scope == scope}


# ------------------------------------------------------------------- the HTML


def test_every_data_value_of_the_html_is_a_cell_of_the_report(
    demo_run: Any, demo: Any, evaluation: MonthEvaluation
) -> None:
    # the demo's own report (Hebrew) was rendered from the evaluation the console used
    _, _, html = demo_run
    again = build_report(demo.workspace, demo.dataset, OCT, evaluation=evaluation)
    assert again.to_html() == html
    shown = Counter(Decimal(v) for v in re.findall(r'data-value="([^"]+)"', html))
    cells = Counter(c.value for c in _cells(again) if c.value is not None and not c.missing)
    assert shown == cells


def test_source_tables_are_the_evaluations_kpis(
    report_en: MonthlyReport, evaluation: MonthEvaluation
) -> None:
    page = Page(report_en.to_html())
    checked = 0
    for key, rows in page.tables.items():
        if not key.startswith("source."):
            continue
        kpis = _kpi_by_name(evaluation, report_en, f"source {key.removeprefix('source.')}")
        for row in rows:
            if not row:
                continue
            v = kpis[row[0][0]]
            assert _v(row[1]) == figure(v), (key, row[0][0])
            assert _v(row[2]) == previous_figure(v), (key, row[0][0])
            change = v.change.relative if v.change is not None else None
            assert _v(row[3]) in (None, change), (key, row[0][0])
            # beside it, labelled "Since <contract start>": the cumulative figure
            assert _v(row[7]) == figure(evaluation.since_start(v.kpi, v.scope)), key
            assert _v(row[7]) is not None or figure(v) is None or v.kpi == "roas"
            checked += 1
    assert checked >= 30


def test_targets_budget_revenue_and_sla_tables_are_the_evaluations(
    report_en: MonthlyReport, evaluation: MonthEvaluation
) -> None:
    page = Page(report_en.to_html())
    assert evaluation.targets is not None
    targets = [r for r in page.tables["summary.targets"] if r]
    assert len(targets) == len(evaluation.targets.values)
    for row, v in zip(targets, evaluation.targets, strict=True):
        assert (_v(row[1]), _v(row[2]), _v(row[5])) == (figure(v), previous_figure(v), v.target)
    assert evaluation.budget is not None
    names = {s.id: s.name for s in evaluation.workspace.sources}
    for line in evaluation.budget:
        if line.key in names:
            row = page.row("budget.source", names[line.key])
            assert _v(row[1]) == line.planned
            assert _v(row[2]) == (line.spend if line.records else None)
            assert _v(row[3]) == (line.used_pct if line.records else None)
    for row in (r for r in page.tables["funnel.revenue"] if r):
        if row[0][0] == "All sources":
            scope = "all"
        else:
            scope = "source " + next(i for i, n in names.items() if n == row[0][0])
        kpis = _kpi_by_name(evaluation, report_en, scope)
        assert _v(row[1]) == figure(kpis["Spend"])
        assert _v(row[2]) == figure(kpis["Leads (inquiries)"])
        assert _v(row[3]) == figure(kpis["New customers"])
        assert _v(row[6]) == figure(kpis["Cost per lead (CPL)"])
    assert evaluation.sla is not None
    rows = [r for r in page.tables["sla.terms"] if r]  # one row per term, in order
    for row, term in zip(rows, evaluation.sla.terms, strict=True):
        assert term.month is not None
        assert (_v(row[2]), _v(row[3]), _v(row[4])) == (
            term.month.met,
            term.month.breached,
            term.month.attainment,
        )
        assert _v(row[5]) == term.cumulative.attainment
    assert evaluation.health is not None
    assert report_en.health_score == evaluation.health.months[0].score


# ---------------------------------------------------------- the demo's console


def test_the_demo_console_prints_the_evaluations_figures(
    demo_run: Any, evaluation: MonthEvaluation
) -> None:
    from partnerkit.cli import app

    result, console, _ = demo_run
    # `partnerkit demo` prints the same: it calls run_demo with its console
    cli = CliRunner().invoke(app, ["demo", "-o", str(Path(result.report_paths[0]).parent)])
    assert cli.exit_code == 0, cli.output
    flat = " ".join(cli.output.split())
    for s in result.sources:
        spend = figure(evaluation.source(s.source_id, "spend"))
        leads = figure(evaluation.source(s.source_id, "leads"))
        cpl = figure(evaluation.source(s.source_id, "cpl"))
        before = previous_figure(evaluation.source(s.source_id, "leads"))
        assert (s.spend, s.crm_leads, s.cost_per_lead) == (spend, leads, cpl)
        assert s.previous_crm_leads == before
        name = s.name if s.status == "active" else f"{s.name} ({s.status})"
        cells = [
            name,
            "—" if spend is None else f"₪{spend:,.2f}",
            str(leads),
            "—" if before is None else str(before),
            "—" if s.lead_target is None else str(s.lead_target),
            "—" if cpl is None else f"₪{cpl:,.2f}",
        ]
        row = re.compile(r"\s*│\s*".join(map(re.escape, cells)))
        assert row.search(console), cells
        for money in cells[1::4]:
            assert money in flat  # the CLI's console (80 columns) shows the same amounts
    inquiries = figure(evaluation.inquiries)
    line = f"{inquiries} inquiries (lead records) from {evaluation.people} people"
    assert line in " ".join(console.split())
    assert line in flat


# ------------------------------------------------------- `partnerkit report`


def test_the_report_command_writes_the_evaluations_figures(
    demo: Any, evaluation: MonthEvaluation, tmp_path: Path
) -> None:
    from partnerkit.cli import app
    from partnerkit.demo import DEMO_WORKSPACE
    from partnerkit.store import Warehouse
    from partnerkit.stream import RecordStream

    path = tmp_path / "demo.duckdb"
    warehouse = Warehouse(path)
    try:
        for kind, rows in demo.records.items():
            warehouse.load(RecordStream.from_records(kind, rows, name=f"demo {kind}"))
    finally:
        warehouse.close()
    out = tmp_path / "out"
    data = DEMO_WORKSPACE.parent / "data"
    result = CliRunner().invoke(
        app,
        [
            "report",
            "-c",
            str(DEMO_WORKSPACE),
            "--month",
            OCT,
            "--as-of",
            "2026-11-15",
            "--warehouse",
            str(path),
            "--evidence",
            str(data / "evidence.csv"),
            "--survey",
            str(data / "survey.csv"),
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    page = Page((out / "report-2026-10.html").read_text(encoding="utf-8"))
    for source in ("google-search", "meta-lead-ads"):
        rows = [r for r in page.tables[f"source.{source}"] if r]
        kpis = {v.kpi: v for v in evaluation.sources or () if v.scope == f"source {source}"}
        by_label = {r[0][0]: r for r in rows}
        assert _v(by_label["הוצאה"][1]) == figure(kpis["spend"])
        assert _v(by_label["לידים (פניות)"][1]) == figure(kpis["leads"])
        assert _v(by_label["עלות לליד"][1]) == figure(kpis["cpl"])
    terms = [r for r in page.tables["sla.terms"] if r]
    assert evaluation.sla is not None
    for row, term in zip(terms, evaluation.sla.terms, strict=True):
        assert term.month is not None
        assert _v(row[4]) == term.month.attainment


# ----------------------------------------------------- against the raw records


def test_spend_people_inquiries_and_cpl_by_source_equal_a_hand_written_query(
    demo: Any, evaluation: MonthEvaluation
) -> None:
    by_source = month_by_source(demo.dataset, OCT)
    for source in evaluation.workspace.sources:
        hand = by_source.get(source.id, {})
        assert figure(evaluation.source(source.id, "spend")) == hand.get("spend"), source.id
        assert figure(evaluation.source(source.id, "leads")) == hand.get("inquiries", 0)
        assert figure(evaluation.source(source.id, "customers")) == hand.get("customers", 0)
        assert figure(evaluation.source(source.id, "cpl")) == hand.get("cpl"), source.id
    since = days_by_source(demo.dataset, dt.date(2026, 8, 1), dt.date(2026, 10, 31))
    assert evaluation.since == dt.date(2026, 8, 1)
    for source in evaluation.workspace.sources:
        hand = since.get(source.id, {})
        scope = f"source {source.id}"
        assert figure(evaluation.since_start("spend", scope)) == hand.get("spend")
        assert figure(evaluation.since_start("leads", scope)) == hand.get("inquiries", 0)
        assert figure(evaluation.since_start("cpl", scope)) == hand.get("cpl")
    totals = month_totals(demo.dataset, OCT)
    assert figure(evaluation.total("spend")) == totals["spend"]
    assert figure(evaluation.total("leads")) == totals["inquiries"]
    assert figure(evaluation.total("customers")) == totals["customers"]
    assert evaluation.people == totals["people"]
