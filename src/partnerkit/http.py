"""The one HTTP seam every connector's traffic passes through.

Recording, replay, retries, rate limiting and fault injection are written once,
here, instead of once per SDK. The pieces, top to bottom:

* :class:`Clock` — the time source (the system clock in production, a fake in
  tests; :func:`use_clock` swaps the default for sessions a connector builds).
* :class:`RetryPolicy` — how often and how long to retry: jittered exponential
  backoff, ``Retry-After`` honoured, a bounded total wait.
* :class:`RateLimiter` and :func:`rate_limiter` — a thread-safe token bucket that a
  throttle signal can pause for every thread sharing it.
* :func:`error_from_response` — the default mapping of an error response to the
  library's :class:`~partnerkit.errors.SourceError` tree; connectors register where
  their API keeps its code and details with :func:`register_error_shape` and plug
  vendor rules in front of it with a :data:`Classifier`.
* :class:`PartnerkitAdapter` — a ``requests`` transport adapter that applies all of
  the above; :func:`session` and :func:`mount` put it on a (new or an SDK's) session.
* :class:`Urllib3Bridge` — the same seam for SDKs written against ``urllib3``
  (hubspot-api-client).

The adapter calls ``HTTPAdapter.send()``, which is exactly where ``responses``
intercepts, so replayed and injected responses flow through the same retry logic as
production traffic. See ``docs/http.md`` for the per-SDK decisions.
"""

from __future__ import annotations

import contextlib
import email.utils
import io
import json
import logging
import math
import random
import re
import threading
import time
from collections.abc import Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import requests
import urllib3
from requests.adapters import DEFAULT_POOLBLOCK, DEFAULT_POOLSIZE, HTTPAdapter
from typing_extensions import TypedDict, Unpack
from urllib3._request_methods import RequestMethods  # PoolManager's base class
from urllib3.response import HTTPResponse

if TYPE_CHECKING:
    from partnerkit.connector import HttpSettings

from partnerkit.errors import (
    AuthenticationError,
    InvalidRequestError,
    NotFoundError,
    PartnerkitError,
    PermissionDeniedError,
    RateLimitError,
    SourceError,
    TransientError,
)

__all__ = [
    "SYSTEM_CLOCK",
    "Classifier",
    "Clock",
    "ErrorShape",
    "PartnerkitAdapter",
    "RateLimiter",
    "ResponseObserver",
    "RetryPolicy",
    "SeamOptions",
    "SystemClock",
    "Urllib3Bridge",
    "error_from_response",
    "mount",
    "parse_retry_after",
    "rate_limiter",
    "redact_url",
    "register_error_shape",
    "session",
    "use_clock",
]

logger = logging.getLogger("partnerkit.http")

Classifier = Callable[[requests.Response], SourceError | None]
"""A vendor rule: the library error a response means, or ``None`` for "no opinion".

A classifier runs before the default status mapping, so it can say that Meta's
HTTP 400 with error code 17 is a retriable :class:`~partnerkit.errors.RateLimitError`,
or that a Google Ads ``RESOURCE_EXHAUSTED`` asks to wait its ``retryDelay``.
"""

ResponseObserver = Callable[[requests.Response], float | None]
"""Sees every response; returns seconds to hold back the next request, or ``None``.

Used to slow down *before* a limit is hit, e.g. from Meta's usage headers.
"""

# --------------------------------------------------------------------------- clock


class Clock(Protocol):
    """The time source of retries and rate limits (real, or fake in tests)."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes backwards."""
        ...

    def time(self) -> float:
        """Wall-clock seconds since the epoch (to read HTTP dates)."""
        ...

    def sleep(self, seconds: float) -> None:
        """Wait for ``seconds``."""
        ...


class SystemClock:
    """The real clock: :func:`time.monotonic`, :func:`time.time`, :func:`time.sleep`."""

    def monotonic(self) -> float:
        """Seconds on the process's monotonic clock."""
        return time.monotonic()

    def time(self) -> float:
        """Seconds since the epoch."""
        return time.time()

    def sleep(self, seconds: float) -> None:
        """Sleep for ``seconds`` (nothing for zero or less)."""
        if seconds > 0:
            time.sleep(seconds)


SYSTEM_CLOCK = SystemClock()
"""The shared system clock, the default everywhere a clock is optional."""

_clock_override: Clock | None = None


def _default_clock() -> Clock:
    return SYSTEM_CLOCK if _clock_override is None else _clock_override


