"""Record the demo's Search Console, Mailchimp and LinkedIn Ads answers (deterministic).

Negev Solar's organic search, email and LinkedIn Ads, August to October 2026, beside
the channels of ``scripts/make_demo_data.py`` (with the recorder of
``scripts/_recorder.py``, shared with ``make_demo_social.py``, so the requests on file
are exactly the ones the connectors make; re-run to rebuild):

* ``cassettes/search-console.yaml``: the Search Analytics answers, the property's days
  and its query rows. Rows exist for the 5th, 15th and 25th of each month (a small
  recording; the analysis does not need every day). Anonymised queries hide part of
  each day: the property's rows are larger than the query rows' sum.
* ``cassettes/mailchimp.yaml``: the account and its campaign reports, one newsletter a
  month and a winter battery offer on 2026-10-21.
* ``cassettes/linkedin-ads.yaml``: the LinkedIn ad account (currency ILS), its one
  campaign ("Lead Gen – homeowners Negev") and campaign group, ad analytics by campaign
  and day (every day of the three months) and the lead-gen form's responses (one per
  ``oneClickLeads``; made-up ``example.com`` e-mails and 555 phones, which the connector
  hashes with the demo's salt). The shapes are those of
  ``connectors/linkedin_ads/tests/cassettes/contract``.

Planted findings: the "solar panels" keyword group (the queries containing "solar
panel") ranks in the top ten in August and September and drops out of it in October;
the battery offer's unsubscribe rate is 3% (70 of 2,330 delivered), ten times the
newsletters'; LinkedIn's cost per lead triples in October: ₪4,836 for 8 form leads
(₪604.50) after ₪4,350 for 20 in September (₪217.50), against a ₪180 CPL target.

Usage: ``uv run python scripts/make_demo_channels.py``
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import unquote

from _recorder import Fake, json_answer, record

from partnerkit.testing.cassette import Request

SITE = "sc-domain:negevsolar.example"
DAYS = [dt.date(2026, m, d) for m in (8, 9, 10) for d in (5, 15, 25)]

#: Query → page, and per month (8, 9, 10): (clicks, impressions, position) on each day.
QUERIES: dict[str, tuple[str, dict[int, tuple[int, int, float]]]] = {
    "solar panels beer sheva": (
        "https://negevsolar.example/solar-panels",
        {8: (24, 400, 4.0), 9: (26, 420, 5.0), 10: (6, 380, 13.0)},
    ),
    "solar panel installation": (
        "https://negevsolar.example/installation",
        {8: (15, 300, 6.0), 9: (14, 310, 7.0), 10: (3, 290, 15.0)},
    ),
    "negev solar": (
        "https://negevsolar.example/",
        {8: (40, 120, 1.0), 9: (42, 125, 1.0), 10: (45, 130, 1.0)},
    ),
    "solar water heater": (
        "https://negevsolar.example/water-heaters",
        {8: (8, 200, 8.0), 9: (9, 210, 8.0), 10: (10, 220, 7.0)},
    ),
    "home battery storage": (
        "https://negevsolar.example/batteries",
        {8: (2, 150, 12.0), 9: (5, 160, 9.0), 10: (12, 240, 5.0)},
    ),
}
#: What anonymised queries add to the property's day: (clicks, impressions, position).
HIDDEN = (6, 250, 20.0)

MAILCHIMP = "https://us21.api.mailchimp.com/3.0"
#: (id, title, subject, send time UTC, sent, hard, soft, unique opens, unique clicks,
#: unsubscribed, abuse reports)
SENDS = [
    ("ns0812", "August newsletter", "Your summer savings", "2026-08-12T07:00:00+00:00",
     2400, 20, 30, 1150, 130, 7, 0),
    ("ns0909", "September newsletter", "Solar before winter", "2026-09-09T07:00:00+00:00",
     2420, 18, 32, 1180, 140, 8, 1),
    ("ns1007", "October newsletter", "Net metering explained", "2026-10-07T07:00:00+00:00",
     2450, 20, 30, 1210, 150, 7, 0),
    ("bo1021", "Winter battery offer", "20% off home batteries", "2026-10-21T08:00:00+00:00",
     2380, 22, 28, 1010, 60, 70, 3),
]  # fmt: skip


def _round(value: float) -> float:
    return round(value, 6)


def _rows(since: str, until: str, dimensions: list[str]) -> list[dict[str, Any]]:
    out = []
    for day in DAYS:
        if not since <= day.isoformat() <= until:
            continue
        month = {q: figures[day.month] for q, (_, figures) in QUERIES.items()}
        if dimensions == ["date"]:
            hc, hi, hp = HIDDEN
            clicks = sum(c for c, _, _ in month.values()) + hc
            impressions = sum(i for _, i, _ in month.values()) + hi
            weighted = sum(i * p for _, i, p in month.values()) + hi * hp
            out.append(
                {
                    "keys": [day.isoformat()],
                    "clicks": clicks,
                    "impressions": impressions,
                    "ctr": _round(clicks / impressions),
                    "position": _round(weighted / impressions),
                }
            )
            continue
        for query, (page, figures) in QUERIES.items():
            clicks, impressions, position = figures[day.month]
            out.append(
                {
                    "keys": [day.isoformat(), query, page, "isr", "MOBILE"],
                    "clicks": clicks,
                    "impressions": impressions,
                    "ctr": _round(clicks / impressions),
                    "position": position,
                }
            )
    return out


def fake_search_console(req: Request) -> tuple[int, dict[str, str], Any]:
    """Search Analytics: the property's days or its query rows, paged by start row."""
    if not unquote(req.url).endswith(f"/sites/{SITE}/searchAnalytics/query"):
        raise AssertionError(f"the fake Search Console has no answer to {req.describe()}")
    body = req.body
    rows = _rows(body["startDate"], body["endDate"], body["dimensions"])
    start, limit = int(body.get("startRow", 0)), int(body["rowLimit"])
    page = rows[start : start + limit]
    answer: dict[str, Any] = {
        "responseAggregationType": "byProperty" if body["dimensions"] == ["date"] else "byPage"
    }
    if page:
        answer["rows"] = page
    return json_answer(answer, **{"content-type": "application/json; charset=UTF-8"})


