"""The Data API client for one property: the official SDK on the HTTP seam.

``BetaAnalyticsDataClient(transport="rest")`` talks through google-auth's
``AuthorizedSession`` (a ``requests.Session``); partnerkit's adapter is mounted on it
(``partnerkit.http.mount``), so retries, rate limiting, recording, replay and faults
cover every request. SDK calls pass ``retry=None``: the seam is the only retry layer.

Small answers (metadata, compatibility) are parsed by the SDK. Report pages are not:
the SDK would parse a whole page into protobuf and proto-plus objects, one per row and
cell (about a tenth of the speed of parsing the JSON). Instead the request is built and
serialised by the SDK's own types and REST transcoding (:meth:`PropertyClient.run_report`
produces the same URL, query and JSON body as ``client.run_report``), sent through the
same session. The connector parses report pages column-wise with ``pyarrow.json``
(:mod:`partnerkit_ga4._columns`); :func:`parse_page` parses one into plain dicts, the
path :meth:`PropertyClient.run_report` and the connector's fallback take.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import TypeAdapter, ValidationError
from typing_extensions import TypedDict

from partnerkit import http
from partnerkit.errors import ConfigurationError, ResponseShapeError, SourceError
from partnerkit_ga4._errors import API, ErrorMemory, classifier, error_for_response, to_partnerkit
from partnerkit_ga4._metadata import (
    BLOCKED_REASONS,
    DimensionInfo,
    MetricInfo,
    PropertyMetadata,
    type_name,
)

if TYPE_CHECKING:
    from google.auth.credentials import Credentials

__all__ = [
    "KIND",
    "PAGE",
    "Compatibility",
    "Page",
    "PageShapeError",
    "PropertyClient",
    "ReportBody",
    "ReportQuery",
    "check_envelope",
    "parse_body",
    "parse_page",
]

T = TypeVar("T")

# The REST mapping of RunReport, as the SDK's transport declares it.
_RUN_REPORT_HTTP = [
    {"method": "post", "uri": "/v1beta/{property=properties/*}:runReport", "body": "*"}
]
# What the SDK's REST transport adds to every call: enums as numbers, both ways.
_ALT = {"$alt": "json;enum-encoding=int"}


# ------------------------------------------------------------------ the page shape


class Value(TypedDict, total=False):
    """A dimension or metric value (proto3 JSON leaves out an empty string)."""

    value: str


class Row(TypedDict, total=False):
    """One report row."""

    dimensionValues: list[Value]
    metricValues: list[Value]


class Header(TypedDict, total=False):
    """A dimension or metric header (``type`` is the MetricType, by number or name)."""

    name: str
    type: int | str


class QuotaStatus(TypedDict, total=False):
    """Tokens (or requests) this request consumed and what is left."""

    consumed: int
    remaining: int


class Sampling(TypedDict, total=False):
    """Events read and the events in the sampled space (int64, so JSON strings)."""

    samplesReadCount: int | str
    samplingSpaceSize: int | str


class Truncation(TypedDict, total=False):
    """Why data was truncated."""

    dataTruncationType: int | str
    dataTruncationMessage: str
    dataTruncationDate: str


class ResponseMeta(TypedDict, total=False):
    """The report's metadata: currency, time zone and the data quality flags."""

    currencyCode: str
    timeZone: str
    subjectToThresholding: bool
    dataLossFromOtherRow: bool
    samplingMetadatas: list[Sampling]
    emptyReason: str
    dataTruncationReasons: list[Truncation]


class Page(TypedDict, total=False):
    """A ``RunReportResponse`` as JSON (fields the connector does not use are dropped)."""

    dimensionHeaders: list[Header]
    metricHeaders: list[Header]
    rows: list[Row]
    rowCount: int
    metadata: ResponseMeta
    propertyQuota: dict[str, QuotaStatus]
    kind: str


#: Validates a page's envelope (headers, row count, metadata, quota) in one call.
PAGE: TypeAdapter[Page] = TypeAdapter(Page)


@functools.cache
def _json_loads() -> Callable[[bytes], Any]:
    """Orjson's parser when it is installed (about twice as fast), else the standard one."""
    try:
        loads: Callable[[bytes], Any] = importlib.import_module("orjson").loads
    except ImportError:
        loads = json.loads
    return loads


#: The ``kind`` of every ``RunReportResponse`` ("always the fixed string", says its
#: reference): an empty report has it too, with its headers; only ``rows`` and
#: ``rowCount`` are left out.
KIND = "analyticsData#runReport"


_ABSENT = object()


