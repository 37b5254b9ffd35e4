"""The deliberately awkward engagement the KPI, pacing, budget and funnel tests share.

Not a conftest: the tests import what they need from here explicitly.

Workspace: Asia/Jerusalem, ILS. February 2028 has 29 days (leap day 29 Feb, a
Tuesday); Jerusalem is UTC+2 until DST starts on Fri 24 Mar 2028 (then UTC+3).

Sources, in map order (owner):
  google-search  paid_search    PAID_SEARCH or ad account 111        (partner) budget 3000/month
  meta-ads       paid_social    PAID_SOCIAL or ad account act_9      (partner) — no spend in Feb
  linkedin       paid_social    ad account li_5, spends in USD        (partner) — spend, no leads
  organic        organic_search ORGANIC_SEARCH                        (in_house) — leads, no spend
Campaigns (both google-search): brand (ids c-brand, utm_campaign brand, budget 1000/month),
generic (ids c-gen).

Performance rows (date, account, campaign, spend, clicks, impressions, conversions, value):
  P1 2028-01-10 111   c-brand 300 ILS  30  1000  3    900
  P2 2028-01-15 act_9 m-1     500 ILS  50  5000  5    —
  P3 2028-02-05 111   c-brand 400 ILS  40  2000  4   1600
  P4 2028-02-29 111   c-gen   200 ILS  10  1000  1    500      (leap day)
  P5 2028-02-10 li_5  li-1    100 USD   5   500  0    —        (USD: 350 ILS at 3.5)
  P6 2028-02-12 222   c-x      50 ILS   5   100  —    —        (no source matches; channel display)
February (rates USD 3.5): spend 400 + 200 + 350 + 50 = 1000, clicks 60, impressions 3600,
conversions 5, conversion value 2100. January: spend 800, clicks 80, impressions 6000,
conversions 8, conversion value 900.

Leads (created_at in UTC → Jerusalem day): stage dates in UTC.
  L1 PAID_SEARCH utm brand  02-03 10:00 → Feb 3   mql 02-04 10:00, sql 02-06 10:00,
                                                   opp 02-10 10:00, customer 02-20 10:00
                                                   bill 800, homeowner → sales-ready
  L2 PAID_SEARCH            02-29 21:30 → Feb 29 23:30 (leap day, last evening)
                                                   mql 03-02 21:30; bill 500 → nurture
  L3 PAID_SOCIAL            02-29 22:30 → Mar 1 00:30 (March here, February in UTC)
  L4 ORGANIC_SEARCH         02-15 08:00 → Feb 15  mql 02-16 08:00, sql 02-19 08:00,
                                                   customer 02-25 08:00; bill 900 → sales-ready
  L5 ORGANIC_SEARCH deleted 02-20 08:00 → Feb 20  (never counted)
  L6 PAID_SOCIAL            02-01 01:00 → Feb 1 03:00 (Jan 31 20:00 in New York)
                                                   not a homeowner → disqualified
  L7 REFERRALS (no source)  02-10 09:00 → Feb 10  no properties → disqualified
  L8 PAID_SEARCH            01-20 12:00 → Jan 20  customer 02-02 12:00; latest ORGANIC_SEARCH
  L9 PAID_SEARCH            01-31 22:30 → Feb 1 00:30 (January in UTC)
                                                   sql 02-05 22:30 (skips MQL); bill 600 → ready
  L10 PAID_SOCIAL           03-31 21:30 → Apr 1 00:30 (UTC+3 after DST; 23:30 at UTC+2)
February leads (Jerusalem): L1, L2, L4, L6, L7, L9 = 6; January: L8 = 1.

Deals (close_date UTC → Jerusalem day):
  D1 won  5000 ILS 02-20 10:00 contacts [L1]        → google-search
  D2 won  1000 USD 02-25 10:00 contacts [L4, L8]    → first contact L8 → google-search
                                                      (organic with latest source)
  D3 lost 2000 ILS 02-26 10:00 contacts [L6]
  D4 won   800 ILS 02-29 21:00 contacts [L7]        → Feb 29 23:00, unattributed
  D5 won   700 ILS 02-29 22:30 contacts [L1]        → Mar 1 00:30: a March deal
  D6 won   300 ILS 02-10 10:00 no contacts          → unattributed
February revenue (rates): 5000 + 3500 + 800 + 300 = 9600; won deals 4.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from partnerkit.analysis import Dataset
from partnerkit.model import Workspace

UTC = dt.UTC
RATES = {"USD": Decimal("3.5")}
FEB = "2028-02"


def utc(text: str) -> dt.datetime:
    """A UTC time written ``2028-02-03 10:00``."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def source(sid: str, channel: str, owner: str, **matching: Any) -> dict[str, Any]:
    """A source-map entry."""
    budget = matching.pop("budget", None)
    out: dict[str, Any] = {
        "id": sid,
        "name": sid.replace("-", " ").title(),
        "channel": channel,
        "wiring": "native",
        "owner": owner,
        "matching": matching,
    }
    if budget is not None:
        out["budget"] = {"monthly": budget}
    return out


