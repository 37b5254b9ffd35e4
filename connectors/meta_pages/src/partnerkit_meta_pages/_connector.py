"""The Meta Pages connector: Facebook Page and Instagram account insights, by day.

The requests go through the facebook-business SDK's session, on partnerkit's seam, with
the Meta Ads connector's SDK facade and error mapping (``partnerkit_meta``): the same
throttle codes (4, 17, 32, 613 and the Business Use Case codes), the same expired-token
and permission errors, the same cassettes below the SDK.

The requests and the shapes of their answers (Graph API reference, "Page Insights" and
"Instagram Account Insights"):

* Page insights (``GET /{page-id}/insights?metric=...&period=day&since=&until=``)::

      {"data": [{"name": "page_media_view", "period": "day",
                 "values": [{"value": 1840, "end_time": "2026-10-02T07:00:00+0000"}],
                 "title": "...", "description": "...",
                 "id": "{page-id}/insights/page_media_view/day"}],
       "paging": {"previous": "...", "next": "..."}}

  A value is the day that ends at ``end_time`` (midnight Pacific Time): ``since`` is the
  first day, ``until`` the day after the last. One request covers at most 90 days, so
  a range is read in windows of ``chunk_days``; ``paging`` only links the windows
  before and after (it never ends), so it is not followed. The metrics are the current
  ones: ``page_impressions`` and ``page_impressions_unique`` were retired in November
  2025 for ``page_media_view`` and ``page_total_media_view_unique``, ``page_fans`` for
  ``page_follows``, and ``page_engaged_users`` in March 2024.
* Instagram account insights (``GET /{ig-user-id}/insights``): ``reach`` and
  ``follower_count`` (new followers each day) as a daily series, in windows of at most
  30 days; ``views``, ``total_interactions`` and ``accounts_engaged`` only as a total
  over ``since``–``until`` (``metric_type=total_value``), so they are asked one day at a
  time: ``{"data": [{"name": "views", "period": "day", "total_value": {"value": 930},
  ...}]}``. ``impressions`` was retired in April 2025 for ``views``.
* Errors: ``{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}``,
  mapped by ``partnerkit_meta`` (a throttle is retried by the seam, 190 is an expired
  token, 10 and 200–299 a missing permission).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from typing import Any, ClassVar, cast
from zoneinfo import ZoneInfo

from partnerkit_meta.graph import API, GraphApi, graph_call, mounted_graph, sdk_api_version
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from partnerkit.connector import (
    Capability,
    CheckResult,
    Connector,
    HttpConnectorSettings,
    Notice,
    ReadRequest,
    StreamSpec,
)
from partnerkit.errors import (
    ConfigurationError,
    PageShapeError,
    ResponseShapeError,
)
from partnerkit.pages import count, json_object, objects, text
from partnerkit.records import RecordKind, SocialDailyRecord

__all__ = [
    "INSTAGRAM_SERIES",
    "INSTAGRAM_TOTALS",
    "PAGE_METRICS",
    "MetaPagesConnector",
    "MetaPagesSettings",
]

#: Meta ends an insights day at midnight Pacific Time, for Pages and Instagram alike.
INSIGHTS_TIMEZONE = "America/Los_Angeles"

#: The most days one Page insights request may cover.
MAX_PAGE_DAYS = 90
#: The most days one Instagram insights request may cover.
MAX_INSTAGRAM_DAYS = 30

#: The field that names each platform's account (``GET /{id}?fields=id,<field>``).
_NAME_FIELD = {"facebook_page": "name", "instagram": "username"}

#: Posts asked per page of ``published_posts``.
POSTS_PAGE_SIZE = 100

#: Page insights metric → record column.
PAGE_METRICS: dict[str, str] = {
    "page_media_view": "impressions",
    "page_total_media_view_unique": "reach",
    "page_post_engagements": "engagements",
    "page_follows": "followers",
    "page_daily_follows_unique": "new_followers",
    "page_daily_unfollows_unique": "unfollows",
}
#: Instagram metrics Meta gives as a daily series → record column.
INSTAGRAM_SERIES: dict[str, str] = {"reach": "reach", "follower_count": "new_followers"}
#: Instagram metrics Meta gives only as a total over the range → record column.
INSTAGRAM_TOTALS: dict[str, str] = {
    "views": "impressions",
    "total_interactions": "engagements",
    "accounts_engaged": "engaged_users",
}


class MetaPagesSettings(HttpConnectorSettings):
    """Settings; each one can come from ``PARTNERKIT_META_PAGES_<FIELD>``.

    Attributes:
        access_token: A Page access token (or a system-user token with the Page's
            ``ANALYZE`` task) with ``read_insights`` and ``pages_read_engagement``;
            for Instagram also ``instagram_basic`` and ``instagram_manage_insights``
            (secret).
        app_secret: The app's secret; when set every request carries an
            ``appsecret_proof``.
        pages: The Facebook Page ids ``page_insights`` reads.
        instagram_accounts: The Instagram professional account (IG user) ids
            ``instagram_insights`` reads, each connected to a Page the token reaches.
        api_version: The Graph API version, e.g. ``v26.0``; defaults to the version the
            installed facebook-business SDK was generated for.
        chunk_days: Days one Page insights request covers (at most 90).
        throttle_min_wait: Seconds to wait on a throttle error that does not say how long.
        http: Timeouts, retries and pace, as for every connector (docs/http.md).
    """

    model_config = SettingsConfigDict(env_prefix="PARTNERKIT_META_PAGES_")
    http_defaults: ClassVar[Mapping[str, Any]] = {"timeout_seconds": 120.0}

    access_token: SecretStr | None = None
    app_secret: SecretStr | None = None
    pages: list[str] = Field(default_factory=list)
    instagram_accounts: list[str] = Field(default_factory=list)
    api_version: str = Field(default_factory=sdk_api_version)
    chunk_days: int = Field(default=MAX_PAGE_DAYS, ge=1, le=MAX_PAGE_DAYS)
    throttle_min_wait: float = Field(default=60.0, ge=0)

    @field_validator("pages", "instagram_accounts")
    @classmethod
    def _ids(cls, value: list[str]) -> list[str]:
        ids = [str(v).strip() for v in value]
        bad = [v for v in ids if not v.isdigit()]
        if bad:
            raise ValueError(f"{bad[0]!r} is not a Graph object id (digits only)")
        return ids

    def token(self) -> str:
        """The access token (a :class:`ConfigurationError` when none is set)."""
        return self.required_secret("access_token", "Meta Page access token")


class MetaPagesConnector(Connector[MetaPagesSettings]):
    """Facebook Pages and Instagram accounts: each day's organic reach, engagement, followers."""

    name = "meta_pages"
    settings_class = MetaPagesSettings
    streams = (
        StreamSpec.dated(
            "page_insights",
            RecordKind.SOCIAL_DAILY,
            "each Facebook Page's day: views, reach, post engagements, followers, follows "
            "and unfollows",
            # Meta settles a day's insights within about two days: re-read a week
            lookback_days=7,
        ),
        StreamSpec.dated(
            "instagram_insights",
            RecordKind.SOCIAL_DAILY,
            "each Instagram account's day: views, reach, interactions, accounts engaged "
            "and new followers",
            lookback_days=7,
        ),
    )
    capabilities = frozenset({Capability.HTTP, Capability.INCREMENTAL, Capability.CHECK})

    def __init__(self, settings: MetaPagesSettings | dict[str, Any] | None = None) -> None:
        super().__init__(settings)
        self._graphs: dict[str, GraphApi] = {}
        self._names: dict[str, str | None] = {}

    # -- transport ---------------------------------------------------------------------

    def _graph(self, account: str) -> GraphApi:
        """The SDK's API for one Page or Instagram account, mounted on the seam."""
        graph = self._graphs.get(account)
        if graph is None:
            graph = self._graphs[account] = mounted_graph(
                self.settings, account, self.settings.token()
            )
        return graph

    def _get(self, account: str, path: tuple[str, ...], params: Mapping[str, Any]) -> Any:
        """GET a Graph path as a JSON object (the library's error otherwise)."""
        graph = self._graph(account)
        body = graph_call(graph, "GET", path, params, account, self.settings.throttle_min_wait)
        try:
            return json_object(body)
        except PageShapeError as exc:
            raise _shape_error(exc, account, path) from None

    def _name(self, platform: str, account: str) -> str | None:
        """The Page's ``name`` or the Instagram account's ``username``, read once."""
        if account not in self._names:
            field = _NAME_FIELD[platform]
            found = self._get(account, (account,), {"fields": f"id,{field}"})
            self._names[account] = text(found.get(field))
        return self._names[account]

    # -- reading -----------------------------------------------------------------------

    def enabled_streams(self) -> tuple[StreamSpec, ...]:
        """The streams with an account to read, so a pull or sync reads only what is configured.

        ``page_insights`` needs ``pages``, ``instagram_insights`` ``instagram_accounts``.
        """
        configured = {
            "page_insights": self.settings.pages,
            "instagram_insights": self.settings.instagram_accounts,
        }
        return tuple(s for s in self.streams if configured[s.name])

    def read(self, request: ReadRequest) -> Iterator[SocialDailyRecord | Notice]:
        """Yield one record per account and day that has figures.

        Raises:
            SourceError: The API's error, with the stream and window added.
            ConfigurationError: No token, or no account for the stream.
        """
        self.stream_spec(request.stream)
        self.settings.token()
        read: Callable[[str, dt.date, dt.date], Iterator[SocialDailyRecord]]
        if request.stream == "page_insights":
            configured, days, read = self.settings.pages, self.settings.chunk_days, self._page
            field = "pages"
        else:
            configured, days = self.settings.instagram_accounts, MAX_INSTAGRAM_DAYS
            read, field = self._instagram, "instagram_accounts"
        accounts = [a for a in configured if not request.accounts or a in request.accounts]
        if not configured:
            raise ConfigurationError(
                f"no account for {request.stream}: set {field} "
                f"(PARTNERKIT_META_PAGES_{field.upper()})"
            )
        for account in accounts:
            yield from request.by_chunk(
                INSIGHTS_TIMEZONE, account=account, days=days, read=partial(read, account)
            )

    def _days(
        self, account: str, metrics: Mapping[str, str], since: dt.date, until: dt.date
    ) -> dict[dt.date, dict[str, int | None]]:
        """The daily series of ``metrics`` (Graph name → column) for one window, by day."""
        path = (account, "insights")
        answer = self._get(account, path, _window(",".join(metrics), since, until))
        days: dict[dt.date, dict[str, int | None]] = {}
        with _shaped(account, path):
            _series(answer, metrics, days)
        return days

    def _page(self, page: str, since: dt.date, until: dt.date) -> Iterator[SocialDailyRecord]:
        name = self._name("facebook_page", page)
        days = self._days(page, PAGE_METRICS, since, until)
        posts = self._posts(page, since, until)
        for day in {*days, *posts}:
            if since <= day <= until:
                days.setdefault(day, {})["posts"] = posts.get(day, 0)  # read: 0 is known
        yield from _records("facebook_page", page, name, days, since, until)

    def _posts(self, page: str, since: dt.date, until: dt.date) -> dict[dt.date, int]:
        """How many posts the Page published each day of the window (``published_posts``)."""
        path = (page, "published_posts")
        params: dict[str, Any] = {
            "fields": "id,created_time",
            "since": _pacific_midnight(since),
            "until": _pacific_midnight(until + dt.timedelta(days=1)),
            "limit": POSTS_PAGE_SIZE,
        }
        found: dict[dt.date, int] = {}
        while True:
            answer = self._get(page, path, params)
            with _shaped(page, path):
                for index, post in enumerate(
                    objects(answer, "data", "a post object", note="which Meta always sends")
                ):
                    where = f"data[{index}].created_time"
                    day = _moment(post.get("created_time"), where).astimezone(_ZONE).date()
                    found[day] = found.get(day, 0) + 1
                after = _after(answer.get("paging"))
            if after is None:
                return found
            params = {**params, "after": after}

    def _instagram(
        self, account: str, since: dt.date, until: dt.date
    ) -> Iterator[SocialDailyRecord]:
        name = self._name("instagram", account)
        days = self._days(account, INSTAGRAM_SERIES, since, until)
        path = (account, "insights")
        day = since
        while day <= until:
            params = {
                **_window(",".join(INSTAGRAM_TOTALS), day, day),
                "metric_type": "total_value",
            }
            answer = self._get(account, path, params)
            with _shaped(account, path):
                _totals(answer, days.setdefault(day, {}))
            day += dt.timedelta(days=1)
        yield from _records("instagram", account, name, days, since, until)

    # -- check -------------------------------------------------------------------------

    def check(self) -> CheckResult:
        """Read each configured Page's and Instagram account's name.

        Returns:
            ``ok`` naming them; otherwise a failed result with the first error.
        """
        targets = [
            *(("facebook_page", p) for p in self.settings.pages),
            *(("instagram", a) for a in self.settings.instagram_accounts),
        ]
        if not targets:
            return CheckResult(
                ok=False,
                message="no Page or Instagram account is configured (pages, instagram_accounts)",
            )

        def describe(target: tuple[str, str]) -> tuple[str, str]:
            platform, account = target
            self.settings.token()
            return account, f"{account} ({self._name(platform, account) or '?'})"

        return CheckResult.each(
            targets,
            describe,
            lambda described: (
                f"The token reads {'; '.join(described)} through Graph API "
                f"{self.settings.api_version}."
            ),
        )

    def close(self) -> None:
        """Close every account's HTTP session."""
        for graph in self._graphs.values():
            graph.http.close()
        super().close()