class PageShapeError(ValueError):
    """A report body that is JSON but not a ``RunReportResponse``.

    Attributes:
        where: The place in the body (``""`` for the whole body, ``rows[3]``...).
        expected: What the reference has there.
        found: What the body had.
    """

    def __init__(self, where: str, expected: str, found: str) -> None:
        super().__init__(f"{where or 'the body'}: expected {expected}, found {found}")
        self.where = where
        self.expected = expected
        self.found = found


def check_envelope(page: Page, *, has_rows: bool) -> None:
    """Check what every report page has: ``kind``, and ``rowCount`` with its rows.

    Args:
        page: The validated envelope (without ``rows``).
        has_rows: Whether the page has at least one row.

    Raises:
        PageShapeError: ``kind`` is missing or another string (``{}`` is not an empty
            report: a real one has its ``kind`` and headers), or rows come without
            the ``rowCount`` that pages through them.
    """
    kind = page.get("kind")
    if kind != KIND:
        found = "no 'kind' key" if kind is None else ResponseShapeError.describe(kind)
        raise PageShapeError("kind", f"the string {KIND!r}", found)
    if has_rows and "rowCount" not in page:
        raise PageShapeError("rowCount", "the total row count, sent with every row", "none")


def parse_page(content: bytes) -> Page:
    """Parse a ``RunReportResponse`` page into plain dicts and validate it.

    The body's top level is checked before any parser sees it (a JSON ``null``,
    number or list is refused by name); then the JSON is parsed in C; everything but
    the rows is validated with :data:`PAGE` and :func:`check_envelope`; the rows must
    be a list of objects; each row's shape and value count are checked where it is
    read (:class:`~partnerkit_ga4._report.RowMapper`), each value by its
    conversion, so no row is walked twice.

    Raises:
        PageShapeError: The body is JSON but not a ``RunReportResponse``.
        ValueError: The body is not JSON.
    """
    found = ResponseShapeError.top_level(content)
    if found is not None:
        raise PageShapeError("", "a JSON object", found)
    try:
        data = _json_loads()(content)
    except ValueError as exc:
        raise ValueError(f"not JSON: {exc}") from None
    if not isinstance(data, dict):  # pragma: no cover - top_level() caught it
        raise PageShapeError("", "a JSON object", ResponseShapeError.describe(data))
    rows = data.pop("rows", _ABSENT)
    if rows is _ABSENT:
        rows = None
    else:  # proto3 JSON leaves an empty list out: a null is not one
        if not isinstance(rows, list):
            raise PageShapeError("rows", "a JSON array", ResponseShapeError.describe(rows))
        for i, row in enumerate(rows):
            if not isinstance(row, dict):
                raise PageShapeError(f"rows[{i}]", "a row object", ResponseShapeError.describe(row))
    try:
        page = PAGE.validate_python(data)
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(p) for p in problem["loc"])
        raise PageShapeError(
            where,
            f"a value that fits ({problem['msg']})",
            ResponseShapeError.describe(problem["input"]),
        ) from None
    check_envelope(page, has_rows=bool(rows))
    if rows is not None:
        page["rows"] = rows
    return page


def parse_body(body: ReportBody, property_id: str) -> Page:
    """A report body as a validated page of plain dicts (:func:`parse_page`).

    Raises:
        ResponseShapeError: The body is JSON but not a ``RunReportResponse``.
        SourceError: The body is not JSON.
    """
    try:
        return parse_page(body.content)
    except PageShapeError as exc:
        raise ResponseShapeError(
            "GA4 runReport",
            where=exc.where,
            expected=exc.expected,
            found=exc.found,
            api=API,
            account=property_id,
            request=body.request,
            status=body.status,
        ) from None
    except ValueError as exc:
        raise SourceError(
            f"GA4 answered a runReport request with a page that does not fit the API's "
            f"shape ({exc}).",
            api=API,
            account=property_id,
            request=body.request,
            status=body.status,
        ) from None


class ReportQuery(TypedDict, total=False):
    """What :meth:`PropertyClient.run_report` asks for (built into a ``RunReportRequest``)."""

    dimensions: Sequence[str]
    metrics: Sequence[str]
    start: str
    end: str
    offset: int
    limit: int
    order_by: Sequence[str]
    dimension_filter: Mapping[str, Any] | None


@dataclass(frozen=True)
class ReportBody:
    """A runReport answer as it came: the JSON body and where it came from.

    Attributes:
        content: The JSON body.
        request: ``POST <url>``, for errors.
        status: The HTTP status.
    """

    content: bytes
    request: str
    status: int