@contextlib.contextmanager
def use_clock(clock: Clock) -> Iterator[Clock]:
    """Make ``clock`` the seam's default clock within the block (for tests).

    Adapters and rate limiters built without an explicit clock, including those a
    connector builds internally, read time from it while the block runs; an explicit
    ``clock=`` still wins. The override is process-wide, so worker threads see it.

    Args:
        clock: The clock to use, typically a ``partnerkit.testing.FakeClock``.

    Yields:
        The same clock.
    """
    global _clock_override
    previous, _clock_override = _clock_override, clock
    try:
        yield clock
    finally:
        _clock_override = previous


# ----------------------------------------------------------------------- redaction

_SECRET_PARAMS = (
    "access_token",
    "appsecret_proof",
    "api_key",
    "hapikey",
    "refresh_token",
    "client_secret",
    "developer_token",
    "token",
    "key",
)
_SECRET_RE = re.compile(
    r"(?<![A-Za-z0-9_])(" + "|".join(_SECRET_PARAMS) + r")=[^&#\s'\"]*", re.IGNORECASE
)


def redact_url(url: str) -> str:
    """Replace the value of every secret query parameter with ``REDACTED``.

    The parameters are ``access_token``, ``appsecret_proof``, ``key``, ``api_key``,
    ``hapikey``, ``refresh_token``, ``client_secret``, ``developer_token`` and
    ``token`` (case-insensitive, whole names only). It also works on free text, such
    as an exception message that quotes a URL.

    Args:
        url: A URL, or any text that may contain ``name=value`` query pairs.

    Returns:
        The same text with secret values replaced.
    """
    return _SECRET_RE.sub(r"\1=REDACTED", url)


def _describe(request: requests.PreparedRequest | None, fallback_url: str = "") -> str:
    if request is None:
        return redact_url(fallback_url)
    return f"{request.method} {redact_url(request.url or fallback_url)}"


# ---------------------------------------------------------------------- the policy


