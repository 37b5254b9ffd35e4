"""Settings, credentials the Google way, and the read request's checks."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from partnerkit_ga4 import Ga4Connector, Ga4Settings
from partnerkit_ga4._credentials import load_credentials

from partnerkit.connector import ReadRequest
from partnerkit.errors import ConfigurationError

TOKEN = "test-access-token-not-real"


def settings(**fields) -> Ga4Settings:
    return Ga4Settings(**{"accounts": ["123456789"], **fields})


def test_property_ids_are_normalised_and_measurement_ids_refused() -> None:
    assert settings(accounts=["properties/123", "456", "123"]).accounts == ["123", "456"]
    assert settings(accounts="789").accounts == ["789"]
    with pytest.raises(ConfigurationError, match="not a GA4 property id") as info:
        Ga4Connector({"accounts": ["G-ABC123XYZ9"]})
    assert "accounts" in str(info.value)


def test_one_credential_at_most() -> None:
    with pytest.raises(ConfigurationError, match="give one credential"):
        Ga4Connector({"accounts": ["1"], "access_token": TOKEN, "credentials_file": "key.json"})


def test_lead_events() -> None:
    assert settings(lead_events=["keyEvents:generate_lead", "form_submit"]).lead_events == [
        "generate_lead",
        "form_submit",
    ]
    with pytest.raises(ValueError, match="room for 4"):
        settings(lead_events=["a", "b", "c", "d", "e"])
    with pytest.raises(ValueError, match="not a GA4 event name"):
        settings(lead_events=["book a demo"])


def test_custom_report_limits() -> None:
    with pytest.raises(ValueError, match="at most 8"):
        settings(
            custom_reports=[
                {"name": "wide", "dimensions": [f"d{i}" for i in range(9)], "metrics": ["sessions"]}
            ]
        )
    with pytest.raises(ValueError, match="at most 10"):
        settings(custom_reports=[{"name": "many", "metrics": [f"m{i}" for i in range(11)]}])
    with pytest.raises(ValueError, match="listed twice"):
        settings(custom_reports=[{"name": "dup", "metrics": ["sessions", "sessions"]}])
    with pytest.raises(ValueError, match="must be unique"):
        settings(custom_reports=[{"name": "a", "metrics": ["sessions"]}] * 2)
    with pytest.raises(ValueError, match="lower case"):
        settings(custom_reports=[{"name": "Landing Pages", "metrics": ["sessions"]}])
    # "date" is always the first dimension: listing it is harmless
    report = settings(
        custom_reports=[{"name": "d", "dimensions": ["date", "country"], "metrics": ["sessions"]}]
    )
    assert report.custom_reports[0].dimensions == ["country"]


def test_secrets_never_show(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARTNERKIT_GA4_ACCOUNTS", '["123456789"]')
    monkeypatch.setenv("PARTNERKIT_GA4_ACCESS_TOKEN", TOKEN)
    connector = Ga4Connector()
    assert connector.settings.accounts == ["123456789"]
    for text in (repr(connector), str(connector.settings), connector.settings.model_dump_json()):
        assert TOKEN not in text


def test_requested_properties_must_be_configured(make) -> None:
    with (
        make() as connector,
        pytest.raises(ConfigurationError, match="not in the connector's accounts"),
    ):
        list(connector.read(ReadRequest(stream="traffic", accounts=("999",))))


def test_unknown_options_are_refused(make) -> None:
    with make() as connector, pytest.raises(ConfigurationError, match="Unknown option"):
        list(connector.read(ReadRequest(stream="traffic", options={"dimensions": ["country"]})))


def test_lookback_defaults_to_three_days_and_is_configurable(make) -> None:
    assert make().lookback("traffic") == dt.timedelta(days=3)
    assert make(lookback_days=7).lookback("custom_reports") == dt.timedelta(days=7)


# ------------------------------------------------------------------ credentials


def test_a_missing_key_file_is_named() -> None:
    with pytest.raises(ConfigurationError, match="does not exist"):
        load_credentials(settings(credentials_file="/nowhere/key.json"))


def test_a_key_that_is_not_a_service_account_is_refused(tmp_path: Path) -> None:
    user = {"type": "authorized_user", "client_id": "x", "client_secret": "y", "refresh_token": "z"}
    key = tmp_path / "key.json"
    key.write_text(json.dumps(user))
    with pytest.raises(ConfigurationError, match="application-default login"):
        load_credentials(settings(credentials_file=str(key)))
    with pytest.raises(ConfigurationError, match="is not JSON"):
        load_credentials(settings(credentials_json="{not json"))


def test_no_credentials_at_all_says_how_to_provide_them(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Application Default Credentials honour GOOGLE_APPLICATION_CREDENTIALS first: a
    # missing file fails at once, without looking for a metadata server
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "missing.json"))
    with pytest.raises(ConfigurationError, match="GOOGLE_APPLICATION_CREDENTIALS"):
        load_credentials(settings())


def test_check_reports_a_credentials_problem_as_a_failed_result() -> None:
    connector = Ga4Connector({"accounts": ["1"], "credentials_file": "/nowhere/key.json"})
    result = connector.check()
    assert not result.ok
    assert isinstance(result.error, ConfigurationError)


def test_an_access_token_is_used_as_is_with_the_quota_project() -> None:
    credentials = load_credentials(settings(access_token=TOKEN, quota_project_id="billing-proj"))
    assert credentials.token == TOKEN  # type: ignore[attr-defined]
    assert credentials.quota_project_id == "billing-proj"