class Compatibility(TypedDict):
    """Which asked-for names are incompatible, and the compatible alternatives."""

    incompatible_dimensions: list[str]
    incompatible_metrics: list[str]
    compatible_dimensions: list[str]
    compatible_metrics: list[str]


# ---------------------------------------------------------------------- the client


class PropertyClient:
    """The SDK client for one GA4 property, with the seam mounted on its session.

    Args:
        property_id: The numeric property id.
        credentials: google-auth credentials.
        policy: The retry policy of the seam.
        timeout: Seconds per HTTP request.
        now: The wall clock (quota refresh times in errors).
        rate: Requests per second on the property's shared limiter (``None``: no pace).
        burst: Requests back to back before the pace applies.
    """

    def __init__(
        self,
        property_id: str,
        credentials: Credentials,
        *,
        policy: http.RetryPolicy,
        timeout: float,
        now: Callable[[], dt.datetime],
        rate: float | None = None,
        burst: int = 1,
    ) -> None:
        from google.analytics.data_v1beta import BetaAnalyticsDataClient
        from google.analytics.data_v1beta.services.beta_analytics_data.transports import (
            rest,
        )

        self.property_id = property_id
        self.name = f"properties/{property_id}"
        self.timeout = timeout
        self.now = now
        self.memory = ErrorMemory()
        self.client = BetaAnalyticsDataClient(credentials=credentials, transport="rest")
        transport: Any = self.client.transport
        self.session: Any = transport._session  # google-auth's AuthorizedSession
        self.host: str = transport._host
        http.mount(
            self.session,
            API,
            account=property_id,
            policy=policy,
            limiter=http.rate_limiter((API, property_id), rate, burst),
            classifier=classifier(property_id, self.memory, now),
        )
        self._headers = {
            "Content-Type": "application/json",
            "x-goog-api-client": _api_client_header(rest.DEFAULT_CLIENT_INFO),
            "x-goog-request-params": f"property={self.name}",
        }

    # ------------------------------------------------------------ boundary

    def _call(self, call: Callable[[], T]) -> T:
        try:
            return call()
        except Exception as exc:
            mapped = to_partnerkit(exc, self.property_id, self.memory, self.now())
            if mapped is None:
                raise
            raise mapped from None

    # ------------------------------------------------------------ metadata

    def metadata(self) -> PropertyMetadata:
        """The property's dimensions and metrics (``GET .../metadata``, parsed by the SDK)."""
        meta: Any = self._call(
            lambda: self.client.get_metadata(
                name=f"{self.name}/metadata", retry=None, timeout=self.timeout
            )
        )
        dimensions = [
            DimensionInfo(
                api_name=d.api_name,
                ui_name=d.ui_name,
                description=d.description,
                custom=bool(d.custom_definition),
                deprecated_api_names=tuple(d.deprecated_api_names),
            )
            for d in meta.dimensions
        ]
        metrics = [
            MetricInfo(
                api_name=m.api_name,
                ui_name=m.ui_name,
                description=m.description,
                type=type_name(int(m.type_)),
                expression=m.expression,
                custom=bool(m.custom_definition),
                blocked_reasons=tuple(
                    BLOCKED_REASONS.get(int(r), str(r)) for r in m.blocked_reasons
                ),
                deprecated_api_names=tuple(m.deprecated_api_names),
            )
            for m in meta.metrics
        ]
        if not dimensions or not metrics:  # every property has GA4's standard ones
            raise ResponseShapeError(
                "GA4 getMetadata",
                where="",
                expected="the property's dimensions and metrics",
                found=f"{len(dimensions)} dimensions and {len(metrics)} metrics",
                api=API,
                account=self.property_id,
                request=f"GET {self.host}/v1beta/{self.name}/metadata",
            )
        return PropertyMetadata.build(self.property_id, dimensions, metrics)

    def compatibility(
        self,
        dimensions: Sequence[str],
        metrics: Sequence[str],
        dimension_filter: Mapping[str, Any] | None = None,
    ) -> Compatibility:
        """Ask GA4 which of these names cannot be used together (``:checkCompatibility``)."""
        from google.analytics.data_v1beta.types import (
            CheckCompatibilityRequest,
            Dimension,
            Metric,
        )

        request = CheckCompatibilityRequest(
            property=self.name,
            dimensions=[Dimension(name=n) for n in dimensions],
            metrics=[Metric(name=n) for n in metrics],
        )
        if dimension_filter:
            request.dimension_filter = filter_expression(dimension_filter)
        answer: Any = self._call(
            lambda: self.client.check_compatibility(
                request=request, retry=None, timeout=self.timeout
            )
        )
        out: Compatibility = {
            "incompatible_dimensions": [],
            "incompatible_metrics": [],
            "compatible_dimensions": [],
            "compatible_metrics": [],
        }
        for item in answer.dimension_compatibilities:
            ok = int(item.compatibility) == 1  # Compatibility.COMPATIBLE
            name = item.dimension_metadata.api_name
            out["compatible_dimensions" if ok else "incompatible_dimensions"].append(name)
        for item in answer.metric_compatibilities:
            ok = int(item.compatibility) == 1
            name = item.metric_metadata.api_name
            out["compatible_metrics" if ok else "incompatible_metrics"].append(name)
        return out

    # ------------------------------------------------------------- reports

    def build_request(self, query: ReportQuery) -> Any:
        """The SDK's ``RunReportRequest`` for a query (``returnPropertyQuota`` always on)."""
        from google.analytics.data_v1beta.types import (
            DateRange,
            Dimension,
            Metric,
            OrderBy,
            RunReportRequest,
        )

        request = RunReportRequest(
            property=self.name,
            dimensions=[Dimension(name=n) for n in query.get("dimensions", ())],
            metrics=[Metric(name=n) for n in query["metrics"]],
            date_ranges=[DateRange(start_date=query["start"], end_date=query["end"])],
            offset=query.get("offset", 0),
            limit=query.get("limit", 0),
            order_bys=[
                OrderBy(dimension=OrderBy.DimensionOrderBy(dimension_name=n))
                for n in query.get("order_by", ())
            ],
            return_property_quota=True,
        )
        dimension_filter = query.get("dimension_filter")
        if dimension_filter:
            request.dimension_filter = filter_expression(dimension_filter)
        return request

    def run_report(self, query: ReportQuery) -> Page:
        """Run one report page and return it validated, as plain dicts.

        The request is the SDK's ``RunReportRequest``, transcoded and serialised exactly
        as the SDK's REST transport does it, and sent through the same session.

        Raises:
            SourceError: (a subclass) for error responses and a page that does not fit
                the API's shape.
        """
        return self.parse(self.report_body(query))

    def report_body(self, query: ReportQuery) -> ReportBody:
        """Send one report request and return the answer's JSON body, unparsed.

        The connector's page path parses it column-wise
        (:func:`partnerkit_ga4._columns.arrow_page`), or with :meth:`parse`.

        Raises:
            SourceError: (a subclass) for error responses.
        """
        request = self.build_request(query)
        uri, body = _transcode(request)
        url = f"{self.host}{uri}"
        response: Any = self._call(
            lambda: self.session.post(
                url, params=_ALT, data=body, headers=self._headers, timeout=self.timeout
            )
        )
        if response.status_code >= 400:
            raise error_for_response(response, self.property_id, self.now())
        return ReportBody(bytes(response.content), f"POST {url}", int(response.status_code))

    def parse(self, body: ReportBody) -> Page:
        """A report body as a validated page of plain dicts (:func:`parse_body`)."""
        return parse_body(body, self.property_id)

    def close(self) -> None:
        """Close the HTTP session."""
        self.session.close()


