"""SLA compliance, every term kind, with expectations worked out by hand.

The calendar: Sunday–Thursday, 09:00–18:00, Asia/Jerusalem; holidays Sat 12 and Sun 13
Sep 2026 (Rosh Hashanah), Mon 21 Sep (Yom Kippur), Sat 3 Oct. A business day is 9 h.
"""

import datetime as dt
import itertools
import random
import sys
import textwrap
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from _row_builders import at, dataset, lead, workspace

from partnerkit.analysis import Dataset
from partnerkit.analysis.business_time import BusinessClock
from partnerkit.analysis.evidence import EvidenceLog, read_evidence
from partnerkit.analysis.sla import sla_compliance
from partnerkit.errors import ConfigurationError, DataError
from partnerkit.model import Duration

H = dt.timedelta(hours=1)
M = dt.timedelta(minutes=1)
CALENDAR = {
    "working_days": ["sunday", "monday", "tuesday", "wednesday", "thursday"],
    "hours": "09:00-18:00",
    "holidays": ["2026-09-12", "2026-09-13", "2026-09-21", "2026-10-03"],
}
PARTNER = {
    "id": "agency",
    "name": "Agency",
    "kind": "agency",
    "people": [
        {"id": "noa", "name": "Noa", "side": "partner"},
        {"id": "yael", "name": "Yael", "side": "in_house"},
    ],
}
CONTRACT = {
    "start": "2026-08-01",
    "trial_end": "2026-10-31",
    "pricing": {"kind": "retainer", "monthly_fee": 1000},
    "deliverables": [
        {"id": "monthly-report", "name": "Report", "every": "month", "due": {"business_day": 5}}
    ],
}
SLAS = [
    {
        "id": "lead-follow-up",
        "kind": "lead_follow_up",
        "owner": "in_house",
        "threshold": {"business_hours": 2},
        "attainment": 0.75,
    },
    {
        "id": "reply-time",
        "kind": "response_time",
        "threshold": "4 business hours",
        "attainment": 0.9,
    },
    {"id": "draft-turnaround", "kind": "deliverable_turnaround", "threshold": "3 business days"},
    {
        "id": "approvals",
        "kind": "deliverable_turnaround",
        "owner": "in_house",
        "threshold": "2 business days",
    },
    {"id": "monthly-report", "kind": "report_delivery", "deliverable": "monthly-report"},
]
WS = workspace(partner=PARTNER, contract=CONTRACT, calendar=CALENDAR, slas=SLAS)


def rows(table: Any, *columns: str) -> list[tuple[Any, ...]]:
    return [tuple(r[c] for c in columns) for r in table.to_pylist()]


# ---------------------------------------------------------------- lead follow-up


def follow_up_leads() -> list[dict[str, Any]]:
    return [
        # L0 Mon 31 Aug 16:30 → Tue 09:45: 1 h 30 + 45 min = 2 h 15 → breached by 15 min.
        lead("2026-08-31 16:30", lead_id="L0", first_engagement_at=at("2026-09-01 09:45")),
        # L1 Thu 10 Sep 17:59 (before the holiday weekend) → Mon 14 10:59: exactly 2 h → met.
        lead("2026-09-10 17:59", lead_id="L1", first_engagement_at=at("2026-09-14 10:59")),
        # L2 the same, answered a minute later → breached by 1 min.
        lead("2026-09-10 17:59", lead_id="L2", first_engagement_at=at("2026-09-14 11:00")),
        # L3 Fri 20:00 (off) → Mon 09:30: 30 min → met.
        lead("2026-09-11 20:00", lead_id="L3", first_engagement_at=at("2026-09-14 09:30")),
        # L4 Mon 28 Sep 10:00, no touch; due 12:00, as of 11:00 → pending.
        lead("2026-09-28 10:00", lead_id="L4"),
        # L5 Sun 27 Sep 10:00, no touch; due Sun 12:00 → breached (no end recorded).
        lead("2026-09-27 10:00", lead_id="L5"),
        # L6 deleted: not a case.
        lead("2026-09-15 10:00", lead_id="L6", is_deleted=True),
        # L7 touched "before" it was created (a data error): elapsed 0 → met, with a note.
        lead("2026-09-15 10:00", lead_id="L7", first_engagement_at=at("2026-09-15 09:00")),
        # L8 is in October: outside the period.
        lead("2026-10-01 09:00", lead_id="L8", first_engagement_at=at("2026-10-01 09:05")),
        # L9 Mon 28 Sep 09:00 → due 11:00 = as_of; the touch at 12:00 is after as_of → pending.
        lead("2026-09-28 09:00", lead_id="L9", first_engagement_at=at("2026-09-28 12:00")),
        # LA: a touch recorded years before creation (a bad import): 0 → met, with a note.
        lead("2026-09-20 10:00", lead_id="LA", first_engagement_at=at("2020-01-01 10:00")),
    ]


