"""A first read is written once, into a table of its own renamed into place at its commit.

Each test that can compares with the staged path (a stage opened without its scope) on the
same inputs: the same rows, record ids, layout and state.
"""

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from partnerkit_store_synth import layout, meta_state, perf
from pydantic_settings import SettingsConfigDict

from partnerkit.connector import Connector, ConnectorSettings, ReadRequest, StreamSpec
from partnerkit.errors import DataError, TransientError
from partnerkit.records import Record, RecordKind
from partnerkit.registry import register_connector, unregister_connector
from partnerkit.store import Scope, Warehouse, sync
from partnerkit.store import warehouse as warehouse_module
from partnerkit.stream import RecordStream

from .conftest import build_workspace

PERF = RecordKind.PERFORMANCE
SCOPE = Scope("meta", "insights")


def batches(rows: list[dict[str, Any]], size: int = 3) -> list[Any]:
    return list(RecordStream.from_records("performance", rows, name="test").iter_arrow(size))


def staged(stage: Any) -> int:
    """Rows in a stage's staging table (a temporary table: only its own cursor sees it)."""
    if not stage._created:
        return 0
    return int(stage._cur.execute(f"SELECT count(*) FROM {stage.table}").fetchall()[0][0])


def clicks_by_day(wh: Warehouse) -> dict[int, int]:
    rows = wh.sql("SELECT date, clicks FROM performance ORDER BY date").to_pylist()
    return {r["date"].day: r["clicks"] for r in rows}


def leftovers(wh: Warehouse) -> list[str]:
    """Tables of ``main`` that are not record tables (a first read's own table)."""
    found = wh.sql(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' "
        "AND table_name NOT IN ('performance', 'lead', 'deal', 'campaign')"
    )
    return [str(name) for name in found["table_name"].to_pylist()]


@pytest.fixture
def wh(tmp_path: Path) -> Iterator[Warehouse]:
    with Warehouse(tmp_path / "w.duckdb") as opened:
        yield opened


@pytest.fixture(autouse=True, params=[True, False], ids=["behind", "inline"])
def small_groups(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> None:
    """A "row group" of 4 rows, so a few records make several groups and a tail; each
    test twice, the groups written on the writing thread (the default) and inline."""
    monkeypatch.setattr(warehouse_module, "_STAGE_FLUSH_ROWS", 4)
    monkeypatch.setattr(warehouse_module, "_WRITE_DIRECT", True)
    monkeypatch.setattr(warehouse_module, "_WRITE_BEHIND", request.param)


def test_a_first_read_goes_into_its_own_table_unseen_until_the_commit(
    wh: Warehouse,
) -> None:
    with wh.stage(PERF, "date", scope=SCOPE) as stage:
        for batch in batches([perf(d, clicks=d) for d in range(1, 11)]):
            stage.append(batch)
            # a reader on another cursor: no table, no rows, until the commit
            assert wh.tables() == []
            assert wh.dataset().row_count(PERF) == 0
        assert stage._direct is True
        assert staged(stage) == 0  # nothing went through the staging table
        # two row groups of 4 written (on the writing thread) and committed in the own
        # table, 2 rows held
        stage._written()
        assert stage._own_rows == 8
        assert wh.state("meta", "insights") is None
        result = stage.commit(SCOPE)
    assert (result.rows, result.written, result.replaced) == (10, 10, 0)
    assert result.seen == dt.date(2026, 10, 10)
    assert leftovers(wh) == []
    # 1 + 2 + ... + 10 = 55
    assert wh.sql("SELECT sum(clicks) AS c FROM performance")["c"][0].as_py() == 55
    provenance = wh.sql(
        "SELECT DISTINCT _connection, _stream, _account, _synced_at FROM performance"
    ).to_pylist()
    assert len(provenance) == 1  # one time for the whole read, as a merge writes
    assert provenance[0]["_connection"] == "meta"
    assert (provenance[0]["_stream"], provenance[0]["_account"]) == ("insights", "")


@pytest.mark.parametrize("slice_rows", [500_000, 3], ids=["one-slice", "slices-of-3"])
def test_duplicates_within_the_first_read_keep_the_last_as_the_merge_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, slice_rows: int
) -> None:
    # Groups of 4 (batches of 3): days 1-4 are written first, day 1 comes again in the
    # tail (100); day 6 comes twice in the tail (60, then 66); day 2 comes again in
    # the second batch, inside the first group (20). With slices of 3 rows the commit
    # cleans the 9 staged rows in 3 slices by hash of the id, the merge likewise.
    monkeypatch.setattr(warehouse_module, "_PARTITION_ROWS", slice_rows)
    rows = [
        perf(1, clicks=1),
        perf(2, clicks=2),
        perf(3, clicks=3),
        perf(4, clicks=4),
        perf(2, clicks=20),
        perf(5, clicks=5),
        perf(6, clicks=60),
        perf(1, clicks=100),
        perf(6, clicks=66),
    ]
    expected = {1: 100, 2: 20, 3: 3, 4: 4, 5: 5, 6: 66}
    with Warehouse(tmp_path / "direct.duckdb") as direct:
        with direct.stage(PERF, "date", scope=SCOPE) as stage:
            for batch in batches(rows):
                stage.append(batch)
            assert stage._direct is True
            result = stage.commit(SCOPE)
        assert (result.rows, result.written, result.replaced) == (9, 6, 0)
        assert clicks_by_day(direct) == expected
        direct_layout = layout(direct)
    with Warehouse(tmp_path / "staged.duckdb") as staged_wh:
        with staged_wh.stage(PERF, "date") as stage:  # no scope up front: staged, merged
            for batch in batches(rows):
                stage.append(batch)
            assert stage._direct is False
            result = stage.commit(SCOPE)
        assert (result.rows, result.written, result.replaced) == (9, 6, 0)
        assert clicks_by_day(staged_wh) == expected
        assert layout(staged_wh) == direct_layout


