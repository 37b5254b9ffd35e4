"""The demo as a real workspace: ``partnerkit demo --init DIR``, then every command on it.

Offline (network blocked), with none of the demo's secret variables set. The expected
October figures are computed here from the recorded API answers (the Aug–Oct answer
of each cassette, filtered to October's days) — not from partnerkit's reading code.
"""

import csv
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import partnerkit.demo
from partnerkit.cli import app
from partnerkit.demo import DEMO_WORKSPACE, init_demo
from partnerkit.errors import ConfigurationError, SourceError
from partnerkit.testing.guard import block_network

CASSETTES = DEMO_WORKSPACE.parent / "cassettes"
FULL = '{"since":"2026-08-01","until":"2026-10-31"}'


def interactions(name: str) -> list[dict]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load((CASSETTES / f"{name}.yaml").read_text("utf-8"), Loader=loader)["interactions"]


def october_meta_spend() -> Decimal:
    """Meta's October spend, from its recorded Aug–Oct insights answer."""
    return sum(
        (
            Decimal(row["spend"])
            for i in interactions("meta")
            if i["request"]["url"].endswith("/insights")
            and i["request"]["query"]["time_range"] == FULL
            for row in i["response"]["body"]["data"]
            if row["date_start"].startswith("2026-10")
        ),
        Decimal(0),
    )


def october_google_spend() -> Decimal:
    """Google Ads' October spend, from its recorded Aug–Oct answer (micros)."""
    return sum(
        (
            Decimal(row["metrics"]["costMicros"]) / 1_000_000
            for i in interactions("google-ads")
            if "metrics.cost_micros" in i["request"]["body"]["query"]
            and "BETWEEN '2026-08-01' AND '2026-10-31'" in i["request"]["body"]["query"]
            for block in i["response"]["body"]
            for row in block.get("results", [])
            if row["segments"]["date"].startswith("2026-10")
        ),
        Decimal(0),
    )


def october_linkedin_spend() -> Decimal:
    """LinkedIn's October spend, from its recorded Aug–Oct ad analytics answer."""
    whole = "(start:(year:2026,month:8,day:1),end:(year:2026,month:10,day:31))"
    return sum(
        (
            Decimal(e["costInLocalCurrency"])
            for i in interactions("linkedin-ads")
            if i["request"]["url"].endswith("/adAnalytics")
            and i["request"]["query"]["dateRange"] == whole
            for e in i["response"]["body"]["elements"]
            if e["dateRange"]["start"]["month"] == 10
        ),
        Decimal(0),
    )


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch):
    for name in list(__import__("os").environ):
        if name.startswith("PARTNERKIT_DEMO_"):
            monkeypatch.delenv(name)
    with block_network():
        yield


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo") / "negev-solar"
    result = CliRunner().invoke(app, ["demo", "--init", str(folder)])
    assert result.exit_code == 0, result.output
    assert "Wrote the demo workspace" in result.output
    return folder


def test_init_writes_the_workspace_its_data_and_recordings(demo_dir: Path) -> None:
    assert (demo_dir / "partnerkit.yaml").read_bytes() == DEMO_WORKSPACE.read_bytes()
    assert sorted(p.name for p in (demo_dir / "cassettes").iterdir()) == [
        "ga4.yaml",
        "google-ads.yaml",
        "hubspot.yaml",
        "linkedin-ads.yaml",
        "mailchimp.yaml",
        "meta-pages.yaml",
        "meta.yaml",
        "search-console.yaml",
    ]
    assert sorted(p.name for p in (demo_dir / "data").iterdir()) == [
        "evidence.csv",
        "harvest_time_2026.csv",
        "meetings.csv",
        "survey.csv",
        "trade_show_import.csv",
        "work_log.csv",
    ]


def test_init_refuses_a_folder_that_holds_a_workspace(demo_dir: Path) -> None:
    with pytest.raises(ConfigurationError, match=r"already holds partnerkit\.yaml, data"):
        init_demo(demo_dir)
    result = CliRunner().invoke(app, ["demo", "--init", str(demo_dir)])
    assert result.exit_code != 0
    assert "already holds" in " ".join(result.output.split())


def test_validate(demo_dir: Path) -> None:
    result = CliRunner().invoke(app, ["validate", str(demo_dir / "partnerkit.yaml")])
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())  # rich wraps long lines
    # 5 targets: leads, CPL, SQLs, sales-ready leads and the relative one (+20% on August)
    assert "is valid: 7 sources, 6 campaigns, 5 targets, 3 SLA terms, 9 connections." in said