def test_lead_follow_up_in_business_time() -> None:
    result = sla_compliance(
        WS,
        dataset(follow_up_leads()),
        start=dt.date(2026, 8, 1),
        end=dt.date(2026, 9, 30),
        as_of=at("2026-09-28 11:00"),
    )
    term = result.term("lead-follow-up")
    status = dict(rows(term.cases, "lead_id", "status"))
    assert status == {
        "L0": "breached",
        "L1": "met",
        "L2": "breached",
        "L3": "met",
        "L4": "pending",
        "L5": "breached",
        "L7": "met",
        "L9": "pending",
        "LA": "met",
    }
    cases = {r["lead_id"]: r for r in term.cases.to_pylist()}
    assert cases["L0"]["elapsed"] == 2 * H + 15 * M
    assert cases["L0"]["over_by"] == 15 * M
    assert cases["L1"]["elapsed"] == 2 * H
    assert cases["L1"]["deadline"] == at("2026-09-14 10:59")
    assert cases["L2"]["over_by"] == M
    assert cases["L5"]["detail"] == "no end recorded by 2026-09-28 11:00; due 2026-09-27 12:00"
    assert cases["L7"]["elapsed"] == dt.timedelta(0)
    assert cases["L7"]["detail"] == "the end is recorded before the start"
    assert cases["L9"]["ended_at"] is None  # the 12:00 touch is after as_of
    assert cases["LA"]["detail"] == "the end is recorded before the start"
    # Met 4 (L1, L3, L7, LA), breached 3 (L0, L2, L5), pending 2 (L4, L9):
    # 4 / 7 = 0.5714… < 0.75 (4 < 0.75 × 7 = 5.25).
    assert (term.met, term.breached, term.pending) == (4, 3, 2)
    assert term.attainment == Decimal("0.5714")
    assert term.passed is False
    # August: L0 breached → 0 / 1; September: 4 met / (4 + 2) = 0.6667.
    assert rows(term.trend, "month", "met", "breached", "pending", "attainment", "passed") == [
        ("2026-08", 0, 1, 0, Decimal("0.0000"), False),
        ("2026-09", 4, 2, 2, Decimal("0.6667"), False),
    ]
    assert rows(term.breaches, "lead_id") == [("L0",), ("L2",), ("L5",)]


def test_calendar_hour_thresholds_count_real_time_across_dst() -> None:
    ws = workspace(
        calendar=CALENDAR,
        slas=[{"id": "day", "kind": "lead_follow_up", "threshold": {"hours": 24}}],
    )
    leads = [
        # Sat 24 Oct 12:00 (UTC+3) → Sun 25 Oct 11:30 (UTC+2): 24 h 30 real → breached,
        # though the wall clocks say 23 h 30.
        lead("2026-10-24 12:00", lead_id="A", first_engagement_at=at("2026-10-25 11:30")),
        # → Sun 10:59: 23 h 59 real → met.
        lead("2026-10-24 12:00", lead_id="B", first_engagement_at=at("2026-10-25 10:59")),
    ]
    term = sla_compliance(
        ws,
        dataset(leads),
        start=dt.date(2026, 10, 1),
        end=dt.date(2026, 10, 31),
        as_of=at("2026-11-01 00:00"),
    ).term("day")
    assert dict(rows(term.cases, "lead_id", "status")) == {"A": "breached", "B": "met"}
    assert dict(rows(term.cases, "lead_id", "elapsed"))["A"] == 24.5 * H


