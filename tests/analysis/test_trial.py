"""The trial verdict: the rule, and each criterion measured on a small engagement by hand.

The small engagement is the report tests' (``tests/report/_helpers.py``) with a trial
from 1 September to 31 October 2026 (61 days), worked by hand:

  spend (all Google search, account 111): 10 Sep 400, 5 Oct 300, 20 Oct 200 → 900
  leads: 2 in September (S1, S2), 5 in October (O1–O4 paid search, O5 organic) → 7
  SQLs: O1 became an SQL on 6 Oct → 1
  CPL over the trial: 900 / 7 = 128.571428…
  counted to 30 September: 2 leads in 30 of 61 days → projected 2 × 61 / 30 = 4.0666…;
  CPL 400 / 2 = 200 (a ratio projects to itself)
  the organic source has no spend record: its CPL is not computable (no_rows), never 0
  the monthly-report SLA has no evidence log: not computable (no_evidence_log)
"""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "report"))
from _helpers import small_dataset, small_workspace

from partnerkit.analysis import trial_review, trial_verdict
from partnerkit.analysis.trial import CriterionOutcome, decide, trial_phase
from partnerkit.errors import ConfigurationError
from partnerkit.model import Workspace

AS_OF = dt.date(2026, 11, 15)
DATA = small_dataset()


def trial_ws(*criteria: dict[str, Any], trial_end: str | None = "2026-10-31") -> Workspace:
    contract: dict[str, Any] = {
        "start": dt.date(2026, 9, 1),
        "pricing": {"kind": "retainer", "monthly_fee": 2000},
        "trial_criteria": list(criteria),
    }
    if trial_end is not None:
        contract["trial_end"] = dt.date.fromisoformat(trial_end)
    return small_workspace(contract=contract)


CPL_150 = {"id": "cpl", "kpi": "cpl", "value": 150}
LEADS_10 = {"id": "leads", "kpi": "leads", "value": 10}
SQLS_1 = {"id": "sqls", "kpi": "sqls", "value": 1}
REPORTS = {"id": "reports", "sla": "monthly-report"}


# ------------------------------------------------------------------- the rule

M, X, N = "met", "not_met", "not_computable"


@pytest.mark.parametrize(
    ("outcomes", "expected"),
    [
        ([], (None, "no_criteria")),
        ([N, N], (None, "nothing_measured")),
        ([M], ("continue", None)),
        ([M, M, M], ("continue", None)),
        ([M, M, X], ("extend", None)),  # one of three missed: not most
        ([M, M, N], ("extend", None)),  # all measured met, one without data: not enough
        ([X, N], ("extend", None)),  # half missed is not more than half
        ([X, X, N, M], ("extend", None)),
        ([X, X, M], ("end", None)),  # two of three missed
        ([X, X, N], ("end", None)),
        ([X], ("end", None)),
    ],
)
def test_the_verdict_rule(outcomes: list[CriterionOutcome], expected: tuple[Any, Any]) -> None:
    assert decide(outcomes) == expected


def test_the_phase_of_a_month() -> None:
    ws = trial_ws()
    assert trial_phase(ws.contract, "2026-10") == "ends_this_month"
    assert trial_phase(ws.contract, dt.date(2026, 9, 17)) == "ends_next_month"
    assert trial_phase(ws.contract, "2026-08") is None
    assert trial_phase(ws.contract, "2026-11") is None
    assert trial_phase(trial_ws(trial_end=None).contract, "2026-10") is None
    assert trial_phase(None, "2026-10") is None
    # across a year's end
    ws = small_workspace(
        contract={
            "start": dt.date(2026, 11, 1),
            "trial_end": dt.date(2027, 1, 15),
            "pricing": {"kind": "retainer", "monthly_fee": 1},
        }
    )
    assert trial_phase(ws.contract, "2026-12") == "ends_next_month"
    assert trial_phase(ws.contract, "2027-01") == "ends_this_month"


# ------------------------------------------------------------- measured by hand


def test_extend_when_one_criterion_has_no_data() -> None:
    v = trial_verdict(trial_ws(CPL_150, LEADS_10, SQLS_1, REPORTS), DATA, as_of=AS_OF)
    assert (v.start, v.end, v.counted_to, v.provisional) == (
        dt.date(2026, 9, 1),
        dt.date(2026, 10, 31),
        dt.date(2026, 10, 31),
        False,
    )
    cpl = v.criterion("cpl")
    assert (cpl.unit, cpl.direction.value, cpl.target) == ("money", "lower", Decimal(150))
    assert cpl.measured == Decimal(900) / Decimal(7)
    assert (cpl.outcome, cpl.basis, cpl.projected) == ("met", "value", None)
    leads = v.criterion("leads")
    assert (leads.measured, leads.outcome) == (Decimal(7), "not_met")
    sqls = v.criterion("sqls")
    assert (sqls.measured, sqls.outcome) == (Decimal(1), "met")  # at the value is success
    reports = v.criterion("reports")
    assert (reports.outcome, reports.reason, reports.measured) == (
        "not_computable",
        "no_evidence_log",
        None,
    )
    assert (v.met, v.not_met, v.not_computable) == (2, 1, 1)
    assert (v.verdict, v.reason) == ("extend", None)
    rows = v.to_arrow().to_pylist()
    assert [(r["criterion"], r["outcome"], r["reason"]) for r in rows] == [
        ("cpl", "met", None),
        ("leads", "not_met", None),
        ("sqls", "met", None),
        ("reports", "not_computable", "no_evidence_log"),
    ]
    assert rows[0]["measured"] == Decimal("128.571429")