# -- answers ----------------------------------------------------------------------------


@contextlib.contextmanager
def _shaped(account: str, path: tuple[str, ...]) -> Iterator[None]:
    """Turn a :class:`PageShapeError` into the request's :class:`ResponseShapeError`."""
    try:
        yield
    except PageShapeError as exc:
        raise _shape_error(exc, account, path) from None


def _shape_error(exc: PageShapeError, account: str, path: tuple[str, ...]) -> ResponseShapeError:
    return ResponseShapeError.of(
        "Meta", exc, api=API, account=account, request=f"GET /{'/'.join(path)}"
    )


def _window(metrics: str, since: dt.date, until: dt.date) -> dict[str, str]:
    """``metric``, ``period=day`` and the days: ``until`` is the day after the last."""
    return {
        "metric": metrics,
        "period": "day",
        "since": since.isoformat(),
        "until": (until + dt.timedelta(days=1)).isoformat(),
    }


_ZONE = ZoneInfo(INSIGHTS_TIMEZONE)


def _pacific_midnight(day: dt.date) -> int:
    """The Unix time of the midnight (Pacific Time) that starts ``day``."""
    return int(dt.datetime.combine(day, dt.time(), _ZONE).timestamp())


def _after(paging: Any) -> str | None:
    """The ``after`` cursor of a list page, while ``paging.next`` says there is more."""
    if not isinstance(paging, dict) or not paging.get("next"):
        return None
    cursors = paging.get("cursors")
    return text(cursors.get("after")) if isinstance(cursors, dict) else None


