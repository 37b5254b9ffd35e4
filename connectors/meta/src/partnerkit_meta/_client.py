"""A typed, thin wrapper over the facebook-business SDK for one ad account.

The SDK builds and signs every request (``FacebookAdsApi.call``: the versioned Graph
URL, JSON-encoded parameters, ``access_token`` and ``appsecret_proof`` from its
``FacebookSession``, its User-Agent) and raises ``FacebookRequestError`` for error
answers. Its ``requests`` session carries partnerkit's adapter (``http.mount``), so
every request passes the seam: Meta's classifier decides retries, the usage observer
slows the account down before its limit, and cassettes replay below it all.

Pages are read raw (``FacebookResponse.body()``) and validated in one call into
TypedDicts (or, for insights, handed raw to a parser that builds Arrow columns): no
SDK object per row. Paging follows ``paging.cursors.after`` while
``paging.next`` is present, exactly as the SDK's own ``Cursor`` does, but keeps the
page. The SDK is imported here lazily, so ``import partnerkit_meta`` stays cheap.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from typing import Any, Protocol, TypeVar, cast

from pydantic import SecretStr, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from partnerkit import http
from partnerkit.connector import HttpSettings, Notice
from partnerkit.errors import DataError, ResponseShapeError
from partnerkit_meta._errors import API, ReduceDataError, classify, from_sdk_error
from partnerkit_meta._sdk import GraphApi, SdkRequestError
from partnerkit_meta._settings import MetaSettings
from partnerkit_meta._usage import UsageObserver

__all__ = [
    "MIN_PAGE_SIZE",
    "GraphClient",
    "graph_call",
    "mounted_graph",
    "shape_error",
    "validate_page",
]

logger = logging.getLogger("partnerkit.meta")

#: The smallest page the reader shrinks to when Meta asks for less data.
MIN_PAGE_SIZE = 25

PageT = TypeVar("PageT", bound=Mapping[str, Any])


class GraphSettings(Protocol):
    """What :func:`mounted_graph` reads from a Meta connector's settings."""

    @property
    def app_secret(self) -> SecretStr | None:
        """The app's secret (every request then carries an ``appsecret_proof``)."""

    @property
    def api_version(self) -> str:
        """The Graph API version."""

    @property
    def http(self) -> HttpSettings:
        """Timeouts, retries and pace."""

    @property
    def throttle_min_wait(self) -> float:
        """Seconds to wait on a throttle that does not say how long."""


def mounted_graph(
    settings: GraphSettings,
    account: str,
    access_token: str,
    *,
    app_id: str | None = None,
    on_response: http.ResponseObserver | None = None,
) -> GraphApi:
    """The SDK's API for one Graph object (an ad account, a Page), on the seam.

    Its requests share the account's process-wide rate limiter (key ``("meta",
    account)``) and go through Meta's error rules (:func:`classify`).

    Args:
        settings: The connector's settings.
        account: The object the requests are for.
        access_token: The token.
        app_id: The app's id, when known.
        on_response: An observer of every answer (Meta Ads' usage headers).

    Returns:
        The facade, its session mounted.
    """
    secret = settings.app_secret.get_secret_value() if settings.app_secret else None
    graph = GraphApi(
        access_token=access_token,
        app_secret=secret or None,
        app_id=app_id,
        timeout=settings.http.timeout_seconds,
        api_version=settings.api_version,
    )
    rate, burst = settings.http.requests_per_second, settings.http.burst
    wait = settings.throttle_min_wait
    http.mount(
        graph.http,
        API,
        account=account,
        settings=settings.http,
        limiter=http.rate_limiter((API, account), rate, burst),
        classifier=partial(classify, account=account, throttle_min_wait=wait),
        on_response=on_response,
    )
    return graph


def graph_call(
    graph: GraphApi,
    method: str,
    path: tuple[str, ...],
    params: Mapping[str, Any],
    account: str,
    throttle_min_wait: float,
) -> bytes:
    """One request through the SDK; its error is the library's (:func:`from_sdk_error`).

    Returns:
        The raw body.
    """
    try:
        return graph.call(method, path, params)
    except graph.error_type as exc:
        raise from_sdk_error(
            cast(SdkRequestError, exc), account=account, throttle_min_wait=throttle_min_wait
        ) from None


