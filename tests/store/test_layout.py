"""The record tables' layout: columns no read filled are virtual, stored once a read fills one."""

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
from partnerkit_store_synth import layout, perf, stream

from partnerkit.records import arrow_schema
from partnerkit.store import Warehouse
from partnerkit.store.migrations import PROVENANCE_COLUMNS

PROVENANCE = list(PROVENANCE_COLUMNS)


@pytest.fixture
def wh(tmp_path: Path) -> Any:
    with Warehouse(tmp_path / "w.duckdb") as opened:
        yield opened


def test_columns_no_read_filled_are_virtual_and_read_as_typed_nulls(wh: Warehouse) -> None:
    wh.load(stream([perf(1, clicks=3, extra={"video_views": 7}), perf(2, spend=Decimal("2.5"))]))
    columns = layout(wh)
    names = [*arrow_schema("performance").names, "extra.video_views", *PROVENANCE]
    assert [c[0] for c in columns] == names
    stored = {name for name, _, virtual in columns if not virtual}
    # the filled schema columns, record_id, the extra and provenance are stored
    filled = {"date", "platform", "account_id", "campaign_id", "clicks", "spend", "record_id"}
    assert stored == filled | {"extra.video_views", *PROVENANCE}
    types = {name: t for name, t, _ in columns}
    assert types["reach"] == "BIGINT"
    assert types["revenue"] == "DECIMAL(38,6)"
    got = wh.sql("SELECT reach, revenue, ad_id, clicks FROM performance ORDER BY date").to_pylist()
    assert got == [
        {"reach": None, "revenue": None, "ad_id": None, "clicks": 3},
        {"reach": None, "revenue": None, "ad_id": None, "clicks": None},
    ]


def test_a_later_read_that_fills_a_virtual_column_stores_it_in_place(wh: Warehouse) -> None:
    wh.load(stream([perf(1, clicks=3), perf(2, clicks=4)]))
    before = layout(wh)
    wh.load(stream([perf(2, clicks=5, reach=40), perf(3, reach=50)]))
    after = layout(wh)
    # same columns, same order, same types: only reach became stored
    assert [(n, t) for n, t, _ in after] == [(n, t) for n, t, _ in before]
    changed = {n for (n, _, v1), (_, _, v2) in zip(before, after, strict=True) if v1 != v2}
    assert changed == {"reach"}
    got = wh.sql("SELECT date, clicks, reach FROM performance ORDER BY date").to_pylist()
    assert got == [
        {"date": dt.date(2026, 10, 1), "clicks": 3, "reach": None},
        {"date": dt.date(2026, 10, 2), "clicks": 5, "reach": 40},
        {"date": dt.date(2026, 10, 3), "clicks": None, "reach": 50},
    ]
    # the rebuilt table keeps its provenance and takes the next merge (a new ad: a new key)
    wh.load(stream([perf(1, clicks=9, ad_id="a1")]))
    totals = "SELECT count(*) AS n, sum(clicks)::BIGINT AS c, count(_synced_at) AS s"
    assert wh.sql(f"{totals} FROM performance").to_pylist() == [{"n": 4, "c": 3 + 5 + 9, "s": 4}]
    assert ("ad_id", "VARCHAR", False) in layout(wh)


def test_a_table_storing_every_column_is_kept_and_synced_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    with Warehouse(path):
        pass
    # a record table as earlier versions created it: every schema column stored
    con = duckdb.connect(str(path))
    con.register("schema", arrow_schema("performance").empty_table())
    con.execute('CREATE TABLE "performance" AS SELECT * FROM schema')
    for name, sql_type in PROVENANCE_COLUMNS.items():
        con.execute(f'ALTER TABLE "performance" ADD COLUMN "{name}" {sql_type}')
    con.close()
    with Warehouse(path) as wh:
        wh.load(stream([perf(1, clicks=3)]))
        wh.load(stream([perf(1, clicks=4, reach=8), perf(2, clicks=1)]))
        assert not any(virtual for _, _, virtual in layout(wh))
        got = wh.sql("SELECT date, clicks, reach FROM performance ORDER BY date").to_pylist()
    assert got == [
        {"date": dt.date(2026, 10, 1), "clicks": 4, "reach": 8},
        {"date": dt.date(2026, 10, 2), "clicks": 1, "reach": None},
    ]
