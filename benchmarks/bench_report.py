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
OLD_SQL = "KPIs+audit SQL"  # what "report SQL" was before it computed every figure
WHAT = ("report", "report SQL", OLD_SQL, "audit", "audit SQL")


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


# ------------------------------------------------------------------ the report by hand

_STAGES = ("lead", "mql", "sql", "opportunity", "customer")
_HISTORY = ("2026-05", "2026-06", "2026-07", "2026-08", "2026-09")  # the 5 months before


def _month_bounds(month: str) -> tuple[str, str]:
    """A month's first instant and the next month's, in the workspace's zone, as SQL."""
    first = dt.date.fromisoformat(f"{month}-01")
    after = (first + dt.timedelta(days=32)).replace(day=1)
    return (
        f"timezone('{_TZ}', TIMESTAMP '{first}')",
        f"timezone('{_TZ}', TIMESTAMP '{after}')",
    )


def report_sql(con: Any) -> dict[str, Any]:
    """The figures the month's report shows, in DuckDB SQL, the way an analyst would write them.

    The month's KPI set (``bench_kpis.baseline``: October and September, whole account
    and by source; revenue by source and the cost section read the same figures), the
    spend and leads of each month of the history, the budget's spend by source and by
    campaign, October's funnel by source (counts, moves and median days between
    stages), the funnel stages entered in October by source, the lead dedup's counts and
    the audit's figures (:func:`audit_sql`). The dedup by hand relies on what the
    generator makes (as ``bench_kpis``'s ``people`` does): no two leads share an email
    or a phone, so each lead is a person and an inquiry of its own; the report's dedup
    matches people and cuts inquiries whatever the data. The workspace has no targets,
    budgets or SLA terms, and the rows no segments: those sections show no figures.
    """
    kpis = _module("bench_kpis")
    lead_source, perf_source = kpis._LEAD_SOURCE, kpis._PERF_SOURCE
    live = "coalesce(is_deleted <> TRUE, TRUE)"
    con.execute("SET TimeZone = 'UTC'")
    out: dict[str, Any] = {"kpis": kpis.baseline(_Plain(con))}
    lo, hi = _month_bounds(_HISTORY[0])[0], _month_bounds("2026-09")[1]
    spend = con.sql(
        "SELECT strftime(date, '%Y-%m'), sum(spend) FROM performance "
        "WHERE date BETWEEN DATE '2026-05-01' AND DATE '2026-09-30' GROUP BY ALL"
    ).fetchall()
    leads = con.sql(
        f"SELECT strftime(timezone('{_TZ}', created_at), '%Y-%m'), count(*) FROM lead "
        f"WHERE {live} AND created_at >= {lo} AND created_at < {hi} GROUP BY ALL"
    ).fetchall()
    out["history"] = {m: (dict(spend).get(m, 0), dict(leads).get(m, 0)) for m in _HISTORY}
    campaign = "CASE WHEN campaign_id = 'g-7' THEN 'pmax' END"
    budget = con.sql(
        f"SELECT {perf_source} AS source, {campaign} AS campaign, sum(spend), count(*) "
        f"FROM performance WHERE date BETWEEN DATE '2026-10-01' AND DATE '{AS_OF}' GROUP BY ALL"
    ).fetchall()
    by_source: dict[Any, list[Any]] = {}
    by_campaign: dict[Any, list[Any]] = {}
    for source, camp, amount, rows in budget:
        for table, key in ((by_source, source), (by_campaign, camp)):
            got = table.setdefault(key, [Decimal(0), 0])
            got[0] += amount
            got[1] += rows
    out["budget"] = {"source": by_source, "campaign": by_campaign}
    first, after = _month_bounds("2026-10")
    oct_ = f"created_at >= {first} AND created_at < {after}"
    stamps = [
        "coalesce(became_lead_at, created_at)",
        "became_mql_at",
        "became_sql_at",
        "became_opportunity_at",
    ]
    stamps.append("became_customer_at")

    def reached(i: int) -> str:
        return f"coalesce({', '.join(stamps[i:])})" if i < len(stamps) - 1 else stamps[i]

    aggs = [f"count(*) FILTER (WHERE {reached(i)} IS NOT NULL)" for i in range(len(stamps))]
    for i in range(len(stamps) - 1):
        moved = f"{stamps[i]} IS NOT NULL AND {reached(i + 1)} >= {stamps[i]}"
        aggs.append(
            f"median((epoch({reached(i + 1)}) - epoch({stamps[i]})) / 86400.0) "
            f"FILTER (WHERE {moved})"
        )
        aggs.append(f"count(*) FILTER (WHERE {moved})")
    rows = con.sql(
        f"SELECT grouping(src), src, {', '.join(aggs)} FROM "
        f"(SELECT {lead_source} AS src, * FROM lead WHERE {live} AND {oct_}) "
        f"GROUP BY GROUPING SETS ((src), ())"
    ).fetchall()
    n = len(stamps)
    out["funnel"] = {
        "all" if g else src: {
            "counts": list(rest[:n]),
            "medians": list(rest[n::2]),
            "moved": list(rest[n + 1 :: 2]),
        }
        for g, src, *rest in rows
    }
    parts = [
        f"SELECT {lead_source} AS src, '{stage}' AS stage FROM lead WHERE {live} "
        f"AND {col} >= {first} AND {col} < {after}"
        for stage, col in zip(_STAGES, stamps, strict=True)
    ]
    entries = con.sql(
        f"SELECT grouping(src), src, stage, count(*) FROM ({' UNION ALL '.join(parts)}) "
        f"GROUP BY GROUPING SETS ((src, stage), (stage))"
    ).fetchall()
    out["entries"] = {("all" if g else src, stage): c for g, src, stage, c in entries}
    day = f"CAST(timezone('{_TZ}', created_at) AS DATE)"
    dedup = con.sql(
        f"SELECT grouping(src), src, count(*), "
        f"count(DISTINCT coalesce(email_hash, phone_hash, lead_id)) FROM "
        f"(SELECT {lead_source} AS src, * FROM lead WHERE {live} "
        f"AND {day} BETWEEN DATE '2026-10-01' AND DATE '{AS_OF}') "
        f"GROUP BY GROUPING SETS ((src), ())"
    ).fetchall()
    out["dedup"] = {"all" if g else src: (c, p) for g, src, c, p in dedup}
    out["audit"] = audit_sql(con)
    return out


