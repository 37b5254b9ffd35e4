"""Google Ads errors mapped to partnerkit's, at one boundary.

The REST interface answers an error with a ``google.rpc.Status`` whose ``details``
carry a ``GoogleAdsFailure``::

    {"error": {
        "code": 403, "message": "The caller does not have permission",
        "status": "PERMISSION_DENIED",
        "details": [{
            "@type": "type.googleapis.com/google.ads.googleads.v26.errors.GoogleAdsFailure",
            "errors": [{"errorCode": {"authorizationError": "USER_PERMISSION_DENIED"},
                        "message": "User doesn't have permission to access customer. ..."}],
            "requestId": "..."}]}}

``searchStream`` may wrap it in a list (``[{"error": {...}}]``), and may even send
it as the last element of a 200 answer when the stream breaks part-way. A version
that is no longer served answers 404 with Google's HTML "not found" page.

:func:`classify` is the vendor rule plugged into the HTTP seam: it turns a
``RESOURCE_EXHAUSTED`` answer into a retriable :class:`RateLimitError` that waits
the ``retryDelay`` Google asks for, or — for the developer token's daily operations
cap — into a :class:`QuotaExhaustedError` that is not retried. :func:`error_for`
maps every other error answer, once, where the connector reads the response.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import requests
from partnerkit_google import RPC_STATUS_SHAPE

from partnerkit.errors import (
    AuthenticationError,
    InvalidRequestError,
    NotFoundError,
    PartnerkitError,
    PermissionDeniedError,
    QuotaExhaustedError,
    RateLimitError,
    SourceError,
    TransientError,
    UnknownFieldError,
)
from partnerkit.http import error_from_response, redact_url, register_error_shape
from partnerkit_google_ads import _schema
from partnerkit_google_ads._auth import API

__all__ = [
    "AdsError",
    "Failure",
    "GaqlUnknownFieldError",
    "classify",
    "error_for",
    "error_from_failure",
    "failure_from_status",
    "parse_failure",
    "sunset_error",
]

# Google's google.rpc.Status JSON: {"error": {"code", "message", "status", "details"}},
# details holding the GoogleAdsFailure.
register_error_shape(API, RPC_STATUS_SHAPE)

_DAILY_DELAY = 3600.0  # a retryDelay of an hour or more is a daily cap, not a rate
_FIELD_IN_MESSAGE = re.compile(r"'([a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+)'")
_VERSION_IN_PATH = re.compile(r"/(v\d+)/")
_VERSION_IN_MESSAGE = re.compile(r"\b(v\d+)\b")


@dataclass(frozen=True)
class AdsError:
    """One ``GoogleAdsError`` of a ``GoogleAdsFailure``.

    Attributes:
        category: The error code's kind, e.g. ``authorizationError``.
        code: The code, e.g. ``USER_PERMISSION_DENIED``.
        message: Google's message for it.
        details: The error's ``details`` (e.g. ``quotaErrorDetails``).
    """

    category: str
    code: str
    message: str
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Failure:
    """An error answer, as far as it could be read.

    Attributes:
        http_status: The HTTP status.
        status: The ``google.rpc`` status name, e.g. ``PERMISSION_DENIED``.
        message: The status message.
        errors: The ``GoogleAdsFailure`` errors, first one first.
        request_id: Google's request id (quote it to Google Ads API support).
        raw_details: The status ``details`` as sent.
    """

    http_status: int
    status: str | None
    message: str | None
    errors: tuple[AdsError, ...]
    request_id: str | None
    raw_details: tuple[Any, ...] = ()

    @property
    def first(self) -> AdsError | None:
        """The first ``GoogleAdsError``, if any."""
        return self.errors[0] if self.errors else None


def _status_object(body: Any) -> dict[str, Any] | None:
    if isinstance(body, list):
        body = next((b for b in body if isinstance(b, dict) and "error" in b), None)
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        status: dict[str, Any] = body["error"]
        return status
    return None


def failure_from_status(status: Mapping[str, Any], http_status: int) -> Failure:
    """Read a ``google.rpc.Status`` mapping (``{"code", "message", "status", "details"}``)."""
    details = status.get("details")
    details = details if isinstance(details, list) else []
    errors: list[AdsError] = []
    request_id: str | None = None
    for detail in details:
        if not isinstance(detail, dict):
            continue
        if "GoogleAdsFailure" in str(detail.get("@type", "")) or "errors" in detail:
            request_id = request_id or detail.get("requestId")
            for item in detail.get("errors") or []:
                code = item.get("errorCode") if isinstance(item, dict) else None
                if isinstance(code, dict) and code:
                    category, value = next(iter(code.items()))
                else:
                    category, value = "", ""
                errors.append(
                    AdsError(
                        category=str(category),
                        code=str(value),
                        message=str(item.get("message", "")) if isinstance(item, dict) else "",
                        details=item.get("details") or {} if isinstance(item, dict) else {},
                    )
                )
    name = status.get("status")
    message = status.get("message")
    return Failure(
        http_status=http_status,
        status=name if isinstance(name, str) else None,
        message=redact_url(message) if isinstance(message, str) else None,
        errors=tuple(errors),
        request_id=request_id if isinstance(request_id, str) else None,
        raw_details=tuple(details),
    )


def parse_failure(response: requests.Response) -> Failure | None:
    """Read an error answer; ``None`` when its body is not a ``google.rpc.Status``."""
    try:
        body = json.loads(response.content) if response.content else None
    except ValueError:
        return None
    status = _status_object(body)
    if status is None:
        return None
    return failure_from_status(status, response.status_code)


def _retry_delay(error: AdsError) -> float | None:
    quota = error.details.get("quotaErrorDetails") if error.details else None
    if not isinstance(quota, dict):
        return None
    delay = quota.get("retryDelay")
    if isinstance(delay, str) and delay.endswith("s"):
        try:
            return float(delay[:-1])
        except ValueError:
            return None
    return None


def _is_daily_cap(error: AdsError, delay: float | None) -> bool:
    quota = error.details.get("quotaErrorDetails") if error.details else None
    quota = quota if isinstance(quota, dict) else {}
    name = str(quota.get("rateName", "")).lower()
    if "basic access" in name or "per day" in name or "daily" in name:
        return True
    if error.code in ("EXCESSIVE_LONG_TERM_QUERY_RESOURCE_CONSUMPTION",):
        return True
    return delay is not None and delay >= _DAILY_DELAY


def _fields(failure: Failure, account: str | None, request: str | None) -> dict[str, Any]:
    first = failure.first
    details: dict[str, Any] = {}
    if failure.request_id:
        details["request_id"] = failure.request_id
    if failure.status:
        details["status"] = failure.status
    if first is not None:
        details["error_category"] = first.category
        for name, value in (first.details or {}).items():
            # quotaErrorDetails {rateScope, rateName, retryDelay} are flattened
            details |= dict(value) if isinstance(value, dict) else {name: value}
    if len(failure.errors) > 1:
        details["errors"] = [f"{e.category}.{e.code}: {e.message}" for e in failure.errors]
    return {
        "api": API,
        "account": account,
        "request": request,
        "status": failure.http_status,
        "vendor_code": (first.code if first is not None and first.code else failure.status),
        "vendor_message": (first.message if first is not None and first.message else None)
        or failure.message,
        "details": details,
    }


def _quota_error(
    failure: Failure, error: AdsError, account: str | None, request: str | None, now: float
) -> SourceError:
    fields = _fields(failure, account, request)
    delay = _retry_delay(error)
    quota = error.details.get("quotaErrorDetails") or {}
    bucket = quota.get("rateName") or error.code
    scope = quota.get("rateScope")
    if _is_daily_cap(error, delay):
        resets_at = None
        wait = ""
        if delay is not None:
            when = dt.datetime.fromtimestamp(now + delay, dt.UTC)
            resets_at = when.isoformat(timespec="seconds")
            hours, rest = divmod(int(delay), 3600)
            wait = f" It resets in about {hours} h {rest // 60} min ({resets_at})."
        basic = "basic access" in str(bucket).lower()
        advice = (
            "Basic access allows 15,000 operations a day per developer token, shared by every "
            "tool using that token: apply for Standard access in the Google Ads API Center, "
            "use a developer token of your own, or read fewer days or accounts per run."
            if basic
            else "Waiting seconds will not help; read less per run or ask Google for more quota."
        )
        return QuotaExhaustedError(
            f"The Google Ads API daily quota '{bucket}' ({scope or 'developer'} scope) is used "
            f"up, so partnerkit stops instead of retrying.{wait} {advice}",
            resets_at=resets_at,
            **fields,
        )
    return RateLimitError(
        f"The Google Ads API is throttling requests ('{bucket}', {scope or 'unknown'} scope); "
        f"it asked to retry in {delay:g} s."
        if delay is not None
        else f"The Google Ads API is throttling requests ('{bucket}').",
        retry_after=delay,
        **fields,
    )


def classify(response: requests.Response, *, now: float | None = None) -> SourceError | None:
    """The seam's vendor rule: throttles and quota caps from ``RESOURCE_EXHAUSTED`` answers.

    Returns a retriable :class:`RateLimitError` with ``retry_after`` set to Google's
    ``retryDelay``, a non-retriable :class:`QuotaExhaustedError` for a daily cap, or
    ``None`` (no opinion: the seam's default mapping applies).
    """
    if response.status_code != 429:
        return None
    failure = parse_failure(response)
    if failure is None:
        return None
    quota = next((e for e in failure.errors if e.category == "quotaError"), None)
    if quota is None:
        return None
    request = f"{response.request.method} {redact_url(response.url)}"
    clock = dt.datetime.now(dt.UTC).timestamp() if now is None else now
    return _quota_error(failure, quota, None, request, clock)


class GaqlUnknownFieldError(UnknownFieldError):
    """A field of a GAQL query the API does not know (``queryError.UNRECOGNIZED_FIELD``).

    It is an :class:`~partnerkit.errors.UnknownFieldError` (a configuration problem:
    the field does not exist in the API version asked for) that also keeps what the
    API said.

    Attributes:
        account: The customer the query was for.
        status: The HTTP status.
        vendor_code: ``UNRECOGNIZED_FIELD``.
        vendor_message: The API's message, verbatim.
        request_id: Google's request id.
    """

    def __init__(
        self,
        field: str,
        where: str,
        suggestions: list[str],
        *,
        account: str | None,
        status: int,
        vendor_message: str,
        request_id: str | None,
    ) -> None:
        super().__init__(field, where, suggestions)
        self.account = account
        self.status = status
        self.vendor_code = "UNRECOGNIZED_FIELD"
        self.vendor_message = vendor_message
        self.request_id = request_id
        self.message = (
            f"{self.message} The API said: {vendor_message} Fields are renamed between API "
            "versions; check the api_version setting and the release notes."
        )
        self.args = (self.message,)


def _unknown_field(failure: Failure, error: AdsError, account: str | None, version: str) -> Any:
    found = _FIELD_IN_MESSAGE.search(error.message)
    name = found.group(1) if found else "?"
    suggestions: list[str] = []
    if found:
        try:
            _schema.field_info(version, name)
        except UnknownFieldError as exc:
            suggestions = exc.suggestions
        except PartnerkitError:  # pragma: no cover - the version itself is unknown
            pass
    return GaqlUnknownFieldError(
        name,
        f"Google Ads API {version} (GAQL)",
        suggestions,
        account=account,
        status=failure.http_status,
        vendor_message=error.message,
        request_id=failure.request_id,
    )


def sunset_error(
    version: str, *, account: str | None, request: str | None, status: int, said: str | None
) -> InvalidRequestError:
    """The API version is no longer served: say which one to move to."""
    latest = _schema.latest_version()
    library = _schema.library_version()
    if version == latest:
        move = (
            f"{version} is the newest version the installed google-ads library {library} "
            "knows: upgrade it (`uv add --upgrade google-ads` or `pip install -U google-ads`), "
            "then leave api_version unset to use its newest version."
        )
    else:
        move = (
            f"Move to {latest}, the newest version the installed google-ads library {library} "
            f"supports: remove the api_version setting (the connector then uses {latest}) or "
            f"set api_version: {latest}."
        )
    return InvalidRequestError(
        f"Google Ads API {version} is sunset: Google no longer serves it. {move}",
        api=API,
        account=account,
        request=request,
        status=status,
        vendor_code="UNSUPPORTED_VERSION",
        vendor_message=said,
        details={"api_version": version, "move_to": latest, "sunset_dates": _SUNSET_DOC},
    )


_SUNSET_DOC = "https://developers.google.com/google-ads/api/docs/sunset-dates"

_AUTHENTICATION: dict[str, str] = {
    "OAUTH_TOKEN_EXPIRED": "The OAuth access token has expired. Use credentials that can "
    "refresh it (a refresh token or a service account) instead of a bare access_token.",
    "OAUTH_TOKEN_INVALID": "The OAuth access token is invalid. Re-create the credentials.",
    "OAUTH_TOKEN_REVOKED": "The OAuth token was revoked. Authorize again and store the new "
    "refresh token.",
    "OAUTH_TOKEN_DISABLED": "The OAuth token is disabled. Authorize again.",
    "NOT_ADS_USER": "The Google account behind the credentials has no Google Ads access. "
    "Authorize with a user who can sign in to the accounts in Google Ads.",
    "DEVELOPER_TOKEN_INVALID": "The developer token is invalid. Copy it from the API Center "
    "of your manager account (Tools > API Center).",
    "TWO_STEP_VERIFICATION_NOT_ENROLLED": "The Google account must enroll in 2-Step "
    "Verification to use the Google Ads API.",
}
_AUTHORIZATION: dict[str, str] = {
    "CUSTOMER_NOT_ENABLED": "The customer account is not enabled, or it was cancelled or "
    "suspended. Remove it from accounts, or re-activate it in Google Ads.",
    "DEVELOPER_TOKEN_NOT_APPROVED": "The developer token is approved for test accounts only. "
    "Apply for Basic or Standard access in the API Center to read production accounts.",
    "CLOUD_PROJECT_NOT_APPROVED_FOR_PRODUCTION": "The Google Cloud project is approved for "
    "test accounts only. Apply for Explorer, Basic or Standard access to read production "
    "accounts.",
    "DEVELOPER_TOKEN_PROHIBITED": "The developer token may not be used with this Google "
    "Cloud project (the OAuth client's project). Use the project the token belongs to.",
    "PROJECT_DISABLED": "The Google Cloud project of the OAuth client has the Google Ads API "
    "disabled. Enable it in the Cloud console.",
    "MISSING_TOS": "The Google Ads API terms of service are not accepted for this developer "
    "or project. Accept them in the API Center.",
    "INVALID_LOGIN_CUSTOMER_ID_SERVING_CUSTOMER_ID_COMBINATION": "The login_customer_id "
    "manager does not manage this customer. Set login_customer_id to a manager above it, "
    "or remove it for an account the user reaches directly.",
}


def error_from_failure(
    failure: Failure,
    *,
    account: str | None,
    request: str | None,
    version: str,
    login_customer_id: str | None,
    now: float,
) -> PartnerkitError:
    """Map a read :class:`Failure` to the library's error (see the module docstring)."""
    fields = _fields(failure, account, request)
    first = failure.first
    code = first.code if first is not None else ""
    category = first.category if first is not None else ""
    who = f"customer {account}" if account else "the customer"
    if category == "quotaError" and first is not None:
        if code == "ACCESS_PROHIBITED":
            return PermissionDeniedError(
                "The developer token is not allowed to use the Google Ads API (quota "
                "ACCESS_PROHIBITED). Check its status in the API Center.",
                **fields,
            )
        return _quota_error(failure, first, account, request, now)
    if category == "queryError" and code == "UNRECOGNIZED_FIELD" and first is not None:
        return _unknown_field(failure, first, account, version)  # type: ignore[no-any-return]
    if (category == "requestError" and code == "UNSUPPORTED_VERSION") or (
        first is not None and "is deprecated" in first.message and "Version" in first.message
    ):
        said = first.message.strip() if first is not None else failure.message
        found = _VERSION_IN_MESSAGE.search(said or "")
        return sunset_error(
            found.group(1) if found else version,
            account=account,
            request=request,
            status=failure.http_status,
            said=said,
        )
    if category == "authenticationError":
        if code in ("CUSTOMER_NOT_FOUND", "CLIENT_CUSTOMER_ID_INVALID"):
            return NotFoundError(
                f"Google Ads has no {who} ({code}). Check the id in accounts (the ten digits "
                "at the top of the Google Ads UI).",
                **fields,
            )
        hint = _AUTHENTICATION.get(code, "Check the credentials.")
        return AuthenticationError(
            f"Google Ads rejected the credentials ({code}). {hint}", **fields
        )
    if category == "authorizationError":
        if code == "USER_PERMISSION_DENIED":
            hint = (
                f"The manager in login_customer_id ({login_customer_id}) does not reach it, "
                "or the user has no access to that manager: check the account hierarchy."
                if login_customer_id
                else "If it is a client of a manager (MCC) account, set login_customer_id to "
                "the manager's id; otherwise give the user access to the account in Google Ads."
            )
            return PermissionDeniedError(
                f"The credentials' user has no access to {who} (USER_PERMISSION_DENIED). {hint}",
                **fields,
            )
        hint = _AUTHORIZATION.get(code, "Check the account's access settings in Google Ads.")
        return PermissionDeniedError(
            f"Google Ads refused access to {who} ({code}). {hint}", **fields
        )
    if category == "internalError" or failure.http_status >= 500:
        return TransientError(
            f"The Google Ads API failed ({code or failure.status}); this may pass.", **fields
        )
    if category in ("queryError", "requestError", "fieldError", "headerError", "dateError"):
        return InvalidRequestError(
            f"The Google Ads API rejected the query ({category}.{code}).", **fields
        )
    status = failure.http_status
    if status == 401:
        return AuthenticationError(
            f"The Google Ads API rejected the credentials (HTTP 401{', ' + code if code else ''})."
            " Refresh or replace them.",
            **fields,
        )
    if status == 403:
        return PermissionDeniedError(
            f"The Google Ads API refused access to {who} (HTTP 403).", **fields
        )
    if status == 404:
        return NotFoundError(f"The Google Ads API found no such object ({who}).", **fields)
    if status == 429:
        return RateLimitError("The Google Ads API is throttling requests (HTTP 429).", **fields)
    if status in (400, 422):
        return InvalidRequestError(
            f"The Google Ads API rejected the request ({code or failure.status}).", **fields
        )
    return SourceError(f"The Google Ads API answered HTTP {status}.", **fields)


def error_for(
    response: requests.Response,
    *,
    account: str | None,
    version: str,
    login_customer_id: str | None,
    now: float,
) -> PartnerkitError:
    """Map an error answer of the Google Ads API to the library's error.

    Args:
        response: The non-2xx response the seam handed back.
        account: The customer the request was for.
        version: The API version in use.
        login_customer_id: The manager id sent, if any (for the hint on access errors).
        now: Wall-clock seconds, to tell when a daily quota resets.

    Returns:
        The error to raise.
    """
    request = f"{response.request.method} {redact_url(response.url)}"
    failure = parse_failure(response)
    if failure is None:
        text = response.content[:2000].decode("utf-8", "replace")
        path_version = _VERSION_IN_PATH.search(response.url or "")
        if response.status_code == 404 and path_version and "<" in text:
            said = "The requested URL was not found on this server (Google's 404 page)."
            return sunset_error(
                path_version.group(1), account=account, request=request, status=404, said=said
            )
        return error_from_response(API, response, account=account, now=now)
    return error_from_failure(
        failure,
        account=account,
        request=request,
        version=version,
        login_customer_id=login_customer_id,
        now=now,
    )
