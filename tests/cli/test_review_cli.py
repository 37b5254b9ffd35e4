"""`partnerkit review` on a small files-only workspace, checked against its input CSV."""

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from typer.testing import CliRunner

from partnerkit.cli import ExitCode, app

Writer = Callable[[Path], Path]  # the tiny_workspace fixture (the root conftest)


def _review(config: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["review", "-c", str(config), *args], env={"COLUMNS": "200"})
    return result.exit_code, " ".join(result.output.split())


def test_the_quarterly_review_is_written(tmp_path: Path, tiny_workspace: Writer) -> None:
    config = tiny_workspace(tmp_path)
    out = tmp_path / "out"
    code, output = _review(
        config, "--quarter", "2026Q4", "--as-of", "2026-11-15", "-o", str(out), "-l", "en-US"
    )
    assert code == ExitCode.OK, output
    markdown = (out / "review-2026-Q4.md").read_text(encoding="utf-8")
    assert (out / "review-2026-Q4.html").exists()
    # October's spend is 12.50 + 7.25 = 19.75; November has no record, December not started
    october = Decimal("12.50") + Decimal("7.25")
    assert f"| Spend | €{october:.2f} |" in markdown
    assert "Months with data: October 2026." in markdown
    assert "- November 2026: no data (no lead and no spend record in 2026-11)." in markdown


def test_the_source_map_is_written(tmp_path: Path, tiny_workspace: Writer) -> None:
    config = tiny_workspace(tmp_path)
    out = tmp_path / "out"
    code, output = _review(config, "--source-map", "--as-of", "2026-10-02", "-o", str(out))
    assert code == ExitCode.OK, output
    markdown = (out / "source-map.md").read_text(encoding="utf-8")
    # the source spent on each of the 3 days up to 2 October and no lead ever came: silent
    row = "| Search ads | paid search | Ad account = 111 | the partner | website form | silent |"
    assert row in markdown


def test_a_fifth_quarter_is_a_usage_error_naming_the_four(
    tmp_path: Path, tiny_workspace: Writer
) -> None:
    code, output = _review(tiny_workspace(tmp_path), "--quarter", "2026Q5")
    assert code == ExitCode.USAGE
    assert "a year has quarters 1 to 4, so write one of 2026Q1, 2026Q2, 2026Q3, 2026Q4" in output


def test_one_document_at_a_time(tmp_path: Path, tiny_workspace: Writer) -> None:
    config = tiny_workspace(tmp_path)
    for args in ((), ("--trial", "--source-map"), ("--quarter", "2026Q4", "--trial")):
        code, output = _review(config, *args)
        assert code == ExitCode.USAGE
        assert "give exactly one of --quarter 2026Q4, --trial and --source-map" in output


def test_a_quarter_not_started_exits_7(tmp_path: Path, tiny_workspace: Writer) -> None:
    config = tiny_workspace(tmp_path)
    code, output = _review(
        config, "--quarter", "2027Q1", "--as-of", "2026-11-15", "-o", str(tmp_path / "o")
    )
    assert code == ExitCode.NOT_COMPUTABLE
    assert "cannot review 2027-Q1: the quarter has not started (as of 2026-11-15)." in output
    assert not (tmp_path / "o" / "review-2027-Q1.md").exists()


def test_a_quarter_without_data_names_the_sync(tmp_path: Path, tiny_workspace: Writer) -> None:
    # the connections hold nothing from March to June (the month before Q2, and Q2)
    config = tiny_workspace(tmp_path)
    code, output = _review(config, "--quarter", "2026Q2", "--as-of", "2026-11-15")
    assert code == ExitCode.NOT_COMPUTABLE
    assert "nothing to report for 2026-Q2: there is no record in the connections." in output
    assert f"partnerkit sync --config {config}" in output


def test_a_trial_verdict_needs_a_trial(tmp_path: Path, tiny_workspace: Writer) -> None:
    code, output = _review(tiny_workspace(tmp_path), "--trial", "--as-of", "2026-11-15")
    assert code == ExitCode.CONFIGURATION
    assert "contract.trial_end" in output
