"""The demo's October work log, hours and meetings, against its files read by hand.

The demo's files (``src/partnerkit/demo/data``) are read here with the csv module and no
partnerkit rule: October's hours from the Harvest export, the work log's completed and
remaining items, and the meetings' overdue action items as of 31 October. The planted
findings: 68.5 hours against the 60 the retainer includes (8.5 over, at 250: 2,125), one
item out of scope (the expo landing page, W-104) and one overdue action item (A-2, the
CRM access due 16 October).
"""

from __future__ import annotations

import csv
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from _helpers import Page

from partnerkit.demo import DEMO_WORKSPACE
from partnerkit.report import MonthlyReport

DATA = DEMO_WORKSPACE.parent / "data"
END = "2026-10-31"


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def october_hours() -> Decimal:
    """October's hours in the demo's Harvest export."""
    return sum(
        (Decimal(r["Hours"]) for r in _rows("harvest_time_2026.csv") if r["Date"][:7] == "2026-10"),
        Decimal(0),
    )


def work_in_october() -> tuple[list[str], list[str], list[str]]:
    """The work log's titles: done in October, open on 31 October, out of scope."""
    log = _rows("work_log.csv")
    done = [r["title"] for r in log if "2026-10-01" <= r["done"] <= END]
    remaining = [r["title"] for r in log if r["created"] <= END and not r["done"]]
    outside = [r["title"] for r in log if r["in_scope"] == "no"]
    return done, remaining, outside


def overdue_on_october_31() -> list[dict[str, str]]:
    """The meetings' action items due before 31 October and not done."""
    return [
        r
        for r in _rows("meetings.csv")
        if r["type"] == "action" and r["due"] and r["due"] < END and r["done"] != "yes"
    ]


def _v(cell: tuple[str, str | None]) -> Decimal:
    assert cell[1] is not None, f"no value behind {cell[0]!r}"
    return Decimal(cell[1])


def test_hours_against_the_bank(demo_report_en: MonthlyReport) -> None:
    used = october_hours()
    assert used == Decimal("68.5")
    page = Page(demo_report_en.to_html())
    assert _v(page.row("work.hours", "Hours in the bank")[1]) == 60
    assert _v(page.row("work.hours", "Hours used")[1]) == used
    assert _v(page.row("work.hours", "Hours left")[1]) == 0
    assert _v(page.row("work.hours", "Hours beyond the bank")[1]) == used - 60
    assert _v(page.row("work.hours", "Cost of the hours beyond")[1]) == (used - 60) * 250
    content = sum(
        Decimal(r["Hours"])
        for r in _rows("harvest_time_2026.csv")
        if r["Date"][:7] == "2026-10" and r["Task"] == "Content"
    )
    assert _v(page.row("work.hours_by_type", "Content")[1]) == content == 14


def test_completed_and_remaining_work_with_out_of_scope_flagged(
    demo_report_en: MonthlyReport,
) -> None:
    done, remaining, outside = work_in_october()
    assert (len(done), len(remaining), outside) == (
        4,
        2,
        ["Landing page for the Eilat expo leads"],
    )
    page = Page(demo_report_en.to_html())
    assert sorted(row[0][0] for row in page.tables["work.completed"][1:]) == sorted(done)
    assert sorted(row[0][0] for row in page.tables["work.remaining"][1:]) == sorted(remaining)
    assert page.row("work.completed", outside[0])[4][0] == "out of scope"
    assert "1 items outside the contract's scope." in page_text(demo_report_en)


def test_overdue_action_items(demo_report_en: MonthlyReport, demo: Any) -> None:
    overdue = [r["text"] for r in overdue_on_october_31()]
    assert overdue == ["Give the agency access to the CRM's call tracking"]
    page = Page(demo_report_en.to_html())
    assert [row[0][0] for row in page.tables["work.overdue_actions"][1:]] == overdue
    # in health: done, A-2 overdue: 2 of 3 action items not overdue
    health = page.row("sla.health", "action items")
    assert _v(health[1]) == Decimal("0.6667")


def page_text(report: MonthlyReport) -> str:
    import re

    return " ".join(re.sub(r"<[^>]+>", " ", report.to_html()).split())
