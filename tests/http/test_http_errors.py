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
    error = http.error_from_response("crm", answer(status), account="portal-1")

    assert type(error) is error_class
    assert error.retriable is retriable
    assert (error.api, error.account, error.status) == ("crm", "portal-1", status)
    assert error.request == "GET https://api.example.com/v1/report?hapikey=REDACTED&limit=10"


@pytest.mark.parametrize(
    ("body", "code", "message", "details"),
    [
        (  # an {"error": {...}} envelope: code and message, no details unless registered
            {"error": {"message": "Field x is not valid.", "code": 17, "trace": "t-1"}},
            17,
            "Field x is not valid.",
            {},
        ),
        (  # a flat object
            {"message": "Property values were not valid", "code": "VALIDATION_ERROR"},
            "VALIDATION_ERROR",
            "Property values were not valid",
            {},
        ),
        (  # an array wrapping the error object, as streaming endpoints send it
            [{"error": {"code": 403, "message": "The caller does not have permission"}}],
            403,
            "The caller does not have permission",
            {},
        ),
        (  # a boolean is no code
            {"error": {"message": "No.", "code": True}},
            None,
            "No.",
            {},
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
        ({"error": "The token is not valid."}, None, "The token is not valid.", {}),  # a sentence
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
    body = {"error": {"message": "Bad value in /v1/x?key=AIza-secret", "code": "INVALID"}}
    error = http.error_from_response("x", answer(400, body))

    for text in (str(error), repr(error), error.request or "", error.vendor_message or ""):
        assert "hub-SECRET" not in text
        assert "AIza-secret" not in text


@pytest.fixture
def acme_shape():
    """Register an error shape for a made-up API, and remove it afterwards."""
    shape = http.ErrorShape(
        code_keys=("status", "code"), message_keys=("detail", "message"), detail_keys=("trace",)
    )
    http.register_error_shape("acme", shape)
    yield shape
    http._error_shapes.pop("acme")


@pytest.mark.parametrize(
    ("body", "code", "message", "details"),
    [
        (  # the first code key wins, details copied from the envelope
            {"error": {"status": "BUSY", "code": 429, "detail": "Later.", "trace": "t-1"}},
            "BUSY",
            "Later.",
            {"trace": "t-1"},
        ),
        (  # a missing first key falls back to the next; message_keys in order
            {"code": 12, "message": "Plain.", "trace": "t-2", "other": 1},
            12,
            "Plain.",
            {"trace": "t-2"},
        ),
        (  # OAuth's shape is read whatever the API registered
            {"error": "invalid_grant", "error_description": "Token revoked."},
            "invalid_grant",
            "Token revoked.",
            {},
        ),
    ],
)
def test_a_registered_shape_says_where_the_code_message_and_details_are(
    acme_shape, body, code, message, details
) -> None:
    error = http.error_from_response("acme", answer(400, body))
    other = http.error_from_response("other", answer(400, body))

    assert (error.vendor_code, error.vendor_message, error.details) == (code, message, details)
    assert other.details == {}  # another API's bodies are read with the default shape


def test_the_core_knows_no_vendor_detail_keys() -> None:
    body = {
        "error": {
            "message": "m",
            "code": 1,
            "fbtrace_id": "x",
            "error_subcode": 2,
            "details": [],
            "correlationId": "c",
        }
    }
    assert http.error_from_response("unregistered", answer(400, body)).details == {}
