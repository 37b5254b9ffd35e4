"""Settings of the GA4 connector: which properties, how to authenticate, what to read."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any, ClassVar, Literal, Self, get_args

from partnerkit_google import GoogleSettings
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from partnerkit.connector import check_name, one_or_many

__all__ = [
    "CHANNELS",
    "DEFAULT_CHANNEL_MAP",
    "EARLIEST_DATE",
    "MAX_DIMENSIONS",
    "MAX_METRICS",
    "Channel",
    "CustomReport",
    "Ga4Settings",
]

#: partnerkit's channel vocabulary (the ``channel`` column of the performance record).
Channel = Literal[
    "paid_search",
    "paid_social",
    "organic_search",
    "organic_social",
    "email",
    "referral",
    "direct",
    "display",
    "video",
    "affiliate",
    "offline",
    "other",
]
CHANNELS: tuple[str, ...] = get_args(Channel)

#: GA4's default channel groups (``sessionDefaultChannelGroup``) → partnerkit channels.
#: Unlisted groups map to ``other`` with a warning; ``(not set)`` maps to no channel.
DEFAULT_CHANNEL_MAP: dict[str, Channel] = {
    "Paid Search": "paid_search",
    "Paid Shopping": "paid_search",
    "Paid Social": "paid_social",
    "Paid Video": "video",
    "Paid Other": "other",
    "Display": "display",
    "Cross-network": "other",
    "Organic Search": "organic_search",
    "Organic Shopping": "organic_search",
    "Organic Social": "organic_social",
    "Organic Video": "video",
    "Email": "email",
    "Referral": "referral",
    "Direct": "direct",
    "Affiliates": "affiliate",
    "Audio": "other",
    "SMS": "other",
    "Mobile Push Notifications": "other",
    "Unassigned": "other",
    "(other)": "other",
}

#: The first day the GA4 Data API accepts in a date range.
EARLIEST_DATE = dt.date(2015, 8, 14)
#: The Data API's limits per report request (``date`` counts as a dimension).
MAX_DIMENSIONS = 9
MAX_METRICS = 10

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(:[A-Za-z0-9_.\- ]+)?$")
_PROPERTY = re.compile(r"^(?:properties/)?(\d+)$")


def _api_names(values: list[str], what: str) -> list[str]:
    seen: list[str] = []
    for value in values:
        name = value.strip()
        if not _NAME.match(name):
            raise ValueError(
                f"{what} {value!r} is not a GA4 API name (e.g. 'sessions', 'deviceCategory', "
                "'customEvent:plan', 'keyEvents:generate_lead')"
            )
        if name in seen:
            raise ValueError(f"{what} {name!r} is listed twice")
        seen.append(name)
    return seen


def _at_most(names: list[str], room: int, what: str, limit: str) -> list[str]:
    """``names``, unless there are more than a report has ``room`` for.

    Args:
        names: The dimensions, metrics or events asked for.
        room: How many of them one GA4 report takes.
        what: What they are, for the message (``"metrics"``).
        limit: The GA4 limit behind ``room``, for the message.

    Raises:
        ValueError: More than ``room`` names.
    """
    if len(names) > room:
        raise ValueError(f"{len(names)} {what}; {limit}")
    return names


class CustomReport(BaseModel):
    """A user-defined GA4 report: any dimensions and metrics, by day.

    Names are GA4 API names (``deviceCategory``, ``landingPage``, ``activeUsers``,
    ``customEvent:plan``, ``keyEvents:purchase``). They are checked against the
    property's metadata and its compatibility rules before any report is requested.

    Attributes:
        name: The report's name (``[a-z][a-z0-9_]*``); records carry it in ``level``
            as ``report:<name>``.
        dimensions: Up to 8 dimensions; ``date`` is always added first.
        metrics: 1 to 10 metrics.
        dimension_filter: A GA4 ``FilterExpression`` as JSON
            (``{"filter": {"fieldName": "country", "stringFilter": {"value": "Italy"}}}``).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    dimensions: list[str] = Field(default_factory=list)
    metrics: list[str] = Field(min_length=1)
    dimension_filter: dict[str, Any] | None = None

    @field_validator("name")
    @classmethod
    def _report_name(cls, value: str) -> str:
        return check_name(value, "report name")

    @field_validator("dimensions")
    @classmethod
    def _dimensions(cls, value: list[str]) -> list[str]:
        names = [n for n in _api_names(value, "dimension") if n != "date"]
        return _at_most(
            names,
            MAX_DIMENSIONS - 1,
            "dimensions besides 'date'",
            f"GA4 allows {MAX_DIMENSIONS} per report including 'date', so at most "
            f"{MAX_DIMENSIONS - 1}",
        )

    @field_validator("metrics")
    @classmethod
    def _metrics(cls, value: list[str]) -> list[str]:
        limit = f"GA4 allows at most {MAX_METRICS} per report"
        return _at_most(_api_names(value, "metric"), MAX_METRICS, "metrics", limit)


