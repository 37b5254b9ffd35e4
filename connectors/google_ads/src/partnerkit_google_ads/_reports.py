"""Report streams: keywords, search terms, geography, devices, conversions by action, custom GAQL.

Each is a :class:`Plan`: a GAQL query and where each selected field lands in a
performance record. The fields a record always has (the day, the customer, the
campaign and ad group, the standard metrics) go into their unified columns; the
values that split a row further (a keyword, a search term, a country, a device, a
conversion action) make up ``segment`` (``name=value|name=value``, a key column, so
two rows that differ only by them never share a ``record_id``) and are kept in
``extra`` too; every other value goes into ``extra``, documented by a
``column_metadata`` notice that says whether it may be summed.

Values are typed from the field's metadata, never guessed from the JSON:
``INT64`` (a JSON string) becomes an ``int``, a ``*_micros`` field (or one of the
``DOUBLE`` averages Google Ads sends in micros) an exact :class:`~decimal.Decimal`
in the account's currency, ``ENUM`` its name, ``DATE`` a :class:`datetime.date`.
For the built-in streams the metadata comes from the installed library's
descriptors; for a custom query from the API's ``GoogleAdsFieldService``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property
from typing import Any

from partnerkit.connector import Notice
from partnerkit.errors import ConfigurationError, DataError, UnknownFieldError
from partnerkit.records import Additivity, Role
from partnerkit_google_ads import _schema
from partnerkit_google_ads._gaql import CUSTOMER_FIELDS, FIELD_NAME, METRICS, Condition, Query
from partnerkit_google_ads._parse import PLATFORM, CustomerInfo, channel_of

__all__ = [
    "CUSTOM_LEVEL",
    "REPORTS",
    "FieldMeta",
    "Plan",
    "UnselectableFieldError",
    "conversions_plan",
    "custom_plan",
    "fields_query",
    "parse_custom_query",
    "raw_rows",
    "records",
]

CUSTOM_LEVEL = "custom"
_MICROS = -6

# Metrics Google Ads sends as DOUBLE in micros of the account currency.
_MICROS_DOUBLES = frozenset(
    {
        "metrics.average_cost",
        "metrics.average_cpc",
        "metrics.average_cpe",
        "metrics.average_cpm",
        "metrics.average_cpv",
        "metrics.average_target_cpa_micros",
        "metrics.cost_per_all_conversions",
        "metrics.cost_per_conversion",
        "metrics.cost_per_current_model_attributed_conversion",
        "metrics.active_view_cpm",
    }
)

# Metrics that may be summed across rows and days. Any other metric (rates, shares,
# averages, scores, costs per action) is non-additive: refusing a sum is safer than
# a wrong one.
_ADDITIVE = frozenset(
    {
        *METRICS,  # the metrics every built-in report reads: all counts and sums
        "metrics.all_conversions_value",
        "metrics.view_through_conversions",
        "metrics.conversions_by_conversion_date",
        "metrics.conversions_value_by_conversion_date",
        "metrics.all_conversions_by_conversion_date",
        "metrics.all_conversions_value_by_conversion_date",
        "metrics.current_model_attributed_conversions",
        "metrics.current_model_attributed_conversions_value",
        "metrics.interactions",
        "metrics.engagements",
        "metrics.video_views",
        "metrics.video_trueview_views",
        "metrics.phone_calls",
        "metrics.phone_impressions",
        "metrics.invalid_clicks",
        "metrics.active_view_impressions",
        "metrics.active_view_measurable_impressions",
        "metrics.active_view_measurable_cost_micros",
        "metrics.orders",
        "metrics.units_sold",
        "metrics.revenue_micros",
        "metrics.gross_profit_micros",
        "metrics.cost_of_goods_sold_micros",
    }
)

#: GAQL field -> the unified performance column it fills.
_CORE: dict[str, str] = {
    "segments.date": "date",
    "customer.id": "account_id",
    "customer.descriptive_name": "account_name",
    "customer.currency_code": "currency",
    "customer.time_zone": "timezone",
    "campaign.id": "campaign_id",
    "campaign.name": "campaign_name",
    "ad_group.id": "ad_group_id",
    "ad_group.name": "ad_group_name",
    "ad_group_ad.ad.id": "ad_id",
    "ad_group_ad.ad.name": "ad_name",
    "metrics.impressions": "impressions",
    "metrics.clicks": "clicks",
    "metrics.cost_micros": "spend",
    "metrics.conversions": "conversions",
    "metrics.conversions_value": "conversion_value",
    "metrics.all_conversions": "all_conversions",
}
_IDS = frozenset({"account_id", "campaign_id", "ad_group_id", "ad_id"})

# The library's descriptor types as GoogleAdsFieldService names them.
_DATA_TYPES = {
    "int64": "INT64",
    "uint64": "UINT64",
    "int32": "INT32",
    "uint32": "INT32",
    "sint32": "INT32",
    "sint64": "INT64",
    "double": "DOUBLE",
    "float": "FLOAT",
    "bool": "BOOLEAN",
    "enum": "ENUM",
    "string": "STRING",
    "message": "MESSAGE",
}
_DATE_SEGMENTS = frozenset({"segments.date", "segments.week", "segments.month", "segments.quarter"})


class UnselectableFieldError(ConfigurationError):
    """A field of a custom GAQL query that GoogleAdsFieldService marks not selectable.

    Attributes:
        field: The field, e.g. ``campaign.url_custom_parameters.key``.
        query: The name of the custom query in the ``custom_queries`` setting.
        version: The API version asked.
    """

    def __init__(self, field: str, query: str, version: str) -> None:
        self.field = field
        self.query = query
        self.version = version
        super().__init__(
            f"custom_queries[{query!r}]: the field {field!r} cannot be selected (Google Ads "
            f"API {version}'s GoogleAdsFieldService says selectable = false); it can only be "
            "filtered on or is a resource's part. Remove it from the SELECT clause."
        )


@dataclass(frozen=True)
class FieldMeta:
    """What a selected field is, as its metadata says.

    Attributes:
        name: The GAQL name.
        category: ``ATTRIBUTE``, ``SEGMENT``, ``METRIC`` or ``RESOURCE``.
        data_type: ``INT64``, ``DOUBLE``, ``ENUM``, ``DATE``, ``STRING`` ...
        repeated: Whether it is a list.
    """

    name: str
    category: str
    data_type: str
    repeated: bool = False

    @cached_property
    def json_path(self) -> tuple[str, ...]:
        """How the REST interface nests and spells it (protobuf's JSON names)."""
        return tuple(
            re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), p) for p in self.name.split(".")
        )

    @cached_property
    def money(self) -> bool:
        """Whether the value is micros of the account currency."""
        return self.name.endswith("_micros") or self.name in _MICROS_DOUBLES

    @property
    def additivity(self) -> Additivity:
        """Whether the metric may be summed; ``n/a`` for what is not a metric."""
        if self.category != "METRIC":
            return Additivity.NOT_APPLICABLE
        return Additivity.ADDITIVE if self.name in _ADDITIVE else Additivity.NON_ADDITIVE

    def convert(self, value: Any) -> Any:
        """Type a JSON value; raises ValueError or TypeError when it does not fit."""
        if value is None:
            return None
        kind = self.data_type
        if self.repeated or kind == "MESSAGE":
            return json.dumps(value, sort_keys=True, ensure_ascii=False)
        if kind in ("INT64", "UINT64", "INT32"):
            if isinstance(value, bool) or not isinstance(value, str | int):
                raise TypeError(f"expected an integer, got {value!r}")
            number = int(value)
            return Decimal(number).scaleb(_MICROS) if self.money else number
        if kind in ("DOUBLE", "FLOAT"):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise TypeError(f"expected a number, got {value!r}")
            if not math.isfinite(value):
                raise ValueError(f"expected a finite number, got {value!r}")
            if self.money:
                return Decimal(repr(float(value))).scaleb(_MICROS)
            return float(value)
        if kind == "BOOLEAN":
            if not isinstance(value, bool):
                raise TypeError(f"expected true or false, got {value!r}")
            return value
        if not isinstance(value, str):
            raise TypeError(f"expected a string, got {value!r}")
        if kind == "DATE":
            return dt.date.fromisoformat(value)
        return value


