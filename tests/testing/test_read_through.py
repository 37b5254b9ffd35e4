"""read_through and the fake_time fixture: a connector's test reader, in the kit."""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from pydantic_settings import SettingsConfigDict

from partnerkit.connector import (
    Connector,
    ConnectorSettings,
    Notice,
    ReadRequest,
    StreamSpec,
)
from partnerkit.errors import TransientError
from partnerkit.records import PerformanceRecord, RecordKind
from partnerkit.testing import FakeClock, Fault, read_through, stream_reader

DAYS = "https://x.example/days"


class _Settings(ConnectorSettings):
    model_config = SettingsConfigDict(env_prefix="PARTNERKIT_KIT_TEST_")


class _Days(Connector[_Settings]):
    """One GET a day: ``{"clicks": n}``."""

    name = "kit_test"
    settings_class = _Settings
    streams = (StreamSpec.dated("daily", RecordKind.PERFORMANCE, "clicks", lookback_days=1),)

    def read(self, request: ReadRequest) -> Iterator[PerformanceRecord | Notice]:
        yield from request.by_chunk("UTC", account="a1", days=1, read=self._day)

    def _day(self, since: dt.date, until: dt.date) -> Iterator[PerformanceRecord]:
        with requests.Session() as http:
            answer = http.get(DAYS, params={"day": since.isoformat()}, timeout=5)
        if answer.status_code >= 500:
            raise TransientError(f"HTTP {answer.status_code}", api="kit_test", account="a1")
        yield {
            "date": since,
            "platform": "kit_test",
            "account_id": "a1",
            "level": "account",
            "clicks": answer.json()["clicks"],
        }


@pytest.fixture
def tape(tmp_path: Path) -> Path:
    path = tmp_path / "days.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            version: 1
            interactions:
            - request: {method: GET, url: 'https://x.example/days', query: {day: '2026-10-01'}}
              response: {status: 200, body: {clicks: 12}}
            - request: {method: GET, url: 'https://x.example/days', query: {day: '2026-10-02'}}
              response: {status: 200, body: {clicks: 7}}
            """
        ),
        encoding="utf-8",
    )
    return path


def test_read_through_gives_records_notices_and_the_cassette(tape: Path) -> None:
    request = ReadRequest(
        stream="daily",
        start=dt.date(2026, 10, 1),
        end=dt.date(2026, 10, 3),
        as_of=dt.datetime(2026, 10, 3, 12, tzinfo=dt.UTC),
    )
    records, notices, cassette = read_through(tape, _Days(), request, record=False)

    assert [(r["date"], r["clicks"]) for r in records] == [
        (dt.date(2026, 10, 1), 12),
        (dt.date(2026, 10, 2), 7),
    ]
    # 10-03 is the account's today at the read's moment: cut, and said
    assert [(n.code, n.details["excluded_days"]) for n in notices] == [("today_excluded", 1)]
    assert [r.query for r in cassette.requests] == [{"day": "2026-10-01"}, {"day": "2026-10-02"}]


def test_read_through_serves_the_faults_before_their_interaction(tape: Path) -> None:
    request = ReadRequest(stream="daily", start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 2))
    faults: dict[int, Any] = {1: [Fault(503)]}

    with pytest.raises(TransientError) as caught:
        read_through(tape, _Days(), request, faults=faults, allow_unused=True, record=False)
    assert caught.value.details == {"stream": "daily", "window": "2026-10-02..2026-10-02"}


def test_read_through_serves_a_replacement_instead_of_its_interaction(tape: Path) -> None:
    request = ReadRequest(stream="daily", start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 2))
    seven_to_three = Fault(200, {"Content-Type": "application/json"}, '{"clicks": 3}')

    records, _, _ = read_through(tape, _Days(), request, replace={1: seven_to_three}, record=False)

    assert [r["clicks"] for r in records] == [12, 3]  # 10-02 answered 3, not the recorded 7


def test_stream_reader_reads_the_contract_cassette_or_a_named_one(tape: Path) -> None:
    contract = tape.parent / "contract"
    contract.mkdir()
    (contract / "daily.yaml").write_text(
        tape.read_text(encoding="utf-8").replace("clicks: 7", "clicks: 9"), encoding="utf-8"
    )
    made: list[dict[str, Any]] = []

    def connector(settings: dict[str, Any]) -> _Days:
        made.append(settings)
        return _Days()

    read = stream_reader(
        tape.parent,
        connector,
        stream="daily",
        start=dt.date(2026, 10, 1),
        end=dt.date(2026, 10, 2),
    )

    by_contract, _, _ = read(region="eu")
    three = Fault(200, {"Content-Type": "application/json"}, '{"clicks": 3}')
    by_name, _, cassette = read(cassette="days", replace={1: three})
    first_day, _, _ = read(cassette="days", end=dt.date(2026, 10, 1), allow_unused=True)

    assert [r["clicks"] for r in by_contract] == [12, 9]  # contract/daily.yaml
    assert [r["clicks"] for r in by_name] == [12, 3]  # days.yaml, 10-02 replaced
    assert [r["clicks"] for r in first_day] == [12]
    assert made == [{"region": "eu"}, {}, {}]
    assert [r.query for r in cassette.requests] == [{"day": "2026-10-01"}, {"day": "2026-10-02"}]


def test_fake_time_is_the_seams_clock_for_the_test(fake_time: FakeClock) -> None:
    from partnerkit import http

    assert http._default_clock() is fake_time


def test_every_test_on_fake_time_runs_the_tests_below_a_conftest_on_it(pytester) -> None:
    pytester.makeconftest(
        "from partnerkit.testing.pytest_plugin import every_test_on_fake_time\n"
        "_on_fake_time = every_test_on_fake_time()\n"
    )
    pytester.makepyfile(
        "from partnerkit import http\n"
        "from partnerkit.testing import FakeClock\n"
        "def test_the_seams_clock_is_fake():\n"
        "    assert isinstance(http._default_clock(), FakeClock)\n"
    )
    pytester.runpytest("-q", "-p", "no:cacheprovider").assert_outcomes(passed=1)
