"""Where a warehouse may be, how it comes to exist, and what a broken one says.

* the workspace's ``warehouse:`` stays inside the workspace folder unless the file
  says ``warehouse_outside_workspace: true`` (``..``, absolute paths, ``~``, symlinks);
* no warehouse is ever created inside an installed package (the bundled demo);
* a new warehouse appears complete or not at all: a process SIGKILLed while creating
  it leaves nothing at the warehouse's path, and the next open cleans up;
* a file that is not a warehouse (text, random bytes, empty, truncated) is refused
  with the library's own error naming the file and what to do, never a DuckDB error.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import partnerkit
from partnerkit.errors import ConfigurationError, WarehouseFileError
from partnerkit.model import Workspace, load_workspace
from partnerkit.store import Warehouse, default_warehouse_path, export_parquet
from partnerkit.store.warehouse import check_warehouse_file

HERE = Path(__file__).resolve().parent


@pytest.fixture(autouse=True)
def no_env_warehouse(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PARTNERKIT_WAREHOUSE", raising=False)


def workspace_file(folder: Path, *extra: str) -> Workspace:
    folder.mkdir(parents=True, exist_ok=True)
    text = "name: Acme\ncurrency: ILS\ntimezone: Asia/Jerusalem\n" + "".join(
        f"{line}\n" for line in extra
    )
    (folder / "partnerkit.yaml").write_text(text, encoding="utf-8")
    return load_workspace(folder / "partnerkit.yaml")


# ------------------------------------------------------------------ path rules


@pytest.mark.parametrize(
    "given",
    ["../x.duckdb", "data/../../x.duckdb", "{outside}/x.duckdb", "~/partnerkit-x.duckdb"],
    ids=["parent", "through-a-subfolder", "absolute", "home"],
)
def test_a_workspace_cannot_put_its_warehouse_outside_its_folder(
    tmp_path: Path, given: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    given = given.format(outside=tmp_path / "elsewhere")
    ws = workspace_file(tmp_path / "ws", f"warehouse: {given}")
    with pytest.raises(ConfigurationError) as caught:
        default_warehouse_path(ws)
    message = str(caught.value)
    assert f"`warehouse: {Path(given)}`" in message
    assert "outside the workspace folder" in message
    assert "warehouse_outside_workspace: true" in message
    assert not (tmp_path / "x.duckdb").exists()


def test_a_symlink_out_of_the_workspace_counts_as_outside(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    ws = workspace_file(tmp_path / "ws")
    (tmp_path / "ws" / ".partnerkit").symlink_to(outside, target_is_directory=True)
    with pytest.raises(ConfigurationError, match=r"its \.partnerkit folder"):
        default_warehouse_path(ws)


def test_the_workspace_may_say_its_warehouse_lives_outside(tmp_path: Path) -> None:
    ws = workspace_file(
        tmp_path / "ws", "warehouse: ../shared/x.duckdb", "warehouse_outside_workspace: true"
    )
    path = default_warehouse_path(ws)
    assert path.resolve() == tmp_path / "shared" / "x.duckdb"
    with Warehouse(path) as wh:
        assert wh.tables() == []
    assert (tmp_path / "shared" / "x.duckdb").exists()


def test_inside_the_folder_and_the_users_own_choices_are_free(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = workspace_file(tmp_path / "ws", "warehouse: data/x.duckdb")
    assert default_warehouse_path(ws) == tmp_path / "ws" / "data" / "x.duckdb"
    # --warehouse and $PARTNERKIT_WAREHOUSE are the user's, not the workspace file's
    assert default_warehouse_path(ws, tmp_path / "other.duckdb") == tmp_path / "other.duckdb"
    monkeypatch.setenv("PARTNERKIT_WAREHOUSE", "../env.duckdb")
    assert default_warehouse_path(ws) == Path("../env.duckdb")


def test_no_warehouse_is_created_inside_the_installed_package(tmp_path: Path) -> None:
    from partnerkit.demo import DEMO_WORKSPACE

    demo = load_workspace(DEMO_WORKSPACE)
    path = default_warehouse_path(demo)
    assert path.parent.parent == DEMO_WORKSPACE.parent
    with pytest.raises(ConfigurationError, match="inside the installed package folder"):
        Warehouse(path)
    assert not path.parent.exists()
    inside = Path(partnerkit.__file__).parent / "stray.duckdb"
    with pytest.raises(ConfigurationError, match="--warehouse PATH"):
        Warehouse(inside)
    assert not inside.exists()


# ---------------------------------------------------------- creation is atomic

_SYNC = """
import sys, time
import partnerkit.store.warehouse as w
from partnerkit.cli import main
real, point = w.migrate, sys.argv.pop()
def slow(con):
    if point == "before":
        print("CREATING", flush=True); time.sleep(60)
    real(con)
    if point == "after":
        print("CREATING", flush=True); time.sleep(60)
