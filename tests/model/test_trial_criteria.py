"""The contract's trial criteria: their forms, their schema errors and their references."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from partnerkit.errors import WorkspaceError
from partnerkit.model import TargetStatus, TrialCriterion, Workspace

Data = dict[str, Any]


def _with_criteria(base: Data, *criteria: Any) -> Data:
    base["contract"]["trial_criteria"] = list(criteria)
    return base


def test_a_kpi_and_an_sla_criterion(base: Data) -> None:
    ws = Workspace.model_validate(
        _with_criteria(
            base,
            {"id": "cpl", "kpi": "cpl", "value": 200},
            {"id": "search-leads", "kpi": "leads", "value": 90, "scope": {"source": "search"}},
            {"id": "reports", "sla": "report-sla", "attainment": "90%"},
        )
    )
    assert ws.contract is not None
    cpl, search, reports = ws.contract.trial_criteria
    assert (cpl.kind, cpl.ref, cpl.value) == ("kpi", "cpl", Decimal(200))
    assert (search.scope.kind, search.scope.ref) == ("source", "search")
    assert (reports.kind, reports.ref, reports.attainment) == ("sla", "report-sla", Decimal("0.9"))


def test_a_kpi_criterion_is_a_target_over_the_trial_met_only_on_track() -> None:
    criterion = TrialCriterion(id="cpl", kpi="cpl", value=Decimal(200))
    target = criterion.as_target(dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert (target.id, target.kpi, target.value) == ("cpl", "cpl", Decimal(200))
    assert target.period.bounds() == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    # lower is better for a CPL: 200 is met, 200.01 is not (no "at risk" band)
    assert target.status(Decimal(200), "lower") is TargetStatus.ON_TRACK
    assert target.status(Decimal("200.01"), "lower") is TargetStatus.OFF_TRACK
    with pytest.raises(ValueError, match="SLA criterion"):
        TrialCriterion(id="r", sla="report-sla").as_target(
            dt.date(2026, 1, 1), dt.date(2026, 3, 31)
        )


@pytest.mark.parametrize(
    ("criterion", "fragment"),
    [
        ({"id": "x"}, "give exactly one of kpi or sla"),
        ({"id": "x", "kpi": "cpl", "sla": "report-sla", "value": 1}, "exactly one of kpi or sla"),
        ({"id": "x", "kpi": "cpl"}, "needs the value that counts as success"),
        ({"id": "x", "kpi": "cpl", "value": 1, "attainment": 0.9}, "'attainment' is for an SLA"),
        ({"id": "x", "sla": "report-sla", "value": 1}, "write 'attainment: 0.9'"),
        ({"id": "x", "sla": "report-sla", "scope": {"source": "search"}}, "'scope' is for a KPI"),
        ({"id": "x", "sla": "report-sla", "attainment": 90}, "is a share between 0 and 1"),
    ],
)
def test_schema_errors(base: Data, criterion: Data, fragment: str) -> None:
    with pytest.raises(WorkspaceError) as info:
        Workspace.model_validate(_with_criteria(base, criterion))
    messages = [p.message for p in info.value.problems]
    assert any(fragment in m for m in messages), messages
    assert all(p.path.startswith("contract.trial_criteria[0]") for p in info.value.problems)


def test_criteria_need_a_trial_end(base: Data) -> None:
    del base["contract"]["trial_end"]
    with pytest.raises(WorkspaceError) as info:
        Workspace.model_validate(_with_criteria(base, {"id": "cpl", "kpi": "cpl", "value": 1}))
    assert "trial_criteria need trial_end" in str(info.value)


def test_unknown_references_say_what_was_meant(base: Data) -> None:
    with pytest.raises(WorkspaceError) as info:
        Workspace.model_validate(
            _with_criteria(
                base,
                {"id": "cpl", "kpi": "cpll", "value": 200},
                {"id": "cpl", "sla": "report-sl"},
                {"id": "leads", "kpi": "leads", "value": 9, "scope": {"source": "serch"}},
            )
        )
    got = [(p.path, p.message) for p in info.value.problems]
    assert got == [
        ("contract.trial_criteria[1].id", got[0][1]),
        ("contract.trial_criteria[0].kpi", got[1][1]),
        ("contract.trial_criteria[1].sla", got[2][1]),
        ("contract.trial_criteria[2].scope.source", got[3][1]),
    ]
    assert got[0][1].startswith("duplicate trial criterion id 'cpl'")
    assert got[1][1].startswith("unknown KPI 'cpll'. Did you mean 'cpl'? KPIs: ")
    assert got[2][1] == (
        "unknown SLA term 'report-sl'. Did you mean 'report-sla'? SLA terms: report-sla."
    )
    assert got[3][1] == "unknown source 'serch'. Did you mean 'search'? Sources: search."


def test_from_a_file_the_problem_has_its_line(tmp_path: Any) -> None:
    from partnerkit.model import load_workspace

    path = tmp_path / "partnerkit.yaml"
    path.write_text(
        """\
version: 1
name: Trial
currency: ILS
timezone: Asia/Jerusalem
contract:
  start: 2026-08-01
  trial_end: 2026-10-31
  pricing: {kind: retainer, monthly_fee: 1000}
  trial_criteria:
    - {id: cpl, kpi: cpll, value: 180}
""",
        encoding="utf-8",
    )
    with pytest.raises(WorkspaceError) as info:
        load_workspace(path)
    (problem,) = info.value.problems
    assert (problem.line, problem.path) == (10, "contract.trial_criteria[0].kpi")
    assert "Did you mean 'cpl'?" in problem.message
