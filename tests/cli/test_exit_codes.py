"""Each documented exit code, reached through the command line from a real cause.

The codes are chosen at the command line's one boundary from the class of the error
that stopped the command (``partnerkit.cli.exit_code_for``); these tests give each
command a cause a user meets (a workspace naming a connection it does not have, an
expired token answered by the API, a CSV row that does not parse, a range with no
record, a report on an empty warehouse) and check the code and the message.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from partnerkit_hubspot.testing import expired_token
from typer.testing import CliRunner

import partnerkit.demo
from partnerkit.cli import ExitCode, app, exit_code_for
from partnerkit.errors import (
    AuthenticationError,
    ConfigurationError,
    ConnectorNotFoundError,
    DataError,
    MissingSecretError,
    NotComputableError,
    PartnerkitError,
    StreamConsumedError,
    TransientError,
    WorkspaceError,
)
from partnerkit.store import Warehouse
from partnerkit.testing import use_cassette

DEMO = Path(partnerkit.demo.__file__).parent
DOCS = Path(__file__).resolve().parents[2] / "docs" / "cli.md"
ENV = {"COLUMNS": "300", "PARTNERKIT_WAREHOUSE": None}

HEAD = """\
version: 1
name: Exit codes
currency: EUR
timezone: Europe/Rome
"""

FILES = (
    HEAD
    + """\
connections:
  - name: crm
    connector: files
    settings:
      files:
        - path: leads.csv
          stream: leads
          columns: {lead_id: Record ID, created_at: Create Date}
          constants: {platform: crm, account_id: "1"}