def test_the_sql_clock_agrees_with_the_scalar_clock() -> None:
    rng = random.Random(2026)
    clock = BusinessClock(WS.calendar)
    threshold = Duration.model_validate({"business_hours": 2})
    base = at("2026-09-01 00:00")
    leads = []
    for i in range(200):
        created = base + dt.timedelta(minutes=rng.randrange(0, 60 * 24 * 55))
        touched = created + dt.timedelta(minutes=rng.randrange(0, 60 * 24 * 6))
        leads.append(lead(created, lead_id=f"R{i}", first_engagement_at=touched))
    term = sla_compliance(
        WS,
        dataset(leads),
        start=dt.date(2026, 9, 1),
        end=dt.date(2026, 12, 31),
        as_of=at("2027-01-01 00:00"),
    ).term("lead-follow-up")
    assert term.cases.num_rows == 200
    by_id = {r["lead_id"]: r for r in leads}
    for case in term.cases.to_pylist():
        record = by_id[case["lead_id"]]
        start, end = record["created_at"], record["first_engagement_at"]
        assert case["elapsed"] == clock.working_time(start, end), case["lead_id"]
        assert case["deadline"] == clock.deadline(start, threshold), case["lead_id"]
        assert (case["status"] == "met") == clock.within(start, end, threshold)


def test_follow_up_needs_first_engagement_dates() -> None:
    leads = [lead("2026-09-06 10:00"), lead("2026-09-07 10:00")]
    term = sla_compliance(WS, dataset(leads), as_of=at("2026-10-01 00:00")).term("lead-follow-up")
    assert term.attainment is None
    assert term.reason is not None
    assert "first_engagement_at" in term.reason


_ACTIVITY_IDS = itertools.count(1)


def activity(when: str, leads: list[str], **kw: Any) -> dict[str, Any]:
    """An activity record (an outbound call unless told), local time as text."""
    out: dict[str, Any] = {
        "platform": "hubspot",
        "account_id": "portal",
        "activity_type": kw.pop("activity_type", "call"),
        "activity_id": f"X{next(_ACTIVITY_IDS)}",
        "occurred_at": at(when),
        "direction": kw.pop("direction", "outbound"),
        "lead_ids": leads,
    }
    out.update(kw)
    return out


