"""The report shows what the split rows answer: search terms without conversions, audiences.

The small engagement of ``_helpers.py`` (October 2026: spend 500, 5 leads) with two more
kinds of rows, neither of which changes its figures:

* Google Ads search terms of account 111, campaign "Search": "free stuff" 30 + 20 = 50
  spent over 8 + 4 = 12 clicks, no conversion (listed: 12 ≥ 10 clicks); "shoes" 40
  over 15 clicks and 1 conversion (not listed).
* Meta breakdown rows of account act_9 by gender (no standard rows), September →
  October: male platform leads 1 → 3 (+200 %), cost per platform lead 100 → 33.33
  (−66.67 %), clicks 20 → 10 (−50 %); female leads 9 → 7, clicks 30 → 40, cost per lead
  150/9 → 150/7 (smaller moves, below the three the report lists).
"""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa

sys.path.insert(0, str(Path(__file__).parent))
from _helpers import small_dataset, small_workspace

from partnerkit.analysis import Dataset
from partnerkit.analysis.month import evaluate_month
from partnerkit.records import RecordKind
from partnerkit.report import build_report
from partnerkit.stream import RecordStream

OCT = "2026-10"
AS_OF = dt.date(2026, 11, 15)

# The English words of the new messages, until the catalogues are re-extracted and
# filled from /work/notes/b-grain.messages.md (then this fixture can go).


def _row(day: str, segment: str, spend: int, clicks: int, **kw: Any) -> dict[str, Any]:
    """A split row of October's account 111 (search terms) or act_9 (Meta, by gender)."""
    google = {"platform": "google_ads", "account_id": "111", "level": "search_term"}
    where = google | {"campaign_id": "c1", "campaign_name": "Search"}
    if segment.startswith("gender="):
        where = {"platform": "meta", "account_id": "act_9", "level": "campaign"}
    return {
        "date": dt.date.fromisoformat(day),
        "currency": "ILS",
        "segment": segment,
        "spend": Decimal(spend),
        "clicks": clicks,
        **where,
        **kw,
    }


def _dataset() -> Dataset:
    more = [
        _row("2026-10-05", "search_term=free stuff", 30, 8, conversions=0.0),
        _row("2026-10-20", "search_term=free stuff", 20, 4, conversions=0.0),
        _row("2026-10-05", "search_term=shoes", 40, 15, conversions=1.0),
        _row("2026-09-10", "gender=male", 100, 20, leads=1.0),
        _row("2026-09-10", "gender=female", 150, 30, leads=9.0),
        _row("2026-10-10", "gender=male", 100, 10, leads=3.0),
        _row("2026-10-10", "gender=female", 150, 40, leads=7.0),
    ]
    tables = small_dataset().tables
    extra = RecordStream.from_records(RecordKind.PERFORMANCE, more).to_arrow()
    performance = pa.concat_tables(
        [tables[RecordKind.PERFORMANCE], extra], promote_options="permissive"
    )
    return Dataset({**{k.value: v for k, v in tables.items()}, "performance": performance})


def test_split_rows_leave_the_month_alone_and_answer_their_questions() -> None:
    ws = small_workspace()
    plain = evaluate_month(ws, small_dataset(), OCT, as_of=AS_OF)
    ev = evaluate_month(ws, _dataset(), OCT, as_of=AS_OF)
    for kpi in ("spend", "clicks", "conversions", "cpl"):
        assert ev.total(kpi).value == plain.total(kpi).value  # type: ignore[union-attr]
    assert ev.total("spend").value == 500  # type: ignore[union-attr]
    assert ev.search_terms is not None
    assert [(t.term, t.spend, t.clicks) for t in ev.search_terms.terms] == [
        ("free stuff", Decimal(50), 12)
    ]
    assert ev.splits is not None
    top = [(m.value, m.measure, round(m.change, 2)) for m in ev.splits.movers[:3]]
    assert top == [
        ("male", "leads", Decimal(200)),
        ("male", "cost_per_lead", Decimal("-66.67")),
        ("male", "clicks", Decimal(-50)),
    ]


def test_the_report_recommends_the_search_term_and_lists_the_audience_movers() -> None:
    md = build_report(small_workspace(), _dataset(), OCT, as_of=AS_OF).to_markdown()
    assert "Add “free stuff” as a negative keyword in Search: ₪50.00 over 12 clicks" in md
    assert "Gender male, platform leads: 1 → 3 (+200%)." in md
    assert "Gender male, cost per platform lead: ₪100.00 → ₪33.33 (−66.7%)." in md
    assert "Gender female" not in md  # smaller moves than the three listed
