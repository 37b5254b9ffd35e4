"""The retry policy under every injected fault, with exact waits on a fake clock."""

from __future__ import annotations

import email.utils
import json
from collections.abc import Callable

import pytest
import requests
import responses

from partnerkit import http
from partnerkit.errors import (
    AuthenticationError,
    ConfigurationError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    SourceError,
    TransientError,
)
from partnerkit.testing import faults
from partnerkit.testing.clock import FakeClock
from partnerkit.testing.faults import Fault

TOKEN = "SECRET-TOKEN-123"
URL = f"https://ads.example.com/v1/act_42/insights?access_token={TOKEN}"
REQUEST = "GET https://ads.example.com/v1/act_42/insights?access_token=REDACTED"
DATA = {"data": [{"impressions": "1200", "spend": "12.50"}]}

Session = Callable[..., requests.Session]
Backoffs = Callable[..., list[float]]


def assert_no_secret(error: BaseException) -> None:
    for text in (str(error), repr(error), str(getattr(error, "details", ""))):
        assert TOKEN not in text


# -------------------------------------------------------------- Retry-After honoured


def test_retry_after_seconds_is_waited_exactly(rsps, clock, ads_session: Session) -> None:
    steps = faults.script(rsps, "GET", URL, faults.rate_limited(retry_after=7), DATA)

    response = ads_session().get(URL)

    assert response.json() == DATA
    assert clock.sleeps == [7.0]
    assert [s.call_count for s in steps] == [1, 1]


def test_retry_after_http_date_is_waited_until_that_date(rsps, clock, ads_session) -> None:
    date = email.utils.formatdate(clock.time() + 30, usegmt=True)
    faults.script(rsps, "GET", URL, faults.rate_limited(retry_after=date), DATA)

    ads_session().get(URL)

    assert clock.sleeps == [30.0]


def test_retry_after_on_503_is_honoured(rsps, clock, ads_session) -> None:
    faults.script(rsps, "GET", URL, faults.server_error(503, retry_after=12), DATA)

    ads_session().get(URL)

    assert clock.sleeps == [12.0]


# ---------------------------------------------------------- jittered exponential backoff


def test_429_without_retry_after_backs_off_with_seeded_jitter(
    rsps, clock, ads_session: Session, backoffs: Backoffs
) -> None:
    faults.script(rsps, "GET", URL, *[faults.rate_limited()] * 3, DATA)

    response = ads_session().get(URL)

    assert response.status_code == 200
    assert clock.sleeps == backoffs(3)
    # proportional jitter: each wait is within [half, all] of 1, 2, 4 seconds
    for wait, ceiling in zip(clock.sleeps, (1, 2, 4), strict=True):
        assert ceiling / 2 <= wait <= ceiling


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_each_retriable_5xx_is_retried(rsps, clock, ads_session, backoffs, status) -> None:
    faults.script(rsps, "GET", URL, faults.server_error(status), DATA)

    assert ads_session().get(URL).json() == DATA
    assert clock.sleeps == backoffs(1)


def test_backoff_is_capped_by_max_delay(rsps, clock, ads_session, policy) -> None:
    faults.script(rsps, "GET", URL, *[faults.server_error(503)] * 3, DATA)
    session = ads_session(policy=policy(base_delay=10, max_delay=15, jitter=0))

    session.get(URL)

    assert clock.sleeps == [10.0, 15.0, 15.0]


def test_501_is_not_in_the_retried_statuses(rsps, clock, ads_session) -> None:
    faults.script(rsps, "GET", URL, faults.server_error(501))

    assert ads_session().get(URL).status_code == 501
    assert clock.sleeps == []


# -------------------------------------------------------------------------- giving up


