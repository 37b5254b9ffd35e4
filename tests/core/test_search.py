"""partnerkit.search.rollup: the one home of how search figures roll up, worked by hand."""

import math

from partnerkit.search import SearchTotals, rollup


def test_position_is_weighted_by_impressions_and_ctr_recomputed_over_days_and_queries() -> None:
    rows = [
        # day 1, two queries
        {"clicks": 20, "impressions": 400, "ctr": 0.05, "position": 3.0},
        {"clicks": 0, "impressions": 100, "ctr": 0.0, "position": 18.0},
        # day 2, the same two queries
        {"clicks": 10, "impressions": 500, "ctr": 0.02, "position": 5.0},
        {"clicks": 2, "impressions": 0, "ctr": None, "position": None},
    ]
    totals = rollup(rows)
    # clicks 20 + 0 + 10 + 2 = 32; impressions 400 + 100 + 500 + 0 = 1000
    assert (totals.clicks, totals.impressions, totals.rows) == (32, 1000, 4)
    # CTR 32 / 1000, not the mean of the rows' CTRs ((0.05 + 0 + 0.02) / 3 = 0.0233)
    assert math.isclose(totals.ctr or 0, 0.032)
    # position (3×400 + 18×100 + 5×500) / (400 + 100 + 500) = (1200 + 1800 + 2500) / 1000
    # = 5.5, not the plain mean (3 + 18 + 5) / 3 = 8.67
    assert math.isclose(totals.position or 0, 5.5)


def test_missing_figures_are_left_out_never_zero() -> None:
    assert rollup([]) == SearchTotals(
        clicks=None, impressions=None, ctr=None, position=None, rows=0
    )
    # no impressions: CTR and position are not computable
    only_clicks = rollup([{"clicks": 3, "impressions": None, "position": 4.0}])
    assert (only_clicks.clicks, only_clicks.impressions) == (3, None)
    assert (only_clicks.ctr, only_clicks.position) == (None, None)
    zero = rollup([{"clicks": 0, "impressions": 0, "position": None}])
    assert (zero.clicks, zero.impressions, zero.ctr, zero.position) == (0, 0, None, None)
