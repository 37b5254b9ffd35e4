"""The work log and the meeting log, as of 31 October 2026, worked by hand (issue 22,
items 3 and 4).

Work items (id, type, created, due, done, in_scope, deliverable):
  W-1 deliverable     09-25  10-07  10-06  yes   monthly-report  → completed
  W-2 content         10-02  10-15  10-14  yes                   → completed
  W-3 optimisation    10-10  10-20  —      yes                   → remaining, overdue
  W-4 change_request  10-12  10-25  10-22  no                    → completed, out of scope
  W-5 Change Request  10-01  10-10  10-09  —     —               → completed, out of scope
                                                                   (not tied to the contract)
  W-6 change-request  10-20  11-05  —      —     monthly-report  → remaining, in scope
  W-7 task            09-01  09-10  09-20  yes                   → done before October
  W-8 task            11-02  —      —      yes                   → logged after the day
  W-9 content         10-15  —      11-03  yes                   → remaining (done after)

Meeting items (meeting, day, item, type, due, done, done day):
  M1 09-15  D1 decision
  M1 09-15  A1 action  09-20  yes  09-19   not judged in October
  M1 09-15  A2 action  09-25  no           overdue (judged)
  M2 10-06  D2 decision
  M2 10-06  A3 action  10-10  yes  10-09   judged, met
  M2 10-06  A4 action  10-20  yes  10-25   judged, met (late, but done)
  M2 10-06  A5 action  10-28  no           overdue (judged)
  M3 10-27  A6 action  11-05  no           not due yet
  M3 10-27  A7 action  10-31  no           due on the day itself: not overdue yet
  M4 11-03  A8 action  11-10  no           after the day
October's judged actions: A2, A3, A4, A5; 2 overdue → the actions part 2 / 4 = 0.5.
"""

import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from _row_builders import workspace

from partnerkit.analysis import Dataset
from partnerkit.analysis.health import TargetOutcome, partnership_health
from partnerkit.analysis.meetings import meeting_log
from partnerkit.analysis.worklog import work_log
from partnerkit.model import TargetStatus

WS = workspace(
    contract={
        "start": "2026-08-01",
        "pricing": {"kind": "retainer", "monthly_fee": 1000},
        "deliverables": [
            {
                "id": "monthly-report",
                "name": "Monthly report",
                "every": "month",
                "due": {"business_day": 5},
            }
        ],
    }
)
AS_OF = dt.date(2026, 10, 31)


def d(text: str | None) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(f"2026-{text}")


def item(
    iid: str,
    kind: str,
    created: str | None,
    due: str | None,
    done: str | None,
    in_scope: bool | None,
    deliverable: str | None = None,
) -> dict[str, Any]:
    return {
        "platform": "files",
        "account_id": "log",
        "item_id": iid,
        "title": f"item {iid}",
        "item_type": kind,
        "created_date": d(created),
        "due_date": d(due),
        "done_date": d(done),
        "in_scope": in_scope,
        "deliverable_id": deliverable,
    }


def action(
    meeting: str, day: str, iid: str, kind: str, due: str | None, done: bool | None, on: str | None
) -> dict[str, Any]:
    return {
        "platform": "files",
        "account_id": "meetings",
        "meeting_id": meeting,
        "meeting_date": d(day),
        "item_id": iid,
        "item_type": kind,
        "owner": "account_manager",
        "due_date": d(due),
        "done": done,
        "done_date": d(on),
    }


