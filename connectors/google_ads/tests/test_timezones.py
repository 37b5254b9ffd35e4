"""'Today' is the customer's, not UTC's: a customer at UTC+14 and one at UTC-7.

The reads happen as of 2026-10-04 11:30 UTC (``ReadRequest.as_of``; the connector's
own clock says 2026-10-10 15:00 UTC, and as_of wins over it). In Pacific/Kiritimati
(UTC+14, no DST) it is already 2026-10-05 01:30, so its last complete day is
2026-10-04. In America/Los_Angeles (PDT, UTC-7) it is 2026-10-04 04:30, so its last
complete day is 2026-10-03. A request for 2026-10-02..05 therefore reads 10-02..04 for
the first and 10-02..03 for the second (timezones.yaml has exactly those two queries).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from partnerkit_google_ads import GoogleAdsConnector

from partnerkit.connector import ReadRequest
from partnerkit.testing import use_cassette

Make = Callable[..., GoogleAdsConnector]
AS_OF = dt.datetime(2026, 10, 4, 11, 30, tzinfo=dt.UTC)
ACCOUNTS = ["567-890-1234", "678-901-2345"]


def test_today_is_excluded_in_each_customers_time_zone(
    cassettes: Path, make_connector: Make
) -> None:
    request = ReadRequest(
        stream="performance", start=dt.date(2026, 10, 2), end=dt.date(2026, 10, 5), as_of=AS_OF
    )
    with (
        use_cassette(cassettes / "timezones.yaml") as tape,
        make_connector(accounts=ACCOUNTS, lead_categories=[]) as conn,
    ):
        stream = conn.stream(request)
        records = stream.to_dicts()
    ranges = {
        r.url.split("/")[-2]: r.body["query"].split("WHERE ")[1]
        for r in tape.requests
        if "segments.date" in r.body["query"]
    }
    assert ranges == {
        "5678901234": "segments.date BETWEEN '2026-10-02' AND '2026-10-04'",  # Kiritimati
        "6789012345": "segments.date BETWEEN '2026-10-02' AND '2026-10-03'",  # Los Angeles
    }
    got = [(r["account_id"], str(r["date"]), r["timezone"]) for r in records]
    assert got == [
        ("5678901234", "2026-10-03", "Pacific/Kiritimati"),
        # 2026-10-04 is still "today" in UTC, but a complete day in Kiritimati: kept
        ("5678901234", "2026-10-04", "Pacific/Kiritimati"),
        ("6789012345", "2026-10-03", "America/Los_Angeles"),
    ]
    excluded = [n for n in stream.notices if n.code == "today_excluded"]
    assert [(n.details["account"], n.details["today"], n.details["end"]) for n in excluded] == [
        ("5678901234", "2026-10-05", "2026-10-04"),
        ("6789012345", "2026-10-04", "2026-10-03"),
    ]


def test_include_today_reads_the_day_in_progress(make_connector: Make) -> None:
    from partnerkit_google_ads._parse import CustomerInfo

    conn = make_connector(accounts=ACCOUNTS)
    kiritimati = CustomerInfo("5678901234", None, "AUD", "Pacific/Kiritimati")
    request = ReadRequest(
        stream="performance", start=dt.date(2026, 10, 2), include_today=True, as_of=AS_OF
    )
    start, end, notices = conn._range(kiritimati, request)
    assert (start, end, notices) == (dt.date(2026, 10, 2), dt.date(2026, 10, 5), [])
    without = ReadRequest(stream="performance", start=dt.date(2026, 10, 2), as_of=AS_OF)
    assert conn._range(kiritimati, without)[1] == dt.date(2026, 10, 4)


def test_an_unknown_time_zone_falls_back_to_utc_with_a_notice(make_connector: Make) -> None:
    from partnerkit_google_ads._parse import CustomerInfo

    conn = make_connector(accounts=ACCOUNTS)
    odd = CustomerInfo("5678901234", None, "AUD", "Mars/Olympus_Mons")
    start, end, notices = conn._range(odd, ReadRequest(stream="performance", as_of=AS_OF))
    assert end == dt.date(2026, 10, 3)  # yesterday in UTC
    assert start == end - dt.timedelta(days=730)  # no start given: two years back
    assert [n.code for n in notices] == ["unknown_time_zone"]


def test_the_same_read_at_two_moments_ends_on_different_days(
    cassettes: Path, make_connector: Make
) -> None:
    request = ReadRequest(
        stream="performance", start=dt.date(2026, 10, 2), end=dt.date(2026, 10, 5)
    )

    def read(as_of: dt.datetime, **cassette: bool) -> tuple[dict[str, str], list[tuple[str, ...]]]:
        with (
            use_cassette(cassettes / "timezones.yaml", **cassette) as tape,
            make_connector(accounts=ACCOUNTS, lead_categories=[]) as conn,
        ):
            stream = conn.stream(request.model_copy(update={"as_of": as_of}))
            stream.to_dicts()
        ranges = {
            r.url.split("/")[-2]: r.body["query"].split("BETWEEN ")[1]
            for r in tape.requests
            if "segments.date" in r.body["query"]
        }
        cuts = [
            (n.details["account"], n.details["today"], n.details["end"])
            for n in stream.notices
            if n.code == "today_excluded"
        ]
        return ranges, cuts

    # As of AS_OF (11:30 UTC on 10-04): Kiritimati reads to 10-04, Los Angeles to 10-03.
    assert read(AS_OF) == (
        {
            "5678901234": "'2026-10-02' AND '2026-10-04'",
            "6789012345": "'2026-10-02' AND '2026-10-03'",
        },
        [("5678901234", "2026-10-05", "2026-10-04"), ("6789012345", "2026-10-04", "2026-10-03")],
    )
    # As of 2026-10-02 09:30 UTC it is 23:30 on 10-02 in Kiritimati and 02:30 on 10-02 in
    # Los Angeles: today is 10-02 in both, the last complete day 10-01, before the
    # range starts; only the customer lookups are sent.
    early = dt.datetime(2026, 10, 2, 9, 30, tzinfo=dt.UTC)
    assert read(early, allow_unused=True) == (
        {},
        [("5678901234", "2026-10-02", "2026-10-01"), ("6789012345", "2026-10-02", "2026-10-01")],
    )


def test_each_customers_today_turns_over_at_its_own_midnight(make_connector: Make) -> None:
    from partnerkit_google_ads._parse import CustomerInfo

    conn = make_connector(accounts=ACCOUNTS)
    kiritimati = CustomerInfo("5678901234", None, "AUD", "Pacific/Kiritimati")
    los_angeles = CustomerInfo("6789012345", None, "USD", "America/Los_Angeles")
    asked = ReadRequest(stream="performance", start=dt.date(2026, 10, 2), end=dt.date(2026, 10, 5))

    def ends(as_of: dt.datetime) -> tuple[dt.date, dt.date]:
        request = asked.model_copy(update={"as_of": as_of})
        return conn._range(kiritimati, request)[1], conn._range(los_angeles, request)[1]

    # 09:59 UTC on 10-04: 23:59 on 10-04 in Kiritimati (UTC+14), 02:59 on 10-04 in Los
    # Angeles (UTC-7): today is 10-04 in both, the read ends on 10-03 for both
    assert ends(dt.datetime(2026, 10, 4, 9, 59, tzinfo=dt.UTC)) == (
        dt.date(2026, 10, 3),
        dt.date(2026, 10, 3),
    )
    # 10:00 UTC: midnight in Kiritimati, today there is 10-05 (ends on 10-04); still
    # 03:00 on 10-04 in Los Angeles (ends on 10-03)
    assert ends(dt.datetime(2026, 10, 4, 10, 0, tzinfo=dt.UTC)) == (
        dt.date(2026, 10, 4),
        dt.date(2026, 10, 3),
    )
    # 07:00 UTC on 10-05: 21:00 on 10-05 in Kiritimati, 00:00 on 10-05 in Los Angeles:
    # both end on 10-04
    assert ends(dt.datetime(2026, 10, 5, 7, 0, tzinfo=dt.UTC)) == (
        dt.date(2026, 10, 4),
        dt.date(2026, 10, 4),
    )
