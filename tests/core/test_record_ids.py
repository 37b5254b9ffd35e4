"""Record ids of Arrow pages equal :func:`partnerkit.records.record_id`, row by row.

The columnar path (``_columnar.conform``) builds the key text column-wise and hashes it
in bulk; ``records.record_id`` is the definition. These tests compare the two on the
demo's records of every kind and on generated rows: nulls, unicode (the separators
themselves, NUL, astral characters), dates from year 1 to 9999, decimals and extras
beside the keys, pages longer than one hashing round.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partnerkit._columnar import conform
from partnerkit.records import RecordKind, arrow_schema, columns, key_columns, record_id


def _page(kind: RecordKind, rows: list[dict[str, Any]]) -> pa.Table:
    """The rows as an Arrow page: every column any row has, in the schema's types."""
    schema = arrow_schema(kind)
    names = [f.name for f in schema if f.name != "record_id" and any(f.name in r for r in rows)]
    return pa.table(
        {name: pa.array([r.get(name) for r in rows], schema.field(name).type) for name in names}
    )


def _ids(kind: RecordKind, rows: list[dict[str, Any]]) -> list[str]:
    return list(conform(kind, _page(kind, rows), "test", 0).column("record_id").to_pylist())


def test_a_known_id_is_unchanged() -> None:
    # The kind and the eleven performance keys (eight of them null, "\x00"), joined by
    # "\x1f": blake2b of that text, 16 bytes, worked out once with hashlib alone.
    key = "\x1f".join(["performance", "2026-10-01", "meta", "act_1"] + ["\x00"] * 8)
    assert hashlib.blake2b(key.encode(), digest_size=16).hexdigest() == (
        "8beb4bd2204ada76120736ea1ba0f6ec"
    )
    row = {"date": dt.date(2026, 10, 1), "platform": "meta", "account_id": "act_1"}

    assert record_id("performance", row) == "8beb4bd2204ada76120736ea1ba0f6ec"
    assert _ids(RecordKind.PERFORMANCE, [row]) == ["8beb4bd2204ada76120736ea1ba0f6ec"]


@pytest.fixture(scope="module")
def demo_records() -> dict[str, list[dict[str, Any]]]:
    from partnerkit.demo import load_demo

    return load_demo().records


@pytest.mark.parametrize("kind", list(RecordKind))
def test_the_demo_records_keep_their_ids(
    kind: RecordKind, demo_records: dict[str, list[dict[str, Any]]]
) -> None:
    rows = demo_records.get(kind.value, [])
    if not rows:
        pytest.skip(f"the demo has no {kind.value} records")
    keyed = [{k: r.get(k) for k in (*key_columns(kind), *_required(kind))} for r in rows]

    got = _ids(kind, keyed)

    assert got == [r["record_id"] for r in rows]
    assert got == [record_id(kind, r) for r in rows]


def _required(kind: RecordKind) -> tuple[str, ...]:
    return tuple(c.name for c in columns(kind) if c.required and c.name != "record_id")


_TEXT = st.one_of(
    st.none(),
    st.text(max_size=12),  # any unicode, astral planes and NUL included
    st.sampled_from(["", "\x00", "\x1f", "a\x1fb", "é", "日本", "🙂", "act_1", " "]),
)
_DATE = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))
_MONEY = st.one_of(st.none(), st.decimals(min_value=-(10**9), max_value=10**9, places=6))


def _rows(kind: RecordKind) -> st.SearchStrategy[list[dict[str, Any]]]:
    schema = arrow_schema(kind)
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for c in columns(kind):
        if c.name not in schema.names:  # the extras mapping
            continue
        type_ = schema.field(c.name).type
        if c.name in key_columns(kind):
            if pa.types.is_date(type_):
                fields[c.name] = _DATE if c.required else st.one_of(st.none(), _DATE)
            else:
                fields[c.name] = st.text(min_size=1, max_size=12) if c.required else _TEXT
        elif c.required and c.name != "record_id":  # not hashed, but every page needs it
            if pa.types.is_date(type_):  # e.g. an email send's day
                fields[c.name] = st.just(dt.date(2026, 1, 1))
            elif pa.types.is_decimal(type_):  # e.g. a time entry's hours
                fields[c.name] = st.just(Decimal("1.5"))
            elif pa.types.is_string(type_):  # e.g. a meeting item's type
                fields[c.name] = st.just("action")
            else:
                assert pa.types.is_timestamp(type_), c.name
                fields[c.name] = st.just(dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    if kind is RecordKind.PERFORMANCE:
        fields["spend"] = _MONEY
    return st.lists(st.fixed_dictionaries(fields), min_size=1, max_size=40)


@pytest.mark.parametrize("kind", list(RecordKind))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_generated_rows_get_the_ids_of_records_record_id(
    kind: RecordKind, data: st.DataObject
) -> None:
    rows = data.draw(_rows(kind))

    assert _ids(kind, rows) == [record_id(kind, r) for r in rows]


def test_a_page_longer_than_a_hashing_round_and_a_chunk() -> None:
    # More rows than one round of hashers (1,024) and one array of ids (65,536), with a
    # key column null in every row, one filled in some and a decimal beside them.
    n = 70_000
    start = dt.date(2020, 1, 1)
    rows = [
        {
            "date": start + dt.timedelta(days=i % 3000),
            "platform": "meta",
            "account_id": f"act_{i // 3000}",
            "campaign_id": None if i % 5 == 0 else f"c{i}",
            "spend": Decimal(i) / 100,
        }
        for i in range(n)
    ]

    table = conform(RecordKind.PERFORMANCE, _page(RecordKind.PERFORMANCE, rows), "test", 0)
    got = table.column("record_id").to_pylist()

    assert len(got) == n
    assert got[::997] == [record_id("performance", r) for r in rows[::997]]
    assert got[-1] == record_id("performance", rows[-1])
    assert len(set(got)) == n