def library_meta(version: str, name: str) -> FieldMeta:
    """A field's metadata from the installed library's descriptors (built-in streams)."""
    info = _schema.field_info(version, name)
    resource = name.split(".", 1)[0]
    category = {"metrics": "METRIC", "segments": "SEGMENT"}.get(resource, "ATTRIBUTE")
    data_type = "DATE" if name in _DATE_SEGMENTS else _DATA_TYPES.get(info.type, "STRING")
    return FieldMeta(name, category, data_type, info.repeated)


@dataclass(frozen=True)
class Extra:
    """A value kept in ``extra``: its name there and what it means."""

    field: str
    name: str
    description: str


@dataclass(frozen=True)
class Plan:
    """A report: its query, its fields' metadata and where each value lands.

    Attributes:
        stream: The stream name.
        level: The records' ``level``.
        query: The GAQL query without its date range.
        fields: The selected fields' metadata, by name.
        segment: The fields (and names) that make up ``segment``, in order.
        extras: The fields kept in ``extra`` and what they mean.
        lead_categories: For conversions by action: the categories counted as leads
            (``None``: no ``leads`` column).
        unit_of: The unit of a metric that is neither money nor a count (the
            quality score's ``rank``).
    """

    stream: str
    level: str
    query: Query
    fields: Mapping[str, FieldMeta]
    segment: tuple[tuple[str, str], ...] = ()
    extras: tuple[Extra, ...] = ()
    lead_categories: tuple[str, ...] | None = None
    unit_of: Mapping[str, str] = field(default_factory=dict)

    def dated(self, start: dt.date, end: dt.date) -> Query:
        """The query for the days ``start`` to ``end`` (both inclusive)."""
        return Query(
            self.query.resource,
            self.query.fields,
            (Condition.date_between(start, end), *self.query.where),
        )

    def notices(self) -> Iterator[Notice]:
        """A ``column_metadata`` notice for each ``extra`` value: unit and additivity."""
        for extra in self.extras:
            meta = self.fields[extra.field]
            additivity = meta.additivity
            if meta.money:
                unit = "money"
            elif additivity is not Additivity.NOT_APPLICABLE:
                ratio = additivity is Additivity.NON_ADDITIVE and meta.data_type == "DOUBLE"
                unit = self.unit_of.get(extra.field, "ratio" if ratio else "count")
            else:
                unit = "id" if extra.name.endswith("_id") else "text"
            role = Role.ATTRIBUTE if additivity is Additivity.NOT_APPLICABLE else Role.METRIC
            yield Notice.describe_extra(
                extra.name, extra.description, additivity=additivity, unit=unit, role=role
            )


