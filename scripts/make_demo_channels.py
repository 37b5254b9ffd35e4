"""Record the demo's Search Console and Mailchimp answers (deterministic; re-run to rebuild).

Negev Solar's organic search and email, August to October 2026, beside the paid
channels of ``scripts/make_demo_data.py`` (whose recorder this script reuses, so the
requests on file are exactly the ones the connectors make):

* ``cassettes/search-console.yaml``: the Search Analytics answers, the property's days
  and its query rows. Rows exist for the 5th, 15th and 25th of each month (a small
  recording; the analysis does not need every day). Anonymised queries hide part of
  each day: the property's rows are larger than the query rows' sum.
* ``cassettes/mailchimp.yaml``: the account and its campaign reports, one newsletter a
  month and a winter battery offer on 2026-10-21.

Planted findings: the "solar panels" keyword group (the queries containing "solar
panel") ranks in the top ten in August and September and drops out of it in October;
the battery offer's unsubscribe rate is 3% (70 of 2,330 delivered), ten times the
newsletters'.

Usage: ``uv run python scripts/make_demo_channels.py``
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from partnerkit._environ import environment
from partnerkit.demo import DEMO_WORKSPACE
from partnerkit.demo._read import CASSETTES, DIRECT_MONTHS, RECORDED_RANGES, read_connections
from partnerkit.model import load_workspace
from partnerkit.testing.cassette import Request

_spec = importlib.util.spec_from_file_location(
    "make_demo_data", Path(__file__).with_name("make_demo_data.py")
)
assert _spec is not None
assert _spec.loader is not None
_data = importlib.util.module_from_spec(_spec)
sys.modules["make_demo_data"] = _data
_spec.loader.exec_module(_data)
recording = _data.recording

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
    return _data._json(answer, **{"content-type": "application/json; charset=UTF-8"})


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
        return _data._json(account, **headers)
    if req.url != f"{MAILCHIMP}/reports":
        raise AssertionError(f"the fake Mailchimp has no answer to {req.describe()}")
    query = req.query
    since = dt.datetime.fromisoformat(query["since_send_time"])
    before = dt.datetime.fromisoformat(query["before_send_time"])
    found = [s for s in SENDS if since <= dt.datetime.fromisoformat(s[3]) < before]
    offset, count = int(query.get("offset", 0)), int(query.get("count", 10))
    reports = [_report(s) for s in found[offset : offset + count]]
    return _data._json({"reports": reports, "total_items": len(found)}, **headers)


FAKES: dict[str, Callable[[Request], tuple[int, dict[str, str], Any]]] = {
    "search-console": fake_search_console,
    "mailchimp": fake_mailchimp,
}
SECRETS = {
    "PARTNERKIT_DEMO_SEARCH_CONSOLE_ACCESS_TOKEN": "demo-search-console-token-not-real",
    "PARTNERKIT_DEMO_MAILCHIMP_API_KEY": "demo-mailchimp-key-not-real",
}


def main() -> None:
    demo = load_workspace(DEMO_WORKSPACE)
    live = [c.model_copy(update={"replay": None}) for c in demo.connections if c.name in FAKES]
    ws = demo.model_copy(update={"connections": live})

    def tape(path: Path) -> Any:
        return recording(path, FAKES[path.stem])

    with environment(SECRETS):
        reads = read_connections(
            ws, tape, ranges=RECORDED_RANGES, every_stream=True, direct_months=DIRECT_MONTHS
        )
    for label, n in reads.rows.items():
        print(f"{label}: {n} records")
    print(f"wrote {', '.join(f'{name}.yaml' for name in FAKES)} to {CASSETTES}")


if __name__ == "__main__":
    main()
