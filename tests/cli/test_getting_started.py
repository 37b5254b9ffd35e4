"""docs/getting-started.md, run as written: every ``partnerkit`` command from the demo on.

The shell blocks of the page are run in order, in one fresh folder, through the
command line (typer's runner), offline and with none of the demo's variables set.
Only the install step (``uv add``: it needs the network) is not run.
"""

import os
import re
import shlex
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from partnerkit.cli import app
from partnerkit.testing.guard import block_network

PAGE = Path(__file__).resolve().parents[2] / "docs" / "getting-started.md"
BLOCK = re.compile(r"^```bash\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def commands() -> list[list[str]]:
    """The ``partnerkit`` commands of the page's bash blocks, in order."""
    out = []
    for block in BLOCK.findall(PAGE.read_text("utf-8")):
        for line in block.splitlines():
            words = shlex.split(line, comments=True)
            if words[:1] == ["partnerkit"]:
                out.append(words[1:])
    return out


def test_the_page_shows_the_whole_path_to_the_first_report() -> None:
    assert [c[0] for c in commands()] == ["demo", "demo", "validate", "pull", "sync", "report"]


def test_every_command_runs_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("PARTNERKIT_DEMO_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    with block_network():
        for args in commands():
            result = runner.invoke(app, args)
            assert result.exit_code == 0, (args, result.output)
    assert (tmp_path / "partnerkit-report").is_dir()  # `partnerkit demo`
    assert (tmp_path / "negev-solar" / ".partnerkit" / "warehouse.duckdb").is_file()
    report = (tmp_path / "report" / "report-2026-10.md").read_text("utf-8")
    # October's media spend, Meta 11,219.30 + Google Ads 18,577.20 + LinkedIn 4,836 (each
    # summed by hand from the recorded answers in test_demo_workspace.py), gives a 10% fee
    # of 3,463.25.
    assert (Decimal("11219.30") + Decimal("18577.20") + Decimal(4836)) / 10 == Decimal("3463.25")
    assert "3,463.25" in report
    assert (tmp_path / "october.performance.csv").is_file()
