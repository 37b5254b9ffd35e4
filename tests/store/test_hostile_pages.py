"""A page that is not the documented shape fails its stream and moves no state.

Two real connectors in one workspace: GA4 (``traffic``) and Meta (``ad_insights``).
A first sync reads their recorded cassettes (GA4 2026-10-01..03, 7 rows; Meta
2026-10-01..02, 4 rows) and sets their cursors. The next sync asks for the days after
(GA4 Oct 4..6, Meta Oct 3..4) and the platforms answer the report page with HTTP 200
and a body that is not a page: GA4 ``{}``, Meta ``null``. Before the page check,
GA4's ``{}`` was read as "no rows" (the run succeeded and the cursor moved to Oct 6:
those days would never be read again) and Meta's ``null`` killed the process inside
pyarrow. Now each stream fails with a ``ResponseShapeError``; its cursor and rows stay
exactly as the first sync left them, and the run history records the failure.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import responses

from partnerkit.errors import ResponseShapeError
from partnerkit.http import use_clock
from partnerkit.store import Warehouse, sync
from partnerkit.testing import Cassette, FakeClock, use_cassette

from .conftest import build_workspace

ROOT = Path(__file__).resolve().parents[2]
GA4_TAPE = ROOT / "connectors/ga4/tests/cassettes/contract/traffic.yaml"
META_TAPE = ROOT / "connectors/meta/tests/cassettes/contract/ad_insights.yaml"
AS_OF = dt.date(2026, 11, 20)
GA4_PROPERTY, META_ACCOUNT = "123456789", "act_1029384756"


@pytest.fixture
def wh(tmp_path: Path) -> Iterator[Warehouse]:
    with Warehouse(tmp_path / "w.duckdb") as opened:
        yield opened


@pytest.fixture(autouse=True)
def secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_GA4_TOKEN", "test-access-token-not-real")
    monkeypatch.setenv("TEST_META_TOKEN", "test-token-not-real")
    monkeypatch.setenv("TEST_META_APP_SECRET", "test-app-secret-not-real")


@pytest.fixture(autouse=True)
def fake_time() -> Iterator[None]:
    with use_clock(FakeClock()):
        yield


def _workspace(root: Path) -> Any:
    return build_workspace(
        root,
        [
            {
                "name": "ga4",
                "connector": "ga4",
                "accounts": [GA4_PROPERTY],
                "settings": {"lead_events": ["generate_lead", "form_submit"]},
                "secrets": {"access_token": "TEST_GA4_TOKEN"},
            },
            {
                "name": "meta",
                "connector": "meta",
                "accounts": [META_ACCOUNT],
                "settings": {"api_version": "v26.0", "page_size": 2},
                "secrets": {
                    "access_token": "TEST_META_TOKEN",
                    "app_secret": "TEST_META_APP_SECRET",
                },
            },
        ],
    )


def _state(wh: Warehouse) -> dict[str, Any]:
    """Everything a sync may move: cursors, row counts and the rows' ids and sums."""
    return {
        "cursors": {(s.connection, s.stream): (s.cursor, s.rows) for s in wh.states()},
        "rows": wh.sql(
            "SELECT platform, count(*) AS n, sum(sessions) AS sessions, sum(clicks) AS clicks, "
            "string_agg(record_id, ',' ORDER BY record_id) AS ids "
            "FROM performance GROUP BY platform ORDER BY platform"
        ).to_pylist(),
    }


def _recorded(tape: Path, index: int) -> Any:
    return Cassette.load(tape).interactions[index].response.body


def test_a_malformed_page_fails_its_stream_and_moves_no_state(
    tmp_path: Path, wh: Warehouse
) -> None:
    ws = _workspace(tmp_path)
    with use_cassette(GA4_TAPE):
        first = sync(ws, wh, connections=["ga4"], streams=["traffic"], as_of=AS_OF,
                     start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 3))  # fmt: skip
    with use_cassette(META_TAPE):
        second = sync(ws, wh, connections=["meta"], streams=["ad_insights"], as_of=AS_OF,
                      start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 2))  # fmt: skip
    assert first.ok
    assert second.ok
    before = _state(wh)
    assert before["cursors"] == {
        ("ga4", "traffic"): (dt.date(2026, 10, 3), 7),
        ("meta", "ad_insights"): (dt.date(2026, 10, 2), 4),
    }
    runs_before = wh.runs().num_rows

    with responses.RequestsMock(assert_all_requests_are_fired=True) as api:
        # What each platform answers first, as recorded (GA4 metadata, Meta's account)...
        api.get(
            f"https://analyticsdata.googleapis.com/v1beta/properties/{GA4_PROPERTY}/metadata",
            json=_recorded(GA4_TAPE, 0),
        )
        api.get(f"https://graph.facebook.com/v26.0/{META_ACCOUNT}", json=_recorded(META_TAPE, 0))
        # ...then the report page: HTTP 200 with a body that is not a page.
        api.post(
            f"https://analyticsdata.googleapis.com/v1beta/properties/{GA4_PROPERTY}:runReport",
            body="{}",
            content_type="application/json",
        )
        api.get(
            f"https://graph.facebook.com/v26.0/{META_ACCOUNT}/insights",
            body="null",
            content_type="application/json",
        )
        result = sync(ws, wh, streams=["traffic", "ad_insights"], as_of=AS_OF,
                      start=dt.date(2026, 10, 3), end=dt.date(2026, 10, 6))  # fmt: skip

    assert not result.ok
    failed = {(r.unit.connection, r.unit.stream): r for r in result.failed}
    assert sorted(failed) == [("ga4", "traffic"), ("meta", "ad_insights")]
    ga4, meta = failed[("ga4", "traffic")], failed[("meta", "ad_insights")]
    assert isinstance(ga4.error, ResponseShapeError)
    assert (ga4.error.where, ga4.error.found) == ("kind", "no 'kind' key")
    assert isinstance(meta.error, ResponseShapeError)
    assert (meta.error.where, meta.error.found) == ("", "a JSON null")
    for unit in (ga4, meta):
        assert unit.cursor_after == unit.cursor_before
    assert (ga4.cursor_before, meta.cursor_before) == (dt.date(2026, 10, 3), dt.date(2026, 10, 2))

    assert _state(wh) == before  # cursors, row counts, rows: exactly as before

    runs = wh.runs().to_pylist()
    assert len(runs) == runs_before + 2
    new = sorted((r for r in runs if r["status"] == "failed"), key=lambda r: r["connection"])
    assert [(r["connection"], r["stream"]) for r in new] == [
        ("ga4", "traffic"),
        ("meta", "ad_insights"),
    ]
    assert all(r["error"].startswith("ResponseShapeError: ") for r in new)
    assert "found no 'kind' key" in new[0]["error"]
    assert "found a JSON null" in new[1]["error"]
    assert json.dumps([r["error"] for r in new]).count("test-token-not-real") == 0
