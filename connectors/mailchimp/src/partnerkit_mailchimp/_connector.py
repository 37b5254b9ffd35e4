"""The Mailchimp connector: campaign reports of the Marketing API 3.0, through partnerkit's seam.

The Marketing API is plain REST with JSON answers, so no SDK is needed: the connector
calls it with ``requests`` on partnerkit's HTTP seam (``docs/http.md``), which brings
cassette replay, the shared retries (429 and 5xx), pace and fault injection. An API key
ends in its data centre (``...-us19``): every call goes to ``https://us19.api.mailchimp.com``,
authenticated with HTTP Basic (any user name, the key as the password), as Mailchimp's
"Quick start" and "Authentication" pages describe.

The requests and the shapes of their answers (Mailchimp's Marketing API reference,
mailchimp.com/developer/marketing/api/):

* The account (``GET /3.0/?fields=account_id,account_name,account_timezone``, the API
  root): ``{"account_id": "...", "account_name": "...", "account_timezone":
  "America/New_York"}``. Read once per connector: its id names every record and its
  time zone puts each send on a day (unless the settings name a ``timezone``).
* Campaign reports (``GET /3.0/reports``, "List campaign reports")::

      GET /3.0/reports?count=100&offset=0&since_send_time=2026-10-01T04:00:00+00:00
          &before_send_time=2026-11-01T04:00:00+00:00&fields=reports.id,...,total_items

  answers ``{"reports": [{"id": "42694e9e57", "campaign_title": "...", "type":
  "regular", "list_id": "...", "list_name": "...", "subject_line": "...",
  "emails_sent": 1200, "abuse_reports": 0, "unsubscribed": 3, "send_time":
  "2026-10-06T14:00:00+00:00", "bounces": {"hard_bounces": 4, "soft_bounces": 6,
  "syntax_errors": 0}, "opens": {"opens_total": 900, "unique_opens": 610, ...},
  "clicks": {"clicks_total": 150, "unique_clicks": 96, "unique_subscriber_clicks": 90,
  ...}}], "total_items": 2}``. Pages are ``count`` reports (at most 1,000) from
  ``offset``; the read goes on until ``offset`` reaches ``total_items`` or a page comes
  back short. Singer's tap-mailchimp and Airbyte's source-mailchimp read the same list
  the same way (offset paging, the ``-usX`` suffix as the data centre).
* Errors are problem+json (Mailchimp's "Errors" page)::

      {"type": "https://mailchimp.com/developer/marketing/docs/errors/",
       "title": "API Key Invalid", "status": 401,
       "detail": "Your API key may be invalid, or you've attempted to access the wrong
       datacenter.", "instance": "..."}

  The ``title`` is the code, the ``detail`` the message; ``type`` and ``instance`` (the
  id Mailchimp support asks for) are kept as details. A 429 ("Too Many Requests": more
  than 10 simultaneous connections) is retried by the seam.

Mailchimp gives counts and rates; only the counts are kept. ``delivered`` is ``emails_sent``
minus the hard and soft bounces (:func:`partnerkit.email.delivered`); the rates are
recomputed by :func:`partnerkit.email.rollup`. ``unique_clicks`` is Mailchimp's
``unique_subscriber_clicks`` (recipients who clicked), not ``unique_clicks`` (distinct
links clicked per recipient), which is kept in ``extra`` as ``unique_link_clicks``.
Opens without Apple Mail Privacy Protection's machine opens (``proxy_excluded_*``) go to
``extra`` too, when the account reports them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import requests
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from partnerkit.connector import (
    Capability,
    CheckResult,
    HttpConnectorSettings,
    Notice,
    ReadRequest,
    SessionConnector,
    StreamSpec,
)
from partnerkit.email import delivered
from partnerkit.errors import (
    ConfigurationError,
    PageShapeError,
    PartnerkitError,
    ResponseShapeError,
    SourceError,
)
from partnerkit.http import ErrorShape, error_from_response, rate_limiter, register_error_shape
from partnerkit.http import session as session_for
from partnerkit.pages import count, json_object, objects, text
from partnerkit.records import EmailCampaignRecord, RecordKind

API = "mailchimp"
PLATFORM = "mailchimp"

#: The most reports one page may hold (Mailchimp's ``count`` limit).
MAX_PAGE_SIZE = 1000

#: The report fields the connector asks for (``fields``), with the page's total.
REPORT_FIELDS = (
    "reports.id",
    "reports.campaign_title",
    "reports.type",
    "reports.list_id",
    "reports.list_name",
    "reports.subject_line",
    "reports.emails_sent",
    "reports.abuse_reports",
    "reports.unsubscribed",
    "reports.send_time",
    "reports.bounces",
    "reports.opens",
    "reports.clicks",
    "total_items",
)

_DATA_CENTRE = re.compile(r"[a-z]{2,}\d+")

# Mailchimp's problem+json body (see the module docstring and .testing).
register_error_shape(
    API,
    ErrorShape(
        code_keys=("title", "code"),
        message_keys=("detail", "message"),
        detail_keys=("type", "instance", "errors"),
    ),
)


class MailchimpSettings(HttpConnectorSettings):
    """Settings; each one can come from ``PARTNERKIT_MAILCHIMP_<FIELD>``.

    The ``http`` keys come from ``PARTNERKIT_MAILCHIMP_HTTP__<KEY>``.

    Attributes:
        api_key: A Marketing API key (Account → Extras → API keys), ending in its data
            centre, e.g. ``...-us19`` (secret).
        server: The data centre (``us19``) when the key does not end in one (an OAuth
            access token given as the key); otherwise taken from the key.
        timezone: The IANA time zone that puts a send on a day; ``None`` means the
            account's own (``account_timezone``).
        page_size: Reports per page (``count``), 1,000 at most.
        chunk_days: Days of send time one series of pages covers.
        base_url: The API's address; ``None`` means ``https://<server>.api.mailchimp.com``.
        http: Timeouts, retries and pace, as for every connector (docs/http.md).
    """

    model_config = SettingsConfigDict(env_prefix="PARTNERKIT_MAILCHIMP_")

    #: Mailchimp lets a request run for 120 seconds before it times out on its side.
    http_defaults: ClassVar[Mapping[str, Any]] = {"timeout_seconds": 120.0}

    api_key: SecretStr | None = None
    server: str | None = None
    timezone: str | None = None
    page_size: int = Field(default=100, ge=1, le=MAX_PAGE_SIZE)
    chunk_days: int = Field(default=31, ge=1)
    base_url: str | None = None

    @field_validator("server")
    @classmethod
    def _server(cls, value: str | None) -> str | None:
        if value is not None and not _DATA_CENTRE.fullmatch(value.strip()):
            raise ValueError(f"{value!r} is not a Mailchimp data centre (e.g. 'us19')")
        return value.strip() if value else None

    def key(self) -> str:
        """The API key (a :class:`ConfigurationError` when none is set)."""
        return self.required_secret("api_key", "Mailchimp API key")

    def data_centre(self) -> str:
        """The data centre: :attr:`server`, else the key's ``-usX`` suffix.

        Raises:
            ConfigurationError: Neither names one.
        """
        if self.server:
            return self.server
        _, dash, suffix = self.key().rpartition("-")
        if dash and _DATA_CENTRE.fullmatch(suffix):
            return suffix
        raise ConfigurationError(
            "the Mailchimp API key does not end in its data centre (e.g. '-us19'); set "
            "server (PARTNERKIT_MAILCHIMP_SERVER) to the data centre of the account"
        )

    def root(self) -> str:
        """The API's address, ``https://<data centre>.api.mailchimp.com``."""
        return (self.base_url or f"https://{self.data_centre()}.api.mailchimp.com").rstrip("/")


