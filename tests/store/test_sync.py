"""Incremental sync of a workspace into the warehouse (in process, synthetic connector)."""

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from partnerkit_store_synth import Concurrency

from partnerkit.connector import ReadRequest
from partnerkit.errors import AuthenticationError, ConfigurationError, MissingSecretError
from partnerkit.model import load_workspace
from partnerkit.store import (
    SyncObserver,
    Unit,
    UnitResult,
    Warehouse,
    default_warehouse_path,
    sync,
)

from .conftest import WorkspaceFactory, build_workspace

AS_OF = dt.date(2026, 11, 20)  # the last complete day the tests pretend it is


def day(n: int) -> dt.date:
    return dt.date(2026, 10, n)


def totals(wh: Warehouse) -> dict[str, Any]:
    result: dict[str, Any] = wh.sql(
        "SELECT count(*) AS n, count(DISTINCT record_id) AS ids, sum(clicks) AS clicks "
        "FROM performance"
    ).to_pylist()[0]
    return result


def cursors(wh: Warehouse) -> dict[tuple[str, str], dt.date | None]:
    return {(s.stream, s.account): s.cursor for s in wh.states()}


@pytest.fixture
def wh(tmp_path: Path) -> Any:
    with Warehouse(tmp_path / "w.duckdb") as opened:
        yield opened


# base clicks of one account: sum over days 1..10 and campaigns 0..2 of (10 * day + campaign)
# = 3 * 10 * 55 + 10 * (0 + 1 + 2) = 1650 + 30 = 1680
BASE_CLICKS = 1680


def test_first_sync_reads_everything_and_sets_a_cursor_per_account(
    make_workspace: WorkspaceFactory, wh: Warehouse
) -> None:
    ws = make_workspace(accounts=["a1", "a2"])
    result = sync(ws, wh, streams=["daily"], as_of=AS_OF)
    assert result.ok
    assert [str(r.unit) for r in result.results] == ["synth/daily [a1]", "synth/daily [a2]"]
    # 2 accounts x 10 days x 3 campaigns
    assert totals(wh) == {"n": 60, "ids": 60, "clicks": 2 * BASE_CLICKS}
    assert cursors(wh) == {("daily", "a1"): day(10), ("daily", "a2"): day(10)}
    state = wh.state("synth", "daily", "a1")
    assert state is not None
    assert (state.rows, state.cursor_column, state.kind.value) == (30, "date", "performance")


def test_next_sync_re_reads_the_lookback_and_merges_restated_days(
    make_workspace: WorkspaceFactory, wh: Warehouse
) -> None:
    sync(make_workspace(accounts=["a1", "a2"]), wh, streams=["daily"], as_of=AS_OF)
    # the platform restates Oct 5 onwards; the default lookback (2 days) re-reads Oct 9-10
    restated = make_workspace(accounts=["a1", "a2"], version=1, restate_from="2026-10-05")
    result = sync(restated, wh, streams=["daily"], as_of=AS_OF)
    assert [r.request.start if r.request else None for r in result.results] == [day(9), day(9)]
    # 2 days x 3 campaigns x 2 accounts re-read, each +1000 clicks; nothing duplicates
    assert [r.rows for r in result.results] == [6, 6]
    assert totals(wh) == {"n": 60, "ids": 60, "clicks": 2 * BASE_CLICKS + 12 * 1000}
    # Oct 5-8 are outside the window: unchanged (a longer lookback would fetch them)
    assert (
        wh.sql("SELECT max(clicks) AS m FROM performance WHERE date = '2026-10-08'")["m"][0].as_py()
        == 82
    )


