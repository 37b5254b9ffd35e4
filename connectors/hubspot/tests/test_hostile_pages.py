"""CRM pages that are not the documented shape: refused by name, never read as "no contacts".

The documented shape (HubSpot's CRM v3 OpenAPI specs, as the SDK's generated models
enforce them; the README lists the sources): a list answer is an object with
``results`` (a list of objects) and, when there is a next page, ``paging.next.after``;
a search answer also has ``total``. Each hostile body is served with HTTP 200 in place
of the contacts search of ``contract/leads.yaml`` (interaction 1), through the SDK on
the seam and ``read_page``; a few go to the list of archived contacts (interaction 2).

The property tests feed the parser (``read_page`` with ``parse_search_page``, then the
``LeadMapper``) any JSON value and mutations of the cassettes' own pages.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from partnerkit_hubspot import HubSpotConnector
from partnerkit_hubspot._client import read_page
from partnerkit_hubspot._pages import parse_object_page, parse_search_page
from partnerkit_hubspot._records import LeadMapper
from partnerkit_hubspot._reference import HubSpotPortal

from partnerkit.connector import ReadRequest
from partnerkit.errors import ResponseShapeError
from partnerkit.stream import RecordStream
from partnerkit.testing import hostile, use_cassette
from partnerkit.testing.faults import Fault

Connect = Callable[..., HubSpotConnector]
CASSETTES = Path(__file__).parent / "cassettes"
LEADS = ReadRequest(stream="leads", start=dt.date(2026, 10, 5), end=dt.date(2026, 10, 6))
PORTAL = "24681357"
SEARCH = "POST https://api.hubapi.com/crm/v3/objects/contacts/search"
JSON = {"Content-Type": "application/json;charset=utf-8"}
CONTACT = '{"id":"1101","properties":{"createdate":"2026-10-05T06:00:00Z"}}'
NO_RESULTS = "an object with the key 'results', which HubSpot always sends"
NO_TOTAL = "an object with the key 'total', which HubSpot always sends"

#: (body, where, expected, found): each worked out from the OpenAPI schema by hand.
HOSTILE = {
    **hostile.object_values(NO_RESULTS),
    "list of contacts": (f"[{CONTACT}]", "", "a JSON object", "a JSON array of 1 item"),
    "no results": ('{"total":0}', "", NO_RESULTS, "an object with only the keys 'total'"),
    "no total": ('{"results":[]}', "", NO_TOTAL, "an object with only the keys 'results'"),
    "results null": ('{"total":0,"results":null}', "results", "a JSON array", "a JSON null"),
    "results object": ('{"total":0,"results":{}}', "results", "a JSON array", "an empty JSON object"),  # noqa: E501
    "result number": ('{"total":1,"results":[1]}', "results[0]", "an object", "a JSON number (1)"),
    "second result null": (f'{{"total":2,"results":[{CONTACT},null]}}', "results[1]", "an object", "a JSON null"),  # noqa: E501
    "paging number": ('{"total":0,"results":[],"paging":3}', "paging", "a JSON object", "a JSON number (3)"),  # noqa: E501
    "paging without after": ('{"total":0,"results":[],"paging":{"next":{}}}', "paging.next", "an object with the key 'after', which HubSpot always sends", "an empty JSON object"),  # noqa: E501
}  # fmt: skip


def _read(connect: Connect, fault: Fault, index: int = 1) -> list[dict[str, Any]]:
    with use_cassette(CASSETTES / "contract/leads.yaml", allow_unused=True) as tape:
        tape.replace(index, fault)
        with connect() as hubspot:
            return hubspot.stream(LEADS).to_dicts()


DEALS = ReadRequest(stream="deals", start=dt.date(2026, 10, 5), end=dt.date(2026, 10, 6))


@pytest.mark.parametrize(
    ("body", "where", "expected"),
    [
        ("null", "", NO_RESULTS),
        ("123", "", NO_RESULTS),
        ("{}", "", NO_RESULTS),
        ('{"results":null}', "", NO_RESULTS),
        ('{"results":[1]}', "results[0]", "an object with the key 'id'"),
    ],
)
def test_a_pipelines_answer_without_its_results_is_a_shape_error(
    connect: Connect, body: str, where: str, expected: str
) -> None:
    # contract/deals.yaml, interaction 1: the deal pipelines, read through the SDK's models
    # (null raised AttributeError; {} read as "no pipelines", every stage unknown).
    with use_cassette(CASSETTES / "contract/deals.yaml", allow_unused=True) as tape:
        tape.replace(1, Fault(200, JSON, body))
        with connect() as hubspot, pytest.raises(ResponseShapeError) as info:
            hubspot.stream(DEALS).to_dicts()
    assert (info.value.where, info.value.expected) == (where, expected)
    assert info.value.request == "GET https://api.hubapi.com/crm/v3/pipelines/deals"


ACCOUNT = "GET https://api.hubapi.com/account-info/v3/details"
ARCHIVED = "GET https://api.hubapi.com/crm/v3/objects/contacts"
NO_PORTAL = "an object with the key 'portalId', which HubSpot always sends"


@pytest.mark.parametrize(
    ("index", "body", "expected", "found", "request_line"),
    [
        # Interaction 0: the account details (portal id, time zone, currency).
        (0, "null", "a JSON object", "a JSON null", ACCOUNT),
        (0, "[]", "a JSON object", "an empty JSON array", ACCOUNT),
        (0, "{}", NO_PORTAL, "an empty JSON object", ACCOUNT),
        # Interaction 2 lists the archived contacts (a list answer: no total).
        (2, "null", "a JSON object", "a JSON null", ARCHIVED),
        (2, "{}", NO_RESULTS, "an empty JSON object", ARCHIVED),
    ],
)
def test_an_answer_that_is_not_the_documented_shape_is_a_shape_error(
    connect: Connect, index: int, body: str, expected: str, found: str, request_line: str
) -> None:
    with pytest.raises(ResponseShapeError) as info:
        _read(connect, Fault(200, JSON, body), index=index)
    assert (info.value.where, info.value.expected, info.value.found) == ("", expected, found)
    assert info.value.request == request_line


# ---------------------------------------------------------------- properties

MAPPER_PORTAL = HubSpotPortal(portal_id=PORTAL, time_zone="Asia/Jerusalem", currency="ILS")


def _recorded_pages() -> list[Any]:
    """Every contacts search page of the cassettes."""
    return hostile.recorded_bodies(
        CASSETTES, lambda url, body: url.endswith("/contacts/search") and isinstance(body, dict)
    )


TOKEN = "test-token-not-real"
RECORDED = _recorded_pages()


def test_the_recorded_pages_parse() -> None:
    assert len(RECORDED) >= 5
    for page in RECORDED:
        raw = json.dumps(page).encode()
        assert len(read_page(parse_search_page, raw, SEARCH, account=PORTAL)["results"]) == len(
            page["results"]
        )
        assert parse_object_page(raw)["results"] == page["results"]


def _serve(request: pytest.FixtureRequest, body: str) -> object:
    """Each body of HOSTILE in place of the contacts search."""
    return _read(request.getfixturevalue("connect"), Fault(200, JSON, body))


def _parse(body: bytes) -> object:
    """Parse a search page (``read_page``) and map its contacts (``LeadMapper``)."""
    page = read_page(parse_search_page, body, SEARCH, account=PORTAL)
    mapper = LeadMapper(portal=MAPPER_PORTAL, salt="test-salt")
    records = [r for r in map(mapper, page["results"]) if r is not None]
    return RecordStream.from_records("lead", [*records, *mapper.problems.notices()]).to_arrow()


TestHostilePages = hostile.suite(
    HOSTILE, "hubspot", PORTAL, (SEARCH,), _serve, _parse, secret=TOKEN, recorded=RECORDED
)