@pytest.mark.parametrize("direct", [True, False], ids=["direct", "staged"])
def test_ids_of_one_hash_take_the_exact_path_and_keep_every_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, direct: bool
) -> None:
    # The duplicate check counts 64-bit hashes of the ids; when two distinct ids share
    # one (forced here: every check says "not distinct"), the exact grouping runs and
    # must keep all ten distinct rows, each once: 1 + 2 + ... + 10 = 55 clicks.
    monkeypatch.setattr(warehouse_module, "_distinct_ids", lambda *_: False)
    with Warehouse(tmp_path / "w.duckdb") as wh:
        with wh.stage(PERF, "date", scope=SCOPE if direct else None) as stage:
            for batch in batches([perf(d, clicks=d) for d in range(1, 11)]):
                stage.append(batch)
            assert stage._direct is direct
            result = stage.commit(SCOPE)
        assert (result.rows, result.written, result.replaced) == (10, 10, 0)
        assert clicks_by_day(wh) == {d: d for d in range(1, 11)}
        assert sum(clicks_by_day(wh).values()) == 55


def test_a_column_first_filled_in_a_later_group_is_stored_with_the_earlier_rows_null(
    wh: Warehouse,
) -> None:
    rows = [perf(1), perf(2), perf(3), perf(4), perf(5, reach=50), perf(6, reach=60)]
    with wh.stage(PERF, "date", scope=SCOPE) as stage:
        for batch in batches(rows, size=2):
            stage.append(batch)
        assert stage._direct is True
        stage.commit(SCOPE)
    got = wh.sql("SELECT date, reach FROM performance ORDER BY date").to_pylist()
    assert [r["reach"] for r in got] == [None, None, None, None, 50, 60]
    generated = {name: gen for name, _, gen in layout(wh)}
    assert (generated["reach"], generated["ad_id"]) == (False, True)


def test_a_failing_first_read_leaves_no_table_and_no_state(wh: Warehouse) -> None:
    def read_and_fail() -> None:
        with wh.stage(PERF, "date", scope=SCOPE) as stage:
            for batch in batches([perf(d) for d in range(1, 10)]):
                stage.append(batch)
            assert stage._direct is True
            raise TransientError("the connection dropped", api="meta")

    with pytest.raises(TransientError):
        read_and_fail()
    assert wh.tables() == []
    assert wh.states() == []
    assert leftovers(wh) == []
    # the table is free again: the next read goes straight in too
    with wh.stage(PERF, "date", scope=SCOPE) as stage:
        for batch in batches([perf(d, clicks=d) for d in range(1, 6)]):
            stage.append(batch)
        assert stage._direct is True
        stage.commit(SCOPE)
    assert clicks_by_day(wh) == {1: 1, 2: 2, 3: 3, 4: 4, 5: 5}


def test_a_failing_commit_leaves_no_table_and_no_state(
    wh: Warehouse, failing_state_write: None
) -> None:
    state = meta_state(9)
    with wh.stage(PERF, "date", scope=SCOPE) as stage:
        for batch in batches([perf(d) for d in range(1, 10)]):
            stage.append(batch)
        assert stage._direct is True
        with pytest.raises(RuntimeError, match="disk"):
            stage.commit(SCOPE, state=state)
    assert wh.tables() == []
    assert wh.states() == []
    assert leftovers(wh) == []


