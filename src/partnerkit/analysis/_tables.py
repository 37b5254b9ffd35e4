"""Arrow table helpers the analyses share: schemas, tables from rows, notebook sections."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from partnerkit.analysis._data import Result

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["TableView", "field_row", "fields_table", "schema_of", "sections", "table_of", "the_one"]

_T = TypeVar("_T")


def the_one(
    items: Iterable[_T],
    matches: Callable[[_T], bool],
    missing: str,
    *,
    error: Callable[[str], Exception] = KeyError,
) -> _T:
    """The first of ``items`` that ``matches``: a result's lookup by key.

    Raises:
        KeyError: None matches (or the ``error`` given); ``missing`` says what was
            asked for.
    """
    for item in items:
        if matches(item):
            return item
    raise error(missing)


def schema_of(*fields: tuple[str, Any]) -> pa.Schema:
    """An Arrow schema from ``(name, type)`` pairs."""
    import pyarrow as pa

    return pa.schema([pa.field(name, kind) for name, kind in fields])


def table_of(rows: list[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    """An Arrow table of row dicts with a fixed schema (empty rows keep the columns)."""
    import pyarrow as pa

    return pa.Table.from_pylist(rows, schema=schema)


_SIX = Decimal("0.000001")


def six(value: Decimal | None) -> Decimal | None:
    """A value at the result tables' scale: six places, as ``decimal128(38, 6)`` holds it."""
    return None if value is None else value.quantize(_SIX)


#: A field's annotation (without ``| None``) → its Arrow type's name; any other
#: annotation (enums, windows, literals) is a string column of the value's text.
_ARROW_TYPES = {"int": "int64", "bool": "bool_", "Decimal": "money", "date": "date32"}


def _arrow_kind(of: type, name: str) -> str:
    kind = next(f.type for f in dataclasses.fields(of) if f.name == name)
    # a string under ``from __future__ import annotations`` (``dt.date``), else the type
    annotation = kind if isinstance(kind, str) else getattr(kind, "__name__", str(kind))
    kinds = {k.strip().rsplit(".", 1)[-1] for k in annotation.split("|")} - {"None"}
    return _ARROW_TYPES.get(kinds.pop(), "string") if len(kinds) == 1 else "string"


def field_row(item: Any, columns: str) -> dict[str, Any]:
    """A dataclass instance's ``columns`` (field names, space-separated) as a table row.

    Numbers, booleans and dates stay as they are (decimals quantized to six places,
    as an Arrow ``decimal128(38, 6)`` holds them); anything else becomes its text.
    """
    row: dict[str, Any] = {}
    for name in columns.split():
        value = getattr(item, name)
        if isinstance(value, Decimal):
            value = value.quantize(_SIX)
        elif value is not None and not isinstance(value, int | dt.date):
            value = str(value)
        row[name] = value
    return row


def fields_table(of: type, items: Iterable[Any], columns: str | None = None) -> pa.Table:
    """An Arrow table of ``items``, instances of the dataclass ``of``: a :func:`field_row` each.

    The columns' types are read from the fields' annotations, so a result's
    dataclass is the one declaration of its table: ``str`` (and enums, windows,
    literals) → string, ``int`` → int64, ``bool`` → bool, ``Decimal`` →
    decimal128(38, 6), ``dt.date`` → date32; every column is nullable.

    Args:
        of: The items' dataclass.
        items: The rows.
        columns: The columns, field names separated by spaces; by default every
            field of ``of``, in the order it declares them.
    """
    import pyarrow as pa

    def arrow(kind: str) -> pa.DataType:
        return pa.decimal128(38, 6) if kind == "money" else getattr(pa, kind)()

    if columns is None:
        columns = " ".join(f.name for f in dataclasses.fields(of))
    schema = schema_of(*[(name, arrow(_arrow_kind(of, name))) for name in columns.split()])
    return table_of([field_row(item, columns) for item in items], schema)


class TableView(Result):
    """One titled Arrow table shown as a :class:`Result`."""

    def __init__(self, title: str, table: pa.Table) -> None:
        """Wrap a table under a title."""
        self.title = title
        self._table = table

    def to_arrow(self) -> pa.Table:
        """The table."""
        return self._table


def sections(title: str, parts: Sequence[tuple[str, pa.Table]]) -> str:
    """Notebook HTML of several tables under one title (each as :class:`Result` shows one)."""
    return f"<h3>{html.escape(title)}</h3>" + "".join(
        TableView(heading, table)._repr_html_() for heading, table in parts
    )
