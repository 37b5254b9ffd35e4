"""Each kind of Meta error becomes the right library error, at one boundary.

The error bodies are Meta's own: the Graph API error object ``{"error": {"message",
"type", "code", "error_subcode", "is_transient", "fbtrace_id"}}`` with the messages
quoted in the README's "Fixtures" section. Most are injected in front of the first
interaction of ``contract/ad_insights.yaml`` (the ad account GET); the rest are
recorded answers in ``errors/*.yaml``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from partnerkit_meta._errors import ReduceDataError, meta_error
from partnerkit_meta.testing import expired_token
from partnerkit_meta.testing import meta_error as meta_fault

from partnerkit.errors import (
    AuthenticationError,
    ConfigurationError,
    DataError,
    NotFoundError,
    PermissionDeniedError,
    TransientError,
    UnknownFieldError,
)
from partnerkit.testing import use_cassette
from partnerkit.testing.faults import Fault, malformed_json

OCT_1, OCT_2 = dt.date(2026, 10, 1), dt.date(2026, 10, 2)
TOKEN = "test-token-not-real"


def _fail(meta, cassettes, fault: Fault, index: int = 0, **settings):
    """Read contract/ad_insights.yaml with ``fault`` answering interaction ``index`` first."""
    with (
        use_cassette(cassettes / "contract/ad_insights.yaml", allow_unused=True) as tape,
        meta(**settings) as connector,
    ):
        tape.inject(index, fault)
        connector.stream(stream="ad_insights", start=OCT_1, end=OCT_2).to_dicts()
    return tape


def test_an_expired_token_is_an_authentication_error_with_the_fix(meta, cassettes) -> None:
    with pytest.raises(AuthenticationError) as info:
        _fail(meta, cassettes, expired_token())

    error = info.value
    assert not error.retriable
    assert (error.status, error.vendor_code) == (400, 190)
    assert error.details["error_subcode"] == 463
    assert error.vendor_message is not None
    assert error.vendor_message.startswith("Error validating access token: Session has expired")
    assert "the token has expired" in error.message
    assert "System users" in error.message
    assert "Generate new token" in error.message
    assert "PARTNERKIT_META_ACCESS_TOKEN" in error.message
    assert error.account == "act_1029384756"
    assert TOKEN not in str(error)
    assert error.request == (
        "GET https://graph.facebook.com/v26.0/act_1029384756"
        "?fields=account_id%2Cname%2Ccurrency%2Ctimezone_name%2Caccount_status"
    )


def test_check_reports_an_expired_token_as_a_failed_result(meta, cassettes) -> None:
    with use_cassette(cassettes / "contract/check.yaml", allow_unused=True) as tape, meta() as conn:
        tape.inject(0, expired_token())
        result = conn.check()

    assert not result.ok
    assert isinstance(result.error, AuthenticationError)
    assert result.accounts == ()


@pytest.mark.parametrize(
    ("code", "status", "message"),
    [
        (10, 400, "(#10) Application does not have permission for this action"),
        (200, 403, "(#200) Requires business_management permission to manage the object"),
        (
            294,
            403,
            "(#294) Managing advertisements requires an access token with the extended "
            "permission for ads_management",
        ),
    ],
)
def test_a_missing_permission_names_the_ad_account(
    meta, cassettes, code: int, status: int, message: str
) -> None:
    fault = meta_fault(code, message=message, status=status)
    with pytest.raises(PermissionDeniedError) as info:
        _fail(meta, cassettes, fault)

    error = info.value
    assert not error.retriable
    assert error.vendor_message == message
    assert (error.vendor_code, error.status) == (code, status)
    assert error.account == "act_1029384756"
    assert "ad account act_1029384756" in error.message
    assert "Assign people" in error.message


def test_permission_errors_are_not_retried(meta, cassettes, fake_clock) -> None:
    fault = meta_fault(200, message="(#200) Requires business_management permission", status=403)
    with (
        use_cassette(cassettes / "contract/ad_insights.yaml", allow_unused=True) as tape,
        meta() as connector,
    ):
        tape.inject(0, fault)
        stream = connector.stream(stream="ad_insights", start=OCT_1, end=OCT_2)
        with pytest.raises(PermissionDeniedError):
            stream.to_dicts()
    assert len(tape.requests) == 1
    assert fake_clock.sleeps == []


def test_an_unknown_field_is_a_configuration_error_naming_it(read) -> None:
    # errors/unknown_field.yaml: Meta answers the request with extra field `frequency`
    # "(#100) frequency is not valid for fields param. ..." (HTTP 400).
    with pytest.raises(UnknownFieldError) as info:
        read("errors/unknown_field.yaml", start=OCT_1, end=OCT_2, extra_fields=["frequency"])

    error = info.value
    assert isinstance(error, ConfigurationError)
    assert error.field == "frequency"
    assert "AdsInsights" in error.where
    assert "extra_fields" in error.where
    assert "frequency" not in error.suggestions  # the SDK still knows it; the API does not
    assert "Unknown field 'frequency'" in str(error)


def test_a_misspelt_extra_field_is_refused_before_any_request(meta) -> None:
    with pytest.raises(ConfigurationError, match="'frequncy' is not an Ads Insights field; did"):
        meta(extra_fields=["frequncy"])
    with pytest.raises(ConfigurationError, match="'actions' is already read"):
        meta(extra_fields=["actions"])
    with pytest.raises(ConfigurationError, match="'video_play_actions' is a list<AdsActionStats>"):
        meta(extra_fields=["video_play_actions"])


def test_an_unknown_field_of_another_node_gets_suggestions() -> None:
    error = meta_error(
        400,
        {},
        {
            "message": "(#100) Tried accessing nonexisting field (timezone) on node type "
            "(AdAccount)",
            "type": "OAuthException",
            "code": 100,
        },
        account="act_1",
        request="GET /act_1",
    )
    assert isinstance(error, UnknownFieldError)
    assert error.field == "timezone"
    assert error.suggestions == ["timezone_id", "timezone_name"]


def test_reduce_the_amount_of_data_halves_the_page_and_goes_on(read) -> None:
    # errors/reduce_page.yaml (page_size 100): limit 100 -> "Please reduce the amount of
    # data ..." (code 1, HTTP 500); limit 50 -> page 1 (2 rows); the next page at limit 50
    # -> "An unknown error occurred" (code 1, subcode 99); the same cursor at limit 25 ->
    # page 2 (2 rows). No row is skipped or read twice.
    records, notices, tape = read("errors/reduce_page.yaml", start=OCT_1, end=OCT_2, page_size=100)

    pages = [r.query for r in tape.requests[1:]]
    assert [(q["limit"], q.get("after")) for q in pages] == [
        ("100", None),
        ("50", None),
        ("50", "MQZDZD"),
        ("25", "MQZDZD"),
    ]
    assert [(str(r["date"]), r["campaign_id"][-3:]) for r in records] == [
        ("2026-10-01", "101"),
        ("2026-10-01", "102"),
        ("2026-10-02", "101"),
        ("2026-10-02", "103"),
    ]
    assert sum(r["spend"] for r in records) == Decimal("1094.72")
    reduced = [n for n in notices if n.code == "request_reduced"]
    assert [n.details["limit"] for n in reduced] == [50, 25]


def test_reduce_at_the_smallest_page_splits_the_date_range(read) -> None:
    # errors/reduce_range.yaml (page_size 25): 10-01..10-02 is refused; 10-01 and 10-02
    # are then read on their own.
    records, notices, tape = read("errors/reduce_range.yaml", start=OCT_1, end=OCT_2, page_size=25)

    assert [r.query["time_range"] for r in tape.requests[1:]] == [
        '{"since":"2026-10-01","until":"2026-10-02"}',
        '{"since":"2026-10-01","until":"2026-10-01"}',
        '{"since":"2026-10-02","until":"2026-10-02"}',
    ]
    assert len(records) == 4
    assert any("two halves" in n.message for n in notices if n.code == "request_reduced")


def test_the_data_per_call_limit_is_a_reduce_signal() -> None:
    # Limits and Best Practices: "error_code = 100, CodeException (error subcode: 1487534)"
    error = meta_error(
        400,
        {},
        {"code": 100, "error_subcode": 1487534, "type": "CodeException"},
        account="act_1",
        request=None,
    )
    assert isinstance(error, ReduceDataError)
    assert not error.retriable


@pytest.mark.parametrize(
    "body",
    [
        {
            "message": "(#803) Some of the aliases you requested do not exist: act_1029384756",
            "code": 803,
        },
        {
            "message": "Unsupported get request. Object with ID 'act_1029384756' does not exist, "
            "cannot be loaded due to missing permissions, or does not support this operation. "
            "Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api",
            "type": "GraphMethodException",
            "code": 100,
            "error_subcode": 33,
            "fbtrace_id": "FAKEfbtrace0000000002",
        },
    ],
)
def test_an_unknown_ad_account_is_not_found(meta, cassettes, body) -> None:
    fault = Fault(400, {"Content-Type": "application/json; charset=UTF-8"}, _json({"error": body}))
    with pytest.raises(NotFoundError) as info:
        _fail(meta, cassettes, fault)

    assert info.value.account == "act_1029384756"
    assert "act_<digits>" in info.value.message
    assert info.value.vendor_message == body["message"]


def test_a_retired_api_version_names_the_setting(meta, cassettes) -> None:
    message = (
        "(#2635) You are calling a deprecated version of the Ads API. Please update to the "
        "latest version: v26.0."
    )
    with pytest.raises(ConfigurationError, match="Set api_version"):
        _fail(meta, cassettes, meta_fault(2635, message=message))


def test_a_transient_error_is_retried(meta, cassettes, fake_clock) -> None:
    fault = meta_fault(2)  # "(#2) An unexpected error ..." with is_transient: true
    with use_cassette(cassettes / "contract/ad_insights.yaml") as tape, meta() as connector:
        tape.inject(1, fault)
        records = connector.stream(stream="ad_insights", start=OCT_1, end=OCT_2).to_dicts()

    assert len(records) == 4
    (wait,) = fake_clock.sleeps  # one jittered backoff: base 1 s, jitter 0.5
    assert 0.5 <= wait <= 1.0
    assert isinstance(
        meta_error(400, {}, {"code": 2, "is_transient": True}, account=None, request=None),
        TransientError,
    )


def test_an_answer_that_is_not_json_is_a_data_error(meta, cassettes) -> None:
    with pytest.raises(DataError) as info:
        _fail(meta, cassettes, malformed_json(), index=1)

    assert info.value.source == "meta act_1029384756 GET /act_1029384756/insights"


def _json(value) -> str:
    import json

    return json.dumps(value)


def test_a_page_with_a_value_of_the_wrong_type_is_a_data_error(meta, cassettes) -> None:
    body = {"data": [{"date_start": "2026-10-01", "date_stop": "2026-10-01", "spend": "n/a"}]}
    fault = Fault(200, {"Content-Type": "application/json; charset=UTF-8"}, _json(body))
    with pytest.raises(DataError) as info:
        _fail(meta, cassettes, fault, index=1)

    assert info.value.column == "data.0.spend"
    assert info.value.value == "n/a"
