"""Shared by the report tests: a small hand-built engagement and an HTML reader.

The small engagement (Asia/Jerusalem, ILS), October 2026, worked by hand:

  google-search (paid_search, account 111, budget 1000/month)
    performance: Oct 5 spend 300 clicks 30 impr 1000 conv 3; Oct 20 spend 200 clicks 20
                 impr 1000 conv 1; Sep 10 spend 400 clicks 40 impr 2000 conv 2
    leads: 4 in October (one reaches SQL), 2 in September
  organic (organic_search): 1 lead in October, none in September, no spend
October: spend 500, leads 5 → CPL 100; paid search CPL 500 / 4 = 125, CPC 500 / 50 = 10.
September: spend 400, leads 2 → CPL 200; CPL change −50%.
Budget: paid_search planned 1000 → 50% used; management fee 10% of 500 = 50.
Targets: leads 4/month (baseline 3) → 5 is on track, +150% on September;
         cpl 150/month → 100 is on track.
No deals, no evidence log, no learning log: those parts say "no data".
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

from partnerkit.analysis import Dataset
from partnerkit.model import Workspace

UTC = dt.UTC


def small_workspace(locale: str = "en-US", **parts: Any) -> Workspace:
    """The small engagement."""
    data: dict[str, Any] = {
        "name": "Small shop × Agency",
        "currency": "ILS",
        "timezone": "Asia/Jerusalem",
        "locale": locale,
        "contract": {
            "start": dt.date(2026, 9, 1),
            "pricing": {"kind": "retainer", "monthly_fee": 2000},
            "management_fee": {"percent_of_spend": 10},
            "media_budget": [{"channel": "paid_search", "monthly": 1000}],
        },
        "sources": [
            {
                "id": "google-search",
                "name": "Google search",
                "channel": "paid_search",
                "wiring": "native",
                "owner": "partner",
                "matching": {"original_source": "PAID_SEARCH", "account_ids": "111"},
                "budget": {"monthly": 1000},
            },
            {
                "id": "organic",
                "name": "Organic",
                "channel": "organic_search",
                "wiring": "form",
                "owner": "in_house",
                "matching": {"original_source": "ORGANIC_SEARCH"},
            },
        ],
        "targets": [
            {
                "id": "monthly-leads",
                "kpi": "leads",
                "period": {"every": "month"},
                "value": 4,
                "baseline": {"value": 3, "period": {"month": "2026-08"}},
            },
            {"id": "cpl", "kpi": "cpl", "period": {"every": "month"}, "value": 150},
        ],
        "slas": [
            {"id": "monthly-report", "kind": "report_delivery", "deliverable": "monthly-report"}
        ],
        **parts,
    }
    data["contract"]["deliverables"] = [
        {
            "id": "monthly-report",
            "name": "Monthly report",
            "every": "month",
            "due": {"business_day": 5},
        }
    ]
    return Workspace.model_validate(data)


def _perf(day: str, spend: str, clicks: int, impressions: int, conv: float) -> dict[str, Any]:
    return {
        "date": dt.date.fromisoformat(day),
        "platform": "google_ads",
        "account_id": "111",
        "level": "campaign",
        "campaign_id": "c1",
        "campaign_name": "Search",
        "channel": "paid_search",
        "currency": "ILS",
        "spend": Decimal(spend),
        "clicks": clicks,
        "impressions": impressions,
        "conversions": conv,
    }


def _lead(lead_id: str, source: str, created: str, **more: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "platform": "hubspot",
        "account_id": "portal",
        "lead_id": lead_id,
        "created_at": dt.datetime.fromisoformat(created).replace(tzinfo=UTC),
        "original_source": source,
        "email_hash": f"h-{lead_id}",
    }
    for key, value in more.items():
        row[key] = dt.datetime.fromisoformat(value).replace(tzinfo=UTC)
    return row


def small_dataset() -> Dataset:
    """The small engagement's records."""
    return Dataset.from_records(
        {
            "performance": [
                _perf("2026-09-10", "400", 40, 2000, 2.0),
                _perf("2026-10-05", "300", 30, 1000, 3.0),
                _perf("2026-10-20", "200", 20, 1000, 1.0),
            ],
            "lead": [
                _lead("S1", "PAID_SEARCH", "2026-09-03 09:00"),
                _lead("S2", "PAID_SEARCH", "2026-09-15 09:00"),
                _lead(
                    "O1",
                    "PAID_SEARCH",
                    "2026-10-02 09:00",
                    became_mql_at="2026-10-03 09:00",
                    became_sql_at="2026-10-06 09:00",
                ),
                _lead("O2", "PAID_SEARCH", "2026-10-08 09:00"),
                _lead("O3", "PAID_SEARCH", "2026-10-14 09:00"),
                _lead("O4", "PAID_SEARCH", "2026-10-21 09:00"),
                _lead("O5", "ORGANIC_SEARCH", "2026-10-25 09:00"),
            ],
        }
    )


class Page(HTMLParser):
    """Reads a report page: tables by key, numbers with their values, sections, charts."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.html_attrs: dict[str, str | None] = {}
        self.sections: list[str] = []
        self.section_titles: list[str] = []
        self.charts: list[str] = []
        self.tables: dict[str, list[list[tuple[str, str | None]]]] = {}
        self.numbers: list[tuple[str, str]] = []
        self.nodata: list[str] = []
        self._table: str | None = None
        self._cell: list[str] | None = None
        self._value: str | None = None
        self._num: list[str] | None = None
        self._num_value: str | None = None
        self._h2: list[str] | None = None
        self._p_nodata: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.html_attrs = a
        if tag == "section" and a.get("data-section"):
            self.sections.append(str(a["data-section"]))
        if tag == "svg" and a.get("data-chart"):
            self.charts.append(str(a["data-chart"]))
        if tag == "table":
            self._table = a.get("data-table")
            self.tables[str(self._table)] = []
        if tag == "tr" and self._table is not None:
            self.tables[self._table].append([])
        if tag == "td":
            self._cell, self._value = [], None
        if tag == "bdi" and "data-value" in a:
            self._num, self._num_value = [], a["data-value"]
            if self._cell is not None:
                self._value = a["data-value"]
        if tag == "h2":
            self._h2 = []
        if tag == "p" and a.get("class") == "nodata":
            self._p_nodata = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None and self._table is not None:
            self.tables[self._table][-1].append(("".join(self._cell).strip(), self._value))
            self._cell = None
        if tag == "table":
            self._table = None
        if tag == "bdi" and self._num is not None:
            self.numbers.append(("".join(self._num), str(self._num_value)))
            self._num = None
        if tag == "h2" and self._h2 is not None:
            self.section_titles.append("".join(self._h2))
            self._h2 = None
        if tag == "p" and self._p_nodata is not None:
            self.nodata.append("".join(self._p_nodata))
            self._p_nodata = None

    def handle_data(self, data: str) -> None:
        for buf in (self._cell, self._num, self._h2, self._p_nodata):
            if buf is not None:
                buf.append(data)

    def row(self, table: str, first: str) -> list[tuple[str, str | None]]:
        """The row of a table whose first cell is ``first``."""
        for r in self.tables[table]:
            if r and r[0][0] == first:
                return r
        firsts = [r[0][0] for r in self.tables[table] if r]
        raise KeyError(f"no row {first!r} in {table!r}: {firsts}")