def check_report(ev: Any, base: dict[str, Any]) -> int:
    """The month's figures (what the report renders) equal the hand-written ones; how many."""
    kpis = _module("bench_kpis")
    compared = kpis.check(ev.totals, ev.sources, base["kpis"])
    for point in ev.history:
        month = f"{point.month:%Y-%m}"
        if month not in base["history"]:
            continue
        values = {v.kpi: v.value for v in point.totals}
        spend, leads = base["history"][month]
        assert kpis._same(values["spend"], spend), ("history spend", month, values, spend)
        assert values["leads"] == leads, ("history leads", month, values, leads)
        compared += 2
    for report, by in ((ev.budget, "source"), (ev.budget_campaigns, "campaign")):
        for line in report.lines:
            spend, rows = base["budget"][by].get(line.key, (Decimal(0), 0))
            assert kpis._same(line.spend, spend), ("budget", by, line.key, line.spend, spend)
            assert line.records == rows, ("budget rows", by, line.key, line.records, rows)
            compared += 2
        assert not report.unmatched, report.unmatched
    for stage in ev.funnel.stages:
        if stage.cohort != "all":
            continue
        key = None if stage.source == "(unattributed)" else stage.source
        want = base["funnel"].get(key)
        i = _STAGES.index(stage.stage)
        if want is None:
            assert stage.count == 0, stage
            compared += 1
            continue
        assert stage.count == want["counts"][i], ("funnel", stage, want)
        compared += 1
        if i < len(_STAGES) - 1:
            assert stage.moved_on == want["moved"][i], ("funnel moved", stage, want)
            assert _close(stage.median_days, want["medians"][i]), ("median", stage, want)
            compared += 2
    for entry in ev.stage_entries.entries:
        key = None if entry.source == "(unattributed)" else entry.source
        want = base["entries"].get((key, entry.stage), 0)
        assert entry.count == want, ("stage entries", entry, want)
        compared += 1
    dedup = ev.dedup
    records, people = base["dedup"]["all"]
    assert dedup.lead_records == records, (dedup.lead_records, records)
    assert dedup.inquiries_count == records, (dedup.inquiries_count, records)
    assert dedup.people == people, (dedup.people, people)
    compared += 3
    for row in dedup.by_source.to_pylist():
        leads, _ = base["dedup"].get(row["source_id"], (0, 0))
        assert row["leads"] == leads == row["inquiries"] == row["exclusive"], ("dedup", row)
        compared += 3
    for row in ev.revenue.rows:
        group = None if row.source in ("all", "(unattributed)") else row.source
        want = base["kpis"].get(("all" if row.source == "all" else "source", group))
        if want is None:
            continue
        for name in ("leads", "customers", "revenue", "cpl", "cac", "roi", "spend"):
            assert kpis._same(getattr(row, name), want["oct"][name]), ("revenue", row, name)
            compared += 1
    return compared + check_audit(ev.audit, base["audit"])


