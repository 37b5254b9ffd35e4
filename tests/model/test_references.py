"""Cross-reference checks: run after the schema, in code and from files, all reported at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from partnerkit.errors import WorkspaceError
from partnerkit.model import Workspace

Data = dict[str, Any]
CodeError = Callable[[Data], WorkspaceError]


def test_base_is_valid(base: Data) -> None:
    ws = Workspace.model_validate(base)
    assert ws.source("search").connection == "ads"


def _set(path: str, value: Any) -> Callable[[Data], None]:
    """Set a value at a dotted path with [i] indexes, e.g. 'sources[0].connection'."""

    def apply(data: Data) -> None:
        parts: list[str | int] = []
        for chunk in path.split("."):
            name, _, rest = chunk.partition("[")
            parts.append(name)
            if rest:
                parts.append(int(rest.rstrip("]")))
        target: Any = data
        for part in parts[:-1]:
            target = target[part]
        target[parts[-1]] = value

    return apply


def _append(path: str, item: Any) -> Callable[[Data], None]:
    def apply(data: Data) -> None:
        target: Any = data
        for part in path.split("."):
            target = target[part]
        target.append(item)

    return apply


SOURCE_2 = {
    "id": "search",
    "name": "Twin",
    "channel": "email",
    "wiring": "form",
    "owner": "in_house",
}

CASES = [
    # (change, path, value, message fragment)
    (
        _append("partner.people", {"id": "noa", "name": "Noa 2", "side": "partner"}),
        "partner.people[3].id",
        "noa",
        "duplicate person id 'noa': partner.people[0] has it already",
    ),
    (
        _set("partner.point_people.partner", "nora"),
        "partner.point_people.partner",
        "nora",
        "unknown person 'nora'. Did you mean 'noa'? People: noa, dana, yael.",
    ),
    (
        _set("partner.point_people.in_house", "dana"),
        "partner.point_people.in_house",
        "dana",
        "'dana' is on the partner side; the in_house point person must be on the in_house side",
    ),
    (
        _set("partner.escalation[1].person", "boss"),
        "partner.escalation[1].person",
        "boss",
        "unknown person 'boss'",
    ),
    (
        _set("contract.trial_end", dt.date(2027, 1, 31)),
        "contract.trial_end",
        None,
        "the trial ends after the contract ends (2026-12-31)",
    ),
    (
        _set("contract.trial_end", dt.date(2025, 12, 1)),
        "contract.trial_end",
        None,
        "the trial ends before the contract starts (2026-01-01)",
    ),
    (
        _append(
            "contract.deliverables",
            {"id": "report", "name": "Again", "every": "week", "due": {"weekday": "mon"}},
        ),
        "contract.deliverables[1].id",
        "report",
        "duplicate deliverable id 'report'",
    ),
    (
        _append(
            "contract.deliverables",
            {"id": "audit", "name": "Audit", "every": "once", "due": {"date": dt.date(2027, 2, 1)}},
        ),
        "contract.deliverables[1].due.date",
        None,
        "the due date is outside the contract: 2027-02-01 is after the end (2026-12-31)",
    ),
    (
        _append("contract.milestones", {"id": "launch", "name": "L2", "date": dt.date(2026, 5, 1)}),
        "contract.milestones[1].id",
        "launch",
        "duplicate milestone id 'launch'",
    ),
    (
        _set("contract.milestones[0].date", dt.date(2025, 11, 30)),
        "contract.milestones[0].date",
        None,
        "the milestone is outside the contract: 2025-11-30 is before the start (2026-01-01)",
    ),
    (
        _append("contract.media_budget", {"channel": "paid_search", "monthly": 1}),
        "contract.media_budget[1].channel",
        "paid_search",
        "duplicate channel budget 'paid_search'",
    ),
    (
        _set("contract.media_budget[0].months", {"2027-01": 9000}),
        'contract.media_budget[0].months["2027-01"]',
        None,
        "the month 2027-01 is outside the contract (2026-01-01 to 2026-12-31)",
    ),
    (
        _set(
            "contract.pricing",
            {
                "kind": "per_project",
                "projects": [
                    {"id": "site", "name": "Site", "fee": 10},
                    {"id": "site", "name": "Site 2", "fee": 20},
                ],
            },
        ),
        "contract.pricing.projects[1].id",
        "site",
        "duplicate project id 'site'",
    ),
    (
        _set(
            "contract.pricing",
            {
                "kind": "per_project",
                "projects": [{"id": "s", "name": "S", "fee": 1, "due": dt.date(2027, 3, 1)}],
            },
        ),
        "contract.pricing.projects[0].due",
        None,
        "the project is due outside the contract: 2027-03-01 is after the end",
    ),
    (
        _append("sources", SOURCE_2),
        "sources[1].id",
        "search",
        "duplicate source id 'search': sources[0] has it already",
    ),
    (
        _set("sources[0].connection", "adz"),
        "sources[0].connection",
        "adz",
        "unknown connection 'adz'. Did you mean 'ads'? Connections: ads.",
    ),
    (
        _set("sources[0].account", "acc-2"),
        "sources[0].account",
        "acc-2",
        "the account is not among the accounts of connection 'ads': acc-1",
    ),
    (
        _set("campaigns[0].source", "serch"),
        "campaigns[0].source",
        "serch",
        "unknown source 'serch'. Did you mean 'search'? Sources: search.",
    ),
    (
        _append(
            "campaigns",
            {
                "id": "brand",
                "name": "B2",
                "source": "search",
                "objective": "leads",
                "start": dt.date(2026, 3, 1),
            },
        ),
        "campaigns[1].id",
        "brand",
        "duplicate campaign id 'brand'",
    ),
    (
        _set("campaigns[0].end", dt.date(2027, 1, 15)),
        "campaigns[0].end",
        None,
        "the campaign runs outside the contract: 2027-01-15 is after the end (2026-12-31)",
    ),
    (
        _set("sources[0].start", dt.date(2026, 3, 1)),
        "campaigns[0].start",
        None,
        "the campaign runs outside its source 'search': 2026-02-01 is before the start "
        "(2026-03-01)",
    ),
    (
        _set(
            "kpis",
            [
                {
                    "id": "cpl",
                    "name": "My CPL",
                    "unit": "money",
                    "direction": "lower",
                    "measure": {"sum": "performance.spend"},
                }
            ],
        ),
        "kpis[0].id",
        "cpl",
        "'cpl' is a built-in KPI; choose another id, or set replaces_builtin: true",
    ),
    (
        _set(
            "kpis",
            [
                {
                    "id": "cpx",
                    "name": "X",
                    "unit": "money",
                    "direction": "lower",
                    "measure": {"sum": "performance.spend"},
                    "replaces_builtin": True,
                }
            ],
        ),
        "kpis[0].replaces_builtin",
        None,
        "there is no built-in KPI 'cpx' to replace.",
    ),
    (
        _set(
            "kpis",
            [
                {
                    "id": "x",
                    "name": "X",
                    "unit": "count",
                    "direction": "higher",
                    "measure": {"count": "lead"},
                }
            ]
            * 2,
        ),
        "kpis[1].id",
        "x",
        "duplicate KPI id 'x'",
    ),
    (
        _set("targets[0].kpi", "lead"),
        "targets[0].kpi",
        "lead",
        "unknown KPI 'lead'. Did you mean 'leads'?",
    ),
    (
        _append("targets", {"id": "leads", "kpi": "cpl", "value": 1, "period": "2026-05"}),
        "targets[1].id",
        "leads",
        "duplicate target id 'leads'",
    ),
    (
        _set("targets[0].scope", {"source": "social"}),
        "targets[0].scope.source",
        "social",
        "unknown source 'social'",
    ),
    (
        _set("targets[0].scope", {"campaign": "brand-2"}),
        "targets[0].scope.campaign",
        "brand-2",
        "unknown campaign 'brand-2'. Did you mean 'brand'?",
    ),
    (
        _set("targets[0].scope", {"partner": "other-agency"}),
        "targets[0].scope.partner",
        "other-agency",
        "unknown partner 'other-agency'",
    ),
    (
        _set("slas[0].deliverable", "reports"),
        "slas[0].deliverable",
        "reports",
        "unknown deliverable 'reports'. Did you mean 'report'? Contract deliverables: report.",
    ),
    (
        _append("slas", {"id": "report-sla", "kind": "meeting_cadence", "cadence": "weekly"}),
        "slas[1].id",
        "report-sla",
        "duplicate SLA id 'report-sla'",
    ),
    (
        _append("roles", {"area": "Ads", "responsible": "partner", "accountable": "yael"}),
        "roles[1].area",
        "Ads",
        "duplicate area 'Ads'",
    ),
    (
        _set("roles[0].responsible", ["noa", "partnr"]),
        "roles[0].responsible[1]",
        "partnr",
        "unknown party 'partnr'. Did you mean 'partner'? Sides and people: partner, in_house, "
        "noa, dana, yael.",
    ),
    (
        _set("roles[0].accountable", "ceo"),
        "roles[0].accountable",
        "ceo",
        "unknown party 'ceo'",
    ),
    (
        _set("learning_log[0].source", "seach"),
        "learning_log[0].source",
        "seach",
        "unknown source 'seach'",
    ),
    (
        _set("learning_log[0].campaign", "brnd"),
        "learning_log[0].campaign",
        "brnd",
        "unknown campaign 'brnd'",
    ),
    (
        _append("learning_log", {"id": "t1", "hypothesis": "h2", "learning_goal": "g2"}),
        "learning_log[1].id",
        "t1",
        "duplicate test id 't1'",
    ),
    (
        _append("monthly_notes", {"month": "2026-01"}),
        "monthly_notes[1].month",
        "2026-01",
        "duplicate month's note '2026-01'",
    ),
    (
        _append("connections", {"name": "ads", "connector": "meta"}),
        "connections[1].name",
        "ads",
        "duplicate connection name 'ads'",
    ),
]


@pytest.mark.parametrize(("change", "path", "value", "fragment"), CASES)
def test_each_reference_check(
    base: Data,
    code_error: CodeError,
    change: Callable[[Data], None],
    path: str,
    value: Any,
    fragment: str,
) -> None:
    change(base)
    error = code_error(base)
    assert [p.path for p in error.problems] == [path]
    problem = error.problems[0]
    assert fragment in problem.message
    assert problem.value == value
    assert problem.line is None


def test_all_reference_problems_at_once(base: Data, code_error: CodeError) -> None:
    base["campaigns"][0]["source"] = "nope"
    base["targets"][0]["kpi"] = "nope"
    base["slas"][0]["deliverable"] = "nope"
    base["connections"].append({"name": "ads", "connector": "x"})
    error = code_error(base)
    assert [p.path for p in error.problems] == [
        "campaigns[0].source",
        "targets[0].kpi",
        "slas[0].deliverable",
        "connections[1].name",
    ]
    assert str(error).startswith("4 problems in the workspace file:\n  - campaigns[0].source:")


def test_replacing_a_builtin_kpi(base: Data) -> None:
    base["kpis"] = [
        {
            "id": "leads",
            "name": "Leads from forms",
            "unit": "count",
            "direction": "higher",
            "measure": {"count": "lead", "where": ["record_source == FORM"]},
            "replaces_builtin": True,
        }
    ]
    ws = Workspace.model_validate(base)
    assert ws.kpi("leads").name == "Leads from forms"
    assert ws.kpi_catalogue["leads"].formula == "count(lead where record_source == FORM)"


def test_references_without_partner_or_contract(base: Data, code_error: CodeError) -> None:
    del base["partner"]
    del base["contract"]
    base["targets"][0]["scope"] = {"partner": "agency"}
    error = code_error(base)
    assert [(p.path, p.message) for p in error.problems] == [
        (
            "targets[0].scope.partner",
            "unknown partner 'agency'. There are no partners in the workspace.",
        ),
        (
            "slas[0].deliverable",
            "unknown deliverable 'report'. There are no contract deliverables in the workspace.",
        ),
        ("roles[0].responsible[0]", "unknown party 'noa'. Sides and people: partner, in_house."),
        ("roles[0].accountable", "unknown party 'yael'. Sides and people: partner, in_house."),
    ]


def test_cross_reference_lines_from_a_file(
    write: Callable[..., Path],
    load_error: Callable[[Path], WorkspaceError],
) -> None:
    path = write(
        """
        name: X
        currency: USD
        timezone: UTC
        contract:
          start: 2026-01-01
          end: 2026-06-30
          pricing: {kind: retainer, monthly_fee: 1}
        sources:
          - id: a
            name: A
            channel: email
            wiring: form
            owner: in_house
          - id: a
            name: B
            channel: email
            wiring: form
            owner: in_house
        campaigns:
          - id: c
            name: C
            source: b
            objective: leads
            start: 2026-02-01
            end: 2026-07-31
        targets:
          - {id: t, kpi: cpl, value: 1, period: monthly, scope: {source: x}}
        """
    )
    error = load_error(path)
    assert [(p.line, p.path) for p in error.problems] == [
        (14, "sources[1].id"),
        (22, "campaigns[0].source"),
        (25, "campaigns[0].end"),
        (27, "targets[0].scope.source"),
    ]
    assert error.file == str(path)