# ------------------------------------------------------------------ built-in reports

_CAMPAIGN = ("campaign.id", "campaign.name", "campaign.advertising_channel_type")
_AD_GROUP = ("ad_group.id", "ad_group.name")


@dataclass(frozen=True)
class _Report:
    stream: str
    level: str
    resource: str
    attributes: tuple[str, ...]
    # (field, column, description): the key columns (beyond the day), then the others
    segment: tuple[tuple[str, str, str], ...]
    extras: tuple[tuple[str, str, str], ...]
    metrics: tuple[str, ...] = METRICS
    where: tuple[Condition, ...] = ()
    # Attributes kept as (non-additive) metrics, with their unit: the quality score.
    unit_of: tuple[tuple[str, str], ...] = ()

    def plan(self, version: str) -> Plan:
        names = (
            *CUSTOMER_FIELDS,
            *self.attributes,
            *(f for f, _, _ in self.segment),
            *(f for f, _, _ in self.extras if f not in self.attributes),
            "segments.date",
            *self.metrics,
        )
        unique = tuple(dict.fromkeys(names))
        fields = {name: library_meta(version, name) for name in unique}
        for name, _ in self.unit_of:  # an attribute read as a measure (a score)
            fields[name] = replace(fields[name], category="METRIC")
        return Plan(
            self.stream,
            self.level,
            Query(self.resource, unique, self.where),
            fields,
            tuple((f, n) for f, n, _ in self.segment),
            tuple(Extra(f, n, d) for f, n, d in (*self.segment, *self.extras)),
            unit_of=dict(self.unit_of),
        )


