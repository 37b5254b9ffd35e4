"""Scripted Search Console failures for tests: the error bodies Google really sends.

Google's JSON error envelope, as the Search Console API returns it::

    {"error": {"code": 403, "message": "...", "errors": [{"message": "...",
     "domain": "global", "reason": "forbidden"}], "status": "PERMISSION_DENIED"}}

Sources: Google's "Standard error responses" for its JSON APIs (``code``, ``message``,
``errors[]`` with ``domain``/``reason``, and ``status`` from ``google.rpc.Code``); the
403 message Search Console sends a user who is not on the property ("User does not have
sufficient permission for site ... See also:
https://support.google.com/webmasters/answer/2451999."); the 429 body reported for
``webmasters.searchanalytics.query`` in googleapis/google-api-php-client#1778
(``usageLimits`` / ``rateLimitExceeded``, "Rate Limit Exceeded"); and the 401 every
Google API sends for an expired or invalid token. Each helper returns a vendor-neutral
:class:`partnerkit.testing.faults.Fault`::

    from partnerkit.testing import faults
    from partnerkit_search_console import testing as gsc_faults

    faults.script(rsps, "POST", url, gsc_faults.rate_limited(), {"rows": []})
"""

from __future__ import annotations

from partnerkit_google.testing import GOOGLE_401, RPC_STATUS, google_error

from partnerkit.testing.faults import Fault, json_fault

__all__ = [
    "expired_token",
    "google_error",
    "permission_denied",
    "rate_limited",
    "server_error",
    "usage_limit",
]


def permission_denied(site_url: str = "sc-domain:example.com") -> Fault:
    """HTTP 403: the credentials are not a user of the property.

    Returns:
        The fault.
    """
    return google_error(
        403,
        "PERMISSION_DENIED",
        f"User does not have sufficient permission for site '{site_url}'. See also: "
        "https://support.google.com/webmasters/answer/2451999.",
        reason="forbidden",
    )


def usage_limit(reason: str, message: str) -> Fault:
    """Google's older quota answer: HTTP 403 ``PERMISSION_DENIED`` for a ``usageLimits`` reason.

    Args:
        reason: ``"userRateLimitExceeded"`` or ``"rateLimitExceeded"`` (a throttle) or
            ``"dailyLimitExceeded"`` or ``"quotaExceeded"`` (the day's quota is spent).
        message: Google's message, e.g. ``"User Rate Limit Exceeded"``.

    Returns:
        The fault.
    """
    return google_error(403, "PERMISSION_DENIED", message, reason=reason, domain="usageLimits")


def rate_limited() -> Fault:
    """HTTP 429: the per-site or per-user query rate is exceeded.

    Returns:
        The fault.
    """
    return google_error(
        429,
        "RESOURCE_EXHAUSTED",
        "Rate Limit Exceeded",
        reason="rateLimitExceeded",
        domain="usageLimits",
    )


def server_error(status: int = 503) -> Fault:
    """HTTP 5xx in Google's envelope (``backendError``).

    Returns:
        The fault.
    """
    rpc = RPC_STATUS[status] if status >= 500 and status in RPC_STATUS else "UNKNOWN"
    return google_error(status, rpc, "Backend Error", reason="backendError")


def expired_token() -> Fault:
    """HTTP 401: the access token expired or is invalid.

    Returns:
        The fault.
    """
    error = {
        "code": 401,
        "message": GOOGLE_401,
        "errors": [
            {
                "message": "Invalid Credentials",
                "domain": "global",
                "reason": "authError",
                "location": "Authorization",
                "locationType": "header",
            }
        ],
        "status": "UNAUTHENTICATED",
    }
    return json_fault(401, {"error": error})
