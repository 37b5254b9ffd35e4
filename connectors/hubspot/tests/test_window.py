"""A read's date range is modification time, in the portal's time zone.

The portal is in Asia/Jerusalem: UTC+3 until 2026-10-25 02:00, UTC+2 after (daylight
saving ends). The reads happen as of 2026-11-02 10:00 UTC (12:00 in Jerusalem).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from partnerkit_hubspot import HubSpotConnector, HubSpotPortal

from partnerkit.connector import ReadRequest
from partnerkit.testing import use_cassette

PORTAL = HubSpotPortal(portal_id="24681357", time_zone="Asia/Jerusalem", currency="ILS")
AS_OF = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)


def ms(text: str) -> int:
    moment = dt.datetime.fromisoformat(text)
    return int(moment.timestamp() * 1000)


@pytest.mark.parametrize(
    ("start", "end", "include_today", "start_utc", "end_utc"),
    [
        # a week before the change: midnight is 21:00Z the day before
        (
            "2026-10-05",
            "2026-10-06",
            False,
            "2026-10-04T21:00:00+00:00",
            "2026-10-06T21:00:00+00:00",
        ),
        # across the change: the window is 49 hours long, and ends at 22:00Z
        (
            "2026-10-24",
            "2026-10-25",
            False,
            "2026-10-23T21:00:00+00:00",
            "2026-10-25T22:00:00+00:00",
        ),
        # no end: up to yesterday, 2026-11-01, i.e. before 2026-11-02 00:00 (+02:00)
        ("2026-10-30", None, False, "2026-10-29T22:00:00+00:00", "2026-11-01T22:00:00+00:00"),
        # today included: up to now, never into the future
        ("2026-11-02", None, True, "2026-11-01T22:00:00+00:00", "2026-11-02T10:00:00+00:00"),
    ],
)
def test_days_become_milliseconds_of_modification_time(
    connect: Callable[..., HubSpotConnector],
    start: str,
    end: str | None,
    include_today: bool,
    start_utc: str,
    end_utc: str,
) -> None:
    request = ReadRequest(
        stream="leads", start=start, end=end, include_today=include_today, as_of=AS_OF
    )
    with connect() as hubspot:
        window = hubspot._window(request, PORTAL)
    assert (window.start_ms, window.end_ms) == (ms(start_utc), ms(end_utc))


def test_no_start_is_a_full_read(connect: Callable[..., HubSpotConnector]) -> None:
    with connect() as hubspot:
        window = hubspot._window(ReadRequest(stream="deals", as_of=AS_OF), PORTAL)
    assert window.start_ms is None
    assert window.describe() == "the beginning to 2026-11-01 (Asia/Jerusalem)"


def test_streams_advance_on_updated_at_with_a_day_of_lookback() -> None:
    for spec in HubSpotConnector.streams:
        if spec.name == "marketing_emails":  # by send time, not a CRM object's cursor
            continue
        # form submissions never change once made: they advance on their submission time
        wanted = "submitted_at" if spec.name == "form_submissions" else "updated_at"
        assert spec.cursor == wanted
        assert spec.default_lookback == dt.timedelta(days=1)
    leads = HubSpotConnector.stream_spec("leads")
    planned = leads.incremental_request(dt.date(2026, 10, 6), end=dt.date(2026, 10, 8))
    assert planned.start == dt.date(2026, 10, 6)  # cursor + 1 day - 1 day of lookback


def test_lookback_days_overrides(connect: Callable[..., HubSpotConnector]) -> None:
    with connect(lookback_days=3) as hubspot:
        assert hubspot.lookback("deals") == dt.timedelta(days=3)


def test_a_range_that_starts_after_it_ends_asks_nothing(
    cassettes: Path, connect: Callable[..., HubSpotConnector]
) -> None:
    # start today (2026-11-02 in Jerusalem) without include_today: the range is empty
    with use_cassette(cassettes / "owners.yaml", allow_unused=True) as tape, connect() as hubspot:
        stream = hubspot.stream(stream="leads", start="2026-11-02", as_of=AS_OF)
        assert stream.to_dicts() == []
    assert [r.url for r in tape.requests] == ["https://api.hubapi.com/account-info/v3/details"]
    assert [n.code for n in stream.notices] == ["read_summary"]


def test_an_end_of_today_is_clipped_to_yesterday_with_the_shared_notice(
    cassettes: Path, connect: Callable[..., HubSpotConnector]
) -> None:
    # 12:00 on 2026-11-02 in Jerusalem: an end of 11-03 reads up to the end of 11-01
    # (before, the portal's half-read today and the future were asked for, unsaid)
    request = ReadRequest(
        stream="leads", start=dt.date(2026, 11, 2), end=dt.date(2026, 11, 3), as_of=AS_OF
    )
    with connect() as hubspot:
        window = hubspot._window(request, PORTAL)
    assert window.end == dt.date(2026, 11, 1)
    assert window.end_ms == ms("2026-11-02T00:00:00+02:00")
    with use_cassette(cassettes / "owners.yaml", allow_unused=True), connect() as hubspot:
        stream = hubspot.stream(request)
        assert stream.to_dicts() == []
    (excluded,) = [n for n in stream.notices if n.code == "today_excluded"]
    assert (excluded.details["end"], excluded.details["excluded_days"]) == ("2026-11-01", 2)
