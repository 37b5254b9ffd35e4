"""Report pages as Arrow tables: the column-wise path of a ``runReport`` page.

A ``runReport`` page is one JSON object: headers, metadata, quota and ``rows``, each
row a list of dimension values and a list of metric values, every value a JSON string.
Turning that into Python objects (one dict per row and per cell) and then into record
dicts is most of the cost of a read. So a page takes this path instead:

1. :func:`arrow_page` parses the body with ``pyarrow.json`` against an explicit schema
   of the whole ``RunReportResponse`` (every field the connector knows, values as
   strings): the rows become one Arrow struct array, without a Python object per row.
   The small rest (headers, row count, metadata, quota) is turned into plain dicts and
   validated in one pydantic call, as :func:`~partnerkit_ga4._client.parse_page` does.
2. :meth:`PageMapper.arrow_rows` maps the rows with Arrow compute into one table of
   performance record columns, each in the exact type of the record schema: dates
   (``YYYYMMDD``, each distinct text checked once) to ``date32``, channel groups
   through the channel map (each distinct group once), the ``segment`` of a custom
   report joined column-wise, metric strings cast to ``int64`` / ``float64`` /
   ``decimal128(38, 6)`` after a check that each is a number Python reads the same
   way, lead events summed in request order. The page's bookkeeping for the notices
   (rows, duplicates, ``(other)`` rows and their sessions, unknown channel groups) is
   counted column-wise too. The core then checks the table and fills ``record_id``.

The traffic report merges adjacent rows of one slice that GA4 split by channel group.
Such rows, and the last slice of each page (it may continue on the next one), go
through :class:`~partnerkit_ga4._report.RowMapper`'s own merge step, a few rows at a
time; their records are put back into the table in order.

**Falling back.** The records are the row path's, value for value. Where the column
path cannot promise that, the page takes the row path (``parse_page`` + ``RowMapper``),
which gives the same records or raises the same error as before:

* the body does not fit the explicit schema (a field the connector does not know, a
  number where GA4 sends a string, a JSON ``null``, invalid JSON): the whole page is
  parsed the row way, envelope included;
* a row does not have as many values as asked for;
* a value is not a plain number (``1e3`` for an integer, ``NaN``, ``0x10``, an amount
  with more than 22 integer or 16 decimal digits), or a date is not a canonical
  ``YYYYMMDD`` inside the chunk: the row path turns it into a number or raises its
  :class:`~partnerkit.errors.DataError`.

Each fallback is logged (``partnerkit.ga4``, debug) and counted in
:attr:`PageMapper.fallbacks` (the connector counts the pages :func:`arrow_page`
leaves to the row path there too).
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import logging
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from partnerkit.records import MONEY_SCALE
from partnerkit_ga4._client import PAGE, Page, Row, check_envelope
from partnerkit_ga4._report import (
    _OTHER,
    _TRAFFIC_KEY,
    RowMapper,
    _float,
    _int,
    _money,
)

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["PageMapper", "arrow_page"]

logger = logging.getLogger("partnerkit.ga4")

_EXTRA = "extra."
#: Integers as GA4 writes them (Arrow would also read ``0x10``; Python would not).
_INTEGER = r"^-?[0-9]+$"
#: Decimal floats with an optional exponent: a subset of what ``float()`` reads, read to
#: the same double (both round correctly); ``nan``, ``inf``, ``1_0`` take the row path.
_FLOAT = r"^-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"
#: Amounts ``Decimal(text).quantize(1e-6)`` reads without overflowing its 28 digits.
_MONEY_DIGITS = 22
_MONEY = rf"^-?[0-9]{{1,{_MONEY_DIGITS}}}(?:\.[0-9]+)?$"
#: A body that opens a JSON object: the only kind handed to ``pyarrow.json``.
_OBJECT_START = re.compile(rb"[ \t\r\n]*\{")
#: Where a JSON ``null`` can stand (``pyarrow.json`` reads it as a missing field).
_NULL = re.compile(rb"[\[:,]\s*null")
#: The word alone, looked for first (``re`` finds a literal faster than ``bytes.find``).
_NULL_WORD = re.compile(rb"null")


_QUOTAS = (
    "tokensPerDay",
    "tokensPerHour",
    "concurrentRequests",
    "serverErrorsPerProjectPerHour",
    "potentiallyThresholdedRequestsPerHour",
    "tokensPerProjectPerHour",
)


class _RowPathError(Exception):
    """The page cannot be mapped column-wise with the row path's exact results."""