def test_end_when_most_criteria_are_missed() -> None:
    cpl_100 = {"id": "cpl", "kpi": "cpl", "value": 100}
    v = trial_verdict(trial_ws(cpl_100, LEADS_10, SQLS_1), DATA, as_of=AS_OF)
    assert [c.outcome for c in v.criteria] == ["not_met", "not_met", "met"]
    assert v.criterion("cpl").measured == Decimal(900) / Decimal(7)  # 128.57 > 100
    assert v.verdict == "end"


def test_continue_when_every_criterion_is_met() -> None:
    leads_7 = {"id": "leads", "kpi": "leads", "value": 7}
    v = trial_verdict(trial_ws(CPL_150, leads_7), DATA, as_of=AS_OF)
    assert [c.outcome for c in v.criteria] == ["met", "met"]
    assert v.verdict == "continue"


def test_the_month_before_the_end_is_provisional_and_judged_on_the_projection() -> None:
    leads_4 = {"id": "leads", "kpi": "leads", "value": 4}
    v = trial_verdict(trial_ws(CPL_150, leads_4), DATA, as_of=AS_OF, month="2026-09")
    assert (v.phase, v.counted_to, v.provisional, v.days_left) == (
        "ends_next_month",
        dt.date(2026, 9, 30),
        True,
        31,
    )
    leads = v.criterion("leads")
    assert leads.measured == 2
    assert leads.projected is not None
    assert round(leads.projected, 6) == round(Decimal(2) * 61 / 30, 6)  # 4.066667 ≥ 4
    assert (leads.basis, leads.outcome, leads.judged) == ("projection", "met", leads.projected)
    cpl = v.criterion("cpl")
    assert (cpl.measured, cpl.projected, cpl.outcome) == (Decimal(200), Decimal(200), "not_met")
    assert v.verdict == "extend"  # one of two missed
    # the month the trial ends, counted to its end: final
    final = trial_verdict(trial_ws(CPL_150, leads_4), DATA, as_of=AS_OF, month="2026-10")
    assert (final.phase, final.provisional, final.verdict) == ("ends_this_month", False, "continue")


def test_nothing_from_nothing() -> None:
    organic_cpl = {"id": "organic-cpl", "kpi": "cpl", "value": 100, "scope": {"source": "organic"}}
    v = trial_verdict(trial_ws(organic_cpl, REPORTS), DATA, as_of=AS_OF)
    organic = v.criterion("organic-cpl")
    # no spend record for the organic source: not a CPL of 0, and so not "met"
    assert (organic.outcome, organic.reason, organic.measured) == (
        "not_computable",
        "no_rows",
        None,
    )
    assert organic.kpi is not None
    assert (v.verdict, v.reason) == (None, "nothing_measured")
    # no records at all
    v = trial_verdict(trial_ws(CPL_150), None, as_of=AS_OF)
    assert (v.criteria[0].reason, v.verdict, v.reason) == ("no_dataset", None, "nothing_measured")
    # counted before the trial starts
    v = trial_verdict(trial_ws(CPL_150, REPORTS), DATA, as_of=dt.date(2026, 8, 20))
    assert [c.reason for c in v.criteria] == ["not_started", "not_started"]
    # no criteria in the contract
    v = trial_verdict(trial_ws(), DATA, as_of=AS_OF)
    assert (v.criteria, v.verdict, v.reason) == ((), None, "no_criteria")


def test_the_verdict_needs_a_trial_end() -> None:
    with pytest.raises(ConfigurationError, match="trial_end"):
        trial_verdict(trial_ws(trial_end=None), DATA, as_of=AS_OF)


def test_the_trial_review_carries_the_verdict() -> None:
    ws = trial_ws(CPL_150, LEADS_10, SQLS_1, REPORTS)
    review = trial_review(ws, DATA, as_of=dt.datetime(2026, 11, 15, tzinfo=dt.UTC))
    assert review.verdict is not None
    assert (review.verdict.verdict, review.verdict.met) == ("extend", 2)
    assert "<b>extend</b>" in review._repr_html_()


def test_an_sla_criterion_at_the_terms_share_or_its_own() -> None:
    # A monthly review over the trial: a meeting on 10 September, none in October →
    # September met, October breached: 1 of 2 = 50%. The term requires 100% (not met);
    # a criterion asking for 50% is met.
    from partnerkit.analysis import EvidenceLog

    contract = {
        "start": dt.date(2026, 9, 1),
        "trial_end": dt.date(2026, 10, 31),
        "pricing": {"kind": "retainer", "monthly_fee": 1},
        "trial_criteria": [
            {"id": "review", "sla": "monthly-review"},
            {"id": "review-half", "sla": "monthly-review", "attainment": "50%"},
        ],
    }
    ws = small_workspace(
        contract=contract,
        slas=[{"id": "monthly-review", "kind": "meeting_cadence", "cadence": "monthly"}],
    )
    meetings = EvidenceLog.from_events(
        [{"at": "2026-09-10", "event": "meeting"}], timezone=ws.timezone
    )
    v = trial_verdict(ws, DATA, meetings, as_of=AS_OF)
    review, half = v.criteria
    assert review.term is not None
    assert (review.term.met, review.term.breached) == (1, 1)
    assert (review.measured, review.target, review.outcome) == (Decimal("0.5"), 1, "not_met")
    assert (half.measured, half.target, half.outcome) == (Decimal("0.5"), Decimal("0.5"), "met")
    assert v.verdict == "extend"
