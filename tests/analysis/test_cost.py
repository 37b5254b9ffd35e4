"""The cost of the partnership, February 2028 of _engagement_feb2028.py, worked by hand.

February (rates USD 3.5): media spend 400 + 200 + 350 + 50 = 1000; leads L1, L2, L4,
L6, L7, L9 = 6; new customers L1 (Feb 20), L4 (Feb 25), L8 (Feb 2) = 3; revenue won
5000 + 1000 × 3.5 + 800 + 300 = 9600. The fixture's contract: retainer 10000, management
fee 10 % of media spend, at least 150.
"""

import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from _engagement_feb2028 import FEB, RATES, dataset, workspace

from partnerkit.analysis.cost import partnership_cost
from partnerkit.errors import WorkspaceError

DATA = dataset()
END_FEB = dt.date(2028, 2, 29)


def contract(**parts: Any) -> dict[str, Any]:
    """The fixture's contract with parts replaced."""
    out: dict[str, Any] = {
        "start": dt.date(2027, 12, 1),
        "pricing": {"kind": "retainer", "monthly_fee": 10000},
        "management_fee": {"percent_of_spend": 10, "minimum_monthly": 150},
    }
    return {k: v for k, v in {**out, **parts}.items() if v is not None}


def test_retainer_and_percent_of_media() -> None:
    cost = partnership_cost(workspace(), DATA, FEB, as_of=END_FEB, rates=RATES)
    assert [(x.code, x.amount) for x in cost] == [("retainer", 10000), ("management_fee", 150)]
    # 10 % of 1000 is 100, below the 150 minimum
    assert cost.line("management_fee").basis == {
        "media_spend": 1000,
        "percent": 10,
        "minimum_monthly": 150,
    }
    assert (cost.media_spend, cost.fees, cost.total_cost) == (1000, 10150, 11150)


def test_cpl_cac_roi_on_media_and_on_total_cost() -> None:
    cost = partnership_cost(workspace(), DATA, FEB, as_of=END_FEB, rates=RATES)
    assert cost.kpi("cpl").value == Decimal(1000) / 6
    assert cost.kpi("cpl_total_cost").value == Decimal(11150) / 6
    assert cost.kpi("cac").value == Decimal(1000) / 3
    assert cost.kpi("cac_total_cost").value == Decimal(11150) / 3
    # ROI: (revenue − cost) / cost × 100
    assert cost.kpi("roi").value == 860  # (9600 − 1000) / 1000
    assert cost.kpi("roi_total_cost").value == Decimal(9600 - 11150) / 11150 * 100
    assert [(k.kpi, k.on) for k in cost.kpis] == [
        ("cpl", "media"),
        ("cac", "media"),
        ("roi", "media"),
        ("cpl_total_cost", "total_cost"),
        ("cac_total_cost", "total_cost"),
        ("roi_total_cost", "total_cost"),
    ]
    assert cost.revenue == 9600
    assert cost.revenue_per_fee == Decimal(9600) / 10150


def test_bank_of_hours_with_overage() -> None:
    ws = workspace(
        contract=contract(
            pricing={"kind": "bank_of_hours", "hours": 40, "hourly_rate": 200, "overage_rate": 250},
            management_fee=None,
        )
    )
    cost = partnership_cost(ws, DATA, FEB, as_of=END_FEB, rates=RATES, hours_used={FEB: 46})
    # the bank: 40 × 200 = 8000; 6 hours over at 250 = 1500
    assert cost.line("bank_of_hours").amount == 8000
    overage = cost.line("overage")
    assert overage.amount == 1500
    assert overage.basis["overage_hours"] == 6
    assert (cost.fees, cost.total_cost) == (9500, 10500)
    assert cost.kpi("cpl_total_cost").value == Decimal(10500) / 6
    # within the bank: no overage
    under = partnership_cost(ws, DATA, FEB, as_of=END_FEB, rates=RATES, hours_used={FEB: "30.5"})
    assert (under.line("overage").amount, under.fees) == (0, 8000)


def test_overage_without_hours_used_is_not_computable() -> None:
    ws = workspace(
        contract=contract(pricing={"kind": "bank_of_hours", "hours": 40, "hourly_rate": 200})
    )
    cost = partnership_cost(ws, DATA, FEB, as_of=END_FEB, rates=RATES)
    overage = cost.line("overage")
    assert (overage.amount, overage.status) == (None, "hours_used_missing")
    assert (cost.fees, cost.total_cost) == (None, None)
    assert cost.kpi("cpl").value == Decimal(1000) / 6
    total = cost.kpi("cpl_total_cost")
    assert (total.value, total.reason) == (None, "fees_not_computable")


