"""The demo's October CRM figures in the report: stage entries and where follow-ups ended.

Each figure is worked out here from the demo's raw records (the recorded HubSpot
contacts and activities as the demo loads them), not from the analysis: a lead entered a
stage in October when its date of that stage falls in October in Jerusalem; a follow-up
was measured to a logged activity when an outbound call or email, or a meeting, that
reached the lead came no later than the CRM's first-contact date.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from partnerkit.analysis import Dataset
from partnerkit.records import RecordKind
from partnerkit.report import MonthlyReport, build_report

sys.path.insert(0, str(Path(__file__).parent))
from _helpers import Page, _lead, _perf, small_dataset, small_workspace

OCT = "2026-10"
TZ = ZoneInfo("Asia/Jerusalem")
AS_OF = dt.date(2026, 11, 15)  # the day the reports are made
STAGES = {"mql": "became_mql_at", "sql": "became_sql_at", "opportunity": "became_opportunity_at"}
STAGES["customer"] = "became_customer_at"


def _october(moment: dt.datetime | None) -> bool:
    return moment is not None and f"{moment.astimezone(TZ):%Y-%m}" == OCT


def _live_leads(demo: Any) -> list[dict[str, Any]]:
    return [r for r in demo.dataset.tables[RecordKind.LEAD].to_pylist() if not r["is_deleted"]]


def _first_activity(demo: Any) -> dict[tuple[str, str, str], dt.datetime]:
    """Each lead's earliest logged touch: outbound, or a meeting, that reached it."""
    first: dict[tuple[str, str, str], dt.datetime] = {}
    for a in demo.dataset.tables[RecordKind.ACTIVITY].to_pylist():
        status = (a["status"] or "").upper()
        reached = status not in {"CANCELED", "CANCELLED", "NO_SHOW", "FAILED", "BOUNCED"}
        touch = a["direction"] == "outbound" or a["activity_type"] == "meeting"
        if a["is_deleted"] or a["occurred_at"] is None or not (touch and reached):
            continue
        for lead in a["lead_ids"]:
            key = (a["platform"], a["account_id"], str(lead))
            first[key] = min(first.get(key, a["occurred_at"]), a["occurred_at"])
    return first


def test_the_demo_logs_activities_that_are_not_touches_before_first_touches(demo: Any) -> None:
    # notes, the lead's own calls, bounced emails and to-do tasks come before the first
    # outreach: measured from them, the follow-up would look faster than it was
    first = _first_activity(demo)
    earliest: dict[tuple[str, str, str], dt.datetime] = {}
    for a in demo.dataset.tables[RecordKind.ACTIVITY].to_pylist():
        for lead in a["lead_ids"]:
            key = (a["platform"], a["account_id"], str(lead))
            earliest[key] = min(earliest.get(key, a["occurred_at"]), a["occurred_at"])
    early = [k for k, t in earliest.items() if t < first.get(k, dt.datetime.max.replace(tzinfo=TZ))]
    assert len(early) > 100


def test_the_funnel_section_shows_octobers_stage_entries(
    demo: Any, demo_report_en: MonthlyReport
) -> None:
    leads = _live_leads(demo)
    entered = {stage: sum(_october(r[col]) for r in leads) for stage, col in STAGES.items()}
    assert entered == {"mql": 128, "sql": 64, "opportunity": 0, "customer": 23}
    html = demo_report_en.to_html()
    page = Page(html)
    rows = page.tables["funnel.entries"]
    assert [c[0] for c in rows[-1]] == ["All sources", "128", "64", "0", "23"]
    # the sources' rows add up to the total
    for column in range(1, 5):
        assert sum(int(r[column][1] or 0) for r in rows[1:-1]) == int(rows[-1][column][1] or 0)
    # labelled apart from the cohort funnel: the leads created in October
    text = re.sub(r"<[^>]+>", "", html)
    assert "Stages entered in October 2026" in text
    assert "Unlike the cohort above" in text


def test_the_sla_section_says_where_octobers_follow_ups_ended(
    demo: Any, demo_report_en: MonthlyReport
) -> None:
    first = _first_activity(demo)
    by = {"activity": 0, "crm": 0}
    for r in _live_leads(demo):
        if not _october(r["created_at"]):
            continue
        activity = first.get((r["platform"], r["account_id"], r["lead_id"]))
        crm = r["first_engagement_at"]
        touches = [t for t in (activity, crm) if t is not None]
        if not touches or min(touches) > demo.as_of:
            continue  # no end recorded by the demo's moment
        by["activity" if activity is not None and (crm is None or activity <= crm) else "crm"] += 1
    # Rina's and Noa's leads by their logged call or email, Yossi's by HubSpot's date
    assert by == {"activity": 165, "crm": 81}
    text = re.sub(r"<[^>]+>", "", demo_report_en.to_html())
    assert (
        f"Lead follow-up: {by['activity']} of the month's follow-ups were measured to a call, "
        f"email or meeting logged in the CRM, {by['crm']} to the CRM's first-contact date."
    ) in text


def test_stage_entries_of_a_small_month() -> None:
    # O1 became an MQL on 3 October and an SQL on 6 October; no other lead has a stage
    report = build_report(small_workspace(), small_dataset(), OCT, as_of=AS_OF)
    rows = Page(report.to_html()).tables["funnel.entries"]
    assert [[c[0] for c in r] for r in rows[1:]] == [
        ["Google search", "1", "1", "0", "0"],
        ["All sources", "1", "1", "0", "0"],
    ]


def test_a_month_nobody_entered_a_stage_in_says_so() -> None:
    leads = [_lead("O2", "PAID_SEARCH", "2026-10-08 09:00")]
    performance = [_perf("2026-10-05", "300", 30, 1000, 3.0)]
    data = Dataset.from_records({"performance": performance, "lead": leads})
    report = build_report(small_workspace(), data, OCT, as_of=AS_OF)
    page = Page(report.to_html())
    assert "funnel.entries" not in page.tables
    assert "No data: no lead entered a funnel stage in October 2026" in page.nodata
