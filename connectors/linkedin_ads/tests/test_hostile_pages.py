"""Analytics answers that are not the documented shape: refused by name, never a crash.

The documented shape of an ad analytics answer (the connector's module docstring): a
JSON object with ``elements``, a list of element objects, each with ``dateRange.start``
(``{year, month, day}``), ``pivotValues`` (campaign URNs), whole-number counts, a
decimal-string ``costInLocalCurrency`` and numeric conversions. Each hostile body below
is served with HTTP 200 in place of the analytics answer of
``contract/campaign_performance.yaml`` (interaction 0), so it travels the production
path. The property tests feed the page parser (``_pages``) any JSON value and
mutations of the cassettes' own analytics answers.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from partnerkit_linkedin_ads import LinkedInAdsConnector
from partnerkit_linkedin_ads import _pages as pages

from partnerkit.errors import PageShapeError, ResponseShapeError
from partnerkit.stream import RecordStream
from partnerkit.testing import hostile, use_cassette
from partnerkit.testing.faults import Fault

CASSETTES = Path(__file__).parent / "cassettes"
ACCOUNT = "508000001"
REQUEST = "GET /rest/adAnalytics"
TOKEN = "test-token-not-real"
JSON = {"Content-Type": "application/json"}
ROW = (
    '{"dateRange":{"start":{"year":2026,"month":10,"day":1}},'
    '"pivotValues":["urn:li:sponsoredCampaign:1001"],"impressions":10,"clicks":1,'
    '"costInLocalCurrency":"1.50"}'
)
NO_ELEMENTS = "an object with the key 'elements', which LinkedIn always sends"
DATE = "a date object {year, month, day}"

#: (body, where, expected, found): each worked out from the documented shape by hand.
HOSTILE = {
    **hostile.object_values(NO_ELEMENTS),
    "not json": ("{oops}", "", "a JSON object", "a body that is not JSON"),
    "no elements": ('{"paging":{}}', "", NO_ELEMENTS, "an object with only the keys 'paging'"),
    "elements null": ('{"elements":null}', "elements", "a JSON array", "a JSON null"),
    "element number": ('{"elements":[1]}', "elements[0]", "an element object", "a JSON number (1)"),
    "second element": (f'{{"elements":[{ROW},"x"]}}', "elements[1]", "an element object", "a JSON string of 1 character"),  # noqa: E501
    "no date": ('{"elements":[{"pivotValues":["urn:li:sponsoredCampaign:1"]}]}', "elements[0].dateRange.start", DATE, "a JSON null"),  # noqa: E501
    "bad day": (ROW.replace('"day":1', '"day":32').join(['{"elements":[', "]}"]), "elements[0].dateRange.start", "a calendar date", "a JSON object of 3 keys"),  # noqa: E501
    "no pivot": (ROW.replace('["urn:li:sponsoredCampaign:1001"]', "[]").join(['{"elements":[', "]}"]), "elements[0].pivotValues", "a list of campaign URNs", "an empty JSON array"),  # noqa: E501
    "clicks string": (ROW.replace('"clicks":1', '"clicks":"1"').join(['{"elements":[', "]}"]), "elements[0].clicks", "a whole number", "a JSON string of 1 character"),  # noqa: E501
    "half a click": (ROW.replace('"clicks":1', '"clicks":1.5').join(['{"elements":[', "]}"]), "elements[0].clicks", "a whole number", "a JSON number (1.5)"),  # noqa: E501
    "cost word": (ROW.replace('"1.50"', '"free"').join(['{"elements":[', "]}"]), "elements[0].costInLocalCurrency", "a decimal amount", "a JSON string of 4 characters"),  # noqa: E501
    "cost nan": (ROW.replace('"1.50"', '"NaN"').join(['{"elements":[', "]}"]), "elements[0].costInLocalCurrency", "a decimal amount", "a JSON string of 3 characters"),  # noqa: E501
}  # fmt: skip


def _read(body: str) -> list[dict[str, Any]]:
    settings = {"account_id": ACCOUNT, "access_token": TOKEN}
    with (
        use_cassette(CASSETTES / "contract/campaign_performance.yaml", allow_unused=True) as tape,
        LinkedInAdsConnector(settings) as connector,
    ):
        tape.replace(0, Fault(200, JSON, body))
        return connector.stream(
            stream="campaign_performance", start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 3)
        ).to_dicts()


RECORDED = hostile.recorded_bodies(
    CASSETTES, lambda url, body: url.endswith("/adAnalytics") and isinstance(body, dict)
)


def _parse(body: bytes) -> list[dict[str, Any]]:
    page = pages.json_object(body)
    return [pages.analytics_row(e, i) for i, e in enumerate(pages.elements(page))]


def test_the_recorded_answers_parse() -> None:
    assert len(RECORDED) == 1
    rows = _parse(json.dumps(RECORDED[0]).encode())
    assert [r["campaign_id"] for r in rows] == ["1001", "1002", "1001", "1001", "1002"]


def test_an_account_answer_that_is_not_an_object_is_a_shape_error() -> None:
    with (
        use_cassette(CASSETTES / "contract/check.yaml", allow_unused=True) as tape,
        LinkedInAdsConnector(
            {"account_id": ACCOUNT, "access_token": "t-not-real", "hash_salt": "s-not-real"}
        ) as conn,
    ):
        tape.replace(0, Fault(200, JSON, "null"))
        result = conn.check()
    assert not result.ok
    assert isinstance(result.error, ResponseShapeError)
    assert result.error.request == f"GET /rest/adAccounts/{ACCOUNT}"


def _serve(request: pytest.FixtureRequest, body: str) -> object:
    """Each body of HOSTILE in place of the analytics answer."""
    return _read(body)


def _checked(body: bytes) -> object:
    """The page parser, then the core's record check of performance-shaped rows."""
    try:
        rows = _parse(body)
    except PageShapeError as exc:
        raise ResponseShapeError.of("LinkedIn", exc, api="linkedin_ads") from None
    records = [
        {**row, "platform": "linkedin_ads", "account_id": ACCOUNT, "level": "campaign"}
        for row in rows
    ]
    return RecordStream.from_records("performance", records).to_arrow()


TestHostilePages = hostile.suite(
    HOSTILE, "linkedin_ads", ACCOUNT, (REQUEST,), _serve, _checked, secret=TOKEN, recorded=RECORDED
)
