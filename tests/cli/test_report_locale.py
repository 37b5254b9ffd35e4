"""`partnerkit report --locale`: the same report in another language, or a clear refusal."""

from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from partnerkit.cli import ExitCode, app

Writer = Callable[[Path], Path]  # the tiny_workspace fixture (the root conftest)


def _run(tiny_workspace: Writer, tmp_path: Path, *extra: str) -> tuple[int, str, Path]:
    tiny_workspace(tmp_path)
    out = tmp_path / "out"
    args = ["report", "-c", str(tmp_path / "partnerkit.yaml"), "--month", "2026-10"]
    result = CliRunner().invoke(
        app, [*args, "--as-of", "2026-11-15", "-o", str(out), *extra], env={"COLUMNS": "200"}
    )
    return result.exit_code, result.output, out


def test_the_report_is_written_in_the_locale_asked_for(
    tmp_path: Path, tiny_workspace: Writer
) -> None:
    code, output, out = _run(tiny_workspace, tmp_path, "--locale", "th-TH")
    assert code == 0, output
    markdown = (out / "report-2026-10.md").read_text(encoding="utf-8")
    html = (out / "report-2026-10.html").read_text(encoding="utf-8")
    assert markdown.startswith("# รายงานประจำเดือน")
    assert 'lang="th"' in html
    # October's spend, 12.50 + 7.25, to the cent in Thai's money format
    assert "€19.75" in markdown
    assert "ตุลาคม 2026" in markdown


def test_the_workspace_locale_is_the_default(tmp_path: Path, tiny_workspace: Writer) -> None:
    code, output, out = _run(tiny_workspace, tmp_path)
    assert code == 0, output
    assert (out / "report-2026-10.md").read_text(encoding="utf-8").startswith("# Monthly report")


def test_an_unknown_locale_is_refused_with_the_available_ones(
    tmp_path: Path, tiny_workspace: Writer
) -> None:
    code, output, out = _run(tiny_workspace, tmp_path, "--locale", "de-DE")
    assert code == ExitCode.CONFIGURATION
    assert "de-DE" in output
    assert "en-US, he-IL, th-TH" in output
    assert not (out / "report-2026-10.html").exists()