def test_an_empty_table_keeps_its_layout_and_a_filled_one_is_merged(wh: Warehouse) -> None:
    wh.load(RecordStream.from_records("performance", [perf(9, clicks=9)], name="x"), SCOPE)
    wh.cursor().execute("DELETE FROM performance")
    before = layout(wh)
    with wh.stage(PERF, "date", scope=SCOPE) as stage:
        for batch in batches([perf(d, clicks=d) for d in range(1, 7)]):
            stage.append(batch)
        assert stage._direct is False  # the table is there (empty): staged and merged
        stage.commit(SCOPE)
    assert layout(wh) == before
    # the second read: days 4-8, restated; staged and merged
    with wh.stage(PERF, "date", scope=SCOPE) as stage:
        for batch in batches([perf(d, clicks=10 * d) for d in range(4, 9)]):
            stage.append(batch)
        assert stage._direct is False
        result = stage.commit(SCOPE)
    assert (result.rows, result.written, result.replaced) == (5, 5, 3)
    assert clicks_by_day(wh) == {1: 1, 2: 2, 3: 3, 4: 40, 5: 50, 6: 60, 7: 70, 8: 80}


def _two_reads(wh: Warehouse, first_scope: Scope | None) -> None:
    """A first read of days 1-6 and, on another account, days 5-10 merged before it."""
    first = wh.stage(PERF, "date", scope=first_scope)
    for batch in batches([perf(d, clicks=d) for d in range(1, 7)]):
        first.append(batch)
    other = Scope("meta", "insights", "act_2")
    second = wh.stage(PERF, "date", scope=other if first_scope else None)
    for batch in batches([perf(d, clicks=10 * d) for d in range(5, 11)]):
        second.append(batch)
    assert second._direct is False  # one first read of a kind at a time writes its own
    assert first._direct is (first_scope is not None)
    second.commit(other)
    first.commit(SCOPE)


def test_a_first_read_whose_table_appeared_meanwhile_is_merged_into_it(tmp_path: Path) -> None:
    with Warehouse(tmp_path / "direct.duckdb") as direct:
        _two_reads(direct, SCOPE)
        # the first read merged after the second: its days 5 and 6 replaced the second's
        assert clicks_by_day(direct) == {d: d if d < 7 else 10 * d for d in range(1, 11)}
        accounts = direct.sql(
            "SELECT _account, count(*) AS n FROM performance GROUP BY 1 ORDER BY 1"
        )
        assert accounts.to_pylist() == [{"_account": "", "n": 6}, {"_account": "act_2", "n": 4}]
        got = direct.sql("SELECT * EXCLUDE (_synced_at) FROM performance ORDER BY record_id")
        got_layout = layout(direct)
        assert leftovers(direct) == []
    with Warehouse(tmp_path / "staged.duckdb") as staged_wh:
        _two_reads(staged_wh, None)  # no scope up front: both staged and merged
        assert staged_wh.sql(
            "SELECT * EXCLUDE (_synced_at) FROM performance ORDER BY record_id"
        ).equals(got)
        assert layout(staged_wh) == got_layout


def test_a_process_dying_while_writing_its_own_table_leaves_nothing_to_readers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "w.duckdb"
    with Warehouse(path) as wh:
        stage = wh.stage(PERF, "date", scope=SCOPE)
        for batch in batches([perf(d) for d in range(1, 10)]):
            stage.append(batch)
        assert stage._direct is True
        stage._written()  # the group written behind lands (closing a busy connection raises)
        wh._con.close()  # "dies" without committing: its file and claim on it are gone
        wh._claim.release()
        wh._closed = True
    with Warehouse(path, read_only=True) as reader:
        assert reader.tables() == []  # the own table is in the file, but no record table
        assert reader.states() == []
        assert reader.dataset().row_count(PERF) == 0
    with Warehouse(path) as wh:  # its process (this one) runs: the table is left to it
        assert len(leftovers(wh)) == 1
    monkeypatch.setattr(warehouse_module, "_pid_alive", lambda pid: False)
    with Warehouse(path) as wh:  # its process is gone: the own table is dropped
        assert leftovers(wh) == []
        assert wh.tables() == []
        assert wh.states() == []


class _BreakingSettings(ConnectorSettings):
    model_config = SettingsConfigDict(env_prefix="PARTNERKIT_BREAKING_")
    fail: bool = True