def test_pull_october_alone(demo_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "october.csv"
    args = ["pull", "-c", str(demo_dir / "partnerkit.yaml"), "-o", str(out)]
    result = CliRunner().invoke(app, [*args, "--from", "2026-10-01", "--to", "2026-10-31"])
    assert result.exit_code == 0, result.output
    spend: dict[str, Decimal] = {}
    days = set()
    with (tmp_path / "october.performance.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            days.add(row["date"])
            spend[row["platform"]] = spend.get(row["platform"], Decimal(0)) + Decimal(
                row["spend"] or 0
            )
    assert min(days) == "2026-10-01"
    assert max(days) == "2026-10-31"
    assert spend["meta"] == october_meta_spend() == Decimal("11219.30")
    assert spend["google_ads"] == october_google_spend() == Decimal("18577.20")
    assert spend["linkedin_ads"] == october_linkedin_spend() == Decimal("4836")


def test_sync_then_report_october(demo_dir: Path, tmp_path: Path) -> None:
    config = str(demo_dir / "partnerkit.yaml")
    warehouse = str(tmp_path / "warehouse.duckdb")
    runner = CliRunner()
    synced = runner.invoke(
        app,
        [
            "sync",
            "-c",
            config,
            "--warehouse",
            warehouse,
            "--from",
            "2026-10-01",
            "--to",
            "2026-10-31",
        ],
    )
    assert synced.exit_code == 0, synced.output
    # nineteen platform and lead reads (LinkedIn's four streams among them), and the
    # time-tracking export, work log and meeting log
    assert "22 of 22 reads" in " ".join(synced.output.split())
    report = runner.invoke(
        app,
        [
            "report",
            "-c",
            config,
            "--month",
            "2026-10",
            "--warehouse",
            warehouse,
            "--as-of",
            "2026-11-15",
            "-o",
            str(tmp_path / "report"),
        ],
    )
    assert report.exit_code == 0, report.output
    markdown = (tmp_path / "report" / "report-2026-10.md").read_text("utf-8")
    # The management fee is 10% of October's media spend (Meta + Google Ads + LinkedIn).
    fee = (october_meta_spend() + october_google_spend() + october_linkedin_spend()) / 10
    assert fee == Decimal("3463.25")
    assert "3,463.25" in markdown


def test_report_reads_the_connections_without_a_warehouse(demo_dir: Path, tmp_path: Path) -> None:
    # No --warehouse and none synced: the report reads September and October (the
    # month before, for comparisons) from the recordings.
    fresh = tmp_path / "fresh"
    init_demo(fresh)
    result = CliRunner().invoke(
        app,
        [
            "report",
            "-c",
            str(fresh / "partnerkit.yaml"),
            "--month",
            "2026-10",
            "--as-of",
            "2026-11-15",
            "-o",
            str(tmp_path / "report"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "3,463.25" in (tmp_path / "report" / "report-2026-10.md").read_text("utf-8")


def test_open_reads_october_alone_in_python(demo_dir: Path) -> None:
    ws = partnerkit.demo.open(demo_dir)
    assert ws.root == demo_dir
    with ws.connector("meta") as meta:
        rows = meta.stream(
            stream="ad_insights", start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31)
        ).to_dicts()
    assert {r["date"] for r in rows} == {
        dt.date(2026, 10, 1) + dt.timedelta(days=n) for n in range(31)
    }
    assert sum((r["spend"] for r in rows), Decimal(0)) == october_meta_spend()


def test_open_without_a_folder_is_the_bundled_demo() -> None:
    ws = partnerkit.demo.open()
    assert ws.file == DEMO_WORKSPACE
    assert [c.replay for c in ws.connections] == [
        Path("cassettes/meta.yaml"),
        Path("cassettes/google-ads.yaml"),
        Path("cassettes/ga4.yaml"),
        Path("cassettes/hubspot.yaml"),
        None,
        Path("cassettes/search-console.yaml"),
        Path("cassettes/mailchimp.yaml"),
        Path("cassettes/linkedin-ads.yaml"),
        Path("cassettes/meta-pages.yaml"),
    ]


def test_a_range_that_was_not_recorded_is_a_source_error_naming_the_recording() -> None:
    ws = partnerkit.demo.open()
    with (
        ws.connector("meta") as meta,
        pytest.raises(SourceError, match=r"meta\.yaml has no answer"),
    ):
        meta.stream(
            stream="ad_insights", start=dt.date(2026, 10, 5), end=dt.date(2026, 10, 9)
        ).to_dicts()


def test_a_missing_recording_is_a_configuration_error(tmp_path: Path) -> None:
    from partnerkit.model import load_workspace

    folder = tmp_path / "demo"
    init_demo(folder)
    (folder / "cassettes" / "ga4.yaml").unlink()
    ws = load_workspace(folder / "partnerkit.yaml")
    with pytest.raises(ConfigurationError, match=r"replays .*ga4\.yaml, which does not exist"):
        ws.connector("ga4")


def test_replayed_secrets_are_placeholders_only_when_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    ws = partnerkit.demo.open()
    meta = ws.connection("meta")
    settings = meta.resolve_settings(ws.root, environ={})
    assert settings["access_token"] == "replayed-not-a-secret"
    env = {"PARTNERKIT_DEMO_META_ACCESS_TOKEN": "set-by-the-user"}
    assert meta.resolve_settings(ws.root, environ=env)["access_token"] == "set-by-the-user"
    assert json.dumps(ws.connection("files").secrets) == "{}"


def test_a_notebook_reads_the_bundled_demo_for_october_without_secrets() -> None:
    # Before replay: MissingSecretError (no variable set), then, with fake secrets and the
    # private cassette player, a CassetteError (only the Aug-Oct request was recorded).
    from partnerkit.model import load_workspace

    ws = load_workspace(DEMO_WORKSPACE)
    with ws.connector("google-ads") as google:
        rows = google.stream(
            stream="performance", start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31)
        ).to_dicts()
    assert sum((r["spend"] for r in rows), Decimal(0)) == october_google_spend()


def test_a_missed_request_does_not_show_a_token_the_user_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PARTNERKIT_DEMO_META_ACCESS_TOKEN", "EAAB" + "x7" * 20)
    ws = partnerkit.demo.open()
    with ws.connector("meta") as meta, pytest.raises(SourceError) as caught:
        meta.stream(
            stream="ad_insights", start=dt.date(2026, 10, 5), end=dt.date(2026, 10, 9)
        ).to_dicts()
    assert "x7x7" not in str(caught.value)
    assert "access_token=REDACTED" in str(caught.value)


def test_check_is_answered_from_the_recording() -> None:
    ws = partnerkit.demo.open()
    with ws.connector("meta") as meta:
        result = meta.check()
    assert result.ok, result.message
