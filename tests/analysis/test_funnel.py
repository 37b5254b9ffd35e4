"""Funnel, revenue by source and the lead definition on _engagement_feb2028.py, worked by hand.

February 2028 cohort (leads created in February in Jerusalem, not deleted):
  L1 google-search  mql Feb 4, sql Feb 6, opp Feb 10, customer Feb 20 (every 10:00)
  L2 google-search  mql Mar 2 (2 days after creation)
  L4 organic        mql Feb 16, sql Feb 19, customer Feb 25 (skips opportunity)
  L6 meta-ads       —
  L7 unattributed   —
  L9 google-search  sql Feb 5 22:30, 5 days after creation (skips MQL)
Reached: lead 6; MQL L1 L2 L4 L9 = 4; SQL L1 L4 L9 = 3; opportunity L1 L4 = 2;
customer L1 L4 = 2.
Days in stage (to the next stage entered):
  lead:        L1 1, L2 2, L4 1, L9 5  → median 1.5
  MQL:         L1 2 (Feb 4→6), L4 3 (Feb 16→19) → median 2.5
  SQL:         L1 4 (Feb 6→10), L4 6 (Feb 19→25, to customer) → median 5
  opportunity: L1 10 (Feb 10→20) → median 10
January cohort: L8 (created Jan 20 12:00, customer Feb 2 12:00: 13 days as a lead).
"""

import datetime as dt
import re
import sys
from decimal import Decimal
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from _engagement_feb2028 import FEB, RATES, dataset, workspace

from partnerkit.analysis.funnel import (
    STAGES,
    funnel,
    lead_quality,
    revenue_by_source,
)
from partnerkit.analysis.kpis import compute_kpi, evaluate_targets
from partnerkit.errors import ConfigurationError
from partnerkit.model import BUILTIN_KPIS, TargetStatus, Workspace
from partnerkit.model.loader import parse_workspace

WS = workspace()
DATA = dataset()
END_FEB = dt.date(2028, 2, 29)


def same(a: Decimal | None, b: Decimal | int | str) -> bool:
    assert a is not None
    return abs(a - Decimal(b)) < Decimal("1e-18")


def counts(result, source="all", cohort="all") -> list[int]:
    return [result.get(stage, source, cohort).count for stage, _ in STAGES]


def test_february_cohort_counts_and_rates() -> None:
    result = funnel(WS, DATA, FEB)
    assert counts(result) == [6, 4, 3, 2, 2]
    mql = result.get("mql")
    assert same(mql.step_rate, Decimal(4) / 6 * 100)
    assert same(result.get("sql").step_rate, 75)  # 3 / 4
    assert same(result.get("opportunity").step_rate, Decimal(2) / 3 * 100)
    assert same(result.get("customer").step_rate, 100)  # 2 / 2
    assert [result.get(s).cumulative_rate for s, _ in STAGES][1:] == [
        Decimal(4) / 6 * 100,
        Decimal(3) / 6 * 100,
        Decimal(2) / 6 * 100,
        Decimal(2) / 6 * 100,
    ]
    assert result.get("lead").step_rate is None


def test_median_days_in_each_stage() -> None:
    result = funnel(WS, DATA, FEB)
    medians = [result.get(s).median_days for s, _ in STAGES]
    assert medians == [Decimal("1.5"), Decimal("2.5"), Decimal(5), Decimal(10), None]
    assert [result.get(s).moved_on for s, _ in STAGES] == [4, 2, 2, 1, 0]


