"""The search_performance kind (Search Console) in the schema, the warehouse and the Dataset."""

import datetime as dt
from pathlib import Path
from typing import Any

from partnerkit.analysis import Dataset
from partnerkit.records import Additivity, RecordKind, Role, arrow_schema, columns, key_columns
from partnerkit.store import Warehouse
from partnerkit.stream import RecordStream


def row(day: int, query: str | None, clicks: int, impressions: int, position: float) -> Any:
    return {
        "date": dt.date(2026, 10, day),
        "platform": "search_console",
        "account_id": "sc-domain:example.com",
        "level": "query" if query else "property",
        "search_type": "web",
        "query": query,
        "page": "https://www.example.com/crm" if query else None,
        "country": "usa" if query else None,
        "device": "DESKTOP" if query else None,
        "final": True,
        "clicks": clicks,
        "impressions": impressions,
        "ctr": clicks / impressions,
        "position": position,
    }


def stream(rows: list[Any]) -> RecordStream:
    return RecordStream.from_records("search_performance", rows, name="search_performance")


def test_the_schema_declares_what_adds_up() -> None:
    info = {c.name: c.column for c in columns(RecordKind.SEARCH_PERFORMANCE)}
    assert info["clicks"].additivity is Additivity.ADDITIVE
    assert info["impressions"].additivity is Additivity.ADDITIVE
    assert info["ctr"].additivity is Additivity.NON_ADDITIVE
    assert info["position"].additivity is Additivity.NON_ADDITIVE
    assert "recomputes it from the summed clicks and impressions" in info["ctr"].description
    assert "weights each row's position by its impressions" in info["position"].description
    assert info["final"].role is Role.ATTRIBUTE
    assert key_columns(RecordKind.SEARCH_PERFORMANCE) == (
        "date",
        "platform",
        "account_id",
        "level",
        "search_type",
        "query",
        "page",
        "country",
        "device",
    )
    schema = arrow_schema("search_performance")
    assert str(schema.field("clicks").type) == "int64"
    assert str(schema.field("position").type) == "double"


def test_the_warehouse_keeps_a_table_and_a_restated_day_replaces_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    with Warehouse(path) as wh:
        wh.load(stream([row(1, "crm for agencies", 20, 400, 3.2), row(1, None, 50, 2000, 8.5)]))
        wh.load(stream([row(1, "crm for agencies", 21, 410, 3.1)]))  # the day restated
        assert wh.tables() == [RecordKind.SEARCH_PERFORMANCE]
        table = wh.table("search_performance").sort_by("level").to_pylist()
    assert [(r["level"], r["clicks"], r["impressions"]) for r in table] == [
        ("property", 50, 2000),
        ("query", 21, 410),
    ]
    data = Dataset.from_duckdb(path)
    try:
        got = data.sql("SELECT sum(clicks) AS c FROM search_performance WHERE level = 'query'")[
            "c"
        ][0].as_py()
        assert got == 21
        assert data.sql("SELECT count(*) AS n FROM performance")["n"][0].as_py() == 0
    finally:
        data.close()