@dataclass(frozen=True)
class RetryPolicy:
    """When and how long to retry a failed request.

    The wait before retry ``n`` (1-based) is the server's ``Retry-After`` when it
    gave one, and otherwise a proportionally jittered exponential backoff::

        backoff(n) = min(max_delay, base_delay * 2 ** (n - 1))
        wait(n)    = backoff(n) * (1 - jitter * rng.random())

    With the default ``jitter=0.5`` a wait lands between half and all of the
    exponential value: threads spread out, yet never retry almost at once.
    The sum of all waits never exceeds ``max_total_wait``; when the next wait would
    (a ``Retry-After`` longer than what is left, say) the request gives up at once
    rather than sleep past the budget.

    Attributes:
        max_attempts: Attempts in total, the first one included.
        base_delay: Backoff before the first retry, in seconds.
        max_delay: Cap of a single backoff, in seconds (not applied to ``Retry-After``).
        max_total_wait: Budget of all waits for one request, in seconds.
        jitter: Fraction of the backoff that is randomised, from 0 (none) to 1.
        retry_statuses: HTTP statuses retried by the default classification.
        rng: The random source of the jitter; seed it for deterministic waits.
    """

    max_attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 60.0
    max_total_wait: float = 300.0
    jitter: float = 0.5
    retry_statuses: frozenset[int] = frozenset({429, 500, 502, 503, 504})
    rng: random.Random = field(default_factory=random.Random, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError(f"max_attempts must be at least 1, got {self.max_attempts}")
        if min(self.base_delay, self.max_delay, self.max_total_wait) < 0:
            raise ValueError("delays and the wait budget must not be negative")
        if not 0.0 <= self.jitter <= 1.0:
            raise ValueError(f"jitter must be between 0 and 1, got {self.jitter}")

    def backoff(self, retry: int) -> float:
        """The jittered exponential wait before retry number ``retry`` (1-based)."""
        ceiling = min(self.max_delay, self.base_delay * 2.0 ** (retry - 1))
        return ceiling * (1.0 - self.jitter * self.rng.random())

    def wait(self, retry: int, retry_after: float | None = None) -> float:
        """The wait before retry ``retry``: ``retry_after`` if given, else :meth:`backoff`."""
        return retry_after if retry_after is not None else self.backoff(retry)


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delay-seconds or an HTTP-date).

    Args:
        value: The header value, or ``None``.
        now: Current wall-clock time for HTTP dates; :func:`time.time` by default.

    Returns:
        The seconds to wait (never negative), or ``None`` if absent or unreadable.
    """
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    if not math.isfinite(seconds):
        return None
    return max(0.0, seconds)


# --------------------------------------------------------------------- rate limits


class RateLimiter:
    """A thread-safe token bucket on a :class:`Clock`, with a shared pause.

    Up to ``burst`` requests go at once; after that they are spaced exactly
    ``1 / rate`` seconds apart. :meth:`pause_until` and :meth:`penalize` hold back
    every caller sharing the limiter, so one thread's throttle signal slows all.
    Internally this is the generic cell rate algorithm: each caller reserves its
    slot under a lock and sleeps outside it.

    Args:
        rate: Requests per second, or ``None`` for no spacing (pauses still apply).
        burst: Requests allowed back to back before spacing starts.
        clock: The time source; by default the system clock (or :func:`use_clock`'s).
    """

    def __init__(self, rate: float | None, burst: int = 1, *, clock: Clock | None = None):
        if rate is not None and rate <= 0:
            raise ValueError(f"rate must be positive (or None for unlimited), got {rate}")
        if burst < 1:
            raise ValueError(f"burst must be at least 1, got {burst}")
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._lock = threading.Lock()
        self._next = -math.inf  # the theoretical arrival time of the next request
        self._paused_until = -math.inf
        self._timeline: Clock | None = None  # the clock _next and _paused_until come from

    @property
    def clock(self) -> Clock:
        """The clock in use: the one given, else the default (see :func:`use_clock`)."""
        return _default_clock() if self._clock is None else self._clock

    def _same_timeline(self) -> Clock:
        """The current clock; times kept from another clock are forgotten (under the lock)."""
        clock = self.clock
        if clock is not self._timeline:
            self._next = self._paused_until = -math.inf
            self._timeline = clock
        return clock

    def acquire(self) -> float:
        """Wait for a slot (pause and spacing), then return the seconds waited."""
        with self._lock:
            clock = self._same_timeline()
            now = clock.monotonic()
            start = max(now, self._paused_until)
            if self.rate is None:
                ready = start
            else:
                interval = 1.0 / self.rate
                due = max(self._next, start)
                ready = max(start, due - (self.burst - 1) * interval)
                self._next = due + interval
        wait = ready - now
        if wait > 0:
            clock.sleep(wait)
        return max(wait, 0.0)

    def pause_until(self, when: float) -> None:
        """Hold every caller until monotonic time ``when`` (a later pause wins)."""
        with self._lock:
            self._same_timeline()
            self._paused_until = max(self._paused_until, when)

    def penalize(self, seconds: float) -> None:
        """Hold every caller for ``seconds`` from now."""
        if seconds > 0:
            self.pause_until(self.clock.monotonic() + seconds)

    def __repr__(self) -> str:
        return f"<RateLimiter rate={self.rate} burst={self.burst}>"


_limiters: dict[Hashable, RateLimiter] = {}
_limiters_lock = threading.Lock()


def rate_limiter(
    key: Hashable, rate: float | None, burst: int = 1, *, clock: Clock | None = None
) -> RateLimiter:
    """The process-wide limiter for ``key``, created on first use.

    Every session built for the same key, e.g. ``("meta", "act_123")``, shares one
    bucket and one pause. The first call's ``rate``, ``burst`` and ``clock`` win.

    Args:
        key: What the limit applies to (API and account, property or portal).
        rate: Requests per second, or ``None`` for no spacing.
        burst: Requests allowed back to back.
        clock: The time source; by default the system clock (or :func:`use_clock`'s).

    Returns:
        The shared limiter.
    """
    with _limiters_lock:
        limiter = _limiters.get(key)
        if limiter is None:
            limiter = _limiters[key] = RateLimiter(rate, burst, clock=clock)
        return limiter


# ---------------------------------------------------------- mapping responses


@dataclass(frozen=True)
class ErrorShape:
    """Where an API's JSON error body keeps its code, message and details.

    The core reads the common shapes on its own: an ``{"error": {...}}`` envelope or a
    flat object, the ``code`` and ``message`` keys, and OAuth's ``{"error",
    "error_description"}``. What only one vendor sends (its own code key, the keys worth
    keeping as details) is that vendor's knowledge: its connector registers a shape for
    its API name with :func:`register_error_shape` when it is imported, and
    :func:`error_from_response` reads that API's bodies with it.

    Attributes:
        code_keys: Keys tried in order for the API's own error code; the first whose
            value is a string or an integer wins.
        message_keys: Keys tried in order for the API's message.
        detail_keys: Keys copied into the error's ``details`` when present.
    """

    code_keys: tuple[str, ...] = ("code",)
    message_keys: tuple[str, ...] = ("message",)
    detail_keys: tuple[str, ...] = ()


_DEFAULT_SHAPE = ErrorShape()
_error_shapes: dict[str, ErrorShape] = {}


def register_error_shape(api: str, shape: ErrorShape) -> None:
    """Tell :func:`error_from_response` how ``api``'s error bodies are shaped.

    A connector calls this once, at import, with the API name it passes to
    :func:`session` and :func:`error_from_response`. Registering again replaces the
    shape (the last import wins, so a test can swap it).

    Args:
        api: The API name, e.g. ``"meta"``.
        shape: Where that API keeps its code, message and details.
    """
    _error_shapes[api] = shape


def _code(source: Mapping[str, Any], keys: tuple[str, ...]) -> str | int | None:
    for key in keys:
        value = source.get(key)
        if isinstance(value, str | int) and not isinstance(value, bool) and value != "":
            return value
    return None


def _vendor_fields(
    content: bytes, shape: ErrorShape
) -> tuple[str | int | None, str | None, dict[str, Any]]:
    """The API's own code, message and details from a JSON error body."""
    try:
        body = json.loads(content) if content else None
    except ValueError:
        body = None
    if isinstance(body, list) and body and isinstance(body[0], dict):
        body = body[0]  # streaming endpoints wrap the error object in an array
    if not isinstance(body, dict):
        text = content.decode("utf-8", "replace").strip()
        short = text if 0 < len(text) <= 500 and not text.startswith("<") else None
        return None, short and redact_url(short), {}
    error = body.get("error")
    source: Mapping[str, Any] = error if isinstance(error, dict) else body
    code = _code(source, shape.code_keys)
    message: Any = next((source[k] for k in shape.message_keys if source.get(k)), None)
    if not isinstance(error, dict):  # OAuth: {"error": "invalid_grant", "error_description"}
        message = message or body.get("error_description")
        if isinstance(error, str):
            if message is None and " " in error.strip():
                message = error  # a sentence, not a code
            elif code is None:
                code = error
    details = {k: source[k] for k in shape.detail_keys if k in source}
    return code, redact_url(message) if isinstance(message, str) else None, details


def error_from_response(
    api: str,
    response: requests.Response | urllib3.BaseHTTPResponse,
    *,
    account: str | None = None,
    now: float | None = None,
) -> SourceError:
    """Map an error response to the library's error, by HTTP status.

    401 → :class:`~partnerkit.errors.AuthenticationError`, 403 →
    :class:`~partnerkit.errors.PermissionDeniedError`, 404 →
    :class:`~partnerkit.errors.NotFoundError`, 400/422 →
    :class:`~partnerkit.errors.InvalidRequestError`, 429 →
    :class:`~partnerkit.errors.RateLimitError` (``retry_after`` from the header),
    5xx and 408 → :class:`~partnerkit.errors.TransientError`, anything else →
    :class:`~partnerkit.errors.SourceError`. The API's message and code are kept
    from an ``{"error": {...}}`` envelope or a flat JSON object, read with the
    :class:`ErrorShape` registered for ``api`` (``code``/``message`` if none is), and
    from OAuth's ``{"error", "error_description"}``; the request is described as
    ``METHOD url`` with secrets redacted.

    Args:
        api: The API name, e.g. ``"meta"``.
        response: The error response: a ``requests`` one, or the ``urllib3`` one an
            SDK on :class:`Urllib3Bridge` got (hubspot's ``ApiException.http_resp
            .urllib3_response``).
        account: The account, property or portal the request was for.
        now: Wall-clock time to read an HTTP-date ``Retry-After``.

    Returns:
        The error (not raised).
    """
    headers: Mapping[str, str]
    if isinstance(response, requests.Response):
        status, reason, headers = response.status_code, response.reason or "", response.headers
        content, request = response.content, _describe(response.request, response.url)
    else:
        status, reason, headers = response.status, response.reason or "", response.headers
        content, method = response.data, getattr(response, "request_method", "")
        request = redact_url(f"{method} {response.url}".strip())
    code, message, details = _vendor_fields(content, _error_shapes.get(api, _DEFAULT_SHAPE))
    fields: dict[str, Any] = {
        "api": api,
        "account": account,
        "request": request,
        "status": status,
        "vendor_code": code,
        "vendor_message": message,
        "details": details,
    }
    said = f"HTTP {status} {reason}".strip()
    if status == 401:
        return AuthenticationError(
            f"The {api} API rejected the credentials ({said}): they are missing, invalid or "
            "expired. Refresh or replace them.",
            **fields,
        )
    if status == 403:
        return PermissionDeniedError(
            f"The {api} API refused access ({said}): the credentials lack a scope or "
            "access to this account.",
            **fields,
        )
    if status == 404:
        return NotFoundError(f"The {api} API found no such object ({said}).", **fields)
    if status in (400, 422):
        return InvalidRequestError(f"The {api} API rejected the request ({said}).", **fields)
    if status == 429:
        retry_after = parse_retry_after(headers.get("Retry-After"), now=now)
        return RateLimitError(
            f"The {api} API is throttling requests ({said}).", retry_after=retry_after, **fields
        )
    if status >= 500 or status == 408:
        return TransientError(f"The {api} API failed ({said}); this may pass.", **fields)
    return SourceError(f"The {api} API answered {said}.", **fields)


_LEADING_SPACE = re.compile(rb"[ \t\r\n]*")


def _looks_truncated(body: bytes) -> bool:
    """A JSON document whose first bracket is never closed (looks at two bytes, no copy)."""
    start = _LEADING_SPACE.match(body).end()  # type: ignore[union-attr]  # always matches
    end = len(body) - 1
    while end > start and body[end] in b" \t\r\n":
        end -= 1
    if start >= len(body):
        return False
    opening, closing = body[start], body[end]
    return (opening == ord("{") and closing != ord("}")) or (
        opening == ord("[") and closing != ord("]")
    )


# ------------------------------------------------------------------- the adapter

_TRANSPORT_ERRORS = (
    requests.exceptions.ConnectionError,
    requests.exceptions.Timeout,
    requests.exceptions.ChunkedEncodingError,
)


def _own_error(exc: BaseException) -> PartnerkitError | None:
    """A partnerkit error behind a transport error (e.g. the test socket guard), if any."""
    todo: list[BaseException] = [exc]
    seen: set[int] = set()
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, PartnerkitError):
            return current
        linked = (current.__cause__, current.__context__, getattr(current, "reason", None))
        todo.extend(e for e in (*linked, *current.args) if isinstance(e, BaseException))
    return None


