"""The lead agreement end to end on _engagement_feb2028.py, worked by hand (issue #22).

The lead definition: sales-ready = homeowner with a bill of at least 600 ILS; nurture =
the other homeowners; the rest are disqualified.

February leads (Jerusalem): L1 (800, homeowner), L2 (500, homeowner), L4 (900), L6 (not
a homeowner), L7 (no properties), L9 (600). Sales-ready: L1 L4 L9 = 3. Nurture: L2 = 1
(homeowners L1 L2 L4 L9 = 4, minus the 3 that are also sales-ready). Disqualified: L6 L7.

Joint closed deals (closed-won in February, tied to a lead): D1 [L1], D2 [L4, L8],
D4 [L7] = 3. D6 is won but has no lead; D3 is lost; D5 closes on March 1 (Jerusalem).
By source (a deal's first lead): D1 and D2 (first lead L8) are google-search's: 2.
"""

import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from _engagement_feb2028 import FEB, RATES, dataset, workspace
from _row_builders import at, lead
from _row_builders import workspace as small_workspace

from partnerkit.analysis import Dataset
from partnerkit.analysis.funnel import lead_quality
from partnerkit.analysis.health import Survey
from partnerkit.analysis.kpis import compute_kpi, evaluate_targets
from partnerkit.analysis.sla import sla_compliance
from partnerkit.errors import WorkspaceError
from partnerkit.model import TargetStatus
from partnerkit.model.loader import parse_workspace

WS = workspace()
DATA = dataset()
END_FEB = dt.date(2028, 2, 29)


def value(kpi: str, **scope: str) -> object:
    return compute_kpi(WS, DATA, kpi, FEB, scope=scope or "all", as_of=END_FEB, rates=RATES).value


def test_the_agreement_kpis_count_by_hand() -> None:
    assert value("sales_ready_leads") == 3
    assert value("nurture_leads") == 1
    assert value("joint_closed_deals") == 3


def test_the_agreement_kpis_by_source() -> None:
    assert value("sales_ready_leads", source="google-search") == 2  # L1, L9
    assert value("nurture_leads", source="google-search") == 1  # L2
    assert value("nurture_leads", source="meta-ads") == 0  # L6 is disqualified
    assert value("joint_closed_deals", source="google-search") == 2  # D1, D2


def test_nurture_takes_every_other_lead_when_its_list_is_empty() -> None:
    ws = workspace(lead_definition={"sales_ready": ["extra.monthly_bill >= 600"]})
    # 6 February leads; L1 (800), L4 (900), L6 (1000), L9 (600) are sales-ready: the
    # other two, L2 (500) and L7 (no bill), go to nurture
    assert compute_kpi(ws, DATA, "sales_ready_leads", FEB, as_of=END_FEB).value == 4
    assert compute_kpi(ws, DATA, "nurture_leads", FEB, as_of=END_FEB).value == 2


def test_targets_name_the_agreement_kpis() -> None:
    # "50 leads a month of which 10 sales-ready; 10 closed deals together", scaled down
    ws = workspace(
        targets=[
            {"id": "ready", "kpi": "sales_ready_leads", "period": "monthly", "value": 3},
            {"id": "nurture", "kpi": "nurture_leads", "period": "monthly", "value": 2},
            {"id": "joint", "kpi": "joint_closed_deals", "period": "monthly", "value": 3},
        ]
    )
    table = evaluate_targets(ws, DATA, FEB, as_of=END_FEB, rates=RATES)
    got = {v.target_id: (v.value, v.status) for v in table}
    assert got == {
        "ready": (3, TargetStatus.ON_TRACK),
        "nurture": (1, TargetStatus.OFF_TRACK),  # half of 2: beyond the default band
        "joint": (3, TargetStatus.ON_TRACK),
    }


# ---------------------------------------------------------------- lead quality
#
# Sales' survey answers: google-search rated 4 (Feb 10) and 2 (Feb 20): mean 3 over 2
# answers; every lead rated 3 (the month 2028-02): 3 over 1; google-search rated 5 in
# January (another period) and a partner answer without a lead-quality rating: left out.

SURVEY = Survey.from_rows(
    [
        {"date": "2028-02-10", "side": "sales", "lead_quality": 4, "lead_source": "google-search"},
        {"date": "2028-02-20", "side": "sales", "lead_quality": 2, "lead_source": "google-search"},
        {"date": "2028-02", "side": "sales", "lead_quality": 3},
        {"date": "2028-01-15", "side": "sales", "lead_quality": 5, "lead_source": "google-search"},
        {"date": "2028-02-11", "side": "partner", "trust": 4},
    ]
)


def test_lead_quality_carries_sales_survey_score_by_source() -> None:
    result = lead_quality(WS, DATA, FEB, survey=SURVEY)
    rows = {r.source: (r.sales_ready_share, r.survey_score, r.survey_answers) for r in result}
    share = rows["google-search"][0]
    assert share is not None
    assert abs(share - Decimal(200) / 3) < Decimal("1e-18")  # 2 of 3
    assert rows["google-search"][1:] == (3, 2)
    assert rows["all"] == (50, 3, 1)  # 3 of 6 sales-ready; every lead rated 3
    assert rows["organic"] == (100, None, 0)  # 1 of 1, nobody rated organic leads
    assert rows["linkedin"] == (None, None, 0)  # no lead: no share, not 0 %
    assert result.survey_scale == 5


def test_lead_quality_without_a_survey_has_no_score() -> None:
    result = lead_quality(WS, DATA, FEB)
    assert {r.survey_score for r in result} == {None}
    assert result.survey_scale is None