def test_by_source_and_cohort_month() -> None:
    result = funnel(WS, DATA, (dt.date(2028, 1, 1), END_FEB))
    # google-search: L1, L2, L9 in February (L9 created Jan 31 22:30 UTC is Feb 1 here)
    assert counts(result, "google-search", "2028-02") == [3, 3, 2, 1, 1]
    assert counts(result, "google-search", "2028-01") == [1, 1, 1, 1, 1]  # L8 skipped to customer
    assert counts(result, "organic", "2028-02") == [1, 1, 1, 1, 1]
    assert counts(result, "meta-ads") == [1, 0, 0, 0, 0]
    assert counts(result, "(unattributed)") == [1, 0, 0, 0, 0]  # L7
    assert counts(result, "linkedin") == [0, 0, 0, 0, 0]  # a source without leads shows
    assert result.get("mql", "linkedin").step_rate is None  # 0 of 0: not computable
    assert counts(result, "all", "2028-01") == [1, 1, 1, 1, 1]
    assert counts(result) == [7, 5, 4, 3, 3]
    # the lead stage over both months: 1, 2, 1, 5 and L8's 13 → median 2 (not a
    # median of the monthly medians)
    assert result.get("lead").median_days == 2
    sources = list(dict.fromkeys(s.source for s in result))
    assert sources == ["google-search", "meta-ads", "linkedin", "organic", "(unattributed)", "all"]


def test_cohorts_are_months_in_the_workspace_time_zone() -> None:
    ny = workspace(tz="America/New_York")
    result = funnel(ny, DATA, (dt.date(2028, 1, 1), END_FEB))
    # New York: L6 and L9 were created on Jan 31; L3 on Feb 29
    assert counts(result, "all", "2028-01")[0] == 3  # L6 L8 L9
    assert counts(result, "all", "2028-02")[0] == 5  # L1 L2 L3 L4 L7


def test_revenue_by_source_puts_spend_and_revenue_on_one_row() -> None:
    result = revenue_by_source(WS, DATA, FEB, as_of=END_FEB, rates=RATES)
    google = result.get("google-search")
    # spend 600; leads 3; customers L1 L8; won deals D1 5000 + D2 1000 USD (3500)
    assert (google.spend, google.leads, google.customers) == (600, 3, 2)
    assert (google.won_deals, google.revenue) == (2, 8500)
    assert google.cpl == 200  # 600 / 3
    assert google.cac == 300  # 600 / 2
    assert same(google.roi, Decimal(8500 - 600) / 600 * 100)  # 1316.67 %
    linkedin = result.get("linkedin")
    # spend without leads, customers or revenue: CPL and CAC not computable
    assert (linkedin.spend, linkedin.cpl, linkedin.cac, linkedin.roi) == (350, None, None, -100)
    assert "is 0" in (linkedin.value("cpl").reason or "")
    organic = result.get("organic")
    assert (organic.spend, organic.leads, organic.customers, organic.revenue) == (0, 1, 1, 0)
    assert organic.roi is None  # no spend: ROI not computable
    other = result.get("(unattributed)")
    assert (other.spend, other.won_deals, other.revenue) == (50, 2, 1100)  # D4 800 + D6 300
    total = result.get("all")
    assert (total.spend, total.revenue, total.won_deals) == (1000, 9600, 4)
    rows = [r for r in result if r.source != "all"]
    assert sum(r.revenue or 0 for r in rows) == total.revenue
    assert sum(r.spend or 0 for r in rows) == total.spend
    frame = result.to_pandas()
    assert list(frame["source"]) == [
        "google-search",
        "meta-ads",
        "linkedin",
        "organic",
        "(unattributed)",
        "all",
    ]


def test_revenue_by_latest_source() -> None:
    result = revenue_by_source(WS, DATA, FEB, as_of=END_FEB, rates=RATES, attribution="latest")
    assert result.get("google-search").revenue == 5000
    assert result.get("organic").revenue == 3500  # D2: L8's latest source is organic
    assert result.get("organic").won_deals == 1


