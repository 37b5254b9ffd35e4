"""The report's SEO part shows targets on average position, the property's and a group's.

The rows are tests/report/test_channel_sections.py's. Worked by hand:

* ``average_position`` (the property's rows): October (8·3000 + 4·1000) / 4000 = 7.0;
  target 6.5, lower is better: (7.0 − 6.5) / 6.5 = 7.7% over, within the 10% at-risk band.
* "solar panels" (query rows containing "solar panel"): October 3.0 (one row, 1000
  impressions), September 2.0; target 2.5: (3.0 − 2.5) / 2.5 = 20% over → off track.
* "inverter": October 5.0 (500 impressions); target 10: beaten → on track.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from partnerkit.report import build_report
from partnerkit.report.i18n import Formatter
from tests.report._helpers import small_workspace
from tests.report.test_channel_sections import _dataset

_NEW_WORDS = ("kpi.average_position", "seo.targets")
pytestmark = pytest.mark.skipif(
    not all(Formatter("en-US", "ILS").has(key) for key in _NEW_WORDS),
    reason="the catalogues do not have the words of kpi.average_position and seo.targets yet",
)


def _position(kpi_id: str, name: str, words: str) -> dict[str, Any]:
    return {
        "id": kpi_id,
        "name": name,
        "unit": "position",
        "direction": "lower",
        "measure": {
            "mean": "search_performance.position",
            "where": ["level == query", f"query contains [{words}]"],
        },
    }


def _report() -> Any:
    ws = small_workspace().model_dump(mode="json", exclude_none=True)
    month = {"every": "month"}
    ws["keyword_groups"] = {"solar panels": ["solar panel"], "inverter": ["inverter"]}
    ws["kpis"] = [
        _position("panels_position", "Solar panels: average position", "solar panel"),
        _position("inverter_position", "Inverter: average position", "inverter"),
    ]
    ws["targets"] += [
        {"id": "position", "kpi": "average_position", "period": month, "value": 6.5},
        {"id": "panels-top", "kpi": "panels_position", "period": month, "value": 2.5},
        {"id": "inverter-top", "kpi": "inverter_position", "period": month, "value": 10},
    ]
    dataset = _dataset(True)
    try:
        workspace = type(small_workspace()).model_validate(ws)
        return build_report(workspace, dataset, "2026-10", as_of=dt.date(2026, 11, 5))
    finally:
        dataset.close()


def _texts(table: Any) -> list[list[str]]:
    return [[c.text for c in row] for row in table.rows]


def test_the_totals_show_the_average_position_against_its_target() -> None:
    section = _report().section("channels")
    position = _texts(section.table("seo.totals"))[3]
    assert position[:4] == ["Average position", "7", "6", "+1"]
    assert position[4:] == ["6.5", "at risk"]


def test_a_keyword_groups_position_target_is_met_or_missed_lower_being_better() -> None:
    section = _report().section("channels")
    table = section.table("seo.targets")
    rows = _texts(table)
    by_name = {r[0]: r for r in rows}
    assert set(by_name) == {"Solar panels: average position", "Inverter: average position"}
    panels = by_name["Solar panels: average position"]
    assert panels[1:3] == ["3", "2"]  # October, September
    assert table.rows[rows.index(panels)][1].value == Decimal("3.0")
    assert panels[5:7] == ["2.5", "off track"]
    inverter = by_name["Inverter: average position"]
    assert inverter[1] == "5"
    assert inverter[5:7] == ["10", "on track"]
    # the property's target is in the totals table, not repeated here
    assert "Average position" not in by_name