HEAD = "name: X\ncurrency: USD\ntimezone: UTC\n"
TARGET = "targets:\n  - {{id: n, kpi: {}, value: 5, period: monthly}}\n"
DEFINITION = "lead_definition:\n  sales_ready: ['became_mql_at is not null']\n"


def test_a_target_on_nurture_leads_loads() -> None:
    text = HEAD + DEFINITION + TARGET.format("nurture_leads")
    assert parse_workspace(text).target("n").kpi == "nurture_leads"


def test_without_a_lead_definition_the_names_are_unknown_with_their_line() -> None:
    text = HEAD + TARGET.format("nurture_leads")
    with pytest.raises(WorkspaceError) as caught:
        parse_workspace(text)
    (problem,) = caught.value.problems
    assert (problem.path, problem.line) == ("targets[0].kpi", 5)
    assert "nurture_leads" in str(problem.value)


def test_an_unknown_name_still_gets_the_loaders_error() -> None:
    text = HEAD + DEFINITION + TARGET.format("nurture_lead")
    with pytest.raises(WorkspaceError) as caught:
        parse_workspace(text)
    (problem,) = caught.value.problems
    assert (problem.path, problem.line) == ("targets[0].kpi", 7)
    assert "nurture_leads" in problem.message  # the closest id is suggested


# ------------------------------------------------------------ nurture follow-up
#
# The calendar: Sunday–Thursday, 09:00–18:00, Asia/Jerusalem (a business day is 9 h).
# Sales-ready: lifecycle_stage == salesqualifiedlead; nurture: every other lead.
# Sales follow-up: 2 business hours; nurture follow-up: 2 business days (18 h).
#   R1 ready   Mon 5 Oct 10:00 → CRM touch 11:00: 1 h → met
#   R2 ready   Mon 5 Oct 10:00 → CRM touch 13:00: 3 h → breached
#   N1 nurture Mon 5 Oct 10:00 → call logged Wed 7 Oct 10:00 (17:00 on the CRM): 18 h → met
#   N2 nurture Mon 5 Oct 10:00 → CRM touch Wed 7 Oct 10:01: 18 h 1 min → breached
#   N3 nurture Thu 8 Oct 17:00 → an inbound email only (not a touch), as of Sun 11 Oct
#      12:00: 1 h + 3 h = 4 h used of 18 → pending
#   N4 nurture, deleted: not a case


def test_nurture_follow_up_is_measured_like_the_sales_follow_up() -> None:
    ws = small_workspace(
        lead_definition={"sales_ready": ["lifecycle_stage == salesqualifiedlead"]},
        slas=[
            {
                "id": "sales",
                "kind": "lead_follow_up",
                "leads": "sales_ready",
                "threshold": {"business_hours": 2},
            },
            {
                "id": "nurture",
                "kind": "lead_follow_up",
                "leads": "nurture",
                "threshold": {"business_days": 2},
            },
        ],
    )
    ready = {"lifecycle_stage": "salesqualifiedlead"}
    leads = [
        lead("2026-10-05 10:00", lead_id="R1", first_engagement_at=at("2026-10-05 11:00"), **ready),
        lead("2026-10-05 10:00", lead_id="R2", first_engagement_at=at("2026-10-05 13:00"), **ready),
        lead("2026-10-05 10:00", lead_id="N1", first_engagement_at=at("2026-10-07 17:00")),
        lead("2026-10-05 10:00", lead_id="N2", first_engagement_at=at("2026-10-07 10:01")),
        lead("2026-10-08 17:00", lead_id="N3"),
        lead("2026-10-05 10:00", lead_id="N4", is_deleted=True),
    ]

    def activity(activity_id: str, when: str, direction: str, lead_id: str) -> dict[str, object]:
        return {
            "platform": "hubspot",
            "account_id": "portal",
            "activity_id": activity_id,
            "activity_type": "call" if direction == "outbound" else "email",
            "direction": direction,
            "occurred_at": at(when),
            "lead_ids": [lead_id],
        }

    activities = [
        activity("A1", "2026-10-07 10:00", "outbound", "N1"),
        activity("A2", "2026-10-08 17:30", "inbound", "N3"),
    ]
    data = Dataset.from_records({"lead": leads, "activity": activities})
    result = sla_compliance(
        ws,
        data,
        start=dt.date(2026, 10, 1),
        end=dt.date(2026, 10, 31),
        as_of=at("2026-10-11 12:00"),
    )
    sales = {r["lead_id"]: r["status"] for r in result.term("sales").cases.to_pylist()}
    nurture = {r["lead_id"]: r for r in result.term("nurture").cases.to_pylist()}
    assert sales == {"R1": "met", "R2": "breached"}
    assert {k: r["status"] for k, r in nurture.items()} == {
        "N1": "met",
        "N2": "breached",
        "N3": "pending",
    }
    assert nurture["N1"]["touched_by"] == "activity"  # the logged call came first
    assert nurture["N1"]["elapsed"] == dt.timedelta(hours=18)
    assert nurture["N2"]["over_by"] == dt.timedelta(minutes=1)


def test_a_follow_up_of_nurture_leads_needs_the_lead_definition() -> None:
    text = (
        HEAD
        + "slas:\n  - {id: n, kind: lead_follow_up, leads: nurture,"
        + " threshold: {business_days: 2}}\n"
    )
    with pytest.raises(WorkspaceError) as caught:
        parse_workspace(text)
    (problem,) = caught.value.problems
    assert (problem.path, problem.line) == ("slas[0].leads", 5)
    assert "lead_definition" in problem.message