_CHANNEL = (
    "campaign.advertising_channel_type",
    "advertising_channel_type",
    "The campaign's advertising channel type (SEARCH, PERFORMANCE_MAX, ...).",
)

#: The built-in report streams (conversions by action is :func:`conversions_plan`).
REPORTS: dict[str, _Report] = {
    "keywords": _Report(
        "keywords",
        "keyword",
        "keyword_view",
        (*_CAMPAIGN, *_AD_GROUP),
        (("ad_group_criterion.criterion_id", "criterion_id", "The keyword's criterion id."),),
        (
            ("ad_group_criterion.keyword.text", "keyword_text", "The keyword's text."),
            (
                "ad_group_criterion.keyword.match_type",
                "match_type",
                "The keyword's match type: EXACT, PHRASE or BROAD.",
            ),
            (
                "ad_group_criterion.status",
                "criterion_status",
                "The keyword's status: ENABLED, PAUSED or REMOVED.",
            ),
            (
                "ad_group_criterion.quality_info.quality_score",
                "quality_score",
                "Quality score, 1 to 10, as of the read (not of the row's day); null when "
                "Google Ads has too little data. A score, not a count: never summed or "
                "averaged across keywords or days.",
            ),
            _CHANNEL,
        ),
        unit_of=(("ad_group_criterion.quality_info.quality_score", "rank"),),
    ),
    "search_terms": _Report(
        "search_terms",
        "search_term",
        "search_term_view",
        (*_CAMPAIGN, *_AD_GROUP),
        (("search_term_view.search_term", "search_term", "What the user searched for."),),
        (
            (
                "search_term_view.status",
                "search_term_status",
                "Whether the term is a keyword: ADDED, EXCLUDED, ADDED_EXCLUDED or NONE.",
            ),
            _CHANNEL,
        ),
    ),
    "geography": _Report(
        "geography",
        "geography",
        "geographic_view",
        _CAMPAIGN,
        (
            (
                "geographic_view.country_criterion_id",
                "country_criterion_id",
                "The country's geo target constant id (2380 is Italy).",
            ),
            (
                "segments.geo_target_region",
                "geo_target_region",
                "The region's geo target constant, e.g. 'geoTargetConstants/20595'; null "
                "when the location is not within a region.",
            ),
            (
                "geographic_view.location_type",
                "location_type",
                "AREA_OF_INTEREST (searched for) or LOCATION_OF_PRESENCE (was there).",
            ),
        ),
        (_CHANNEL,),
    ),
    "devices": _Report(
        "devices",
        "campaign",
        "campaign",
        _CAMPAIGN,
        (
            (
                "segments.device",
                "device",
                "The device: MOBILE, DESKTOP, TABLET, CONNECTED_TV or OTHER.",
            ),
        ),
        (_CHANNEL,),
    ),
}


def conversions_plan(
    version: str, action_ids: Sequence[str], customer: str, lead_categories: Sequence[str]
) -> Plan:
    """Conversions per campaign, day and conversion action.

    Google Ads does not segment impressions, clicks or cost by conversion action, so
    only the conversion metrics are read. With ``action_ids`` only those actions are
    asked for (``segments.conversion_action IN (...)``).
    """
    where: tuple[Condition, ...] = ()
    if action_ids:
        names = [f"customers/{customer}/conversionActions/{a}" for a in action_ids]
        where = (Condition.resource_in("segments.conversion_action", names),)
    report = _Report(
        "conversions",
        "campaign",
        "campaign",
        _CAMPAIGN,
        (
            (
                "segments.conversion_action",
                "conversion_action",
                "The conversion action's resource name, customers/<id>/conversionActions/<id>.",
            ),
        ),
        (
            (
                "segments.conversion_action_name",
                "conversion_action_name",
                "The conversion action's name.",
            ),
            (
                "segments.conversion_action_category",
                "conversion_action_category",
                "The action's category, e.g. SUBMIT_LEAD_FORM or PURCHASE.",
            ),
            _CHANNEL,
        ),
        metrics=("metrics.conversions", "metrics.conversions_value", "metrics.all_conversions"),
        where=where,
    )
    plan = report.plan(version)
    return Plan(
        plan.stream,
        plan.level,
        plan.query,
        plan.fields,
        plan.segment,
        plan.extras,
        tuple(lead_categories) or None,
    )


