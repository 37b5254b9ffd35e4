import datetime as dt
import tracemalloc
from decimal import Decimal
from itertools import islice

import pytest

from partnerkit.connector import Notice
from partnerkit.errors import DataError, StreamConsumedError
from partnerkit.stream import RecordStream

ROWS = [
    {
        "date": dt.date(2026, 10, 1),
        "platform": "meta",
        "account_id": "act_1",
        "currency": "ILS",
        "impressions": 1000,
        "clicks": 25,
        "spend": Decimal("123.45"),
        "conversions": 1.5,
        "extra": {"video_views": 40},
    },
    {
        "date": "2026-10-02",
        "platform": "meta",
        "account_id": "act_1",
        "currency": "ILS",
        "impressions": "2000",
        "clicks": None,
        "spend": "0.10",
    },
]


def stream(rows=ROWS, **kw):
    return RecordStream.from_records("performance", [dict(r) for r in rows], name="t", **kw)


def test_iteration_validates_and_fills_record_id() -> None:
    recs = list(stream())
    assert recs[1]["date"] == dt.date(2026, 10, 2)
    assert recs[1]["impressions"] == 2000
    assert recs[1]["spend"] == Decimal("0.10")
    assert all(len(r["record_id"]) == 32 for r in recs)


def test_to_arrow_keeps_exact_types() -> None:
    import pyarrow as pa

    table = stream().to_arrow()
    assert table.schema.field("spend").type == pa.decimal128(38, 6)
    assert table.column("spend").to_pylist() == [Decimal("123.450000"), Decimal("0.100000")]
    assert table.column("clicks").to_pylist() == [25, None]
    assert table.column("extra.video_views").to_pylist() == [40, None]
    assert table.column("date").type == pa.date32()


def test_empty_stream_to_arrow_has_schema() -> None:
    table = stream([]).to_arrow()
    assert table.num_rows == 0
    assert "spend" in table.schema.names


def test_to_pandas_dtypes() -> None:
    import pandas as pd

    df = stream().to_pandas()
    assert str(df["clicks"].dtype) == "Int64"
    assert df["clicks"].isna().tolist() == [False, True]
    assert str(df["conversions"].dtype) == "Float64"
    assert df["spend"].dtype == pd.Float64Dtype()  # money in pandas: see test_frames.py
    assert df["spend"].tolist() == [123.45, 0.1]
    assert str(df["date"].dtype) == "date32[day][pyarrow]"


def test_to_pandas_timestamps_are_utc() -> None:
    df = RecordStream.from_records(
        "lead",
        [
            {
                "platform": "hubspot",
                "account_id": "1",
                "lead_id": "7",
                "created_at": "2026-10-31T23:30:00+02:00",
                "merged_ids": ["3", "4"],
            }
        ],
    ).to_pandas()
    assert str(df["created_at"].dtype) == "datetime64[us, UTC]"
    assert df["created_at"][0].isoformat() == "2026-10-31T21:30:00+00:00"
    assert df["merged_ids"][0] == ["3", "4"]


def test_to_polars_dtypes() -> None:
    import polars as pl

    df = stream().to_polars()
    assert df.schema["spend"] == pl.Decimal(38, 6)
    assert df.schema["date"] == pl.Date
    assert df.schema["clicks"] == pl.Int64
    assert df["spend"].sum() == Decimal("123.55")


def test_notices_are_kept_apart() -> None:
    notice = Notice("warning", "sampled", "data is sampled", {"rate": 0.5})
    s = RecordStream.from_records("performance", [ROWS[0], notice], name="t")
    assert len(s.to_dicts()) == 1
    assert s.notices == [notice]


def test_stream_is_one_shot() -> None:
    s = stream()
    s.to_dicts()
    with pytest.raises(StreamConsumedError):
        s.to_arrow()


def test_bad_record_names_row_and_column() -> None:
    rows = [ROWS[0], {**ROWS[1], "clicks": "many"}]
    with pytest.raises(DataError) as info:
        stream(rows).to_dicts()
    assert (info.value.row, info.value.column, info.value.value) == (2, "clicks", "many")
    assert info.value.source == "t"


def test_unknown_column_is_refused_not_dropped() -> None:
    with pytest.raises(DataError) as info:
        stream([{**ROWS[0], "cost": 5}]).to_dicts()
    assert info.value.column == "cost"


def test_row_numbers_count_across_pages() -> None:
    rows = [ROWS[0]] * 5 + [{**ROWS[0], "impressions": "x"}]
    with pytest.raises(DataError) as info:
        stream(rows, page_size=2).to_dicts()
    assert info.value.row == 6


