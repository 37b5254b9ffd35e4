"""RecordStream: a lazy, chunked, one-shot stream of validated unified records.

A stream pulls records from its source (a connector's ``read()``, or any iterable)
a page at a time, validates each page in one call, fills ``record_id``, and hands
the records on as dicts, lists, or Arrow / pandas / polars tables. Memory stays flat
when it is consumed with :meth:`RecordStream.batches` or
:meth:`RecordStream.iter_arrow`, whatever the number of rows.

Like a generator, a stream is read once; a second read raises
:class:`~partnerkit.errors.StreamConsumedError`. Keep the table you converted to.

pyarrow, pandas and polars are imported only when their method is called.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from functools import cache
from itertools import islice
from typing import TYPE_CHECKING, Any, TypeAlias, get_origin

from pydantic import AwareDatetime, TypeAdapter, ValidationError

from partnerkit import _columnar
from partnerkit._notice import COLUMN_METADATA, Notice
from partnerkit.errors import DataError, StreamConsumedError
from partnerkit.records import (
    MONEY_SCALE,
    Record,
    RecordKind,
    arrow_schema,
    columns,
    key_columns,
    record_type,
)

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl
    import pyarrow as pa

    from partnerkit.connector import Connector, ReadRequest, StreamSpec

    #: A validated page: record dicts, or an Arrow table in the kind's schema.
    Page: TypeAlias = "list[Record] | pa.Table"

__all__ = ["DEFAULT_PAGE_SIZE", "RecordStream"]

DEFAULT_PAGE_SIZE = 10_000

logger = logging.getLogger("partnerkit")


@cache
def _page_adapter(kind: RecordKind) -> TypeAdapter[list[Any]]:
    return TypeAdapter(list[record_type(kind)])  # type: ignore[arg-type,misc]


@cache
def _fast_plan(kind: RecordKind) -> tuple[frozenset[str], frozenset[str], list[tuple[str, Any]]]:
    """What :func:`_fits` checks: allowed keys, required keys, and each column's check.

    A check is a set of exact types (``None`` included when nullable), or a callable for
    values a type alone does not settle (aware datetimes, lists of strings, ``extra``).
    """
    allowed = frozenset(c.name for c in columns(kind))
    required = frozenset(c.name for c in columns(kind) if c.required)
    plan: list[tuple[str, Any]] = []
    for c in columns(kind):
        if c.name == "extra":
            plan.append((c.name, _extra_fits))
            continue
        py = c.python_type
        none: frozenset[type] = (
            frozenset({type(None)}) if c.nullable or not c.required else frozenset()
        )
        if py is AwareDatetime or py is dt.datetime:
            plan.append((c.name, _aware_fits))
        elif get_origin(py) is list:
            plan.append((c.name, _str_list_fits))
        else:
            plan.append((c.name, frozenset({py}) | none))
    return allowed, required, plan


_EXTRA_TYPES = frozenset({str, int, float, Decimal, bool, dt.datetime, dt.date, type(None)})


def _extra_fits(values: list[Any]) -> bool:
    for extra in values:
        if extra is None:
            continue
        if type(extra) is not dict or not set(map(type, extra.values())) <= _EXTRA_TYPES:
            return False
        if not all(type(k) is str for k in extra):
            return False
    return True


def _aware_fits(values: list[Any]) -> bool:
    return all(v is None or (type(v) is dt.datetime and v.utcoffset() is not None) for v in values)


def _str_list_fits(values: list[Any]) -> bool:
    return all(v is None or (type(v) is list and all(type(x) is str for x in v)) for v in values)


def _fits(kind: RecordKind, page: list[Any]) -> dict[str, list[Any]] | None:
    """The page's columns when every value already has its exact schema type, else None.

    This is the common case (connectors hand over typed values) and needs no copy or
    coercion; anything else (a string for a number, an unknown key, a missing
    required key) is left to pydantic, which coerces or names the problem.
    """
    allowed, required, plan = _fast_plan(kind)
    for row in page:
        if type(row) is not dict:
            return None
        keys = row.keys()
        if not (keys <= allowed and required <= keys):
            return None
    present: set[str] = set().union(*page)
    cols: dict[str, list[Any]] = {}
    for name, check in plan:
        if name not in present:  # null in every row, and not required: it fits
            continue
        values = [row.get(name) for row in page]
        if isinstance(check, frozenset):
            if not set(map(type, values)) <= check:
                return None
        elif not check(values):
            return None
        cols[name] = values
    return cols


def _record_ids(kind: RecordKind, cols: Mapping[str, list[Any]], n: int) -> list[str]:
    """:func:`~partnerkit.records.record_id` of every row, computed column by column."""
    parts: list[list[str]] = [[kind.value] * n]
    for name in key_columns(kind):
        values = cols.get(name) or [None] * n
        parts.append(
            [
                "\x00" if v is None else v.isoformat() if isinstance(v, dt.date) else str(v)
                for v in values
            ]
        )
    blake2b = hashlib.blake2b
    return [
        blake2b("\x1f".join(key).encode(), digest_size=16).hexdigest()
        for key in zip(*parts, strict=True)
    ]


def _validate_page(kind: RecordKind, page: list[Any], source: str, offset: int) -> list[Record]:
    cols = _fits(kind, page)
    if cols is not None:
        ids = _record_ids(kind, cols, len(page))
        return [{**row, "record_id": rid} for row, rid in zip(page, ids, strict=True)]  # type: ignore[misc]
    try:
        records: list[Record] = _page_adapter(kind).validate_python(page)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = err["loc"]
        index = int(loc[0]) if loc and isinstance(loc[0], int) else 0
        column = ".".join(str(p) for p in loc[1:]) or None
        more = (
            f" ({exc.error_count() - 1} more problems in this page)"
            if exc.error_count() > 1
            else ""
        )
        raise DataError(
            f"a {kind.value} record does not fit the schema: {err['msg']}{more}",
            source=source,
            row=offset + index + 1,
            column=column,
            value=err.get("input"),
        ) from None
    ids = _record_ids(
        kind, {name: [r.get(name) for r in records] for name in key_columns(kind)}, len(records)
    )
    for rec, rid in zip(records, ids, strict=True):
        rec["record_id"] = rid
    return records


def _is_arrow(item: Any) -> bool:
    """An Arrow table or record batch (checked without importing pyarrow)."""
    return type(item).__module__.startswith("pyarrow") and hasattr(item, "num_rows")


def _paged(
    kind: RecordKind,
    items: Iterable[Any],
    page_size: int,
    source: str,
    notices: list[Notice],
) -> Iterator[Page]:
    """Split records from notices, cut into pages and validate each page.

    Arrow tables (a connector's column-wise pages) are checked as they are, in order
    with the dict records around them.
    """
    page: list[Any] = []
    offset = 0
    for item in items:
        if isinstance(item, Notice):
            notices.append(item)
            log = logger.warning if item.level != "info" else logger.info
            log("%s: %s", source, item)
            continue
        if _is_arrow(item):
            if page:
                yield _validate_page(kind, page, source, offset)
                offset += len(page)
                page = []
            if item.num_rows:
                yield _columnar.conform(kind, item, source, offset)
                offset += item.num_rows
            continue
        page.append(item)
        if len(page) >= page_size:
            yield _validate_page(kind, page, source, offset)
            offset += len(page)
            page = []
    if page:
        yield _validate_page(kind, page, source, offset)


def _money_array(values: list[Any], type_: pa.DataType) -> pa.Array[Any]:
    """A decimal column; values with more digits than ``MONEY_SCALE`` are quantized."""
    import pyarrow as pa

    try:
        return pa.array(values, type=type_)
    except pa.ArrowInvalid:
        quantum = Decimal(1).scaleb(-MONEY_SCALE)
        exact = [v.quantize(quantum) if isinstance(v, Decimal) else v for v in values]
        return pa.array(exact, type=type_)


def _page_to_arrow(
    kind: RecordKind, page: list[Record], described: Mapping[str, Mapping[str, Any]]
) -> pa.Table:
    import pyarrow as pa

    schema = arrow_schema(kind)
    rows: list[dict[str, Any]] = page  # type: ignore[assignment]
    present: set[str] = set().union(*rows)  # the columns any record of the page has
    arrays = []
    for f in schema:
        name = f.name  # read once: a Field's name is a new str on every access
        if name not in present:
            arrays.append(pa.nulls(len(rows), f.type))
            continue
        values = [row.get(name) for row in rows]
        if pa.types.is_decimal(f.type):
            arrays.append(_money_array(values, f.type))
        else:
            arrays.append(pa.array(values, type=f.type))
    table = pa.Table.from_arrays(arrays, schema=schema)
    extras: dict[str, list[Any]] = {}
    for i, row in enumerate(rows):
        extra = row.get("extra")
        if not extra:
            continue
        for name, value in extra.items():
            column_values = extras.get(name)
            if column_values is None:
                column_values = extras[name] = [None] * len(rows)
            column_values[i] = value
    for name, values in sorted(extras.items()):
        column = f"extra.{name}"
        array = _extra_array(name, values)
        meta = {k: str(v) for k, v in described.get(column, {}).items() if k != "column"}
        table = table.append_column(pa.field(column, array.type, metadata=meta or None), array)
    return table


def _extra_array(name: str, values: list[Any]) -> pa.Array[Any]:
    """Type one ``extra`` column: exact money stays decimal, ints widen to floats."""
    import pyarrow as pa

    kinds = {type(v) for v in values if v is not None}
    if not kinds or kinds == {bool} or kinds == {str} or kinds == {int}:
        inferred: pa.Array[Any] = pa.array(values)
        return inferred
    if kinds == {Decimal}:
        quantum = Decimal(1).scaleb(-MONEY_SCALE)
        exact = [None if v is None else v.quantize(quantum) for v in values]
        return pa.array(exact, type=pa.decimal128(38, MONEY_SCALE))
    if kinds == {dt.datetime}:
        return pa.array(values, type=pa.timestamp("us", tz="UTC"))
    if kinds == {dt.date}:
        return pa.array(values, type=pa.date32())
    if kinds <= {int, float}:
        return pa.array([None if v is None else float(v) for v in values], type=pa.float64())
    raise DataError(
        f"extra column {name!r} mixes value types "
        f"({', '.join(sorted(k.__name__ for k in kinds))}); give it one type",
        column=f"extra.{name}",
    )


class RecordStream:
    """A one-shot stream of validated unified records of one kind.

    Build one with :meth:`Connector.stream <partnerkit.connector.Connector.stream>`,
    :meth:`from_records`, or :meth:`concat`.

    Attributes:
        kind: The record kind.
        name: Where the records come from, e.g. ``"meta/ad_insights"``.
        notices: Notices the source yielded so far (rejected rows, data quality).
        records_read: Records validated so far.
    """

    def __init__(
        self,
        kind: RecordKind | str,
        pages: Iterable[Page],
        *,
        name: str,
        notices: list[Notice] | None = None,
    ) -> None:
        """Wrap already validated pages; most users call a factory instead."""
        self.kind = RecordKind(kind)
        self.name = name
        self.notices: list[Notice] = notices if notices is not None else []
        self.records_read = 0
        self._pages: Iterator[Page] | None = iter(pages)

    # ---------------------------------------------------------------- factories

    @classmethod
    def from_records(
        cls,
        kind: RecordKind | str,
        records: Iterable[Record | Notice | dict[str, Any]],
        *,
        name: str = "records",
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> RecordStream:
        """Validate any iterable of record dicts (and notices) into a stream.

        Args:
            kind: The record kind the dicts follow.
            records: The records; :class:`~partnerkit.connector.Notice` items are kept apart.
            name: Where they come from, for errors and notices.
            page_size: Records validated per call.

        Raises:
            DataError: (while reading) a record does not fit the schema; it names the
                record number, the column and the value.
        """
        kind = RecordKind(kind)
        notices: list[Notice] = []
        return cls(
            kind, _paged(kind, records, page_size, name, notices), name=name, notices=notices
        )

    @classmethod
    def from_connector(
        cls,
        connector: Connector[Any],
        spec: StreamSpec,
        request: ReadRequest,
        *,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> RecordStream:
        """Stream one connector read; nothing is read until the stream is consumed."""
        name = f"{connector.name}/{spec.name}"

        def items() -> Iterator[Any]:
            yield from connector.read(request)

        return cls.from_records(spec.kind, items(), name=name, page_size=page_size)

    @classmethod
    def concat(cls, streams: Sequence[RecordStream], *, name: str | None = None) -> RecordStream:
        """Chain streams of the same kind (e.g. Meta and Google Ads performance).

        Raises:
            ValueError: The streams are of different kinds, or none were given.
        """
        if not streams:
            raise ValueError("concat() needs at least one stream")
        kinds = {s.kind for s in streams}
        if len(kinds) > 1:
            raise ValueError(
                f"cannot concatenate streams of different kinds: {sorted(k.value for k in kinds)}"
            )
        notices: list[Notice] = []

        def pages() -> Iterator[Page]:
            for s in streams:
                yield from s._take()
                notices.extend(s.notices)

        out = cls(streams[0].kind, pages(), name=name or "+".join(s.name for s in streams))
        out.notices = notices
        return out

    @property
    def extra_columns(self) -> dict[str, dict[str, Any]]:
        """Documentation of ``extra`` columns the source gave (see ``Notice.describe_extra``).

        Keyed by Arrow column name (``extra.<name>``); each value holds ``description``,
        ``unit`` and ``additivity``.
        """
        return {
            str(n.details["column"]): dict(n.details)
            for n in self.notices
            if n.code == COLUMN_METADATA
        }

    def __add__(self, other: RecordStream) -> RecordStream:
        return RecordStream.concat([self, other])

    # ------------------------------------------------------------------ reading

    def _take(self) -> Iterator[Page]:
        if self._pages is None:
            raise StreamConsumedError(
                f"the stream {self.name!r} was already read; streams are one-shot. Keep the "
                f"result of to_arrow()/to_pandas()/to_dicts() instead of reading twice."
            )
        pages, self._pages = self._pages, None
        for page in pages:
            self.records_read += len(page)
            yield page

    def __iter__(self) -> Iterator[Record]:
        for page in self._take():
            yield from page if isinstance(page, list) else _columnar.to_records(page)

    def batches(self, size: int = DEFAULT_PAGE_SIZE) -> Iterator[list[Record]]:
        """Yield lists of at most ``size`` records; memory stays flat."""
        if size < 1:
            raise ValueError("batch size must be at least 1")
        records = iter(self)
        while batch := list(islice(records, size)):
            yield batch

    def to_dicts(self) -> list[Record]:
        """Read everything into a list of record dicts."""
        return list(self)

    def iter_arrow(self, size: int = DEFAULT_PAGE_SIZE) -> Iterator[pa.Table]:
        """Yield Arrow tables of at most ``size`` rows each; memory stays flat.

        Extra metrics become columns named ``extra.<name>``; each table carries only
        the extras present in it. Pages a connector handed over as Arrow tables pass
        through without a Python object per row (sliced to ``size`` rows).
        """
        if size < 1:
            raise ValueError("batch size must be at least 1")
        pending: list[Record] = []
        for page in self._take():
            if isinstance(page, list):
                pending.extend(page)
                while len(pending) >= size:
                    yield _page_to_arrow(self.kind, pending[:size], self.extra_columns)
                    del pending[:size]
                continue
            if pending:
                yield _page_to_arrow(self.kind, pending, self.extra_columns)
                pending = []
            table = _columnar.with_extra_metadata(page, self.extra_columns)
            for start in range(0, table.num_rows, size):
                yield table.slice(start, size)
        if pending:
            yield _page_to_arrow(self.kind, pending, self.extra_columns)

    def to_arrow(self, *, on_batch: Callable[[int], None] | None = None) -> pa.Table:
        """Read everything into one Arrow table with the record kind's schema.

        Args:
            on_batch: Called with the number of rows of each batch (for progress).
        """
        import pyarrow as pa

        tables = []
        for table in self.iter_arrow():
            tables.append(table)
            if on_batch is not None:
                on_batch(table.num_rows)
        if not tables:
            return arrow_schema(self.kind).empty_table()
        try:
            return pa.concat_tables(tables, promote_options="permissive")
        except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
            raise DataError(
                f"batches of {self.name!r} disagree on a column's type: {exc}", source=self.name
            ) from None

    def to_pandas(self) -> pd.DataFrame:
        """Read everything into a pandas DataFrame with nullable dtypes.

        Counts are ``Int64``, money ``Float64`` (the double nearest each exact amount,
        so ``df.spend / df.clicks`` and every other float operation work; exact
        decimals are in :meth:`to_arrow` and :meth:`to_polars`), floats ``Float64``,
        flags ``boolean``, text ``string``, dates ``date32[pyarrow]``, timestamps
        ``datetime64[us, UTC]``. The same conversion as :func:`partnerkit.frames.to_pandas`.
        """
        from partnerkit.frames import to_pandas

        return to_pandas(self.to_arrow())

    def to_polars(self) -> pl.DataFrame:
        """Read everything into a polars DataFrame (Decimal, Date, Datetime[UTC] kept)."""
        try:
            import polars as pl
        except ImportError:  # pragma: no cover - depends on the environment
            raise ImportError(
                "to_polars() needs polars: install it with `uv add polars` or "
                "`pip install 'partnerkit[polars]'`"
            ) from None
        frame = pl.from_arrow(self.to_arrow())
        assert isinstance(frame, pl.DataFrame)
        return frame

    def __repr__(self) -> str:
        state = "consumed" if self._pages is None else "unread"
        return (
            f"<RecordStream {self.name!r} kind={self.kind.value} {state} "
            f"records_read={self.records_read}>"
        )
