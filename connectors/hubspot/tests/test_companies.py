"""The ``companies`` stream: companies with their contacts and deals (CRM v4 associations).

``companies.yaml`` reads 2026-10-05 to 2026-10-06 (Asia/Jerusalem). Interactions: 0
account-info, 1 the companies search (4001, 4002, 4003), 2 their contacts, 3 their
deals, 4 the archived companies (4009, archived on 2026-10-06).

Associations (HubSpot's own answers, 207 where one has none): 4001 contacts 1102 and
1101, deal 9102; 4002 no contacts, deal 9101; 4003 contact 1103, no deals.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from partnerkit_hubspot import HubSpotConnector
from partnerkit_hubspot.testing import hubspot_rate_limited

from partnerkit.connector import ReadRequest
from partnerkit.errors import ResponseShapeError
from partnerkit.testing import FakeClock, use_cassette
from partnerkit.testing.faults import Fault, server_error

COMPANIES = ReadRequest(stream="companies", start=dt.date(2026, 10, 5), end=dt.date(2026, 10, 6))
Connect = Callable[..., HubSpotConnector]


def _read(cassettes: Path, connect: Connect, **faults: Any) -> list[dict[str, Any]]:
    with (
        use_cassette(cassettes / "companies.yaml") as tape,
        connect(streams=["companies"], search_requests_per_second=None) as hubspot,
    ):
        for at, injected in faults.items():
            tape.inject(int(at.removeprefix("at_")), *injected)
        return hubspot.stream(COMPANIES).to_dicts()


def test_companies_with_their_contacts_and_deals(cassettes: Path, connect: Connect) -> None:
    rows = {r["company_id"]: r for r in _read(cassettes, connect)}
    first = {k: v for k, v in rows["4001"].items() if k not in ("record_id", "extra")}
    assert first == {
        "platform": "hubspot",
        "account_id": "24681357",
        "company_id": "4001",
        "name": "Shemesh Roofing Ltd",
        "domain": "shemesh-roofing.example.com",
        "industry": "CONSTRUCTION",
        "country": "Israel",
        "lifecycle_stage": "customer",
        "owner_id": "41629779",
        "created_at": dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC),
        "updated_at": dt.datetime(2026, 10, 5, 7, 0, tzinfo=dt.UTC),
        "lead_ids": ["1101", "1102"],  # in id order
        "deal_ids": ["9102"],
        "is_deleted": False,
    }
    assert [(k, r["lead_ids"], r["deal_ids"]) for k, r in rows.items()] == [
        ("4001", ["1101", "1102"], ["9102"]),
        ("4002", [], ["9101"]),  # NO_ASSOCIATIONS_FOUND: none, not "unknown"
        ("4003", ["1103"], []),
        ("4009", None, None),  # archived: not looked up
    ]
    assert rows["4009"]["is_deleted"] is True


def test_a_burst_on_an_associations_read_is_waited_out(
    cassettes: Path, connect: Connect, fake_clock: FakeClock
) -> None:
    rows = _read(cassettes, connect, at_3=(hubspot_rate_limited(),))
    assert len(rows) == 4
    assert fake_clock.sleeps[0] == 10.0


def test_a_server_error_on_the_search_is_retried(
    cassettes: Path, connect: Connect, fake_clock: FakeClock
) -> None:
    rows = _read(cassettes, connect, at_1=(server_error(503, retry_after=3),))
    assert len(rows) == 4
    assert fake_clock.sleeps == [3.0]


def test_a_hostile_search_page_is_refused_by_name(cassettes: Path, connect: Connect) -> None:
    with use_cassette(cassettes / "companies.yaml", allow_unused=True) as tape:
        tape.replace(1, Fault(200, {"Content-Type": "application/json"}, '{"results": []}'))
        with (
            connect(streams=["companies"]) as hubspot,
            pytest.raises(ResponseShapeError) as info,
        ):
            hubspot.stream(COMPANIES).to_dicts()
    assert info.value.expected == "an object with the key 'total', which HubSpot always sends"
    assert info.value.request == "POST https://api.hubapi.com/crm/v3/objects/companies/search"