SOURCES = [
    source(
        "google-search",
        "paid_search",
        "partner",
        original_source="PAID_SEARCH",
        account_ids="111",
        budget=3000,
    ),
    source(
        "meta-ads", "paid_social", "partner", original_source="PAID_SOCIAL", account_ids="act_9"
    ),
    source("linkedin", "paid_social", "partner", account_ids="li_5"),
    source("organic", "organic_search", "in_house", original_source="ORGANIC_SEARCH"),
]

CAMPAIGNS = [
    {
        "id": "brand",
        "name": "Brand search",
        "source": "google-search",
        "objective": "leads",
        "start": dt.date(2028, 1, 1),
        "utm_campaign": "brand",
        "platform_campaign_ids": ["c-brand"],
        "budget": {"monthly": 1000},
    },
    {
        "id": "generic",
        "name": "Generic search",
        "source": "google-search",
        "objective": "leads",
        "start": dt.date(2028, 1, 1),
        "platform_campaign_ids": ["c-gen"],
    },
]

LEAD_DEFINITION = {
    "description": "A homeowner with a bill of at least 600 ILS a month.",
    "sales_ready": ["extra.homeowner == true", "extra.monthly_bill >= 600"],
    "nurture": ["extra.homeowner == true"],
}


def workspace(tz: str = "Asia/Jerusalem", **parts: Any) -> Workspace:
    """The test workspace, with parts replaced (``targets=[...]``, ``contract=...``)."""
    data: dict[str, Any] = {
        "name": "Awkward engagement",
        "currency": "ILS",
        "timezone": tz,
        "partner": {
            "id": "brightline",
            "name": "Brightline",
            "kind": "agency",
            "people": [
                {"id": "noa", "name": "Noa", "side": "partner"},
                {"id": "yael", "name": "Yael", "side": "in_house"},
            ],
            "point_people": {"partner": "noa", "in_house": "yael"},
        },
        "contract": {
            "start": dt.date(2027, 12, 1),
            "pricing": {"kind": "retainer", "monthly_fee": 10000},
            "management_fee": {"percent_of_spend": 10, "minimum_monthly": 150},
            "media_budget": [
                {"channel": "paid_search", "monthly": 3000, "months": {"2028-02": 2000}},
                {"channel": "paid_social", "monthly": 380},
            ],
        },
        "sources": SOURCES,
        "campaigns": CAMPAIGNS,
        "lead_definition": LEAD_DEFINITION,
        **parts,
    }
    return Workspace.model_validate(data)


def perf(
    day: str,
    platform: str,
    account: str,
    campaign: str,
    spend: str,
    clicks: int,
    impressions: int,
    conversions: float | None,
    value: str | None,
    channel: str | None,
    currency: str = "ILS",
) -> dict[str, Any]:
    """One performance row."""
    row: dict[str, Any] = {
        "date": dt.date.fromisoformat(day),
        "platform": platform,
        "account_id": account,
        "level": "campaign",
        "campaign_id": campaign,
        "campaign_name": f"Campaign {campaign}",
        "channel": channel,
        "currency": currency,
        "spend": Decimal(spend),
        "clicks": clicks,
        "impressions": impressions,
        "conversions": conversions,
    }
    if value is not None:
        row["conversion_value"] = Decimal(value)
    return row


