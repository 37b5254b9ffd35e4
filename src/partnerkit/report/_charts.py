"""Inline SVG charts, drawn in Python: no JavaScript, no fonts, no network, no dependency.

Each function takes values already read from analysis results (floats for drawing,
formatted texts for reading) and returns a :class:`~partnerkit.report.sections.Chart`:
the SVG and the table of the numbers behind it (for screen readers and the Markdown
report). Why these are drawn by hand rather than by a charting library is written in
``docs/design-decisions.md`` ("Report charts").

Layout, so labels keep their size on every screen: the SVG has no ``viewBox``; it is
as wide as its container and a fixed number of pixels high. Every horizontal position
is a percentage of the width and every vertical one is in pixels, so a 12 px label is
12 px on a phone as on a desktop (a scaled ``viewBox`` shrank them to 7 px at 390 px).
Labels are placed on rows of their own (category names above their bars, values beside
them or in rows under the axis), so they cannot overlap. Under many months, only
every k-th month is labelled, as many as fit on a phone; the labels a wider chart has
room for carry the class ``roomy``, which the report's CSS shows only when the chart is
at least 560 px wide. The table behind the chart always has every value.

Drawing is always left to right, also in a right-to-left report, so axes read the
usual way; each text is laid out by the browser (Hebrew and Thai shaping included).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from itertools import pairwise

from partnerkit.report.sections import Cell, Chart, Table

__all__ = ["Bar", "bar_chart", "grouped_bars", "history_chart"]

_COLOURS = ("#2f6f9f", "#d9822b", "#5e8f3c", "#8a5cc2")
_INK = "#1f2933"
_MUTED = "#5f6b76"
_GRID = "#d9dee3"
_TARGET = "#b03a2e"
_LINE_INK = "#a35a12"  # the line's texts: its colour, dark enough to read
_FONT = "font-family:system-ui,-apple-system,'Segoe UI',Arial,sans-serif"
#: Font sizes in px: category labels, values, ticks and legends.
_LABEL, _VALUE, _TICK = 13, 12, 12
#: The longest bar name drawn whole: 13 px bold text across a phone's chart (about 340 px).
_NAME = 38
#: A bar longer than this share of the width carries its value inside, in white.
_INSIDE = 58.0


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its length, and its value in words.

    Attributes:
        label: What the bar is (a source, a stage, a month).
        value: Its length, in the unit of the chart's axis.
        text: The value as the chart shows it, rounded for reading (``₪4,146``).
        exact: The value as the table behind the chart shows it (``₪4,145.50``);
            ``text`` when not given.
    """

    label: str
    value: float
    text: str
    exact: str | None = None

    @property
    def full(self) -> str:
        """The value for the table behind the chart."""
        return self.exact if self.exact is not None else self.text


def _step(peak: float, intervals: int) -> float:
    """The smallest round step (1, 2 or 5 × 10ⁿ, at least 1) covering ``peak`` in ``intervals``."""
    raw = max(peak, 1.0) / intervals
    magnitude = 10.0 ** math.floor(math.log10(raw))
    return max(next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw - 1e-9), 1.0)


def _ticks(peak: float, intervals: int = 4) -> list[float]:
    """0 and round steps up to the first at or above ``peak`` (at most ``intervals + 1``)."""
    step = _step(peak, intervals)
    count = max(math.ceil(peak / step - 1e-9), 1)
    return [i * step for i in range(count + 1)]


def _every(count: int, *, phone: int, roomy: int) -> Callable[[int], str | None]:
    """Which of ``count`` slots across a chart carry a label, by their place from the end.

    ``phone`` labels fit across any chart and ``roomy`` across a roomy one; with more
    slots, every k-th is labelled (a phone's among a roomy chart's). The function
    answers ``""`` (always shown), ``"roomy"`` (shown on a roomy chart) or ``None``
    (not drawn).
    """
    wide = math.ceil(count / roomy)
    # a multiple of the roomy step, so a phone's labels are among the roomy chart's
    narrow = wide * math.ceil(math.ceil(count / phone) / wide)

    def label(back: int) -> str | None:
        if back % narrow == 0:
            return ""
        return "roomy" if back % wide == 0 else None

    return label


def _fit(label: str) -> str:
    """A bar's name as drawn: at most :data:`_NAME` characters (the table has it whole)."""
    return label if len(label) <= _NAME else label[: _NAME - 1].rstrip() + "…"


def _pct(value: float) -> str:
    return f"{value:.2f}%"


