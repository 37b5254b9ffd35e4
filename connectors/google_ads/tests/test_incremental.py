"""Incremental reads: a restated day inside the lookback merges, the lookback is validated.

restated.yaml — customer 4567890123 (USD, America/New_York), campaign 50000000001:

* read 1 (2026-10-06..08): 10-06 conversions 3.0 / value 450.0; 10-07 2.0 / 300.0;
  10-08 3.0 / 450.0 (costMicros 66130000).
* read 2 (2026-10-07..09), planned from the cursor 10-08 with a 2-day lookback:
  10-07 unchanged; 10-08 restated to conversions 4.5 / value 675.0 / all 5.0 (late
  conversions counted on their click day); 10-09 new, 1.0 / 150.0.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from partnerkit_google_ads import GoogleAdsConnector

from partnerkit.connector import ReadRequest, ReadWindow
from partnerkit.errors import ConfigurationError
from partnerkit.testing import use_cassette

Make = Callable[..., GoogleAdsConnector]
SETTINGS: dict[str, Any] = {"accounts": ["456-789-0123"], "lead_categories": [], "lookback_days": 2}


def test_a_restated_day_inside_the_lookback_merges(cassettes: Path, make_connector: Make) -> None:
    first = ReadRequest(stream="performance", start=dt.date(2026, 10, 6), end=dt.date(2026, 10, 8))
    with use_cassette(cassettes / "restated.yaml") as tape:
        with make_connector(**SETTINGS) as conn:
            day_one = conn.stream(first).to_dicts()
            spec = conn.stream_spec("performance")
            planned = spec.incremental_request(
                dt.date(2026, 10, 8),
                end=dt.date(2026, 10, 9),
                lookback=conn.lookback("performance"),
            )
        # cursor 10-08 + 1 day - 2 days of lookback = 10-07: the restated 10-08 is re-read
        assert planned.start == dt.date(2026, 10, 7)
        with make_connector(**SETTINGS) as conn:
            day_two = conn.stream(planned).to_dicts()
    assert "BETWEEN '2026-10-07' AND '2026-10-09'" in tape.requests[3].body["query"]

    store: dict[str, dict[str, Any]] = {}
    for record in day_one + day_two:
        store[record["record_id"]] = record  # what the warehouse's merge by key does
    merged = sorted(store.values(), key=lambda r: r["date"])
    assert [str(r["date"]) for r in merged] == [
        "2026-10-06",
        "2026-10-07",
        "2026-10-08",
        "2026-10-09",
    ]  # 6 rows read, 4 distinct days: nothing duplicated
    restated = merged[2]
    assert restated["conversions"] == 4.5  # was 3.0 in the first read
    assert restated["conversion_value"] == Decimal("675")
    assert restated["all_conversions"] == 5.0
    assert restated["spend"] == Decimal("66.13")  # cost did not change
    assert restated.get("leads") is None  # no lead mapping configured: missing, never 0


def test_default_lookback_is_14_days(make_connector: Make) -> None:
    conn = make_connector(accounts=["4567890123"])
    assert conn.lookback("performance") == dt.timedelta(days=14)
    assert conn.stream_spec("performance").default_lookback == dt.timedelta(days=14)
    assert make_connector(accounts=["4567890123"], lookback_days=90).lookback(
        "performance"
    ) == dt.timedelta(days=90)


@pytest.mark.parametrize("days", [91, -1])
def test_lookback_beyond_90_days_is_refused(make_connector: Make, days: int) -> None:
    with pytest.raises(ConfigurationError, match="lookback_days"):
        make_connector(accounts=["4567890123"], lookback_days=days)


def test_long_ranges_are_split_into_windows(make_connector: Make) -> None:
    conn = make_connector(accounts=["4567890123"], chunk_days=31)
    windows = list(
        ReadWindow(dt.date(2026, 1, 1), dt.date(2026, 3, 5)).chunks(conn.settings.chunk_days)
    )
    # 31 days, 31 days, then the 2 left: Jan 1-31, Feb 1-Mar 3, Mar 4-5
    assert windows == [
        (dt.date(2026, 1, 1), dt.date(2026, 1, 31)),
        (dt.date(2026, 2, 1), dt.date(2026, 3, 3)),
        (dt.date(2026, 3, 4), dt.date(2026, 3, 5)),
    ]
