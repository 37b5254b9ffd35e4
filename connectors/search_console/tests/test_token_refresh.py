"""Credentials that refresh (an authorized-user file here) fetch their token through the seam.

Google's token endpoint answers with its OAuth bodies: a token on success, ``invalid_grant``
when the refresh token has expired or been revoked.
"""

import datetime as dt
import json

import pytest
import responses
from partnerkit_search_console import SearchConsoleConnector

from partnerkit.connector import ReadRequest
from partnerkit.errors import AuthenticationError

SITE = "sc-domain:example.com"
TOKEN_URL = "https://oauth2.googleapis.com/token"
QUERY_URL = (
    "https://searchconsole.googleapis.com/webmasters/v3/sites/sc-domain%3Aexample.com"
    "/searchAnalytics/query"
)
USER = {
    "type": "authorized_user",
    "client_id": "000000000000-example.apps.googleusercontent.com",
    "client_secret": "not-a-real-secret",
    "refresh_token": "not-a-real-refresh-token",
}
DAY = ReadRequest(stream="search_totals", start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 1))


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setenv("PARTNERKIT_SEARCH_CONSOLE_CREDENTIALS_JSON", json.dumps(USER))
    return {"site_url": SITE}


def test_the_token_is_fetched_then_sent(settings: dict[str, str]) -> None:
    with responses.RequestsMock() as rsps:
        rsps.post(
            TOKEN_URL,
            json={
                "access_token": "fresh-token-not-real",
                "expires_in": 3599,
                "token_type": "Bearer",
            },
        )
        query = rsps.post(
            QUERY_URL,
            json={
                "rows": [
                    {
                        "keys": ["2026-10-01"],
                        "clicks": 50,
                        "impressions": 2000,
                        "ctr": 0.025,
                        "position": 8.5,
                    }
                ],
                "responseAggregationType": "byProperty",
            },
        )
        with SearchConsoleConnector(settings) as conn:
            records = list(conn.stream(DAY))
    assert [(r["clicks"], r["impressions"]) for r in records] == [(50, 2000)]
    assert query.calls[0].request.headers["Authorization"] == "Bearer fresh-token-not-real"


def test_a_revoked_refresh_token_is_an_authentication_error(settings: dict[str, str]) -> None:
    with responses.RequestsMock() as rsps:
        rsps.post(
            TOKEN_URL,
            status=400,
            json={
                "error": "invalid_grant",
                "error_description": "Token has been expired or revoked.",
            },
        )
        with SearchConsoleConnector(settings) as conn, pytest.raises(AuthenticationError) as caught:
            list(conn.stream(DAY))
    assert "Google refused to refresh the Search Console credentials" in str(caught.value)
    assert "invalid_grant" in caught.value.details["refresh_error"]
    assert caught.value.details["stream"] == "search_totals"
