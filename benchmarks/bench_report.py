"""The month's report and the source-map audit over warehouse files, against DuckDB SQL.

For each size (performance rows; leads a fifth of them, deals a fiftieth, as in
``bench_warehouse``) a warehouse file is built with ``bench_warehouse.build`` (the
``bench_kpis`` generator: 92 days, two ad accounts, four lead sources), then four
measurements run, each in a fresh process so that each has its own peak memory:

* **report** — ``build_report(workspace, Dataset.from_duckdb(file), "2026-10")`` and its
  HTML: every section (KPIs, budget, funnel, audit, dedup, SLAs, health, …);
* **report SQL** — the report's two big figure sets written by hand in DuckDB SQL over a
  plain read-only connection to the same file: the month's KPI set
  (``bench_kpis.baseline``: this month and the last, whole account and by source) and
  the audit's figures below. The report computes more than this (funnel, budget,
  dedup, SLAs, health), so the ratio is an upper bound of partnerkit's overhead;
* **audit** — ``audit_source_map(workspace, dataset)`` (every check);
* **audit SQL** — the audit's figures by hand (:func:`audit_sql`): leads by month and
  source, spend and the platforms' leads by month and source, the last lead and the
  leads of the last 14 days by source, the unmapped leads by value. The benchmark checks
  that they equal the audit's tables.

Each child runs its work ``REPEAT`` times and reports the best time and its peak RSS
(``VmHWM``). Targets (issue 20): the report within 1.5× of the hand-written SQL at 5M
rows; peak memory at 5M rows at most 1.2× that at 1M.

    uv run python benchmarks/run.py report                   # 100k and 1M rows
    PARTNERKIT_BENCH_SIZES=100000,1000000,5000000 uv run python benchmarks/run.py report
    uv run python benchmarks/run.py report --scale 0.01      # 1k and 10k rows

(``--scale`` multiplies the sizes; the default sizes keep the run to a few minutes. A
warehouse file of 1 MB or less, as in the test suite's tiny run, is measured once and in
this process: a smoke test whose peak memory means nothing.)
"""

from __future__ import annotations

import datetime as dt
import gc
import importlib.util
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

SIZES = (100_000, 1_000_000)
TIME_TARGET = 1.5
MEMORY_TARGET = 1.2
REPEAT = 2
AS_OF = dt.date(2026, 10, 31)
SILENT_DAYS = 14
HERE = Path(__file__).resolve().parent
WHAT = ("report", "report SQL", "audit", "audit SQL")


def _module(name: str) -> ModuleType:
    """A sibling benchmark module (``bench_warehouse``, ``bench_kpis``), loaded once."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, HERE / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def sizes(scale: float) -> list[int]:
    """The performance rows of each warehouse: ``PARTNERKIT_BENCH_SIZES`` or the default."""
    given = os.environ.get("PARTNERKIT_BENCH_SIZES")
    chosen = [int(s) for s in given.split(",")] if given else list(SIZES)
    return sorted({max(int(n * scale), 1_000) for n in chosen})


# ------------------------------------------------------------------ the audit by hand

_TZ = "Asia/Jerusalem"


def audit_sql(con: Any) -> dict[str, dict[Any, Any]]:
    """The source-map audit's figures in DuckDB SQL, the way an analyst would write them.

    The source map as ``CASE`` expressions (``bench_kpis``), months in the workspace's
    time zone, deleted leads left out.
    """
    kpis = _module("bench_kpis")
    lead_source, perf_source = kpis._LEAD_SOURCE, kpis._PERF_SOURCE
    live = "coalesce(is_deleted <> TRUE, TRUE)"
    local = f"timezone('{_TZ}', created_at)"
    con.execute("SET TimeZone = 'UTC'")
    leads = con.sql(
        f"SELECT strftime({local}, '%Y-%m') AS month, {lead_source} AS source, count(*) AS n "
        f"FROM lead WHERE {live} AND created_at < timezone('{_TZ}', "
        f"TIMESTAMP '{AS_OF + dt.timedelta(days=1)}') GROUP BY ALL"
    ).fetchall()
    spend = con.sql(
        f"SELECT strftime(date, '%Y-%m') AS month, {perf_source} AS source, sum(spend), "
        f"sum(coalesce(leads, conversions)) FROM performance "
        f"WHERE date <= DATE '{AS_OF}' GROUP BY ALL"
    ).fetchall()
    window = f"DATE '{AS_OF - dt.timedelta(days=SILENT_DAYS - 1)}'"
    last = con.sql(
        f"SELECT {lead_source} AS source, max(created_at), "
        f"count(*) FILTER (WHERE CAST({local} AS DATE) >= {window}) "
        f"FROM lead WHERE {live} AND created_at < timezone('{_TZ}', "
        f"TIMESTAMP '{AS_OF + dt.timedelta(days=1)}') GROUP BY ALL"
    ).fetchall()
    unmapped = con.sql(
        f"SELECT original_source, count(*) FROM lead WHERE {live} AND ({lead_source}) IS NULL "
        f"AND created_at < timezone('{_TZ}', TIMESTAMP '{AS_OF + dt.timedelta(days=1)}') "
        "GROUP BY ALL"
    ).fetchall()
    return {
        "leads": {(m, s): n for m, s, n in leads if s is not None},
        "spend": {(m, s): (sp, pl) for m, s, sp, pl in spend if s is not None},
        "last": {s: (at, n) for s, at, n in last if s is not None},
        "unmapped": dict(unmapped),
    }


def check_audit(audit: Any, base: dict[str, dict[Any, Any]]) -> int:
    """The audit's tables hold the hand-written figures; how many values were compared."""
    compared = 0
    for row in audit.lead_volume.to_pylist():
        want = base["leads"].get((row["month"], row["source_id"]), 0)
        assert row["leads"] == want, ("lead_volume", row, want)
        compared += 1
    for row in audit.spend_and_leads.to_pylist():
        if row["level"] != "source":
            continue
        spend, platform = base["spend"].get((row["month"], row["source_id"]), (None, None))
        assert row["spend"] == spend, ("spend", row, spend)
        assert _close(row["platform_leads"], platform), ("platform leads", row, platform)
        assert row["crm_leads"] == base["leads"].get((row["month"], row["source_id"]), 0)
        compared += 3
    for row in audit.silent.to_pylist():
        at, n = base["last"].get(row["source_id"], (None, 0))
        assert row["last_lead_at"] == at, ("last lead", row, at)
        assert row["leads_in_window"] == n, ("leads in window", row, n)
        compared += 2
    for row in audit.unmapped.to_pylist():
        assert row["leads"] == base["unmapped"][row["original_source"]], ("unmapped", row)
        compared += 1
    return compared


