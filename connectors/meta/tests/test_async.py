"""Long ranges read as asynchronous report runs: polling, splitting, falling back.

Ranges longer than ``async_threshold_days`` (14 by default) are POSTed to
``/act_<id>/insights``; the run is polled with waits of 2, 4, 8... seconds on the
fake clock (``async_poll_interval`` doubling up to ``async_poll_max_interval``), and
a run that fails or times out is split into two halves of its date range.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

from partnerkit.testing import FakeClock

SEP_1, SEP_20 = dt.date(2026, 9, 1), dt.date(2026, 9, 20)


def _days(first: dt.date, last: dt.date) -> list[str]:
    return [str(first + dt.timedelta(days=i)) for i in range((last - first).days + 1)]


def _read_from_sep_1(read, cassette: str, end: dt.date, **settings):
    """Read one of the split and fallback cassettes: from 09-01, results in pages of 500."""
    return read(cassette, start=SEP_1, end=end, page_size=500, **settings)


def _posted_ranges(tape) -> list[str]:
    """The time_range of every report run started, in order."""
    return [r.body["time_range"] for r in tape.requests if r.method == "POST"]


def test_a_report_run_is_polled_with_backoff_then_paged(read, fake_clock: FakeClock) -> None:
    # async/report_run.yaml: "Job Not Started" 0 %, "Job Running" 42 %, "Job Completed" 100 %,
    # then two pages of results (2 rows, 1 row).
    records, _, tape = read("async/report_run.yaml", start=SEP_1, end=SEP_20)

    assert _posted_ranges(tape) == ['{"since":"2026-09-01","until":"2026-09-20"}']
    post = next(r for r in tape.requests if r.method == "POST")
    assert post.url == "https://graph.facebook.com/v26.0/act_1029384756/insights"
    assert post.body["level"] == "campaign"
    assert post.body["time_increment"] == "1"
    # polls wait 2 s after "Not Started" and 4 s after "Running"; nothing else waits
    assert fake_clock.sleeps == [2.0, 4.0]
    polls = [r for r in tape.requests if r.url.endswith("/1529038471620514")]
    assert len(polls) == 3
    assert [(str(r["date"]), r["campaign_id"][-3:], r["spend"], r["leads"]) for r in records] == [
        ("2026-09-01", "101", Decimal("366.20"), 4.0),
        ("2026-09-01", "102", Decimal("170.00"), None),
        ("2026-09-20", "101", Decimal("401.75"), 6.0),
    ]
    assert records[1]["conversions"] == 1.0
    assert records[1]["conversion_value"] == Decimal("2990.00")
    results = [r for r in tape.requests if r.url.endswith("/1529038471620514/insights")]
    assert [q.query.get("after") for q in results] == [None, "MQZDZD"]


def test_a_failed_run_is_split_in_halves_without_losing_or_repeating_a_day(
    read, fake_clock: FakeClock
) -> None:
    # async/report_split.yaml: the 20-day run fails; 09-01..09-10 completes at once;
    # 09-11..09-20 runs (50 %) then completes. One row per day for campaign 101.
    records, notices, tape = _read_from_sep_1(read, "async/report_split.yaml", SEP_20)

    assert _posted_ranges(tape) == [
        '{"since":"2026-09-01","until":"2026-09-20"}',
        '{"since":"2026-09-01","until":"2026-09-10"}',
        '{"since":"2026-09-11","until":"2026-09-20"}',
    ]
    days = Counter(str(r["date"]) for r in records)
    assert sorted(days) == _days(SEP_1, SEP_20)
    assert set(days.values()) == {1}
    # spend on day i is 300+i units and (17*i mod 100) cents: 6190 + 8.30 over 20 days;
    # leads are 2, 3, 4 repeating: six cycles of 9 plus 2 and 3 = 59
    assert sum(r["spend"] for r in records) == Decimal("6198.30")
    assert sum(r["leads"] for r in records) == 59.0
    (split,) = [n for n in notices if n.code == "report_split"]
    assert split.details["outcome"] == "failed"
    assert split.details["async_status"] == "Job Failed"
    assert (split.details["start"], split.details["end"]) == (SEP_1, SEP_20)
    assert fake_clock.sleeps == [2.0]  # only the second half was still running once


def test_a_run_past_the_timeout_is_split(read, fake_clock: FakeClock) -> None:
    # async/report_timeout.yaml: the 16-day run stays "Job Running" (10 %, 10 %, 12 %, 12 %).
    # With a 10 s timeout the waits are 2, 4, then 4 (capped by the 4 s left); the
    # fourth poll, at 10 s, gives up and the range is split 09-01..08 / 09-09..16.
    records, notices, tape = _read_from_sep_1(
        read, "async/report_timeout.yaml", dt.date(2026, 9, 16), async_timeout=10
    )

    assert fake_clock.sleeps == [2.0, 4.0, 4.0]
    assert _posted_ranges(tape)[1:] == [
        '{"since":"2026-09-01","until":"2026-09-08"}',
        '{"since":"2026-09-09","until":"2026-09-16"}',
    ]
    assert sorted(str(r["date"]) for r in records) == _days(SEP_1, dt.date(2026, 9, 16))
    (split,) = [n for n in notices if n.code == "report_split"]
    assert split.details["outcome"] == "timed out"


def test_a_day_that_fails_twice_is_read_synchronously(read) -> None:
    # async/one_day_fallback.yaml, with every range of 2+ days read async: 09-01..02
    # fails and splits; 09-01 completes; 09-02 is skipped, retried, fails again, and
    # is then read with a plain GET /act_.../insights for that one day.
    records, notices, tape = _read_from_sep_1(
        read, "async/one_day_fallback.yaml", dt.date(2026, 9, 2), async_threshold_days=1
    )

    assert [str(r["date"]) for r in records] == ["2026-09-01", "2026-09-02"]
    assert [n.code for n in notices if n.code.startswith("report_")] == [
        "report_split",
        "report_retried",
        "report_fallback",
    ]
    sync = tape.requests[-1]
    assert sync.method == "GET"
    assert sync.url.endswith("/act_1029384756/insights")
    assert sync.query["time_range"] == '{"since":"2026-09-02","until":"2026-09-02"}'
