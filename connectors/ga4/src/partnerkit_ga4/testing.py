"""Scripted GA4 failures for tests: the error bodies and headers GA4 really sends.

Data API ``google.rpc.Status`` bodies: property quotas and expired tokens.
Each helper returns a vendor-neutral :class:`partnerkit.testing.faults.Fault`, served
by ``partnerkit.testing.faults.script`` or injected into a cassette::

    from partnerkit.testing import faults
    from partnerkit_ga4 import testing as ga4_faults

    faults.script(rsps, "POST", url, ga4_faults.ga4_quota_exhausted(), {"rows": []})

The core's fault kit knows no vendor; this module is where GA4's knowledge lives.
"""

from __future__ import annotations

from typing import Literal

from partnerkit_google import testing as google

from partnerkit.testing.faults import Fault

__all__ = ["Ga4Quota", "expired_token", "ga4_quota_exhausted"]

_SERVICE = "analyticsdata.googleapis.com"
_METHOD = "google.analytics.data.v1beta.BetaAnalyticsData.RunReport"

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
    return google.status_fault(429, "RESOURCE_EXHAUSTED", _GA4_MESSAGES[kind])


def expired_token() -> Fault:
    """HTTP 401 ``UNAUTHENTICATED``: the access token has expired, as the GA4 Data API says it."""
    return google.expired_token(_SERVICE, _METHOD)
