"""searchStream answers → flat unified records, a page at a time.

A ``searchStream`` answer is a JSON array of batches (up to 10,000 rows each)::

    [{"results": [{"customer": {...}, "campaign": {...}, "segments": {"date": "2026-10-01"},
                   "metrics": {"impressions": "1204", "costMicros": "48210000",
                               "conversions": 2.5, "conversionsValue": 310.0}}],
      "fieldMask": "customer.id,...,metrics.allConversions",
      "requestId": "...", "queryResourceConsumption": "366"}]

Field names are the REST interface's camelCase (the library's descriptors give each
one; a test checks these types against them), ``int64`` values are JSON strings,
``double`` values JSON numbers, enums their names; a query with no rows answers one
batch without ``results``.

The whole answer is validated in one call (:data:`BATCHES`, pydantic-core's JSON
parser into plain dicts: no SDK message and no model object per row), which also
turns the int64 strings into ints and the dates into :class:`datetime.date`; a row
that does not fit fails with its position. The rows are then flattened into
records with plain dict look-ups. Micros become :class:`~decimal.Decimal` here,
once (``Decimal(micros).scaleb(-6)``: exact, whatever the currency's minor unit).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NotRequired
from urllib.parse import parse_qsl

from pydantic import TypeAdapter, ValidationError
from typing_extensions import TypedDict

from partnerkit.errors import DataError, PageShapeError, ResponseShapeError
from partnerkit_google_ads._auth import API
from partnerkit_google_ads._settings import Level

__all__ = [
    "BATCHES",
    "PLATFORM",
    "RAW_BATCHES",
    "Batch",
    "CustomerInfo",
    "RawBatch",
    "Row",
    "campaign_record",
    "channel_of",
    "customer_from_client_row",
    "customer_from_row",
    "micros",
    "parse_batches",
    "performance_record",
    "row_key",
    "rows",
    "utm_values",
]

PLATFORM = "google_ads"
_MICROS = -6
_NO_END = "2037-12-30"  # Google Ads' end date of a campaign that runs indefinitely


class _Customer(TypedDict, total=False):
    id: str
    descriptiveName: str
    currencyCode: str
    timeZone: str
    manager: bool


class _CustomerClient(_Customer, total=False):
    level: int
    status: str


class _CustomParameter(TypedDict, total=False):
    key: str
    value: str


class _Campaign(TypedDict, total=False):
    id: str
    name: str
    status: str
    advertisingChannelType: str
    startDateTime: str
    endDateTime: str
    finalUrlSuffix: str
    trackingUrlTemplate: str
    urlCustomParameters: list[_CustomParameter]


class _CampaignBudget(TypedDict, total=False):
    amountMicros: int
    totalAmountMicros: int
    period: str


class _AdGroup(TypedDict, total=False):
    id: str
    name: str
    status: str


class _Ad(TypedDict, total=False):
    id: str
    name: str


class _AdGroupAd(TypedDict, total=False):
    ad: _Ad
    status: str


class _Metrics(TypedDict, total=False):
    impressions: int
    clicks: int
    costMicros: int
    conversions: float
    conversionsValue: float
    allConversions: float


class _Segments(TypedDict, total=False):
    date: dt.date
    conversionActionCategory: str


class Row(TypedDict, total=False):
    """One ``GoogleAdsRow`` with the resources the connector selects."""

    customer: _Customer
    customerClient: _CustomerClient
    campaign: _Campaign
    campaignBudget: _CampaignBudget
    adGroup: _AdGroup
    adGroupAd: _AdGroupAd
    metrics: _Metrics
    segments: _Segments


class _Envelope(TypedDict):
    """What a ``SearchGoogleAdsStreamResponse`` holds besides its rows."""

    fieldMask: NotRequired[str]
    requestId: NotRequired[str]
    queryResourceConsumption: NotRequired[str]
    error: NotRequired[dict[str, Any]]


class Batch(_Envelope):
    """One ``SearchGoogleAdsStreamResponse`` of the answer's array."""

    results: NotRequired[list[Row]]


#: Validates a whole searchStream answer in one call.
BATCHES: TypeAdapter[list[Batch]] = TypeAdapter(list[Batch])