def test_first_touch_comes_from_logged_activities() -> None:
    leads = [
        lead("2026-09-06 10:00", lead_id="A1"),  # Sunday
        lead("2026-09-07 10:00", lead_id="A2", first_engagement_at=at("2026-09-07 13:00")),
        lead("2026-09-08 10:00", lead_id="A3", first_engagement_at=at("2026-09-08 12:15")),
        lead("2026-09-09 10:00", lead_id="A4"),
        lead("2026-09-09 17:30", lead_id="A5"),
        lead("2026-09-10 08:00", lead_id="A6"),
    ]
    activities = [
        # A1: a note and an inbound call are not touches; the outbound call at 11:30 is
        activity("2026-09-06 10:10", ["A1"], activity_type="note", direction=None),
        activity("2026-09-06 10:20", ["A1"], direction="inbound"),
        activity("2026-09-06 11:30", ["A1"], status="NO_ANSWER"),  # an attempt counts
        # A2: a meeting at 11:45 beats the CRM's 13:00
        activity("2026-09-07 11:45", ["A2"], activity_type="meeting", direction=None),
        # A3: a cancelled meeting and a bounced email are not touches: the CRM's 12:15 is
        activity("2026-09-08 11:00", ["A3"], activity_type="meeting", status="CANCELED"),
        activity("2026-09-08 10:30", ["A3"], activity_type="email", status="BOUNCED"),
        # A4: a deleted call, and a call to a lead of the same id in another account
        activity("2026-09-09 11:00", ["A4"], is_deleted=True),
        activity("2026-09-09 10:30", ["A4"], account_id="other-portal"),
        # A5 and A6: one call logged against both
        activity("2026-09-10 09:00", ["A5", "A6"]),
    ]
    data = Dataset.from_records({"lead": leads, "activity": activities})
    term = sla_compliance(
        WS, data, start=dt.date(2026, 9, 1), end=dt.date(2026, 9, 30), as_of=at("2026-10-01 00:00")
    ).term("lead-follow-up")
    cases = {r["lead_id"]: r for r in term.cases.to_pylist()}
    # Sunday-Thursday 09:00-18:00, 2 business hours allowed:
    assert {k: (c["status"], c["elapsed"], c["touched_by"]) for k, c in cases.items()} == {
        "A1": ("met", H + 30 * M, "activity"),  # 10:00 -> 11:30
        "A2": ("met", H + 45 * M, "activity"),  # 10:00 -> 11:45, not the CRM's 3 h
        "A3": ("breached", 2 * H + 15 * M, "crm"),  # 10:00 -> 12:15
        "A4": ("breached", None, None),  # never touched
        "A5": ("met", 30 * M, "activity"),  # Wed 17:30 -> 18:00, then Thu 09:00
        "A6": ("met", dt.timedelta(0), "activity"),  # before opening -> 09:00
    }
    assert cases["A1"]["ended_at"] == at("2026-09-06 11:30")
    # met 4 of 6 decided cases: 0.6667 < 0.75
    assert (term.met, term.breached, term.pending) == (4, 2, 0)
    assert term.attainment == Decimal("0.6667")
    # four ends came from a logged activity (A1, A2, A5, A6), one from the CRM (A3)
    assert term.touched_by() == {"activity": 4, "crm": 1}


def test_touched_by_counts_the_months_cases_with_an_end() -> None:
    leads = [
        lead("2026-09-30 10:00", lead_id="C1"),  # September: not October's
        lead("2026-10-01 10:00", lead_id="C2", first_engagement_at=at("2026-10-01 10:30")),
        lead("2026-10-01 11:00", lead_id="C3"),
        lead("2026-10-01 12:00", lead_id="C4"),  # touched after as_of: no end yet
    ]
    activities = [
        activity("2026-09-30 10:05", ["C1"]),
        activity("2026-10-01 11:10", ["C3"]),
        activity("2026-10-05 09:00", ["C4"]),
    ]
    data = Dataset.from_records({"lead": leads, "activity": activities})
    result = sla_compliance(
        WS, data, start=dt.date(2026, 9, 1), as_of=at("2026-10-01 13:00"), month="2026-10"
    )
    term = result.term("lead-follow-up")
    assert term.touched_by() == {"activity": 1, "crm": 1}  # C3 and C2


def test_follow_up_from_activities_alone() -> None:
    leads = [lead("2026-09-06 10:00", lead_id="B1")]
    data = Dataset.from_records({"lead": leads, "activity": [activity("2026-09-06 13:00", ["B1"])]})
    term = sla_compliance(WS, data, as_of=at("2026-10-01 00:00")).term("lead-follow-up")
    (case,) = term.cases.to_pylist()
    assert (case["status"], case["over_by"]) == ("breached", H)  # 3 h against 2


# ------------------------------------------------------------------ evidence log

EVIDENCE_CSV = """\
at,event,thread,sla,deliverable,period,by,note
2026-09-06 10:00,request,A,,,,yael,Budget question
2026-09-06 13:00,reply,A,,,,noa,
2026-09-10 16:00,request,B,,,,yael,Creative feedback
2026-09-10 17:00,reply,B,,,,yael,her own follow-up: not an answer
2026-09-14 11:30,reply,B,,,,noa,
2026-09-15 10:00,request,C,,,,noa,the partner asking: not a case
2026-09-16 10:00,request,D,,,,in_house,Landing page bug
2026-09-06 10:00,request,E,draft-turnaround,,,yael,Brief: October creatives
2026-09-09 10:00,delivered,E,,,,noa,
2026-09-10 15:00,approved,E,,,,yael,
2026-09-14 10:00,request,F,draft-turnaround,,,yael,Brief: landing page
2026-09-17 12:00,delivered,F,,,,noa,
2026-09-22 13:00,approved,F,,,,yael,
2026-08-06 17:00,delivered,,,monthly-report,,noa,July report
2026-08-20 09:00,delivered,,,monthly-report,2026-08,noa,a correction: the first delivery counts
2026-09-10 12:00,delivered,,,monthly-report,,noa,
2026-11-04 10:00,delivered,,,monthly-report,2026-11,noa,
"""


