import datetime as dt
from decimal import Decimal

import pytest

from partnerkit.errors import DataError
from partnerkit.records import (
    MONEY_SCALE,
    Additivity,
    RecordKind,
    Role,
    arrow_schema,
    columns,
    key_columns,
    record_id,
)
from partnerkit.stream import RecordStream


def test_every_column_is_documented_once() -> None:
    for kind in RecordKind:
        cols = columns(kind)
        names = [c.name for c in cols]
        assert len(names) == len(set(names))
        for c in cols:
            assert c.column.description.strip(), f"{kind}.{c.name} has no description"
            if c.column.role is Role.METRIC:
                assert c.column.additivity is not Additivity.NOT_APPLICABLE
            else:
                assert c.column.additivity is Additivity.NOT_APPLICABLE


def test_non_additive_metrics_are_marked() -> None:
    perf = {c.name: c.column for c in columns("performance")}
    assert perf["users"].additivity is Additivity.NON_ADDITIVE
    assert perf["reach"].additivity is Additivity.NON_ADDITIVE
    assert perf["sessions"].additivity is Additivity.ADDITIVE
    assert perf["spend"].unit == "money"


def test_key_columns_exclude_names() -> None:
    keys = key_columns("performance")
    assert "campaign_id" in keys
    assert "campaign_name" not in keys
    assert key_columns("lead") == ("platform", "account_id", "lead_id")


def test_record_id_is_deterministic_and_ignores_attributes() -> None:
    base = {
        "date": dt.date(2026, 10, 1),
        "platform": "meta",
        "account_id": "act_1",
        "campaign_id": "9",
    }
    renamed = {**base, "campaign_name": "new name", "spend": Decimal("3")}
    assert record_id("performance", base) == record_id("performance", renamed)
    assert record_id("performance", base) != record_id("performance", {**base, "campaign_id": "10"})
    # None and a missing key are the same; "" is not None
    assert record_id("performance", {**base, "ad_id": None}) == record_id("performance", base)
    assert record_id("performance", {**base, "ad_id": ""}) != record_id("performance", base)
    # stable across runs and key order: the documented hash of kind and key values
    import hashlib

    expected = hashlib.blake2b(b"lead\x1fhubspot\x1f1\x1f42", digest_size=16).hexdigest()
    assert (
        record_id("lead", {"lead_id": "42", "account_id": "1", "platform": "hubspot"}) == expected
    )


def test_record_id_differs_by_kind() -> None:
    rec = {"platform": "p", "account_id": "a", "lead_id": "1", "deal_id": "1"}
    assert record_id("lead", rec) != record_id("deal", rec)


def test_arrow_schema_types() -> None:
    import pyarrow as pa

    schema = arrow_schema("performance")
    assert schema.field("spend").type == pa.decimal128(38, MONEY_SCALE)
    assert schema.field("date").type == pa.date32()
    assert schema.field("clicks").type == pa.int64()
    assert schema.field("conversions").type == pa.float64()
    assert not schema.field("date").nullable
    assert schema.field("campaign_id").nullable
    assert schema.field("users").metadata[b"additivity"] == b"non_additive"
    lead = arrow_schema("lead")
    assert lead.field("created_at").type == pa.timestamp("us", tz="UTC")
    assert lead.field("merged_ids").type == pa.list_(pa.string())
    assert "extra" not in schema.names


def test_naive_timestamp_is_rejected() -> None:
    stream = RecordStream.from_records(
        "lead",
        [
            {
                "platform": "h",
                "account_id": "1",
                "lead_id": "1",
                "created_at": dt.datetime(2026, 1, 1),
            }
        ],
    )
    with pytest.raises(DataError) as info:
        stream.to_dicts()
    assert info.value.column == "created_at"
    assert info.value.row == 1
