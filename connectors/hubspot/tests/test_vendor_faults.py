"""partnerkit_hubspot.testing: the fault kit for this API builds its real error shapes,
and the error shape the connector registers reads them back."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
import responses
from partnerkit_hubspot import testing as hubspot_faults

from partnerkit import http
from partnerkit.testing.faults import Fault, fault_callback


def body(fault: Fault) -> Any:
    return json.loads(fault.body)


def served(fault: Fault, url: str = "https://api.example.com/x") -> requests.Response:
    """``fault`` as the real ``requests.Response`` a connector would receive."""
    with responses.RequestsMock() as rsps:
        rsps.add_callback("GET", url, callback=fault_callback(fault), content_type=None)
        return requests.get(url)


@pytest.mark.parametrize("policy", ["TEN_SECONDLY_ROLLING", "SECONDLY", "DAILY"])
def test_hubspot_rate_limited_shape(policy: str) -> None:
    fault = hubspot_faults.hubspot_rate_limited(policy)
    data = body(fault)

    assert fault.status == 429
    assert data["errorType"] == "RATE_LIMIT"
    assert data["policyName"] == policy
    assert data["message"] == f"You have reached your {policy.lower()} limit."
    assert fault.headers["X-HubSpot-RateLimit-Interval-Milliseconds"] == "10000"
    assert "Retry-After" not in fault.headers


def test_expired_token_is_category_expired_authentication() -> None:
    fault = hubspot_faults.expired_token()

    assert fault.status == 401
    assert body(fault)["category"] == "EXPIRED_AUTHENTICATION"


@pytest.mark.parametrize(
    ("fault", "code", "message", "details"),
    [
        (
            hubspot_faults.expired_token(),
            "EXPIRED_AUTHENTICATION",
            "The OAuth token used to make this call expired 2 hour(s) ago.",
            {"correlationId": "00000000-0000-4000-8000-000000000000"},
        ),
        (
            hubspot_faults.hubspot_rate_limited("SECONDLY"),
            "RATE_LIMIT",
            "You have reached your secondly limit.",
            {
                "correlationId": "00000000-0000-4000-8000-000000000000",
                "policyName": "SECONDLY",
                "groupName": "publicapi:api-calls-secondly:1234567",
            },
        ),
    ],
)
def test_the_registered_shape_reads_category_or_error_type_and_details(
    fault: Fault, code: str, message: str, details: dict[str, str]
) -> None:
    import partnerkit_hubspot  # noqa: F401  (registers HubSpot's error shape)

    error = http.error_from_response("hubspot", served(fault))

    assert (error.vendor_code, error.vendor_message, error.details) == (code, message, details)