# ------------------------------------------------------------------ one measurement


def _child(what: str, path: Path) -> None:
    """Run one measurement in this fresh process; print its figures as JSON."""
    print(json.dumps(_measure(what, path)))


def _measure(what: str, path: Path) -> dict[str, float]:
    """Run one measurement ``REPEAT`` times: best time, peak RSS, audit values checked."""
    import duckdb

    from partnerkit.analysis import Dataset
    from partnerkit.analysis.audit import audit_source_map
    from partnerkit.analysis.month import evaluate_month
    from partnerkit.model import Workspace
    from partnerkit.report import build_report

    kpis = _module("bench_kpis")
    ws = Workspace.model_validate(kpis.WORKSPACE)
    best = cpu = float("inf")
    compared = 0
    audit: Any = None
    repeat = REPEAT if path.stat().st_size > 2**20 else 1  # a tiny test run: once
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        cpu_started = time.process_time()
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
                    report_sql(con)
                else:
                    if what == OLD_SQL:
                        kpis.baseline(_Plain(con))
                    audit_sql(con)
            finally:
                con.close()
        elapsed = time.perf_counter() - started
        if elapsed < best:
            best, cpu = elapsed, time.process_time() - cpu_started
    # The figures checked once, outside the clock (after the peak memory is read).
    peak = _peak_mb()
    if what in ("audit", "report"):
        con = duckdb.connect(str(path), read_only=True)
        try:
            if what == "audit":
                compared = check_audit(audit, audit_sql(con))
            else:
                with Dataset.from_duckdb(path) as data:
                    ev = evaluate_month(ws, data, kpis.MONTH, as_of=AS_OF)
                    compared = check_report(ev, report_sql(con))
        finally:
            con.close()
    return {"seconds": best, "cpu": cpu, "peak_mb": peak, "compared": compared}


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


def _pairs(path: Path) -> None:
    """Diagnostics: the report and its SQL measured in turns, ``PARTNERKIT_BENCH_PAIRS`` times.

    On a shared machine the load moves between the report's measurement and the SQL's;
    each pair measures the two one after the other (each in its own process, as above),
    so their ratio sees about the same load. The machine's load average is printed with
    each pair. Off by default (0 pairs).
    """
    n = int(os.environ.get("PARTNERKIT_BENCH_PAIRS", "0"))
    if n <= 0:
        return
    walls, cpus = [], []
    for i in range(n):
        load = os.getloadavg()[0]
        a, b = _run("report", path), _run("report SQL", path)
        walls.append(a["seconds"] / b["seconds"])
        cpus.append(a["cpu"] / b["cpu"])
        print(
            f"  pair {i + 1}: report {a['seconds']:.3f} s (CPU {a['cpu']:.3f} s), report SQL "
            f"{b['seconds']:.3f} s (CPU {b['cpu']:.3f} s): {walls[-1]:.2f}× wall, "
            f"{cpus[-1]:.2f}× CPU (load average {load:.2f})",
            flush=True,
        )
    walls.sort()
    cpus.sort()
    print(
        f"  report / report SQL in {n} pairs: median {walls[n // 2]:.2f}× wall "
        f"(worst {walls[-1]:.2f}×), median {cpus[n // 2]:.2f}× CPU (worst {cpus[-1]:.2f}×)"
    )


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
            print(f"  load average {os.getloadavg()[0]:.2f}", flush=True)
            for what in WHAT:
                m = measured[n][what] = _run(what, path)
                extra = f", {int(m['compared'])} values equal" if m["compared"] else ""
                print(
                    f"  {what:<14} {m['seconds']:8.3f} s (CPU {m['cpu']:7.3f} s)  "
                    f"peak RSS {m['peak_mb']:7.1f} MB{extra}",
                    flush=True,
                )
            for what, base in (
                ("report", "report SQL"),
                ("report", OLD_SQL),
                ("audit", "audit SQL"),
            ):
                a, b = measured[n][what], measured[n][base]
                print(
                    f"  {what} / {base}: {a['seconds'] / b['seconds']:.2f}× wall, "
                    f"{a['cpu'] / b['cpu']:.2f}× CPU (target ≤ {TIME_TARGET}× vs the "
                    f"{'report' if what == 'report' else 'audit'} SQL)"
                )
            _pairs(path)
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