class GraphClient:
    """The Graph API for one ad account, through the SDK and partnerkit's seam.

    Args:
        settings: The connector's settings (token, app secret, version, retries).
        account: The ad account, ``act_<digits>``.

    Attributes:
        account: The ad account.
        usage: The usage observer (its ``last`` reading is kept).
        limiter: The account's shared rate limiter (key ``("meta", account)``).
        notices: Notices about shrunk requests, drained by the reader.
    """

    def __init__(self, settings: MetaSettings, account: str) -> None:
        self.account = account
        self._throttle_min_wait = settings.throttle_min_wait
        self.usage = UsageObserver(account, settings.usage_slowdown)
        token = settings.access_token.get_secret_value()
        self._graph = mounted_graph(
            settings, account, token, app_id=settings.app_id, on_response=self.usage
        )
        # the account's shared limiter, which mounted_graph created (the first call's rate wins)
        self.limiter = http.rate_limiter((API, account), None)
        self.notices: list[Notice] = []

    @property
    def clock(self) -> http.Clock:
        """The seam's clock (a fake one in tests): report polls wait on it."""
        return self.limiter.clock

    def call(self, method: str, path: tuple[str, ...], params: Mapping[str, Any]) -> bytes:
        """Send one request through the SDK and return the raw body.

        Args:
            method: ``GET`` or ``POST``.
            path: Graph path segments after the version, e.g. ``("act_1", "insights")``.
            params: Request parameters; lists and mappings are JSON-encoded by the SDK.

        Returns:
            The response body, raw bytes (pages are parsed from bytes).

        Raises:
            SourceError: The mapped Meta error (throttles only after the seam's retries).
            ConfigurationError: An unknown field or a retired API version.
        """
        return graph_call(self._graph, method, path, params, self.account, self._throttle_min_wait)

    def get(
        self, path: tuple[str, ...], params: Mapping[str, Any], adapter: TypeAdapter[PageT]
    ) -> PageT:
        """GET one object or page and validate it with ``adapter``."""
        return validate_page(adapter, self.call("GET", path, params), self._where("GET", path))

    def post(
        self, path: tuple[str, ...], params: Mapping[str, Any], adapter: TypeAdapter[PageT]
    ) -> PageT:
        """POST (start a report run) and validate the answer with ``adapter``."""
        return validate_page(adapter, self.call("POST", path, params), self._where("POST", path))

    def pages(
        self, path: tuple[str, ...], params: Mapping[str, Any], adapter: TypeAdapter[PageT]
    ) -> Iterator[PageT]:
        """Read every page of an edge, each validated with ``adapter``.

        Args:
            path: The edge, e.g. ``("act_1", "campaigns")``.
            params: Parameters, including ``limit``.
            adapter: Validates a page (``{"data": [...], "paging": {...}}``).

        Yields:
            Each validated page, in order (see :meth:`raw_pages` for the paging).

        Raises:
            ReduceDataError: Meta still refuses a page of :data:`MIN_PAGE_SIZE` rows.
            DataError: A page does not have the documented shape.
        """
        return self.raw_pages(path, params, partial(validate_page, adapter))

    def raw_pages(
        self,
        path: tuple[str, ...],
        params: Mapping[str, Any],
        parse: Callable[[str | bytes, str], PageT],
    ) -> Iterator[PageT]:
        """Read every page of an edge, following ``paging.cursors.after``.

        When Meta answers "reduce the amount of data", the same page (same ``after``
        cursor) is asked again with half the ``limit``, down to
        :data:`MIN_PAGE_SIZE`: rows are neither skipped nor repeated, because a cursor
        is a position, not a page number.

        Args:
            path: The edge, e.g. ``("act_1", "insights")``.
            params: Parameters, including ``limit``.
            parse: Turns a raw body and the request's description (for errors, e.g.
                ``meta act_1 GET /act_1/insights``) into a page with a ``paging`` key.

        Yields:
            Each parsed page, in order.

        Raises:
            ReduceDataError: Meta still refuses a page of :data:`MIN_PAGE_SIZE` rows.
        """
        query = dict(params)
        where = self._where("GET", path)
        while True:
            try:
                body = self.call("GET", path, query)
            except ReduceDataError as exc:
                limit = int(query.get("limit") or MIN_PAGE_SIZE * 2)
                if limit <= MIN_PAGE_SIZE:
                    raise
                smaller = max(MIN_PAGE_SIZE, limit // 2)
                query["limit"] = smaller
                self.notices.append(
                    Notice(
                        "warning",
                        "request_reduced",
                        f"Meta asked for less data per request on {self.account}; reading "
                        f"{'/'.join(path)} {smaller} rows at a time instead of {limit}.",
                        {"account": self.account, "limit": smaller, "said": exc.vendor_message},
                    )
                )
                continue
            page = parse(body, where)
            yield page
            paging = page.get("paging") or {}
            after = (paging.get("cursors") or {}).get("after")
            if not paging.get("next") or not after:
                return
            query["after"] = after

    def close(self) -> None:
        """Close the SDK session's pooled connections."""
        self._graph.http.close()

    def _where(self, method: str, path: tuple[str, ...]) -> str:
        return f"meta {self.account} {method} /{'/'.join(path)}"


def _shown(value: Any) -> Any:
    """The offending value, unless it is a whole object or list (too long to show)."""
    return None if isinstance(value, dict | list) else value


def _request_of(where: str) -> tuple[str | None, str]:
    """``(account, "METHOD /path")`` of a request described as ``GraphClient._where`` does."""
    api, _, rest = where.partition(" ")
    account, _, request = rest.partition(" ")
    if api != API or not request:
        return None, where
    return account, request


def _is_envelope(loc: tuple[int | str, ...]) -> bool:
    """Whether a validation error is about the page itself, not a field inside a row.

    The body, a key of the answer (``data``, ``paging``, ``report_run_id``...) and a
    row that is not an object are the page's shape; a row's own fields are data.
    """
    return len(loc) <= 1 or (len(loc) == 2 and loc[0] == "data" and isinstance(loc[1], int))


def shape_error(where: str, *, at: str, expected: str, found: str) -> ResponseShapeError:
    """The error for an answer that is not the documented shape (see :func:`validate_page`)."""
    account, request = _request_of(where)
    return ResponseShapeError(
        "Meta", where=at, expected=expected, found=found, api=API, account=account, request=request
    )


def _envelope_error(where: str, error: ErrorDetails) -> ResponseShapeError:
    """The shape error of a page-level validation error (see :func:`_is_envelope`)."""
    loc, kind, value = error["loc"], error["type"], error.get("input")
    if kind == "missing":
        return shape_error(
            where,
            at=".".join(str(p) for p in loc[:-1]),
            expected=f"an object with the key {loc[-1]!r}, which Meta always sends",
            found=ResponseShapeError.without(value),
        )
    if len(loc) == 2:
        expected = "a row object"
    elif kind == "list_type":
        expected = "a JSON array"
    elif kind in ("dict_type", "model_type"):
        expected = "a JSON object"
    else:
        expected = f"a value that fits ({error['msg']})"
    at = f"{loc[0]}[{loc[1]}]" if len(loc) == 2 else ".".join(str(p) for p in loc)
    return shape_error(where, at=at, expected=expected, found=ResponseShapeError.describe(value))


def validate_page(adapter: TypeAdapter[PageT], body: str | bytes, where: str) -> PageT:
    """Check one answer's shape, then validate it with ``adapter``.

    A body that is JSON but not an object (``null``, ``123``, ``true``, ``"x"``,
    ``[]``) is refused before any parser sees it; an answer without a key Meta
    always sends (``data`` of a page), with one of the wrong type, or with a row
    that is not an object is refused by the validation. Both raise
    :class:`~partnerkit.errors.ResponseShapeError`.

    Raises:
        ResponseShapeError: The answer is not the documented shape (naming the
            request, the key, what was expected and what was found).
        DataError: The answer is not JSON, or a field of a row does not fit (naming
            the request, the field and, for a scalar, the value).
    """
    raw = body.encode() if isinstance(body, str) else body
    found = ResponseShapeError.top_level(raw)
    if found is not None:
        raise shape_error(where, at="", expected="a JSON object", found=found)
    try:
        return adapter.validate_json(raw)
    except ValidationError as exc:
        errors = exc.errors()
        envelope = next((e for e in errors if _is_envelope(e["loc"])), None)
        if envelope is not None and envelope["type"] != "json_invalid":
            raise _envelope_error(where, envelope) from None
        first = errors[0]
        column = ".".join(str(p) for p in first["loc"]) or None
        raise DataError(
            f"Meta sent an answer that does not have the documented shape: {first['msg']}"
            f"{f' ({exc.error_count() - 1} more problems)' if exc.error_count() > 1 else ''}",
            source=where,
            column=column,
            value=_shown(first.get("input")) if first["type"] != "json_invalid" else None,
        ) from None