w.migrate = slow
main()
"""


def kill_while_creating(path: Path, point: str) -> None:
    """``partnerkit sync`` in a subprocess, SIGKILLed while it creates its warehouse."""
    config = path.parent / "partnerkit.yaml"
    config.write_text("name: Acme\ncurrency: ILS\ntimezone: Asia/Jerusalem\n", encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-c", _SYNC, "sync", "-c", str(config), "-w", str(path), point],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    proc.send_signal(signal.SIGKILL)
    code = proc.wait(timeout=60)
    stderr = proc.stderr.read() if proc.stderr else ""
    proc.stdout.close()
    if proc.stderr:
        proc.stderr.close()
    assert line == "CREATING", stderr
    assert code == -signal.SIGKILL
    config.unlink()


@pytest.mark.parametrize("point", ["before", "after"])
def test_a_warehouse_killed_while_being_created_is_not_there(tmp_path: Path, point: str) -> None:
    path = tmp_path / "w.duckdb"
    kill_while_creating(path, point)
    # nothing half-made at the warehouse's path: readers are told there is none
    assert not path.exists()
    assert not path.with_name("w.duckdb.wal").exists()
    with pytest.raises(ConfigurationError, match="no warehouse at"):
        Warehouse(path, read_only=True)
    leftovers = [p.name for p in tmp_path.iterdir()]
    assert len(leftovers) >= 1
    assert all(name.startswith(".w.duckdb.creating-") for name in leftovers)
    # the next open creates it whole and removes what the dead process left
    with Warehouse(path) as wh:
        assert wh.schema_version >= 1
    with Warehouse(path, read_only=True) as wh:
        assert wh.tables() == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.duckdb"]


def test_a_file_created_meanwhile_is_never_replaced(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    with Warehouse(path) as first:
        first.sql("CREATE TABLE main.marker AS SELECT 42 AS answer")
    with Warehouse(path) as again:  # exists: opened, not re-created
        assert again.sql("SELECT answer FROM main.marker")["answer"].to_pylist() == [42]


# ------------------------------------------------------------------ broken files


def _truncated(tmp_path: Path) -> Path:
    path = tmp_path / "real.duckdb"
    with Warehouse(path) as wh:
        wh.sql("CREATE TABLE main.performance AS SELECT range AS record_id FROM range(200000)")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


BROKEN = {
    "text": (lambda t: _write(t, "w.duckdb", b"date,spend\n2026-10-01,5\n"), "not a DuckDB"),
    "random": (
        lambda t: _write(t, "w.duckdb", random.Random(7).randbytes(40_000)),
        "not a DuckDB",
    ),
    "empty": (lambda t: _write(t, "w.duckdb", b""), "is empty"),
    "truncated": (_truncated, "is truncated"),
    "header-only": (
        lambda t: _write(t, "w.duckdb", _truncated(t).read_bytes()[:5000]),
        "is truncated",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
@pytest.mark.parametrize("read_only", [False, True], ids=["write", "read"])
def test_a_broken_file_is_refused_with_the_librarys_error(
    tmp_path: Path, case: str, read_only: bool
) -> None:
    make, reason = BROKEN[case]
    path = make(tmp_path)
    before = path.read_bytes()
    with pytest.raises(WarehouseFileError) as caught:
        Warehouse(path, read_only=read_only)
    error = caught.value
    assert error.path == str(path)
    assert reason in error.reason
    assert str(path) in str(error)
    assert "Move the file aside" in str(error)
    assert "partnerkit sync" in str(error)
    assert path.read_bytes() == before  # refused, not "repaired"


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_export_of_a_broken_file_says_so(tmp_path: Path, case: str) -> None:
    path = BROKEN[case][0](tmp_path)
    with pytest.raises(WarehouseFileError, match="Move the file aside"):
        export_parquet(path, tmp_path / "lake")


def test_the_check_reads_headers_only_and_passes_a_good_file(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    check_warehouse_file(path)  # missing: nothing to check
    with Warehouse(path) as wh:
        wh.sql("CREATE TABLE main.t AS SELECT range AS n FROM range(100000)")
        check_warehouse_file(path)  # while open for writing
    check_warehouse_file(path)
    folder = tmp_path / "folder.duckdb"
    folder.mkdir()
    with pytest.raises(WarehouseFileError, match="is a folder"):
        check_warehouse_file(folder)
