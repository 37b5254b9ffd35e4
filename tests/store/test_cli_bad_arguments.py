"""No CLI invocation prints a traceback: every command, run with bad arguments.

Each case runs through typer's runner with ``catch_exceptions=False`` (an exception
that escapes the command line's boundary fails the test with its traceback) and
checks: a non-zero exit code, one paragraph of message that names the bad argument
and says what to do, and no "Traceback". A few run through a real subprocess of the
installed ``partnerkit`` script.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import typer
import yaml
from typer.testing import CliRunner

from partnerkit.cli import ExitCode, app
from partnerkit.store import Warehouse

ENV = {"COLUMNS": "200"}
DEMO = Path(__file__).resolve().parents[2] / "src" / "partnerkit" / "demo" / "partnerkit.yaml"


@dataclass(frozen=True)
class Case:
    args: tuple[str, ...]
    code: ExitCode
    says: tuple[str, ...]  # each must appear in the message (whitespace collapsed)


@pytest.fixture
def place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Files the cases point at: a workspace, broken inputs, an empty warehouse."""
    monkeypatch.delenv("PARTNERKIT_WAREHOUSE", raising=False)
    workspace = {
        "version": 1,
        "name": "CLI errors",
        "currency": "ILS",
        "timezone": "Asia/Jerusalem",
        "connections": [
            {"name": "ads", "connector": "synth", "settings": {"last_day": "2026-10-03"}}
        ],
    }
    (tmp_path / "ws.yaml").write_text(yaml.safe_dump(workspace), encoding="utf-8")
    empty = {**workspace, "connections": [{**workspace["connections"][0]}]}
    empty["connections"][0]["settings"] = {"last_day": "2026-10-03", "campaigns": 0}
    (tmp_path / "nothing.yaml").write_text(yaml.safe_dump(empty), encoding="utf-8")
    # a CSV whose header is Rich markup: '[/]' (a closing tag with nothing to close)
    (tmp_path / "bracket.csv").write_text("[/]\n1\n", encoding="utf-8")
    files = {
        **workspace,
        "connections": [
            {
                "name": "f",
                "connector": "files",
                "settings": {
                    "base_dir": ".",
                    "files": [
                        {
                            "path": "bracket.csv",
                            "stream": "leads",
                            "columns": {"lead_id": "Record ID", "created_at": "Create Date"},
                            "constants": {"platform": "crm", "account_id": "1"},
                        }
                    ],
                },
            }
        ],
    }
    (tmp_path / "files.yaml").write_text(yaml.safe_dump(files), encoding="utf-8")
    (tmp_path / "markup.yaml").write_text(
        "name: x\ncurrency: ILS\ntimezone: Asia/Jerusalem\n'[/]': 1\n", encoding="utf-8"
    )
    (tmp_path / "outside.yaml").write_text(
        "name: x\ncurrency: ILS\ntimezone: Asia/Jerusalem\nwarehouse: ../x.duckdb\n",
        encoding="utf-8",
    )
    (tmp_path / "corrupt.duckdb").write_text("this is not a database\n", encoding="utf-8")
    (tmp_path / "existing.txt").write_text("x", encoding="utf-8")
    (tmp_path / "folder.csv").mkdir()
    Warehouse(tmp_path / "empty.duckdb").close()
    return tmp_path


WS, FILES, NONE = "{t}/ws.yaml", "{t}/files.yaml", "{t}/missing.yaml"
BAD_DATES = ("--from", "2026-10-31", "--to", "2026-10-01")
REVERSED = ("--from", "2026-10-31 is after --to 2026-10-01", "on or before --to")
MISSING = ("missing.yaml", "the file does not exist", "check the path")
CORRUPT = ("corrupt.duckdb", "not a DuckDB database file", "Move the file aside")
NOT_A_DAY = ("Invalid value for '--from'", "2026-13-01", "YYYY-MM-DD")
UNKNOWN = ("no connection 'nope'", "Its connections: ads")
BRACKET = ("headers present: '[/]'", "check skip_rows")
UNWRITABLE = ("/dev/null", "is a file, not a folder", "a folder you can write to")
USAGE, CONFIG, DATA = ExitCode.USAGE, ExitCode.CONFIGURATION, ExitCode.DATA
NOTHING, FAILURE = ExitCode.NOTHING, ExitCode.FAILURE

