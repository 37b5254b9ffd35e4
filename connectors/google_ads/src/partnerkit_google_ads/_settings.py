"""Settings of the Google Ads connector: accounts, credentials, what to read."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from partnerkit.connector import HttpConnectorSettings, check_name

__all__ = [
    "DEFAULT_LEAD_CATEGORIES",
    "GoogleAdsSettings",
    "Level",
    "normalize_customer_id",
]

Level = Literal["account", "campaign", "ad_group", "ad"]

#: Conversion action categories counted as leads unless ``lead_categories`` says otherwise.
DEFAULT_LEAD_CATEGORIES: tuple[str, ...] = (
    "SUBMIT_LEAD_FORM",
    "CONTACT",
    "BOOK_APPOINTMENT",
    "REQUEST_QUOTE",
    "SIGNUP",
    "PHONE_CALL_LEAD",
)

_CUSTOMER_ID = re.compile(r"^\d{10}$")
#: An enum value name as Google Ads spells it (GAQL literals, lead categories).
ENUM_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
_LEVEL_ALIASES = {"customer": "account"}


def normalize_customer_id(value: Any, what: str = "customer id") -> str:
    """A Google Ads customer id as the API takes it: ten digits, dashes and spaces removed.

    Args:
        value: ``"123-456-7890"``, ``"1234567890"`` or ``1234567890``.
        what: What the id is, for the error message.

    Raises:
        ValueError: It is not ten digits once dashes and spaces are removed.
    """
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(f"{what} must be a string like '123-456-7890', got {value!r}")
    text = re.sub(r"[\s-]", "", str(value))
    if not _CUSTOMER_ID.match(text):
        raise ValueError(
            f"{what} {value!r} is not a Google Ads customer id: it must be ten digits, as "
            "shown at the top of the Google Ads UI (e.g. '123-456-7890')"
        )
    return text


class GoogleAdsSettings(HttpConnectorSettings):
    """Settings; each can come from ``PARTNERKIT_GOOGLE_ADS_<FIELD>``.

    Credentials are looked for in this order: ``access_token``; the inline OAuth
    settings (``client_id``/``client_secret``/``refresh_token``,
    ``json_key_file_path``, ``use_application_default_credentials``);
    ``config_file`` (a ``google-ads.yaml``); the google-ads library's own
    ``GOOGLE_ADS_*`` environment variables; ``~/google-ads.yaml``. The
    ``developer_token`` and ``login_customer_id`` set here win over the ones found
    there.

    Attributes:
        accounts: Customer ids to read (dashes allowed). Empty with a
            ``login_customer_id``: every enabled client account under the manager.
        login_customer_id: The manager (MCC) account the credentials reach the
            clients through; sent as the ``login-customer-id`` header.
        client_depth: How deep under the manager client accounts are listed: 1 for
            direct clients, more for clients of sub-managers.
        developer_token: The Google Ads API developer token (optional for a Google
            Cloud project approved for the API).
        client_id: OAuth client id (installed-app / web flow).
        client_secret: OAuth client secret.
        refresh_token: OAuth refresh token of a user with access to the accounts.
        json_key_file_path: A service account's JSON key file.
        impersonated_email: The user a service account impersonates (domain-wide
            delegation).
        use_application_default_credentials: Use Application Default Credentials.
        access_token: A ready OAuth access token (short-lived; no refresh). For
            tokens minted elsewhere, e.g. by a secret manager.
        config_file: Path of a ``google-ads.yaml`` configuration file.
        api_version: Google Ads API version, e.g. ``"v26"``; default: the newest
            the installed google-ads library supports.
        endpoint: The API's base URL.
        level: Grain of the ``performance`` stream.
        lead_categories: Conversion action categories whose conversions count as
            leads; empty to read no leads.
        lookback_days: Days each incremental read goes back for restated
            conversions (0 to 90; default 14).
        start_date: First day of a read that gives no start (default: two years
            before its end).
        chunk_days: Days one query covers; longer ranges are split.
        conversion_actions: Conversion action ids (the digits of
            ``customers/<id>/conversionActions/<id>``) the ``conversions`` stream reads;
            empty: every action.
        report_streams: The report streams (``keywords``, ``search_terms``,
            ``geography``, ``devices``, ``conversions``) that ``partnerkit pull`` and
            syncs read besides ``performance`` and ``campaigns``; none by default.
            Their rows split the campaigns' spend by another dimension, so they
            overlap the ``performance`` rows.
        custom_queries: Custom GAQL queries by name, read by the ``custom`` stream
            (``options={"query": name}``); each selects ``segments.date`` and is
            checked against GoogleAdsFieldService before it is sent.
        http: Timeouts, retries and pace (docs/http.md); Google Ads' defaults are a
            15 s connect and a 900 s read timeout (a stream of a large account takes
            minutes).
    """

    model_config = SettingsConfigDict(env_prefix="PARTNERKIT_GOOGLE_ADS_")
    http_defaults: ClassVar[Mapping[str, Any]] = {
        "connect_timeout_seconds": 15.0,
        "timeout_seconds": 900.0,
    }

    accounts: list[str] = Field(default_factory=list)
    login_customer_id: str | None = None
    client_depth: int = Field(1, ge=1, le=10)

    developer_token: SecretStr | None = None
    client_id: SecretStr | None = None
    client_secret: SecretStr | None = None
    refresh_token: SecretStr | None = None
    json_key_file_path: Path | None = None
    impersonated_email: str | None = None
    use_application_default_credentials: bool = False
    access_token: SecretStr | None = None
    config_file: Path | None = None

    api_version: str | None = Field(None, pattern=r"^v\d+$")
    endpoint: str = Field("https://googleads.googleapis.com", pattern=r"^https?://[^\s/]+$")
    level: Level = "campaign"
    lead_categories: list[str] = Field(default_factory=lambda: list(DEFAULT_LEAD_CATEGORIES))
    lookback_days: int | None = Field(None, ge=0, le=90)
    start_date: dt.date | None = None
    chunk_days: int = Field(31, ge=1, le=366)
    conversion_actions: list[str] = Field(default_factory=list)
    report_streams: list[
        Literal["keywords", "search_terms", "geography", "devices", "conversions"]
    ] = Field(default_factory=list)
    custom_queries: dict[str, str] = Field(default_factory=dict)

    @field_validator("conversion_actions", mode="before")
    @classmethod
    def _conversion_actions(cls, value: Any) -> Any:
        if isinstance(value, str | int) and not isinstance(value, bool):
            value = [v for v in re.split(r"[\s,]+", str(value)) if v]
        if not isinstance(value, list | tuple):
            return value
        out: list[str] = []
        for item in value:
            text = str(item).strip().rsplit("/", 1)[-1]
            if not text.isdigit():
                raise ValueError(
                    f"conversion action {item!r} is not a conversion action id (digits, or "
                    "a resource name customers/<id>/conversionActions/<id>)"
                )
            if text not in out:
                out.append(text)
        return out

    @field_validator("custom_queries")
    @classmethod
    def _custom_queries(cls, value: dict[str, str]) -> dict[str, str]:
        for name in value:
            check_name(name, "custom query name")
        return value

    @field_validator("accounts", mode="before")
    @classmethod
    def _accounts(cls, value: Any) -> Any:
        if isinstance(value, str | int) and not isinstance(value, bool):
            value = [value]
        if not isinstance(value, list | tuple):
            return value
        out: list[str] = []
        for item in value:
            cid = normalize_customer_id(item, "account")
            if cid not in out:
                out.append(cid)
        return out

    @field_validator("login_customer_id", mode="before")
    @classmethod
    def _login_customer_id(cls, value: Any) -> Any:
        if value is None or value == "":
            return None
        return normalize_customer_id(value, "login_customer_id")

    @field_validator("level", mode="before")
    @classmethod
    def _level(cls, value: Any) -> Any:
        return _LEVEL_ALIASES.get(value, value) if isinstance(value, str) else value

    @field_validator("lead_categories", mode="before")
    @classmethod
    def _lead_categories(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [v for v in re.split(r"[\s,]+", value) if v]
        if not isinstance(value, list | tuple):
            return value
        out: list[str] = []
        for item in value:
            name = str(item).strip().upper()
            if not ENUM_NAME.match(name):
                raise ValueError(
                    f"lead category {item!r} is not a conversion action category name "
                    "such as 'SUBMIT_LEAD_FORM'"
                )
            if name not in out:
                out.append(name)
        return out
