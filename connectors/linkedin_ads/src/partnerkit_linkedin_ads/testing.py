"""Scripted LinkedIn failures for tests: the error bodies the Marketing API sends.

LinkedIn's REST error body is a flat JSON object::

    {"status": 401, "serviceErrorCode": 65600, "code": "INVALID_ACCESS_TOKEN",
     "message": "Invalid access token"}

Sources: ``{"serviceErrorCode": 65600, "message": "Invalid access token", "status":
401}`` as reported in xcarpentier/react-native-linkedin#80; the ``code`` names
(``EXPIRED_ACCESS_TOKEN``, ``ACCESS_DENIED``, ``TOO_MANY_REQUESTS``...) and the 429
throttle of LinkedIn's "API Error Handling" and "Rate Limits" pages. Each helper returns
a vendor-neutral :class:`partnerkit.testing.faults.Fault`::

    from partnerkit_linkedin_ads import testing as linkedin_faults

    tape.inject(0, linkedin_faults.rate_limited())
"""

from __future__ import annotations

from typing import Any

from partnerkit.testing.faults import Fault, json_fault

__all__ = [
    "access_denied",
    "expired_token",
    "linkedin_error",
    "rate_limited",
    "server_error",
]


def linkedin_error(
    status: int, message: str, *, code: str | None = None, service_error_code: int | None = None
) -> Fault:
    """Any error in LinkedIn's flat body.

    Args:
        status: The HTTP status (also the body's ``status``).
        message: LinkedIn's message.
        code: The versioned API's error name, e.g. ``"ACCESS_DENIED"``.
        service_error_code: LinkedIn's ``serviceErrorCode``.

    Returns:
        The fault.
    """
    body: dict[str, Any] = {"status": status}
    if service_error_code is not None:
        body["serviceErrorCode"] = service_error_code
    if code is not None:
        body["code"] = code
    body["message"] = message
    return json_fault(status, body)


def expired_token() -> Fault:
    """HTTP 401: the access token expired (LinkedIn's tokens live 60 days).

    Returns:
        The fault.
    """
    return linkedin_error(
        401,
        "The token used in the request has expired",
        code="EXPIRED_ACCESS_TOKEN",
        service_error_code=65601,
    )


def access_denied(account_id: str = "508000001") -> Fault:
    """HTTP 403: the token's member has no role on the ad account, or lacks a scope.

    Returns:
        The fault.
    """
    return linkedin_error(
        403,
        f"Not enough permissions to access: adAnalytics.GET.20251001 "
        f"(urn:li:sponsoredAccount:{account_id})",
        code="ACCESS_DENIED",
        service_error_code=100,
    )


def rate_limited() -> Fault:
    """HTTP 429: the application's or member's daily call limit for the resource.

    Returns:
        The fault.
    """
    return linkedin_error(
        429,
        "Resource level throttle APPLICATION DAY limit for calls to this resource is reached.",
        code="TOO_MANY_REQUESTS",
        service_error_code=101,
    )


def server_error(status: int = 503) -> Fault:
    """HTTP 5xx.

    Returns:
        The fault.
    """
    return linkedin_error(status, "Internal Server Error", code="INTERNAL_SERVER_ERROR")
