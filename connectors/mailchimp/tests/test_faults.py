"""Mailchimp's error answers, injected into the cassettes before a request.

The bodies come from ``partnerkit_mailchimp.testing`` (Mailchimp's problem+json). Every
test runs on partnerkit's fake clock, so retries record their waits instead of sleeping;
the default policy makes five attempts. Interaction 0 is the account (the API root),
interaction 1 the first page of reports.
"""

from typing import Any

import pytest
from partnerkit_mailchimp import MailchimpConnector
from partnerkit_mailchimp import testing as mailchimp_faults

from partnerkit.connector import ReadRequest
from partnerkit.errors import (
    AuthenticationError,
    ConfigurationError,
    PermissionDeniedError,
    RateLimitError,
    TransientError,
)
from partnerkit.testing import FakeClock


def test_a_bad_key_is_an_authentication_error_with_mailchimps_title(
    read: Any, fake_clock: FakeClock
) -> None:
    with pytest.raises(AuthenticationError) as caught:
        read(faults={0: [mailchimp_faults.bad_key()]}, allow_unused=True)
    error = caught.value
    assert error.status == 401
    assert error.vendor_code == "API Key Invalid"
    assert error.vendor_message == (
        "Your API key may be invalid, or you've attempted to access the wrong datacenter."
    )
    assert error.details["type"] == mailchimp_faults.ERRORS_PAGE
    assert error.details["instance"] == "4a1c0e52-0f0a-4cd9-9a5e-000000000000"
    assert error.details["stream"] == "email_campaigns"
    assert error.api == "mailchimp"
    assert fake_clock.sleeps == []  # a key is not mended by waiting


def test_a_bad_key_on_the_reports_names_the_account_and_the_window(read: Any) -> None:
    with pytest.raises(AuthenticationError) as caught:
        read(faults={1: [mailchimp_faults.bad_key()]}, allow_unused=True)
    assert caught.value.account == "8d3a3db4d97663a9074efcc16"
    assert caught.value.details["window"] == "2026-10-01..2026-10-31"


def test_403_is_a_permission_error(read: Any) -> None:
    with pytest.raises(PermissionDeniedError) as caught:
        read(faults={1: [mailchimp_faults.forbidden()]}, allow_unused=True)
    assert caught.value.vendor_code == "Forbidden"


def test_a_429_is_retried_then_the_read_goes_on(read: Any, fake_clock: FakeClock) -> None:
    records, _notices, _tape = read(faults={1: [mailchimp_faults.too_many_requests()]})
    assert len(records) == 3
    assert len(fake_clock.sleeps) == 1


def test_a_persistent_429_ends_in_a_rate_limit_error(read: Any) -> None:
    with pytest.raises(RateLimitError) as caught:
        read(faults={1: [mailchimp_faults.too_many_requests()] * 5}, allow_unused=True)
    assert caught.value.vendor_code == "Too Many Requests"
    assert caught.value.details["attempts"] == 5
    assert caught.value.retriable


def test_5xx_is_retried_then_given_up_as_transient(read: Any, fake_clock: FakeClock) -> None:
    records, _notices, _tape = read(faults={1: [mailchimp_faults.server_error(503)] * 2})
    assert len(records) == 3
    assert len(fake_clock.sleeps) == 2
    with pytest.raises(TransientError) as caught:
        read(faults={0: [mailchimp_faults.server_error(500)] * 5}, allow_unused=True)
    assert caught.value.vendor_code == "Internal Server Error"


def test_the_data_centre_comes_from_the_key_or_the_settings() -> None:
    settings = MailchimpConnector({"api_key": "0123abcd-us19"}).settings
    assert settings.root() == "https://us19.api.mailchimp.com"
    with_server = MailchimpConnector({"api_key": "oauth-token", "server": "us6"}).settings
    assert with_server.root() == "https://us6.api.mailchimp.com"
    no_centre = MailchimpConnector({"api_key": "0123abcd"})
    with pytest.raises(ConfigurationError, match="data centre"):
        list(no_centre.read(ReadRequest(stream="email_campaigns")))
    with pytest.raises(ConfigurationError, match="no Mailchimp API key"):
        list(MailchimpConnector({}).read(ReadRequest(stream="email_campaigns")))