class RawBatch(_Envelope):
    """A ``SearchGoogleAdsStreamResponse`` whose rows are kept as the JSON sent them.

    The report streams (keywords, search terms, ..., custom GAQL) type each value
    from the field's metadata instead of a fixed row type (:mod:`._reports`).
    """

    results: NotRequired[list[dict[str, Any]]]


#: Validates a searchStream answer's envelope, leaving each row a plain dict.
RAW_BATCHES: TypeAdapter[list[RawBatch]] = TypeAdapter(list[RawBatch])


def _shape_error(
    problem: PageShapeError, account: str | None, request: str | None
) -> ResponseShapeError:
    return ResponseShapeError.of(
        "Google Ads searchStream", problem, api=API, account=account, request=request
    )


def _is_envelope(loc: tuple[int | str, ...]) -> bool:
    """Whether a validation error is about the answer's shape, not a field of a row.

    The answer, a batch, a batch's ``results`` and a row that is not an object are
    the shape; a row's own fields are data.
    """
    return len(loc) <= 2 or (len(loc) == 3 and loc[1] == "results")


def _batch_problem(batches: list[Any]) -> PageShapeError | None:
    """The mismatch (returned, not raised) when the batches are not a searchStream answer.

    The API always answers with at least one batch, and every batch that is not the
    stream's error carries its ``fieldMask`` and ``requestId``: a query without rows
    answers one such batch without ``results``. So ``[]``, ``[{}]`` or a batch of
    bare ``results`` is not an empty result but a broken answer.
    """
    if not batches:
        return PageShapeError(
            "",
            "at least one batch (an empty result is one batch with fieldMask and requestId)",
            "an empty JSON array",
        )
    for i, batch in enumerate(batches):
        if not isinstance(batch, dict) or "error" in batch:
            continue
        missing = [key for key in ("fieldMask", "requestId") if key not in batch]
        if missing:
            return PageShapeError(
                f"[{i}]",
                "a batch with fieldMask and requestId, which the API always sends",
                ResponseShapeError.without(batch),
            )
    return None


def parse_batches(
    content: bytes,
    *,
    source: str,
    account: str | None = None,
    request: str | None = None,
    adapter: TypeAdapter[Any] = BATCHES,
) -> list[Any]:
    """Check a searchStream answer's shape, then validate it.

    Args:
        content: The response body.
        source: What was read (customer and query), for a row's error.
        account: The customer, for a shape error.
        request: ``POST <url>``, for a shape error.
        adapter: :data:`BATCHES` (typed rows) or :data:`RAW_BATCHES` (rows as sent).

    Raises:
        ResponseShapeError: The body is JSON but not a searchStream answer: not an
            array, no batch, a batch that is not an object or lacks ``fieldMask`` /
            ``requestId``, ``results`` that are not a list, a row that is not an
            object. Checked before any row is read.
        DataError: The body is not JSON or a row's field does not fit; names the row
            (1-based, counted over the whole answer) and the field.
    """
    found = ResponseShapeError.top_level(content, b"[")
    if found is not None:
        raise _shape_error(PageShapeError("", "a JSON array of batches", found), account, request)
    try:
        batches: list[Any] = adapter.validate_json(content)
    except ValidationError as exc:
        errors = exc.errors()
        envelope = next(
            (e for e in errors if e["type"] != "json_invalid" and _is_envelope(e["loc"])), None
        )
        if envelope is not None:
            loc = envelope["loc"]
            where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")
            if len(loc) == 3:
                expected = "a row object"
            elif loc[-1:] == ("results",):
                expected = "a JSON array of rows"
            elif len(loc) == 2:
                expected = f"a value that fits ({envelope['msg']})"
            else:
                expected = "a JSON array of batches" if not loc else "a batch object"
            found = ResponseShapeError.describe(envelope.get("input"))
            raise _shape_error(PageShapeError(where, expected, found), account, request) from None
        if errors[0]["type"] != "json_invalid":
            problem = _batch_problem(json.loads(content))
            if problem is not None:
                raise _shape_error(problem, account, request) from None
        err = errors[0]
        path = list(err["loc"])
        row: int | None = None
        if len(path) >= 3 and path[1] == "results" and isinstance(path[2], int):
            row = path[2] + 1
            path = path[3:]
        raise DataError(
            f"The Google Ads API sent an answer that does not fit: {err['msg']}",
            source=source,
            row=row,
            column=".".join(str(p) for p in path) or None,
            value=err.get("input") if err["type"] != "json_invalid" else None,
        ) from None
    problem = _batch_problem(batches)
    if problem is not None:
        raise _shape_error(problem, account, request)
    return batches


