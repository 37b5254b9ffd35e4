"""`partnerkit sync` and `partnerkit export`, run in-process with typer's runner."""

import datetime as dt
from pathlib import Path

import duckdb
import pytest
import yaml
from typer.testing import CliRunner

from partnerkit.cli import ExitCode, app

runner = CliRunner()
ENV = {"COLUMNS": "200"}


def write_workspace(root: Path, **settings: object) -> Path:
    data = {
        "version": 1,
        "name": "CLI tests",
        "currency": "ILS",
        "timezone": "Asia/Jerusalem",
        "connections": [
            {
                "name": "ads",
                "connector": "synth",
                "accounts": ["a1", "a2"],
                "settings": {"last_day": "2026-10-05", **settings},
            }
        ],
    }
    path = root / "partnerkit.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def query(path: Path, sql: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture(autouse=True)
def no_env_warehouse(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PARTNERKIT_WAREHOUSE", raising=False)


def test_sync_fills_the_default_warehouse_and_prints_a_summary(tmp_path: Path) -> None:
    config = write_workspace(tmp_path)
    result = runner.invoke(app, ["sync", "-c", str(config)], env=ENV)
    assert result.exit_code == 0, result.output
    warehouse = tmp_path / ".partnerkit" / "warehouse.duckdb"
    assert str(warehouse) in result.output
    # daily: 2 accounts x 5 days x 3 campaigns = 30; leads: 2 x 5 = 10; campaigns: 2 x 3 = 6
    assert "46 rows from 6 of 6 reads" in result.output
    assert query(warehouse, "SELECT count(*) FROM performance") == [(30,)]
    cells = [
        [c.strip() for c in line.split("│")[1:-1]]
        for line in result.output.splitlines()
        if line.startswith("│ ads")
    ]
    # connection, stream, reads, rows, cursor, status
    assert cells == [
        ["ads", "daily", "2", "30", "2026-10-05", "ok"],
        ["ads", "leads", "2", "10", "2026-10-05", "ok"],
        ["ads", "campaigns", "2", "6", "-", "ok"],
    ]


def test_sync_options_reach_the_sync(tmp_path: Path) -> None:
    config = write_workspace(tmp_path)
    warehouse = tmp_path / "custom.duckdb"
    args = ["sync", "-c", str(config), "-w", str(warehouse), "--stream", "daily"]
    result = runner.invoke(
        app, [*args, "--from", "2026-10-02", "--to", "2026-10-03", "-v"], env=ENV
    )
    assert result.exit_code == 0, result.output
    # 2 accounts x 2 days x 3 campaigns, one line per account
    assert query(warehouse, "SELECT count(*) FROM performance") == [(12,)]
    assert "a1" in result.output
    assert "a2" in result.output
    refreshed = runner.invoke(app, [*args, "--full-refresh", "--connection", "ads", "-q"], env=ENV)
    assert refreshed.exit_code == 0, refreshed.output
    assert refreshed.output == ""
    assert query(warehouse, "SELECT count(*), max(date) FROM performance") == [
        (30, dt.date(2026, 10, 5))
    ]


def test_a_failing_account_exits_1_and_names_the_error(tmp_path: Path) -> None:
    config = write_workspace(tmp_path, fail_accounts=["a2"])
    result = runner.invoke(app, ["sync", "-c", str(config), "--stream", "daily"], env=ENV)
    assert result.exit_code == ExitCode.SOURCE
    assert "FAILED ads/daily [a2]: AuthenticationError: the synthetic token was revoked" in (
        result.output
    )
    assert "state unchanged, cursor none yet" in result.output
    assert "15 rows from 1 of 2 reads" in result.output
    quiet = runner.invoke(app, ["sync", "-c", str(config), "--stream", "daily", "-q"], env=ENV)
    assert quiet.exit_code == ExitCode.SOURCE
    assert quiet.output.startswith("FAILED ads/daily [a2]: AuthenticationError")


def test_sync_reports_configuration_errors(tmp_path: Path) -> None:
    config = write_workspace(tmp_path)
    result = runner.invoke(app, ["sync", "-c", str(config), "--connection", "nope"], env=ENV)
    assert result.exit_code == ExitCode.CONFIGURATION
    assert "no connection 'nope'" in result.output


def test_export_writes_the_lake(tmp_path: Path) -> None:
    config = write_workspace(tmp_path)
    assert runner.invoke(app, ["sync", "-c", str(config)], env=ENV).exit_code == 0
    out = tmp_path / "lake"
    result = runner.invoke(
        app, ["export", "-c", str(config), "-o", str(out), "--kind", "performance"], env=ENV
    )
    assert result.exit_code == 0, result.output
    assert "performance: 30 rows" in result.output
    assert "wrote 5 Parquet files" in result.output
    assert sorted(p.name for p in (out / "performance").iterdir())[0] == "date=2026-10-01"
    warehouse = tmp_path / ".partnerkit" / "warehouse.duckdb"
    ranged = runner.invoke(
        app,
        ["export", "-w", str(warehouse), "-o", str(out), "--from", "2026-10-05"],
        env=ENV,
    )
    assert ranged.exit_code == 0, ranged.output
    # one day of performance (6 rows) and of leads (2 rows); campaigns are not dated: all 6
    assert "performance: 6 rows" in ranged.output
    assert "lead: 2 rows" in ranged.output
    assert "campaign: 6 rows" in ranged.output


def test_export_argument_errors(tmp_path: Path) -> None:
    missing = runner.invoke(app, ["export", "-o", str(tmp_path)], env=ENV)
    assert missing.exit_code == 2
    assert "--config" in missing.output
    kind = runner.invoke(
        app,
        ["export", "-w", str(tmp_path / "w.duckdb"), "-o", str(tmp_path), "--kind", "x"],
        env=ENV,
    )
    assert kind.exit_code == 2
    assert "performance, lead, deal, campaign" in kind.output
    none = runner.invoke(app, ["export", "-w", str(tmp_path / "w.duckdb"), "-o", str(tmp_path)])
    assert none.exit_code == ExitCode.CONFIGURATION
    assert "no warehouse" in none.output


def test_pull_to_duckdb_merges_into_a_warehouse_without_state(tmp_path: Path) -> None:
    config = write_workspace(tmp_path)
    out = tmp_path / "pulled.duckdb"
    args = ["pull", "-c", str(config), "--from", "2026-10-02", "--to", "2026-10-03"]
    for _ in range(2):  # pulled twice: merged, not duplicated
        result = runner.invoke(app, [*args, "--out", str(out)], env=ENV)
        assert result.exit_code == 0, result.output
    # 2 accounts x 2 days x 3 campaigns, with their provenance
    assert query(out, "SELECT count(*), min(_connection), min(_stream) FROM performance") == [
        (12, "ads", "daily")
    ]
    assert query(out, "SELECT max(version) FROM partnerkit.schema_version") == [(2,)]
    assert query(out, "SELECT count(*) FROM partnerkit.state") == [(0,)]


def test_progress_bars_show_each_read_with_rows_and_days() -> None:
    import io

    from rich.console import Console

    from partnerkit.connector import ReadRequest
    from partnerkit.store import SyncResult, Unit, UnitResult
    from partnerkit.store.progress import RichProgress

    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=160)
    unit = Unit("ads", "daily", "a1")
    request = ReadRequest(stream="daily", start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 10))
    with RichProgress(console) as progress:
        progress.planned([unit, Unit("ads", "daily", "a2")])
        progress.started(unit, request, 10)
        progress.advanced(unit, 1500, 4)
        progress._progress.refresh()
        drawn = screen.getvalue()
        progress.finished(UnitResult(unit, ok=True, rows=1500))
    assert "ads/daily [a1]" in drawn
    assert "2026-10-01 → 2026-10-10" in drawn
    assert "1,500 rows" in drawn
    assert " 40%" in drawn or "━━━━" in drawn  # 4 of 10 days
    assert "1 of 2 reads" in screen.getvalue()
    silent = io.StringIO()
    with RichProgress(Console(file=silent, force_terminal=True), enabled=False) as progress:
        progress.planned([unit])
        progress.finished(UnitResult(unit, ok=True))
    assert silent.getvalue() == ""
    assert SyncResult(Path("w.duckdb")).ok


def test_the_report_reads_the_warehouse_once_a_sync_made_it(tmp_path: Path) -> None:
    config = write_workspace(tmp_path)
    assert runner.invoke(app, ["sync", "-c", str(config), "-q"], env=ENV).exit_code == 0
    # from now on every read of the connections would fail: the report must not read them
    write_workspace(tmp_path, fail_accounts=["a1", "a2"])
    out = tmp_path / "report"
    result = runner.invoke(
        app, ["report", "-c", str(config), "--month", "2026-10", "-o", str(out)], env=ENV
    )
    assert result.exit_code == 0, result.output
    assert f"reading the warehouse {tmp_path / '.partnerkit' / 'warehouse.duckdb'}" in (
        result.output.replace("\n", "")
    )
    assert sorted(p.suffix for p in out.iterdir()) == [".html", ".md"]


def test_pull_names_an_unknown_connection(tmp_path: Path) -> None:
    config = write_workspace(tmp_path)
    result = runner.invoke(
        app,
        ["pull", "-c", str(config), "--out", str(tmp_path / "x.duckdb"), "--connection", "nope"],
        env=ENV,
    )
    assert result.exit_code == ExitCode.CONFIGURATION
    assert "no connection 'nope'" in result.output
