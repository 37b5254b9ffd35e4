"""Reading a warehouse while a sync writes it, and reading one that is damaged (issue 24.8).

A real second process runs a sync (the kill harness, pausing between pages) and holds
DuckDB's write lock; the reader in this process either waits for it and reads the
committed rows, or fails with the library's own error naming the sync — before, it
was a raw ``_duckdb.IOException`` ("Could not set lock on file").
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from partnerkit_store_synth import KILL_ACCOUNTS, KILL_UNIT_ROWS

from partnerkit.analysis import Dataset
from partnerkit.cli import ExitCode
from partnerkit.errors import WarehouseBusyError, WarehouseError
from partnerkit.records import RecordKind
from partnerkit.store import Warehouse
from partnerkit.store.read import LOCK_WAIT_ENV, holding, lock_info_path, read_holder

HARNESS = Path(__file__).with_name("synth.py")


@pytest.fixture
def syncing(tmp_path: Path) -> Iterator[tuple[Path, subprocess.Popen[str]]]:
    """A sync running in another process, past its first page (so holding the file)."""
    path = tmp_path / "w.duckdb"
    proc = subprocess.Popen(
        [sys.executable, str(HARNESS), str(path), "0.3"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("PAGE"):
            break
    else:  # pragma: no cover - the harness failed to start
        raise AssertionError(proc.stderr.read() if proc.stderr else "no output")
    try:
        yield path, proc
    finally:
        proc.kill()
        proc.wait(timeout=60)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def test_a_reader_during_a_sync_gets_the_library_error_naming_the_sync(
    syncing: tuple[Path, subprocess.Popen[str]],
) -> None:
    path, proc = syncing
    with pytest.raises(WarehouseBusyError) as caught:
        Dataset.from_duckdb(path, wait=0.2)
    error = caught.value
    assert (error.holder_pid, error.holder_command) == (proc.pid, "partnerkit sync")
    assert error.path == str(path)
    assert error.waited >= 0.2
    assert error.retriable
    assert f"partnerkit sync (process {proc.pid}" in str(error)
    assert LOCK_WAIT_ENV in str(error)


def test_the_wait_comes_from_the_environment(
    syncing: tuple[Path, subprocess.Popen[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, _ = syncing
    monkeypatch.setenv(LOCK_WAIT_ENV, "0")
    with pytest.raises(WarehouseBusyError) as caught:
        Dataset.from_duckdb(path)
    assert caught.value.waited >= 0


def test_a_reader_that_waits_reads_what_the_sync_committed(
    syncing: tuple[Path, subprocess.Popen[str]],
) -> None:
    path, proc = syncing
    with Dataset.from_duckdb(path, wait=120) as data:
        # the sync finished before the reader got the file: every unit in full
        assert data.row_count("performance") == len(KILL_ACCOUNTS) * KILL_UNIT_ROWS["daily"]
        assert data.row_count("lead") == len(KILL_ACCOUNTS) * KILL_UNIT_ROWS["leads"]
    assert proc.wait(timeout=60) == 0
    assert not lock_info_path(path).exists()  # the sync removed its note


def test_the_cli_report_during_a_sync_exits_with_the_error_not_a_traceback(
    syncing: tuple[Path, subprocess.Popen[str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from typer.testing import CliRunner

    from partnerkit.cli import app

    path, proc = syncing
    workspace = tmp_path / "partnerkit.yaml"
    workspace.write_text("name: Readers\ncurrency: ILS\ntimezone: Asia/Jerusalem\n")
    monkeypatch.setenv(LOCK_WAIT_ENV, "0.1")
    result = CliRunner().invoke(
        app,
        ["report", "-c", str(workspace), "-m", "2026-10", "--warehouse", str(path)],
        catch_exceptions=False,
    )
    assert result.exit_code == ExitCode.CONFIGURATION
    assert "Traceback" not in result.output
    assert f"process {proc.pid}" in " ".join(result.output.split())


def _write(path: Path) -> None:
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE performance AS SELECT range AS clicks FROM range(1000)")
    con.close()


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty"])
def test_a_damaged_file_is_the_library_error_naming_it(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "w.duckdb"
    if damage == "garbage":
        path.write_bytes(b"not a database " * 500)
    elif damage == "truncated":
        _write(path)
        body = path.read_bytes()
        path.write_bytes(body[: len(body) // 3])
    else:
        path.write_bytes(b"")
    with pytest.raises(WarehouseError) as caught:
        Dataset.from_duckdb(path, wait=0)
    assert caught.value.path == str(path)
    assert str(path) in str(caught.value)
    assert not isinstance(caught.value, WarehouseBusyError)


def test_a_missing_file_is_the_library_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(WarehouseError, match="no DuckDB warehouse at"):
        Dataset.from_duckdb(tmp_path / "missing.duckdb")


def test_a_dataset_over_a_file_copies_nothing_and_releases_the_file(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    _write(path)
    data = Dataset.from_duckdb(path)
    cur = data.cursor()
    views = cur.execute(
        "SELECT view_name, sql FROM duckdb_views() WHERE database_name = 'memory' "
        "AND NOT internal ORDER BY view_name"
    ).fetchall()
    # the record table in the file is a view over the attached file, not a copy
    assert [v[0] for v in views] == ["performance"]
    assert "partnerkit_warehouse" in views[0][1]
    held = cur.execute(
        "SELECT table_name, estimated_size FROM duckdb_tables() WHERE database_name = 'memory' "
        "ORDER BY table_name"
    ).fetchall()
    # the kinds the file lacks: empty tables
    assert held == sorted((k.value, 0) for k in RecordKind if k is not RecordKind.PERFORMANCE)
    # 0 + 1 + ... + 999
    assert data.sql("SELECT sum(clicks) AS s FROM performance")["s"][0].as_py() == 499500
    assert data.row_count("performance") == 1000
    assert data.schema("performance").names == ["clicks"]
    data.close()
    with Warehouse(path) as wh:  # closed: a writer can take the file
        assert wh.sql("SELECT count(*) AS n FROM performance")["n"][0].as_py() == 1000
    with pytest.raises(WarehouseError, match="closed"):
        data.sql("SELECT 1")


def test_sql_errors_are_the_library_errors(tmp_path: Path) -> None:
    from partnerkit.errors import ConfigurationError, DataError

    path = tmp_path / "w.duckdb"
    _write(path)
    with Dataset.from_duckdb(path) as data:
        with pytest.raises(ConfigurationError, match="no_such_column"):
            data.sql("SELECT no_such_column FROM performance")
        with pytest.raises(DataError):
            data.sql("SELECT CAST('x' AS INTEGER)")


BIG_LIST = "SELECT len(list(range::VARCHAR || 'xxxxxxxxxxxxxxxx')) AS n FROM range(3000000)"


def test_a_query_beyond_the_budget_gets_a_larger_one(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    _write(path)
    with Dataset.from_duckdb(path, memory_limit="2MB") as data:  # a list cannot spill
        assert data.sql(BIG_LIST).to_pylist() == [{"n": 3_000_000}]
        budget = data.sql("SELECT current_setting('memory_limit') AS m")["m"][0].as_py()
        assert budget.endswith("MiB")
        assert float(budget.split()[0]) > 2


def test_beyond_the_ceiling_is_the_library_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from partnerkit.analysis import _data
    from partnerkit.errors import ConfigurationError

    monkeypatch.setattr(_data, "_BUDGET_CEILING_MIB", 8)
    path = tmp_path / "w.duckdb"
    _write(path)
    with (
        Dataset.from_duckdb(path, memory_limit="2MB") as data,
        pytest.raises(ConfigurationError, match="memory_limit='1GB'"),
    ):
        data.sql(BIG_LIST)


def test_the_lock_note_names_its_writer_and_goes_with_it(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    with holding(path, "partnerkit sync"):
        holder: Any = read_holder(path)
        assert (holder.pid, holder.command) == (os.getpid(), "partnerkit sync")
    assert read_holder(path) is None
    assert not lock_info_path(path).exists()


def test_a_hostile_lock_note_is_ignored_or_shown_tamed(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    note = lock_info_path(path)
    note.write_text("{" * 100_000)  # not JSON (and long): no holder
    assert read_holder(path) is None
    note.write_text(
        '{"pid": 7, "host": "h", "command": "sync\\u001b[31m\\nrm", '
        '"started_at": "2026-10-01T00:00:00"}'
    )
    holder: Any = read_holder(path)
    assert (holder.pid, holder.command) == (7, "sync[31mrm")  # no escape, no newline


def test_the_cli_report_on_a_damaged_warehouse_names_it_without_a_traceback(
    tmp_path: Path,
) -> None:
    from typer.testing import CliRunner

    from partnerkit.cli import app

    path = tmp_path / "w.duckdb"
    path.write_bytes(b"not a database " * 500)
    workspace = tmp_path / "partnerkit.yaml"
    workspace.write_text("name: Readers\ncurrency: ILS\ntimezone: Asia/Jerusalem\n")
    result = CliRunner().invoke(
        app,
        ["report", "-c", str(workspace), "-m", "2026-10", "--warehouse", str(path)],
        catch_exceptions=False,
    )
    assert result.exit_code == ExitCode.CONFIGURATION
    assert "Traceback" not in result.output
    assert f"{path} is not a DuckDB database file" in " ".join(result.output.split())


def test_a_dataset_of_an_open_warehouse_lives_while_it_is_open(tmp_path: Path) -> None:
    import datetime as dt

    from partnerkit.stream import RecordStream

    path = tmp_path / "w.duckdb"
    row = {"date": dt.date(2026, 10, 1), "platform": "meta", "account_id": "a", "clicks": 3}
    with Warehouse(path) as wh:
        wh.load(RecordStream.from_records("performance", [row], name="x"))
    with Warehouse(path, read_only=True) as wh:
        data = wh.dataset()
        # the kinds the file lacks are empty, typed views (temporary, on each connection)
        assert data.sql("SELECT count(*) AS n FROM lead").to_pylist() == [{"n": 0}]
        assert data.row_count("performance") == 1
        assert "became_mql_at" in data.schema("lead").names
        assert repr(data) == (
            f"<Dataset {str(path)!r} performance=1, lead=0, deal=0, campaign=0, "
            "search_performance=0, time_entry=0, work_item=0, meeting_item=0>"
        )
    assert repr(data) == f"<Dataset {str(path)!r} unreadable>"
    with pytest.raises(WarehouseError, match="is closed"):
        data.sql("SELECT count(*) FROM performance")


def test_a_note_left_by_a_dead_sync_is_not_named(tmp_path: Path) -> None:
    import socket

    from partnerkit.store.read import _busy

    path = tmp_path / "w.duckdb"
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    pid = int(dead.stdout)  # a process that has ended
    lock_info_path(path).write_text(
        f'{{"pid": {pid}, "host": "{socket.gethostname()}", "command": "partnerkit sync", '
        '"started_at": "2026-10-01T00:00:00+00:00"}'
    )
    error = _busy(path, 1.0)
    assert error.holder_pid is None
    assert "being written by another process" in str(error)
    lock_info_path(path).write_text(
        f'{{"pid": {os.getpid()}, "host": "{socket.gethostname()}", "command": "partnerkit '
        'sync", "started_at": "2026-10-01T00:00:00+00:00"}'
    )
    assert _busy(path, 1.0).holder_pid == os.getpid()


def test_an_analysis_beyond_the_budget_runs_again_with_a_larger_one(tmp_path: Path) -> None:
    # An analysis works on its own cursor (temporary tables of a dedup), not through
    # Dataset.sql: at 5M rows the people count ran out of a 64 MB budget and DuckDB's raw
    # OutOfMemoryException reached the caller. The analysis is run again with more.
    from partnerkit.analysis import grows_memory

    calls: list[str] = []

    @grows_memory
    def heavy(workspace: object, dataset: Dataset) -> int:
        calls.append(dataset.sql("SELECT current_setting('memory_limit') AS m")["m"][0].as_py())
        row = dataset.cursor().execute(BIG_LIST).fetchone()  # raw cursor: no retry of its own
        assert row is not None
        return int(row[0])

    path = tmp_path / "w.duckdb"
    _write(path)
    with Dataset.from_duckdb(path, memory_limit="2MB") as data:
        assert heavy(None, data) == 3_000_000
    budgets = [float(c.split()[0]) for c in calls]
    assert len(budgets) >= 2
    assert budgets == sorted(budgets)
    assert budgets[1] >= 3.5 * budgets[0]  # quadrupled (2 MB is 1.9 MiB; 7 MiB after)


def test_an_analysis_beyond_the_ceiling_is_the_library_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from partnerkit.analysis import _data, grows_memory
    from partnerkit.errors import ConfigurationError

    monkeypatch.setattr(_data, "_BUDGET_CEILING_MIB", 8)

    @grows_memory
    def heavy(workspace: object, dataset: Dataset) -> object:
        return dataset.cursor().execute(BIG_LIST).fetchone()

    path = tmp_path / "w.duckdb"
    _write(path)
    with (
        Dataset.from_duckdb(path, memory_limit="2MB") as data,
        pytest.raises(ConfigurationError, match="memory_limit='1GB'"),
    ):
        heavy(None, data)