class Ga4Settings(GoogleSettings):
    """Settings of the ``ga4`` connector; each can come from ``PARTNERKIT_GA4_<FIELD>``.

    Credentials follow Google's conventions, first match wins: ``credentials_file``
    (a service account JSON key file), ``credentials_json`` (the key file's content,
    for secret stores), ``access_token`` (an OAuth token that is used as is, e.g.
    ``gcloud auth print-access-token``; it expires within the hour), and otherwise
    Application Default Credentials (``GOOGLE_APPLICATION_CREDENTIALS``, ``gcloud auth
    application-default login``, or the attached service account on Google Cloud).

    Attributes:
        accounts: The GA4 property ids to read (``"123456789"`` or
            ``"properties/123456789"``).
        credentials_file: Path of a service account JSON key file.
        credentials_json: The content of a service account JSON key file (secret).
        access_token: An OAuth 2.0 access token with the analytics.readonly scope (secret).
        quota_project_id: The Google Cloud project billed for quota (user credentials).
        lead_events: Key events counted as leads (summed into ``leads``); each must be a
            key event of the property.
        channel_map: GA4 default channel group → partnerkit channel, over the defaults.
        custom_reports: User-defined reports, read by the ``custom_reports`` stream.
        chunk_days: Days per report request; longer ranges are split by date.
        page_size: Rows per page (``limit``), at most 250,000.
        start_date: Where a read without a start begins (default: 365 days before its
            end).
        lookback_days: Overrides the 3-day lookback of incremental reads.
        http: Timeouts, retries and pace (docs/http.md); GA4's defaults are a
            120 s timeout and a 300 s retry budget (``max_wait_seconds``). An hourly
            quota is waited for only when that budget is at least an hour.
    """

    http_defaults: ClassVar[Mapping[str, Any]] = {"timeout_seconds": 120.0}

    model_config = SettingsConfigDict(env_prefix="PARTNERKIT_GA4_")

    accounts: list[str] = Field(min_length=1)
    lead_events: list[str] = Field(default_factory=lambda: ["generate_lead"])
    channel_map: dict[str, Channel] = Field(default_factory=dict)
    custom_reports: list[CustomReport] = Field(default_factory=list)
    chunk_days: int = Field(default=30, ge=1, le=366)
    page_size: int = Field(default=25_000, ge=1, le=250_000)
    start_date: dt.date | None = None
    lookback_days: int | None = Field(default=None, ge=0)

    _one_or_many = field_validator("accounts", mode="before")(one_or_many)

    @field_validator("accounts")
    @classmethod
    def _property_ids(cls, value: list[str]) -> list[str]:
        ids: list[str] = []
        for item in value:
            match = _PROPERTY.match(str(item).strip())
            if not match:
                raise ValueError(
                    f"{item!r} is not a GA4 property id: use the numeric id shown in GA4 under "
                    "Admin > Property details (e.g. '123456789'), not a measurement id (G-...)"
                )
            if match.group(1) not in ids:
                ids.append(match.group(1))
        return ids

    @field_validator("lead_events")
    @classmethod
    def _events(cls, value: list[str]) -> list[str]:
        events: list[str] = []
        for item in value:
            name = item.strip()
            if name.startswith(("keyEvents:", "conversions:")):
                name = name.split(":", 1)[1]
            if not re.match(r"^[A-Za-z][A-Za-z0-9_]*$", name):
                raise ValueError(f"lead event {item!r} is not a GA4 event name")
            if name not in events:
                events.append(name)
        # 6 traffic metrics + one per lead event: GA4 allows 10 metrics per report.
        room = MAX_METRICS - 6
        limit = (
            f"the traffic report has room for {room} (GA4 allows {MAX_METRICS} metrics per report)"
        )
        return _at_most(events, room, "lead events", limit)

    @field_validator("start_date")
    @classmethod
    def _not_before_ga4(cls, value: dt.date | None) -> dt.date | None:
        if value is not None and value < EARLIEST_DATE:
            raise ValueError(f"GA4 has no data before {EARLIEST_DATE}")
        return value

    @model_validator(mode="after")
    def _one_credential(self) -> Self:
        given = [
            name
            for name in ("credentials_file", "credentials_json", "access_token")
            if getattr(self, name) is not None
        ]
        if len(given) > 1:
            raise ValueError(f"give one credential, not {' and '.join(given)}")
        names = [r.name for r in self.custom_reports]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"custom report names must be unique: {', '.join(twice)}")
        return self

    def channel_map_in_force(self) -> dict[str, str]:
        """The channel map in force: the defaults overlaid with ``channel_map``."""
        return {**DEFAULT_CHANNEL_MAP, **self.channel_map}