def test_lead_quality_by_source() -> None:
    result = lead_quality(WS, DATA, FEB)
    rows = {r.source: (r.leads, r.sales_ready, r.nurture, r.disqualified) for r in result}
    assert rows == {
        "google-search": (3, 2, 1, 0),  # L1 (800) and L9 (600) ready; L2 (500) nurture
        "meta-ads": (1, 0, 0, 1),  # L6 is not a homeowner
        "linkedin": (0, 0, 0, 0),
        "organic": (1, 1, 0, 0),  # L4 (900)
        "(unattributed)": (1, 0, 0, 1),  # L7 has no properties: disqualified
        "all": (6, 3, 1, 2),
    }
    assert same(result.get("google-search").sales_ready_share, Decimal(2) / 3 * 100)
    assert result.get("linkedin").sales_ready_share is None
    assert result.get("all").sales_ready_share == 50
    assert result.definition == "A homeowner with a bill of at least 600 ILS a month."
    # the same count as the derived KPI, built from the same conditions
    assert compute_kpi(WS, DATA, "sales_ready_leads", FEB, as_of=END_FEB).value == 3


def test_lead_quality_needs_a_lead_definition() -> None:
    ws = workspace(lead_definition=None)
    with pytest.raises(ConfigurationError, match="no lead_definition"):
        lead_quality(ws, DATA, FEB)


def test_shared_targets_are_evaluated_like_any_other() -> None:
    # "50 leads a month, 10 of them sales-ready" and "10 closed deals a month", scaled
    # down to this dataset: 5 leads, 4 sales-ready (bands 0 / 30), 3 closed deals
    ws = workspace(
        kpis=[
            {
                "id": "ready_leads",
                "name": "Sales-ready leads",
                "unit": "count",
                "direction": "higher",
                "measure": {
                    "count": "lead",
                    "where": [
                        "extra.homeowner == true",
                        "extra.monthly_bill >= 600",
                        "is_deleted != true",
                    ],
                },
            },
            {
                "id": "closed_deals",
                "name": "Closed deals",
                "unit": "count",
                "direction": "higher",
                "measure": {"count": "deal", "where": ["is_closed_won == true"]},
            },
        ],
        targets=[
            {"id": "leads", "kpi": "leads", "period": "monthly", "value": 5, "owner": "partner"},
            {
                "id": "ready",
                "kpi": "ready_leads",
                "period": "monthly",
                "value": 4,
                "tolerance": {"on_track": 0, "at_risk": 30},
                "owner": "partner",
            },
            {"id": "deals", "kpi": "closed_deals", "period": "monthly", "value": 3},
        ],
    )
    table = evaluate_targets(ws, DATA, FEB, as_of=END_FEB, rates=RATES)
    got = {v.target_id: (v.value, v.status) for v in table}
    assert got == {
        "leads": (6, TargetStatus.ON_TRACK),
        # 3 against 4: 25 % short, within the 30 % band
        "ready": (3, TargetStatus.AT_RISK),
        # D1 D2 D4 D6 closed won in February
        "deals": (4, TargetStatus.ON_TRACK),
    }


def test_table_views() -> None:
    result = funnel(WS, DATA, FEB)
    frame = result.to_pandas()
    assert set(frame["stage"]) == {s for s, _ in STAGES}
    assert result.to_polars().height == len(result.stages)
    assert "Funnel by source" in result._repr_html_()
    assert lead_quality(WS, DATA, FEB).to_arrow().num_rows == 6


# ------------------------------------------------------------------------- the docs

DOCS = Path(__file__).parents[2] / "docs" / "analysis"


def test_the_yaml_of_the_funnel_page_is_a_valid_workspace() -> None:
    text = (DOCS / "funnel.md").read_text(encoding="utf-8")
    snippets = re.findall(r"```yaml\n(.*?)```", text, re.S)
    head = "version: 1\nname: Docs\ncurrency: ILS\ntimezone: Asia/Jerusalem\n"
    ws = parse_workspace(head + "".join(snippets))
    assert isinstance(ws, Workspace)
    assert [t.id for t in ws.targets] == ["leads", "sales-ready", "nurture", "closed-deals"]


def test_the_kpi_page_covers_every_built_in_kpi() -> None:
    text = (DOCS / "kpis.md").read_text(encoding="utf-8")
    for kpi in BUILTIN_KPIS:
        assert f"`{kpi}`" in text, kpi
