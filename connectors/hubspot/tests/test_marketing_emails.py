"""The marketing_emails stream: HubSpot's email statistics as email_campaign records, by hand.

The cassette's emails (portal 24681357, Asia/Jerusalem):

=========================  ===============  =====  =========  ====  ====  ====  =====  =====
email                      published (UTC)  sent   delivered  hard  soft  open  click  unsub
=========================  ===============  =====  =========  ====  ====  ====  =====  =====
October newsletter         10-06 07:00      2000   1960       15    25    882   98     12
Solar webinar invitation   10-20 21:30      500    490        4     6     250   45     20
Welcome series 1 (auto)    10-02 08:00      130    129        1     0     70    20     1
November newsletter        (a draft)
September newsletter       09-28 07:00      1900   1870       10    20    800   90     9
=========================  ===============  =====  =========  ====  ====  ====  =====  =====

HubSpot's ``open`` and ``click`` counters are unique (contacts).
"""

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from partnerkit_hubspot import testing as hubspot_faults

from partnerkit.connector import ReadRequest
from partnerkit.email import Rate, rollup
from partnerkit.errors import AuthenticationError, RateLimitError, ResponseShapeError
from partnerkit.testing import FakeClock, read_through
from partnerkit.testing.faults import Fault

CASSETTES = Path(__file__).parent / "cassettes"
CONTRACT = CASSETTES / "contract_emails" / "marketing_emails.yaml"
OCTOBER = {"start": dt.date(2026, 10, 1), "end": dt.date(2026, 10, 31)}


@pytest.fixture
def read(connect: Callable[..., Any]) -> Callable[..., Any]:
    def run(path: Path = CONTRACT, **kwargs: Any) -> Any:
        settings = kwargs.pop("settings", {})
        connector = connect(streams=["marketing_emails"], **settings)
        request = ReadRequest(stream="marketing_emails", **OCTOBER)
        return read_through(path, connector, request, record=False, **kwargs)

    return run


def test_octobers_batch_sends_with_their_counts(read: Any) -> None:
    records, notices, _tape = read()
    by_id = {r["email_id"]: r for r in records}
    # the automated email, the draft and the September send are left out
    assert sorted(by_id) == ["184993428780", "184993428781"]
    october = by_id["184993428780"]
    assert (october["platform"], october["account_id"]) == ("hubspot", "24681357")
    assert (october["name"], october["subject"]) == (
        "October newsletter",
        "Your October energy report",
    )
    assert october["email_type"] == "BATCH_EMAIL"
    assert october["sent_at"] == dt.datetime(2026, 10, 6, 7, tzinfo=dt.UTC)
    assert october["date"] == dt.date(2026, 10, 6)
    assert (october["sent"], october["delivered"], october["bounces"]) == (2000, 1960, 40)
    assert (october["hard_bounces"], october["soft_bounces"]) == (15, 25)
    assert (october["opens"], october["unique_opens"]) == (None, 882)  # unique only
    assert (october["clicks"], october["unique_clicks"]) == (None, 98)
    assert (october["unsubscribes"], october["spam_reports"]) == (12, 1)
    assert october["extra"] == {
        "dropped": 5,
        "selected": 2005,
        "suppressed": 0,
        "notsent": 5,
        "campaign_id": "7c3f6a52-8d1e-4c39-9b0e-2f6a1d5e8c10",
        "campaign_name": "Autumn newsletter",
    }
    # 2026-10-20 21:30 UTC is 2026-10-21 00:30 in Jerusalem (IDT, UTC+3)
    assert by_id["184993428781"]["date"] == dt.date(2026, 10, 21)
    assert by_id["184993428781"]["timezone"] == "Asia/Jerusalem"
    skipped = [n for n in notices if n.code == "automated_emails_skipped"]
    assert [n.details["count"] for n in skipped] == [1]


def test_the_month_rolls_up_through_partnerkit_email(read: Any) -> None:
    records, _notices, _tape = read()
    totals = rollup(records)
    # delivered 1,960 + 490 = 2,450; unique clicks 98 + 45 = 143; unsubscribes 12 + 20 = 32
    assert totals.rates["click_rate"] == Rate(round(143 / 2450, 6), 143, 2450)  # 0.058367
    assert totals.rates["unsubscribe_rate"] == Rate(0.013061, 32, 2450)
    # unique opens 882 + 250 = 1,132 → click-to-open 143 / 1,132 = 0.126325
    assert totals.rates["click_to_open_rate"] == Rate(0.126325, 143, 1132)


def test_pages_follow_paging_next_after(read: Any) -> None:
    records, _notices, tape = read(
        CASSETTES / "marketing_emails_paging.yaml", settings={"page_size": 3}
    )
    assert sorted(r["email_id"] for r in records) == ["184993428780", "184993428781"]
    afters = [r.query.get("after") for r in tape.requests if "/marketing/" in r.url]
    assert afters == [None, "Mw%3D%3D"]


def test_an_expired_token_on_the_emails_is_an_authentication_error(read: Any) -> None:
    with pytest.raises(AuthenticationError) as caught:
        read(faults={1: [hubspot_faults.expired_token()]}, allow_unused=True)
    assert caught.value.vendor_code == "EXPIRED_AUTHENTICATION"
    assert caught.value.account == "24681357"


def test_a_429_is_retried_then_the_read_goes_on(read: Any, fake_clock: FakeClock) -> None:
    records, _notices, _tape = read(faults={1: [hubspot_faults.hubspot_rate_limited()]})
    assert len(records) == 2
    assert len(fake_clock.sleeps) == 1
    with pytest.raises(RateLimitError):
        read(faults={1: [hubspot_faults.hubspot_rate_limited()] * 6}, allow_unused=True)


def test_counters_that_are_not_counts_are_a_shape_error(read: Any) -> None:
    body = (
        '{"results":[{"id":"1","isPublished":true,"publishDate":"2026-10-06T07:00:00Z",'
        '"stats":{"counters":{"sent":"many"}}}]}'
    )
    json = {"Content-Type": "application/json"}
    with pytest.raises(ResponseShapeError) as caught:
        read(replace={1: Fault(200, json, body)}, allow_unused=True)
    assert caught.value.where == "results[0].stats.counters.sent"
    assert caught.value.expected == "a whole number"


def test_a_sync_rereads_a_month_of_sends() -> None:
    from partnerkit_hubspot import HubSpotConnector

    spec = HubSpotConnector.stream_spec("marketing_emails")
    assert (spec.cursor, spec.default_lookback) == ("date", dt.timedelta(days=30))
    planned = spec.incremental_request(dt.date(2026, 10, 31), end=dt.date(2026, 11, 1))
    assert planned.start == dt.date(2026, 10, 2)  # cursor + 1 day - 30 days
