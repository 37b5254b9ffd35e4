"""Benchmark: sync a plain CSV into a fresh warehouse, beside DuckDB's own load of the file.

A plain 500,000-row performance CSV (ISO dates, dot decimals, one row per campaign and
day) is generated once. In the same run, each into a fresh warehouse file:

* **DuckDB** — ``CREATE TABLE performance AS SELECT * FROM read_csv(file)`` on a fresh
  DuckDB file: the baseline, DuckDB loading the file on its own.
* **DuckDB, file's columns** — DuckDB writing the file's own eight columns (typed as
  the records type them) from Arrow pages made beforehand: the file's rows without the
  warehouse's layout.
* **DuckDB, record rows** — DuckDB writing the same rows laid out as the warehouse keeps
  them (every column of the performance schema, the ones no row fills virtual,
  ``record_id``, provenance) from an Arrow table made beforehand: what writing the
  warehouse's layout costs DuckDB alone.
* **sync, files connector** — ``partnerkit.store.sync`` of a workspace whose ``files``
  connection maps the CSV's columns: read, checked, ``record_id``, staged and merged
  with the cursor, exactly what ``partnerkit sync`` does (without interpreter start-up).
* **sync, Arrow pages** — the same rows from an in-memory connector that yields Arrow
  pages (read from the file before the clock starts): the sync's own cost, without the
  connector's parsing.
* **sync, record dicts** — the same rows yielded as record dicts (the row-by-row
  connectors' shape): the stream's conversion to Arrow, page by page, plus the sync.
* **partnerkit sync (CLI)** — the command itself in a fresh process, start-up included.

Each is timed until its file is closed, best of ``REPEATS`` runs, on the wall clock and
in CPU seconds (every thread's; the machine's other work inflates wall time, not CPU
time, so the CPU ratio is the steadier one on a shared machine); the rows in the
warehouse and their clicks are checked against DuckDB's table. Targets (issue 20): the
files sync at least 100,000 rows/s, and within 3× of DuckDB's load.

    uv run python benchmarks/run.py sync_file              # 500,000 rows
    uv run python benchmarks/run.py sync_file --scale 0.1  # 50,000 rows
"""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

ROWS = 500_000
CAMPAIGNS = 1_000  # rows per day
REPEATS = 2
TARGET_RATE = 100_000
TARGET_RATIO = 3.0
HEADER = "date,campaign_id,campaign_name,spend,impressions,clicks,conversions,currency"
COLUMNS = {
    "date": "date",
    "campaign_id": "campaign_id",
    "campaign_name": "campaign_name",
    "spend": "spend",
    "impressions": "impressions",
    "clicks": "clicks",
    "conversions": "conversions",
    "currency": "currency",
}
CONSTANTS = {"platform": "linkedin", "account_id": "508934021", "level": "campaign"}

_PAGES: dict[str, Any] = {}  # what the in-memory connector yields, by mode


