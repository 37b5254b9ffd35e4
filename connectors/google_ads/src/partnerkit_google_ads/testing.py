"""Scripted Google Ads failures for tests: the error bodies and headers Google Ads really sends.

REST ``google.rpc.Status`` bodies carrying a ``GoogleAdsFailure``.
Each helper returns a vendor-neutral :class:`partnerkit.testing.faults.Fault`, served
by ``partnerkit.testing.faults.script`` or injected into a cassette::

    from partnerkit.testing import faults
    from partnerkit_google_ads import testing as ads_faults

    faults.script(rsps, "GET", url, ads_faults.google_ads_resource_exhausted(30), {"data": []})

The core's fault kit knows no vendor; this module is where Google Ads's knowledge lives.
"""

from __future__ import annotations

from typing import Any

from partnerkit_google import testing as google

from partnerkit.testing.faults import Fault

__all__ = [
    "expired_token",
    "google_ads_daily_quota_exhausted",
    "google_ads_error",
    "google_ads_resource_exhausted",
]

_GOOGLE_ADS_VERSION = "v26"
_GOOGLE_ADS_TYPE = f"type.googleapis.com/google.ads.googleads.{_GOOGLE_ADS_VERSION}"
_SERVICE = "googleads.googleapis.com"
_METHOD = f"google.ads.googleads.{_GOOGLE_ADS_VERSION}.services.GoogleAdsService.SearchStream"


def _google_ads_quota(retry_delay_seconds: int, quota_error: str, scope: str, name: str) -> Fault:
    error = {
        "errorCode": {"quotaError": quota_error},
        "message": f"Too many requests. Retry in {retry_delay_seconds} seconds.",
        "details": {
            "quotaErrorDetails": {
                "rateScope": scope,
                "rateName": name,
                "retryDelay": f"{retry_delay_seconds}s",
            }
        },
    }
    message = "Resource has been exhausted (e.g. check quota)."
    return google.status_fault(
        429, "RESOURCE_EXHAUSTED", message, [_failure(error, "FAKE-request-id-000000")]
    )


def google_ads_error(
    status: int,
    error_code: dict[str, str],
    message: str,
    *,
    rpc_status: str | None = None,
    top_message: str = "Request contains an invalid argument.",
    request_id: str = "FAKEreqIdErr000000001",
) -> Fault:
    """Any Google Ads REST error: a ``google.rpc.Status`` carrying a ``GoogleAdsFailure``.

    Shapes as captured in n8n-io/n8n#36313, google-marketing-solutions/adios#47 and
    PipedreamHQ/pipedream#21554: ``google_ads_error(403, {"authorizationError":
    "USER_PERMISSION_DENIED"}, "User doesn't have permission ...")``.
    ``searchStream`` may send it inside a JSON array: wrap it with
    :func:`partnerkit.testing.faults.in_a_list`.

    Args:
        status: The HTTP status (also the body's ``code``).
        error_code: The ``GoogleAdsError.errorCode``, e.g. ``{"queryError": "..."}``.
        message: The ``GoogleAdsError`` message.
        rpc_status: The ``google.rpc.Code`` name; by default the one Google maps
            ``status`` to (400 ``INVALID_ARGUMENT``, 403 ``PERMISSION_DENIED`` ...).
        top_message: The ``google.rpc.Status`` message.
        request_id: The failure's ``requestId``.

    Returns:
        The fault.
    """
    error = {"errorCode": error_code, "message": message}
    rpc = rpc_status or google.RPC_STATUS[status]
    return google.status_fault(status, rpc, top_message, [_failure(error, request_id)])


def _failure(error: dict[str, Any], request_id: str) -> dict[str, Any]:
    """A ``GoogleAdsFailure`` detail holding one ``GoogleAdsError``."""
    failure_type = f"{_GOOGLE_ADS_TYPE}.errors.GoogleAdsFailure"
    return {"@type": failure_type, "errors": [error], "requestId": request_id}


def google_ads_resource_exhausted(
    retry_delay_seconds: int = 30,
    *,
    quota_error: str = "RESOURCE_TEMPORARILY_EXHAUSTED",
    rate_scope: str = "ACCOUNT",
    rate_name: str = "Requests per account",
) -> Fault:
    """Google Ads REST HTTP 429 ``RESOURCE_EXHAUSTED`` with a ``retryDelay``.

    The body is a ``google.rpc.Status`` carrying a ``GoogleAdsFailure`` whose error
    has ``quotaErrorDetails {rateScope, rateName, retryDelay}``; shape as captured in
    PipedreamHQ/pipedream#21554, fields per the ``QuotaErrorDetails`` and
    ``QuotaError`` references (developers.google.com/google-ads/api/reference/rpc).

    Args:
        retry_delay_seconds: The ``retryDelay`` Google asks for.
        quota_error: ``RESOURCE_TEMPORARILY_EXHAUSTED`` (a short-term rate) or
            ``RESOURCE_EXHAUSTED``.
        rate_scope: ``ACCOUNT``, ``DEVELOPER`` ...
        rate_name: The quota bucket, e.g. ``"Requests per account"``.

    Returns:
        The fault.
    """
    return _google_ads_quota(retry_delay_seconds, quota_error, rate_scope, rate_name)


def google_ads_daily_quota_exhausted(retry_delay_seconds: int = 40591) -> Fault:
    """The developer token's daily operations are spent (basic access, 15,000 a day).

    Verbatim shape of PipedreamHQ/pipedream#21554: ``RESOURCE_EXHAUSTED``, rate scope
    ``DEVELOPER``, "Number of operations for basic access", a retry delay of hours.
    """
    bucket = "Number of operations for basic access"
    return _google_ads_quota(retry_delay_seconds, "RESOURCE_EXHAUSTED", "DEVELOPER", bucket)


def expired_token() -> Fault:
    """HTTP 401 ``UNAUTHENTICATED``: the access token has expired, as the Google Ads API says it."""
    return google.expired_token(_SERVICE, _METHOD)
