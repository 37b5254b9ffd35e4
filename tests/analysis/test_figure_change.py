"""A channel month's figure changes and their table rows (``analysis.change``)."""

from __future__ import annotations

from partnerkit.analysis.change import FigureChange, change_rows, figure_changes


def _read(totals: dict[str, float | int | None], code: str) -> float | int | None:
    return totals[code]


def test_counts_change_as_a_ratio_and_rates_as_a_difference() -> None:
    this: dict[str, float | int | None] = {"clicks": 120, "click_rate": 0.05, "opens": None}
    before: dict[str, float | int | None] = {"clicks": 100, "click_rate": 0.04, "opens": 7}
    changes = figure_changes(
        ("clicks", "click_rate", "opens"),
        _read,
        this,
        before,
        rates={"click_rate"},
    )
    # 120 / 100 - 1 = 0.2; 0.05 - 0.04 = 0.01 (one point); no value this month: no change
    assert changes == (
        FigureChange("clicks", 120, 100, 0.2),
        FigureChange("click_rate", 0.05, 0.04, 0.01),
        FigureChange("opens", None, 7, None, "missing_values"),
    )


def test_a_change_row_carries_its_keys_then_the_figures_as_floats() -> None:
    rows = change_rows(
        [FigureChange("posts", 3, 0, None, "zero_denominator")], platform="instagram"
    )
    assert rows == [
        {
            "platform": "instagram",
            "code": "posts",
            "value": 3.0,
            "previous": 0.0,
            "change": None,
            "reason": "zero_denominator",
        }
    ]
