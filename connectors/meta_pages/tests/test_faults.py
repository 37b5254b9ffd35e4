"""Graph API error answers, injected into the cassettes before a request.

The bodies come from ``partnerkit_meta.testing`` (Meta's error object, with the usage
headers of a throttle). Every test runs on partnerkit's fake clock, so retries record
their waits instead of sleeping; the default policy makes five attempts.
"""

from typing import Any

import pytest
from partnerkit_meta import testing as meta_faults

from partnerkit.errors import AuthenticationError, PermissionDeniedError, RateLimitError
from partnerkit.testing import FakeClock


@pytest.mark.parametrize("code", [4, 17, 32])
def test_a_throttle_is_waited_out_then_the_read_goes_on(
    read: Any, fake_clock: FakeClock, code: int
) -> None:
    records, _notices, _tape = read(faults={1: [meta_faults.meta_error(code)]})
    assert len(records) == 2
    assert len(fake_clock.sleeps) == 1


@pytest.mark.parametrize("code", [4, 17, 32])
def test_a_throttle_that_persists_is_a_rate_limit_error(read: Any, code: int) -> None:
    with pytest.raises(RateLimitError) as caught:
        read(faults={1: [meta_faults.meta_error(code)] * 5}, allow_unused=True)
    error = caught.value
    assert error.vendor_code == code
    assert error.retriable
    assert error.account == "104857600123"
    assert error.details["stream"] == "page_insights"
    assert error.details["window"] == "2026-10-01..2026-10-02"


def test_an_expired_token_is_an_authentication_error_at_once(
    read: Any, fake_clock: FakeClock
) -> None:
    with pytest.raises(AuthenticationError) as caught:
        read(faults={0: [meta_faults.expired_token()]}, allow_unused=True)
    error = caught.value
    assert error.vendor_code == 190
    assert error.vendor_message is not None
    assert error.vendor_message.startswith("Error validating access token: Session has expired")
    assert error.details["fbtrace_id"] == "FAKEfbtrace0000000000"
    assert fake_clock.sleeps == []  # a token is not mended by waiting


def test_a_missing_insights_permission_is_a_permission_error(read: Any) -> None:
    fault = meta_faults.meta_error(
        10,
        message="(#10) This endpoint requires the 'read_insights' permission or the "
        "'pages_read_engagement' permission.",
    )
    with pytest.raises(PermissionDeniedError) as caught:
        read(stream="instagram_insights", faults={2: [fault]}, allow_unused=True)
    assert caught.value.vendor_code == 10
    assert caught.value.account == "17841400000000001"


def test_check_names_the_page_and_the_instagram_account() -> None:
    from pathlib import Path

    from partnerkit_meta_pages import MetaPagesConnector

    from partnerkit.testing import use_cassette

    cassette = Path(__file__).parent / "cassettes" / "contract" / "check.yaml"
    with use_cassette(cassette, record=False, secrets=["test-page-token-not-real"]):
        result = MetaPagesConnector(
            {
                "access_token": "test-page-token-not-real",
                "pages": ["104857600123"],
                "instagram_accounts": ["17841400000000001"],
                "api_version": "v26.0",
            }
        ).check()
    assert result.ok
    assert result.accounts == ("104857600123", "17841400000000001")
    assert "104857600123 (Cafe Lumen); 17841400000000001 (cafelumen)" in result.message
