"""Parquet export: Hive-partitioned by kind and date, read back by DuckDB and pyarrow.dataset."""

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from partnerkit.errors import ConfigurationError
from partnerkit.records import RecordKind
from partnerkit.store import Warehouse, export_parquet, sync, write_parquet
from partnerkit.stream import RecordStream

from .conftest import WorkspaceFactory

AS_OF = dt.date(2026, 11, 20)


@pytest.fixture
def wh(tmp_path: Path, make_workspace: WorkspaceFactory) -> Any:
    with Warehouse(tmp_path / "w.duckdb") as opened:
        ws = make_workspace(accounts=["a1", "a2"], extra_from="2026-10-09")
        assert sync(ws, opened, as_of=AS_OF).ok
        yield opened


def relative(paths: Any, root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in paths)


def test_layout_is_hive_partitioned_by_kind_and_day(wh: Warehouse, tmp_path: Path) -> None:
    out = tmp_path / "lake"
    result = export_parquet(wh, out)
    # 2 accounts x 10 days x 3 campaigns; a lead per account and day; 3 campaigns per account
    assert result.rows == {RecordKind.PERFORMANCE: 60, RecordKind.LEAD: 20, RecordKind.CAMPAIGN: 6}
    files = relative(result.files, out)
    assert files[:2] == [
        "campaign/part-0.parquet",
        "lead/created_date=2026-10-01/part-0.parquet",
    ]
    assert "performance/date=2026-10-10/part-0.parquet" in files
    assert len(files) == 1 + 10 + 10
    # the partition column lives in the folder name only
    assert "date" not in pq.read_schema(out / "performance/date=2026-10-01/part-0.parquet").names


def test_duckdb_reads_it_back_as_it_is(wh: Warehouse, tmp_path: Path) -> None:
    out = tmp_path / "lake"
    export_parquet(wh, out)
    con = duckdb.connect()
    got = con.execute(
        f"SELECT count(*), min(date), max(date), typeof(min(date)), sum(clicks), "
        f"sum(extra__video_views) FROM read_parquet('{out}/performance/*/*.parquet', "
        f"hive_partitioning = true)"
    ).fetchall()[0]
    # clicks: 2 accounts x 1680; video_views on days 9-10: 2 accounts x 2 days x (0+1+2)
    assert got == (60, dt.date(2026, 10, 1), dt.date(2026, 10, 10), "DATE", 3360, 12)
    leads = con.execute(
        f"SELECT count(*), min(created_date) FROM read_parquet('{out}/lead/*/*.parquet', "
        f"hive_partitioning = true)"
    ).fetchall()[0]
    assert leads == (20, dt.date(2026, 10, 1))
    con.close()


def test_pyarrow_dataset_reads_it_back(wh: Warehouse, tmp_path: Path) -> None:
    out = tmp_path / "lake"
    export_parquet(wh, out)
    dates = ds.partitioning(pa.schema([("date", pa.date32())]), flavor="hive")
    table = ds.dataset(out / "performance", format="parquet", partitioning=dates).to_table()
    assert table.num_rows == 60
    assert table.schema.field("date").type == pa.date32()
    assert table.schema.field("spend").type == pa.decimal128(38, 6)
    assert table.schema.field("_synced_at").type == pa.timestamp("us", tz="UTC")
    october_9 = table.filter(ds.field("date") == dt.date(2026, 10, 9))
    assert october_9.num_rows == 6
    # discovered partitioning works too (the day as a string)
    found = ds.dataset(out / "performance", format="parquet", partitioning="hive").to_table()
    assert sorted(set(found.column("date").to_pylist()))[0] == "2026-10-01"


