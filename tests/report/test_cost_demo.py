"""The demo's October cost of the partnership, against the raw records worked out by hand.

The demo's contract: a retainer of 12,000 a month with 60 hours included (each hour beyond
at 250) and a management fee of 10 % of media spend. Spend, inquiries and new customers
come from DuckDB over the raw tables (``_demo_sql.month_totals``), with no partnerkit
rule; October's hours from the demo's Harvest export read with the csv module (68.5 hours,
8.5 beyond the 60: 2,125).
"""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from _demo_sql import month_totals
from _helpers import Page
from test_work_demo import october_hours

from partnerkit.report import MonthlyReport


def _v(cell: tuple[str, str | None]) -> Decimal:
    assert cell[1] is not None, f"no value behind {cell[0]!r}"
    return Decimal(cell[1])


def test_the_demo_october_cost_is_media_plus_fees(demo: Any, demo_report_en: MonthlyReport) -> None:
    raw = month_totals(demo.dataset, "2026-10")
    spend, leads, customers = raw["spend"], raw["inquiries"], raw["customers"]
    fee = spend / 10
    overage = (october_hours() - 60) * 250
    assert overage == 2125
    total = spend + 12000 + fee + overage
    page = Page(demo_report_en.to_html())
    assert _v(page.row("cost.lines", "Media spend")[1]) == round(spend, 2)
    assert _v(page.row("cost.lines", "Retainer")[1]) == 12000
    assert _v(page.row("cost.lines", "Management fee")[1]) == round(fee, 2)
    assert _v(page.row("cost.lines", "Hours beyond the bank")[1]) == overage
    assert _v(page.row("cost.lines", "Total cost")[1]) == round(total, 2)
    cpl = page.row("cost.kpis", "Cost per lead (CPL)")
    assert abs(_v(cpl[1]) - spend / leads) < Decimal("0.01")
    assert abs(_v(cpl[2]) - total / leads) < Decimal("0.01")
    cac = page.row("cost.kpis", "Customer acquisition cost (CAC)")
    assert abs(_v(cac[2]) - total / customers) < Decimal("0.01")
