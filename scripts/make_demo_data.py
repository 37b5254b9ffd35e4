"""Generate the bundled demo data (deterministic; re-run to rebuild the files).

The demo business is Negev Solar, a residential solar installer that hands its
marketing to the agency Blue Orbit Digital. Three months (August to October 2026):

* ``cassettes/meta.yaml``: Meta's answers (ad account, daily campaign insights, campaigns).
* ``cassettes/google-ads.yaml``: Google Ads' answers (performance, lead categories,
  campaigns).
* ``cassettes/ga4.yaml``: GA4's answers (metadata, the traffic report).
* ``cassettes/hubspot.yaml``: HubSpot's answers (portal, contacts, deal pipelines, deals,
  their contacts, owners, and the calls, emails, meetings, notes and tasks two of the
  three reps log, with their contacts).
* ``data/trade_show_import.csv``: the May expo's visitor list (files connector).
* ``data/evidence.csv``: the evidence log (reports delivered, weekly calls, requests).
* ``data/survey.csv``: the monthly partnership survey.

Each cassette answers every run of whole months of the data (August, September,
October, August–September, September–October, August–October:
``partnerkit.demo._read.RECORDED_RANGES``): a replay matches requests exactly, and the
connectors' requests name the date range, so each range is recorded.

The cassettes are *recorded*: the demo's own reading code (``partnerkit.demo._read``)
runs each real connector against a small fake of the platform's API built from the
generated data, and every request and answer is written down — so the requests on file
are exactly the ones the connectors make, and replay matches them.

Deliberate problems for the analysis to find: the Zapier-wired partner form goes silent
on 2026-10-09; some people arrive through Meta and Google both (same email and phone);
lead follow-up slows in October (a rep on leave) and the October report comes late; the
Google display test spends and brings no lead. Not problems: a Meta test campaign paused
at the end of August, and the trade-show source (paused; one import a year).

Usage: ``uv run python scripts/make_demo_data.py``
"""

from __future__ import annotations

import base64
import contextlib
import csv
import datetime as dt
import json
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import requests
import responses

from partnerkit.demo import DEMO_WORKSPACE
from partnerkit.demo._read import (
    CASSETTES,
    DIRECT_MONTHS,
    RECORDED_RANGES,
    demo_environment,
    read_connections,
)
from partnerkit.model import load_workspace
from partnerkit.testing.cassette import Cassette, Interaction, Request, Response
from partnerkit.testing.scrub import Scrubber

DATA = DEMO_WORKSPACE.parent / "data"
START, END = dt.date(2026, 8, 1), dt.date(2026, 10, 31)
SILENT_FROM = dt.date(2026, 10, 9)
TZ = ZoneInfo("Asia/Jerusalem")
CUTOFF = dt.datetime(2026, 10, 31, 20, 0, tzinfo=TZ)  # nothing happens after this
SEED = 20261031

META_ACCOUNT = "act_5550001112"
GOOGLE_CUSTOMER = "5550102030"
GA4_PROPERTY = "555000111"
PORTAL = 20261031

# id, name, daily budget, lead rate, status, last day
META_CAMPAIGNS = [
    ("120210000000000001", "NS | Lead Ads | Homeowners 30-65", 260, 0.9, "ACTIVE", END),
    ("120210000000000002", "NS | Lead Ads | Retargeting", 110, 0.45, "ACTIVE", END),
    (
        "120210000000000003",
        "NS | Lead Ads | Battery storage test",
        90,
        0.4,
        "PAUSED",
        dt.date(2026, 8, 31),
    ),
]
# id, name, daily budget, conversion rate, channel type, utm_campaign
GOOGLE_CAMPAIGNS = [
    ("21000000001", "Search | Solar installation | Exact", 420, 0.75, "SEARCH", "solar_exact"),
    ("21000000002", "Search | Brand", 60, 0.35, "SEARCH", "brand"),
    ("21000000003", "Display | Awareness test", 140, 0.0, "DISPLAY", "display_test"),
]
OWNERS = [  # id, first, last, email
    ("71000001", "Rina", "Azoulay", "rina@negevsolar.example.com"),
    ("71000002", "Yossi", "Ben-David", "yossi@negevsolar.example.com"),
    ("71000003", "Noa", "Peretz", "noa@negevsolar.example.com"),
]
SITE = "https://negevsolar.example.com"


def days() -> list[dt.date]:
    return [START + dt.timedelta(days=i) for i in range((END - START).days + 1)]


def poisson(rng: random.Random, mean: float) -> int:
    limit, k, p = pow(2.718281828459045, -mean), 0, 1.0  # Knuth's method; small means
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


# ----------------------------------------------------------------- the business


@dataclass
class Contact:
    """A HubSpot contact as the fake portal holds it."""

    id: int
    created: dt.datetime
    email: str
    phone: str
    source: str
    drill_1: str
    drill_2: str
    object_source: str
    object_source_detail: str
    first_url: str | None
    stages: dict[str, dt.datetime]
    outreach: dt.datetime | None
    owner: str
    modified: dt.datetime = field(init=False)

    def __post_init__(self) -> None:
        last = max(
            [self.created, *self.stages.values(), *([self.outreach] if self.outreach else [])]
        )
        self.modified = min(last + dt.timedelta(minutes=7, seconds=self.id % 50), CUTOFF)

    @property
    def stage(self) -> str:
        """The lifecycle stage reached last."""
        return max(self.stages, key=lambda s: self.stages[s])


@dataclass
class Deal:
    """A HubSpot deal with its one contact."""

    id: int
    contact: Contact
    name: str
    amount: int
    stage: str
    created: dt.datetime
    close: dt.datetime
    modified: dt.datetime


@dataclass
class Activity:
    """A HubSpot call, email, meeting, note or task, with the one contact it is about."""

    object_type: str  # calls, emails, meetings, notes, tasks
    id: int
    at: dt.datetime
    contact: Contact
    properties: dict[str, str | None]


@dataclass
class Business:
    """Everything generated: platform rows, contacts, deals, web traffic."""

    meta: list[dict[str, Any]] = field(default_factory=list)  # per day × campaign
    google: list[dict[str, Any]] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    deals: list[Deal] = field(default_factory=list)
    traffic: list[dict[str, Any]] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)


