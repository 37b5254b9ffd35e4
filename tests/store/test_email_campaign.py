"""The email_campaign kind in the schema, the warehouse and the Dataset."""

import datetime as dt
from pathlib import Path
from typing import Any

from partnerkit.analysis import Dataset
from partnerkit.email import COUNTS
from partnerkit.records import Additivity, RecordKind, Role, arrow_schema, columns, key_columns
from partnerkit.store import Warehouse
from partnerkit.stream import RecordStream


def send(email_id: str, delivered: int, unique_clicks: int) -> Any:
    return {
        "date": dt.date(2026, 10, 6),
        "platform": "mailchimp",
        "account_id": "us19-account",
        "email_id": email_id,
        "name": "October newsletter",
        "subject": "What is new in October",
        "sent_at": dt.datetime(2026, 10, 6, 14, 0, tzinfo=dt.UTC),
        "timezone": "UTC",
        "sent": delivered + 10,
        "delivered": delivered,
        "bounces": 10,
        "unique_opens": delivered // 2,
        "unique_clicks": unique_clicks,
    }


def test_counts_add_up_and_no_rate_is_a_column() -> None:
    info = {c.name: c.column for c in columns(RecordKind.EMAIL_CAMPAIGN)}
    metrics = {c.name for c in columns(RecordKind.EMAIL_CAMPAIGN) if c.column.role is Role.METRIC}
    assert metrics == set(COUNTS)  # every metric is a count partnerkit.email rolls up
    for name in COUNTS:
        assert info[name].additivity is Additivity.ADDITIVE, name
        assert info[name].unit == "count"
    assert not [name for name in info if "rate" in name]
    assert "Apple Mail Privacy Protection" in info["opens"].description
    assert "Apple Mail Privacy Protection" in info["unique_opens"].description
    assert info["date"].role is Role.ATTRIBUTE  # a send is one row, whatever day it is put on
    assert key_columns(RecordKind.EMAIL_CAMPAIGN) == ("platform", "account_id", "email_id")
    schema = arrow_schema("email_campaign")
    assert str(schema.field("unique_clicks").type) == "int64"
    assert str(schema.field("sent_at").type) == "timestamp[us, tz=UTC]"


def test_a_reread_send_replaces_its_row_in_the_warehouse(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    stream = RecordStream.from_records
    with Warehouse(path) as wh:
        wh.load(stream("email_campaign", [send("a1", 990, 40), send("b2", 490, 9)], name="e"))
        wh.load(stream("email_campaign", [send("a1", 990, 52)], name="e"))  # late clicks
        assert wh.tables() == [RecordKind.EMAIL_CAMPAIGN]
    data = Dataset.from_duckdb(path)
    try:
        got = data.sql(
            "SELECT count(*) AS n, sum(unique_clicks) AS c, sum(delivered) AS d FROM email_campaign"
        ).to_pylist()
        assert got == [{"n": 2, "c": 52 + 9, "d": 990 + 490}]
    finally:
        data.close()
