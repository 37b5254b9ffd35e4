"""The warehouse: merging by record_id, new and widened columns, staging, concurrency."""

import dataclasses
import datetime as dt
import threading
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
from partnerkit_store_synth import perf, stream

from partnerkit.errors import ConfigurationError, DataError
from partnerkit.records import RecordKind, record_id
from partnerkit.store import Scope, Warehouse
from partnerkit.store import warehouse as warehouse_module


def count(wh: Warehouse, table: str) -> int:
    return int(wh.sql(f"SELECT count(*) AS n FROM {table}")["n"][0].as_py())


@pytest.fixture
def wh(tmp_path: Path) -> Any:
    with Warehouse(tmp_path / "w.duckdb") as opened:
        yield opened


def test_a_restated_day_replaces_the_old_rows(wh: Warehouse) -> None:
    wh.load(stream([perf(1, clicks=10), perf(2, clicks=20)]))
    result = wh.load(stream([perf(2, clicks=25, spend=Decimal("1.5")), perf(3, clicks=30)]))
    assert (result.rows, result.written, result.replaced) == (2, 2, 1)
    table = wh.sql("SELECT date, clicks, spend FROM performance ORDER BY date")
    assert table.to_pylist() == [
        {"date": dt.date(2026, 10, 1), "clicks": 10, "spend": None},
        {"date": dt.date(2026, 10, 2), "clicks": 25, "spend": Decimal("1.500000")},
        {"date": dt.date(2026, 10, 3), "clicks": 30, "spend": None},
    ]


def test_duplicates_within_a_read_keep_the_last(wh: Warehouse) -> None:
    result = wh.load(stream([perf(1, clicks=1), perf(1, clicks=2), perf(1, clicks=3)]))
    assert (result.rows, result.written) == (3, 1)
    assert wh.sql("SELECT clicks FROM performance")["clicks"].to_pylist() == [3]


