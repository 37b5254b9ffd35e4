"""Readers that open a warehouse without writing check its layout version first.

A read-only open cannot migrate, so it reads the file at the version it finds: a file of
an older partnerkit is read as it is (its record tables hold the records the same way),
one written by a newer partnerkit is refused with what to do, never read silently.
"""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
import yaml
from partnerkit_store_synth import perf, stream
from typer.testing import CliRunner

from partnerkit.analysis import Dataset, compute_kpis
from partnerkit.cli import ExitCode, app
from partnerkit.errors import WarehouseFileError, WarehouseVersionError
from partnerkit.model import Workspace
from partnerkit.records import RecordKind, arrow_schema
from partnerkit.store import SCHEMA_VERSION, Warehouse
from partnerkit.store.migrations import (
    MIGRATIONS,
    PROVENANCE_COLUMNS,
    current_version,
    migrate,
)
from partnerkit.store.read import attach_read_only

from .conftest import build_workspace

# Three performance rows of Meta account act_1, October 2026 (worked out below):
#   clicks 20 + 30 + 5 = 55, impressions 1000 + 3000 + 1000 = 5000,
#   spend 10.00 + 15.50 + 2.00 = 27.50
ROWS = [
    perf(1, clicks=20, impressions=1000, spend=Decimal("10.00")),
    perf(2, clicks=30, impressions=3000, spend=Decimal("15.50")),
    perf(2, "c2", clicks=5, impressions=1000, spend=Decimal("2.00")),
]
SYNCED_AT = dt.datetime(2026, 11, 2, 8, 30, tzinfo=dt.UTC)


def write_version_1_file(path: Path) -> None:
    """A warehouse as partnerkit wrote it at layout version 1.

    The bookkeeping of version 1 (migration 1 only), a performance table made as that
    version made record tables (every column of the kind's schema stored, then the
    provenance columns), the rows merged by name with their provenance, and the state
    and run of the read that wrote them.
    """
    con = duckdb.connect(str(path))
    try:
        assert migrate(con, MIGRATIONS[:1]) == [1]
        con.register("kind_schema", arrow_schema(RecordKind.PERFORMANCE).empty_table())
        con.execute('CREATE TABLE "performance" AS SELECT * FROM kind_schema')
        for name, sql_type in PROVENANCE_COLUMNS.items():
            con.execute(f'ALTER TABLE "performance" ADD COLUMN "{name}" {sql_type}')
        con.register("incoming", stream(ROWS).to_arrow())
        con.execute(
            "INSERT INTO performance BY NAME SELECT *, 'meta' AS _connection, "
            "'insights' AS _stream, '' AS _account, ?::TIMESTAMPTZ AS _synced_at FROM incoming",
            [SYNCED_AT],
        )
        con.execute(
            "INSERT INTO partnerkit.state VALUES "
            "('meta', 'insights', '', 'performance', 'date', DATE '2026-10-02', 3, ?)",
            [SYNCED_AT],
        )
        con.execute(
            "INSERT INTO partnerkit.runs VALUES ('r1', 'meta', 'insights', '', 'ok', 3, "
            "DATE '2026-10-01', DATE '2026-10-02', NULL, DATE '2026-10-02', NULL, ?)",
            [SYNCED_AT],
        )
    finally:
        con.close()


def write_future_file(path: Path, version: int = SCHEMA_VERSION + 1) -> None:
    """A warehouse whose bookkeeping says a newer partnerkit migrated it to ``version``."""
    with Warehouse(path) as wh:
        wh.load(stream(ROWS))
    con = duckdb.connect(str(path))
    con.execute(
        "INSERT INTO partnerkit.schema_version VALUES (?, 'from a newer partnerkit', now())",
        [version],
    )
    con.close()


def write_version_0_file(path: Path) -> None:
    """Record tables only, no bookkeeping: a ``pull --out`` file of partnerkit 0.1."""
    con = duckdb.connect(str(path))
    con.register("incoming", stream(ROWS).to_arrow())
    con.execute('CREATE TABLE "performance" AS SELECT * FROM incoming')
    con.close()


def version_of(path: Path) -> int:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return current_version(con)
    finally:
        con.close()


