"""Benchmark 2: a sync streams — peak RSS of 1M vs 10M rows into DuckDB differs by < 20%.

Each size runs in its own subprocess: a synthetic in-process connector yields
performance records (one account, 1,000 campaigns a day, every column a platform
connector fills), and ``partnerkit.store.sync`` merges them into a fresh warehouse
exactly as ``partnerkit sync`` does: validated pages, Arrow batches, staging, one
merge transaction with the cursor. The child reports its peak RSS
(``getrusage(RUSAGE_SELF).ru_maxrss``); the parent also samples the child's RSS with
psutil. The ratio large / small is the result; the target is below 1.2×.

    uv run python benchmarks/run.py sync_memory              # 1M vs 10M rows
    uv run python benchmarks/run.py sync_memory --scale 0.1  # 100k vs 1M rows
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

TARGET = 1.2
CAMPAIGNS = 1_000  # rows per day


def main(scale: float) -> None:
    small = max(2_000, int(1_000_000 * scale))
    sizes = (small, small * 10)
    print(f"sync of {sizes[0]:,} vs {sizes[1]:,} synthetic performance rows into DuckDB")
    measured = [_measure(rows) for rows in sizes]
    for rows, m in zip(sizes, measured, strict=True):
        print(
            f"  {rows:>12,} rows: peak RSS {m['peak_mb']:7.1f} MB "
            f"(psutil {m['psutil_mb']:7.1f} MB; {m['baseline_mb']:.1f} MB at start), "
            f"{m['seconds']:6.1f} s, "
            f"{rows / m['seconds']:,.0f} rows/s, warehouse {m['file_mb']:.0f} MB"
        )
    ratio = measured[1]["peak_mb"] / measured[0]["peak_mb"]
    verdict = "ok" if ratio < TARGET else "ABOVE TARGET"
    print(
        f"peak RSS {sizes[1]:,} / {sizes[0]:,} rows = {ratio:.2f}× (target < {TARGET}×): {verdict}"
    )


def _measure(rows: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="partnerkit-bench-") as tmp:
        proc = subprocess.Popen(
            [sys.executable, __file__, "--child", str(rows), tmp],
            stdout=subprocess.PIPE,
            text=True,
        )
        peak = _sample_rss(proc)
        out, _ = proc.communicate()
        if proc.returncode != 0:
            raise RuntimeError(f"the child sync of {rows} rows failed ({proc.returncode})")
        result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
        result["psutil_mb"] = peak / 2**20
        return result


def _sample_rss(proc: subprocess.Popen[str]) -> int:
    import psutil

    peak = 0
    try:
        child = psutil.Process(proc.pid)
        while proc.poll() is None:
            peak = max(peak, child.memory_info().rss)
            time.sleep(0.05)
    except psutil.NoSuchProcess:
        pass
    return peak


# ------------------------------------------------------------------------ the child


def _child(rows: int, folder: str) -> None:
    import resource

    from pydantic_settings import SettingsConfigDict

    from partnerkit.connector import Connector, ConnectorSettings, ReadRequest, StreamSpec
    from partnerkit.model import Workspace
    from partnerkit.records import RecordKind
    from partnerkit.registry import register_connector
    from partnerkit.store import Warehouse, sync

    class SynthSettings(ConnectorSettings):
        model_config = SettingsConfigDict(env_prefix="PARTNERKIT_BENCH_")
        rows: int = 0

    class Synth(Connector[SynthSettings]):
        name = "bench_synth"
        settings_class = SynthSettings
        streams = (StreamSpec(name="daily", kind=RecordKind.PERFORMANCE),)

        def read(self, request: ReadRequest) -> Iterator[Any]:
            first = dt.date(2000, 1, 1)
            spend = [Decimal(f"{c}.25") for c in range(CAMPAIGNS)]
            names = [f"Campaign {c} | prospecting | broad" for c in range(CAMPAIGNS)]
            for i in range(self.settings.rows):
                c = i % CAMPAIGNS
                yield {
                    "date": first + dt.timedelta(days=i // CAMPAIGNS),
                    "platform": "meta",
                    "account_id": "act_1000000001",
                    "account_name": "Bench account",
                    "level": "campaign",
                    "campaign_id": f"2385{c:08d}",
                    "campaign_name": names[c],
                    "channel": "paid_social",
                    "currency": "EUR",
                    "timezone": "Europe/Rome",
                    "impressions": 1000 + c,
                    "reach": 800 + c,
                    "clicks": 10 + c % 50,
                    "link_clicks": 8 + c % 40,
                    "spend": spend[c],
                    "conversions": float(c % 7),
                    "conversion_value": spend[c],
                    "leads": float(c % 3),
                }

    register_connector(Synth)
    workspace = Workspace.model_validate(
        {
            "name": "Benchmark",
            "currency": "EUR",
            "timezone": "Europe/Rome",
            "connections": [
                {"name": "bench", "connector": "bench_synth", "settings": {"rows": rows}}
            ],
        },
        context={"root": folder},
    )
    path = Path(folder) / "warehouse.duckdb"
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    began = time.perf_counter()
    result = sync(workspace, path, as_of=dt.date(2100, 1, 1))
    seconds = time.perf_counter() - began
    if not result.ok or result.rows != rows:
        raise SystemExit(f"sync failed: {result.failed}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with Warehouse(path) as wh:
        stored = wh.sql("SELECT count(*) AS n FROM performance")["n"][0].as_py()
    if stored != rows:
        raise SystemExit(f"the warehouse holds {stored} rows, not {rows}")
    print(
        json.dumps(
            {
                "peak_mb": peak / 1024,
                "baseline_mb": baseline / 1024,
                "seconds": seconds,
                "file_mb": path.stat().st_size / 2**20,
            }
        )
    )


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        threading.current_thread().name = "bench-child"
        _child(int(sys.argv[2]), sys.argv[3])
    else:
        main(float(sys.argv[1]) if len(sys.argv) > 1 else 1.0)
