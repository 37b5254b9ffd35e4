"""OAuth apps: access tokens refreshed through the seam, and refreshed again on expiry.

``oauth.yaml``: 0 ``POST /oauth/v1/token`` (form: grant_type=refresh_token, client_id,
client_secret, refresh_token — the last three scrubbed), 1 account-info, 2 one
contact, 3 one deal. ``oauth_expired.yaml`` adds a second token request before the
deal. The token answers hold ``access_token: REDACTED`` (scrubbed on save); tests
that follow the token replace the answer with a distinct fake one.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hubspot.oauth.rest as oauth_rest
import pytest
import requests
from partnerkit_hubspot import HubSpotConnector
from partnerkit_hubspot.testing import expired_token

from partnerkit import http
from partnerkit.errors import AuthenticationError, ConfigurationError
from partnerkit.testing import use_cassette
from partnerkit.testing.faults import Fault

OAUTH = {
    "accounts": ["24681357"],
    "client_id": "5a1d3c7e-0000-4000-8000-00000000c11d",
    "client_secret": "test-client-secret-not-real",
    "refresh_token": "test-refresh-token-not-real",
    "streams": ["leads", "deals"],
    "hash_salt": "test-salt-5d1c0f",
}


def token_answer(access_token: str) -> Fault:
    body = {
        "token_type": "bearer",
        "refresh_token": "REDACTED",
        "access_token": access_token,
        "expires_in": 1800,
    }
    return Fault(200, {"Content-Type": "application/json;charset=utf-8"}, json.dumps(body))


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, str | None]]]:
    """Every request the seam sends: its path and its Authorization header."""
    seen: list[tuple[str, str | None]] = []
    original = http.PartnerkitAdapter.send

    def spy(self: http.PartnerkitAdapter, request: requests.PreparedRequest, **kw: Any) -> Any:
        path = (request.path_url or "").split("?")[0]
        seen.append((path, request.headers.get("Authorization")))
        return original(self, request, **kw)

    monkeypatch.setattr(http.PartnerkitAdapter, "send", spy)
    return seen


def test_the_refreshed_token_is_used_for_every_call(
    cassettes: Path,
    sent: list[tuple[str, str | None]],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # turn the SDK's debug logging on: it logs every preloaded answer's body
    debug = logging.getLogger("tests.hubspot.oauth.rest")
    debug.setLevel(logging.DEBUG)
    monkeypatch.setattr(oauth_rest, "logger", debug)
    caplog.set_level(logging.DEBUG)
    with use_cassette(cassettes / "oauth.yaml") as tape, HubSpotConnector(OAUTH) as hubspot:
        tape.replace(0, token_answer("oauth-access-1"))
        result = hubspot.check()
    assert result.ok, result.message
    assert sent == [
        ("/oauth/v1/token", None),  # the refresh itself carries no bearer token
        ("/account-info/v3/details", "Bearer oauth-access-1"),
        ("/crm/v3/objects/contacts", "Bearer oauth-access-1"),
        ("/crm/v3/objects/deals", "Bearer oauth-access-1"),
    ]
    # the token answer is read raw, so even the SDK's debug log never holds the token
    assert not any("oauth-access-1" in r.getMessage() for r in caplog.records)
    token_request = tape.requests[0]
    assert token_request.body["grant_type"] == "refresh_token"
    assert token_request.headers["content-type"] == "application/x-www-form-urlencoded"


def test_an_expired_token_is_refreshed_once_and_the_call_repeated(
    cassettes: Path, sent: list[tuple[str, str | None]]
) -> None:
    with use_cassette(cassettes / "oauth_expired.yaml") as tape, HubSpotConnector(OAUTH) as hubspot:
        tape.replace(0, token_answer("oauth-access-1"))
        tape.replace(3, token_answer("oauth-access-2"))
        tape.inject(2, expired_token())  # the contacts call: 401 EXPIRED_AUTHENTICATION
        result = hubspot.check()
    assert result.ok, result.message
    assert sent == [
        ("/oauth/v1/token", None),
        ("/account-info/v3/details", "Bearer oauth-access-1"),
        ("/crm/v3/objects/contacts", "Bearer oauth-access-1"),  # 401: expired
        ("/oauth/v1/token", None),
        ("/crm/v3/objects/contacts", "Bearer oauth-access-2"),
        ("/crm/v3/objects/deals", "Bearer oauth-access-2"),
    ]


def test_a_dead_refresh_token_fails_the_check_clearly(
    cassettes: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with (
        use_cassette(cassettes / "oauth_bad_refresh_token.yaml"),
        HubSpotConnector(OAUTH) as hubspot,
    ):
        result = hubspot.check()
    assert not result.ok
    assert isinstance(result.error, AuthenticationError)
    assert result.error.vendor_message == "refresh token is invalid, expired or revoked"
    assert result.error.request == "POST https://api.hubapi.com/oauth/v1/token"
    assert "Re-authorize the app" in result.message
    shown = [result.message, repr(hubspot), *(r.getMessage() for r in caplog.records)]
    for secret in (OAUTH["client_secret"], OAUTH["refresh_token"]):
        assert all(secret not in text for text in shown)


def test_oauth_settings_need_all_three_values() -> None:
    partial: dict[str, Any] = {k: v for k, v in OAUTH.items() if k != "refresh_token"}
    with pytest.raises(ConfigurationError, match="also needs refresh_token"):
        HubSpotConnector(partial)
