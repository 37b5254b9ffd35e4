"""A read's "now" is its ``ReadRequest.as_of``, which wins over the connector's clock.

The connectors built by the ``make`` fixture have a clock that says 2026-11-23 09:00
UTC; every read below sets ``as_of`` to a moment in mid-October instead, and the
property's "today" follows it. Zones in October 2026: Pacific/Auckland is UTC+13
(NZDT), America/Los_Angeles UTC-7 (PDT).
"""

from __future__ import annotations

import datetime as dt

from partnerkit.connector import ReadRequest

D = dt.date
AUCKLAND = "555000222"
LOS_ANGELES = "555000111"


def test_the_same_read_at_two_moments_ends_on_two_different_days(read) -> None:
    asked = {"start": D(2026, 10, 14), "end": D(2026, 10, 15), "accounts": [AUCKLAND]}
    # 2026-10-15 12:00 UTC is 01:00 on 10-16 in Auckland: yesterday is 10-15, so the
    # whole range 10-14..10-15 is complete (traffic/include_today.yaml: the time-zone
    # probe, then that report).
    late, late_notices, _ = read(
        "traffic/include_today.yaml", as_of=dt.datetime(2026, 10, 15, 12, 0, tzinfo=dt.UTC), **asked
    )
    # 2026-10-14 05:00 UTC is 18:00 on 10-14 there: yesterday is 10-13, the end is cut to
    # it, and the range (from 10-14) is empty: only the probe is sent.
    early, early_notices, early_tape = read(
        "traffic/include_today.yaml",
        as_of=dt.datetime(2026, 10, 14, 5, 0, tzinfo=dt.UTC),
        allow_unused=True,
        **asked,
    )

    assert [r["date"] for r in late] == [D(2026, 10, 14), D(2026, 10, 15)]
    assert not [n for n in late_notices if n.code == "today_excluded"]
    assert early == []
    (clipped,) = [n for n in early_notices if n.code == "today_excluded"]
    assert clipped.details == {
        "account": AUCKLAND,
        "time_zone": "Pacific/Auckland",
        "today": "2026-10-14",  # 18:00 in Auckland (UTC+13)
        "asked_end": "2026-10-15",
        "end": "2026-10-13",
        "excluded_days": 2,
    }
    (empty,) = [n for n in early_notices if n.code == "ga4_nothing_to_read"]
    assert empty.details == {"property": AUCKLAND, "start": "2026-10-14", "end": "2026-10-13"}
    # the only report sent is the time-zone probe
    reports = [r.body for r in early_tape.requests if r.url.endswith(":runReport")]
    assert [b["dateRanges"] for b in reports] == [[{"startDate": "today", "endDate": "today"}]]


def test_the_default_end_is_yesterday_in_the_property_zone_as_of_the_read(make) -> None:
    request = ReadRequest(stream="traffic", start=D(2026, 10, 1), accounts=(LOS_ANGELES,))
    with make(accounts=[LOS_ANGELES]) as connector:
        connector._timezones[LOS_ANGELES] = "America/Los_Angeles"  # as the probe would say
        # 2026-10-15 06:59 UTC is 23:59 on 10-14 in Los Angeles: the read ends on 10-13
        before = request.model_copy(
            update={"as_of": dt.datetime(2026, 10, 15, 6, 59, tzinfo=dt.UTC)}
        )
        assert connector._date_range(LOS_ANGELES, before) == (D(2026, 10, 1), D(2026, 10, 13), [])
        # a minute later it is 00:00 on 10-15 there: the read ends on 10-14
        after = request.model_copy(update={"as_of": dt.datetime(2026, 10, 15, 7, 0, tzinfo=dt.UTC)})
        assert connector._date_range(LOS_ANGELES, after) == (D(2026, 10, 1), D(2026, 10, 14), [])
        # without as_of the connector's clock decides: 2026-11-23 09:00 UTC is 01:00
        # on 11-23 in Los Angeles (PST, UTC-8), so the read ends on 11-22
        assert connector._date_range(LOS_ANGELES, request)[1] == D(2026, 11, 22)
