"""A month's KPI set over a warehouse file: 5M performance rows and 1M leads (at scale 1).

Two measurements, in one run:

1. **Time.** ``Dataset.from_duckdb`` queries the file where it lies; partnerkit
   computes the month's KPI set (every KPI of the catalogue, this month and the month
   before, for the whole account and by source — ``compute_kpis`` as the report calls
   it). The baseline is the same computation written by hand in DuckDB SQL
   (``bench_kpis.baseline``) over a plain read-only connection to the same file. Both
   must give the same numbers. Target: partnerkit within 1.5× of the baseline.
2. **Memory.** The same KPI set, each size in its own subprocess, on a warehouse of
   1M and of 5M performance rows (leads and deals in proportion); the peak RSS of the
   child (Linux ``VmHWM``). Target: the 5M peak within 1.2× of the 1M peak — memory does
   not grow with the warehouse. Each child also reports its DuckDB memory budget at
   the end: 64 MB unless a query outgrew it (``grows_memory`` quadruples it).
3. **Memory with shared keys.** The generated leads share no email or phone, so the
   ``people`` KPI's matching has nothing to join. The same two warehouses again, with
   every lead's email shared with one other lead and most phones with three more
   (chains of a few leads: every lead is a candidate for matching); the same target.

The warehouse files hold the record tables with the records' exact column types,
generated in DuckDB (``bench_kpis.selects``), in a temporary folder.

    uv run python benchmarks/run.py warehouse                # 5M rows (and 1M)
    uv run python benchmarks/run.py warehouse --scale 0.05   # 250k rows (and 50k)
"""

from __future__ import annotations

import importlib.util
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

PERFORMANCE_ROWS = 5_000_000
LEADS = 1_000_000
DEALS = 100_000
SMALL = 5  # the memory comparison's small warehouse is this many times smaller
TIME_TARGET = 1.5
MEMORY_TARGET = 1.2
REPEAT = 3
HERE = Path(__file__).resolve().parent


def _kpis() -> ModuleType:
    """``bench_kpis``: the data generator, the workspace, the hand-written baseline."""
    name = "bench_kpis"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, HERE / "bench_kpis.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def build(path: Path, n_perf: int, n_leads: int, n_deals: int) -> None:
    """Write a warehouse file: one table per record kind, typed as the records are."""
    import duckdb

    from partnerkit.records import arrow_schema

    con = duckdb.connect(str(path))
    try:
        con.execute("SET TimeZone = 'UTC'")
        for kind, query in _kpis().selects(n_perf, n_leads, n_deals).items():
            con.register("empty", arrow_schema(kind).empty_table())
            con.execute(f'CREATE TABLE "{kind}" AS SELECT * FROM empty')
            con.unregister("empty")
            con.execute(f'INSERT INTO "{kind}" BY NAME {query}')
        con.execute("CHECKPOINT")
    finally:
        con.close()


def _workspace() -> Any:
    from partnerkit.model import Workspace

    return Workspace.model_validate(_kpis().WORKSPACE)


def _time(path: Path) -> None:
    import duckdb

    from partnerkit.analysis import Dataset

    kpis = _kpis()
    ws = _workspace()
    plain = duckdb.connect(str(path), read_only=True)
    try:
        with Dataset.from_duckdb(path) as data:
            repeat = REPEAT if data.row_count("performance") >= 100_000 else 1
            base_time, base, pk_time, (whole, by_source) = kpis._race(
                lambda: kpis.baseline(SimpleNamespace(connection=plain)),
                lambda: kpis.partnerkit(data, ws),
                repeat,
            )
    finally:
        plain.close()
    compared = kpis.check(whole, by_source, base)
    ratio = pk_time / base_time
    verdict = "ok" if ratio <= TIME_TARGET else "ABOVE TARGET"
    print(f"  hand-written DuckDB SQL over the file: {base_time:.3f} s (best of {repeat})")
    print(f"  partnerkit compute_kpis over the file:  {pk_time:.3f} s (best of {repeat})")
    print(f"  {compared} KPI values compared, all equal")
    print(f"time partnerkit / hand-written = {ratio:.2f}× (target ≤ {TIME_TARGET}×): {verdict}")


