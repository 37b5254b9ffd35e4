"""HttpSettings: one spelling of timeouts, retries and pace, handed to the seam."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import pytest
import responses
from pydantic_settings import SettingsConfigDict

from partnerkit import http
from partnerkit.connector import Connector, HttpConnectorSettings, HttpSettings

URL = "https://api.example.test/v1/rows"


class _SlowApiSettings(HttpConnectorSettings):
    model_config = SettingsConfigDict(env_prefix="PARTNERKIT_SLOWAPI_")
    http_defaults: ClassVar[Mapping[str, Any]] = {"timeout_seconds": 120.0, "max_attempts": 6}


class _SlowApi(Connector[_SlowApiSettings]):
    name = "slowapi"
    settings_class = _SlowApiSettings
    streams = ()

    def read(self, request: Any) -> Any:  # pragma: no cover - not read here
        return iter(())


def test_a_connectors_defaults_yield_key_by_key_to_what_the_user_gives(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert _SlowApi().settings.http == HttpSettings(timeout_seconds=120.0, max_attempts=6)
    given = _SlowApi({"http": {"max_attempts": 2}}).settings.http
    assert (given.timeout_seconds, given.max_attempts) == (120.0, 2)
    monkeypatch.setenv("PARTNERKIT_SLOWAPI_HTTP__TIMEOUT_SECONDS", "7.5")
    assert _SlowApi().settings.http.timeout_seconds == 7.5


def test_an_unknown_key_is_refused_by_name() -> None:
    from partnerkit.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match=r"http\.retry_budget"):
        _SlowApi({"http": {"retry_budget": 60}})


def test_the_retry_policy_and_timeout_follow_the_settings() -> None:
    settings = HttpSettings(
        timeout_seconds=900.0,
        connect_timeout_seconds=15.0,
        max_attempts=3,
        base_delay_seconds=2.0,
        max_delay_seconds=8.0,
        max_wait_seconds=20.0,
    )

    policy = settings.retry_policy()

    assert settings.timeout == (15.0, 900.0)
    assert HttpSettings(timeout_seconds=30.0).timeout == 30.0
    assert (policy.max_attempts, policy.base_delay, policy.max_delay, policy.max_total_wait) == (
        3,
        2.0,
        8.0,
        20.0,
    )


@responses.activate
def test_the_seam_sends_the_configured_timeout_unless_the_request_sets_one() -> None:
    responses.get(URL, json={"rows": []})
    settings = HttpSettings(timeout_seconds=12.5, max_attempts=2)
    with http.session("slowapi", settings=settings) as session:
        adapter = session.get_adapter(URL)
        assert isinstance(adapter, http.PartnerkitAdapter)
        assert adapter.policy.max_attempts == 2
        session.get(URL)
        session.get(URL, timeout=3)

    sent = [call.request.req_kwargs["timeout"] for call in responses.calls]
    assert sent == [12.5, 3]


def test_session_and_mount_refuse_a_keyword_the_seam_does_not_take() -> None:
    # one keyword list (http.SeamOptions) for both; a misspelt one is not ignored
    with pytest.raises(TypeError, match="acount"):
        http.session("slowapi", acount="a1")  # type: ignore[call-arg]
    session = http.session("slowapi", account="a1", settings=HttpSettings(timeout_seconds=7.0))
    adapter = session.get_adapter(URL)
    assert isinstance(adapter, http.PartnerkitAdapter)
    assert (adapter.account, adapter.timeout) == ("a1", 7.0)
    session.close()
