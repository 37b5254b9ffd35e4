"""partnerkit_google_ads.testing: the fault kit for this API builds its real error shapes,
and the error shape the connector registers reads them back."""

from __future__ import annotations

from partnerkit_google_ads import testing as ads_faults

from partnerkit.testing import google
from partnerkit.testing.faults import Fault


def test_google_ads_resource_exhausted_shape() -> None:
    fault = ads_faults.google_ads_resource_exhausted(45)
    error = fault.json()["error"]
    (failure,) = error["details"]
    (item,) = failure["errors"]

    assert fault.status == 429
    assert error["status"] == "RESOURCE_EXHAUSTED"
    assert failure["@type"].endswith(".errors.GoogleAdsFailure")
    assert item["errorCode"] == {"quotaError": "RESOURCE_TEMPORARILY_EXHAUSTED"}
    assert item["details"]["quotaErrorDetails"]["retryDelay"] == "45s"
    assert item["message"] == "Too many requests. Retry in 45 seconds."


def test_google_ads_daily_quota_shape() -> None:
    details = ads_faults.google_ads_daily_quota_exhausted().json()["error"]["details"][0]["errors"][
        0
    ]

    assert details["errorCode"] == {"quotaError": "RESOURCE_EXHAUSTED"}
    assert details["details"]["quotaErrorDetails"] == {
        "rateScope": "DEVELOPER",
        "rateName": "Number of operations for basic access",
        "retryDelay": "40591s",
    }


class TestGoogleErrors(google.GoogleErrorShape):
    """The expired token is Google's, and the registered shape reads Google's errors."""

    api, package, service = "google_ads", "partnerkit_google_ads", "googleads.googleapis.com"

    def expired_token(self) -> Fault:
        return ads_faults.expired_token()