# ------------------------------------------------------------------ custom GAQL

_CUSTOM = re.compile(
    r"^\s*SELECT\s+(?P<fields>.+?)\s+FROM\s+(?P<resource>\w+)"
    r"(?:\s+WHERE\s+(?P<where>.+?))?\s*;?\s*$",
    re.IGNORECASE | re.DOTALL,
)
_NOT_ALLOWED = re.compile(r"\b(ORDER\s+BY|LIMIT|PARAMETERS|DURING)\b", re.IGNORECASE)


@dataclass(frozen=True)
class CustomQuery:
    """A custom query as written, split into its parts (not yet checked)."""

    name: str
    resource: str
    fields: tuple[str, ...]
    where: str | None


def parse_custom_query(name: str, text: str) -> CustomQuery:
    """Split a custom GAQL query into its fields, resource and conditions.

    The connector adds the date range itself (one query per chunk of days, as the
    built-in streams), so the query selects ``segments.date`` and has no date
    condition, ``ORDER BY``, ``LIMIT`` or ``PARAMETERS``.

    Raises:
        ConfigurationError: The query is not of that form; the message says why.
    """
    where_prefix = f"custom_queries[{name!r}]"
    found = _CUSTOM.match(text)
    if found is None:
        raise ConfigurationError(
            f"{where_prefix}: write a query of the form 'SELECT field, ... FROM resource "
            f"[WHERE condition AND ...]'; got {text!r}."
        )
    clause = _NOT_ALLOWED.search(text)
    if clause is not None:
        raise ConfigurationError(
            f"{where_prefix}: {clause.group(1).upper()} is not allowed; the connector reads "
            "the days a read asks for, in chunks, so a query has no date range, order or limit."
        )
    fields = tuple(f.strip() for f in found.group("fields").split(","))
    bad = [f for f in fields if not FIELD_NAME.match(f)]
    if bad:
        raise ConfigurationError(
            f"{where_prefix}: {', '.join(repr(b) for b in bad)} is not a GAQL field name "
            "(resource.field, lower case)."
        )
    if "segments.date" not in fields:
        raise ConfigurationError(
            f"{where_prefix}: select segments.date; the stream is read day by day like "
            "the built-in ones."
        )
    where = found.group("where")
    if where is not None and "segments.date" in where:
        raise ConfigurationError(
            f"{where_prefix}: leave segments.date out of WHERE; the read's days are added."
        )
    resource = found.group("resource")
    return CustomQuery(name, resource, tuple(dict.fromkeys(fields)), where)


def fields_query(custom: CustomQuery) -> str:
    """The GoogleAdsFieldService query about a custom query's resource and fields."""
    names = ", ".join(f"'{n}'" for n in (custom.resource, *custom.fields))
    return (
        "SELECT name, category, data_type, selectable, enum_values, is_repeated "
        f"WHERE name IN ({names})"
    )


