"""Google's error answers, injected into the contract cassette before its first request.

The bodies come from ``partnerkit_search_console.testing`` (Google's JSON error envelope).
Retries wait on the plugin's fake clock (``fake_time``, autouse in the conftest); the
default policy makes five attempts.
"""

from typing import Any

import pytest
from partnerkit_search_console import testing as gsc_faults

from partnerkit.errors import (
    AuthenticationError,
    PermissionDeniedError,
    QuotaExhaustedError,
    RateLimitError,
    TransientError,
)
from partnerkit.testing import FakeClock

CASSETTE = "contract/search_totals.yaml"


def test_403_permission_keeps_googles_message_and_says_where(read: Any) -> None:
    with pytest.raises(PermissionDeniedError) as caught:
        read(
            CASSETTE,
            "search_totals",
            faults={0: [gsc_faults.permission_denied()]},
            allow_unused=True,
        )
    error = caught.value
    assert error.status == 403
    assert error.vendor_code == "PERMISSION_DENIED"
    assert error.vendor_message == (
        "User does not have sufficient permission for site 'sc-domain:example.com'. See also: "
        "https://support.google.com/webmasters/answer/2451999."
    )
    assert error.account == "sc-domain:example.com"
    assert error.details["stream"] == "search_totals"
    assert error.details["window"] == "2026-10-01..2026-10-01"
    assert error.details["errors"] == [
        {"message": error.vendor_message, "domain": "global", "reason": "forbidden"}
    ]


def test_a_429_is_retried_then_the_read_goes_on(read: Any, fake_clock: FakeClock) -> None:
    records, _notices, _tape = read(
        CASSETTE, "search_totals", faults={0: [gsc_faults.rate_limited()]}
    )
    assert [r["clicks"] for r in records] == [50, 42, 38]
    assert len(fake_clock.sleeps) == 1


def test_a_persistent_429_ends_in_a_rate_limit_error_with_googles_status(read: Any) -> None:
    faults = {0: [gsc_faults.rate_limited()] * 5}
    with pytest.raises(RateLimitError) as caught:
        read(CASSETTE, "search_totals", faults=faults, allow_unused=True)
    assert caught.value.vendor_code == "RESOURCE_EXHAUSTED"
    assert caught.value.vendor_message == "Rate Limit Exceeded"
    assert caught.value.details["attempts"] == 5


def test_googles_older_403_throttle_is_retried(read: Any, fake_clock: FakeClock) -> None:
    throttle = gsc_faults.usage_limit("userRateLimitExceeded", "User Rate Limit Exceeded")
    records, _notices, _tape = read(CASSETTE, "search_totals", faults={0: [throttle]})
    assert len(records) == 3
    assert len(fake_clock.sleeps) == 1


def test_a_spent_daily_quota_is_not_retried(read: Any, fake_clock: FakeClock) -> None:
    daily = gsc_faults.usage_limit("dailyLimitExceeded", "Daily Limit Exceeded")
    with pytest.raises(QuotaExhaustedError):
        read(CASSETTE, "search_totals", faults={0: [daily]}, allow_unused=True)
    assert fake_clock.sleeps == []


def test_5xx_is_retried_then_given_up_as_transient(read: Any, fake_clock: FakeClock) -> None:
    records, _notices, _tape = read(
        CASSETTE, "search_totals", faults={0: [gsc_faults.server_error(503)] * 2}
    )
    assert len(records) == 3
    assert len(fake_clock.sleeps) == 2
    with pytest.raises(TransientError) as caught:
        read(
            CASSETTE,
            "search_totals",
            faults={0: [gsc_faults.server_error(500)] * 5},
            allow_unused=True,
        )
    assert caught.value.vendor_code == "INTERNAL"


def test_an_expired_token_is_an_authentication_error(read: Any, fake_clock: FakeClock) -> None:
    with pytest.raises(AuthenticationError) as caught:
        read(CASSETTE, "search_totals", faults={0: [gsc_faults.expired_token()]}, allow_unused=True)
    error = caught.value
    assert error.status == 401
    assert error.vendor_code == "UNAUTHENTICATED"
    assert error.vendor_message is not None
    assert error.vendor_message.startswith("Request had invalid authentication credentials.")
    assert fake_clock.sleeps == []  # a bare token cannot refresh: no retry