def rows(batches: list[Batch]) -> Iterator[Row]:
    """Every row of every batch, in order."""
    for batch in batches:
        yield from batch.get("results", ())


def micros(value: int | None) -> Decimal | None:
    """Micros (millionths of the currency unit) as an exact Decimal; ``None`` stays ``None``."""
    return None if value is None else Decimal(value).scaleb(_MICROS)


def _money(value: float | None) -> Decimal | None:
    """A double amount (``conversionsValue``) as the Decimal of its shortest repr."""
    return None if value is None else Decimal(repr(value))


#: advertising_channel_type → partnerkit's channel vocabulary.
_CHANNELS = {
    "SEARCH": "paid_search",
    "SHOPPING": "paid_search",
    "HOTEL": "paid_search",
    "TRAVEL": "paid_search",
    "LOCAL_SERVICES": "paid_search",
    "DISPLAY": "display",
    "DEMAND_GEN": "display",
    "DISCOVERY": "display",
    "VIDEO": "video",
    "PERFORMANCE_MAX": "other",
    "MULTI_CHANNEL": "other",
    "LOCAL": "other",
    "SMART": "other",
}


def channel_of(channel_type: str | None) -> str | None:
    """Partnerkit's channel for an advertising channel type (``None`` when unknown)."""
    if channel_type is None:
        return None
    return _CHANNELS.get(channel_type, "other")


@dataclass(frozen=True)
class CustomerInfo:
    """A customer account to read, with what its rows are interpreted by.

    Attributes:
        id: Ten digits.
        name: Its descriptive name.
        currency: ISO 4217 code of its money.
        time_zone: IANA zone its dates are in.
        manager: Whether it is a manager (MCC) account (which has no metrics).
    """

    id: str
    name: str | None
    currency: str | None
    time_zone: str | None
    manager: bool = False


def customer_from_row(row: Row) -> CustomerInfo:
    """A customer from a ``FROM customer`` row."""
    customer = row.get("customer", {})
    return CustomerInfo(
        id=customer.get("id", ""),
        name=customer.get("descriptiveName"),
        currency=customer.get("currencyCode"),
        time_zone=customer.get("timeZone"),
        manager=customer.get("manager", False),
    )


def customer_from_client_row(row: Row) -> CustomerInfo:
    """A client account from a ``FROM customer_client`` row."""
    client = row.get("customerClient", {})
    return CustomerInfo(
        id=client.get("id", ""),
        name=client.get("descriptiveName"),
        currency=client.get("currencyCode"),
        time_zone=client.get("timeZone"),
        manager=client.get("manager", False),
    )


def row_key(row: Row, level: Level) -> tuple[Any, ...]:
    """The day and object a row is about, to merge lead rows onto performance rows."""
    day = row.get("segments", {}).get("date")
    if level == "account":
        return (day, row.get("customer", {}).get("id"))
    if level == "campaign":
        return (day, row.get("campaign", {}).get("id"))
    ad_group = row.get("adGroup", {}).get("id")
    if level == "ad_group":
        return (day, ad_group)
    return (day, ad_group, row.get("adGroupAd", {}).get("ad", {}).get("id"))


def performance_record(row: Row, level: Level, customer: CustomerInfo) -> dict[str, Any]:
    """One performance row as a unified performance record (``leads`` is set by the caller)."""
    own = row.get("customer", {})
    metrics = row.get("metrics", {})
    record: dict[str, Any] = {
        "date": row.get("segments", {}).get("date"),
        "platform": PLATFORM,
        "account_id": own.get("id") or customer.id,
        "account_name": own.get("descriptiveName", customer.name),
        "level": level,
        "source": "google",
        "medium": "cpc",
        "currency": own.get("currencyCode", customer.currency),
        "timezone": own.get("timeZone", customer.time_zone),
        "impressions": metrics.get("impressions"),
        "clicks": metrics.get("clicks"),
        "spend": micros(metrics.get("costMicros")),
        "conversions": metrics.get("conversions"),
        "conversion_value": _money(metrics.get("conversionsValue")),
        "all_conversions": metrics.get("allConversions"),
    }
    extra: dict[str, Any] = {}
    if level != "account":
        campaign = row.get("campaign", {})
        channel_type = campaign.get("advertisingChannelType")
        record["campaign_id"] = campaign.get("id")
        record["campaign_name"] = campaign.get("name")
        record["channel"] = channel_of(channel_type)
        extra["campaign_status"] = campaign.get("status")
        extra["advertising_channel_type"] = channel_type
    if level in ("ad_group", "ad"):
        ad_group = row.get("adGroup", {})
        record["ad_group_id"] = ad_group.get("id")
        record["ad_group_name"] = ad_group.get("name")
        extra["ad_group_status"] = ad_group.get("status")
    if level == "ad":
        ad_group_ad = row.get("adGroupAd", {})
        ad = ad_group_ad.get("ad", {})
        record["ad_id"] = ad.get("id")
        record["ad_name"] = ad.get("name")
        extra["ad_status"] = ad_group_ad.get("status")
    record["extra"] = {k: v for k, v in extra.items() if v is not None}
    return record


