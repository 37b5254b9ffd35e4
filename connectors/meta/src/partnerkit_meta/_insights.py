"""The ``ad_insights`` stream: daily performance, read synchronously or as report runs.

The hot path reads pages, not objects: each raw page goes to a
:class:`~partnerkit_meta._columns.PageMapper`, which maps it column by column into an
Arrow table (``partnerkit_meta._columns``). A page it cannot map exactly takes the
row path kept here: the page is validated in one ``TypeAdapter.validate_json`` call
into flat TypedDicts (pydantic-core turns Meta's string numbers into ``int`` and exact
``Decimal``), then :class:`RowMapper` builds one dict per row, indexing a row's
``actions`` array once and converting only the mapped action types.

Short ranges (``async_threshold_days`` or fewer) are read synchronously with cursor
paging; longer ones as asynchronous report runs of at most ``chunk_days`` days:
``POST /act_<id>/insights`` answers ``{"report_run_id"}``; ``GET /<report_run_id>`` is
polled (``async_status``, ``async_percent_completion``) with doubling waits on the
seam's clock; ``GET /<report_run_id>/insights`` is paged when the run is done. A run
that fails or times out is split into two halves of its date range, which share no
day and leave none out.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Literal, Required, TypeAlias, cast

from pydantic import ConfigDict, TypeAdapter, with_config
from typing_extensions import TypedDict

from partnerkit.connector import Notice, ReadWindow
from partnerkit.errors import DataError, TransientError
from partnerkit.records import Additivity, ExtraValue, PerformanceRecord, Role
from partnerkit_meta._client import GraphClient
from partnerkit_meta._errors import ReduceDataError
from partnerkit_meta._objects import AccountInfo, effective_statuses
from partnerkit_meta._settings import ID_FIELDS, METRIC_FIELDS, ActionRule, Level, MetaSettings

if TYPE_CHECKING:
    import pyarrow as pa

    from partnerkit_meta._columns import PageMapper

__all__ = [
    "LEVEL_NAMES",
    "InsightsPage",
    "InsightsReader",
    "InsightsRow",
    "RowMapper",
    "breakdown_notice",
    "describe_extras",
    "extra_field_value",
    "insights_params",
    "is_money_field",
    "segment_of",
]

logger = logging.getLogger("partnerkit.meta")

#: Meta's insights level → the unified record's ``level``.
LEVEL_NAMES: dict[str, str] = {
    "account": "account",
    "campaign": "campaign",
    "adset": "ad_group",
    "ad": "ad",
}
_LEVEL_ORDER: tuple[Level, ...] = ("account", "campaign", "adset", "ad")
_RUN_FIELDS = "id,async_status,async_percent_completion,error_code,error_message"
_ADDITIVE_EXTRA_FIELDS = frozenset(
    {"inline_post_engagement", "social_spend", "full_view_impressions"}
)
_TEXT_EXTRA_FIELDS = frozenset(
    {
        "objective",
        "optimization_goal",
        "buying_type",
        "quality_ranking",
        "engagement_rate_ranking",
        "conversion_rate_ranking",
    }
)

# ------------------------------------------------------------------ page shapes

# One entry of ``actions`` / ``action_values``: an action type, its value under the
# ad set's attribution setting, and one key per requested attribution window.
ActionStat = TypedDict(
    "ActionStat",
    {
        "action_type": str,
        "value": str,
        "1d_click": str,
        "7d_click": str,
        "28d_click": str,
        "1d_view": str,
        "1d_ev": str,
    },
    total=False,
)


@with_config(ConfigDict(extra="allow"))
class InsightsRow(TypedDict, total=False):
    """One row of an insights page, typed (extra fields are kept as sent)."""

    account_id: str
    account_name: str
    campaign_id: str
    campaign_name: str
    adset_id: str
    adset_name: str
    ad_id: str
    ad_name: str
    date_start: Required[dt.date]
    date_stop: dt.date
    impressions: int
    reach: int
    clicks: int
    inline_link_clicks: int
    spend: Decimal
    actions: list[ActionStat]
    action_values: list[ActionStat]
    attribution_setting: str


class _Cursors(TypedDict, total=False):
    before: str
    after: str


class Paging(TypedDict, total=False):
    """Graph API cursor paging."""

    cursors: _Cursors
    next: str
    previous: str


class InsightsPage(TypedDict, total=False):
    """A page of ``/insights`` (sync, or the results of a report run)."""

    data: Required[list[InsightsRow]]
    paging: Paging


class _ReportRunStarted(TypedDict):
    report_run_id: str


class _ReportRun(TypedDict, total=False):
    id: Required[str]
    async_status: Required[str]
    async_percent_completion: int
    error_code: int
    error_message: str


PAGE: TypeAdapter[InsightsPage] = TypeAdapter(InsightsPage)
_STARTED: TypeAdapter[_ReportRunStarted] = TypeAdapter(_ReportRunStarted)
_RUN: TypeAdapter[_ReportRun] = TypeAdapter(_ReportRun)

# ------------------------------------------------------------------ parameters


def insights_params(
    settings: MetaSettings, level: Level, start: dt.date, end: dt.date
) -> dict[str, Any]:
    """The ``/insights`` parameters of one read (the SDK JSON-encodes lists and maps).

    Args:
        settings: The connector settings (attribution, extra fields, deleted objects).
        level: The level to aggregate at.
        start: First day, in the account's time zone.
        end: Last day (inclusive).

    Returns:
        ``level``, ``fields``, ``time_range``, ``time_increment=1``,
        ``use_unified_attribution_setting``, ``action_report_time``, and, as
        configured, ``action_attribution_windows``, ``breakdowns``,
        ``action_breakdowns`` (when not Meta's default ``[action_type]``) and an
        ``effective_status`` filter that keeps deleted and archived objects.
    """
    fields: list[str] = []
    for grain in _LEVEL_ORDER[: _LEVEL_ORDER.index(level) + 1]:
        fields.extend(ID_FIELDS[grain])
    fields += ["date_start", "date_stop", *METRIC_FIELDS]
    if settings.attribution_windows is None:
        fields.append("attribution_setting")
    fields += settings.extra_fields
    params: dict[str, Any] = {
        "level": level,
        "fields": ",".join(fields),
        "time_range": {"since": start.isoformat(), "until": end.isoformat()},
        "time_increment": 1,
        "use_unified_attribution_setting": True,
        "action_report_time": settings.action_report_time,
    }
    if settings.attribution_windows is not None:
        params["action_attribution_windows"] = list(settings.attribution_windows)
    if settings.breakdowns:
        params["breakdowns"] = list(settings.breakdowns)
    if settings.action_breakdowns != ("action_type",):
        params["action_breakdowns"] = list(settings.action_breakdowns)
    if settings.include_deleted and level != "account":
        params["filtering"] = [
            {
                "field": f"{level}.effective_status",
                "operator": "IN",
                "value": effective_statuses(level),
            }
        ]
    return params


# ------------------------------------------------------------------- the rows

Index = Mapping[str, ActionStat]
Reader = Callable[[Index], Any]


def is_money_field(name: str) -> bool:
    """Whether an extra Insights field is money (``spend``, ``cost_per_…``, ``cpc``…)."""
    return "spend" in name or name.startswith(("cost_per", "cpc", "cpm", "cpp"))


def _rule_reader(
    rule: ActionRule | None, windows: tuple[str, ...] | None, convert: Callable[[str], Any]
) -> Reader | None:
    """Compile a rule into a function of a row's actions index (the hot path).

    ``first`` returns the value of the first listed type the row has; ``sum`` the sum
    of every listed type it has; both return ``None`` when the row has none of them
    (Meta leaves out action types with no occurrence). Under the ad sets' attribution
    a value is the action's ``value``; with fixed windows, the sum of its window keys.
    """
    if rule is None:
        return None
    types = rule.action_types

    if windows is None:

        def amount(stat: ActionStat) -> Any:
            return convert(stat.get("value", "0"))

    else:

        def amount(stat: ActionStat) -> Any:
            by_window = cast(Mapping[str, str], stat)
            summed = convert("0")
            for window in windows:
                summed += convert(by_window.get(window, "0"))
            return summed

    if rule.combine == "first":

        def first(index: Index) -> Any:
            for action_type in types:
                stat = index.get(action_type)
                if stat is not None:
                    return amount(stat)
            return None

        return first

    def total(index: Index) -> Any:
        present = [index[t] for t in types if t in index]
        if not present:
            return None
        result = amount(present[0])
        for stat in present[1:]:
            result += amount(stat)
        return result

    return total


def segment_of(row: Mapping[str, Any], breakdowns: tuple[str, ...]) -> str | None:
    """A breakdown row's ``segment``: ``name=value|name=value`` in the settings' order.

    ``None`` without breakdowns (the standard grain). A value Meta leaves out (it
    does for off-Meta actions under some breakdowns) is written empty.
    """
    if not breakdowns:
        return None
    return "|".join(f"{name}={_text(row.get(name))}" for name in breakdowns)


def breakdown_notice(breakdowns: tuple[str, ...], level: Level) -> Notice:
    """Says what breakdown rows are: a split of the level's rows, reach not summable."""
    return Notice(
        "info",
        "breakdown_rows",
        f"Meta {LEVEL_NAMES[level]} rows are split by {', '.join(breakdowns)}; each row's "
        "segment holds its values. They split the standard rows and are never added to "
        "them; reach is distinct people per row and never summed across segments or days.",
        {
            "breakdowns": list(breakdowns),
            "level": LEVEL_NAMES[level],
            "non_additive": ["reach"],
        },
    )


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def describe_extras(settings: MetaSettings) -> list[Notice]:
    """Notices documenting every ``extra`` column these settings produce."""
    notices = [
        Notice.describe_extra(
            "action_report_time",
            "The action_report_time the conversions were counted with: impression, "
            "conversion or mixed (the connector's action_report_time setting).",
            additivity=Additivity.NOT_APPLICABLE,
            unit="text",
            role=Role.ATTRIBUTE,
        )
    ]
    notices += [
        Notice.describe_extra(
            name,
            f"Meta actions of type {' or '.join(rule.action_types)} "
            f"({'summed' if rule.combine == 'sum' else 'the first one present'}).",
            additivity=Additivity.ADDITIVE,
        )
        for name, rule in settings.actions.extra.items()
    ]
    for name in settings.extra_fields:
        if name in _TEXT_EXTRA_FIELDS:
            additivity, unit = Additivity.NOT_APPLICABLE, "text"
        elif name in _ADDITIVE_EXTRA_FIELDS:
            additivity, unit = Additivity.ADDITIVE, "count"
        else:
            additivity, unit = Additivity.NON_ADDITIVE, "count"
        if is_money_field(name):
            unit = "money"
        role = Role.ATTRIBUTE if additivity is Additivity.NOT_APPLICABLE else Role.METRIC
        notices.append(
            Notice.describe_extra(
                name,
                f"The Ads Insights field {name!r}.",
                additivity=additivity,
                unit=unit,
                role=role,
            )
        )
    return notices


def extra_field_value(name: str, value: Any) -> ExtraValue:
    """An extra Insights field: numbers as float (money as Decimal), text as text."""
    if value is None or isinstance(value, bool | int | float):
        return cast(ExtraValue, value)
    text = str(value)
    try:
        return Decimal(text) if is_money_field(name) else float(text)
    except (ValueError, InvalidOperation):
        return text


def _merged(stats: list[ActionStat], windows: tuple[str, ...] | None) -> dict[str, ActionStat]:
    """One entry per action type: the entries of its other action-breakdown values added.

    Under ``action_breakdowns`` such as ``[action_type, action_device]`` Meta lists
    one entry per type and device; the parts are disjoint, so their sum is the
    type's count. Values are added as exact decimals and kept as text.

    Raises:
        InvalidOperation: A value is not a number (reported as a DataError).
    """
    keys = ("value",) if windows is None else windows
    index: dict[str, ActionStat] = {}
    for stat in stats:
        action_type = stat.get("action_type")
        if action_type is None:
            continue
        seen = index.get(action_type)
        if seen is None:
            index[action_type] = cast(ActionStat, dict(stat.items()))
            continue
        merged = cast(dict[str, str], seen)
        for key in keys:
            if key in stat or key in merged:
                total = Decimal(merged.get(key, "0")) + Decimal(cast(Any, stat).get(key, "0"))
                merged[key] = str(total)
    return index


class RowMapper:
    """Turns insights rows of one ad account into unified performance records.

    Args:
        settings: The connector settings (actions mapping, attribution, extras).
        level: The level the rows were read at.
        account: The account's name, currency and time zone.

    Attributes:
        unmapped: Action types seen in rows that no rule reads.
        count: Records produced so far.
    """

    def __init__(self, settings: MetaSettings, level: Level, account: AccountInfo) -> None:
        self._account = account
        self._level = LEVEL_NAMES[level]
        self._fixed_attribution = settings.attribution
        mapping = settings.actions
        windows = settings.attribution_windows
        self._leads = _rule_reader(mapping.leads, windows, float)
        self._conversions = _rule_reader(mapping.conversions, windows, float)
        self._value = _rule_reader(mapping.conversion_value, windows, Decimal)
        self._extras = [
            (name, reader)
            for name, rule in mapping.extra.items()
            if (reader := _rule_reader(rule, windows, float)) is not None
        ]
        self._extra_fields = settings.extra_fields
        self._report_time = settings.action_report_time
        self._breakdowns = settings.breakdowns
        # more than action_type: one action type has an entry per other value
        self._split_actions = len(settings.action_breakdowns) > 1
        self._windows = windows
        self._mapped = mapping.mapped_action_types()
        self.unmapped: set[str] = set()
        self.count = 0

    def _index(self, stats: list[ActionStat] | None) -> dict[str, ActionStat]:
        if not stats:
            return {}
        if self._split_actions:
            index = _merged(stats, self._windows)
        else:
            index = {s["action_type"]: s for s in stats if "action_type" in s}
        if not index.keys() <= self._mapped:
            self.unmapped.update(index.keys() - self._mapped)
        return index

    def records(self, rows: list[InsightsRow]) -> list[PerformanceRecord]:
        """Build the unified records of one page of rows.

        Raises:
            DataError: An action value is not a number (naming the row's day and object).
        """
        account = self._account
        level = self._level
        fixed = self._fixed_attribution
        breakdowns = self._breakdowns
        leads, conversions, value = self._leads, self._conversions, self._value
        out: list[PerformanceRecord] = []
        append = out.append
        for row in rows:
            try:
                actions = self._index(row.get("actions"))
                values = self._index(row.get("action_values"))
                record: PerformanceRecord = {
                    "date": row["date_start"],
                    "platform": "meta",
                    "account_id": account.id,
                    "account_name": row.get("account_name") or account.name,
                    "level": level,
                    "campaign_id": row.get("campaign_id"),
                    "campaign_name": row.get("campaign_name"),
                    "ad_group_id": row.get("adset_id"),
                    "ad_group_name": row.get("adset_name"),
                    "ad_id": row.get("ad_id"),
                    "ad_name": row.get("ad_name"),
                    "channel": "paid_social",
                    "currency": account.currency,
                    "timezone": account.timezone,
                    "attribution": fixed or row.get("attribution_setting") or "unified",
                    "impressions": row.get("impressions"),
                    "reach": row.get("reach"),
                    "clicks": row.get("clicks"),
                    "link_clicks": row.get("inline_link_clicks"),
                    "spend": row.get("spend"),
                    "leads": leads(actions) if leads and actions else None,
                    "conversions": conversions(actions) if conversions and actions else None,
                    "conversion_value": value(values) if value and values else None,
                }
                if breakdowns:
                    record["segment"] = segment_of(row, breakdowns)
                extra: dict[str, ExtraValue] = {
                    name: reader(actions) if actions else None for name, reader in self._extras
                }
                for name in self._extra_fields:
                    extra[name] = extra_field_value(name, row.get(name))
                extra["action_report_time"] = self._report_time
                record["extra"] = extra
            except (ValueError, InvalidOperation) as exc:
                raise DataError(
                    f"Meta sent an action value that is not a number ({exc})",
                    source=f"meta {account.id} {row.get('date_start')} "
                    f"{row.get('ad_id') or row.get('adset_id') or row.get('campaign_id') or ''}",
                    column="actions",
                ) from None
            append(record)
        self.count += len(out)
        return out


# ----------------------------------------------------------------- the reader

Outcome = Literal["completed", "failed", "timed out"]


#: One mapped page: an Arrow table (the columnar path) or record dicts (the row path).
Records: TypeAlias = "pa.Table | list[PerformanceRecord]"


class InsightsReader:
    """Reads the insights records of one ad account for a date range.

    Args:
        client: The account's Graph client.
        settings: The connector settings.
        level: The level to read at.
        mapper: Maps each raw page (columnar when it can, else row by row).

    Yields (from :meth:`read`): each page's records, and notices about shrunk requests
    and split report runs.
    """

    def __init__(
        self, client: GraphClient, settings: MetaSettings, level: Level, mapper: PageMapper
    ) -> None:
        self.client = client
        self.settings = settings
        self.level = level
        self.mapper = mapper
        self.account = client.account

    def read(self, start: dt.date, end: dt.date) -> Iterator[Records | Notice]:
        """Read start..end (inclusive), sync when short, as report runs when long."""
        days = (end - start).days + 1
        if days <= self.settings.async_threshold_days:
            yield from self._sync(start, end)
            return
        for first, last in ReadWindow(start, end).chunks(self.settings.chunk_days):
            yield from self._report(first, last)

    def _drain(self) -> Iterator[Notice]:
        notices = self.client.notices
        while notices:
            yield notices.pop(0)

    # ----------------------------------------------------------------- sync

    def _reduced(self, start: dt.date, end: dt.date, *, halves: bool) -> Notice:
        """The ``request_reduced`` warning: the range is read in two halves, or as a report."""
        if halves:
            message = (
                f"Meta asked for less data on {self.account}; reading {start}..{end} in two halves."
            )
        else:
            message = (
                f"Meta refuses {start} of {self.account} even in small pages; reading it "
                "as an asynchronous report instead."
            )
        return Notice(
            "warning",
            "request_reduced",
            message,
            {"account": self.account, "start": start, "end": end},
        )

    def _sync(
        self, start: dt.date, end: dt.date, *, may_fall_back: bool = True
    ) -> Iterator[Records | Notice]:
        params = insights_params(self.settings, self.level, start, end)
        params["limit"] = self.settings.page_size
        given = False
        try:
            for page in self.client.raw_pages((self.account, "insights"), params, self.mapper.page):
                yield from self._drain()
                given = True
                yield page["records"]
        except ReduceDataError:
            yield from self._drain()
            if given:
                raise  # rows of this range were already handed on: splitting would repeat them
            if start < end:
                yield self._reduced(start, end, halves=True)
                for first, last in ReadWindow(start, end).halves():
                    yield from self._sync(first, last, may_fall_back=may_fall_back)
                return
            if not may_fall_back:
                raise
            yield self._reduced(start, end, halves=False)
            yield from self._report(start, end, may_fall_back=False)
        yield from self._drain()

    # ---------------------------------------------------------------- async

    def _report(
        self, start: dt.date, end: dt.date, *, attempt: int = 1, may_fall_back: bool = True
    ) -> Iterator[Records | Notice]:
        params = insights_params(self.settings, self.level, start, end)
        started = self.client.post((self.account, "insights"), params, _STARTED)
        run_id = started["report_run_id"]
        outcome, run = self._wait(run_id)
        if outcome == "completed":
            query = {"limit": self.settings.page_size}
            for page in self.client.raw_pages((run_id, "insights"), query, self.mapper.page):
                yield from self._drain()
                yield page["records"]
            yield from self._drain()
            return
        said = run.get("error_message")
        details = {
            "account": self.account,
            "report_run_id": run_id,
            "start": start,
            "end": end,
            "outcome": outcome,
            "async_status": run.get("async_status"),
            "said": said,
        }
        if start < end:
            (first, middle), (after, last) = ReadWindow(start, end).halves()
            yield Notice(
                "warning",
                "report_split",
                f"The Meta report run {run_id} for {self.account}, {start}..{end}, {outcome}; "
                f"reading {first}..{middle} and {after}..{last} separately.",
                details,
            )
            yield from self._report(first, middle)
            yield from self._report(after, last)
            return
        if attempt < 2:
            yield Notice(
                "warning",
                "report_retried",
                f"The Meta report run {run_id} for {self.account}, {start}, {outcome}; "
                "starting it once more.",
                details,
            )
            yield from self._report(start, end, attempt=attempt + 1, may_fall_back=may_fall_back)
            return
        if not may_fall_back:
            raise TransientError(
                f"Meta could not produce the insights of {self.account} for {start}: the "
                f"report run {outcome} twice and a synchronous read was refused too. Try "
                "again later, or read a coarser level.",
                api="meta",
                account=self.account,
                vendor_message=said,
                details=details,
            )
        yield Notice(
            "warning",
            "report_fallback",
            f"The Meta report run for {self.account}, {start}, {outcome} twice; reading the "
            "day synchronously.",
            details,
        )
        yield from self._sync(start, end, may_fall_back=False)

    def _wait(self, run_id: str) -> tuple[Outcome, _ReportRun]:
        """Poll a report run until it is done, failed, or past ``async_timeout``."""
        clock = self.client.clock
        started = clock.monotonic()
        interval = self.settings.async_poll_interval
        timeout = self.settings.async_timeout
        while True:
            run = self.client.get((run_id,), {"fields": _RUN_FIELDS}, _RUN)
            status = run["async_status"]
            percent = run.get("async_percent_completion", 0)
            logger.info("meta %s: report run %s %s (%s%%)", self.account, run_id, status, percent)
            # "Job Completed" can come before 100 %: the rows are complete only at 100.
            if status == "Job Completed" and percent >= 100:
                return "completed", run
            if status in ("Job Failed", "Job Skipped"):
                return "failed", run
            elapsed = clock.monotonic() - started
            if elapsed >= timeout:
                return "timed out", run
            clock.sleep(min(interval, timeout - elapsed))
            interval = min(interval * 2, self.settings.async_poll_max_interval)