class MailchimpConnector(SessionConnector[MailchimpSettings]):
    """Mailchimp: each sent campaign's counts, from the campaign reports."""

    name = "mailchimp"
    settings_class = MailchimpSettings
    streams = (
        StreamSpec.dated(
            "email_campaigns",
            RecordKind.EMAIL_CAMPAIGN,
            (
                "each campaign sent in the range: sent, delivered, bounces, opens, clicks, "
                "unsubscribes and spam reports (counts; rates are derived)"
            ),
            # opens and clicks keep coming for weeks: re-read a month of sends
            lookback_days=30,
        ),
    )
    capabilities = frozenset({Capability.HTTP, Capability.INCREMENTAL, Capability.CHECK})

    def __init__(self, settings: MailchimpSettings | dict[str, Any] | None = None) -> None:
        super().__init__(settings)
        self._account: dict[str, Any] | None = None

    # -- transport ---------------------------------------------------------------------

    def _open_session(self) -> requests.Session:
        """The seam's session, authenticated with the key."""
        http = self.settings.http
        centre = self.settings.data_centre()
        session = session_for(
            API,
            account=centre,
            # Mailchimp limits simultaneous connections per user: one pace per data
            # centre for every Mailchimp connection of the process
            limiter=rate_limiter((API, centre), http.requests_per_second, http.burst),
            settings=http,
        )
        session.auth = ("partnerkit", self.settings.key())
        return session

    def _get(self, path: str, params: Mapping[str, str | int]) -> dict[str, Any]:
        """GET ``/3.0/<path>`` as a JSON object (the library's error otherwise)."""
        response = self._http().get(f"{self.settings.root()}/3.0/{path}", params=dict(params))
        account = self._account_id_or_none()
        if not response.ok:
            raise error_from_response(API, response, account=account)
        with self._shaped(path):
            return json_object(response.content)

    def _shape_error(self, exc: PageShapeError, path: str) -> ResponseShapeError:
        return ResponseShapeError.of(
            "Mailchimp",
            exc,
            api=API,
            account=self._account_id_or_none(),
            request=f"GET /3.0/{path}",
        )

    @contextlib.contextmanager
    def _shaped(self, path: str) -> Iterator[None]:
        try:
            yield
        except PageShapeError as exc:
            raise self._shape_error(exc, path) from None

    def _account_id_or_none(self) -> str | None:
        return text(self._account.get("account_id")) if self._account else None

    def account(self) -> dict[str, Any]:
        """The account (the API root: id, name, time zone), read once per connector."""
        if self._account is None:
            fields = "account_id,account_name,account_timezone"
            self._account = self._get("", {"fields": fields})
            if text(self._account.get("account_id")) is None:
                self._account = None
                raise self._shape_error(
                    PageShapeError("account_id", "the account's id", "none"), ""
                )
        return self._account

    def _zone(self) -> str:
        """The time zone of the days: the settings', else the account's, else UTC."""
        return self.settings.timezone or text(self.account().get("account_timezone")) or "UTC"

    # -- reading -----------------------------------------------------------------------

    def read(self, request: ReadRequest) -> Iterator[EmailCampaignRecord | Notice]:
        """Yield one record per campaign sent in the request's days.

        Raises:
            SourceError: The API's error, with the stream and window added.
            ConfigurationError: No API key, or no data centre.
        """
        self.stream_spec(request.stream)
        self.settings.data_centre()  # a missing key is a configuration error, not a 401
        try:
            account = text(self.account().get("account_id")) or ""
        except SourceError as exc:
            raise exc.with_context(stream=request.stream) from None
        yield from request.by_chunk(
            self._zone, account=account, days=self.settings.chunk_days, read=self._reports
        )

    def _reports(self, since: dt.date, until: dt.date) -> Iterator[EmailCampaignRecord]:
        zone = ZoneInfo(self._zone())
        account = text(self.account().get("account_id")) or ""
        start = dt.datetime.combine(since, dt.time(), zone)
        end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), zone)
        offset = 0
        while True:
            params: dict[str, str | int] = {
                "count": self.settings.page_size,
                "offset": offset,
                "since_send_time": start.astimezone(dt.UTC).isoformat(),
                "before_send_time": end.astimezone(dt.UTC).isoformat(),
                "fields": ",".join(REPORT_FIELDS),
            }
            answer = self._get("reports", params)
            with self._shaped("reports"):
                page = objects(
                    answer, "reports", "a report object", note="which Mailchimp always sends"
                )
                total = count(answer.get("total_items"), "total_items")
                for index, report in enumerate(page):
                    record = _record(report, f"reports[{index}]", account, zone)
                    if since <= record["date"] <= until:  # a send on the edge: one chunk
                        yield record
            offset += len(page)
            if len(page) < self.settings.page_size or (total is not None and offset >= total):
                return

    # -- check -------------------------------------------------------------------------

    def check(self) -> CheckResult:
        """Read the account once, to prove the key reaches it.

        Returns:
            ``ok`` with the account's name; otherwise a failed result with the error.
        """
        try:
            found = self.account()
        except PartnerkitError as exc:
            return CheckResult.failed(exc)
        account = text(found.get("account_id")) or ""
        name = text(found.get("account_name")) or account
        return CheckResult(
            ok=True,
            message=f"The key reads Mailchimp account {account} ({name}, data centre "
            f"{self.settings.data_centre()}).",
            accounts=(account,),
        )


