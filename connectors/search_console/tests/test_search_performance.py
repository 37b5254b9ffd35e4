"""What the connector reads, with values worked out by hand from the cassettes.

``contract/search_performance.yaml`` (sc-domain:example.com, 2026-10-01..03):

| day   | property clicks / impressions | query rows: clicks / impressions |
|-------|-------------------------------|----------------------------------|
| 10-01 | 50 / 2000                     | 20+10+5+0 = 35 / 400+300+100+200 = 1000 |
| 10-02 | 42 / 1500                     | 18+7+2 = 27 / 380+90+250 = 720   |
| 10-03 | 38 / 1600                     | 16+4 = 20 / 350+150 = 500        |
"""

import datetime as dt
import math
from collections import Counter
from typing import Any

import pytest
from partnerkit_search_console import HIDDEN_VOLUME, MAX_ROW_LIMIT, SearchConsoleSettings
from pydantic import ValidationError

from partnerkit.search import rollup

SITE = "sc-domain:example.com"


def test_query_rows_become_records_key_by_key(read: Any) -> None:
    records, _notices, tape = read("contract/search_performance.yaml")
    assert tape.unused() == []
    assert len(records) == 4 + 3 + 2
    first = records[0]
    assert {k: v for k, v in first.items() if k != "record_id"} == {
        "date": dt.date(2026, 10, 1),
        "platform": "search_console",
        "account_id": SITE,
        "level": "query",
        "search_type": "web",
        "query": "crm for agencies",
        "page": "https://www.example.com/crm",
        "country": "usa",
        "device": "DESKTOP",
        "final": True,  # dataState final: only finished days come back
        "timezone": "America/Los_Angeles",
        "clicks": 20,
        "impressions": 400,
        "ctr": 0.05,
        "position": 3.2,
    }
    assert Counter(r["date"].day for r in records) == {1: 4, 2: 3, 3: 2}
    assert {r["level"] for r in records} == {"query"}


def test_rolled_up_position_is_weighted_by_impressions(read: Any) -> None:
    records, _notices, _tape = read("contract/search_performance.yaml")
    whole = rollup(records)
    # clicks 35 + 27 + 20 = 82, impressions 1000 + 720 + 500 = 2220
    assert (whole.clicks, whole.impressions) == (82, 2220)
    assert math.isclose(whole.ctr or 0, 82 / 2220)
    # position × impressions: 10-01 3.2×400 + 4.5×300 + 2.0×100 + 18.4×200 = 6510,
    # 10-02 3.4×380 + 1.8×90 + 12.6×250 = 4604, 10-03 3.6×350 + 6.0×150 = 2160;
    # (6510 + 4604 + 2160) / 2220 = 13274 / 2220 = 5.979279...
    assert math.isclose(whole.position or 0, 13274 / 2220)
    crm = rollup(r for r in records if r["query"] == "crm for agencies")
    # 20/400 @3.2, 10/300 @4.5, 18/380 @3.4, 16/350 @3.6 over three days and two devices
    assert (crm.clicks, crm.impressions) == (64, 1430)
    assert math.isclose(crm.position or 0, (1280 + 1350 + 1292 + 1260) / 1430)  # 3.6238


def test_a_notice_per_day_says_how_much_the_anonymised_queries_hide(read: Any) -> None:
    _records, notices, _tape = read("contract/search_performance.yaml")
    hidden = [n for n in notices if n.code == HIDDEN_VOLUME]
    assert [n.details["date"] for n in hidden] == ["2026-10-01", "2026-10-02", "2026-10-03"]
    figures = [
        (
            n.details["property_clicks"],
            n.details["query_clicks"],
            n.details["hidden_clicks"],
            n.details["property_impressions"],
            n.details["query_impressions"],
            n.details["hidden_impressions"],
        )
        for n in hidden
    ]
    assert figures == [
        (50, 35, 15, 2000, 1000, 1000),
        (42, 27, 15, 1500, 720, 780),
        (38, 20, 18, 1600, 500, 1100),
    ]
    shares = [
        (n.details["hidden_clicks_share"], n.details["hidden_impressions_share"]) for n in hidden
    ]
    assert shares[0] == (0.3, 0.5)  # 15 / 50, 1000 / 2000
    assert math.isclose(shares[1][0], 15 / 42)
    assert math.isclose(shares[1][1], 0.52)  # 780 / 1500
    assert math.isclose(shares[2][1], 0.6875)  # 1100 / 1600
    assert hidden[0].message == (
        "sc-domain:example.com on 2026-10-01: the query-level rows leave out anonymised "
        "queries — 15 of 50 clicks and 1,000 of 2,000 impressions are not in them."
    )


def test_the_totals_stream_reads_the_property_days(read: Any) -> None:
    records, notices, _tape = read("contract/search_totals.yaml", "search_totals")
    assert [(r["date"].day, r["level"], r["clicks"], r["impressions"]) for r in records] == [
        (1, "property", 50, 2000),
        (2, "property", 42, 1500),
        (3, "property", 38, 1600),
    ]
    assert {(r["query"], r["page"], r["country"], r["device"]) for r in records} == {
        (None, None, None, None)
    }
    assert [r["position"] for r in records] == [8.5, 9.1, 9.4]
    assert [n for n in notices if n.code == HIDDEN_VOLUME] == []


def test_pages_are_read_by_start_row_until_a_short_page(read: Any) -> None:
    # rowLimit 2: startRow 0 (2 rows, full), 2 (2 rows, full), 4 (no "rows": short) — the
    # cassette matches each body, startRow included, in order
    records, notices, tape = read(
        "paging.yaml", start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 1), row_limit=2
    )
    assert tape.unused() == []
    assert [(r["query"], r["device"]) for r in records] == [
        ("crm for agencies", "DESKTOP"),
        ("crm for agencies", "MOBILE"),
        ("example crm pricing", "DESKTOP"),
        ("agency reporting tool", "TABLET"),
    ]
    assert [n.details["hidden_clicks"] for n in notices if n.code == HIDDEN_VOLUME] == [15]


def test_data_state_all_marks_the_days_from_the_first_incomplete_one(read: Any) -> None:
    # metadata.firstIncompleteDate is 2026-10-03: 10-01 and 10-02 are final, 10-03 is not
    records, _notices, tape = read(
        "data_state_all.yaml",
        "search_totals",
        data_state="all",
        chunk_days=3,
        as_of=dt.datetime(2026, 10, 5, 12, tzinfo=dt.UTC),
    )
    assert tape.unused() == []
    assert [(r["date"].day, r["final"]) for r in records] == [(1, True), (2, True), (3, False)]


def test_the_row_limit_is_the_apis_maximum() -> None:
    assert MAX_ROW_LIMIT == 25_000
    assert SearchConsoleSettings(site_url=SITE).row_limit == 25_000
    with pytest.raises(ValidationError):
        SearchConsoleSettings(site_url=SITE, row_limit=25_001)