DATA = Dataset.from_records(
    {
        "work_item": [
            item("W-1", "deliverable", "09-25", "10-07", "10-06", True, "monthly-report"),
            item("W-2", "content", "10-02", "10-15", "10-14", True),
            item("W-3", "optimisation", "10-10", "10-20", None, True),
            item("W-4", "change_request", "10-12", "10-25", "10-22", False),
            item("W-5", "Change Request", "10-01", "10-10", "10-09", None),
            item("W-6", "change-request", "10-20", "11-05", None, None, "monthly-report"),
            item("W-7", "task", "09-01", "09-10", "09-20", True),
            item("W-8", "task", "11-02", None, None, True),
            item("W-9", "content", "10-15", None, "11-03", True),
        ],
        "meeting_item": [
            action("M1", "09-15", "D1", "decision", None, None, None),
            action("M1", "09-15", "A1", "action", "09-20", True, "09-19"),
            action("M1", "09-15", "A2", "action", "09-25", False, None),
            action("M2", "10-06", "D2", "Decision", None, None, None),
            action("M2", "10-06", "A3", "action", "10-10", True, "10-09"),
            action("M2", "10-06", "A4", "action", "10-20", True, "10-25"),
            action("M2", "10-06", "A5", "action", "10-28", False, None),
            action("M3", "10-27", "A6", "action", "11-05", False, None),
            action("M3", "10-27", "A7", "action", "10-31", None, None),
            action("M4", "11-03", "A8", "action", "11-10", False, None),
        ],
    }
)


def test_completed_and_remaining_work() -> None:
    log = work_log(WS, DATA, "2026-10", as_of=AS_OF)
    assert [i.item_id for i in log.completed] == ["W-1", "W-5", "W-2", "W-4"]  # by done day
    assert [i.item_id for i in log.remaining] == ["W-3", "W-6", "W-9"]  # by due day
    assert log.item("W-9").done_date is None  # done on 3 November: open on 31 October
    assert [i.item_id for i in log.overdue] == ["W-3"]


def test_out_of_scope_work_is_flagged() -> None:
    log = work_log(WS, DATA, "2026-10", as_of=AS_OF)
    assert [(i.item_id, i.scope_reason) for i in log.out_of_scope] == [
        ("W-5", "change_request_outside_contract"),
        ("W-4", "marked_out_of_scope"),
    ]
    # a change request that names a deliverable of the contract is in scope
    assert log.item("W-6").item_type == "change_request"
    assert not log.item("W-6").out_of_scope


def test_earlier_in_the_month() -> None:
    log = work_log(WS, DATA, "2026-10", as_of=dt.date(2026, 10, 10))
    # W-4 (logged 10-12) and W-6, W-9 (logged later) are not in the log yet
    assert [i.item_id for i in log.completed] == ["W-1", "W-5"]
    assert [i.item_id for i in log.remaining] == ["W-2", "W-3"]
    assert log.overdue == ()


def test_meetings_of_the_month_and_overdue_actions() -> None:
    log = meeting_log(WS, DATA, "2026-10", as_of=AS_OF)
    assert [(m.meeting_id, len(m.decisions), len(m.actions)) for m in log.meetings] == [
        ("M2", 1, 3),
        ("M3", 0, 2),
    ]
    assert [i.item_id for i in log.overdue] == ["A2", "A5"]
    assert [i.item_id for i in log.judged] == ["A2", "A3", "A4", "A5"]
    assert log.to_arrow().num_rows == 6  # M2's four items and M3's two


def test_overdue_actions_count_in_partnership_health() -> None:
    log = meeting_log(WS, DATA, "2026-10", as_of=AS_OF)
    targets = [
        TargetOutcome("leads", "2026-10", TargetStatus.ON_TRACK),
        TargetOutcome("cpl", "2026-10", TargetStatus.ON_TRACK),
    ]
    month = partnership_health(["2026-10"], targets=targets, actions=log).month("2026-10")
    part = month.part("actions")
    assert (part.value, part.numerator, part.denominator) == (Decimal("0.5"), 2, 4)
    # kpi 1.0 at weight 0.40, actions 0.5 at 0.10: 100 × (0.40 + 0.05) / 0.50 = 90
    assert month.score == 90
    assert part.effective_weight == Decimal("0.2")


def test_a_month_with_no_action_due_leaves_the_part_out() -> None:
    log = meeting_log(WS, DATA, "2026-08", as_of=dt.date(2026, 8, 31))
    targets = [TargetOutcome("leads", "2026-08", TargetStatus.AT_RISK)]
    month = partnership_health(["2026-08"], targets=targets, actions=log).month("2026-08")
    assert month.part("actions").reason == "no_action_due"
    assert month.score == 50  # the targets alone: at risk is half a point