# ---------------------------------------------------------------- campaign metadata

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_UTM = ("utm_source", "utm_medium", "utm_campaign")


def _query_of(url: str) -> str:
    """The query part of a URL, template or bare suffix (``a=1&b=2``)."""
    if "?" in url:
        url = url.split("?", 1)[1]
    return url.split("#", 1)[0]


def _resolve(value: str, parameters: Mapping[str, str], campaign_id: str | None) -> str:
    """Fill ``{_custom}`` parameters and ``{campaignid}``; leave other ValueTrack tags."""

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.startswith("_") and name[1:] in parameters:
            return parameters[name[1:]]
        if name.lower() == "campaignid" and campaign_id:
            return campaign_id
        return match.group(0)

    return _PLACEHOLDER.sub(fill, value)


def utm_values(
    suffix: str | None,
    template: str | None,
    parameters: Mapping[str, str],
    campaign_id: str | None,
) -> dict[str, str]:
    """``utm_*`` values from the final URL suffix, then the tracking template.

    The suffix wins where both set a value (it is part of the landing URL the
    template wraps). Custom parameters (``{_name}``) and ``{campaignid}`` are filled.
    """
    found: dict[str, str] = {}
    for text in (suffix, template):
        if not text:
            continue
        for name, value in parse_qsl(_query_of(text), keep_blank_values=False):
            key = name.lower()
            if key in _UTM and key not in found:
                found[key] = _resolve(value, parameters, campaign_id)
    return found


def _day(value: str | None) -> dt.date | None:
    if not value or value.startswith(_NO_END):
        return None
    return dt.date.fromisoformat(value[:10])


def campaign_record(row: Row, customer: CustomerInfo) -> dict[str, Any]:
    """One campaign row as a unified campaign record."""
    own = row.get("customer", {})
    campaign = row.get("campaign", {})
    budget = row.get("campaignBudget", {})
    parameters = {
        p["key"]: p.get("value", "") for p in campaign.get("urlCustomParameters", []) if "key" in p
    }
    campaign_id = campaign.get("id")
    suffix = campaign.get("finalUrlSuffix")
    template = campaign.get("trackingUrlTemplate")
    utm = utm_values(suffix, template, parameters, campaign_id)
    daily = budget.get("amountMicros") if budget.get("period") == "DAILY" else None
    extra: dict[str, Any] = {
        "advertising_channel_type": campaign.get("advertisingChannelType"),
        "tracking_url_template": template,
        "budget_period": budget.get("period"),
    }
    return {
        "platform": PLATFORM,
        "account_id": own.get("id") or customer.id,
        "level": "campaign",
        "object_id": campaign_id,
        "campaign_id": campaign_id,
        "name": campaign.get("name"),
        "status": campaign.get("status"),
        "objective": campaign.get("advertisingChannelType"),
        "start_date": _day(campaign.get("startDateTime")),
        "end_date": _day(campaign.get("endDateTime")),
        "daily_budget": micros(daily),
        "lifetime_budget": micros(budget.get("totalAmountMicros")),
        "currency": own.get("currencyCode", customer.currency),
        "utm_source": utm.get("utm_source"),
        "utm_medium": utm.get("utm_medium"),
        "utm_campaign": utm.get("utm_campaign"),
        "url_tags": suffix,
        "extra": {k: v for k, v in extra.items() if v is not None},
    }
