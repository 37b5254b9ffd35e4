"""Staging in row groups: batches held in Arrow, inserted together, the tail merged from Arrow."""

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from partnerkit_store_synth import meta_state, perf, stream

from partnerkit.records import RecordKind, arrow_schema
from partnerkit.store import Scope, Warehouse
from partnerkit.store import warehouse as warehouse_module


def staged(stage: Any) -> int:
    """Rows in a stage's staging table (a temporary table: only its own cursor sees it)."""
    if not stage._created:
        return 0
    return int(stage._cur.execute(f"SELECT count(*) FROM {stage.table}").fetchall()[0][0])


def stage_rows(wh: Warehouse) -> int:
    """Rows in staging tables kept in the warehouse's file (stages are temporary: none)."""
    names = wh.sql(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'partnerkit' "
        "AND table_name LIKE 'stage_%'"
    )["table_name"].to_pylist()
    return sum(
        int(wh.sql(f'SELECT count(*) AS n FROM partnerkit."{name}"')["n"][0].as_py())
        for name in names
    )


@pytest.fixture
def wh(tmp_path: Path) -> Any:
    with Warehouse(tmp_path / "w.duckdb") as opened:
        yield opened


@pytest.fixture
def small_groups(monkeypatch: pytest.MonkeyPatch) -> None:
    """A "row group" of 4 rows, so a few records fill the staging table and leave a tail."""
    monkeypatch.setattr(warehouse_module, "_STAGE_FLUSH_ROWS", 4)


def test_batches_are_held_until_a_group_fills(wh: Warehouse, small_groups: None) -> None:
    batches = list(stream([perf(d, clicks=d) for d in range(1, 11)]).iter_arrow(3))
    with wh.stage(RecordKind.PERFORMANCE, "date") as stage:
        stage.append(batches[0])  # 3 rows held, under the group of 4
        assert (stage.rows, staged(stage)) == (3, 0)
        stage.append(batches[1])  # 6 rows: a group, inserted and committed
        assert (stage.rows, staged(stage), stage_rows(wh)) == (6, 6, 0)
        stage.append(batches[2])  # 9 rows: 3 more held
        stage.append(batches[3])  # 10 rows: 4 held, a group again
        assert (stage.rows, staged(stage)) == (10, 10)
        result = stage.commit(Scope("meta", "insights"))
    assert (result.rows, result.written, result.seen) == (10, 10, dt.date(2026, 10, 10))
    # 1 + 2 + ... + 10 = 55
    assert wh.sql("SELECT sum(clicks) AS c FROM performance")["c"][0].as_py() == 55
    assert stage_rows(wh) == 0


def test_the_tail_is_merged_from_arrow_with_the_staged_rows(
    wh: Warehouse, small_groups: None
) -> None:
    # 5 rows staged in the table, 2 held when the merge runs; day 1 comes twice, once
    # in the staged part and once in the tail: the tail's (the last) wins
    rows = [perf(d, clicks=d) for d in range(1, 6)] + [perf(6, clicks=6), perf(1, clicks=100)]
    result = wh.load(stream(rows), batch_size=5)
    assert (result.rows, result.written, result.replaced) == (7, 6, 0)
    got = wh.sql("SELECT date, clicks FROM performance ORDER BY date").to_pylist()
    assert [r["clicks"] for r in got] == [100, 2, 3, 4, 5, 6]


def test_a_read_under_a_group_never_fills_its_staging_table(wh: Warehouse) -> None:
    with wh.stage(RecordKind.PERFORMANCE, "date") as stage:
        stage.append(next(stream([perf(1, clicks=1), perf(2, clicks=2)]).iter_arrow()))
        assert staged(stage) == 0
        result = stage.commit(Scope("meta", "insights"))
    assert (result.rows, result.written) == (2, 2)
    assert wh.sql("SELECT sum(clicks) AS c FROM performance")["c"][0].as_py() == 3


def test_duplicates_in_the_tail_alone_keep_the_last(wh: Warehouse) -> None:
    result = wh.load(stream([perf(1, clicks=1), perf(2, clicks=2), perf(1, clicks=3)]))
    assert (result.rows, result.written) == (3, 2)
    got = wh.sql("SELECT date, clicks FROM performance ORDER BY date").to_pylist()
    assert [r["clicks"] for r in got] == [3, 2]


def test_a_column_null_until_a_later_batch_is_staged_then(
    wh: Warehouse, small_groups: None
) -> None:
    # reach is null in the first batch (left out of the staging table), then holds
    # values: the table gets the column and the earlier rows keep null
    rows = [perf(1), perf(2), perf(3, reach=30), perf(4, reach=40), perf(5)]
    wh.load(stream(rows), batch_size=2)
    got = wh.sql("SELECT date, reach FROM performance ORDER BY date").to_pylist()
    assert [r["reach"] for r in got] == [None, None, 30, 40, None]


def test_a_new_table_has_every_column_of_the_schema_in_order(wh: Warehouse) -> None:
    wh.load(stream([perf(1, clicks=1, extra={"video_views": 7})]))
    names = wh.sql(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = 'performance' "
        "ORDER BY column_index"
    )["column_name"].to_pylist()
    expected = [*arrow_schema("performance").names, "extra.video_views"]
    assert names == [*expected, "_connection", "_stream", "_account", "_synced_at"]
    # columns no record filled are there, null
    assert wh.sql("SELECT count(ad_id) AS n FROM performance")["n"][0].as_py() == 0


def test_record_batches_are_staged_like_tables(wh: Warehouse) -> None:
    table = next(stream([perf(1, clicks=4), perf(2, clicks=6)]).iter_arrow())
    with wh.stage(RecordKind.PERFORMANCE, "date") as stage:
        for batch in table.to_batches(max_chunksize=1):
            stage.append(batch)
        result = stage.commit(Scope("files", "performance"))
    assert (result.rows, result.written, result.seen) == (2, 2, dt.date(2026, 10, 2))
    assert wh.sql("SELECT sum(clicks) AS c FROM performance")["c"][0].as_py() == 10


def test_a_failed_merge_leaves_neither_rows_nor_staging(
    wh: Warehouse, small_groups: None, failing_state_write: None
) -> None:
    state = meta_state(6)
    batches = list(stream([perf(d) for d in range(1, 7)]).iter_arrow(5))
    with wh.stage(RecordKind.PERFORMANCE) as stage:
        for batch in batches:
            stage.append(batch)
        with pytest.raises(RuntimeError, match="disk"):
            stage.commit(Scope("meta", "insights"), state=state)
    assert wh.tables() == []
    assert stage_rows(wh) == 0
