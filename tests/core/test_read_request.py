"""ReadRequest: the moment of a read (``as_of``), and the window it gives each account."""

import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from partnerkit.connector import TODAY_EXCLUDED, ReadRequest, ReadWindow
from partnerkit.errors import ConfigurationError


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


# ------------------------------------------------------------------ the window

# 2026-10-02 20:00 UTC: 13:00 on 10-02 in Los Angeles, 05:00 on 10-03 in Auckland.
EVENING = dt.datetime(2026, 10, 2, 20, 0, tzinfo=dt.UTC)


def test_the_window_ends_yesterday_in_the_accounts_zone_and_says_what_it_cut() -> None:
    request = ReadRequest(
        stream="daily", start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 4), as_of=EVENING
    )

    la = request.window("America/Los_Angeles")
    auckland = request.window("Pacific/Auckland")

    assert (la.start, la.end, la.today, la.excluded_days) == (
        dt.date(2026, 10, 1),
        dt.date(2026, 10, 1),
        dt.date(2026, 10, 2),
        3,  # 10-02, 10-03, 10-04
    )
    assert (auckland.end, auckland.today, auckland.excluded_days) == (
        dt.date(2026, 10, 2),
        dt.date(2026, 10, 3),
        2,
    )
    notice = la.notice("act_1")
    assert notice is not None
    assert notice.code == TODAY_EXCLUDED == "today_excluded"
    assert notice.details == {
        "account": "act_1",
        "time_zone": "America/Los_Angeles",
        "today": "2026-10-02",
        "asked_end": "2026-10-04",
        "end": "2026-10-01",
        "excluded_days": 3,
    }
    assert "include_today" in notice.message


def test_include_today_ends_on_today_and_an_open_end_is_no_exclusion() -> None:
    request = ReadRequest(stream="daily", include_today=True, as_of=EVENING)

    window = request.window(dt.timezone(dt.timedelta(hours=-7)))

    assert (window.start, window.end, window.excluded_days) == (None, dt.date(2026, 10, 2), 0)
    assert window.notice("a") is None


def test_an_end_long_past_needs_no_time_zone() -> None:
    def no_lookup() -> str:
        raise AssertionError("the zone was looked up")

    request = ReadRequest(stream="daily", end=dt.date(2026, 9, 30), as_of=EVENING)

    window = request.window(no_lookup)

    assert (window.end, window.today, window.notice("a")) == (dt.date(2026, 9, 30), None, None)


def test_an_unknown_zone_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="Mars/Olympus"):
        ReadRequest(stream="daily", as_of=EVENING).window("Mars/Olympus")


def test_chunks_and_halves_by_hand() -> None:
    window = ReadWindow(dt.date(2026, 10, 1), dt.date(2026, 10, 5))

    assert list(window.chunks(2)) == [
        (dt.date(2026, 10, 1), dt.date(2026, 10, 2)),
        (dt.date(2026, 10, 3), dt.date(2026, 10, 4)),
        (dt.date(2026, 10, 5), dt.date(2026, 10, 5)),
    ]
    assert window.halves() == (
        (dt.date(2026, 10, 1), dt.date(2026, 10, 3)),
        (dt.date(2026, 10, 4), dt.date(2026, 10, 5)),
    )
    with pytest.raises(ValueError, match="one-day"):
        ReadWindow(dt.date(2026, 10, 1), dt.date(2026, 10, 1)).halves()
    with pytest.raises(ConfigurationError, match="no start"):
        list(ReadWindow(None, dt.date(2026, 10, 1)).chunks(7))


@given(
    start=st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1)),
    length=st.integers(2, 400),
    days=st.integers(1, 100),
)
def test_halves_and_chunks_cover_every_day_once(start: dt.date, length: int, days: int) -> None:
    end = start + dt.timedelta(days=length - 1)
    window = ReadWindow(start, end)

    (a, b), (c, d) = window.halves()
    assert (a, d, c) == (start, end, b + dt.timedelta(days=1))
    assert (b - a).days - (d - c).days in (0, 1)
    parts = list(window.chunks(days))
    assert parts[0][0] == start
    assert parts[-1][1] == end
    assert all(n[0] == p[1] + dt.timedelta(days=1) for p, n in itertools.pairwise(parts))
    assert all(0 <= (last - first).days < days for first, last in parts)


