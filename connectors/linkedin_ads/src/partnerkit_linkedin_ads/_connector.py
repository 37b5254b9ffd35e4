"""The LinkedIn Ads connector: the Marketing API over REST, through partnerkit's seam.

LinkedIn publishes no official Python SDK for the Marketing API, so the connector calls
its REST endpoints with ``requests`` on partnerkit's HTTP seam (``docs/http.md``):
cassette replay, shared retries, pace and fault injection come with it. Every request
carries the versioned headers the API requires: ``LinkedIn-Version: YYYYMM`` and
``X-Restli-Protocol-Version: 2.0.0``, and ``Authorization: Bearer <token>``.

The requests and the shapes of their answers, and where each comes from:

* Ad analytics, the Analytics finder by campaign and day (LinkedIn's "Reporting" page,
  learn.microsoft.com/linkedin/marketing/integrations/ads-reporting/ads-reporting)::

      GET /rest/adAnalytics?q=analytics&pivot=CAMPAIGN&timeGranularity=DAILY
          &dateRange=(start:(year:2026,month:10,day:1),end:(year:2026,month:10,day:3))
          &accounts=List(urn%3Ali%3AsponsoredAccount%3A508000001)&fields=dateRange,...

  answers ``{"paging": {"start": 0, "count": 10, "links": []}, "elements": [{"clicks":
  100, "impressions": 19090, "pivotValues": ["urn:li:sponsoredCampaign:1111"],
  "costInLocalCurrency": "209.449", "dateRange": {"start": {"year": 2023, "month": 1,
  "day": 2}, "end": {...}}}]}`` — the shape of Airbyte's source-linkedin-ads fixture
  ``unit_tests/responses/ad_campaign_analytics/response_1.json``, with the cost in the
  account's currency (``costInLocalCurrency``, a string) instead of ``costInUsd``. The
  finder does not page: one answer holds at most 15,000 elements, and a request names
  at most 20 fields. A chunk whose answer reaches the limit is split in two and read
  again; a single day that still reaches it is kept with a ``elements_limit_reached``
  notice.
* The ad account (``GET /rest/adAccounts/{id}``): ``{"id", "name", "currency",
  "status", ...}`` — its currency is the one of every cost. Ad analytics names campaigns
  by URN only: their names come from the campaigns finder, read once per connector.
* Campaigns and campaign groups (``GET /rest/adAccounts/{id}/adCampaigns?q=search`` and
  ``.../adCampaignGroups?q=search``) page by cursor (LinkedIn's "Cursor based
  pagination" page, from version 202401): ``pageSize`` (default 100, here 1,000 at
  most) and ``pageToken`` set to the ``metadata.nextPageToken`` of the previous answer,
  until an answer has none. An element: ``{"id": 1001, "account":
  "urn:li:sponsoredAccount:...", "campaignGroup": "urn:li:sponsoredCampaignGroup:...",
  "name", "status", "type", "objectiveType", "costType", "dailyBudget": {"amount":
  "100.00", "currencyCode": "EUR"}, "totalBudget", "runSchedule": {"start": <epoch ms>,
  "end": <epoch ms>}, "changeAuditStamps": {"created": {"time": <epoch ms>},
  "lastModified": {"time": <epoch ms>}}}`` (LinkedIn's campaign and campaign group
  schemas; Airbyte's ``test_campaigns.py`` for the paging).
* Lead-gen form responses (LinkedIn's "Lead Sync" pages)::

      GET /rest/leadFormResponses?q=owner&owner=(sponsoredAccount:urn%3Ali%3AsponsoredAccount%3A...)
          &leadType=(leadType:SPONSORED)&limitedToTestLeads=false
          &submittedAtTimeRange=(start:<epoch ms>,end:<epoch ms>)&start=0&count=100

  answers ``{"elements": [{"id", "owner": {"sponsoredAccount": urn}, "leadType",
  "versionedLeadGenFormUrn": "urn:li:versionedLeadGenForm:(urn:li:leadGenForm:42,1)",
  "submittedAt": <epoch ms>, "testLead", "leadMetadata": {"sponsoredLeadMetadata":
  {"campaign": urn}}, "formResponse": {"answers": [{"questionId": 1, "answerDetails":
  {"textQuestionAnswer": {"answer": "..."}}}]}}], "paging": {"start", "count",
  "total"}}`` (the published ``FetchFullLeadDataResponse200`` schema; Airbyte's
  ``test_lead_form_responses.py``). Which answer is the e-mail or the phone is in the
  form: ``GET /rest/leadForms/{id}`` has ``content.questions[]`` with ``questionId`` and
  ``predefinedField`` (``EMAIL``, ``WORK_EMAIL``, ``PHONE_NUMBER``, ``WORK_PHONE``...).
  E-mails and phones are hashed with the workspace's salt (:mod:`partnerkit.privacy`);
  the raw e-mail is kept only with ``keep_raw_email``, no other answer is kept.
* Errors: ``{"status": 401, "serviceErrorCode": 65600, "code": "INVALID_ACCESS_TOKEN",
  "message": "Invalid access token"}`` (see :mod:`partnerkit_linkedin_ads.testing`);
  HTTP 429 is LinkedIn's throttle (retried at the seam).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Literal, get_args
from urllib.parse import quote

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
    first_contact_points,
)
from partnerkit.errors import (
    ConfigurationError,
    PageShapeError,
    PartnerkitError,
    ResponseShapeError,
    SourceError,
)
from partnerkit.http import ErrorShape, error_from_response, rate_limiter, register_error_shape
from partnerkit.http import session as session_for
from partnerkit.privacy import hash_email, hash_phone
from partnerkit.records import CampaignRecord, LeadRecord, PerformanceRecord, RecordKind
from partnerkit_linkedin_ads import _pages as pages
from partnerkit_linkedin_ads._pages import epoch_ms, money, text, urn_id

API = "linkedin_ads"
PLATFORM = "linkedin_ads"

#: The Analytics finder's largest answer: elements beyond it are cut off silently.
ELEMENTS_LIMIT = 15_000

#: The most fields one ad analytics request may name.
MAX_FIELDS = 20

#: The fields the connector reads from ad analytics.
ANALYTICS_FIELDS = (
    "dateRange",
    "pivotValues",
    "impressions",
    "clicks",
    "landingPageClicks",
    "costInLocalCurrency",
    "externalWebsiteConversions",
    "oneClickLeads",
)
assert len(ANALYTICS_FIELDS) <= MAX_FIELDS

#: Code of the notice that says one day still reached the elements limit.
ELEMENTS_LIMIT_REACHED = "elements_limit_reached"

#: Code of the notice about a form answer that is not a valid e-mail or phone.
REJECTED_VALUE = "rejected_value"

_EMAIL_FIELDS = frozenset({"EMAIL", "WORK_EMAIL"})
_PHONE_FIELDS = frozenset({"PHONE_NUMBER", "WORK_PHONE"})
_FORM_ID = re.compile(r"urn:li:leadGenForm:(\d+)")
_VERSION = re.compile(r"\d{6}(\.\d{2})?")
_DIGITS = re.compile(r"\d+")

#: The connector's streams, as the ``streams`` setting names them.
StreamName = Literal["campaign_performance", "campaigns", "campaign_groups", "leads"]
_ALL_STREAMS: tuple[StreamName, ...] = get_args(StreamName)

# LinkedIn's error body: {"status": 401, "serviceErrorCode": 65600, "code":
# "INVALID_ACCESS_TOKEN", "message": "Invalid access token"} (see .testing). The
# versioned API's "code" names the error; the older bodies only have serviceErrorCode.
register_error_shape(
    API,
    ErrorShape(code_keys=("code", "serviceErrorCode"), detail_keys=("serviceErrorCode",)),
)


class LinkedInAdsSettings(HttpConnectorSettings):
    """Settings; each one can come from ``PARTNERKIT_LINKEDIN_ADS_<FIELD>``.

    The ``http`` keys come from ``PARTNERKIT_LINKEDIN_ADS_HTTP__<KEY>``.

    Attributes:
        account_id: The ad account (sponsored account) id, digits only, as Campaign
            Manager shows it.
        access_token: An OAuth 2.0 access token with ``r_ads`` and ``r_ads_reporting``
            (and ``r_marketing_leadgen_automation`` for leads) (secret).
        access_token_file: A file holding the token instead: the token alone, or a JSON
            object with ``access_token`` (as LinkedIn's token endpoint answers).
        api_version: The ``LinkedIn-Version`` header, ``YYYYMM``; LinkedIn keeps a
            version for about a year.
        streams: The streams this connection reads (all four by default); leave
            ``leads`` out (``[campaign_performance, campaigns, campaign_groups]``) to
            read ad performance without lead-form answers and without ``hash_salt``.
        hash_salt: The secret salt of e-mail and phone hashes; required when ``leads``
            is read. Use the salt of the workspace's other lead sources.
        keep_raw_email: Also keep the raw e-mail in ``LeadRecord.email`` (off).
        chunk_days: Days one analytics request covers; a chunk whose answer reaches the
            15,000 elements limit is split and read again.
        page_size: Campaigns (and groups) per page, 1,000 at most.
        lead_page_size: Lead form responses per page.
        timezone: The time zone of LinkedIn's reporting days (UTC).
        base_url: The API's address.
        http: Timeouts, retries and pace, as for every connector (docs/http.md).
    """

    model_config = SettingsConfigDict(env_prefix="PARTNERKIT_LINKEDIN_ADS_")

    account_id: str = Field(min_length=1)
    access_token: SecretStr | None = None
    access_token_file: Path | None = None
    api_version: str = "202510"
    streams: list[StreamName] = Field(default_factory=lambda: list(_ALL_STREAMS), min_length=1)
    hash_salt: SecretStr | None = None
    keep_raw_email: bool = False
    chunk_days: int = Field(default=30, ge=1)
    page_size: int = Field(default=100, ge=1, le=1000)
    lead_page_size: int = Field(default=100, ge=1, le=100)
    timezone: Literal["UTC"] = "UTC"
    base_url: str = "https://api.linkedin.com"

    @field_validator("account_id")
    @classmethod
    def _digits(cls, value: str) -> str:
        value = value.strip().removeprefix("urn:li:sponsoredAccount:")
        if not _DIGITS.fullmatch(value):
            raise ValueError(
                f"{value!r} is not a LinkedIn ad account id (digits, as Campaign Manager "
                "shows it, or urn:li:sponsoredAccount:<digits>)"
            )
        return value

    @field_validator("api_version")
    @classmethod
    def _yyyymm(cls, value: str) -> str:
        if not _VERSION.fullmatch(value):
            raise ValueError(f"{value!r} is not a LinkedIn-Version (YYYYMM, e.g. 202510)")
        return value

    @field_validator("streams")
    @classmethod
    def _unique_streams(cls, value: list[StreamName]) -> list[StreamName]:
        return list(dict.fromkeys(value))

    def salt(self) -> str:
        """The salt of the ``leads`` stream's e-mail and phone hashes.

        Raises:
            ConfigurationError: No ``hash_salt``; the message says how to set it, or
                how to leave ``leads`` out.
        """
        if self.hash_salt is not None and self.hash_salt.get_secret_value():
            return self.hash_salt.get_secret_value()
        others = ", ".join(s for s in _ALL_STREAMS if s != "leads")
        raise ConfigurationError(
            "the leads stream hashes e-mails and phones: set hash_salt (environment "
            "variable PARTNERKIT_LINKEDIN_ADS_HASH_SALT) to the workspace's salt, the same "
            f"as its other lead sources use; or leave leads out with streams: [{others}]"
        )

    def token(self) -> str:
        """The access token, from ``access_token`` or ``access_token_file``.

        Raises:
            ConfigurationError: Neither gives a token, or the file cannot be read.
        """
        if self.access_token is not None and self.access_token.get_secret_value():
            return self.access_token.get_secret_value()
        if self.access_token_file is None:
            raise ConfigurationError(
                "no LinkedIn access token: set access_token (environment variable "
                "PARTNERKIT_LINKEDIN_ADS_ACCESS_TOKEN) or access_token_file"
            )
        try:
            content = self.access_token_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigurationError(
                f"cannot read the LinkedIn token file {self.access_token_file} "
                f"({type(exc).__name__})"
            ) from None
        if content.startswith("{"):
            try:
                value = json.loads(content).get("access_token")
            except (ValueError, AttributeError):
                value = None
            if not isinstance(value, str) or not value:
                raise ConfigurationError(
                    f"the LinkedIn token file {self.access_token_file} is JSON without an "
                    '"access_token" string'
                )
            return value
        if not content:
            raise ConfigurationError(f"the LinkedIn token file {self.access_token_file} is empty")
        return content.splitlines()[0].strip()


class LinkedInAdsConnector(SessionConnector[LinkedInAdsSettings]):
    """LinkedIn Ads: campaign performance by day, campaigns, campaign groups, form leads."""

    name = "linkedin_ads"
    settings_class = LinkedInAdsSettings
    streams = (
        StreamSpec.dated(
            "campaign_performance",
            RecordKind.PERFORMANCE,
            (
                "impressions, clicks, landing page clicks, spend in the account currency, "
                "website conversions and lead-gen form leads by campaign and day"
            ),
            lookback_days=7,
        ),
        StreamSpec.listing(
            "campaigns", "the account's campaigns: name, status, objective, budgets, schedule"
        ),
        StreamSpec.listing(
            "campaign_groups", "the account's campaign groups: name, status, budget, schedule"
        ),
        StreamSpec.dated(
            "leads",
            RecordKind.LEAD,
            "lead-gen form responses, e-mail and phone hashed",
            lookback_days=1,
            cursor="created_at",
        ),
    )
    capabilities = frozenset({Capability.HTTP, Capability.INCREMENTAL, Capability.CHECK})
    assert tuple(spec.name for spec in streams) == _ALL_STREAMS

    def __init__(self, settings: LinkedInAdsSettings | dict[str, Any] | None = None) -> None:
        super().__init__(settings)
        self._account: dict[str, Any] | None = None
        self._forms: dict[str, dict[int, str]] = {}
        self._names: dict[str, str | None] | None = None

    # -- transport ---------------------------------------------------------------------

    def _open_session(self) -> requests.Session:
        """The seam's session with the token and LinkedIn's versioned headers."""
        http = self.settings.http
        session = session_for(
            API,
            account=self.settings.account_id,
            # LinkedIn counts calls per application and member, not per ad account:
            # one pace for every LinkedIn connection of the process
            limiter=rate_limiter((API, "application"), http.requests_per_second, http.burst),
            settings=http,
        )
        session.headers.update(
            {
                "Authorization": f"Bearer {self.settings.token()}",
                "LinkedIn-Version": self.settings.api_version,
                "X-Restli-Protocol-Version": "2.0.0",
            }
        )
        return session

    @contextlib.contextmanager
    def _shaped(self, path: str) -> Iterator[None]:
        """Turn a parser's :class:`PageShapeError` into the library's error for ``path``."""
        try:
            yield
        except PageShapeError as exc:
            raise ResponseShapeError.of(
                "LinkedIn",
                exc,
                api=API,
                account=self.settings.account_id,
                request=f"GET /rest/{path}",
            ) from None

    def _get(self, path: str, query: str = "") -> dict[str, Any]:
        """GET ``path?query`` (``query`` already in Rest.li's encoding) as a JSON object."""
        url = f"{self.settings.base_url}/rest/{path}" + (f"?{query}" if query else "")
        account = self.settings.account_id
        response = self._http().get(url)
        if not response.ok:
            raise error_from_response(API, response, account=account)
        with self._shaped(path):
            return pages.json_object(response.content)

    def _list(self, path: str, query: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """A list answer and its ``elements``."""
        answer = self._get(path, query)
        with self._shaped(path):
            return answer, pages.elements(answer)

    def _account_urn(self) -> str:
        return f"urn:li:sponsoredAccount:{self.settings.account_id}"

    def account(self) -> dict[str, Any]:
        """The ad account (``GET /rest/adAccounts/{id}``), read once per connector."""
        if self._account is None:
            self._account = self._get(f"adAccounts/{self.settings.account_id}")
        return self._account

    def _campaign_names(self) -> dict[str, str | None]:
        """Campaign names by id (the campaigns finder, read once per connector).

        Ad analytics names campaigns by URN only; the names come from here.
        """
        if self._names is None:
            self._names = {
                str(e.get("id")): text(e.get("name")) for e in self._search("adCampaigns")
            }
        return self._names

    def _currency(self) -> str | None:
        return text(self.account().get("currency"))

    # -- reading -----------------------------------------------------------------------

    def enabled_streams(self) -> tuple[StreamSpec, ...]:
        """The streams the ``streams`` setting names: those a pull or sync reads."""
        return tuple(s for s in self.streams if s.name in self.settings.streams)

    def read(
        self, request: ReadRequest
    ) -> Iterator[PerformanceRecord | CampaignRecord | LeadRecord | Notice]:
        """Yield the stream's records.

        Raises:
            SourceError: The API's error, with the stream (and window) added.
            ConfigurationError: An unknown stream, a stream the ``streams`` setting does
                not name, or ``leads`` without a ``hash_salt`` (before any request).
        """
        self.stream_spec(request.stream)
        if request.stream not in self.settings.streams:
            raise ConfigurationError(
                f"Stream {request.stream!r} is not enabled for this connection; its streams "
                f"setting names {', '.join(self.settings.streams)}: add {request.stream} "
                "to it to read it."
            )
        if request.stream in ("campaigns", "campaign_groups"):
            try:
                yield from self._objects(request.stream)
            except SourceError as exc:
                raise exc.with_context(stream=request.stream) from None
            return
        if request.stream == "leads":
            self.settings.salt()  # refused before any request
        yield from request.by_chunk(
            self.settings.timezone,
            account=self.settings.account_id,
            days=self.settings.chunk_days,
            read=self._leads if request.stream == "leads" else self._performance,
        )

    # -- ad analytics ------------------------------------------------------------------

    def _analytics(self, since: dt.date, until: dt.date) -> list[dict[str, Any]]:
        def day(d: dt.date) -> str:
            return f"(year:{d.year},month:{d.month},day:{d.day})"

        query = "&".join(
            (
                "q=analytics",
                "pivot=CAMPAIGN",
                "timeGranularity=DAILY",
                f"dateRange=(start:{day(since)},end:{day(until)})",
                f"accounts=List({quote(self._account_urn(), safe='')})",
                f"fields={','.join(ANALYTICS_FIELDS)}",
            )
        )
        _answer, found = self._list("adAnalytics", query)
        return found

    def _performance(self, since: dt.date, until: dt.date) -> Iterator[PerformanceRecord | Notice]:
        elements = self._analytics(since, until)
        if len(elements) >= ELEMENTS_LIMIT:
            if since < until:  # cut off: read each half again
                middle = since + (until - since) // 2
                yield from self._performance(since, middle)
                yield from self._performance(middle + dt.timedelta(days=1), until)
                return
            yield Notice(
                "warning",
                ELEMENTS_LIMIT_REACHED,
                f"LinkedIn answered {len(elements):,} elements for account "
                f"{self.settings.account_id} on {since}, its limit: campaigns beyond it "
                "may be missing from that day.",
                {"account": self.settings.account_id, "date": since.isoformat()},
            )
        with self._shaped("adAnalytics"):
            rows = [pages.analytics_row(e, i) for i, e in enumerate(elements)]
        currency = self._currency()
        names = self._campaign_names() if rows else {}
        for row in rows:
            yield self._performance_record(row, currency, names)

    def _performance_record(
        self, row: pages.AnalyticsRow, currency: str | None, names: Mapping[str, str | None]
    ) -> PerformanceRecord:
        return {
            "date": row["date"],
            "platform": PLATFORM,
            "account_id": self.settings.account_id,
            "account_name": text(self.account().get("name")),
            "level": "campaign",
            "campaign_id": row["campaign_id"],
            "campaign_name": names.get(row["campaign_id"] or ""),
            "channel": "paid_social",
            "currency": currency,
            "timezone": self.settings.timezone,
            "impressions": row["impressions"],
            "clicks": row["clicks"],
            "link_clicks": row["link_clicks"],
            "spend": row["spend"],
            "conversions": row["conversions"],
            "leads": row["leads"],
        }

    # -- campaigns and campaign groups -------------------------------------------------

    def _search(self, resource: str) -> Iterator[dict[str, Any]]:
        """Every element of a ``q=search`` finder, page by page (``pageToken``)."""
        path = f"adAccounts/{self.settings.account_id}/{resource}"
        token: str | None = None
        while True:
            query = f"q=search&pageSize={self.settings.page_size}"
            if token:
                query += f"&pageToken={quote(token, safe='')}"
            answer, found = self._list(path, query)
            yield from found
            metadata = answer.get("metadata")
            token = metadata.get("nextPageToken") if isinstance(metadata, dict) else None
            if not isinstance(token, str) or not token:
                return

    def _objects(self, stream: str) -> Iterator[CampaignRecord]:
        group = stream == "campaign_groups"
        resource = "adCampaignGroups" if group else "adCampaigns"
        currency = self._currency()
        for index, element in enumerate(self._search(resource)):
            with self._shaped(f"adAccounts/{self.settings.account_id}/{resource}"):
                record = self._object(element, f"elements[{index}]", group, currency)
            yield record

    def _object(
        self, element: Mapping[str, Any], at: str, group: bool, currency: str | None
    ) -> CampaignRecord:
        object_id = text(element.get("id"))
        if object_id is None:
            raise PageShapeError(f"{at}.id", "an id", pages.describe(element.get("id")))
        schedule = _mapping(element.get("runSchedule"))
        stamps = _mapping(element.get("changeAuditStamps"))
        daily = _mapping(element.get("dailyBudget"))
        total = _mapping(element.get("totalBudget"))
        start = epoch_ms(schedule.get("start"), f"{at}.runSchedule.start")
        end = epoch_ms(schedule.get("end"), f"{at}.runSchedule.end")
        record: CampaignRecord = {
            "platform": PLATFORM,
            "account_id": self.settings.account_id,
            "level": "campaign_group" if group else "campaign",
            "object_id": object_id,
            "campaign_id": None if group else object_id,
            "name": text(element.get("name")),
            "status": text(element.get("status")),
            "objective": None if group else text(element.get("objectiveType")),
            "created_at": epoch_ms(
                _nested(stamps, "created", "time"), f"{at}.changeAuditStamps.created.time"
            ),
            "updated_at": epoch_ms(
                _nested(stamps, "lastModified", "time"),
                f"{at}.changeAuditStamps.lastModified.time",
            ),
            "start_date": start.date() if start else None,
            "end_date": end.date() if end else None,
            "daily_budget": money(daily.get("amount"), f"{at}.dailyBudget.amount"),
            "lifetime_budget": money(total.get("amount"), f"{at}.totalBudget.amount"),
            "currency": text(daily.get("currencyCode") or total.get("currencyCode")) or currency,
        }
        if not group:
            extra: dict[str, Any] = {
                "campaign_group_id": urn_id(element.get("campaignGroup")),
                "type": text(element.get("type")),
                "cost_type": text(element.get("costType")),
            }
            record["extra"] = {k: v for k, v in extra.items() if v is not None}
        return record

    # -- lead-gen form responses -------------------------------------------------------

    def _questions(self, form_id: str) -> dict[int, str]:
        """The form's predefined fields by question id (read once per form)."""
        if form_id not in self._forms:
            form = self._get(f"leadForms/{form_id}")
            questions = _nested(form, "content", "questions")
            self._forms[form_id] = {
                q["questionId"]: str(q["predefinedField"])
                for q in (questions if isinstance(questions, list) else [])
                if isinstance(q, dict)
                and isinstance(q.get("questionId"), int)
                and isinstance(q.get("predefinedField"), str)
            }
        return self._forms[form_id]

    def _leads(self, since: dt.date, until: dt.date) -> Iterator[LeadRecord | Notice]:
        start_ms = _ms(since)
        end_ms = _ms(until + dt.timedelta(days=1)) - 1
        owner = f"(sponsoredAccount:{quote(self._account_urn(), safe='')})"
        start = 0
        while True:
            query = "&".join(
                (
                    "q=owner",
                    f"owner={owner}",
                    "leadType=(leadType:SPONSORED)",
                    "limitedToTestLeads=false",
                    f"submittedAtTimeRange=(start:{start_ms},end:{end_ms})",
                    f"start={start}",
                    f"count={self.settings.lead_page_size}",
                )
            )
            answer, page = self._list("leadFormResponses", query)
            for index, element in enumerate(page):
                with self._shaped("leadFormResponses"):
                    lead, problems = self._lead(element, f"elements[{index}]")
                yield lead
                yield from problems
            total = _nested(answer, "paging", "total")
            start += len(page)
            if len(page) < self.settings.lead_page_size or (
                isinstance(total, int) and start >= total
            ):
                return

    def _lead(self, element: Mapping[str, Any], at: str) -> tuple[LeadRecord, list[Notice]]:
        lead_id = text(element.get("id"))
        if lead_id is None:
            raise PageShapeError(f"{at}.id", "a response id", pages.describe(element.get("id")))
        submitted = epoch_ms(element.get("submittedAt"), f"{at}.submittedAt")
        if submitted is None:
            raise PageShapeError(f"{at}.submittedAt", "epoch milliseconds", "none")
        form = _FORM_ID.search(str(element.get("versionedLeadGenFormUrn") or ""))
        fields = self._questions(form.group(1)) if form else {}
        salt = self.settings.salt()
        answers = _nested(element, "formResponse", "answers")
        listed = answers if isinstance(answers, list) else []
        said = [_said(answer, fields) for answer in listed if isinstance(answer, dict)]
        email, phone = first_contact_points(said, _EMAIL_FIELDS, _PHONE_FIELDS)
        record: LeadRecord = {
            "platform": PLATFORM,
            "account_id": self.settings.account_id,
            "lead_id": lead_id,
            "created_at": submitted,
            "email_hash": None,
            "phone_hash": None,
            "original_source": "PAID_SOCIAL",
            "original_source_drill_1": "linkedin",
            "record_source": "FORM",
            "record_source_detail": form.group(0) if form else None,
        }
        problems: list[str] = []
        if email is not None:
            try:
                record["email_hash"] = hash_email(email, salt)
            except ValueError:
                problems.append("email")
            if self.settings.keep_raw_email:
                record["email"] = email
        if phone is not None:
            try:
                record["phone_hash"] = hash_phone(phone, salt)
            except ValueError:
                problems.append("phone")
        campaign = urn_id(_nested(element, "leadMetadata", "sponsoredLeadMetadata", "campaign"))
        extra = {"campaign_id": campaign, "test_lead": element.get("testLead")}
        record["extra"] = {k: v for k, v in extra.items() if isinstance(v, str | bool)}
        notices = [
            Notice(
                "warning",
                REJECTED_VALUE,
                f"LinkedIn lead {lead_id}: the {field} answer is not a valid {field}; it was "
                "left out (its hash is null).",
                {"account": self.settings.account_id, "lead_id": lead_id, "field": field},
            )
            for field in problems
        ]
        return record, notices

    # -- check -------------------------------------------------------------------------

    def check(self) -> CheckResult:
        """Read the ad account once, to prove the token reaches it.

        A connection whose ``streams`` include ``leads`` without a ``hash_salt`` fails
        first, before any request: its sync could not read the leads.

        Returns:
            ``ok`` with the account's name and currency; otherwise a failed result
            holding the library's error.
        """
        account = self.settings.account_id
        try:
            if "leads" in self.settings.streams:
                self.settings.salt()
            found = self.account()
        except PartnerkitError as exc:
            return CheckResult.failed(exc)
        name = text(found.get("name")) or account
        return CheckResult(
            ok=True,
            message=f"The token reads LinkedIn ad account {account} ({name}, "
            f"{found.get('currency') or 'no currency'}).",
            accounts=(account,),
        )


# -- values ------------------------------------------------------------------------------


def _said(answer: Mapping[str, Any], fields: Mapping[int, str]) -> tuple[str | None, str | None]:
    """A lead form answer as ``(predefined field, text)``; no field for a custom question."""
    question = answer.get("questionId")
    field = fields.get(question) if isinstance(question, int) else None
    return field, text(_nested(answer, "answerDetails", "textQuestionAnswer", "answer"))


def _nested(value: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _ms(day: dt.date) -> int:
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp() * 1000)
