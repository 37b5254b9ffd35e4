"""partnerkit.analysis.seo: the month's organic search figures, worked by hand.

Property rows (the whole property, anonymised queries in):

==========  ======  ===========  ========
day         clicks  impressions  position
==========  ======  ===========  ========
2026-09-15  80      2000         6.0
2026-10-01  60      3000         8.0
2026-10-02  40      1000         4.0
==========  ======  ===========  ========

October: 100 clicks, 4000 impressions, CTR 100/4000 = 0.025, position
(60·0 + 8·3000 + 4·1000) / 4000 = 28000/4000 = 7.0. September: 80, 2000, 0.04, 6.0.

Query rows:

==========  ============  ========  ======  ===========  ========
day         query         page      clicks  impressions  position
==========  ============  ========  ======  ===========  ========
2026-09-15  crm software  /crm      50      1000         2.0
2026-09-15  pricing       /pricing  5       80           9.0
2026-09-16  old query     /old      12      150          7.0
2026-10-01  crm software  /crm      30      1000         3.0
2026-10-02  crm software  /pricing  10      200          6.0
2026-10-01  pricing       /pricing  20      500          5.0
2026-10-02  brand x       /         25      300          1.0
==========  ============  ========  ======  ===========  ========

October's query rows: 85 clicks, 2000 impressions; hidden 100 - 85 = 15 clicks (0.15)
and 4000 - 2000 = 2000 impressions (0.5).
"""

import datetime as dt
from typing import Any

import pytest

from partnerkit.analysis import Dataset
from partnerkit.analysis.seo import SearchChange, group_totals, in_group, seo_month
from partnerkit.stream import RecordStream

SITE = "sc-domain:example.com"


def row(day: str, clicks: int, impressions: int, position: float, **kw: Any) -> dict[str, Any]:
    level = "query" if "query" in kw else "property"
    return {
        "date": dt.date.fromisoformat(day),
        "platform": "search_console",
        "account_id": SITE,
        "level": level,
        "search_type": "web",
        "clicks": clicks,
        "impressions": impressions,
        "ctr": clicks / impressions,
        "position": position,
        **kw,
    }


PROPERTY = [
    row("2026-09-15", 80, 2000, 6.0),
    row("2026-10-01", 60, 3000, 8.0),
    row("2026-10-02", 40, 1000, 4.0),
]
QUERIES = [
    row("2026-09-15", 50, 1000, 2.0, query="crm software", page="/crm"),
    row("2026-09-15", 5, 80, 9.0, query="pricing", page="/pricing"),
    row("2026-09-16", 12, 150, 7.0, query="old query", page="/old"),
    row("2026-10-01", 30, 1000, 3.0, query="crm software", page="/crm"),
    row("2026-10-02", 10, 200, 6.0, query="crm software", page="/pricing"),
    row("2026-10-01", 20, 500, 5.0, query="pricing", page="/pricing"),
    row("2026-10-02", 25, 300, 1.0, query="brand x", page="/"),
]


def _dataset(rows: list[dict[str, Any]]) -> Dataset:
    return Dataset.from_streams([RecordStream.from_records("search_performance", rows, name="s")])


@pytest.fixture(scope="module")
def data() -> Any:
    dataset = _dataset(PROPERTY + QUERIES)
    yield dataset
    dataset.close()


def test_the_months_property_totals_against_the_month_before(data: Any) -> None:
    seo = seo_month(data, "2026-10")
    assert seo.basis == "property"
    assert seo.reason is None
    assert (seo.total.clicks, seo.total.impressions) == (100, 4000)
    assert seo.total.ctr == pytest.approx(0.025)
    assert seo.total.position == pytest.approx(7.0)
    assert (seo.previous.clicks, seo.previous.impressions) == (80, 2000)
    assert seo.change("clicks") == SearchChange("clicks", 100, 80, 0.25)
    assert seo.change("impressions") == SearchChange("impressions", 4000, 2000, 1.0)
    assert seo.change("ctr").change == pytest.approx(-0.015)  # 2.5% - 4%: points
    assert seo.change("position").change == pytest.approx(1.0)  # 7 - 6: one place lower


def test_the_hidden_anonymised_volume(data: Any) -> None:
    seo = seo_month(data, "2026-10")
    assert (seo.queries.clicks, seo.queries.impressions) == (85, 2000)
    assert (seo.hidden_clicks, seo.hidden_impressions) == (15, 2000)
    assert (seo.hidden_clicks_share, seo.hidden_impressions_share) == (0.15, 0.5)


def test_top_movers_by_clicks_for_queries_and_pages(data: Any) -> None:
    seo = seo_month(data, "2026-10")
    queries = [(m.key, m.value, m.previous, m.change) for m in seo.movers_of("query", "clicks")]
    assert queries == [
        ("brand x", 25, None, 25),
        ("pricing", 20, 5, 15),
        ("old query", None, 12, -12),
        ("crm software", 40, 50, -10),
    ]
    pages = [(m.key, m.change) for m in seo.movers_of("page", "clicks")]
    assert pages == [("/", 25), ("/pricing", 25), ("/crm", -20), ("/old", -12)]
    assert [m.key for m in seo_month(data, "2026-10", top=2).movers_of("page", "clicks")] == [
        "/",
        "/pricing",
    ]


