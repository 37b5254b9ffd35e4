"""The columnar page path of ``ad_insights``: one insights page → one Arrow table.

An insights page (``{"data": [...], "paging": {...}}``, the raw body
``GraphClient.call`` returns) is parsed in one call by ``pyarrow.json`` against an
explicit schema in which every Meta value is a string (Meta sends its numbers as
JSON strings), and mapped to the unified performance record with Arrow compute, a
column at a time. The parse first tries the narrow schema of the keys the request
asks for and the mapping reads (the level's ids and names, the metrics, an
``actions`` entry's type and value, plus the fixed attribution windows), refusing any
other key; a page with another key (a window key nobody asked for, a field Meta
added) is parsed again against every key the row path checks, other keys ignored.
Both give the same columns for what the mapping reads (a field the narrow schema
leaves out is absent from every row of the page it parsed); the narrow one does not
build, for every row, the five window keys of each entry (a third of the parse) or the
ids and names of the levels below the one read.

The mapping:

* ids and names are taken as they are; ``account_name`` and ``attribution`` fall back
  as in :class:`~partnerkit_meta._insights.RowMapper` (an empty value counts as none);
* counts are cast to ``int64``, ``spend`` to ``decimal128(38, 6)``, ``date_start`` to
  ``date32``;
* ``actions`` / ``action_values`` are flattened once (``list_flatten``,
  ``list_parent_indices``); each mapped action type becomes a column of the page's
  length (its value where the row has the type, null where it does not), and the
  rules combine those columns in their listed order: ``first`` with ``coalesce``,
  ``sum`` with ``add`` in the same order the row path adds (so floats are
  bit-identical). With fixed attribution windows an action's amount is the sum of
  its window keys, as on the row path.

The table holds exactly the values ``RowMapper.records`` gives for the same page.
Whatever this path cannot map exactly is left to the row path (pydantic page
validation and ``RowMapper.records``), which gives the same records or raises the
same :class:`~partnerkit.errors.DataError` as before: a body that does not parse
against the explicit schema (a JSON number, object or list where Meta sends a
string, a duplicate key), any JSON ``null``, a row without ``date_start``, a count
that is not plain digits, a date, money or action value Arrow cannot cast (or money
with more than six decimals), an action type listed twice in one row, and an extra
field whose values are not all numbers or all text. ``PageMapper.fallbacks``
counts those pages.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

from typing_extensions import TypedDict

from partnerkit.errors import ResponseShapeError
from partnerkit.records import MONEY_SCALE, PerformanceRecord, arrow_schema
from partnerkit_meta._client import shape_error, validate_page
from partnerkit_meta._insights import (
    PAGE,
    ActionStat,
    Paging,
    RowMapper,
    extra_field_value,
    insights_params,
    is_money_field,
)
from partnerkit_meta._objects import AccountInfo
from partnerkit_meta._settings import BASE_INSIGHTS_FIELDS, ActionRule, Level, MetaSettings

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["MappedPage", "PageMapper"]

#: A pyarrow array. pyarrow-stubs types ``pyarrow.compute`` with overloads narrower
#: than what pyarrow accepts (Python scalars, arrays of any kind), so arrays passed
#: between compute calls are typed loosely here.
Column: TypeAlias = Any

#: A JSON ``null`` token (a value or an array element). Meta leaves absent fields
#: out; Arrow would read a ``null`` as absent, which the row path's validation
#: refuses, so a page with one takes the row path. A match inside a string only
#: costs the fast path, never a wrong value.
_JSON_NULL = re.compile(rb"[:\[,]\s*null\s*[,\]}]")
#: The word alone, looked for first (``re`` finds a literal faster than ``bytes.find``).
_NULL_WORD = re.compile(rb"null")
#: A body that opens a JSON object: the only kind handed to ``pyarrow.json``.
_OBJECT_START = re.compile(rb"[ \t\r\n]*\{")
#: The counts pydantic reads as ``int`` and Arrow casts alike (Arrow alone would
#: also read ``0x10``; ``+5``, `` 5`` or ``5.0``, which only pydantic reads, take the
#: row path).
_DIGITS = r"^-?[0-9]+$"
#: Every row field the row path validates, all strings in Meta's JSON.
_STRING_FIELDS = tuple(sorted(BASE_INSIGHTS_FIELDS - {"actions", "action_values"}))
#: Record column ← Meta field, for the text taken as it is.
_TEXT_COLUMNS = (
    ("campaign_id", "campaign_id"),
    ("campaign_name", "campaign_name"),
    ("ad_group_id", "adset_id"),
    ("ad_group_name", "adset_name"),
    ("ad_id", "ad_id"),
    ("ad_name", "ad_name"),
)
#: Record column ← Meta field, for the counts.
_COUNT_COLUMNS = (
    ("impressions", "impressions"),
    ("reach", "reach"),
    ("clicks", "clicks"),
    ("link_clicks", "inline_link_clicks"),
)
#: The keys of an ``actions`` entry the row path validates (all strings).
_STAT_KEYS = tuple(ActionStat.__annotations__)
#: Any day: the fields a request asks for do not depend on its dates.
_ANY_DAY = dt.date(2026, 1, 1)


class MappedPage(TypedDict):
    """One insights page, mapped: its records and its paging.

    ``records`` is an Arrow table in the performance schema (without ``record_id``,
    which the stream computes) when the columnar path mapped the page, else the row
    path's record dicts.
    """

    records: pa.Table | list[PerformanceRecord]
    paging: Paging


class NotColumnarError(Exception):
    """A page the columnar path cannot map exactly: it takes the row path."""


def _parse_schema(
    extra_fields: Sequence[str],
    stat_keys: Sequence[str],
    row_fields: Sequence[str] = _STRING_FIELDS,
) -> pa.Schema:
    """The explicit ``pyarrow.json`` schema of an insights page: strings throughout.

    Args:
        extra_fields: The extra Insights fields requested.
        stat_keys: The keys of an ``actions`` entry to read.
        row_fields: The string fields of a row to read (all the row path checks).
    """
    import pyarrow as pa

    stat = pa.struct([(key, pa.string()) for key in stat_keys])
    row = pa.struct(
        [(name, pa.string()) for name in row_fields]
        + [("actions", pa.list_(stat)), ("action_values", pa.list_(stat))]
        + [(name, pa.string()) for name in extra_fields]
    )
    cursors = pa.struct([("before", pa.string()), ("after", pa.string())])
    paging = pa.struct([("cursors", cursors), ("next", pa.string()), ("previous", pa.string())])
    return pa.schema([("data", pa.list_(row)), ("paging", paging)])


def _read(body: bytes, schema: pa.Schema, *, unexpected: str) -> pa.Table:
    """One page body parsed by ``pyarrow.json`` against ``schema``, in one block."""
    import pyarrow.json as pj

    return pj.read_json(
        io.BytesIO(body),
        read_options=pj.ReadOptions(use_threads=False, block_size=len(body) + 1),
        parse_options=pj.ParseOptions(
            explicit_schema=schema,
            newlines_in_values=True,
            unexpected_field_behavior=unexpected,  # type: ignore[arg-type]
        ),
    )


class PageMapper(RowMapper):
    """Maps the insights pages of one ad account: columnar when exact, else row by row.

    A :class:`RowMapper` (built with the same arguments) that maps a whole page at
    once where it can; ``unmapped`` and ``count`` cover both paths.

    Attributes:
        fallbacks: Pages the columnar path left to the row path.
    """

    def __init__(self, settings: MetaSettings, level: Level, account: AccountInfo) -> None:
        super().__init__(settings, level, account)
        self.fallbacks = 0
        self._settings = settings
        asked = insights_params(settings, level, _ANY_DAY, _ANY_DAY)["fields"].split(",")
        # the row fields the request asks for (attribution_setting: also when Meta
        # sends it unasked), in the row path's order
        self._row_fields = tuple(
            f
            for f in _STRING_FIELDS
            if f in asked or f == "attribution_setting" or f in settings.breakdowns
        )
        self._schemas: tuple[pa.Schema, pa.Schema] | None = None

    def page(self, body: str | bytes, where: str) -> MappedPage:
        """Map one page body: an Arrow table when the columnar path is exact.

        Args:
            body: The raw page, as ``GraphClient.call`` returns it.
            where: The request, for errors (``meta act_… GET /act_…/insights``).

        Returns:
            The page's records (a table, or record dicts) and its paging.

        Raises:
            ResponseShapeError: The body is not an insights page (JSON but not an
                object, no ``data`` array, a row that is not an object): checked
                before either path maps anything.
            DataError: (row path) a row's field does not fit, or an action value is
                not a number.
        """
        raw = body.encode() if isinstance(body, str) else body
        found = ResponseShapeError.top_level(raw)
        if found is not None:  # checked before any parser: Arrow crashes on a bare null
            raise shape_error(where, at="", expected="a JSON object", found=found)
        try:
            table, paging = self.table(raw)
        except NotColumnarError:
            self.fallbacks += 1
            page = validate_page(PAGE, raw, where)
            return {"records": self.records(page["data"]), "paging": page.get("paging", {})}
        return {"records": table, "paging": paging}

    def table(self, body: bytes) -> tuple[pa.Table, Paging]:
        """The columnar path alone: one page body → (performance table, paging).

        Counts the page's records and unmapped action types as the row path does.

        Raises:
            NotColumnarError: The page is one the columnar path cannot map exactly.
        """
        import pyarrow as pa
        import pyarrow.compute as pc

        if self._split_actions:
            raise NotColumnarError("actions split by more than action_type")
        if not _OBJECT_START.match(body):  # pyarrow.json crashes on a body that is null
            raise NotColumnarError("not a JSON object")
        if _NULL_WORD.search(body) and _JSON_NULL.search(body):
            raise NotColumnarError("a JSON null")
        if self._schemas is None:
            extras, windows = self._settings.extra_fields, self._settings.attribution_windows
            read = ("action_type", "value", *(windows or ()))
            self._schemas = (
                _parse_schema(extras, read, self._row_fields),
                _parse_schema(extras, _STAT_KEYS),
            )
        narrow, full = self._schemas
        try:
            try:
                # The keys mapping reads, any other key an error: most pages. Building
                # the window keys no row has would cost a third of the parse.
                parsed = _read(body, narrow, unexpected="error")
            except pa.ArrowInvalid:
                # Every key the row path checks; other keys ignored, as it ignores them.
                parsed = _read(body, full, unexpected="ignore")
            if parsed.num_rows != 1:
                raise NotColumnarError("not one JSON object")
            data: Column = parsed.column("data").combine_chunks()
            if data.null_count:
                raise NotColumnarError("no data array")
            paging = _paging(parsed.column("paging")[0].as_py())
            rows: Column = pc.list_flatten(data)
            names = [rows.type.field(i).name for i in range(rows.type.num_fields)]
            fields = dict(zip(names, rows.flatten(), strict=True))
            for name in _STRING_FIELDS:  # a field the narrow parse did not ask for: absent
                if name not in fields:
                    fields[name] = pa.nulls(len(rows), pa.string())
            table = self._map(fields, len(rows))
        except pa.ArrowException as exc:
            raise NotColumnarError(str(exc)) from None
        return table, paging

    def _map(self, fields: dict[str, Column], n: int) -> pa.Table:
        """The record columns of a page's row fields (``n`` rows)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        settings, account = self._settings, self._account
        string = pa.string()
        money = pa.decimal128(38, MONEY_SCALE)
        number = pa.float64()

        def constant(value: str | None) -> Column:
            nulls: Column = pa.nulls(n, string)
            return nulls if value is None else pc.fill_null(nulls, pa.scalar(value))

        def or_else(column: Column, default: str | None) -> Column:
            """``row.get(field) or default``: an empty string counts as none."""
            blank = pc.fill_null(pc.equal(column, pa.scalar("")), pa.scalar(False))
            cleared = pc.if_else(blank, pa.scalar(None, string), column)
            return cleared if default is None else pc.fill_null(cleared, default)

        date_start: Column = fields["date_start"]
        if date_start.null_count:
            raise NotColumnarError("a row without date_start")
        pc.cast(fields["date_stop"], pa.date32())  # checked, as the row path does
        cols: dict[str, Column] = {
            "date": pc.cast(date_start, pa.date32()),
            "platform": constant("meta"),
            "account_id": constant(account.id),
            "account_name": or_else(fields["account_name"], account.name),
            "level": constant(self._level),
        }
        for column, field in _TEXT_COLUMNS:
            cols[column] = fields[field]
        if settings.breakdowns:
            parts: list[Column] = []
            for j, name in enumerate(settings.breakdowns):
                parts += [f"{'|' if j else ''}{name}=", pc.fill_null(fields[name], "")]
            cols["segment"] = pc.binary_join_element_wise(*parts, "")
        cols["channel"] = constant("paid_social")
        cols["currency"] = constant(account.currency)
        cols["timezone"] = constant(account.timezone)
        fixed = settings.attribution
        cols["attribution"] = (
            constant(fixed) if fixed else or_else(fields["attribution_setting"], "unified")
        )
        for column, field in _COUNT_COLUMNS:
            counts: Column = fields[field]
            present = n - counts.null_count
            # ASCII digits (the common case) are cheaper to tell than the pattern
            decimal: Column = pc.ascii_is_decimal(counts)
            if decimal.true_count != present:
                digits: Column = pc.match_substring_regex(counts, _DIGITS)
                if digits.true_count != present:
                    raise NotColumnarError(f"{field}: a count that is not plain digits")
            cols[column] = pc.cast(counts, pa.int64())
        cols["spend"] = pc.cast(fields["spend"], money)

        row_numbers = pa.array(range(n), pa.int64())
        windows = settings.attribution_windows
        actions = _Actions(fields["actions"], row_numbers, windows)
        values = _Actions(fields["action_values"], row_numbers, windows)
        mapping = settings.actions
        cols["leads"] = actions.rule(mapping.leads, number)
        cols["conversions"] = actions.rule(mapping.conversions, number)
        cols["conversion_value"] = values.rule(mapping.conversion_value, money)
        extras: dict[str, Column] = {
            name: actions.rule(rule, number) for name, rule in mapping.extra.items()
        }
        for name in settings.extra_fields:
            extras[name] = _extra_field(name, fields[name])
        extras["action_report_time"] = constant(settings.action_report_time)

        present = actions.types() | values.types()
        if not present <= self._mapped:
            self.unmapped.update(present - self._mapped)
        self.count += n

        out_fields: list[pa.Field[Any]] = []
        arrays: list[Column] = []
        for f in arrow_schema("performance"):
            if f.name in cols:
                out_fields.append(pa.field(f.name, f.type))
                arrays.append(cols[f.name])
        for name in sorted(extras):
            # A column no row fills is null-typed, as the row path's extras are.
            array = extras[name] if extras[name].null_count < n else pa.nulls(n)
            out_fields.append(pa.field(f"extra.{name}", array.type))
            arrays.append(array)
        return pa.Table.from_arrays(arrays, schema=pa.schema(out_fields))


