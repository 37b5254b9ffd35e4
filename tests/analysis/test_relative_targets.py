"""Targets relative to a baseline, on February 2028 of _engagement_feb2028.py.

February has 6 leads (L1, L2, L4, L6, L7, L9) and a CPL of 1000 / 6 = 166.67.
"""

import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from _engagement_feb2028 import FEB, RATES, dataset, workspace

from partnerkit.analysis.kpis import evaluate_targets
from partnerkit.errors import WorkspaceError
from partnerkit.model import Target, TargetStatus
from partnerkit.model.targets import relative_value

DATA = dataset()
END_FEB = dt.date(2028, 2, 29)
BASE = {"value": 5, "period": "2027-12"}


def target(**parts: Any) -> dict[str, Any]:
    return {"id": "t", "kpi": "leads", "period": FEB, **parts}


def test_a_change_resolves_to_a_value_from_the_baseline() -> None:
    t = Target.model_validate(target(change="+20%", baseline=BASE))
    assert (t.value, t.change, t.is_relative) == (6, 20, True)  # 5 × 1.2
    down = Target.model_validate(target(kpi="cpl", change="-15%", baseline={**BASE, "value": 200}))
    assert down.value == 170  # 200 × 0.85
    assert relative_value(Decimal(120), Decimal(25)) == 150
    # a dumped target comes back the same
    assert Target.model_validate(t.model_dump()).value == 6


def test_a_ratio_is_written_as_such() -> None:
    assert Target.model_validate(target(kpi="roas", value="5:1")).value == 5
    assert Target.model_validate(target(kpi="roas", value="3:2")).value == Decimal("1.5")


def test_approval_and_the_day_agreed() -> None:
    agreed = Target.model_validate(target(value=6, agreed_on="2028-01-15"))
    assert (agreed.approval, agreed.agreed_on) == ("agreed", dt.date(2028, 1, 15))
    assert Target.model_validate(target(value=6, approval="proposed")).approval == "proposed"


@pytest.mark.parametrize(
    ("parts", "field", "says"),
    [
        ({"change": "+20%"}, "targets[0]", "add 'baseline: {value: 120"),
        ({}, "targets[0]", "'value' (e.g. value: 180"),
        ({"change": "+20%", "value": 9, "baseline": BASE}, "targets[0]", "not both"),
        ({"change": 10, "baseline": {**BASE, "value": 0}}, "targets[0]", "absolute 'value'"),
        ({"change": "lots", "baseline": BASE}, "targets[0].change", "change: +20%"),
        ({"value": "5:0"}, "targets[0].value", "value: '5:1'"),
        (
            {"value": 6, "approval": "proposed", "agreed_on": "2028-01-15"},
            "targets[0]",
            "write 'approval: agreed'",
        ),
    ],
)
def test_errors_say_which_field_and_what_to_write(
    parts: dict[str, Any], field: str, says: str
) -> None:
    with pytest.raises(WorkspaceError) as err:
        workspace(targets=[target(**parts)])
    text = str(err.value)
    assert field in text
    assert says in text


def test_status_bands_work_the_same_on_a_relative_target() -> None:
    # +20 % from 5 is 6: 6 leads is on track
    ws = workspace(targets=[target(change="+20%", baseline=BASE)])
    value = evaluate_targets(ws, DATA, FEB, as_of=END_FEB, rates=RATES).target("t")
    assert (value.value, value.target, value.status) == (6, 6, TargetStatus.ON_TRACK)
    assert value.baseline == 5
    # +40 % from 5 is 7: 6 is 14.3 % short, beyond the 10 % band: off track
    ws = workspace(targets=[target(change=40, baseline=BASE)])
    value = evaluate_targets(ws, DATA, FEB, as_of=END_FEB, rates=RATES).target("t")
    assert (value.target, value.status) == (7, TargetStatus.OFF_TRACK)
    # -10 % on a CPL of 180 is 162: 166.67 is 2.9 % over, within at_risk 10 → at risk
    ws = workspace(targets=[target(kpi="cpl", change="-10%", baseline={**BASE, "value": 180})])
    value = evaluate_targets(ws, DATA, FEB, as_of=END_FEB, rates=RATES).target("t")
    assert (value.target, value.status) == (162, TargetStatus.AT_RISK)
