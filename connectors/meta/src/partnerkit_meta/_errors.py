"""The one place Meta's errors become partnerkit's.

Two entry points share one set of rules (:func:`meta_error`):

* :func:`classify` is the HTTP seam's classifier. It runs on every error response
  inside the retry loop, so it decides what is retried: throttles (codes 4, 17, 32,
  613, 80000–80014) wait ``estimated_time_to_regain_access``; ``is_transient``
  faults back off; "reduce the amount of data" is *not* retried as is (the reader
  shrinks the request instead).
* :func:`from_sdk_error` maps the ``FacebookRequestError`` the SDK raises for an
  error response that was not retried into the library error the caller sees: an
  expired token (190) is an :class:`~partnerkit.errors.AuthenticationError` with the
  fix, a missing permission (10, 200–299) a
  :class:`~partnerkit.errors.PermissionDeniedError` naming the ad account, an unknown
  field (100) an :class:`~partnerkit.errors.UnknownFieldError` naming the field.

Meta's own message is kept verbatim in ``vendor_message`` and its code in
``vendor_code``; ``type``, ``error_subcode``, ``is_transient``, ``fbtrace_id`` and the
usage headers go into ``details``.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

import requests
import urllib3

from partnerkit.errors import (
    AuthenticationError,
    ConfigurationError,
    InvalidRequestError,
    NotFoundError,
    PartnerkitError,
    PermissionDeniedError,
    RateLimitError,
    SourceError,
    TransientError,
    UnknownFieldError,
)
from partnerkit.http import ErrorShape, error_from_response, redact_url, register_error_shape
from partnerkit_meta._sdk import SdkRequestError, object_field_names
from partnerkit_meta._usage import parse_usage

__all__ = [
    "API",
    "AUTH_CODES",
    "PERMISSION_CODES",
    "THROTTLE_CODES",
    "BreakdownRejectedError",
    "ReduceDataError",
    "classify",
    "from_sdk_error",
    "meta_error",
]

API = "meta"

#: Throttling codes: app (4), user (17), page (32), ad account (613), Business Use Case.
THROTTLE_CODES = frozenset({4, 17, 32, 613}) | frozenset(range(80000, 80015))
#: Invalid or expired tokens.
AUTH_CODES = frozenset({102, 190})
#: Missing permissions: 10 and the 200–299 family (200, 294, ...).
PERMISSION_CODES = frozenset({10}) | frozenset(range(200, 300))

_THROTTLE_WHAT = {
    4: "the app's request limit",
    17: "the user's request limit",
    32: "the page's request limit",
    613: "the ad account's request limit",
    80000: "the ads_insights limit of the ad account",
    80003: "the custom_audience limit of the ad account",
    80004: "the ads_management limit of the ad account",
}
_TOKEN_PROBLEMS = {
    458: "the user has not authorised the app",
    459: "the user is checkpointed",
    460: "the password changed or Meta invalidated the session",
    463: "the token has expired",
    464: "the user is unconfirmed",
    467: "the token is invalid",
    492: "the session is invalid",
}
_DETAIL_KEYS = (
    "type",
    "error_subcode",
    "is_transient",
    "error_user_title",
    "error_user_msg",
    "fbtrace_id",
)
# The Graph API's {"error": {"message", "code", "type", "error_subcode", ...}}.
register_error_shape(API, ErrorShape(detail_keys=_DETAIL_KEYS))
_TOKEN_FIX = (
    "Create a new token: Business Settings → Users → System users → pick the system "
    "user → Generate new token, choose the app, tick ads_read (system-user tokens can be "
    "set to never expire), then store it as the connection's access_token secret "
    "(PARTNERKIT_META_ACCESS_TOKEN)."
)
_FIELD_PATTERNS = (
    re.compile(r"\(#100\) (?P<field>[\w.]+) is not valid for fields param", re.IGNORECASE),
    re.compile(
        r"nonexisting field \((?P<field>[\w.]+)\) on node type \((?P<node>\w+)\)", re.IGNORECASE
    ),
)
_PARAM_VALUE = re.compile(r"\(#100\) (?P<param>\w+)(?:\[\d+\])? must be one of the following")
_REDUCE = "reduce the amount of data"
#: "(#100) Current combination of data breakdown columns (action_type, age, country)
#: is invalid": the columns Meta names, action breakdowns included.
_COMBINATION = re.compile(r"combination of data breakdown columns\s*(?:\((?P<columns>[^)]*)\))?")


class BreakdownRejectedError(InvalidRequestError):
    """Meta refused the breakdowns of a request (code 100 about the breakdown columns).

    The combinations the connector validates before a request are the ones Meta
    documents; Meta still refuses some for a level or a date range (reach-based
    breakdowns beyond its history limit, for example), and says so in this error.

    Attributes:
        combination: The breakdown columns Meta named, in its order (action
            breakdowns included); empty when its message names none.
    """

    def __init__(self, message: str, *, combination: tuple[str, ...], **kwargs: Any) -> None:
        self.combination = combination
        super().__init__(message, **kwargs)


def _breakdown_rejection(error: Mapping[str, Any], message: str) -> tuple[str, ...] | None:
    """The columns of a refused breakdown combination, or ``None`` for another error."""
    user_msg = str(error.get("error_user_msg") or "")
    match = _COMBINATION.search(message) or _COMBINATION.search(user_msg)
    if match is not None:
        columns = match.group("columns") or ""
        return tuple(c.strip() for c in columns.split(",") if c.strip())
    if "breakdown" in user_msg.lower() or "breakdowns param" in message.lower():
        return ()
    return None


class ReduceDataError(InvalidRequestError):
    """Meta refused a request as too large ("reduce the amount of data").

    The reader catches it and shrinks the request (a smaller page, a shorter date
    range, an asynchronous report); it reaches the caller only when nothing smaller
    is possible.
    """


def _error_object(body: Any) -> dict[str, Any] | None:
    if isinstance(body, bytes | str):
        try:
            body = json.loads(body) if body else None
        except ValueError:
            return None
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        error: dict[str, Any] = body["error"]
        return error
    return None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _suggest(field: str, node: str) -> list[str]:
    """Closest valid field names of an SDK object (``AdsInsights``, ``AdAccount``...)."""
    names = [name for name in object_field_names(node) if name != field]
    return difflib.get_close_matches(field, names, n=3, cutoff=0.6)


def meta_error(
    status: int,
    headers: Mapping[str, str],
    error: Mapping[str, Any],
    *,
    account: str | None,
    request: str | None,
    throttle_min_wait: float = 60.0,
) -> PartnerkitError | None:
    """Apply Meta's rules to one error object; ``None`` when none applies.

    Args:
        status: The HTTP status (Meta sends most errors with 400, some with 403/500).
        headers: The response headers (usage headers give the wait of a throttle).
        error: The ``error`` object of the body.
        account: The ad account the request was for.
        request: The request, described without secrets.
        throttle_min_wait: Seconds to wait on a throttle that does not say how long.

    Returns:
        The library error, or ``None`` for the default mapping by HTTP status.
    """
    code = _int(error.get("code"))
    subcode = _int(error.get("error_subcode"))
    raw_message = error.get("message")
    message = redact_url(raw_message) if isinstance(raw_message, str) else None
    lowered = (message or "").lower()
    details = {k: error[k] for k in _DETAIL_KEYS if k in error}
    usage = parse_usage(headers)
    if usage.headers:
        details["usage"] = dict(usage.headers)
    common: dict[str, Any] = {
        "api": API,
        "account": account,
        "request": request,
        "status": status,
        "vendor_code": code,
        "vendor_message": message,
        "details": details,
    }
    where = account or "the ad account"

    if code in THROTTLE_CODES:
        wait = usage.regain_seconds or throttle_min_wait
        what = _THROTTLE_WHAT.get(code or 0, "a Business Use Case limit")
        return RateLimitError(
            f"Meta is throttling requests for {where}: {what} is reached (code {code}). "
            f"Waiting {wait:g} s before trying again.",
            retry_after=wait,
            **common,
        )
    if (code == 1 and (_REDUCE in lowered or subcode == 99)) or (
        code == 100 and subcode == 1487534
    ):
        return ReduceDataError(
            f"Meta asks for less data per request for {where}; the connector reads smaller "
            "pages, shorter date ranges or an asynchronous report instead.",
            **common,
        )
    if code in AUTH_CODES:
        problem = _TOKEN_PROBLEMS.get(subcode or 0, "the token is invalid or expired")
        return AuthenticationError(
            f"Meta rejected the access token ({problem}; code {code}"
            f"{f', subcode {subcode}' if subcode else ''}). {_TOKEN_FIX}",
            **common,
        )
    if code in PERMISSION_CODES:
        return PermissionDeniedError(
            f"The access token may not read ad account {where} (code {code}). In Business "
            f"Settings → Accounts → Ad accounts → {where} → Assign people, give the system "
            "user at least 'View performance', and generate its token with the ads_read "
            "permission.",
            **common,
        )
    if code == 803 or (code == 100 and subcode == 33):
        return NotFoundError(
            f"Meta found no such object, or the token cannot see it (code {code}), while "
            f"reading {where}. Check the ad account id (Ads Manager shows it as act_<digits>) "
            "and that the system user is assigned to the account.",
            **common,
        )
    if code == 2635:
        return ConfigurationError(
            f"Meta no longer serves this Graph API version: {message} Set api_version to a "
            "current version (or remove it to use the SDK's) and upgrade facebook-business."
        )
    if code == 100 and message:
        combination = _breakdown_rejection(error, message)
        if combination is not None:
            named = f" ({', '.join(combination)})" if combination else ""
            said = error.get("error_user_msg") or message
            return BreakdownRejectedError(
                f"Meta refused the breakdown combination{named} for {where}: {said} Change "
                "breakdowns or action_breakdowns to a combination Meta serves for this "
                "level and date range (docs/connectors/meta.md, Breakdowns), read a "
                "coarser level, or a more recent date range.",
                combination=combination,
                **common,
            )
        for pattern in _FIELD_PATTERNS:
            match = pattern.search(message)
            if match:
                field = match.group("field")
                node = match.groupdict().get("node") or "AdsInsights"
                return UnknownFieldError(
                    field,
                    f"Meta's {node} ({request or 'the request'}; the API said: {message}). "
                    "Remove it from extra_fields, or pin an api_version that still has it",
                    _suggest(field, node),
                )
        match = _PARAM_VALUE.search(message)
        if match:
            return ConfigurationError(
                f"Meta rejected the value of the request parameter {match.group('param')!r} "
                f"for {where}: {message} Check the matching setting (attribution_windows, "
                "level)."
            )
    if error.get("is_transient") is True or code == 2:
        return TransientError(
            f"Meta reported a temporary failure for {where} (code {code}); this may pass.",
            **common,
        )
    return None


def _describe(response: requests.Response) -> str:
    prepared = response.request
    return f"{prepared.method} {redact_url(prepared.url or response.url or '')}"


def classify(
    response: requests.Response, *, account: str, throttle_min_wait: float = 60.0
) -> SourceError | None:
    """The seam's classifier: Meta's retry decisions for one response.

    Args:
        response: Any response (successes return ``None`` at once).
        account: The ad account of the session.
        throttle_min_wait: Seconds to wait on a throttle that does not say how long.

    Returns:
        A :class:`~partnerkit.errors.SourceError` whose ``retriable`` tells the seam
        whether to retry, or ``None`` for the default mapping.
    """
    if response.status_code < 400:
        return None
    error = _error_object(response.content)
    if error is None:
        return None
    mapped = meta_error(
        response.status_code,
        response.headers,
        error,
        account=account,
        request=_describe(response),
        throttle_min_wait=throttle_min_wait,
    )
    return mapped if isinstance(mapped, SourceError) else None


class _Answer(urllib3.HTTPResponse):
    """An error answer rebuilt from the SDK's exception, for the default mapping."""

    request_method = ""


