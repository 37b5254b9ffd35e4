"""`partnerkit validate` reports connections whose connector is not installed.

In one run with the file's other problems, each at the line of its `connector:`, with
the fix: `uv add partnerkit-<name>` for the connectors partnerkit knows of.
"""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from partnerkit.cli import ExitCode, app
from partnerkit.model.installed import uninstalled_connector_problems
from partnerkit.registry import DISABLE_ENV

runner = CliRunner()

WORKSPACE = """\
name: Plugins
currency: USD
timezone: UTC
connections:
  - name: echo-main
    connector: echo
  - name: ads
    connector: meta
  - name: shop
    connector: ecko
"""


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # meta stands for a known connector that is not installed (hidden by the registry)
    monkeypatch.setenv(DISABLE_ENV, "meta")
    path = tmp_path / "partnerkit.yaml"
    path.write_text(WORKSPACE, encoding="utf-8")
    return path


def test_problems_name_the_line_and_the_fix(workspace: Path) -> None:
    problems = uninstalled_connector_problems(workspace)
    assert [(p.line, p.path) for p in problems] == [
        (8, "connections[1].connector"),
        (10, "connections[2].connector"),
    ]
    assert problems[0].message == (
        "no installed package provides the connector 'meta'; install it: "
        "`uv add partnerkit-meta` (or `pip install partnerkit-meta`)"
    )
    assert problems[1].message.startswith(
        "no installed package provides the connector 'ecko'; install the package that "
        "provides it, or check the name (installed: "
    )
    assert problems[1].message.endswith("Did you mean 'echo'?")


def test_validate_fails_on_a_connector_that_is_not_installed(workspace: Path) -> None:
    result = runner.invoke(app, ["validate", str(workspace)], env={"COLUMNS": "300"})
    assert result.exit_code == ExitCode.CONFIGURATION, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"{workspace}: 2 problems"
    assert lines[1].split()[:3] == ["line", "8", "connections[1].connector:"]
    assert "`uv add partnerkit-meta`" in lines[1]
    assert lines[2].split()[:3] == ["line", "10", "connections[2].connector:"]


def test_validate_reports_it_with_the_files_other_problems(workspace: Path) -> None:
    workspace.write_text(WORKSPACE.replace("timezone: UTC", "timezone: Mars/Olympus"))
    result = runner.invoke(app, ["validate", str(workspace)], env={"COLUMNS": "300"})
    assert result.exit_code == ExitCode.CONFIGURATION, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"{workspace}: 3 problems"
    assert [line.split()[1:3] for line in lines[1:]] == [
        ["3", "timezone:"],
        ["8", "connections[1].connector:"],
        ["10", "connections[2].connector:"],
    ]


def test_installed_connectors_pass(tmp_path: Path) -> None:
    path = tmp_path / "partnerkit.yaml"
    path.write_text(WORKSPACE.split("  - name: ads")[0], encoding="utf-8")
    assert uninstalled_connector_problems(path) == []
    result = runner.invoke(app, ["validate", str(path)], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    assert "1 connections" in result.output


def test_an_unreadable_file_is_left_to_the_loader(tmp_path: Path) -> None:
    assert uninstalled_connector_problems(tmp_path / "missing.yaml") == []
    bad = tmp_path / "bad.yaml"
    bad.write_text("connections: [\n")
    assert uninstalled_connector_problems(bad) == []