def test_quarterly_bank_is_charged_in_the_quarters_first_month() -> None:
    ws = workspace(
        contract=contract(
            pricing={"kind": "bank_of_hours", "hours": 100, "hourly_rate": 200, "per": "quarter"},
            management_fee=None,
        )
    )
    assert partnership_cost(ws, DATA, FEB, as_of=END_FEB, rates=RATES).fees == 0
    january = partnership_cost(ws, DATA, "2028-01", as_of=dt.date(2028, 1, 31), rates=RATES)
    assert [(x.code, x.amount) for x in january] == [("bank_of_hours", 20000)]


def test_per_lead_and_per_sale_performance_fees() -> None:
    ws = workspace(
        contract=contract(
            performance_fees=[
                {"id": "per-lead", "per": "lead", "amount": 50},
                {"id": "per-sale", "per": "sale", "amount": 400},
            ]
        )
    )
    cost = partnership_cost(ws, DATA, FEB, as_of=END_FEB, rates=RATES)
    lead = cost.line("performance_fee", "per-lead")
    assert (lead.amount, lead.basis) == (300, {"count": 6, "per_unit": 50})  # 6 × 50
    assert cost.line("performance_fee", "per-sale").amount == 1200  # 3 × 400
    assert cost.fees == 10000 + 150 + 300 + 1200
    assert cost.kpi("cac_total_cost").value == Decimal(1000 + 11650) / 3


def bonus_ws(value: int) -> Any:
    return workspace(
        contract=contract(bonuses=[{"id": "leads-bonus", "amount": 2000, "target": "feb-leads"}]),
        targets=[{"id": "feb-leads", "kpi": "leads", "value": value, "period": "2028-02"}],
    )


def test_a_bonus_is_paid_when_its_target_is_met() -> None:
    met = partnership_cost(bonus_ws(6), DATA, FEB, as_of=END_FEB, rates=RATES)
    bonus = met.line("bonus", "leads-bonus")
    assert (bonus.amount, bonus.status, bonus.basis["actual"]) == (2000, "earned", 6)
    assert met.fees == 10000 + 150 + 2000
    # 6 leads against 7: 14 % short, off track
    missed = partnership_cost(bonus_ws(7), DATA, FEB, as_of=END_FEB, rates=RATES)
    assert (missed.line("bonus").amount, missed.line("bonus").status) == (0, "not_earned")
    # mid-month: not judged yet
    early = partnership_cost(bonus_ws(6), DATA, FEB, as_of=dt.date(2028, 2, 10), rates=RATES)
    assert early.line("bonus").status == "pending"


def test_a_bonus_names_a_target_of_the_workspace() -> None:
    with pytest.raises(WorkspaceError, match="nope"):
        workspace(
            contract=contract(bonuses=[{"id": "b", "amount": 1, "target": "nope"}]), targets=[]
        )


def test_no_fees_and_nothing_per_fee() -> None:
    ws = workspace(
        contract=contract(
            pricing={
                "kind": "per_project",
                "projects": [
                    {"id": "site", "name": "Site", "fee": 5000, "due": dt.date(2028, 3, 15)}
                ],
            },
            management_fee=None,
        )
    )
    cost = partnership_cost(ws, DATA, FEB, as_of=END_FEB, rates=RATES)
    assert (cost.fees, cost.total_cost, cost.revenue_per_fee) == (0, 1000, None)
    march = partnership_cost(ws, DATA, "2028-03", as_of=dt.date(2028, 3, 31), rates=RATES)
    assert [(x.code, x.ref, x.amount) for x in march] == [("project", "site", 5000)]
    assert march.to_arrow().column("code").to_pylist() == [
        "project",
        "media_spend",
        "fees",
        "total_cost",
    ]


def test_no_fees_in_a_month_the_contract_does_not_reach() -> None:
    ws = workspace(contract=contract(end=dt.date(2028, 1, 31)))  # ended in January
    cost = partnership_cost(ws, DATA, FEB, as_of=END_FEB, rates=RATES)
    assert (list(cost), cost.fees, cost.total_cost) == ([], 0, 1000)
    assert cost.kpi("cpl_total_cost").value == cost.kpi("cpl").value