class _Actions:
    """One page's ``actions`` (or ``action_values``): a column per action type.

    Args:
        array: The rows' lists of ``{action_type, value, <window>...}`` entries.
        row_numbers: ``0 .. n-1``, the page's row numbers.
        windows: The fixed attribution windows, or ``None`` for each row's own setting.
    """

    def __init__(self, array: Column, row_numbers: Column, windows: tuple[str, ...] | None) -> None:
        import pyarrow as pa
        import pyarrow.compute as pc

        entries: Column = pc.list_flatten(array)
        parents: Column = pc.list_parent_indices(array)
        self._parents: Column = pc.cast(parents, pa.int64())
        self._types: Column = pc.struct_field(entries, "action_type")
        # the value keys, taken out once (filtering the struct would filter every key)
        keys = ("value",) if windows is None else windows
        self._values: dict[str, Column] = {k: pc.struct_field(entries, k) for k in keys}
        self._rows = row_numbers
        self._windows = windows
        self._amounts: dict[tuple[str, str], Column] = {}

    def types(self) -> set[str]:
        """The action types present (an entry without one is skipped, as on the row path)."""
        import pyarrow.compute as pc

        return {t for t in pc.unique(self._types).to_pylist() if t is not None}

    def amount(self, action_type: str, target: Column) -> Column:
        """Each row's amount of ``action_type`` as ``target``; null where the row has none.

        Under each ad set's attribution an amount is the entry's ``value`` (``"0"``
        when it has none); with fixed windows, ``0`` plus each window's value in
        order (``"0"`` for a window it lacks), as the row path adds them.

        Raises:
            NotColumnarError: The type is listed twice in a row (the row path keeps the
                last one), or one of its values does not cast.
        """
        import pyarrow as pa
        import pyarrow.compute as pc

        key = (action_type, str(target))
        cached = self._amounts.get(key)
        if cached is not None:
            return cached
        chosen: Column = pc.equal(self._types, pa.scalar(action_type))
        parents: Column = pc.filter(self._parents, chosen)
        if len(parents) > 1 and pc.any(pc.equal(parents[1:], parents[:-1])).as_py():
            raise NotColumnarError(f"{action_type!r} listed twice in a row")
        zero: Column = pa.scalar("0")
        if self._windows is None:
            value: Column = pc.filter(self._values["value"], chosen)
            amounts = pc.cast(pc.fill_null(value, zero), target)
        else:
            amounts = pc.cast(pc.fill_null(pa.nulls(len(parents), pa.string()), zero), target)
            for window in self._windows:
                value = pc.fill_null(pc.filter(self._values[window], chosen), zero)
                amounts = _add(amounts, pc.cast(value, target), target)
        present: Column = pc.is_in(self._rows, value_set=parents)
        column = pc.replace_with_mask(pa.nulls(len(self._rows), target), present, amounts)
        self._amounts[key] = column
        return column

    def rule(self, rule: ActionRule | None, target: Column) -> Column:
        """A rule's column: the ``first`` listed type present, or the ``sum`` of those present."""
        import pyarrow as pa
        import pyarrow.compute as pc

        if rule is None:
            return pa.nulls(len(self._rows), target)
        result: Column = None
        for action_type in rule.action_types:
            amounts = self.amount(action_type, target)
            if result is None:
                result = amounts
            elif rule.combine == "first":
                result = pc.coalesce(result, amounts)
            else:  # added in the rule's order, as the row path adds
                result = pc.coalesce(_add(result, amounts, target), result, amounts)
        return result