# ----------------------------------------------------------------- the JSON schema


@functools.cache
def _schema() -> pa.Schema:
    """The explicit ``pyarrow.json`` schema of a ``RunReportResponse``: every field known."""
    import pyarrow as pa

    value = pa.struct([("value", pa.string())])
    row = pa.struct([("dimensionValues", pa.list_(value)), ("metricValues", pa.list_(value))])
    quota = pa.struct([("consumed", pa.int64()), ("remaining", pa.int64())])
    restriction = pa.struct(
        [("metricName", pa.string()), ("restrictedMetricTypes", pa.list_(pa.int64()))]
    )
    sampling = pa.struct([("samplesReadCount", pa.string()), ("samplingSpaceSize", pa.string())])
    metadata = pa.struct(
        [
            ("currencyCode", pa.string()),
            ("timeZone", pa.string()),
            ("subjectToThresholding", pa.bool_()),
            ("dataLossFromOtherRow", pa.bool_()),
            ("emptyReason", pa.string()),
            ("samplingMetadatas", pa.list_(sampling)),
            (
                "schemaRestrictionResponse",
                pa.struct([("activeMetricRestrictions", pa.list_(restriction))]),
            ),
        ]
    )
    return pa.schema(
        [
            ("dimensionHeaders", pa.list_(pa.struct([("name", pa.string())]))),
            ("metricHeaders", pa.list_(pa.struct([("name", pa.string()), ("type", pa.int64())]))),
            ("rows", pa.list_(row)),
            ("totals", pa.list_(row)),
            ("maximums", pa.list_(row)),
            ("minimums", pa.list_(row)),
            ("rowCount", pa.int64()),
            ("metadata", metadata),
            ("propertyQuota", pa.struct([(kind, quota) for kind in _QUOTAS])),
            ("kind", pa.string()),
        ]
    )