def _business_minutes(rng: random.Random, day: dt.date, slow: bool) -> int:
    # Follow-up delay: usually within the 2-business-hour SLA; October is slow (a rep
    # on leave, leads queue up).
    if slow:
        return rng.choice([30, 60, 95, 150, 200, 260, 330, 480])
    return rng.choice([8, 15, 25, 40, 55, 70, 90, 105, 240])


def _follow_up(created: dt.datetime, minutes: int) -> dt.datetime:
    # Counted from the next working moment (Sun–Thu, 09:00–18:00 local).
    t = created
    while True:
        if t.weekday() in (4, 5):  # Friday, Saturday
            t = dt.datetime.combine(t.date() + dt.timedelta(days=1), dt.time(9), TZ)
            continue
        opens = dt.datetime.combine(t.date(), dt.time(9), TZ)
        closes = dt.datetime.combine(t.date(), dt.time(18), TZ)
        if t < opens:
            t = opens
        if t >= closes:
            t = dt.datetime.combine(t.date() + dt.timedelta(days=1), dt.time(9), TZ)
            continue
        room = int((closes - t).total_seconds() // 60)
        if minutes <= room:
            return t + dt.timedelta(minutes=minutes)
        minutes -= room
        t = dt.datetime.combine(t.date() + dt.timedelta(days=1), dt.time(9), TZ)


def build(rng: random.Random) -> Business:
    biz = Business()
    meta_leads: dict[tuple[dt.date, str], int] = {}
    for day in days():
        weekend = day.weekday() in (4, 5)
        for cid, name, budget, rate, _, last in META_CAMPAIGNS:
            if day > last:
                continue
            spend = (Decimal(budget) * Decimal(str(round(rng.uniform(0.85, 1.1), 2)))).quantize(
                Decimal("0.01")
            )
            impressions = int(float(spend) * rng.uniform(38, 46))
            clicks = int(impressions * rng.uniform(0.011, 0.017))
            n = poisson(rng, rate * (0.6 if weekend else 1.0) * 3.2)
            meta_leads[day, cid] = n
            biz.meta.append(
                {
                    "date": day,
                    "campaign_id": cid,
                    "campaign_name": name,
                    "spend": spend,
                    "impressions": impressions,
                    "reach": int(impressions * 0.78),
                    "clicks": int(clicks * 1.6),
                    "link_clicks": clicks,
                    "leads": n,
                }
            )
        for cid, name, budget, conv, kind, _ in GOOGLE_CAMPAIGNS:
            cost = (Decimal(budget) * Decimal(str(round(rng.uniform(0.8, 1.15), 2)))).quantize(
                Decimal("0.01")
            )
            impressions = int(float(cost) * rng.uniform(9, 14) * (6 if kind == "DISPLAY" else 1))
            clicks = int(impressions * (rng.uniform(0.05, 0.09) if conv else 0.004))
            leads = poisson(rng, conv * 2.6)
            calls = 1 if conv and rng.random() < 0.15 else 0
            biz.google.append(
                {
                    "date": day,
                    "campaign_id": cid,
                    "campaign_name": name,
                    "kind": kind,
                    "cost": cost,
                    "impressions": impressions,
                    "clicks": clicks,
                    "form_leads": leads,
                    "call_leads": calls,
                    "conversions": float(leads + calls),
                }
            )

    counter = [1000]

    def add(
        day: dt.date, source: str, *, campaign: str = "", email: str = "", phone: str = ""
    ) -> Contact:
        counter[0] += 1
        n = counter[0]
        created = dt.datetime.combine(
            day, dt.time(rng.randint(7, 22), rng.randint(0, 59), rng.randint(0, 59)), TZ
        )
        utm: dict[str, str] = {}
        if source == "meta":
            original, d1, d2, label, detail = (
                "PAID_SOCIAL", "Facebook", campaign, "INTEGRATION", "Facebook Lead Ads"
            )  # fmt: skip
            utm = {"utm_source": "facebook", "utm_medium": "paid_social", "utm_campaign": campaign}
        elif source == "google":
            original, d1, d2, label, detail = (
                "PAID_SEARCH", "google", "solar installation", "FORM", "Free quote form"
            )  # fmt: skip
            utm = {"utm_source": "google", "utm_medium": "cpc", "utm_campaign": campaign}
        elif source == "organic":
            original, d1, d2, label, detail = (
                "ORGANIC_SEARCH", "google", "", "FORM", "Free quote form"
            )  # fmt: skip
        elif source == "partner":
            original, d1, d2, label, detail = (
                "OFFLINE", "INTEGRATION", "Zapier", "INTEGRATION", "Zapier"
            )  # fmt: skip
        else:
            original, d1, d2, label, detail = (
                "REFERRALS", "friends.negevsolar.example.com", "", "FORM", "Refer a friend form"
            )  # fmt: skip
        query = "&".join(f"{k}={v}" for k, v in utm.items())
        first_url = f"{SITE}/he/quote" + (f"?{query}" if query else "")
        stages = {"lead": created}
        roll = rng.random()
        reach = 0 if roll < 0.55 else 1 if roll < 0.8 else 2 if roll < 0.94 else 3
        t = created
        for i, stage in enumerate(["marketingqualifiedlead", "salesqualifiedlead", "customer"]):
            if i >= reach:
                break
            t += dt.timedelta(hours=rng.randint(2, 72) if i == 0 else rng.randint(24, 24 * 12))
            if t > CUTOFF:
                break
            stages[stage] = t
        slow = day >= dt.date(2026, 10, 1)
        outreach = _follow_up(created, _business_minutes(rng, day, slow))
        contact = Contact(
            id=n * 7919,
            created=created,
            email=email or f"lead{n}@example.com",
            phone=phone or f"+972-55-555-{n % 10000:04d}",
            source=original,
            drill_1=d1,
            drill_2=d2,
            object_source=label,
            object_source_detail=detail,
            first_url=first_url,
            stages=stages,
            outreach=outreach if outreach <= CUTOFF else None,
            owner=OWNERS[n % len(OWNERS)][0],
        )
        biz.contacts.append(contact)
        return contact

    utm_of = {cid: utm for cid, *_, utm in GOOGLE_CAMPAIGNS}
    for day in days():
        # The CRM sees ~85% of what Meta reports (the usual lead-ads sync gap).
        for cid, name, *_ in META_CAMPAIGNS:
            for _ in range(round(meta_leads.get((day, cid), 0) * 0.85)):
                c = add(day, "meta", campaign=name)
                if rng.random() < 0.1:  # the same person also fills in the search form
                    later = min(day + dt.timedelta(days=rng.randint(0, 3)), END)
                    add(later, "google", campaign="solar_exact", email=c.email, phone=c.phone)
        for row in biz.google:
            if row["date"] == day:
                for _ in range(row["form_leads"]):
                    add(day, "google", campaign=utm_of[row["campaign_id"]])
        for source, mean in (("organic", 1.1), ("partner", 0.9), ("referral", 0.35)):
            if source == "partner" and day >= SILENT_FROM:
                continue
            for _ in range(poisson(rng, mean)):
                add(day, source)
    biz.contacts.sort(key=lambda c: (c.modified, c.id))

    deal_id = 880000
    for c in sorted(biz.contacts, key=lambda c: c.created):
        if "salesqualifiedlead" not in c.stages:
            continue
        deal_id += 1
        kw = rng.choice([5, 6, 8, 10, 12])
        won = "customer" in c.stages
        created = c.stages["salesqualifiedlead"] + dt.timedelta(hours=3)
        if created > CUTOFF:
            continue
        stage = (
            "closedwon"
            if won
            else rng.choice(["appointmentscheduled", "qualifiedtobuy", "presentationscheduled"])
            if rng.random() < 0.8
            else "closedlost"
        )
        close = c.stages["customer"] if won else created + dt.timedelta(days=30)
        modified = min(
            max(created, c.stages.get("customer", created)) + dt.timedelta(hours=2), CUTOFF
        )
        biz.deals.append(
            Deal(
                id=deal_id,
                contact=c,
                name=f"Lead {c.id} - {kw}kW rooftop",
                amount=kw * rng.choice([5200, 5400, 5800]),
                stage=stage,
                created=created,
                close=close,
                modified=modified,
            )
        )
    biz.deals.sort(key=lambda d: (d.modified, d.id))

    # GA4 sessions: paid traffic follows the platforms' clicks; leads follow the CRM.
    crm: dict[tuple[dt.date, str], int] = {}
    for c in biz.contacts:
        key = (c.created.date(), c.source)
        crm[key] = crm.get(key, 0) + 1
    for day in days():
        google_clicks = {r["campaign_id"]: r["clicks"] for r in biz.google if r["date"] == day}
        meta_clicks = sum(r["link_clicks"] for r in biz.meta if r["date"] == day)
        slices = [
            ("(direct)", "(none)", "(direct)", "Direct", rng.randint(25, 45), 0),
            ("google", "organic", "(organic)", "Organic Search", rng.randint(60, 95),
             crm.get((day, "ORGANIC_SEARCH"), 0)),
            ("facebook", "paid_social", "(not set)", "Paid Social", int(meta_clicks * 0.3), 0),
            ("friends.negevsolar.example.com", "referral", "(referral)", "Referral",
             rng.randint(2, 8), crm.get((day, "REFERRALS"), 0)),
        ]  # fmt: skip
        for cid, _name, _b, _c, kind, utm in GOOGLE_CAMPAIGNS:
            sessions = int(google_clicks[cid] * (0.88 if kind == "SEARCH" else 0.6))
            leads = sum(
                1
                for c in biz.contacts
                if c.created.date() == day
                and c.source == "PAID_SEARCH"
                and c.first_url
                and f"utm_campaign={utm}" in c.first_url
            )
            group = "Paid Search" if kind == "SEARCH" else "Display"
            slices.append(("google", "cpc", utm, group, sessions, leads))
        for source, medium, campaign, group, sessions, leads in slices:
            if sessions <= 0:
                continue
            engaged = int(sessions * rng.uniform(0.45, 0.7))
            users = int(sessions * rng.uniform(0.8, 0.95))
            biz.traffic.append(
                {
                    "date": day.strftime("%Y%m%d"),
                    "sessionSource": source,
                    "sessionMedium": medium,
                    "sessionCampaignName": campaign,
                    "sessionDefaultChannelGroup": group,
                    "sessions": sessions,
                    "engagedSessions": engaged,
                    "totalUsers": users,
                    "newUsers": int(users * 0.7),
                    "keyEvents": leads,
                    "totalRevenue": 0,
                    "keyEvents:generate_lead": leads,
                }
            )
    return biz


# ------------------------------------------------------------- fake platform APIs

Answer = tuple[int, dict[str, Any]]


def _json(body: Any, **headers: str) -> tuple[int, dict[str, str], Any]:
    return 200, {"content-type": "application/json; charset=UTF-8", **headers}, body


def _cursor(index: int) -> str:
    return base64.b64encode(str(index).encode()).decode().rstrip("=") + "ZDZD"


def _uncursor(cursor: str) -> int:
    raw = cursor.removesuffix("ZDZD")
    return int(base64.b64decode(raw + "=" * (-len(raw) % 4)).decode())


_META_USAGE = {
    "x-ad-account-usage": '{"acc_id_util_pct":0.8,"reset_time_duration":0,'
    '"ads_api_access_tier":"standard_access"}',
    "x-app-usage": '{"call_count":1,"total_cputime":0,"total_time":1}',
}


def fake_meta(biz: Business) -> Callable[[Request], tuple[int, dict[str, str], Any]]:
    account = {
        "account_id": META_ACCOUNT.removeprefix("act_"),
        "account_status": 1,
        "currency": "ILS",
        "id": META_ACCOUNT,
        "name": "Negev Solar",
        "timezone_name": "Asia/Jerusalem",
    }

    def insights(q: dict[str, Any]) -> list[dict[str, Any]]:
        span = json.loads(q["time_range"])
        since, until = dt.date.fromisoformat(span["since"]), dt.date.fromisoformat(span["until"])
        rows = []
        for r in biz.meta:
            if not since <= r["date"] <= until:
                continue
            actions = [
                {"action_type": "link_click", "value": str(r["link_clicks"])},
                {"action_type": "landing_page_view", "value": str(int(r["link_clicks"] * 0.7))},
            ]
            if r["leads"]:
                actions += [
                    {"action_type": "lead", "value": str(r["leads"])},
                    {"action_type": "onsite_conversion.lead_grouped", "value": str(r["leads"])},
                ]
            rows.append(
                {
                    "account_id": account["account_id"],
                    "account_name": account["name"],
                    "actions": actions,
                    "attribution_setting": "7d_click_1d_view",
                    "campaign_id": r["campaign_id"],
                    "campaign_name": r["campaign_name"],
                    "clicks": str(r["clicks"]),
                    "date_start": r["date"].isoformat(),
                    "date_stop": r["date"].isoformat(),
                    "impressions": str(r["impressions"]),
                    "inline_link_clicks": str(r["link_clicks"]),
                    "reach": str(r["reach"]),
                    "spend": f"{r['spend']:.2f}",
                }
            )
        return rows

    def campaigns() -> list[dict[str, Any]]:
        out = []
        for cid, name, budget, _, status, last in META_CAMPAIGNS:
            row = {
                "bid_strategy": "LOWEST_COST_WITHOUT_CAP",
                "budget_remaining": "0" if status == "PAUSED" else str(budget * 40),
                "buying_type": "AUCTION",
                "created_time": "2026-07-28T11:20:00+0300",
                "daily_budget": str(budget * 100),
                "effective_status": status,
                "id": cid,
                "lifetime_budget": "0",
                "name": name,
                "objective": "OUTCOME_LEADS",
                "start_time": "2026-08-01T00:00:00+0300",
                "status": status,
                "updated_time": (
                    f"{last + dt.timedelta(days=1)}T09:05:00+0300"
                    if status == "PAUSED"
                    else "2026-10-20T16:41:27+0300"
                ),
            }
            if status == "PAUSED":
                row["stop_time"] = f"{last}T23:59:00+0300"
            out.append(row)
        return out

    def page(rows: list[dict[str, Any]], q: dict[str, Any], url: str) -> dict[str, Any]:
        first = _uncursor(q["after"]) + 1 if "after" in q else 0
        size = int(q.get("limit", 25))
        chunk = rows[first : first + size]
        body: dict[str, Any] = {"data": chunk}
        if chunk:
            body["paging"] = {
                "cursors": {"before": _cursor(first), "after": _cursor(first + len(chunk) - 1)}
            }
            if first + size < len(rows):
                body["paging"]["next"] = f"{url}?after={_cursor(first + len(chunk) - 1)}"
        return body

    def answer(req: Request) -> tuple[int, dict[str, str], Any]:
        path = urlsplit(req.url).path
        if path.endswith(f"/{META_ACCOUNT}"):
            return _json(account, **_META_USAGE)
        if path.endswith(f"/{META_ACCOUNT}/insights") and req.method == "GET":
            return _json(page(insights(req.query), req.query, req.url), **_META_USAGE)
        if path.endswith(f"/{META_ACCOUNT}/campaigns"):
            return _json(page(campaigns(), req.query, req.url), **_META_USAGE)
        if path.endswith((f"/{META_ACCOUNT}/adsets", f"/{META_ACCOUNT}/ads")):
            # The demo models campaigns only: an account page with no ad set and no ad
            # (recorded so that `partnerkit pull`, which reads every stream, replays).
            return _json(page([], req.query, req.url), **_META_USAGE)
        raise AssertionError(f"the fake Meta API has no answer to {req.describe()}")

    return answer


_CAMEL = re.compile(r"_([a-z])")


def _camel(name: str) -> str:
    return _CAMEL.sub(lambda m: m.group(1).upper(), name)


def _gaql_rows(fields: list[str], flat_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for flat in flat_rows:
        row: dict[str, Any] = {}
        for name in fields:
            if name not in flat:
                continue
            resource, _, attr = name.partition(".")
            row.setdefault(_camel(resource), {})[_camel(attr)] = flat[name]
        for resource, value in flat.items():
            if resource.endswith(".resource_name"):
                key = _camel(resource.partition(".")[0])
                if key in row:
                    row[key]["resourceName"] = value
        out.append(row)
    return out


def fake_google_ads(biz: Business) -> Callable[[Request], tuple[int, dict[str, str], Any]]:
    customer = {
        "customer.id": GOOGLE_CUSTOMER,
        "customer.descriptive_name": "Negev Solar",
        "customer.currency_code": "ILS",
        "customer.time_zone": "Asia/Jerusalem",
        "customer.resource_name": f"customers/{GOOGLE_CUSTOMER}",
        "customer.manager": False,
        "customer.status": "ENABLED",
    }
    campaign_info = {cid: (name, kind, utm) for cid, name, _b, _c, kind, utm in GOOGLE_CAMPAIGNS}
    budgets = {cid: budget for cid, _n, budget, *_ in GOOGLE_CAMPAIGNS}
    counter = [0]

    def campaign_fields(cid: str) -> dict[str, Any]:
        name, kind, utm = campaign_info[cid]
        return {
            "campaign.id": cid,
            "campaign.name": name,
            "campaign.status": "ENABLED",
            "campaign.advertising_channel_type": kind,
            "campaign.resource_name": f"customers/{GOOGLE_CUSTOMER}/campaigns/{cid}",
            "campaign.start_date_time": "2026-08-01 00:00:00",
            "campaign.end_date_time": "2037-12-30 23:59:59",
            "campaign.final_url_suffix": f"utm_source=google&utm_medium=cpc&utm_campaign={utm}",
            "campaign_budget.amount_micros": str(budgets[cid] * 1_000_000),
            "campaign_budget.period": "DAILY",
            "campaign_budget.resource_name": (
                f"customers/{GOOGLE_CUSTOMER}/campaignBudgets/4{cid[1:]}"
            ),
        }

    def answer(req: Request) -> tuple[int, dict[str, str], Any]:
        if not req.url.endswith(f"/customers/{GOOGLE_CUSTOMER}/googleAds:searchStream"):
            raise AssertionError(f"the fake Google Ads API has no answer to {req.describe()}")
        query = str(req.body["query"])
        fields = [f.strip() for f in query.split(" FROM ")[0].removeprefix("SELECT ").split(",")]
        source = query.split(" FROM ")[1].split()[0]
        span = re.search(r"segments\.date BETWEEN '([\d-]+)' AND '([\d-]+)'", query)
        flat: list[dict[str, Any]] = []
        if source == "customer":
            flat = [customer]
        elif source == "campaign" and span is None:
            flat = [customer | campaign_fields(cid) for cid in campaign_info]
        elif source == "campaign" and span is not None:
            since, until = (dt.date.fromisoformat(span.group(i)) for i in (1, 2))
            rows = [r for r in biz.google if since <= r["date"] <= until]
            if "segments.conversion_action_category" in query:
                for r in rows:
                    for category, n in (
                        ("SUBMIT_LEAD_FORM", r["form_leads"]),
                        ("PHONE_CALL_LEAD", r["call_leads"]),
                    ):
                        if n:
                            flat.append(
                                campaign_fields(r["campaign_id"])
                                | {
                                    "segments.date": r["date"].isoformat(),
                                    "segments.conversion_action_category": category,
                                    "metrics.conversions": float(n),
                                }
                            )
            else:
                for r in rows:
                    flat.append(
                        customer
                        | campaign_fields(r["campaign_id"])
                        | {
                            "segments.date": r["date"].isoformat(),
                            "metrics.impressions": str(r["impressions"]),
                            "metrics.clicks": str(r["clicks"]),
                            "metrics.cost_micros": str(int(r["cost"] * 1_000_000)),
                            "metrics.conversions": r["conversions"],
                            "metrics.conversions_value": 0.0,
                            "metrics.all_conversions": r["conversions"],
                        }
                    )
        else:
            raise AssertionError(f"the fake Google Ads API cannot answer {query}")
        counter[0] += 1
        block: dict[str, Any] = {
            "fieldMask": ",".join(".".join(_camel(p) for p in f.split(".", 1)) for f in fields),
            "queryResourceConsumption": str(100 + 7 * len(flat)),
            "requestId": f"DEMOreqId{counter[0]:013d}",
        }
        rows_out = _gaql_rows(fields, flat)
        if rows_out:
            block["results"] = rows_out
        return 200, {"content-type": "application/json; charset=UTF-8"}, [block]

    return answer


def _ga4_metadata() -> dict[str, Any]:
    def dim(api: str, ui: str, category: str) -> dict[str, Any]:
        return {"apiName": api, "category": category, "description": ui + ".", "uiName": ui}

    def met(
        api: str, ui: str, category: str, kind: int = 1, custom: bool = False
    ) -> dict[str, Any]:
        out: dict[str, Any] = {
            "apiName": api, "category": category, "description": ui + ".", "type": kind,
            "uiName": ui,
        }  # fmt: skip
        if custom:
            out["customDefinition"] = True
        return out

    return {
        "dimensions": [
            dim("date", "Date", "Time"),
            dim("sessionCampaignName", "Session campaign", "Traffic Source"),
            dim("sessionDefaultChannelGroup", "Session default channel group", "Traffic Source"),
            dim("sessionMedium", "Session medium", "Traffic Source"),
            dim("sessionSource", "Session source", "Traffic Source"),
        ],
        "metrics": [
            met("engagedSessions", "Engaged sessions", "Session"),
            met("keyEvents", "Key events", "Event"),
            met("newUsers", "New users", "User"),
            met("sessions", "Sessions", "Session"),
            met("totalRevenue", "Total revenue", "Revenue", 9),
            met("totalUsers", "Total users", "User"),
            met("keyEvents:generate_lead", "generate_lead key events", "Event", 1, True),
        ],
        "name": f"properties/{GA4_PROPERTY}/metadata",
    }


def fake_ga4(biz: Business) -> Callable[[Request], tuple[int, dict[str, str], Any]]:
    used = [0]

    def answer(req: Request) -> tuple[int, dict[str, str], Any]:
        base = f"https://analyticsdata.googleapis.com/v1beta/properties/{GA4_PROPERTY}"
        if req.url == f"{base}/metadata":
            return _json(_ga4_metadata())
        if req.url != f"{base}:runReport":
            raise AssertionError(f"the fake GA4 API has no answer to {req.describe()}")
        body = req.body
        span = body["dateRanges"][0]
        since, until = (span["startDate"].replace("-", ""), span["endDate"].replace("-", ""))
        dims = [d["name"] for d in body["dimensions"]]
        mets = [m["name"] for m in body["metrics"]]
        rows = [r for r in biz.traffic if since <= r["date"] <= until]
        rows.sort(key=lambda r: tuple(r[d] for d in dims))
        offset = int(body.get("offset", 0))
        limit = int(body.get("limit", 10000))
        chunk = rows[offset : offset + limit]
        used[0] += 12
        out: dict[str, Any] = {
            "dimensionHeaders": [{"name": d} for d in dims],
            "kind": "analyticsData#runReport",
            "metadata": {"currencyCode": "ILS", "timeZone": "Asia/Jerusalem"},
            "metricHeaders": [{"name": m, "type": 9 if m == "totalRevenue" else 1} for m in mets],
            "propertyQuota": {
                "concurrentRequests": {"consumed": 0, "remaining": 10},
                "potentiallyThresholdedRequestsPerHour": {"consumed": 0, "remaining": 120},
                "serverErrorsPerProjectPerHour": {"consumed": 0, "remaining": 10},
                "tokensPerDay": {"consumed": used[0], "remaining": 200000 - used[0]},
                "tokensPerHour": {"consumed": used[0], "remaining": 40000 - used[0]},
                "tokensPerProjectPerHour": {"consumed": used[0], "remaining": 14000 - used[0]},
            },
            "rowCount": len(rows),
        }
        if chunk:
            out["rows"] = [
                {
                    "dimensionValues": [{"value": str(r[d])} for d in dims],
                    "metricValues": [{"value": str(r[m])} for m in mets],
                }
                for r in chunk
            ]
        return _json(out)

    return answer


#: The reps who log their calls and emails in HubSpot (Rina and Noa); Yossi's leads
#: have HubSpot's first-outreach date only.
LOGGING_OWNERS = ("71000001", "71000003")
_ACTIVITY_IDS = {"calls": 41000000, "emails": 42000000, "meetings": 43000000}
_ACTIVITY_IDS |= {"notes": 44000000, "tasks": 45000000}


def log_activities(biz: Business, rng: random.Random) -> None:
    """The activities the logging reps recorded (own ``rng``: the rest of the data is unchanged).

    A logged contact's first outreach (the CRM's date) is an outbound call or email at
    that very moment, so the follow-up SLA's figures do not move when it is measured from
    activities. Around it, what is never a touch: a note right after the lead came in,
    the lead's own inbound call, an email that bounced, a to-do task for a lead nobody
    reached yet; a meeting when the lead became sales-qualified comes after.
    """
    counter = dict(_ACTIVITY_IDS)

    def log(kind: str, at: dt.datetime, c: Contact, **props: str | None) -> None:
        if at > CUTOFF:
            return
        counter[kind] += 1
        biz.activities.append(Activity(kind, counter[kind], at, c, props))

    for c in biz.contacts:
        if c.owner not in LOGGING_OWNERS:
            continue
        soon = c.created + dt.timedelta(minutes=rng.randint(2, 10))
        if rng.random() < 0.3:
            log("notes", soon, c)
        if rng.random() < 0.05:
            log("emails", soon, c, hs_email_direction="EMAIL", hs_email_status="BOUNCED")
        if c.outreach is None:
            log("tasks", soon, c, hs_task_status="NOT_STARTED")
            continue
        if rng.random() < 0.1 and c.outreach - c.created > dt.timedelta(minutes=20):
            inbound = c.created + (c.outreach - c.created) / 2
            log("calls", inbound, c, hs_call_direction="INBOUND", hs_call_status="COMPLETED")
        if rng.random() < 0.2:
            log("emails", c.outreach, c, hs_email_direction="EMAIL", hs_email_status="SENT")
        else:
            status = "NO_ANSWER" if rng.random() < 0.25 else "COMPLETED"
            log("calls", c.outreach, c, hs_call_direction="OUTBOUND", hs_call_status=status)
        sql = c.stages.get("salesqualifiedlead")
        if sql is not None:
            log("meetings", sql, c, hs_meeting_outcome="COMPLETED")


def _activity_item(a: Activity) -> tuple[int, dict[str, Any], str, str]:
    """An activity as the fake search holds it: ``(id, properties, created, updated)``."""
    created = a.at + dt.timedelta(minutes=1)
    updated = min(created + dt.timedelta(seconds=30 + a.id % 50), CUTOFF)
    at = _hs_time(a.at) or ""
    props: dict[str, Any] = {
        "hs_timestamp": at,
        "hs_createdate": _hs_time(created),
        "hs_lastmodifieddate": _hs_time(updated),
        "hubspot_owner_id": a.contact.owner,
        **a.properties,
        "hs_object_id": str(a.id),
    }
    if a.object_type == "meetings":
        props["hs_meeting_start_time"] = at
    return a.id, props, _hs_time(created) or "", _hs_time(updated) or ""


#: HubSpot's association type ids, activity → contact.
_TO_CONTACT = {"calls": 194, "emails": 198, "meetings": 200, "notes": 202, "tasks": 204}


def _hs_time(t: dt.datetime | None) -> str | None:
    if t is None:
        return None
    return t.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _ms(t: dt.datetime) -> int:
    return int(t.timestamp() * 1000)


_HS_HEADERS = {
    "content-type": "application/json;charset=utf-8",
    "x-hubspot-ratelimit-daily": "250000",
    "x-hubspot-ratelimit-daily-remaining": "249000",
    "x-hubspot-ratelimit-interval-milliseconds": "10000",
    "x-hubspot-ratelimit-max": "190",
    "x-hubspot-ratelimit-remaining": "185",
}


def _contact_properties(c: Contact) -> dict[str, Any]:
    stage_dates = {f"hs_lifecyclestage_{s}_date": _hs_time(c.stages.get(s)) for s in (
        "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity", "customer"
    )}  # fmt: skip
    return {
        "createdate": _hs_time(c.created),
        "lastmodifieddate": _hs_time(c.modified),
        "email": c.email,
        "phone": c.phone,
        "mobilephone": None,
        "hs_analytics_source": c.source,
        "hs_analytics_source_data_1": c.drill_1 or None,
        "hs_analytics_source_data_2": c.drill_2 or None,
        "hs_latest_source": c.source,
        "hs_latest_source_data_1": c.drill_1 or None,
        "hs_latest_source_data_2": c.drill_2 or None,
        "hs_object_source_label": c.object_source,
        "hs_object_source_detail_1": c.object_source_detail,
        "hs_analytics_first_url": c.first_url,
        "lifecyclestage": c.stage,
        "hs_lead_status": "CONNECTED" if c.outreach else "NEW",
        "hubspot_owner_id": c.owner,
        **stage_dates,
        "hs_first_outreach_date": _hs_time(c.outreach),
        "hs_sa_first_engagement_date": _hs_time(c.outreach),
        "hs_merged_object_ids": None,
        "hs_object_id": str(c.id),
    }


def _deal_properties(d: Deal) -> dict[str, Any]:
    return {
        "dealname": d.name,
        "amount": str(d.amount),
        "deal_currency_code": "ILS",
        "closedate": _hs_time(d.close),
        "createdate": _hs_time(d.created),
        "hs_lastmodifieddate": _hs_time(d.modified),
        "pipeline": "default",
        "dealstage": d.stage,
        "hubspot_owner_id": d.contact.owner,
        "hs_object_id": str(d.id),
    }


def _search(
    body: dict[str, Any], items: list[tuple[int, dict[str, Any], str, str]]
) -> dict[str, Any]:
    """Apply HubSpot search filters and sorts to ``(id, properties, created, updated)``."""
    (group,) = body["filterGroups"]
    hits = []
    for item in items:
        props = item[1]
        ok = True
        for f in group["filters"]:
            name, op, value = f["propertyName"], f["operator"], int(f["value"])
            raw = props[name]
            have = (
                int(raw)
                if name == "hs_object_id"
                else _ms(dt.datetime.fromisoformat(raw.replace("Z", "+00:00")))
            )
            ok = ok and {
                "GTE": have >= value, "GT": have > value, "LT": have < value,
                "LTE": have <= value, "EQ": have == value,
            }[op]  # fmt: skip
        if ok:
            hits.append(item)
    (sort,) = body["sorts"]
    key = sort["propertyName"]
    hits.sort(key=lambda i: int(i[1][key]) if key == "hs_object_id" else i[1][key])
    limit = int(body["limit"])
    page = hits[:limit]
    wanted = [*body["properties"], "hs_object_id"]
    out: dict[str, Any] = {
        "total": len(hits),
        "results": [
            {
                "archived": False,
                "createdAt": created,
                "id": str(i),
                "properties": {p: props.get(p) for p in wanted},
                "updatedAt": updated,
            }
            for i, props, created, updated in page
        ],
    }
    if len(hits) > limit:
        out["paging"] = {"next": {"after": str(limit)}}
    return out


def _to_contacts(
    req: Request, contact_of: Callable[[int], int], type_id: int
) -> tuple[int, dict[str, str], Any]:
    """HubSpot's answer to a batch read of associations to contacts (one contact each)."""
    results = [
        {
            "from": {"id": item["id"]},
            "to": [
                {
                    "associationTypes": [
                        {"category": "HUBSPOT_DEFINED", "label": None, "typeId": type_id}
                    ],
                    "toObjectId": contact_of(int(item["id"])),
                }
            ],
        }
        for item in req.body["inputs"]
    ]
    return (
        200,
        _HS_HEADERS,
        {
            "completedAt": "2026-11-15T07:30:01.139Z",
            "results": results,
            "startedAt": "2026-11-15T07:30:01.102Z",
            "status": "COMPLETE",
        },
    )


def fake_hubspot(biz: Business) -> Callable[[Request], tuple[int, dict[str, str], Any]]:
    contacts = [
        (c.id, _contact_properties(c), _hs_time(c.created) or "", _hs_time(c.modified) or "")
        for c in biz.contacts
    ]
    deals = [
        (d.id, _deal_properties(d), _hs_time(d.created) or "", _hs_time(d.modified) or "")
        for d in biz.deals
    ]
    by_deal = {d.id: d for d in biz.deals}
    activities = {t: [_activity_item(a) for a in biz.activities if a.object_type == t]
                  for t in _TO_CONTACT}  # fmt: skip
    by_activity = {a.id: a for a in biz.activities}

    def stage(i: int, sid: str, label: str, closed: bool, probability: str) -> dict[str, Any]:
        return {
            "archived": False,
            "createdAt": "2025-01-05T08:00:00Z",
            "displayOrder": i,
            "id": sid,
            "label": label,
            "metadata": {"isClosed": "true" if closed else "false", "probability": probability},
            "updatedAt": "2025-01-05T08:00:00Z",
            "writePermissions": "CRM_PERMISSIONS_ENFORCEMENT",
        }

    pipelines = {
        "results": [
            {
                "archived": False,
                "createdAt": "2025-01-05T08:00:00Z",
                "displayOrder": 0,
                "id": "default",
                "label": "Residential sales",
                "stages": [
                    stage(0, "appointmentscheduled", "Site survey booked", False, "0.2"),
                    stage(1, "qualifiedtobuy", "Survey done", False, "0.4"),
                    stage(2, "presentationscheduled", "Quote sent", False, "0.6"),
                    stage(3, "closedwon", "Installed", True, "1.0"),
                    stage(4, "closedlost", "Lost", True, "0.0"),
                ],
                "updatedAt": "2025-01-05T08:00:00Z",
            }
        ]
    }

    def owners(archived: bool) -> dict[str, Any]:
        if archived:
            return {"results": []}
        return {
            "results": [
                {
                    "archived": False,
                    "createdAt": "2025-01-05T08:00:00.000Z",
                    "email": email,
                    "firstName": first,
                    "id": oid,
                    "lastName": last,
                    "teams": [{"id": "368389", "name": "Sales", "primary": True}],
                    "type": "PERSON",
                    "updatedAt": "2026-03-01T10:00:00.000Z",
                    "userId": int(oid) + 100,
                    "userIdIncludingInactive": int(oid) + 100,
                }
                for oid, first, last, email in OWNERS
            ]
        }

    def answer(req: Request) -> tuple[int, dict[str, str], Any]:
        path = urlsplit(req.url).path.rstrip("/")
        if path == "/account-info/v3/details":
            return (
                200,
                _HS_HEADERS,
                {
                    "accountType": "STANDARD",
                    "additionalCurrencies": [],
                    "companyCurrency": "ILS",
                    "dataHostingLocation": "eu1",
                    "portalId": PORTAL,
                    "timeZone": "Asia/Jerusalem",
                    "uiDomain": "app-eu1.hubspot.com",
                    "utcOffset": "+02:00",
                    "utcOffsetMilliseconds": 7200000,
                },
            )
        if path == "/crm/v3/objects/contacts/search":
            return 200, _HS_HEADERS, _search(req.body, contacts)
        if path == "/crm/v3/objects/deals/search":
            return 200, _HS_HEADERS, _search(req.body, deals)
        kind = path.removeprefix("/crm/v3/objects/").removesuffix("/search")
        if kind in activities and path.endswith("/search"):
            return 200, _HS_HEADERS, _search(req.body, activities[kind])
        if kind in activities and path == f"/crm/v3/objects/{kind}":
            assert req.query.get("archived") == "True", req.describe()
            return 200, _HS_HEADERS, {"results": []}
        kind = path.removeprefix("/crm/v4/associations/").removesuffix("/contacts/batch/read")
        if kind in activities:
            return _to_contacts(req, lambda i: by_activity[i].contact.id, _TO_CONTACT[kind])
        if path in ("/crm/v3/objects/contacts", "/crm/v3/objects/deals"):
            assert req.query.get("archived") == "True", req.describe()
            return 200, _HS_HEADERS, {"results": []}
        if path == "/crm/v3/pipelines/deals":
            return 200, _HS_HEADERS, pipelines
        if path == "/crm/v3/owners":
            return 200, _HS_HEADERS, owners(req.query.get("archived") == "True")
        if path == "/crm/v4/associations/deals/contacts/batch/read":
            return _to_contacts(req, lambda i: by_deal[i].contact.id, 3)
        raise AssertionError(f"the fake HubSpot API has no answer to {req.describe()}")

    return answer


# ----------------------------------------------------------------- recording

_REQUEST_SCRUBBER = Scrubber()


@contextlib.contextmanager
def recording(
    path: Path, api: Callable[[Request], tuple[int, dict[str, str], Any]]
) -> Iterator[None]:
    """Answer every HTTP request from ``api`` and write the exchange to ``path``."""
    interactions: list[Interaction] = []

    def reply(prepared: requests.PreparedRequest) -> tuple[int, dict[str, str], bytes]:
        live = Request.from_prepared(prepared)
        status, headers, body = api(live)
        request = Request(
            method=live.method,
            url=live.url,
            query=_REQUEST_SCRUBBER.scrub_params(live.query),
            headers=live.headers,
            body=live.body,
        )
        response = Response(status=status, headers=dict(sorted(headers.items())), body=body)
        interactions.append(Interaction(request, response))
        return status, headers, response.content()

    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        for method in ("GET", "POST"):
            mock.add_callback(method, re.compile(r".*"), reply, content_type=None)
        yield
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written as is (not Cassette.save(), whose scrubber would replace the demo's
    # fake 555 phones and names): every value here is generated and fake.
    path.write_text(Cassette(interactions).to_yaml(), encoding="utf-8")


# ------------------------------------------------------------------ the files


def write_trade_show(rng: random.Random) -> None:
    rows = []
    for i in range(42):
        n = 9000 + i
        created = dt.datetime(2026, 5, 24, 10, 0, tzinfo=TZ) + dt.timedelta(minutes=i)
        rows.append(
            {
                "Record ID": str(n * 7919),
                "Create Date": created.isoformat(timespec="minutes"),
                "Email": f"expo{n}@example.com",
                "Phone Number": f"+972-55-555-{n % 10000:04d}",
                "Original Source": "OFFLINE",
                "Original Source Drill-Down 1": "IMPORT",
                "Original Source Drill-Down 2": "eilat-expo-2026.csv",
                "Lifecycle Stage": rng.choice(["lead", "lead", "marketingqualifiedlead"]),
            }
        )
    with (DATA / "trade_show_import.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _business_day(month: dt.date, n: int) -> dt.date:
    holidays = {dt.date(2026, 9, 12), dt.date(2026, 9, 13), dt.date(2026, 9, 21),
                dt.date(2026, 9, 26), dt.date(2026, 10, 3)}  # fmt: skip
    day, seen = month, 0
    while True:
        if day.weekday() not in (4, 5) and day not in holidays:
            seen += 1
            if seen == n:
                return day
        day += dt.timedelta(days=1)


def write_evidence() -> None:
    rows: list[dict[str, str]] = []

    def add(at: str, event: str, **more: str) -> None:
        rows.append({"at": at, "event": event, "thread": "", "sla": "", "deliverable": "",
                     "period": "", "by": "", "note": "", **more})  # fmt: skip

    # The monthly report: due on the 5th business day of the month after.
    # ``period`` names the due period: the August report is due in September.
    for period, month, nth, note in (
        ("2026-08", dt.date(2026, 8, 1), 4, "Kick-off baseline report (May-July)"),
        ("2026-09", dt.date(2026, 9, 1), 3, "August report"),
        ("2026-10", dt.date(2026, 10, 1), 5, "September report"),
        ("2026-11", dt.date(2026, 11, 1), 9, "October report, four business days late"),
    ):
        day = _business_day(month, nth)
        add(f"{day}T16:30+02:00" if month.month == 11 else f"{day}T16:30+03:00", "delivered",
            deliverable="monthly-report", period=period, by="maya", note=note)  # fmt: skip
    # The weekly call (Mondays; on Yom Kippur, the Tuesday).
    day = dt.date(2026, 8, 3)
    while day <= dt.date(2026, 11, 9):
        held = day + dt.timedelta(days=1) if day == dt.date(2026, 9, 21) else day
        offset = "+02:00" if held >= dt.date(2026, 10, 25) else "+03:00"
        add(f"{held}T11:00{offset}", "meeting", sla="weekly-call", by="maya",
            note="Weekly performance call")  # fmt: skip
        day += dt.timedelta(days=7)
    rows.sort(key=lambda r: r["at"])
    with (DATA / "evidence.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def write_survey() -> None:
    answers = [
        ("2026-08", "gil", "in_house", 4, 4, 4, "", "Good start."),
        ("2026-08", "rina", "sales", 4, 4, 3, 3, "Leads are mixed."),
        ("2026-08", "maya", "partner", 5, 4, 4, "", ""),
        ("2026-09", "gil", "in_house", 4, 4, 3, "", ""),
        ("2026-09", "rina", "sales", 3, 3, 3, 3, ""),
        ("2026-09", "maya", "partner", 4, 4, 4, "", ""),
        ("2026-10", "gil", "in_house", 3, 3, 3, "", "The partner form stopped; nobody noticed."),
        ("2026-10", "rina", "sales", 3, 3, 2, 2, "Many duplicates between Meta and Google."),
        ("2026-10", "maya", "partner", 4, 3, 3, "", "Report late: new analyst."),
    ]
    with (DATA / "survey.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["date", "respondent", "side", "communication", "trust",
                         "process_efficiency", "lead_quality", "comment"])  # fmt: skip
        writer.writerows(answers)


def main() -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    biz = build(rng)
    log_activities(biz, random.Random(SEED + 1))
    write_trade_show(rng)
    write_evidence()
    write_survey()
    fakes = {
        "meta": fake_meta(biz),
        "google-ads": fake_google_ads(biz),
        "ga4": fake_ga4(biz),
        "hubspot": fake_hubspot(biz),
    }
    demo = load_workspace(DEMO_WORKSPACE)
    # Recorded live (against the fakes): the connections must not replay what is recorded.
    live = [c.model_copy(update={"replay": None}) for c in demo.connections]
    ws = demo.model_copy(update={"connections": live})

    def tape(path: Path) -> contextlib.AbstractContextManager[None]:
        api = fakes.get(path.stem)
        return recording(path, api) if api else contextlib.nullcontext()

    with demo_environment():
        reads = read_connections(
            ws, tape, ranges=RECORDED_RANGES, every_stream=True, direct_months=DIRECT_MONTHS
        )
    for label, n in reads.rows.items():
        print(f"{label}: {n} records")
    print(f"wrote the demo data to {DATA} and {CASSETTES}")


if __name__ == "__main__":
    main()
