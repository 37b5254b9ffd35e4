"""The dlt adapter, end to end against dlt's DuckDB destination (all in tmp_path, offline)."""

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
import pytest

from partnerkit.integrations.dlt import stream_resource, workspace_resources, workspace_source

from .conftest import WorkspaceFactory

dlt = pytest.importorskip("dlt")

# one account: sum over days 1..10 and campaigns 0..2 of (10 * day + campaign) = 1680
BASE_CLICKS = 1680


@pytest.fixture
def pipeline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.chdir(tmp_path)  # dlt reads .dlt/ config from the working folder
    monkeypatch.setenv("RUNTIME__DLTHUB_TELEMETRY", "false")
    monkeypatch.setenv("DLT_DATA_DIR", str(tmp_path / "dlt-data"))
    monkeypatch.setenv("RUNTIME__LOG_LEVEL", "WARNING")
    return dlt.pipeline(
        pipeline_name="partnerkit_test",
        destination=dlt.destinations.duckdb(str(tmp_path / "dlt.duckdb")),
        dataset_name="marketing",
        pipelines_dir=str(tmp_path / "pipelines"),
    )


def query(path: Path, sql: str) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_a_workspace_loads_and_merges_restated_days(
    pipeline: Any, make_workspace: WorkspaceFactory, tmp_path: Path
) -> None:
    db = tmp_path / "dlt.duckdb"
    first = make_workspace(accounts=["a1", "a2"], extra_from="2026-10-10")
    pipeline.run(workspace_source(first))
    # 2 accounts x 10 days x 3 campaigns; a lead a day per account; 3 campaigns per account
    assert query(db, "SELECT count(*), sum(clicks) FROM marketing.performance") == [
        (60, 2 * BASE_CLICKS)
    ]
    assert query(db, "SELECT count(*) FROM marketing.lead") == [(20,)]
    assert query(db, "SELECT count(*) FROM marketing.campaign") == [(6,)]
    # extra.video_views on Oct 10 = campaign index: 2 accounts x (0 + 1 + 2)
    assert query(db, "SELECT sum(extra_video_views) FROM marketing.performance") == [(6,)]
    schema = pipeline.default_schema.get_table("performance")
    assert schema["write_disposition"] == "merge"
    assert schema["columns"]["record_id"]["primary_key"] is True

    # the platform restates from Oct 5; dlt re-reads from (last day seen) - lag = Oct 8
    restated = make_workspace(
        accounts=["a1", "a2"], version=1, restate_from="2026-10-05", extra_from="2026-10-10"
    )
    info = pipeline.run(workspace_source(restated))
    assert not info.has_failed_jobs
    # Oct 8-10 re-read: 3 days x 3 campaigns x 2 accounts get +1000; no row duplicates
    assert query(
        db, "SELECT count(*), count(DISTINCT record_id), sum(clicks) FROM marketing.performance"
    ) == [(60, 60, 2 * BASE_CLICKS + 18 * 1000)]
    assert query(db, "SELECT count(*), count(DISTINCT record_id) FROM marketing.lead") == [(20, 20)]
    names = query(db, "SELECT DISTINCT name FROM marketing.campaign ORDER BY 1")
    assert names == [("Campaign 0 v1",), ("Campaign 1 v1",), ("Campaign 2 v1",)]


def test_the_lag_is_the_lookback_in_days(
    pipeline: Any, make_workspace: WorkspaceFactory, tmp_path: Path
) -> None:
    ws = make_workspace(accounts=["a1"], lookback_days=3, last_day="2026-10-06")
    resource = stream_resource(lambda: ws.connector("synth"), "daily", name="daily")
    hints = resource.compute_table_schema()
    assert (hints["name"], hints["write_disposition"]) == ("performance", "merge")
    pipeline.run(resource)
    assert query(tmp_path / "dlt.duckdb", "SELECT count(*) FROM marketing.performance") == [(18,)]
    # everything restated; last day seen Oct 6, lag 3 days: Oct 3-6 are read again
    restated = make_workspace(
        accounts=["a1"],
        lookback_days=3,
        last_day="2026-10-06",
        version=1,
        restate_from="2026-10-01",
    )
    pipeline.run(stream_resource(lambda: restated.connector("synth"), "daily", name="daily"))
    by_day = query(
        tmp_path / "dlt.duckdb",
        "SELECT date, sum(clicks) FROM marketing.performance GROUP BY 1 ORDER BY 1",
    )
    # a day's clicks: 3 campaigns x 10 x day + (0 + 1 + 2), plus 3 x 1000 when re-read
    assert by_day == [
        (dt.date(2026, 10, d), 30 * d + 3 + (3000 if d >= 3 else 0)) for d in range(1, 7)
    ]


def test_resources_per_account_and_filters(make_workspace: WorkspaceFactory) -> None:
    ws = make_workspace(accounts=["a1", "a2"])
    names = [r.name for r in workspace_resources(ws, streams=["daily"], per_account=True)]
    assert names == ["synth__daily__a1", "synth__daily__a2"]
    names = [r.name for r in workspace_resources(ws, connections=["synth"])]
    assert names == ["synth__daily", "synth__leads", "synth__campaigns"]
    assert workspace_resources(ws, connections=["other"]) == []