def _add(left: Column, right: Column, target: Column) -> Column:
    """``left + right`` as ``target`` (null where either is null).

    Arrow widens a decimal sum by one digit, past the 38 of ``decimal128``: decimal
    operands are narrowed to 37 digits first (a sum that does not fit fails to cast,
    and the page takes the row path).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(target, pa.Decimal128Type):
        narrow = pa.decimal128(target.precision - 1, target.scale)
        left, right = pc.cast(left, narrow), pc.cast(right, narrow)
    return pc.cast(pc.add(left, right), target)


def _paging(value: Any) -> Paging:
    """The paging object as the row path's validation gives it (absent keys left out)."""
    if not value:
        return {}
    paging: dict[str, Any] = {k: v for k, v in value.items() if v is not None}
    cursors = paging.get("cursors")
    if cursors is not None:
        paging["cursors"] = {k: v for k, v in cursors.items() if v is not None}
    return paging  # type: ignore[return-value]


def _extra_field(name: str, column: Column) -> Column:
    """An extra Insights field as the row path types it: a number, money, or text.

    Raises:
        NotColumnarError: The page mixes numbers and text, or has numbers only
            Python reads (``1_000``, `` 5``).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    target = pa.decimal128(38, MONEY_SCALE) if is_money_field(name) else pa.float64()
    try:
        return pc.cast(column, target)
    except pa.ArrowInvalid:
        pass
    values = pc.unique(column).to_pylist()
    if all(type(extra_field_value(name, v)) is str for v in values if v is not None):
        return column
    raise NotColumnarError(f"extra field {name!r} mixes numbers and text")
