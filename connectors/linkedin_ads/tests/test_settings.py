"""Settings: the token from the environment or a file, the account id, the version."""

import json
from pathlib import Path

import pytest
from partnerkit_linkedin_ads import LinkedInAdsSettings
from pydantic import ValidationError

from partnerkit.errors import ConfigurationError


def test_the_token_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARTNERKIT_LINKEDIN_ADS_ACCESS_TOKEN", "env-token-not-real")
    monkeypatch.setenv("PARTNERKIT_LINKEDIN_ADS_ACCOUNT_ID", "508000001")
    settings = LinkedInAdsSettings()
    assert settings.token() == "env-token-not-real"
    assert "env-token-not-real" not in repr(settings)


def test_the_token_comes_from_a_file_plain_or_json(tmp_path: Path) -> None:
    plain = tmp_path / "token.txt"
    plain.write_text("file-token-not-real\n")
    assert LinkedInAdsSettings(account_id="1", access_token_file=plain).token() == (
        "file-token-not-real"
    )
    answer = tmp_path / "token.json"
    answer.write_text(json.dumps({"access_token": "json-token-not-real", "expires_in": 5183999}))
    assert LinkedInAdsSettings(account_id="1", access_token_file=answer).token() == (
        "json-token-not-real"
    )


def test_no_token_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="ACCESS_TOKEN"):
        LinkedInAdsSettings(account_id="1").token()
    with pytest.raises(ConfigurationError, match="cannot read"):
        LinkedInAdsSettings(account_id="1", access_token_file=tmp_path / "missing").token()
    empty = tmp_path / "empty.json"
    empty.write_text("{}")
    with pytest.raises(ConfigurationError, match="access_token"):
        LinkedInAdsSettings(account_id="1", access_token_file=empty).token()


def test_the_account_id_takes_digits_or_a_urn() -> None:
    urn = LinkedInAdsSettings(account_id="urn:li:sponsoredAccount:508000001")
    assert urn.account_id == "508000001"
    with pytest.raises(ValidationError, match="not a LinkedIn ad account id"):
        LinkedInAdsSettings(account_id="act_123")


def test_the_version_is_yyyymm() -> None:
    assert LinkedInAdsSettings(account_id="1", api_version="202510.01").api_version == "202510.01"
    with pytest.raises(ValidationError, match="YYYYMM"):
        LinkedInAdsSettings(account_id="1", api_version="2025-10")