def test_gives_up_after_five_attempts_naming_api_account_and_request(
    rsps, clock, ads_session, backoffs
) -> None:
    (step,) = faults.script(rsps, "GET", URL, faults.server_error(503))

    with pytest.raises(TransientError) as caught:
        ads_session().get(URL)

    error = caught.value
    assert step.call_count == 5
    assert clock.sleeps == backoffs(4)
    assert error.api == "ads"
    assert error.account == "act_42"
    assert error.request == REQUEST
    assert error.status == 503
    assert error.vendor_code == 503
    assert error.vendor_message == "The service is currently unavailable."
    assert error.details["attempts"] == 5
    assert error.details["waits"] == backoffs(4)
    assert error.details["total_wait"] == pytest.approx(sum(backoffs(4)))
    assert error.details["reason"] == "max_attempts"
    assert error.retriable
    assert "Gave up on the ads API after 5 attempt(s)" in str(error)
    assert "account=act_42" in str(error)
    assert REQUEST in str(error)
    assert_no_secret(error)


def test_persistent_throttling_gives_up_as_rate_limit_error(rsps, clock, ads_session) -> None:
    faults.script(rsps, "GET", URL, faults.rate_limited(retry_after=2))

    with pytest.raises(RateLimitError) as caught:
        ads_session().get(URL)

    assert clock.sleeps == [2.0, 2.0, 2.0, 2.0]
    assert caught.value.retry_after == 2.0
    assert caught.value.details["attempts"] == 5


def test_retry_after_longer_than_the_budget_gives_up_at_once(rsps, clock, ads_session) -> None:
    (step,) = faults.script(rsps, "GET", URL, faults.rate_limited(retry_after=600))

    with pytest.raises(RateLimitError) as caught:
        ads_session().get(URL)

    error = caught.value
    assert step.call_count == 1
    assert clock.sleeps == []
    assert error.retry_after == 600.0
    assert error.details == {
        "attempts": 1,
        "waits": [],
        "total_wait": 0.0,
        "reason": "budget",
    }
    assert "asked to wait 600 s, more than the 300 s left of the 300 s retry budget" in str(error)
    assert error.api == "ads"
    assert error.account == "act_42"
    assert error.request == REQUEST
    assert_no_secret(error)


def test_budget_counts_the_waits_already_spent(rsps, clock, ads_session, policy) -> None:
    faults.script(rsps, "GET", URL, faults.rate_limited(6), faults.rate_limited(6))
    session = ads_session(policy=policy(max_total_wait=10))

    with pytest.raises(RateLimitError) as caught:
        session.get(URL)

    assert clock.sleeps == [6.0]
    assert caught.value.details["attempts"] == 2
    assert caught.value.details["reason"] == "budget"
    assert "more than the 4 s left of the 10 s retry budget" in str(caught.value)


def test_max_attempts_one_means_no_retry(rsps, clock, ads_session, policy) -> None:
    faults.script(rsps, "GET", URL, faults.server_error(502))

    with pytest.raises(TransientError):
        ads_session(policy=policy(max_attempts=1)).get(URL)
    assert clock.sleeps == []


# ------------------------------------------------------------ connection-level faults


def test_connection_reset_is_retried_then_succeeds(rsps, clock, ads_session, backoffs) -> None:
    faults.script(rsps, "GET", URL, faults.connection_reset(), DATA)

    assert ads_session().get(URL).json() == DATA
    assert clock.sleeps == backoffs(1)


def test_connection_reset_becomes_transient_error_after_retries(
    rsps, clock, ads_session, backoffs
) -> None:
    faults.script(rsps, "GET", URL, faults.connection_reset())

    with pytest.raises(TransientError) as caught:
        ads_session().get(URL)

    error = caught.value
    assert clock.sleeps == backoffs(4)
    assert error.details["attempts"] == 5
    assert error.status is None
    assert "Connection reset by peer" in error.details["cause"]
    assert error.request == REQUEST


def test_read_timeout_becomes_transient_error_after_retries(
    rsps, clock, ads_session, backoffs
) -> None:
    faults.script(rsps, "GET", URL, faults.read_timeout(60))

    with pytest.raises(TransientError) as caught:
        ads_session().get(URL)

    assert clock.sleeps == backoffs(4)
    assert caught.value.details["cause"] == "ReadTimeout: Read timed out. (read timeout=60)"