@pytest.fixture
def evidence(tmp_path: Path) -> EvidenceLog:
    path = tmp_path / "evidence.csv"
    path.write_text(EVIDENCE_CSV, encoding="utf-8")
    return read_evidence(path, timezone=WS.timezone)


def measure(evidence: EvidenceLog) -> Any:
    return sla_compliance(
        WS,
        None,
        evidence,
        start=dt.date(2026, 8, 1),
        end=dt.date(2026, 11, 10),
        as_of=at("2026-11-10 12:00"),
    )


def test_response_time(evidence: EvidenceLog) -> None:
    term = measure(evidence).term("reply-time")
    cases = {r["thread"]: r for r in term.cases.to_pylist()}
    # C was asked by the partner (the owner): no case. E and F are tagged for another term.
    assert sorted(cases) == ["A", "B", "D"]
    # A: Sun 10:00 → 13:00 = 3 h → met.
    assert cases["A"]["status"] == "met"
    assert cases["A"]["elapsed"] == 3 * H
    # B: Thu 16:00 → Mon 14 Sep 11:30 (Sun 13 is a holiday): 2 h + 2 h 30 = 4 h 30.
    # Yael's own reply at 17:00 (row 5) does not stop the clock; Noa's (row 6) does.
    assert cases["B"]["elapsed"] == 4.5 * H
    assert cases["B"]["over_by"] == 30 * M
    assert (cases["B"]["start_row"], cases["B"]["end_row"]) == (4, 6)
    # D: never answered; due Wed 16 Sep 14:00 → breached.
    assert cases["D"]["status"] == "breached"
    assert cases["D"]["deadline"] == at("2026-09-16 14:00")
    assert (term.met, term.breached, term.attainment, term.passed) == (
        1,
        2,
        Decimal("0.3333"),
        False,
    )


def test_deliverable_turnaround_and_approvals(evidence: EvidenceLog) -> None:
    result = measure(evidence)
    drafts = {r["thread"]: r for r in result.term("draft-turnaround").cases.to_pylist()}
    # E: Sun 10:00 → Wed 10:00 = 8 + 9 + 9 + 1 = 27 h = 3 business days exactly → met.
    assert (drafts["E"]["status"], drafts["E"]["elapsed"]) == ("met", 27 * H)
    # F: Mon 14 10:00 → Thu 17 12:00 = 8 + 9 + 9 + 3 = 29 h → 2 h over.
    assert (drafts["F"]["status"], drafts["F"]["over_by"]) == ("breached", 2 * H)
    approvals = {r["thread"]: r for r in result.term("approvals").cases.to_pylist()}
    # In-house owned: delivered → approved. E: Wed 10:00 → Thu 15:00 = 8 + 6 = 14 h ≤ 18 h.
    assert (approvals["E"]["status"], approvals["E"]["elapsed"]) == ("met", 14 * H)
    # F: Thu 17 12:00 → Tue 22 13:00 (Mon 21 is Yom Kippur) = 6 + 9 + 4 = 19 h → 1 h over.
    assert (approvals["F"]["status"], approvals["F"]["over_by"]) == ("breached", H)


