"""The Dask recipe on a small local cluster: one task per account, Parquet out, errors kept."""

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml
from fan_out import Task, fan_out, plan_tasks
from pydantic_settings import SettingsConfigDict

from partnerkit.connector import Connector, ConnectorSettings, ReadRequest, StreamSpec
from partnerkit.errors import PermissionDeniedError
from partnerkit.records import RecordKind
from partnerkit.registry import register_connector, unregister_connector

distributed = pytest.importorskip("dask.distributed")


class AgencySettings(ConnectorSettings):
    model_config = SettingsConfigDict(env_prefix="PARTNERKIT_AGENCY_ADS_")

    accounts: list[str] = []
    revoked: list[str] = []


class AgencyAds(Connector[AgencySettings]):
    """Two campaigns a day per account; clicks = day of month + campaign number."""

    name = "agency_ads"
    settings_class = AgencySettings
    streams = (StreamSpec(name="daily", kind=RecordKind.PERFORMANCE),)

    def read(self, request: ReadRequest) -> Iterator[Any]:
        assert request.start is not None
        assert request.end is not None
        for account in request.accounts:
            if account in self.settings.revoked:
                raise PermissionDeniedError("no access to the account", api="ads", account=account)
            for day in request.days():
                for campaign in (1, 2):
                    yield {
                        "date": day,
                        "platform": "ads",
                        "account_id": account,
                        "campaign_id": str(campaign),
                        "clicks": day.day + campaign,
                    }


@pytest.fixture(autouse=True)
def connector() -> Iterator[None]:
    register_connector(AgencyAds, replace=True)
    yield
    unregister_connector("agency_ads")


@pytest.fixture
def client(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    # an in-process cluster talks over inproc://, named after the host's address, which
    # distributed finds by "connecting" a UDP socket to 8.8.8.8: the network guard says no
    from distributed.comm import inproc

    monkeypatch.setattr(inproc.global_manager, "_ip", "127.0.0.1")
    cluster = distributed.LocalCluster(
        processes=False, n_workers=2, threads_per_worker=1, dashboard_address=None
    )
    with cluster, distributed.Client(cluster) as dask_client:
        yield dask_client


def workspace(tmp_path: Path, revoked: list[str]) -> Path:
    path = tmp_path / "partnerkit.yaml"
    data = {
        "version": 1,
        "name": "Agency portfolio",
        "currency": "EUR",
        "timezone": "Europe/Rome",
        "connections": [
            {
                "name": "ads",
                "connector": "agency_ads",
                "accounts": [f"client-{i}" for i in range(1, 6)],
                "settings": {"revoked": revoked},
            }
        ],
    }
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


START, END = dt.date(2026, 10, 1), dt.date(2026, 10, 10)


def test_each_account_is_a_task_writing_parquet(tmp_path: Path, client: Any) -> None:
    config = workspace(tmp_path, revoked=["client-4"])
    assert plan_tasks(config)[:2] == [
        Task("ads", "daily", "client-1"),
        Task("ads", "daily", "client-2"),
    ]
    out = tmp_path / "lake"
    results = fan_out(client, config, out, start=START, end=END)
    assert [r.task.account for r in results] == [f"client-{i}" for i in range(1, 6)]
    # 10 days x 2 campaigns per account; client-4's access was revoked
    assert [r.rows for r in results] == [20, 20, 20, 0, 20]
    failed = [r for r in results if not r.ok]
    assert [r.task.account for r in failed] == ["client-4"]
    assert failed[0].error is not None
    assert failed[0].error.startswith("PermissionDeniedError: no access to the account")
    assert sorted(p.name for p in (out / "performance").glob("*.parquet")) == [
        f"ads__daily__client-{i}-0.parquet" for i in (1, 2, 3, 5)
    ]
    con = duckdb.connect()
    got = con.execute(
        f"SELECT count(*), count(DISTINCT account_id), sum(clicks) "
        f"FROM read_parquet('{out}/performance/*.parquet', union_by_name = true)"
    ).fetchall()
    # per account: sum over days 1..10 of (day + 1) + (day + 2) = 2 * 55 + 30 = 140
    assert got == [(80, 4, 4 * 140)]

    # the account is fixed and everything runs again: files are replaced, not duplicated
    fixed = fan_out(client, workspace(tmp_path, revoked=[]), out, start=START, end=END)
    assert all(r.ok for r in fixed)
    again = con.execute(
        f"SELECT count(*), count(DISTINCT record_id) "
        f"FROM read_parquet('{out}/performance/*.parquet', union_by_name = true)"
    ).fetchall()
    assert again == [(100, 100)]
    con.close()
