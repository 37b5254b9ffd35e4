"""Scripted failures for connector tests: HTTP errors, resets, timeouts, vendor bodies.

Every helper returns a :class:`Fault` holding what the API really sends: the
status, the headers and the error body, copied from the vendors' documentation or
from responses captured in public bug reports (the source is named in each
docstring; identifiers such as trace ids are clearly fake). A fault is served in
place of a response, either by ``responses``::

    with responses.RequestsMock() as rsps:
        script(rsps, "GET", url, meta_error(80000), rate_limited(7), {"data": []})
        ...  # the code under test retries through partnerkit.http and gets the data

or by the cassette player, which serves a fault instead of a recorded interaction
(:func:`fault_callback` turns one into a ``responses`` callback). A fault with an
``exception`` raises it where the network would: ``requests`` exceptions, as the
real transport raises them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import requests
from urllib3.exceptions import ProtocolError

if TYPE_CHECKING:
    import responses

__all__ = [
    "Fault",
    "connection_reset",
    "expired_token",
    "fault_callback",
    "ga4_quota_exhausted",
    "google_ads_daily_quota_exhausted",
    "google_ads_resource_exhausted",
    "hubspot_rate_limited",
    "malformed_json",
    "meta_error",
    "rate_limited",
    "read_timeout",
    "script",
    "server_error",
    "truncated_json",
]


@dataclass(frozen=True)
class Fault:
    """A scripted response, or an exception raised instead of a response.

    The cassette player and ``responses`` callbacks both understand it, so a fault
    can replace a recorded interaction or be registered on its own.

    Attributes:
        status: HTTP status of the scripted response (ignored when ``exception`` is set).
        headers: Response headers.
        body: Response body, as sent on the wire.
        exception: Raised instead of returning a response (connection reset, timeout).
    """

    status: int = 500
    headers: Mapping[str, str] = field(default_factory=dict)
    body: str | bytes = b""
    exception: BaseException | None = None

    def reply(self) -> tuple[int, dict[str, str], bytes]:
        """Serve the fault: its status, headers and body bytes, or raise its exception."""
        if self.exception is not None:
            raise self.exception
        body = self.body.encode("utf-8") if isinstance(self.body, str) else self.body
        return self.status, dict(self.headers), body


_JSON = "application/json; charset=UTF-8"
_FBTRACE_ID = "FAKEfbtrace0000000000"
_CORRELATION_ID = "00000000-0000-4000-8000-000000000000"
_GOOGLE_ADS_VERSION = "v21"
_GOOGLE_ADS_TYPE = f"type.googleapis.com/google.ads.googleads.{_GOOGLE_ADS_VERSION}"


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def _json_fault(status: int, body: Any, headers: Mapping[str, str] | None = None) -> Fault:
    return Fault(
        status=status, headers={"Content-Type": _JSON, **(headers or {})}, body=_json(body)
    )


# ------------------------------------------------------------------ generic faults


def rate_limited(retry_after: float | str | None = None) -> Fault:
    """HTTP 429, with a ``Retry-After`` header when ``retry_after`` is given.

    Args:
        retry_after: Seconds (a number) or an HTTP-date (a string); ``None`` omits it.

    Returns:
        The fault (body: the plain status text, as many gateways send).
    """
    headers = {"Content-Type": "text/plain; charset=utf-8"}
    if retry_after is not None:
        headers["Retry-After"] = (
            f"{retry_after:g}" if isinstance(retry_after, int | float) else retry_after
        )
    return Fault(status=429, headers=headers, body="Too Many Requests")


# google.rpc.Status bodies: the status per HTTP code from cloud.google.com/apis/design/errors,
# the messages as Google front ends send them; a 502 comes from a load balancer, as HTML.
_SERVER_ERRORS: dict[int, tuple[str, str]] = {
    500: ("INTERNAL", "Internal error encountered."),
    503: ("UNAVAILABLE", "The service is currently unavailable."),
    504: ("DEADLINE_EXCEEDED", "Deadline expired before operation could complete."),
}


def server_error(status: int = 503, *, retry_after: float | None = None) -> Fault:
    """A 5xx: Google's ``google.rpc.Status`` JSON for 500/503/504, an HTML page for others.

    Args:
        status: 500, 502, 503 or 504 (any 5xx is accepted).
        retry_after: Adds a ``Retry-After`` header (seconds), as a 503 may carry.

    Returns:
        The fault.
    """
    headers = {} if retry_after is None else {"Retry-After": f"{retry_after:g}"}
    if status in _SERVER_ERRORS:
        code, message = _SERVER_ERRORS[status]
        return _json_fault(
            status, {"error": {"code": status, "message": message, "status": code}}, headers
        )
    page = f"<html><head><title>{status} Server Error</title></head><body></body></html>"
    return Fault(status=status, headers={"Content-Type": "text/html", **headers}, body=page)


def connection_reset() -> Fault:
    """The peer reset the connection: what ``requests`` raises on ``ECONNRESET``."""
    reset = ConnectionResetError(104, "Connection reset by peer")
    return Fault(
        exception=requests.exceptions.ConnectionError(ProtocolError("Connection aborted.", reset))
    )


def read_timeout(seconds: float = 60.0) -> Fault:
    """No answer within the read timeout: what ``requests`` raises then."""
    message = f"Read timed out. (read timeout={seconds:g})"
    return Fault(exception=requests.exceptions.ReadTimeout(message))


def truncated_json(body: Any, *, keep: float = 0.5) -> Fault:
    """A 200 whose JSON body stops part-way (a dropped connection after the headers).

    Args:
        body: The full body: a JSON-able value, or its serialised text.
        keep: The fraction of the body kept.

    Returns:
        The fault; the cut never ends on the closing bracket.
    """
    text = body if isinstance(body, str) else _json(body)
    cut = text[: max(1, int(len(text) * keep))].rstrip("}] \n")
    return Fault(status=200, headers={"Content-Type": _JSON}, body=cut or text[:1])


def malformed_json(body: str = '{"data": [{"spend": "12.50",}]}') -> Fault:
    """A complete 200 that is not valid JSON (here a trailing comma).

    It is complete (brackets closed), so the seam passes it through untouched and
    the connector's own parsing must report it.
    """
    return Fault(status=200, headers={"Content-Type": _JSON}, body=body)


# --------------------------------------------------------------------------- Meta

# Throttling codes. Sources: Graph API "Handling Errors" and "Rate Limits" pages
# (developers.facebook.com/docs/graph-api/guides/error-handling, .../overview/rate-limiting),
# the Marketing API rate-limiting page (17/2446079, 613/1487742) and bodies captured in
# airbytehq/airbyte#8773 (80004), airbytehq/airbyte#10655 (80000), arsduo/koala#642 (613)
# and dearhive/MashShare#70 (4, with is_transient). 80000, 80004 and 80008 messages are
# verbatim; the other BUC messages follow the same documented pattern.
_RATE_DOC = "https://developers.facebook.com/docs/graph-api/overview/rate-limiting"
_BUC: dict[int, tuple[str, str]] = {  # code -> (BUC type, what is being called)
    80000: ("ads_insights", "from this ad-account"),
    80001: ("pages", "to this Page account"),
    80002: ("instagram", "to this Instagram account"),
    80003: ("custom_audience", "to this ad-account"),
    80004: ("ads_management", "to this ad-account"),
    80005: ("leadgen", "to this Page account"),
    80006: ("messenger", "to this Page account"),
    80008: ("whatsapp_business_management", "to this WhatsApp Business account"),
    80009: ("catalog_management", "to this Catalog account"),
    80014: ("catalog_batch", "for the batch uploads to this catalog account"),
}
_META_MESSAGES: dict[int, str] = {
    1: "An unknown error occurred",
    2: "An unexpected error has occurred. Please retry your request later.",
    4: "(#4) Application request limit reached",
    17: "(#17) User request limit reached",
    32: "(#32) Page request limit reached",
    100: "(#100) Invalid parameter",
    613: "(#613) Calls to this api have exceeded the rate limit.",
    **{
        code: f"(#{code}) There have been too many calls {what}. Wait a bit and try again. "
        f"For more info, please refer to {_RATE_DOC}."
        for code, (_, what) in _BUC.items()
    },
}
_META_SUBCODES = {17: 2446079, **dict.fromkeys(_BUC, 2446079)}
_META_TRANSIENT = {1, 2, 4}


_PLATFORM_USAGE = {"call_count": 100, "total_cputime": 20, "total_time": 20}
_TIER = {"ads_api_access_tier": "standard_access"}


def _meta_usage_headers(code: int, usage: Mapping[str, Any], object_id: str) -> dict[str, str]:
    """The usage header Meta sends with each throttle (formats from the Rate Limits page)."""
    if code in _BUC or code == 17:
        kind = _BUC[code][0] if code in _BUC else "ads_management"
        entry = {"type": kind, **_PLATFORM_USAGE, "estimated_time_to_regain_access": 1}
        headers = {"x-business-use-case-usage": _json({object_id: [{**entry, **_TIER, **usage}]})}
        if code == 80000:
            insights = {"app_id_util_pct": 0, "acc_id_util_pct": 100, **_TIER}
            headers["x-fb-ads-insights-throttle"] = _json(insights)
        return headers
    if code == 613:
        account = {"acc_id_util_pct": 100, "reset_time_duration": 300, **_TIER, **usage}
        return {"x-ad-account-usage": _json(account)}
    header = {4: "x-app-usage", 32: "x-page-usage"}.get(code)
    return {header: _json({**_PLATFORM_USAGE, **usage})} if header else {}


def meta_error(
    code: int,
    *,
    subcode: int | None = None,
    message: str | None = None,
    usage: Mapping[str, Any] | None = None,
    status: int = 400,
    object_id: str = "1234567890",
) -> Fault:
    """A Graph API error: HTTP 400 with Meta's error object and, for throttles, usage headers.

    Shape (Graph API "Handling Errors")::

        {"error": {"message", "type": "OAuthException", "code", "error_subcode",
                   "is_transient", "fbtrace_id"}}

    Throttling codes 4, 17, 32, 613 and the Business Use Case codes 80000–80006, 80008,
    80009, 80014 come with the matching header: ``x-app-usage`` (4), ``x-page-usage``
    (32), ``x-ad-account-usage`` (613), ``x-business-use-case-usage`` (17 and BUC,
    ``estimated_time_to_regain_access`` in minutes), plus
    ``x-fb-ads-insights-throttle`` for 80000. Codes 1, 2 and 100 have default
    messages; any other code needs ``message``.

    Args:
        code: Meta's error code.
        subcode: ``error_subcode``; 2446079 by default for 17 and the BUC codes.
        message: Overrides the default message.
        usage: Values merged into the usage header's entry, e.g.
            ``{"estimated_time_to_regain_access": 5}``.
        status: The HTTP status (Meta uses 400 for these).
        object_id: The business object (ad account) id keying the BUC header.

    Returns:
        The fault.

    Raises:
        ValueError: An unknown code without ``message``, or an undocumented 8000x code.
    """
    if 80000 <= code <= 80014 and code not in _BUC:
        raise ValueError(f"Meta documents no Business Use Case error code {code}")
    if message is None and code not in _META_MESSAGES:
        raise ValueError(f"no default message for Meta error code {code}; pass message=")
    error: dict[str, Any] = {
        "message": message or _META_MESSAGES[code],
        "type": "OAuthException",
        "code": code,
    }
    sub = subcode if subcode is not None else _META_SUBCODES.get(code)
    if sub is not None:
        error["error_subcode"] = sub
    if code in _META_TRANSIENT:
        error["is_transient"] = True
    error["fbtrace_id"] = _FBTRACE_ID
    return _json_fault(status, {"error": error}, _meta_usage_headers(code, usage or {}, object_id))


# ---------------------------------------------------------------------- Google Ads


def _google_ads_quota(retry_delay_seconds: int, quota_error: str, scope: str, name: str) -> Fault:
    failure = {
        "@type": f"{_GOOGLE_ADS_TYPE}.errors.GoogleAdsFailure",
        "errors": [
            {
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
        ],
        "requestId": "FAKE-request-id-000000",
    }
    body = {
        "error": {
            "code": 429,
            "message": "Resource has been exhausted (e.g. check quota).",
            "status": "RESOURCE_EXHAUSTED",
            "details": [failure],
        }
    }
    return _json_fault(429, body)


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


# ---------------------------------------------------------------------------- GA4

Ga4Quota = Literal[
    "tokens_per_day",
    "tokens_per_hour",
    "tokens_per_project_per_hour",
    "concurrent_requests",
    "server_errors",
]
# Data API 429 messages. Sources: a captured body for tokens per project per hour
# (verbatim, with its link), Airbyte source-google-analytics-data-api's quota handler
# ("Exhausted concurrent requests quota.", "... tokens for a project per hour."), and
# client tests quoting "Exhausted property tokens per day. These quota tokens will
# return in under 24 hours." The per-hour and server-error wording follows the same
# pattern (the Data API also sends "Exhausted client errors quota. ...").
_GA4_QUOTA_DOC = "https://developers.google.com/analytics/devguides/reporting/data/v1/quotas"
_GA4_MESSAGES: dict[str, str] = {
    "tokens_per_day": "Exhausted property tokens per day. "
    "These quota tokens will return in under 24 hours.",
    "tokens_per_hour": "Exhausted property tokens per hour. "
    "These quota tokens will return in under an hour.",
    "tokens_per_project_per_hour": "Exhausted property tokens for a project per hour. "
    f"These quota tokens will return in under an hour. To learn more, see {_GA4_QUOTA_DOC}",
    "concurrent_requests": "Exhausted concurrent requests quota.",
    "server_errors": "Exhausted server errors quota. "
    "These quota tokens will return in under an hour.",
}


def ga4_quota_exhausted(kind: Ga4Quota = "tokens_per_hour") -> Fault:
    """GA4 Data API HTTP 429 ``RESOURCE_EXHAUSTED`` for one property quota.

    Body: ``{"error": {"code": 429, "message", "status": "RESOURCE_EXHAUSTED"}}``.
    Quotas: developers.google.com/analytics/devguides/reporting/data/v1/quotas.

    Args:
        kind: Which quota ran out.

    Returns:
        The fault.
    """
    message = _GA4_MESSAGES[kind]
    return _json_fault(
        429, {"error": {"code": 429, "message": message, "status": "RESOURCE_EXHAUSTED"}}
    )


# ------------------------------------------------------------------------- HubSpot

_HUBSPOT_LIMITS: dict[str, dict[str, str]] = {
    "TEN_SECONDLY_ROLLING": {"X-HubSpot-RateLimit-Remaining": "0"},
    "SECONDLY": {"X-HubSpot-RateLimit-Secondly-Remaining": "0"},
    "DAILY": {"X-HubSpot-RateLimit-Daily-Remaining": "0"},
}


def hubspot_rate_limited(policy_name: str = "TEN_SECONDLY_ROLLING") -> Fault:
    """HubSpot HTTP 429 with its policy name and ``X-HubSpot-RateLimit-*`` headers.

    Body as captured in HubSpot/hubspot-api-python#117 and HGData/mk-node-hubspot#89::

        {"status": "error", "message": "You have reached your ten_secondly_rolling limit.",
         "errorType": "RATE_LIMIT", "correlationId", "policyName", "groupName"}

    Headers per HubSpot's API usage guidelines (Daily, Daily-Remaining,
    Interval-Milliseconds, Max, Remaining, Secondly, Secondly-Remaining).

    Args:
        policy_name: ``TEN_SECONDLY_ROLLING``, ``SECONDLY`` or ``DAILY``.

    Returns:
        The fault.
    """
    headers = {
        "X-HubSpot-RateLimit-Daily": "250000",
        "X-HubSpot-RateLimit-Daily-Remaining": "180000",
        "X-HubSpot-RateLimit-Interval-Milliseconds": "10000",
        "X-HubSpot-RateLimit-Max": "100",
        "X-HubSpot-RateLimit-Remaining": "40",
        "X-HubSpot-RateLimit-Secondly": "10",
        "X-HubSpot-RateLimit-Secondly-Remaining": "5",
        **_HUBSPOT_LIMITS.get(policy_name, {}),
    }
    body = {
        "status": "error",
        "message": f"You have reached your {policy_name.lower()} limit.",
        "errorType": "RATE_LIMIT",
        "correlationId": _CORRELATION_ID,
        "policyName": policy_name,
        "groupName": f"publicapi:api-calls-{policy_name.lower().replace('_', '-')}:1234567",
    }
    return _json_fault(429, body, headers)


# ------------------------------------------------------------------ expired tokens

_GOOGLE_401 = (
    "Request had invalid authentication credentials. Expected OAuth 2 access token, login "
    "cookie or other valid authentication credential. See "
    "https://developers.google.com/identity/sign-in/web/devconsole-project."
)
_GOOGLE_SERVICES = {
    "ga4": (
        "analyticsdata.googleapis.com",
        "google.analytics.data.v1beta.BetaAnalyticsData.RunReport",
    ),
    "google_ads": (
        "googleads.googleapis.com",
        f"google.ads.googleads.{_GOOGLE_ADS_VERSION}.services.GoogleAdsService.SearchStream",
    ),
}


def expired_token(api: Literal["meta", "ga4", "google_ads", "hubspot"]) -> Fault:
    """The access token has expired, as each API says it.

    * ``meta``: HTTP 400, ``OAuthException`` code 190 subcode 463, "Error validating
      access token: Session has expired on ..." (Graph API error-handling page;
      body captured in staciax/valorant-discord-bot#105).
    * ``ga4`` / ``google_ads``: HTTP 401 ``UNAUTHENTICATED`` with a ``google.rpc.ErrorInfo``
      of reason ``ACCESS_TOKEN_EXPIRED`` (AIP-193 ``ErrorReason``; googleads/googleads-php-lib#671).
    * ``hubspot``: HTTP 401, category ``EXPIRED_AUTHENTICATION``, "The OAuth token used
      to make this call expired ... ago." (airbytehq/airbyte#74726).

    Args:
        api: The API.

    Returns:
        The fault.
    """
    if api == "meta":
        return meta_error(
            190,
            subcode=463,
            message="Error validating access token: Session has expired on Tuesday, "
            "01-Jul-25 10:00:00 PDT. The current time is Tuesday, 01-Jul-25 11:30:00 PDT.",
        )
    if api == "hubspot":
        body = {
            "status": "error",
            "message": "The OAuth token used to make this call expired 2 hour(s) ago.",
            "correlationId": _CORRELATION_ID,
            "category": "EXPIRED_AUTHENTICATION",
            "context": {"expire time": ["2025-07-01T08:00:00.000Z"]},
        }
        return _json_fault(401, body)
    if api not in _GOOGLE_SERVICES:
        raise ValueError(f"unknown api {api!r}; expected meta, ga4, google_ads or hubspot")
    service, method = _GOOGLE_SERVICES[api]
    info = {
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        "reason": "ACCESS_TOKEN_EXPIRED",
        "domain": "googleapis.com",
        "metadata": {"service": service, "method": method},
    }
    body = {
        "error": {
            "code": 401,
            "message": _GOOGLE_401,
            "status": "UNAUTHENTICATED",
            "details": [info],
        }
    }
    www = 'Bearer realm="https://accounts.google.com/", error="invalid_token"'
    return _json_fault(401, body, {"WWW-Authenticate": www})


# ----------------------------------------------------------------- serving faults

Step = Fault | Mapping[str, Any] | Sequence[Any] | str | bytes


def fault_callback(
    fault: Fault,
) -> Callable[[requests.PreparedRequest], tuple[int, dict[str, str], bytes]]:
    """A ``responses`` callback serving ``fault``: its response, or its exception raised.

    Register it with ``rsps.add_callback(method, url, callback=..., content_type=None)``
    (``content_type=None`` keeps the fault's own ``Content-Type``).
    """

    def callback(request: requests.PreparedRequest) -> tuple[int, dict[str, str], bytes]:
        return fault.reply()

    return callback


def script(
    rsps: responses.RequestsMock, method: str, url: str, *steps: Step
) -> list[responses.BaseResponse]:
    """Register ``steps`` at one URL on ``rsps``, served in order, one per request.

    A step is a :class:`Fault`, or a normal 200 response: a mapping or a list (sent
    as JSON), or a ``str``/``bytes`` body. The last step keeps being served after
    the others are used up; with ``assert_all_requests_are_fired`` (the default of
    ``responses.RequestsMock()``) a step never reached fails the test.

    Args:
        rsps: The active ``responses.RequestsMock``.
        method: The HTTP method, e.g. ``"GET"``.
        url: The URL (a query string in it must match; or use a compiled regex).
        *steps: What to serve, first to last.

    Returns:
        The registered responses, in order (each has ``call_count``).
    """
    registered: list[responses.BaseResponse] = []
    for step in steps:
        if isinstance(step, Fault):
            if step.exception is not None:
                registered.append(rsps.add(method, url, body=step.exception))
                continue
            kind = [v for k, v in step.headers.items() if k.lower() == "content-type"]
            rest = {k: v for k, v in step.headers.items() if k.lower() != "content-type"}
            registered.append(
                rsps.add(
                    method,
                    url,
                    status=step.status,
                    headers=rest,
                    body=step.body,
                    content_type=kind[0] if kind else None,
                )
            )
        elif isinstance(step, str | bytes):
            registered.append(rsps.add(method, url, body=step, status=200))
        else:
            registered.append(rsps.add(method, url, json=step, status=200))
    return registered