def test_transport_error_text_is_redacted(rsps, clock, ads_session, policy) -> None:
    leak = (
        "HTTPSConnectionPool(host='ads.example.com', port=443): Max retries exceeded with "
        f"url: /v21.0/act_42/insights?access_token={TOKEN} (Caused by NewConnectionError)"
    )
    broken = Fault(exception=requests.exceptions.ConnectionError(leak))
    faults.script(rsps, "GET", URL, broken)

    with pytest.raises(TransientError) as caught:
        ads_session(policy=policy(max_attempts=1)).get(URL)

    assert "access_token=REDACTED" in caught.value.details["cause"]
    assert_no_secret(caught.value)
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__


# --------------------------------------------------------------------- bodies


def test_truncated_json_is_retried(rsps, clock, ads_session, backoffs) -> None:
    faults.script(rsps, "GET", URL, faults.truncated_json(DATA), DATA)

    assert ads_session().get(URL).json() == DATA
    assert clock.sleeps == backoffs(1)


def test_always_truncated_json_gives_up_with_status_200(rsps, clock, ads_session) -> None:
    faults.script(rsps, "GET", URL, faults.truncated_json(DATA))

    with pytest.raises(TransientError) as caught:
        ads_session().get(URL)

    assert caught.value.status == 200
    assert "the last failure was a truncated JSON body" in str(caught.value)


def test_malformed_but_complete_json_is_passed_through(rsps, clock, ads_session) -> None:
    faults.script(rsps, "GET", URL, faults.malformed_json())

    response = ads_session().get(URL)

    assert response.status_code == 200
    assert clock.sleeps == []
    with pytest.raises(requests.exceptions.JSONDecodeError):
        response.json()


# ------------------------------------------------- non-retriable: returned unchanged

EXPIRED = faults.json_fault(
    401, {"error": {"code": "TOKEN_EXPIRED", "message": "The access token expired 2 hours ago."}}
)
DENIED = faults.json_fault(
    403, {"error": {"code": "DENIED", "message": "The user may not read this account."}}
)
INVALID = faults.json_fault(400, {"message": "Invalid parameter: fields", "code": 100})
MISSING = faults.json_fault(404, {"error": {"message": "Object act_42 does not exist."}})


@pytest.mark.parametrize(
    ("fault", "status", "error_class", "vendor_message"),
    [
        (EXPIRED, 401, AuthenticationError, "The access token expired 2 hours ago."),
        (DENIED, 403, PermissionDeniedError, "The user may not read this account."),
        (INVALID, 400, InvalidRequestError, "Invalid parameter: fields"),
        (MISSING, 404, NotFoundError, "Object act_42 does not exist."),
    ],
)
def test_non_retriable_errors_are_returned_unchanged_and_map_to_the_right_class(
    rsps, clock, ads_session, fault, status, error_class, vendor_message
) -> None:
    (step,) = faults.script(rsps, "GET", URL, fault)

    response = ads_session().get(URL)

    assert response.status_code == status
    assert response.content == (
        fault.body if isinstance(fault.body, bytes) else fault.body.encode()
    )
    assert step.call_count == 1
    assert clock.sleeps == []
    error = http.error_from_response("ads", response, account="act_42")
    assert type(error) is error_class
    assert error.vendor_message == vendor_message
    assert error.status == status
    assert error.request == REQUEST
    assert not error.retriable
    assert_no_secret(error)


# --------------------------------------------------------------- vendor classifiers
# A made-up API that throttles with HTTP 400 and {"error": {"code": "THROTTLED"}},
# naming its wait in minutes in a header: the shape of rule a connector's classifier
# adds (the real ones are tested with their connectors).


def throttle(minutes: int | None = None) -> Fault:
    headers = {"x-wait-minutes": str(minutes)} if minutes is not None else {}
    body = {"error": {"code": "THROTTLED", "message": "Too many calls."}}
    return faults.json_fault(400, body, headers)


