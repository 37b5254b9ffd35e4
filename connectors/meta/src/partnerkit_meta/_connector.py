"""The Meta Ads connector: ad insights by day, and campaign, ad set and ad metadata."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from partnerkit.connector import (
    Capability,
    CheckResult,
    Connector,
    Notice,
    ReadRequest,
    StreamSpec,
)
from partnerkit.errors import ConfigurationError
from partnerkit.records import Record, RecordKind
from partnerkit_meta import _dates
from partnerkit_meta._client import GraphClient
from partnerkit_meta._columns import PageMapper
from partnerkit_meta._insights import InsightsReader, breakdown_notice, describe_extras
from partnerkit_meta._objects import OBJECT_STREAMS, AccountInfo, object_records, read_account
from partnerkit_meta._settings import Level, MetaSettings, account_id, parse_level

__all__ = ["MetaConnector"]

_OPTIONS = frozenset({"level"})


class MetaConnector(Connector[MetaSettings]):
    """Meta Ads (Facebook and Instagram ads) through the facebook-business SDK.

    Streams:

    * ``ad_insights`` — performance by day at the configured level (account,
      campaign, ad set or ad), in each ad account's time zone and currency;
      incremental, with a 28-day lookback because Meta restates conversions.
      With ``breakdowns`` set, each row is split by them (their values in
      ``segment``, part of the key; reach per row, never summed).
    * ``campaigns``, ``ad_sets``, ``ads`` — metadata: status, objective, budgets,
      schedule, created/updated time, and for ads the URL parameters as ``utm_*``
      and the creative's id and name.

    Read options (``ReadRequest.options``): ``level`` overrides the setting for one
    read of ``ad_insights``.
    """

    name = "meta"
    settings_class = MetaSettings
    streams: ClassVar[tuple[StreamSpec, ...]] = (
        StreamSpec.dated(
            "ad_insights",
            RecordKind.PERFORMANCE,
            "Impressions, reach, clicks, spend, leads and conversions by day",
            lookback_days=28,
        ),
        StreamSpec.listing("campaigns", "Campaigns: status, objective, budgets, schedule"),
        StreamSpec.listing(
            "ad_sets", "Ad sets: status, budgets, optimisation, attribution setting"
        ),
        StreamSpec.listing("ads", "Ads: status and URL parameters (utm_*) for the source map"),
    )
    capabilities = frozenset(
        {Capability.HTTP, Capability.INCREMENTAL, Capability.CHECK, Capability.MULTI_ACCOUNT}
    )

    def __init__(self, settings: MetaSettings | Mapping[str, Any] | None = None) -> None:
        """Build the connector; nothing is sent until a read or a check.

        Args:
            settings: A :class:`MetaSettings`, a mapping (merged over the
                ``PARTNERKIT_META_*`` environment), or ``None`` for the environment only.

        Raises:
            ConfigurationError: The settings are invalid; each field is named.
        """
        super().__init__(settings)
        self._clients: dict[str, GraphClient] = {}
        self._infos: dict[str, AccountInfo] = {}

    # ------------------------------------------------------------------ plumbing

    def _client(self, account: str) -> GraphClient:
        if self._closed:
            raise ConfigurationError("this Meta connector is closed; build a new one")
        client = self._clients.get(account)
        if client is None:
            client = self._clients[account] = GraphClient(self.settings, account)
        return client

    def _account(self, account: str) -> AccountInfo:
        info = self._infos.get(account)
        if info is None:
            info = self._infos[account] = read_account(self._client(account))
        return info

    def _accounts_for(self, request: ReadRequest) -> list[str]:
        configured = self.settings.accounts
        if not request.accounts:
            return list(configured)
        try:
            asked = [account_id(a) for a in request.accounts]
        except ValueError as exc:
            raise ConfigurationError(f"ReadRequest.accounts: {exc}") from None
        unknown = [a for a in asked if a not in configured]
        if unknown:
            raise ConfigurationError(
                f"ReadRequest.accounts names {', '.join(unknown)}, which the Meta connection "
                f"does not list (it reads {', '.join(configured)}); add them to its accounts."
            )
        return list(dict.fromkeys(asked))

    def _level(self, request: ReadRequest) -> Level:
        unknown = sorted(set(request.options) - _OPTIONS)
        if unknown:
            raise ConfigurationError(
                f"unknown read option(s) for the Meta connector: {', '.join(unknown)}; "
                f"it accepts: {', '.join(sorted(_OPTIONS))}"
            )
        if "level" not in request.options:
            return self.settings.level
        try:
            return parse_level(request.options["level"])
        except ValueError as exc:
            raise ConfigurationError(f"read option level: {exc}") from None

    # ---------------------------------------------------------------------- read

    def read(self, request: ReadRequest) -> Iterator[Record | Notice]:
        """Read one stream for every requested ad account.

        Args:
            request: The stream, date range (days in each account's time zone),
                accounts (a subset of the settings' ``accounts``) and options.

        Yields:
            Unified records, and notices (clamped ranges, empty accounts, shrunk or
            split requests, unmapped action types).

        Raises:
            SourceError: A Meta error that retrying did not fix (mapped at one boundary).
            ConfigurationError: Unknown accounts, options or fields.
        """
        spec = self.stream_spec(request.stream)
        accounts = self._accounts_for(request)
        if spec.name == "ad_insights":
            yield from self._read_insights(request, accounts)
            return
        stream = OBJECT_STREAMS[spec.name]
        for account in accounts:
            info = self._account(account)
            yield from object_records(self._client(account), self.settings, stream, info)

    def _read_insights(self, request: ReadRequest, accounts: list[str]) -> Iterator[Any]:
        """Records, notices and pages as Arrow tables (see ``partnerkit_meta._columns``)."""
        level = self._level(request)
        yield from describe_extras(self.settings)
        if self.settings.breakdowns:
            yield breakdown_notice(self.settings.breakdowns, level)
        unmapped: dict[str, set[str]] = {}
        for account in accounts:
            info = self._account(account)
            if info.status not in (None, 1):
                yield Notice(
                    "info",
                    "account_status",
                    f"Ad account {account} ({info.name}) is {info.status_name}; its history "
                    "is read all the same.",
                    {"account": account, "account_status": info.status},
                )
            window = self._range(request, info)
            if isinstance(window, Notice):
                yield window
                continue
            start, end, notices = window
            yield from notices
            mapper = PageMapper(self.settings, level, info)
            reader = InsightsReader(self._client(account), self.settings, level, mapper)
            for item in reader.read(start, end):
                if isinstance(item, list):
                    yield from item  # a page the row path mapped
                else:
                    yield item  # a notice, or a page as one Arrow table
            if mapper.count == 0:
                yield Notice(
                    "info",
                    "no_data",
                    f"Meta reported no {level}-level delivery for {account} between {start} "
                    f"and {end}.",
                    {"account": account, "start": start, "end": end, "level": level},
                )
            for action_type in mapper.unmapped:
                unmapped.setdefault(action_type, set()).add(account)
        if unmapped:
            names = sorted(unmapped)
            yield Notice(
                "info",
                "unmapped_action_types",
                f"{len(names)} Meta action type(s) were present but are not mapped to a "
                f"column: {', '.join(names)}. Map the ones you need under actions (leads, "
                "conversions, conversion_value or extra).",
                {"action_types": names, "accounts": {t: sorted(a) for t, a in unmapped.items()}},
            )

    def _range(
        self, request: ReadRequest, info: AccountInfo
    ) -> tuple[dt.date, dt.date, list[Notice]] | Notice:
        """The days to read for one account: today (in its zone) only when asked.

        "Today" and the 37-month history limit count from the read's moment,
        ``request.now()`` (its ``as_of``, else the wall clock).
        """
        window = request.window(lambda: _dates.zone(info.timezone))
        today = window.today or request.now().astimezone(_dates.zone(info.timezone)).date()
        first = _dates.earliest_day(today)
        notices: list[Notice] = []
        end = window.end
        excluded = window.notice(info.id)
        if excluded is not None:
            notices.append(excluded)
        start = request.start or first
        if start < first:
            notices.append(
                Notice(
                    "warning",
                    "history_limit",
                    f"Meta keeps insights for 37 months: {info.id} is read from {first}, not "
                    f"{start}.",
                    {"account": info.id, "asked_start": start, "start": first},
                )
            )
            start = first
        if start > end:
            return Notice(
                "info",
                "nothing_to_read",
                f"Nothing to read for {info.id}: {start} is after {end} in {info.timezone}.",
                {"account": info.id, "start": start, "end": end},
            )
        return start, end, notices

    # --------------------------------------------------------------------- check

    def check(self) -> CheckResult:
        """Read each configured ad account's name, currency and time zone.

        Returns:
            ``ok`` when the token reaches every account; otherwise the first error
            (an :class:`~partnerkit.errors.AuthenticationError` for a bad token).
        """

        def describe(account: str) -> tuple[str, str]:
            info = self._account(account)
            return account, f"{account} ({info.name}, {info.currency}, {info.timezone})"

        return CheckResult.each(
            self.settings.accounts,
            describe,
            lambda described: (
                f"The token reads {len(described)} ad account(s) through "
                f"Graph API {self.settings.api_version}: {'; '.join(described)}."
            ),
        )

    # ----------------------------------------------------------------- lifecycle

    def close(self) -> None:
        """Close every account's HTTP session."""
        for client in self._clients.values():
            client.close()
        self._clients.clear()
        super().close()
