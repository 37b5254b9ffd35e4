"""Settings of the HubSpot connector: credentials, what to read, privacy and limits."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar, Literal, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from partnerkit.connector import HttpConnectorSettings

__all__ = ["ENV_PREFIX", "HubSpotSettings", "StreamName", "UtmField"]

ENV_PREFIX = "PARTNERKIT_HUBSPOT_"

StreamName = Literal[
    "leads", "deals", "activities", "companies", "form_submissions", "marketing_emails"
]
UtmField = Literal["utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term"]

_ALL_STREAMS: tuple[StreamName, ...] = ("leads", "deals")
_PORTAL_ID = re.compile(r"^[0-9]+$")
_PROPERTY_NAME = re.compile(r"^[A-Za-z0-9_]+$")


def _secret(value: SecretStr | None) -> str:
    return value.get_secret_value() if value is not None else ""


class HubSpotSettings(HttpConnectorSettings):
    """Settings of the ``hubspot`` connector; each can come from ``PARTNERKIT_HUBSPOT_<FIELD>``.

    Give either a private-app ``access_token`` or the three OAuth values
    (``client_id``, ``client_secret``, ``refresh_token``). Secrets are
    :class:`~pydantic.SecretStr`: they never show in a repr, a log or an error.

    Attributes:
        access_token: A private app's access token (``pat-...``).
        client_id: The OAuth app's client id (with ``client_secret`` and ``refresh_token``).
        client_secret: The OAuth app's client secret.
        refresh_token: The portal's OAuth refresh token; the connector refreshes
            access tokens itself, through partnerkit's HTTP seam.
        accounts: The portal (Hub ID) this connection reads: at most one, because a
            token belongs to one portal. When given, the connector checks the token
            really belongs to it; when empty, the token's portal is read.
        streams: The streams this connection reads (``leads`` and ``deals`` by
            default; ``activities`` — calls, emails, meetings, notes and tasks —,
            ``companies``, ``form_submissions`` and ``marketing_emails`` (which needs the
            ``content`` scope) on request).
        hash_salt: The secret salt of email and phone hashes; required when
            ``leads`` or ``form_submissions`` is read. Use the same salt as the
            workspace's other lead sources so lead dedup matches people across them.
        keep_raw_email: Also keep the raw email in ``LeadRecord.email`` (off).
        lead_properties: Extra contact properties copied, typed, into ``extra``.
        deal_properties: Extra deal properties copied, typed, into ``extra``.
        utm_properties: Contact properties that hold first-touch UTM values, by UTM
            field (``{"utm_source": "utm_source__c"}``). Without one, the UTM value is
            read from the first page the contact saw (``hs_analytics_first_url``).
        include_archived: Also read archived (deleted) records, as ``is_deleted``.
        timezone: The IANA time zone of read ranges; by default the portal's own.
        lookback_days: Overrides each stream's default lookback (1 day).
        page_size: Records per page of the list endpoints (HubSpot's maximum: 100).
        search_page_size: Records per page of the search endpoints (maximum: 200).
        search_requests_per_second: Client-side pace of CRM search requests
            (HubSpot allows 5 per second per account); ``None`` for no pacing.
        http: Timeouts, retries and pace (docs/http.md). HubSpot's defaults: a 60 s
            timeout, 6 attempts with backoff capped at 30 s, and ordinary requests
            paced at ``requests_per_second`` 9 after a ``burst`` of 10, shared by every
            connection to the portal (HubSpot allows 100 per 10 seconds on the
            smallest plans; ``None`` for no pacing).
    """

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX)
    http_defaults: ClassVar[Mapping[str, Any]] = {
        "timeout_seconds": 60.0,
        "max_attempts": 6,
        "max_delay_seconds": 30.0,
        "requests_per_second": 9.0,
        "burst": 10,
    }

    access_token: SecretStr | None = None
    client_id: str | None = None
    client_secret: SecretStr | None = None
    refresh_token: SecretStr | None = None
    accounts: list[str] = Field(default_factory=list)
    streams: list[StreamName] = Field(default_factory=lambda: list(_ALL_STREAMS), min_length=1)
    hash_salt: SecretStr | None = None
    keep_raw_email: bool = False
    lead_properties: list[str] = Field(default_factory=list)
    deal_properties: list[str] = Field(default_factory=list)
    utm_properties: dict[UtmField, str] = Field(default_factory=dict)
    include_archived: bool = True
    timezone: str | None = None
    lookback_days: int | None = Field(default=None, ge=0)
    page_size: int = Field(default=100, ge=1, le=100)
    search_page_size: int = Field(default=200, ge=1, le=200)
    search_requests_per_second: float | None = Field(default=4.0, gt=0)

    @field_validator("accounts")
    @classmethod
    def _one_portal(cls, value: list[str]) -> list[str]:
        portals = [str(v).strip() for v in value]
        if len(portals) > 1:
            raise ValueError(
                "a HubSpot connection reads one portal (a token belongs to one portal); "
                "add one connection per portal"
            )
        for portal in portals:
            if not _PORTAL_ID.fullmatch(portal):
                raise ValueError(
                    f"{portal!r} is not a HubSpot portal id (the Hub ID: digits only, shown "
                    "in the account menu of HubSpot)"
                )
        return portals

    @field_validator("streams")
    @classmethod
    def _unique_streams(cls, value: list[StreamName]) -> list[StreamName]:
        return list(dict.fromkeys(value))

    @field_validator("lead_properties", "deal_properties")
    @classmethod
    def _property_names(cls, value: list[str]) -> list[str]:
        names = [v.strip() for v in value]
        for name in names:
            if not _PROPERTY_NAME.fullmatch(name):
                raise ValueError(
                    f"{name!r} is not a HubSpot property's internal name (letters, digits "
                    "and underscores, as shown under 'Internal name' in the property settings)"
                )
        return list(dict.fromkeys(names))

    @field_validator("utm_properties")
    @classmethod
    def _utm_property_names(cls, value: dict[UtmField, str]) -> dict[UtmField, str]:
        cleaned = {k: v.strip() for k, v in value.items()}
        for field, name in cleaned.items():
            if not _PROPERTY_NAME.fullmatch(name):
                raise ValueError(f"utm_properties.{field}: {name!r} is not a property name")
        return cleaned

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"{value!r} is not an IANA time zone (e.g. 'Europe/Rome', 'America/New_York')"
            ) from None
        return value

    @model_validator(mode="after")
    def _credentials_and_salt(self) -> Self:
        token = bool(_secret(self.access_token))
        oauth = {
            "client_id": bool(self.client_id),
            "client_secret": bool(_secret(self.client_secret)),
            "refresh_token": bool(_secret(self.refresh_token)),
        }
        if token and any(oauth.values()):
            raise ValueError(
                "give either access_token (a private app) or client_id, client_secret and "
                "refresh_token (an OAuth app), not both"
            )
        if not token and not all(oauth.values()):
            missing = [name for name, given in oauth.items() if not given]
            hint = f"; the OAuth app also needs {', '.join(missing)}" if any(oauth.values()) else ""
            raise ValueError(
                "no HubSpot credentials: set access_token (environment variable "
                f"{ENV_PREFIX}ACCESS_TOKEN) to a private app's token, or client_id, "
                f"client_secret and refresh_token for an OAuth app{hint}"
            )
        hashed = [s for s in self.streams if s in ("leads", "form_submissions")]
        if hashed and not _secret(self.hash_salt):
            raise ValueError(
                f"the {hashed[0]} stream hashes emails and phones: set hash_salt (environment "
                f"variable {ENV_PREFIX}HASH_SALT) to a long random secret, the same as your "
                "other lead sources use; or read only deals with streams: [deals]"
            )
        return self

    @property
    def uses_oauth(self) -> bool:
        """True when the connection authenticates as an OAuth app (refresh token)."""
        return self.access_token is None
