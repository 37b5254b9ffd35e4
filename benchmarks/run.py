"""Run partnerkit's benchmarks: ``uv run python benchmarks/run.py [name ...]``.

Each ``benchmarks/bench_<name>.py`` has a ``main(scale: float) -> None`` that measures
partnerkit against a baseline in the same run and prints the ratio. ``--scale`` shrinks
the data for a quick look (``--scale 0.1``); the documented targets are at scale 1.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def discover() -> dict[str, Path]:
    """Find the benchmark modules by name."""
    return {p.stem.removeprefix("bench_"): p for p in sorted(HERE.glob("bench_*.py"))}


def main(argv: list[str] | None = None) -> int:
    """Run the named benchmarks (all by default)."""
    found = discover()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="*", help=f"benchmarks to run: {', '.join(found)}")
    parser.add_argument("--scale", type=float, default=1.0, help="data size factor (default 1)")
    args = parser.parse_args(argv)
    unknown = set(args.names) - set(found)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}; have {', '.join(found)}")
    for name in args.names or list(found):
        spec = importlib.util.spec_from_file_location(f"bench_{name}", found[name])
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
        print(f"\n=== {name} (scale {args.scale})", flush=True)
        started = time.perf_counter()
        module.main(args.scale)
        print(f"--- {name} took {time.perf_counter() - started:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
