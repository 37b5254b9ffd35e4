"""One Dataset shared by many threads: zero errors, the same answer every time (issue 16.7).

Before each thread had its own DuckDB connection, 16 concurrent requests to a small
service built on one Dataset gave 38 HTTP 500s of 48
(``_duckdb.ResourceInUseException``), and 8 threads calling ``compute_kpis``
failed 35 of 40 times.
"""

from __future__ import annotations

import datetime as dt
import sys
import threading
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from _engagement_feb2028 import DEALS, FEB, LEADS, PERFORMANCE, RATES, dataset, workspace

from partnerkit.analysis import Dataset, audit_source_map, budget_report, compute_kpis
from partnerkit.store import Warehouse
from partnerkit.stream import RecordStream

WS = workspace()
END_FEB = dt.date(2028, 2, 29)
THREADS = 16
CALLS = 20


def _warehouse_file(tmp_path: Path) -> Path:
    """The builder's records written to a DuckDB file, one table per record kind."""
    path = tmp_path / "warehouse.duckdb"
    memory = dataset()
    con = duckdb.connect(str(path))
    for kind in ("performance", "lead", "deal"):
        con.register("t", memory.tables[kind])  # type: ignore[index]
        con.execute(f'CREATE TABLE "{kind}" AS SELECT * FROM t')
        con.unregister("t")
    con.close()
    return path


def _calls(data: Dataset) -> dict[str, Callable[[], Any]]:
    """Each kind of call, returning a plain value that must be the same in every thread."""
    return {
        "sql": lambda: data.sql(
            "SELECT count(*) AS n, sum(clicks) AS clicks FROM performance"
        ).to_pylist(),
        "kpis": lambda: compute_kpis(WS, data, FEB, as_of=END_FEB, rates=RATES).to_arrow(),
        "budget": lambda: budget_report(WS, data, FEB, as_of=END_FEB, rates=RATES).to_arrow(),
        "audit": lambda: audit_source_map(
            WS,
            data,
            start=dt.date(2028, 2, 1),
            end=END_FEB,
            as_of=dt.datetime(2028, 3, 1, tzinfo=dt.UTC),
            exchange_rates=RATES,
        ).to_arrow(),
    }


def _plan(thread: int) -> list[str]:
    """Twenty calls of one thread: SQL, KPIs and budgets throughout, an audit in two."""
    plan = [("sql", "kpis", "sql", "budget", "sql")[j % 5] for j in range(CALLS)]
    if thread < 2:
        plan[4] = "audit"
    return plan


def _hammer(data: Dataset) -> tuple[list[BaseException], dict[str, list[Any]]]:
    calls = _calls(data)
    errors: list[BaseException] = []
    results: dict[str, list[Any]] = {name: [] for name in calls}
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def work(thread: int) -> None:
        start.wait()
        for name in _plan(thread):
            try:
                got = calls[name]()
            except BaseException as exc:  # every failure is counted
                with lock:
                    errors.append(exc)
                continue
            with lock:
                results[name].append(got)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors, results


@pytest.mark.parametrize("where", ["memory", "warehouse file", "open warehouse"])
def test_sixteen_threads_share_one_dataset(where: str, tmp_path: Path) -> None:
    if where == "open warehouse":  # Warehouse.dataset(): through the warehouse's database
        with Warehouse(tmp_path / "w.duckdb") as wh:
            for kind, rows in (("performance", PERFORMANCE), ("lead", LEADS), ("deal", DEALS)):
                wh.load(RecordStream.from_records(kind, rows, name=kind))
            errors, results = _hammer(wh.dataset())
    else:
        path = _warehouse_file(tmp_path) if where == "warehouse file" else None
        with dataset() if path is None else Dataset.from_duckdb(path) as data:
            errors, results = _hammer(data)
    assert errors == []
    planned = [name for i in range(THREADS) for name in _plan(i)]
    for name, got in results.items():
        assert len(got) == planned.count(name)
        assert all(r == got[0] for r in got), name
    # P1..P6 by hand: six rows, 30 + 50 + 40 + 10 + 5 + 5 clicks
    assert results["sql"][0] == [{"n": 6, "clicks": 140}]
    kpis = {r["kpi"]: r for r in results["kpis"][0].to_pylist()}
    # February: spend 400 + 200 + 100 USD × 3.5 + 50 over leads L1 L2 L4 L6 L7 L9
    assert (kpis["cpl"]["numerator"], kpis["cpl"]["denominator"]) == (1000, 6)
    assert (kpis["leads"]["value"], kpis["revenue"]["value"]) == (6, 9600)  # D1 D2 D4 D6
    budget = {
        r["key"]: r["spend"] for r in results["budget"][0].to_pylist() if r["kind"] == "media"
    }
    assert budget == {"paid_search": 600, "paid_social": 350, "display": 50}
    assert isinstance(next(iter(budget.values())), Decimal)


def test_each_thread_has_its_own_connection() -> None:
    data = dataset()
    seen: list[duckdb.DuckDBPyConnection] = []

    def take() -> None:
        seen.append(data.cursor())
        seen.append(data.cursor())

    threads = [threading.Thread(target=take) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(c) for c in seen}) == 3  # one per thread, the same on each call
    assert data.cursor() is data.cursor()
    data.close()
