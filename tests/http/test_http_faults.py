"""The fault helpers produce the vendors' real shapes, and serve through `responses`."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
import responses

from partnerkit import http
from partnerkit.errors import AuthenticationError, RateLimitError
from partnerkit.testing import faults
from partnerkit.testing.faults import Fault

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


@pytest.mark.parametrize("code", [4, 17, 32, 613, *BUC])
def test_meta_throttles_have_meta_error_object(code: int) -> None:
    fault = faults.meta_error(code)
    error = body(fault)["error"]

    assert fault.status == 400
    assert error["code"] == code
    assert error["type"] == "OAuthException"
    assert error["message"].startswith(f"(#{code}) ")
    assert error["fbtrace_id"]


@pytest.mark.parametrize("code", list(BUC))
def test_meta_buc_codes_carry_the_business_use_case_header(code: int) -> None:
    fault = faults.meta_error(code, object_id="42")
    usage = json.loads(fault.headers["x-business-use-case-usage"])

    (entry,) = usage["42"]
    assert entry["type"] == BUC[code]
    assert entry["call_count"] == 100
    assert entry["estimated_time_to_regain_access"] == 1
    assert body(fault)["error"]["error_subcode"] == 2446079


def test_meta_verbatim_messages() -> None:
    assert body(faults.meta_error(80004))["error"]["message"] == (
        "(#80004) There have been too many calls to this ad-account. Wait a bit and try again. "
        "For more info, please refer to "
        "https://developers.facebook.com/docs/graph-api/overview/rate-limiting."
    )
    assert body(faults.meta_error(613))["error"]["message"] == (
        "(#613) Calls to this api have exceeded the rate limit."
    )


def test_meta_platform_usage_headers() -> None:
    app = faults.meta_error(4)
    page = faults.meta_error(32)
    account = faults.meta_error(613, usage={"reset_time_duration": 120})
    insights = faults.meta_error(80000)

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
    fault = faults.meta_error(17, subcode=1234, usage={"estimated_time_to_regain_access": 7})

    assert body(fault)["error"]["error_subcode"] == 1234
    entry = json.loads(fault.headers["x-business-use-case-usage"])["1234567890"][0]
    assert entry["estimated_time_to_regain_access"] == 7


def test_meta_refuses_undocumented_codes() -> None:
    with pytest.raises(ValueError, match="80007"):
        faults.meta_error(80007)
    with pytest.raises(ValueError, match="message="):
        faults.meta_error(999)
    assert body(faults.meta_error(999, message="Custom"))["error"]["message"] == "Custom"


def test_google_ads_resource_exhausted_shape() -> None:
    fault = faults.google_ads_resource_exhausted(45)
    error = body(fault)["error"]
    (failure,) = error["details"]
    (item,) = failure["errors"]

    assert fault.status == 429
    assert error["status"] == "RESOURCE_EXHAUSTED"
    assert failure["@type"].endswith(".errors.GoogleAdsFailure")
    assert item["errorCode"] == {"quotaError": "RESOURCE_TEMPORARILY_EXHAUSTED"}
    assert item["details"]["quotaErrorDetails"]["retryDelay"] == "45s"
    assert item["message"] == "Too many requests. Retry in 45 seconds."


def test_google_ads_daily_quota_shape() -> None:
    details = body(faults.google_ads_daily_quota_exhausted())["error"]["details"][0]["errors"][0]

    assert details["errorCode"] == {"quotaError": "RESOURCE_EXHAUSTED"}
    assert details["details"]["quotaErrorDetails"] == {
        "rateScope": "DEVELOPER",
        "rateName": "Number of operations for basic access",
        "retryDelay": "40591s",
    }


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
    fault = faults.ga4_quota_exhausted(kind)
    error = body(fault)["error"]

    assert fault.status == 429
    assert error["status"] == "RESOURCE_EXHAUSTED"
    assert error["code"] == 429
    assert error["message"].startswith(start)


@pytest.mark.parametrize("policy", ["TEN_SECONDLY_ROLLING", "SECONDLY", "DAILY"])
def test_hubspot_rate_limited_shape(policy: str) -> None:
    fault = faults.hubspot_rate_limited(policy)
    data = body(fault)

    assert fault.status == 429
    assert data["errorType"] == "RATE_LIMIT"
    assert data["policyName"] == policy
    assert data["message"] == f"You have reached your {policy.lower()} limit."
    assert fault.headers["X-HubSpot-RateLimit-Interval-Milliseconds"] == "10000"
    assert "Retry-After" not in fault.headers


def test_expired_tokens_per_api() -> None:
    meta = body(faults.expired_token("meta"))["error"]
    assert (meta["code"], meta["error_subcode"], meta["type"]) == (190, 463, "OAuthException")
    for api in ("ga4", "google_ads"):
        fault = faults.expired_token(api)  # type: ignore[arg-type]
        (info,) = body(fault)["error"]["details"]
        assert fault.status == 401
        assert info["reason"] == "ACCESS_TOKEN_EXPIRED"
    assert body(faults.expired_token("hubspot"))["category"] == "EXPIRED_AUTHENTICATION"
    with pytest.raises(ValueError, match="unknown api 'linkedin'"):
        faults.expired_token("linkedin")  # type: ignore[arg-type]


def test_generic_faults() -> None:
    assert faults.rate_limited().headers.get("Retry-After") is None
    assert faults.rate_limited(7).headers["Retry-After"] == "7"
    assert faults.server_error(502).headers["Content-Type"] == "text/html"
    assert body(faults.server_error(500))["error"]["status"] == "INTERNAL"
    assert isinstance(faults.connection_reset().exception, requests.exceptions.ConnectionError)
    assert isinstance(faults.read_timeout().exception, requests.exceptions.ReadTimeout)


@pytest.mark.parametrize("data", [{"data": [{"a": 1}, {"b": [2, 3]}]}, [1, 2, 3], {}])
def test_truncated_json_never_closes_its_bracket(data) -> None:
    text = faults.truncated_json(data).body
    assert isinstance(text, str)
    assert text
    assert text[-1] not in "]}"
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)


def test_malformed_json_is_complete_but_invalid() -> None:
    text = faults.malformed_json().body
    assert isinstance(text, str)
    assert text.startswith("{")
    assert text.endswith("}")
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)


def test_fault_callback_serves_a_fault_for_the_cassette_player(rsps, clock) -> None:
    url = "https://api.hubapi.com/crm/v3/objects/deals"
    rsps.add_callback(
        "GET", url, callback=faults.fault_callback(faults.hubspot_rate_limited()), content_type=None
    )

    response = requests.get(url)
    error = http.error_from_response("hubspot", response)

    assert isinstance(error, RateLimitError)
    assert error.vendor_message == "You have reached your ten_secondly_rolling limit."
    assert response.headers["Content-Type"] == "application/json; charset=UTF-8"


def test_fault_callback_raises_the_exception(rsps) -> None:
    url = "https://api.hubapi.com/crm/v3/objects/deals"
    rsps.add_callback("GET", url, callback=faults.fault_callback(faults.connection_reset()))

    with pytest.raises(requests.exceptions.ConnectionError, match="Connection reset by peer"):
        requests.get(url)


def test_script_serves_in_order_and_repeats_the_last_step(rsps) -> None:
    url = "https://graph.facebook.com/v21.0/me"
    faults.script(rsps, "GET", url, faults.expired_token("meta"), {"id": "1"}, b"raw")

    statuses = [requests.get(url) for _ in range(4)]

    assert [r.status_code for r in statuses] == [400, 200, 200, 200]
    assert statuses[1].json() == {"id": "1"}
    assert [r.content for r in statuses[2:]] == [b"raw", b"raw"]


def test_a_step_never_reached_fails_the_test() -> None:
    url = "https://graph.facebook.com/v21.0/me"
    mock = responses.RequestsMock()
    mock.start()
    faults.script(mock, "GET", url, faults.rate_limited(), {"id": "1"})
    requests.get(url)
    with pytest.raises(AssertionError, match="Not all requests have been executed"):
        mock.stop(allow_assert=True)


def test_expired_hubspot_token_maps_to_authentication_error(rsps) -> None:
    url = "https://api.hubapi.com/crm/v3/objects/contacts"
    faults.script(rsps, "GET", url, faults.expired_token("hubspot"))

    error = http.error_from_response("hubspot", requests.get(url))

    assert isinstance(error, AuthenticationError)
    assert error.vendor_code == "EXPIRED_AUTHENTICATION"


def test_public_names() -> None:
    for module in (http, faults):
        for name in module.__all__:
            obj = getattr(module, name)
            assert obj is not None
        assert sorted(module.__all__) == list(module.__all__) or module is http
