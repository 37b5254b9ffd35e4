"""The remaining error paths, each with its plain message."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from partnerkit.errors import WorkspaceError
from partnerkit.model import (
    SLA,
    Campaign,
    Condition,
    LeadDefinition,
    Measure,
    Period,
    load_workspace,
)

Writer = Callable[..., Path]
LoadError = Callable[[Path], WorkspaceError]

HEAD = "name: X\ncurrency: USD\ntimezone: UTC\n"


def _one(load_error: LoadError, path: Path) -> tuple[int | None, str, str]:
    problems = load_error(path).problems
    assert len(problems) == 1, problems
    return problems[0].line, problems[0].path, problems[0].message


@pytest.mark.parametrize(
    ("body", "line", "path", "message"),
    [
        (
            "contract:\n  start: 2026-01-01\n  pricing: {monthly_fee: 5}\n",
            6,
            "contract.pricing.kind",
            "is required: one of retainer, per_project, bank_of_hours",
        ),
        (
            "contract:\n  start: 2026-01-01\n  pricing: {kind: per_project, projects: []}\n",
            6,
            "contract.pricing.projects",
            "must have at least 1 item",
        ),
        (
            "contract:\n  start: 2026-01-01\n  pricing: {kind: retainer, monthly_fee: .inf}\n",
            6,
            "contract.pricing.monthly_fee",
            "must be a finite number",
        ),
        (
            "connections:\n  - {name: ads, connector: Google-Ads}\n",
            5,
            "connections[0].connector",
            "must be a connector's name: lower-case letters, digits and '_' (e.g. google_ads); "
            "`partnerkit connectors` lists the installed ones",
        ),
        (
            "slas:\n  - {id: s, kind: meeting_cadence, cadence: weekly, attainment: most%}\n",
            5,
            "slas[0].attainment",
            "must be a share such as 0.9 or '90%'",
        ),
        (
            "calendar:\n  hours: {start: '09:00', end: 5pm}\n",
            5,
            "calendar.hours.end",
            "must be a time written HH:MM in quotes, e.g. '09:00'",
        ),
        (
            "lead_definition:\n  sales_ready: ['lifecycle == customer']\n",
            4,
            "lead_definition",
            "sales_ready[0]: lead records have no column 'lifecycle'. Did you mean "
            "'lifecycle_stage'?",
        ),
        (
            "sources:\n  - {id: s, name: S, channel: email, wiring: form, owner: partner,"
            " start: next week}\n",
            5,
            "sources[0].start",
            "must be a date written YYYY-MM-DD, e.g. 2026-01-31",
        ),
        (
            "campaigns:\n  - {id: c, name: C, source: s, objective: leads,"
            " start: 2026-01-01 10:30:00}\n",
            5,
            "campaigns[0].start",
            "must be a date without a time of day",
        ),
        (
            "partner: {id: p, name: P, kind: agency, website: [a]}\n",
            4,
            "partner.website",
            "must be text (got a list)",
        ),
        (
            "version: 2\n",
            4,
            "version",
            "must be one of: 1.",
        ),
    ],
)
def test_plain_messages(
    write: Writer, load_error: LoadError, body: str, line: int, path: str, message: str
) -> None:
    assert _one(load_error, write(HEAD + body)) == (line, path, message)


def test_unreadable_file(tmp_path: Path, load_error: LoadError) -> None:
    (tmp_path / "partnerkit.yaml").mkdir()  # a folder where the file should be
    error = load_error(tmp_path)
    assert error.problems[0].message.startswith("the file cannot be read:")


def _fails(model: Any, data: Any, fragment: str) -> None:
    with pytest.raises(ValidationError) as info:
        model.model_validate(data)
    assert fragment in str(info.value)


def test_condition_mapping_form() -> None:
    cond = Condition.model_validate({"column": "is_closed_won", "op": "eq", "value": True})
    assert str(cond) == "is_closed_won == true"
    _fails(Condition, {"column": "a", "op": "is_null", "value": 1}, "'is null' takes no value")
    _fails(Condition, {"column": "a", "op": "eq"}, "'==' needs a value; test for missing values")
    _fails(Condition, {"column": "a b", "op": "is_null"}, "must be a record column")
    _fails(Condition, {"column": "a", "op": "like", "value": "x"}, "Input should be 'eq'")


def test_measure_details() -> None:
    no_hint = "lead records have no column 'zzz'. Columns: platform, account_id, lead_id"
    _fails(Measure, {"count": "lead", "where": "zzz is null"}, no_hint)
    _fails(Measure, {"count": "lead", "at": "became_mq_at"}, "at: lead records have no column")
    measure = Measure.model_validate({"count": "deal", "at": "created_at"})
    assert (measure.aggregate, measure.column, measure.date_column) == ("count", None, "created_at")
    assert Measure(sum="deal.amount").aggregate == "sum"


def test_lead_definition_needs_sales_ready_rules() -> None:
    _fails(LeadDefinition, {"nurture": ["is_deleted != true"]}, "sales_ready")
    definition = LeadDefinition.model_validate({"sales_ready": "lead_status == OPEN"})
    assert definition.classify({"lead_status": "OPEN"}) == "sales_ready"
    assert definition.classify({"lead_status": "BAD"}) == "nurture"  # no nurture rules: the rest


def test_campaign_dates_in_order() -> None:
    _fails(
        Campaign,
        {
            "id": "c",
            "name": "C",
            "source": "s",
            "objective": "leads",
            "start": "2026-02-01",
            "end": "2026-01-01",
        },
        "the campaign ends (2026-01-01) before it starts (2026-02-01)",
    )


def test_period_text() -> None:
    assert str(Period.model_validate("2026-07")) == "2026-07"
    assert str(Period.model_validate("2026-Q3")) == "2026-Q3"
    assert str(Period.model_validate({"start": "2026-01-01", "end": "2026-02-15"})) == (
        "2026-01-01 to 2026-02-15"
    )
    assert str(Period.model_validate("quarterly")) == "every quarter"


def test_sla_owner_default() -> None:
    sla = SLA.model_validate({"id": "s", "kind": "response_time", "threshold": "4 business hours"})
    assert sla.owner == "partner"
    assert sla.threshold is not None
    assert sla.threshold.is_business


def test_example_has_no_problem_when_loaded_twice(example_path: Path) -> None:
    first = load_workspace(example_path)
    second = load_workspace(example_path)
    assert first.model_dump() == second.model_dump()
