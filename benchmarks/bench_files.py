"""The files connector: a plain CSV into Arrow, partnerkit against pyarrow.csv and DuckDB.

``uv run python benchmarks/run.py files`` (``--scale 0.1`` for a quick look).

One CSV of ``ROWS`` daily performance rows (day, campaign id and name, spend with
cents, impressions, clicks, conversions; plain ``1234.56`` numbers, no quotes) is
written once, then read in the same run by:

* partnerkit, the connector's pages: ``FilesConnector.read()``, every cell parsed and
  checked (dates, exact money, counts not negative), Arrow pages out;
* partnerkit, the stream: ``connector.stream(...).to_arrow()``, the pages checked
  against the performance schema and each ``record_id`` computed: what a user gets;
* partnerkit's pages again on the same rows with every campaign name in quotes (the
  quoted lines are checked before pyarrow cuts them);
* ``pyarrow.csv.read_csv`` (types inferred, threads on: its defaults);
* DuckDB's ``read_csv`` into an Arrow table (``to_arrow_table()``).

Each is run ``REPEAT`` times and its best time counts. Times are CPU time
(``time.process_time``: every thread of the process, so pyarrow's and DuckDB's
threads count as work too), so that other load on a shared machine does not skew one
side; wall times are printed beside them. The target (issue 20) is the connector
within 5x of pyarrow.csv's time, aiming for 2x.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import platform
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROWS = 500_000
REPEAT = 5
CAMPAIGNS = 40


def write_csv(path: Path, rows: int, *, quoted: bool = False) -> None:
    """A plain daily performance export: one row per campaign and day.

    With ``quoted``, every text cell is in quotes, as some exports write them.
    """
    rng = random.Random(20)
    start = dt.date(2025, 1, 1)
    names = [f"Campaign {i:02d} - Brand" for i in range(CAMPAIGNS)]
    if quoted:
        names = [f'"{name}"' for name in names]
    lines = ["day,campaign_id,campaign,spend,impressions,clicks,conversions\n"]
    for i in range(rows):
        c = i % CAMPAIGNS
        day = start + dt.timedelta(days=i // CAMPAIGNS % 730)
        impressions = rng.randrange(100, 200_000)
        clicks = impressions // rng.randrange(20, 200)
        spend = f"{rng.randrange(0, 5_000_000) / 100:.2f}"
        conversions = f"{clicks / rng.randrange(5, 50):.1f}"
        lines.append(f"{day},{1000 + c},{names[c]},{spend},{impressions},{clicks},{conversions}\n")
    path.write_text("".join(lines), encoding="utf-8")


def connector(folder: Path, name: str = "performance.csv") -> Any:
    from partnerkit_files import FilesConnector

    return FilesConnector(
        {
            "base_dir": folder,
            "files": [
                {
                    "path": name,
                    "stream": "performance",
                    "columns": {
                        "date": "day",
                        "campaign_id": "campaign_id",
                        "campaign_name": "campaign",
                        "spend": "spend",
                        "impressions": "impressions",
                        "clicks": "clicks",
                        "conversions": "conversions",
                    },
                    "constants": {
                        "platform": "sheet",
                        "account_id": "a1",
                        "currency": "EUR",
                        "level": "campaign",
                    },
                }
            ],
        }
    )


def best(run: Callable[[], int]) -> tuple[float, float, int]:
    """The best CPU and wall times of ``REPEAT`` runs, and the rows the run returned."""
    cpu, wall = [], []
    rows = 0
    for _ in range(REPEAT):
        gc.collect()
        started, started_cpu = time.perf_counter(), time.process_time()
        rows = run()
        cpu.append(time.process_time() - started_cpu)
        wall.append(time.perf_counter() - started)
    return min(cpu), min(wall), rows


def main(scale: float) -> None:
    import duckdb
    import pyarrow as pa
    import pyarrow.csv as pcsv

    from partnerkit.connector import ReadRequest

    rows = max(1000, int(ROWS * scale))
    print(f"python {sys.version.split()[0]}, pyarrow {pa.__version__}, duckdb {duckdb.__version__}")
    machine = f"{platform.machine()}, {platform.system()}, {os.cpu_count()} CPUs"
    print(f"{machine}; best of {REPEAT} runs")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "performance.csv"
        write_csv(path, rows)
        size = path.stat().st_size / 2**20
        write_csv(folder / "quoted.csv", rows, quoted=True)
        print(f"{rows:,} rows, {size:.1f} MiB CSV\n")

        def pages() -> int:
            items = connector(folder).read(ReadRequest(stream="performance"))
            return sum(item.num_rows for item in items if isinstance(item, pa.Table))

        def quoted_pages() -> int:
            items = connector(folder, "quoted.csv").read(ReadRequest(stream="performance"))
            return sum(item.num_rows for item in items if isinstance(item, pa.Table))

        def stream() -> int:
            return int(connector(folder).stream(stream="performance").to_arrow().num_rows)

        def arrow_csv() -> int:
            return int(pcsv.read_csv(path).num_rows)

        def duckdb_csv() -> int:
            with duckdb.connect() as con:
                table = con.sql(f"SELECT * FROM read_csv('{path}')").to_arrow_table()
                return int(table.num_rows)

        measured: dict[str, float] = {}
        walls: dict[str, float] = {}
        for label, run in (
            ("pyarrow.csv.read_csv", arrow_csv),
            ("duckdb read_csv", duckdb_csv),
            ("partnerkit files: read() pages", pages),
            ("partnerkit files: stream().to_arrow()", stream),
            ("partnerkit files: read(), names quoted", quoted_pages),
        ):
            seconds, wall, got = best(run)
            assert got == rows, (label, got, rows)
            measured[label] = seconds
            walls[label] = wall
        base = measured["pyarrow.csv.read_csv"]
        print(
            f"{'reader':40} {'CPU s':>7} {'rows/s':>11} {'× pyarrow':>10} {'× duckdb':>9} "
            f"{'wall s':>7}"
        )
        for label, seconds in measured.items():
            print(
                f"{label:40} {seconds:7.3f} {rows / seconds:11,.0f} {seconds / base:10.2f} "
                f"{seconds / measured['duckdb read_csv']:9.2f} {walls[label]:7.3f}"
            )
        for label in ("partnerkit files: read() pages", "partnerkit files: stream().to_arrow()"):
            ratio = measured[label] / base
            verdict = "met" if ratio <= 5 else "NOT met"
            print(f"target for {label}: within 5× of pyarrow.csv (aim 2×): {ratio:.2f}×, {verdict}")