def test_merges_in_partitions_when_the_read_is_large(
    wh: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(warehouse_module, "_PARTITION_ROWS", 7)
    rows = [perf(d, f"c{c}", clicks=d * 100 + c) for d in range(1, 11) for c in range(5)]
    assert wh.load(stream(rows), batch_size=9).written == 50
    again = wh.load(stream([*rows, perf(1, "c0", clicks=-1)]), batch_size=9)
    assert (again.rows, again.written, again.replaced) == (51, 50, 50)
    totals = wh.sql(
        "SELECT count(*) AS n, count(DISTINCT record_id) AS ids, sum(clicks) AS s FROM performance"
    ).to_pylist()[0]
    # sum over d=1..10, c=0..4 of d*100+c = 100*55*5 + 10*(0+1+2+3+4) = 27600; c0 on day 1
    # becomes -1 instead of 100
    assert totals == {"n": 50, "ids": 50, "s": 27600 - 100 - 1}


def test_record_ids_and_provenance_are_kept(wh: Warehouse) -> None:
    wh.load(stream([perf(1, clicks=1)]), Scope("meta", "ad_insights", "act_1"))
    row = wh.sql("SELECT record_id, _connection, _stream, _account, _synced_at FROM performance")
    got = row.to_pylist()[0]
    assert got["record_id"] == record_id("performance", perf(1))
    assert (got["_connection"], got["_stream"], got["_account"]) == ("meta", "ad_insights", "act_1")
    assert got["_synced_at"].tzinfo is not None


def test_extra_columns_are_added_as_they_appear_and_widened(wh: Warehouse) -> None:
    wh.load(stream([perf(1, extra={"video_views": 3})]))
    wh.load(stream([perf(2, extra={"video_views": 2.5, "saves": 1})]))
    types = {
        r["column_name"]: r["data_type"]
        for r in wh.sql(
            "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'performance'"
        ).to_pylist()
    }
    assert types["extra.video_views"] == "DOUBLE"
    assert types["extra.saves"] == "BIGINT"
    got = wh.sql(
        'SELECT "extra.video_views" AS v, "extra.saves" AS s FROM performance ORDER BY date'
    )
    assert got.to_pylist() == [{"v": 3.0, "s": None}, {"v": 2.5, "s": 1}]


def test_extra_columns_new_within_one_read_are_staged(wh: Warehouse) -> None:
    rows = [perf(1), perf(2, extra={"video_views": 7}), perf(3, extra={"note": "x"})]
    wh.load(stream(rows), batch_size=1)
    got = wh.sql(
        'SELECT "extra.video_views" AS v, "extra.note" AS n FROM performance ORDER BY date'
    )
    assert got.to_pylist() == [
        {"v": None, "n": None},
        {"v": 7, "n": None},
        {"v": None, "n": "x"},
    ]


def test_an_extra_that_changes_to_an_incompatible_type_is_a_data_error(wh: Warehouse) -> None:
    wh.load(stream([perf(1, extra={"score": 3})]))
    with pytest.raises(DataError, match=r"'extra\.score' holds BIGINT"):
        wh.load(stream([perf(2, extra={"score": "high"})]))
    # the failed read left nothing behind
    assert count(wh, "performance") == 1
    assert (
        wh.sql(
            "SELECT count(*) AS n FROM duckdb_tables() WHERE schema_name = 'partnerkit' "
            "AND table_name LIKE 'stage_%'"
        )["n"][0].as_py()
        == 0
    )


def test_each_kind_has_its_own_table_and_dataset_reads_them(wh: Warehouse) -> None:
    wh.load(stream([perf(1, clicks=4)]))
    lead = {
        "platform": "hubspot",
        "account_id": "p1",
        "lead_id": "l1",
        "created_at": dt.datetime(2026, 10, 1, 9, tzinfo=dt.UTC),
    }
    wh.load(stream([lead], "lead"))
    assert wh.tables() == [RecordKind.PERFORMANCE, RecordKind.LEAD]
    data = wh.dataset()
    assert data.sql("SELECT sum(clicks) AS c FROM performance")["c"][0].as_py() == 4
    assert data.sql("SELECT count(*) AS n FROM lead")["n"][0].as_py() == 1
    assert data.sql("SELECT count(*) AS n FROM deal")["n"][0].as_py() == 0
    assert wh.table("deal").num_rows == 0


def test_the_analysis_reads_the_warehouse_file(tmp_path: Path) -> None:
    from partnerkit.analysis import Dataset

    path = tmp_path / "w.duckdb"
    with Warehouse(path) as wh:
        wh.load(stream([perf(1, clicks=4), perf(2, clicks=6)]))
    data = Dataset.from_duckdb(path)
    assert data.sql("SELECT sum(clicks) AS c FROM performance")["c"][0].as_py() == 10


def stage_tables(path: Path) -> int:
    con = duckdb.connect(str(path))
    found = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE 'stage_%'")
    count = int(found.fetchall()[0][0])
    con.close()
    return count


@pytest.mark.parametrize("staged_committed", [False, True])
def test_a_process_dying_before_its_merge_leaves_no_rows(
    tmp_path: Path, staged_committed: bool
) -> None:
    path = tmp_path / "w.duckdb"
    with Warehouse(path) as wh:
        stage = wh.stage(RecordKind.PERFORMANCE)
        stage.append(next(stream([perf(1)]).iter_arrow()))
        if staged_committed:  # dies between committing the stage and the merge
            stage._cur.execute("COMMIT")
        wh._con.close()  # "dies" without merging or dropping the stage
        wh._claim.release()
        wh._closed = True
    # The staging table is a temporary table of the stage's cursor: never in the file.
    assert stage_tables(path) == 0
    with Warehouse(path) as wh:
        assert wh.tables() == []
    assert stage_tables(path) == 0


def test_a_staging_table_an_earlier_version_left_in_the_file_is_dropped_on_open(
    tmp_path: Path,
) -> None:
    path = tmp_path / "w.duckdb"
    with Warehouse(path):
        pass
    con = duckdb.connect(str(path))
    con.execute('CREATE TABLE partnerkit."stage_0123abcd" AS SELECT 1 AS x')
    con.close()
    assert stage_tables(path) == 1
    with Warehouse(path) as wh:
        assert wh.tables() == []
    assert stage_tables(path) == 0


def test_threads_load_concurrently_without_losing_rows(wh: Warehouse) -> None:
    errors: list[BaseException] = []

    def load(account: int) -> None:
        rows = [
            {**perf(d, f"c{c}", clicks=1), "account_id": f"act_{account}"}
            for d in range(1, 31)
            for c in range(10)
        ]
        try:
            wh.load(stream(rows), Scope("meta", "daily", f"act_{account}"), batch_size=37)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=load, args=(a,)) for a in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    # 6 accounts x 30 days x 10 campaigns
    assert count(wh, "performance") == 1800
    assert wh.sql("SELECT count(DISTINCT _account) AS n FROM performance")["n"][0].as_py() == 6