def _memory(path: Path) -> dict[str, float]:
    """Run the KPI set over ``path`` in a fresh process; its peak RSS and time."""
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the child run over {path} failed: {done.stderr[-2000:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _child(path: Path) -> None:
    from partnerkit.analysis import Dataset
    from partnerkit.analysis.kpis import compute_kpis  # imported before the clock starts

    assert compute_kpis is not None
    ws = _workspace()
    started = time.perf_counter()
    with Dataset.from_duckdb(path) as data:
        _kpis().partnerkit(data, ws)
        seconds = time.perf_counter() - started
        budget = data.sql("SELECT current_setting('memory_limit') AS b").column("b")[0].as_py()
    print(json.dumps({"peak_mb": _peak_mb(), "seconds": seconds, "budget": budget}))


def share_keys(source: Path, target: Path) -> None:
    """Copy a warehouse file, giving its leads shared emails and phones.

    Lead ``i`` of ``n`` shares its email with lead ``i ± n/2``, and its phone (four in
    five leads have one) with the other leads of ``i // 4``: small chains of people.
    """
    import shutil

    import duckdb

    shutil.copyfile(source, target)
    con = duckdb.connect(str(target))
    try:
        n = con.execute('SELECT count(*) FROM "lead"').fetchall()[0][0]
        i = "CAST(substr(lead_id, 2) AS BIGINT)"
        con.execute(
            f"UPDATE \"lead\" SET email_hash = md5('e' || ({i} % {max(n // 2, 1)})), "
            f"phone_hash = CASE WHEN {i} % 5 = 0 THEN NULL ELSE md5('p' || ({i} // 4)) END"
        )
        con.execute("CHECKPOINT")
    finally:
        con.close()


def _compare(title: str, measured: dict[str, dict[str, Any]], rows: dict[str, int]) -> None:
    print(title)
    for label in ("small", "large"):
        m = measured[label]
        print(
            f"  {rows[label]:>10,} rows: peak RSS {m['peak_mb']:7.1f} MB, KPI set "
            f"{m['seconds']:.2f} s (fresh process), DuckDB budget at the end {m['budget']}"
        )
    ratio = measured["large"]["peak_mb"] / measured["small"]["peak_mb"]
    verdict = "ok" if ratio <= MEMORY_TARGET else "ABOVE TARGET"
    print(
        f"peak RSS {rows['large']:,} / {rows['small']:,} rows = {ratio:.2f}× "
        f"(target ≤ {MEMORY_TARGET}×): {verdict}"
    )


def _peak_mb() -> float:
    """This process's peak RSS in MB.

    Linux's ``VmHWM``: ``getrusage``'s ``ru_maxrss`` survives ``exec`` and would report
    the parent's size at the fork.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(scale: float) -> None:
    large = (
        max(int(PERFORMANCE_ROWS * scale), 5_000),
        max(int(LEADS * scale), 1_000),
        max(int(DEALS * scale), 100),
    )
    small = (large[0] // SMALL, large[1] // SMALL, large[2] // SMALL)
    with tempfile.TemporaryDirectory(prefix="partnerkit-bench-") as tmp:
        files = {}
        for label, (n_perf, n_leads, n_deals) in (("small", small), ("large", large)):
            path = Path(tmp) / f"{label}.duckdb"
            started = time.perf_counter()
            build(path, n_perf, n_leads, n_deals)
            size_mb = path.stat().st_size / 2**20
            print(
                f"warehouse {label}: {n_perf:,} performance rows, {n_leads:,} leads, "
                f"{n_deals:,} deals ({size_mb:.0f} MB, built in "
                f"{time.perf_counter() - started:.1f} s)",
                flush=True,
            )
            files[label] = path
        print(f"the month's KPI set on the large warehouse ({large[0]:,} rows):", flush=True)
        _time(files["large"])
        rows = {"small": small[0], "large": large[0]}
        measured = {label: _memory(path) for label, path in files.items()}
        _compare("memory, each size in a fresh process:", measured, rows)
        for label, path in files.items():
            share_keys(path, path.with_name(f"{label}-shared.duckdb"))
            path.unlink()
        shared = {
            label: _memory(path.with_name(f"{label}-shared.duckdb"))
            for label, path in files.items()
        }
        _compare("memory, every lead sharing a key with others:", shared, rows)


if __name__ == "__main__" and sys.argv[1:2] == ["--child"]:
    _child(Path(sys.argv[2]))
