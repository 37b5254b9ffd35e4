"""The one boundary where GA4, google-auth and google-api-core errors become partnerkit's.

Two entry points:

* :func:`classifier` builds the vendor rule the HTTP seam runs on every response: it
  reads the Data API's ``RESOURCE_EXHAUSTED`` bodies and says which property quota ran
  out, so the seam backs off per quota kind (concurrent requests: a short jittered
  backoff; hourly quotas: an hour, which exceeds the default retry budget and so stops
  the read; tokens per day: no retry at all).
* :func:`to_partnerkit` maps whatever an SDK call or a raw request raised, or an error
  response, to the library's error tree, keeping the API's own message in
  ``vendor_message``.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import requests
from partnerkit_google import RPC_STATUS_SHAPE

from partnerkit.errors import (
    AuthenticationError,
    ConfigurationError,
    PartnerkitError,
    PermissionDeniedError,
    QuotaExhaustedError,
    RateLimitError,
    ResponseShapeError,
    SourceError,
    TransientError,
)
from partnerkit.http import error_from_response, redact_url, register_error_shape

__all__ = [
    "API",
    "HOURLY_QUOTAS",
    "HOURLY_WAIT",
    "ErrorMemory",
    "classifier",
    "error_for_response",
    "next_pacific_midnight",
    "quota_kind",
    "to_partnerkit",
]

API = "ga4"

# Google's google.rpc.Status JSON: {"error": {"code", "message", "status", "details"}}.
register_error_shape(API, RPC_STATUS_SHAPE)

#: Seconds the seam is told to wait when an hourly property quota is exhausted: GA4
#: says hourly quota tokens "return in under an hour".
HOURLY_WAIT = 3600.0

# Phrases of the Data API's 429 messages, most specific first, and the quota they name.
_QUOTA_PHRASES: tuple[tuple[str, str], ...] = (
    ("tokens per day", "tokensPerDay"),
    ("tokens for a project per hour", "tokensPerProjectPerHour"),
    ("tokens per project per hour", "tokensPerProjectPerHour"),
    ("tokens per hour", "tokensPerHour"),
    ("concurrent requests", "concurrentRequests"),
    ("server errors", "serverErrorsPerProjectPerHour"),
    ("potentially thresholded requests", "potentiallyThresholdedRequestsPerHour"),
)

#: Property quotas that refill within the hour.
HOURLY_QUOTAS = frozenset(
    {
        "tokensPerHour",
        "tokensPerProjectPerHour",
        "serverErrorsPerProjectPerHour",
        "potentiallyThresholdedRequestsPerHour",
    }
)

_LABELS = {
    "tokensPerDay": "tokens per day",
    "tokensPerHour": "tokens per hour",
    "tokensPerProjectPerHour": "tokens per project per hour",
    "concurrentRequests": "concurrent requests",
    "serverErrorsPerProjectPerHour": "server errors per project per hour",
    "potentiallyThresholdedRequestsPerHour": "potentially thresholded requests per hour",
}

_PACIFIC = ZoneInfo("America/Los_Angeles")
_VIEWER_HINT = (
    "Give the credentials' account (for a service account, its client_email) at least the "
    "Viewer role on the property in GA4 under Admin > Property access management, and check "
    "the property id (Admin > Property details; not the G-... measurement id)."
)


def quota_kind(message: str | None) -> str | None:
    """The property quota a Data API error message names, e.g. ``"tokensPerDay"``."""
    if not message:
        return None
    lowered = message.lower()
    if "exhausted" not in lowered and "quota" not in lowered:
        return None
    for phrase, kind in _QUOTA_PHRASES:
        if phrase in lowered:
            return kind
    return None


def quota_label(kind: str) -> str:
    """A readable name of a property quota (``"tokens per day"``)."""
    return _LABELS.get(kind, kind)


def next_pacific_midnight(now: dt.datetime) -> dt.datetime:
    """When GA4's daily quotas refresh next: midnight Pacific time after ``now``."""
    local = now.astimezone(_PACIFIC)
    tomorrow = local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(tomorrow, dt.time(0), _PACIFIC)


def _google_error(response: requests.Response) -> tuple[int, str | None, str | None]:
    """HTTP status, ``error.status`` and ``error.message`` of a Google error body."""
    try:
        body = json.loads(response.content) if response.content else None
    except ValueError:
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return response.status_code, None, None
    status, message = error.get("status"), error.get("message")
    return (
        response.status_code,
        status if isinstance(status, str) else None,
        message if isinstance(message, str) else None,
    )


def _quota_error(
    response: requests.Response, account: str | None, now: dt.datetime
) -> SourceError | None:
    status, code, message = _google_error(response)
    exhausted = code == "RESOURCE_EXHAUSTED" or (status == 429 and quota_kind(message))
    if not exhausted:
        return None
    kind = quota_kind(message)
    fields: dict[str, Any] = {
        "api": API,
        "account": account,
        "request": redact_url(f"{response.request.method} {response.url}"),
        "status": status,
        "vendor_code": code or "RESOURCE_EXHAUSTED",
        "vendor_message": message,
        "details": {"quota": kind},
    }
    where = f"property {account}" if account else "the property"
    if kind == "tokensPerDay":
        resets = next_pacific_midnight(now)
        return QuotaExhaustedError(
            f"GA4's daily token quota of {where} is used up; it refreshes at midnight Pacific "
            f"time ({resets.isoformat()}). Read again after that (records merge by "
            "record_id, so re-reading is safe), or read a shorter range or fewer dimensions.",
            resets_at=resets.isoformat(),
            **fields,
        )
    if kind in HOURLY_QUOTAS:
        return RateLimitError(
            f"GA4's quota of {quota_label(kind)} of {where} is used up; it refills within "
            "the hour.",
            retry_after=HOURLY_WAIT,
            **fields,
        )
    # concurrent requests, or a quota this connector does not know: a short backoff
    return RateLimitError(
        f"GA4 throttled {where} ({quota_label(kind) if kind else 'resource exhausted'}).",
        retry_after=None,
        **fields,
    )