def test_a_second_process_is_told_the_file_is_in_use(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "w.duckdb"
    with Warehouse(path):
        code = (
            "import sys\n"
            "from partnerkit.store import Warehouse\n"
            "from partnerkit.errors import ConfigurationError\n"
            "try:\n"
            f"    Warehouse({str(path)!r})\n"
            "except ConfigurationError as exc:\n"
            "    print(exc)\n"
        )
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "is in use by another process" in out.stdout
    assert "partnerkit sync" in out.stdout


def test_read_only_refuses_to_write(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    Warehouse(path).close()
    with Warehouse(path, read_only=True) as wh:
        assert wh.states() == []
        with pytest.raises(ConfigurationError, match="read-only"):
            wh.load(stream([perf(1)]))
    closed = Warehouse(path)
    closed.close()
    with pytest.raises(ConfigurationError, match="closed"):
        closed.states()


def test_the_public_write_api_writes_rows_state_and_run_in_one_commit(wh: Warehouse) -> None:
    """What sync does, through Warehouse.stage(), Stage.commit() and record_failure()."""
    from partnerkit.store import StreamState
    from partnerkit.store.warehouse import ReplaceRange, Run

    scope = Scope(connection="ads", stream="insights", account="act_1")
    synced = dt.datetime(2026, 10, 4, 6, 0, tzinfo=dt.UTC)
    state = StreamState("ads", "insights", "act_1", RecordKind.PERFORMANCE, "date", None, 0, synced)
    with wh.stage(RecordKind.PERFORMANCE, "date") as stage:
        stage.append(next(stream([perf(1), perf(2), perf(3, "c2")]).iter_arrow()))
        assert (stage.rows, stage.seen) == (3, dt.date(2026, 10, 3))
        result = stage.commit(
            scope,
            state=dataclasses.replace(state, cursor=dt.date(2026, 10, 3), rows=3),
            replace=ReplaceRange("date", dt.date(2026, 10, 1), dt.date(2026, 10, 3)),
            run=Run(
                "run-1", dt.date(2026, 10, 1), dt.date(2026, 10, 3), None, dt.date(2026, 10, 3)
            ),
        )
    wh.record_failure(
        scope,
        run_id="run-2",
        read_start=dt.date(2026, 10, 4),
        read_end=dt.date(2026, 10, 4),
        cursor=dt.date(2026, 10, 3),
        error="TransientError: HTTP 503",
    )

    assert (result.rows, result.written, result.replaced) == (3, 3, 0)
    assert count(wh, "performance") == 3
    saved = wh.state("ads", "insights", "act_1")
    assert saved is not None
    assert (saved.cursor, saved.rows) == (dt.date(2026, 10, 3), 3)
    runs = wh.runs().select(["run_id", "status", "rows", "cursor_after", "error"]).to_pylist()
    assert sorted(runs, key=lambda r: r["run_id"]) == [
        {
            "run_id": "run-1",
            "status": "ok",
            "rows": 3,
            "cursor_after": dt.date(2026, 10, 3),
            "error": None,
        },
        {
            "run_id": "run-2",
            "status": "failed",
            "rows": 0,
            "cursor_after": dt.date(2026, 10, 3),
            "error": "TransientError: HTTP 503",
        },
    ]
    with wh.cursor() as cur:
        assert cur.execute("SELECT count(DISTINCT campaign_id) FROM performance").fetchone() == (2,)
