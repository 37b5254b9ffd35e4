"""Settings: credentials the ecosystem's way, the salt, one portal, clear errors."""

from __future__ import annotations

from typing import Any

import pytest
from partnerkit_hubspot import HubSpotConnector, HubSpotSettings

from partnerkit.errors import ConfigurationError

TOKEN = "test-token-not-real"


def make(**settings: Any) -> HubSpotConnector:
    return HubSpotConnector(settings)


def test_everything_can_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARTNERKIT_HUBSPOT_ACCESS_TOKEN", TOKEN)
    monkeypatch.setenv("PARTNERKIT_HUBSPOT_HASH_SALT", "s4lt")
    monkeypatch.setenv("PARTNERKIT_HUBSPOT_ACCOUNTS", '["24681357"]')
    monkeypatch.setenv("PARTNERKIT_HUBSPOT_LEAD_PROPERTIES", '["roof_type"]')
    with HubSpotConnector() as hubspot:
        s = hubspot.settings
    assert s.access_token is not None
    assert s.access_token.get_secret_value() == TOKEN
    assert (s.accounts, s.lead_properties, s.uses_oauth) == (["24681357"], ["roof_type"], False)


def test_no_credentials_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PARTNERKIT_HUBSPOT_ACCESS_TOKEN", raising=False)
    with pytest.raises(ConfigurationError, match="PARTNERKIT_HUBSPOT_ACCESS_TOKEN"):
        make(hash_salt="s")


def test_a_token_and_an_oauth_app_are_exclusive() -> None:
    with pytest.raises(ConfigurationError, match="not both"):
        make(access_token=TOKEN, client_id="c", client_secret="s", refresh_token="r", hash_salt="s")


def test_leads_need_a_salt_deals_do_not() -> None:
    with pytest.raises(ConfigurationError, match="PARTNERKIT_HUBSPOT_HASH_SALT"):
        make(access_token=TOKEN)
    with make(access_token=TOKEN, streams=["deals"]) as deals_only:
        assert [s.name for s in deals_only.enabled_streams()] == ["deals"]


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"accounts": ["24681357", "13579246"]}, "one connection per portal"),
        ({"accounts": ["hub-24681357"]}, "not a HubSpot portal id"),
        ({"timezone": "Jerusalem"}, "not an IANA time zone"),
        ({"lead_properties": ["roof type"]}, "internal name"),
        ({"utm_properties": {"utm_source": "utm source"}}, "not a property name"),
        ({"page_size": 101}, "page_size"),
        ({"search_page_size": 201}, "search_page_size"),
        ({"streams": []}, "streams"),
    ],
)
def test_invalid_settings_are_named(settings: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        make(access_token=TOKEN, hash_salt="s", **settings)


def test_secrets_never_show() -> None:
    settings = HubSpotSettings(
        client_id="c-1",
        client_secret="oauth-secret-value",
        refresh_token="refresh-value",
        hash_salt="salt-value",
    )
    shown = repr(settings) + str(settings) + settings.model_dump_json()
    for secret in ("oauth-secret-value", "refresh-value", "salt-value"):
        assert secret not in shown
    assert settings.uses_oauth
