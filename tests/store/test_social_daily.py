"""The social_daily kind in the schema, the warehouse and the Dataset."""

import datetime as dt
from pathlib import Path
from typing import Any

from partnerkit.analysis import Dataset
from partnerkit.records import Additivity, RecordKind, Role, arrow_schema, columns, key_columns
from partnerkit.store import Warehouse
from partnerkit.stream import RecordStream


def day(date: dt.date, reach: int, followers: int) -> Any:
    return {
        "date": date,
        "platform": "facebook_page",
        "account_id": "104857600123",
        "account_name": "Cafe Lumen",
        "timezone": "America/Los_Angeles",
        "impressions": reach * 2,
        "reach": reach,
        "engagements": 30,
        "followers": followers,
        "new_followers": 4,
        "unfollows": 1,
    }


def test_reach_and_followers_are_not_additive_the_flows_are() -> None:
    info = {c.name: c.column for c in columns(RecordKind.SOCIAL_DAILY)}
    metrics = {c.name for c in columns(RecordKind.SOCIAL_DAILY) if c.column.role is Role.METRIC}
    assert metrics == {
        "impressions",
        "reach",
        "engagements",
        "engaged_users",
        "followers",
        "new_followers",
        "unfollows",
        "posts",
    }
    additive = {name for name in metrics if info[name].additivity is Additivity.ADDITIVE}
    assert additive == {"impressions", "engagements", "new_followers", "unfollows", "posts"}
    # each metric names the API metric it comes from
    assert "'page_total_media_view_unique'" in info["reach"].description
    assert "'page_follows'" in info["followers"].description
    assert "stock" in info["followers"].description
    assert key_columns(RecordKind.SOCIAL_DAILY) == ("date", "platform", "account_id")
    assert str(arrow_schema("social_daily").field("followers").type) == "int64"


def test_a_reread_day_replaces_its_row_in_the_warehouse(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    stream = RecordStream.from_records
    first, second = dt.date(2026, 10, 1), dt.date(2026, 10, 2)
    with Warehouse(path) as wh:
        wh.load(stream("social_daily", [day(first, 500, 1200), day(second, 400, 1203)], name="s"))
        wh.load(stream("social_daily", [day(second, 420, 1203)], name="s"))  # restated
        assert wh.tables() == [RecordKind.SOCIAL_DAILY]
    data = Dataset.from_duckdb(path)
    try:
        got = data.sql(
            "SELECT count(*) AS n, sum(impressions) AS i, max(followers) AS f FROM social_daily"
        ).to_pylist()
        assert got == [{"n": 2, "i": 1000 + 840, "f": 1203}]
    finally:
        data.close()
