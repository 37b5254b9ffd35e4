"""Average position as a KPI: the impression-weighted mean, worked by hand.

Query rows (the keyword group "solar panels" is the queries containing "solar panel"):

==========  ======================  ===========  ========  ================
day         query                   impressions  position  position × impr
==========  ======================  ===========  ========  ================
2026-09-10  solar panel price       400          7.0       2800
2026-09-11  Solar Panels cost       200          10.0      2000
2026-09-12  solar panel price       400          8.75      3500
2026-09-12  battery storage         300          3.0       900
2026-10-01  solar panel price       300          11.0      3300
2026-10-02  solar panel price       100          16.0      1600
2026-10-01  Solar Panels cost       100          11.5      1150
2026-10-02  battery storage         500          2.0       1000
2026-10-03  solar panel installers  (none)       30.0      (no weight)
2026-10-03  heat pump               0            40.0      (no weight)
==========  ======================  ===========  ========  ================

"solar panels", September: (2800 + 2000 + 3500) / (400 + 200 + 400) = 8300 / 1000 = 8.3.
October: (3300 + 1600 + 1150) / (300 + 100 + 100) = 6050 / 500 = 12.1 — the plain mean
of the three rows' positions would be (11 + 16 + 11.5) / 3 = 12.83, and with the
installers' row (no impressions) 17.1. September and October together:
(8300 + 6050) / (1000 + 500) = 14350 / 1500 = 9.5666…, not the mean of the months
(8.3 + 12.1) / 2 = 10.2. Every October query row: (6050 + 1000) / 1000 = 7.05.
"heat pump" has no impressions: its position is not computable, never 0.

Property rows (the whole property, anonymised queries in): 2026-09-10 1000 impressions
at 4.0; 2026-10-01 2000 at 5.0 and 2026-10-02 1000 at 8.0, so October's
``average_position`` is (10000 + 8000) / 3000 = 6.0 and September's 4.0.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from partnerkit.analysis import Dataset, compute_kpi, compute_kpis, evaluate_targets
from partnerkit.analysis.pacing import pace
from partnerkit.analysis.seo import seo_month
from partnerkit.model import KPI, Measure, TargetStatus, Workspace
from partnerkit.search import rollup

SITE = "sc-domain:example.com"
GROUP = ["solar panel"]


def row(day: str, impressions: int | None, position: float, query: str | None = None) -> Any:
    return {
        "date": dt.date.fromisoformat(day),
        "platform": "search_console",
        "account_id": SITE,
        "level": "property" if query is None else "query",
        "search_type": "web",
        "query": query,
        "page": None if query is None else "/" + query.split()[0].lower(),
        "clicks": 1 if impressions else 0,
        "impressions": impressions,
        "position": position,
    }


QUERIES = [
    row("2026-09-10", 400, 7.0, "solar panel price"),
    row("2026-09-11", 200, 10.0, "Solar Panels cost"),
    row("2026-09-12", 400, 8.75, "solar panel price"),
    row("2026-09-12", 300, 3.0, "battery storage"),
    row("2026-10-01", 300, 11.0, "solar panel price"),
    row("2026-10-02", 100, 16.0, "solar panel price"),
    row("2026-10-01", 100, 11.5, "Solar Panels cost"),
    row("2026-10-02", 500, 2.0, "battery storage"),
    row("2026-10-03", None, 30.0, "solar panel installers"),
    row("2026-10-03", 0, 40.0, "heat pump"),
]
PROPERTY = [
    row("2026-09-10", 1000, 4.0),
    row("2026-10-01", 2000, 5.0),
    row("2026-10-02", 1000, 8.0),
]


def position_kpi(kpi_id: str, terms: list[str] | None = None) -> dict[str, Any]:
    where = ["level == query"]
    if terms:
        where.append(f"query contains [{', '.join(terms)}]")
    return {
        "id": kpi_id,
        "name": f"Position of {kpi_id}",
        "unit": "position",
        "direction": "lower",
        "measure": {"mean": "search_performance.position", "where": where},
    }


WS = Workspace.model_validate(
    {
        "name": "Solar × Agency",
        "currency": "ILS",
        "timezone": "Asia/Jerusalem",
        "keyword_groups": {"solar panels": GROUP},
        "kpis": [
            position_kpi("panels_position", GROUP),
            position_kpi("heat_pump_position", ["heat pump"]),
            position_kpi("query_position"),
        ],
        "targets": [
            {"id": "panels-top-ten", "kpi": "panels_position", "period": "monthly", "value": 10}
        ],
    }
)


@pytest.fixture(scope="module")
def data() -> Any:
    dataset = Dataset.from_records({"search_performance": QUERIES + PROPERTY})
    yield dataset
    dataset.close()


def value(data: Dataset, kpi: str, period: Any) -> Decimal | None:
    found = compute_kpi(WS, data, kpi, period, as_of=dt.date(2026, 10, 31))
    return found.value


def test_a_keyword_groups_position_is_weighted_by_impressions(data: Any) -> None:
    october = compute_kpi(WS, data, "panels_position", "2026-10", as_of=dt.date(2026, 10, 31))
    assert october.value == pytest.approx(Decimal("12.1"), abs=Decimal("1e-9"))
    assert october.previous == pytest.approx(Decimal("8.3"), abs=Decimal("1e-9"))
    assert october.inputs[0].records == 4  # the installers' row counts, but weighs nothing
    assert "weighted by impressions" in october.formula


def test_two_months_are_weighted_together_not_averaged(data: Any) -> None:
    both = value(data, "panels_position", (dt.date(2026, 9, 1), dt.date(2026, 10, 31)))
    assert both == pytest.approx(Decimal(14350) / Decimal(1500), abs=Decimal("1e-9"))


def test_every_query_and_the_builtin_on_the_property(data: Any) -> None:
    assert value(data, "query_position", "2026-10") == pytest.approx(Decimal("7.05"))
    assert value(data, "average_position", "2026-10") == pytest.approx(Decimal("6.0"))
    assert value(data, "average_position", "2026-09") == pytest.approx(Decimal("4.0"))


def test_no_impressions_is_not_computable_never_zero(data: Any) -> None:
    heat = compute_kpi(WS, data, "heat_pump_position", "2026-10", as_of=dt.date(2026, 10, 31))
    assert heat.value is None
    assert heat.reason is not None
    assert "impressions" in heat.reason
    # September has no heat pump row at all: not computable either
    assert heat.previous is None
    # a dataset without search records: not computable
    with Dataset.from_records({"performance": []}) as empty:
        assert value(empty, "average_position", "2026-10") is None


def test_the_model_evaluates_the_same_mean() -> None:
    october = [r for r in QUERIES if r["date"].month == 10]
    kpi = WS.kpi("panels_position")
    assert kpi.evaluate({"search_performance": october}) == pytest.approx(Decimal("12.1"))
    assert WS.kpi("heat_pump_position").evaluate({"search_performance": october}) is None


def test_a_position_target_is_met_below_it_and_missed_above_it(data: Any) -> None:
    # lower is better: 8.3 ≤ 10 is on track (shortfall (8.3 - 10) / 10 = -17%);
    # 12.1 is 21% over the target, beyond the 10% at-risk band: off track
    september = evaluate_targets(WS, data, "2026-09", as_of=dt.date(2026, 9, 30))
    october = evaluate_targets(WS, data, "2026-10", as_of=dt.date(2026, 10, 31))
    (sep,) = [v for v in september if v.kpi == "panels_position"]
    (oct_,) = [v for v in october if v.kpi == "panels_position"]
    assert (sep.target, sep.status) == (Decimal(10), TargetStatus.ON_TRACK)
    assert (oct_.target, oct_.status) == (Decimal(10), TargetStatus.OFF_TRACK)
    assert sep.shortfall == pytest.approx(Decimal(-17))
    assert oct_.shortfall == pytest.approx(Decimal(21))


def test_the_kpi_agrees_with_the_seo_analysis_on_the_same_rows(data: Any) -> None:
    seo = seo_month(data, "2026-10", groups=WS.keyword_groups)
    (group,) = seo.groups
    assert group.totals.position == pytest.approx(12.1)
    assert group.previous.position == pytest.approx(8.3)
    assert group.movement == "left_top_ten"
    table = compute_kpis(
        WS,
        data,
        "2026-10",
        kpis=["panels_position", "average_position"],
        as_of=dt.date(2026, 10, 31),
    )
    # the same rule on the same rows: equal to the 9 places both keep
    assert table.get("panels_position").value == Decimal(str(group.totals.position))
    assert table.get("panels_position").previous == Decimal(str(group.previous.position))
    assert table.get("average_position").value == Decimal(str(seo.total.position))
    # and the one rule: partnerkit.search.rollup over the group's October rows
    rows = [r for r in QUERIES if r["date"].month == 10 and "solar panel" in r["query"].lower()]
    assert rollup(rows).position == pytest.approx(12.1)


def test_a_mean_is_only_what_has_a_rule_and_only_a_whole_measure() -> None:
    with pytest.raises(ValueError, match="cannot average"):
        Measure.model_validate({"mean": "search_performance.ctr"})
    with pytest.raises(ValueError, match="a mean is a KPI of its own"):
        KPI.model_validate(
            {
                "id": "x",
                "name": "x",
                "unit": "ratio",
                "direction": "lower",
                "numerator": {"mean": "search_performance.position"},
                "denominator": {"sum": "search_performance.impressions"},
            }
        )
    with pytest.raises(ValueError, match="a mean subtracts nothing"):
        Measure.model_validate(
            {"mean": "search_performance.position", "minus": {"sum": "search_performance.clicks"}}
        )
    assert Measure.model_validate({"mean": "search_performance.position"}).weight == "impressions"


def test_by_channel_every_group_is_the_weighted_mean_or_not_computable(data: Any) -> None:
    table = compute_kpis(
        WS, data, "2026-10", kpis=["average_position"], by="channel", as_of=dt.date(2026, 10, 31)
    )
    values = [v.value for v in table]
    # the property's rows fall in one group (6.0); a group without them is not computable,
    # never 0 (search rows carry no source, so they are unattributed today)
    assert [v for v in values if v is not None] == [pytest.approx(Decimal("6.0"))]
    assert all(v.reason for v in table if v.value is None)


def test_mid_month_a_position_projects_to_itself(data: Any) -> None:
    # 1–2 October: the group's three weighted rows, 12.1; 31 days are not 15.5 times worse
    early = compute_kpi(WS, data, "panels_position", "2026-10", as_of=dt.date(2026, 10, 2))
    assert early.value == pytest.approx(Decimal("12.1"))
    assert early.projected == pytest.approx(Decimal("12.1"))
    paced = pace(WS, data, "panels_position", as_of=dt.date(2026, 10, 2), period="2026-10")
    assert paced.actual == pytest.approx(Decimal("12.1"))
    assert paced.linear == pytest.approx(Decimal("12.1"))
    assert paced.weighted == pytest.approx(Decimal("12.1"))


def test_a_position_equal_to_its_target_is_on_it() -> None:
    # 0.1 × 3 + 0.2 × 3 in floats is 0.9000000000000001: (0.1·3 + 0.2·3) / 6 = 0.15 exactly
    rows = [
        {"level": "query", "query": "solar panel a", "impressions": 3, "position": 0.1},
        {"level": "query", "query": "solar panel b", "impressions": 3, "position": 0.2},
    ]
    assert WS.kpi("panels_position").evaluate({"search_performance": rows}) == Decimal("0.15")
    assert rollup(rows).position == 0.15
