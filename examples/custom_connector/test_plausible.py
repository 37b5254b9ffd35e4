"""Tests of the example connector: the contract suite plus its own expectations.

Expected values are read off the cassette by hand: on 2026-10-01 Google had 52 visits
from 41 visitors, Direct 20 from 17 and (on page 2) Facebook 9 from 9; on 2026-10-02
Google had 47 from 38.
"""

import datetime as dt
from pathlib import Path

import pytest
from plausible_connector import PlausibleConnector

from partnerkit.connector import ReadRequest
from partnerkit.errors import AuthenticationError, RateLimitError
from partnerkit.http import use_clock
from partnerkit.testing import ConnectorContract, FakeClock, faults, use_cassette

HERE = Path(__file__).parent
CONTRACT = HERE / "cassettes" / "contract"
SETTINGS = {"site_id": "negevsolar.example", "timezone": "Asia/Jerusalem", "page_size": 2}
OCT_1_2 = ReadRequest(
    stream="traffic_by_source", start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 2)
)


# --8<-- [start:contract]
class TestPlausibleContract(ConnectorContract):
    connector_class = PlausibleConnector
    settings = SETTINGS
    secrets = {"api_key": "test-key-not-real"}
    requests = (OCT_1_2,)
    cassette_dir = CONTRACT
    check_entry_point = False  # an example, not an installed package
    # cursor + 1 day - lookback (2 days) = 2026-10-01, the first recorded day
    lookback_cursor = dt.date(2026, 10, 2)


# --8<-- [end:contract]


def connector() -> PlausibleConnector:
    return PlausibleConnector({**SETTINGS, "api_key": "test-key-not-real"})


@pytest.fixture(autouse=True)
def no_real_sleeping(fake_clock: FakeClock):
    """Retries and the rate limiter wait on a fake clock: the tests never sleep."""
    with use_clock(fake_clock):
        yield


def test_reads_every_page_and_maps_metrics() -> None:
    with use_cassette(CONTRACT / "traffic_by_source.yaml"), connector() as conn:
        rows = conn.stream(OCT_1_2).to_dicts()
    got = [(str(r["date"]), r["source"], r["sessions"], r["users"], r["extra"]) for r in rows]
    assert got == [
        ("2026-10-01", "Google", 52, 41, {"pageviews": 130}),
        ("2026-10-01", "Direct / None", 20, 17, {"pageviews": 33}),
        ("2026-10-01", "Facebook", 9, 9, {"pageviews": 12}),
        ("2026-10-02", "Google", 47, 38, {"pageviews": 101}),
    ]
    assert {r["timezone"] for r in rows} == {"Asia/Jerusalem"}


def test_sessions_sum_but_users_are_marked_non_additive() -> None:
    with use_cassette(CONTRACT / "traffic_by_source.yaml"), connector() as conn:
        table = conn.stream(OCT_1_2).to_arrow()
    assert sum(table.column("sessions").to_pylist()) == 52 + 20 + 9 + 47
    assert table.schema.field("users").metadata[b"additivity"] == b"non_additive"


# --8<-- [start:faults]
def test_rate_limit_is_retried_after_the_asked_wait(fake_clock: FakeClock) -> None:
    with (
        use_cassette(CONTRACT / "traffic_by_source.yaml") as tape,
        connector() as conn,
    ):
        tape.inject(0, faults.rate_limited(retry_after=30))
        rows = conn.stream(OCT_1_2).to_dicts()
    assert len(rows) == 4
    assert 30.0 in fake_clock.sleeps


# --8<-- [end:faults]


def test_persistent_rate_limit_gives_up_naming_the_site() -> None:
    with (
        use_cassette(CONTRACT / "traffic_by_source.yaml", allow_unused=True) as tape,
        connector() as conn,
    ):
        tape.inject(0, *[faults.rate_limited(retry_after=5)] * 10)
        with pytest.raises(RateLimitError) as info:
            conn.stream(OCT_1_2).to_dicts()
    assert info.value.account == "negevsolar.example"
    assert info.value.details["attempts"] == 5


def test_bad_key_keeps_plausibles_message() -> None:
    message = (
        "Invalid API key or site ID. Please make sure you're using a valid API key with "
        "access to the site you've requested."
    )
    bad_key = faults.Fault(
        status=401, headers={"content-type": "application/json"}, body=f'{{"error": "{message}"}}'
    )
    with (
        use_cassette(CONTRACT / "traffic_by_source.yaml", allow_unused=True) as tape,
        connector() as conn,
    ):
        tape.inject(0, bad_key)
        with pytest.raises(AuthenticationError) as info:
            conn.stream(OCT_1_2).to_dicts()
    assert info.value.vendor_message == message
    assert "test-key-not-real" not in str(info.value)
