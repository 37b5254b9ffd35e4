"""Partnership health and the trial review, with every score worked by hand."""

import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from _row_builders import at, workspace

from partnerkit.analysis.audit import SourceMapAudit
from partnerkit.analysis.evidence import EvidenceLog
from partnerkit.analysis.health import (
    HealthWeights,
    Survey,
    TargetOutcome,
    partnership_health,
    read_survey,
    trial_review,
)
from partnerkit.analysis.sla import sla_compliance
from partnerkit.errors import ConfigurationError, DataError
from partnerkit.model import TargetStatus

ON, RISK, OFF = TargetStatus.ON_TRACK, TargetStatus.AT_RISK, TargetStatus.OFF_TRACK
AS_OF = at("2026-11-02 10:00")

WS = workspace(
    contract={
        "start": "2026-09-06",
        "trial_end": "2026-10-31",
        "pricing": {"kind": "retainer", "monthly_fee": 1000},
    },
    calendar={"working_days": ["sun", "mon", "tue", "wed", "thu"], "hours": "09:00-18:00"},
    targets=[
        {"id": "leads", "kpi": "leads", "value": 180, "period": "monthly"},
        {"id": "cpl", "kpi": "cpl", "value": 180, "period": "monthly"},
        {"id": "sqls", "kpi": "sqls", "value": 25, "period": "monthly"},
        {"id": "mqls", "kpi": "mqls", "value": 60, "period": "monthly"},
    ],
    slas=[
        {"id": "weekly-call", "kind": "meeting_cadence", "cadence": "weekly", "attainment": 0.75},
        {"id": "monthly-review", "kind": "meeting_cadence", "cadence": "monthly"},
    ],
)

# Weeks from Sun 6 Sep: met on 8 Sep, none 13–19, met 22 Sep, met 29 Sep | none 4–10 Oct,
# none 11–17, met 20 Oct, met 27 Oct. By the month a week starts in: September 3 of 4
# (0.75 ≥ 0.75, met), October 2 of 4 (0.5, not met). The monthly review is met both months.
MEETINGS = EvidenceLog.from_events(
    [
        {"at": day, "event": "meeting"}
        for day in ("2026-09-08", "2026-09-22", "2026-09-29", "2026-10-20", "2026-10-27")
    ],
    timezone=WS.timezone,
)

OUTCOMES = [
    # September: 1 + 0.5 + 0 = 1.5 points of 3 → 0.5.
    TargetOutcome("leads", "2026-09", ON),
    TargetOutcome("cpl", "2026-09", RISK),
    TargetOutcome("sqls", "2026-09", OFF),
    # October: 1 + 1 + 0.5 = 2.5 of 3 → 0.8333.
    TargetOutcome("leads", "2026-10", ON),
    TargetOutcome("cpl", "2026-10", ON),
    TargetOutcome("sqls", "2026-10", RISK),
    # Not judged: ignored.
    TargetOutcome("mqls", "2026-10", None),
    # A whole-trial verdict, for the trial review.
    TargetOutcome("leads", "trial", ON),
]

SURVEY_CSV = """\
date,respondent,side,communication,trust,process_efficiency,lead_quality,comment
2026-09-28,gil,in_house,4,5,3,,
2026-09-29,rina,sales,3,4,2,2,Leads from the partner form are poor
"""


def audit_with_hygiene(rows: list[tuple[str, int, int]]) -> SourceMapAudit:
    """An audit carrying only its hygiene table (the part health reads)."""
    empty = pa.table({})
    hygiene = pa.table(
        {
            "month": [m for m, _, _ in rows],
            "checks": [c for _, c, _ in rows],
            "passed": [p for _, _, p in rows],
            "score": pa.array([Decimal(p) / c for _, c, p in rows], pa.decimal128(6, 4)),
            "failed": pa.array([[] for _ in rows], pa.list_(pa.string())),
        }
    )
    return SourceMapAudit(
        start=dt.date(2026, 9, 1),
        end=dt.date(2026, 10, 31),
        as_of=AS_OF,
        silent_days=14,
        leads=0,
        unmapped=empty,
        overlaps=empty,
        silent=empty,
        spend_and_leads=empty,
        platform_vs_crm=empty,
        lead_volume=empty,
        campaigns=empty,
        missing_campaigns=empty,
        checks=empty,
        hygiene=hygiene,
        findings=empty,
    )


AUDIT = audit_with_hygiene([("2026-09", 4, 3), ("2026-10", 8, 2)])  # 0.75, 0.25


@pytest.fixture(scope="module")
def sla() -> Any:
    return sla_compliance(WS, None, MEETINGS, end=dt.date(2026, 11, 2), as_of=AS_OF)


@pytest.fixture
def survey(tmp_path: Path) -> Survey:
    path = tmp_path / "survey.csv"
    path.write_text(SURVEY_CSV, encoding="utf-8")
    return read_survey(path)


