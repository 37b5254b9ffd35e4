"""Credentials are read the way Google's libraries read them; what is wrong is said plainly."""

import json
from pathlib import Path

import pytest
from google.oauth2 import credentials as oauth2
from partnerkit_search_console import SearchConsoleConnector, SearchConsoleSettings
from partnerkit_search_console._credentials import SCOPES, load_credentials

from partnerkit.errors import ConfigurationError
from partnerkit.testing import use_cassette

SITE = "sc-domain:example.com"
AUTHORIZED_USER = {
    "type": "authorized_user",
    "client_id": "000000000000-example.apps.googleusercontent.com",
    "client_secret": "not-a-real-secret",
    "refresh_token": "not-a-real-refresh-token",
}


def test_an_authorized_user_file_is_read_like_google_reads_it(tmp_path: Path) -> None:
    path = tmp_path / "authorized_user.json"
    path.write_text(json.dumps(AUTHORIZED_USER), encoding="utf-8")
    credentials, refreshable = load_credentials(
        SearchConsoleSettings(site_url=SITE, credentials_file=path)
    )
    assert isinstance(credentials, oauth2.Credentials)
    assert refreshable
    assert credentials.client_id == AUTHORIZED_USER["client_id"]
    assert tuple(credentials.scopes or ()) == SCOPES


def test_the_same_content_from_credentials_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARTNERKIT_SEARCH_CONSOLE_CREDENTIALS_JSON", json.dumps(AUTHORIZED_USER))
    credentials, _refreshable = load_credentials(SearchConsoleSettings(site_url=SITE))
    assert isinstance(credentials, oauth2.Credentials)
    assert credentials.refresh_token == AUTHORIZED_USER["refresh_token"]


def test_a_bare_token_cannot_refresh() -> None:
    credentials, refreshable = load_credentials(
        SearchConsoleSettings(site_url=SITE, access_token="test-token-not-real")
    )
    assert credentials.token == "test-token-not-real"
    assert not refreshable


def test_a_missing_file_fails_the_check_with_how_to_fix_it(tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    with SearchConsoleConnector({"site_url": SITE, "credentials_file": missing}) as conn:
        result = conn.check()
    assert not result.ok
    assert isinstance(result.error, ConfigurationError)
    assert f"credentials_file {str(missing)!r} does not exist" in result.message
    assert "service account JSON key" in result.message


def test_a_file_that_is_not_google_credentials_is_a_configuration_error(tmp_path: Path) -> None:
    path = tmp_path / "other.json"
    path.write_text(json.dumps({"type": "something_else"}), encoding="utf-8")
    with pytest.raises(ConfigurationError, match="neither a service account key nor"):
        load_credentials(SearchConsoleSettings(site_url=SITE, credentials_file=path))
    with pytest.raises(ConfigurationError, match="not JSON"):
        load_credentials(SearchConsoleSettings(site_url=SITE, credentials_json="{oops"))


def test_check_reads_the_property() -> None:
    cassette = Path(__file__).parent / "cassettes" / "contract" / "check.yaml"
    settings = {"site_url": SITE, "access_token": "test-access-token-not-real"}
    with use_cassette(cassette, record=False), SearchConsoleConnector(settings) as conn:
        result = conn.check()
    assert result.ok
    assert result.accounts == (SITE,)
    assert result.message == (
        "The credentials read Search Console property sc-domain:example.com (siteFullUser)."
    )