def test_position_movers_need_enough_impressions_in_both_months(data: Any) -> None:
    # crm software: Oct (3·1000 + 6·200) / 1200 = 3.5 against 2.0 in Sept, +1.5 places.
    # pricing has 80 impressions in September, under the threshold of 100.
    movers = seo_month(data, "2026-10").movers_of("query", "position")
    assert [(m.key, m.value, m.previous, m.change) for m in movers] == [
        ("crm software", pytest.approx(3.5), 2.0, pytest.approx(1.5))
    ]
    lower = seo_month(data, "2026-10", min_impressions=50).movers_of("query", "position")
    assert [(m.key, m.change) for m in lower] == [
        ("pricing", pytest.approx(-4.0)),
        ("crm software", pytest.approx(1.5)),
    ]


def test_without_property_rows_totals_are_the_query_rows_and_nothing_is_hidden() -> None:
    dataset = _dataset(QUERIES)
    try:
        seo = seo_month(dataset, "2026-10")
    finally:
        dataset.close()
    assert seo.basis == "query"
    assert (seo.total.clicks, seo.total.impressions) == (85, 2000)
    # (3000 + 1200 + 2500 + 300) / 2000 = 3.5
    assert seo.total.position == pytest.approx(3.5)
    assert seo.hidden_clicks is None
    assert seo.hidden_clicks_share is None


def test_query_rows_above_the_property_hide_nothing_computable() -> None:
    dataset = _dataset([row("2026-10-01", 10, 100, 3.0), *QUERIES])
    try:
        seo = seo_month(dataset, "2026-10")
    finally:
        dataset.close()
    assert seo.hidden_clicks is None
    assert seo.hidden_impressions is None
    assert seo.hidden_clicks_share is None


def test_a_month_without_rows_says_so(data: Any) -> None:
    seo = seo_month(data, "2026-12")
    assert seo.reason == "no_rows_for_month"
    assert seo.total.clicks is None
    assert seo.total.ctr is None
    assert seo.change("clicks").reason == "missing_values"
    assert seo.movers == ()


def test_a_group_of_queries_and_non_brand_clicks(data: Any) -> None:
    crm = group_totals(data, dt.date(2026, 10, 1), dt.date(2026, 10, 31), terms=["CRM"])
    assert (crm.clicks, crm.impressions) == (40, 1200)
    assert crm.position == pytest.approx(3.5)
    non_brand = group_totals(data, dt.date(2026, 10, 1), dt.date(2026, 10, 31), exclude=["brand"])
    # crm software and pricing: (3000 + 1200 + 2500) / 1700
    assert (non_brand.clicks, non_brand.impressions) == (60, 1700)
    assert non_brand.position == pytest.approx(6700 / 1700)
    assert in_group("Brand X shoes", [], ["brand x"]) is False


def test_the_table_view(data: Any) -> None:
    table = seo_month(data, "2026-10").to_arrow()
    first = table.slice(0, 1).to_pylist()[0]
    assert first == {
        "dimension": "property",
        "key": None,
        "code": "clicks",
        "value": 100.0,
        "previous": 80.0,
        "change": 0.25,
    }
    assert table.num_rows == 4 + 4 + 4 + 1


def test_keyword_groups_follow_their_queries_position_and_the_top_ten() -> None:
    # "crm demo" ranks 8th in September and 30th in October (100 impressions each).
    far = [
        row("2026-09-20", 1, 100, 8.0, query="crm demo", page="/demo"),
        row("2026-10-20", 1, 100, 30.0, query="crm demo", page="/demo"),
    ]
    dataset = _dataset(PROPERTY + QUERIES + far)
    groups = {"demo": ["crm demo"], "crm": ["CRM"], "both": ["old", "crm software"]}
    try:
        seo = seo_month(dataset, "2026-10", groups=groups)
    finally:
        dataset.close()
    demo, crm, both = seo.groups
    assert (demo.name, demo.terms) == ("demo", ("crm demo",))
    assert (demo.previous.position, demo.totals.position) == (8.0, 30.0)
    assert demo.movement == "left_top_ten"  # 8 then, 30 now
    # crm: Oct (3000 + 1200 + 3000) / 1300 = 5.538462; Sept (2000 + 800) / 1100 = 2.545455
    assert crm.totals.position == pytest.approx(7200 / 1300)
    assert crm.previous.position == pytest.approx(2800 / 1100)
    assert crm.position.change == pytest.approx(7200 / 1300 - 2800 / 1100, abs=1e-6)
    assert crm.movement is None
    # "both" in Sept: crm software (2·1000) and old query (7·150) over 1150 impressions
    assert both.previous.position == pytest.approx(3050 / 1150)
    assert (both.clicks.value, both.clicks.previous) == (40, 62)