def main(scale: float) -> None:
    rows = max(200, int(ROWS * scale))
    with tempfile.TemporaryDirectory(prefix="partnerkit-bench-sync-") as tmp:
        folder = Path(tmp)
        csv = _write_csv(folder / "data" / "performance.csv", rows)
        size = csv.stat().st_size / 2**20
        print(f"sync of a {rows:,}-row CSV ({size:.1f} MB) into a fresh warehouse")
        duck, clicks = _best(lambda i: _duckdb_load(csv, folder / f"duck-{i}.duckdb"))
        results: list[tuple[str, Timing]] = [("DuckDB CREATE TABLE AS read_csv", duck)]
        workspace = _files_workspace(folder)
        _prepare_memory_pages(csv)
        plain, _ = _best(lambda i: _duckdb_file_columns(folder / f"plain-{i}.duckdb"))
        results.append(("DuckDB CREATE TABLE AS file's columns", plain))
        floor, _ = _best(lambda i: _duckdb_records(folder / f"floor-{i}.duckdb"))
        results.append(("DuckDB CREATE TABLE AS record rows", floor))
        runs = [
            ("sync, files connector", workspace, "files"),
            ("sync, Arrow pages", _memory_workspace("arrow"), "arrow"),
            ("sync, record dicts", _memory_workspace("dicts"), "dicts"),
        ]
        for label, ws, name in runs:
            timing, _ = _best(lambda i, ws=ws, name=name: _sync(ws, folder, name, i, rows))
            results.append((label, timing))
            _check(folder, name, rows, clicks)
        cli = _cli(folder)
        if cli is not None:
            results.append(("partnerkit sync (CLI, start-up included)", cli))
        width = max(len(label) for label, _ in results)
        print(
            f"  {'':<{width}} {'wall':>8}  {'rows/s':>9}  {'÷ DuckDB':>8}    {'CPU':>7}  ÷ DuckDB"
        )
        for label, t in results:
            print(
                f"  {label:<{width}} {t.wall:7.3f}s  {rows / t.wall:>9,.0f}  "
                f"{t.wall / duck.wall:7.2f}×    {t.cpu:6.2f}s  {t.cpu / duck.cpu:6.2f}×"
            )
        files = results[3][1]
        rate, ratio = rows / files.wall, files.wall / duck.wall
        print(
            f"files sync: {rate:,.0f} rows/s (target ≥ {TARGET_RATE:,}): "
            f"{'ok' if rate >= TARGET_RATE else 'BELOW TARGET'}; {ratio:.2f}× DuckDB's load "
            f"(target ≤ {TARGET_RATIO:g}×): {'ok' if ratio <= TARGET_RATIO else 'ABOVE TARGET'}"
            f"; CPU {files.cpu / duck.cpu:.2f}×"
        )
        arrow = results[4][1]
        print(
            f"sync alone (Arrow pages): {rows / arrow.wall:,.0f} rows/s, "
            f"{arrow.wall / duck.wall:.2f}× DuckDB's load of the file (CPU "
            f"{arrow.cpu / duck.cpu:.2f}×), {arrow.wall / floor.wall:.2f}× DuckDB's write of "
            f"the same rows in the warehouse's layout (CPU {arrow.cpu / floor.cpu:.2f}×)"
        )
        print(
            f"the warehouse's layout alone: DuckDB writes the record rows in "
            f"{floor.wall / plain.wall:.2f}× the time of the file's own columns from the same "
            f"Arrow pages (CPU {floor.cpu / plain.cpu:.2f}×)"
        )


class Timing(NamedTuple):
    """Wall-clock seconds, and CPU seconds of every thread (and child process)."""

    wall: float
    cpu: float


class _Clock:
    """Times a block: ``with _Clock() as clock: ...`` then ``clock.timing``."""

    def __enter__(self) -> _Clock:
        self._wall, self._cpu = time.perf_counter(), _cpu()
        return self

    def __exit__(self, *exc: object) -> None:
        self.timing = Timing(time.perf_counter() - self._wall, _cpu() - self._cpu)


def _cpu() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _best(run: Callable[[int], tuple[Timing, Any]]) -> tuple[Timing, Any]:
    """The fastest wall time and the least CPU time of ``REPEATS`` runs, and a value."""
    timings: list[Timing] = []
    value: Any = None
    for i in range(REPEATS):
        timing, value = run(i)
        timings.append(timing)
    return Timing(min(t.wall for t in timings), min(t.cpu for t in timings)), value


# ------------------------------------------------------------------------ the data


