"""`partnerkit report --locale`: the same report in another language, or a clear refusal."""

from pathlib import Path

from typer.testing import CliRunner

from partnerkit.cli import ExitCode, app

WORKSPACE = """\
version: 1
name: Tiny Shop × Agency
currency: EUR
timezone: Europe/Rome
locale: en-US
connections:
  - name: ads
    connector: files
    settings:
      files:
        - path: ads.csv
          stream: performance
          columns: {date: Day, campaign_id: Campaign ID, spend: Cost, clicks: Clicks}
          constants: {platform: google_ads, account_id: "111", currency: EUR,
                      channel: paid_search, level: campaign}
sources:
  - id: search
    name: Search ads
    channel: paid_search
    platform: google_ads
    connection: ads
    wiring: form
    owner: partner
    matching: {account_ids: "111"}
"""

ADS = """\
Day,Campaign ID,Cost,Clicks
2026-09-30,7,10.00,5
2026-10-01,7,12.50,6
2026-10-02,7,7.25,4
"""


def _run(tmp_path: Path, *extra: str) -> tuple[int, str, Path]:
    (tmp_path / "partnerkit.yaml").write_text(WORKSPACE, encoding="utf-8")
    (tmp_path / "ads.csv").write_text(ADS, encoding="utf-8")
    out = tmp_path / "out"
    args = ["report", "-c", str(tmp_path / "partnerkit.yaml"), "--month", "2026-10"]
    result = CliRunner().invoke(
        app, [*args, "--as-of", "2026-11-15", "-o", str(out), *extra], env={"COLUMNS": "200"}
    )
    return result.exit_code, result.output, out


def test_the_report_is_written_in_the_locale_asked_for(tmp_path: Path) -> None:
    code, output, out = _run(tmp_path, "--locale", "th-TH")
    assert code == 0, output
    markdown = (out / "report-2026-10.md").read_text(encoding="utf-8")
    html = (out / "report-2026-10.html").read_text(encoding="utf-8")
    assert markdown.startswith("# รายงานประจำเดือน")
    assert 'lang="th"' in html
    # October's spend, 12.50 + 7.25, to the cent in Thai's money format
    assert "€19.75" in markdown
    assert "ตุลาคม 2026" in markdown


def test_the_workspace_locale_is_the_default(tmp_path: Path) -> None:
    code, output, out = _run(tmp_path)
    assert code == 0, output
    assert (out / "report-2026-10.md").read_text(encoding="utf-8").startswith("# Monthly report")


def test_an_unknown_locale_is_refused_with_the_available_ones(tmp_path: Path) -> None:
    code, output, out = _run(tmp_path, "--locale", "de-DE")
    assert code == ExitCode.CONFIGURATION
    assert "de-DE" in output
    assert "en-US, he-IL, th-TH" in output
    assert not (out / "report-2026-10.html").exists()
