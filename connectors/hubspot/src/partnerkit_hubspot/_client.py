"""hubspot-api-client on partnerkit's HTTP seam, behind a small typed surface.

The SDK talks through urllib3. As ``docs/http.md`` records, every API object it
builds gets a :class:`partnerkit.http.Urllib3Bridge` as its pool manager (through
``hubspot.Client.create(api_factory=...)``), so its own request building, auth
header, status checks and ``ApiException`` run unchanged while the traffic goes
through the seam: retries, ``Retry-After``, the shared per-portal rate limiters,
HubSpot's rate-limit rules, cassettes and injected faults. The SDK's own
``retry`` is left unset, so attempts never multiply.

Three sessions, three limiters:

* *bootstrap* — the account-info request and OAuth token refreshes (before the
  portal is known; not rate limited);
* *general* — every other endpoint, on the portal's shared limiter
  (``http.requests_per_second`` / ``http.burst``);
* *search* — the CRM search endpoints, on the portal's search limiter
  (``search_requests_per_second``), since HubSpot limits search separately.

Pages of records come back raw (``_preload_content=False``) and are validated a
page at a time; reference data (properties, pipelines, owners, tokens) is small and
goes through the SDK's models. The SDK has no account-info API, so that one GET is
sent on the bootstrap session directly.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import logging
import math
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import hubspot  # type: ignore[import-untyped]
import hubspot.crm.associations.v4 as sdk_associations  # type: ignore[import-untyped]
import hubspot.crm.companies as sdk_companies  # type: ignore[import-untyped]
import hubspot.crm.contacts as sdk_contacts  # type: ignore[import-untyped]
import hubspot.crm.deals as sdk_deals  # type: ignore[import-untyped]
import hubspot.crm.objects.calls as sdk_calls  # type: ignore[import-untyped]
import hubspot.crm.objects.emails as sdk_emails  # type: ignore[import-untyped]
import hubspot.crm.objects.meetings as sdk_meetings  # type: ignore[import-untyped]
import hubspot.crm.objects.notes as sdk_notes  # type: ignore[import-untyped]
import hubspot.crm.objects.tasks as sdk_tasks  # type: ignore[import-untyped]
import hubspot.crm.owners as sdk_owners  # type: ignore[import-untyped]
import hubspot.crm.pipelines as sdk_pipelines  # type: ignore[import-untyped]
import hubspot.crm.properties as sdk_properties  # type: ignore[import-untyped]
import hubspot.marketing.emails as sdk_marketing_emails  # type: ignore[import-untyped]
import hubspot.marketing.forms as sdk_forms  # type: ignore[import-untyped]
import hubspot.oauth as sdk_oauth  # type: ignore[import-untyped]
import requests

from partnerkit import http
from partnerkit.errors import (
    AuthenticationError,
    ConfigurationError,
    DataError,
    PageShapeError,
    ResponseShapeError,
)
from partnerkit_hubspot._errors import (
    API,
    HubSpotRules,
    error_for,
    from_api_exception,
    unreadable_answer,
)
from partnerkit_hubspot._forms import (
    SUBMISSIONS_PAGE_SIZE,
    FormPage,
    SubmissionPage,
    parse_form_page,
    parse_submission_page,
)
from partnerkit_hubspot._pages import (
    AssociationPage,
    ObjectPage,
    PageError,
    parse_association_page,
    parse_object_page,
    parse_search_page,
    parse_token,
)
from partnerkit_hubspot._reference import (
    HubSpotOwner,
    HubSpotPipeline,
    HubSpotPortal,
    HubSpotStage,
    PropertyDef,
)
from partnerkit_hubspot._search import Query
from partnerkit_hubspot._settings import HubSpotSettings

__all__ = ["BASE_URL", "HubSpotClient", "read_page"]

BASE_URL = "https://api.hubapi.com"

#: Refresh an OAuth access token this many seconds before it expires.
_REFRESH_MARGIN = 60.0

logger = logging.getLogger("partnerkit.hubspot")

_API_EXCEPTIONS: tuple[type[Exception], ...] = tuple(
    package.ApiException
    for package in (
        sdk_contacts,
        sdk_deals,
        sdk_companies,
        sdk_calls,
        sdk_emails,
        sdk_meetings,
        sdk_notes,
        sdk_tasks,
        sdk_associations,
        sdk_owners,
        sdk_pipelines,
        sdk_properties,
        sdk_forms,
        sdk_oauth,
        sdk_marketing_emails,
    )
)

_OBJECT_PACKAGES = {
    "contacts": sdk_contacts,
    "deals": sdk_deals,
    "companies": sdk_companies,
    "calls": sdk_calls,
    "emails": sdk_emails,
    "meetings": sdk_meetings,
    "notes": sdk_notes,
    "tasks": sdk_tasks,
}
#: Object types the SDK files under ``crm.objects`` (the engagements), not ``crm``.
_UNDER_OBJECTS = frozenset({"calls", "emails", "meetings", "notes", "tasks"})

_T = TypeVar("_T")


def _user_agent() -> str:
    def version(dist: str) -> str:
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            return "unknown"

    return (
        f"partnerkit-hubspot/{version('partnerkit-hubspot')} "
        f"hubspot-api-client-python; {version('hubspot-api-client')}"
    )


def _probability(value: Any) -> Decimal | None:
    try:
        return None if value in (None, "") else Decimal(str(value))
    except InvalidOperation:
        return None


def read_page(parse: Callable[[bytes], _T], raw: bytes, request: str, *, account: str | None) -> _T:
    """Parse one answer with ``parse``, mapping its problems to the library's errors.

    Args:
        parse: A page parser of :mod:`._pages` (``parse_search_page``...).
        raw: The answer's body.
        request: ``METHOD url`` of the request.
        account: The portal.

    Raises:
        ResponseShapeError: The body is JSON but not the documented answer (checked
            before any result is read).
        DataError: A result's field does not fit (named; its value is never shown:
            it may be personal data).
        SourceError: The body is not JSON.
    """
    try:
        return parse(raw)
    except PageShapeError as exc:
        raise ResponseShapeError.of(
            "HubSpot",
            exc,
            api=API,
            account=account,
            request=request,
        ) from None
    except PageError as exc:
        if exc.column is None:
            raise unreadable_answer(request, str(exc), account=account) from None
        raise DataError(
            f"HubSpot sent a result that does not fit ({exc})", source=request, column=exc.column
        ) from None


class HubSpotClient:
    """The SDK calls the connector makes, typed, on the seam, with errors mapped.

    Args:
        settings: The connector's settings.
        now: The wall clock, timezone-aware (when the daily limit resets); the
            system's by default.
    """

    def __init__(
        self, settings: HubSpotSettings, *, now: Callable[[], dt.datetime] | None = None
    ) -> None:
        self._settings = settings
        configured = settings.accounts[0] if settings.accounts else None
        self.rules = HubSpotRules(configured, settings.timezone or "UTC", now=now)
        self._bootstrap_limiter = http.RateLimiter(None)
        self._bootstrap = self._session(configured, self._bootstrap_limiter)
        self._general: requests.Session | None = None
        self._search: requests.Session | None = None
        self._apis: dict[tuple[str, str], Any] = {}
        self._sdk = hubspot.Client.create(access_token="", api_factory=self._build_api)
        self._token: str | None = (
            settings.access_token.get_secret_value() if settings.access_token else None
        )
        self._token_expires = math.inf
        self._portal: HubSpotPortal | None = None
        self._user_agent = _user_agent()

    # ------------------------------------------------------------- plumbing

    def _session(self, account: str | None, limiter: http.RateLimiter) -> requests.Session:
        return http.session(
            API,
            account=account,
            settings=self._settings.http,
            limiter=limiter,
            classifier=self.rules.classify,
            on_response=self.rules.observe,
        )

    def _open_sessions(self, portal: str) -> None:
        s = self._settings
        rate, burst = s.http.requests_per_second, s.http.burst
        general = http.rate_limiter((API, portal, "general", rate, burst), rate, burst)
        search = http.rate_limiter(
            (API, portal, "search", s.search_requests_per_second), s.search_requests_per_second
        )
        self._general = self._session(portal, general)
        self._search = self._session(portal, search)

    def _build_api(self, package: Any, api_name: str, config: dict[str, Any]) -> Any:
        """``hubspot.Client``'s api_factory: one cached API object per class, on the bridge."""
        key = (package.__name__, api_name)
        if key in self._apis:
            return self._apis[key]
        if package is sdk_oauth:
            session = self._bootstrap
        elif self._general is None or self._search is None:
            raise RuntimeError("the portal must be known before a CRM API is used")
        else:
            session = self._search if api_name == "SearchApi" else self._general
        configuration = package.Configuration()
        configuration.client_side_validation = False  # tolerate new enum values in answers
        api_client = package.ApiClient(configuration=configuration)
        api_client.user_agent = self._user_agent
        api_client.rest_client.pool_manager = http.Urllib3Bridge(session)
        api = getattr(package, api_name)(api_client=api_client)
        self._apis[key] = api
        return api

    @property
    def _account(self) -> str | None:
        return self._portal.portal_id if self._portal else self.rules.account

    def _call(
        self,
        api: Any,
        method: str,
        path: str,
        invoke: Callable[[Any], _T],
        *,
        authenticated: bool = True,
        retried: bool = False,
    ) -> _T:
        """Run one SDK call with a fresh token; map its ``ApiException`` at this boundary."""
        if authenticated:
            api.api_client.configuration.access_token = self.token()
        try:
            return invoke(api)
        except _API_EXCEPTIONS as exc:
            error = from_api_exception(
                exc, method=method, url=BASE_URL + path, account=self._account, rules=self.rules
            )
        if (
            isinstance(error, AuthenticationError)
            and authenticated
            and self._settings.uses_oauth
            and not retried
        ):
            self._refresh()  # the access token expired early: refresh once and try again
            return self._call(api, method, path, invoke, retried=True)
        raise error

    def _fetch(
        self,
        parse: Callable[[bytes], _T],
        api: Any,
        method: str,
        path: str,
        call: str,
        /,
        *,
        authenticated: bool = True,
        **arguments: Any,
    ) -> _T:
        """One SDK call, ``api.<call>(**arguments)``, read raw and parsed as ``parse`` reads it.

        The call is made with ``_preload_content=False`` (the body comes back unparsed;
        with preloaded content the SDK also logs every body at DEBUG) and the settings'
        timeout; ``method`` and ``path`` name the request in errors.
        """

        def invoke(a: Any) -> Any:
            return getattr(a, call)(
                **arguments, _preload_content=False, _request_timeout=self._timeout()
            )

        answer = self._call(api, method, path, invoke, authenticated=authenticated)
        return self._page(parse, answer.data, method, path)

    def _object_apis(self, object_type: str) -> Any:
        """The SDK's discovery of one CRM object type (``basic_api``, ``search_api``)."""
        group = self._sdk.crm.objects if object_type in _UNDER_OBJECTS else self._sdk.crm
        return getattr(group, object_type)

    def _timeout(self) -> float:
        return self._settings.http.timeout_seconds

    # ---------------------------------------------------------------- tokens

    def token(self) -> str:
        """The access token to send: the private app's, or a fresh OAuth one."""
        clock = self._bootstrap_limiter.clock
        if self._token is None or clock.monotonic() >= self._token_expires - _REFRESH_MARGIN:
            self._refresh()
        assert self._token is not None  # for mypy: _refresh() set it
        return self._token

    def _refresh(self) -> None:
        """Exchange the refresh token for an access token, through the seam.

        The answer is read raw (``_preload_content=False``): with preloaded content the
        SDK logs every answer's body at DEBUG, and this one holds the tokens.
        """
        s = self._settings
        if not s.uses_oauth:
            return
        client_id, secret, refresh = s.client_id, s.client_secret, s.refresh_token
        if client_id is None or secret is None or refresh is None:  # the settings prevent it
            raise ConfigurationError("OAuth needs client_id, client_secret and refresh_token")
        answer = self._fetch(
            parse_token,
            self._sdk.oauth.tokens_api,
            "POST",
            "/oauth/v1/token",
            "create",
            authenticated=False,
            grant_type="refresh_token",
            client_id=client_id,
            client_secret=secret.get_secret_value(),
            refresh_token=refresh.get_secret_value(),
        )
        expires_in = float(answer.get("expires_in") or 1800)
        self._token = answer["access_token"]
        self._token_expires = self._bootstrap_limiter.clock.monotonic() + expires_in
        logger.info("hubspot: refreshed the OAuth access token (valid %d s)", int(expires_in))

    # ---------------------------------------------------------------- portal

    def portal(self) -> HubSpotPortal:
        """The portal the token reads (cached); checks it against ``accounts``.

        Raises:
            ConfigurationError: The token belongs to another portal than ``accounts``
                names, or the portal's time zone is unknown.
            SourceError: The request failed.
        """
        if self._portal is not None:
            return self._portal
        body = self._account_details()
        portal_id = str(body.get("portalId") or "")
        if not portal_id:
            raise ResponseShapeError(
                "HubSpot",
                where="",
                expected="an object with the key 'portalId', which HubSpot always sends",
                found=ResponseShapeError.without(body),
                api=API,
                request=f"GET {BASE_URL}/account-info/v3/details",
            )
        configured = self._settings.accounts[0] if self._settings.accounts else None
        if configured is not None and configured != portal_id:
            raise ConfigurationError(
                f"The HubSpot credentials belong to portal {portal_id}, but this connection's "
                f"accounts names portal {configured}. Use the token (or OAuth install) of "
                f"portal {configured}, or correct accounts."
            )
        zone = self._settings.timezone or str(body.get("timeZone") or "UTC")
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigurationError(
                f"HubSpot portal {portal_id} reports the time zone {zone!r}, which is not an "
                "IANA zone partnerkit knows; set the timezone setting explicitly."
            ) from None
        currency = body.get("companyCurrency")
        account_type = body.get("accountType")
        self._portal = HubSpotPortal(
            portal_id=portal_id,
            time_zone=zone,
            currency=str(currency) if currency else None,
            account_type=str(account_type) if account_type else None,
        )
        self.rules.account, self.rules.timezone = portal_id, zone
        self._open_sessions(portal_id)
        return self._portal

    def _headers(self) -> dict[str, str]:
        """The headers of a request sent on a session directly (not through the SDK)."""
        return {
            "Authorization": f"Bearer {self.token()}",
            "Accept": "application/json",
            "User-Agent": self._user_agent,
        }

    def _account_details(self, retried: bool = False) -> dict[str, Any]:
        url = f"{BASE_URL}/account-info/v3/details"
        response = self._bootstrap.get(
            url,
            headers=self._headers(),
            timeout=self._timeout(),
        )
        if not response.ok:
            error = error_for(response, account=self.rules.account, rules=self.rules)
            if isinstance(error, AuthenticationError) and self._settings.uses_oauth and not retried:
                self._refresh()
                return self._account_details(retried=True)
            raise error
        found = ResponseShapeError.top_level(response.content)
        if found is not None:
            raise ResponseShapeError(
                "HubSpot",
                where="",
                expected="a JSON object",
                found=found,
                api=API,
                request=f"GET {url}",
            )
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise unreadable_answer(f"GET {url}", "not a JSON object", account=None)
        return body

    # ------------------------------------------------------------ raw pages

    def list_page(
        self,
        object_type: str,
        *,
        properties: Sequence[str],
        after: str | None,
        archived: bool,
        limit: int | None = None,
    ) -> ObjectPage:
        """One page of ``GET /crm/v3/objects/{object_type}`` (live or archived records)."""
        self.portal()
        return self._fetch(
            parse_object_page,
            self._object_apis(object_type).basic_api,
            "GET",
            f"/crm/v3/objects/{object_type}",
            "get_page",
            limit=limit or self._settings.page_size,
            after=after,
            properties=list(properties) or None,
            archived=archived,
        )

    def search_page(self, object_type: str, query: Query, properties: Sequence[str]) -> ObjectPage:
        """The first page of ``POST /crm/v3/objects/{object_type}/search`` for ``query``."""
        self.portal()
        package = _OBJECT_PACKAGES[object_type]
        request = package.PublicObjectSearchRequest(
            filter_groups=[
                package.FilterGroup(
                    filters=[
                        package.Filter(property_name=name, operator=operator, value=value)
                        for name, operator, value in query.filters
                    ]
                )
            ],
            sorts=[{"propertyName": query.sort, "direction": "ASCENDING"}],
            properties=list(properties),
            limit=self._settings.search_page_size,
        )
        return self._fetch(
            parse_search_page,
            self._object_apis(object_type).search_api,
            "POST",
            f"/crm/v3/objects/{object_type}/search",
            "do_search",
            public_object_search_request=request,
        )

    def associations_page(
        self, from_type: str, to_type: str, inputs: Sequence[tuple[str, str | None]]
    ) -> AssociationPage:
        """``POST /crm/v4/associations/{from}/{to}/batch/read`` for ``(id, after)`` inputs."""
        self.portal()
        body = sdk_associations.BatchInputPublicFetchAssociationsBatchRequest(
            inputs=[
                sdk_associations.PublicFetchAssociationsBatchRequest(id=obj_id, after=after)
                for obj_id, after in inputs
            ]
        )
        return self._fetch(
            parse_association_page,
            self._sdk.crm.associations.v4.batch_api,
            "POST",
            f"/crm/v4/associations/{from_type}/{to_type}/batch/read",
            "get_page",
            from_object_type=from_type,
            to_object_type=to_type,
            batch_input_public_fetch_associations_batch_request=body,
        )

    def emails_page(
        self, parse: Callable[[bytes], _T], path: str, after: str | None, limit: int
    ) -> _T:
        """One page of the marketing emails (``path``) with statistics, as ``parse`` reads it."""
        self.portal()
        api = self._sdk.marketing.emails.marketing_emails_api
        return self._fetch(
            parse, api, "GET", path, "get_page", limit=limit, after=after, include_stats=True
        )

    def forms_page(self, after: str | None) -> FormPage:
        """One page of ``GET /marketing/v3/forms/`` (every form type, live forms)."""
        self.portal()
        return self._fetch(
            parse_form_page,
            self._sdk.marketing.forms.forms_api,
            "GET",
            "/marketing/v3/forms/",
            "get_page",
            after=after,
            limit=self._settings.page_size,
            archived=False,
            form_types=["all"],
        )

    def submissions_page(
        self, form_id: str, after: str | None, *, retried: bool = False
    ) -> SubmissionPage:
        """One page of ``GET /form-integrations/v1/submissions/forms/{form_id}``, newest first.

        The SDK has no API for it, so the request goes on the portal's general session
        directly (the seam, its limiter and rules), as the account-info request does.
        """
        self.portal()
        assert self._general is not None  # for mypy: portal() opened it
        path = f"/form-integrations/v1/submissions/forms/{form_id}"
        params: dict[str, str] = {"limit": str(SUBMISSIONS_PAGE_SIZE)}
        if after is not None:
            params["after"] = after
        response = self._general.get(
            BASE_URL + path,
            params=params,
            headers=self._headers(),
            timeout=self._timeout(),
        )
        if not response.ok:
            error = error_for(response, account=self._account, rules=self.rules)
            if isinstance(error, AuthenticationError) and self._settings.uses_oauth and not retried:
                self._refresh()  # the access token expired early: once more, fresh
                return self.submissions_page(form_id, after, retried=True)
            raise error
        return self._page(parse_submission_page, response.content, "GET", path)

    def _page(self, parse: Callable[[bytes], _T], raw: bytes, method: str, path: str) -> _T:
        return read_page(parse, raw, f"{method} {BASE_URL}{path}", account=self._account)

    # -------------------------------------------------------- reference data

    def _all(self, api: Any, path: str, key: str, **arguments: Any) -> list[Any]:
        """``GET path`` through ``api.get_all(**arguments)``: its checked :meth:`_results`."""
        answer = self._call(
            api, "GET", path, lambda a: a.get_all(**arguments, _request_timeout=self._timeout())
        )
        return self._results(answer, path, key)

    def _results(self, answer: Any, path: str, key: str) -> list[Any]:
        """The ``results`` of an answer the SDK's models read (properties, pipelines, owners).

        The SDK's client-side validation is off (new enum values must not break a
        read), so its models let an answer without ``results`` — ``null``, ``{}``, a
        number — through as ``None``, and a result that is not an object as a model
        without fields; the API always sends the list, and each result its ``key``.

        Raises:
            ResponseShapeError: The answer has no ``results`` list, or a result has no
                ``key``.
        """
        results = getattr(answer, "results", None)
        problem: tuple[str, str] | None = None
        if not isinstance(results, list):
            problem = ("", "an object with the key 'results', which HubSpot always sends")
        else:
            bad = next((i for i, r in enumerate(results) if getattr(r, key, None) is None), None)
            if bad is not None:
                problem = (f"results[{bad}]", f"an object with the key {key!r}")
        if problem is not None:
            raise ResponseShapeError(
                "HubSpot",
                where=problem[0],
                expected=problem[1],
                found="an answer the SDK read without it",
                api=API,
                account=self._account,
                request=f"GET {BASE_URL}{path}",
            )
        assert isinstance(results, list)  # for mypy: checked above
        return results

    def property_definitions(self, object_type: str) -> list[PropertyDef]:
        """The portal's property definitions of ``contacts`` or ``deals``."""
        self.portal()
        api = self._sdk.crm.properties.core_api
        path = f"/crm/v3/properties/{object_type}"
        return [
            PropertyDef(
                name=str(p.name),
                label=str(p.label or p.name),
                type=str(p.type or "string"),
                field_type=str(p.field_type or "text"),
                description=str(p.description or ""),
                show_currency_symbol=bool(p.show_currency_symbol),
            )
            for p in self._all(api, path, "name", object_type=object_type, archived=False)
        ]

    def pipelines(self, object_type: str = "deals") -> list[HubSpotPipeline]:
        """The pipelines of ``object_type`` with their stages, in display order."""
        self.portal()
        api = self._sdk.crm.pipelines.pipelines_api
        path = f"/crm/v3/pipelines/{object_type}"
        pipelines = []
        for p in self._all(api, path, "id", object_type=object_type):
            stages = []
            for s in p.stages or []:
                metadata = s.metadata or {}
                stages.append(
                    HubSpotStage(
                        id=str(s.id),
                        label=str(s.label or s.id),
                        display_order=int(s.display_order or 0),
                        is_closed=str(metadata.get("isClosed", "false")).lower() == "true",
                        probability=_probability(metadata.get("probability")),
                        archived=bool(s.archived),
                    )
                )
            stages.sort(key=lambda st: st.display_order)
            pipelines.append(
                HubSpotPipeline(
                    id=str(p.id),
                    label=str(p.label or p.id),
                    display_order=int(p.display_order or 0),
                    stages=tuple(stages),
                    archived=bool(p.archived),
                )
            )
        pipelines.sort(key=lambda pl: pl.display_order)
        return pipelines

    def owners(self, *, archived: bool) -> list[HubSpotOwner]:
        """Every owner (or every archived owner), following ``paging.next.after``."""
        self.portal()
        api = self._sdk.crm.owners.owners_api
        owners: list[HubSpotOwner] = []
        after: str | None = None
        while True:
            cursor = after

            def page(a: Any, after: str | None = cursor) -> Any:
                return a.get_page(
                    after=after, limit=100, archived=archived, _request_timeout=self._timeout()
                )

            answer = self._call(api, "GET", "/crm/v3/owners/", page)
            for o in self._results(answer, "/crm/v3/owners/", "id"):
                owners.append(
                    HubSpotOwner(
                        id=str(o.id),
                        first_name=o.first_name or None,
                        last_name=o.last_name or None,
                        email=o.email or None,
                        user_id=int(o.user_id) if o.user_id is not None else None,
                        type=o.type or None,
                        teams=tuple(str(t.name) for t in o.teams or [] if t.name),
                        archived=bool(o.archived),
                    )
                )
            following = answer.paging.next if answer.paging else None
            after = following.after if following else None
            if not after:
                return owners
            if after == cursor:
                raise unreadable_answer(
                    f"GET {BASE_URL}/crm/v3/owners/", "the paging cursor did not move", account=None
                )

    # --------------------------------------------------------------- closing

    def close(self) -> None:
        """Close the sessions (and with them the bridges' connections)."""
        for session in (self._bootstrap, self._general, self._search):
            if session is not None:
                session.close()
