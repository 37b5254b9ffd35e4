"""partnerkit_ga4.testing: the fault kit for this API builds its real error shapes,
and the error shape the connector registers reads them back."""

from __future__ import annotations

import pytest
from partnerkit_ga4 import testing as ga4_faults

from partnerkit.testing import google
from partnerkit.testing.faults import Fault


@pytest.mark.parametrize(
    ("kind", "start"),
    [
        ("tokens_per_day", "Exhausted property tokens per day."),
        ("tokens_per_hour", "Exhausted property tokens per hour."),
        ("tokens_per_project_per_hour", "Exhausted property tokens for a project per hour."),
        ("concurrent_requests", "Exhausted concurrent requests quota."),
        ("server_errors", "Exhausted server errors quota."),
    ],
)
def test_ga4_quota_messages(kind, start) -> None:
    fault = ga4_faults.ga4_quota_exhausted(kind)
    error = fault.json()["error"]

    assert fault.status == 429
    assert error["status"] == "RESOURCE_EXHAUSTED"
    assert error["code"] == 429
    assert error["message"].startswith(start)


class TestGoogleErrors(google.GoogleErrorShape):
    """The expired token is Google's, and the registered shape reads Google's errors."""

    api, package, service = "ga4", "partnerkit_ga4", "analyticsdata.googleapis.com"

    def expired_token(self) -> Fault:
        return ga4_faults.expired_token()
