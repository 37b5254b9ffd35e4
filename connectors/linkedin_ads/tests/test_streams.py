"""The ``streams`` setting: a connection can leave ``leads`` out, and then needs no salt.

The reads replay the recorded contract cassettes. ``campaign_performance.yaml`` holds 5
campaign days (1001 and 1002 on 10-01, 1001 on 10-02, 1001 and 1002 on 10-03),
``campaigns.yaml`` 2 campaigns over two pages, ``campaign_groups.yaml`` 1 group (601):
counted in the files, not by partnerkit.
"""

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml
from partnerkit_linkedin_ads import LinkedInAdsConnector, LinkedInAdsSettings

from partnerkit.connector import ReadRequest
from partnerkit.errors import ConfigurationError
from partnerkit.model import Workspace
from partnerkit.store import sync
from partnerkit.testing import use_cassette

CASSETTES = Path(__file__).parent / "cassettes" / "contract"
ACCOUNT = "508000001"
TOKEN = "test-access-token-not-real"
AD_STREAMS = ["campaign_performance", "campaigns", "campaign_groups"]
OCT_1_3 = {"start": dt.date(2026, 10, 1), "end": dt.date(2026, 10, 3)}


def test_every_stream_is_read_by_default() -> None:
    with LinkedInAdsConnector({"account_id": ACCOUNT, "hash_salt": "s-not-real"}) as connector:
        assert [s.name for s in connector.enabled_streams()] == [*AD_STREAMS, "leads"]


def test_leaving_leads_out_needs_no_salt() -> None:
    with LinkedInAdsConnector({"account_id": ACCOUNT, "streams": AD_STREAMS}) as connector:
        assert [s.name for s in connector.enabled_streams()] == AD_STREAMS


def test_the_streams_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARTNERKIT_LINKEDIN_ADS_ACCOUNT_ID", ACCOUNT)
    monkeypatch.setenv("PARTNERKIT_LINKEDIN_ADS_STREAMS", '["campaign_performance", "campaigns"]')
    assert LinkedInAdsSettings().streams == ["campaign_performance", "campaigns"]


@pytest.mark.parametrize("streams", [[], ["ads"], ["leads", "ad_insights"]])
def test_a_stream_it_does_not_offer_is_named(streams: list[str]) -> None:
    with pytest.raises(ConfigurationError, match="streams"):
        LinkedInAdsConnector({"account_id": ACCOUNT, "streams": streams})


def test_a_stream_named_twice_is_read_once() -> None:
    settings = LinkedInAdsSettings(account_id=ACCOUNT, streams=["campaigns", "campaigns"])
    assert settings.streams == ["campaigns"]


def test_reading_without_leads_and_without_a_salt_yields_no_lead(read: Any) -> None:
    counts = {}
    for stream in AD_STREAMS:
        records, notices, tape = read(stream, hash_salt=None, streams=AD_STREAMS)
        assert notices == []
        assert tape.unused() == []
        assert not any("lead_id" in r for r in records)
        counts[stream] = len(records)
    assert counts == {"campaign_performance": 5, "campaigns": 2, "campaign_groups": 1}


def refused_before_any_request(settings: dict[str, Any], stream: str) -> str:
    """The ``ConfigurationError`` a read of ``stream`` raises, checked to request nothing."""
    with (
        use_cassette(CASSETTES / f"{stream}.yaml", allow_unused=True, record=False) as tape,
        LinkedInAdsConnector(settings) as connector,
        pytest.raises(ConfigurationError) as raised,
    ):
        list(connector.stream(ReadRequest(stream=stream, **OCT_1_3)))
    assert tape.play_counts == [0, 0]
    return str(raised.value)


def test_leads_without_a_salt_fail_before_any_request() -> None:
    settings = {"account_id": ACCOUNT, "access_token": TOKEN}  # every stream, no salt
    message = refused_before_any_request(settings, "leads")
    assert "hash_salt" in message
    assert "PARTNERKIT_LINKEDIN_ADS_HASH_SALT" in message
    assert "streams: [campaign_performance, campaigns, campaign_groups]" in message


def test_a_stream_left_out_is_refused_before_any_request() -> None:
    settings = {"account_id": ACCOUNT, "access_token": TOKEN, "streams": ["campaigns"]}
    assert refused_before_any_request(settings, "campaign_groups") == (
        "Stream 'campaign_groups' is not enabled for this connection; its streams setting "
        "names campaigns: add campaign_groups to it to read it."
    )


# ------------------------------------------------------------------ a workspace's sync


def _workspace(root: Path, **settings: Any) -> Workspace:
    """A workspace whose LinkedIn connection replays the three ad streams' cassettes."""
    interactions: list[Any] = []
    for stream in AD_STREAMS:
        interactions += yaml.safe_load((CASSETTES / f"{stream}.yaml").read_text())["interactions"]
    recording = root / "linkedin.yaml"
    recording.write_text(yaml.safe_dump({"version": 1, "interactions": interactions}))
    data = {
        "name": "LinkedIn only",
        "currency": "EUR",
        "timezone": "UTC",
        "connections": [
            {
                "name": "linkedin",
                "connector": "linkedin_ads",
                "replay": recording.name,
                "secrets": {"access_token": "TEST_LINKEDIN_TOKEN"},
                "settings": {"account_id": ACCOUNT, **settings},
            }
        ],
    }
    return Workspace.model_validate(data, context={"root": root})


def _count(warehouse: Path, table: str) -> int:
    con = duckdb.connect(str(warehouse))
    try:
        tables = {t for (t,) in con.execute("select table_name from duckdb_tables()").fetchall()}
        if table not in tables:
            return 0
        (count,) = con.execute(f"select count(*) from {table}").fetchone() or (0,)
        return int(count)
    finally:
        con.close()


def test_a_sync_without_leads_needs_no_salt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEST_LINKEDIN_TOKEN", TOKEN)
    warehouse = tmp_path / "w.duckdb"

    result = sync(
        _workspace(tmp_path, streams=AD_STREAMS),
        warehouse,
        start=dt.date(2026, 10, 1),
        end=dt.date(2026, 10, 3),
        as_of=dt.date(2026, 10, 31),
        workers=1,
    )

    assert [(r.unit.stream, r.ok, r.rows) for r in result.results] == [
        ("campaign_performance", True, 5),
        ("campaigns", True, 2),
        ("campaign_groups", True, 1),
    ]
    assert _count(warehouse, "performance") == 5
    assert _count(warehouse, "campaign") == 3  # two campaigns and one group
    assert _count(warehouse, "lead") == 0


def test_a_sync_of_every_stream_without_a_salt_fails_only_leads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEST_LINKEDIN_TOKEN", TOKEN)

    result = sync(
        _workspace(tmp_path),
        tmp_path / "w.duckdb",
        start=dt.date(2026, 10, 1),
        end=dt.date(2026, 10, 3),
        as_of=dt.date(2026, 10, 31),
        workers=1,
    )

    assert [(r.unit.stream, r.ok) for r in result.results] == [
        ("campaign_performance", True),
        ("campaigns", True),
        ("campaign_groups", True),
        ("leads", False),
    ]
    # not the replay's "no answer to this request": refused before asking
    error = result.results[-1].error
    assert isinstance(error, ConfigurationError)
    assert "hash_salt" in str(error)
