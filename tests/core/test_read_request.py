"""ReadRequest: the moment of a read (``as_of``) is public and must be aware."""

import datetime as dt

import pytest
from pydantic import ValidationError

from partnerkit.connector import ReadRequest


def test_as_of_is_the_moment_of_the_read() -> None:
    moment = dt.datetime(2026, 10, 31, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-7)))
    request = ReadRequest(stream="daily", as_of=moment)

    assert request.now() == moment
    assert request.now().astimezone(dt.UTC).date() == dt.date(2026, 11, 1)


def test_without_as_of_now_is_the_wall_clock_in_utc() -> None:
    before = dt.datetime.now(dt.UTC)
    now = ReadRequest(stream="daily").now()
    after = dt.datetime.now(dt.UTC)

    assert now.tzinfo is not None
    assert before <= now <= after


def test_a_naive_as_of_is_refused_with_what_to_do() -> None:
    with pytest.raises(ValidationError, match="no time zone"):
        ReadRequest(stream="daily", as_of=dt.datetime(2026, 10, 31, 12))


def test_a_planned_incremental_read_keeps_the_moment_and_the_lookback() -> None:
    from partnerkit.connector import StreamSpec
    from partnerkit.records import RecordKind

    spec = StreamSpec(
        name="daily",
        kind=RecordKind.PERFORMANCE,
        description="Daily rows.",
        cursor="date",
        default_lookback=dt.timedelta(days=3),
    )
    moment = dt.datetime(2026, 11, 1, 6, tzinfo=dt.UTC)

    request = spec.incremental_request(
        dt.date(2026, 10, 20), end=dt.date(2026, 10, 31), as_of=moment
    )

    # The day after the cursor (10-21) minus the 3-day lookback.
    assert (request.start, request.end) == (dt.date(2026, 10, 18), dt.date(2026, 10, 31))
    assert request.now() == moment


def test_a_connectors_clock_stands_in_only_when_the_request_names_no_moment() -> None:
    fixed = dt.datetime(2026, 1, 2, 3, tzinfo=dt.UTC)
    moment = dt.datetime(2026, 10, 31, 12, tzinfo=dt.UTC)

    assert ReadRequest(stream="daily").now(lambda: fixed) == fixed
    assert ReadRequest(stream="daily", as_of=moment).now(lambda: fixed) == moment
