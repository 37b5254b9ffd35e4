"""The Google Ads REST interface, through partnerkit's HTTP seam.

The google-ads library speaks gRPC only, and gRPC bypasses ``requests``: no
cassette replay, no shared retries, limits or fault injection (``docs/http.md``).
So the connector sends the same GAQL to the same API over its REST interface::

    POST https://googleads.googleapis.com/v26/customers/{customer_id}/googleAds:searchStream
    developer-token: ...            (when there is one)
    login-customer-id: 1234567890   (the manager, when reading through one)
    Authorization: Bearer ...       (google-auth's AuthorizedSession adds and refreshes it)
    {"query": "SELECT ... FROM campaign WHERE segments.date BETWEEN ..."}

Each customer gets its own google-auth ``AuthorizedSession`` equipped with
partnerkit's adapter (:func:`partnerkit.http.mount`): retries with backoff, the
vendor rule of :func:`._errors.classify` (Google's ``retryDelay``), and a rate
limiter shared per customer (``("google_ads", customer_id)``) that a throttle pauses.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import requests
from pydantic import TypeAdapter, ValidationError
from typing_extensions import TypedDict

from partnerkit.connector import HttpSettings
from partnerkit.errors import PartnerkitError, ResponseShapeError
from partnerkit.http import mount, rate_limiter
from partnerkit_google_ads._auth import API, ResolvedCredentials
from partnerkit_google_ads._errors import classify, error_for, error_from_failure
from partnerkit_google_ads._errors import failure_from_status as _failure_from_status
from partnerkit_google_ads._gaql import Query
from partnerkit_google_ads._parse import BATCHES, Batch, parse_batches

__all__ = ["Transport"]


class _FieldsAnswer(TypedDict, total=False):
    results: list[dict[str, Any]]
    nextPageToken: str
    totalResultsCount: str


_FIELDS_ANSWER: TypeAdapter[_FieldsAnswer] = TypeAdapter(_FieldsAnswer)


class Transport:
    """Sends GAQL to ``googleAds:searchStream`` for one set of credentials.

    Args:
        credentials: The resolved credentials.
        endpoint: The API's base URL.
        version: The API version, e.g. ``"v26"``.
        now: Wall-clock seconds (for quota reset times).
        http_settings: Timeouts, retries and pace (the connector's ``http`` setting).
    """

    def __init__(
        self,
        credentials: ResolvedCredentials,
        *,
        endpoint: str,
        version: str,
        now: Callable[[], float],
        http_settings: HttpSettings,
    ) -> None:
        self.credentials = credentials
        self.http_settings = http_settings
        self.endpoint = endpoint.rstrip("/")
        self.version = version
        self._now = now
        self._sessions: dict[str, requests.Session] = {}

    def _session(self, customer_id: str) -> requests.Session:
        session = self._sessions.get(customer_id)
        if session is None:
            from google.auth.transport.requests import AuthorizedSession

            # Credentials that cannot refresh (a bare access token) must not try on a 401:
            # the 401 comes back and is reported with Google's own message.
            refresh: tuple[int, ...] = (401,) if self.credentials.refreshable else ()
            session = AuthorizedSession(  # type: ignore[no-untyped-call]
                self.credentials.credentials, refresh_status_codes=refresh
            )

            def classifier(response: requests.Response) -> Any:
                return classify(response, now=self._now())

            mount(
                session,
                API,
                account=customer_id,
                classifier=classifier,
                limiter=rate_limiter(
                    (API, customer_id),
                    self.http_settings.requests_per_second,
                    self.http_settings.burst,
                ),
                settings=self.http_settings,
            )
            self._sessions[customer_id] = session
        return session

    def url(self, customer_id: str) -> str:
        """The searchStream URL of a customer."""
        return f"{self.endpoint}/{self.version}/customers/{customer_id}/googleAds:searchStream"

    def search_stream(
        self, customer_id: str, query: Query, adapter: TypeAdapter[Any] = BATCHES
    ) -> list[Batch]:
        """Run one GAQL query for a customer and return the validated batches.

        Args:
            customer_id: The customer.
            query: The query.
            adapter: How rows are validated (:data:`._parse.BATCHES` or
                :data:`._parse.RAW_BATCHES`).

        Raises:
            PartnerkitError: The mapped error (see :mod:`._errors`).
        """
        response = self._post(customer_id, self.url(customer_id), str(query))
        try:
            batches = parse_batches(
                response.content,
                source=f"customer {customer_id}: {query.resource} query",
                account=customer_id,
                request=f"POST {self.url(customer_id)}",
                adapter=adapter,
            )
        finally:
            response.close()
        for batch in batches:
            status = batch.get("error")
            if status is not None:  # the stream broke part-way: its last element is the error
                raise self._broken(status, response, customer_id)
        return batches

    def search_fields(self, query: str, account: str) -> list[dict[str, Any]]:
        """Ask ``GoogleAdsFieldService.SearchGoogleAdsFields`` about fields.

        ``POST {endpoint}/{version}/googleAdsFields:search`` with ``{"query": ...}``;
        the answer is ``{"results": [GoogleAdsField...], "totalResultsCount": "n"}``
        (no ``nextPageToken`` for the one page a ``WHERE name IN (...)`` query gets).

        Args:
            query: The field-service query (``SELECT name, ... WHERE name IN (...)``).
            account: The customer the fields are for (its session, quota and errors).

        Returns:
            The ``GoogleAdsField`` objects found.

        Raises:
            PartnerkitError: The mapped error, or a ResponseShapeError.
        """
        url = f"{self.endpoint}/{self.version}/googleAdsFields:search"
        response = self._post(account, url, query)
        try:
            try:
                answer = _FIELDS_ANSWER.validate_json(response.content)
            except ValidationError as exc:
                err = exc.errors()[0]
                raise ResponseShapeError(
                    "Google Ads googleAdsFields:search",
                    where=".".join(str(p) for p in err["loc"]),
                    expected="a SearchGoogleAdsFieldsResponse (results of GoogleAdsField)",
                    found=ResponseShapeError.describe(err.get("input")),
                    api=API,
                    account=account,
                    request=f"POST {url}",
                ) from None
        finally:
            response.close()
        return answer.get("results", [])

    def _post(self, account: str, url: str, query: str) -> requests.Response:
        """POST ``{"query": query}`` with the developer token and login customer headers.

        Returns:
            The answer, when it is a success (the caller reads and closes it).

        Raises:
            PartnerkitError: The mapped error of a refused answer (closed).
        """
        headers: dict[str, str] = {}
        if self.credentials.developer_token is not None:
            headers["developer-token"] = self.credentials.developer_token.get_secret_value()
        if self.credentials.login_customer_id:
            headers["login-customer-id"] = self.credentials.login_customer_id
        response = self._session(account).post(
            url, json={"query": query}, headers=headers, timeout=self.http_settings.timeout
        )
        if not response.ok:
            try:
                raise error_for(
                    response,
                    account=account,
                    version=self.version,
                    login_customer_id=self.credentials.login_customer_id,
                    now=self._now(),
                )
            finally:
                response.close()
        return response

    def _broken(
        self, status: dict[str, Any], response: requests.Response, customer_id: str
    ) -> PartnerkitError:
        code = status.get("code")
        http_status = code if isinstance(code, int) and 100 <= code < 600 else 500
        return error_from_failure(
            _failure_from_status(status, http_status),
            account=customer_id,
            request=f"POST {self.url(customer_id)}",
            version=self.version,
            login_customer_id=self.credentials.login_customer_id,
            now=self._now(),
        )

    def close(self) -> None:
        """Close every session."""
        for session in self._sessions.values():
            session.close()
        self._sessions.clear()
