"""Ad accounts and the ``campaigns``, ``ad_sets`` and ``ads`` metadata streams.

Budgets come from the Graph API as strings in the currency's minor unit: ``"5000"`` is
50.00 USD but 5,000 JPY (Marketing API "Currencies": offset 100, or 1 for CLP, COP,
CRC, HUF, ISK, IDR, JPY, KRW, PYG, TWD and VND). ``"0"`` means "no budget at this
level" (the other level carries it) and becomes ``None``.

An ad's ``creative.url_tags`` (Ads Manager's "URL parameters") are parsed into
``utm_*``; the dynamic parameters Meta fills per object (``{{campaign.name}}``,
``{{adset.id}}``, ``{{ad.name}}``...) are resolved from the ad's own names and ids,
so the source map can match them. Per-impression ones (``{{site_source_name}}``,
``{{placement}}``) stay as written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, Required
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

from pydantic import AwareDatetime, TypeAdapter
from typing_extensions import TypedDict

from partnerkit.records import CampaignRecord, ExtraValue
from partnerkit_meta._client import GraphClient
from partnerkit_meta._dates import zone
from partnerkit_meta._settings import Level, MetaSettings

__all__ = [
    "ACCOUNT_FIELDS",
    "ACCOUNT_STATUSES",
    "OBJECT_STREAMS",
    "ZERO_DECIMAL_CURRENCIES",
    "AccountInfo",
    "ObjectStream",
    "effective_statuses",
    "object_records",
    "parse_url_tags",
    "read_account",
]

#: Currencies whose budgets Meta counts in whole units (offset 1 instead of 100).
ZERO_DECIMAL_CURRENCIES = frozenset(
    {"CLP", "COP", "CRC", "HUF", "ISK", "IDR", "JPY", "KRW", "PYG", "TWD", "VND"}
)
ACCOUNT_FIELDS = "account_id,name,currency,timezone_name,account_status"
#: ``account_status`` codes (AdAccount reference).
ACCOUNT_STATUSES = {
    1: "ACTIVE",
    2: "DISABLED",
    3: "UNSETTLED",
    7: "PENDING_RISK_REVIEW",
    8: "PENDING_SETTLEMENT",
    9: "IN_GRACE_PERIOD",
    100: "PENDING_CLOSURE",
    101: "CLOSED",
    201: "ANY_ACTIVE",
    202: "ANY_CLOSED",
}


# ------------------------------------------------------------------- accounts


class _AdAccount(TypedDict, total=False):
    id: Required[str]
    account_id: str
    name: str
    currency: Required[str]
    timezone_name: Required[str]
    account_status: int


_ACCOUNT: TypeAdapter[_AdAccount] = TypeAdapter(_AdAccount)


@dataclass(frozen=True)
class AccountInfo:
    """What the connector needs to know about an ad account.

    Attributes:
        id: ``act_<digits>``.
        name: The account's name in Ads Manager.
        currency: ISO 4217 code of its spend, values and budgets.
        timezone: IANA zone its days are counted in.
        status: ``account_status`` (1 is active).
    """

    id: str
    name: str | None
    currency: str
    timezone: str
    status: int | None = None

    @property
    def tz(self) -> ZoneInfo:
        """The account's time zone."""
        return zone(self.timezone)

    @property
    def status_name(self) -> str:
        """``ACTIVE``, ``DISABLED``... (the code itself when unknown)."""
        if self.status is None:
            return "UNKNOWN"
        return ACCOUNT_STATUSES.get(self.status, str(self.status))


def read_account(client: GraphClient) -> AccountInfo:
    """Read an ad account's name, currency, time zone and status (one GET)."""
    data = client.get((client.account,), {"fields": ACCOUNT_FIELDS}, _ACCOUNT)
    zone(data["timezone_name"])  # fail early, naming the zone, if it is unknown here
    return AccountInfo(
        id=client.account,
        name=data.get("name"),
        currency=data["currency"],
        timezone=data["timezone_name"],
        status=data.get("account_status"),
    )