def test_survey_part(survey: Survey) -> None:
    # (rating − 1) / 4: gil 0.75 + 1 + 0.5 = 2.25, rina 0.5 + 0.75 + 0.25 + 0.25 = 1.75;
    # 4 points over 7 answers (gil left lead quality blank) = 0.571428… → 0.5714.
    health = partnership_health(["2026-09"], survey=survey)
    part = health.month("2026-09").part("survey")
    assert (part.value, part.numerator, part.denominator) == (
        Decimal("0.5714"),
        Decimal("4.0000"),
        Decimal(7),
    )
    assert part.detail == (
        "survey of 2026-09 (2 respondent(s), 7 answer(s)): communication 3.5, trust 4.5, "
        "process efficiency 2.5, lead quality 2.0 of 5"
    )


def test_monthly_scores_with_all_parts(sla: Any, survey: Survey) -> None:
    health = partnership_health(
        ["2026-09", "2026-10", "2026-11", "2026-12"],
        targets=OUTCOMES,
        sla=sla,
        audit=AUDIT,
        survey=survey,
    )
    sep, oct_, nov, dec = health.months
    # Sep: 100 × (0.4 × 0.5 + 0.3 × 1 + 0.15 × 0.75 + 0.15 × 0.5714) = 69.821 → 69.8.
    assert [sep.part(p).value for p in ("kpi", "sla", "hygiene", "survey")] == [
        Decimal("0.5000"),
        Decimal("1.0000"),
        Decimal("0.7500"),
        Decimal("0.5714"),
    ]
    assert sep.score == Decimal("69.8")
    assert sep.part("kpi").contribution == Decimal("20.0")
    assert sep.part("sla").detail.startswith("2 of 2 term(s) met")
    # Oct: 100 × (0.4 × 0.8333 + 0.3 × 0.5 + 0.15 × 0.25 + 0.15 × 0.5714) = 60.653 → 60.7.
    assert oct_.part("kpi").value == Decimal("0.8333")
    assert oct_.part("sla").value == Decimal("0.5000")
    assert oct_.score == Decimal("60.7")
    # Nov: only the September survey still counts (3 months: Sep, Oct, Nov); the SLA
    # (no case decided) and the audit (month not judged) were given but hold nothing
    # for November: a score from the survey alone would be a score from nothing.
    assert nov.score is None
    assert nov.reason == "parts_not_computable"
    assert nov.not_computable == ("sla", "hygiene")
    assert nov.part("sla").reason == "no_sla_decided"
    assert nov.part("kpi").reason == "not_given"
    assert nov.part("kpi").detail == "missing: no target outcome for the month"
    # Dec: the survey is too old and nothing else is there: no score.
    assert dec.score is None
    assert dec.part("survey").detail == "missing: no survey in time"
    table = health.to_arrow()
    assert table.num_rows == 20  # 4 months × 5 parts: the score never travels alone
    assert health.scores().column("score").to_pylist() == [
        Decimal("69.8"),
        Decimal("60.7"),
        None,
        None,
    ]


def test_a_missing_part_gives_its_weight_to_the_others(sla: Any) -> None:
    health = partnership_health(["2026-09"], targets=OUTCOMES, sla=sla, audit=AUDIT)
    sep = health.month("2026-09")
    # 100 × (0.4 × 0.5 + 0.3 × 1 + 0.15 × 0.75) / 0.85 = 61.25 / 0.85 = 72.058… → 72.1.
    assert sep.score == Decimal("72.1")
    assert sep.part("kpi").effective_weight == Decimal("0.4706")  # 0.4 / 0.85
    assert sep.part("survey").effective_weight == Decimal(0)


def test_weights_are_configurable_and_checked(sla: Any) -> None:
    only_kpi = HealthWeights(kpi=1, sla=0, hygiene=0, survey=0)
    health = partnership_health(targets=OUTCOMES, sla=sla, weights=only_kpi)
    # Months default to every month an input has.
    assert [m.month for m in health.months] == ["2026-09", "2026-10", "2026-11"]
    assert [m.score for m in health.months[:2]] == [Decimal("50.0"), Decimal("83.3")]
    # At-risk points can be changed: at risk = 0 makes September 1 of 3.
    strict = HealthWeights(at_risk=0)
    sep = partnership_health(["2026-09"], targets=OUTCOMES, weights=strict).month("2026-09")
    assert sep.part("kpi").value == Decimal("0.3333")
    with pytest.raises(ConfigurationError, match="0 or more"):
        HealthWeights(kpi=-1)
    with pytest.raises(ConfigurationError, match="at least one"):
        HealthWeights(kpi=0, sla=0, hygiene=0, survey=0, actions=0)
    with pytest.raises(ConfigurationError, match="off_track ≤ at_risk"):
        HealthWeights(at_risk=2)
    with pytest.raises(ConfigurationError, match="YYYY-MM"):
        partnership_health(["Sept"])