# ----------------------------------------------- thin typed wrappers of SDK helpers


def _transcode(request: Any) -> tuple[str, str]:
    """The URI and JSON body of a ``RunReportRequest``, as the SDK's REST transport makes them.

    ``path_template.transcode`` moves ``property`` into the URI; the rest is serialised
    by the SDK's own types with enums as numbers (``rest_numeric_enums``), as in
    ``transcode_request`` of google-analytics-data.
    """
    from google.api_core import path_template

    kind = type(request)
    transcoded: dict[str, Any] = path_template.transcode(  # type: ignore[no-untyped-call]
        _RUN_REPORT_HTTP, kind.pb(request)
    )
    body: str = kind.to_json(
        kind.wrap(transcoded["body"]),
        use_integers_for_enums=True,
        always_print_fields_with_no_presence=False,
    )
    return str(transcoded["uri"]), body


def _api_client_header(client_info: Any) -> str:
    """The SDK's ``x-goog-api-client`` header value (library versions, for Google's stats)."""
    value: str = client_info.to_grpc_metadata()[1]
    return value


def filter_expression(value: Mapping[str, Any]) -> Any:
    """A GA4 ``FilterExpression`` from its JSON form, via the SDK's types.

    Raises:
        ConfigurationError: The JSON is not a valid filter expression (the parser's
            message names the field).
    """
    from google.analytics.data_v1beta.types import FilterExpression

    try:
        return FilterExpression.from_json(json.dumps(value))
    except Exception as exc:  # protobuf's json_format.ParseError and friends
        raise ConfigurationError(f"dimension_filter is not a GA4 FilterExpression: {exc}") from None
