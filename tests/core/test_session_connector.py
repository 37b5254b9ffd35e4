"""What HTTP connectors share: SessionConnector, CheckResult.failed, required_secret."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict

from partnerkit.connector import (
    CheckResult,
    ConnectorSettings,
    Notice,
    ReadRequest,
    SessionConnector,
    StreamSpec,
)
from partnerkit.errors import AuthenticationError, ConfigurationError
from partnerkit.records import PerformanceRecord, RecordKind


class _Settings(ConnectorSettings):
    model_config = SettingsConfigDict(env_prefix="PARTNERKIT_SESSION_TEST_")

    api_key: SecretStr | None = None


class _Counted(requests.Session):
    closed = 0

    def close(self) -> None:
        type(self).closed += 1
        super().close()


class _One(SessionConnector[_Settings]):
    name = "session_test"
    settings_class = _Settings
    streams = (StreamSpec.dated("daily", RecordKind.PERFORMANCE, "clicks", lookback_days=1),)
    opened = 0

    def _open_session(self) -> requests.Session:
        type(self).opened += 1
        return _Counted()

    def read(self, request: ReadRequest) -> Iterator[PerformanceRecord | Notice]:
        yield from ()


def test_the_session_opens_on_first_use_once_and_closes_with_the_connector() -> None:
    _One.opened = _Counted.closed = 0
    connector = _One()
    assert _One.opened == 0  # nothing opened by building the connector

    with connector:
        first = connector._http()
        assert connector._http() is first
        assert _One.opened == 1

    assert _Counted.closed == 1


def test_a_connector_that_never_sent_closes_nothing() -> None:
    _One.opened = _Counted.closed = 0
    with _One():
        pass
    assert (_One.opened, _Counted.closed) == (0, 0)


def test_a_failed_check_holds_the_error_its_message_and_the_accounts_reached() -> None:
    error = AuthenticationError("the token expired", api="x", account="a2")

    result = CheckResult.failed(error, ("a1",))

    assert result == CheckResult(
        ok=False, message="the token expired [api=x, account=a2]", accounts=("a1",), error=error
    )
    assert CheckResult.failed(error).accounts == ()


def test_a_required_secret_is_its_text_without_blanks() -> None:
    assert _Settings(api_key=SecretStr(" k3y\n")).required_secret("api_key", "test key") == "k3y"


@pytest.mark.parametrize("value", [None, "", "   "])
def test_a_missing_secret_says_which_setting_and_variable_to_set(value: str | None) -> None:
    settings = _Settings(api_key=None if value is None else SecretStr(value))

    with pytest.raises(ConfigurationError) as caught:
        settings.required_secret("api_key", "test key")

    assert str(caught.value) == (
        "no test key: set api_key (environment variable PARTNERKIT_SESSION_TEST_API_KEY)"
    )


def test_a_check_of_each_account_stops_at_the_first_error_naming_those_reached() -> None:
    refused = AuthenticationError("no access to a3", api="x", account="a3")

    def describe(account: str) -> tuple[str, str]:
        if account == "a3":
            raise refused
        return account, f"{account} (ok)"

    passed = CheckResult.each(["a1", "a2"], describe, lambda d: " / ".join(d))
    failed = CheckResult.each(["a1", "a2", "a3", "a4"], describe, lambda d: " / ".join(d))

    assert passed == CheckResult(ok=True, message="a1 (ok) / a2 (ok)", accounts=("a1", "a2"))
    assert failed == CheckResult.failed(refused, ("a1", "a2"))
