"""A result's displays (notebook HTML and ``str()``) round money to its minor unit.

The tables keep the exact values; only what is shown is rounded.
"""

import datetime as dt
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import ClassVar

import pandas as pd
import pyarrow as pa

from partnerkit.analysis import Result

sys.path.insert(0, str(Path(__file__).parent))
from _engagement_feb2028 import FEB, RATES, dataset, workspace

MONEY = pa.decimal128(38, 6)


class Spend(Result):
    """A row per account: spend in the row's currency, a ratio that is not money."""

    title = "Spend by account"

    def to_arrow(self) -> pa.Table:
        return pa.table(
            {
                "account": ["il", "jp", "kw", "none"],
                "currency": ["ILS", "JPY", "KWD", None],
                "spend": pa.array(
                    [Decimal("1234.5"), Decimal("100"), Decimal("1.23456"), None], MONEY
                ),
                "ctr_pct": pa.array(
                    [Decimal("100"), Decimal("0.125"), Decimal("2.5"), Decimal("0")], MONEY
                ),
            }
        )


@dataclass(frozen=True)
class Plan(Result):
    """Money in the result's own currency, in a column only the result knows is money."""

    currency: str
    planned: Decimal | int
    title: ClassVar[str] = "Plan"
    money_columns: ClassVar[tuple[str, ...]] = ("planned",)

    def to_arrow(self) -> pa.Table:
        return pa.table({"planned": [self.planned]})  # decimal, or int when given an int


def test_html_rounds_money_to_each_rows_currency() -> None:
    shown = Spend()._repr_html_()
    assert "<h4>Spend by account</h4>" in shown
    assert "<td>1,234.50</td>" in shown  # ILS: 2 places
    assert "<td>100</td><td>0.125</td>" in shown  # JPY: 0 places; the ratio is not money
    assert "<td>1.235</td>" in shown  # KWD: 3 places, 1.23456 rounded
    assert "000000" not in shown  # never the table's fixed six places


def test_str_is_an_aligned_text_table() -> None:
    assert str(Spend()).splitlines() == [
        "Spend by account",
        "account  currency  spend     ctr_pct",
        "il       ILS       1,234.50      100",
        "jp       JPY            100    0.125",
        "kw       KWD          1.235      2.5",
        "none                               0",
    ]


def test_a_declared_money_column_uses_the_results_currency() -> None:
    assert "<td>100</td>" in Plan("JPY", Decimal("99.5"))._repr_html_()  # half to even
    assert "<td>100.00</td>" in Plan("ILS", 100)._repr_html_()  # an int amount too
    assert str(Plan("ILS", Decimal("100"))).splitlines() == ["Plan", "planned", " 100.00"]


def test_the_data_keeps_the_exact_amounts() -> None:
    assert Spend().to_arrow().column("spend")[2].as_py() == Decimal("1.234560")
    df = Spend().to_pandas()
    assert df["spend"].dtype == pd.Float64Dtype()
    assert df["spend"].tolist()[:3] == [1234.5, 100.0, 1.23456]
    assert df["ctr_pct"].dtype == pd.Float64Dtype()


def test_a_real_results_spend_is_shown_in_the_workspace_currency() -> None:
    from partnerkit.analysis.budget import budget_report

    report = budget_report(workspace(), dataset(), FEB, as_of=dt.date(2028, 2, 29), rates=RATES)
    shown = report._repr_html_()
    assert "<td>600.00</td>" in shown  # paid_search spend, ILS (see test_budget.py)
    assert "600.000000" not in shown
    assert report.to_pandas()["spend"].dtype == pd.Float64Dtype()


@dataclass(frozen=True)
class Kpis(Result):
    """Like a KPI table: the ``unit`` column says which rows' values are money."""

    currency: str = "ILS"
    title: ClassVar[str] = "KPIs"
    money_columns: ClassVar[tuple[str, ...]] = ("value", "target")

    def to_arrow(self) -> pa.Table:
        return pa.table(
            {
                "kpi": ["cpl", "leads", "ctr"],
                "unit": ["money", "count", "ratio"],
                "value": pa.array([Decimal("108.333333"), Decimal("6"), Decimal("0.0125")], MONEY),
                "target": pa.array([Decimal("100"), Decimal("10"), None], MONEY),
            }
        )


def test_a_unit_column_says_which_rows_hold_money() -> None:
    assert str(Kpis()).splitlines() == [
        "KPIs",
        "kpi    unit   value   target",
        "cpl    money  108.33  100.00",  # ILS, the result's currency: 2 places
        "leads  count       6      10",  # a count is not money
        "ctr    ratio  0.0125",
    ]