def classifier(response: requests.Response) -> SourceError | None:
    """Code THROTTLED on HTTP 400 is a retriable throttle; TOKEN_EXPIRED is fatal."""
    if response.status_code != 400:
        return None
    error = response.json().get("error", {})
    if error.get("code") == "TOKEN_EXPIRED":
        return AuthenticationError(error["message"], api="ads", vendor_code="TOKEN_EXPIRED")
    if error.get("code") != "THROTTLED":
        return None
    minutes = response.headers.get("x-wait-minutes")
    return RateLimitError(
        error["message"],
        api="ads",
        status=400,
        vendor_code="THROTTLED",
        vendor_message=error["message"],
        retry_after=int(minutes) * 60 if minutes else None,
    )


def test_vendor_classifier_retries_a_throttle_for_the_time_the_api_names(
    rsps, clock, ads_session
) -> None:
    faults.script(rsps, "GET", URL, throttle(1), DATA)

    response = ads_session(classifier=classifier).get(URL)

    assert response.json() == DATA
    assert clock.sleeps == [60.0]


def test_vendor_classifier_wait_too_long_gives_up_keeping_the_vendor_code(
    rsps, clock, ads_session
) -> None:
    faults.script(rsps, "GET", URL, throttle(10))

    with pytest.raises(RateLimitError) as caught:
        ads_session(classifier=classifier).get(URL)

    error = caught.value
    assert clock.sleeps == []
    assert error.retry_after == 600
    assert error.vendor_code == "THROTTLED"
    assert error.vendor_message == "Too many calls."
    assert error.request == REQUEST
    assert error.account == "act_42"


def test_a_classified_throttle_without_a_wait_backs_off(rsps, clock, ads_session, backoffs) -> None:
    faults.script(rsps, "GET", URL, throttle(), DATA)

    ads_session(classifier=classifier).get(URL)

    assert clock.sleeps == backoffs(1)


def test_non_retriable_vendor_classification_returns_the_response(rsps, clock, ads_session) -> None:
    expired = faults.json_fault(400, {"error": {"code": "TOKEN_EXPIRED", "message": "Expired."}})
    faults.script(rsps, "GET", URL, expired)

    response = ads_session(classifier=classifier).get(URL)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "TOKEN_EXPIRED"
    assert clock.sleeps == []


def test_a_classified_wait_beyond_the_budget_gives_up_at_once(rsps, clock, ads_session) -> None:
    faults.script(rsps, "GET", URL, throttle(60 * 12))

    with pytest.raises(RateLimitError) as caught:
        ads_session(classifier=classifier).get(URL)

    assert clock.sleeps == []
    assert caught.value.retry_after == 43200.0
    assert caught.value.details["reason"] == "budget"
    assert caught.value.request == REQUEST


# ------------------------------------------------------------- observer and limiter


def test_on_response_delay_holds_back_the_next_request(rsps, clock, ads_session) -> None:
    faults.script(rsps, "GET", URL, DATA)
    delays = iter([2.5, None])
    session = ads_session(on_response=lambda response: next(delays))

    session.get(URL)
    assert clock.sleeps == []
    session.get(URL)
    assert clock.sleeps == [2.5]


def test_a_usage_observer_slows_down_before_the_limit(rsps, clock, ads_session) -> None:
    busy = Fault(
        status=200,
        headers={"Content-Type": "application/json", "x-usage-percent": "92"},
        body=json.dumps(DATA),
    )
    faults.script(rsps, "GET", URL, busy, DATA)

    def observe(response: requests.Response) -> float | None:
        return 30.0 if int(response.headers.get("x-usage-percent", "0")) >= 90 else None

    session = ads_session(on_response=observe)
    session.get(URL)
    session.get(URL)
    session.get(URL)

    assert clock.sleeps == [30.0]


class InterleavingClock(FakeClock):
    """Runs a callback (another user's request) during the first sleep."""

    def __init__(self) -> None:
        super().__init__()
        self.during_first_sleep: Callable[[], object] | None = None

    def sleep(self, seconds: float) -> None:
        hook, self.during_first_sleep = self.during_first_sleep, None
        if hook is not None:
            hook()
        super().sleep(seconds)


