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