def custom_plan(custom: CustomQuery, answer: Sequence[Mapping[str, Any]], version: str) -> Plan:
    """Check a custom query against GoogleAdsFieldService's answer and plan its records.

    Raises:
        UnknownFieldError: The resource or a field is not in the answer.
        UnselectableFieldError: The metadata marks a field not selectable.
    """
    by_name = {str(f.get("name")): f for f in answer}
    where = f"Google Ads API {version} (GoogleAdsFieldService, custom_queries[{custom.name!r}])"
    resource = by_name.get(custom.resource)
    if resource is None or resource.get("category") != "RESOURCE":
        raise UnknownFieldError(custom.resource, f"{where}: not a resource")
    metas: dict[str, FieldMeta] = {}
    for name in custom.fields:
        item = by_name.get(name)
        if item is None:
            raise UnknownFieldError(name, where)
        if not item.get("selectable", False):
            raise UnselectableFieldError(name, custom.name, version)
        metas[name] = FieldMeta(
            name,
            str(item.get("category", "ATTRIBUTE")),
            str(item.get("dataType", "STRING")),
            bool(item.get("isRepeated", False)),
        )
    segment: list[tuple[str, str]] = []
    extras: list[Extra] = []
    for name, meta in metas.items():
        if name in _CORE:
            continue
        identity = meta.category == "SEGMENT" or name.endswith((".id", "criterion_id"))
        if identity and meta.category != "METRIC":
            segment.append((name, name))
        if meta.category == "METRIC":
            what = f"{name} as the Google Ads API reports it"
            what += " (in the account currency)" if meta.money else ""
        else:
            what = f"{name} ({meta.data_type.lower()})"
        extras.append(Extra(name, name, what + "."))
    conditions = (Condition(f"({custom.where})"),) if custom.where else ()
    query = Query(custom.resource, custom.fields, conditions)
    return Plan(
        f"custom:{custom.name}",
        f"{CUSTOM_LEVEL}:{custom.name}",
        query,
        metas,
        tuple(segment),
        tuple(extras),
    )


# ------------------------------------------------------------------ records


def raw_rows(batches: Sequence[Any]) -> Iterator[dict[str, Any]]:
    """Every row of a :data:`._parse.RAW_BATCHES` answer, in order."""
    for batch in batches:
        yield from batch.get("results", ())


def _lookup(row: dict[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = row
    for part in path:
        if type(value) is not dict:  # parsed JSON: a plain dict (no ABC check per value)
            return None
        value = value.get(part)
    return value


def records(
    plan: Plan, rows: Iterator[dict[str, Any]], customer: CustomerInfo, source: str
) -> Iterator[dict[str, Any]]:
    """The rows of a report as unified performance records.

    Raises:
        DataError: A value does not fit its field's type; names the row and field.
    """
    for index, row in enumerate(rows, start=1):
        values: dict[str, Any] = {}
        for name, meta in plan.fields.items():
            raw = _lookup(row, meta.json_path)
            try:
                values[name] = meta.convert(raw)
            except (TypeError, ValueError) as exc:
                raise DataError(
                    f"The Google Ads API sent a value that does not fit {name} "
                    f"({meta.data_type}): {exc}",
                    source=source,
                    row=index,
                    column=".".join(meta.json_path),
                    value=raw,
                ) from None
        yield _record(plan, values, customer)


def _record(plan: Plan, values: Mapping[str, Any], customer: CustomerInfo) -> dict[str, Any]:
    record: dict[str, Any] = {
        "platform": PLATFORM,
        "account_id": customer.id,
        "account_name": customer.name,
        "level": plan.level,
        "source": "google",
        "medium": "cpc",
        "currency": customer.currency,
        "timezone": customer.time_zone,
    }
    for name, value in values.items():
        column = _CORE.get(name)
        if column is None or value is None:
            continue
        if column in _IDS:
            value = str(value)
        elif column == "conversion_value":
            value = Decimal(repr(value))
        record[column] = value
    if "campaign.advertising_channel_type" in values:
        record["channel"] = channel_of(values["campaign.advertising_channel_type"])
    if plan.segment:
        record["segment"] = "|".join(
            f"{label}={'' if values.get(name) is None else values[name]}"
            for name, label in plan.segment
        )
    extra = {e.name: values.get(e.field) for e in plan.extras}
    if plan.lead_categories is not None:
        category = values.get("segments.conversion_action_category")
        conversions = values.get("metrics.conversions")
        if conversions is not None:
            record["leads"] = conversions if category in plan.lead_categories else 0.0
    record["extra"] = {k: v for k, v in extra.items() if v is not None}
    return record