class ErrorMemory:
    """Remembers, per thread, the last error response a session received.

    google-auth answers a 401 by refreshing the credentials; when that refresh fails
    the API's own 401 message would be lost, so the classifier keeps it here.
    """

    def __init__(self) -> None:
        self._local = threading.local()

    def remember(self, error: SourceError) -> None:
        """Keep ``error`` as this thread's last error response."""
        self._local.error = error

    def last(self) -> SourceError | None:
        """This thread's last error response, if any."""
        error: SourceError | None = getattr(self._local, "error", None)
        return error


def classifier(
    account: str, memory: ErrorMemory, now: Callable[[], dt.datetime]
) -> Callable[[requests.Response], SourceError | None]:
    """The seam's vendor rule for one property (see the module docstring).

    Args:
        account: The property id, for errors.
        memory: Where the last error response is remembered.
        now: The wall clock (for the daily quota's refresh time).
    """

    def classify(response: requests.Response) -> SourceError | None:
        if response.status_code < 400:
            return None
        error = _quota_error(response, account, now())
        memory.remember(error or error_from_response(API, response, account=account))
        return error

    return classify


def error_for_response(
    response: requests.Response, account: str | None, now: dt.datetime
) -> SourceError:
    """The library error an error response means (quota rules first, then by status)."""
    error = _quota_error(response, account, now) or error_from_response(
        API, response, account=account
    )
    return _explained(error)


def _explained(error: SourceError) -> SourceError:
    """Add GA4-specific advice to errors whose default message is generic."""
    if isinstance(error, PermissionDeniedError) and _VIEWER_HINT not in error.message:
        return error.with_context(f"GA4 refused access to property {error.account}. {_VIEWER_HINT}")
    return error


def _budget_spent_on_hourly_quota(error: RateLimitError) -> QuotaExhaustedError | None:
    kind = error.details.get("quota") or quota_kind(error.vendor_message)
    if kind not in HOURLY_QUOTAS:
        return None
    return error.with_context(
        f"GA4's quota of {quota_label(kind)} of property {error.account} is used up; it "
        f"refills within the hour, longer than this read may wait (http.max_wait_seconds). Run "
        "again later (records merge by record_id, so re-reading is safe), or allow waiting "
        "with http: {max_wait_seconds: 3600}.",
        as_type=QuotaExhaustedError,
        quota=kind,
    )


def to_partnerkit(
    exc: BaseException, account: str | None, memory: ErrorMemory, now: dt.datetime
) -> PartnerkitError | None:
    """Map an exception raised by an SDK call or a raw request to the library's error.

    Args:
        exc: What was raised.
        account: The property id.
        memory: The session's remembered error responses.
        now: The wall clock.

    Returns:
        The library error, or ``None`` when ``exc`` is not a vendor error (a bug: let
        it propagate).
    """
    from google.api_core import exceptions as core
    from google.auth import exceptions as auth

    if isinstance(exc, RateLimitError):
        return _budget_spent_on_hourly_quota(exc) or exc
    if isinstance(exc, SourceError):
        return _explained(exc)
    if isinstance(exc, PartnerkitError):
        return exc
    if isinstance(exc, core.GoogleAPICallError):
        response = exc.response
        if isinstance(response, requests.Response):
            return error_for_response(response, account, now)
        return SourceError(
            f"The GA4 API failed: {exc.message}",
            api=API,
            account=account,
            status=exc.code if isinstance(exc.code, int) else None,
            vendor_message=exc.message,
        )
    if isinstance(exc, auth.RefreshError):
        said = memory.last()
        return AuthenticationError(
            "GA4 rejected the credentials and they could not be refreshed "
            f"({exc}). Check that the service account key is valid and not revoked, or "
            "replace the access token.",
            api=API,
            account=account,
            status=said.status if said else None,
            vendor_code=said.vendor_code if said else None,
            vendor_message=said.vendor_message if said else None,
            details={"refresh_error": str(exc)},
        )
    if isinstance(exc, auth.DefaultCredentialsError):
        return ConfigurationError(
            f"No Google credentials for GA4: {exc} Set credentials_file (a service account "
            "JSON key), credentials_json, or access_token in the connector's settings, or "
            "GOOGLE_APPLICATION_CREDENTIALS, or run `gcloud auth application-default login`."
        )
    if isinstance(exc, auth.TransportError):
        return TransientError(
            f"Google's token endpoint could not be reached to refresh the credentials ({exc}).",
            api=API,
            account=account,
        )
    if isinstance(exc, requests.RequestException):
        return TransientError(
            f"The GA4 API could not be reached ({type(exc).__name__}).", api=API, account=account
        )
    from google.protobuf import json_format  # type: ignore[import-untyped]

    if isinstance(exc, json_format.ParseError):  # the SDK could not read a 2xx answer
        return ResponseShapeError(
            "GA4",
            where="",
            expected="the JSON object the API documents",
            found=f"a body the SDK could not read ({str(exc)[:120]})",
            api=API,
            account=account,
        )
    return None
