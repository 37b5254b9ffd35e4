"""The public surface: __all__, docstrings, lookups, cheap import."""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys
from typing import Any

import pytest

import partnerkit.model as model
from partnerkit.errors import ConfigurationError, WorkspaceError
from partnerkit.model import Workspace

MODULES = [
    "partnerkit.model.partner",
    "partnerkit.model.contract",
    "partnerkit.model.sources",
    "partnerkit.model.kpis",
    "partnerkit.model.targets",
    "partnerkit.model.sla",
    "partnerkit.model.roles",
    "partnerkit.model.learning",
    "partnerkit.model.leads",
    "partnerkit.model.connections",
    "partnerkit.model.workspace",
    "partnerkit.model.loader",
]


@pytest.mark.parametrize("name", MODULES)
def test_modules_export_what_they_define(name: str) -> None:
    module = importlib.import_module(name)
    assert module.__doc__
    for public in module.__all__:
        assert hasattr(module, public), public
        assert getattr(model, public) is getattr(module, public), f"{public} not re-exported"


def test_package_all_is_sorted_and_complete() -> None:
    assert len(model.__all__) == len(set(model.__all__))
    for public in model.__all__:
        obj = getattr(model, public)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            assert obj.__doc__, f"{public} has no docstring"


def test_importing_the_model_does_not_import_dataframe_libraries() -> None:
    code = (
        "import sys, partnerkit.model; "
        "print(sorted(m for m in ('pandas', 'polars', 'pyarrow', 'duckdb') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("method", "key", "message"),
    [
        (
            "source",
            "serch",
            "The workspace has no source 'serch'. Did you mean 'search'? Its sources: search.",
        ),
        ("campaign", "x", "The workspace has no campaign 'x'. Its campaigns: brand."),
        (
            "target",
            "lead",
            "The workspace has no target 'lead'. Did you mean 'leads'? Its targets: leads.",
        ),
        ("sla", "nope", "The workspace has no SLA term 'nope'. Its SLA terms: report-sla."),
        ("kpi", "cpll", "The workspace has no KPI 'cpll'. Did you mean 'cpl'?"),
    ],
)
def test_lookups_fail_with_the_known_ids(
    base: dict[str, Any], method: str, key: str, message: str
) -> None:
    ws = Workspace.model_validate(base)
    with pytest.raises(ConfigurationError) as info:
        getattr(ws, method)(key)
    assert str(info.value).startswith(message)


def test_empty_lists_say_so() -> None:
    ws = Workspace(name="X", currency="USD", timezone="UTC")
    with pytest.raises(
        ConfigurationError, match=r"^The workspace has no source 'a'\. It has no sources\.$"
    ):
        ws.source("a")


def test_constructor_raises_workspace_error() -> None:
    with pytest.raises(WorkspaceError) as info:
        Workspace(name="", currency="USD", timezone="UTC")
    assert [(p.path, p.message) for p in info.value.problems] == [("name", "must not be empty")]


def test_docs_quick_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    import re
    from pathlib import Path

    root = Path(__file__).parents[2]
    text = (root / "docs" / "model.md").read_text(encoding="utf-8")
    block = re.search(r"```python\n(.*?)```", text, flags=re.DOTALL)
    assert block is not None
    monkeypatch.chdir(root)
    exec(compile(block[1], "docs/model.md", "exec"), {})