def test_report_delivery_against_the_due_rule(evidence: EvidenceLog) -> None:
    term = measure(evidence).term("monthly-report")
    # Due on the 5th working day: Thu 6 Aug, Mon 7 Sep, Wed 7 Oct, Thu 5 Nov.
    assert rows(term.cases, "case", "due", "status", "working_days_late", "row") == [
        ("2026-08", dt.date(2026, 8, 6), "met", None, 15),
        # Delivered Thu 10 Sep: Tue 8, Wed 9, Thu 10 → 3 working days late.
        ("2026-09", dt.date(2026, 9, 7), "breached", 3, 17),
        ("2026-10", dt.date(2026, 10, 7), "breached", None, None),
        # The delivery names its period, 2026-11: on time for November.
        ("2026-11", dt.date(2026, 11, 5), "met", None, 18),
    ]
    assert term.cases.to_pylist()[2]["detail"] == "not delivered (due 2026-10-07)"
    assert (term.met, term.breached, term.attainment) == (2, 2, Decimal("0.5000"))


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        # Without a period, the 4 Nov delivery is November's (on time, due Thu 5 Nov),
        # and October's report is missing.
        (None, [("2026-10", "breached", None), ("2026-11", "met", None)]),
        # Named as October's: late by Oct 8, 11–15, 18–22, 25–29 and Nov 1–4
        # = 1 + 5 + 5 + 5 + 4 = 20 working days; November's is then missing.
        ("2026-10", [("2026-10", "breached", 20), ("2026-11", "breached", None)]),
    ],
)
def test_a_delivery_counts_for_its_own_period_unless_it_names_one(
    period: str | None, expected: list[tuple[Any, ...]]
) -> None:
    event = {"at": "2026-11-04 10:00", "event": "delivered", "deliverable": "monthly-report"}
    log = EvidenceLog.from_events([{**event, "period": period}], timezone=WS.timezone)
    term = sla_compliance(
        WS,
        None,
        log,
        start=dt.date(2026, 10, 1),
        end=dt.date(2026, 11, 10),
        as_of=at("2026-11-10 12:00"),
    ).term("monthly-report")
    assert rows(term.cases, "case", "status", "working_days_late") == expected


def test_terms_without_evidence_are_not_computable() -> None:
    result = sla_compliance(WS, None, None, as_of=at("2026-10-01 00:00"))
    for sla_id in ("reply-time", "draft-turnaround", "monthly-report"):
        term = result.term(sla_id)
        assert term.attainment is None
        assert term.reason == "not computable: no evidence log given"
    summary = result.to_arrow().to_pylist()
    assert [r["sla"] for r in summary] == [s["id"] for s in SLAS]
    with pytest.raises(ConfigurationError, match="Did you mean 'reply-time'"):
        result.term("reply-times")


# ------------------------------------------------------------------ cadences


def test_meeting_cadence_windows() -> None:
    ws = workspace(
        contract={**CONTRACT, "start": "2026-09-06", "deliverables": []},
        calendar={
            **CALENDAR,
            # A whole Sun–Thu week off: its window has no working day and is skipped.
            "holidays": ["2026-09-27", "2026-09-28", "2026-09-29", "2026-09-30", "2026-10-01"],
        },
        slas=[
            {
                "id": "weekly-call",
                "kind": "meeting_cadence",
                "cadence": "weekly",
                "attainment": 0.75,
            },
            {"id": "monthly-review", "kind": "meeting_cadence", "cadence": "monthly"},
        ],
    )
    log = EvidenceLog.from_events(
        [
            {"at": "2026-09-08", "event": "meeting"},
            {"at": "2026-09-15 10:00", "event": "meeting", "sla": "monthly-review"},
            {"at": "2026-09-21 10:00", "event": "call"},
            {"at": "2026-09-22 10:00", "event": "meeting"},
            {"at": "2026-10-05 10:00", "event": "meeting"},
        ],
        timezone=ws.timezone,
    )
    result = sla_compliance(ws, None, log, end=dt.date(2026, 10, 13), as_of=at("2026-10-13 10:00"))
    weekly = result.term("weekly-call")
    # Weeks from Sun 6 Sep: the 15 Sep meeting is tagged for the monthly review only,
    # so 13–19 Sep has none; 27 Sep – 3 Oct is all holidays and weekend: skipped;
    # 11–17 Oct is not over and has no meeting yet.
    assert rows(weekly.cases, "case", "status", "events") == [
        ("2026-09-06 to 2026-09-12", "met", 1),
        ("2026-09-13 to 2026-09-19", "breached", 0),
        ("2026-09-20 to 2026-09-26", "met", 2),
        ("2026-10-04 to 2026-10-10", "met", 1),
        ("2026-10-11 to 2026-10-17", "pending", 0),
    ]
    # 3 met of 4 decided = 0.75 ≥ 0.75.
    assert (weekly.attainment, weekly.passed) == (Decimal("0.7500"), True)
    assert rows(weekly.trend, "month", "met", "breached", "pending") == [
        ("2026-09", 2, 1, 0),
        ("2026-10", 1, 0, 1),
    ]
    monthly = result.term("monthly-review")
    # Calendar months; untagged meetings count for every meeting term.
    assert rows(monthly.cases, "case", "status", "events") == [
        ("2026-09-01 to 2026-09-30", "met", 4),
        ("2026-10-01 to 2026-10-31", "met", 1),
    ]


