"""A read's "now" is its ``ReadRequest.as_of``: it decides today and the history limit.

The Israeli account (act_1029384756) reports in Asia/Jerusalem, UTC+3 in early and
mid October 2026 (daylight saving ends on 10-25). Its "today" turns over at 21:00 UTC,
so two moments on the same UTC date can fall on different days of the account.
"""

from __future__ import annotations

import datetime as dt

from partnerkit_meta._objects import AccountInfo

from partnerkit.connector import ReadRequest

OCT_1 = dt.date(2026, 10, 1)
IL = "act_1029384756"


def _until(tape) -> list[str]:
    return [r.query["time_range"] for r in tape.requests if r.url.endswith("/insights")]


def test_the_same_read_at_two_moments_ends_on_two_different_days(read) -> None:
    # 2026-10-03 21:30 UTC is 00:30 on 10-04 in Jerusalem: today is 10-04, the read
    # ends on 10-03 (in UTC it would still be 10-03, and the read would end on 10-02).
    # restatement/first.yaml was recorded for exactly that range.
    early, early_notices, early_tape = read(
        "restatement/first.yaml",
        start=OCT_1,
        as_of=dt.datetime(2026, 10, 3, 21, 30, tzinfo=dt.UTC),
        page_size=500,
    )
    # Two days later, 2026-10-05 21:30 UTC = 00:30 on 10-06 in Jerusalem: up to 10-05,
    # the range of restatement/second.yaml.
    later, later_notices, later_tape = read(
        "restatement/second.yaml",
        start=OCT_1,
        as_of=dt.datetime(2026, 10, 5, 21, 30, tzinfo=dt.UTC),
        page_size=500,
    )

    assert _until(early_tape) == ['{"since":"2026-10-01","until":"2026-10-03"}']
    assert _until(later_tape) == ['{"since":"2026-10-01","until":"2026-10-05"}']
    assert [str(r["date"]) for r in early] == ["2026-10-01", "2026-10-02", "2026-10-03"]
    assert [str(r["date"]) for r in later] == [
        "2026-10-01",
        "2026-10-02",
        "2026-10-03",
        "2026-10-04",
        "2026-10-05",
    ]
    # no end was asked, so nothing was cut and no notice says so
    for notices in (early_notices, later_notices):
        assert not [n for n in notices if n.code in ("today_excluded", "history_limit")]


def test_today_and_the_37_month_limit_follow_as_of_in_the_accounts_zone(meta) -> None:
    info = AccountInfo(IL, "Shemesh Solar – IL", "ILS", "Asia/Jerusalem", 1)
    asked = {"stream": "ad_insights", "start": dt.date(2020, 1, 1)}
    # 20:59 UTC on 10-15 is 23:59 on 10-15 in Jerusalem: yesterday is 10-14, and 37
    # months before 10-15 is 2023-09-15, plus a day of margin: 2023-09-16.
    before = ReadRequest(**asked, as_of=dt.datetime(2026, 10, 15, 20, 59, tzinfo=dt.UTC))
    # One minute later it is 00:00 on 10-16 there: yesterday is 10-15, the limit 2023-09-17.
    after = ReadRequest(**asked, as_of=dt.datetime(2026, 10, 15, 21, 0, tzinfo=dt.UTC))
    with meta() as connector:
        start, end, notices = connector._range(before, info)
        assert (start, end) == (dt.date(2023, 9, 16), dt.date(2026, 10, 14))
        assert [n.details["start"] for n in notices] == [dt.date(2023, 9, 16)]
        start, end, notices = connector._range(after, info)
        assert (start, end) == (dt.date(2023, 9, 17), dt.date(2026, 10, 15))
        assert [n.details["start"] for n in notices] == [dt.date(2023, 9, 17)]