def test_by_chunk_yields_the_notice_then_each_chunk_read() -> None:
    # as_of 2026-10-06 12:00 UTC: yesterday in UTC is 10-05, so an end on 10-09 loses
    # four days; 10-01..10-05 in chunks of 2 is 10-01..02, 10-03..04, 10-05..05
    request = ReadRequest(
        stream="daily",
        start=dt.date(2026, 10, 1),
        end=dt.date(2026, 10, 9),
        as_of=dt.datetime(2026, 10, 6, 12, tzinfo=dt.UTC),
    )
    read: list[tuple[dt.date, dt.date]] = []

    def chunk(since: dt.date, until: dt.date) -> list[str]:
        read.append((since, until))
        return [f"{since}..{until}"]

    out = list(request.by_chunk("UTC", account="acct-1", days=2, read=chunk))

    notice = out[0]
    assert not isinstance(notice, str)
    assert notice.code == TODAY_EXCLUDED
    assert notice.details["excluded_days"] == 4
    assert out[1:] == ["2026-10-01..2026-10-02", "2026-10-03..2026-10-04", "2026-10-05..2026-10-05"]
    assert read == [
        (dt.date(2026, 10, 1), dt.date(2026, 10, 2)),
        (dt.date(2026, 10, 3), dt.date(2026, 10, 4)),
        (dt.date(2026, 10, 5), dt.date(2026, 10, 5)),
    ]


def test_by_chunk_without_start_reads_the_last_day_and_an_empty_window_nothing() -> None:
    moment = dt.datetime(2026, 10, 6, 12, tzinfo=dt.UTC)
    last = ReadRequest(stream="daily", as_of=moment)
    empty = ReadRequest(stream="daily", start=dt.date(2026, 10, 6), as_of=moment)

    def chunk(since: dt.date, until: dt.date) -> list[tuple[dt.date, dt.date]]:
        return [(since, until)]

    assert list(last.by_chunk("UTC", account="a", days=7, read=chunk)) == [
        (dt.date(2026, 10, 5), dt.date(2026, 10, 5))
    ]
    assert list(empty.by_chunk("UTC", account="a", days=7, read=chunk)) == []


def test_by_chunk_gives_a_source_error_the_stream_and_the_chunk() -> None:
    from partnerkit.errors import RateLimitError

    request = ReadRequest(stream="daily", start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 3))

    def chunk(since: dt.date, until: dt.date) -> list[int]:
        if since == dt.date(2026, 10, 3):
            raise RateLimitError("slow down", api="x", account="a")
        return [1]

    with pytest.raises(RateLimitError) as caught:
        list(request.by_chunk("UTC", account="a", days=2, read=chunk))
    assert caught.value.details == {"stream": "daily", "window": "2026-10-03..2026-10-03"}


def test_stream_spec_shorthands_are_the_full_specs() -> None:
    from partnerkit.connector import StreamSpec
    from partnerkit.records import RecordKind

    dated = StreamSpec.dated(
        "leads", RecordKind.LEAD, "forms", lookback_days=2, cursor="created_at"
    )
    listing = StreamSpec.listing("campaigns", "the campaigns")

    assert dated == StreamSpec(
        name="leads",
        kind=RecordKind.LEAD,
        description="forms",
        cursor="created_at",
        default_lookback=dt.timedelta(days=2),
    )
    assert StreamSpec.dated("daily", RecordKind.PERFORMANCE, "", lookback_days=7).cursor == "date"
    assert listing == StreamSpec(
        name="campaigns", kind=RecordKind.CAMPAIGN, description="the campaigns", cursor=None
    )
    assert listing.default_lookback == dt.timedelta(0)