def test_lookback_days_setting_widens_the_window(
    make_workspace: WorkspaceFactory, wh: Warehouse
) -> None:
    sync(make_workspace(), wh, streams=["daily"], as_of=AS_OF)
    wider = make_workspace(lookback_days=6, version=1, restate_from="2026-10-05")
    result = sync(wider, wh, streams=["daily"], as_of=AS_OF)
    # cursor Oct 10 + 1 day - 6 days = Oct 5: all restated days are re-read
    assert result.results[0].request is not None
    assert result.results[0].request.start == day(5)
    assert totals(wh)["clicks"] == BASE_CLICKS + 6 * 3 * 1000


def test_a_failing_account_is_reported_and_keeps_its_state(
    make_workspace: WorkspaceFactory, wh: Warehouse
) -> None:
    sync(make_workspace(accounts=["a1", "a2", "a3"], last_day="2026-10-05"), wh, as_of=AS_OF)
    broken = make_workspace(accounts=["a1", "a2", "a3"], fail_accounts=["a2"])
    result = sync(broken, wh, streams=["daily"], as_of=AS_OF)
    assert not result.ok
    (failed,) = result.failed
    assert failed.unit == Unit("synth", "daily", "a2")
    assert isinstance(failed.error, AuthenticationError)
    assert failed.cursor_after == failed.cursor_before == day(5)
    assert cursors(wh)[("daily", "a1")] == day(10)
    assert cursors(wh)[("daily", "a2")] == day(5)
    assert cursors(wh)[("daily", "a3")] == day(10)
    # a2 still has its first 5 days only: 5 x 3 rows; a1 and a3 have 10 x 3 each
    per_account = wh.sql(
        "SELECT account_id, count(*) AS n FROM performance GROUP BY 1 ORDER BY 1"
    ).to_pylist()
    assert per_account == [
        {"account_id": "a1", "n": 30},
        {"account_id": "a2", "n": 15},
        {"account_id": "a3", "n": 30},
    ]
    runs = wh.runs().to_pylist()
    failures = [r for r in runs if r["status"] == "failed"]
    assert len(failures) == 1
    assert failures[0]["account"] == "a2"
    assert "AuthenticationError" in failures[0]["error"]
    # once fixed, a2 catches up from its own cursor (Oct 5 + 1 - 2 days lookback = Oct 4)
    fixed = sync(make_workspace(accounts=["a1", "a2", "a3"]), wh, streams=["daily"], as_of=AS_OF)
    a2 = next(r for r in fixed.results if r.unit.account == "a2")
    assert a2.request is not None
    assert a2.request.start == day(4)
    assert totals(wh)["n"] == 90


def test_a_connection_that_cannot_be_built_fails_alone(tmp_path: Path, wh: Warehouse) -> None:
    ws = build_workspace(
        tmp_path,
        [
            {"name": "good", "connector": "synth"},
            {
                "name": "needs-secret",
                "connector": "synth",
                "secrets": {"pause": "PARTNERKIT_STORE_TEST_UNSET_VARIABLE"},
            },
        ],
    )
    result = sync(ws, wh, streams=["daily"], as_of=AS_OF)
    assert [(str(r.unit), r.ok) for r in result.results] == [
        ("good/daily", True),
        ("needs-secret/*", False),
    ]
    assert isinstance(result.failed[0].error, MissingSecretError)


def test_from_overrides_the_cursor_and_to_bounds_the_read(
    make_workspace: WorkspaceFactory, wh: Warehouse
) -> None:
    first = sync(make_workspace(), wh, streams=["daily"], end=day(4), as_of=AS_OF)
    assert first.results[0].cursor_after == day(4)
    assert totals(wh)["n"] == 4 * 3
    again = sync(
        make_workspace(version=1, restate_from="2026-10-02"),
        wh,
        streams=["daily"],
        start=day(2),
        end=day(3),
        as_of=AS_OF,
    )
    assert again.results[0].rows == 2 * 3
    # re-reading an earlier range never moves the cursor back
    assert cursors(wh)[("daily", "")] == day(4)
    # days 2 and 3 restated (+1000 on 3 campaigns each); day 4 was not re-read
    expected = sum(10 * d + c for d in range(1, 5) for c in range(3)) + 6 * 1000
    assert totals(wh)["clicks"] == expected