def _failure(error: SourceError) -> str:
    """A few words on what went wrong, for logs and the give-up message."""
    if "cause" in error.details:
        return str(error.details["cause"])
    if error.status is not None:
        return f"{type(error).__name__} (HTTP {error.status})"
    return type(error).__name__


def _replayable(request: requests.PreparedRequest) -> bool:
    return request.body is None or isinstance(request.body, bytes | str)


class SeamOptions(TypedDict, total=False):
    """The keywords of :func:`mount`, :func:`session` and :class:`PartnerkitAdapter`, each optional.

    Attributes:
        account: The account, property or portal.
        policy: The retry policy.
        limiter: A shared rate limiter (see :func:`rate_limiter`).
        classifier: Vendor rules run before the default mapping.
        on_response: Observer returning a delay before the next request.
        clock: The time source.
        settings: The connector's :class:`~partnerkit.connector.HttpSettings`: the
            retry policy (unless ``policy`` is given) and the timeout of every request
            that sets none.
        pool_connections: How many hosts' connection pools to keep (``requests``'
            ``HTTPAdapter``; default 10).
        pool_maxsize: How many connections to keep per host (default 10): raise it to
            the number of threads that share one session, or urllib3 warns "Connection
            pool is full" and opens and drops extra connections.
        pool_block: Wait for a free connection when the pool is full instead of
            opening one more (default ``False``).

    ``requests``' ``max_retries`` is not among them: the seam retries under its own
    policy (backoff, ``Retry-After``, the wait budget, the rate limiter), and urllib3
    retrying beneath it would hide those attempts from the policy, the budget and the
    error's ``attempts``.
    """

    account: str | None
    policy: RetryPolicy | None
    limiter: RateLimiter | None
    classifier: Classifier | None
    on_response: ResponseObserver | None
    clock: Clock | None
    settings: HttpSettings | None
    pool_connections: int
    pool_maxsize: int
    pool_block: bool


