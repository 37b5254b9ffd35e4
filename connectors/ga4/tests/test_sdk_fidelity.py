"""The SDK stays the authority on the wire format.

* The report request the connector sends is the one ``client.run_report`` sends (same
  URL, query and JSON body), so recordings made either way replay the same.
* Every recorded answer parses with the SDK's own types, strictly (no unknown field):
  the cassettes cannot drift from the API's real shapes.
* The connector's page parsing agrees with the SDK's, value for value.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import responses
from google.analytics.data_v1beta import BetaAnalyticsDataClient
from google.analytics.data_v1beta.types import (
    CheckCompatibilityResponse,
    Metadata,
    RunReportResponse,
)
from google.oauth2.credentials import Credentials
from partnerkit_ga4._client import PropertyClient, parse_page

from partnerkit.http import RetryPolicy
from partnerkit.testing import Cassette

CASSETTES = sorted((Path(__file__).parent / "cassettes").rglob("*.yaml"))
URL = "https://analyticsdata.googleapis.com/v1beta/properties/123456789:runReport"
QUERY: Any = {
    "dimensions": ["date", "sessionSource"],
    "metrics": ["sessions", "keyEvents:generate_lead"],
    "start": "2026-10-01",
    "end": "2026-10-31",
    "offset": 25000,
    "limit": 25000,
    "order_by": ["date", "sessionSource"],
    "dimension_filter": {
        "filter": {"fieldName": "sessionMedium", "stringFilter": {"value": "cpc"}}
    },
}
EMPTY = {"kind": "analyticsData#runReport"}


def _client() -> PropertyClient:
    return PropertyClient(
        "123456789",
        Credentials(token="test-token"),  # type: ignore[no-untyped-call]
        policy=RetryPolicy(),
        timeout=10,
        now=lambda: None,  # type: ignore[arg-type,return-value]
    )


def test_the_report_request_is_the_sdks_own() -> None:
    ours = _client()
    sdk = BetaAnalyticsDataClient(
        credentials=Credentials(token="test-token"),  # type: ignore[no-untyped-call]
        transport="rest",
    )
    with responses.RequestsMock() as mock:
        mock.add(responses.POST, URL, json=EMPTY)
        mock.add(responses.POST, URL, json=EMPTY)
        ours.run_report(QUERY)
        sdk.run_report(request=ours.build_request(QUERY), retry=None)
        mine, theirs = (call.request for call in mock.calls)
    assert mine.url == theirs.url  # includes ?%24alt=json%3Benum-encoding%3Dint
    assert json.loads(mine.body) == json.loads(theirs.body)
    for header in ("Content-Type", "x-goog-request-params", "authorization"):
        assert mine.headers[header] == theirs.headers[header]
    assert json.loads(mine.body)["returnPropertyQuota"] is True


def _bodies(kind: str) -> list[tuple[str, Any]]:
    out = []
    for path in CASSETTES:
        for i, interaction in enumerate(Cassette.load(path).interactions):
            url, status = interaction.request.url, interaction.response.status
            if status == 200 and url.endswith(kind):
                out.append((f"{path.parent.name}/{path.name}#{i}", interaction.response.body))
    return out


REPORTS = _bodies(":runReport")


@pytest.mark.parametrize(
    ("where", "body"), _bodies("/metadata"), ids=lambda v: v if isinstance(v, str) else ""
)
def test_recorded_metadata_parses_with_the_sdk(where: str, body: Any) -> None:
    Metadata.from_json(json.dumps(body), ignore_unknown_fields=False)


@pytest.mark.parametrize(
    ("where", "body"), _bodies(":checkCompatibility"), ids=lambda v: v if isinstance(v, str) else ""
)
def test_recorded_compatibility_parses_with_the_sdk(where: str, body: Any) -> None:
    CheckCompatibilityResponse.from_json(json.dumps(body), ignore_unknown_fields=False)


@pytest.mark.parametrize(("where", "body"), REPORTS, ids=lambda v: v if isinstance(v, str) else "")
def test_recorded_reports_parse_alike_with_the_sdk_and_the_connector(where: str, body: Any) -> None:
    raw = json.dumps(body)
    sdk = RunReportResponse.from_json(raw, ignore_unknown_fields=False)
    page = parse_page(raw.encode())
    assert page.get("rowCount", 0) == sdk.row_count
    sdk_rows = [
        ([v.value for v in r.dimension_values], [v.value for v in r.metric_values])
        for r in sdk.rows
    ]
    our_rows = [
        ([v.get("value", "") for v in r.get("dimensionValues", [])],
         [v.get("value", "") for v in r.get("metricValues", [])])
        for r in page.get("rows", [])
    ]  # fmt: skip
    assert our_rows == sdk_rows
    assert [int(h.get("type", 0)) for h in page.get("metricHeaders", [])] == [
        int(h.type_) for h in sdk.metric_headers
    ]
    assert (page.get("metadata") or {}).get("timeZone", "") == sdk.metadata.time_zone
