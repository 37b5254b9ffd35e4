"""Google's error bodies for tests, the ones every Google API sends, as faults.

Each helper returns a vendor-neutral :class:`partnerkit.testing.faults.Fault`. The
connectors' own ``testing`` modules build their APIs' answers on these:

- :func:`status_fault`: a ``google.rpc.Status`` body, ``{"error": {"code", "message",
  "status"[, "details"]}}``, as gRPC-transcoded APIs answer (GA4 Data API, Google Ads
  REST);
- :func:`expired_token`: that body for an expired access token, with the
  ``ErrorInfo`` detail and the ``WWW-Authenticate`` header Google sends with it;
- :func:`google_error`: the JSON-API envelope with ``errors[]`` (Search Console).

The core's fault kit knows no vendor; this module is where Google's knowledge lives.
"""

from __future__ import annotations

from typing import Any

from partnerkit.testing.faults import Fault, json_fault

__all__ = ["GOOGLE_401", "RPC_STATUS", "expired_token", "google_error", "status_fault"]

#: The message of Google's 401 for an expired or invalid token, in every API.
GOOGLE_401 = (
    "Request had invalid authentication credentials. Expected OAuth 2 access token, login "
    "cookie or other valid authentication credential. See "
    "https://developers.google.com/identity/sign-in/web/devconsole-project."
)
#: The google.rpc.Code Google sends with each HTTP status (google/rpc/code.proto).
RPC_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}
_ERROR_INFO = "type.googleapis.com/google.rpc.ErrorInfo"
_DOMAIN = "googleapis.com"
_BEARER = 'Bearer realm="https://accounts.google.com/", error="invalid_token"'


def status_fault(
    code: int,
    status: str,
    message: str,
    details: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> Fault:
    """A ``google.rpc.Status`` body: ``{"error": {code, message, status[, details]}}``.

    Args:
        code: The HTTP status (also the body's ``code``).
        status: The ``google.rpc.Code`` name, e.g. ``"RESOURCE_EXHAUSTED"``.
        message: Google's message.
        details: The ``details`` (typed ``Any`` messages); left out when ``None``.
        headers: Headers of the answer.

    Returns:
        The fault.
    """
    error: dict[str, Any] = {"code": code, "message": message, "status": status}
    if details is not None:
        error["details"] = details
    return json_fault(code, {"error": error}, headers)


def expired_token(service: str, method: str) -> Fault:
    """The access token has expired, as a gRPC-transcoded Google API says it.

    HTTP 401 ``UNAUTHENTICATED`` with a ``google.rpc.ErrorInfo`` of reason
    ``ACCESS_TOKEN_EXPIRED`` (AIP-193 ``ErrorReason``; googleads/googleads-php-lib#671)
    and the ``WWW-Authenticate`` header Google sends with it.

    Args:
        service: The API's service name, e.g. ``"analyticsdata.googleapis.com"``.
        method: The RPC that was called, in the ``ErrorInfo`` metadata.

    Returns:
        The fault.
    """
    metadata = {"service": service, "method": method}
    info = {"@type": _ERROR_INFO, "reason": "ACCESS_TOKEN_EXPIRED", "domain": _DOMAIN}
    www = {"WWW-Authenticate": _BEARER}
    return status_fault(401, "UNAUTHENTICATED", GOOGLE_401, [{**info, "metadata": metadata}], www)


def google_error(
    status: int, rpc_status: str, message: str, *, reason: str, domain: str = "global"
) -> Fault:
    """Any error in the JSON-API envelope, ``errors[]`` holding one error.

    Args:
        status: The HTTP status (also the body's ``code``).
        rpc_status: The ``google.rpc.Code`` name, e.g. ``"PERMISSION_DENIED"``.
        message: Google's message.
        reason: The ``errors[].reason``, e.g. ``"forbidden"``.
        domain: The ``errors[].domain``.

    Returns:
        The fault.
    """
    error: dict[str, Any] = {
        "code": status,
        "message": message,
        "errors": [{"message": message, "domain": domain, "reason": reason}],
        "status": rpc_status,
    }
    return json_fault(status, {"error": error})
