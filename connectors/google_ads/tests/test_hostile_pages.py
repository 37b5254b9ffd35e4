"""searchStream answers that are not the documented shape: refused by name, never "no rows".

The documented shape (the REST reference of ``customers.googleAds.searchStream`` and
``SearchGoogleAdsStreamResponse``; the README lists the sources): a JSON array of
batches, each an object with ``results`` (a list of ``GoogleAdsRow`` objects, left out
when there are none), ``fieldMask`` and ``requestId``; a stream that breaks part-way
ends with an ``{"error": ...}`` element. A query without rows answers one batch with
``fieldMask`` and ``requestId`` and no ``results`` (as captured from the live API), so
``[]`` or a batch without them is a broken answer, not an empty result: read as empty,
it would let a sync move its cursor over days it never read.

Each hostile body is served with HTTP 200 in place of the performance query of
customer 2345678901 in ``contract/performance.yaml`` (interaction 2), through the
seam and ``Transport.search_stream``. The property tests feed the parser
(``parse_batches`` and the record mapping of ``_performance``) any JSON value and
mutations of the cassettes' own answers.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from partnerkit_google_ads import GoogleAdsConnector
from partnerkit_google_ads._parse import CustomerInfo, parse_batches, performance_record, rows

from partnerkit.connector import ReadRequest
from partnerkit.errors import ResponseShapeError, SourceError
from partnerkit.stream import RecordStream
from partnerkit.testing import hostile, use_cassette
from partnerkit.testing.faults import Fault

Make = Callable[..., GoogleAdsConnector]
CASSETTES = Path(__file__).parent / "cassettes"
REQUEST = ReadRequest(stream="performance", start=dt.date(2026, 9, 19), end=dt.date(2026, 10, 3))
MCC = {"login_customer_id": "1234567890"}
CUSTOMER = "2345678901"
URL = "https://googleads.googleapis.com/v26/customers/{}/googleAds:searchStream"
JSON = {"Content-Type": "application/json; charset=UTF-8"}
ROW = '{"campaign":{"id":"20000000001"},"segments":{"date":"2026-10-01"},"metrics":{"clicks":"3"}}'
BATCH = '"fieldMask":"campaign.id,segments.date,metrics.clicks","requestId":"FAKEreqIdHostile0001"'
EMPTY_RESULT = "at least one batch (an empty result is one batch with fieldMask and requestId)"
NO_MASK = "a batch with fieldMask and requestId, which the API always sends"

#: (body, where, expected, found): each worked out from the reference by hand.
HOSTILE = {
    **hostile.bare_values("a JSON array of batches"),
    "empty object": ("{}", "", "a JSON array of batches", "an empty JSON object"),
    "one batch, not in an array": (f'{{"results":[{ROW}],{BATCH}}}', "", "a JSON array of batches", "a JSON object of 3 keys"),  # noqa: E501
    "empty array": ("[]", "", EMPTY_RESULT, "an empty JSON array"),
    "empty batch": ("[{}]", "[0]", NO_MASK, "an empty JSON object"),
    "rows without mask": (f'[{{"results":[{ROW}]}}]', "[0]", NO_MASK, "an object with only the keys 'results'"),  # noqa: E501
    "batch null": ("[null]", "[0]", "a batch object", "a JSON null"),
    "batch number": ("[1]", "[0]", "a batch object", "a JSON number (1)"),
    "results null": (f'[{{"results":null,{BATCH}}}]', "[0].results", "a JSON array of rows", "a JSON null"),  # noqa: E501
    "results object": (f'[{{"results":{{}},{BATCH}}}]', "[0].results", "a JSON array of rows", "an empty JSON object"),  # noqa: E501
    "row number": (f'[{{"results":[1],{BATCH}}}]', "[0].results[0]", "a row object", "a JSON number (1)"),  # noqa: E501
    "second row null": (f'[{{"results":[{ROW},null],{BATCH}}}]', "[0].results[1]", "a row object", "a JSON null"),  # noqa: E501
}  # fmt: skip


def _read(make_connector: Make, fault: Fault, index: int = 2) -> list[dict[str, Any]]:
    with (
        use_cassette(CASSETTES / "contract/performance.yaml", allow_unused=True) as tape,
        make_connector(**MCC) as conn,
    ):
        tape.replace(index, fault)
        return conn.stream(REQUEST).to_dicts()


def test_an_empty_client_list_of_the_manager_is_not_no_clients(make_connector: Make) -> None:
    # Interaction 0 lists the manager's client accounts: [] there would read no account.
    with pytest.raises(ResponseShapeError) as info:
        _read(make_connector, Fault(200, JSON, "[]"), index=0)
    assert (info.value.account, info.value.found) == ("1234567890", "an empty JSON array")


def test_the_real_empty_answer_is_no_rows(make_connector: Make) -> None:
    # One batch with fieldMask and requestId and no results: customer 2345678901 has
    # no performance rows; its leads (interaction 1) become orphan lead records.
    records = _read(make_connector, Fault(200, JSON, f"[{{{BATCH}}}]"))
    assert {r["account_id"] for r in records} == {"2345678901", "3456789012"}
    assert all(r.get("impressions") is None for r in records if r["account_id"] == CUSTOMER)


# ---------------------------------------------------------------- properties

INFO = CustomerInfo(id=CUSTOMER, name="Trattoria Demo Srl", currency="EUR", time_zone="Europe/Rome")


def _recorded_answers() -> list[Any]:
    """Every searchStream answer of the cassettes that carries rows."""

    def keep(url: str, body: Any) -> bool:
        stream = url.endswith(":searchStream")
        return stream and isinstance(body, list) and any("results" in b for b in body)

    return hostile.recorded_bodies(CASSETTES, keep)


RECORDED = _recorded_answers()


def test_the_recorded_answers_parse() -> None:
    assert len(RECORDED) >= 8
    for answer in RECORDED:
        batches = parse_batches(json.dumps(answer).encode(), source="s")
        assert len(list(rows(batches))) == sum(len(b.get("results", [])) for b in answer)


class TestHostilePages(hostile.HostilePages):
    """Each body of HOSTILE in place of a performance query; the parser's properties."""

    shapes = HOSTILE
    api, account, requests = "google_ads", CUSTOMER, (f"POST {URL.format(CUSTOMER)}",)
    secret = "test-developer-token"
    recorded = RECORDED

    def read(self, request: pytest.FixtureRequest, body: str) -> object:
        return _read(request.getfixturevalue("make_connector"), Fault(200, JSON, body))

    def parse(self, body: bytes) -> object:
        """Parse and map an answer as ``_performance`` does."""
        source = "customer 2345678901: campaign query"
        batches = parse_batches(body, source=source, account=CUSTOMER, request="POST")
        if any("error" in b for b in batches):
            return None  # the stream's own error element: mapped by Transport (test_errors.py)
        records = [performance_record(row, "campaign", INFO) for row in rows(batches)]
        return RecordStream.from_records("performance", records).to_arrow()


def test_a_stream_error_element_is_still_the_apis_error(make_connector: Make) -> None:
    body = f'[{{"results":[{ROW}],{BATCH}}},{{"error":{{"code":503,"message":"Try again.","status":"UNAVAILABLE"}}}}]'  # noqa: E501
    with pytest.raises(SourceError) as info:
        _read(make_connector, Fault(200, JSON, body))
    assert not isinstance(info.value, ResponseShapeError)
    assert info.value.retriable
