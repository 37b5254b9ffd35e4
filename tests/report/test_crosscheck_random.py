"""The cross-check over random workspaces: the report shows the evaluation's figures,
and spend, inquiries, people and CPL by source equal an independent query.

Workspaces are drawn with hypothesis: one to four sources with Unicode names, each
matched by its own original-source token and ad account; leads in September and
October (times near the month's edges in UTC, so the workspace's time zone decides
the month), some deleted, some unmatched, people arriving more than once (duplicates);
spend rows, some without spend; a lead follow-up SLA. An evaluation of a month costs
about a second (the audit and the dedup), so the test runs a handful of examples.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))
from _helpers import Page

from partnerkit.analysis import Dataset
from partnerkit.analysis.month import evaluate_month, figure
from partnerkit.model import Workspace
from partnerkit.report import build_report

TZ = ZoneInfo("Asia/Jerusalem")
NAMES = ["İstanbul Expo", "Ünïcödé ads", "חיפוש ממומן", "Search ads", "Ĳssel — form"]
CHANNELS = ["paid_search", "paid_social", "referral", "organic_search"]
UTC = dt.UTC


def _stamp(day: int, hour: int) -> dt.datetime:
    """A moment from 25 Sep (day 0) to 5 Nov, in UTC."""
    return dt.datetime(2026, 9, 25, tzinfo=UTC) + dt.timedelta(days=day, hours=hour)


@st.composite
def engagements(draw: Any) -> tuple[Workspace, dict[str, list[dict[str, Any]]]]:
    n = draw(st.integers(1, 4))
    sources = [
        {
            "id": f"s{i}",
            "name": NAMES[i],
            "channel": draw(st.sampled_from(CHANNELS)),
            "wiring": "form",
            "owner": "partner",
            "matching": {"original_source": f"SRC_{i}", "account_ids": f"acc{i}"},
        }
        for i in range(n)
    ]
    ws = Workspace.model_validate(
        {
            "name": "Random × Agency",
            "currency": "ILS",
            "timezone": "Asia/Jerusalem",
            "locale": "en-US",
            "sources": sources,
            "slas": [
                {
                    "id": "follow-up",
                    "kind": "lead_follow_up",
                    "owner": "in_house",
                    "threshold": {"business_hours": 2},
                    "attainment": 0.8,
                }
            ],
        }
    )
    people = draw(st.integers(1, 6))
    leads = []
    for k in range(draw(st.integers(0, 14))):
        created = _stamp(draw(st.integers(0, 40)), draw(st.integers(0, 23)))
        touched = draw(st.one_of(st.none(), st.integers(0, 72)))
        leads.append(
            {
                "platform": "hubspot",
                "account_id": "portal",
                "lead_id": f"L{k}",
                "created_at": created,
                "original_source": f"SRC_{draw(st.integers(0, n))}",  # SRC_n: unmatched
                "email_hash": f"person-{draw(st.integers(0, people - 1))}",
                "is_deleted": draw(st.booleans()) and draw(st.booleans()),
                "first_engagement_at": None
                if touched is None
                else created + dt.timedelta(hours=touched),
            }
        )
    performance = []
    for k in range(draw(st.integers(0, 8))):
        i = draw(st.integers(0, n - 1))
        cents = draw(st.one_of(st.none(), st.integers(0, 500_000)))
        performance.append(
            {
                "date": (_stamp(draw(st.integers(0, 40)), 0)).date(),
                "platform": "google_ads",
                "account_id": f"acc{i}",
                "level": "campaign",
                "campaign_id": f"c{i}-{k}",
                "campaign_name": f"Campaign {k}",
                "currency": "ILS",
                "spend": None if cents is None else Decimal(cents) / 100,
                "clicks": draw(st.integers(0, 50)),
            }
        )
    return ws, {"lead": leads, "performance": performance}


def _hand(records: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """October by hand: DuckDB over the raw rows for sums and counts, Python for people."""
    import pyarrow as pa

    con = duckdb.connect()
    leads = records["lead"]
    lead_table = pa.Table.from_pylist(
        [{**r, "created_at": r["created_at"]} for r in leads],
        schema=pa.schema(
            [
                ("original_source", pa.string()),
                ("created_at", pa.timestamp("us", tz="UTC")),
                ("is_deleted", pa.bool_()),
                ("email_hash", pa.string()),
            ]
        ),
    )
    perf_table = pa.Table.from_pylist(
        records["performance"],
        schema=pa.schema(
            [("account_id", pa.string()), ("date", pa.date32()), ("spend", pa.decimal128(18, 6))]
        ),
    )
    con.register("raw_lead", lead_table)
    con.register("raw_perf", perf_table)
    inquiries = dict(
        con.execute(
            """
            SELECT 's' || substr(original_source, 5), count(*) FROM raw_lead
            WHERE is_deleted IS NOT true
              AND strftime(timezone('Asia/Jerusalem', created_at), '%Y-%m') = '2026-10'
            GROUP BY ALL
            """
        ).fetchall()
    )
    spend = dict(
        con.execute(
            """
            SELECT 's' || substr(account_id, 4), sum(spend) FROM raw_perf
            WHERE date BETWEEN DATE '2026-10-01' AND DATE '2026-10-31' AND spend IS NOT NULL
            GROUP BY ALL
            """
        ).fetchall()
    )
    # people: an inquiry starts with a person's first lead and holds their leads of the
    # next 30 days; the people of October are those with an inquiry starting in it
    by_person: dict[str, list[dt.datetime]] = defaultdict(list)
    for r in leads:
        if not r["is_deleted"]:
            by_person[r["email_hash"]].append(r["created_at"])
    people = set()
    for person, times in by_person.items():
        start = None
        for t in sorted(times):
            if start is None or t - start > dt.timedelta(days=30):
                start = t
                if f"{t.astimezone(TZ):%Y-%m}" == "2026-10":
                    people.add(person)
    con.close()
    return {"inquiries": inquiries, "spend": spend, "people": len(people)}


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(engagements())
def test_random_workspaces_show_the_evaluation_and_the_raw_data(
    drawn: tuple[Workspace, dict[str, list[dict[str, Any]]]],
) -> None:
    ws, records = drawn
    dataset = Dataset.from_records({k: v for k, v in records.items() if v})
    ev = evaluate_month(ws, dataset, "2026-10", as_of=dt.date(2026, 11, 15))
    hand = _hand(records)
    if ev.status is not None:
        has_rows = any(hand["inquiries"].values()) or any(
            r["date"].month == 10 for r in records["performance"]
        )
        assert ev.status.code == (
            "no_rows_for_month" if records["lead"] or records["performance"] else "not_synced"
        )
        assert not has_rows or ev.status.code == "not_synced"
        return
    page = Page(build_report(ws, dataset, "2026-10", evaluation=ev).to_html())
    for source in ws.sources:
        spend = figure(ev.source(source.id, "spend"))
        leads = figure(ev.source(source.id, "leads"))
        cpl = figure(ev.source(source.id, "cpl"))
        assert spend == hand["spend"].get(source.id), source.id
        # no lead record at all (the CRM never synced): leads are not computable, not 0
        assert leads == (hand["inquiries"].get(source.id, 0) if records["lead"] else None)
        expected_cpl = (
            hand["spend"][source.id] / hand["inquiries"][source.id]
            if hand["spend"].get(source.id) is not None and hand["inquiries"].get(source.id)
            else None
        )
        assert cpl == expected_cpl, source.id
        table = page.tables.get(f"source.{source.id}")
        if table is None:  # shown only with spend or leads this month or the month before
            assert not spend
            assert not leads
            continue
        rows = {r[0][0]: r for r in table if r}
        shown = rows["Spend"][1][1]
        assert (None if shown is None else Decimal(shown)) == spend
        cell = rows["Leads (inquiries)"][1][1]
        assert (None if cell is None else Decimal(cell)) == leads
        if "Cost per lead (CPL)" in rows:
            cell = rows["Cost per lead (CPL)"][1][1]
            assert (None if cell is None else Decimal(cell)) == cpl
    assert ev.people == hand["people"]
    assert ev.sla is not None
    term = ev.sla.terms[0]
    assert term.month is not None
    row = page.row("sla.terms", "Lead follow-up")
    assert (Decimal(str(row[2][1])), Decimal(str(row[3][1]))) == (
        term.month.met,
        term.month.breached,
    )
    assert (None if row[4][1] is None else Decimal(row[4][1])) == term.month.attainment


def test_a_source_with_spend_and_never_a_lead_renders_its_silence() -> None:
    # Found by the property test: a source with spend and no lead ever is silent with no
    # "days without leads" to count; the report said so by crashing on Decimal("None").
    ws = Workspace.model_validate(
        {
            "name": "Two sources",
            "currency": "ILS",
            "timezone": "Asia/Jerusalem",
            "sources": [
                {
                    "id": f"s{i}",
                    "name": NAMES[i],
                    "channel": "paid_search",
                    "wiring": "form",
                    "owner": "partner",
                    "matching": {"original_source": f"SRC_{i}", "account_ids": f"acc{i}"},
                }
                for i in range(2)
            ],
        }
    )
    records: dict[str, list[dict[str, Any]]] = {
        "lead": [
            {
                "platform": "hubspot",
                "account_id": "portal",
                "lead_id": "L0",
                "created_at": dt.datetime(2026, 9, 25, tzinfo=UTC),
                "original_source": "SRC_0",
                "email_hash": "person-0",
            }
        ],
        "performance": [
            {
                "date": dt.date(2026, 10, 18),
                "platform": "google_ads",
                "account_id": "acc1",
                "level": "campaign",
                "campaign_id": "c1-0",
                "currency": "ILS",
                "spend": Decimal("0.01"),
            }
        ],
    }
    dataset = Dataset.from_records(records)
    ev = evaluate_month(ws, dataset, "2026-10", as_of=dt.date(2026, 11, 15))
    page = Page(build_report(ws, dataset, "2026-10", evaluation=ev, locale="en-US").to_html())
    assert Decimal(str(page.row("source.s1", "Spend")[1][1])) == Decimal("0.01")
    assert figure(ev.source("s1", "cpl")) is None  # spend and no lead: no cost per lead
