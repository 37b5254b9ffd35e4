"""Arrow pages: checking a table a connector hands over instead of record dicts.

A connector that maps an API page with Arrow compute (parse the JSON body column-wise,
cast the string numbers, no Python object per row) yields a ``pyarrow.Table`` from
``read()``. :func:`conform` turns it into the record kind's schema with the same rules
the dict path applies:

* columns are record columns (``record_id`` is recomputed, never trusted) or
  ``extra.<name>``; any other name is an error that names it;
* required columns are present and hold no null;
* each column has the schema's type, or one that converts exactly: any integer width
  to ``int64``, strings parsed into numbers / dates / aware timestamps, decimals of any
  scale rounded to the money scale, aware timestamps of any unit or zone to
  ``timestamp[us, UTC]``. A value that does not convert raises
  :class:`~partnerkit.errors.DataError` naming its row, column and value, as the dict
  path's pydantic check does;
* ``record_id`` is computed column by column and equals
  :func:`partnerkit.records.record_id` of the same row.

:func:`to_records` turns a conformed table back into record dicts for the readers
that want dicts (``iter(stream)``, ``to_dicts()``).
"""

from __future__ import annotations

import array
import hashlib
from collections import deque
from collections.abc import Mapping
from functools import cache, lru_cache
from itertools import repeat
from typing import TYPE_CHECKING, Any, cast

from partnerkit.errors import DataError
from partnerkit.records import MONEY_SCALE, Record, RecordKind, arrow_schema, columns, key_columns

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["EXTRA_PREFIX", "conform", "to_records", "with_extra_metadata"]

EXTRA_PREFIX = "extra."


@cache
def _required(kind: RecordKind) -> frozenset[str]:
    return frozenset(c.name for c in columns(kind) if c.required)


def conform(
    kind: RecordKind, table: pa.Table | pa.RecordBatch, source: str, offset: int
) -> pa.Table:
    """Check an Arrow page and return it in the kind's schema with ``record_id`` filled.

    Args:
        kind: The record kind the page holds.
        table: The page as the connector built it.
        source: Where it comes from, for errors (``"meta/ad_insights"``).
        offset: Records of the stream before this page (errors count rows from 1).

    Returns:
        A table with the schema's columns in order, then the ``extra.<name>`` columns
        sorted by name (without field metadata; the stream adds it).

    Raises:
        DataError: A column is unknown, a required column is missing or null, or a
            value does not convert to the column's type.
    """
    import pyarrow as pa

    if isinstance(table, pa.RecordBatch):
        table = pa.Table.from_batches([table])
    schema = arrow_schema(kind)
    known = set(schema.names)
    given = table.column_names
    unknown = [n for n in given if n not in known and not n.startswith(EXTRA_PREFIX)]
    if unknown:
        raise DataError(
            f"a {kind.value} page has columns that are not {kind.value} record columns: "
            f"{', '.join(sorted(unknown))}; put non-standard metrics in 'extra.<name>' "
            "columns",
            source=source,
            column=unknown[0],
        )
    if len(set(given)) != len(given):
        twice = sorted({n for n in given if given.count(n) > 1})
        raise DataError(
            f"a {kind.value} page names a column twice: {', '.join(twice)}",
            source=source,
            column=twice[0],
        )
    n = table.num_rows
    arrays: list[pa.ChunkedArray[Any]] = []
    for f in schema:
        if f.name == "record_id":
            arrays.append(pa.chunked_array([], pa.string()))  # placeholder, filled below
            continue
        if f.name not in given:
            if f.name in _required(kind):
                raise DataError(
                    f"a {kind.value} page has no {f.name!r} column, which every record needs",
                    source=source,
                    row=offset + 1 if n else None,
                    column=f.name,
                )
            arrays.append(pa.chunked_array([pa.nulls(n, f.type)]))
            continue
        column = _convert(table.column(f.name), f.type, f.name, source, offset)
        if not f.nullable and column.null_count:
            row = _first_null(column)
            raise DataError(
                f"a {kind.value} record has no value for {f.name!r}, which every record needs",
                source=source,
                row=offset + row + 1,
                column=f.name,
            )
        arrays.append(column)
    arrays[schema.get_field_index("record_id")] = _record_ids(kind, schema, arrays, n)
    out = pa.Table.from_arrays(arrays, schema=schema)
    for name in sorted(n for n in given if n.startswith(EXTRA_PREFIX)):
        column = _extra(table.column(name), name, source, offset)
        out = out.append_column(pa.field(name, column.type), column)
    return out