def test_target_outcomes_from_a_table() -> None:
    table = pa.table(
        {
            "target_id": ["leads", "cpl"],
            "month": ["2026-09", "2026-09"],
            "status": ["on_track", "off_track"],
            "actual": [190.0, None],
        }
    )
    outcomes = TargetOutcome.from_table(table)
    assert outcomes[0] == TargetOutcome("leads", "2026-09", ON, actual=Decimal("190.0"))
    health = partnership_health(targets=table)
    assert health.month("2026-09").part("kpi").value == Decimal("0.5000")
    with pytest.raises(ConfigurationError, match="status"):
        TargetOutcome.from_table(pa.table({"target": ["x"], "period": ["2026-09"]}))


def test_target_outcomes_from_kpi_values() -> None:
    from types import SimpleNamespace as Ns

    month = Ns(start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31), kind="month")
    quarter = Ns(start=dt.date(2026, 10, 1), end=dt.date(2026, 12, 31), kind="quarter")
    values = [
        Ns(
            target_id="leads",
            period=month,
            status="at_risk",
            value=Decimal(170),
            target=Decimal(180),
            reason=None,
        ),
        Ns(
            target_id="q4",
            period=quarter,
            status=OFF,
            value=None,
            target=Decimal(5),
            reason="no data",
        ),
        Ns(target_id=None, period=month, status=None, value=Decimal(1), target=None),
    ]
    assert TargetOutcome.from_kpi_values(values) == [
        TargetOutcome("leads", "2026-10", RISK, Decimal(170), Decimal(180)),
        TargetOutcome("q4", "2026-Q4", OFF, None, Decimal(5), "no data"),
    ]


@pytest.mark.parametrize(
    ("text", "row", "column"),
    [
        ("date,trust\n2026-09-28,6\n", 2, "trust"),
        ("date,trust\n2026-09-28,4\n2026-09-29,zero\n", 3, "trust"),
        ("date,trust,commnet\n2026-09-28,4,x\n", 2, "commnet"),
        ("date,trust\nlast week,4\n", 2, "date"),
    ],
)
def test_bad_survey_rows(tmp_path: Path, text: str, row: int, column: str) -> None:
    path = tmp_path / "s.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_survey(path)
    assert (info.value.row, info.value.column) == (row, column)


def test_survey_from_yaml_by_month(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(
        "responses:\n  - {date: 2026-10, respondent: gil, communication: 5, trust: 1}\n",
        encoding="utf-8",
    )
    survey = read_survey(path)
    # (5 − 1) / 4 + (1 − 1) / 4 = 1 point over 2 answers.
    part = partnership_health(["2026-10"], survey=survey).month("2026-10").part("survey")
    assert part.value == Decimal("0.5000")


# ------------------------------------------------------------------ trial review


def test_trial_review(sla: Any, survey: Survey) -> None:
    review = trial_review(WS, None, MEETINGS, targets=OUTCOMES, survey=survey, as_of=AS_OF)
    assert (review.start, review.end, review.provisional) == (
        dt.date(2026, 9, 6),
        dt.date(2026, 10, 31),
        False,
    )
    assert review.audit is None  # no records given
    targets = {r["target"]: r for r in review.targets.to_pylist()}
    assert (targets["leads"]["on_track"], targets["leads"]["trial_status"]) == (2, "on_track")
    assert (targets["cpl"]["on_track"], targets["cpl"]["at_risk"]) == (1, 1)
    assert (targets["sqls"]["latest_period"], targets["sqls"]["latest_status"]) == (
        "2026-10",
        "at_risk",
    )
    assert (targets["mqls"]["periods"], targets["mqls"]["latest_status"]) == (0, None)
    # Over the trial, weekly calls: met 8 Sep, 22 Sep, 29 Sep, 20 Oct, 27 Oct; missed the
    # weeks of 13 Sep, 4 Oct, 11 Oct → 5 of 8 = 0.625 < 0.75.
    weekly = review.sla.term("weekly-call")
    assert (weekly.met, weekly.breached, weekly.passed) == (5, 3, False)
    summary = review.to_arrow().to_pylist()
    assert [(r["item"], r["id"], r["passed"]) for r in summary] == [
        ("target", "leads", True),
        ("target", "cpl", True),
        ("target", "sqls", False),
        ("target", "mqls", None),
        ("sla", "weekly-call", False),
        ("sla", "monthly-review", True),
    ]
    assert [m.month for m in review.health.months] == ["2026-09", "2026-10"]
    html = review._repr_html_()
    assert "Trial 2026-09-06 to 2026-10-31 is over" in html
    assert "<h3>Partnership health</h3>" not in html  # the review shows the scores table
    assert "Weights: KPI 0.40, SLA 0.30" in review.health._repr_html_()


def test_a_review_before_the_trial_ends_is_provisional() -> None:
    review = trial_review(WS, None, MEETINGS, as_of=at("2026-10-15 12:00"))
    assert review.provisional is True
    assert review.days_left == 16


def test_the_trial_review_needs_a_trial_end() -> None:
    ws = workspace(
        contract={"start": "2026-09-06", "pricing": {"kind": "retainer", "monthly_fee": 1000}}
    )
    with pytest.raises(ConfigurationError, match="trial_end"):
        trial_review(ws, as_of=AS_OF)