def test_a_range_export_replaces_only_its_partitions(wh: Warehouse, tmp_path: Path) -> None:
    out = tmp_path / "lake"
    export_parquet(wh, out)
    untouched = (out / "performance/date=2026-10-01/part-0.parquet").stat().st_mtime_ns
    wh.sql("UPDATE performance SET clicks = 0 WHERE date >= '2026-10-08'")
    wh.sql("DELETE FROM performance WHERE date = '2026-10-09'")
    result = export_parquet(wh, out, kinds=("performance",), start=dt.date(2026, 10, 8))
    # days 8 and 10 remain in the range: 2 days x 6 rows
    assert result.rows == {RecordKind.PERFORMANCE: 12}
    assert relative(result.files, out) == [
        "performance/date=2026-10-08/part-0.parquet",
        "performance/date=2026-10-10/part-0.parquet",
    ]
    assert not (out / "performance/date=2026-10-09").exists()
    assert (out / "performance/date=2026-10-01/part-0.parquet").stat().st_mtime_ns == untouched
    con = duckdb.connect()
    clicks = con.execute(
        f"SELECT date, sum(clicks) FROM read_parquet('{out}/performance/*/*.parquet', "
        "hive_partitioning = true) WHERE date >= '2026-10-07' GROUP BY 1 ORDER BY 1"
    ).fetchall()
    con.close()
    # Oct 7 untouched: 2 accounts x (3 * 70 + 0 + 1 + 2) = 426
    assert clicks == [
        (dt.date(2026, 10, 7), 426),
        (dt.date(2026, 10, 8), 0),
        (dt.date(2026, 10, 10), 0),
    ]


def test_a_full_export_replaces_the_kind(wh: Warehouse, tmp_path: Path) -> None:
    out = tmp_path / "lake"
    stale = out / "performance" / "date=2001-01-01"
    stale.mkdir(parents=True)
    (stale / "part-0.parquet").write_bytes(b"old")
    export_parquet(wh, out, kinds=("performance",))
    assert not stale.exists()
    assert sorted(p.name for p in out.iterdir()) == ["performance"]


def test_deals_without_a_creation_time_go_to_the_default_partition(tmp_path: Path) -> None:
    deals = [
        {
            "platform": "hubspot",
            "account_id": "p",
            "deal_id": "d1",
            "amount": Decimal("10"),
            "created_at": dt.datetime(2026, 10, 2, 23, 30, tzinfo=dt.UTC),
        },
        {"platform": "hubspot", "account_id": "p", "deal_id": "d2", "amount": Decimal("5")},
    ]
    with Warehouse(tmp_path / "w.duckdb") as wh:
        wh.load(RecordStream.from_records("deal", deals))
        result = export_parquet(wh, tmp_path / "lake")
    assert relative(result.files, tmp_path / "lake") == [
        "deal/created_date=2026-10-02/part-0.parquet",
        "deal/created_date=__HIVE_DEFAULT_PARTITION__/part-0.parquet",
    ]


def test_export_needs_a_warehouse_and_an_ordered_range(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="no warehouse"):
        export_parquet(tmp_path / "missing.duckdb", tmp_path / "lake")
    with pytest.raises(ConfigurationError, match="after"):
        export_parquet(
            tmp_path / "w.duckdb",
            tmp_path / "lake",
            start=dt.date(2026, 10, 2),
            end=dt.date(2026, 10, 1),
        )


def test_write_parquet_streams_and_rolls_over_on_new_columns(tmp_path: Path) -> None:
    rows = [
        {
            "date": dt.date(2026, 10, d),
            "platform": "x",
            "account_id": "a",
            "clicks": d,
            **({"extra": {"views": d}} if d > 2 else {}),
        }
        for d in range(1, 6)
    ]
    files = write_parquet(
        RecordStream.from_records("performance", rows), tmp_path, prefix="a", batch_size=2
    )
    # batches [1, 2] (no extra), [3, 4] (extra: new file), [5]
    assert [f.name for f in files] == ["a-0.parquet", "a-1.parquet"]
    con = duckdb.connect()
    got = con.execute(
        'SELECT count(*), sum(clicks), sum("extra.views") '
        f"FROM read_parquet('{tmp_path}/*.parquet', union_by_name = true)"
    ).fetchall()[0]
    con.close()
    assert got == (5, 15, 3 + 4 + 5)
    empty = write_parquet(RecordStream.from_records("performance", []), tmp_path / "none")
    assert empty == []
