"""partnerkit_ga4.testing: the fault kit for this API builds its real error shapes,
and the error shape the connector registers reads them back."""

from __future__ import annotations

import pytest
from partnerkit_ga4 import testing as ga4_faults

from partnerkit import http
from partnerkit.testing.faults import Fault, served


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


def test_expired_token_is_unauthenticated_with_error_info() -> None:
    fault = ga4_faults.expired_token()
    (info,) = fault.json()["error"]["details"]

    assert fault.status == 401
    assert fault.json()["error"]["status"] == "UNAUTHENTICATED"
    assert info["reason"] == "ACCESS_TOKEN_EXPIRED"


def test_the_registered_shape_prefers_the_status_name_and_keeps_details() -> None:
    import partnerkit_ga4  # noqa: F401  (registers Google's error shape for this API)

    error = http.error_from_response("ga4", served(ga4_faults.expired_token()))

    assert error.vendor_code == "UNAUTHENTICATED"
    assert error.vendor_message is not None
    assert error.vendor_message.startswith("Request had invalid authentication credentials.")
    assert [d["reason"] for d in error.details["details"]] == ["ACCESS_TOKEN_EXPIRED"]


def test_an_array_wrapped_error_body_keeps_its_message() -> None:
    import partnerkit_ga4  # noqa: F401

    fault = Fault(
        status=403,
        headers={"Content-Type": "application/json"},
        body=b'[{"error": {"code": 403, "message": "The caller does not have permission",'
        b' "status": "PERMISSION_DENIED"}}]',
    )
    error = http.error_from_response("ga4", served(fault))

    assert error.vendor_message == "The caller does not have permission"
    assert error.vendor_code == "PERMISSION_DENIED"