def test_full_refresh_replaces_the_rows_of_the_range(
    make_workspace: WorkspaceFactory, wh: Warehouse
) -> None:
    sync(make_workspace(campaigns=3), wh, streams=["daily"], as_of=AS_OF)
    # campaign c2 was deleted at the source: an incremental sync would keep its rows
    fewer = make_workspace(campaigns=2)
    sync(fewer, wh, streams=["daily"], full_refresh=True, start=day(6), as_of=AS_OF)
    # days 1-5 keep 3 campaigns; days 6-10 now have 2
    assert totals(wh)["n"] == 5 * 3 + 5 * 2
    result = sync(fewer, wh, streams=["daily"], full_refresh=True, as_of=AS_OF)
    assert totals(wh)["n"] == 10 * 2
    assert result.results[0].cursor_after == day(10)


def test_a_full_refresh_may_move_the_cursor_back(
    make_workspace: WorkspaceFactory, wh: Warehouse
) -> None:
    sync(make_workspace(), wh, streams=["daily"], as_of=AS_OF)
    shorter = make_workspace(last_day="2026-10-06")
    sync(shorter, wh, streams=["daily"], full_refresh=True, as_of=AS_OF)
    assert cursors(wh)[("daily", "")] == day(6)
    assert totals(wh)["n"] == 6 * 3


def test_the_cursor_stops_at_the_last_complete_day(
    make_workspace: WorkspaceFactory, wh: Warehouse
) -> None:
    sync(make_workspace(), wh, streams=["daily"], as_of=day(7))
    assert cursors(wh)[("daily", "")] == day(7)
    # the rows read are kept all the same
    assert totals(wh)["n"] == 10 * 3


def test_streams_without_a_cursor_and_with_a_timestamp_cursor(
    make_workspace: WorkspaceFactory, wh: Warehouse
) -> None:
    ws = make_workspace(accounts=["a1"], campaigns=4)
    sync(ws, wh, streams=["campaigns", "leads"], as_of=AS_OF)
    renamed = make_workspace(accounts=["a1"], campaigns=4, version=2)
    result = sync(renamed, wh, streams=["campaigns", "leads"], as_of=AS_OF)
    by_stream = {r.unit.stream: r for r in result.results}
    # campaigns: read whole every time, merged by record_id
    assert by_stream["campaigns"].request == ReadRequest(stream="campaigns", accounts=("a1",))
    assert by_stream["campaigns"].cursor_after is None
    names = wh.sql("SELECT name FROM campaign ORDER BY object_id")["name"].to_pylist()
    assert names == [f"Campaign {c} v2" for c in range(4)]
    # leads: the cursor is the UTC day of the latest created_at (12:00 UTC on Oct 10)
    assert by_stream["leads"].cursor_before == day(10)
    assert by_stream["leads"].cursor_after == day(10)
    assert wh.sql("SELECT count(*) AS n FROM lead")["n"][0].as_py() == 10


def test_extra_metrics_appear_as_columns(make_workspace: WorkspaceFactory, wh: Warehouse) -> None:
    sync(make_workspace(extra_from="2026-10-08"), wh, streams=["daily"], as_of=AS_OF)
    got = wh.sql(
        'SELECT count("extra.video_views") AS n, sum("extra.video_views") AS s FROM performance'
    ).to_pylist()[0]
    # days 8-10 x campaigns 0..2 carry video_views = campaign index
    assert got == {"n": 9, "s": 3 * (0 + 1 + 2)}