class PartnerkitAdapter(HTTPAdapter):
    """A ``requests`` adapter that adds retries, rate limiting and error mapping.

    Per attempt: wait for the rate limiter, send (``super().send()``, where
    ``responses`` intercepts), read the body, let ``on_response`` impose a delay on
    the next request, then classify: the vendor classifier first, then
    :func:`error_from_response` for statuses of 400 and up, then the truncated-JSON
    check for 2xx. A retriable fault (``retry_statuses`` for the default mapping,
    ``error.retriable`` for a vendor classification; connection errors, timeouts,
    broken chunked bodies) is retried by the policy; a throttle also pauses the
    shared limiter. A non-retriable error response is returned unchanged (SDKs such
    as google-auth must see a 401 to refresh the token).

    When it gives up it raises :class:`~partnerkit.errors.RateLimitError` or
    :class:`~partnerkit.errors.TransientError` naming the API, the account and the
    request; ``details`` holds ``attempts``, ``waits``, ``total_wait`` and ``reason``
    (``"max_attempts"``, ``"budget"`` or ``"not_replayable"``).

    Every HTTP method is retried: partnerkit only reads, and some reads are POSTs
    (GA4 ``runReport``, Google Ads ``search``). A request whose body is a stream is
    sent once. With ``stream=True`` the body is not read here, so neither the
    truncation check nor a broken body is retried.

    Args:
        api: The API name used in errors and logs, e.g. ``"meta"``.
        **options: The seam's keywords (:class:`SeamOptions`), as :func:`mount` takes
            them. Without ``policy``, the retry policy is the ``settings``' (else
            :class:`RetryPolicy`'s defaults); without ``limiter``, an unlimited private
            one that still honours pauses from ``on_response`` and throttles; without
            ``clock``, the system clock (or :func:`use_clock`'s). ``settings`` also
            give the timeout of a request sent without one. ``pool_connections``,
            ``pool_maxsize`` and ``pool_block`` go to ``HTTPAdapter``'s pools.

    Raises:
        TypeError: A keyword that is not one of :class:`SeamOptions` (a misspelt one
            would otherwise be ignored).
    """

    def __init__(self, api: str, **options: Unpack[SeamOptions]) -> None:
        unknown = sorted(set(options) - SeamOptions.__optional_keys__)
        if unknown:
            raise TypeError(f"unexpected keyword argument(s): {', '.join(unknown)}")
        super().__init__(
            pool_connections=options.get("pool_connections", DEFAULT_POOLSIZE),
            pool_maxsize=options.get("pool_maxsize", DEFAULT_POOLSIZE),
            pool_block=options.get("pool_block", DEFAULT_POOLBLOCK),
        )
        settings = options.get("settings")
        self.api = api
        self.account = options.get("account")
        #: The timeout of a request sent without one (seconds or ``(connect, read)``).
        self.timeout = settings.timeout if settings is not None else None
        default = settings.retry_policy() if settings is not None else RetryPolicy()
        self.policy = options.get("policy") or default
        self._clock = options.get("clock")
        self.limiter = options.get("limiter") or RateLimiter(None, clock=self._clock)
        self.classifier = options.get("classifier")
        self.on_response = options.get("on_response")

    @property
    def clock(self) -> Clock:
        """The clock in use: the one given, else the default (see :func:`use_clock`)."""
        return _default_clock() if self._clock is None else self._clock

    def send(  # type: ignore[override]
        self, request: requests.PreparedRequest, **kwargs: Any
    ) -> requests.Response:
        """Send ``request`` with retries; see the class docstring for the rules."""
        described = _describe(request)
        streamed = bool(kwargs.get("stream"))
        if kwargs.get("timeout") is None and self.timeout is not None:
            kwargs["timeout"] = self.timeout  # the connector's http settings
        waits: list[float] = []
        attempt = 0
        while True:
            attempt += 1
            self.limiter.acquire()
            response: requests.Response | None = None
            error: SourceError | None
            try:
                response = super().send(request, **kwargs)
                if not streamed:
                    response.content  # noqa: B018 - read the body inside the retry loop
            except _TRANSPORT_ERRORS as exc:
                error = self._transport_error(exc, described)
            else:
                error, retriable = self._classify(response, streamed)
                if error is None or not retriable:
                    return response
            assert error is not None  # for mypy: every path above set it
            retry_after = self._retry_after(error, response)
            wait = self.policy.wait(attempt, retry_after)
            stop = self._stop_reason(request, attempt, waits, wait)
            if stop is not None:
                raise self._give_up(
                    error, described, attempt, waits, retry_after, wait, stop
                ) from None
            if response is not None:
                response.close()
            if isinstance(error, RateLimitError):
                self.limiter.pause_until(self.clock.monotonic() + wait)
            logger.warning(
                "%s: %s on %s; retry %d of %d in %.2f s",
                self.api,
                _failure(error),
                described,
                attempt,
                self.policy.max_attempts - 1,
                wait,
            )
            self.clock.sleep(wait)
            waits.append(wait)

    def _stop_reason(
        self, request: requests.PreparedRequest, attempt: int, waits: list[float], wait: float
    ) -> str | None:
        if attempt >= self.policy.max_attempts:
            return "max_attempts"
        if not _replayable(request):
            return "not_replayable"
        if sum(waits) + wait > self.policy.max_total_wait:
            return "budget"
        return None

    def _transport_error(self, exc: Exception, described: str) -> TransientError:
        if str(exc).startswith("Connection refused by Responses"):
            raise exc  # a `responses` mock miss is a test bug, not a network fault
        own = _own_error(exc)
        if own is not None and not own.retriable:
            raise own from None  # e.g. the socket guard: never retried
        return TransientError(
            f"The {self.api} API could not be reached or did not answer in full "
            f"({type(exc).__name__}).",
            api=self.api,
            account=self.account,
            request=described,
            details={"cause": redact_url(f"{type(exc).__name__}: {exc}")},
        )

    def _classify(
        self, response: requests.Response, streamed: bool
    ) -> tuple[SourceError | None, bool]:
        if self.on_response is not None:
            delay = self.on_response(response)
            if delay:
                self.limiter.penalize(delay)
        error = self.classifier(response) if self.classifier is not None else None
        if error is not None:
            return error, error.retriable
        status = response.status_code
        if status >= 400:
            error = error_from_response(
                self.api, response, account=self.account, now=self.clock.time()
            )
            return error, status in self.policy.retry_statuses
        if (
            not streamed
            and "json" in response.headers.get("Content-Type", "")
            and _looks_truncated(response.content)
        ):
            cause = f"a truncated JSON body ({len(response.content)} bytes)"
            error = TransientError(
                f"The {self.api} API sent {cause}.",
                api=self.api,
                account=self.account,
                request=_describe(response.request, response.url),
                status=status,
                details={"cause": cause},
            )
            return error, True
        return None, False

    def _retry_after(self, error: SourceError, response: requests.Response | None) -> float | None:
        if isinstance(error, RateLimitError) and error.retry_after is not None:
            return error.retry_after
        if response is None:
            return None
        return parse_retry_after(response.headers.get("Retry-After"), now=self.clock.time())

    def _give_up(
        self,
        error: SourceError,
        described: str,
        attempts: int,
        waits: list[float],
        retry_after: float | None,
        wait: float,
        reason: str,
    ) -> SourceError:
        total = sum(waits)
        if reason == "max_attempts":
            why = f"{attempts} of {self.policy.max_attempts} attempts"
        elif reason == "not_replayable":
            why = "the request body is a stream and cannot be sent again"
        else:
            asked = "the API asked to wait" if retry_after is not None else "the next wait is"
            left = self.policy.max_total_wait - total
            why = (
                f"{asked} {wait:g} s, more than the {left:g} s left of the "
                f"{self.policy.max_total_wait:g} s retry budget"
            )
        message = (
            f"Gave up on the {self.api} API after {attempts} attempt(s) and {total:g} s of "
            f"waiting ({why}); the last failure was {_failure(error)}."
        )
        if isinstance(error, RateLimitError):
            error = error.with_context(retry_after=retry_after)
        else:
            error = error.with_context(as_type=TransientError)
        return error.with_context(
            message,
            account=self.account,
            request=described,
            attempts=attempts,
            waits=list(waits),
            total_wait=total,
            reason=reason,
        )