class _Breaking(Connector[_BreakingSettings]):
    """Yields days 1-9 of one campaign, then fails (when ``fail``)."""

    name = "breaking"
    settings_class = _BreakingSettings
    streams = (StreamSpec(name="daily", kind=PERF),)

    def read(self, request: ReadRequest) -> Iterator[Record]:
        for day in range(1, 10):
            yield perf(day, clicks=day)  # type: ignore[misc]
        if self.settings.fail:
            raise TransientError("the connection dropped", api="breaking")


@pytest.fixture
def breaking() -> Iterator[None]:
    register_connector(_Breaking, replace=True)
    yield
    unregister_connector("breaking")


def test_a_failing_first_sync_leaves_no_rows_and_no_state(
    tmp_path: Path, wh: Warehouse, breaking: None
) -> None:
    def workspace(fail: bool) -> Any:
        connection = {"name": "b", "connector": "breaking", "settings": {"fail": fail}}
        return build_workspace(tmp_path, [connection])

    result = sync(workspace(True), wh, batch_size=2, as_of=dt.date(2026, 11, 1))
    assert not result.ok
    assert result.results[0].rows == 8  # four batches staged before the failure
    assert wh.tables() == []
    assert wh.state("b", "daily") is None
    runs = wh.runs().to_pylist()
    assert [r["status"] for r in runs] == ["failed"]
    result = sync(workspace(False), wh, batch_size=2, as_of=dt.date(2026, 11, 1))
    assert result.ok
    assert clicks_by_day(wh) == {d: d for d in range(1, 10)}
    state = wh.state("b", "daily")
    assert state is not None
    assert (state.cursor, state.rows) == (dt.date(2026, 10, 9), 9)


def test_a_sync_killed_while_writing_straight_in_resumes_to_the_same_warehouse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The kill tests' harness with row groups of 40 rows: the first read of each kind
    # writes a table of its own, the others stage (and merge first or after). Killed after pages 2,
    # 4 and 8, each unit is all or nothing, and a resumed sync ends where an
    # uninterrupted one does.
    from . import test_kill

    monkeypatch.setenv("SYNTH_FLUSH_ROWS", "40")
    # the reference: an uninterrupted sync whose reads are all staged and merged
    monkeypatch.setattr(warehouse_module, "_STAGE_FLUSH_ROWS", 122_880)
    monkeypatch.setattr(warehouse_module, "_WRITE_DIRECT", False)
    reference_path = tmp_path / "reference" / "w.duckdb"
    reference_path.parent.mkdir()
    assert test_kill.kill_sync(test_kill.kill_workspace(reference_path.parent), reference_path).ok
    reference = test_kill.snapshot(reference_path)
    points = [(2, 0), (4, 3), (8, 1)]
    for page, delay in points:
        path = tmp_path / f"kill-{page}" / "w.duckdb"
        assert test_kill.kill_after(path, page, delay)
        test_kill.check_killed(path)
        resumed = test_kill.kill_sync(test_kill.kill_workspace(path.parent), path)
        assert resumed.ok, (page, resumed.failed)
        assert test_kill.snapshot(path) == reference, page


# ------------------------------------------------- the same warehouse as the staged sync


def _sync_twice(path: Path, root: Path, *, direct: bool, workers: int) -> list[dict[str, Any]]:
    """Two syncs of two accounts: a first read to 15 October, an extra metric from the
    8th, then a re-read (two days of lookback) to the 20th restating days from the 13th;
    the warehouse after each (rows less ``_synced_at``, layout, states, runs)."""
    settings: dict[str, Any] = {
        "accounts": ["a1", "a2"],
        "campaigns": 7,
        "first_day": "2026-10-01",
        "extra_from": "2026-10-08",
        "spend": "1.5",
        "lookback_days": 2,
    }
    seen: list[dict[str, Any]] = []
    for version, as_of in ((0, dt.date(2026, 10, 15)), (1, dt.date(2026, 10, 20))):
        settings = {**settings, "version": version, "restate_from": "2026-10-13"}
        settings["last_day"] = as_of.isoformat()
        connection = {
            "name": "s",
            "connector": "synth",
            "accounts": ["a1", "a2"],
            "settings": settings,
        }
        workspace = build_workspace(root, [connection])
        with Warehouse(path) as wh:
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(warehouse_module, "_WRITE_DIRECT", direct)
                result = sync(workspace, wh, workers=workers, batch_size=5, as_of=as_of)
            assert result.ok, result.failed
            assert leftovers(wh) == []
            tables = {
                kind.value: wh.sql(
                    f"SELECT * EXCLUDE (_synced_at) FROM {kind.value} ORDER BY record_id"
                ).to_pylist()
                for kind in wh.tables()
            }
            runs = wh.sql(
                "SELECT connection, stream, account, status, rows, read_start, read_end, "
                "cursor_before, cursor_after FROM partnerkit.runs "
                "ORDER BY finished_at, connection, stream, account"
            ).to_pylist()
            seen.append(
                {
                    "tables": tables,
                    "layout": layout(wh),
                    "states": [(s.stream, s.account, s.cursor, s.rows) for s in wh.states()],
                    "runs": sorted(runs, key=lambda r: (r["stream"], r["account"], r["read_end"])),
                }
            )
    return seen


