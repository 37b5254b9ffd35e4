"""partnerkit_google_ads.testing: the fault kit for this API builds its real error shapes,
and the error shape the connector registers reads them back."""

from __future__ import annotations

from partnerkit_google_ads import testing as ads_faults

from partnerkit import http
from partnerkit.testing.faults import Fault, served


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


def test_expired_token_is_unauthenticated_with_error_info() -> None:
    fault = ads_faults.expired_token()
    (info,) = fault.json()["error"]["details"]

    assert fault.status == 401
    assert fault.json()["error"]["status"] == "UNAUTHENTICATED"
    assert info["reason"] == "ACCESS_TOKEN_EXPIRED"


def test_the_registered_shape_prefers_the_status_name_and_keeps_details() -> None:
    import partnerkit_google_ads  # noqa: F401  (registers Google's error shape for this API)

    error = http.error_from_response("google_ads", served(ads_faults.expired_token()))

    assert error.vendor_code == "UNAUTHENTICATED"
    assert error.vendor_message is not None
    assert error.vendor_message.startswith("Request had invalid authentication credentials.")
    assert [d["reason"] for d in error.details["details"]] == ["ACCESS_TOKEN_EXPIRED"]


def test_an_array_wrapped_error_body_keeps_its_message() -> None:
    import partnerkit_google_ads  # noqa: F401

    fault = Fault(
        status=403,
        headers={"Content-Type": "application/json"},
        body=b'[{"error": {"code": 403, "message": "The caller does not have permission",'
        b' "status": "PERMISSION_DENIED"}}]',
    )
    error = http.error_from_response("google_ads", served(fault))

    assert error.vendor_message == "The caller does not have permission"
    assert error.vendor_code == "PERMISSION_DENIED"