def _report(send: tuple[Any, ...]) -> dict[str, Any]:
    sid, title, subject, when, sent, hard, soft, opens, clicks, unsub, abuse = send
    delivered = sent - hard - soft
    return {
        "id": sid,
        "campaign_title": title,
        "type": "regular",
        "list_id": "negev0001",
        "list_name": "Customers and leads",
        "subject_line": subject,
        "emails_sent": sent,
        "abuse_reports": abuse,
        "unsubscribed": unsub,
        "send_time": when,
        "bounces": {"hard_bounces": hard, "soft_bounces": soft, "syntax_errors": 0},
        "opens": {
            "opens_total": opens * 2,
            "unique_opens": opens,
            "open_rate": _round(opens / delivered),
            "last_open": when,
        },
        "clicks": {
            "clicks_total": clicks + clicks // 4,
            "unique_clicks": clicks + clicks // 10,
            "unique_subscriber_clicks": clicks,
            "click_rate": _round(clicks / delivered),
            "last_click": when,
        },
    }


def fake_mailchimp(req: Request) -> tuple[int, dict[str, str], Any]:
    """The account (``/3.0/``) and campaign reports by send time, paged by offset."""
    headers = {"content-type": "application/json; charset=utf-8"}
    if req.url == f"{MAILCHIMP}/":
        account = {
            "account_id": "negevsolar0000demo0000001",
            "account_name": "Negev Solar",
            "account_timezone": "Asia/Jerusalem",
        }
        return json_answer(account, **headers)
    if req.url != f"{MAILCHIMP}/reports":
        raise AssertionError(f"the fake Mailchimp has no answer to {req.describe()}")
    query = req.query
    since = dt.datetime.fromisoformat(query["since_send_time"])
    before = dt.datetime.fromisoformat(query["before_send_time"])
    found = [s for s in SENDS if since <= dt.datetime.fromisoformat(s[3]) < before]
    offset, count = int(query.get("offset", 0)), int(query.get("count", 10))
    reports = [_report(s) for s in found[offset : offset + count]]
    return json_answer({"reports": reports, "total_items": len(found)}, **headers)


LINKEDIN = "https://api.linkedin.com/rest"
LINKEDIN_ACCOUNT = "508000123"
LINKEDIN_GROUP = 610000001
LINKEDIN_CAMPAIGN = 380000101
LEAD_FORM = 4201
FORM_URN = f"urn:li:leadGenForm:{LEAD_FORM}"
LINKEDIN_HEADERS = {"content-type": "application/json"}  # as the contract cassettes have
#: The campaign's cost per day, by month (ILS, the ad account's currency).
LINKEDIN_DAILY_COST = {8: "140.00", 9: "145.00", 10: "156.00"}
#: 2026-08-01 00:00 UTC and 2026-11-01 00:00 UTC in epoch milliseconds.
_EPOCH_AUG, _EPOCH_NOV = 1785542400000, 1793491200000


