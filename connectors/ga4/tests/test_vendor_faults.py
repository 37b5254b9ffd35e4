"""partnerkit_ga4.testing: the fault kit for this API builds its real error shapes,
and the error shape the connector registers reads them back."""

from __future__ import annotations

import pytest
from partnerkit_ga4 import testing as ga4_faults

from partnerkit import http
from partnerkit.testing.faults import ErrorShapeChecks, in_a_list, served


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


EXPIRED = "Request had invalid authentication credentials."


class TestErrorShape(ErrorShapeChecks):
    """The registered shape prefers the status name; an array-wrapped body keeps its message."""

    api = "ga4"
    cases = {
        "expired token": (ga4_faults.expired_token(), 401, "UNAUTHENTICATED", EXPIRED),
        "hourly tokens": (ga4_faults.ga4_quota_exhausted(), 429, "RESOURCE_EXHAUSTED", "Exhausted"),
        "array-wrapped": (in_a_list(ga4_faults.expired_token()), 401, "UNAUTHENTICATED", EXPIRED),
    }


def test_the_expired_token_keeps_its_error_info() -> None:
    error = http.error_from_response("ga4", served(ga4_faults.expired_token()))

    assert [d["reason"] for d in error.details["details"]] == ["ACCESS_TOKEN_EXPIRED"]