def _open(key: str, title: str, height: int) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{escape(key)}" '
        f'data-chart="{escape(key)}" width="100%" height="{height}" aria-hidden="true" '
        f'focusable="false" style="display:block;width:100%;height:{height}px;'
        f'direction:ltr;{_FONT}">'
        f"<title>{escape(title)}</title>"
    )


def _text(
    x: str,
    y: float,
    text: str,
    *,
    anchor: str = "start",
    size: int = _VALUE,
    fill: str = _INK,
    dx: int = 0,
    cls: str = "",
    weight: str = "",
) -> str:
    if _rtl(text):
        # laid out right to left (a Hebrew label, a Hebrew amount), anchored at the same
        # point: the start of a right-to-left text is its right end
        anchor = {"start": "end", "end": "start"}.get(anchor, anchor)
        extra = ' direction="rtl"'
    else:
        extra = ""
    extra += f' class="{cls}"' if cls else ""
    extra += f' font-weight="{weight}"' if weight else ""
    extra += f' dx="{dx}"' if dx else ""
    return (
        f'<text x="{x}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'fill="{fill}"{extra}>{escape(text)}</text>'
    )


def _rtl(text: str) -> bool:
    """Whether a text's first strong character is right to left (the Unicode bidi rule P2)."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def _edge_anchor(position: float) -> tuple[str, int]:
    """Where a label at ``position`` % of the width anchors so it stays inside the chart."""
    if position < 30:
        return "start", 4
    if position > 70:
        return "end", -4
    return "middle", 0


def _axis(y: float, ticks: Sequence[float], tick: Callable[[float], str], title: str) -> list[str]:
    """A horizontal value axis: baseline, round ticks with their labels, and its unit."""
    top = ticks[-1]
    parts = [f'<line x1="0" y1="{y}" x2="100%" y2="{y}" stroke="{_MUTED}"/>']
    for value in ticks:
        position = value / top * 100
        x = _pct(position)
        parts.append(f'<line x1="{x}" y1="{y}" x2="{x}" y2="{y + 4}" stroke="{_MUTED}"/>')
        anchor = "start" if position == 0 else "end" if position >= 100 else "middle"
        parts.append(
            _text(x, y + 18, tick(value), anchor=anchor, size=_TICK, fill=_MUTED, cls="tick")
        )
    if title:
        parts.append(_text("100%", y + 36, title, anchor="end", size=_TICK, fill=_MUTED))
    return parts


def _bar(y: float, height: int, bar: Bar, top: float, colour: str, size: int) -> list[str]:
    """One horizontal bar from the left edge, its value inside it (long) or after it."""
    share = max(bar.value, 0.0) / top * 100
    parts = [
        f'<rect x="0" y="{y}" width="{_pct(share)}" height="{height}" fill="{colour}" rx="2"/>'
    ]
    baseline = y + height / 2 + size * 0.36
    if share > _INSIDE:
        parts.append(
            _text(_pct(share), baseline, bar.text, anchor="end", dx=-6, size=size, fill="#fff")
        )
    else:
        parts.append(_text(_pct(share), baseline, bar.text, dx=6, size=size))
    return parts


def _table(key: str, title: str, columns: Sequence[str], rows: Sequence[Sequence[str]]) -> Table:
    return Table(
        f"chart.{key}",
        tuple(columns),
        tuple((Cell(row[0]), *(Cell(text, numeric=True) for text in row[1:])) for row in rows),
        caption=title,
    )


def bar_chart(
    key: str,
    title: str,
    bars: Sequence[Bar],
    *,
    tick: Callable[[float], str],
    alt: str,
    axis: str = "",
    reference: Bar | None = None,
) -> Chart:
    """Horizontal bars on a value axis, with an optional reference line (a target).

    Args:
        key: The chart's key (its CSS class, ``data-chart`` and table key ``chart.<key>``).
        title: The chart's title.
        bars: The bars, top to bottom.
        tick: Formats an axis tick (``₪1,000``, ``100``): the axis's unit.
        alt: What the chart shows, in words.
        axis: The axis's title (its unit in words when the ticks do not carry one).
        reference: A reference value (a target): drawn as a dashed vertical line with
            its ``label``, and a row of the table.

    Returns:
        The chart with its table.
    """
    row, bar_h = 44, 18
    top_pad = 22 if reference else 4
    peak = max([b.value for b in bars] + ([reference.value] if reference else []) + [0.0])
    ticks = _ticks(peak)
    scale = ticks[-1]
    axis_y = top_pad + row * len(bars) + 2
    height = axis_y + (44 if axis else 26)
    parts = [_open(key, title, height)]
    for value in ticks[1:]:
        x = _pct(value / scale * 100)
        parts.append(
            f'<line x1="{x}" y1="{top_pad}" x2="{x}" y2="{axis_y}" stroke="{_GRID}" '
            f'stroke-dasharray="2 3"/>'
        )
    for i, b in enumerate(bars):
        y = top_pad + i * row
        parts.append(_text("0", y + 15, _fit(b.label), size=_LABEL, weight="600"))
        parts += _bar(y + 21, bar_h, b, scale, _COLOURS[0], _VALUE)
    if reference is not None:
        position = reference.value / scale * 100
        x = _pct(position)
        parts.append(
            f'<line x1="{x}" y1="{top_pad - 4}" x2="{x}" y2="{axis_y}" stroke="{_TARGET}" '
            f'stroke-width="2" stroke-dasharray="5 4"/>'
        )
        anchor, dx = _edge_anchor(position)
        parts.append(_text(x, 13, reference.label, anchor=anchor, dx=dx, size=_TICK, fill=_TARGET))
    parts += _axis(axis_y, ticks, tick, axis)
    parts.append("</svg>")
    rows = [(b.label, b.full) for b in bars]
    if reference is not None:
        rows.append((reference.label, reference.full))
    return Chart(key, title, "".join(parts), alt, _table(key, title, ("", axis or title), rows))


def grouped_bars(
    key: str,
    title: str,
    groups: Sequence[tuple[str, Sequence[Bar]]],
    legend: Sequence[str],
    *,
    tick: Callable[[float], str],
    alt: str,
    axis: str = "",
) -> Chart:
    """Horizontal grouped bars (planned, actual, projected per source).

    Args:
        key: The chart's key.
        title: The chart's title.
        groups: ``(label, bars)`` per group; bars in legend order.
        legend: The series' names.
        tick: Formats an axis tick (the axis's unit).
        alt: What the chart shows, in words.
        axis: The axis's title, when the ticks do not carry the unit.

    Returns:
        The chart with its table.
    """
    bar_h, gap, legend_h = 16, 3, 26
    per = 22 + len(legend) * (bar_h + gap) + 10
    peak = max([b.value for _, bars in groups for b in bars] + [0.0])
    ticks = _ticks(peak)
    scale = ticks[-1]
    axis_y = legend_h + per * len(groups)
    height = axis_y + (44 if axis else 26)
    parts = [_open(key, title, height)]
    share = 100 / max(len(legend), 1)
    for i, name in enumerate(legend):
        at = _pct(i * share)
        colour = _COLOURS[i % len(_COLOURS)]
        parts.append(f'<rect x="{at}" y="4" width="12" height="12" fill="{colour}"/>')
        parts.append(_text(at, 15, name, dx=16, size=_TICK))
    for value in ticks[1:]:
        x = _pct(value / scale * 100)
        parts.append(
            f'<line x1="{x}" y1="{legend_h}" x2="{x}" y2="{axis_y}" stroke="{_GRID}" '
            f'stroke-dasharray="2 3"/>'
        )
    for g, (label, bars) in enumerate(groups):
        y0 = legend_h + g * per
        parts.append(_text("0", y0 + 15, _fit(label), size=_LABEL, weight="600"))
        for i, b in enumerate(bars):
            y = y0 + 22 + i * (bar_h + gap)
            parts += _bar(y, bar_h, b, scale, _COLOURS[i % len(_COLOURS)], _VALUE)
    parts += _axis(axis_y, ticks, tick, axis)
    parts.append("</svg>")
    rows = [(label, *(b.full for b in bars)) for label, bars in groups]
    return Chart(key, title, "".join(parts), alt, _table(key, title, ("", *legend), rows))


def history_chart(
    key: str,
    title: str,
    bars: Sequence[Bar],
    line: Sequence[Bar],
    legend: tuple[str, str],
    *,
    tick: Callable[[float], str],
    line_tick: Callable[[float], str],
    alt: str,
) -> Chart:
    """Monthly bars (spend, left axis) with a line (leads, right axis) on its own scale.

    Args:
        key: The chart's key.
        title: The chart's title.
        bars: One bar per month, oldest first; ``label`` is the month's short name.
        line: The line's point per month, in the same order.
        legend: The names of the bar and the line series.
        tick: Formats a tick of the bars' axis (left).
        line_tick: Formats a tick of the line's axis (right).
        alt: What the chart shows, in words.

    Returns:
        The chart with its table.
    """
    n = max(len(bars), 1)
    plot_top, plot_h = 44, 150
    base = plot_top + plot_h
    height = base + 8 + 3 * 18
    ticks = _ticks(max([b.value for b in bars] + [0.0]))
    intervals = len(ticks) - 1
    line_step = _step(max([p.value for p in line] + [0.0]), intervals)
    line_ticks = [i * line_step for i in range(intervals + 1)]
    left, right = 18.0, 82.0  # the plot between the two axes' labels, in % of the width
    slot = (right - left) / n
    # Which months carry their labels: a phone's chart (about 340 px) fits five month
    # names and four values across, a roomy one (560 px and wider) eight and six; with
    # more months every k-th is labelled, counted back from the latest.
    names = _every(n, phone=5, roomy=8)
    values = _every(n, phone=4, roomy=6)
    parts = [_open(key, title, height)]
    parts.append(f'<rect x="0" y="5" width="12" height="12" fill="{_COLOURS[0]}"/>')
    parts.append(_text("0", 15, legend[0], dx=16, size=_TICK))
    # the line's swatch right of its name, both against the right edge (a px offset from
    # a % position is a translate)
    parts.append(
        f'<rect x="100%" y="9" width="18" height="4" fill="{_COLOURS[1]}" '
        f'transform="translate(-18 0)"/>'
        f'<circle cx="100%" cy="11" r="4.5" fill="{_COLOURS[1]}" transform="translate(-9 0)"/>'
    )
    parts.append(_text("100%", 15, legend[1], anchor="end", dx=-24, size=_TICK))
    for i in range(intervals + 1):
        y = base - plot_h * i / intervals
        stroke = _MUTED if i == 0 else _GRID
        parts.append(f'<line x1="0" y1="{y:.1f}" x2="100%" y2="{y:.1f}" stroke="{stroke}"/>')
        if i == 0:
            continue
        parts.append(_text("0", y - 4, tick(ticks[i]), size=_TICK, fill=_COLOURS[0], cls="tick"))
        parts.append(
            _text(
                "100%",
                y - 4,
                line_tick(line_ticks[i]),
                anchor="end",
                size=_TICK,
                fill=_LINE_INK,
                cls="tick",
            )
        )
    points = []
    for i, b in enumerate(bars):
        centre = left + slot * i + slot / 2
        h = max(b.value, 0.0) / ticks[-1] * plot_h
        parts.append(
            f'<rect x="{_pct(centre - slot * 0.3)}" y="{base - h:.1f}" '
            f'width="{_pct(slot * 0.6)}" height="{h:.1f}" fill="{_COLOURS[0]}" rx="2"/>'
        )
        x = _pct(centre)
        back = n - 1 - i
        if names(back) is not None:
            parts.append(
                _text(
                    x, base + 20, b.label, anchor="middle", size=_TICK, weight="600",
                    cls=names(back) or "",
                )
            )  # fmt: skip
        if values(back) is not None:
            parts.append(
                _text(
                    x, base + 38, b.text, anchor="middle", size=_VALUE, fill=_COLOURS[0],
                    cls=values(back) or "",
                )
            )  # fmt: skip
        if i < len(line):
            p = line[i]
            points.append((x, base - max(p.value, 0.0) / line_ticks[-1] * plot_h))
            if values(back) is not None:
                parts.append(
                    _text(
                        x, base + 56, p.text, anchor="middle", size=_VALUE, fill=_LINE_INK,
                        cls=values(back) or "",
                    )
                )  # fmt: skip
    for (x1, y1), (x2, y2) in pairwise(points):
        parts.append(
            f'<line x1="{x1}" y1="{y1:.1f}" x2="{x2}" y2="{y2:.1f}" stroke="{_COLOURS[1]}" '
            f'stroke-width="3" stroke-linecap="round"/>'
        )
    for x, y in points:
        parts.append(f'<circle cx="{x}" cy="{y:.1f}" r="4.5" fill="{_COLOURS[1]}" stroke="#fff"/>')
    parts.append("</svg>")
    rows = [(b.label, b.full, line[i].full if i < len(line) else "") for i, b in enumerate(bars)]
    return Chart(key, title, "".join(parts), alt, _table(key, title, ("", *legend), rows))
