from __future__ import annotations

import copy
import datetime as dt
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from partnerkit.errors import WorkspaceError
from partnerkit.model import Workspace, load_workspace

EXAMPLE = Path(__file__).parents[2] / "examples" / "workspace" / "partnerkit.yaml"

_BASE: dict[str, Any] = {
    "name": "Test workspace",
    "currency": "ILS",
    "timezone": "Asia/Jerusalem",
    "partner": {
        "id": "agency",
        "name": "Agency",
        "kind": "agency",
        "people": [
            {"id": "noa", "name": "Noa", "side": "partner"},
            {"id": "dana", "name": "Dana", "side": "partner"},
            {"id": "yael", "name": "Yael", "side": "in_house"},
        ],
        "point_people": {"partner": "noa", "in_house": "yael"},
        "escalation": [{"person": "noa"}, {"person": "dana"}],
    },
    "contract": {
        "start": dt.date(2026, 1, 1),
        "end": dt.date(2026, 12, 31),
        "trial_end": dt.date(2026, 3, 31),
        "pricing": {"kind": "retainer", "monthly_fee": 1000},
        "deliverables": [
            {"id": "report", "name": "Report", "every": "month", "due": {"business_day": 5}}
        ],
        "milestones": [{"id": "launch", "name": "Launch", "date": dt.date(2026, 2, 1)}],
        "media_budget": [{"channel": "paid_search", "monthly": 5000}],
    },
    "sources": [
        {
            "id": "search",
            "name": "Search",
            "channel": "paid_search",
            "wiring": "native",
            "owner": "partner",
            "connection": "ads",
            "account": "acc-1",
            "start": dt.date(2026, 1, 1),
        }
    ],
    "campaigns": [
        {
            "id": "brand",
            "name": "Brand",
            "source": "search",
            "objective": "leads",
            "start": dt.date(2026, 2, 1),
        }
    ],
    "targets": [{"id": "leads", "kpi": "leads", "value": 50, "period": "monthly"}],
    "slas": [{"id": "report-sla", "kind": "report_delivery", "deliverable": "report"}],
    "roles": [{"area": "Ads", "responsible": ["noa"], "accountable": "yael"}],
    "learning_log": [{"id": "t1", "hypothesis": "h", "learning_goal": "g", "source": "search"}],
    "monthly_notes": [{"month": "2026-01"}],
    "connections": [{"name": "ads", "connector": "echo", "accounts": ["acc-1"]}],
}


@pytest.fixture
def base() -> dict[str, Any]:
    """A valid workspace as a dict, fresh for each test."""
    return copy.deepcopy(_BASE)


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str], Path]:
    """Write dedented YAML text to tmp_path/partnerkit.yaml and return the path."""

    def _write(text: str, name: str = "partnerkit.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return _write


@pytest.fixture
def load_error() -> Callable[[Path], WorkspaceError]:
    """Load a workspace file that must fail, and return the WorkspaceError."""

    def _load(path: Path) -> WorkspaceError:
        with pytest.raises(WorkspaceError) as info:
            load_workspace(path)
        return info.value

    return _load


@pytest.fixture
def code_error() -> Callable[[dict[str, Any]], WorkspaceError]:
    """Build a workspace in code that must fail, and return the WorkspaceError."""

    def _build(data: dict[str, Any]) -> WorkspaceError:
        with pytest.raises(WorkspaceError) as info:
            Workspace.model_validate(data)
        assert info.value.file is None
        return info.value

    return _build


def spots(error: WorkspaceError) -> list[tuple[int | None, str]]:
    """The (line, path) of every problem, in the order reported."""
    return [(p.line, p.path) for p in error.problems]


@pytest.fixture(name="spots")
def spots_fixture() -> Callable[[WorkspaceError], list[tuple[int | None, str]]]:
    return spots


@pytest.fixture
def example_path() -> Path:
    return EXAMPLE