# fmt: off
PERFORMANCE = [
    # day         platform      account  campaign spend clicks impr conv  value  channel
    perf("2028-01-10", "google_ads", "111", "c-brand", "300", 30, 1000, 3.0, "900", "paid_search"),
    perf("2028-01-15", "meta", "act_9", "m-1", "500", 50, 5000, 5.0, None, "paid_social"),
    perf("2028-02-05", "google_ads", "111", "c-brand", "400", 40, 2000, 4.0, "1600", "paid_search"),
    perf("2028-02-29", "google_ads", "111", "c-gen", "200", 10, 1000, 1.0, "500", "paid_search"),
    perf("2028-02-10", "linkedin", "li_5", "li-1", "100", 5, 500, 0.0, None, "paid_social", "USD"),
    perf("2028-02-12", "google_ads", "222", "c-x", "50", 5, 100, None, None, "display"),
]
# fmt: on


def lead(
    lead_id: str, source: str, created: str, *, latest: str | None = None, **more: Any
) -> dict[str, Any]:
    """One HubSpot lead; stage dates and ``extra`` go in ``more``."""
    row: dict[str, Any] = {
        "platform": "hubspot",
        "account_id": "portal",
        "lead_id": lead_id,
        "created_at": utc(created),
        "original_source": source,
        "latest_source": latest or source,
    }
    for key, value in more.items():
        row[key] = utc(value) if key.endswith("_at") else value
    return row


LEADS = [
    lead(
        "L1",
        "PAID_SEARCH",
        "2028-02-03 10:00",
        utm_campaign="brand",
        became_mql_at="2028-02-04 10:00",
        became_sql_at="2028-02-06 10:00",
        became_opportunity_at="2028-02-10 10:00",
        became_customer_at="2028-02-20 10:00",
        extra={"monthly_bill": 800, "homeowner": True},
    ),
    lead(
        "L2",
        "PAID_SEARCH",
        "2028-02-29 21:30",
        became_mql_at="2028-03-02 21:30",
        extra={"monthly_bill": 500, "homeowner": True},
    ),
    lead("L3", "PAID_SOCIAL", "2028-02-29 22:30"),
    lead(
        "L4",
        "ORGANIC_SEARCH",
        "2028-02-15 08:00",
        became_mql_at="2028-02-16 08:00",
        became_sql_at="2028-02-19 08:00",
        became_customer_at="2028-02-25 08:00",
        extra={"monthly_bill": 900, "homeowner": True},
    ),
    lead("L5", "ORGANIC_SEARCH", "2028-02-20 08:00", is_deleted=True),
    lead(
        "L6",
        "PAID_SOCIAL",
        "2028-02-01 01:00",
        extra={"monthly_bill": 1000, "homeowner": False},
    ),
    lead("L7", "REFERRALS", "2028-02-10 09:00"),
    lead(
        "L8",
        "PAID_SEARCH",
        "2028-01-20 12:00",
        latest="ORGANIC_SEARCH",
        became_customer_at="2028-02-02 12:00",
    ),
    lead(
        "L9",
        "PAID_SEARCH",
        "2028-01-31 22:30",
        became_sql_at="2028-02-05 22:30",
        extra={"monthly_bill": 600, "homeowner": True},
    ),
    lead("L10", "PAID_SOCIAL", "2028-03-31 21:30"),
]


def deal(
    deal_id: str, won: bool, amount: str, close: str, contacts: list[str] | None, currency: str
) -> dict[str, Any]:
    """One HubSpot deal."""
    return {
        "platform": "hubspot",
        "account_id": "portal",
        "deal_id": deal_id,
        "amount": Decimal(amount),
        "currency": currency,
        "close_date": utc(close),
        "is_closed_won": won,
        "is_closed_lost": not won,
        "contact_ids": contacts,
    }


DEALS = [
    deal("D1", True, "5000", "2028-02-20 10:00", ["L1"], "ILS"),
    deal("D2", True, "1000", "2028-02-25 10:00", ["L4", "L8"], "USD"),
    deal("D3", False, "2000", "2028-02-26 10:00", ["L6"], "ILS"),
    deal("D4", True, "800", "2028-02-29 21:00", ["L7"], "ILS"),
    deal("D5", True, "700", "2028-02-29 22:30", ["L1"], "ILS"),
    deal("D6", True, "300", "2028-02-10 10:00", None, "ILS"),
]


def dataset(
    performance: list[dict[str, Any]] | None = None,
    leads: list[dict[str, Any]] | None = None,
    deals: list[dict[str, Any]] | None = None,
) -> Dataset:
    """The awkward dataset (or another one of the same shape)."""
    return Dataset.from_records(
        {
            "performance": PERFORMANCE if performance is None else performance,
            "lead": LEADS if leads is None else leads,
            "deal": DEALS if deals is None else deals,
        }
    )
