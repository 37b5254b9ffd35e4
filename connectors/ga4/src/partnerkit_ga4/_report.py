"""What each report asks GA4 for, and how its rows become unified performance records.

A :class:`ReportSpec` is built once per read from the settings and the property's
metadata: every name is validated there, before any report is requested. A
:class:`RowMapper` turns the rows of one date chunk into flat record dicts: one small
loop per row, with the conversion of each column chosen once per chunk. It defines the
records; the connector maps pages column-wise with its subclass
:class:`~partnerkit_ga4._columns.PageMapper`, which gives the same records as Arrow
tables and falls back to :meth:`RowMapper.rows` for a page it cannot map exactly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from partnerkit.connector import Notice
from partnerkit.errors import DataError, ResponseShapeError, UnknownFieldError
from partnerkit.records import MONEY_SCALE, Additivity, Role
from partnerkit_ga4._client import Compatibility, Page, Row
from partnerkit_ga4._errors import API
from partnerkit_ga4._metadata import (
    MetricInfo,
    PropertyMetadata,
    additivity,
    metric_unit,
    type_name,
)
from partnerkit_ga4._settings import CustomReport

__all__ = [
    "ATTRIBUTE_DIMENSIONS",
    "KEY_DIMENSIONS",
    "STANDARD_METRICS",
    "TRAFFIC_DIMENSIONS",
    "ReportSpec",
    "RowMapper",
    "check_compatibility",
    "custom_spec",
    "traffic_spec",
]

PLATFORM = "ga4"

#: GA4 dimensions that fill a key column of the performance record.
KEY_DIMENSIONS: dict[str, str] = {
    "sessionSource": "source",
    "sessionMedium": "medium",
    "sessionCampaignName": "utm_campaign",
    "sessionGoogleAdsCampaignId": "campaign_id",
    "sessionGoogleAdsAdGroupId": "ad_group_id",
}
#: GA4 dimensions that fill an attribute column (``channel`` is mapped, not copied).
ATTRIBUTE_DIMENSIONS: dict[str, str] = {
    "sessionDefaultChannelGroup": "channel",
    "sessionGoogleAdsCampaignName": "campaign_name",
    "sessionGoogleAdsAdGroupName": "ad_group_name",
}
#: GA4 metrics that fill a standard metric column.
STANDARD_METRICS: dict[str, str] = {
    "sessions": "sessions",
    "engagedSessions": "engaged_sessions",
    "totalUsers": "users",
    "newUsers": "new_users",
    "keyEvents": "key_events",
    "conversions": "key_events",
    "totalRevenue": "revenue",
}
TRAFFIC_DIMENSIONS = (
    "date",
    "sessionSource",
    "sessionMedium",
    "sessionCampaignName",
    "sessionDefaultChannelGroup",
)
_TRAFFIC_METRICS = ("sessions", "engagedSessions", "totalUsers", "newUsers")
_TRAFFIC_KEY = ("date", "source", "medium", "utm_campaign")
_ADDITIVE_COLUMNS = ("sessions", "engaged_sessions", "key_events", "revenue", "leads")
_DISTINCT_COLUMNS = ("users", "new_users")

_QUANTUM = Decimal(1).scaleb(-MONEY_SCALE)
_OTHER = "(other)"
_NOT_SET = "(not set)"


# --------------------------------------------------------------------- conversions


def _int(text: str) -> int | None:
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        number = float(text)
        if not number.is_integer():
            raise
        return int(number)


def _float(text: str) -> float | None:
    return float(text) if text else None


def _money(text: str) -> Decimal | None:
    return Decimal(text).quantize(_QUANTUM) if text else None


_COLUMN_CONVERTERS: dict[str, Callable[[str], Any]] = {
    "sessions": _int,
    "engaged_sessions": _int,
    "users": _int,
    "new_users": _int,
    "key_events": _float,
    "revenue": _money,
}


def _converter(ga4_type: str) -> Callable[[str], Any]:
    if ga4_type == "TYPE_INTEGER":
        return _int
    if ga4_type == "TYPE_CURRENCY":
        return _money
    return _float


# ----------------------------------------------------------------------- the specs


@dataclass(frozen=True)
class DimensionPlan:
    """Where one GA4 dimension's values go.

    Attributes:
        name: The API name sent.
        column: The record column it fills, if any (``channel`` is mapped).
        in_level: Folded into ``segment`` (``name=value|…``): what keeps rows of a
            custom report apart when the dimension is not a key column.
        extra: Also kept as text in ``extra[name]``.
    """

    name: str
    column: str | None = None
    in_level: bool = False
    extra: bool = False


@dataclass(frozen=True)
class MetricPlan:
    """Where one GA4 metric's values go.

    Attributes:
        name: The API name sent.
        column: The standard column it fills, or ``None`` for ``extra``.
        extra: The ``extra`` key, when it goes there.
        blocked: GA4 blocks it for these credentials (it would send zeros): ``None``.
        lead: Summed into ``leads``.
        type: The GA4 metric type from the metadata (the page's header wins).
    """

    name: str
    column: str | None = None
    extra: str | None = None
    blocked: bool = False
    lead: bool = False
    type: str = "METRIC_TYPE_UNSPECIFIED"


@dataclass
class ReportSpec:
    """One report: what is asked for and where each value lands.

    Attributes:
        name: ``traffic`` or the custom report's name.
        level: The records' ``level`` (``traffic`` or ``report:<name>``).
        dimensions: ``date`` first.
        metrics: In request order.
        dimension_filter: A ``FilterExpression`` as JSON, if any.
        merge_channel_splits: Merge adjacent rows that differ only in channel group
            (the traffic report, whose key has no channel).
        notices: Notices to yield before the records (extra column docs, renames).
    """

    name: str
    level: str
    dimensions: tuple[DimensionPlan, ...]
    metrics: tuple[MetricPlan, ...]
    dimension_filter: Mapping[str, Any] | None = None
    merge_channel_splits: bool = False
    notices: list[Notice] = field(default_factory=list)

    @property
    def dimension_names(self) -> list[str]:
        """The dimensions' API names, in request order."""
        return [d.name for d in self.dimensions]

    @property
    def metric_names(self) -> list[str]:
        """The metrics' API names, in request order."""
        return [m.name for m in self.metrics]


def _not_text(dims: list[Any], values: list[Any]) -> str | None:
    """``dimensionValues`` or ``metricValues`` when one of them is neither text nor null."""
    for name, items in (("dimensionValues", dims), ("metricValues", values)):
        if not all(x is None or isinstance(x, str) for x in items):
            return name
    return None


def _blocked_notice(meta: PropertyMetadata, info: MetricInfo, report: str) -> Notice:
    reasons = ", ".join(info.blocked_reasons)
    return Notice(
        "warning",
        "ga4_blocked_metric",
        f"GA4 blocks {info.api_name} for these credentials on property {meta.property_id} "
        f"({reasons}): it would report zeros, so {report!r} leaves it empty (None). Ask a "
        "property admin to lift the data restriction for this user or service account.",
        {"property": meta.property_id, "metric": info.api_name, "reasons": reasons},
    )


def _alias_notice(meta: PropertyMetadata, old: str, new: str, report: str) -> Notice:
    return Notice(
        "info",
        "ga4_renamed_field",
        f"{old!r} is a deprecated GA4 name; report {report!r} asks for {new!r} instead.",
        {"property": meta.property_id, "requested": old, "used": new},
    )


def _describe_metric(info: MetricInfo, key: str) -> Notice:
    what = info.description or info.ui_name or info.api_name
    return Notice.describe_extra(
        key,
        f"GA4 metric {info.api_name} ({info.ui_name or info.api_name}): {what}",
        additivity=additivity(info),
        unit=metric_unit(info),
    )


def _describe_dimension(meta: PropertyMetadata, name: str) -> Notice:
    info = meta.dimensions[name]
    what = info.description or info.ui_name or name
    return Notice.describe_extra(
        name,
        f"GA4 dimension {name} ({info.ui_name or name}): {what}",
        role=Role.ATTRIBUTE,
        unit="text",
    )


def traffic_spec(
    meta: PropertyMetadata, lead_events: Sequence[str], *, leads_configured: bool
) -> ReportSpec:
    """The built-in traffic report, checked against the property's metadata.

    Args:
        meta: The property's metadata.
        lead_events: Event names whose key events count as leads.
        leads_configured: ``lead_events`` was set explicitly: an event that is not a key
            event of the property is an error (otherwise a warning, leads left empty).

    Raises:
        UnknownFieldError: A standard name is missing, or a configured lead event is not
            a key event of the property (the property's key events are suggested).
    """
    notices: list[Notice] = []
    dimensions = []
    for name in TRAFFIC_DIMENSIONS:
        meta.dimension(name)
        column = KEY_DIMENSIONS.get(name) or ATTRIBUTE_DIMENSIONS.get(name)
        dimensions.append(DimensionPlan(name, None if name == "date" else column))
    metrics = []
    for name in _TRAFFIC_METRICS:
        info, _ = meta.metric(name)
        metrics.append(MetricPlan(name, STANDARD_METRICS[name], type=info.type))
    key = meta.key_event_metric()
    if key == "conversions":
        notices.append(
            Notice(
                "info",
                "ga4_conversions_metric",
                f"GA4 property {meta.property_id} still reports key events under their old "
                "name 'conversions'; they fill key_events.",
                {"property": meta.property_id},
            )
        )
    if key is None:
        notices.append(
            Notice(
                "warning",
                "ga4_no_key_events",
                f"GA4 property {meta.property_id} offers neither 'keyEvents' nor "
                "'conversions': key_events and leads are left empty.",
                {"property": meta.property_id},
            )
        )
    else:
        metrics.append(MetricPlan(key, "key_events", type=meta.metric(key)[0].type))
    revenue, _ = meta.metric("totalRevenue")
    blocked = bool(revenue.blocked_reasons)
    metrics.append(MetricPlan("totalRevenue", "revenue", blocked=blocked, type=revenue.type))
    if revenue.blocked_reasons:
        notices.append(_blocked_notice(meta, revenue, "traffic"))
    for event in lead_events:
        name = f"{key or 'keyEvents'}:{event}"
        if key is None or not meta.has_metric(name):
            available = meta.key_events()
            if leads_configured:
                raise UnknownFieldError(
                    name,
                    f"{meta.where} key events (lead_events: mark {event!r} as a key event in "
                    "GA4 under Admin > Events, or list the property's key events)",
                    PropertyMetadata.suggest(name, {f"{key}:{e}": None for e in available}),
                )
            notices.append(
                Notice(
                    "warning",
                    "ga4_lead_event_missing",
                    f"{event!r} is not a key event of GA4 property {meta.property_id}, so "
                    f"leads are left empty. Set lead_events to the key events that mean a "
                    f"lead; this property has: {', '.join(available) or 'none'}.",
                    {"property": meta.property_id, "event": event, "key_events": available},
                )
            )
            continue
        info, _ = meta.metric(name)
        extra = f"leads:{event}"
        metrics.append(MetricPlan(name, None, extra, lead=True, type=info.type))
        notices.append(
            Notice.describe_extra(
                extra,
                f"Key events of {event!r} (GA4 metric {name}), counted as leads.",
                additivity=Additivity.ADDITIVE,
                unit="count",
            )
        )
    return ReportSpec(
        "traffic",
        "traffic",
        tuple(dimensions),
        tuple(metrics),
        merge_channel_splits=True,
        notices=notices,
    )


def _field_names(expression: Any) -> Iterator[str]:
    """Every ``fieldName`` in a FilterExpression's JSON."""
    if isinstance(expression, Mapping):
        for key, value in expression.items():
            if key == "fieldName" and isinstance(value, str):
                yield value
            else:
                yield from _field_names(value)
    elif isinstance(expression, list):
        for item in expression:
            yield from _field_names(item)


def custom_spec(meta: PropertyMetadata, report: CustomReport) -> ReportSpec:
    """A user-defined report, every name checked against the property's metadata.

    Raises:
        UnknownFieldError: A dimension, metric or filter field the property does not
            offer (or a metric given as a dimension, or the reverse), with the closest
            valid names.
    """
    notices: list[Notice] = []
    used_columns: set[str] = set()
    dimensions = [DimensionPlan("date")]
    for requested in report.dimensions:
        info, alias = meta.dimension(requested)
        name = info.api_name
        if alias:
            notices.append(_alias_notice(meta, alias, name, report.name))
        column = KEY_DIMENSIONS.get(name)
        if column and column not in used_columns:
            used_columns.add(column)
            dimensions.append(DimensionPlan(name, column))
            continue
        column = ATTRIBUTE_DIMENSIONS.get(name)
        if column and column not in used_columns:
            used_columns.add(column)
            dimensions.append(DimensionPlan(name, column, in_level=True))
            continue
        dimensions.append(DimensionPlan(name, None, in_level=True, extra=True))
        notices.append(_describe_dimension(meta, name))
    metrics = []
    for requested in report.metrics:
        metric, alias = meta.metric(requested)
        name = metric.api_name
        if alias:
            notices.append(_alias_notice(meta, alias, name, report.name))
        blocked = bool(metric.blocked_reasons)
        if blocked:
            notices.append(_blocked_notice(meta, metric, report.name))
        column = STANDARD_METRICS.get(name)
        if column and column not in used_columns:
            used_columns.add(column)
            metrics.append(MetricPlan(name, column, blocked=blocked, type=metric.type))
        else:
            metrics.append(MetricPlan(name, None, name, blocked=blocked, type=metric.type))
            notices.append(_describe_metric(metric, name))
    for name in _field_names(report.dimension_filter or {}):
        if not (name in meta.dimensions or meta.has_metric(name)):
            options = {**meta.dimensions, **meta.metrics}
            raise UnknownFieldError(
                name,
                f"{meta.where} (dimension_filter of custom report {report.name!r})",
                PropertyMetadata.suggest(name, options),
            )
    return ReportSpec(
        report.name,
        f"report:{report.name}",
        tuple(dimensions),
        tuple(metrics),
        dimension_filter=report.dimension_filter,
        notices=notices,
    )


def check_compatibility(meta: PropertyMetadata, spec: ReportSpec, answer: Compatibility) -> None:
    """Raise if GA4 says a name of the report cannot be combined with the others.

    Raises:
        UnknownFieldError: Naming the first incompatible dimension or metric, with the
            closest compatible names of the same kind.
    """
    kinds = (  # (asked, incompatible, compatible): dimensions first, then metrics
        (
            set(spec.dimension_names),
            answer["incompatible_dimensions"],
            answer["compatible_dimensions"],
        ),
        (set(spec.metric_names), answer["incompatible_metrics"], answer["compatible_metrics"]),
    )
    for asked, incompatible, compatible in kinds:
        for name in incompatible:
            if name in asked:
                options = {n: None for n in compatible if n not in asked}
                raise UnknownFieldError(
                    name,
                    f"{meta.where}: it cannot be combined with the other dimensions and "
                    f"metrics of custom report {spec.name!r}",
                    PropertyMetadata.suggest(name, options, n=5),
                )


# ------------------------------------------------------------------ rows → records


@dataclass
class _Split:
    """Two adjacent traffic rows that differed only in channel group."""

    key: tuple[Any, ...]
    groups: list[str]


class RowMapper:
    """Turns the rows of one report and date chunk into records and notices.

    Use: :meth:`start` with the first page, :meth:`rows` for each page's rows, then
    :meth:`finish` (the last merged record and the chunk's data quality notices).

    Args:
        spec: The report.
        property_id: The property.
        start: First day of the chunk.
        end: Last day of the chunk.
        channels: GA4 default channel group → partnerkit channel.
    """

    def __init__(
        self,
        spec: ReportSpec,
        property_id: str,
        start: dt.date,
        end: dt.date,
        channels: Mapping[str, str],
    ) -> None:
        self.spec = spec
        self.property_id = property_id
        self.start_day, self.end_day = start, end
        self._channels: dict[str, str | None] = {**channels, _NOT_SET: None}
        self._unknown_groups: set[str] = set()
        self._dates: dict[str, dt.date] = {}
        self._base: dict[str, Any] = {
            "platform": PLATFORM,
            "account_id": property_id,
            "level": spec.level,
        }
        dims = spec.dimensions
        self._nd, self._nm = len(dims), len(spec.metrics)
        self._key_dims = [
            (i, d.column) for i, d in enumerate(dims) if d.column and d.column != "channel"
        ]
        channel = [i for i, d in enumerate(dims) if d.column == "channel"]
        self._channel_index = channel[0] if channel else None
        self._level_dims = [(i, d.name) for i, d in enumerate(dims) if d.in_level]
        self._extra_dims = [(i, d.name) for i, d in enumerate(dims) if d.extra]
        self._metrics: list[tuple[int, str, Callable[[str], Any]]] = []
        self._extras: list[tuple[int, str, Callable[[str], Any]]] = []
        self._blocked_columns = [m.column for m in spec.metrics if m.blocked and m.column]
        self._blocked_extras = [m.extra for m in spec.metrics if m.blocked and m.extra]
        self._leads = [i for i, m in enumerate(spec.metrics) if m.lead]
        self._lead_extras = [(i, m.extra or m.name) for i, m in enumerate(spec.metrics) if m.lead]
        self._merge = spec.merge_channel_splits and self._channel_index is not None
        self._pending: tuple[dict[str, Any], tuple[Any, ...], str] | None = None
        self._lead_sessions: int = 0
        self._splits: list[_Split] = []
        self._duplicates = 0
        self._last_dims: list[str] = []
        self._other_rows = 0
        self._other_sessions = 0
        self._rows = 0
        self._meta: Mapping[str, Any] = {}
        self._row_counts: list[int] = []

    # ------------------------------------------------------------ the first page

    def start(self, page: Page) -> None:
        """Check the first page's headers, and take currency and time zone from it.

        Raises:
            ResponseShapeError: The headers are missing or not the ones asked for.
        """
        dims = [h.get("name", "") for h in page.get("dimensionHeaders", [])]
        metrics = page.get("metricHeaders", [])
        names = [h.get("name", "") for h in metrics]
        expected = (self.spec.dimension_names, self.spec.metric_names)
        for key, asked in (("dimensionHeaders", expected[0]), ("metricHeaders", expected[1])):
            if asked and key not in page:  # an empty report has its headers too
                raise ResponseShapeError(
                    "GA4 runReport",
                    where="",
                    expected=f"the {key} of the {len(asked)} columns asked for",
                    found=ResponseShapeError.without(page),
                    api=API,
                    account=self.property_id,
                    request=f"runReport (report {self.spec.name!r})",
                )
        if (dims, names) != expected:
            key, asked, sent = (
                ("dimensionHeaders", expected[0], dims)
                if dims != expected[0]
                else ("metricHeaders", expected[1], names)
            )
            raise ResponseShapeError(
                "GA4 runReport",
                where=key,
                expected=f"the columns asked for ({', '.join(asked)})",
                found=f"other columns ({', '.join(str(n)[:40] for n in sent[:20])})",
                api=API,
                account=self.property_id,
                request=f"runReport (report {self.spec.name!r})",
                details={"asked": [self.spec.dimension_names, self.spec.metric_names]},
            )
        types = [type_name(h.get("type")) for h in metrics] or [m.type for m in self.spec.metrics]
        for i, (plan, ga4_type) in enumerate(zip(self.spec.metrics, types, strict=True)):
            if plan.blocked or plan.lead:
                continue
            if plan.column:
                self._metrics.append((i, plan.column, _COLUMN_CONVERTERS[plan.column]))
            elif plan.extra:
                self._extras.append((i, plan.extra, _converter(ga4_type)))
        meta = page.get("metadata") or {}
        self._meta = meta
        self._base["currency"] = meta.get("currencyCode")
        self._base["timezone"] = meta.get("timeZone")

    def page_row_count(self, count: int) -> None:
        """Note the ``rowCount`` a page reported (a change between pages is flagged)."""
        self._row_counts.append(count)

    # ------------------------------------------------------------------ the rows

    def rows(self, rows: list[Row]) -> Iterator[dict[str, Any]]:
        """The records of one page's rows."""
        nd, nm = self._nd, self._nm
        for row in rows:
            try:
                dv = row.get("dimensionValues") or []
                mv = row.get("metricValues") or []
                dims = [v.get("value", "") for v in dv]
                values = [v.get("value", "") for v in mv]
            except (AttributeError, TypeError):
                raise ResponseShapeError(
                    "GA4 runReport",
                    where=f"rows[{self._rows}]",
                    expected="a row of dimensionValues and metricValues lists of {value}",
                    found=ResponseShapeError.describe(row),
                    api=API,
                    account=self.property_id,
                    request=f"runReport (report {self.spec.name!r})",
                ) from None
            odd = _not_text(dims, values)
            if odd is not None:  # a null reads as absent, as before
                raise DataError(
                    "GA4 sent a dimension or metric value that is not a JSON string",
                    source=f"{API}/{self.spec.name}",
                    row=self._rows + 1,
                    column=odd,
                )
            if len(dims) != nd or len(values) != nm:
                raise ResponseShapeError(
                    "GA4 runReport",
                    where=f"rows[{self._rows}]",
                    expected=f"{nd} dimension and {nm} metric values, as asked for",
                    found=f"{len(dims)} dimension and {len(values)} metric values",
                    api=API,
                    account=self.property_id,
                    request=f"runReport (report {self.spec.name!r})",
                )
            self._rows += 1
            if not self._merge:  # (the traffic merge step finds repeats itself)
                if dims == self._last_dims:
                    self._duplicates += 1  # rows come ordered: a repeat is the row before
                    continue
                self._last_dims = dims
            try:
                record = self._record(dims, values)
            except (ValueError, InvalidOperation, ArithmeticError) as exc:
                raise DataError(
                    f"GA4 sent a value that is not a number ({exc})",
                    source=f"{API}/{self.spec.name}",
                    row=self._rows,
                    value=values,
                ) from None
            if _OTHER in dims:
                self._other_rows += 1
                self._other_sessions += record.get("sessions") or 0
            if self._merge:
                merged = self._merge_step(record, dims[self._channel_index or 0])
                if merged is not None:
                    yield merged
            else:
                yield record

    def _record(self, dims: list[str], values: list[str]) -> dict[str, Any]:
        record = self._base.copy()
        text = dims[0]
        day = self._dates.get(text)
        if day is None:
            day = self._date(text)
        record["date"] = day
        for i, column in self._key_dims:
            record[column] = dims[i]
        if self._channel_index is not None:
            record["channel"] = self._channel(dims[self._channel_index])
        if self._level_dims:
            record["segment"] = "|".join(f"{name}={dims[i]}" for i, name in self._level_dims)
        for i, column, convert in self._metrics:
            record[column] = convert(values[i])
        extra: dict[str, Any] = {}
        for i, name in self._extra_dims:
            extra[name] = dims[i]
        for i, name, convert in self._extras:
            extra[name] = convert(values[i])
        if self._leads:
            leads = None
            for i, name in self._lead_extras:
                count = extra[name] = _float(values[i])
                if count is not None:
                    leads = count if leads is None else leads + count
            record["leads"] = leads
        for name in self._blocked_columns:
            record[name] = None
        for name in self._blocked_extras:
            extra[name] = None
        if extra:
            record["extra"] = extra
        return record

    def _date(self, text: str) -> dt.date:
        try:
            day = dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
        except ValueError:
            raise DataError(
                f"GA4 sent {text!r} as a date (expected YYYYMMDD)",
                source=f"{API}/{self.spec.name}",
                column="date",
                value=text,
            ) from None
        if not self.start_day <= day <= self.end_day:
            raise DataError(
                f"GA4 sent a row for {day}, outside the requested {self.start_day}..{self.end_day}",
                source=f"{API}/{self.spec.name}",
                column="date",
                value=text,
            )
        self._dates[text] = day
        return day

    def _channel(self, group: str) -> str | None:
        try:
            return self._channels[group]
        except KeyError:
            self._unknown_groups.add(group)
            self._channels[group] = "other"
            return "other"

    # ---------------------------------------------------- channel-split merging

    def _merge_step(self, record: dict[str, Any], group: str) -> dict[str, Any] | None:
        """Rows arrive ordered by the key: merge a row into the previous one if same key."""
        key = tuple(record.get(c) for c in _TRAFFIC_KEY)
        sessions = record.get("sessions") or 0
        if self._pending is None:
            self._pending = (record, key, group)
            self._lead_sessions = sessions
            return None
        previous, previous_key, previous_group = self._pending
        if key != previous_key:
            self._pending = (record, key, group)
            self._lead_sessions = sessions
            return previous
        if group == previous_group:
            self._duplicates += 1  # the same row twice: a page boundary that shifted
            return None
        merged = _combine(previous, record)
        # The channel of the group with the most sessions (the first one on a tie).
        if sessions > self._lead_sessions:
            merged["channel"] = record.get("channel")
            self._lead_sessions = sessions
        if self._splits and self._splits[-1].key == key:
            self._splits[-1].groups.append(group)
        else:
            self._splits.append(_Split(key, [previous_group, group]))
        self._pending = (merged, key, group)
        return None

    # ---------------------------------------------------------------- the end

    def finish(self) -> Iterator[dict[str, Any] | Notice]:
        """The last pending record, then the chunk's data quality notices."""
        if self._pending is not None:
            yield self._pending[0]
            self._pending = None
        yield from self._notices()

    def _details(self, **more: Any) -> dict[str, Any]:
        return {
            "property": self.property_id,
            "report": self.spec.name,
            "start": self.start_day.isoformat(),
            "end": self.end_day.isoformat(),
            **more,
        }

    def _notices(self) -> Iterator[Notice]:
        where = (
            f"GA4 property {self.property_id}, report {self.spec.name!r}, "
            f"{self.start_day}..{self.end_day}"
        )
        meta = self._meta
        if meta.get("subjectToThresholding"):
            yield Notice(
                "warning",
                "ga4_thresholded",
                f"{where}: GA4 applied data thresholding (Google signals or demographics on "
                "the property), so rows with few users may be withheld and totals can be "
                "lower than the truth. Read without user-identifying dimensions, or turn "
                "off Google signals for reporting, to avoid it.",
                self._details(),
            )
        samples = meta.get("samplingMetadatas") or []
        for sample in samples:
            read = int(sample.get("samplesReadCount", 0))
            space = int(sample.get("samplingSpaceSize", 0))
            share = f"{100 * read / space:.1f}%" if space else "an unknown share"
            yield Notice(
                "warning",
                "ga4_sampled",
                f"{where}: GA4 sampled the data ({read} of {space} events, {share}); the "
                "numbers are estimates. Read shorter date ranges (chunk_days) to avoid it.",
                self._details(samples_read=read, sampling_space=space),
            )
        if meta.get("dataLossFromOtherRow") or self._other_rows:
            yield Notice(
                "warning",
                "ga4_other_row",
                f"{where}: GA4 rolled some dimension combinations into an '(other)' row "
                f"(high cardinality); {self._other_rows} '(other)' row(s) with "
                f"{self._other_sessions} session(s) are kept as they are. Use fewer or "
                "coarser dimensions, or shorter date ranges, to reduce it.",
                self._details(
                    data_loss_from_other_row=bool(meta.get("dataLossFromOtherRow")),
                    other_rows=self._other_rows,
                    other_sessions=self._other_sessions,
                ),
            )
        for reason in meta.get("dataTruncationReasons") or []:
            yield Notice(
                "warning",
                "ga4_truncated",
                f"{where}: GA4 truncated the data: "
                f"{reason.get('dataTruncationMessage') or reason.get('dataTruncationType')}.",
                self._details(reason=dict(reason)),
            )
        if meta.get("emptyReason"):
            yield Notice(
                "info",
                "ga4_empty",
                f"{where}: GA4 returned no rows ({meta['emptyReason']}).",
                self._details(reason=meta["emptyReason"]),
            )
        if len(set(self._row_counts)) > 1:
            yield Notice(
                "warning",
                "ga4_row_count_changed",
                f"{where}: the report's row count changed while paging "
                f"({' → '.join(map(str, self._row_counts))}); GA4 was still processing the "
                "range. Read it again later.",
                self._details(row_counts=list(self._row_counts)),
            )
        if self._unknown_groups:
            groups = sorted(self._unknown_groups)
            yield Notice(
                "warning",
                "ga4_unmapped_channel_group",
                f"{where}: GA4 channel group(s) {', '.join(map(repr, groups))} have no "
                "partnerkit channel; they are mapped to 'other'. Add them to channel_map.",
                self._details(groups=groups),
            )
        if self._splits:
            shown = "; ".join(
                f"{k[0]} {k[1]} / {k[2]} / {k[3]}: {' + '.join(s.groups)}"
                for s in self._splits[:5]
                for k in [s.key]
            )
            yield Notice(
                "warning",
                "ga4_channel_split",
                f"{where}: {len(self._splits)} source/medium/campaign slice(s) came in more "
                f"than one channel group ({shown}). Each is merged into one record: "
                "additive metrics summed, users and new_users left empty (distinct counts "
                "cannot be summed), channel from the group with the most sessions.",
                self._details(slices=len(self._splits)),
            )
        if self._duplicates:
            yield Notice(
                "warning",
                "ga4_duplicate_row",
                f"{where}: {self._duplicates} row(s) came twice across pages and were "
                "dropped (GA4 was still processing the range; read it again later).",
                self._details(duplicates=self._duplicates),
            )


def _combine(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Merge two traffic records of one slice that GA4 split by channel group.

    The metrics are merged; the channel stays ``a``'s (the caller picks the group with
    the most sessions).
    """
    merged = dict(a)
    for column in _ADDITIVE_COLUMNS:
        x, y = a.get(column), b.get(column)
        if x is None or y is None:
            merged[column] = x if y is None else y
        else:
            merged[column] = x + y
    for column in _DISTINCT_COLUMNS:
        if column in merged:
            merged[column] = None
    if "extra" in a or "extra" in b:
        extra = dict(a.get("extra") or {})
        for name, value in (b.get("extra") or {}).items():
            have = extra.get(name)
            extra[name] = value if have is None else (have if value is None else have + value)
        merged["extra"] = extra
    return merged
