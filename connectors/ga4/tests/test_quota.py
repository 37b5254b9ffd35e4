"""Property quotas: back off per quota kind, stop early, and the other API errors.

Faults are served in place of interaction 1 of ``contract/traffic.yaml`` (the report
request; interaction 0 is the metadata request) with the Data API's real 429 bodies
(``partnerkit_ga4.testing.ga4_quota_exhausted``). The retry policy has no jitter:
waits are exactly 1, 2, 4 ... seconds, or what the quota kind asks for.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa
import pytest
from partnerkit_ga4.testing import Ga4Quota, ga4_quota_exhausted

from partnerkit.connector import Notice, ReadRequest
from partnerkit.errors import PermissionDeniedError, QuotaExhaustedError
from partnerkit.http import RetryPolicy
from partnerkit.testing import FakeClock, use_cassette
from partnerkit.testing.faults import Fault, server_error

D = dt.date
OCT_1_3 = {"start": D(2026, 10, 1), "end": D(2026, 10, 3)}


def test_concurrent_requests_back_off_and_retry(read, fake_clock: FakeClock) -> None:
    busy = ga4_quota_exhausted("concurrent_requests")
    records, _, _ = read("contract/traffic.yaml", **OCT_1_3, faults={1: [busy, busy]})
    assert len(records) == 7
    assert fake_clock.sleeps == [1.0, 2.0]  # backoff 1 s, then 2 s (no jitter)


def test_a_server_error_is_retried(read, fake_clock: FakeClock) -> None:
    records, _, _ = read("contract/traffic.yaml", **OCT_1_3, faults={1: [server_error(503)]})
    assert len(records) == 7
    assert fake_clock.sleeps == [1.0]


def _refused(read: Any, kind: Ga4Quota) -> QuotaExhaustedError:
    """The error of a traffic read whose second request meets GA4's ``kind`` quota."""
    fault = ga4_quota_exhausted(kind)
    with pytest.raises(QuotaExhaustedError) as info:
        read("contract/traffic.yaml", **OCT_1_3, faults={1: [fault]}, allow_unused=True)
    return info.value


def test_hourly_tokens_stop_the_read_rather_than_wait_an_hour(read, fake_clock: FakeClock) -> None:
    error = _refused(read, "tokens_per_hour")
    # the hour GA4 needs is beyond the 300 s retry budget: no wait at all
    assert fake_clock.sleeps == []
    assert error.details["quota"] == "tokensPerHour"
    assert error.details["reason"] == "budget"
    assert error.vendor_message == (
        "Exhausted property tokens per hour. These quota tokens will return in under an hour."
    )
    assert (error.status, error.vendor_code, error.account) == (
        429,
        "RESOURCE_EXHAUSTED",
        "123456789",
    )
    assert "max_wait_seconds" in error.message


def test_hourly_tokens_are_waited_for_when_allowed(read, fake_clock: FakeClock) -> None:
    fault = ga4_quota_exhausted("tokens_per_project_per_hour")
    policy = RetryPolicy(jitter=0.0, max_total_wait=3600)
    records, _, _ = read("contract/traffic.yaml", **OCT_1_3, faults={1: [fault]}, policy=policy)
    assert len(records) == 7
    assert fake_clock.sleeps == [3600.0]


def test_the_daily_quota_is_not_retried(read, fake_clock: FakeClock) -> None:
    error = _refused(read, "tokens_per_day")
    assert fake_clock.sleeps == []
    # "now" is 2026-11-23 09:00 UTC = 01:00 PST: daily quotas refresh at the next midnight
    assert error.resets_at == "2026-11-24T00:00:00-08:00"
    assert error.details["quota"] == "tokensPerDay"
    assert not error.retriable


def test_the_server_errors_quota_stops_the_read(read) -> None:
    assert _refused(read, "server_errors").details["quota"] == "serverErrorsPerProjectPerHour"


def test_stops_before_a_request_the_remaining_tokens_would_not_cover(make, cassettes) -> None:
    # quota/early_stop.yaml, pages of 2 of rowCount 6. Page 1 consumed 14 tokens and left
    # 20 this hour: enough for another 14. Page 2 consumed 14 and left 6: page 3 is not
    # requested (the cassette has no third page; an extra request would fail the test).
    items: list[Any] = []
    request = ReadRequest(stream="traffic", **OCT_1_3)
    with (
        use_cassette(cassettes / "quota/early_stop.yaml") as tape,
        make(page_size=2) as connector,
        pytest.raises(QuotaExhaustedError) as info,
    ):
        items.extend(connector.read(request))
    records: list[dict[str, Any]] = []
    for item in items:  # pages come as Arrow tables (the column path), or record dicts
        if isinstance(item, pa.Table):
            records.extend(item.to_pylist())
        elif not isinstance(item, Notice):
            records.append(item)
    # Four rows were read; the last (10-02 google/cpc) is held back, because page 3 might
    # continue that slice in another channel group: a stop never yields a half-merged record.
    assert [(r["date"], r["source"]) for r in records] == [
        (D(2026, 10, 1), "(direct)"),
        (D(2026, 10, 1), "google"),
        (D(2026, 10, 2), "(direct)"),
    ]
    assert len(tape.requests) == 3  # metadata + two pages
    error = info.value
    assert error.details == {
        "quota": "tokensPerHour",
        "remaining": 6,
        "estimate": 14,
        "consumed_by_this_read": 28,
    }
    assert error.resets_at is None
    assert "refill within the hour" in error.message


def test_permission_denied_keeps_googles_message(read) -> None:
    # the body GA4 sends when the credentials have no role on the property
    message = (
        "User does not have sufficient permissions for this property. To learn more about "
        "Property ID, see https://developers.google.com/analytics/devguides/reporting/data/v1/"
        "property-id."
    )
    body = f'{{"error": {{"code": 403, "message": "{message}", "status": "PERMISSION_DENIED"}}}}'
    denied = Fault(403, {"Content-Type": "application/json; charset=UTF-8"}, body)
    with pytest.raises(PermissionDeniedError) as info:
        read("contract/traffic.yaml", **OCT_1_3, faults={0: [denied]}, allow_unused=True)
    error = info.value
    assert (error.vendor_message, error.vendor_code) == (message, "PERMISSION_DENIED")
    assert "Viewer role" in error.message
    assert "/v1beta/properties/123456789/metadata" in (error.request or "")
