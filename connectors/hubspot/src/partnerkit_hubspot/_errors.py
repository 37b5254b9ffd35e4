"""The one boundary where HubSpot's errors become partnerkit's.

Three entry points, one set of rules:

* :meth:`HubSpotRules.classify` — the seam's vendor classifier: it turns HubSpot's
  429 answers into a retriable :class:`~partnerkit.errors.RateLimitError` with the
  right wait (``Retry-After``, else the policy's window), or a fatal
  :class:`~partnerkit.errors.QuotaExhaustedError` for the daily limit.
* :func:`error_for` — any error response (a ``requests`` one) to the error tree, with
  HubSpot's refinements: missing scopes named, a dead refresh token as an
  authentication error, the daily limit as an exhausted quota.
* :func:`from_api_exception` — hubspot-api-client's ``ApiException`` (every
  ``hubspot.*`` package has its own class) to the same errors, through
  :func:`error_for`.

The API's own message stays in ``vendor_message``, its category or error type in
``vendor_code``, and ``correlationId``, ``policyName`` and the required scopes in
``details``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

import requests
from requests.structures import CaseInsensitiveDict

from partnerkit.errors import (
    AuthenticationError,
    PermissionDeniedError,
    QuotaExhaustedError,
    RateLimitError,
    SourceError,
)
from partnerkit.http import (
    ErrorShape,
    error_from_response,
    parse_retry_after,
    register_error_shape,
)

__all__ = [
    "API",
    "HubSpotRules",
    "error_for",
    "from_api_exception",
    "unreadable_answer",
]

API = "hubspot"

# HubSpot's flat {"status", "message", "correlationId", "category", ...}; a rate limit
# adds policyName and groupName, v1 endpoints say errorType instead of category.
register_error_shape(
    API,
    ErrorShape(
        code_keys=("category", "errorType"),
        detail_keys=("correlationId", "policyName", "groupName"),
    ),
)

logger = logging.getLogger("partnerkit.hubspot")

# The X-HubSpot-RateLimit-* headers (HubSpot's API usage guidelines). Search
# answers and OAuth apps carry only some of them; every reading is optional.
_MAX = "X-HubSpot-RateLimit-Max"
_REMAINING = "X-HubSpot-RateLimit-Remaining"
_INTERVAL_MS = "X-HubSpot-RateLimit-Interval-Milliseconds"
_SECONDLY_REMAINING = "X-HubSpot-RateLimit-Secondly-Remaining"
_DAILY = "X-HubSpot-RateLimit-Daily"
_DAILY_REMAINING = "X-HubSpot-RateLimit-Daily-Remaining"

#: Seconds to wait after a 429 of each rolling policy when no Retry-After is given.
_DEFAULT_WINDOW = {"TEN_SECONDLY_ROLLING": 10.0, "SECONDLY": 1.0}
#: Below this share of the rolling window's requests, slow to its sustainable pace.
_LOW_WATER = 0.1


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _body(response: requests.Response) -> dict[str, Any]:
    try:
        body = json.loads(response.content) if response.content else None
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _number(headers: Mapping[str, str], name: str) -> float | None:
    value = headers.get(name)
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        return None


class HubSpotRules:
    """HubSpot's rate-limit rules for the seam: a classifier and a usage observer.

    Args:
        account: The portal, for errors.
        timezone: The portal's time zone (the daily limit resets at its midnight);
            set :attr:`timezone` once the portal is known.
        now: The wall clock, timezone-aware (when the daily limit resets); the
            system's by default.
    """

    def __init__(
        self,
        account: str | None = None,
        timezone: str = "UTC",
        *,
        now: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self.account = account
        self.timezone = timezone
        self._now = now or _utcnow
        self._warned_daily = False

    # ------------------------------------------------------------- classifier

    def classify(self, response: requests.Response) -> SourceError | None:
        """The error a 429 means (``None`` for other statuses: the default mapping applies).

        ``policyName`` ``DAILY`` is a :class:`~partnerkit.errors.QuotaExhaustedError`
        (not retried: it resets at midnight in the portal's time zone);
        ``TEN_SECONDLY_ROLLING`` and ``SECONDLY`` (the search limit) are
        :class:`~partnerkit.errors.RateLimitError` waiting ``Retry-After`` when
        given, else the policy's window (10 s or 1 s, or the
        ``Interval-Milliseconds`` header).
        """
        if response.status_code != 429:
            return None
        return self._throttle(response, error_from_response(API, response, account=self.account))

    def _throttle(self, response: requests.Response, base: SourceError) -> SourceError:
        body = _body(response)
        policy = body.get("policyName")
        if policy == "DAILY":
            resets = self.next_midnight()
            return base.with_context(
                f"The HubSpot portal's daily API limit is used up; it resets at {resets} "
                f"(midnight, {self.timezone}). Reads resume then; lower the request volume "
                "or ask HubSpot for a higher limit.",
                resets_at=resets,
                as_type=QuotaExhaustedError,
                policy="DAILY",
            )
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        if retry_after is None and isinstance(policy, str) and policy in _DEFAULT_WINDOW:
            retry_after = _DEFAULT_WINDOW[policy]
            interval = _number(response.headers, _INTERVAL_MS)
            if policy == "TEN_SECONDLY_ROLLING" and interval:
                retry_after = interval / 1000.0
        what = {
            "TEN_SECONDLY_ROLLING": "its per-10-second limit",
            "SECONDLY": "its per-second (search) limit",
        }.get(str(policy), "a rate limit")
        extra = {"policy": policy} if isinstance(policy, str) else {}
        return base.with_context(
            f"HubSpot throttled the request ({what}).",
            retry_after=retry_after,
            as_type=RateLimitError,
            **extra,
        )

    def next_midnight(self) -> str:
        """The next midnight in the portal's time zone, as ISO 8601."""
        zone = ZoneInfo(self.timezone)
        tomorrow = self._now().astimezone(zone).date() + dt.timedelta(days=1)
        return dt.datetime.combine(tomorrow, dt.time(), zone).isoformat()

    # --------------------------------------------------------------- observer

    def observe(self, response: requests.Response) -> float | None:
        """Seconds to hold back the next request, read from the usage headers.

        * ``Remaining`` of the rolling window at 0: wait the whole window
          (``Interval-Milliseconds``);
        * ``Remaining`` under 10 % of ``Max``: space requests at the window's
          sustainable pace (window / max);
        * ``Secondly-Remaining`` at 0: wait one second;
        * ``Daily-Remaining`` under 10 % of ``Daily``: a warning, once (waiting
          seconds would not help).
        """
        headers = response.headers
        waits: list[float] = []
        remaining = _number(headers, _REMAINING)
        interval = _number(headers, _INTERVAL_MS)
        limit = _number(headers, _MAX)
        if remaining is not None and interval:
            if remaining <= 0:
                waits.append(interval / 1000.0)
            elif limit and remaining < limit * _LOW_WATER:
                waits.append(interval / 1000.0 / limit)
        secondly = _number(headers, _SECONDLY_REMAINING)
        if secondly is not None and secondly <= 0:
            waits.append(1.0)
        daily_left = _number(headers, _DAILY_REMAINING)
        daily = _number(headers, _DAILY)
        low = daily_left is not None and bool(daily) and daily_left < (daily or 0) * _LOW_WATER
        if low and not self._warned_daily:
            self._warned_daily = True
            logger.warning(
                "hubspot: portal %s has %d of its %d daily API requests left",
                self.account,
                int(daily_left or 0),
                int(daily or 0),
            )
        return max(waits) if waits else None


