"""Deals: stages from the pipelines API, amounts and currencies, associated contacts.

``deals.yaml`` reads deals modified 2026-10-05 to 2026-10-06. Pipelines (from
``GET /crm/v3/pipelines/deals``): ``default`` "Residential sales" with ``closedwon``
"Installed" (isClosed true, probability 1.0) and ``closedlost`` "Lost" (true, 0.0);
``812345678`` "Commercial rooftops" with ``1034567891`` "Proposal" (false, 0.5).
The portal's company currency is ILS.

The associations batch read answers 207: contacts for 9201 and 9204, two for 9203
plus a ``paging.next.after`` (a second batch read with that cursor brings 1310), and a
``NO_ASSOCIATIONS_FOUND`` error for 9202.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from partnerkit_hubspot import HubSpotConnector

from partnerkit.connector import Notice, ReadRequest
from partnerkit.testing import use_cassette
from partnerkit.testing.faults import Fault

REQUEST = ReadRequest(stream="deals", start=dt.date(2026, 10, 5), end=dt.date(2026, 10, 6))


@pytest.fixture
def deals(
    cassettes: Path,
    connect: Callable[..., HubSpotConnector],
    split: Callable[[list[Any]], tuple[list[dict[str, Any]], list[Notice]]],
) -> tuple[dict[str, dict[str, Any]], list[Notice]]:
    with use_cassette(cassettes / "deals.yaml"), connect() as hubspot:
        records, notices = split(list(hubspot.read(REQUEST)))
    return {r["deal_id"]: r for r in records}, notices


def test_closed_won_and_lost_come_from_stage_metadata(
    deals: tuple[dict[str, dict[str, Any]], list[Notice]],
) -> None:
    by_id, _ = deals
    flags = {
        d: (r["stage_label"], r["is_closed_won"], r["is_closed_lost"]) for d, r in by_id.items()
    }
    assert flags == {
        "9201": ("Installed", True, False),  # closedwon: isClosed, probability 1.0
        "9202": ("Lost", False, True),  # closedlost: isClosed, probability 0.0
        "9203": ("Proposal", False, False),  # open, 0.5
        "9204": (None, None, None),  # stage 1029384756 is in no pipeline: unknown
        "9199": ("Site survey booked", False, False),  # archived, appointmentscheduled
    }


def test_amounts_currencies_and_dates(
    deals: tuple[dict[str, dict[str, Any]], list[Notice]],
) -> None:
    by_id, _ = deals
    assert by_id["9201"]["amount"] == Decimal("41250.50")
    assert by_id["9201"]["currency"] == "ILS"
    # 9202 has no deal_currency_code: its amount is in the company currency
    assert (by_id["9202"]["amount"], by_id["9202"]["currency"]) == (Decimal("27900"), "ILS")
    # 9203's amount is "": missing, never 0; its own currency is kept
    assert (by_id["9203"]["amount"], by_id["9203"]["currency"]) == (None, "USD")
    assert by_id["9201"]["close_date"] == dt.datetime(2026, 10, 5, 12, 38, tzinfo=dt.UTC)
    assert by_id["9204"]["close_date"] is None
    assert by_id["9203"]["created_at"] == dt.datetime(2026, 9, 1, 8, 0, tzinfo=dt.UTC)
    assert by_id["9203"]["pipeline_id"] == "812345678"
    assert (by_id["9202"]["owner_id"], by_id["9204"]["owner_id"]) == ("52740881", None)
    assert by_id["9203"]["name"] == "Kibbutz Ein Shemesh - packing house roof"


def test_associated_contacts_including_a_second_page_and_none(
    cassettes: Path, connect: Callable[..., HubSpotConnector]
) -> None:
    with use_cassette(cassettes / "deals.yaml") as tape, connect() as hubspot:
        rows = {r["deal_id"]: r for r in hubspot.stream(REQUEST).to_dicts()}
    assert rows["9201"]["contact_ids"] == ["1207", "1208"]
    assert rows["9202"]["contact_ids"] == []  # 207: NO_ASSOCIATIONS_FOUND
    # 1301 and 1299 on the first batch read, 1310 after the cursor; sorted by id
    assert rows["9203"]["contact_ids"] == ["1299", "1301", "1310"]
    assert rows["9204"]["contact_ids"] == ["1240"]
    assert rows["9199"]["contact_ids"] is None  # archived: not looked up
    batches = [r.body for r in tape.requests if r.url.endswith("/batch/read")]
    assert batches == [
        {"inputs": [{"id": "9201"}, {"id": "9202"}, {"id": "9203"}, {"id": "9204"}]},
        {"inputs": [{"id": "9203", "after": "MTMwMQ%3D%3D"}]},
    ]


def test_archived_deals_in_the_range_are_deleted(
    deals: tuple[dict[str, dict[str, Any]], list[Notice]],
) -> None:
    by_id, notices = deals
    # 9199 was archived 2026-10-05T08:00Z (in range); 9150 on 2026-08-03 (left out)
    assert [d for d, r in by_id.items() if r["is_deleted"]] == ["9199"]
    assert "9150" not in by_id
    summary = next(n for n in notices if n.code == "read_summary")
    assert (summary.details["live"], summary.details["archived"]) == (4, 1)


def test_an_unknown_stage_is_noticed(deals: tuple[dict[str, dict[str, Any]], list[Notice]]) -> None:
    _, notices = deals
    (stage,) = [n for n in notices if n.code == "unreadable_value"]
    assert stage.details["field"] == "dealstage"
    assert stage.details["ids"] == ["9204"]
    assert "1029384756" in stage.message


def test_pipelines_are_reference_data(
    cassettes: Path, connect: Callable[..., HubSpotConnector]
) -> None:
    with use_cassette(cassettes / "deals.yaml", allow_unused=True), connect() as hubspot:
        pipelines = hubspot.pipelines()
        assert hubspot.pipelines() is pipelines  # read once
    assert [(p.id, p.label) for p in pipelines] == [
        ("default", "Residential sales"),
        ("812345678", "Commercial rooftops"),
    ]
    default = pipelines[0]
    assert [s.id for s in default.stages] == [
        "appointmentscheduled",
        "qualifiedtobuy",
        "presentationscheduled",
        "contractsent",
        "closedwon",
        "closedlost",
    ]
    won = default.stage("closedwon")
    assert won is not None
    assert (won.is_closed, won.probability, won.is_won, won.is_lost) == (
        True,
        Decimal("1.0"),
        True,
        False,
    )
    signed = pipelines[1].stage("1034567892")
    assert signed is not None
    assert signed.is_won
    assert signed.label == "Signed"


def test_an_unexpected_enum_value_in_an_answer_is_tolerated(
    cassettes: Path, connect: Callable[..., HubSpotConnector]
) -> None:
    # the SDK's models refuse unknown enum values (writePermissions here) unless its
    # client-side validation is off, which the connector does for answers it parses
    recorded = yaml.safe_load((cassettes / "deals.yaml").read_text(encoding="utf-8"))
    pipelines = recorded["interactions"][1]["response"]["body"]
    pipelines["results"][0]["stages"][0]["writePermissions"] = "A_VALUE_ADDED_LATER"
    fault = Fault(200, {"Content-Type": "application/json"}, json.dumps(pipelines))
    with use_cassette(cassettes / "deals.yaml", allow_unused=True) as tape, connect() as hubspot:
        tape.replace(1, fault)
        assert hubspot.pipelines()[0].stages[0].label == "Site survey booked"