# -- the report -------------------------------------------------------------------------


def _record(
    report: Mapping[str, Any], at: str, account: str, zone: ZoneInfo
) -> EmailCampaignRecord:
    """One campaign report as an email campaign record."""
    email_id = text(report.get("id"))
    if email_id is None:
        raise PageShapeError(f"{at}.id", "the campaign's id", _describe(report.get("id")))
    sent_at = _moment(report.get("send_time"), f"{at}.send_time")
    bounces = _section(report, "bounces", at)
    opens = _section(report, "opens", at)
    clicks = _section(report, "clicks", at)
    sent = count(report.get("emails_sent"), f"{at}.emails_sent")
    hard, soft, syntax = _counts(bounces, f"{at}.bounces", _BOUNCES)
    total_opens, unique_opens, proxy_opens, proxy_unique = _counts(opens, f"{at}.opens", _OPENS)
    total_clicks, link_clicks, who_clicked = _counts(clicks, f"{at}.clicks", _CLICKS)
    bounced = hard + soft if hard is not None and soft is not None else None
    extra = {
        "syntax_errors": syntax,
        "unique_link_clicks": link_clicks,
        "proxy_excluded_opens": proxy_opens,
        "proxy_excluded_unique_opens": proxy_unique,
    }
    record: EmailCampaignRecord = {
        "date": sent_at.astimezone(zone).date(),
        "platform": PLATFORM,
        "account_id": account,
        "email_id": email_id,
        "name": text(report.get("campaign_title")),
        "subject": text(report.get("subject_line")),
        "sent_at": sent_at,
        "email_type": text(report.get("type")),
        "audience_id": text(report.get("list_id")),
        "audience_name": text(report.get("list_name")),
        "timezone": str(zone),
        "sent": sent,
        "delivered": delivered(sent, bounced),
        "bounces": bounced,
        "hard_bounces": hard,
        "soft_bounces": soft,
        "opens": total_opens,
        "unique_opens": unique_opens,
        "clicks": total_clicks,
        "unique_clicks": who_clicked,
        "unsubscribes": count(report.get("unsubscribed"), f"{at}.unsubscribed"),
        "spam_reports": count(report.get("abuse_reports"), f"{at}.abuse_reports"),
        "extra": {k: v for k, v in extra.items() if v is not None},
    }
    return record