def with_extra_metadata(table: pa.Table, described: Mapping[str, Mapping[str, Any]]) -> pa.Table:
    """Attach the documentation of ``extra.<name>`` columns as their field metadata."""
    import pyarrow as pa

    for i, f in enumerate(table.schema):
        if not f.name.startswith(EXTRA_PREFIX) or f.name not in described:
            continue
        meta = {k: str(v) for k, v in described[f.name].items() if k != "column"}
        if meta:
            table = table.set_column(i, pa.field(f.name, f.type, metadata=meta), table.column(i))
    return table


def to_records(table: pa.Table) -> list[Record]:
    """Record dicts of a conformed table; ``extra.<name>`` columns go into ``extra``.

    A record gets an ``extra`` mapping only when the table has extra columns; it holds
    every extra column of the table, null values as ``None``.
    """
    extras = [n for n in table.column_names if n.startswith(EXTRA_PREFIX)]
    base = table.drop_columns(extras) if extras else table
    rows: list[dict[str, Any]] = base.to_pylist()
    if extras:
        values = {n.removeprefix(EXTRA_PREFIX): table.column(n).to_pylist() for n in extras}
        for i, row in enumerate(rows):
            row["extra"] = {name: column[i] for name, column in values.items()}
    return rows  # type: ignore[return-value]


# ------------------------------------------------------------------ conversion


def _column_error(
    column: pa.ChunkedArray[Any], name: str, source: str, offset: int, message: str
) -> DataError:
    """A column-wide problem, placed at the column's first row (if it has one)."""
    return DataError(message, source=source, row=offset + 1 if len(column) else None, column=name)


def _first_null(column: pa.ChunkedArray[Any]) -> int:
    import pyarrow.compute as pc

    return int(pc.index(pc.is_null(column), True).as_py())


