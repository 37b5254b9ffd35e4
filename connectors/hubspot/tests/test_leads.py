"""Contacts as leads: the full read's paging, the mapping, merged and archived contacts.

``paging.yaml`` is a first sync (no ``start``) with ``page_size: 2``: three pages of
live contacts (1001+1002, 1003+1004, 1005), linked by ``paging.next.after``, then one
page of archived contacts (1061). The read happens as of 2026-11-02 10:00 UTC, so it
ends on 2026-11-01 in Asia/Jerusalem (UTC+2 after 25 October): before 2026-11-01T22:00Z.
Contact 1004 was modified 2026-11-02T07:00Z, after that: it is left out, with a notice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from partnerkit_hubspot import HubSpotConnector

from partnerkit.connector import Notice, ReadRequest
from partnerkit.testing import FakeClock, use_cassette

FULL = ReadRequest(stream="leads", as_of=dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC))


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).astimezone(dt.UTC)


def sha(salt: str, value: str) -> str:
    return hashlib.sha256((salt + value).encode()).hexdigest()


@pytest.fixture
def full_read(
    cassettes: Path,
    connect: Callable[..., HubSpotConnector],
    split: Callable[[list[Any]], tuple[list[dict[str, Any]], list[Notice]]],
) -> tuple[list[dict[str, Any]], list[Notice]]:
    with use_cassette(cassettes / "paging.yaml"), connect(page_size=2) as hubspot:
        return split(list(hubspot.read(FULL)))


def test_full_read_follows_every_page_and_the_archived_list(
    cassettes: Path, connect: Callable[..., HubSpotConnector]
) -> None:
    with use_cassette(cassettes / "paging.yaml") as tape, connect(page_size=2) as hubspot:
        stream = hubspot.stream(FULL)
        rows = stream.to_dicts()
    # pages 1-3 in order (1004 left out), then the archived page
    assert [r["lead_id"] for r in rows] == ["1001", "1002", "1003", "1005", "1061"]
    assert len({r["record_id"] for r in rows}) == 5
    # the second and third list requests carry the previous page's paging.next.after
    lists = [r for r in tape.requests if r.url.endswith("/crm/v3/objects/contacts")]
    assert [r.query.get("after") for r in lists] == [None, "1003", "1005", None]
    assert [r.query["archived"] for r in lists] == ["False", "False", "False", "True"]
    assert [r.query["limit"] for r in lists] == ["2"] * 4
    later = [n for n in stream.notices if n.code == "modified_after_range"]
    assert [n.details["count"] for n in later] == [1]
    assert later[0].details["end"] == "2026-11-01"


def test_a_lead_maps_every_field(
    full_read: tuple[list[dict[str, Any]], list[Notice]], salt: str
) -> None:
    records, _ = full_read
    maya = records[0]
    assert maya == {
        "platform": "hubspot",
        "account_id": "24681357",
        "lead_id": "1001",
        "created_at": utc("2026-09-02T07:14:03.221Z"),
        "updated_at": utc("2026-09-30T11:02:00.000Z"),
        # ' Maya.Cohen@Example.COM ' trimmed and lower-cased; '+1-555-0185' as +15550185
        "email_hash": sha(salt, "maya.cohen@example.com"),
        "phone_hash": sha(salt, "+15550185"),
        "original_source": "PAID_SEARCH",
        "original_source_drill_1": "Google",
        "original_source_drill_2": "solar panels price",
        "latest_source": "DIRECT_TRAFFIC",
        "latest_source_drill_1": "shemesh-solar.example/",
        "latest_source_drill_2": None,
        "record_source": "FORM",
        "record_source_detail": "Free quote form",
        # from hs_analytics_first_url: ...?utm_source=google&utm_medium=cpc
        # &utm_campaign=solar_search_he&utm_term=solar+panels+price&gclid=...
        "utm_source": "google",
        "utm_medium": "cpc",
        "utm_campaign": "solar_search_he",
        "utm_content": None,
        "utm_term": "solar panels price",
        "lifecycle_stage": "customer",
        "lead_status": "CONNECTED",
        "owner_id": "41629779",
        "became_lead_at": utc("2026-09-02T07:14:03.221Z"),
        "became_mql_at": utc("2026-09-03T08:00:00.000Z"),
        "became_sql_at": utc("2026-09-04T09:30:00.000Z"),
        "became_opportunity_at": utc("2026-09-10T12:00:00.000Z"),
        "became_customer_at": utc("2026-09-30T11:01:59.870Z"),
        "first_engagement_at": utc("2026-09-02T07:31:10.000Z"),  # hs_first_outreach_date
        "merged_ids": None,
        "is_deleted": False,
    }


def test_fallbacks_for_stage_dates_engagement_and_phone(
    full_read: tuple[list[dict[str, Any]], list[Notice]], salt: str
) -> None:
    by_id = {r["lead_id"]: r for r in full_read[0]}
    # 1002 has no hs_lifecyclestage_lead_date; hs_v2_date_entered_lead fills in
    assert by_id["1002"]["became_lead_at"] == utc("2026-09-05T18:22:45.009Z")
    # 1003: no hs_first_outreach_date, so the owner's first engagement; phone is empty,
    # so mobilephone '+1-555-0177' is hashed
    assert by_id["1003"]["first_engagement_at"] == utc("2026-09-12T08:15:00.000Z")
    assert by_id["1003"]["phone_hash"] == sha(salt, "+15550177")
    # 1005: became MQL and lead in the same millisecond (v2 date for the lead stage)
    assert by_id["1005"]["became_lead_at"] == utc("2026-10-04T05:55:00.000Z")
    assert by_id["1005"]["became_mql_at"] == utc("2026-10-04T05:55:00.000Z")


def test_merged_contact_carries_the_merged_ids(
    full_read: tuple[list[dict[str, Any]], list[Notice]],
) -> None:
    by_id = {r["lead_id"]: r for r in full_read[0]}
    # 1003's hs_merged_object_ids is "1044;1052": the two contacts merged into it
    assert by_id["1003"]["merged_ids"] == ["1044", "1052"]
    assert by_id["1003"]["is_deleted"] is False
    assert {r["merged_ids"] for r in full_read[0] if r["lead_id"] != "1003"} == {None}


def test_archived_contact_is_reported_deleted(
    full_read: tuple[list[dict[str, Any]], list[Notice]], salt: str
) -> None:
    records, notices = full_read
    archived = [r for r in records if r["is_deleted"]]
    assert [r["lead_id"] for r in archived] == ["1061"]
    assert archived[0]["email_hash"] == sha(salt, "deleted.lead@example.com")
    summary = next(n for n in notices if n.code == "read_summary")
    assert (summary.details["live"], summary.details["archived"]) == (4, 1)


def test_unreadable_email_and_phone_are_noticed_never_repeated(
    full_read: tuple[list[dict[str, Any]], list[Notice]],
) -> None:
    records, notices = full_read
    by_id = {r["lead_id"]: r for r in records}
    # 1002's email is 'not-an-email' and its phone 'call me'
    assert (by_id["1002"]["email_hash"], by_id["1002"]["phone_hash"]) == (None, None)
    problems = {n.details["field"]: n for n in notices if n.code == "unreadable_value"}
    assert sorted(problems) == ["email", "phone"]
    assert problems["email"].details["ids"] == ["1002"]
    assert problems["phone"].details["ids"] == ["1002"]
    for notice in problems.values():
        assert "not-an-email" not in str(notice)
        assert "call me" not in str(notice)


def test_an_incremental_read_searches_by_modification_time(
    cassettes: Path, connect: Callable[..., HubSpotConnector]
) -> None:
    request = ReadRequest(stream="leads", start=dt.date(2026, 10, 5), end=dt.date(2026, 10, 6))
    with use_cassette(cassettes / "contract" / "leads.yaml") as tape, connect() as hubspot:
        rows = hubspot.stream(request).to_dicts()
    # 2026-10-05 00:00 in Asia/Jerusalem (UTC+3) = 2026-10-04T21:00Z = 1791147600000 ms;
    # the end is exclusive: 2026-10-07 00:00 = 2026-10-06T21:00Z = 1791320400000 ms
    (search,) = [r for r in tape.requests if r.url.endswith("/search")]
    assert search.body["filterGroups"][0]["filters"] == [
        {"propertyName": "lastmodifieddate", "operator": "GTE", "value": "1791147600000"},
        {"propertyName": "lastmodifieddate", "operator": "LT", "value": "1791320400000"},
    ]
    # three live contacts, then archived 1099 (archived 10-05 11:30Z, inside the range);
    # 1050 was archived on 09-02, outside it
    assert [r["lead_id"] for r in rows] == ["1101", "1102", "1103", "1099"]
    # 1103 was created in September: the range is about modification, created_at is kept
    assert rows[2]["created_at"] == utc("2026-09-14T12:00:00.000Z")


def test_low_remaining_slows_the_next_request(
    cassettes: Path, connect: Callable[..., HubSpotConnector], fake_clock: FakeClock
) -> None:
    with use_cassette(cassettes / "paging.yaml"), connect(page_size=2) as hubspot:
        hubspot.stream(FULL).to_dicts()
    # page 2 answered X-HubSpot-RateLimit-Remaining 9 of Max 100 (under 10 %): the next
    # request waits the window's pace, 10,000 ms / 100 = 0.1 s. Nothing else waits.
    assert fake_clock.sleeps == [pytest.approx(0.1)]  # the fake clock's float arithmetic