def mount(existing: requests.Session, api: str, **options: Unpack[SeamOptions]) -> requests.Session:
    """Put a :class:`PartnerkitAdapter` on an existing session (an SDK's own).

    The adapter is mounted on ``http://``, ``https://`` and every prefix already
    mounted, so no SDK adapter is left in front of it. Use it on google-auth's
    ``AuthorizedSession`` (GA4 over REST) or on ``FacebookAdsApi``'s requests session.

    Args:
        existing: The session to equip.
        api: The API name used in errors and logs.
        **options: ``account``, ``policy``, ``limiter``, ``classifier``,
            ``on_response``, ``clock``, ``settings`` and the pool sizes
            ``pool_connections``, ``pool_maxsize``, ``pool_block`` (see
            :class:`SeamOptions`).

    Returns:
        The same session.

    Raises:
        TypeError: A keyword that is not one of :class:`SeamOptions` (a misspelt one
            would otherwise be ignored).
    """
    adapter = PartnerkitAdapter(api, **options)
    for prefix in {"https://", "http://", *existing.adapters}:
        existing.mount(prefix, adapter)
    return existing


def session(api: str, **options: Unpack[SeamOptions]) -> requests.Session:
    """A new ``requests`` session whose traffic goes through the seam.

    Args:
        api: The API name used in errors and logs.
        **options: The keywords of :func:`mount` (see :class:`SeamOptions`).

    Returns:
        The session; close it (or use it as a context manager) when done.
    """
    return mount(requests.Session(), api, **options)


