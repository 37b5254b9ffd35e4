"""HubSpot's rate limits: exact waits on a fake clock, never a failed sync on a burst.

The faults are HubSpot's real 429 (``partnerkit_hubspot.testing.hubspot_rate_limited``:
``{"status": "error", "errorType": "RATE_LIMIT", "policyName": ...}`` with the
``X-HubSpot-RateLimit-*`` headers), injected into the contract cassettes:

* ``check.yaml``: 0 account-info, 1 one contact, 2 one deal;
* ``leads.yaml``: 0 account-info, 1 the contacts search, 2 the archived contacts.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from partnerkit_hubspot import HubSpotConnector
from partnerkit_hubspot.testing import hubspot_rate_limited

from partnerkit.connector import ReadRequest
from partnerkit.errors import QuotaExhaustedError, RateLimitError
from partnerkit.testing import FakeClock, use_cassette
from partnerkit.testing.faults import Fault

LEADS = ReadRequest(stream="leads", start=dt.date(2026, 10, 5), end=dt.date(2026, 10, 6))


def test_ten_secondly_limit_waits_the_window(
    cassettes: Path, connect: Callable[..., HubSpotConnector], fake_clock: FakeClock
) -> None:
    with use_cassette(cassettes / "contract" / "check.yaml") as tape, connect() as hubspot:
        tape.inject(1, hubspot_rate_limited("TEN_SECONDLY_ROLLING"))
        result = hubspot.check()
    assert result.ok, result.message
    # no Retry-After: the policy's window, X-HubSpot-RateLimit-Interval-Milliseconds
    # 10000 = 10 s. Remaining 0 also paused the portal's limiter for those same 10 s,
    # so the retry goes at once.
    assert fake_clock.sleeps == [10.0]
    assert tape.play_counts == [1, 1, 1]


def test_search_secondly_limit_waits_one_second(
    cassettes: Path, connect: Callable[..., HubSpotConnector], fake_clock: FakeClock
) -> None:
    with use_cassette(cassettes / "contract" / "leads.yaml") as tape, connect() as hubspot:
        tape.inject(1, hubspot_rate_limited("SECONDLY"))
        rows = hubspot.stream(LEADS).to_dicts()
    assert len(rows) == 4
    # SECONDLY (the search limit) without Retry-After: 1 s. The search limiter's 0.25 s
    # spacing is already served by then, and the archived list uses the other limiter.
    assert fake_clock.sleeps == [1.0]


def test_retry_after_is_honoured_exactly(
    cassettes: Path, connect: Callable[..., HubSpotConnector], fake_clock: FakeClock
) -> None:
    body = {
        "status": "error",
        "message": "You have reached your ten_secondly_rolling limit.",
        "errorType": "RATE_LIMIT",
        "correlationId": "00000000-0000-4000-8000-000000000000",
        "policyName": "TEN_SECONDLY_ROLLING",
    }
    fault = Fault(429, {"Content-Type": "application/json", "Retry-After": "3"}, json.dumps(body))
    with use_cassette(cassettes / "contract" / "check.yaml") as tape, connect() as hubspot:
        tape.inject(2, fault)
        assert hubspot.check().ok
    assert fake_clock.sleeps == [3.0]


def test_a_lasting_throttle_gives_up_with_the_waits(
    cassettes: Path, connect: Callable[..., HubSpotConnector], fake_clock: FakeClock
) -> None:
    with use_cassette(cassettes / "contract" / "leads.yaml", allow_unused=True) as tape:
        tape.inject(1, *[hubspot_rate_limited("SECONDLY")] * 10)
        with connect() as hubspot, pytest.raises(RateLimitError) as info:
            hubspot.stream(LEADS).to_dicts()
    # six attempts (the connector's retry policy), five one-second waits between them
    assert info.value.details["attempts"] == 6
    assert info.value.details["waits"] == [1.0] * 5
    assert fake_clock.sleeps == [1.0] * 5
    assert info.value.details["policy"] == "SECONDLY"
    assert info.value.vendor_message == "You have reached your secondly limit."
    assert info.value.account == "24681357"


def test_the_daily_limit_is_an_exhausted_quota_not_a_retry(
    cassettes: Path, connect: Callable[..., HubSpotConnector], fake_clock: FakeClock
) -> None:
    with use_cassette(cassettes / "contract" / "check.yaml", allow_unused=True) as tape:
        tape.inject(1, hubspot_rate_limited("DAILY"))
        with connect() as hubspot:
            result = hubspot.check()
    assert not result.ok
    error = result.error
    assert isinstance(error, QuotaExhaustedError)
    assert not error.retriable
    # "now" is 2026-11-02 10:00 UTC = 12:00 in Asia/Jerusalem (UTC+2 in November):
    # the limit resets at the portal's next midnight
    assert error.resets_at == "2026-11-03T00:00:00+02:00"
    assert error.status == 429
    assert error.vendor_code == "RATE_LIMIT"
    assert error.details["correlationId"] == "00000000-0000-4000-8000-000000000000"
    assert fake_clock.sleeps == []


def test_limiters_are_shared_by_connections_to_one_portal(
    cassettes: Path, connect: Callable[..., HubSpotConnector], fake_clock: FakeClock
) -> None:
    with use_cassette(cassettes / "contract" / "leads.yaml"), connect() as first:
        first.stream(LEADS).to_dicts()
    with use_cassette(cassettes / "contract" / "leads.yaml"), connect() as second:
        second.stream(LEADS).to_dicts()
    # the second connection's search waits for the first's: 4 a second, 0.25 s apart
    assert fake_clock.sleeps == [pytest.approx(0.25)]
