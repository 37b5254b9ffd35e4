"""A result's Arrow table derived from its dataclass (``analysis._tables.fields_table``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

import pyarrow as pa

from partnerkit.analysis._tables import field_row, fields_table


class _Status(StrEnum):
    ON = "on_track"


@dataclass(frozen=True)
class _Row:
    name: str
    count: int
    share: Decimal | None
    day: dt.date
    done: bool
    status: _Status | None
    note: str | None = None


def test_the_columns_types_come_from_the_fields_annotations() -> None:
    table = fields_table(_Row, [], "name count share day done status")
    assert table.num_rows == 0
    assert table.schema == pa.schema(
        [
            ("name", pa.string()),
            ("count", pa.int64()),
            ("share", pa.decimal128(38, 6)),
            ("day", pa.date32()),
            ("done", pa.bool_()),
            ("status", pa.string()),
        ]
    )


def test_a_row_keeps_numbers_and_days_and_gives_other_values_as_text() -> None:
    row = _Row("a", 3, Decimal("2.5"), dt.date(2026, 10, 31), True, _Status.ON)
    assert field_row(row, "share status note count") == {
        "share": Decimal("2.500000"),
        "status": "on_track",
        "note": None,
        "count": 3,
    }
    table = fields_table(_Row, [row], "name share day")
    assert table.to_pylist() == [
        {"name": "a", "share": Decimal("2.500000"), "day": dt.date(2026, 10, 31)}
    ]


def test_without_columns_the_table_has_every_field_in_declared_order() -> None:
    row = _Row("a", 3, None, dt.date(2026, 10, 31), False, None, "kept")
    table = fields_table(_Row, [row])
    assert table.column_names == ["name", "count", "share", "day", "done", "status", "note"]
    assert table.schema.field("note").type == pa.string()
    assert table.to_pylist() == [
        {
            "name": "a",
            "count": 3,
            "share": None,
            "day": dt.date(2026, 10, 31),
            "done": False,
            "status": None,
            "note": "kept",
        }
    ]