def _day(value: Any, where: str) -> dt.date:
    """The day a value is for: the Pacific day that ends at its ``end_time``."""
    return (_moment(value, where).astimezone(_ZONE) - dt.timedelta(seconds=1)).date()


def _moment(value: Any, where: str) -> dt.datetime:
    """A Graph time with its offset (``2026-10-02T07:00:00+0000``)."""
    if not isinstance(value, str):
        raise PageShapeError(where, "an ISO 8601 time", ResponseShapeError.describe(value))
    try:
        moment = dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        raise PageShapeError(
            where, "an ISO 8601 time with its offset", ResponseShapeError.describe(value)
        ) from None
    return moment


def _metrics(answer: Mapping[str, Any]) -> Iterator[tuple[int, str, dict[str, Any]]]:
    """``(index, name, metric)`` of each metric object in ``data``."""
    for index, metric in enumerate(
        objects(answer, "data", "a metric object", note="which Meta always sends")
    ):
        name = metric.get("name")
        if not isinstance(name, str):
            raise PageShapeError(
                f"data[{index}].name", "the metric's name", ResponseShapeError.describe(name)
            )
        yield index, name, metric


def _series(
    answer: Mapping[str, Any], columns: Mapping[str, str], days: dict[dt.date, dict[str, Any]]
) -> None:
    """Put each daily value of the answer's metrics on its day, under its column."""
    for index, name, metric in _metrics(answer):
        column = columns.get(name)
        if column is None:
            continue  # a metric not asked for: Meta sends only those asked
        try:
            values = objects(metric, "values", "a value object", note="which a series has")
        except PageShapeError as exc:
            where = ".".join(p for p in (f"data[{index}]", exc.where) if p)
            raise PageShapeError(where, exc.expected, exc.found) from None
        for at, entry in enumerate(values):
            where = f"data[{index}].values[{at}]"
            day = _day(entry.get("end_time"), f"{where}.end_time")
            days.setdefault(day, {})[column] = count(entry.get("value"), f"{where}.value")


def _totals(answer: Mapping[str, Any], day: dict[str, Any]) -> None:
    """Put the answer's ``total_value`` metrics (one day's) under their columns."""
    for index, name, metric in _metrics(answer):
        column = INSTAGRAM_TOTALS.get(name)
        if column is None:
            continue
        total = metric.get("total_value")
        if not isinstance(total, dict):
            raise PageShapeError(
                f"data[{index}].total_value", "an object", ResponseShapeError.describe(total)
            )
        day[column] = count(total.get("value"), f"data[{index}].total_value.value")


def _records(
    platform: str,
    account: str,
    name: str | None,
    days: Mapping[dt.date, Mapping[str, Any]],
    since: dt.date,
    until: dt.date,
) -> Iterator[SocialDailyRecord]:
    """One record per day of the window that has a figure, in date order."""
    for day in sorted(days):
        figures = {k: v for k, v in days[day].items() if v is not None}
        if not since <= day <= until or not figures:
            continue
        record: SocialDailyRecord = {
            "date": day,
            "platform": platform,
            "account_id": account,
            "account_name": name,
            "timezone": INSIGHTS_TIMEZONE,
        }
        record.update(cast(SocialDailyRecord, figures))
        yield record
