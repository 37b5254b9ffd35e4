"""The command line, run in-process with typer's runner."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from partnerkit.cli import ExitCode, app
from partnerkit.demo import DEMO_WORKSPACE

runner = CliRunner()


@pytest.fixture
def salt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARTNERKIT_DEMO_HASH_SALT", "test-salt")


def test_connectors_lists_installed_ones() -> None:
    result = runner.invoke(app, ["connectors"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "partnerkit-files" in result.output
    assert "performance (performance)" in result.output
    assert "echo" in result.output


def test_validate_a_good_file() -> None:
    result = runner.invoke(app, ["validate", str(DEMO_WORKSPACE)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    # 5 targets: leads, CPL, SQLs, sales-ready leads and the relative one (+20% on August)
    # 7 sources and 6 campaigns with LinkedIn's; 9 connections with linkedin-ads
    assert "7 sources, 6 campaigns, 5 targets, 3 SLA terms, 9 connections" in result.output


def test_validate_lists_every_problem_with_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "partnerkit.yaml"
    bad.write_text(
        "version: 1\n"
        "name: Broken\n"
        "currency: ILS\n"
        "timezone: Mars/Olympus\n"
        "sources:\n"
        "  - id: a\n"
        "    name: A\n"
        "    channel: telepathy\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["validate", str(bad)], env={"COLUMNS": "200"})
    assert result.exit_code == ExitCode.CONFIGURATION
    out = result.output
    assert "4 problems" in out
    lines = [line.split() for line in out.splitlines()[1:]]
    assert [(words[1], words[2]) for words in lines] == [
        ("4", "timezone:"),
        ("6", "sources[0].wiring:"),
        ("6", "sources[0].owner:"),
        ("8", "sources[0].channel:"),
    ]


def test_pull_to_parquet_of_each_kind(tmp_path: Path, salt: None) -> None:
    # The demo's files connection: the trade-show import (leads) and the agency's own
    # files (hours, work log, meetings); the platform connections answer only from
    # cassettes, inside the demo. Several kinds: one file each, named after the kind.
    import pyarrow.parquet as pq

    out = tmp_path / "expo.parquet"
    result = runner.invoke(
        app,
        ["pull", "-c", str(DEMO_WORKSPACE), "--out", str(out), "--connection", "files"],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "expo.lead.parquet",
        "expo.meeting_item.parquet",
        "expo.time_entry.parquet",
        "expo.work_item.parquet",
    ]
    leads = pq.read_table(tmp_path / "expo.lead.parquet")
    assert leads.num_rows == 42
    assert "email" not in leads.column_names or set(leads.column("email").to_pylist()) == {None}
    assert pq.read_table(tmp_path / "expo.time_entry.parquet").num_rows == 22  # the Harvest rows


def test_pull_to_duckdb_merges_restated_rows(tmp_path: Path, salt: None) -> None:
    import duckdb

    out = tmp_path / "warehouse.duckdb"
    args = ["pull", "-c", str(DEMO_WORKSPACE), "--out", str(out), "--connection", "files"]
    for _ in range(2):
        result = runner.invoke(app, args, env={"COLUMNS": "200"})
        assert result.exit_code == 0, result.output
    con = duckdb.connect(str(out))
    (rows,) = con.execute("select count(*) from lead").fetchone()
    con.close()
    assert rows == 42


def test_pull_rejects_an_unknown_extension(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["pull", "-c", str(DEMO_WORKSPACE), "--out", str(tmp_path / "x.xlsx")]
    )
    assert result.exit_code == 2
    assert ".csv, .parquet or .duckdb" in result.output


def test_pull_without_the_secret_names_the_variable(tmp_path: Path, monkeypatch) -> None:
    # The demo's connections replay recordings and need no secret: a live one does.
    from partnerkit.demo import init_demo

    config = init_demo(tmp_path / "demo")
    text = config.read_text("utf-8")
    config.write_text(text.replace("replay: cassettes/meta.yaml", ""), "utf-8")
    monkeypatch.delenv("PARTNERKIT_DEMO_META_ACCESS_TOKEN", raising=False)
    result = runner.invoke(
        app,
        [
            "pull",
            "-c",
            str(config),
            "--out",
            str(tmp_path / "x.csv"),
            "--connection",
            "meta",
        ],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == ExitCode.CONFIGURATION
    assert "PARTNERKIT_DEMO_META_ACCESS_TOKEN" in result.output


def test_demo_prints_the_summary() -> None:
    result = runner.invoke(app, ["demo"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "October 2026 by source" in result.output
    assert "SolarCompare partner form: no lead for 23 days" in result.output
    assert "₪11,219.30" in result.output  # Meta's October spend, as the report writes it
