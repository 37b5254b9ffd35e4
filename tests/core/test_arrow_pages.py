"""Arrow pages: a connector hands over a table; the stream checks it like record dicts."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pyarrow as pa
import pytest

from partnerkit.connector import Notice
from partnerkit.errors import DataError
from partnerkit.records import Additivity, arrow_schema, record_id
from partnerkit.stream import RecordStream


def page(**columns: pa.Array) -> pa.Table:
    return pa.table(columns)


def three_rows() -> pa.Table:
    """What a connector builds from an API page: numbers still strings, as APIs send them."""
    return page(
        date=pa.array(["2026-10-01", "2026-10-01", "2026-10-02"]),
        platform=pa.array(["meta"] * 3),
        account_id=pa.array(["act_1"] * 3),
        campaign_id=pa.array(["c1", None, "c1"]),
        impressions=pa.array(["1000", "20", None]),
        clicks=pa.array([25, 1, 0], pa.int32()),
        spend=pa.array(["123.45", "0.1234565", "0.1234575"]),
        leads=pa.array([1, None, 2], pa.int64()),
    )


def from_arrow(*items: object, name: str = "t") -> RecordStream:
    return RecordStream.from_records("performance", items, name=name)  # type: ignore[arg-type]


def test_a_table_page_gives_the_schema_types_and_values() -> None:
    table = from_arrow(three_rows()).to_arrow()

    assert (
        table.schema.names[: len(arrow_schema("performance"))] == arrow_schema("performance").names
    )
    assert table.column("date").to_pylist() == [
        dt.date(2026, 10, 1),
        dt.date(2026, 10, 1),
        dt.date(2026, 10, 2),
    ]
    assert table.column("impressions").type == pa.int64()
    assert table.column("impressions").to_pylist() == [1000, 20, None]
    assert table.column("clicks").to_pylist() == [25, 1, 0]
    # Seven decimals round half to even at six, as Decimal.quantize does on the dict path.
    assert table.column("spend").to_pylist() == [
        Decimal("123.45"),
        Decimal("0.123456"),
        Decimal("0.123458"),
    ]
    assert table.column("leads").type == pa.float64()
    assert table.column("leads").to_pylist() == [1.0, None, 2.0]
    assert table.column("ad_id").null_count == 3  # a column not given is null


def test_record_ids_equal_the_dict_path_and_records_record_id() -> None:
    arrow = from_arrow(three_rows()).to_arrow()
    dicts = RecordStream.from_records(
        "performance",
        [
            {"date": "2026-10-01", "platform": "meta", "account_id": "act_1", "campaign_id": "c1"},
            {"date": "2026-10-01", "platform": "meta", "account_id": "act_1"},
            {"date": "2026-10-02", "platform": "meta", "account_id": "act_1", "campaign_id": "c1"},
        ],
    ).to_arrow()

    assert arrow.column("record_id").to_pylist() == dicts.column("record_id").to_pylist()
    assert arrow.column("record_id")[1].as_py() == record_id(
        "performance",
        {"date": dt.date(2026, 10, 1), "platform": "meta", "account_id": "act_1"},
    )
    assert len(set(arrow.column("record_id").to_pylist())) == 3


def test_dicts_and_tables_keep_their_order_and_slice_to_the_batch_size() -> None:
    first = {"date": dt.date(2026, 9, 30), "platform": "meta", "account_id": "act_1"}
    last = {"date": dt.date(2026, 10, 3), "platform": "meta", "account_id": "act_1"}
    stream = from_arrow(first, three_rows(), pa.table({}).slice(0, 0), last)

    sizes = [t.num_rows for t in stream.iter_arrow(2)]

    assert sizes == [1, 2, 1, 1]
    assert stream.records_read == 5


def test_iterating_a_table_page_gives_record_dicts() -> None:
    extra = three_rows().append_column("extra.video_views", pa.array([40, None, 7]))

    records = list(from_arrow(extra))

    assert records[0]["date"] == dt.date(2026, 10, 1)
    assert records[0]["spend"] == Decimal("123.45")
    assert records[0]["extra"] == {"video_views": 40}
    assert records[1]["extra"] == {"video_views": None}
    assert len(records[2]["record_id"]) == 32


def test_extra_columns_get_their_documentation_as_field_metadata() -> None:
    notice = Notice.describe_extra(
        "video_views", "Video views.", additivity=Additivity.ADDITIVE, unit="count"
    )
    extra = three_rows().append_column("extra.video_views", pa.array([40, None, 7], pa.int32()))

    table = from_arrow(notice, extra).to_arrow()

    field = table.schema.field("extra.video_views")
    assert field.type == pa.int64()
    assert field.metadata[b"additivity"] == b"additive"
    assert table.column("extra.video_views").to_pylist() == [40, None, 7]


def test_a_record_batch_is_a_page_too() -> None:
    batch = pa.RecordBatch.from_pydict(
        {"date": [dt.date(2026, 10, 1)], "platform": ["ga4"], "account_id": ["123"]}
    )

    assert from_arrow(batch).to_arrow().column("platform").to_pylist() == ["ga4"]


def test_an_unknown_column_is_named() -> None:
    bad = three_rows().append_column("video_views", pa.array([1, 2, 3]))

    with pytest.raises(DataError, match="video_views") as info:
        from_arrow(bad, name="meta/ad_insights").to_arrow()
    assert info.value.column == "video_views"
    assert info.value.source == "meta/ad_insights"
    assert "extra.<name>" in str(info.value)


def test_a_missing_required_column_is_named() -> None:
    bad = three_rows().drop_columns(["account_id"])

    with pytest.raises(DataError, match="account_id") as info:
        from_arrow(bad).to_arrow()
    assert info.value.column == "account_id"


def test_a_null_in_a_required_column_names_the_row_counting_earlier_records() -> None:
    first = {"date": dt.date(2026, 9, 30), "platform": "meta", "account_id": "act_1"}
    bad = three_rows().set_column(2, "account_id", pa.array(["act_1", "act_1", None]))

    with pytest.raises(DataError) as info:
        from_arrow(first, bad).to_arrow()
    assert info.value.column == "account_id"
    assert info.value.row == 4  # one dict record, then the third row of the table


def test_a_value_that_is_not_a_number_names_row_column_and_value() -> None:
    bad = three_rows().set_column(4, "impressions", pa.array(["1000", "n/a", None]))

    with pytest.raises(DataError) as info:
        from_arrow(bad).to_arrow()
    assert (info.value.row, info.value.column, info.value.value) == (2, "impressions", "n/a")


def test_a_date_that_is_not_a_date_is_refused() -> None:
    bad = three_rows().set_column(0, "date", pa.array(["2026-10-01", "2026-10-01", "01/10/2026"]))

    with pytest.raises(DataError) as info:
        from_arrow(bad).to_arrow()
    assert (info.value.row, info.value.column, info.value.value) == (3, "date", "01/10/2026")


def test_a_number_for_a_text_column_is_refused() -> None:
    bad = three_rows().set_column(3, "campaign_id", pa.array([1, 2, 3]))

    with pytest.raises(DataError, match=r"campaign_id.*int64") as info:
        from_arrow(bad).to_arrow()
    assert info.value.column == "campaign_id"


def test_timestamps_need_a_time_zone() -> None:
    created = dt.datetime(2026, 10, 1, 9, 30)
    naive = pa.table(
        {
            "platform": ["hubspot"],
            "account_id": ["42"],
            "lead_id": ["101"],
            "created_at": pa.array([created], pa.timestamp("s")),
        }
    )
    aware = naive.set_column(
        3,
        "created_at",
        pa.array(
            [created.replace(tzinfo=ZoneInfo("Asia/Jerusalem"))],  # IDT, +03:00
            pa.timestamp("s", tz="Asia/Jerusalem"),
        ),
    )
    as_text = naive.set_column(3, "created_at", pa.array(["2026-10-01T09:30:00+03:00"]))

    with pytest.raises(DataError, match="time zone"):
        RecordStream.from_records("lead", [naive]).to_arrow()  # type: ignore[list-item]
    for given in (aware, as_text):
        table = RecordStream.from_records("lead", [given]).to_arrow()  # type: ignore[list-item]
        assert table.column("created_at").type == pa.timestamp("us", tz="UTC")
        assert table.column("created_at")[0].as_py() == dt.datetime(
            2026, 10, 1, 6, 30, tzinfo=dt.UTC
        )


def test_an_extra_column_of_an_unsupported_type_is_refused() -> None:
    bad = three_rows().append_column("extra.breakdown", pa.array([{"a": 1}, {"a": 2}, {"a": 3}]))

    with pytest.raises(DataError, match=r"extra\.breakdown") as info:
        from_arrow(bad).to_arrow()
    assert info.value.column == "extra.breakdown"
