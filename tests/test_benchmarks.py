"""Every benchmark runs (at a tiny scale): they are code too and must not rot."""

import importlib.util
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
NAMES = sorted(p.stem for p in BENCHMARKS.glob("bench_*.py"))


@pytest.mark.parametrize("name", NAMES or ["none"])
def test_benchmark_runs_at_tiny_scale(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    if name == "none":
        pytest.skip("no benchmark yet")
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(0.001)
    out = capsys.readouterr().out
    optional = getattr(module, "OPTIONAL_BASELINES", ())
    if optional and not any(importlib.util.find_spec(name) for name in optional):
        # its baselines are optional packages, none installed here: it says so
        assert "not installed" in out
        return
    assert "×" in out, "a benchmark prints its ratio against the baseline"
