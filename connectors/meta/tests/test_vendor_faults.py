"""partnerkit_meta.testing: the fault kit for this API builds its real error shapes,
and the error shape the connector registers reads them back."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
import responses
from partnerkit_meta import testing as meta_faults

from partnerkit import http
from partnerkit.testing.faults import Fault, fault_callback

BUC = {
    80000: "ads_insights",
    80001: "pages",
    80002: "instagram",
    80003: "custom_audience",
    80004: "ads_management",
    80005: "leadgen",
    80006: "messenger",
    80008: "whatsapp_business_management",
    80009: "catalog_management",
    80014: "catalog_batch",
}


def body(fault: Fault) -> Any:
    return json.loads(fault.body)


def served(fault: Fault, url: str = "https://api.example.com/x") -> requests.Response:
    """``fault`` as the real ``requests.Response`` a connector would receive."""
    with responses.RequestsMock() as rsps:
        rsps.add_callback("GET", url, callback=fault_callback(fault), content_type=None)
        return requests.get(url)


@pytest.mark.parametrize("code", [4, 17, 32, 613, *BUC])
def test_meta_throttles_have_meta_error_object(code: int) -> None:
    fault = meta_faults.meta_error(code)
    error = body(fault)["error"]

    assert fault.status == 400
    assert error["code"] == code
    assert error["type"] == "OAuthException"
    assert error["message"].startswith(f"(#{code}) ")
    assert error["fbtrace_id"]


@pytest.mark.parametrize("code", list(BUC))
def test_meta_buc_codes_carry_the_business_use_case_header(code: int) -> None:
    fault = meta_faults.meta_error(code, object_id="42")
    usage = json.loads(fault.headers["x-business-use-case-usage"])

    (entry,) = usage["42"]
    assert entry["type"] == BUC[code]
    assert entry["call_count"] == 100
    assert entry["estimated_time_to_regain_access"] == 1
    assert body(fault)["error"]["error_subcode"] == 2446079


def test_meta_verbatim_messages() -> None:
    assert body(meta_faults.meta_error(80004))["error"]["message"] == (
        "(#80004) There have been too many calls to this ad-account. Wait a bit and try again. "
        "For more info, please refer to "
        "https://developers.facebook.com/docs/graph-api/overview/rate-limiting."
    )
    assert body(meta_faults.meta_error(613))["error"]["message"] == (
        "(#613) Calls to this api have exceeded the rate limit."
    )


def test_meta_platform_usage_headers() -> None:
    app = meta_faults.meta_error(4)
    page = meta_faults.meta_error(32)
    account = meta_faults.meta_error(613, usage={"reset_time_duration": 120})
    insights = meta_faults.meta_error(80000)

    assert body(app)["error"]["is_transient"] is True
    assert json.loads(app.headers["x-app-usage"]) == {
        "call_count": 100,
        "total_cputime": 20,
        "total_time": 20,
    }
    assert json.loads(page.headers["x-page-usage"])["call_count"] == 100
    assert json.loads(account.headers["x-ad-account-usage"]) == {
        "acc_id_util_pct": 100,
        "reset_time_duration": 120,
        "ads_api_access_tier": "standard_access",
    }
    assert json.loads(insights.headers["x-fb-ads-insights-throttle"])["acc_id_util_pct"] == 100


def test_meta_usage_overrides_and_subcode() -> None:
    fault = meta_faults.meta_error(17, subcode=1234, usage={"estimated_time_to_regain_access": 7})

    assert body(fault)["error"]["error_subcode"] == 1234
    entry = json.loads(fault.headers["x-business-use-case-usage"])["1234567890"][0]
    assert entry["estimated_time_to_regain_access"] == 7


def test_meta_refuses_undocumented_codes() -> None:
    with pytest.raises(ValueError, match="80007"):
        meta_faults.meta_error(80007)
    with pytest.raises(ValueError, match="message="):
        meta_faults.meta_error(999)
    assert body(meta_faults.meta_error(999, message="Custom"))["error"]["message"] == "Custom"


def test_expired_token_is_oauth_code_190_subcode_463() -> None:
    fault = meta_faults.expired_token()
    error = body(fault)["error"]

    assert fault.status == 400
    assert (error["code"], error["error_subcode"], error["type"]) == (190, 463, "OAuthException")


def test_the_registered_shape_keeps_metas_code_and_details() -> None:
    import partnerkit_meta  # noqa: F401  (registers the Graph API's error shape)

    error = http.error_from_response("meta", served(meta_faults.meta_error(17)))

    assert error.vendor_code == 17
    assert error.vendor_message == "(#17) User request limit reached"
    assert error.details == {
        "type": "OAuthException",
        "error_subcode": 2446079,
        "fbtrace_id": "FAKEfbtrace0000000000",
    }