def test_a_throttle_pauses_every_session_sharing_the_limiter(rsps, policy) -> None:
    clock = InterleavingClock()
    limiter = http.RateLimiter(None, clock=clock)
    other_url = "https://ads.example.com/v1/act_42/campaigns"
    faults.script(rsps, "GET", URL, faults.rate_limited(5), DATA)
    faults.script(rsps, "GET", other_url, {"data": []})
    first = http.session("ads", limiter=limiter, clock=clock, policy=policy())
    second = http.session("ads", limiter=limiter, clock=clock, policy=policy())
    clock.during_first_sleep = lambda: second.get(other_url)

    first.get(URL)

    # the second session, sending while the first waits out its 429, waits the same 5 s
    assert clock.sleeps == [5.0, 5.0]


def test_limiter_spacing_applies_to_every_attempt(rsps, clock, ads_session) -> None:
    faults.script(rsps, "GET", URL, DATA)
    session = ads_session(limiter=http.RateLimiter(2, burst=1, clock=clock))

    for _ in range(3):
        session.get(URL)

    assert clock.sleeps == [0.5, 0.5]


# ------------------------------------------------------------ what is never retried


def test_a_responses_mock_miss_is_raised_at_once(rsps, clock, ads_session) -> None:
    with pytest.raises(
        requests.exceptions.ConnectionError, match="Connection refused by Responses"
    ):
        ads_session().get("https://ads.example.com/v1/me")
    assert clock.sleeps == []


class NetworkBlockedError(ConfigurationError):
    """Stands for the test socket guard's error."""


def test_a_partnerkit_error_behind_a_transport_error_is_raised_unretried(
    rsps, clock, ads_session
) -> None:
    blocked = requests.exceptions.ConnectionError("could not connect")
    blocked.__cause__ = NetworkBlockedError("the network is blocked in tests")
    faults.script(rsps, "GET", URL, Fault(exception=blocked))

    with pytest.raises(NetworkBlockedError):
        ads_session().get(URL)
    assert clock.sleeps == []


def test_a_streamed_request_body_is_sent_once(rsps, clock, ads_session) -> None:
    url = "https://ads.example.com/v1/act_42/adimages"
    faults.script(rsps, "POST", url, faults.server_error(503))

    with pytest.raises(TransientError) as caught:
        ads_session().post(url, data=iter([b"chunk-1", b"chunk-2"]))
    assert caught.value.details["attempts"] == 1
    assert caught.value.details["reason"] == "not_replayable"
    assert "the request body is a stream and cannot be sent again" in str(caught.value)
    assert clock.sleeps == []


def test_mount_puts_the_adapter_in_front_of_sdk_adapters(rsps, clock) -> None:
    sdk_session = requests.Session()
    sdk_session.mount("https://ads.example.com", requests.adapters.HTTPAdapter())
    faults.script(rsps, "GET", URL, faults.rate_limited(3), DATA)

    same = http.mount(sdk_session, "ads", clock=clock)

    assert same is sdk_session
    assert isinstance(sdk_session.get_adapter(URL), http.PartnerkitAdapter)
    assert sdk_session.get(URL).json() == DATA
    assert clock.sleeps == [3.0]


def test_the_default_policy_matches_the_documentation() -> None:
    default = http.RetryPolicy()
    assert (default.max_attempts, default.base_delay, default.max_delay) == (5, 1.0, 60.0)
    assert (default.max_total_wait, default.jitter) == (300.0, 0.5)
    assert default.retry_statuses == {429, 500, 502, 503, 504}


@pytest.mark.parametrize(
    "overrides",
    [{"max_attempts": 0}, {"base_delay": -1}, {"max_total_wait": -1}, {"jitter": 1.5}],
)
def test_invalid_policies_are_refused(overrides) -> None:
    with pytest.raises(ValueError, match="must"):
        http.RetryPolicy(**overrides)


def test_responses_is_the_mock_used(rsps) -> None:
    assert isinstance(rsps, responses.RequestsMock)