@pytest.mark.parametrize("workers", [1, 4])
def test_two_syncs_leave_the_warehouse_the_staged_sync_leaves(tmp_path: Path, workers: int) -> None:
    # groups of 4 rows: the first read of each kind writes its own table in many groups,
    # the extra column and spend appear in later ones, the others (the second account)
    # are staged and merged, first or after it
    direct = _sync_twice(tmp_path / "d.duckdb", tmp_path, direct=True, workers=workers)
    staged_ = _sync_twice(tmp_path / "s.duckdb", tmp_path, direct=False, workers=workers)
    assert direct == staged_
    first, second = direct
    # worked out by hand: 7 campaigns x 15 days x 2 accounts, then x 20 days
    assert len(first["tables"]["performance"]) == 7 * 15 * 2
    assert len(second["tables"]["performance"]) == 7 * 20 * 2
    views = [r["extra.video_views"] for r in first["tables"]["performance"]]
    assert views.count(None) == 7 * 7 * 2  # days 1-7 have no extra
    # the second sync re-read from its cursor less the lookback, restating from the 13th
    reread = min(
        r["read_start"] for r in second["runs"] if r["stream"] == "daily" and r["cursor_before"]
    )
    restated = max(reread, dt.date(2026, 10, 13))
    clicks_over = {r["date"] for r in second["tables"]["performance"] if r["clicks"] > 1000}
    assert clicks_over == {restated + dt.timedelta(days=d) for d in range((20 - restated.day) + 1)}


def test_a_type_no_column_can_hold_fails_the_first_read_as_the_staged_one(
    tmp_path: Path,
) -> None:
    rows = [perf(d, extra={"n": d}) for d in range(1, 5)]
    rows += [perf(d, extra={"n": f"x{d}"}) for d in range(5, 9)]

    def read(wh: Warehouse, scope: Scope | None) -> None:
        with wh.stage(PERF, "date", scope=scope) as stage:
            for batch in batches(rows, size=4):
                stage.append(batch)  # the staged read raises here
            assert stage._direct is (scope is not None)
            stage.commit(SCOPE)  # the direct one here (its groups are written behind)

    for scope in (SCOPE, None):
        with Warehouse(tmp_path / f"{scope is None}.duckdb") as wh:
            with pytest.raises(DataError, match=r"extra\.n"):
                read(wh, scope)
            assert wh.tables() == []
            assert leftovers(wh) == []


def test_a_concurrent_reader_sees_no_rows_then_the_whole_first_read(wh: Warehouse) -> None:
    dataset = wh.dataset()
    with wh.stage(PERF, "date", scope=SCOPE) as stage:
        for batch in batches([perf(d, clicks=d) for d in range(1, 13)], size=2):
            stage.append(batch)
            assert dataset.sql("SELECT count(*) AS n FROM performance")["n"][0].as_py() == 0
        stage._written()
        assert stage._own_rows == 12  # every group written: three of four
        stage.commit(SCOPE)
    # 1 + 2 + ... + 12 = 78 (a dataset opened before the kind had a table reads it as
    # empty, as after a staged first read: a new one sees the rows)
    found = wh.dataset().sql("SELECT count(*) AS n, sum(clicks) AS c FROM performance").to_pylist()
    assert found == [{"n": 12, "c": 78}]


def test_closing_the_warehouse_with_a_first_read_open_discards_it(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    with Warehouse(path) as wh:
        stage = wh.stage(PERF, "date", scope=SCOPE)
        for batch in batches([perf(d) for d in range(1, 10)]):  # two whole groups written
            stage.append(batch)
        assert stage._direct is True
    # the with block closed the warehouse without the stage's commit: no error, nothing kept
    with Warehouse(path) as wh:
        assert wh.tables() == []
        assert wh.states() == []
        assert leftovers(wh) == []  # dropped at the close, not left for a later open