# ------------------------------------------------------------------ the log itself


def test_yaml_log_naive_times_are_in_the_workspace_zone(tmp_path: Path) -> None:
    path = tmp_path / "evidence.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            events:
              - {at: "2026-09-06 10:00", event: Request, thread: A}
              - {at: "2026-09-06T13:00:00+00:00", event: response, thread: A}
              - {at: 2026-09-08, event: meeting}
            """
        ),
        encoding="utf-8",
    )
    log = read_evidence(path, timezone="Asia/Jerusalem")
    assert log.events.column("at").to_pylist() == [
        dt.datetime(2026, 9, 6, 7, 0, tzinfo=dt.UTC),  # 10:00 at UTC+3
        dt.datetime(2026, 9, 6, 13, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 9, 7, 21, 0, tzinfo=dt.UTC),  # midnight local
    ]
    assert log.events.column("event").to_pylist() == ["request", "reply", "meeting"]
    assert len(log) == 3


def test_a_sheet_with_its_own_headers(tmp_path: Path) -> None:
    path = tmp_path / "mail.csv"
    path.write_text(
        "Sent,Type,Subject,Note\n2026-09-06 10:00,request,Budget,\n"
        "2026-09-06 11:30,reply,Budget,\n",
        encoding="utf-8",
    )
    log = read_evidence(
        path,
        timezone="Asia/Jerusalem",
        columns={"at": "Sent", "event": "Type", "thread": "Subject"},
    )
    assert rows(log.events, "row", "event", "thread") == [
        (2, "request", "Budget"),
        (3, "reply", "Budget"),
    ]
    with pytest.raises(ConfigurationError, match="Did you mean 'thread'"):
        read_evidence(path, columns={"threads": "Subject"})


@pytest.mark.parametrize(
    ("text", "row", "column", "message"),
    [
        ("at,event\n2026-09-06 10:00,request\n", 2, "thread", "needs a thread"),
        ("at,event,thred\n2026-09-06 10:00,meeting,A\n", 2, "thred", "did you mean 'thread'"),
        ("at,event\n2026-09-06 10:00,meeting\nyesterday,meeting\n", 3, "at", "not a date"),
        ("at,event\n2026-09-06 10:00,meting\n", 2, "event", "Did you mean 'meeting'"),
    ],
)
def test_bad_rows_are_named(tmp_path: Path, text: str, row: int, column: str, message: str) -> None:
    path = tmp_path / "log.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_evidence(path)
    assert (info.value.row, info.value.column) == (row, column)
    assert message.lower() in str(info.value).lower()


def test_evidence_naming_an_unknown_term_is_an_error() -> None:
    log = EvidenceLog.from_events(
        [{"at": "2026-09-06 10:00", "event": "request", "thread": "A", "sla": "reply_time"}]
    )
    with pytest.raises(DataError, match="Did you mean 'reply-time'"):
        sla_compliance(WS, None, log, as_of=at("2026-10-01 00:00"))


def test_as_of_must_be_aware() -> None:
    with pytest.raises(ConfigurationError, match="timezone-aware"):
        sla_compliance(WS, as_of=dt.datetime(2026, 10, 1))
