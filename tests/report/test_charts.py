"""The charts' numbers: whole money on the chart, exact money in the table behind it.

The small engagement (tests/report/_helpers.py), October 2026, by hand: Google search
spent ₪500 for 4 leads, CPL ₪125; the CPL target is ₪150; organic has leads and no
spend, so no CPL bar. Spend by month: August none, September ₪400, October ₪500;
leads 2 and 5.
"""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from _helpers import Page, small_dataset, small_workspace

from partnerkit.report import Chart, Formatter, MonthlyReport, build_report
from partnerkit.report._charts import Bar, _every, _ticks, bar_chart


@pytest.fixture(scope="module")
def small() -> MonthlyReport:
    return build_report(small_workspace(), small_dataset(), "2026-10", as_of=dt.date(2026, 11, 15))


def _chart(report: MonthlyReport, key: str) -> Chart:
    return next(c for s in report.sections for c in s.charts() if c.key == key)


@pytest.mark.parametrize(
    ("locale", "currency", "amount", "shown"),
    [
        ("en-US", "ILS", "4145.40", "₪4,145"),
        ("en-US", "ILS", "4145.60", "₪4,146"),
        ("en-US", "ILS", "0.40", "₪0"),
        ("he-IL", "ILS", "29796.40", "\u200f29,796\xa0\u200f₪"),
        ("th-TH", "THB", "1234.99", "฿1,235"),
        ("en-US", "JPY", "1234.4", "¥1,234"),
    ],
)
def test_money_whole_rounds_to_whole_units_in_the_locales_pattern(
    locale: str, currency: str, amount: str, shown: str
) -> None:
    assert Formatter(locale, currency).money_whole(Decimal(amount)) == shown


@pytest.mark.parametrize(
    ("peak", "ticks"),
    [
        (187.65, [0, 50, 100, 150, 200]),  # 187.65 / 4 = 46.9 → a step of 50
        (32_746.4, [0, 10_000, 20_000, 30_000, 40_000]),
        (264, [0, 100, 200, 300]),  # 264 / 4 = 66 → 100
        (3, [0, 1, 2, 3]),  # counts never step below 1
        (0, [0, 1]),
    ],
)
def test_axis_ticks_are_round(peak: float, ticks: list[float]) -> None:
    assert _ticks(peak) == ticks


def test_the_cpl_chart_shows_whole_money_and_its_table_the_exact(small: MonthlyReport) -> None:
    chart = _chart(small, "cpl")
    assert chart.data is not None
    assert chart.data.key == "chart.cpl"
    (source, cpl), (target, target_value) = ([c.text for c in row] for row in chart.data.rows)
    assert (source, cpl) == ("Google search", "₪125.00")
    assert "₪150" in target  # the target's label, its amount whole
    assert target_value == "₪150.00"
    # the axis: 150 / 4 = 37.5 → steps of 50 up to ₪150
    assert all(f">{t}</text>" in chart.svg for t in ("₪0", "₪50", "₪100", "₪150"))
    assert ">₪125</text>" in chart.svg
    assert "₪125.00" not in chart.svg


def test_the_history_chart_table_has_every_month(small: MonthlyReport) -> None:
    chart = _chart(small, "history")
    assert chart.data is not None
    rows = [[c.text for c in row] for row in chart.data.rows]
    assert rows[-2:] == [["Sep 26", "₪400.00", "2"], ["Oct 26", "₪500.00", "5"]]
    assert len(chart.data.columns) == 3  # the month, then the two series


def test_html_hides_the_drawing_from_screen_readers_and_gives_them_the_table(
    small: MonthlyReport,
) -> None:
    html = small.to_html()
    page = Page(html)
    assert page.tables["chart.cpl"][1] == [("Google search", None), ("₪125.00", None)]
    assert page.tables["chart.cpl"][2][1] == ("₪150.00", None)
    start = html.index('<figure class="chart" data-chart="cpl">')
    figure = html[start : html.index("</figure>", start)]
    assert 'aria-hidden="true"' in figure
    assert '<div class="chart-data visually-hidden">' in figure


def test_markdown_gives_each_chart_as_its_table(small: MonthlyReport) -> None:
    md = small.to_markdown()
    chart = _chart(small, "cpl")
    assert chart.data is not None
    target = chart.data.rows[1][0].text
    assert (
        f"*{chart.title}*\n\n|  | {chart.title} |\n|---|---:|\n"
        f"| Google search | ₪125.00 |\n| {target} | ₪150.00 |\n"
    ) in md


def test_a_long_bar_carries_its_value_inside_a_short_one_after_it() -> None:
    chart = bar_chart(
        "k",
        "Title",
        [Bar("long", 90, "90"), Bar("short", 10, "10")],
        tick=str,
        alt="",
    )
    # 90 of an axis to 100 is 90% of the width: its value inside, right-aligned, white
    assert 'x="90.00%" y="38.3" font-size="12" text-anchor="end" fill="#fff" dx="-6">90<' in (
        chart.svg
    )
    assert 'x="10.00%" y="82.3" font-size="12" text-anchor="start" fill="#1f2933" dx="6">10<' in (
        chart.svg
    )


def test_many_months_label_every_kth_counted_back_from_the_latest() -> None:
    # 12 months: a roomy chart fits 8 names (every 2nd), a phone 5 (every 3rd, rounded up
    # to every 4th so a phone's names are among the roomy chart's)
    label = _every(12, phone=5, roomy=8)
    assert [label(back) for back in range(12)] == [
        "", None, "roomy", None, "", None, "roomy", None, "", None, "roomy", None,
    ]  # fmt: skip
    # three months: every one, everywhere
    assert [_every(3, phone=5, roomy=8)(back) for back in range(3)] == ["", "", ""]


def test_a_long_name_is_shortened_on_the_chart_and_whole_in_its_table() -> None:
    name = "SolarCompare partner form, residential leads"  # 45 characters
    chart = bar_chart("k", "Title", [Bar(name, 1, "1")], tick=str, alt="")
    assert ">SolarCompare partner form, residentia…</text>" in chart.svg  # 37 + "…"
    assert chart.data is not None
    assert chart.data.rows[0][0].text == name
