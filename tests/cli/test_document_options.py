"""`report` and `review` take the same document options, declared once (#19)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from partnerkit.cli import ExitCode, app

Writer = Callable[[Path], Path]  # the tiny_workspace fixture (the root conftest)


def _help(command: str) -> str:
    result = CliRunner().invoke(app, [command, "--help"], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", result.output).split())


@pytest.mark.parametrize("command", ["pull", "sync", "report", "review"])
def test_the_workspace_file_option_reads_the_same_in_every_command(command: str) -> None:
    assert "--config -c FILE The workspace file." in _help(command)


@pytest.mark.parametrize("command", ["report", "review"])
def test_report_and_review_word_their_document_options_alike(command: str) -> None:
    text = _help(command)
    assert (
        "--out -o <path> Folder for the document (HTML, Markdown). [default: partnerkit-report]"
        in text
    )
    assert "or set PARTNERKIT_BROWSER to Chromium or Chrome" in text  # review lacked the hint
    assert "Write the document in this locale: en-US, he-IL or th-TH" in text
    assert "--as-of YYYY-MM-DD" in text


@pytest.mark.parametrize("command", [["report", "--month", "2026-10"], ["review", "--trial"]])
def test_an_as_of_that_is_not_a_day_is_a_usage_error(
    command: list[str], tmp_path: Path, tiny_workspace: Writer
) -> None:
    config = tiny_workspace(tmp_path)
    args = [*command, "-c", str(config), "--as-of", "2026-13-01", "-o", str(tmp_path / "o")]
    result = CliRunner().invoke(app, args, env={"COLUMNS": "200"})
    assert result.exit_code == ExitCode.USAGE, result.output
    assert "--as-of" in result.output
    assert not (tmp_path / "o").exists()


def test_a_review_from_a_warehouse_never_made_names_the_sync_command(
    tmp_path: Path, tiny_workspace: Writer
) -> None:
    config = tiny_workspace(tmp_path)
    missing = tmp_path / "nope.duckdb"
    args = ["review", "-c", str(config), "--trial", "--warehouse", str(missing)]
    result = CliRunner().invoke(app, [*args, "-o", str(tmp_path / "o")], env={"COLUMNS": "400"})
    assert result.exit_code == ExitCode.NOT_COMPUTABLE, result.output
    assert "no such warehouse" in result.output
    assert "partnerkit sync --config" in result.output