# ----------------------------------------------------------------- the mapping


def _required_scopes(body: Mapping[str, Any]) -> list[str]:
    scopes: list[str] = []
    for item in body.get("errors") or []:
        context = item.get("context") if isinstance(item, dict) else None
        if isinstance(context, dict):
            for key in ("requiredGranularScopes", "requiredScopes"):
                found = context.get(key)
                if isinstance(found, list):
                    scopes.extend(str(s) for s in found)
    return list(dict.fromkeys(scopes))


def error_for(
    response: requests.Response, *, account: str | None, rules: HubSpotRules | None = None
) -> SourceError:
    """Map an error response from HubSpot to the library's error.

    Args:
        response: The error response.
        account: The portal, for the error.
        rules: The rate-limit rules (for a 429); default rules when omitted.

    Returns:
        The error (not raised).
    """
    base = error_from_response(API, response, account=account)
    body = _body(response)
    status = response.status_code
    if status == 429:
        return (rules or HubSpotRules(account))._throttle(response, base)
    if status == 403 and body.get("category") == "MISSING_SCOPES":
        scopes = _required_scopes(body)
        needed = f" It needs: {', '.join(scopes)}." if scopes else ""
        return base.with_context(
            "The HubSpot app lacks a scope this read needs." + needed + " Add the scope to "
            "the private app (Settings > Integrations > Private apps > Scopes) or to the "
            "OAuth app and re-authorize, then retry.",
            as_type=PermissionDeniedError,
            required_scopes=scopes,
        )
    if status == 401:
        category = body.get("category")
        hint = (
            "The OAuth access token has expired."
            if category == "EXPIRED_AUTHENTICATION"
            else "Check the private app's access token (it changes when rotated) or the "
            "OAuth app's refresh token."
        )
        return base.with_context(
            f"HubSpot rejected the credentials (HTTP 401). {hint}", as_type=AuthenticationError
        )
    refresh_failed = body.get("status") == "BAD_REFRESH_TOKEN" or body.get("error") in (
        "invalid_grant",
        "invalid_client",
    )
    if status == 400 and refresh_failed:
        return base.with_context(
            "HubSpot refused to refresh the OAuth access token: the refresh token is "
            "invalid, expired or revoked (the app may have been uninstalled), or the client "
            "id and secret do not match it. Re-authorize the app and set a new refresh token.",
            as_type=AuthenticationError,
        )
    return base


