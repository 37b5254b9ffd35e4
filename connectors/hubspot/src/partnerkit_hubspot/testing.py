"""Scripted HubSpot failures for tests: the error bodies and headers HubSpot really sends.

Flat ``{"status", "message", "category" | "errorType", "correlationId"}``
bodies and the ``X-HubSpot-RateLimit-*`` headers.
Each helper returns a vendor-neutral :class:`partnerkit.testing.faults.Fault`, served
by ``partnerkit.testing.faults.script`` or injected into a cassette::

    from partnerkit.testing import faults
    from partnerkit_hubspot import testing as hubspot_faults

    faults.script(rsps, "GET", url, hubspot_faults.hubspot_rate_limited(), {"data": []})

The core's fault kit knows no vendor; this module is where HubSpot's knowledge lives.
"""

from __future__ import annotations

from partnerkit.testing.faults import Fault, json_fault

__all__ = ["expired_token", "hubspot_rate_limited"]

_CORRELATION_ID = "00000000-0000-4000-8000-000000000000"

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
    return json_fault(429, body, headers)


def expired_token() -> Fault:
    """The access token has expired, as HubSpot says it.

    HTTP 401, category ``EXPIRED_AUTHENTICATION``, "The OAuth token used to make this
    call expired ... ago." (airbytehq/airbyte#74726).

    Returns:
        The fault.
    """
    body = {
        "status": "error",
        "message": "The OAuth token used to make this call expired 2 hour(s) ago.",
        "correlationId": _CORRELATION_ID,
        "category": "EXPIRED_AUTHENTICATION",
        "context": {"expire time": ["2025-07-01T08:00:00.000Z"]},
    }
    return json_fault(401, body)
