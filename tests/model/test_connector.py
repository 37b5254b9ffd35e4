"""Workspace.connector(): settings, accounts, base_dir and secrets from the environment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from partnerkit.connector import Connector, ConnectorSettings, Notice, ReadRequest, StreamSpec
from partnerkit.errors import ConfigurationError, ConnectorNotFoundError
from partnerkit.model import MissingSecretError, load_workspace
from partnerkit.records import PerformanceRecord, RecordKind
from partnerkit.registry import register_connector, unregister_connector

Writer = Callable[..., Path]


class VaultSettings(ConnectorSettings):
    model_config = SettingsConfigDict(env_prefix="PARTNERKIT_VAULTTEST_")

    api_token: SecretStr
    base_dir: Path
    accounts: list[str] = Field(default_factory=list)
    region: str = "eu"


class VaultConnector(Connector[VaultSettings]):
    name = "vaulttest"
    settings_class = VaultSettings
    streams = (StreamSpec(name="daily", kind=RecordKind.PERFORMANCE),)

    def read(self, request: ReadRequest) -> Iterator[PerformanceRecord | Notice]:
        yield from ()


class PlainSettings(ConnectorSettings):
    model_config = SettingsConfigDict(env_prefix="PARTNERKIT_PLAINTEST_")

    region: str = "eu"


class PlainConnector(Connector[PlainSettings]):
    name = "plaintest"
    settings_class = PlainSettings
    streams = (StreamSpec(name="daily", kind=RecordKind.PERFORMANCE),)

    def read(self, request: ReadRequest) -> Iterator[PerformanceRecord | Notice]:
        yield from ()


@pytest.fixture(autouse=True)
def _registered() -> Iterator[None]:
    register_connector(VaultConnector)
    register_connector(PlainConnector)
    yield
    unregister_connector("vaulttest")
    unregister_connector("plaintest")


WORKSPACE = """
name: Connectors
currency: USD
timezone: UTC
connections:
  - name: echo-main
    connector: echo
    accounts: ["acc-7"]
    settings: {clicks_per_day: 4}
  - name: echo-many
    connector: echo
    accounts: ["acc-1", "acc-2"]
  - name: vault
    connector: vaulttest
    accounts: ["a1", "a2", "a3"]
    settings: {base_dir: data/exports, region: us}
    secrets: {api_token: PARTNERKIT_TEST_VAULT_TOKEN}
  - name: vault-default-dir
    connector: vaulttest
    secrets: {api_token: PARTNERKIT_TEST_VAULT_TOKEN}
  - name: plain
    connector: plaintest
    accounts: ["x"]
  - name: meta
    connector: meta
