"""The KPI catalogue: formulas over record columns, computed on small hand-made records."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from partnerkit.model import BUILTIN_KPIS, KPI, Condition, Direction, KPIUnit, Measure
from partnerkit.records import RecordKind

UTC = dt.UTC
T = dt.datetime(2026, 3, 10, 12, 0, tzinfo=UTC)

PERFORMANCE = [
    {
        "date": dt.date(2026, 3, 1),
        "platform": "google_ads",
        "account_id": "1",
        "spend": Decimal("100"),
        "clicks": 40,
        "impressions": 2000,
        "conversions": 4.0,
        "conversion_value": Decimal("600"),
        "sessions": 30,
        "leads": 3.0,
    },
    {
        "date": dt.date(2026, 3, 2),
        "platform": "meta",
        "account_id": "2",
        "spend": Decimal("50"),
        "clicks": 10,
        "impressions": 3000,
        "conversions": 1.0,
        "conversion_value": Decimal("150"),
        "sessions": None,
        "leads": 2.0,
    },
]


def _lead(lead_id: str, **stages: Any) -> dict[str, Any]:
    return {"platform": "hubspot", "account_id": "9", "lead_id": lead_id, "created_at": T, **stages}


LEADS = [
    _lead("1", became_mql_at=T, became_sql_at=T, became_customer_at=T),
    _lead("2", became_mql_at=T, became_sql_at=T),
    _lead("3", became_mql_at=T),
    _lead("4"),
    _lead("5", became_mql_at=T, became_customer_at=T, is_deleted=False),
    _lead("6", became_mql_at=T, became_sql_at=T, became_customer_at=T, is_deleted=True),
]

DEALS = [
    {
        "platform": "hubspot",
        "account_id": "9",
        "deal_id": "a",
        "amount": Decimal(1000),
        "is_closed_won": True,
    },
    {
        "platform": "hubspot",
        "account_id": "9",
        "deal_id": "b",
        "amount": Decimal(500),
        "is_closed_won": True,
    },
    {
        "platform": "hubspot",
        "account_id": "9",
        "deal_id": "c",
        "amount": Decimal(9999),
        "is_closed_won": False,
        "is_closed_lost": True,
    },
    {
        "platform": "hubspot",
        "account_id": "9",
        "deal_id": "d",
        "amount": Decimal(7777),
        "is_closed_won": True,
        "is_deleted": True,
    },
    {
        "platform": "hubspot",
        "account_id": "9",
        "deal_id": "e",
        "amount": None,
        "is_closed_won": True,
    },
]

# Search Console: a property day (anonymised queries in) and a query row of it.
SEARCH = [
    {"level": "property", "clicks": 12, "impressions": 600, "position": 4.5},
    {"level": "query", "query": "solar", "clicks": 9, "impressions": 400, "position": 3.0},
]
EMAILS = [
    {"email_id": "a", "sent": 1000, "unique_clicks": 40},
    {"email_id": "b", "sent": 200, "unique_clicks": 7},
]
RECORDS = {
    "performance": PERFORMANCE,
    "lead": LEADS,
    "deal": DEALS,
    "search_performance": SEARCH,
    "email_campaign": EMAILS,
}

# Worked out by hand from the records above. Spend 150, clicks 50, impressions 5000,
# conversions 5, conversion value 750, sessions 30 (one row has none).
# Leads not deleted: 1-5 -> 5; MQLs 1,2,3,5 -> 4; SQLs 1,2 -> 2; customers 1,5 -> 2.
# Closed-won, not deleted, with an amount: a + b = 1500.
EXPECTED = {
    "cpl": Decimal(30),  # 150 / 5
    "cpa": Decimal(30),  # 150 / 5
    "cpc": Decimal(3),  # 150 / 50
    "cpm": Decimal(30),  # 150 / 5000 * 1000
    "ctr": Decimal(1),  # 50 / 5000 * 100
    "conversion_rate": Decimal(10),  # 5 / 50 * 100
    "roas": Decimal(5),  # 750 / 150
    "roi": Decimal(900),  # (1500 - 150) / 150 * 100
    "cac": Decimal(75),  # 150 / 2
    "leads": Decimal(5),
    "people": Decimal(5),  # no two leads share an email or phone hash
    "mqls": Decimal(4),
    "sqls": Decimal(2),
    "customers": Decimal(2),
    "mql_to_sql_rate": Decimal(50),  # 2 / 4 * 100
    "lead_to_customer_rate": Decimal(40),  # 2 / 5 * 100
    "sessions": Decimal(30),
    "revenue": Decimal(1500),
    "clicks": Decimal(50),
    "impressions": Decimal(5000),
    "conversions": Decimal(5),
    "organic_clicks": Decimal(12),  # the property's row only
    "organic_impressions": Decimal(600),
    "average_position": Decimal("4.5"),  # the property's row only: 4.5 × 600 / 600
    "email_sends": Decimal(1200),
    "email_clicks": Decimal(47),
}


def test_catalogue_has_the_kpis_the_issue_names() -> None:
    named = {
        "cpl",
        "cpa",
        "cpc",
        "cpm",
        "ctr",
        "conversion_rate",
        "roas",
        "roi",
        "cac",
        "leads",
        "mqls",
        "sqls",
        "customers",
        "mql_to_sql_rate",
        "lead_to_customer_rate",
        "sessions",
        "revenue",
    }
    assert named <= set(BUILTIN_KPIS)
    assert set(EXPECTED) == set(BUILTIN_KPIS)


@pytest.mark.parametrize("kpi_id", sorted(EXPECTED))
def test_builtin_values(kpi_id: str) -> None:
    assert BUILTIN_KPIS[kpi_id].evaluate(RECORDS) == EXPECTED[kpi_id]


@pytest.mark.parametrize(
    ("kpi_id", "unit", "direction"),
    [
        ("cpl", KPIUnit.MONEY, Direction.LOWER),
        ("cpa", KPIUnit.MONEY, Direction.LOWER),
        ("cpc", KPIUnit.MONEY, Direction.LOWER),
        ("cpm", KPIUnit.MONEY, Direction.LOWER),
        ("cac", KPIUnit.MONEY, Direction.LOWER),
        ("ctr", KPIUnit.PERCENT, Direction.HIGHER),
        ("conversion_rate", KPIUnit.PERCENT, Direction.HIGHER),
        ("roi", KPIUnit.PERCENT, Direction.HIGHER),
        ("mql_to_sql_rate", KPIUnit.PERCENT, Direction.HIGHER),
        ("lead_to_customer_rate", KPIUnit.PERCENT, Direction.HIGHER),
        ("roas", KPIUnit.RATIO, Direction.HIGHER),
        ("leads", KPIUnit.COUNT, Direction.HIGHER),
        ("sessions", KPIUnit.COUNT, Direction.HIGHER),
        ("revenue", KPIUnit.MONEY, Direction.HIGHER),
        ("average_position", KPIUnit.POSITION, Direction.LOWER),
    ],
)
def test_units_and_directions(kpi_id: str, unit: KPIUnit, direction: Direction) -> None:
    kpi = BUILTIN_KPIS[kpi_id]
    assert (kpi.unit, kpi.direction) == (unit, direction)


def test_is_better_follows_direction() -> None:
    assert BUILTIN_KPIS["cpl"].is_better(Decimal(20), Decimal(30))
    assert not BUILTIN_KPIS["leads"].is_better(Decimal(20), Decimal(30))


def test_no_data_is_not_zero() -> None:
    assert BUILTIN_KPIS["leads"].evaluate({"performance": PERFORMANCE}) is None
    assert BUILTIN_KPIS["leads"].evaluate({"lead": []}) == 0
    assert BUILTIN_KPIS["sessions"].evaluate({"performance": [PERFORMANCE[1]]}) is None
    assert BUILTIN_KPIS["revenue"].evaluate({"deal": [DEALS[2]]}) == 0  # deals, none won
    assert BUILTIN_KPIS["cpl"].evaluate({"performance": PERFORMANCE, "lead": []}) is None
    assert BUILTIN_KPIS["roi"].evaluate({"performance": PERFORMANCE}) is None


def test_date_columns() -> None:
    assert BUILTIN_KPIS["leads"].measure is not None
    assert BUILTIN_KPIS["leads"].measure.date_column == "created_at"
    assert BUILTIN_KPIS["mqls"].measure is not None
    assert BUILTIN_KPIS["mqls"].measure.date_column == "became_mql_at"
    assert BUILTIN_KPIS["revenue"].measure is not None
    assert BUILTIN_KPIS["revenue"].measure.date_column == "close_date"
    assert BUILTIN_KPIS["cpc"].kinds == {RecordKind.PERFORMANCE}
    assert BUILTIN_KPIS["roi"].kinds == {RecordKind.PERFORMANCE, RecordKind.DEAL}


def _error(**measure: Any) -> str:
    with pytest.raises(ValidationError) as info:
        Measure.model_validate(measure)
    return str(info.value)


@pytest.mark.parametrize(
    ("column", "what"),
    [("users", "Distinct users"), ("reach", "Distinct people"), ("new_users", "First-time users")],
)
def test_sum_of_non_additive_column_is_refused(column: str, what: str) -> None:
    message = _error(sum=f"performance.{column}")
    assert f"cannot sum '{column}': it is not additive ({what}" in message
    assert "Additive metrics of performance records: impressions, clicks" in message


def test_sum_of_non_metric_is_refused() -> None:
    assert "cannot sum 'campaign_name': it is not a metric" in _error(
        sum="performance.campaign_name"
    )
    assert "cannot sum 'became_mql_at': it is not a metric" in _error(sum="lead.became_mql_at")


def test_sum_of_unknown_column_suggests() -> None:
    assert "performance records have no column 'spnd'. Did you mean 'spend'?" in _error(
        sum="performance.spnd"
    )


@pytest.mark.parametrize("text", ["spend", "perf.spend", "performance.", "deals.amount"])
def test_sum_needs_kind_and_column(text: str) -> None:
    assert "is written <kind>.<column>, e.g. performance.spend" in _error(sum=text)


def test_sum_of_extra_column_is_allowed() -> None:
    measure = Measure(sum="performance.extra.video_views")
    assert measure.column == "extra.video_views"
    rows = [{"extra": {"video_views": 7}}, {"extra": {"video_views": 5}}, {"extra": {}}]
    assert measure.evaluate({"performance": rows}) == 12


def test_measure_needs_exactly_one_aggregate() -> None:
    assert "give exactly one of 'sum'" in _error()
    assert "give exactly one of 'sum'" in _error(sum="performance.spend", count="lead")


def test_counting_performance_rows_is_refused() -> None:
    assert "counting performance records counts rows" in _error(count="performance")


def test_where_and_at_are_checked_against_the_kind() -> None:
    message = _error(count="lead", where=["became_mql is not null", "is_deleted == 1"], at="email")
    assert "where[0]: lead records have no column 'became_mql'. Did you mean 'became_mql_at'?" in (
        message
    )
    assert "where[1]: 'is_deleted' is a flag: compare it with true or false" in message
    assert "at: 'email' is not a date or timestamp column" in message
    assert "'amount' is a number" in _error(count="deal", where="amount > lots")


@pytest.mark.parametrize(
    ("text", "column", "op", "value"),
    [
        ("became_mql_at is not null", "became_mql_at", "is_not_null", None),
        ("became_sql_at   is   null", "became_sql_at", "is_null", None),
        ("is_closed_won == true", "is_closed_won", "eq", True),
        ("is_closed_won==false", "is_closed_won", "eq", False),
        ("stage_label = Won", "stage_label", "eq", "Won"),
        ("channel in [paid_search, paid_social]", "channel", "in", ("paid_search", "paid_social")),
        ("channel not in [email]", "channel", "not_in", ("email",)),
        ("amount >= 1000.50", "amount", "ge", Decimal("1000.50")),
        ("clicks < 3", "clicks", "lt", 3),
        ("extra.score > 70", "extra.score", "gt", 70),
        ("lead_status != 'BAD'", "lead_status", "ne", "BAD"),
    ],
)
def test_condition_text(text: str, column: str, op: str, value: Any) -> None:
    cond = Condition.model_validate(text)
    assert (cond.column, cond.op, cond.value) == (column, op, value)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("became_mql_at", "is not a condition"),
        ("a is not null 3", "nothing may follow 'is not null'"),
        ("a ==", "a value must follow '=='"),
        ("a in x", "'in' needs a non-empty list"),
        ("a in []", "'in' needs a non-empty list"),
        ("a > [1, 2]", "'>' compares with one value, not a list"),
    ],
)
def test_bad_condition_text(text: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as info:
        Condition.model_validate(text)
    assert fragment in str(info.value)


def test_condition_semantics_with_missing_values() -> None:
    row: dict[str, Any] = {"a": None, "b": 5, "extra": {"c": "x"}}
    assert Condition.model_validate("a is null").test(row)
    assert Condition.model_validate("missing is null").test(row)
    assert not Condition.model_validate("a == 1").test(row)
    assert Condition.model_validate("a != 1").test(row)
    assert not Condition.model_validate("a in [1]").test(row)
    assert Condition.model_validate("a not in [1]").test(row)
    assert not Condition.model_validate("a > 1").test(row)
    assert Condition.model_validate("b >= 5").test(row)
    assert not Condition.model_validate("b > 5").test(row)
    assert not Condition.model_validate("b > text").test(row)  # not comparable: not included
    assert Condition.model_validate("extra.c == x").test(row)
    assert str(Condition.model_validate("a in [1, true]")) == "a in [1, true]"


def test_kpi_formula_shapes() -> None:
    with pytest.raises(ValidationError, match="needs a formula"):
        KPI(id="x", name="X", unit=KPIUnit.COUNT, direction=Direction.HIGHER)
    with pytest.raises(ValidationError, match="a ratio needs both"):
        KPI.model_validate(
            {
                "id": "x",
                "name": "X",
                "unit": "money",
                "direction": "lower",
                "numerator": {"sum": "performance.spend"},
            }
        )
    with pytest.raises(ValidationError, match="not both"):
        KPI.model_validate(
            {
                "id": "x",
                "name": "X",
                "unit": "money",
                "direction": "lower",
                "measure": {"count": "lead"},
                "denominator": {"count": "lead"},
            }
        )


def test_custom_kpi_from_the_example(example_path: Path) -> None:
    from partnerkit.model import load_workspace

    ws = load_workspace(example_path)
    # platform leads: 3 + 2 = 5; spend 150 -> 30
    assert ws.kpi("platform_cpl").evaluate(RECORDS) == Decimal(30)
    # leads with an opportunity date among the five not deleted: lead 2 only -> 20%
    leads = [dict(r) for r in LEADS]
    leads[1]["became_opportunity_at"] = T
    assert ws.kpi("site_survey_rate").evaluate({"lead": leads}) == Decimal(20)


DOCS = Path(__file__).parents[2] / "docs" / "model.md"


def test_docs_table_matches_the_catalogue() -> None:
    """docs/model.md lists every built-in KPI with the formula, unit and direction in code."""
    rows = re.findall(
        r"^\| `([a-z_]+)` \| (.+?) \| `(.+?)` \| (\w+) \| (\w+) \|$",
        DOCS.read_text(encoding="utf-8"),
        flags=re.MULTILINE,
    )
    documented = {
        kpi_id: (formula, unit, direction) for kpi_id, _, formula, unit, direction in rows
    }
    assert documented == {
        k.id: (k.formula, k.unit.value, k.direction.value) for k in BUILTIN_KPIS.values()
    }


def test_people_and_inquiries() -> None:
    leads = [
        {"lead_id": "1", "email_hash": "e1"},
        {"lead_id": "2", "email_hash": "e1", "phone_hash": "p1"},  # 1 by email
        {"lead_id": "3", "phone_hash": "p1"},  # 2 by phone, so 1 too
        {"lead_id": "4", "merged_ids": ["5"]},  # the CRM merged 5 into 4
        {"lead_id": "5"},
        {"lead_id": "6", "is_deleted": True, "email_hash": "e9"},
        {"lead_id": "7"},
    ]
    # Inquiries: 6 records not deleted; people: {1, 2, 3}, {4, 5}, {7}.
    assert BUILTIN_KPIS["leads"].evaluate({"lead": leads}) == Decimal(6)
    assert BUILTIN_KPIS["people"].evaluate({"lead": leads}) == Decimal(3)
    assert BUILTIN_KPIS["leads"].lead_count == "inquiries"
    assert BUILTIN_KPIS["people"].lead_count == "people"
    assert BUILTIN_KPIS["cpl"].lead_count == "inquiries"
    assert BUILTIN_KPIS["cpc"].lead_count is None
    assert str(BUILTIN_KPIS["people"].measure) == (
        "count(distinct person of lead where is_deleted != true)"
    )
    with pytest.raises(ValueError, match="use it with count: lead"):
        Measure.model_validate({"count": "deal", "distinct": "person"})
