"""The report's SEO and email parts of section 3, on the small engagement plus channels.

Search Console (property sc-domain:small.example), worked by hand:

  property rows: Sep 15 80 clicks / 2000 impressions at 6.0; Oct 1 60 / 3000 at 8.0;
                 Oct 2 40 / 1000 at 4.0 → October 100 clicks, 4000 impressions,
                 CTR 2.50%, position (8·3000 + 4·1000) / 4000 = 7.0;
                 September 80, 2000, CTR 4.00%, 6.0. Clicks +25%, CTR −1.50 points,
                 position +1.0 (lower on the page).
  query rows:    Sep "solar panels" 50 / 1000 at 2.0; Oct "solar panels" 30 / 1000 at
                 3.0, Oct "inverter" 20 / 500 at 5.0 → hidden 100 − 50 = 50 clicks (50.00%).
                 Movers by clicks: solar panels −20, inverter +20 (ties by name).

Email (one Mailchimp send a month):

  Oct 6 "October news": sent 5000, delivered 4900, unique clicks 392, unsubscribes 98,
  unique opens 2450 → click rate 392/4900 = 8.00%, unsubscribe rate 98/4900 = 2.00%,
  open rate 50.00%. Sep 28: sent 1900, delivered 1870, clicks 90, unsubscribes 9,
  opens 800 → click rate 4.81%, +3.19 points.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from partnerkit.analysis import Dataset
from partnerkit.report import build_report
from tests.report._helpers import small_dataset, small_workspace

SITE = "sc-domain:small.example"


def _search(day: str, clicks: int, impressions: int, position: float, **kw: Any) -> dict[str, Any]:
    return {
        "date": dt.date.fromisoformat(day),
        "platform": "search_console",
        "account_id": SITE,
        "level": "query" if "query" in kw else "property",
        "clicks": clicks,
        "impressions": impressions,
        "position": position,
        **kw,
    }


def _send(day: str, name: str, counts: tuple[int, int, int, int, int]) -> dict[str, Any]:
    sent, delivered, clicks, unsubscribes, opens = counts
    return {
        "date": dt.date.fromisoformat(day),
        "platform": "mailchimp",
        "account_id": "us1",
        "email_id": name,
        "name": name,
        "sent": sent,
        "delivered": delivered,
        "unique_clicks": clicks,
        "unsubscribes": unsubscribes,
        "unique_opens": opens,
    }


def _dataset(channels: bool) -> Dataset:
    base = small_dataset()
    records = {
        kind: base.sql(f"SELECT * FROM {kind}").to_pylist() for kind in ("performance", "lead")
    }
    base.close()
    if channels:
        records["search_performance"] = [
            _search("2026-09-15", 80, 2000, 6.0),
            _search("2026-10-01", 60, 3000, 8.0),
            _search("2026-10-02", 40, 1000, 4.0),
            _search("2026-09-15", 50, 1000, 2.0, query="solar panels", page="/solar"),
            _search("2026-10-01", 30, 1000, 3.0, query="solar panels", page="/solar"),
            _search("2026-10-02", 20, 500, 5.0, query="inverter", page="/inverter"),
        ]
        records["email_campaign"] = [
            _send("2026-10-06", "October news", (5000, 4900, 392, 98, 2450)),
            _send("2026-09-28", "September news", (1900, 1870, 90, 9, 800)),
        ]
    return Dataset.from_records(records)


def _report(channels: bool = True) -> Any:
    dataset = _dataset(channels)
    try:
        return build_report(small_workspace(), dataset, "2026-10", as_of=dt.date(2026, 11, 5))
    finally:
        dataset.close()


def _texts(table: Any) -> list[list[str]]:
    return [[c.text for c in row] for row in table.rows]


def test_the_seo_part_shows_the_months_figures_against_the_month_before() -> None:
    section = _report().section("channels")
    rows = _texts(section.table("seo.totals"))
    assert rows[0][:4] == ["Clicks", "100", "80", "+25%"]
    assert rows[1][:4] == ["Impressions", "4,000", "2,000", "+100%"]
    assert rows[2][:4] == ["Click-through rate", "2.5%", "4%", "−1.5 pts"]
    assert rows[3][:4] == ["Average position", "7", "6", "+1"]
    assert section.table("seo.totals").rows[2][1].value == Decimal("0.025")
    hidden = [b for b in section.blocks if getattr(b, "template", "").startswith("Anonymised")]
    assert [b.plain() for b in hidden] == [
        "Anonymised queries hide 50 clicks (50% of the property's); the query and page "
        "tables leave them out."
    ]
    assert _texts(section.table("seo.movers.queries")) == [
        ["inverter", "20", "—", "+20"],
        ["solar panels", "30", "50", "−20"],
    ]


def test_the_email_part_leads_with_clicks_and_puts_opens_last_with_the_caveat() -> None:
    section = _report().section("channels")
    rows = _texts(section.table("email.totals"))
    assert [r[0] for r in rows] == [
        "Sent",
        "Clicks (unique)",
        "Click rate",
        "Unsubscribe rate",
        "Open rate",
    ]
    assert rows[2][:4] == ["Click rate", "8%", "4.81%", "+3.19 pts"]
    assert rows[3][:3] == ["Unsubscribe rate", "2%", "0.48%"]
    assert rows[4][1] == "50%"
    assert any("Privacy Protection" in getattr(b, "template", "") for b in section.blocks)
    assert _texts(section.table("email.sends"))[0] == [
        "October news", "Oct 6, 2026", "5,000", "392", "8%", "2%", "50%",
    ]  # fmt: skip


def test_without_search_or_email_data_the_parts_are_left_out() -> None:
    section = _report(channels=False).section("channels")
    keys = [t.key for t in section.tables()]
    assert not [k for k in keys if k.startswith(("seo.", "email."))]
    assert "Organic search (Search Console)" not in [getattr(b, "text", "") for b in section.blocks]


def test_linkedin_gets_its_table_beside_the_other_paid_sources() -> None:
    # LinkedIn Ads (account 508): Oct 10 spend 240, 12 clicks, 3000 impressions; one lead
    # from LinkedIn in October → CPL 240. Nothing in the report lists platforms by name.
    base = small_workspace()
    linkedin = {
        "id": "linkedin",
        "name": "LinkedIn Ads",
        "channel": "paid_social",
        "platform": "linkedin_ads",
        "wiring": "native",
        "owner": "partner",
        "matching": {"original_source": "PAID_SOCIAL", "account_ids": "508"},
    }
    workspace = small_workspace(
        sources=[*(s.model_dump(mode="json", exclude_none=True) for s in base.sources), linkedin]
    )
    dataset = _dataset(channels=False)
    records = {k: dataset.sql(f"SELECT * FROM {k}").to_pylist() for k in ("performance", "lead")}
    dataset.close()
    records["performance"].append(
        {
            "date": dt.date(2026, 10, 10),
            "platform": "linkedin_ads",
            "account_id": "508",
            "level": "campaign",
            "campaign_id": "li1",
            "campaign_name": "B2B leads",
            "channel": "paid_social",
            "currency": "ILS",
            "spend": Decimal(240),
            "clicks": 12,
            "impressions": 3000,
        }
    )
    lead = dict(records["lead"][-1], lead_id="L1", original_source="PAID_SOCIAL")
    records["lead"].append(lead)
    data = Dataset.from_records(records)
    try:
        report = build_report(workspace, data, "2026-10", as_of=dt.date(2026, 11, 5))
    finally:
        data.close()
    table = report.section("channels").table("source.linkedin")
    rows = {row[0].text: row[1].value for row in table.rows}
    assert rows["Spend"] == Decimal(240)
    assert rows["Impressions"] == Decimal(3000)
    assert rows["Click-through rate (CTR)"] == Decimal("0.4")  # 12 / 3000 × 100
    assert rows["Leads (inquiries)"] == Decimal(1)
    assert rows["Cost per lead (CPL)"] == Decimal(240)
