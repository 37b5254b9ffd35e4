"""The Search Console connector: Search Analytics over REST, through partnerkit's seam.

The API (Search Console API v1, ``searchanalytics.query``)::

    POST https://searchconsole.googleapis.com/webmasters/v3/sites/{siteUrl}/searchAnalytics/query
    Authorization: Bearer ...   (google-auth's AuthorizedSession adds and refreshes it)
    {"startDate": "2026-10-01", "endDate": "2026-10-01",
     "dimensions": ["date", "query", "page", "country", "device"],
     "type": "web", "dataState": "final", "rowLimit": 25000, "startRow": 0}

answers ``{"rows": [{"keys": ["2026-10-01", "crm for agencies", "https://...", "usa",
"DESKTOP"], "clicks": 12, "impressions": 340, "ctr": 0.035294117647058823,
"position": 4.2}], "responseAggregationType": "byPage"}`` (``rows`` is left out when
there are none; ``metadata.firstIncompleteDate`` is added with ``dataState: "all"`` when
the range has days still being processed). Rows come sorted by clicks; pages are read
with ``startRow`` until a page is shorter than ``rowLimit`` (25,000 at most).

Why not google-api-python-client: it sends through ``httplib2``, not ``requests``, so
its traffic would bypass the seam (no cassette replay, shared retries, limits or fault
injection; ``docs/http.md``). Bridging it would need an httplib2 stand-in and would put
its own retry and ``HttpError`` layer in front of ours. The endpoint is one JSON POST, so
the connector calls it with google-auth's ``AuthorizedSession`` — the same credentials
and token refresh as Google's client — as the Google Ads connector calls its REST
interface.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any, Literal
from urllib.parse import quote

import requests
from partnerkit_google import JSON_API_SHAPE, GoogleSettings
from pydantic import Field
from pydantic_settings import SettingsConfigDict

from partnerkit.connector import (
    Capability,
    CheckResult,
    Notice,
    ReadRequest,
    SessionConnector,
    StreamSpec,
)
from partnerkit.errors import (
    AuthenticationError,
    PartnerkitError,
    QuotaExhaustedError,
    RateLimitError,
    ResponseShapeError,
    SourceError,
    TransientError,
)
from partnerkit.http import (
    error_from_response,
    mount,
    rate_limiter,
    redact_url,
    register_error_shape,
)
from partnerkit.http import session as session_for
from partnerkit.records import RecordKind, SearchPerformanceRecord
from partnerkit.search import rollup

API = "search_console"
PLATFORM = "search_console"

#: The API's largest ``rowLimit``.
MAX_ROW_LIMIT = 25_000

#: The dimensions of a query-level row, in the order of its ``keys``.
QUERY_DIMENSIONS = ("date", "query", "page", "country", "device")

#: Code of the notice that says how much of a day the query-level rows leave out.
HIDDEN_VOLUME = "anonymised_queries_hidden"

# Google's JSON-API error envelope, with "errors": [{"message", "domain", "reason"}].
register_error_shape(API, JSON_API_SHAPE)

# Google's older quota answers: HTTP 403 with a usageLimits reason.
_THROTTLES = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
_DAILY = frozenset({"dailyLimitExceeded", "quotaExceeded"})


class SearchConsoleSettings(GoogleSettings):
    """Settings; each one can come from ``PARTNERKIT_SEARCH_CONSOLE_<FIELD>``.

    The ``http`` keys come from ``PARTNERKIT_SEARCH_CONSOLE_HTTP__<KEY>``.

    Attributes:
        site_url: The property as Search Console names it: ``sc-domain:example.com``
            (a domain property) or a URL prefix such as ``https://www.example.com/``.
        credentials_file: A service account JSON key (its e-mail added as a user of the
            property) or an OAuth ``authorized_user`` file.
        credentials_json: The same file's content (secret), e.g. from a vault.
        access_token: A bare OAuth access token (secret; cannot be refreshed).
        quota_project_id: The Google Cloud project billed for quota, when not the
            credentials' own.
        search_type: ``web`` (default), ``image``, ``video``, ``news``, ``discover`` or
            ``googleNews``.
        data_state: ``final`` (default: only finished days) or ``all`` (the last days
            too, marked ``final = False``).
        row_limit: Rows per page (``rowLimit``), at most 25,000.
        chunk_days: Days one request covers. One day per request (the default) gets the
            most rows out of the API's per-request limits.
        timezone: The time zone of Search Console's days (Pacific Time).
        base_url: The API's address.
        http: Timeouts, retries and pace, as for every connector (docs/http.md).
    """

    model_config = SettingsConfigDict(env_prefix="PARTNERKIT_SEARCH_CONSOLE_")

    site_url: str = Field(min_length=1)
    search_type: Literal["web", "image", "video", "news", "discover", "googleNews"] = "web"
    data_state: Literal["final", "all"] = "final"
    row_limit: int = Field(default=MAX_ROW_LIMIT, ge=1, le=MAX_ROW_LIMIT)
    chunk_days: int = Field(default=1, ge=1)
    timezone: str = "America/Los_Angeles"
    base_url: str = "https://searchconsole.googleapis.com"


class SearchConsoleConnector(SessionConnector[SearchConsoleSettings]):
    """Organic search performance of one Search Console property."""

    name = "search_console"
    settings_class = SearchConsoleSettings
    streams = (
        StreamSpec.dated(
            "search_performance",
            RecordKind.SEARCH_PERFORMANCE,
            (
                "clicks, impressions, CTR and position by day, query, page, country and "
                "device (anonymised queries left out; a notice per day says how much)"
            ),
            lookback_days=3,
        ),
        StreamSpec.dated(
            "search_totals",
            RecordKind.SEARCH_PERFORMANCE,
            "the property's daily totals, anonymised queries included",
            lookback_days=3,
        ),
    )
    capabilities = frozenset({Capability.HTTP, Capability.INCREMENTAL, Capability.CHECK})

    def __init__(self, settings: SearchConsoleSettings | dict[str, Any] | None = None) -> None:
        super().__init__(settings)
        self._tokens: requests.Session | None = None

    # -- transport ---------------------------------------------------------------------

    def _open_session(self) -> requests.Session:
        """google-auth's AuthorizedSession with partnerkit's adapter, built on first use."""
        from google.auth.transport.requests import AuthorizedSession, Request

        from partnerkit_search_console._credentials import load_credentials

        credentials, refreshable = load_credentials(self.settings)
        site = self.settings.site_url
        http = self.settings.http
        # the token refresh goes through the seam too (its own session: no
        # Search Console rate limit), so it is guarded, retried and replayable
        tokens = session_for(API, account=site, settings=http)
        self._tokens = tokens
        # a bare token cannot refresh: its 401 must come back with Google's message
        refresh: tuple[int, ...] = (401,) if refreshable else ()
        session = AuthorizedSession(  # type: ignore[no-untyped-call]
            credentials,
            refresh_status_codes=refresh,
            auth_request=Request(session=tokens),
        )
        mount(
            session,
            API,
            account=site,
            classifier=lambda response: _classify(response, site),
            limiter=rate_limiter((API, site), http.requests_per_second, http.burst),
            settings=http,
        )
        return session

    def _site_url(self) -> str:
        return (
            f"{self.settings.base_url}/webmasters/v3/sites/{quote(self.settings.site_url, safe='')}"
        )

    def _send(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        """One request; google-auth's failures and the API's errors raised as ours."""
        site = self.settings.site_url
        try:
            response = self._http().request(
                method, url, timeout=self.settings.http.timeout, **kwargs
            )
        except PartnerkitError:
            raise
        except Exception as exc:
            raise _translated(exc, site) from None
        if not response.ok:
            raise _classify(response, site) or error_from_response(API, response, account=site)
        return response

    def _post(self, body: dict[str, Any]) -> dict[str, Any]:
        url = f"{self._site_url()}/searchAnalytics/query"
        site = self.settings.site_url
        answer = self._send("POST", url, json=body).json()
        if not isinstance(answer, dict) or not isinstance(answer.get("rows", []), list):
            raise ResponseShapeError(
                "Search Console",
                where="",
                expected='an object with a "rows" list',
                found=type(answer).__name__,
                api=API,
                account=site,
            )
        return answer

    def _query(
        self, since: dt.date, until: dt.date, dimensions: Sequence[str]
    ) -> tuple[list[dict[str, Any]], dt.date | None]:
        """Every row of one query, page by page; and the first incomplete day, if any."""
        body: dict[str, Any] = {
            "startDate": since.isoformat(),
            "endDate": until.isoformat(),
            "dimensions": list(dimensions),
            "type": self.settings.search_type,
            "dataState": self.settings.data_state,
            "rowLimit": self.settings.row_limit,
            "startRow": 0,
        }
        rows: list[dict[str, Any]] = []
        incomplete: dt.date | None = None
        while True:
            answer = self._post(body)
            page = answer.get("rows", [])
            rows.extend(page)
            first = (answer.get("metadata") or {}).get("firstIncompleteDate")
            if first:
                day = dt.date.fromisoformat(first)
                incomplete = day if incomplete is None else min(incomplete, day)
            if len(page) < self.settings.row_limit:
                return rows, incomplete
            body["startRow"] += self.settings.row_limit

    # -- reading -----------------------------------------------------------------------

    def read(self, request: ReadRequest) -> Iterator[SearchPerformanceRecord | Notice]:
        """Yield the stream's records chunk by chunk (and, by query, the hidden volume).

        Raises:
            SourceError: The API's error, with the stream and window added.
        """
        by_query = request.stream == "search_performance"

        def chunk(since: dt.date, until: dt.date) -> Iterator[SearchPerformanceRecord | Notice]:
            totals_rows, totals_incomplete = self._query(since, until, ("date",))
            totals = [self._record(r, ("date",), totals_incomplete) for r in totals_rows]
            if not by_query:
                yield from totals
                return
            rows, incomplete = self._query(since, until, QUERY_DIMENSIONS)
            records = [self._record(r, QUERY_DIMENSIONS, incomplete) for r in rows]
            yield from records
            yield from self._hidden(totals, records)

        yield from request.by_chunk(
            self.settings.timezone,
            account=self.settings.site_url,
            days=self.settings.chunk_days,
            read=chunk,
        )

    def _record(
        self, row: dict[str, Any], dimensions: Sequence[str], incomplete: dt.date | None
    ) -> SearchPerformanceRecord:
        keys = row.get("keys")
        if not isinstance(keys, list) or len(keys) != len(dimensions):
            raise ResponseShapeError(
                "Search Console",
                where="rows[].keys",
                expected=f"{len(dimensions)} keys ({', '.join(dimensions)})",
                found=repr(keys)[:80],
                api=API,
                account=self.settings.site_url,
            )
        named = dict(zip(dimensions, keys, strict=True))
        day = dt.date.fromisoformat(named["date"])
        final = (
            True if self.settings.data_state == "final" else incomplete is None or day < incomplete
        )
        return {
            "date": day,
            "platform": PLATFORM,
            "account_id": self.settings.site_url,
            "level": "query" if "query" in named else "property",
            "search_type": self.settings.search_type,
            "query": named.get("query"),
            "page": named.get("page"),
            "country": named.get("country"),
            "device": named.get("device"),
            "final": final,
            "timezone": self.settings.timezone,
            "clicks": _count(row.get("clicks")),
            "impressions": _count(row.get("impressions")),
            "ctr": _ratio(row.get("ctr")),
            "position": _ratio(row.get("position")),
        }

    def _hidden(
        self, totals: list[SearchPerformanceRecord], records: list[SearchPerformanceRecord]
    ) -> Iterator[Notice]:
        """One notice per day: the property's clicks and impressions the query rows miss.

        Query-level rows leave out anonymised (rare) queries, so they add up to less than
        the property's day. Hidden = property total − sum of the query rows; when the
        query rows add up to more (Search Console counts impressions per page when rows
        are split by page, per property in the totals) the hidden amount is not
        computable and is ``None``, never negative.
        """
        by_day: dict[dt.date, list[SearchPerformanceRecord]] = defaultdict(list)
        for record in records:
            by_day[record["date"]].append(record)
        for total in totals:
            day = total["date"]
            seen = rollup(by_day.get(day, []))
            details: dict[str, Any] = {"account": self.settings.site_url, "date": day.isoformat()}
            counts = (
                ("clicks", total.get("clicks"), seen.clicks or 0),
                ("impressions", total.get("impressions"), seen.impressions or 0),
            )
            for metric, whole, shown in counts:
                hidden = whole - shown if whole is not None and whole >= shown else None
                details[f"property_{metric}"] = whole
                details[f"query_{metric}"] = shown
                details[f"hidden_{metric}"] = hidden
                details[f"hidden_{metric}_share"] = (
                    hidden / whole if hidden is not None and whole else None
                )
            yield Notice(
                "info",
                HIDDEN_VOLUME,
                f"{self.settings.site_url} on {day}: the query-level rows leave out anonymised "
                f"queries — {_shown(details['hidden_clicks'])} of "
                f"{_shown(details['property_clicks'])} clicks and "
                f"{_shown(details['hidden_impressions'])} of "
                f"{_shown(details['property_impressions'])} impressions are not in them.",
                details,
            )

    # -- check -------------------------------------------------------------------------

    def check(self) -> CheckResult:
        """Read the property once (``sites.get``), to prove the credentials reach it.

        Returns:
            ``ok`` with the permission level when the credentials reach the property;
            otherwise a failed result holding the library's error.
        """
        site = self.settings.site_url
        try:
            response = self._send("GET", self._site_url())
        except PartnerkitError as exc:
            return CheckResult.failed(exc)
        level = response.json().get("permissionLevel") or "unknown"
        return CheckResult(
            ok=True,
            message=f"The credentials read Search Console property {site} ({level}).",
            accounts=(site,),
        )

    def close(self) -> None:
        """Close the token session and the HTTP session."""
        if self._tokens is not None:
            self._tokens.close()
        super().close()


def _count(value: Any) -> int | None:
    """A count as the API sends it (a JSON number, integral) or ``None``."""
    if value is None:
        return None
    number = float(value)
    if not number.is_integer():
        raise ResponseShapeError(
            "Search Console",
            where="rows[].clicks/impressions",
            expected="a whole number",
            found=repr(value),
            api=API,
        )
    return int(number)


def _ratio(value: Any) -> float | None:
    return None if value is None else float(value)


def _shown(value: Any) -> str:
    return "an unknown number" if value is None else f"{value:,}"


def _classify(response: requests.Response, site: str | None = None) -> SourceError | None:
    """Google's quota answers sent as HTTP 403 (a ``usageLimits`` reason).

    A throttle is retried at the seam; a spent daily quota comes back and is raised as
    :class:`~partnerkit.errors.QuotaExhaustedError` (waiting seconds will not fix it).
    """
    if response.status_code != 403:
        return None
    try:
        error = response.json().get("error") or {}
    except ValueError:
        return None
    reasons = {e.get("reason") for e in error.get("errors") or () if isinstance(e, dict)}
    message = str(error.get("message") or "")
    for kind, known, said in (
        (RateLimitError, _THROTTLES, "Search Console throttled the request"),
        (QuotaExhaustedError, _DAILY, "The Search Console quota is used up"),
    ):
        if reasons & known:
            return kind(
                f"{said}: {message}",
                api=API,
                account=site,
                status=403,
                vendor_code=next(iter(reasons & known)),
                vendor_message=message,
            )
    return None


def _translated(exc: Exception, site: str) -> PartnerkitError:
    """google-auth's failures (a refused refresh, an unreachable token server) as ours."""
    from google.auth import exceptions as auth

    if isinstance(exc, auth.RefreshError):
        said = redact_url(str(exc))
        return AuthenticationError(
            f"Google refused to refresh the Search Console credentials ({said}). Check that "
            "the key or the authorized-user file is valid and not revoked.",
            api=API,
            account=site,
            details={"refresh_error": said},
        )
    if isinstance(exc, auth.TransportError | requests.RequestException):
        return TransientError(
            f"Search Console could not be reached ({type(exc).__name__}).", api=API, account=site
        )
    raise exc