class Recorder(SyncObserver):
    def __init__(self) -> None:
        self.planned_units: list[Unit] = []
        self.started_days: dict[Unit, int | None] = {}
        self.progress: dict[Unit, list[tuple[int, int | None]]] = {}
        self.finished_units: list[UnitResult] = []

    def planned(self, units: Any) -> None:
        self.planned_units = list(units)

    def started(self, unit: Unit, request: ReadRequest, days: int | None) -> None:
        self.started_days[unit] = days

    def advanced(self, unit: Unit, rows: int, days_done: int | None) -> None:
        self.progress.setdefault(unit, []).append((rows, days_done))

    def finished(self, result: UnitResult) -> None:
        self.finished_units.append(result)


def test_the_observer_sees_rows_and_days(make_workspace: WorkspaceFactory, wh: Warehouse) -> None:
    recorder = Recorder()
    sync(make_workspace(), wh, streams=["daily"], as_of=AS_OF, batch_size=6, observer=recorder)
    unit = Unit("synth", "daily")
    assert recorder.planned_units == [unit]
    assert recorder.started_days == {unit: None}  # a first read has no start: no total
    sync(
        make_workspace(),
        wh,
        streams=["daily"],
        start=day(1),
        end=day(10),
        as_of=AS_OF,
        batch_size=6,
        observer=recorder,
    )
    assert recorder.started_days == {unit: 10}
    # batches of 6 rows = 2 days of 3 campaigns
    assert recorder.progress[unit][-5:] == [(6, 2), (12, 4), (18, 6), (24, 8), (30, 10)]
    assert [r.ok for r in recorder.finished_units] == [True, True]


def test_reads_run_concurrently_on_a_bounded_pool(
    make_workspace: WorkspaceFactory, wh: Warehouse
) -> None:
    Concurrency.reset()
    ws = make_workspace(accounts=[f"a{i}" for i in range(6)], read_pause=0.2)
    result = sync(ws, wh, streams=["daily"], workers=2, as_of=AS_OF)
    assert result.ok
    assert Concurrency.peak == 2
    assert len(Concurrency.threads) == 2
    assert totals(wh)["n"] == 6 * 30


def test_bad_arguments_are_configuration_errors(
    make_workspace: WorkspaceFactory, wh: Warehouse
) -> None:
    ws = make_workspace()
    with pytest.raises(ConfigurationError, match="no connection 'nope'"):
        sync(ws, wh, connections=["nope"])
    with pytest.raises(ConfigurationError, match="stream"):
        sync(ws, wh, streams=["nope"])
    with pytest.raises(ConfigurationError, match="after"):
        sync(ws, wh, start=day(5), end=day(1))
    with pytest.raises(ConfigurationError, match="workers"):
        sync(ws, wh, workers=0)


def test_default_warehouse_is_next_to_the_workspace(
    make_workspace: WorkspaceFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PARTNERKIT_WAREHOUSE", raising=False)
    result = sync(make_workspace(), streams=["daily"], as_of=AS_OF)
    assert result.warehouse == tmp_path / ".partnerkit" / "warehouse.duckdb"
    assert result.warehouse.exists()
    monkeypatch.setenv("PARTNERKIT_WAREHOUSE", str(tmp_path / "elsewhere.duckdb"))
    assert sync(make_workspace(), as_of=AS_OF).warehouse == tmp_path / "elsewhere.duckdb"


def test_the_workspace_file_can_name_the_warehouse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "partnerkit.yaml").write_text(
        "name: Acme\ncurrency: ILS\ntimezone: Asia/Jerusalem\nwarehouse: data/acme.duckdb\n",
        encoding="utf-8",
    )
    monkeypatch.delenv("PARTNERKIT_WAREHOUSE", raising=False)
    monkeypatch.chdir(tmp_path.parent)  # relative to the file's folder, not the current one
    ws = load_workspace(tmp_path / "partnerkit.yaml")

    assert default_warehouse_path(ws) == tmp_path / "data" / "acme.duckdb"
    monkeypatch.setenv("PARTNERKIT_WAREHOUSE", "env.duckdb")
    assert default_warehouse_path(ws) == Path("env.duckdb")
    assert default_warehouse_path(ws, "cli.duckdb") == Path("cli.duckdb")