CASES: dict[str, Case] = {
    # connectors
    "connectors-unknown-option": Case(("connectors", "--all"), USAGE, ("No such option", "--all")),
    # validate
    "validate-missing-file": Case(("validate", NONE), CONFIG, MISSING),
    "validate-markup-key": Case(
        ("validate", "{t}/markup.yaml"), CONFIG, ("unknown key '[/]'", "Allowed keys here")
    ),
    "validate-warehouse-outside": Case(
        ("validate", "{t}/outside.yaml"),
        CONFIG,
        ("`warehouse: ../x.duckdb`", "outside the workspace folder", "outside_workspace: true"),
    ),
    # pull
    "pull-reversed-dates": Case(("pull", "-c", WS, "-o", "{t}/x.csv", *BAD_DATES), USAGE, REVERSED),
    "pull-malformed-date": Case(
        ("pull", "-c", WS, "-o", "{t}/x.csv", "--from", "2026-13-01"), USAGE, NOT_A_DAY[:2]
    ),
    "pull-unknown-connection": Case(
        ("pull", "-c", WS, "-o", "{t}/x.csv", "--connection", "nope"), CONFIG, UNKNOWN
    ),
    "pull-out-is-a-folder": Case(
        ("pull", "-c", WS, "-o", "{t}/folder.csv"), USAGE, ("'--out'", "is a folder", "file name")
    ),
    "pull-out-unwritable": Case(("pull", "-c", WS, "-o", "/dev/null/x.csv"), USAGE, UNWRITABLE),
    "pull-out-bad-extension": Case(
        ("pull", "-c", WS, "-o", "{t}/x.xlsx"), USAGE, ("'--out'", ".csv, .parquet or .duckdb")
    ),
    "pull-out-corrupt-duckdb": Case(
        ("pull", "-c", WS, "-o", "{t}/corrupt.duckdb"), CONFIG, CORRUPT
    ),
    "pull-missing-config": Case(("pull", "-c", NONE, "-o", "{t}/x.csv"), CONFIG, MISSING),
    "pull-csv-header-markup": Case(("pull", "-c", FILES, "-o", "{t}/x.csv"), CONFIG, BRACKET),
    "pull-reads-nothing": Case(
        ("pull", "-c", "{t}/nothing.yaml", "-o", "{t}/x.csv", "--from", "2027-01-01"),
        NOTHING,
        ("no records were read (from 2027-01-01", "Widen --from/--to"),
    ),
    # sync
    "sync-reversed-dates": Case(
        ("sync", "-c", WS, "-w", "{t}/w.duckdb", *BAD_DATES), USAGE, REVERSED
    ),
    "sync-malformed-date": Case(("sync", "-c", WS, "--from", "31/10/2026"), USAGE, ("'--from'",)),
    "sync-unknown-connection": Case(
        ("sync", "-c", WS, "-w", "{t}/w.duckdb", "--connection", "nope"), CONFIG, UNKNOWN
    ),
    "sync-corrupt-warehouse": Case(("sync", "-c", WS, "-w", "{t}/corrupt.duckdb"), CONFIG, CORRUPT),
    "sync-warehouse-unwritable": Case(
        ("sync", "-c", WS, "-w", "/dev/null/w.duckdb"), USAGE, ("'--warehouse'", *UNWRITABLE)
    ),
    "sync-warehouse-is-a-folder": Case(
        ("sync", "-c", WS, "-w", "{t}"), USAGE, ("'--warehouse'", "is a folder")
    ),
    "sync-missing-config": Case(("sync", "-c", NONE), CONFIG, MISSING),
    # export
    "export-reversed-dates": Case(
        ("export", "-w", "{t}/empty.duckdb", "-o", "{t}/lake", *BAD_DATES), USAGE, REVERSED
    ),
    "export-out-is-a-file": Case(
        ("export", "-w", "{t}/empty.duckdb", "-o", "{t}/existing.txt"),
        USAGE,
        ("'--out'", "existing.txt is a file", "give a folder"),
    ),
    "export-out-unwritable": Case(
        ("export", "-w", "{t}/empty.duckdb", "-o", "/dev/null/lake"), USAGE, UNWRITABLE
    ),
    "export-corrupt-warehouse": Case(
        ("export", "-w", "{t}/corrupt.duckdb", "-o", "{t}/lake"), CONFIG, CORRUPT
    ),
    "export-missing-config": Case(("export", "-c", NONE, "-o", "{t}/lake"), CONFIG, MISSING),
    "export-unknown-kind": Case(
        ("export", "-w", "{t}/empty.duckdb", "-o", "{t}/lake", "--kind", "leads"),
        USAGE,
        ("'--kind'", "performance, lead, deal, campaign", "got leads"),
    ),
    "export-writes-nothing": Case(
        ("export", "-w", "{t}/empty.duckdb", "-o", "{t}/lake"),
        NOTHING,
        ("holds no records of any kind", "no Parquet file was written", "partnerkit sync"),
    ),
    # demo
    "demo-out-is-a-file": Case(
        ("demo", "-o", "{t}/existing.txt"),
        FAILURE,
        ("existing.txt", "File exists", "Check the path"),
    ),
    "demo-out-unwritable": Case(
        ("demo", "-o", "/dev/null/report"), FAILURE, ("/dev/null/report", "Not a directory")
    ),
    # report
    "report-bad-month": Case(("report", "-c", WS, "-m", "2026-13"), USAGE, ("--month", "2026-10")),
    "report-missing-config": Case(("report", "-c", NONE, "-m", "2026-10"), CONFIG, MISSING),
    "report-corrupt-warehouse": Case(
        ("report", "-c", WS, "-m", "2026-10", "--warehouse", "{t}/corrupt.duckdb"), CONFIG, CORRUPT
    ),
    "report-out-is-a-file": Case(
        (
            "report",
            *("-c", WS, "-m", "2026-10", "--warehouse", "{t}/empty.duckdb"),
            *("-o", "{t}/existing.txt"),
        ),
        USAGE,
        ("existing.txt", "is a file; give a folder"),
    ),
    "report-evidence-header-markup": Case(
        (
            "report",
            *("-c", WS, "-m", "2026-10", "--warehouse", "{t}/empty.duckdb"),
            *("--evidence", "{t}/bracket.csv", "-o", "{t}/r"),
        ),
        DATA,
        ("unknown evidence column '[/]'", "The columns are"),
    ),
    "report-survey-header-markup": Case(
        (
            "report",
            *("-c", WS, "-m", "2026-10", "--warehouse", "{t}/empty.duckdb"),
            *("--survey", "{t}/bracket.csv", "-o", "{t}/r"),
        ),
        DATA,
        ("unknown survey column '[/]'", "The columns are"),
    ),
    # review
    "review-bad-quarter": Case(
        ("review", "-c", WS, "--quarter", "2026Q5"),
        USAGE,
        ("'--quarter'", "not a quarter: '2026Q5'", "2026Q1, 2026Q2, 2026Q3, 2026Q4"),
    ),
    "review-no-document": Case(
        ("review", "-c", WS), USAGE, ("give exactly one of --quarter 2026Q4, --trial and",)
    ),
    "review-two-documents": Case(
        ("review", "-c", WS, "--trial", "--source-map"), USAGE, ("give exactly one of",)
    ),
    "review-missing-config": Case(("review", "-c", NONE, "--trial"), CONFIG, MISSING),
    # new-connector
    "new-connector-bad-name": Case(
        ("new-connector", "2shop", "--dir", "{t}/pkg"),
        CONFIG,
        ("'2shop' cannot be a connector's name",),
    ),
    "new-connector-folder-not-empty": Case(
        ("new-connector", "shop", "--dir", "{t}"), CONFIG, ("the folder is not empty",)
    ),
    "new-connector-unknown-option": Case(
        ("new-connector", "shop", "--force"), USAGE, ("No such option", "--force")
    ),
    "new-connector-no-name": Case(("new-connector",), USAGE, ("Missing argument 'NAME'",)),
}


