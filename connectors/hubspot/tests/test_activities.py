"""The ``activities`` stream: calls, emails, meetings, notes and tasks with their contacts.

``activities.yaml`` reads 2026-10-05 to 2026-10-06 (Asia/Jerusalem) with
``search_page_size: 2``. Interactions: 0 account-info; calls: 1 search, 2 their
contacts, 3 search again, 4 contacts, 5 search again, 6 archived calls; emails: 7
search, 8 contacts, 9 archived; meetings 10-12; notes 13-15; tasks: 16 search (none),
17 archived.

The first calls search answers ``total: 10003``: past 10,000 results HubSpot refuses
an offset (``after``), so the reader never sends one — each next request starts at
the last modification time it saw (the keyset reader of ``_search.py``), which no
result cap can stop. The pages (by ``hs_lastmodifieddate``):

====  ==========================  ===========================================
page  results                      next request
====  ==========================  ===========================================
1     5001 (06:10Z), 5002 (06:20Z)  from 06:20Z (5002 may share its ms)
2     5002 again, 5003 (07:00Z)     from 07:00Z
3     5003 again, no next page      done: 5001, 5002, 5003 each once
====  ==========================  ===========================================
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from partnerkit_hubspot import HubSpotConnector
from partnerkit_hubspot.testing import hubspot_rate_limited

from partnerkit.connector import ReadRequest
from partnerkit.errors import ResponseShapeError, SourceError
from partnerkit.testing import FakeClock, use_cassette
from partnerkit.testing.faults import Fault, server_error

ACTIVITIES = ReadRequest(stream="activities", start=dt.date(2026, 10, 5), end=dt.date(2026, 10, 6))
UTC = dt.UTC
Connect = Callable[..., HubSpotConnector]


def _read(cassettes: Path, connect: Connect, **kw: Any) -> list[dict[str, Any]]:
    """Read the cassette with faults ``at_<n>=(fault, ...)``; searches are not paced."""
    with (
        use_cassette(cassettes / "activities.yaml") as tape,
        connect(
            streams=["activities"], search_page_size=2, search_requests_per_second=None
        ) as hubspot,
    ):
        for at, faults in kw.items():
            tape.inject(int(at.removeprefix("at_")), *faults)
        return hubspot.stream(ACTIVITIES).to_dicts()


def _filters(body: dict[str, Any]) -> list[tuple[str, str, str]]:
    (group,) = body["filterGroups"]
    return [(f["propertyName"], f["operator"], f["value"]) for f in group["filters"]]


def test_every_activity_once_past_the_10000_result_cap(cassettes: Path, connect: Connect) -> None:
    with (
        use_cassette(cassettes / "activities.yaml") as tape,
        connect(streams=["activities"], search_page_size=2) as hubspot,
    ):
        rows = hubspot.stream(ACTIVITIES).to_dicts()
    assert [(r["activity_type"], r["activity_id"]) for r in rows] == [
        ("call", "5001"),
        ("call", "5002"),
        ("call", "5003"),
        ("call", "5009"),  # archived on 2026-10-06; 5008 (archived in September) is not
        ("email", "6001"),
        ("email", "6002"),
        ("meeting", "7001"),
        ("note", "8001"),
    ]
    calls = [r.body for r in tape.requests if r.url.endswith("/calls/search")]
    lmd, end = "hs_lastmodifieddate", "1791320400000"  # 2026-10-07T00:00 Asia/Jerusalem
    assert [_filters(b) for b in calls] == [
        [(lmd, "GTE", "1791147600000"), (lmd, "LT", end)],  # 2026-10-05T00:00+03:00
        [(lmd, "GTE", "1791181200000"), (lmd, "LT", end)],  # 5002's 06:20:00Z
        [(lmd, "GTE", "1791183600000"), (lmd, "LT", end)],  # 5003's 07:00:00Z
    ]
    assert all("after" not in b for b in calls)  # never an offset: no cap can refuse it


def test_an_activity_holds_when_which_way_and_whose(cassettes: Path, connect: Connect) -> None:
    rows = {r["activity_id"]: r for r in _read(cassettes, connect)}
    first = rows["5001"]
    assert {k: v for k, v in first.items() if k != "record_id"} == {
        "platform": "hubspot",
        "account_id": "24681357",
        "activity_type": "call",
        "activity_id": "5001",
        "occurred_at": dt.datetime(2026, 10, 5, 6, 5, tzinfo=UTC),  # hs_timestamp
        "created_at": dt.datetime(2026, 10, 5, 6, 9, 30, tzinfo=UTC),
        "updated_at": dt.datetime(2026, 10, 5, 6, 10, tzinfo=UTC),
        "direction": "outbound",  # hs_call_direction OUTBOUND
        "status": "COMPLETED",
        "owner_id": "41629779",
        "lead_ids": ["1101"],
        "is_deleted": False,
    }
    assert rows["5002"]["direction"] == "inbound"
    assert rows["5003"]["lead_ids"] == ["1102", "1103"]  # two contacts, in id order
    assert (rows["5009"]["is_deleted"], rows["5009"]["lead_ids"]) == (True, None)
    assert (rows["6001"]["direction"], rows["6001"]["status"]) == ("outbound", "SENT")
    # a forwarded email says nothing about who wrote first; HubSpot's 207
    # NO_ASSOCIATIONS_FOUND for it means no contacts, not "not looked up"
    assert (rows["6002"]["direction"], rows["6002"]["lead_ids"]) == (None, [])
    # a meeting happens at its start time
    meeting = rows["7001"]
    assert (meeting["occurred_at"], meeting["status"], meeting["direction"]) == (
        dt.datetime(2026, 10, 6, 6, 30, tzinfo=UTC),
        "COMPLETED",
        None,
    )
    assert (rows["8001"]["activity_type"], rows["8001"]["lead_ids"]) == ("note", ["1101"])


def test_no_body_subject_or_recipient_is_ever_requested(cassettes: Path, connect: Connect) -> None:
    with (
        use_cassette(cassettes / "activities.yaml") as tape,
        connect(streams=["activities"], search_page_size=2) as hubspot,
    ):
        hubspot.stream(ACTIVITIES).to_dicts()
    asked = {p for r in tape.requests if r.url.endswith("/search") for p in r.body["properties"]}
    assert asked == {
        "hs_timestamp",
        "hs_createdate",
        "hs_lastmodifieddate",
        "hubspot_owner_id",
        "hs_call_direction",
        "hs_call_status",
        "hs_email_direction",
        "hs_email_status",
        "hs_meeting_outcome",
        "hs_meeting_start_time",
        "hs_task_status",
    }


def test_a_search_burst_is_waited_out(
    cassettes: Path, connect: Connect, fake_clock: FakeClock
) -> None:
    rows = _read(cassettes, connect, at_1=(hubspot_rate_limited("SECONDLY"),))
    assert len(rows) == 8
    # SECONDLY without Retry-After: one second (and nothing else worth a wait)
    assert fake_clock.sleeps[0] == 1.0
    assert sum(fake_clock.sleeps) == pytest.approx(1.0)


def test_a_server_error_on_the_contacts_lookup_is_retried(
    cassettes: Path, connect: Connect, fake_clock: FakeClock
) -> None:
    rows = _read(cassettes, connect, at_8=(server_error(503, retry_after=2),))
    assert [r["lead_ids"] for r in rows if r["activity_type"] == "email"] == [["1102"], []]
    assert fake_clock.sleeps == [2.0]


@pytest.mark.parametrize(
    ("body", "where", "expected"),
    [
        ("{}", "", "an object with the key 'results', which HubSpot always sends"),
        ('{"total": 1, "results": {}}', "results", "a JSON array"),
    ],
)
def test_a_hostile_search_page_is_refused_by_name(
    cassettes: Path, connect: Connect, body: str, where: str, expected: str
) -> None:
    with use_cassette(cassettes / "activities.yaml", allow_unused=True) as tape:
        tape.replace(1, Fault(200, {"Content-Type": "application/json"}, body))
        with (
            connect(streams=["activities"], search_page_size=2) as hubspot,
            pytest.raises(ResponseShapeError) as info,
        ):
            hubspot.stream(ACTIVITIES).to_dicts()
    assert (info.value.where, info.value.expected) == (where, expected)
    assert info.value.request == "POST https://api.hubapi.com/crm/v3/objects/calls/search"


def test_a_search_answer_outside_the_window_is_refused(cassettes: Path, connect: Connect) -> None:
    early = {
        "total": 1,
        "results": [
            {
                "id": "5001",
                "properties": {"hs_lastmodifieddate": "2026-09-30T10:00:00.000Z"},
                "archived": False,
            }
        ],
    }
    with use_cassette(cassettes / "activities.yaml", allow_unused=True) as tape:
        tape.replace(1, Fault(200, {"Content-Type": "application/json"}, json.dumps(early)))
        with (
            connect(streams=["activities"], search_page_size=2) as hubspot,
            pytest.raises(SourceError, match="outside the asked window"),
        ):
            hubspot.stream(ACTIVITIES).to_dicts()


def test_check_reads_one_of_each_activity(cassettes: Path, connect: Connect) -> None:
    with (
        use_cassette(cassettes / "contract_activities" / "check.yaml"),
        connect(streams=["activities"]) as hubspot,
    ):
        result = hubspot.check()
    assert result.ok, result.message
    assert result.message == (
        "HubSpot portal 24681357 (Asia/Jerusalem): calls, emails, meetings, notes and "
        "tasks readable."
    )


def test_dates_created_selects_activities_by_when_they_happened(
    cassettes: Path, connect: Connect
) -> None:
    request = ACTIVITIES.model_copy(update={"options": {"dates": "created"}})
    with (
        use_cassette(cassettes / "activities_created.yaml") as tape,
        connect(streams=["activities"]) as hubspot,
    ):
        rows = hubspot.stream(request).to_dicts()
    # the search runs on hs_timestamp; archived calls are kept by it too: 5009 happened
    # on 2026-10-05 (in), 5008 on 2026-09-01 (out)
    assert [(r["activity_id"], r["is_deleted"]) for r in rows] == [("5001", False), ("5009", True)]
    searched = {
        f["propertyName"]
        for r in tape.requests
        if r.url.endswith("/search")
        for f in r.body["filterGroups"][0]["filters"]
    }
    assert searched == {"hs_timestamp"}