def effective_statuses(level: Level | str) -> list[str]:
    """Every ``effective_status`` the SDK knows for campaigns, ad sets or ads, sorted.

    Filtering on all of them makes Meta include deleted and archived objects, which it
    leaves out by default.
    """
    from partnerkit_meta._sdk import effective_statuses as statuses

    return statuses(level)


# --------------------------------------------------------------- object pages


class _Named(TypedDict, total=False):
    id: str
    name: str


class _Creative(_Named, total=False):
    url_tags: str


class _AttributionSpec(TypedDict, total=False):
    event_type: str
    window_days: int


class _Object(TypedDict, total=False):
    id: Required[str]
    name: str
    campaign_id: str
    adset_id: str
    objective: str
    status: str
    configured_status: str
    effective_status: str
    created_time: AwareDatetime
    updated_time: AwareDatetime
    start_time: AwareDatetime
    stop_time: AwareDatetime
    end_time: AwareDatetime
    daily_budget: Decimal
    lifetime_budget: Decimal
    budget_remaining: Decimal
    bid_strategy: str
    buying_type: str
    optimization_goal: str
    billing_event: str
    attribution_spec: list[_AttributionSpec]
    creative: _Creative
    campaign: _Named
    adset: _Named


class _ObjectPage(TypedDict, total=False):
    data: Required[list[_Object]]
    paging: dict[str, Any]


_OBJECT_PAGE: TypeAdapter[_ObjectPage] = TypeAdapter(_ObjectPage)


@dataclass(frozen=True)
class ObjectStream:
    """One metadata stream: its Graph edge, level and fields.

    Attributes:
        edge: The ad account edge (``campaigns``, ``adsets``, ``ads``).
        meta_level: Meta's name of the object (``campaign``, ``adset``, ``ad``).
        level: The unified record's ``level`` (``campaign``, ``ad_group``, ``ad``).
        fields: The fields asked for.
    """

    edge: str
    meta_level: Literal["campaign", "adset", "ad"]
    level: str
    fields: tuple[str, ...]


_COMMON = ("id", "name", "status", "effective_status", "created_time", "updated_time")
OBJECT_STREAMS: dict[str, ObjectStream] = {
    "campaigns": ObjectStream(
        "campaigns",
        "campaign",
        "campaign",
        (
            *_COMMON,
            "objective",
            "start_time",
            "stop_time",
            "daily_budget",
            "lifetime_budget",
            "budget_remaining",
            "bid_strategy",
            "buying_type",
        ),
    ),
    "ad_sets": ObjectStream(
        "adsets",
        "adset",
        "ad_group",
        (
            *_COMMON,
            "campaign_id",
            "start_time",
            "end_time",
            "daily_budget",
            "lifetime_budget",
            "budget_remaining",
            "optimization_goal",
            "billing_event",
            "bid_strategy",
            "attribution_spec",
        ),
    ),
    "ads": ObjectStream(
        "ads",
        "ad",
        "ad",
        (
            *_COMMON,
            "campaign_id",
            "adset_id",
            "creative{id,name,url_tags}",
            "campaign{name}",
            "adset{name}",
        ),
    ),
}

_SPEC_WINDOWS = {"CLICK_THROUGH": "click", "VIEW_THROUGH": "view", "ENGAGED_VIDEO_VIEW": "ev"}


def _attribution(spec: list[_AttributionSpec] | None) -> str | None:
    """An ad set's ``attribution_spec`` as Meta names the setting: ``7d_click_1d_view``."""
    if not spec:
        return None
    parts: list[tuple[int, str]] = []
    order = {"click": 0, "view": 1, "ev": 2}
    for entry in spec:
        kind = _SPEC_WINDOWS.get(entry.get("event_type", ""))
        days = entry.get("window_days")
        if kind is not None and days:
            parts.append((order[kind], f"{days}d_{kind}"))
    return "_".join(p for _, p in sorted(parts)) or None