def _present(value: Any) -> Any:
    """``value`` without the ``None`` Arrow puts where the JSON had no field."""
    if isinstance(value, dict):
        return {k: _present(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_present(v) for v in value]
    return value


def arrow_page(content: bytes) -> tuple[Page, pa.StructArray] | None:
    """Parse a ``runReport`` body column-wise: its envelope as dicts, its rows in Arrow.

    Args:
        content: The JSON body.

    Returns:
        The page without ``rows`` (validated like
        :func:`~partnerkit_ga4._client.parse_page` validates it) and the rows as a
        struct array of ``dimensionValues`` / ``metricValues`` lists of ``{value}``
        structs; ``None`` when the body does not fit the explicit schema or is not a
        ``RunReportResponse`` (then parse it with ``parse_page``, which says what is
        wrong with it). Only a body that opens a JSON object reaches ``pyarrow.json``.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.json as pj

    if not _OBJECT_START.match(content):  # pyarrow.json crashes on a body that is null
        logger.debug("A GA4 report page takes the row path (not a JSON object)")
        return None
    if _NULL_WORD.search(content) and _NULL.search(content):
        logger.debug("A GA4 report page takes the row path (a JSON null)")
        return None  # Arrow reads null as absent; the row path tells them apart
    try:
        table = pj.read_json(
            io.BytesIO(content),
            read_options=pj.ReadOptions(use_threads=False, block_size=len(content) + 1),
            parse_options=pj.ParseOptions(
                explicit_schema=_schema(),
                newlines_in_values=True,
                unexpected_field_behavior="error",
            ),
        )
        if table.num_rows != 1:
            raise ValueError(f"{table.num_rows} JSON values instead of one object")
        rest = table.drop_columns(["rows", "totals", "maximums", "minimums"])
        envelope = _present(rest.to_pylist()[0])
        page = PAGE.validate_python(envelope)
        flat: Any = pc.list_flatten(table.column("rows"))
        rows: pa.StructArray = flat.combine_chunks()
        check_envelope(page, has_rows=len(rows) > 0)
    except (pa.ArrowException, ValueError, TypeError) as exc:  # incl. ValidationError
        logger.debug("A GA4 report page takes the row path (%s)", str(exc)[:200])
        return None
    return page, rows


# --------------------------------------------------------------- column helpers


def _count(mask: Any) -> int:
    """True values of a boolean array (nulls are not true)."""
    return int(mask.true_count)


def _text(values: Any, i: int) -> Any:
    """The ``i``-th value of every row's list of ``{value}`` structs (missing: null)."""
    import pyarrow.compute as pc

    return pc.struct_field(pc.list_element(values, i), "value")


def _numbers(text: Any, target: Any, pattern: str) -> Any:
    """Metric strings as numbers; empty or missing is null (the row path's ``None``).

    Raises:
        _RowPathError: A value that is not a number of the pattern's form.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pc.if_else(pc.equal(text, pa.scalar("")), pa.scalar(None, pa.string()), text)
    present = len(text) - text.null_count
    # ASCII digits only (most values) are cheaper to tell than the pattern, and match
    # each of the three (money: at most 22 of them)
    digits = _count(pc.ascii_is_decimal(text)) == present
    if digits and pattern is _MONEY and present:
        digits = pc.max(pc.binary_length(text)).as_py() <= _MONEY_DIGITS
    if not digits:
        ok = pc.match_substring_regex(text, pattern)
        if _count(ok) != present:
            raise _RowPathError("a metric value that is not a plain number")
    try:
        if pa.types.is_decimal(target):
            try:
                return pc.cast(text, target)
            except pa.ArrowInvalid:  # more than 6 decimals: round half to even, as quantize
                wide = pc.cast(text, pa.decimal128(38, 38 - 22))
                return pc.cast(pc.round(wide, MONEY_SCALE, "half_to_even"), target)
        return pc.cast(text, target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise _RowPathError(f"a metric value Arrow does not read ({exc})") from None


def _kind(convert: Callable[[str], Any]) -> tuple[Any, str]:
    """The Arrow type and check of a row-path conversion."""
    import pyarrow as pa

    if convert is _int:
        return pa.int64(), _INTEGER
    if convert is _money:
        return pa.decimal128(38, MONEY_SCALE), _MONEY
    if convert is _float:
        return pa.float64(), _FLOAT
    raise _RowPathError(f"no column-wise form of {convert!r}")  # pragma: no cover


def _parse_day(text: str) -> dt.date | None:
    """A canonical ``YYYYMMDD`` date, or ``None`` (the row path decides about the rest)."""
    if len(text) != 8 or not text.isascii() or not text.isdigit():
        return None
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


def _by_value(text: Any, lookup: Callable[[str], Any], arrow_type: Any) -> Any:
    """Map each distinct string once, in Python, and spread the results by index."""
    import pyarrow as pa
    import pyarrow.compute as pc

    encoded: Any = pc.dictionary_encode(text)
    values = [lookup(v) for v in encoded.dictionary.to_pylist()]
    return pa.array(values, arrow_type).take(encoded.indices)


def _same_as_previous(columns: Sequence[Any]) -> Any:
    """For rows 1..n-1: every column equals the row before (a boolean array)."""
    import pyarrow.compute as pc

    same: Any = None
    for column in columns:
        n = len(column)
        equal = pc.equal(column.slice(1, n - 1), column.slice(0, n - 1))
        same = equal if same is None else pc.and_(same, equal)
    return same


def _with_first(first: bool, rest: Any) -> Any:
    """A boolean array: ``first``, then ``rest``."""
    import pyarrow as pa

    head = pa.array([first], pa.bool_())
    return pa.concat_arrays([head, rest]) if rest is not None and len(rest) else head


def _untyped_nulls(table: pa.Table) -> pa.Table:
    """Extra columns without a value typed ``null``, as the dict path types them."""
    import pyarrow as pa

    n = table.num_rows
    for i, name in enumerate(table.column_names):
        column = table.column(i)
        if name.startswith(_EXTRA) and column.null_count == n and column.type != pa.null():
            table = table.set_column(i, pa.field(name, pa.null()), pa.nulls(n))
    return table


# ------------------------------------------------------------------ the mapper


@dataclass
class _Mapped:
    """One page mapped column-wise, before any state of the mapper changes."""

    columns: dict[str, Any]
    rows: int
    duplicates: int = 0
    other_rows: int = 0
    other_sessions: int = 0
    unknown_groups: set[str] = field(default_factory=set)
    last_dims: list[str] = field(default_factory=list)
    # merge mode: rows the row path's merge step takes, their dims and values, run starts
    merged: Any = None
    by_row: list[int] = field(default_factory=list)
    row_dims: list[list[str]] = field(default_factory=list)
    row_values: list[list[str]] = field(default_factory=list)
    run_start: list[bool] = field(default_factory=list)


class PageMapper(RowMapper):
    """A :class:`~partnerkit_ga4._report.RowMapper` that maps whole pages column-wise.

    Use it as a ``RowMapper`` (``start``, ``page_row_count``, ``finish``), with
    :meth:`arrow_rows` for the pages :func:`arrow_page` parsed; :meth:`rows` still
    takes pages of row dicts. Both share one state, so a chunk may mix them.

    Attributes:
        fallbacks: Pages that took the row path because the column path could not map
            them exactly.
    """

    fallbacks: int = 0

    def arrow_rows(
        self, rows: pa.StructArray, row_dicts: Callable[[], list[Row]]
    ) -> Iterator[dict[str, Any] | pa.Table]:
        """The records of one page's rows: an Arrow table, or record dicts.

        Args:
            rows: The page's rows, as :func:`arrow_page` returns them.
            row_dicts: The same rows as dicts (the page parsed the row way), for the
                fallback.

        Raises:
            DataError, SourceError: As :meth:`rows` raises them, for a page that takes
                the row path.
        """
        if not len(rows):
            return
        try:
            mapped = self._map(rows)
        except _RowPathError as why:
            self.fallbacks += 1
            logger.debug(
                "GA4 property %s, report %r: a page of %d rows takes the row path (%s)",
                self.property_id,
                self.spec.name,
                len(rows),
                why,
            )
            yield from self.rows(row_dicts())
            return
        table = self._commit(mapped)
        if table.num_rows:
            yield table

    # --------------------------------------------------------------- mapping

    def _map(self, rows: Any) -> _Mapped:
        """Map a page column-wise; nothing of the mapper's state changes here."""
        import pyarrow as pa
        import pyarrow.compute as pc

        n = len(rows)
        nd, nm = self._nd, self._nm
        dv = pc.struct_field(rows, "dimensionValues")
        mv = pc.struct_field(rows, "metricValues")
        for lists, width in ((dv, nd), (mv, nm)):
            lengths: Any = pc.list_value_length(lists)
            if _count(pc.equal(lengths, pa.scalar(width, lengths.type))) != n:
                raise _RowPathError("a row without the values asked for")
        dims = [pc.fill_null(_text(dv, i), "") for i in range(nd)]
        values = [_text(mv, i) for i in range(nm)]
        mapped = _Mapped({}, n)
        if self._merge:
            self._plan_merge(mapped, dims, values)
        else:
            same = _same_as_previous(dims) if n > 1 else None
            first = [d[0].as_py() for d in dims] == self._last_dims
            repeat = _with_first(first, same)
            mapped.duplicates = _count(repeat)
            mapped.last_dims = [d[n - 1].as_py() for d in dims]
            if mapped.duplicates:
                kept = pc.invert(repeat)
                dims = [d.filter(kept) for d in dims]
                values = [v.filter(kept) for v in values]
        mapped.columns = self._columns(dims, values, mapped)
        other: Any = None
        for d in dims:
            hit = pc.equal(d, pa.scalar(_OTHER))
            other = hit if other is None else pc.or_(other, hit)
        mapped.other_rows = _count(other)
        if mapped.other_rows:
            sessions = mapped.columns.get("sessions")
            if sessions is not None and pa.types.is_integer(sessions.type):
                total = pc.sum(pc.filter(sessions, other)).as_py()
                mapped.other_sessions = int(total or 0)
        return mapped

    def _columns(self, dims: list[Any], values: list[Any], mapped: _Mapped) -> dict[str, Any]:
        """The record columns of the rows, in the order the row path fills a record."""
        import pyarrow as pa

        n = len(dims[0])
        cols: dict[str, Any] = {}
        for name, value in self._base.items():
            if value is not None:
                cols[name] = pa.repeat(pa.scalar(value, pa.string()), n)
        start, end = self.start_day, self.end_day

        def day(text: str) -> dt.date | None:
            parsed = _parse_day(text)
            if parsed is None or not start <= parsed <= end or parsed.strftime("%Y%m%d") != text:
                raise _RowPathError(f"a date the row path checks: {text!r}")
            return parsed

        cols["date"] = _by_value(dims[0], day, pa.date32())
        for i, column in self._key_dims:
            cols[column] = dims[i]
        if self._channel_index is not None:
            channels = self._channels
            unknown = mapped.unknown_groups

            def channel(group: str) -> str | None:
                if group not in channels:
                    unknown.add(group)
                    return "other"
                return channels[group]

            cols["channel"] = _by_value(dims[self._channel_index], channel, pa.string())
        if self._level_dims:
            import pyarrow.compute as pc

            parts: list[Any] = []
            for j, (i, name) in enumerate(self._level_dims):
                parts += [f"{'|' if j else ''}{name}=", dims[i]]
            cols["segment"] = pc.binary_join_element_wise(*parts, "")
        for i, column, convert in self._metrics:
            cols[column] = _numbers(values[i], *_kind(convert))
        for i, name in self._extra_dims:
            cols[_EXTRA + name] = dims[i]
        for i, name, convert in self._extras:
            cols[_EXTRA + name] = _numbers(values[i], *_kind(convert))
        if self._leads:
            import pyarrow.compute as pc

            leads: Any = None
            for i, name in self._lead_extras:
                count = cols[_EXTRA + name] = _numbers(values[i], pa.float64(), _FLOAT)
                # left to right, None skipped: the row path's running sum
                leads = count if leads is None else pc.coalesce(pc.add(leads, count), leads, count)
            cols["leads"] = leads
        for name in self._blocked_columns:
            cols.pop(name, None)  # missing: null
        for name in self._blocked_extras:
            cols[_EXTRA + name] = pa.nulls(n)
        return cols

    def _plan_merge(self, mapped: _Mapped, dims: list[Any], values: list[Any]) -> None:
        """Pick the rows the merge step takes: runs of one slice, and the page's last run.

        A row continues a run when its date, source, medium and campaign are the row
        before's (row 0: the pending record's, left from the page before). Rows of runs
        of several rows are merged by the row path; so is the last run, which the row
        path holds back until the next page shows whether it continues.
        """
        import pyarrow as pa
        import pyarrow.compute as pc

        n = mapped.rows
        keys = {c: i for i, c in self._key_dims}
        if any(c not in keys for c in _TRAFFIC_KEY[1:]) or self._channel_index is None:
            raise _RowPathError("a merged report without source, medium, campaign and channel")
        key_dims = [dims[0], *(dims[keys[c]] for c in _TRAFFIC_KEY[1:])]
        continues = False
        if self._pending is not None:
            first = [d[0].as_py() for d in key_dims]
            continues = (_parse_day(first[0]), *first[1:]) == self._pending[1]
        cont = _with_first(continues, _same_as_previous(key_dims) if n > 1 else None)
        next_cont = pa.concat_arrays([cont.slice(1), pa.array([False], pa.bool_())])
        starts: Any = pc.indices_nonzero(pc.invert(cont))
        last = int(starts[len(starts) - 1].as_py()) if len(starts) else 0
        tail = pa.concat_arrays(
            [pa.repeat(pa.scalar(False), last), pa.repeat(pa.scalar(True), n - last)]
        )
        mask = pc.or_(pc.or_(cont, next_cont), tail)
        index: Any = pc.indices_nonzero(mask)
        mapped.merged = mask
        mapped.by_row = index.to_pylist()
        taken = [d.take(index).to_pylist() for d in dims]
        mapped.row_dims = [list(row) for row in zip(*taken, strict=True)]
        raw = [pc.fill_null(v, "").take(index).to_pylist() for v in values]
        mapped.row_values = (
            [list(row) for row in zip(*raw, strict=True)] if raw else [[] for _ in index]
        )
        mapped.run_start = [not c for c in cont.take(index).to_pylist()]

    # ----------------------------------------------------------------- commit

    def _commit(self, mapped: _Mapped) -> pa.Table:
        """Apply a mapped page to the mapper's state; the page's table, in row order."""
        import pyarrow as pa

        self._rows += mapped.rows
        self._duplicates += mapped.duplicates
        self._other_rows += mapped.other_rows
        self._other_sessions += mapped.other_sessions
        self._unknown_groups |= mapped.unknown_groups
        for group in mapped.unknown_groups:
            self._channels[group] = "other"
        table = pa.table(mapped.columns)
        if self._merge:
            table = self._merge_rows(table, mapped)
        else:
            self._last_dims = mapped.last_dims
        return _untyped_nulls(table)

    def _merge_rows(self, table: pa.Table, mapped: _Mapped) -> pa.Table:
        """Run the picked rows through the row path's merge step; put records in order.

        Each record the merge step lets go takes the place of its run's first row (the
        record left pending by the page before goes first); the rest of the table keeps
        its rows.
        """
        import pyarrow as pa
        import pyarrow.compute as pc

        out: list[tuple[int, dict[str, Any]]] = []
        position = -1  # of the pending record: the page before's goes first
        channel = self._channel_index or 0
        for k, dims, values, start in zip(
            mapped.by_row, mapped.row_dims, mapped.row_values, mapped.run_start, strict=True
        ):
            record = self._record(dims, values)
            if start:
                if self._pending is not None:
                    out.append((position, self._pending[0]))
                    self._pending = None
                position = k
            let_go = self._merge_step(record, dims[channel])
            if let_go is not None:  # pragma: no cover - a run start flushed it above
                out.append((position, let_go))
        singles = table.filter(pc.invert(mapped.merged))
        if not out:
            return singles
        schema = table.schema
        records = [r for _, r in out]
        arrays = []
        for f in schema:
            if f.name.startswith(_EXTRA):
                name = f.name.removeprefix(_EXTRA)
                column = [(r.get("extra") or {}).get(name) for r in records]
            else:
                column = [r.get(f.name) for r in records]
            arrays.append(pa.array(column, f.type))
        merged = pa.Table.from_arrays(arrays, schema=schema)
        first_single: Any = pc.indices_nonzero(pc.invert(mapped.merged))
        if not len(first_single) or out[-1][0] < int(first_single[0].as_py()):
            return pa.concat_tables([merged, singles])
        positions = pa.concat_arrays(
            [first_single.cast(pa.int64()), pa.array([p for p, _ in out], pa.int64())]
        )
        return pa.concat_tables([singles, merged]).take(pc.sort_indices(positions))
