"""The report as PDF: printed by headless Chromium, and a clear error without one.

The printing tests need the system's Chromium (skipped locally with the reason, failures
in CI); the error tests need no browser: they hide it.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))
from _helpers import small_dataset, small_workspace

from partnerkit.cli import ExitCode, app
from partnerkit.errors import BrowserError, BrowserNotFoundError, ConfigurationError
from partnerkit.report import MonthlyReport, build_report
from partnerkit.report._pdf import BROWSER_VARIABLE, BROWSERS

A4 = (595, 842)  # points: 210 × 297 mm

_ARGS = ("report", "-m", "2026-10", "--as-of", "2026-11-15", "-c")


@pytest.fixture(scope="module")
def small() -> MonthlyReport:
    return build_report(small_workspace(), small_dataset(), "2026-10", as_of=dt.date(2026, 11, 15))


@pytest.fixture
def chromium() -> str:
    found = shutil.which("chromium")
    if found is None:
        pytest.skip(
            "needs system: chromium is not on PATH; printing the report as PDF needs "
            "Debian's chromium package (apt-get install chromium fonts-dejavu-core), which "
            "`.ci/run` installs — in CI this skip is a failure"
        )
    return found


@pytest.fixture
def no_browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine without any browser: an empty PATH, no PARTNERKIT_BROWSER."""
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv(BROWSER_VARIABLE, raising=False)


Writer = Callable[[Path], Path]  # the tiny_workspace fixture (the root conftest)


def _pages(pdf: bytes) -> list[tuple[float, float]]:
    """The size of each page, in points (Chromium writes the page tree uncompressed)."""
    assert pdf.startswith(b"%PDF-")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    return [(float(w), float(h)) for w, h in boxes]


def test_write_pdf_prints_the_report_on_a4(
    chromium: str, small: MonthlyReport, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(BROWSER_VARIABLE, raising=False)
    path = small.write_pdf(tmp_path / "out" / "october.pdf")
    assert path == tmp_path / "out" / "october.pdf"
    pages = _pages(path.read_bytes())
    # nine sections of tables and charts do not fit one page; every page is A4
    assert len(pages) >= 2
    assert all(round(w) == A4[0] and round(h) == A4[1] for w, h in pages)


def test_the_hebrew_demo_report_prints(
    chromium: str, demo_report_he: MonthlyReport, tmp_path: Path
) -> None:
    pages = _pages(demo_report_he.write_pdf(tmp_path / "he.pdf", browser=chromium).read_bytes())
    assert len(pages) >= 2


def test_report_command_writes_a_pdf_beside_the_html(
    chromium: str, tmp_path: Path, tiny_workspace: Writer
) -> None:
    config = tiny_workspace(tmp_path)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        [*_ARGS, str(config), "-o", str(out), "--pdf"],
        env={"COLUMNS": "200", BROWSER_VARIABLE: chromium},
    )
    assert result.exit_code == 0, result.output
    pdf = out / "report-2026-10.pdf"
    assert f"wrote {pdf}" in result.output
    assert len(_pages(pdf.read_bytes())) >= 1


def test_without_a_browser_the_error_names_it_and_how_to_install_it(
    no_browser: None, small: MonthlyReport, tmp_path: Path
) -> None:
    with pytest.raises(BrowserNotFoundError) as caught:
        small.write_pdf(tmp_path / "r.pdf")
    assert isinstance(caught.value, ConfigurationError)
    assert caught.value.tried == BROWSERS
    assert "found no browser (looked for chromium, chromium-browser," in str(caught.value)
    assert "sudo apt-get install chromium" in str(caught.value)
    assert BROWSER_VARIABLE in str(caught.value)
    assert not (tmp_path / "r.pdf").exists()


def test_a_named_browser_that_is_not_there_is_the_one_named(
    small: MonthlyReport, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(BROWSER_VARIABLE, str(tmp_path / "no-such-chrome"))
    with pytest.raises(BrowserNotFoundError) as caught:
        small.write_pdf(tmp_path / "r.pdf")
    assert caught.value.tried == (str(tmp_path / "no-such-chrome"),)
    with pytest.raises(BrowserNotFoundError) as caught:
        small.write_pdf(tmp_path / "r.pdf", browser="no-such-browser")
    assert caught.value.tried == ("no-such-browser",)


@pytest.mark.skipif(sys.platform == "win32", reason="a shell script stands in for the browser")
def test_a_browser_that_fails_is_a_browser_error_with_its_output(
    small: MonthlyReport, tmp_path: Path
) -> None:
    fake = tmp_path / "fake-chrome"
    fake.write_text("#!/bin/sh\necho 'cannot open display' >&2\nexit 3\n", encoding="utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    with pytest.raises(BrowserError) as caught:
        small.write_pdf(tmp_path / "r.pdf", browser=fake)
    error: Any = caught.value
    assert error.browser == str(fake)
    assert error.returncode == 3
    assert error.output.strip() == "cannot open display"
    assert str(error) == (
        f"{fake} did not print the PDF: it exited with status 3 without writing it. "
        "Its last words: cannot open display"
    )


def test_report_command_without_a_browser_keeps_the_html_and_exits_3(
    no_browser: None, tmp_path: Path, tiny_workspace: Writer
) -> None:
    config = tiny_workspace(tmp_path)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        [*_ARGS, str(config), "-o", str(out), "--pdf"],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == ExitCode.CONFIGURATION == 3
    assert "found no browser" in result.output
    assert "apt-get install chromium" in result.output
    assert (out / "report-2026-10.html").is_file()
    assert not (out / "report-2026-10.pdf").exists()
