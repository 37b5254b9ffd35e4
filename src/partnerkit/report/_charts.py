"""Inline SVG charts, drawn in Python: no JavaScript, no fonts, no network.

Each function takes values already read from analysis results (floats for drawing,
formatted labels for reading) and returns an ``<svg>`` string that scales to its
container (``viewBox`` and ``width: 100%``). Drawing is always left to right, also
in a right-to-left report, so axes read the usual way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

__all__ = ["Bar", "bar_chart", "grouped_bars", "history_chart"]

_W = 640
_COLOURS = ("#2f6f9f", "#e08a2e", "#7aa95c", "#9c6ade")
_FONT = "font-family:system-ui,-apple-system,'Segoe UI',Arial,sans-serif"


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its length, and the text shown beside it."""

    label: str
    value: float
    text: str


def _open(key: str, title: str, height: int) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{escape(key)}" '
        f'data-chart="{escape(key)}" viewBox="0 0 {_W} {height}" role="img" '
        f'width="100%" preserveAspectRatio="xMidYMid meet" '
        f'style="direction:ltr;max-width:{_W}px;height:auto;{_FONT}">'
        f"<title>{escape(title)}</title>"
    )


def _label(x: float, y: float, text: str, anchor: str = "start", size: int = 12) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'fill="#222">{escape(text)}</text>'
    )


def bar_chart(
    key: str,
    title: str,
    bars: Sequence[Bar],
    *,
    reference: tuple[float, str] | None = None,
) -> str:
    """Horizontal bars with an optional reference line (a target).

    Args:
        key: The chart's key (its CSS class and ``data-chart``).
        title: The accessible title.
        bars: The bars, top to bottom.
        reference: A value and its label drawn as a dashed vertical line.

    Returns:
        The SVG.
    """
    row, top, left, right = 30, 10, 170, 120
    height = top + row * max(len(bars), 1) + (30 if reference else 10)
    peak = max([b.value for b in bars] + ([reference[0]] if reference else []) + [1e-9])
    scale = (_W - left - right) / peak
    parts = [_open(key, title, height)]
    for i, b in enumerate(bars):
        y = top + i * row
        width = max(b.value * scale, 0.0)
        parts.append(_label(left - 8, y + 18, b.label, "end"))
        parts.append(
            f'<rect x="{left}" y="{y + 5}" width="{width:.1f}" height="{row - 10}" '
            f'fill="{_COLOURS[0]}" rx="2"/>'
        )
        parts.append(_label(left + width + 6, y + 18, b.text))
    if reference is not None:
        x = left + reference[0] * scale
        bottom = top + row * len(bars)
        parts.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{bottom}" stroke="#c0392b" '
            f'stroke-width="2" stroke-dasharray="5 4"/>'
        )
        parts.append(_label(x, bottom + 16, reference[1], "middle", 11))
    parts.append("</svg>")
    return "".join(parts)


def grouped_bars(
    key: str,
    title: str,
    groups: Sequence[tuple[str, Sequence[Bar]]],
    legend: Sequence[str],
) -> str:
    """Horizontal grouped bars (planned, actual, projected per channel).

    Args:
        key: The chart's key.
        title: The accessible title.
        groups: ``(label, bars)`` per group; bars in legend order, ``label`` unused.
        legend: The series names.

    Returns:
        The SVG.
    """
    bar, gap, top, left, right = 14, 14, 30, 170, 130
    per = bar * len(legend) + gap
    height = top + per * max(len(groups), 1) + 4
    peak = max([b.value for _, bars in groups for b in bars] + [1e-9])
    scale = (_W - left - right) / peak
    parts = [_open(key, title, height)]
    for i, name in enumerate(legend):
        x = left + i * 120
        parts.append(f'<rect x="{x}" y="8" width="12" height="12" fill="{_COLOURS[i]}"/>')
        parts.append(_label(x + 16, 18, name, size=11))
    for g, (label, bars) in enumerate(groups):
        y0 = top + g * per
        parts.append(_label(left - 8, y0 + per / 2 + 2, label, "end"))
        for i, b in enumerate(bars):
            y = y0 + i * bar
            width = max(b.value * scale, 0.0)
            parts.append(
                f'<rect x="{left}" y="{y}" width="{width:.1f}" height="{bar - 2}" '
                f'fill="{_COLOURS[i % len(_COLOURS)]}"/>'
            )
            parts.append(_label(left + width + 4, y + 10, b.text, size=10))
    parts.append("</svg>")
    return "".join(parts)


def history_chart(
    key: str,
    title: str,
    months: Sequence[str],
    bars: Sequence[tuple[float, str]],
    line: Sequence[tuple[float, str]],
    legend: tuple[str, str],
) -> str:
    """Monthly bars (spend) with a line (leads) on its own scale.

    Args:
        key: The chart's key.
        title: The accessible title.
        months: Month labels, oldest first.
        bars: ``(value, text)`` per month for the bars.
        line: ``(value, text)`` per month for the line.
        legend: The names of the bar and line series.

    Returns:
        The SVG.
    """
    height, top, bottom, side = 260, 40, 40, 30
    plot_h = height - top - bottom
    n = max(len(months), 1)
    slot = (_W - 2 * side) / n
    bar_peak = max([v for v, _ in bars] + [1e-9])
    line_peak = max([v for v, _ in line] + [1e-9])
    parts = [_open(key, title, height)]
    parts.append(f'<rect x="{side}" y="10" width="12" height="12" fill="{_COLOURS[0]}"/>')
    parts.append(_label(side + 16, 20, legend[0], size=11))
    parts.append(
        f'<line x1="{side + 120}" y1="16" x2="{side + 140}" y2="16" '
        f'stroke="{_COLOURS[1]}" stroke-width="3"/>'
    )
    parts.append(_label(side + 146, 20, legend[1], size=11))
    base = height - bottom
    parts.append(f'<line x1="{side}" y1="{base}" x2="{_W - side}" y2="{base}" stroke="#999"/>')
    points = []
    for i, label in enumerate(months):
        cx = side + slot * i + slot / 2
        value, text = bars[i]
        h = value / bar_peak * (plot_h - 20)
        parts.append(
            f'<rect x="{cx - slot * 0.3:.1f}" y="{base - h:.1f}" width="{slot * 0.6:.1f}" '
            f'height="{h:.1f}" fill="{_COLOURS[0]}" opacity="0.85"/>'
        )
        parts.append(_label(cx, base - h - 4, text, "middle", 10))
        parts.append(_label(cx, base + 16, label, "middle", 11))
        lv, ltext = line[i]
        ly = base - lv / line_peak * (plot_h - 20) + 0.0
        points.append((cx, ly, ltext))
    if points:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in points)
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{_COLOURS[1]}" stroke-width="3"/>'
        )
        for x, y, text in points:
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{_COLOURS[1]}"/>')
            parts.append(_label(x + 8, y + 14, text, size=11))
    parts.append("</svg>")
    return "".join(parts)
