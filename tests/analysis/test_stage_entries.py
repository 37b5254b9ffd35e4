"""Funnel stages entered in each month (``stage_entries``), worked by hand.

The workspace of ``_engagement_feb2028.py`` (Asia/Jerusalem: UTC+3 until DST ends on
Sun 31 Oct 2027, then UTC+2; sources by original source: PAID_SEARCH google-search,
PAID_SOCIAL meta-ads, ORGANIC_SEARCH organic). Leads (UTC → Jerusalem):

  K1 PAID_SEARCH     created Sep 20; MQL Oct 12; SQL Nov 3 (its stage now: SQL)
  K2 ORGANIC_SEARCH  created Oct 5 (no lead date: enters 'lead' at creation);
                     MQL 10-31 22:30 UTC = Nov 1 00:30 here (after DST: UTC+2);
                     customer Nov 20 (skips SQL and opportunity)
  K3 PAID_SEARCH     created Oct 10, deleted: never counted
  K4 PAID_SOCIAL     created Nov 2, became a lead Nov 4: a November lead
  K5 REFERRALS       created 09-30 21:30 UTC = Oct 1 00:30 here (UTC+3): October, no source

October: lead K2 K5 = 2, MQL K1 = 1. November: lead K4, MQL K2, SQL K1, customer K2.
K1 is October's MQL and November's SQL — once in each month.
"""

import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _engagement_feb2028 import lead, workspace

from partnerkit.analysis import Dataset
from partnerkit.analysis.funnel import STAGES, stage_entries

WS = workspace()
LEADS = [
    lead(
        "K1",
        "PAID_SEARCH",
        "2027-09-20 09:00",
        became_mql_at="2027-10-12 09:00",
        became_sql_at="2027-11-03 09:00",
        lifecycle_stage="salesqualifiedlead",
    ),
    lead(
        "K2",
        "ORGANIC_SEARCH",
        "2027-10-05 09:00",
        became_mql_at="2027-10-31 22:30",
        became_customer_at="2027-11-20 09:00",
    ),
    lead("K3", "PAID_SEARCH", "2027-10-10 09:00", is_deleted=True),
    lead("K4", "PAID_SOCIAL", "2027-11-02 09:00", became_lead_at="2027-11-04 09:00"),
    lead("K5", "REFERRALS", "2027-09-30 21:30"),
]
PERIOD = (dt.date(2027, 10, 1), dt.date(2027, 11, 30))


def counts(result, source: str = "all", month: str = "all") -> list[int]:
    return [result.get(stage, source, month).count for stage, _ in STAGES]


def test_a_lead_counts_in_the_month_it_entered_each_stage() -> None:
    result = stage_entries(WS, Dataset.from_records({"lead": LEADS}), PERIOD)
    #                                lead mql sql opp customer
    assert counts(result, month="2027-10") == [2, 1, 0, 0, 0]
    assert counts(result, month="2027-11") == [1, 1, 1, 0, 1]
    assert counts(result) == [3, 2, 1, 0, 1]
    # K1: October's MQL and November's SQL, once each
    assert counts(result, "google-search", "2027-10") == [0, 1, 0, 0, 0]
    assert counts(result, "google-search", "2027-11") == [0, 0, 1, 0, 0]
    # K2: an October lead, a November MQL (just after midnight here) and customer
    assert counts(result, "organic", "2027-10") == [1, 0, 0, 0, 0]
    assert counts(result, "organic", "2027-11") == [0, 1, 0, 0, 1]
    assert counts(result, "meta-ads", "2027-11") == [1, 0, 0, 0, 0]
    assert counts(result, "(unattributed)", "2027-10") == [1, 0, 0, 0, 0]


def test_every_source_month_and_stage_has_a_row() -> None:
    result = stage_entries(WS, Dataset.from_records({"lead": LEADS}), PERIOD)
    assert counts(result, "linkedin", "2027-11") == [0, 0, 0, 0, 0]
    sources = ["google-search", "meta-ads", "linkedin", "organic", "(unattributed)", "all"]
    assert len(result.entries) == len(sources) * 3 * len(STAGES)  # Oct, Nov, all
    assert result.to_arrow().column_names == ["source", "month", "stage", "count"]


def test_one_month_only_counts_its_own_entries() -> None:
    result = stage_entries(WS, Dataset.from_records({"lead": LEADS}), "2027-11")
    assert counts(result) == [1, 1, 1, 0, 1]
    assert [e.month for e in result if e.source == "all" and e.stage == "lead"] == [
        "2027-11",
        "all",
    ]


def test_the_month_evaluation_carries_the_months_entries() -> None:
    from partnerkit.analysis import evaluate_month

    ev = evaluate_month(
        WS, Dataset.from_records({"lead": LEADS}), "2027-11", as_of=dt.date(2027, 12, 5)
    )
    assert ev.stage_entries is not None, ev.errors
    assert counts(ev.stage_entries) == [1, 1, 1, 0, 1]