def _response_from(
    status: int,
    reason: str,
    headers: Mapping[str, str] | None,
    body: bytes,
    method: str,
    url: str,
) -> requests.Response:
    """A ``requests`` response holding an error the SDK raised, for :func:`error_for`."""
    response = requests.Response()
    response.status_code = status
    response.reason = reason
    response.headers = CaseInsensitiveDict(dict(headers or {}))
    response._content = body
    response.url = url
    response.request = requests.Request(method, url).prepare()
    return response


def from_api_exception(
    exc: Exception,
    *,
    method: str,
    url: str,
    account: str | None,
    rules: HubSpotRules | None = None,
) -> SourceError:
    """Map a hubspot-api-client ``ApiException`` (any package's) to the library's error.

    The SDK keeps the status, reason, headers and body of the answer, not the answer
    itself; the request is described from what the connector asked for.

    Args:
        exc: The ``ApiException`` (``UnauthorizedException``, ``ForbiddenException``...).
        method: The HTTP method of the request.
        url: The request's URL (without query).
        account: The portal.
        rules: The rate-limit rules.

    Returns:
        The error (not raised).
    """
    status = int(getattr(exc, "status", 0) or 0)
    if status == 0:
        reason = str(getattr(exc, "reason", "") or "no answer")
        return unreadable_answer(f"{method} {url}", reason, account=account)
    body = getattr(exc, "body", None)
    content = body.encode("utf-8") if isinstance(body, str) else (body or b"")
    headers = getattr(exc, "headers", None)
    response = _response_from(
        status, str(getattr(exc, "reason", "") or ""), headers, content, method, url
    )
    return error_for(response, account=account, rules=rules)


def unreadable_answer(request: str, problem: str, *, account: str | None) -> SourceError:
    """The error for an answer the connector (or the SDK) could not read.

    Args:
        request: ``METHOD url`` of the request.
        problem: What was wrong, e.g. a validation error's first line.
        account: The portal.
    """
    return SourceError(
        f"HubSpot sent an answer partnerkit could not read ({problem}). This is not "
        "retried; if it persists, report it with the request below.",
        api=API,
        account=account,
        request=request,
        details={"problem": problem},
    )
