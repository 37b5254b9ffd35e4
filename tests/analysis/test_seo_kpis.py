"""KPIs on organic search and email: the built-ins and non-brand clicks, worked by hand.

The rows are tests/analysis/test_seo.py's (October: property 100 clicks and 4,000
impressions; query rows crm software 40, pricing 20, brand x 25 clicks) and one email send.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from partnerkit.analysis import Dataset, compute_kpis
from partnerkit.model import KPI, Condition
from tests.analysis.test_seo import PROPERTY, QUERIES
from tests.report._helpers import small_workspace

NON_BRAND = KPI.model_validate(
    {
        "id": "non_brand_organic_clicks",
        "name": "Non-brand organic clicks",
        "unit": "count",
        "direction": "higher",
        "measure": {
            "sum": "search_performance.clicks",
            "where": ["level == query", "query not contains [Brand X, brandx]"],
        },
    }
)
SEND = {
    "date": dt.date(2026, 10, 6),
    "platform": "mailchimp",
    "account_id": "us1",
    "email_id": "A",
    "sent": 5000,
    "delivered": 4900,
    "unique_clicks": 392,
}


@pytest.fixture(scope="module")
def data() -> Any:
    dataset = Dataset.from_records(
        {"search_performance": PROPERTY + QUERIES, "email_campaign": [SEND]}
    )
    yield dataset
    dataset.close()


def test_organic_and_email_builtins(data: Any) -> None:
    table = compute_kpis(
        small_workspace(),
        data,
        "2026-10",
        kpis=["organic_clicks", "organic_impressions", "email_sends", "email_clicks"],
    )
    # property rows only: the query rows would count the same clicks twice
    assert table.get("organic_clicks").value == Decimal(100)
    assert table.get("organic_clicks").previous == Decimal(80)
    assert table.get("organic_impressions").value == Decimal(4000)
    assert table.get("email_sends").value == Decimal(5000)
    assert table.get("email_clicks").value == Decimal(392)


def test_non_brand_clicks_leave_out_queries_holding_a_brand_term(data: Any) -> None:
    # crm software 30 + 10, pricing 20; brand x (25) is left out, case-insensitively
    table = compute_kpis(small_workspace(), data, "2026-10", kpis=[NON_BRAND])
    assert table.get("non_brand_organic_clicks").value == Decimal(60)
    # September: crm software 50, pricing 5, old query 12
    assert table.get("non_brand_organic_clicks").previous == Decimal(67)


def test_contains_as_the_model_tests_it() -> None:
    brand = Condition.model_validate("query contains [brand x, BrandX]")
    assert (brand.op, brand.value) == ("contains", ("brand x", "BrandX"))
    assert brand.test({"query": "buy BRANDX shoes"}) is True
    assert brand.test({"query": "crm"}) is False
    assert brand.test({"query": None}) is False
    other = Condition.model_validate("query not contains [brand x]")
    assert other.test({"query": None}) is True
    assert str(other) == "query not contains [brand x]"
    with pytest.raises(ValueError, match="non-empty list"):
        Condition.model_validate("query contains brand")
