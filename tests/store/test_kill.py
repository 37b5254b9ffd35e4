"""A sync killed at any moment resumes without losing or duplicating a row.

A real subprocess runs a sync of 3 accounts x 3 streams (two workers, batches of 30
rows, lookback 0 so that a cursor ahead of its rows would lose them for good). The
connector prints ``PAGE <n>`` after each page; the test SIGKILLs the process right
after page n (sometimes a few milliseconds later, to land inside a merge), then:

1. opens the killed file: every unit is all-or-nothing (a state means all its rows,
   no state means no rows) and no staging table is left;
2. resumes with an ordinary sync and compares every table and every cursor with a
   sync that was never interrupted.
"""

import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from partnerkit_store_synth import (
    KILL_ACCOUNTS,
    KILL_PAGES,
    KILL_UNIT_ROWS,
    kill_sync,
    kill_workspace,
)

from partnerkit.store import Warehouse

HARNESS = Path(__file__).with_name("synth.py")
TABLES = ("performance", "lead", "campaign")
KIND_OF = {"daily": "performance", "leads": "lead", "campaigns": "campaign"}

# (page to kill after, extra milliseconds before the kill)
KILL_POINTS = [(1, 0), (3, 0), (5, 8), (7, 1), (9, 3), (12, 0), (15, 4), (KILL_PAGES - 1, 2)]


def snapshot(path: Path) -> dict[str, Any]:
    with Warehouse(path) as wh:
        tables = {
            t: wh.sql(f"SELECT * EXCLUDE (_synced_at) FROM {t} ORDER BY record_id").to_pylist()
            for t in TABLES
            if t in {k.value for k in wh.tables()}
        }
        states = sorted((s.connection, s.stream, s.account, s.cursor) for s in wh.states())
    return {"tables": tables, "states": states}


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory, synth_module: Any) -> dict[str, Any]:
    path = tmp_path_factory.mktemp("reference") / "w.duckdb"
    result = kill_sync(kill_workspace(path.parent), path)
    assert result.ok
    return snapshot(path)


@pytest.fixture(scope="module")
def synth_module() -> Any:
    from partnerkit_store_synth import SynthConnector

    from partnerkit.registry import register_connector, unregister_connector

    register_connector(SynthConnector, replace=True)
    yield SynthConnector
    unregister_connector("synth")


def kill_after(path: Path, page: int, delay_ms: int) -> bool:
    """Run the harness and SIGKILL it after ``page``; True if it was killed before the end."""
    path.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, str(HARNESS), str(path), "0.005"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    killed = False
    for line in proc.stdout:
        if line.strip() == f"PAGE {page}":
            time.sleep(delay_ms / 1000)
            proc.send_signal(signal.SIGKILL)
            killed = True
            break
    proc.stdout.close()
    code = proc.wait(timeout=60)
    stderr = proc.stderr.read() if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    assert killed, f"the harness ended before page {page} (exit {code}): {stderr}"
    return code == -signal.SIGKILL


def unit_rows(wh: Warehouse) -> dict[tuple[str, str], int]:
    counts: dict[tuple[str, str], int] = {}
    for stream, table in KIND_OF.items():
        if table not in {k.value for k in wh.tables()}:
            continue
        for row in wh.sql(
            f"SELECT _account AS a, count(*) AS n FROM {table} GROUP BY 1"
        ).to_pylist():
            counts[(stream, row["a"])] = row["n"]
    return counts


def check_killed(path: Path) -> int:
    """All or nothing per unit, no staging left; returns the units committed."""
    with Warehouse(path) as wh:
        states = {(s.stream, s.account) for s in wh.states()}
        rows = unit_rows(wh)
        stages = wh.sql(
            "SELECT count(*) AS n FROM duckdb_tables() WHERE table_name LIKE 'stage_%'"
        )["n"][0].as_py()
    assert stages == 0
    for stream, expected in KILL_UNIT_ROWS.items():
        for account in KILL_ACCOUNTS:
            got = rows.get((stream, account), 0)
            assert got == (expected if (stream, account) in states else 0), (stream, account)
    return len(states)


def test_killed_syncs_resume_to_the_same_warehouse(
    tmp_path: Path, reference: dict[str, Any], synth_module: Any
) -> None:
    paths = [tmp_path / f"kill-{page}-{delay}" / "w.duckdb" for page, delay in KILL_POINTS]
    with ThreadPoolExecutor(max_workers=3) as pool:
        killed = list(
            pool.map(
                lambda args: kill_after(*args),
                [
                    (path, page, delay)
                    for path, (page, delay) in zip(paths, KILL_POINTS, strict=True)
                ],
            )
        )
    assert all(killed)
    committed = []
    for path, (page, delay) in zip(paths, KILL_POINTS, strict=True):
        # 1. every unit is all or nothing
        committed.append(check_killed(path))
        # 2. an ordinary sync resumes to exactly what an uninterrupted sync wrote
        resumed = kill_sync(kill_workspace(path.parent), path)
        assert resumed.ok, (page, delay, resumed.failed)
        assert snapshot(path) == reference, (page, delay)
    print(f"reads committed when killed: {dict(zip(KILL_POINTS, committed, strict=True))}")
    # the points cover a sync killed before any merge, and ones killed between merges
    assert committed[0] == 0
    assert any(0 < c < len(KILL_ACCOUNTS) * len(KILL_UNIT_ROWS) for c in committed), committed