def _close(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(Decimal(str(a)) - Decimal(str(b))) <= Decimal("1e-9") * max(1, abs(Decimal(b)))


# ------------------------------------------------------------------ one measurement


def _child(what: str, path: Path) -> None:
    """Run one measurement in this fresh process; print its figures as JSON."""
    print(json.dumps(_measure(what, path)))


def _measure(what: str, path: Path) -> dict[str, float]:
    """Run one measurement ``REPEAT`` times: best time, peak RSS, audit values checked."""
    import duckdb

    from partnerkit.analysis import Dataset
    from partnerkit.analysis.audit import audit_source_map
    from partnerkit.model import Workspace
    from partnerkit.report import build_report

    kpis = _module("bench_kpis")
    ws = Workspace.model_validate(kpis.WORKSPACE)
    best = float("inf")
    compared = 0
    audit: Any = None
    repeat = REPEAT if path.stat().st_size > 2**20 else 1  # a tiny test run: once
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        if what in ("report", "audit"):
            with Dataset.from_duckdb(path) as data:
                if what == "report":
                    report = build_report(ws, data, kpis.MONTH, as_of=AS_OF)
                    assert report.to_html()
                else:
                    audit = audit_source_map(ws, data, as_of=AS_OF)
        else:
            con = duckdb.connect(str(path), read_only=True)
            try:
                if what == "report SQL":
                    kpis.baseline(_Plain(con))
                audit_sql(con)
            finally:
                con.close()
        best = min(best, time.perf_counter() - started)
    if what == "audit":  # the figures checked once, outside the clock
        con = duckdb.connect(str(path), read_only=True)
        try:
            compared = check_audit(audit, audit_sql(con))
        finally:
            con.close()
    return {"seconds": best, "peak_mb": _peak_mb(), "compared": compared}


class _Plain:
    """What ``bench_kpis.baseline`` reads: an object with a ``connection``."""

    def __init__(self, con: Any) -> None:
        self.connection = con


def _peak_mb() -> float:
    return float(_module("bench_warehouse")._peak_mb())


def _run(what: str, path: Path) -> dict[str, float]:
    """One measurement in a fresh process (in this one for a tiny file: a smoke test)."""
    if path.stat().st_size <= 2**20:
        return _measure(what, path)
    done = subprocess.run(
        [sys.executable, __file__, "--child", what, str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{what} over {path} failed: {done.stderr[-3000:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main(scale: float) -> None:
    build = _module("bench_warehouse").build
    measured: dict[int, dict[str, dict[str, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="partnerkit-bench-report-") as tmp:
        for n in sizes(scale):
            path = Path(tmp) / f"w{n}.duckdb"
            started = time.perf_counter()
            build(path, n, max(n // 5, 200), max(n // 50, 20))
            print(
                f"warehouse: {n:,} performance rows, {max(n // 5, 200):,} leads, "
                f"{max(n // 50, 20):,} deals ({path.stat().st_size / 2**20:.0f} MB, built in "
                f"{time.perf_counter() - started:.1f} s)",
                flush=True,
            )
            measured[n] = {}
            for what in WHAT:
                m = measured[n][what] = _run(what, path)
                extra = f", {int(m['compared'])} audit values equal" if m["compared"] else ""
                print(
                    f"  {what:<11} {m['seconds']:8.3f} s  peak RSS {m['peak_mb']:7.1f} MB{extra}",
                    flush=True,
                )
            for what in ("report", "audit"):
                ratio = measured[n][what]["seconds"] / measured[n][f"{what} SQL"]["seconds"]
                print(f"  {what}: {ratio:.2f}× the hand-written SQL (target ≤ {TIME_TARGET}×)")
            path.unlink()
    ns = sorted(measured)
    for small, large in itertools.pairwise(ns):
        for what in WHAT:
            ratio = measured[large][what]["peak_mb"] / measured[small][what]["peak_mb"]
            verdict = "ok" if ratio <= MEMORY_TARGET else "ABOVE TARGET"
            print(
                f"peak RSS of {what}, {large:,} / {small:,} rows = {ratio:.2f}× "
                f"(target ≤ {MEMORY_TARGET}× from 1M to 5M): {verdict}"
            )


if __name__ == "__main__" and sys.argv[1:2] == ["--child"]:
    _child(sys.argv[2], Path(sys.argv[3]))
