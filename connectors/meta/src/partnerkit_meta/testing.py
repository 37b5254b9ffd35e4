"""Scripted Meta failures for tests: the error bodies and headers Meta really sends.

Graph API error objects (``{"error": {"message", "type", "code", ...}``)
and the usage headers that come with a throttle.
Each helper returns a vendor-neutral :class:`partnerkit.testing.faults.Fault`, served
by ``partnerkit.testing.faults.script`` or injected into a cassette::

    from partnerkit.testing import faults
    from partnerkit_meta import testing as meta_faults

    faults.script(rsps, "GET", url, meta_faults.meta_error(80000), {"data": []})

The core's fault kit knows no vendor; this module is where Meta's knowledge lives.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from partnerkit.testing.faults import Fault, json_fault

__all__ = ["expired_token", "meta_error"]

_FBTRACE_ID = "FAKEfbtrace0000000000"


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


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
    user_title: str | None = None,
    user_msg: str | None = None,
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
        user_title: ``error_user_title``, the short text Meta writes for people.
        user_msg: ``error_user_msg``, Meta's explanation for people (it names the
            breakdown when a breakdown is refused).

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
    if user_title is not None:
        error["error_user_title"] = user_title
    if user_msg is not None:
        error["error_user_msg"] = user_msg
    error["fbtrace_id"] = _FBTRACE_ID
    return json_fault(status, {"error": error}, _meta_usage_headers(code, usage or {}, object_id))


def expired_token() -> Fault:
    """The access token has expired, as the Graph API says it.

    HTTP 400, ``OAuthException`` code 190 subcode 463, "Error validating access token:
    Session has expired on ..." (Graph API error-handling page; body captured in
    staciax/valorant-discord-bot#105).

    Returns:
        The fault.
    """
    return meta_error(
        190,
        subcode=463,
        message="Error validating access token: Session has expired on Tuesday, "
        "01-Jul-25 10:00:00 PDT. The current time is Tuesday, 01-Jul-25 11:30:00 PDT.",
    )