# -- values -----------------------------------------------------------------------------

_BOUNCES = ("hard_bounces", "soft_bounces", "syntax_errors")
_OPENS = ("opens_total", "unique_opens", "proxy_excluded_opens", "proxy_excluded_unique_opens")
_CLICKS = ("clicks_total", "unique_clicks", "unique_subscriber_clicks")


def _counts(section: Mapping[str, Any], at: str, keys: tuple[str, ...]) -> list[int | None]:
    """The counts of a nested object, in the order of ``keys``."""
    return [count(section.get(key), f"{at}.{key}") for key in keys]


_describe = ResponseShapeError.describe


def _section(report: Mapping[str, Any], key: str, at: str) -> Mapping[str, Any]:
    """A nested object (``bounces``, ``opens``, ``clicks``); empty when left out."""
    value = report.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise PageShapeError(f"{at}.{key}", "an object", _describe(value))
    return value


def _moment(value: Any, where: str) -> dt.datetime:
    """An ISO 8601 time with its offset (``2026-10-06T14:00:00+00:00``), as an aware time."""
    if not isinstance(value, str):
        raise PageShapeError(where, "an ISO 8601 time", _describe(value))
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise PageShapeError(where, "an ISO 8601 time", _describe(value)) from None
    if moment.utcoffset() is None:
        raise PageShapeError(where, "an ISO 8601 time with its offset", _describe(value))
    return moment
