"""The cursor rules: planning the next read and moving the cursor after it."""

import datetime as dt

import pyarrow as pa
import pytest

from partnerkit.connector import StreamSpec
from partnerkit.records import RecordKind
from partnerkit.store.state import (
    advance_cursor,
    batch_max_day,
    cursor_day,
    last_complete_day,
    plan_request,
)

DAILY = StreamSpec(name="daily", kind=RecordKind.PERFORMANCE, default_lookback=dt.timedelta(3))
FULL = StreamSpec(name="meta", kind=RecordKind.CAMPAIGN, cursor=None)


def day(n: int) -> dt.date:
    return dt.date(2026, 10, n)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # 11:59 UTC on Oct 11 is 23:59 on Oct 10 at UTC-12: Oct 10 is not over there yet
        (dt.datetime(2026, 10, 11, 11, 59, tzinfo=dt.UTC), day(9)),
        # from 12:00 UTC, Oct 10 has ended everywhere
        (dt.datetime(2026, 10, 11, 12, 0, tzinfo=dt.UTC), day(10)),
        # an aware time elsewhere: 01:00 on Oct 12 in Tokyo is 16:00 UTC on Oct 11
        (dt.datetime(2026, 10, 12, 1, 0, tzinfo=dt.timezone(dt.timedelta(hours=9))), day(10)),
    ],
)
def test_last_complete_day_is_over_in_every_time_zone(now: dt.datetime, expected: dt.date) -> None:
    assert last_complete_day(now) == expected


def test_first_read_starts_at_the_beginning() -> None:
    request = plan_request(DAILY, None, lookback=dt.timedelta(3), accounts=("a",))
    assert (request.start, request.end, request.accounts) == (None, None, ("a",))


def test_next_read_re_reads_the_lookback_window() -> None:
    # cursor Oct 10, lookback 3 days: Oct 11 - 3 days = Oct 8
    request = plan_request(DAILY, day(10), lookback=dt.timedelta(3))
    assert request.start == day(8)
    assert request.end is None


def test_from_overrides_the_cursor_and_full_refresh_ignores_it() -> None:
    assert plan_request(DAILY, day(10), lookback=dt.timedelta(3), start=day(2)).start == day(2)
    refresh = plan_request(DAILY, day(10), lookback=dt.timedelta(3), full_refresh=True)
    assert refresh.start is None


def test_a_stream_without_a_cursor_is_read_whole() -> None:
    assert plan_request(FULL, day(10), lookback=dt.timedelta(3)).start is None


def test_the_cursor_moves_to_the_end_of_a_bounded_read() -> None:
    request = plan_request(DAILY, day(5), lookback=dt.timedelta(3), end=day(20))
    assert advance_cursor(day(5), request, day(18), complete=day(30)) == day(20)


def test_an_open_read_moves_the_cursor_to_the_last_day_seen() -> None:
    request = plan_request(DAILY, day(5), lookback=dt.timedelta(3))
    assert advance_cursor(day(5), request, day(12), complete=day(30)) == day(12)


def test_the_cursor_never_passes_the_last_complete_day() -> None:
    request = plan_request(DAILY, day(5), lookback=dt.timedelta(3), end=day(31))
    assert advance_cursor(day(5), request, None, complete=day(22)) == day(22)


def test_the_cursor_never_moves_back_except_on_a_full_refresh() -> None:
    # re-reading an old range with --from/--to keeps the later cursor
    old = plan_request(DAILY, day(20), lookback=dt.timedelta(3), start=day(1), end=day(3))
    assert advance_cursor(day(20), old, day(3), complete=day(30)) == day(20)
    # nothing seen on an open read: the cursor stays
    open_read = plan_request(DAILY, day(20), lookback=dt.timedelta(3))
    assert advance_cursor(day(20), open_read, None, complete=day(30)) == day(20)
    # a full refresh restarts the cursor from what it read
    refresh = plan_request(DAILY, day(20), lookback=dt.timedelta(3), full_refresh=True)
    assert advance_cursor(day(20), refresh, day(7), full_refresh=True, complete=day(30)) == day(7)


def test_no_cursor_column_means_no_cursor() -> None:
    request = plan_request(FULL, None, lookback=dt.timedelta(0))
    assert advance_cursor(None, request, day(3), has_cursor=False) is None


def test_batch_max_day_reads_dates_and_utc_days_of_timestamps() -> None:
    dates = pa.table({"date": pa.array([day(3), None, day(9)], pa.date32())})
    assert batch_max_day(dates, "date") == day(9)
    # 23:30 in Jerusalem on Oct 9 is 20:30 UTC: the UTC day is Oct 9
    jerusalem = dt.timezone(dt.timedelta(hours=3))
    stamps = pa.table(
        {
            "created_at": pa.array(
                [dt.datetime(2026, 10, 9, 23, 30, tzinfo=jerusalem)], pa.timestamp("us", "UTC")
            )
        }
    )
    assert batch_max_day(stamps, "created_at") == day(9)
    assert batch_max_day(dates, "missing") is None
    assert batch_max_day(pa.table({"date": pa.array([None], pa.date32())}), "date") is None
    assert batch_max_day(dates, None) is None


def test_cursor_day_is_the_date_or_the_utc_day_of_a_timestamp() -> None:
    # 01:30 on Oct 10 at UTC+3 is 22:30 UTC on Oct 9
    plus_three = dt.timezone(dt.timedelta(hours=3))
    assert cursor_day(dt.datetime(2026, 10, 10, 1, 30, tzinfo=plus_three)) == day(9)
    assert cursor_day(dt.datetime(2026, 10, 10, 1, 30)) == day(10)  # naive: read as UTC
    assert cursor_day(day(4)) == day(4)
    assert cursor_day(None) is None
    assert cursor_day("2026-10-04") is None
