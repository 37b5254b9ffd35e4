"""Meta's usage headers slow the connector down before the limit; throttles wait as told.

Every wait is exact: the seam runs on the fake clock and the waits come from the
headers, never from jitter.

throttling/slowdown.yaml reads 2026-10-01..03 one row a page. The usage headers:

=====================  ==========================================  =========================
answer                 highest usage                               wait before the next call
=====================  ==========================================  =========================
the account (GET)      1 % (x-app-usage, business use case)        none
page 1                 76 % (x-business-use-case-usage call_count)  5 s  (75 % step)
page 2                 91.5 % (x-ad-account-usage acc_id_util_pct)  30 s (90 % step)
page 3                 12 %                                        none (no further call)
=====================  ==========================================  =========================
"""

from __future__ import annotations

import datetime as dt

import pytest
from partnerkit_meta._usage import UsageObserver, parse_usage
from partnerkit_meta.testing import meta_error

from partnerkit.errors import RateLimitError
from partnerkit.http import rate_limiter
from partnerkit.testing import FakeClock, use_cassette

OCT_1, OCT_3 = dt.date(2026, 10, 1), dt.date(2026, 10, 3)
SLOW = "throttling/slowdown.yaml"


def _read(meta, cassettes, *faults, allow_unused=False, **settings):
    with (
        use_cassette(cassettes / SLOW, allow_unused=allow_unused) as tape,
        meta(page_size=1, **settings) as connector,
    ):
        if faults:
            tape.inject(1, *faults)  # the first insights page answers with the faults first
        records = connector.stream(stream="ad_insights", start=OCT_1, end=OCT_3).to_dicts()
    return records, tape


def test_rising_usage_holds_the_next_requests(meta, cassettes, fake_clock: FakeClock) -> None:
    records, _ = _read(meta, cassettes)

    assert [str(r["date"]) for r in records] == ["2026-10-01", "2026-10-02", "2026-10-03"]
    assert fake_clock.sleeps == [5.0, 30.0]


def test_the_slowdown_steps_are_settings(meta, cassettes, fake_clock: FakeClock) -> None:
    _read(meta, cassettes, usage_slowdown={50: 1, 80: 10})

    # 76 % reaches the 50 % step (1 s); 91.5 % the 80 % step (10 s)
    assert fake_clock.sleeps == [1.0, 10.0]


@pytest.mark.parametrize(
    ("code", "usage", "wait"),
    [
        # 80000 ads_insights, estimated_time_to_regain_access 2 minutes: 120 s
        (80000, {"estimated_time_to_regain_access": 2}, 120.0),
        # 80004 ads_management, the default estimate of 1 minute: 60 s
        (80004, None, 60.0),
        # 17 user limit, business-use-case header with 1 minute to regain: 60 s
        (17, None, 60.0),
        # 613: x-ad-account-usage at 100 % with reset_time_duration 300 s
        (613, None, 300.0),
        # 4 app limit: x-app-usage at 100 % says no time, so throttle_min_wait (60 s)
        (4, None, 60.0),
        # 32 page limit: x-page-usage only, no estimate: throttle_min_wait
        (32, None, 60.0),
    ],
)
def test_a_throttle_waits_what_meta_says_then_reads_on(
    meta, cassettes, fake_clock: FakeClock, code: int, usage, wait: float
) -> None:
    throttle = meta_error(code, usage=usage, object_id="1029384756")
    records, tape = _read(meta, cassettes, throttle)

    assert len(records) == 3
    # the throttle's wait, then the usage slow-downs of pages 1 and 2, nothing doubled:
    # the observer's pause and the retry wait end at the same moment
    assert fake_clock.sleeps == [wait, 5.0, 30.0]
    assert len(tape.requests) == 5  # account, page 1 throttled, page 1, 2, 3


def test_a_wait_beyond_the_retry_budget_fails_at_once(meta, cassettes, fake_clock) -> None:
    # 15 minutes to regain access is more than the 600 s retry budget
    throttle = meta_error(
        80000, usage={"estimated_time_to_regain_access": 15}, object_id="1029384756"
    )
    with pytest.raises(RateLimitError) as info:
        _read(meta, cassettes, throttle, allow_unused=True)

    error = info.value
    assert error.retriable
    assert error.retry_after == 900.0
    assert error.details["reason"] == "budget"
    assert (error.account, error.vendor_code) == ("act_1029384756", 80000)
    assert "too many calls from this ad-account" in (error.vendor_message or "")
    assert fake_clock.sleeps == []


def test_a_persistent_throttle_gives_up_after_the_attempts(meta, cassettes, fake_clock) -> None:
    with pytest.raises(RateLimitError) as info:
        _read(meta, cassettes, *[meta_error(4)] * 5, allow_unused=True)

    assert info.value.details["attempts"] == 5
    assert fake_clock.sleeps == [60.0, 60.0, 60.0, 60.0]


def test_the_pause_is_shared_by_every_session_of_the_account(meta, cassettes, fake_clock) -> None:
    limiter = rate_limiter(("meta", "act_1029384756"), None)
    with use_cassette(cassettes / "contract/check.yaml"), meta() as connector:
        limiter.penalize(7.0)  # e.g. another thread's throttle on this account
        assert connector.check().ok
        assert connector._client("act_1029384756").limiter is limiter

    assert fake_clock.sleeps == [7.0]


def test_usage_headers_are_parsed_as_documented() -> None:
    headers = {
        "x-app-usage": '{"call_count":28,"total_time":25,"total_cputime":25}',
        "x-ad-account-usage": '{"acc_id_util_pct":9.67,"reset_time_duration":100,'
        '"ads_api_access_tier":"standard_access"}',
        "x-business-use-case-usage": '{"66782684":[{"type":"ads_management","call_count":95,'
        '"total_cputime":20,"total_time":20,"estimated_time_to_regain_access":0,'
        '"ads_api_access_tier":"development_access"}]}',
        "x-fb-ads-insights-throttle": "not json",
    }
    usage = parse_usage(headers)

    assert usage.percent == 95.0
    assert usage.regain_seconds == 0.0  # the account is at 9.67 %: reset_time does not apply
    assert set(usage.headers or {}) == {
        "x-app-usage",
        "x-ad-account-usage",
        "x-business-use-case-usage",
    }
    assert UsageObserver("act_1", {75: 5, 90: 30, 95: 60}).delay_for(usage) == 60.0
