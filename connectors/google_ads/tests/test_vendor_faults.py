"""partnerkit_google_ads.testing: the fault kit for this API builds its real error shapes,
and the error shape the connector registers reads them back."""

from __future__ import annotations

from partnerkit_google_ads import testing as ads_faults

from partnerkit import http
from partnerkit.testing.faults import ErrorShapeChecks, in_a_list, served


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


EXPIRED = "Request had invalid authentication credentials."


class TestErrorShape(ErrorShapeChecks):
    """The registered shape prefers the status name; an array-wrapped body keeps its message."""

    api = "google_ads"
    cases = {
        "expired token": (ads_faults.expired_token(), 401, "UNAUTHENTICATED", EXPIRED),
        "daily operations": (
            ads_faults.google_ads_daily_quota_exhausted(),
            429,
            "RESOURCE_EXHAUSTED",
            "Resource",
        ),
        "array-wrapped": (in_a_list(ads_faults.expired_token()), 401, "UNAUTHENTICATED", EXPIRED),
    }


def test_the_expired_token_keeps_its_error_info() -> None:
    error = http.error_from_response("google_ads", served(ads_faults.expired_token()))

    assert [d["reason"] for d in error.details["details"]] == ["ACCESS_TOKEN_EXPIRED"]