def test_concat_and_kind_check() -> None:
    a, b = stream(), stream([ROWS[0]])
    both = a + b
    assert both.to_arrow().num_rows == 3
    with pytest.raises(ValueError, match="different kinds"):
        RecordStream.concat([stream(), RecordStream.from_records("lead", [])])


def test_batches_sizes() -> None:
    sizes = [len(b) for b in stream([ROWS[0]] * 7, page_size=3).batches(2)]
    assert sizes == [2, 2, 2, 1]


def test_money_beyond_scale_is_quantized() -> None:
    table = stream([{**ROWS[0], "spend": Decimal("1.23456789")}]).to_arrow()
    assert table.column("spend").to_pylist() == [Decimal("1.234568")]


def _endless(n: int):
    for i in range(n):
        yield {
            "date": dt.date(2026, 1, 1) + dt.timedelta(days=i % 365),
            "platform": "p",
            "account_id": str(i),
            "clicks": i,
            "spend": Decimal(i) / 100,
        }


def test_memory_is_flat_in_batches() -> None:
    """Peak traced memory for 50k rows stays near that of 5k rows (pages, not the whole)."""

    def peak(n: int) -> int:
        tracemalloc.start()
        s = RecordStream.from_records("performance", _endless(n), page_size=1_000)
        for table in s.iter_arrow(1_000):
            assert table.num_rows <= 1_000
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return top

    small, large = peak(5_000), peak(50_000)
    assert large < small * 1.5, (small, large)


def test_laziness() -> None:
    pulled = []

    def gen():
        for r in _endless(10):
            pulled.append(r)
            yield r

    s = RecordStream.from_records("performance", gen(), page_size=4)
    assert pulled == []
    first = list(islice(iter(s), 1))
    assert len(first) == 1
    assert len(pulled) == 4


def test_extras_keep_one_type_across_pages() -> None:
    import pyarrow as pa

    rows = [
        {**ROWS[0], "extra": {"views": 3, "fee": Decimal("1.5")}},
        {**ROWS[0], "extra": {"views": 2.5, "fee": Decimal("0.25")}},
    ]
    table = stream(rows, page_size=1).to_arrow()
    assert table.column("extra.views").type == pa.float64()
    assert table.column("extra.views").to_pylist() == [3.0, 2.5]
    assert table.column("extra.fee").type == pa.decimal128(38, 6)
    assert table.column("extra.fee").to_pylist() == [Decimal("1.5"), Decimal("0.25")]


def test_extras_mixing_text_and_numbers_are_a_data_error() -> None:
    rows = [{**ROWS[0], "extra": {"note": 1}}, {**ROWS[0], "extra": {"note": "one"}}]
    with pytest.raises(DataError) as info:
        stream(rows).to_arrow()
    assert info.value.column == "extra.note"
    assert "int, str" in str(info.value)


def test_described_extras_carry_their_additivity_into_arrow() -> None:
    from partnerkit.records import Additivity

    note = Notice.describe_extra(
        "active_users", "Distinct active users", additivity=Additivity.NON_ADDITIVE
    )
    rows = [note, {**ROWS[0], "extra": {"active_users": 7, "video_views": 3}}]
    s = RecordStream.from_records("performance", rows, name="t")
    table = s.to_arrow()
    field = table.schema.field("extra.active_users")
    assert field.metadata[b"additivity"] == b"non_additive"
    assert field.metadata[b"description"] == b"Distinct active users"
    assert s.extra_columns["extra.active_users"]["additivity"] == "non_additive"
    assert table.schema.field("extra.video_views").metadata is None


def test_date_and_timestamp_extras_keep_their_types() -> None:
    import pyarrow as pa

    when = dt.datetime(2026, 10, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=3)))
    rows = [{**ROWS[0], "extra": {"quoted_on": dt.date(2026, 9, 30), "signed_at": when}}]
    table = stream(rows).to_arrow()
    assert table.schema.field("extra.quoted_on").type == pa.date32()
    assert table.schema.field("extra.signed_at").type == pa.timestamp("us", tz="UTC")
    assert table.column("extra.signed_at")[0].as_py().isoformat() == "2026-10-01T06:30:00+00:00"


def test_describe_extra_needs_additivity_for_metrics_only() -> None:
    from partnerkit.records import Additivity, Role

    with pytest.raises(ValueError, match="needs its additivity"):
        Notice.describe_extra("views", "Views")
    with pytest.raises(ValueError, match="needs its additivity"):
        Notice.describe_extra(
            "device", "Device", role=Role.ATTRIBUTE, additivity=Additivity.ADDITIVE
        )
    note = Notice.describe_extra("device", "Device category", role=Role.ATTRIBUTE, unit="text")
    assert note.details["role"] == "attribute"
    assert note.details["additivity"] == "n/a"