"""


@pytest.fixture
def folder(tmp_path: Path, write: Writer) -> Path:
    write(WORKSPACE)
    return tmp_path


def test_echo_connector_from_the_installed_plugin(folder: Path) -> None:
    ws = load_workspace(folder)
    with ws.connector("echo-main") as echo:
        assert type(echo).__name__ == "EchoConnector"
        assert echo.settings.account_id == "acc-7"  # type: ignore[attr-defined]
        assert echo.settings.clicks_per_day == 4  # type: ignore[attr-defined]
        rows = echo.stream(stream="daily", start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 2))
        assert [(r["date"], r["account_id"], r["clicks"]) for r in rows] == [  # type: ignore[typeddict-item]
            (dt.date(2026, 3, 1), "acc-7", 4),
            (dt.date(2026, 3, 2), "acc-7", 4),
        ]


def test_one_account_connector_with_many_accounts(folder: Path) -> None:
    ws = load_workspace(folder)
    with pytest.raises(ConfigurationError, match="lists 2 accounts, but the connector 'echo'"):
        ws.connector("echo-many")


def test_secret_from_the_environment(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARTNERKIT_TEST_VAULT_TOKEN", "s3cr3t-value")
    ws = load_workspace(folder)
    vault = ws.connector("vault")
    settings = vault.settings
    assert isinstance(settings, VaultSettings)
    assert settings.api_token.get_secret_value() == "s3cr3t-value"
    assert "s3cr3t-value" not in repr(vault)
    assert settings.base_dir == (folder / "data" / "exports").resolve()
    assert settings.accounts == ["a1", "a2", "a3"]
    assert settings.region == "us"
    # the model keeps only the variable's name
    assert ws.connection("vault").secrets == {"api_token": "PARTNERKIT_TEST_VAULT_TOKEN"}


def test_base_dir_defaults_to_the_workspace_folder(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARTNERKIT_TEST_VAULT_TOKEN", "t")
    settings = load_workspace(folder).connector("vault-default-dir").settings
    assert isinstance(settings, VaultSettings)
    assert settings.base_dir == folder.resolve()
    assert settings.accounts == []


def test_absolute_base_dir_is_kept(
    tmp_path: Path, write: Writer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARTNERKIT_TEST_VAULT_TOKEN", "t")
    elsewhere = tmp_path / "elsewhere"
    write(
        f"""
        name: X
        currency: USD
        timezone: UTC
        connections:
          - name: vault
            connector: vaulttest
            settings: {{base_dir: "{elsewhere.as_posix()}"}}
            secrets: {{api_token: PARTNERKIT_TEST_VAULT_TOKEN}}
        """
    )
    settings = load_workspace(tmp_path).connector("vault").settings
    assert isinstance(settings, VaultSettings)
    assert settings.base_dir == elsewhere


@pytest.mark.parametrize("value", [None, ""])
def test_missing_secret(folder: Path, monkeypatch: pytest.MonkeyPatch, value: str | None) -> None:
    if value is None:
        monkeypatch.delenv("PARTNERKIT_TEST_VAULT_TOKEN", raising=False)
    else:
        monkeypatch.setenv("PARTNERKIT_TEST_VAULT_TOKEN", value)
    ws = load_workspace(folder)
    with pytest.raises(ConfigurationError) as info:
        ws.connector("vault")
    error = info.value
    assert isinstance(error, MissingSecretError)
    assert (error.connection, error.setting, error.variable) == (
        "vault",
        "api_token",
        "PARTNERKIT_TEST_VAULT_TOKEN",
    )
    assert str(error).startswith(
        "Connection 'vault' needs the environment variable PARTNERKIT_TEST_VAULT_TOKEN (for its "
        "setting 'api_token'), and it is not set or empty."
    )


def test_connector_without_an_accounts_setting(folder: Path) -> None:
    with pytest.raises(ConfigurationError, match="has no accounts setting"):
        load_workspace(folder).connector("plain")


def test_unknown_connection(folder: Path) -> None:
    with pytest.raises(ConfigurationError) as info:
        load_workspace(folder).connector("vualt")
    assert str(info.value) == (
        "The workspace has no connection 'vualt'. Did you mean 'vault'? Its connections: "
        "echo-main, echo-many, vault, vault-default-dir, plain, meta."
    )


def test_connector_not_installed(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARTNERKIT_DISABLE_CONNECTORS", "meta")  # as if it were not installed
    with pytest.raises(ConnectorNotFoundError) as info:
        load_workspace(folder).connector("meta")
    assert info.value.provider == "partnerkit-meta"


def test_settings_the_connector_rejects(write: Writer, tmp_path: Path) -> None:
    write(
        """
        name: X
        currency: USD
        timezone: UTC
        connections:
          - {name: e, connector: echo, settings: {clicks_per_day: lots}}
        """
    )
    with pytest.raises(ConfigurationError, match="Invalid settings for connector 'echo'"):
        load_workspace(tmp_path).connector("e")


def test_code_built_workspace_root_is_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from partnerkit.model import Workspace

    monkeypatch.chdir(tmp_path)
    ws = Workspace(name="X", currency="USD", timezone="UTC")
    assert ws.root == tmp_path
    assert ws.file is None
    rooted = Workspace.model_validate(
        {"name": "X", "currency": "USD", "timezone": "UTC"}, context={"root": tmp_path / "w"}
    )
    assert rooted.root == tmp_path / "w"
