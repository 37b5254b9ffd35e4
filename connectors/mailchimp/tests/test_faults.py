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
    SourceError,
    TransientError,
)
from partnerkit.testing import FakeClock
from partnerkit.testing.faults import ErrorShapeChecks

BAD_KEY = "Your API key may be invalid, or you've attempted to access the wrong datacenter."

#: name -> (fault, status, Mailchimp's title, its detail's start, interaction, times served,
#: the library's error): a read whose interaction gets the fault that many times fails so.
ERRORS = {
    "bad key": (mailchimp_faults.bad_key(), 401, "API Key Invalid", BAD_KEY, 0, 1, AuthenticationError),  # noqa: E501
    "403": (mailchimp_faults.forbidden(), 403, "Forbidden", "You don't have", 1, 1, PermissionDeniedError),  # noqa: E501
    "429 five times": (mailchimp_faults.too_many_requests(), 429, "Too Many Requests", "You have", 1, 5, RateLimitError),  # noqa: E501
    "500 five times": (mailchimp_faults.server_error(500), 500, "Internal Server Error", "An unexpected", 0, 5, TransientError),  # noqa: E501
}  # fmt: skip


class TestErrorShape(ErrorShapeChecks):
    api = "mailchimp"
    cases = {
        name: (fault, status, title, start)
        for name, (fault, status, title, start, *_) in ERRORS.items()
    }


def _refused(read: Any, error: type[SourceError], faults: dict[int, list[Any]]) -> Any:
    """The error a read ends in when the interactions get ``faults``."""
    with pytest.raises(error) as caught:
        read(faults=faults, allow_unused=True)
    return caught.value


@pytest.mark.parametrize("row", ERRORS.values(), ids=ERRORS)
def test_an_error_answer_is_the_librarys_error_with_mailchimps_title(
    read: Any, row: tuple[Any, ...]
) -> None:
    fault, _status, title, _start, at, times, error = row
    assert _refused(read, error, {at: [fault] * times}).vendor_code == title


def test_a_bad_key_keeps_mailchimps_details_and_is_not_retried(
    read: Any, fake_clock: FakeClock
) -> None:
    found = _refused(read, AuthenticationError, {0: [mailchimp_faults.bad_key()]})
    assert (found.status, found.api, found.vendor_message) == (401, "mailchimp", BAD_KEY)
    assert {key: found.details[key] for key in ("type", "instance", "stream")} == {
        "type": mailchimp_faults.ERRORS_PAGE,
        "instance": "4a1c0e52-0f0a-4cd9-9a5e-000000000000",
        "stream": "email_campaigns",
    }
    assert fake_clock.sleeps == []  # a key is not mended by waiting


def test_a_bad_key_on_the_reports_names_the_account_and_the_window(read: Any) -> None:
    found = _refused(read, AuthenticationError, {1: [mailchimp_faults.bad_key()]})
    assert (found.account, found.details["window"]) == (
        "8d3a3db4d97663a9074efcc16",
        "2026-10-01..2026-10-31",
    )


@pytest.mark.parametrize(
    "faults",
    [[mailchimp_faults.too_many_requests()], [mailchimp_faults.server_error(503)] * 2],
    ids=["429 once", "503 twice"],
)
def test_a_passing_429_or_5xx_is_retried_then_the_read_goes_on(
    read: Any, fake_clock: FakeClock, faults: list[Any]
) -> None:
    records, _notices, _tape = read(faults={1: faults})
    assert len(records) == 3
    assert len(fake_clock.sleeps) == len(faults)


def test_a_persistent_429_is_retriable_after_five_attempts(read: Any) -> None:
    found = _refused(read, RateLimitError, {1: [mailchimp_faults.too_many_requests()] * 5})
    assert found.details["attempts"] == 5
    assert found.retriable


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