"""
)


def run(*args: str | Path, env: dict[str, str | None] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(
        app, [str(a) for a in args], catch_exceptions=False, env={**ENV, **(env or {})}
    )
    assert "Traceback" not in result.output
    return result.exit_code, " ".join(result.output.split())


def test_the_codes_are_distinct_and_stable() -> None:
    # scripts compare numbers: a renumbering is a breaking change
    assert {code.name: int(code) for code in ExitCode} == {
        "OK": 0,
        "FAILURE": 1,
        "USAGE": 2,
        "CONFIGURATION": 3,
        "SOURCE": 4,
        "DATA": 5,
        "NOTHING": 6,
        "NOT_COMPUTABLE": 7,
    }


def test_every_code_is_documented_on_the_cli_page() -> None:
    text = DOCS.read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `(\d)` \| `(\w+)` \|", text, flags=re.MULTILINE))
    assert rows == {str(int(code)): code.name for code in ExitCode}


@pytest.mark.parametrize(
    ("errors", "expected"),
    [
        ((WorkspaceError("ws.yaml", []),), ExitCode.CONFIGURATION),
        ((MissingSecretError("crm", "token", "CRM_TOKEN"),), ExitCode.CONFIGURATION),
        ((ConnectorNotFoundError("shop", []),), ExitCode.CONFIGURATION),
        ((AuthenticationError("revoked", api="meta"),), ExitCode.SOURCE),
        ((AuthenticationError("a", api="x"), TransientError("b", api="y")), ExitCode.SOURCE),
        ((DataError("bad cell"),), ExitCode.DATA),
        ((NotComputableError("nothing synced", code="no_records"),), ExitCode.NOT_COMPUTABLE),
        ((StreamConsumedError("read twice"),), ExitCode.FAILURE),
        ((AuthenticationError("a", api="x"), ConfigurationError("b")), ExitCode.FAILURE),
        ((PartnerkitError("other"),), ExitCode.FAILURE),
    ],
)
def test_an_error_class_gives_its_code(
    errors: tuple[BaseException, ...], expected: ExitCode
) -> None:
    assert exit_code_for(*errors) is expected


def test_usage_error(tmp_path: Path) -> None:
    code, said = run("pull", "-c", DEMO / "partnerkit.yaml", "-o", tmp_path / "x.csv", "--to", "x")
    assert code == ExitCode.USAGE == 2
    assert "Invalid value for '--to'" in said


def test_configuration_error_a_source_names_a_connection_the_workspace_lacks(
    tmp_path: Path,
) -> None:
    ws = tmp_path / "ws.yaml"
    ws.write_text(
        HEAD
        + "sources:\n"
        + "  - {id: s, name: S, channel: paid_search, platform: google_ads,\n"
        + "     connection: ads, wiring: form, owner: partner}\n",
        encoding="utf-8",
    )
    code, said = run("validate", ws)
    assert code == ExitCode.CONFIGURATION == 3
    assert "sources[0].connection" in said
    code, said = run("pull", "-c", ws, "-o", tmp_path / "x.csv")
    assert code == ExitCode.CONFIGURATION
    assert not (tmp_path / "x.csv").exists()


def test_source_error_the_api_answers_401(tmp_path: Path) -> None:
    env = {
        "PARTNERKIT_DEMO_HUBSPOT_ACCESS_TOKEN": "pat-na1-00000000-not-a-real-token",
        "PARTNERKIT_DEMO_HASH_SALT": "test-salt",
    }
    out = tmp_path / "leads.csv"
    # The demo's HubSpot connection, live (no `replay:`), answered by this test's tape.
    config = partnerkit.demo.init_demo(tmp_path / "demo")
    text = config.read_text("utf-8").replace("replay: cassettes/hubspot.yaml", "")
    config.write_text(text, "utf-8")
    with use_cassette(DEMO / "cassettes" / "hubspot.yaml", allow_unused=True) as tape:
        tape.inject(1, expired_token())  # the first contacts search
        code, said = run(
            *("pull", "-c", config, "-o", out, "--connection", "hubspot"),
            *("--from", "2026-08-01", "--to", "2026-10-31"),
            env=env,
        )
    assert code == ExitCode.SOURCE == 4
    assert "HubSpot rejected the credentials (HTTP 401)" in said
    assert not out.exists()


def test_data_error_a_row_that_does_not_parse_and_no_rejections_allowed(tmp_path: Path) -> None:
    (tmp_path / "ws.yaml").write_text(FILES, encoding="utf-8")
    (tmp_path / "leads.csv").write_text(
        "Record ID,Create Date\n1,2026-10-01\n2,the first of October\n", encoding="utf-8"
    )
    code, said = run("pull", "-c", tmp_path / "ws.yaml", "-o", tmp_path / "x.csv")
    assert code == ExitCode.DATA == 5
    assert "the first of October" in said
    assert not (tmp_path / "x.csv").exists()


def test_nothing_read(tmp_path: Path) -> None:
    (tmp_path / "ws.yaml").write_text(FILES, encoding="utf-8")
    (tmp_path / "leads.csv").write_text("Record ID,Create Date\n1,2026-10-01\n", encoding="utf-8")
    args = ("pull", "-c", tmp_path / "ws.yaml", "-o", tmp_path / "x.csv")
    code, said = run(*args, "--from", "2026-11-01")
    assert code == ExitCode.NOTHING == 6
    assert "no records were read (from 2026-11-01 to the latest day)" in said
    assert not (tmp_path / "x.csv").exists()
    code, _ = run(*args)  # the same file, the day it holds: read and written
    assert code == ExitCode.OK
    assert (tmp_path / "x.csv").read_text(encoding="utf-8").count("\n") == 2


def test_nothing_written(tmp_path: Path) -> None:
    Warehouse(tmp_path / "w.duckdb").close()
    code, said = run("export", "-w", tmp_path / "w.duckdb", "-o", tmp_path / "lake")
    assert code == ExitCode.NOTHING
    assert "no Parquet file was written" in said


def test_not_computable_a_report_from_an_empty_warehouse(tmp_path: Path) -> None:
    (tmp_path / "ws.yaml").write_text(FILES, encoding="utf-8")
    Warehouse(tmp_path / "w.duckdb").close()
    code, said = run(
        *("report", "-c", tmp_path / "ws.yaml", "-m", "2026-10"),
        *("--warehouse", tmp_path / "w.duckdb", "-o", tmp_path / "r", "--as-of", "2026-11-15"),
    )
    assert code == ExitCode.NOT_COMPUTABLE == 7
    assert "no record in the warehouse" in said
    assert not (tmp_path / "r").exists()