def _convert(
    column: pa.ChunkedArray[Any], target: pa.DataType, name: str, source: str, offset: int
) -> pa.ChunkedArray[Any]:
    """``column`` as ``target``, converting only what converts exactly."""
    import pyarrow as pa

    have = column.type
    if have == target:
        return column
    if pa.types.is_dictionary(have):
        column = column.cast(have.value_type)
        have = column.type
    if pa.types.is_null(have):
        return pa.chunked_array([pa.nulls(len(column), cast(Any, target))])
    allowed = _allowed_sources(target)
    if not any(check(have) for check in allowed):
        raise _column_error(
            column, name, source, offset, f"column {name!r} holds {have} values; it needs {target}"
        )
    if pa.types.is_timestamp(have) and have.tz is None:
        problem = (
            f"column {name!r} holds timestamps without a time zone; give them one "
            "(e.g. cast to timestamp('us', tz='UTC') when the API means UTC)"
        )
        raise _column_error(column, name, source, offset, problem)
    try:
        return _to_money(column, target) if pa.types.is_decimal(target) else column.cast(target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        pass
    row, value = _first_bad(column, target)
    raise DataError(
        f"column {name!r} has a value that is not a {target}: {value!r}",
        source=source,
        row=offset + row + 1,
        column=name,
        value=value,
    )


def _allowed_sources(target: pa.DataType) -> tuple[Any, ...]:
    """Arrow types a column may arrive as, for each target type of the schema."""
    import pyarrow as pa

    text = (pa.types.is_string, pa.types.is_large_string)
    if pa.types.is_integer(target):
        return (pa.types.is_integer, *text)
    if pa.types.is_floating(target):
        return (pa.types.is_integer, pa.types.is_floating, pa.types.is_decimal, *text)
    if pa.types.is_decimal(target):
        return (pa.types.is_integer, pa.types.is_decimal, *text)
    if pa.types.is_date(target):
        return (pa.types.is_date, *text)
    if pa.types.is_timestamp(target):
        return (pa.types.is_timestamp, *text)
    if pa.types.is_list(target):
        return (pa.types.is_list, pa.types.is_large_list)
    if pa.types.is_boolean(target):
        return (pa.types.is_boolean,)
    return text


def _to_money(column: pa.ChunkedArray[Any], target: pa.DataType) -> pa.ChunkedArray[Any]:
    """Decimals at the money scale: more digits are rounded half to even, like Decimal."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        return column.cast(target)
    except pa.ArrowInvalid:
        pass  # more than MONEY_SCALE digits (or too many digits in all): round
    wide = column if pa.types.is_decimal(column.type) else column.cast(pa.decimal256(76, 30))
    rounded = pc.round(wide, ndigits=MONEY_SCALE, round_mode="half_to_even")
    return rounded.cast(target)


def _first_bad(column: pa.ChunkedArray[Any], target: pa.DataType) -> tuple[int, Any]:
    """The first row whose value does not convert (the slow path, for the error only)."""
    import pyarrow as pa

    for i, value in enumerate(column.to_pylist()):
        if value is None:
            continue
        try:
            one = pa.chunked_array([pa.array([value], column.type)])
            _to_money(one, target) if pa.types.is_decimal(target) else one.cast(target)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
            return i, value
    return 0, None  # pragma: no cover - the whole cast failed, so one value does


def _extra(
    column: pa.ChunkedArray[Any], name: str, source: str, offset: int
) -> pa.ChunkedArray[Any]:
    """An ``extra.<name>`` column in the types the dict path gives extras."""
    import pyarrow as pa

    have = column.type
    if pa.types.is_dictionary(have):
        column = column.cast(have.value_type)
        have = column.type
    if pa.types.is_integer(have):
        return column.cast(pa.int64())
    if pa.types.is_floating(have):
        return column.cast(pa.float64())
    if pa.types.is_decimal(have):
        return _to_money(column, pa.decimal128(38, MONEY_SCALE))
    if pa.types.is_large_string(have):
        return column.cast(pa.string())
    if pa.types.is_timestamp(have) and have.tz is not None:
        return column.cast(pa.timestamp("us", tz="UTC"))
    if pa.types.is_date(have):
        return column.cast(pa.date32())
    if pa.types.is_string(have) or pa.types.is_boolean(have) or pa.types.is_null(have):
        return column
    problem = (
        f"extra column {name!r} holds {have} values; extras are text, flags, numbers, "
        "money (decimal), dates or timestamps with a time zone"
    )
    raise _column_error(column, name, source, offset, problem)


def _record_ids(
    kind: RecordKind, schema: pa.Schema, arrays: list[pa.ChunkedArray[Any]], n: int
) -> pa.ChunkedArray[Any]:
    r""":func:`~partnerkit.records.record_id` of every row, from the key columns.

    The key text of every row is built column-wise (dates cast to ISO text, a null as
    ``"\x00"``, joined by ``"\x1f"`` after the kind), hashed by :func:`_digests`, and
    the digests written as hex straight into string arrays: no Python string per row.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    parts: list[Any] = [kind.value]
    for name in key_columns(kind):
        column = arrays[schema.get_field_index(name)]
        if column.null_count == n:  # no row fills it: the null marker, joined as text
            if isinstance(parts[-1], str):
                parts[-1] += "\x1f\x00"
            else:
                parts.append("\x00")
            continue
        text: Any = column.cast(pa.string())  # date32 → ISO
        parts.append(pc.fill_null(text, "\x00"))
    joined: Any
    if len(parts) == 1:  # pragma: no cover - every kind has a required key column
        joined = pa.array([parts[0].encode()] * n, pa.binary())  # one key for every row
    else:
        joined = pc.binary_join_element_wise(*parts, "\x1f").cast(pa.binary())
    chunks = []
    for start in range(0, n, _IDS_PER_CHUNK):
        keys: list[bytes] = joined.slice(start, _IDS_PER_CHUNK).to_pylist()
        hexed = _digests(keys).hex().encode("ascii")
        offsets = _hex_offsets(len(keys))
        chunks.append(pa.StringArray.from_buffers(len(keys), offsets, pa.py_buffer(hexed)))
    return pa.chunked_array(chunks, pa.string())


#: The size of a record id's digest, in bytes (32 hex characters).
_DIGEST_SIZE = 16
#: Keys hashed per round of :func:`_digests`: the hashers of a round stay in the CPU's cache.
_HASH_ROUND = 1024
#: Ids per string array: bounds the key bytes held in Python at once.
_IDS_PER_CHUNK = 65_536


@lru_cache(maxsize=4)
def _hex_offsets(n: int) -> pa.Buffer:
    """The offsets of ``n`` strings of ``2 * _DIGEST_SIZE`` characters each."""
    import pyarrow as pa

    width = 2 * _DIGEST_SIZE
    return pa.py_buffer(array.array("i", range(0, width * (n + 1), width)))


def _digests(keys: list[bytes]) -> bytes:
    """``blake2b(key, digest_size=16).digest()`` of every key, concatenated in order.

    Each hasher is a copy of one empty hasher, fed and read by ``map`` a round of keys
    at a time: no Python bytecode per key and no keyword parsing of the constructor
    (about 40% less time than one ``blake2b(key, digest_size=16)`` call per key).
    """
    empty = hashlib.blake2b(digest_size=_DIGEST_SIZE)
    blake2b = hashlib.blake2b
    out: list[bytes] = []
    for start in range(0, len(keys), _HASH_ROUND):
        part = keys[start : start + _HASH_ROUND]
        hashers = list(map(blake2b.copy, repeat(empty, len(part))))
        deque(map(blake2b.update, hashers, part), maxlen=0)
        out.append(b"".join(map(blake2b.digest, hashers)))
    return b"".join(out)