def linkedin_leads_on(day: dt.date) -> int:
    """Form leads of a day: every day but each third in Aug-Sep, every fourth in October."""
    if day.month == 10:
        return 1 if day.day % 4 == 1 else 0
    return 1 if day.day % 3 != 0 else 0


def _linkedin_days(since: dt.date, until: dt.date) -> list[dt.date]:
    """The campaign's days (1 August to 31 October) from ``since`` to ``until``, inclusive."""
    first, last = max(since, dt.date(2026, 8, 1)), min(until, dt.date(2026, 10, 31))
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def _rest_date(value: str) -> dt.date:
    """``(year:2026,month:10,day:1)`` as a date."""
    parts = dict(p.split(":") for p in value.strip("()").split(","))
    return dt.date(int(parts["year"]), int(parts["month"]), int(parts["day"]))


def _analytics(query: dict[str, str]) -> dict[str, Any]:
    inner = query["dateRange"].removeprefix("(start:").removesuffix(")")
    since, until = (_rest_date(p) for p in inner.split(",end:"))
    elements = []
    for day in _linkedin_days(since, until):
        clicks = 24 + day.day % 7
        when = {"year": day.year, "month": day.month, "day": day.day}
        elements.append(
            {
                "dateRange": {"start": when, "end": when},
                "pivotValues": [f"urn:li:sponsoredCampaign:{LINKEDIN_CAMPAIGN}"],
                "impressions": 3000 + day.day * 37 % 400,
                "clicks": clicks,
                "landingPageClicks": clicks // 5,
                "costInLocalCurrency": LINKEDIN_DAILY_COST[day.month],
                "externalWebsiteConversions": 0.0,
                "oneClickLeads": linkedin_leads_on(day),
            }
        )
    return {"paging": {"start": 0, "count": 10, "links": []}, "elements": elements}


def _linkedin_leads() -> list[tuple[dt.date, int]]:
    """Every form lead: its day and its number (1, 2, ... in submission order)."""
    days = _linkedin_days(dt.date(2026, 8, 1), dt.date(2026, 10, 31))
    dated = [day for day in days for _ in range(linkedin_leads_on(day))]
    return [(day, n) for n, day in enumerate(dated, start=1)]


def _lead_response(day: dt.date, n: int) -> dict[str, Any]:
    """A form response (the connector keeps only the hashes of the e-mail and phone)."""
    submitted = dt.datetime.combine(day, dt.time(9, 15), dt.UTC) + dt.timedelta(minutes=7 * n)

    def said(question: int, answer: str) -> dict[str, Any]:
        return {"questionId": question, "answerDetails": {"textQuestionAnswer": {"answer": answer}}}

    return {
        "id": f"7c1e{day:%m%d}-5e0d-4a7b-9c2f-{n:012d}",
        "owner": {"sponsoredAccount": f"urn:li:sponsoredAccount:{LINKEDIN_ACCOUNT}"},
        "leadType": "SPONSORED",
        "versionedLeadGenFormUrn": f"urn:li:versionedLeadGenForm:({FORM_URN},1)",
        "submittedAt": int(submitted.timestamp() * 1000),
        "testLead": False,
        "leadMetadata": {
            "sponsoredLeadMetadata": {"campaign": f"urn:li:sponsoredCampaign:{LINKEDIN_CAMPAIGN}"}
        },
        "associatedEntity": {"associatedCreative": "urn:li:sponsoredCreative:390000101"},
        "formResponse": {
            "answers": [
                said(1, "Demo"),
                said(2, f"Lead {n:03d}"),
                said(3, f"linkedin.lead{n:03d}@example.com"),
                said(4, f"+972-52-555-{n:04d}"),
            ],
            "consentResponses": [],
        },
    }


def _lead_responses(query: dict[str, str]) -> dict[str, Any]:
    inner = query["submittedAtTimeRange"].removeprefix("(start:").removesuffix(")")
    start_ms, end_ms = (int(p) for p in inner.split(",end:"))
    found = [
        _lead_response(day, n)
        for day, n in _linkedin_leads()
        if start_ms <= _lead_response(day, n)["submittedAt"] <= end_ms
    ]
    start, count = int(query["start"]), int(query["count"])
    page = found[start : start + count]
    return {"paging": {"start": start, "count": count, "total": len(found)}, "elements": page}


