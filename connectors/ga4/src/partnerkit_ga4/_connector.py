"""The GA4 connector: traffic by day and session source, and user-defined reports."""

from __future__ import annotations

import datetime as dt
import functools
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from partnerkit.connector import (
    Capability,
    CheckResult,
    Connector,
    Notice,
    ReadRequest,
    ReadWindow,
    StreamSpec,
)
from partnerkit.errors import ConfigurationError, PartnerkitError, ResponseShapeError, SourceError
from partnerkit.http import RetryPolicy
from partnerkit.records import Record, RecordKind
from partnerkit_ga4._errors import API
from partnerkit_ga4._quota import QuotaTracker
from partnerkit_ga4._settings import EARLIEST_DATE, CustomReport, Ga4Settings

if TYPE_CHECKING:
    from google.auth.credentials import Credentials

    from partnerkit_ga4._client import PropertyClient, ReportBody, Row
    from partnerkit_ga4._metadata import PropertyMetadata
    from partnerkit_ga4._report import ReportSpec

__all__ = ["Ga4Connector"]

_LOOKBACK_DAYS = 3  # GA4 keeps processing a day for up to two days
_V = TypeVar("_V")
_FIRST_READ = dt.timedelta(days=364)  # a read without a start covers a year
_OPTIONS = frozenset({"reports"})


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _row_dicts(client: PropertyClient, body: ReportBody) -> list[Row]:
    """A page's rows as dicts (the row path a page falls back to)."""
    return client.parse(body).get("rows") or []


