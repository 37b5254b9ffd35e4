"""Fixtures of the store tests: the synthetic connector, registered, and workspaces using it."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from partnerkit.model import Workspace
from partnerkit.registry import register_connector, unregister_connector
from partnerkit.store import warehouse as warehouse_module

HERE = Path(__file__).resolve().parent

_spec = importlib.util.spec_from_file_location("partnerkit_store_synth", HERE / "synth.py")
assert _spec is not None
assert _spec.loader is not None
synth = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = synth
_spec.loader.exec_module(synth)


@pytest.fixture(autouse=True)
def synth_connector() -> Iterator[type[Any]]:
    register_connector(synth.SynthConnector, replace=True)
    yield synth.SynthConnector
    unregister_connector("synth")


@pytest.fixture
def failing_state_write(monkeypatch: pytest.MonkeyPatch) -> None:
    """Writing a read's state fails (``RuntimeError("the disk filled up")``) inside its commit."""

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the disk filled up")

    monkeypatch.setattr(warehouse_module, "_write_state", broken)


WorkspaceFactory = Callable[..., Workspace]


def build_workspace(root: Path, connections: list[dict[str, Any]]) -> Workspace:
    data = {
        "name": "Store tests",
        "currency": "ILS",
        "timezone": "Asia/Jerusalem",
        "connections": connections,
    }
    return Workspace.model_validate(data, context={"root": root})


@pytest.fixture
def make_workspace(tmp_path: Path) -> WorkspaceFactory:
    """A workspace with one synth connection: ``make_workspace(accounts=[...], **settings)``."""

    def make(accounts: list[str] | None = None, name: str = "synth", **settings: Any) -> Workspace:
        connection: dict[str, Any] = {"name": name, "connector": "synth", "settings": settings}
        if accounts is not None:
            connection["accounts"] = accounts
        return build_workspace(tmp_path, [connection])

    return make
