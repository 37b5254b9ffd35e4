import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from partnerkit.analysis import Dataset
from partnerkit.errors import ConfigurationError

PERF = [
    {
        "date": dt.date(2026, 10, 1),
        "platform": "meta",
        "account_id": "a",
        "spend": Decimal("10.50"),
    },
    {"date": dt.date(2026, 10, 2), "platform": "meta", "account_id": "a", "spend": Decimal("4.25")},
]


def test_views_are_queryable_even_when_empty() -> None:
    data = Dataset.from_records({"performance": PERF})
    spend = data.sql("select sum(spend) as s from performance").column("s")[0].as_py()
    assert spend == Decimal("14.75")
    assert data.sql("select count(*) as n from lead").column("n")[0].as_py() == 0
    assert "performance=2" in repr(data)


def test_from_duckdb_reads_the_warehouse_tables(tmp_path: Path) -> None:
    import duckdb

    path = tmp_path / "w.duckdb"
    con = duckdb.connect(str(path))
    con.register("t", Dataset.from_records({"performance": PERF}).tables["performance"])
    con.execute("create table performance as select * from t")
    con.close()
    data = Dataset.from_duckdb(path)
    assert data.tables["performance"].num_rows == 2
    with pytest.raises(ConfigurationError):
        Dataset.from_duckdb(tmp_path / "missing.duckdb")
