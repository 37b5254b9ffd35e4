"""`partnerkit report` on a small files-only workspace, checked against the input CSV."""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from partnerkit.cli import ExitCode, app

Writer = Callable[[Path], Path]  # the tiny_workspace fixture (the root conftest)


def test_report_command_writes_html_and_markdown(tmp_path: Path, tiny_workspace: Writer) -> None:
    tiny_workspace(tmp_path)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        [
            "report",
            "-c",
            str(tmp_path / "partnerkit.yaml"),
            "--month",
            "2026-10",
            "--as-of",
            "2026-11-15",
            "-o",
            str(out),
        ],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    html = (out / "report-2026-10.html").read_text(encoding="utf-8")
    markdown = (out / "report-2026-10.md").read_text(encoding="utf-8")
    # October's spend is 12.50 + 7.25 = 19.75 (30 September belongs to the month before).
    october = Decimal("12.50") + Decimal("7.25")
    assert f"{october:.2f}" in html
    assert f"{october:.2f}" in markdown
    assert "Tiny Shop" in html


def test_report_command_rejects_a_bad_month(tmp_path: Path, tiny_workspace: Writer) -> None:
    tiny_workspace(tmp_path)
    result = CliRunner().invoke(
        app, ["report", "-c", str(tmp_path / "partnerkit.yaml"), "--month", "October"]
    )
    assert result.exit_code == 2
    assert "2026-10" in result.output


def _report(tiny_workspace: Writer, tmp_path: Path, *args: str) -> Any:
    tiny_workspace(tmp_path)
    return CliRunner().invoke(
        app,
        [
            "report",
            "-c",
            str(tmp_path / "partnerkit.yaml"),
            "-o",
            str(tmp_path / "out"),
            "--as-of",
            "2026-12-07",
            *args,
        ],
        env={"COLUMNS": "300"},
    )


def test_a_report_from_an_empty_warehouse_fails_and_names_the_sync_command(
    tmp_path: Path, tiny_workspace: Writer
) -> None:
    # A sync that failed leaves a warehouse with its tables and no record in them.
    from partnerkit.store import Warehouse

    path = tmp_path / "empty.duckdb"
    Warehouse(path).close()
    result = _report(tiny_workspace, tmp_path, "--month", "2026-10", "--warehouse", str(path))
    assert result.exit_code == ExitCode.NOT_COMPUTABLE, result.output
    assert f"there is no record in the warehouse {path}" in result.output
    assert f"partnerkit sync --config {tmp_path / 'partnerkit.yaml'}" in result.output
    assert not (tmp_path / "out").exists()  # no "100 of 100" report from nothing


def test_a_report_from_a_warehouse_never_made_fails_and_names_the_sync_command(
    tmp_path: Path, tiny_workspace: Writer
) -> None:
    result = _report(
        tiny_workspace, tmp_path, "--month", "2026-10", "--warehouse", str(tmp_path / "nope.duckdb")
    )
    assert result.exit_code == ExitCode.NOT_COMPUTABLE, result.output
    assert "no such warehouse" in result.output
    assert "partnerkit sync --config" in result.output


def test_a_month_with_no_record_is_refused(tmp_path: Path, tiny_workspace: Writer) -> None:
    # November is read with October (the month before): records, none in November.
    result = _report(tiny_workspace, tmp_path, "--month", "2026-11")
    assert result.exit_code == ExitCode.NOT_COMPUTABLE, result.output
    assert "no lead and no spend record" in result.output
    assert "partnerkit sync --config" in result.output


def test_a_month_in_the_future_is_refused(tmp_path: Path, tiny_workspace: Writer) -> None:
    result = _report(tiny_workspace, tmp_path, "--month", "2027-01")  # made on 7 December 2026
    assert result.exit_code == ExitCode.NOT_COMPUTABLE, result.output
    assert "cannot report on 2027-01: the month has not started (as of 2026-12-07)" in (
        result.output
    )
    assert not (tmp_path / "out").exists()


def test_a_month_in_the_future_of_today_is_refused(tmp_path: Path, tiny_workspace: Writer) -> None:
    tiny_workspace(tmp_path)
    future = dt.date.today().replace(day=1) + dt.timedelta(days=400)
    result = CliRunner().invoke(
        app,
        ["report", "-c", str(tmp_path / "partnerkit.yaml"), "--month", f"{future:%Y-%m}"],
        env={"COLUMNS": "300"},
    )
    assert result.exit_code == ExitCode.NOT_COMPUTABLE, result.output
    assert f"cannot report on {future:%Y-%m}: the month has not started" in result.output
