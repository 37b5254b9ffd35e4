"""HubSpot's errors mapped at one boundary: the API's words kept, secrets never shown.

Bodies are HubSpot's own: the 401 ``INVALID_AUTHENTICATION`` and 403
``MISSING_SCOPES`` answers as HubSpot sends them (see the README for their sources).
``contract/deals.yaml``: 0 account-info, 1 pipelines, 2 deals search, 3 associations,
4 archived deals. ``contract/leads.yaml``: 0 account-info, 1 search, 2 archived.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from partnerkit_hubspot import HubSpotConnector
from partnerkit_hubspot.testing import expired_token

from partnerkit.connector import ReadRequest
from partnerkit.errors import (
    AuthenticationError,
    ConfigurationError,
    DataError,
    PermissionDeniedError,
)
from partnerkit.testing import FakeClock, use_cassette
from partnerkit.testing.faults import Fault, server_error

LEADS = ReadRequest(stream="leads", start=dt.date(2026, 10, 5), end=dt.date(2026, 10, 6))
DEALS = ReadRequest(stream="deals", start=dt.date(2026, 10, 5), end=dt.date(2026, 10, 6))
TOKEN = "test-token-not-real"
E = TypeVar("E", bound=Exception)

NOT_AUTHENTICATED = {
    "status": "error",
    "message": "Authentication credentials not found. This API supports OAuth 2.0 "
    "authentication and you can find more details at "
    "https://developers.hubspot.com/docs/methods/auth/oauth-overview",
    "correlationId": "4b2f7a7c-2c1e-4a55-8f0e-6f7d8e9a0b1c",
    "category": "INVALID_AUTHENTICATION",
}
MISSING_SCOPES = {
    "status": "error",
    "message": "This app hasn't been granted all required scopes to make this call. Read "
    "more about required scopes here: https://developers.hubspot.com/scopes.",
    "correlationId": "9d0c4f1e-7a2b-4c3d-8e5f-0a1b2c3d4e5f",
    "errors": [
        {
            "message": "One or more of the following scopes are required.",
            "context": {"requiredGranularScopes": ["crm.objects.deals.read"]},
        }
    ],
    "links": {"scopes": "https://developers.hubspot.com/scopes"},
    "category": "MISSING_SCOPES",
}


def json_fault(status: int, body: dict[str, Any]) -> Fault:
    return Fault(status, {"Content-Type": "application/json;charset=utf-8"}, json.dumps(body))


def refused(
    cassettes: Path,
    connect: Callable[..., HubSpotConnector],
    request: ReadRequest,
    at: int,
    fault: Fault,
    error: type[E],
) -> E:
    """Read ``request`` from its contract cassette with ``fault`` at interaction ``at``."""
    with use_cassette(cassettes / "contract" / f"{request.stream}.yaml", allow_unused=True) as tape:
        tape.inject(at, fault)
        with connect() as hubspot, pytest.raises(error) as info:
            hubspot.stream(request).to_dicts()
    return info.value


def test_a_rejected_token_is_an_authentication_error(
    cassettes: Path, connect: Callable[..., HubSpotConnector]
) -> None:
    fault = json_fault(401, NOT_AUTHENTICATED)
    error = refused(cassettes, connect, LEADS, 0, fault, AuthenticationError)
    assert error.vendor_message == NOT_AUTHENTICATED["message"]
    assert error.vendor_code == "INVALID_AUTHENTICATION"
    assert error.details["correlationId"] == "4b2f7a7c-2c1e-4a55-8f0e-6f7d8e9a0b1c"
    assert error.request == "GET https://api.hubapi.com/account-info/v3/details"
    assert "private app's access token" in str(error)
    assert TOKEN not in str(error)
    assert not error.retriable


def test_an_sdk_call_refused_mid_read_is_mapped_at_the_boundary(
    cassettes: Path, connect: Callable[..., HubSpotConnector]
) -> None:
    fault = json_fault(401, NOT_AUTHENTICATED)
    error = refused(cassettes, connect, LEADS, 1, fault, AuthenticationError)
    # the SDK raised its UnauthorizedException; the boundary kept HubSpot's words
    assert error.request == "POST https://api.hubapi.com/crm/v3/objects/contacts/search"
    assert error.vendor_message == NOT_AUTHENTICATED["message"]
    assert error.account == "24681357"
    assert error.__cause__ is None
    assert TOKEN not in str(error)


def test_a_missing_scope_is_named(
    cassettes: Path, connect: Callable[..., HubSpotConnector]
) -> None:
    fault = json_fault(403, MISSING_SCOPES)
    error = refused(cassettes, connect, DEALS, 2, fault, PermissionDeniedError)
    assert error.details["required_scopes"] == ["crm.objects.deals.read"]
    assert "It needs: crm.objects.deals.read." in str(error)
    assert error.vendor_code == "MISSING_SCOPES"
    assert error.status == 403


def test_a_server_error_is_retried_transparently(
    cassettes: Path, connect: Callable[..., HubSpotConnector], fake_clock: FakeClock
) -> None:
    with use_cassette(cassettes / "contract" / "deals.yaml") as tape, connect() as hubspot:
        tape.inject(3, server_error(502), server_error(503, retry_after=2))
        rows = hubspot.stream(DEALS).to_dicts()
    assert [r["contact_ids"] for r in rows] == [["1101"], ["1103"]]
    # the 502 waits a jittered backoff of 0.5-1 s; the 503 asks for exactly 2 s
    first, second = fake_clock.sleeps
    assert 0.5 <= first <= 1.0
    assert second == 2.0


def test_a_result_without_its_properties_is_a_data_error_naming_the_field(
    cassettes: Path, connect: Callable[..., HubSpotConnector]
) -> None:
    body = '{"total": 1, "results": [{"id": "1101"}]}'
    shapeless = Fault(200, {"Content-Type": "application/json"}, body)
    with use_cassette(cassettes / "contract" / "leads.yaml", allow_unused=True) as tape:
        tape.replace(1, shapeless)
        with connect() as hubspot, pytest.raises(DataError) as info:
            hubspot.stream(LEADS).to_dicts()
    assert info.value.column == "results.0.properties"
    assert info.value.source == "POST https://api.hubapi.com/crm/v3/objects/contacts/search"
    assert "Field required" in str(info.value)
    assert not info.value.retriable


def test_the_token_of_another_portal_is_refused(
    cassettes: Path, connect: Callable[..., HubSpotConnector]
) -> None:
    with (
        use_cassette(cassettes / "contract" / "check.yaml", allow_unused=True),
        connect(accounts=["11112222"]) as hubspot,
    ):
        result = hubspot.check()
    assert not result.ok
    assert isinstance(result.error, ConfigurationError)
    assert "belong to portal 24681357" in result.message
    assert "names portal 11112222" in result.message


def test_a_read_for_another_account_or_with_options_is_refused(
    cassettes: Path, connect: Callable[..., HubSpotConnector]
) -> None:
    with (
        use_cassette(cassettes / "contract" / "leads.yaml", allow_unused=True),
        connect() as hubspot,
    ):
        with pytest.raises(ConfigurationError, match="reads portal 24681357, not 999"):
            hubspot.stream(LEADS.model_copy(update={"accounts": ("999",)})).to_dicts()
        with pytest.raises(ConfigurationError, match="read option 'dates' only"):
            hubspot.stream(LEADS.model_copy(update={"options": {"full": True}})).to_dicts()
        with pytest.raises(ConfigurationError, match="'modified' or 'created', got 'closed'"):
            hubspot.stream(LEADS.model_copy(update={"options": {"dates": "closed"}})).to_dicts()


def test_a_stream_that_is_not_enabled_is_refused(connect: Callable[..., HubSpotConnector]) -> None:
    with connect(streams=["deals"]) as hubspot:
        assert [s.name for s in hubspot.enabled_streams()] == ["deals"]
        with pytest.raises(ConfigurationError, match="not enabled"):
            list(hubspot.read(LEADS))


SUBMISSIONS = "https://api.hubapi.com/form-integrations/v1/submissions/forms"


@pytest.mark.parametrize(
    ("stream", "at", "request_line"),
    [
        ("activities", 7, "POST https://api.hubapi.com/crm/v3/objects/emails/search"),
        (
            "companies",
            2,
            "POST https://api.hubapi.com/crm/v4/associations/companies/contacts/batch/read",
        ),
        (
            "form_submissions",
            3,  # the second page of the quote request's submissions
            f"GET {SUBMISSIONS}/a1b2c3d4-0000-4000-8000-000000000001"
            "?limit=50&after=MTc5MTI4MDgwMDAwMA%3D%3D",
        ),
    ],
)
def test_an_expired_token_in_the_middle_of_a_new_stream(
    cassettes: Path,
    connect: Callable[..., HubSpotConnector],
    stream: str,
    at: int,
    request_line: str,
) -> None:
    request = ReadRequest(stream=stream, start=dt.date(2026, 10, 5), end=dt.date(2026, 10, 6))
    page_size = 2 if stream == "activities" else 200  # as each cassette was recorded
    with use_cassette(cassettes / f"{stream}.yaml", allow_unused=True) as tape:
        tape.inject(at, expired_token())
        with (
            connect(streams=[stream], search_page_size=page_size) as hubspot,
            pytest.raises(AuthenticationError) as info,
        ):
            hubspot.stream(request).to_dicts()
    assert info.value.vendor_code == "EXPIRED_AUTHENTICATION"
    assert info.value.request == request_line