def parse_url_tags(url_tags: str | None, macros: dict[str, str | None]) -> dict[str, str]:
    """Parse URL parameters (``utm_source=facebook&utm_campaign={{campaign.name}}``).

    Args:
        url_tags: The creative's ``url_tags``.
        macros: Values of the dynamic parameters Meta fills per object, e.g.
            ``{"campaign.name": "Solar IL"}``; unknown ones stay as written.

    Returns:
        Every parameter, values decoded and known macros resolved.
    """
    if not url_tags:
        return {}
    out: dict[str, str] = {}
    for name, value in parse_qsl(url_tags.lstrip("?&"), keep_blank_values=True):
        for macro, resolved in macros.items():
            if resolved is not None:
                value = value.replace("{{" + macro + "}}", resolved)
        out[name.strip().lower()] = value
    return out


def _budget(value: Decimal | None, currency: str) -> Decimal | None:
    if value is None or value == 0:
        return None
    return value if currency in ZERO_DECIMAL_CURRENCIES else value / 100


def _day(value: dt.datetime | None, tz: ZoneInfo) -> dt.date | None:
    return value.astimezone(tz).date() if value is not None else None


def object_records(
    client: GraphClient, settings: MetaSettings, stream: ObjectStream, account: AccountInfo
) -> Iterator[CampaignRecord]:
    """Read one metadata edge of an ad account into unified campaign records."""
    params: dict[str, Any] = {"fields": ",".join(stream.fields), "limit": settings.page_size}
    if settings.include_deleted:
        params["filtering"] = [
            {
                "field": f"{stream.meta_level}.effective_status",
                "operator": "IN",
                "value": effective_statuses(stream.meta_level),
            }
        ]
    tz = account.tz
    for page in client.pages((account.id, stream.edge), params, _OBJECT_PAGE):
        for item in page["data"]:
            yield _record(item, stream, account, tz)


def _record(
    item: _Object, stream: ObjectStream, account: AccountInfo, tz: ZoneInfo
) -> CampaignRecord:
    currency = account.currency
    extra: dict[str, ExtraValue] = {"configured_status": item.get("status")}
    record: CampaignRecord = {
        "platform": "meta",
        "account_id": account.id,
        "level": stream.level,
        "object_id": item["id"],
        "campaign_id": item["id"] if stream.meta_level == "campaign" else item.get("campaign_id"),
        "name": item.get("name"),
        "status": item.get("effective_status") or item.get("status"),
        "objective": item.get("objective"),
        "created_at": item.get("created_time"),
        "updated_at": item.get("updated_time"),
        "currency": currency,
    }
    if stream.meta_level != "ad":
        daily = _budget(item.get("daily_budget"), currency)
        lifetime = _budget(item.get("lifetime_budget"), currency)
        record["start_date"] = _day(item.get("start_time"), tz)
        record["end_date"] = _day(item.get("stop_time") or item.get("end_time"), tz)
        record["daily_budget"] = daily
        record["lifetime_budget"] = lifetime
        remaining = item.get("budget_remaining")
        extra["budget_remaining"] = (
            _budget(remaining, currency) or Decimal(0)
            if remaining is not None and (daily or lifetime)
            else None
        )
        extra["bid_strategy"] = item.get("bid_strategy")
        if stream.meta_level == "campaign":
            extra["buying_type"] = item.get("buying_type")
        else:
            extra["optimization_goal"] = item.get("optimization_goal")
            extra["billing_event"] = item.get("billing_event")
            extra["attribution"] = _attribution(item.get("attribution_spec"))
    else:
        creative = item.get("creative") or {}
        url_tags = creative.get("url_tags")
        campaign = item.get("campaign") or {}
        adset = item.get("adset") or {}
        macros = {
            "campaign.id": item.get("campaign_id"),
            "campaign.name": campaign.get("name"),
            "adset.id": item.get("adset_id"),
            "adset.name": adset.get("name"),
            "ad.id": item["id"],
            "ad.name": item.get("name"),
        }
        tags = parse_url_tags(url_tags, macros)
        record["url_tags"] = url_tags
        record["utm_source"] = tags.get("utm_source")
        record["utm_medium"] = tags.get("utm_medium")
        record["utm_campaign"] = tags.get("utm_campaign")
        extra["ad_set_id"] = item.get("adset_id")
        extra["creative_id"] = creative.get("id")
        extra["creative_name"] = creative.get("name")
        extra["utm_content"] = tags.get("utm_content")
        extra["utm_term"] = tags.get("utm_term")
    record["extra"] = extra
    return record