def _stamps(created: int, modified: int) -> dict[str, Any]:
    return {"created": {"time": created}, "lastModified": {"time": modified}}


LINKEDIN_ANSWERS: dict[str, dict[str, Any]] = {
    f"adAccounts/{LINKEDIN_ACCOUNT}": {
        "id": int(LINKEDIN_ACCOUNT),
        "name": "Negev Solar",
        "currency": "ILS",
        "status": "ACTIVE",
        "type": "BUSINESS",
        "reference": "urn:li:organization:90000123",
        "test": False,
    },
    f"adAccounts/{LINKEDIN_ACCOUNT}/adCampaigns": {
        "elements": [
            {
                "id": LINKEDIN_CAMPAIGN,
                "account": f"urn:li:sponsoredAccount:{LINKEDIN_ACCOUNT}",
                "campaignGroup": f"urn:li:sponsoredCampaignGroup:{LINKEDIN_GROUP}",
                "name": "Lead Gen – homeowners Negev",
                "status": "ACTIVE",
                "type": "SPONSORED_UPDATES",
                "costType": "CPM",
                "objectiveType": "LEAD_GENERATION",
                "dailyBudget": {"amount": "160.00", "currencyCode": "ILS"},
                "runSchedule": {"start": _EPOCH_AUG},
                "changeAuditStamps": _stamps(1785398400000, 1790812800000),
            }
        ],
        "metadata": {},
    },
    f"adAccounts/{LINKEDIN_ACCOUNT}/adCampaignGroups": {
        "elements": [
            {
                "id": LINKEDIN_GROUP,
                "account": f"urn:li:sponsoredAccount:{LINKEDIN_ACCOUNT}",
                "name": "Negev Solar 2026",
                "status": "ACTIVE",
                "totalBudget": {"amount": "15000.00", "currencyCode": "ILS"},
                "runSchedule": {"start": _EPOCH_AUG, "end": _EPOCH_NOV},
                "changeAuditStamps": _stamps(1785394800000, 1785394800000),
            }
        ],
        "metadata": {},
    },
    f"leadForms/{LEAD_FORM}": {
        "id": LEAD_FORM,
        "owner": {"sponsoredAccount": f"urn:li:sponsoredAccount:{LINKEDIN_ACCOUNT}"},
        "name": "Free solar assessment",
        "state": "PUBLISHED",
        "content": {
            "questions": [
                {"questionId": 1, "name": "firstName", "predefinedField": "FIRST_NAME"},
                {"questionId": 2, "name": "lastName", "predefinedField": "LAST_NAME"},
                {"questionId": 3, "name": "email", "predefinedField": "EMAIL"},
                {"questionId": 4, "name": "phoneNumber", "predefinedField": "PHONE_NUMBER"},
            ]
        },
    },
}


def fake_linkedin(req: Request) -> tuple[int, dict[str, str], Any]:
    """The ad account, campaigns, groups, ad analytics, lead form and its responses."""
    path = req.url.removeprefix(f"{LINKEDIN}/")
    if path == "adAnalytics":
        return json_answer(_analytics(req.query), **LINKEDIN_HEADERS)
    if path == "leadFormResponses":
        return json_answer(_lead_responses(req.query), **LINKEDIN_HEADERS)
    if path in LINKEDIN_ANSWERS:
        return json_answer(LINKEDIN_ANSWERS[path], **LINKEDIN_HEADERS)
    raise AssertionError(f"the fake LinkedIn API has no answer to {req.describe()}")


FAKES: dict[str, Fake] = {
    "search-console": fake_search_console,
    "mailchimp": fake_mailchimp,
    "linkedin-ads": fake_linkedin,
}
SECRETS = {
    "PARTNERKIT_DEMO_SEARCH_CONSOLE_ACCESS_TOKEN": "demo-search-console-token-not-real",
    "PARTNERKIT_DEMO_MAILCHIMP_API_KEY": "demo-mailchimp-key-not-real",
    "PARTNERKIT_DEMO_LINKEDIN_ADS_ACCESS_TOKEN": "demo-linkedin-ads-token-not-real",
}


if __name__ == "__main__":
    record(FAKES, SECRETS)
