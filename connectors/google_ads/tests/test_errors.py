"""Every Google Ads error kind, mapped at the connector's boundary.

Faults are served in place of a recorded interaction of contract/performance.yaml
(#0 is the manager's customer_client query, #2 the EUR client's performance query)
or by ``responses`` where the request itself differs (a pinned API version).
Bodies follow the captured shapes named in ``partnerkit_google_ads.testing.google_ads_error``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import responses
from partnerkit_google_ads import GoogleAdsConnector
from partnerkit_google_ads.testing import (
    expired_token,
    google_ads_daily_quota_exhausted,
    google_ads_error,
    google_ads_resource_exhausted,
)

from partnerkit.connector import ReadRequest
from partnerkit.errors import (
    AuthenticationError,
    DataError,
    InvalidRequestError,
    PermissionDeniedError,
    QuotaExhaustedError,
    RateLimitError,
    TransientError,
    UnknownFieldError,
)
from partnerkit.testing import FakeClock, read_through
from partnerkit.testing.faults import Fault, in_a_list

Make = Callable[..., GoogleAdsConnector]
REQUEST = ReadRequest(stream="performance", start=dt.date(2026, 9, 19), end=dt.date(2026, 10, 3))
MCC = {"login_customer_id": "1234567890"}


def read_with(
    cassettes: Path, make_connector: Make, index: int, *faults: Fault, stream: str = "performance"
) -> None:
    request = REQUEST if stream == "performance" else ReadRequest(stream=stream)
    path = cassettes / "contract" / f"{stream}.yaml"
    read_through(path, make_connector(**MCC), request, faults={index: faults}, allow_unused=True)


# --------------------------------------------------------------------------- quota


def test_a_throttle_waits_the_retry_delay_google_asks_for(
    cassettes: Path, make_connector: Make, fake_clock: FakeClock
) -> None:
    path = cassettes / "contract" / "performance.yaml"
    throttle = {2: [google_ads_resource_exhausted(30)]}
    records, _, _ = read_through(path, make_connector(**MCC), REQUEST, faults=throttle)
    assert len(records) == 5  # the read completed after one retry
    assert fake_clock.sleeps == [30.0]  # retryDelay "30s", not a guessed backoff


def test_a_persistent_throttle_gives_up_retriable(
    cassettes: Path, make_connector: Make, fake_clock: FakeClock
) -> None:
    with pytest.raises(RateLimitError) as info:
        read_with(cassettes, make_connector, 2, *[google_ads_resource_exhausted(30)] * 5)
    # 5 attempts, 4 waits of 30 s (120 s, inside the 300 s budget)
    assert fake_clock.sleeps == [30.0, 30.0, 30.0, 30.0]
    assert info.value.retriable
    assert info.value.retry_after == 30.0
    assert info.value.details["attempts"] == 5
    assert info.value.account == "2345678901"
    assert info.value.vendor_code == "RESOURCE_TEMPORARILY_EXHAUSTED"


def test_the_daily_basic_access_cap_stops_at_once(
    cassettes: Path, make_connector: Make, fake_clock: FakeClock
) -> None:
    with pytest.raises(QuotaExhaustedError) as info:
        read_with(cassettes, make_connector, 2, google_ads_daily_quota_exhausted(40591))
    error = info.value
    assert fake_clock.sleeps == []  # waiting 11 hours would not help a pipeline
    assert not error.retriable
    assert error.vendor_code == "RESOURCE_EXHAUSTED"
    assert error.details["rateName"] == "Number of operations for basic access"
    assert error.details["request_id"] == "FAKE-request-id-000000"
    # now (2026-10-10 15:00:00 UTC) + 40591 s (11 h 16 min 31 s)
    assert error.resets_at == "2026-10-11T02:16:31+00:00"
    assert "basic access" in str(error)
    assert "Standard access" in str(error)
    assert "11 h 16 min" in str(error)


# ------------------------------------------------------------------ authentication


def test_an_expired_oauth_token(cassettes: Path, make_connector: Make) -> None:
    fault = google_ads_error(
        401,
        {"authenticationError": "OAUTH_TOKEN_EXPIRED"},
        "The OAuth access token has expired.",
        top_message="Request had invalid authentication credentials.",
    )
    with pytest.raises(AuthenticationError) as info:
        read_with(cassettes, make_connector, 0, fault)
    assert info.value.vendor_code == "OAUTH_TOKEN_EXPIRED"
    assert info.value.vendor_message == "The OAuth access token has expired."
    assert "refresh" in str(info.value)
    assert not info.value.retriable


def test_an_expired_token_without_a_google_ads_failure(
    cassettes: Path, make_connector: Make
) -> None:
    # Google's front end answers some 401s with only a google.rpc.ErrorInfo
    with pytest.raises(AuthenticationError) as info:
        read_with(cassettes, make_connector, 0, expired_token())
    assert info.value.status == 401
    assert (info.value.vendor_message or "").startswith(
        "Request had invalid authentication credentials"
    )
    assert "test-access-token" not in str(info.value)


# ------------------------------------------------------------------- authorization


@pytest.mark.parametrize(
    ("code", "message", "says"),
    [
        (
            "USER_PERMISSION_DENIED",
            "User doesn't have permission to access customer. Note: If you're accessing a "
            "client customer, the manager's customer id must be set in the "
            "'login-customer-id' header. See "
            "https://developers.google.com/google-ads/api/docs/concepts/call-structure#cid",
            "login_customer_id (1234567890) does not reach it",
        ),
        (
            "CUSTOMER_NOT_ENABLED",
            "The customer account can't be accessed because it is not yet enabled or has "
            "been deactivated.",
            "Remove it from accounts",
        ),
        (
            "DEVELOPER_TOKEN_NOT_APPROVED",
            "The developer token is only approved for use with test accounts. To access "
            "non-test accounts, apply for Basic or Standard access.",
            "test accounts only",
        ),
    ],
)
def test_authorization_errors(
    cassettes: Path,
    make_connector: Make,
    code: str,
    message: str,
    says: str,
) -> None:
    fault = in_a_list(  # searchStream's array form
        google_ads_error(
            403,
            {"authorizationError": code},
            message,
            top_message="The caller does not have permission",
        )
    )
    with pytest.raises(PermissionDeniedError) as info:
        read_with(cassettes, make_connector, 2, fault)
    error = info.value
    assert error.vendor_code == code
    assert error.vendor_message == message
    assert error.account == "2345678901"
    assert error.details["request_id"] == "FAKEreqIdErr000000001"
    assert says in str(error)
    assert not error.retriable


# --------------------------------------------------------------------------- query


def test_an_unrecognized_gaql_field_is_named(cassettes: Path, make_connector: Make) -> None:
    # the shape of n8n-io/n8n#36313 (a field renamed between versions)
    fault = google_ads_error(
        400,
        {"queryError": "UNRECOGNIZED_FIELD"},
        "Unrecognized field in the query: 'campaign.start_date'.",
    )
    with pytest.raises(UnknownFieldError) as info:
        read_with(cassettes, make_connector, 1, fault, stream="campaigns")
    error = info.value
    assert error.field == "campaign.start_date"
    assert error.where == "Google Ads API v26 (GAQL)"
    assert error.suggestions[0] == "campaign.start_date_time"  # from the library's schema
    assert getattr(error, "vendor_message", None) == (
        "Unrecognized field in the query: 'campaign.start_date'."
    )


# ----------------------------------------------------------------- sunset versions

V23 = re.compile(r"https://googleads\.googleapis\.com/v23/customers/\d+/googleAds:searchStream")


def test_a_deprecated_version_says_which_to_move_to(make_connector: Make) -> None:
    # verbatim shape of google-marketing-solutions/adios#47
    body = {
        "error": {
            "code": 400,
            "message": "Request contains an invalid argument.",
            "status": "INVALID_ARGUMENT",
            "details": [
                {
                    "@type": "type.googleapis.com/google.ads.googleads.v23.errors.GoogleAdsFailure",
                    "errors": [
                        {
                            "errorCode": {"requestError": "UNSUPPORTED_VERSION"},
                            "message": "Version v23 is deprecated. Requests to this version "
                            "will be blocked.",
                        }
                    ],
                    "requestId": "FAKEreqIdErr000000002",
                }
            ],
        }
    }
    with responses.RequestsMock() as rsps:
        rsps.add(responses.POST, V23, json=body, status=400)
        conn = make_connector(**MCC, api_version="v23")
        with pytest.raises(InvalidRequestError) as info:
            conn.stream(REQUEST).to_dicts()
    error = info.value
    assert error.vendor_code == "UNSUPPORTED_VERSION"
    assert error.details["api_version"] == "v23"
    assert error.details["move_to"] == "v26"
    assert "Move to v26" in str(error)
    assert "api_version" in str(error)


def test_a_removed_version_answers_googles_404_page(make_connector: Make) -> None:
    page = (
        "<!DOCTYPE html>\n<html lang=en>\n  <meta charset=utf-8>\n  <title>Error 404 (Not "
        "Found)!!1</title>\n  <p><b>404.</b> <ins>That’s an error.</ins>\n  <p>The requested "
        "URL <code>/v23/customers/1234567890/googleAds:searchStream</code> was not found on "
        "this server.  <ins>That’s all we know.</ins>\n"
    )
    with responses.RequestsMock() as rsps:
        rsps.add(responses.POST, V23, body=page, status=404, content_type="text/html")
        conn = make_connector(**MCC, api_version="v23")
        with pytest.raises(InvalidRequestError) as info:
            conn.stream(REQUEST).to_dicts()
    assert info.value.status == 404
    assert info.value.details["move_to"] == "v26"
    assert "Google Ads API v23 is sunset" in str(info.value)


def test_the_newest_version_sunset_asks_to_upgrade_the_library(
    cassettes: Path, make_connector: Make
) -> None:
    fault = google_ads_error(
        400,
        {"requestError": "UNSUPPORTED_VERSION"},
        "Version v26 is deprecated. Requests to this version will be blocked.",
    )
    with pytest.raises(InvalidRequestError) as info:
        read_with(cassettes, make_connector, 0, fault)
    assert "upgrade it" in str(info.value)


def test_an_unsupported_pinned_version_is_refused_before_any_request(
    make_connector: Make,
) -> None:
    from partnerkit.errors import ConfigurationError

    conn = make_connector(**MCC, api_version="v17")
    with pytest.raises(ConfigurationError, match="v26, v25, v24, v23"):
        conn.stream(REQUEST).to_dicts()


# ------------------------------------------------------------- broken answers


URL = "https://googleads.googleapis.com/v26/customers/1234567890/googleAds:searchStream"


def test_a_stream_that_breaks_part_way_is_transient(make_connector: Make) -> None:
    body = [
        {"results": [], "fieldMask": "customerClient.id", "requestId": "FAKEreqIdErr000000003"},
        {"error": {"code": 503, "message": "The service is currently unavailable.",
                   "status": "UNAVAILABLE"}},
    ]  # fmt: skip
    with responses.RequestsMock() as rsps:
        rsps.add(responses.POST, URL, json=body, status=200)
        with pytest.raises(TransientError) as info:
            make_connector(**MCC).stream(REQUEST).to_dicts()
    assert info.value.retriable
    assert info.value.vendor_message == "The service is currently unavailable."


def test_a_row_that_does_not_fit_is_reported_with_its_place(make_connector: Make) -> None:
    body = [
        {
            "results": [{"customerClient": {"id": "2345678901", "level": "one"}}],
            "fieldMask": "customerClient.id,customerClient.level",
            "requestId": "FAKEreqIdErr000000004",
        }
    ]
    with responses.RequestsMock() as rsps:
        rsps.add(responses.POST, URL, body=json.dumps(body), status=200)
        with pytest.raises(DataError) as info:
            make_connector(**MCC).stream(REQUEST).to_dicts()
    assert info.value.row == 1
    assert info.value.column == "customerClient.level"