def workspace(root: Path) -> Workspace:
    return build_workspace(root, [])


def open_read_only(path: Path, reader: str) -> None:
    """Open ``path`` without writing, as a dataset or as a read-only warehouse, and close it."""
    if reader == "dataset":
        Dataset.from_duckdb(path, wait=0).close()
    else:
        Warehouse(path, read_only=True).close()


def test_a_version_1_file_is_read_as_it_is_and_gives_the_right_figures(tmp_path: Path) -> None:
    path = tmp_path / "v1.duckdb"
    write_version_1_file(path)
    assert version_of(path) == 1
    with Dataset.from_duckdb(path) as data:
        totals = data.sql(
            "SELECT count(*) AS n, sum(clicks) AS c, sum(impressions) AS i, sum(spend) AS s, "
            "count(reach) AS r FROM performance"
        ).to_pylist()
        # the sums of ROWS (see its comment); reach was never filled: stored, all null
        assert totals == [{"n": 3, "c": 55, "i": 5000, "s": Decimal("27.50"), "r": 0}]
        kpis = compute_kpis(workspace(tmp_path), data, "2026-10")
        # CPC 27.50 / 55 = 0.5; CTR 55 / 5000 x 100 = 1.1 %; CPM 27.50 / 5000 x 1000 = 5.5
        assert kpis.get("cpc").value == Decimal("0.5")
        assert kpis.get("ctr").value == Decimal("1.1")
        assert kpis.get("cpm").value == Decimal("5.5")
        assert kpis.get("clicks").value == 55
    # reading wrote nothing: the file is still at version 1
    assert version_of(path) == 1


def test_a_version_1_file_reads_as_the_same_rows_written_today(tmp_path: Path) -> None:
    old, new = tmp_path / "v1.duckdb", tmp_path / "v2.duckdb"
    write_version_1_file(old)
    with Warehouse(new) as wh:
        wh.load(stream(ROWS))
    ws = workspace(tmp_path)
    values = []
    for path in (old, new):
        with Dataset.from_duckdb(path) as data:
            values.append([(v.kpi, v.value, v.reason) for v in compute_kpis(ws, data, "2026-10")])
    assert values[0] == values[1]
    assert version_of(old) == 1
    assert version_of(new) == SCHEMA_VERSION == 2


def test_a_read_only_warehouse_reads_a_version_1_file_with_its_bookkeeping(
    tmp_path: Path,
) -> None:
    path = tmp_path / "v1.duckdb"
    write_version_1_file(path)
    with Warehouse(path, read_only=True) as wh:
        assert wh.schema_version == 1
        assert wh.table("performance").num_rows == 3
        [state] = wh.states()
        assert (state.connection, state.stream, state.cursor, state.rows) == (
            "meta",
            "insights",
            dt.date(2026, 10, 2),
            3,
        )
        assert wh.runs().column("status").to_pylist() == ["ok"]
        clicks = wh.dataset().sql("SELECT sum(clicks) AS c FROM performance")
        assert clicks.to_pylist() == [{"c": 55}]
    assert version_of(path) == 1


def test_opening_a_version_1_file_for_writing_still_migrates_it(tmp_path: Path) -> None:
    path = tmp_path / "v1.duckdb"
    write_version_1_file(path)
    with Warehouse(path) as wh:
        assert wh.schema_version == SCHEMA_VERSION == 2
        versions = wh.sql("SELECT version FROM partnerkit.schema_version ORDER BY version")
        assert versions.column("version").to_pylist() == [1, 2]
        # the rows and the state are kept; a new row merges in (c1 of Oct 3: a new key)
        wh.load(stream([perf(3, clicks=7, impressions=500, spend=Decimal("1.00"))]))
        got = wh.sql("SELECT count(*) AS n, sum(clicks) AS c FROM performance").to_pylist()
        assert got == [{"n": 4, "c": 55 + 7}]
        assert len(wh.states()) == 1
    with Dataset.from_duckdb(path) as data:
        assert data.row_count("performance") == 4


