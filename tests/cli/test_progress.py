"""Long commands draw progress on a terminal and stay quiet when piped.

``CliRunner`` gives the commands pipes, not a terminal: there the output must hold
the result lines and no progress bar, spinner or ANSI escape. ``TTY_COMPATIBLE=1``
(Rich's documented switch, read when the console checks for a terminal) stands in for
a terminal: there the bars must appear.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from partnerkit.cli import app

WORKSPACE = """\
version: 1
name: Progress
currency: EUR
timezone: Europe/Rome
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

PIPE = {"COLUMNS": "200", "TTY_COMPATIBLE": None, "FORCE_COLOR": None, "NO_COLOR": None}
TERMINAL = {**PIPE, "TTY_COMPATIBLE": "1"}
BAR_PIECES = ("\x1b[", "━", "╸", "╺", "⠋", "⠙")  # ANSI, Rich's bar, its spinner frames


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("PARTNERKIT_WAREHOUSE", raising=False)
    (tmp_path / "leads.csv").write_text(
        "Record ID,Create Date\n1,2026-10-01\n2,2026-10-02\n3,2026-10-02\n", encoding="utf-8"
    )
    path = tmp_path / "ws.yaml"
    path.write_text(WORKSPACE, encoding="utf-8")
    return path


def run(args: list[str | Path], env: dict[str, str | None]) -> Result:
    result = CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False, env=env)
    assert result.exit_code == 0, result.output
    return result


def test_pull_piped_prints_the_result_and_no_progress(config: Path) -> None:
    out = config.parent / "leads-out.csv"
    result = run(["pull", "-c", config, "-o", out], PIPE)
    assert result.stdout == f"wrote {out}\n"
    assert result.stderr == ""  # no bar, not even its last frame
    assert not any(piece in result.output for piece in BAR_PIECES)


def test_pull_on_a_terminal_draws_progress(config: Path) -> None:
    result = run(["pull", "-c", config, "-o", config.parent / "x.csv"], TERMINAL)
    assert "crm/leads" in result.stderr
    assert "3 rows" in result.stderr  # the three rows of leads.csv
    assert "\x1b[" in result.stderr


def test_sync_piped_prints_the_summary_and_no_progress(config: Path) -> None:
    result = run(["sync", "-c", config], PIPE)
    assert "3 rows from 1 of 1 reads" in " ".join(result.stdout.split())
    assert result.stderr == ""  # the summary's table is on stdout, drawn in plain text
    assert "\x1b[" not in result.output


def test_sync_on_a_terminal_draws_progress(config: Path) -> None:
    result = run(["sync", "-c", config, "-w", config.parent / "w.duckdb"], TERMINAL)
    assert "all reads ━━━" in result.stderr  # the overall bar, full: its reads are done
    assert "3 rows 1 of 1 reads" in result.stderr
    assert "\x1b[" in result.stderr


def test_export_piped_prints_its_lines_only(config: Path) -> None:
    run(["sync", "-c", config], PIPE)
    lake = config.parent / "lake"
    result = run(["export", "-c", config, "-o", lake], PIPE)
    assert result.stdout.splitlines()[0] == "lead: 3 rows"
    assert result.stdout.splitlines()[-1].startswith("wrote ")
    assert not any(piece in result.output for piece in BAR_PIECES)


def test_pull_in_a_real_terminal_draws_progress(config: Path) -> None:
    # stderr is a pseudo-terminal (the stdlib's pty), as in an interactive shell
    import os
    import pty
    import subprocess
    import sys

    script = Path(sys.executable).with_name("partnerkit")
    leader, follower = pty.openpty()
    env = {"PATH": str(script.parent), "COLUMNS": "120", "HOME": str(config.parent)}
    with subprocess.Popen(
        [str(script), "pull", "-c", str(config), "-o", str(config.parent / "x.csv")],
        stdout=subprocess.PIPE,
        stderr=follower,
        env=env,
    ) as child:
        os.close(follower)
        drawn = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closed: the child has exited
                break
            if not chunk:
                break
            drawn += chunk
        stdout = child.stdout.read() if child.stdout else b""
    os.close(leader)
    assert child.returncode == 0, drawn
    assert stdout == f"wrote {config.parent / 'x.csv'}\n".encode()
    text = drawn.decode()
    assert "crm/leads" in text
    assert "3 rows" in text
    assert "\x1b[" in text
