"""The Google Ads connector: performance with leads, and campaign metadata, per customer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, cast, get_args
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
from partnerkit.errors import ConfigurationError, PartnerkitError
from partnerkit.records import RecordKind
from partnerkit_google_ads import _gaql, _reports, _schema
from partnerkit_google_ads._auth import ResolvedCredentials, resolve_credentials
from partnerkit_google_ads._parse import (
    RAW_BATCHES,
    CustomerInfo,
    campaign_record,
    customer_from_client_row,
    customer_from_row,
    performance_record,
    row_key,
    rows,
)
from partnerkit_google_ads._settings import GoogleAdsSettings, Level, normalize_customer_id
from partnerkit_google_ads._transport import Transport

__all__ = ["GoogleAdsConnector"]

_DEFAULT_HISTORY = dt.timedelta(days=730)
_EPOCH = dt.date(2000, 1, 1)  # any day: the field check only needs a query's shape
#: The options each stream takes (``campaigns`` ignores options, as it always has).
_OPTIONS: dict[str, frozenset[str]] = {
    "performance": frozenset({"level"}),
    "custom": frozenset({"query"}),
}
_REPORT_STREAMS = frozenset({*_reports.REPORTS, "conversions", "custom"})


def _daily(name: str, description: str) -> StreamSpec:
    """A performance stream read by day, each incremental read re-reading 14 days."""
    return StreamSpec.dated(name, RecordKind.PERFORMANCE, description, lookback_days=14)


def _require_known(
    asked: Iterable[str], known: Collection[str], complaint: Callable[[list[str]], str]
) -> None:
    """Refuse a configuration that asks for what is not there.

    Raises:
        ConfigurationError: ``complaint(unknown)``, when some of ``asked`` is not in
            ``known`` (``unknown`` in the order asked).
    """
    unknown = [name for name in asked if name not in known]
    if unknown:
        raise ConfigurationError(complaint(unknown))


@dataclass(frozen=True)
class _Context:
    """What a read needs once credentials are loaded and the version checked."""

    credentials: ResolvedCredentials
    version: str
    transport: Transport
    lead_categories: tuple[str, ...]


class GoogleAdsConnector(Connector[GoogleAdsSettings]):
    """Google Ads through the official google-ads library and the REST interface.

    Streams:

    * ``performance`` — one record per day and customer, campaign, ad group or ad
      (the ``level`` setting, or ``options={"level": ...}``), with spend in the
      customer's currency, conversions, conversion value and the conversions of
      lead-category actions as ``leads``.
    * ``campaigns`` — each campaign's status, channel, dates, budget and the UTM
      values of its final URL suffix / tracking template.
    * ``keywords`` — daily metrics per keyword (``keyword_view``), with its text,
      match type and quality score (not additive).
    * ``search_terms`` — daily metrics per search term and ad group
      (``search_term_view``), with the term's status.
    * ``geography`` — daily metrics per campaign, country, region and location type
      (``geographic_view``).
    * ``devices`` — daily metrics per campaign and device (``segments.device``).
    * ``conversions`` — daily conversions per campaign and conversion action
      (``segments.conversion_action`` and its name and category), so a lead action
      and a purchase action are never mixed; the ``conversion_actions`` setting
      narrows it to some actions.
    * ``custom`` — a GAQL query of the ``custom_queries`` setting
      (``options={"query": name}``), checked against GoogleAdsFieldService, every
      column typed from its metadata.

    With a ``login_customer_id`` and no ``accounts`` it reads every enabled client
    account under the manager.

    Args:
        settings: The settings (an instance, a mapping, or ``None`` for the
            environment).
        now: The wall clock, timezone-aware; the system's by default (tests pass a
            fixed one). It says when an exhausted daily quota resets, and is the moment
            of a read whose request sets no ``as_of`` (``ReadRequest.as_of`` wins over
            it): that moment decides which day is "today" in each customer's time zone.
    """

    name = "google_ads"
    settings_class = GoogleAdsSettings
    streams: ClassVar[tuple[StreamSpec, ...]] = (
        _daily("performance", "Daily metrics per customer, campaign, ad group or ad, with leads"),
        StreamSpec.listing(
            "campaigns", "Campaign settings, budgets and UTM values from URL options"
        ),
        _daily("keywords", "Daily metrics per keyword, with text, match type and quality score"),
        _daily(
            "search_terms", "Daily metrics per search term and ad group, with the term's status"
        ),
        _daily("geography", "Daily metrics per campaign, country and region"),
        _daily("devices", "Daily metrics per campaign and device"),
        _daily("conversions", "Daily conversions per campaign and conversion action"),
        _daily("custom", "A custom GAQL query from the custom_queries setting, typed by metadata"),
    )
    capabilities = frozenset(
        {Capability.HTTP, Capability.INCREMENTAL, Capability.CHECK, Capability.MULTI_ACCOUNT}
    )

    def __init__(
        self,
        settings: GoogleAdsSettings | Mapping[str, Any] | None = None,
        *,
        now: Callable[[], dt.datetime] | None = None,
    ) -> None:
        super().__init__(settings)
        self._clock = now
        self._now = now or (lambda: dt.datetime.now(dt.UTC))
        self._context: _Context | None = None
        self._custom: dict[str, _reports.Plan] = {}

    # ------------------------------------------------------------------ set-up

    def _timestamp(self) -> float:
        return self._now().timestamp()

    def _ready(self) -> _Context:
        """Load credentials, pick and check the API version, validate the lead mapping."""
        if self._context is not None:
            return self._context
        settings = self.settings
        version = _schema.check_version(settings.api_version or _schema.latest_version())
        categories = tuple(settings.lead_categories)
        known = _schema.enum_values(version, "segments.conversion_action_category")
        _require_known(
            categories,
            known,
            lambda unknown: (
                f"lead_categories: {', '.join(repr(c) for c in unknown)} is not a conversion "
                f"action category of Google Ads API {version}; the categories are: "
                f"{', '.join(known)}."
            ),
        )
        for level in get_args(Level):
            _schema.check_fields(version, _gaql.performance_query(level, _EPOCH, _EPOCH).fields)
            _schema.check_fields(version, _gaql.LEVEL_KEYS[level])
        _schema.check_fields(version, _gaql.CAMPAIGN_FIELDS + _gaql.CUSTOMER_CLIENT_FIELDS)
        credentials = resolve_credentials(settings)
        transport = Transport(
            credentials,
            endpoint=settings.endpoint,
            version=version,
            now=self._timestamp,
            http_settings=settings.http,
        )
        self._context = _Context(credentials, version, transport, categories)
        return self._context

    @staticmethod
    def _check_options(request: ReadRequest) -> None:
        allowed = _OPTIONS.get(request.stream, frozenset())
        unknown = sorted(set(request.options) - allowed)
        if unknown and request.stream != "campaigns":
            raise ConfigurationError(
                f"Unknown option(s) for the google_ads {request.stream} stream: "
                f"{', '.join(unknown)}; it takes: {', '.join(sorted(allowed)) or 'none'}."
            )

    def _level(self, request: ReadRequest) -> Level:
        level = request.options.get("level", self.settings.level)
        level = {"customer": "account"}.get(level, level)
        if level not in get_args(Level):
            raise ConfigurationError(
                f"options.level {level!r} is not a level; use one of: {', '.join(get_args(Level))}."
            )
        return cast(Level, level)

    # --------------------------------------------------------------- customers

    def _customers(
        self, context: _Context, requested: tuple[str, ...]
    ) -> Iterator[CustomerInfo | Notice]:
        """The customers to read: configured, or under the manager; narrowed by the request."""
        settings = self.settings
        try:
            narrow = [normalize_customer_id(a, "account") for a in requested]
        except ValueError as exc:
            raise ConfigurationError(f"Invalid read request: {exc}") from None
        configured = list(settings.accounts)
        if configured and narrow:
            _require_known(
                narrow,
                configured,
                lambda outside: (
                    f"Account(s) {', '.join(outside)} are not among this connection's accounts "
                    f"({', '.join(configured)}); add them to the accounts setting."
                ),
            )
        manager = context.credentials.login_customer_id
        found: list[CustomerInfo] = []
        if configured or (narrow and not manager):
            for account in narrow or configured:
                info = self._customer(context, account)
                if info.manager:
                    clients = self._clients(context, info.id)
                    yield Notice(
                        "info",
                        "manager_expanded",
                        f"Account {info.id} is a manager (MCC) account, which has no metrics "
                        f"of its own; reading its {len(clients)} enabled client account(s).",
                        {"manager": info.id, "clients": [c.id for c in clients]},
                    )
                    found.extend(clients)
                else:
                    found.append(info)
        elif manager:
            clients = self._clients(context, manager)
            if narrow:
                by_id = {c.id: c for c in clients}
                _require_known(
                    narrow,
                    by_id,
                    lambda missing: (
                        f"Account(s) {', '.join(missing)} are not enabled client accounts under "
                        f"the manager {manager} (client_depth {settings.client_depth}); it has: "
                        f"{', '.join(by_id) or 'none'}."
                    ),
                )
                clients = [by_id[a] for a in narrow]
            else:
                yield Notice(
                    "info",
                    "manager_clients",
                    f"Manager {manager}: reading {len(clients)} enabled client account(s).",
                    {"manager": manager, "clients": [c.id for c in clients]},
                )
            found.extend(clients)
        else:
            raise ConfigurationError(
                "The google_ads connector needs accounts (customer ids to read) or a "
                "login_customer_id (a manager account whose clients it reads)."
            )
        seen: set[str] = set()
        for customer in found:
            if customer.id not in seen:
                seen.add(customer.id)
                yield customer

    def _customer(self, context: _Context, customer_id: str) -> CustomerInfo:
        batches = context.transport.search_stream(customer_id, _gaql.customer_query())
        for row in rows(batches):
            return customer_from_row(row)
        return CustomerInfo(customer_id, None, None, None)

    def _clients(self, context: _Context, manager: str) -> list[CustomerInfo]:
        query = _gaql.customer_clients_query(self.settings.client_depth)
        batches = context.transport.search_stream(manager, query)
        return [customer_from_client_row(row) for row in rows(batches)]

    # -------------------------------------------------------------------- read

    def _query_name(self, request: ReadRequest) -> str:
        queries = self.settings.custom_queries
        if not queries:
            raise ConfigurationError(
                "The custom stream reads a query of the custom_queries setting, which is "
                "empty; add one, e.g. custom_queries: {clicks_by_hour: 'SELECT ...'}."
            )
        name = request.options.get("query")
        if name is None:
            if len(queries) > 1:
                raise ConfigurationError(
                    f"options.query: say which custom query to read; there are "
                    f"{', '.join(sorted(queries))}."
                )
            return next(iter(queries))
        if name not in queries:
            raise ConfigurationError(
                f"options.query {name!r} is not a custom query; there are "
                f"{', '.join(sorted(queries))}."
            )
        return str(name)

    def _plan(
        self, context: _Context, stream: str, customer: CustomerInfo, query_name: str | None
    ) -> _reports.Plan:
        """The report of a stream for a customer; a custom query is checked once."""
        if stream == "conversions":
            return _reports.conversions_plan(
                context.version,
                self.settings.conversion_actions,
                customer.id,
                context.lead_categories,
            )
        if stream != "custom":
            return _reports.REPORTS[stream].plan(context.version)
        assert query_name is not None
        plan = self._custom.get(query_name)
        if plan is None:
            custom = _reports.parse_custom_query(
                query_name, self.settings.custom_queries[query_name]
            )
            answer = context.transport.search_fields(_reports.fields_query(custom), customer.id)
            plan = _reports.custom_plan(custom, answer, context.version)
            self._custom[query_name] = plan
        return plan

    def _report(
        self,
        context: _Context,
        customer: CustomerInfo,
        request: ReadRequest,
        query_name: str | None,
        described: set[str],
    ) -> Iterator[dict[str, Any] | Notice]:
        plan = self._plan(context, request.stream, customer, query_name)
        if plan.stream not in described:
            described.add(plan.stream)
            yield from plan.notices()
        start, end, notices = self._range(customer, request)
        yield from notices
        if start > end:
            return
        for first, last in ReadWindow(start, end).chunks(self.settings.chunk_days):
            query = plan.dated(first, last)
            batches = context.transport.search_stream(customer.id, query, RAW_BATCHES)
            source = f"customer {customer.id}: {plan.stream} ({query.resource})"
            yield from _reports.records(plan, _reports.raw_rows(batches), customer, source)

    def enabled_streams(self) -> tuple[StreamSpec, ...]:
        """``performance`` and ``campaigns``, and the report streams ``report_streams`` names.

        A sync reads these. Report streams split the campaigns' spend by keyword,
        search term, place, device or conversion action: read them on purpose
        (``report_streams``, or ``connector.read`` / ``partnerkit pull --stream``), not
        with every sync. ``custom`` needs a query name and is read on request only.
        """
        chosen = set(self.settings.report_streams)
        return tuple(s for s in self.streams if s.name not in _REPORT_STREAMS or s.name in chosen)

    def read(self, request: ReadRequest) -> Iterator[dict[str, Any] | Notice]:  # type: ignore[override]
        """Read one stream for each customer; see the class docstring."""
        spec = self.stream_spec(request.stream)
        self._check_options(request)
        level = self._level(request) if spec.name == "performance" else "campaign"
        query_name: str | None = None
        if spec.name == "custom":  # a query of the wrong form is refused before any request
            query_name = self._query_name(request)
            _reports.parse_custom_query(query_name, self.settings.custom_queries[query_name])
        context = self._ready()
        described: set[str] = set()
        for item in self._customers(context, request.accounts):
            if isinstance(item, Notice):
                yield item
            elif spec.name in _REPORT_STREAMS:
                yield from self._report(context, item, request, query_name, described)
            elif spec.name == "performance":
                yield from self._performance(context, item, request, level)
            else:
                yield from self._campaigns(context, item)

    def _zone(self, customer: CustomerInfo) -> tuple[ZoneInfo, Notice | None]:
        try:
            return ZoneInfo(customer.time_zone or ""), None
        except (ZoneInfoNotFoundError, ValueError):
            notice = Notice(
                "warning",
                "unknown_time_zone",
                f"Customer {customer.id} reports the time zone {customer.time_zone!r}, which "
                "is not an IANA zone known here; 'today' is taken in UTC for it.",
                {"account": customer.id, "time_zone": customer.time_zone},
            )
            return ZoneInfo("UTC"), notice

    def _range(
        self, customer: CustomerInfo, request: ReadRequest
    ) -> tuple[dt.date, dt.date, list[Notice]]:
        """The days to read for a customer: ``today`` in its time zone decides the end.

        "Today" is the customer's at the read's moment (``request.now``).
        """
        zone, notice = self._zone(customer)
        notices = [notice] if notice else []
        window = request.window(zone, clock=self._clock)
        end = window.end
        excluded = window.notice(customer.id)
        if excluded is not None:
            notices.append(excluded)
        start = request.start or self.settings.start_date or end - _DEFAULT_HISTORY
        return start, end, notices

    def _performance(
        self, context: _Context, customer: CustomerInfo, request: ReadRequest, level: Level
    ) -> Iterator[dict[str, Any] | Notice]:
        start, end, notices = self._range(customer, request)
        yield from notices
        if start > end:
            return
        for first, last in ReadWindow(start, end).chunks(self.settings.chunk_days):
            leads = self._leads(context, customer, level, first, last)
            query = _gaql.performance_query(level, first, last)
            batches = context.transport.search_stream(customer.id, query)
            for row in rows(batches):
                record = performance_record(row, level, customer)
                if leads is not None:
                    record["leads"] = leads.pop(row_key(row, level), 0.0)
                yield record
            if leads:
                yield from self._orphan_leads(customer, level, leads)

    def _leads(
        self, context: _Context, customer: CustomerInfo, level: Level, start: dt.date, end: dt.date
    ) -> dict[tuple[Any, ...], float] | None:
        """Lead conversions by (day, object): one query, categories summed per row."""
        if not context.lead_categories:
            return None
        query = _gaql.leads_query(level, start, end, context.lead_categories)
        totals: dict[tuple[Any, ...], float] = {}
        for row in rows(context.transport.search_stream(customer.id, query)):
            key = row_key(row, level)
            totals[key] = totals.get(key, 0.0) + row.get("metrics", {}).get("conversions", 0.0)
        return totals

    def _orphan_leads(
        self, customer: CustomerInfo, level: Level, leads: dict[tuple[Any, ...], float]
    ) -> Iterator[dict[str, Any] | Notice]:
        """Lead rows without a performance row: kept, and said so."""
        yield Notice(
            "warning",
            "leads_without_performance_row",
            f"Customer {customer.id}: {len(leads)} (day, {level}) row(s) of lead conversions "
            "had no row in the performance query (the data changed between the two queries). "
            "They are kept as records with only leads; read the days again to complete them.",
            {"account": customer.id, "rows": [[str(p) for p in key] for key in leads]},
        )
        ids = {
            "account": (),
            "campaign": ("campaign_id",),
            "ad_group": ("ad_group_id",),
            "ad": ("ad_group_id", "ad_id"),
        }[level]
        for key, value in leads.items():
            record: dict[str, Any] = {
                "date": key[0],
                "platform": "google_ads",
                "account_id": customer.id,
                "account_name": customer.name,
                "level": level,
                "source": "google",
                "medium": "cpc",
                "currency": customer.currency,
                "timezone": customer.time_zone,
                "leads": value,
            }
            record.update(zip(ids, key[1:] if ids else (), strict=True))
            yield record

    def _campaigns(self, context: _Context, customer: CustomerInfo) -> Iterator[dict[str, Any]]:
        batches = context.transport.search_stream(customer.id, _gaql.campaigns_query())
        for row in rows(batches):
            yield campaign_record(row, customer)

    # ------------------------------------------------------------------- check

    def check(self) -> CheckResult:
        """Reach every configured account (or the manager and its clients).

        Each query of ``custom_queries`` is checked against GoogleAdsFieldService too,
        so an unknown or unselectable field shows before the first read.
        """
        try:
            context = self._ready()
            customers = [c for c in self._customers(context, ()) if isinstance(c, CustomerInfo)]
            if customers:
                for name in self.settings.custom_queries:
                    self._plan(context, "custom", customers[0], name)
        except PartnerkitError as exc:
            return CheckResult.failed(exc)
        ids = tuple(c.id for c in customers)
        manager = context.credentials.login_customer_id
        via = f" through manager {manager}" if manager else ""
        queries = len(self.settings.custom_queries) if customers else 0
        checked = (
            f" {queries} custom quer{'y' if queries == 1 else 'ies'} checked." if queries else ""
        )
        return CheckResult(
            ok=True,
            message=(
                f"Google Ads API {context.version}: {len(ids)} account(s) reachable{via}.{checked}"
            ),
            accounts=ids,
        )

    def close(self) -> None:
        """Close the HTTP sessions."""
        if self._context is not None:
            self._context.transport.close()
        super().close()
