"""'Today' is the customer's, not UTC's: a customer at UTC+14 and one at UTC-7.

The fake now is 2026-10-04 11:30 UTC. In Pacific/Kiritimati (UTC+14, no DST) it is
already 2026-10-05 01:30, so its last complete day is 2026-10-04. In
America/Los_Angeles (PDT, UTC-7) it is 2026-10-04 04:30, so its last complete day is
2026-10-03. A request for 2026-10-02..05 therefore reads 10-02..04 for the first and
10-02..03 for the second (timezones.yaml has exactly those two queries).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from partnerkit_google_ads import GoogleAdsConnector

from partnerkit.connector import ReadRequest
from partnerkit.testing import use_cassette

Make = Callable[..., GoogleAdsConnector]
NOW = dt.datetime(2026, 10, 4, 11, 30, tzinfo=dt.UTC)
ACCOUNTS = ["567-890-1234", "678-901-2345"]


def test_today_is_excluded_in_each_customers_time_zone(
    cassettes: Path, make_connector: Make
) -> None:
    request = ReadRequest(
        stream="performance", start=dt.date(2026, 10, 2), end=dt.date(2026, 10, 5)
    )
    with (
        use_cassette(cassettes / "timezones.yaml") as tape,
        make_connector(now=NOW, accounts=ACCOUNTS, lead_categories=[]) as conn,
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
    excluded = [n for n in stream.notices if n.code == "incomplete_day_excluded"]
    assert [(n.details["account"], n.details["today"], n.details["end"]) for n in excluded] == [
        ("5678901234", "2026-10-05", "2026-10-04"),
        ("6789012345", "2026-10-04", "2026-10-03"),
    ]


def test_include_today_reads_the_day_in_progress(make_connector: Make) -> None:
    from partnerkit_google_ads._parse import CustomerInfo

    conn = make_connector(now=NOW, accounts=ACCOUNTS)
    kiritimati = CustomerInfo("5678901234", None, "AUD", "Pacific/Kiritimati")
    request = ReadRequest(stream="performance", start=dt.date(2026, 10, 2), include_today=True)
    start, end, notices = conn._range(kiritimati, request)
    assert (start, end, notices) == (dt.date(2026, 10, 2), dt.date(2026, 10, 5), [])
    without = ReadRequest(stream="performance", start=dt.date(2026, 10, 2))
    assert conn._range(kiritimati, without)[1] == dt.date(2026, 10, 4)


def test_an_unknown_time_zone_falls_back_to_utc_with_a_notice(make_connector: Make) -> None:
    from partnerkit_google_ads._parse import CustomerInfo

    conn = make_connector(now=NOW, accounts=ACCOUNTS)
    odd = CustomerInfo("5678901234", None, "AUD", "Mars/Olympus_Mons")
    start, end, notices = conn._range(odd, ReadRequest(stream="performance"))
    assert end == dt.date(2026, 10, 3)  # yesterday in UTC
    assert start == end - dt.timedelta(days=730)  # no start given: two years back
    assert [n.code for n in notices] == ["unknown_time_zone"]