def _write_csv(path: Path, rows: int) -> Path:
    path.parent.mkdir(parents=True)
    first = dt.date(2020, 1, 1)
    days = [(first + dt.timedelta(days=d)).isoformat() for d in range(rows // CAMPAIGNS + 1)]
    names = [f"Campaign {c} | prospecting | broad" for c in range(CAMPAIGNS)]
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER + "\n")
        out.writelines(
            f"{days[i // CAMPAIGNS]},{i % CAMPAIGNS},{names[i % CAMPAIGNS]},"
            f"{i % CAMPAIGNS}.{i % 100:02d},{1000 + i % 997},{10 + i % 50},{i % 7},EUR\n"
            for i in range(rows)
        )
    return path


def _duckdb_load(csv: Path, path: Path) -> tuple[Timing, int]:
    import duckdb

    con = duckdb.connect(str(path))
    try:
        with _Clock() as clock:
            con.execute(f"CREATE TABLE performance AS SELECT * FROM read_csv('{csv}')")
            con.close()  # the sync's time includes closing its file too
        con = duckdb.connect(str(path), read_only=True)
        found = con.execute("SELECT sum(clicks) FROM performance").fetchall()
    finally:
        con.close()
    return clock.timing, int(found[0][0])


def _duckdb_file_columns(path: Path) -> tuple[Timing, None]:
    """DuckDB writing the file's own columns, typed as the records type them, from Arrow.

    The Arrow pages the in-memory connector yields, less the constant columns the files
    connection adds: the file's eight columns only, no ``record_id``, no provenance.
    Beside :func:`_duckdb_records` it shows what the warehouse's layout costs DuckDB.
    """
    import duckdb
    import pyarrow as pa

    table = pa.Table.from_batches(_PAGES["arrow"]).select(list(COLUMNS))
    con = duckdb.connect(str(path))
    try:
        con.register("rows", table)
        with _Clock() as clock:
            con.execute("CREATE TABLE performance AS SELECT * FROM rows")
            con.close()
    finally:
        con.close()
    return clock.timing, None


def _duckdb_records(path: Path) -> tuple[Timing, None]:
    """DuckDB writing the rows as the warehouse lays them out, from Arrow: the floor.

    The same rows as the file, in the performance record's schema (every column of
    the schema, ``record_id`` computed beforehand; as in the warehouse, the columns no
    row fills are virtual: typed nulls, nothing stored), plus the provenance columns:
    what any sync must write, without reading, checking or merging anything.
    """
    import duckdb
    import pyarrow as pa

    from partnerkit._columnar import conform
    from partnerkit.records import RecordKind

    records = pa.concat_tables(
        conform(RecordKind.PERFORMANCE, page, "bench", 0) for page in _PAGES["arrow"]
    )
    con = duckdb.connect(str(path))
    try:
        con.register("records", records)
        with _Clock() as clock:
            described = con.execute("DESCRIBE SELECT * FROM records").fetchall()
            rows = records.num_rows
            filled = [n for n in records.column_names if records.column(n).null_count < rows]
            virtual = "GENERATED ALWAYS AS (CAST(NULL AS {0})) VIRTUAL"
            columns = [
                f'"{name}" {sql_type} {"" if name in filled else virtual.format(sql_type)}'
                for name, sql_type, *_ in described
            ]
            provenance = "_connection VARCHAR, _stream VARCHAR, _account VARCHAR, "
            provenance += "_synced_at TIMESTAMP WITH TIME ZONE"
            con.execute(f"CREATE TABLE performance ({', '.join(columns)}, {provenance})")
            select = ", ".join(f'"{name}"' for name in filled)
            con.execute(
                f"INSERT INTO performance BY NAME SELECT {select}, 'bench' AS _connection, "
                "'performance' AS _stream, '' AS _account, now() AS _synced_at FROM records"
            )
            con.close()
    finally:
        con.close()
    return clock.timing, None


def _prepare_memory_pages(csv: Path) -> None:
    """The file as Arrow pages and as record dicts in the record schema (not timed)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv

    from partnerkit.records import RecordKind, arrow_schema

    schema = arrow_schema(RecordKind.PERFORMANCE)
    types = {"campaign_id": pa.string(), "spend": schema.field("spend").type}
    table = pcsv.read_csv(csv, convert_options=pcsv.ConvertOptions(column_types=types))
    columns = {
        name: table.column(name).cast(schema.field(name).type)
        for name in COLUMNS
        if name != "conversions"
    }
    columns["conversions"] = pc.cast(table.column("conversions"), pa.float64())
    for name, value in CONSTANTS.items():
        columns[name] = pa.repeat(value, table.num_rows)
    table = pa.table(columns)
    _PAGES["arrow"] = table.to_batches(max_chunksize=65_536)
    _PAGES["dicts"] = {name: table.column(name).to_pylist() for name in table.column_names}


# ------------------------------------------------------------------- the workspaces


def _files_settings(folder: Path) -> dict[str, Any]:
    return {
        "base_dir": str(folder / "data"),
        "files": [
            {
                "path": "performance.csv",
                "stream": "performance",
                "columns": COLUMNS,
                "constants": CONSTANTS,
            }
        ],
    }


def _workspace(folder: Path, connector: str, settings: dict[str, Any]) -> Any:
    from partnerkit.model import Workspace

    return Workspace.model_validate(
        {
            "name": "Benchmark",
            "currency": "EUR",
            "timezone": "Europe/Rome",
            "connections": [{"name": "bench", "connector": connector, "settings": settings}],
        },
        context={"root": str(folder)},
    )


def _files_workspace(folder: Path) -> Any:
    return _workspace(folder, "files", _files_settings(folder))


def _memory_workspace(mode: str) -> Any:
    from pydantic_settings import SettingsConfigDict

    from partnerkit.connector import Connector, ConnectorSettings, ReadRequest, StreamSpec
    from partnerkit.records import RecordKind
    from partnerkit.registry import register_connector

    class MemorySettings(ConnectorSettings):
        model_config = SettingsConfigDict(env_prefix="PARTNERKIT_BENCH_MEMORY_")
        mode: str = "arrow"

    class Memory(Connector[MemorySettings]):
        name = "bench_memory"
        settings_class = MemorySettings
        streams = (StreamSpec(name="performance", kind=RecordKind.PERFORMANCE),)

        def read(self, request: ReadRequest) -> Iterator[Any]:
            if self.settings.mode == "arrow":
                yield from _PAGES["arrow"]
                return
            columns: dict[str, list[Any]] = _PAGES["dicts"]
            names = list(columns)
            for values in zip(*columns.values(), strict=True):
                yield dict(zip(names, values, strict=True))

    register_connector(Memory, replace=True)
    return _workspace(Path(tempfile.gettempdir()), "bench_memory", {"mode": mode})


# ------------------------------------------------------------------------ the syncs


def _sync(workspace: Any, folder: Path, name: str, run: int, rows: int) -> tuple[Timing, None]:
    from partnerkit.store import sync

    path = folder / f"{name}-{run}.duckdb"
    with _Clock() as clock:
        result = sync(workspace, path, as_of=dt.date(2100, 1, 1))
    if not result.ok or result.rows != rows:
        raise SystemExit(f"the sync into {path.name} failed: {result.failed}")
    return clock.timing, None


def _check(folder: Path, name: str, rows: int, clicks: int) -> None:
    """Every run of ``name`` left the file's rows and clicks in its warehouse."""
    from partnerkit.store import Warehouse

    for i in range(REPEATS):
        path = folder / f"{name}-{i}.duckdb"
        with Warehouse(path, read_only=True) as wh:
            got = wh.sql("SELECT count(*) AS n, sum(clicks) AS c FROM performance").to_pylist()
        if got != [{"n": rows, "c": clicks}]:
            raise SystemExit(f"{name}: the warehouse holds {got}, not {rows} rows, {clicks} clicks")
        path.unlink()


def _cli(folder: Path) -> Timing | None:
    """``partnerkit sync`` in a fresh process (None when the command is not installed)."""
    exe = shutil.which("partnerkit", path=str(Path(sys.executable).parent))
    if exe is None:
        return None
    config = folder / "partnerkit.yaml"
    config.write_text(
        json.dumps(
            {
                "name": "Benchmark",
                "currency": "EUR",
                "timezone": "Europe/Rome",
                "connections": [
                    {"name": "bench", "connector": "files", "settings": _files_settings(folder)}
                ],
            }
        ),
        encoding="utf-8",
    )
    path = folder / "cli.duckdb"
    env = {**os.environ, "PARTNERKIT_WAREHOUSE": str(path)}
    with _Clock() as clock:
        done = subprocess.run(
            [exe, "sync", "--config", str(config), "--quiet"],
            env=env,
            capture_output=True,
            text=True,
        )
    if done.returncode != 0:
        raise SystemExit(f"partnerkit sync failed ({done.returncode}): {done.stderr[-2000:]}")
    return clock.timing


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 1.0)