# ------------------------------------------------------------------ urllib3 bridge

_HOP_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})


def _number(value: Any) -> float | None:
    return None if isinstance(value, bool) or not isinstance(value, int | float) else float(value)


def _requests_timeout(timeout: Any) -> float | tuple[float | None, float | None] | None:
    """A urllib3 timeout (``Timeout`` or seconds) as ``requests`` takes it."""
    if not isinstance(timeout, urllib3.Timeout):
        return _number(timeout)
    # the configured values: urllib3's read_timeout property needs a started timer
    total = _number(timeout.total)
    connect, read = _number(timeout._connect), _number(timeout._read)
    if total is not None:
        connect = total if connect is None else min(connect, total)
        read = total if read is None else min(read, total)
    return connect, read


class _BridgedResponse(HTTPResponse):
    """A urllib3 response that remembers its method (urllib3 keeps only the URL)."""

    request_method = ""


class Urllib3Bridge(RequestMethods):
    """A stand-in for ``urllib3.PoolManager`` that sends through a requests session.

    SDKs written against urllib3 (hubspot-api-client's ``RESTClientObject`` calls
    ``pool_manager.request(method, url, fields=..., body=..., preload_content=...,
    timeout=..., headers=...)``) get the seam by swapping their pool manager::

        api_client.rest_client.pool_manager = Urllib3Bridge(session("hubspot"))

    ``fields`` are encoded exactly as urllib3 does (the encoding is inherited from
    ``RequestMethods``, ``PoolManager``'s base class); the request then goes through the session,
    so the adapter's retries, ``responses`` replay and faults all apply, and the
    answer comes back as a ``urllib3.response.HTTPResponse`` (``.status``,
    ``.reason``, ``.data``, ``.headers``, ``.getheaders()``, ``.getheader()``).
    The body arrives already decoded, so ``Content-Encoding`` is dropped.

    Args:
        http: The session to send through (normally from :func:`session`).
        headers: Default headers, as for a pool manager.
    """

    def __init__(self, http: requests.Session, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(headers)
        self.session = http

    def urlopen(  # type: ignore[override]
        self,
        method: str,
        url: str,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        *,
        preload_content: bool = True,
        timeout: Any = None,
        redirect: bool = True,
        **kwargs: Any,
    ) -> HTTPResponse:
        """Send one request through the session and return a urllib3 response."""
        if isinstance(body, str):
            body = body.encode("utf-8")
        answer = self.session.request(
            method,
            url,
            data=body,
            headers=dict(self.headers if headers is None else headers),
            timeout=_requests_timeout(timeout),
            allow_redirects=redirect,
        )
        content = answer.content
        out = urllib3.HTTPHeaderDict()
        for name, value in answer.headers.items():
            if name.lower() not in _HOP_HEADERS:
                out.add(name, value)
        out["Content-Length"] = str(len(content))
        bridged = _BridgedResponse(
            body=io.BytesIO(content),
            headers=out,
            status=answer.status_code,
            reason=answer.reason,
            preload_content=preload_content,
            decode_content=False,
            request_method=method,
            request_url=url,
        )
        bridged.request_method = method.upper()
        return bridged

    def clear(self) -> None:
        """Close the session's pooled connections (``PoolManager.clear()``)."""
        self.session.close()