def from_sdk_error(
    exc: SdkRequestError, *, account: str | None, throttle_min_wait: float = 60.0
) -> PartnerkitError:
    """Map the SDK's ``FacebookRequestError`` to the library error.

    Args:
        exc: The SDK's exception (raised for an error response not retried).
        account: The ad account the request was for.
        throttle_min_wait: Seconds to wait on a throttle that does not say how long.

    Returns:
        The library error to raise (``from None``: the SDK's message quotes parameters).
    """
    context = exc.request_context() or {}
    method = str(context.get("method") or "")
    path = redact_url(str(context.get("path") or ""))
    params = context.get("params")
    query = f"?{redact_url(urlencode(params))}" if isinstance(params, Mapping) and params else ""
    request = f"{method} {path}{query}".strip()
    status = int(exc.http_status() or 0)
    headers = exc.http_headers() or {}
    body = exc.body()
    error = _error_object(body)
    if error is not None:
        mapped = meta_error(
            status,
            headers,
            error,
            account=account,
            request=request,
            throttle_min_wait=throttle_min_wait,
        )
        if mapped is not None:
            return mapped
    raw = body if isinstance(body, str) else json.dumps(body)
    answer = _Answer(
        body=raw.encode("utf-8"),
        headers=dict(headers),
        status=status or 500,
        preload_content=True,
        request_url=path,
    )
    answer.request_method = method
    return error_from_response(API, answer, account=account)