def flat(text: str) -> str:
    """The output with Rich's box drawing removed and whitespace collapsed."""
    for char in "│╭╮╰╯─":
        text = text.replace(char, " ")
    return " ".join(text.split())


def one_paragraph(output: str) -> bool:
    return "\n\n" not in "\n".join(line.rstrip() for line in output.strip().splitlines())


@pytest.mark.parametrize("name", list(CASES))
def test_a_bad_invocation_fails_with_a_message_not_a_traceback(place: Path, name: str) -> None:
    case = CASES[name]
    args = [a.format(t=place) for a in case.args]
    result = CliRunner().invoke(app, args, catch_exceptions=False, env=ENV)
    output = result.output
    assert result.exit_code == case.code, output
    assert "Traceback" not in output
    assert one_paragraph(output), output
    for words in case.says:
        assert words in flat(output), (words, output)


def test_every_command_is_covered() -> None:
    commands = set(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
    assert commands == {
        *("connectors", "validate", "pull", "sync", "export", "demo", "report", "review"),
        "new-connector",
    }
    covered = {command for command in commands for name in CASES if name.startswith(command)}
    assert covered == commands


def test_a_sync_of_the_bundled_demo_leaves_nothing_in_the_package(tmp_path: Path) -> None:
    made = DEMO.parent / ".partnerkit"
    result = CliRunner().invoke(app, ["sync", "-c", str(DEMO)], catch_exceptions=False, env=ENV)
    created = made.exists()
    shutil.rmtree(made, ignore_errors=True)  # never leave it behind, even when failing
    assert not created
    assert result.exit_code == ExitCode.CONFIGURATION
    text = flat(result.output)
    assert "inside the installed package folder" in text
    assert "--warehouse PATH" in text


# ------------------------------------------------------------- real subprocesses


def partnerkit(*args: str) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("partnerkit")
    return subprocess.run(
        [str(script), *args],
        capture_output=True,
        text=True,
        env={"COLUMNS": "200", "PATH": str(script.parent)},
        timeout=120,
        check=False,
    )


def test_reversed_dates_in_a_real_process(tmp_path: Path) -> None:
    done = partnerkit("pull", "-c", str(DEMO), "-o", str(tmp_path / "x.csv"), *BAD_DATES)
    assert done.returncode == 2
    assert "Traceback" not in done.stdout + done.stderr
    assert "2026-10-31 is after --to 2026-10-01" in flat(done.stderr)
    assert not (tmp_path / "x.csv").exists()


def test_a_corrupt_warehouse_in_a_real_process(tmp_path: Path) -> None:
    corrupt = tmp_path / "w.duckdb"
    corrupt.write_bytes(b"\x00" * 100)
    done = partnerkit("export", "-w", str(corrupt), "-o", str(tmp_path / "lake"))
    assert done.returncode == 3  # ExitCode.CONFIGURATION
    assert "Traceback" not in done.stdout + done.stderr
    assert f"The warehouse {corrupt} is not a DuckDB database file" in flat(done.stderr)
    assert corrupt.read_bytes() == b"\x00" * 100


@pytest.mark.parametrize(
    "command",
    [
        *("", "connectors", "validate", "pull", "sync", "export", "demo", "report", "review"),
        "new-connector",
    ],
)
def test_help_shows_no_type_placeholders_for_flags(command: str) -> None:
    result = CliRunner().invoke(app, [*command.split(), "--help"], catch_exceptions=False, env=ENV)
    assert result.exit_code == 0, result.output
    assert "<bool>" not in result.output
    assert "Show this message and exit." in result.output
    if command in ("pull", "sync", "export"):
        assert "<%Y-%m-%d>" not in result.output
        assert "YYYY-MM-DD" in result.output
