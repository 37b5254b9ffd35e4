"""Warehouse files from older versions are migrated, not crashed on; newer ones are refused."""

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
import pytest

from partnerkit.errors import ConfigurationError
from partnerkit.store import SCHEMA_VERSION, Warehouse, sync
from partnerkit.store.migrations import MIGRATIONS, Migration, current_version, migrate
from partnerkit.stream import RecordStream

from .conftest import WorkspaceFactory

ROWS = [
    {
        "date": dt.date(2026, 10, d),
        "platform": "synth",
        "account_id": "a1",
        "level": "campaign",
        "campaign_id": f"c{c}",
        "impressions": 1000,
        "clicks": 10 * d + c,
    }
    for d in range(1, 4)
    for c in range(3)
]


def write_pull_file_of_partnerkit_0_1(path: Path) -> None:
    """What `partnerkit pull --out x.duckdb` wrote before the warehouse: tables only."""
    table = RecordStream.from_records("performance", ROWS).to_arrow()
    con = duckdb.connect(str(path))
    con.register("incoming", table)
    con.execute('CREATE TABLE "performance" AS SELECT * FROM incoming')
    con.close()


def columns(path: Path, table: str) -> list[str]:
    con = duckdb.connect(str(path))
    found = con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index",
        [table],
    ).fetchall()
    con.close()
    return [r[0] for r in found]


def test_a_pull_file_of_0_1_is_migrated_and_synced_into(
    tmp_path: Path, make_workspace: WorkspaceFactory
) -> None:
    path = tmp_path / "old.duckdb"
    write_pull_file_of_partnerkit_0_1(path)
    assert "_connection" not in columns(path, "performance")
    with Warehouse(path) as wh:
        assert wh.schema_version == SCHEMA_VERSION == 2
        kept = wh.sql(
            "SELECT count(*) AS n, sum(clicks) AS s, count(_connection) AS p FROM performance"
        ).to_pylist()[0]
        # 3 days x 3 campaigns, clicks = 10 * day + campaign: 3 * 10 * 6 + 3 * 3 = 189
        assert kept == {"n": 9, "s": 189, "p": 0}
        assert wh.states() == []
        # the same rows synced again merge with the migrated ones: nothing duplicates
        result = sync(
            make_workspace(accounts=["a1"], last_day="2026-10-05"),
            wh,
            streams=["daily"],
            as_of=dt.date(2026, 11, 20),
        )
        assert result.ok
        after = wh.sql(
            "SELECT count(*) AS n, count(DISTINCT record_id) AS ids, "
            "count(_connection) AS p FROM performance"
        ).to_pylist()[0]
        assert after == {"n": 15, "ids": 15, "p": 15}
    assert columns(path, "performance")[-4:] == ["_connection", "_stream", "_account", "_synced_at"]


def test_migrations_run_once_each_in_order(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    Warehouse(path).close()
    con = duckdb.connect(str(path))
    applied: list[int] = []

    def v3(c: Any) -> None:
        applied.append(3)
        c.execute("ALTER TABLE partnerkit.runs ADD COLUMN note VARCHAR")

    steps = (*MIGRATIONS, Migration(3, "runs get a note", v3))
    assert migrate(con, steps) == [3]
    assert migrate(con, steps) == []
    assert applied == [3]
    assert current_version(con) == 3
    versions = con.execute(
        "SELECT version, description FROM partnerkit.schema_version ORDER BY version"
    ).fetchall()
    assert [v for v, _ in versions] == [1, 2, 3]
    con.close()


def test_a_failing_migration_leaves_the_file_at_the_last_good_version(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    write_pull_file_of_partnerkit_0_1(path)
    con = duckdb.connect(str(path))

    def broken(c: Any) -> None:
        c.execute("ALTER TABLE performance ADD COLUMN half_done VARCHAR")
        raise RuntimeError("disk on fire")

    steps = (*MIGRATIONS, Migration(3, "broken", broken))
    with pytest.raises(ConfigurationError, match=r"version 3 .*disk on fire"):
        migrate(con, steps)
    assert current_version(con) == 2
    assert "half_done" not in [r[0] for r in con.execute("DESCRIBE performance").fetchall()]
    con.close()


def test_a_file_from_a_newer_partnerkit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    Warehouse(path).close()
    con = duckdb.connect(str(path))
    con.execute("INSERT INTO partnerkit.schema_version VALUES (99, 'from the future', now())")
    con.close()
    with pytest.raises(ConfigurationError, match=r"version 99.*upgrade partnerkit"):
        Warehouse(path)


def test_read_only_opening_asks_for_a_migration_first(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    write_pull_file_of_partnerkit_0_1(path)
    with pytest.raises(ConfigurationError, match="version 0, not 2"):
        Warehouse(path, read_only=True)
    Warehouse(path).close()
    with Warehouse(path, read_only=True) as wh:
        assert wh.table("performance").num_rows == 9


def test_a_new_standard_column_is_added_when_rows_bring_it(tmp_path: Path) -> None:
    """A release that adds a column to a record needs no migration: the merge adds it."""
    path = tmp_path / "old.duckdb"
    write_pull_file_of_partnerkit_0_1(path)
    con = duckdb.connect(str(path))
    con.execute("ALTER TABLE performance DROP COLUMN reach")  # as if 'reach' were new
    con.close()
    with Warehouse(path) as wh:
        rows = [{**ROWS[0], "reach": 77}]
        wh.load(RecordStream.from_records("performance", rows))
        got = wh.sql("SELECT count(*) AS n, sum(reach) AS r FROM performance").to_pylist()[0]
    assert got == {"n": 9, "r": 77}
