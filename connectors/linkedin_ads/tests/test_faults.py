"""LinkedIn's error answers, injected into the contract cassettes before their first request.

The bodies come from ``partnerkit_linkedin_ads.testing`` (LinkedIn's flat error body).
Every test runs on partnerkit's fake clock, so retries record their waits instead of
sleeping; the default policy makes five attempts.
"""

from typing import Any

import pytest
from partnerkit_linkedin_ads import testing as linkedin_faults

from partnerkit.errors import (
    AuthenticationError,
    PermissionDeniedError,
    RateLimitError,
    TransientError,
)
from partnerkit.testing import FakeClock


def test_an_expired_token_is_an_authentication_error_with_linkedins_code(
    read: Any, fake_clock: FakeClock
) -> None:
    with pytest.raises(AuthenticationError) as caught:
        read(faults={0: [linkedin_faults.expired_token()]}, allow_unused=True)
    error = caught.value
    assert error.status == 401
    assert error.vendor_code == "EXPIRED_ACCESS_TOKEN"
    assert error.vendor_message == "The token used in the request has expired"
    assert error.details["serviceErrorCode"] == 65601
    assert error.details["stream"] == "campaign_performance"
    assert error.details["window"] == "2026-10-01..2026-10-03"
    assert error.account == "508000001"
    assert fake_clock.sleeps == []  # a token is not refreshed by waiting


def test_an_older_body_without_code_keeps_the_service_error_code(read: Any) -> None:
    fault = linkedin_faults.linkedin_error(401, "Invalid access token", service_error_code=65600)
    with pytest.raises(AuthenticationError) as caught:
        read(faults={0: [fault]}, allow_unused=True)
    assert caught.value.vendor_code == 65600
    assert caught.value.vendor_message == "Invalid access token"


def test_403_no_role_on_the_account(read: Any, fake_clock: FakeClock) -> None:
    with pytest.raises(PermissionDeniedError) as caught:
        read("campaigns", faults={0: [linkedin_faults.access_denied()]}, allow_unused=True)
    error = caught.value
    assert error.vendor_code == "ACCESS_DENIED"
    assert error.vendor_message is not None
    assert error.vendor_message.startswith("Not enough permissions to access")
    assert error.details["stream"] == "campaigns"
    assert fake_clock.sleeps == []


def test_a_429_is_retried_then_the_read_goes_on(read: Any, fake_clock: FakeClock) -> None:
    records, _notices, _tape = read(faults={0: [linkedin_faults.rate_limited()]})
    assert len(records) == 5
    assert len(fake_clock.sleeps) == 1


def test_a_persistent_429_ends_in_a_rate_limit_error(read: Any) -> None:
    with pytest.raises(RateLimitError) as caught:
        read(faults={0: [linkedin_faults.rate_limited()] * 5}, allow_unused=True)
    assert caught.value.vendor_code == "TOO_MANY_REQUESTS"
    assert caught.value.details["attempts"] == 5


def test_5xx_is_retried_then_given_up_as_transient(read: Any, fake_clock: FakeClock) -> None:
    records, _notices, _tape = read("leads", faults={0: [linkedin_faults.server_error(503)] * 2})
    assert len(records) == 2
    assert len(fake_clock.sleeps) == 2
    with pytest.raises(TransientError) as caught:
        read(faults={0: [linkedin_faults.server_error(500)] * 5}, allow_unused=True)
    assert caught.value.vendor_code == "INTERNAL_SERVER_ERROR"
