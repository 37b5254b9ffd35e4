"""The report's charts: partnerkit's hand-drawn SVG against the charting libraries.

``uv run python benchmarks/run.py charts`` times the hand-drawn charts alone. To compare
with the libraries the decision in docs/design-decisions.md ("Report charts") weighed,
run them in a throwaway environment beside the project's:

    uv run --with altair --with vl-convert-python --with matplotlib \\
        python benchmarks/run.py charts

Each draws the same horizontal bar chart (five labelled bars with their values, an axis
with units) to an SVG string; the time is per chart after a first, warm-up chart, and
the size is what the library and the packages only it needs take on disk.
"""

from __future__ import annotations

import importlib.metadata as md
import io
import time
import warnings
from collections.abc import Callable
from pathlib import Path

LABELS = ["Meta lead ads", "Google Ads search", "Organic search", "גוגל", "โฆษณา"]
VALUES = [112.19, 187.65, 0.0, 90.5, 120.0]
RUNS = 20


def _installed_mb(*names: str) -> float:
    total = 0
    for name in names:
        try:
            dist = md.distribution(name)
        except md.PackageNotFoundError:
            continue
        for f in dist.files or ():
            path = Path(str(dist.locate_file(f)))
            if path.is_file():
                total += path.stat().st_size
    return total / 1e6


def _time(draw: Callable[[], str]) -> tuple[float, float, int]:
    started = time.perf_counter()
    svg = draw()
    first = time.perf_counter() - started
    started = time.perf_counter()
    for _ in range(RUNS):
        svg = draw()
    return first, (time.perf_counter() - started) / RUNS, len(svg)


def _hand_drawn() -> Callable[[], str]:
    from partnerkit.report._charts import Bar, bar_chart

    bars = [
        Bar(label, v, f"₪{v:,.0f}", f"₪{v:,.2f}") for label, v in zip(LABELS, VALUES, strict=True)
    ]

    def draw() -> str:
        return bar_chart("cpl", "Cost per lead", bars, tick=lambda v: f"₪{v:,.0f}", alt="").svg

    return draw


def _altair() -> Callable[[], str]:
    import altair as alt
    import vl_convert as vlc

    data = [{"label": label, "value": v} for label, v in zip(LABELS, VALUES, strict=True)]

    def draw() -> str:
        base = alt.Chart(alt.Data(values=data)).encode(
            y=alt.Y("label:N", title=None), x=alt.X("value:Q", title="₪")
        )
        chart = (
            base.mark_bar() + base.mark_text(align="left", dx=4).encode(text="value:Q")
        ).properties(width=360)
        return str(vlc.vegalite_to_svg(chart.to_json()))

    return draw


def _matplotlib() -> Callable[[], str]:
    import matplotlib as mpl

    mpl.use("svg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.fonttype"] = "none"  # text as <text>, not paths: readable, searchable

    def draw() -> str:
        fig, ax = plt.subplots(figsize=(4.8, 2.4))
        bars = ax.barh(LABELS, VALUES)
        ax.bar_label(bars, labels=[f"₪{v:,.0f}" for v in VALUES])
        ax.set_xlabel("₪")
        out = io.StringIO()
        fig.savefig(out, format="svg")
        plt.close(fig)
        return out.getvalue()

    return draw


CANDIDATES: dict[str, tuple[Callable[[], Callable[[], str]], tuple[str, ...]]] = {
    "hand-drawn (partnerkit)": (_hand_drawn, ()),
    "vega-altair + vl-convert": (
        _altair,
        ("altair", "vl-convert-python", "narwhals", "jsonschema", "jsonschema-specifications",
         "referencing", "rpds-py", "jinja2", "markupsafe", "attrs"),
    ),
    "matplotlib (svg backend)": (
        _matplotlib,
        ("matplotlib", "numpy", "pillow", "fonttools", "kiwisolver", "contourpy", "cycler",
         "pyparsing", "python-dateutil"),
    ),
}  # fmt: skip


#: The baselines are optional packages, not the project's dependencies: without them the
#: benchmark times the hand-drawn charts alone and says so (tests/test_benchmarks.py).
OPTIONAL_BASELINES = ("altair", "vl_convert", "matplotlib")


def main(scale: float) -> None:
    """Time each charting route that is installed; ``scale`` is not used."""
    del scale
    print(
        f"{'route':28} {'import':>8} {'first':>8} {'per chart':>10} {'svg':>8} {'on disk':>9}"
        f" {'vs hand-drawn':>14}"
    )
    ours: float | None = None
    for name, (setup, packages) in CANDIDATES.items():
        started = time.perf_counter()
        try:
            draw = setup()
        except ImportError:
            print(f"{name:28} not installed (see this file's docstring to compare)")
            continue
        imported = time.perf_counter() - started
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            first, each, size = _time(draw)
        ours = each if ours is None else ours
        print(
            f"{name:28} {imported:7.2f}s {first:7.3f}s {each * 1000:8.2f}ms {size:7,}B "
            f"{_installed_mb(*packages):7.0f}MB {each / ours:12.1f}×"
        )
        for message in sorted({str(w.message) for w in caught})[:3]:
            print(f"    warning: {message}")