class Ga4Connector(Connector[Ga4Settings]):
    """Google Analytics 4 through the official ``google-analytics-data`` SDK.

    Streams (both of unified performance records, ``platform="ga4"``, one record per
    day and slice, dates in the property's time zone):

    * ``traffic``: sessions, engaged sessions, total and new users, key events,
      revenue and leads per day × session source / medium / campaign name, with the
      default channel group mapped to partnerkit's ``channel``.
    * ``custom_reports``: the reports in ``settings.custom_reports``, any dimensions
      and metrics; ``options={"reports": [...]}`` narrows them.

    Args:
        settings: A :class:`Ga4Settings`, a mapping of settings, or ``None`` for the
            environment (``PARTNERKIT_GA4_*``).
        retry_policy: Overrides the seam's retry policy (its budget defaults to
            ``settings.http.max_wait_seconds``); tests pass a jitter-free one.
        clock: The wall clock, timezone-aware; the system's by default (tests pass a
            fixed one). It says when a daily quota refreshes, and is the moment of a
            read whose request sets no ``as_of`` (``ReadRequest.as_of`` wins over it).
    """

    name = "ga4"
    settings_class = Ga4Settings
    streams = (
        StreamSpec.dated(
            "traffic",
            RecordKind.PERFORMANCE,
            (
                "GA4 sessions, users, key events, revenue and leads per day and "
                "session source / medium / campaign / channel"
            ),
            lookback_days=_LOOKBACK_DAYS,
        ),
        StreamSpec.dated(
            "custom_reports",
            RecordKind.PERFORMANCE,
            (
                "User-defined GA4 reports (settings.custom_reports): any "
                "dimensions and metrics per day"
            ),
            lookback_days=_LOOKBACK_DAYS,
        ),
    )
    capabilities = frozenset(
        {Capability.HTTP, Capability.INCREMENTAL, Capability.CHECK, Capability.MULTI_ACCOUNT}
    )

    def __init__(
        self,
        settings: Ga4Settings | Mapping[str, Any] | None = None,
        *,
        retry_policy: RetryPolicy | None = None,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        super().__init__(settings)
        self._policy = retry_policy or self.settings.http.retry_policy()
        self._clock = clock
        self._now = clock or _utcnow
        self._lock = threading.Lock()
        self._credentials: Credentials | None = None
        self._clients: dict[str, PropertyClient] = {}
        self._metadata: dict[str, PropertyMetadata] = {}
        self._timezones: dict[str, str] = {}
        self._quotas: dict[str, QuotaTracker] = {}
        self._compatible: set[tuple[str, str]] = set()

    # ------------------------------------------------------------------ streams

    def enabled_streams(self) -> tuple[StreamSpec, ...]:
        """``traffic`` always; ``custom_reports`` when some are configured."""
        if self.settings.custom_reports:
            return self.streams
        return tuple(s for s in self.streams if s.name != "custom_reports")

    def read(self, request: ReadRequest) -> Iterator[Record | Notice]:
        """Read one stream for every requested property, chunk by chunk and page by page.

        Raises:
            ConfigurationError: Unknown options, properties or custom reports.
            UnknownFieldError: A name the property does not offer or cannot combine.
            QuotaExhaustedError: A property quota ran out, or would with the next request.
            SourceError: Other API failures (subclasses by kind).
        """
        self.stream_spec(request.stream)
        unknown = set(request.options) - _OPTIONS
        if unknown:
            raise ConfigurationError(
                f"Unknown option(s) {sorted(unknown)} for the ga4 connector; it knows: "
                f"{sorted(_OPTIONS)}."
            )
        reports = self._reports(request)
        for property_id in self._properties(request):
            yield from self._read_property(property_id, request, reports)

    def _reports(self, request: ReadRequest) -> list[CustomReport]:
        if request.stream != "custom_reports":
            return []
        configured = {r.name: r for r in self.settings.custom_reports}
        if not configured:
            raise ConfigurationError(
                "The custom_reports stream reads settings.custom_reports, and none are "
                "configured. Add reports, e.g. {name: devices, dimensions: [deviceCategory], "
                "metrics: [sessions, activeUsers]}."
            )
        wanted = request.options.get("reports")
        if wanted is None:
            return list(configured.values())
        names = [wanted] if isinstance(wanted, str) else list(wanted)
        missing = [n for n in names if n not in configured]
        if missing:
            raise ConfigurationError(
                f"No custom report named {', '.join(map(repr, missing))}; configured: "
                f"{', '.join(map(repr, configured))}."
            )
        return [configured[n] for n in names]

    def _properties(self, request: ReadRequest) -> list[str]:
        configured = self.settings.accounts
        if not request.accounts:
            return list(configured)
        wanted = [a.removeprefix("properties/") for a in request.accounts]
        missing = [a for a in wanted if a not in configured]
        if missing:
            raise ConfigurationError(
                f"GA4 propert{'y' if len(missing) == 1 else 'ies'} {', '.join(missing)} "
                f"{'is' if len(missing) == 1 else 'are'} not in the connector's accounts "
                f"({', '.join(configured)}); add them to accounts first."
            )
        return wanted

    # -------------------------------------------------------------- one property

    def _read_property(
        self, property_id: str, request: ReadRequest, reports: list[CustomReport]
    ) -> Iterator[Any]:
        """Record dicts (validated by the framework a page at a time) and notices."""
        from partnerkit_ga4._report import check_compatibility, custom_spec, traffic_spec

        client = self._client(property_id)
        meta = self._property_metadata(property_id)
        specs: list[ReportSpec]
        if request.stream == "traffic":
            specs = [
                traffic_spec(
                    meta,
                    self.settings.lead_events,
                    leads_configured="lead_events" in self.settings.model_fields_set,
                )
            ]
        else:
            specs = [custom_spec(meta, report) for report in reports]
            for spec in specs:
                if (property_id, spec.name) not in self._compatible:
                    answer = client.compatibility(
                        spec.dimension_names, spec.metric_names, spec.dimension_filter
                    )
                    check_compatibility(meta, spec, answer)
                    self._compatible.add((property_id, spec.name))
        for spec in specs:
            yield from spec.notices
        start, end, notices = self._date_range(property_id, request)
        yield from notices
        tracker = self._quota(property_id)
        for spec in specs:
            for first, last in ReadWindow(start, end).chunks(self.settings.chunk_days):
                yield from self._read_chunk(client, tracker, spec, first, last)
        notice = tracker.notice()
        if notice is not None:
            yield notice

    def _read_chunk(
        self,
        client: PropertyClient,
        tracker: QuotaTracker,
        spec: ReportSpec,
        start: dt.date,
        end: dt.date,
    ) -> Iterator[Any]:
        """Page through one report for one date chunk (limit / offset to ``rowCount``).

        Each page is parsed and mapped column-wise into an Arrow table
        (:mod:`partnerkit_ga4._columns`); a page the column path cannot map exactly
        takes the row path (plain dicts, :class:`~partnerkit_ga4._report.RowMapper`).
        """
        from partnerkit_ga4._columns import PageMapper, arrow_page

        channels = self.settings.channel_map_in_force()
        mapper = PageMapper(spec, client.property_id, start, end, channels)
        offset = 0
        while True:
            tracker.check(self._now())
            body = client.report_body(
                {
                    "dimensions": spec.dimension_names,
                    "metrics": spec.metric_names,
                    "start": start.isoformat(),
                    "end": end.isoformat(),
                    "offset": offset,
                    "limit": self.settings.page_size,
                    "order_by": spec.dimension_names,
                    "dimension_filter": spec.dimension_filter,
                }
            )
            parsed = arrow_page(body.content)
            if parsed is None:
                mapper.fallbacks += 1
                page = client.parse(body)
            else:
                page, table_rows = parsed
            tracker.update(page.get("propertyQuota"))
            if offset == 0:
                mapper.start(page)
                self._learn_timezone(client.property_id, page)
            count = page.get("rowCount", 0)
            mapper.page_row_count(count)
            if parsed is None:
                rows = page.get("rows") or []
                read = len(rows)
                yield from mapper.rows(rows)
            else:
                read = len(table_rows)
                row_dicts = functools.partial(_row_dicts, client, body)
                yield from mapper.arrow_rows(table_rows, row_dicts)
            if not read and offset < count:  # a page cut short would end the chunk early
                raise ResponseShapeError(
                    "GA4 runReport",
                    where="rows",
                    expected=f"rows from {offset + 1} of the {count} its rowCount announces",
                    found="no rows",
                    api=API,
                    account=client.property_id,
                    request=body.request,
                    status=body.status,
                )
            offset += read
            if offset >= count or not read:
                break
        yield from mapper.finish()

    # --------------------------------------------------------------- the dates

    def _date_range(
        self, property_id: str, request: ReadRequest
    ) -> tuple[dt.date, dt.date, list[Notice]]:
        """Start and end in the property's time zone; today only with ``include_today``.

        "Today" is the property's at the read's moment (``request.now``).
        """
        window = request.window(lambda: self._timezone(property_id), clock=self._clock)
        end = window.end
        excluded = window.notice(property_id)
        notices = [] if excluded is None else [excluded]
        start = request.start or self.settings.start_date or end - _FIRST_READ
        if start < EARLIEST_DATE:
            start = EARLIEST_DATE
        if start > end:
            notices.append(
                Notice(
                    "info",
                    "ga4_nothing_to_read",
                    f"GA4 property {property_id}: nothing to read, the range starts on {start} "
                    f"and ends on {end}.",
                    {"property": property_id, "start": start.isoformat(), "end": end.isoformat()},
                )
            )
        return start, end, notices

    def _learn_timezone(self, property_id: str, page: Mapping[str, Any]) -> None:
        """Keep the time zone a report's metadata names: a later read needs no probe."""
        zone = (page.get("metadata") or {}).get("timeZone")
        if isinstance(zone, str) and zone:
            with self._lock:
                self._timezones.setdefault(property_id, zone)

    def _timezone(self, property_id: str) -> str:
        """The property's time zone, from a one-row report's metadata (cached)."""
        with self._lock:
            known = self._timezones.get(property_id)
        if known:
            return known
        client = self._client(property_id)
        page = client.run_report(
            {"metrics": ["sessions"], "start": "today", "end": "today", "limit": 1}
        )
        self._quota(property_id).update(page.get("propertyQuota"), estimate=False)
        zone = (page.get("metadata") or {}).get("timeZone")
        try:
            ZoneInfo(zone or "")
        except (ZoneInfoNotFoundError, ValueError):
            raise SourceError(
                f"GA4 did not say property {property_id}'s time zone (got {zone!r}).",
                api=API,
                account=property_id,
            ) from None
        assert zone is not None
        with self._lock:
            self._timezones[property_id] = zone
        return zone

    # ---------------------------------------------------------- per property

    def _client(self, property_id: str) -> PropertyClient:
        from partnerkit_ga4._client import PropertyClient
        from partnerkit_ga4._credentials import load_credentials

        def make() -> PropertyClient:
            if self._credentials is None:
                self._credentials = load_credentials(self.settings)
            return PropertyClient(
                property_id,
                self._credentials,
                policy=self._policy,
                timeout=self.settings.http.timeout_seconds,
                now=self._now,
                rate=self.settings.http.requests_per_second,
                burst=self.settings.http.burst,
            )

        return self._once(self._clients, property_id, make)

    def _once(self, store: dict[str, _V], property_id: str, make: Callable[[], _V]) -> _V:
        """``store[property_id]``, made by ``make()`` under the lock the first time."""
        with self._lock:
            value = store.get(property_id)
            if value is None:
                value = store[property_id] = make()
            return value

    def _property_metadata(self, property_id: str) -> PropertyMetadata:
        with self._lock:
            known = self._metadata.get(property_id)
        if known is not None:
            return known
        meta = self._client(property_id).metadata()
        with self._lock:
            self._metadata[property_id] = meta
        return meta

    def _quota(self, property_id: str) -> QuotaTracker:
        return self._once(self._quotas, property_id, lambda: QuotaTracker(property_id))

    # ------------------------------------------------------------------ check

    def check(self) -> CheckResult:
        """Fetch each property's metadata: proves the credentials and the access.

        Returns:
            ``ok`` when every property answered; otherwise the first error.
        """
        reachable: list[str] = []
        for property_id in self.settings.accounts:
            try:
                self._property_metadata(property_id)
            except PartnerkitError as exc:
                return CheckResult(
                    ok=False,
                    message=f"GA4 property {property_id}: {exc}",
                    accounts=tuple(reachable),
                    error=exc,
                )
            reachable.append(property_id)
        count = len(reachable)
        return CheckResult(
            ok=True,
            message=f"credentials work; {count} GA4 propert{'y' if count == 1 else 'ies'} "
            "reachable",
            accounts=tuple(reachable),
        )

    def close(self) -> None:
        """Close every property's HTTP session."""
        with self._lock:
            clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            client.close()
        super().close()
