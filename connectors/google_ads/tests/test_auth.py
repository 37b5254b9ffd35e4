"""Credentials the Google Ads way, loaded by the google-ads library; check().

refresh_flow.yaml: #0 Google's token endpoint (the refresh-token grant the library
makes when it loads OAuth credentials), #1 customer 4567890123's own row, #2 its one
campaign "US | Search | Brand" with a DAILY budget of 120000000 micros (120 USD).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from partnerkit_google_ads import GoogleAdsConnector, GoogleAdsSettings

from partnerkit.connector import ReadRequest
from partnerkit.errors import AuthenticationError, ConfigurationError
from partnerkit.testing import use_cassette
from partnerkit.testing.faults import Fault

Make = Callable[..., GoogleAdsConnector]
OAUTH = {
    "client_id": "test-client-id.apps.googleusercontent.com",
    "client_secret": "test-client-secret",
    "refresh_token": "test-refresh-token",
    "developer_token": "test-developer-token",
}
CAMPAIGNS = ReadRequest(stream="campaigns", accounts=("456-789-0123",))


@pytest.fixture(autouse=True)
def no_ambient_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No GOOGLE_ADS_* variable and no ~/google-ads.yaml of the machine running the tests."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for name in list(os.environ):
        if name.startswith(("GOOGLE_ADS_", "PARTNERKIT_GOOGLE_ADS_")):
            monkeypatch.delenv(name)


def read_campaigns(cassettes: Path, settings: dict[str, object]) -> list[dict[str, object]]:
    with (
        use_cassette(cassettes / "refresh_flow.yaml") as tape,
        GoogleAdsConnector({"accounts": ["4567890123"], **settings}) as conn,
    ):
        records = conn.stream(CAMPAIGNS).to_dicts()
    token_request = tape.requests[0]
    assert token_request.url == "https://accounts.google.com/o/oauth2/token"
    assert token_request.body["grant_type"] == "refresh_token"
    assert token_request.body["refresh_token"] == "test-refresh-token"  # as sent (unscrubbed)
    return records  # type: ignore[return-value]


def test_oauth_settings_refresh_through_the_library(cassettes: Path) -> None:
    records = read_campaigns(cassettes, OAUTH)
    (campaign,) = records
    assert campaign["name"] == "US | Search | Brand"
    assert campaign["daily_budget"] == Decimal("120")
    assert campaign["end_date"] is None  # 2037-12-30: Google's "no end date"


def test_a_google_ads_yaml_file(cassettes: Path, tmp_path: Path) -> None:
    config = tmp_path / "google-ads.yaml"
    config.write_text(
        "\n".join(f"{k}: {v}" for k, v in {**OAUTH, "use_proto_plus": "True"}.items()),
        encoding="utf-8",
    )
    read_campaigns(cassettes, {"config_file": str(config)})


def test_the_librarys_environment_variables(
    cassettes: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in {**OAUTH, "use_proto_plus": "True"}.items():
        monkeypatch.setenv(f"GOOGLE_ADS_{key.upper()}", value)
    read_campaigns(cassettes, {})


def test_a_revoked_refresh_token_is_an_authentication_error(cassettes: Path) -> None:
    revoked = Fault(
        status=400,
        headers={"Content-Type": "application/json; charset=utf-8"},
        body=json.dumps(
            {"error": "invalid_grant", "error_description": "Token has been expired or revoked."}
        ),
    )
    with (
        use_cassette(cassettes / "refresh_flow.yaml", allow_unused=True) as tape,
        GoogleAdsConnector({"accounts": ["4567890123"], **OAUTH}) as conn,
    ):
        tape.replace(0, revoked)
        with pytest.raises(AuthenticationError) as info:
            conn.stream(CAMPAIGNS).to_dicts()
    assert "Token has been expired or revoked" in str(info.value)
    assert "test-refresh-token" not in str(info.value)
    assert "test-client-secret" not in str(info.value)


def test_no_credentials_lists_the_ways_to_give_them() -> None:
    conn = GoogleAdsConnector({"accounts": ["4567890123"]})
    with pytest.raises(ConfigurationError, match=r"google-ads\.yaml.*GOOGLE_ADS_\*"):
        conn.stream(CAMPAIGNS).to_dicts()


def test_half_an_oauth_configuration_names_what_is_missing() -> None:
    conn = GoogleAdsConnector({"accounts": ["4567890123"], "client_id": "x", "client_secret": "y"})
    with pytest.raises(ConfigurationError, match="refresh_token missing"):
        conn.stream(CAMPAIGNS).to_dicts()


def test_secrets_stay_out_of_reprs() -> None:
    settings = GoogleAdsSettings(accounts=["4567890123"], **OAUTH)  # type: ignore[arg-type]
    shown = repr(settings) + str(settings) + settings.model_dump_json()
    for secret in ("test-client-secret", "test-refresh-token", "test-developer-token"):
        assert secret not in shown


def test_check_lists_the_reachable_client_accounts(cassettes: Path, make_connector: Make) -> None:
    with (
        use_cassette(cassettes / "contract" / "check.yaml"),
        make_connector(login_customer_id="1234567890") as conn,
    ):
        result = conn.check()
    assert result.ok
    assert result.accounts == ("2345678901", "3456789012")
    assert result.message == (
        "Google Ads API v26: 2 account(s) reachable through manager 1234567890."
    )


def test_check_without_accounts_fails_cleanly(make_connector: Make) -> None:
    result = make_connector().check()
    assert not result.ok
    assert isinstance(result.error, ConfigurationError)
    assert "accounts" in result.message