@pytest.mark.parametrize("reader", ["dataset", "warehouse"])
def test_a_file_from_a_newer_partnerkit_is_refused_by_the_readers(
    tmp_path: Path, reader: str
) -> None:
    path = tmp_path / "future.duckdb"
    write_future_file(path, version=3)
    with pytest.raises(WarehouseVersionError) as caught:
        open_read_only(path, reader)
    error = caught.value
    assert not isinstance(error, WarehouseFileError)  # the file is fine: move nothing aside
    assert error.path == str(path)
    # the dataset reads version 0 files, a read-only warehouse from version 1 (bookkeeping)
    oldest = 0 if reader == "dataset" else 1
    assert (error.version, error.oldest, error.newest) == (3, oldest, 2)
    message = str(error)
    assert f"the warehouse {path} is at layout version 3" in message
    assert "knows layout versions up to 2" in message
    assert "upgrade partnerkit" in message
    # the refusal left the file as it was, and not held: a writer's open names it too
    assert version_of(path) == 3
    with pytest.raises(WarehouseVersionError, match="layout version 3") as writing:
        Warehouse(path)
    assert writing.value.path == str(path)
    # a writer migrates any older version: 0 is the oldest it takes
    assert (writing.value.version, writing.value.oldest, writing.value.newest) == (3, 0, 2)


def test_a_refused_attachment_is_detached_again(tmp_path: Path) -> None:
    path = tmp_path / "future.duckdb"
    write_future_file(path, version=7)
    con = duckdb.connect()
    try:
        with pytest.raises(WarehouseVersionError, match="layout version 7"):
            attach_read_only(con, path, "wh", wait=0)
        names = [
            r[0] for r in con.execute("SELECT database_name FROM duckdb_databases()").fetchall()
        ]
        assert "wh" not in names
        # the same connection attaches a readable file under that name afterwards
        current = tmp_path / "current.duckdb"
        Warehouse(current).close()
        attach_read_only(con, current, "wh", wait=0)
        assert current_version(con, "wh") == SCHEMA_VERSION
    finally:
        con.close()


def test_a_version_0_file_is_read_by_a_dataset_but_not_by_a_read_only_warehouse(
    tmp_path: Path,
) -> None:
    path = tmp_path / "v0.duckdb"
    write_version_0_file(path)
    with Dataset.from_duckdb(path) as data:  # record tables only, as in partnerkit 0.1
        assert data.sql("SELECT sum(clicks) AS c FROM performance").to_pylist() == [{"c": 55}]
    # a read-only warehouse reads the state and runs too, which a version 0 file lacks
    with pytest.raises(WarehouseVersionError) as caught:
        Warehouse(path, read_only=True)
    assert caught.value.path == str(path)
    assert (caught.value.version, caught.value.oldest, caught.value.newest) == (0, 1, 2)
    assert "layout version 0, not 2" in str(caught.value)
    assert "Open it once for writing" in str(caught.value)
    assert "`partnerkit sync`" in str(caught.value)
    assert version_of(path) == 0


@pytest.mark.parametrize("reader", ["dataset", "warehouse"])
def test_a_file_that_is_no_warehouse_keeps_its_own_error(tmp_path: Path, reader: str) -> None:
    path = tmp_path / "notes.duckdb"
    path.write_text("not a database\n" * 1000, encoding="utf-8")
    with pytest.raises(WarehouseFileError) as caught:
        open_read_only(path, reader)
    assert caught.value.reason == "is not a DuckDB database file"
    assert caught.value.path == str(path)


def test_the_report_command_refuses_a_warehouse_of_a_newer_partnerkit(tmp_path: Path) -> None:
    path = tmp_path / "future.duckdb"
    write_future_file(path, version=3)
    config = tmp_path / "partnerkit.yaml"
    config.write_text(
        yaml.safe_dump(
            {"name": "t", "currency": "ILS", "timezone": "Asia/Jerusalem", "connections": []}
        ),
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        app,
        [
            *("report", "-c", str(config), "--month", "2026-10", "--as-of", "2026-11-15"),
            *("--warehouse", str(path), "-o", str(tmp_path / "out")),
        ],
        env={"COLUMNS": "400"},
    )
    assert result.exit_code == ExitCode.CONFIGURATION, result.output
    output = result.output.replace("\n", "")
    assert "layout version 3" in output
    assert "upgrade partnerkit" in output
    assert not (tmp_path / "out").exists()
