"""One process opening one warehouse file for reading and for writing at once.

DuckDB cannot do both in one process, and its refusal of the second open gives up the
lock the first open holds on the file (POSIX drops a process's locks on a file when any
handle to it closes): a reader's file could then be written by another process under it.
partnerkit refuses the second open itself, before DuckDB touches the file, with an error
that says what is open and what to do.
"""

import gc
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pytest
from partnerkit_store_synth import perf, stream

from partnerkit.analysis import Dataset
from partnerkit.errors import WarehouseError, WarehouseFileError
from partnerkit.store import Warehouse

OPENS: dict[str, Callable[[Path], Any]] = {
    "warehouse": lambda p: Warehouse(p),
    "read-only warehouse": lambda p: Warehouse(p, read_only=True),
    "dataset": lambda p: Dataset.from_duckdb(p, wait=0),
}
WRITES = {"warehouse"}


@pytest.fixture
def path(tmp_path: Path) -> Path:
    made = tmp_path / "w.duckdb"
    with Warehouse(made) as wh:  # one row of 7 clicks, for every open to read
        wh.load(stream([perf(1, clicks=7)]))
    return made


def _child_can_write(path: Path) -> bool:
    """Whether another process can open the file for writing now (the lock is not held)."""
    code = (
        "import sys\nfrom partnerkit.store import Warehouse\n"
        f"try:\n    Warehouse({str(path)!r}).close()\nexcept Exception:\n    sys.exit(3)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120)
    assert done.returncode in (0, 3), done.stderr.decode()
    return done.returncode == 0


@pytest.mark.parametrize(
    ("first", "second"),
    [(a, b) for a in OPENS for b in OPENS if (a in WRITES) != (b in WRITES)],
)
def test_an_open_in_the_other_mode_is_refused_and_the_first_keeps_working(
    path: Path, first: str, second: str
) -> None:
    opened = OPENS[first](path)
    try:
        with pytest.raises(WarehouseError) as caught:
            OPENS[second](path)
        error = caught.value
        assert not isinstance(error, WarehouseFileError)  # nothing is wrong with the file
        assert error.path == str(path)
        if second in WRITES:
            assert "is open for reading in this process" in str(error)
            assert "dataset.close()" in str(error)
        else:
            assert "is open for writing in this process" in str(error)
            assert "dataset()" in str(error)
        # the first open still reads the row
        rows = opened.sql("SELECT sum(clicks) AS c FROM performance").to_pylist()
        assert rows == [{"c": 7}]
    finally:
        opened.close()
    # closed, the file opens in the other mode
    OPENS[second](path).close()


@pytest.mark.parametrize("reader", ["read-only warehouse", "dataset"])
def test_a_refused_writer_leaves_the_reader_holding_the_file(path: Path, reader: str) -> None:
    opened = OPENS[reader](path)
    try:
        assert not _child_can_write(path)  # the reader's lock keeps other writers out
        with pytest.raises(WarehouseError):
            Warehouse(path)
        assert not _child_can_write(path)  # ... and still does after the refusal
    finally:
        opened.close()
    assert _child_can_write(path)


@pytest.mark.parametrize(
    ("first", "second"),
    [(a, b) for a in OPENS for b in OPENS if (a in WRITES) == (b in WRITES)],
)
def test_opens_in_one_mode_share_the_file(path: Path, first: str, second: str) -> None:
    one = OPENS[first](path)
    try:
        two = OPENS[second](path)
        try:
            assert two.sql("SELECT sum(clicks) AS c FROM performance").to_pylist() == [{"c": 7}]
        finally:
            two.close()
    finally:
        one.close()


@pytest.mark.parametrize("reader", ["read-only warehouse", "dataset"])
def test_a_reader_never_closed_gives_the_file_back_when_collected(path: Path, reader: str) -> None:
    opened = OPENS[reader](path)
    assert opened.sql("SELECT sum(clicks) AS c FROM performance").to_pylist() == [{"c": 7}]
    del opened
    gc.collect()
    Warehouse(path).close()


def test_a_failed_open_gives_its_claim_back(tmp_path: Path) -> None:
    # not a DuckDB file: the read-only open fails, and must not leave a claim that
    # would refuse a later writer of a good file at that path
    path = tmp_path / "w.duckdb"
    path.write_text("not a database\n" * 1000, encoding="utf-8")
    with pytest.raises(WarehouseFileError):
        Dataset.from_duckdb(path, wait=0)
    path.unlink()
    Warehouse(path).close()


def test_the_file_open_by_plain_duckdb_in_this_process_is_named_as_such(path: Path) -> None:
    # opened outside partnerkit, so not claimed: DuckDB's own refusal is worded, not
    # taken for a damaged file
    con = duckdb.connect(str(path), read_only=True)
    try:
        with pytest.raises(WarehouseError) as caught:
            Warehouse(path)
        assert not isinstance(caught.value, WarehouseFileError)
        assert "already open in this process" in str(caught.value)
        assert caught.value.path == str(path)
    finally:
        con.close()
