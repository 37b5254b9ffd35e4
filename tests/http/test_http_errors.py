"""error_from_response, vendor message extraction, Retry-After parsing and redaction."""

from __future__ import annotations

import email.utils
import json
from typing import Any

import pytest
import requests
import responses

from partnerkit import http
from partnerkit.errors import (
    AuthenticationError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    SourceError,
    TransientError,
)

URL = "https://api.example.com/v1/report?hapikey=hub-SECRET&limit=10"


def answer(
    status: int, body: Any = None, headers: dict[str, str] | None = None
) -> requests.Response:
    """A real requests.Response for ``status``, served by ``responses``."""
    with responses.RequestsMock() as rsps:
        text = body if isinstance(body, str) or body is None else json.dumps(body)
        rsps.add("GET", URL, status=status, body=text or "", headers=headers or {})
        return requests.get(URL)


@pytest.mark.parametrize(
    ("status", "error_class", "retriable"),
    [
        (400, InvalidRequestError, False),
        (401, AuthenticationError, False),
        (403, PermissionDeniedError, False),
        (404, NotFoundError, False),
        (408, TransientError, True),
        (409, SourceError, False),
        (422, InvalidRequestError, False),
        (429, RateLimitError, True),
        (500, TransientError, True),
        (502, TransientError, True),
        (503, TransientError, True),
        (504, TransientError, True),
    ],
)
def test_status_mapping(status: int, error_class: type[SourceError], retriable: bool) -> None:
    error = http.error_from_response("hubspot", answer(status), account="portal-1")

    assert type(error) is error_class
    assert error.retriable is retriable
    assert (error.api, error.account, error.status) == ("hubspot", "portal-1", status)
    assert error.request == "GET https://api.example.com/v1/report?hapikey=REDACTED&limit=10"


@pytest.mark.parametrize(
    ("body", "code", "message", "details"),
    [
        (  # Meta: {"error": {"message", "code", ...}}
            {
                "error": {
                    "message": "(#17) User request limit reached",
                    "type": "OAuthException",
                    "code": 17,
                    "error_subcode": 2446079,
                    "fbtrace_id": "FAKEfbtrace0000000000",
                }
            },
            17,
            "(#17) User request limit reached",
            {
                "type": "OAuthException",
                "error_subcode": 2446079,
                "fbtrace_id": "FAKEfbtrace0000000000",
            },
        ),
        (  # Google: the status string wins over the numeric code
            {
                "error": {
                    "code": 400,
                    "message": "Field x is not valid.",
                    "status": "INVALID_ARGUMENT",
                }
            },
            "INVALID_ARGUMENT",
            "Field x is not valid.",
            {},
        ),
        (  # HubSpot: {"message", "category"}
            {
                "status": "error",
                "message": "Property values were not valid",
                "correlationId": "00000000-0000-4000-8000-000000000000",
                "category": "VALIDATION_ERROR",
            },
            "VALIDATION_ERROR",
            "Property values were not valid",
            {"correlationId": "00000000-0000-4000-8000-000000000000"},
        ),
        (  # HubSpot rate limit: {"message", "errorType", "policyName"}
            {
                "status": "error",
                "message": "You have reached your secondly limit.",
                "errorType": "RATE_LIMIT",
                "policyName": "SECONDLY",
            },
            "RATE_LIMIT",
            "You have reached your secondly limit.",
            {"policyName": "SECONDLY"},
        ),
        (  # OAuth token endpoint
            {"error": "invalid_grant", "error_description": "Token has been expired or revoked."},
            "invalid_grant",
            "Token has been expired or revoked.",
            {},
        ),
        ("Service Unavailable", None, "Service Unavailable", {}),  # plain text
        ("<html><body>Bad gateway</body></html>", None, None, {}),  # an HTML page
        ("", None, None, {}),
    ],
)
def test_vendor_code_and_message_are_kept_verbatim(body, code, message, details) -> None:
    error = http.error_from_response("x", answer(400, body))

    assert error.vendor_code == code
    assert error.vendor_message == message
    assert error.details == details
    if message:
        assert f"The API said: {message}" in str(error)


def test_429_reads_retry_after_seconds_and_http_dates() -> None:
    seconds = http.error_from_response("x", answer(429, headers={"Retry-After": "17"}))
    date = email.utils.formatdate(1_000_045, usegmt=True)
    dated = http.error_from_response("x", answer(429, headers={"Retry-After": date}), now=1_000_000)
    missing = http.error_from_response("x", answer(429))

    assert isinstance(seconds, RateLimitError)
    assert seconds.retry_after == 17.0
    assert isinstance(dated, RateLimitError)
    assert dated.retry_after == 45.0
    assert isinstance(missing, RateLimitError)
    assert missing.retry_after is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("", None),
        ("soon", None),
        ("7", 7.0),
        (" 2.5 ", 2.5),
        ("-3", 0.0),
        ("nan", None),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),  # in the past
        (email.utils.formatdate(1_700_000_120, usegmt=True), 120.0),
    ],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    assert http.parse_retry_after(value, now=1_700_000_000) == expected


@pytest.mark.parametrize(
    "name",
    [
        "access_token",
        "appsecret_proof",
        "key",
        "api_key",
        "hapikey",
        "refresh_token",
        "client_secret",
        "token",
        "developer_token",
        "ACCESS_TOKEN",
    ],
)
def test_redact_url_hides_every_secret_parameter(name: str) -> None:
    url = f"https://api.example.com/v1/x?fields=id&{name}=s3cr3t-value&limit=5#frag"

    assert http.redact_url(url) == (
        f"https://api.example.com/v1/x?fields=id&{name}=REDACTED&limit=5#frag"
    )


def test_redact_url_leaves_lookalike_parameters_alone() -> None:
    url = "https://api.example.com/v1/x?monkey=1&tokenize=2&keys=3&token_type=bearer"

    assert http.redact_url(url) == url


def test_redact_url_works_on_text_quoting_a_url() -> None:
    text = "Max retries exceeded with url: /v21.0/me?access_token=EAAB123&x=1 (Caused by ...)"

    assert http.redact_url(text) == (
        "Max retries exceeded with url: /v21.0/me?access_token=REDACTED&x=1 (Caused by ...)"
    )


def test_no_secret_in_a_mapped_error_message_or_repr() -> None:
    body = {
        "error": {"message": "Bad value in /v1/x?key=AIza-secret", "status": "INVALID_ARGUMENT"}
    }
    error = http.error_from_response("ga4", answer(400, body))

    for text in (str(error), repr(error), error.request or "", error.vendor_message or ""):
        assert "hub-SECRET" not in text
        assert "AIza-secret" not in text


def test_google_array_wrapped_error_body_keeps_its_message() -> None:
    import requests

    from partnerkit.errors import PermissionDeniedError
    from partnerkit.http import error_from_response

    response = requests.Response()
    response.status_code = 403
    response.url = (
        "https://googleads.googleapis.com/v26/customers/1234567890/googleAds:searchStream"
    )
    response._content = (
        b'[{"error": {"code": 403, "message": "The caller does not have permission",'
        b' "status": "PERMISSION_DENIED"}}]'
    )
    error = error_from_response("google_ads", response, account="1234567890")
    assert isinstance(error, PermissionDeniedError)
    assert error.vendor_message == "The caller does not have permission"
    assert error.vendor_code == "PERMISSION_DENIED"
