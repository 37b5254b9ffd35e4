"""Column-wise conversion: a chunk of a file's rows becomes one Arrow table of records.

Each mapped column of a chunk is converted as a whole. The cells every file is full of
(ASCII digits, plain numbers in the file's format, plain text, the null texts) are
cast by Arrow compute; every other cell goes through the same per-cell rule as the
row-by-row reader (:func:`cell`), once per distinct value. A row with a problem in any
cell is left out of the table and reported, with every problem of the row in column
order, exactly as the row-by-row reader reports it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from decimal import Context, Decimal
from functools import cache
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, cast

from partnerkit.records import MONEY_SCALE
from partnerkit_files._parse import (
    ASCII_SPACE,
    REDACTED,
    AutoExtra,
    CellError,
    Money,
    NumberFormat,
    check_currency,
    check_text,
    has_control,
    plain_ascii,
)

if TYPE_CHECKING:
    import pyarrow as pa

_WIDE = Context(prec=80)

__all__ = [
    "BAD",
    "NULL",
    "OK",
    "CellRule",
    "Converted",
    "Fast",
    "Problem",
    "cell",
    "convert_column",
]

Role = Literal["column", "extra", "email", "phone"]
#: The cells Arrow compute converts by itself: whole numbers, floats, money, text.
Fast = Literal["int", "float", "money", "text"] | None

OK, NULL, BAD = 0, 1, 2
#: The most cell outcomes a column remembers from chunk to chunk (then it starts over).
KNOWN_OUTCOMES = 65_536
#: ``_parse._CONTROL`` in RE2's syntax.
_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x{9f}]"


def _text_bytes(column: Any) -> bytes | None:
    """The UTF-8 bytes of a string array's cells (and maybe more), or None."""
    buffers = column.buffers()
    if len(buffers) < 3 or buffers[2] is None:
        return None
    return bytes(buffers[2])


class Problem(NamedTuple):
    column: str | None
    value: Any
    reason: str


def _text(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


class CellRule(NamedTuple):
    """What the per-cell rule (:func:`cell`) needs to know of one mapped column.

    Attributes:
        header: The file's header, for problems.
        target: The record column, for problems.
        convert: The column's per-cell converter.
        required: Whether an empty cell is a problem.
        redact: Whether problems show ``<redacted>`` instead of the cell.
        is_null: The file's null test.
    """

    header: str
    target: str
    convert: Callable[[Any], Any]
    required: bool
    redact: bool
    is_null: Callable[[Any], bool]


def cell(raw: Any, rule: CellRule) -> tuple[int, Any]:
    """The rule for one cell: ``(OK, value)``, ``(NULL, None)`` or ``(BAD, Problem)``.

    A text cell with a control character is rejected before anything else (U+001F
    would strip to an empty cell); an empty cell is null, or a problem when the column
    is required; anything else is converted or rejected with the converter's reason.
    """
    header, target, convert, required, redact, is_null = rule
    if raw.__class__ is str and has_control(raw):
        try:
            check_text(raw)
        except CellError as exc:
            return BAD, Problem(header, REDACTED if redact else raw, exc.reason)
    if is_null(raw):
        if required:
            return BAD, Problem(header, raw, f"the cell is empty but {target!r} is required")
        return NULL, None
    try:
        return OK, convert(raw)
    except CellError as exc:
        return BAD, Problem(header, REDACTED if redact else raw, exc.reason)


class Converted(NamedTuple):
    """One column of a chunk, converted.

    Attributes:
        values: The values, null where the cell is null or has a problem, or holds an
            amount written with currency marks (in ``marked``).
        problems: Row index to the cell's problem.
        marked: Row index to an amount with currency marks, still to be checked
            against its row's currency.
        raw: The cells as written, stripped, where they converted (for
            ``keep_raw_email``); None unless asked for.
    """

    values: pa.Array[Any]
    problems: dict[int, Problem]
    marked: dict[int, Money]
    raw: pa.Array[Any] | None


def _class(chars: str) -> str:
    """A one-character RE2 class matching ``chars`` literally."""
    return "[" + "".join("\\" + c if c in "\\]^-[" else c for c in chars) + "]"


@cache
def _number_pattern(kind: str, fmt: NumberFormat) -> str:
    """The plain numbers a fast column casts: no sign (money: ``-`` first), no spaces."""
    group = (
        rf"|[0-9]{{1,3}}(?:{_class(fmt.group)}[0-9]{{3}}){{1,{9 if kind == 'money' else 4}}}"
        if fmt.group
        else ""
    )
    decimal = _class(fmt.decimal)
    if kind == "int":
        return r"^[0-9]{1,18}$"
    if kind == "money":
        return rf"^-?(?:[0-9]{{1,32}}{group})(?:{decimal}[0-9]{{1,6}})?$"
    return rf"^(?:[0-9]{{1,15}}{group})(?:{decimal}[0-9]{{1,30}})?$"


#: The most digits the quick test takes before the point, and after it, per kind
#: (within what :func:`_number_pattern` takes).
_DIGITS = {"int": (18, 0), "float": (15, 30), "money": (32, MONEY_SCALE)}


def _plain_digits(column: Any, fast: str, point: str) -> Any:
    """Which cells are ASCII digits with at most one ``point`` between digits.

    A quicker test than :func:`_number_pattern` (no sign, no thousands separator),
    for the cells nearly every file is made of; it takes no cell the pattern refuses.
    Only ASCII cells count (the caller masks the others out): whole numbers are tested
    as ASCII digits of at most their length in bytes (a cell of ASCII digits has as many
    bytes as characters; a cell that is not ASCII is refused by the test and by the
    mask alike), numbers with a point by where the point is when the column holds
    nothing but digits and points (:func:`_dotted`), else by one short RE2 pattern.
    """
    import pyarrow.compute as pc

    compute: Any = pc  # the stubs type scalars too narrowly for these mixed calls
    if fast == "int":
        before, _ = _DIGITS[fast]
        length = compute.binary_length(column)
        return compute.and_(compute.ascii_is_decimal(column), compute.less_equal(length, before))
    dotted = _dotted(column, fast, point)
    if dotted is not None:
        return dotted
    return compute.match_substring_regex(column, _plain_pattern(fast, point))


_DIGIT_BYTES = b"0123456789"


def _dotted(column: Any, fast: str, point: str) -> Any:
    """:func:`_plain_pattern`'s test by lengths, for a column of digits and points only.

    When every byte of the column's text is an ASCII digit or the (ASCII) point, and
    the points number as many as the cells holding one (so none holds two), a cell
    matches ``^[0-9]{1,B}(?:P[0-9]{1,A})?$`` exactly when, with ``L`` its length and
    ``p`` the position of its point: ``1 <= L <= B`` without a point, ``1 <= p <= B``
    and ``1 <= L - p - 1 <= A`` with one. Two substring kernels and a few integer
    comparisons instead of RE2 per cell (about 40% less time). None when the column
    holds anything else (signs, separators, text, a second point): the pattern decides.
    """
    import pyarrow.compute as pc

    if len(point) != 1 or not point.isascii() or point.isdigit():
        return None
    data = _text_bytes(column)  # the cells' bytes, maybe more: only ever too careful
    mark = point.encode()
    if data is None or data.translate(None, _DIGIT_BYTES + mark):
        return None
    compute: Any = pc
    where = compute.find_substring(column, point)
    has = compute.greater_equal(where, 0)
    if data.count(mark) != has.true_count:
        return None
    before, after = _DIGITS[fast]
    length = compute.binary_length(column)
    decimals = compute.subtract(compute.subtract(length, where), 1)
    whole = compute.and_(compute.greater_equal(length, 1), compute.less_equal(length, before))
    dotted = compute.and_(
        compute.and_(compute.greater_equal(where, 1), compute.less_equal(where, before)),
        compute.and_(compute.greater_equal(decimals, 1), compute.less_equal(decimals, after)),
    )
    return compute.if_else(has, dotted, whole)


@cache
def _plain_pattern(fast: str, point: str) -> str:
    """The RE2 pattern of :func:`_plain_digits` for a kind with decimals."""
    before, after = _DIGITS[fast]
    return rf"^[0-9]{{1,{before}}}(?:{_class(point)}[0-9]{{1,{after}}})?$"


def _fast(
    column: pa.Array[Any],
    fast: Fast,
    target: pa.DataType,
    fmt: NumberFormat,
    nulls: pa.Array[Any],
    required: bool,
    plain: bool,
) -> tuple[pa.Array[Any], pa.Array[Any]]:
    """Convert the plain cells of a text column: ``(values, handled)``.

    ``handled`` marks the cells whose value (or null) is final; the others take the
    per-cell rule.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(column)
    data = None if plain else _text_bytes(column)
    clean: Any = None  # None: every cell is ASCII without a control character
    if not plain and not (data is not None and plain_ascii(data)):
        clean = pc.and_(
            pc.string_is_ascii(column), pc.invert(pc.match_substring_regex(column, _CONTROL))
        )

    def only_clean(mask: Any) -> Any:
        return mask if clean is None else pc.and_(clean, mask)

    def null_cells(trimmed: Any) -> Any:
        # The null texts are stripped, so an ASCII cell is null when its stripped text is.
        return only_clean(pc.is_in(trimmed, value_set=nulls))

    converted: Any
    values: Any
    null: Any
    if fast == "text":
        trimmed = pc.utf8_trim(column, ASCII_SPACE)
        null = null_cells(trimmed)
        if clean is None and not null.true_count:
            converted, values = pc.invert(null), trimmed
        else:
            converted = only_clean(pc.invert(null))
            values = pc.if_else(converted, trimmed, pa.scalar(None, pa.string()))
    elif fast is None:
        converted = pa.repeat(False, n)
        values = pa.nulls(n, cast(Any, target))
        null = null_cells(pc.utf8_trim(column, ASCII_SPACE))
    else:
        pattern = _number_pattern(fast, fmt)
        converted = only_clean(_plain_digits(column, fast, fmt.decimal))
        # Cells taken by the quick test hold no thousands separator (unless it is a digit):
        # only those the whole pattern takes may (one pass less over the column without).
        grouped = fmt.group.isdigit()
        if converted.true_count < n:  # signs, thousands separators: the whole pattern
            others = pc.indices_nonzero(pc.invert(converted))
            matched = only_clean(pc.match_substring_regex(column, pattern)).take(others)
            converted = pc.replace_with_mask(converted, pc.invert(converted), matched)
            grouped = True
        if pc.any(pc.match_substring_regex(nulls, pattern)).as_py():
            null = null_cells(pc.utf8_trim(column, ASCII_SPACE))  # a null text like "0"
            converted = pc.and_(converted, pc.invert(null))
        all_plain = converted.true_count == n
        text = column if all_plain else pc.if_else(converted, column, pa.scalar(None, pa.string()))
        if fast != "int":
            if fmt.group and grouped:
                text = pc.replace_substring(text, fmt.group, "")
            if fmt.decimal != ".":
                text = pc.replace_substring(text, fmt.decimal, ".")
        values = text.cast(target)
        if all_plain:
            return values, converted
        null = null_cells(pc.utf8_trim(column, ASCII_SPACE))
    handled = converted if required else pc.or_(converted, null)
    return values, handled


def _native(column: Any, fast: Fast, type_: Any) -> tuple[Any, Any] | None:
    """Convert the plain cells of a typed column (Parquet): ``(values, handled)``.

    Whole numbers that are not negative (a negative one may be a count: the per-cell
    rule decides) and dates are taken as they are; None for any other column.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if not isinstance(column, pa.Array | pa.ChunkedArray) or type_ is None:
        return None
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    kind = column.type
    if fast == "int" and pa.types.is_integer(kind) and pa.types.is_integer(type_):
        try:
            values = column.cast(type_)
        except pa.ArrowInvalid:  # an unsigned value beyond int64: the per-cell rule says so
            return None
        compute: Any = pc
        return values, compute.fill_null(compute.greater_equal(column, 0), False)
    if pa.types.is_date(kind) and pa.types.is_date32(type_):
        return column.cast(type_), pc.is_valid(column)
    return None


def convert_column(
    column: Any,
    rule: CellRule,
    *,
    fast: Fast,
    type_: pa.DataType | None,
    fmt: NumberFormat,
    nulls: pa.Array[Any],
    money: bool,
    keep_raw: bool,
    plain: bool = False,
    known: dict[Any, tuple[int, Any]] | None = None,
) -> Converted:
    """Convert one column of a chunk (see :class:`Converted`).

    Args:
        column: An Arrow array, or a list of native cells.
        rule: The column's per-cell rule.
        fast: Which plain cells Arrow compute converts (None: every cell per cell).
        type_: The values' Arrow type (None: inferred, for exact decimal extras).
        fmt: The file's number format.
        nulls: The file's null texts, as an Arrow string array.
        money: Whether amounts with currency marks are kept for their row's check.
        keep_raw: Whether to keep the stripped cells (the raw email).
        plain: Every cell is known to be ASCII text without a control character.
        known: The outcomes of the column's text cells in earlier chunks, by text,
            filled as cells are converted (None: no memory; only for a converter whose
            outcome depends on the cell alone).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    convert, required, is_null = rule.convert, rule.required, rule.is_null
    if isinstance(convert, AutoExtra) and convert.kind is None:
        values_seen = column.to_pylist() if isinstance(column, pa.Array) else column
        for raw in values_seen:
            if not (raw.__class__ is str and has_control(raw)) and not is_null(raw):
                with contextlib.suppress(CellError):  # the first value always fits
                    convert(raw)  # the first value decides the column's type
                break
    if isinstance(convert, AutoExtra):
        decided = convert.kind
        fast = "float" if decided == "number" else "text" if decided == "text" else None
        type_ = (
            pa.float64()
            if decided == "number"
            else pa.bool_()
            if decided == "bool"
            else pa.string()
        )
    values: Any = None
    rest: Any = None
    rest_index: Any = None
    rest_column: Any = column
    text_column = isinstance(column, pa.Array) and pa.types.is_string(column.type)
    quick = None
    if not keep_raw:
        if not text_column:
            quick = _native(column, fast, type_)
        elif type_ is not None and fast is not None:
            quick = _fast(column, fast, type_, fmt, nulls, required, plain)
    if quick is not None:
        values, handled = quick
        rest = pc.invert(handled)
        if not rest.true_count:
            return Converted(values, {}, {}, None)
        rest_index = pc.indices_nonzero(rest)
        rest_column = column.take(rest_index)

    def outcome_of(raw: Any) -> tuple[int, Any]:
        return cell(raw, rule)

    problems: dict[int, Problem] = {}
    marked: dict[int, Money] = {}
    raw_array = None
    if (
        isinstance(rest_column, pa.Array)
        and not keep_raw
        and not pa.types.is_nested(rest_column.type)
    ):  # each distinct value once
        encoded: Any = pc.dictionary_encode(rest_column, null_encoding="encode")
        codes = encoded.indices
        distinct = encoded.dictionary.to_pylist()
        if known is None:
            outcomes = [outcome_of(raw) for raw in distinct]
        else:  # a file repeats its days, names and ids from chunk to chunk
            if len(known) > KNOWN_OUTCOMES:
                known.clear()
            outcomes = []
            for raw in distinct:
                if raw.__class__ is not str:  # equal values may differ (0.0, -0.0): no memory
                    outcomes.append(outcome_of(raw))
                    continue
                remembered = known.get(raw)
                if remembered is None:
                    remembered = known[raw] = outcome_of(raw)
                outcomes.append(remembered)
        found = [
            status == OK and not (money and value.__class__ is Money) for status, value in outcomes
        ]
        replacement = _array(
            [value if ok else None for ok, (_, value) in zip(found, outcomes, strict=True)],
            type_,
        ).take(codes)
        odd = [k for k, (status, _) in enumerate(outcomes) if status != NULL and not found[k]]
        if odd:
            rows = pc.indices_nonzero(pc.is_in(codes, pa.array(odd, codes.type))).to_pylist()
            where = rows if rest_index is None else rest_index.take(pa.array(rows)).to_pylist()
            for row, i in zip(rows, where, strict=True):
                status, value = outcomes[codes[row].as_py()]
                if status == BAD:
                    problems[i] = value
                else:
                    marked[i] = value
    else:  # cell by cell (Excel cells, lists, the raw email)
        n = len(column)
        cells = rest_column.to_pylist() if isinstance(rest_column, pa.Array) else rest_column
        indices = range(n) if rest_index is None else rest_index.to_pylist()
        out: list[Any] = []
        raw_out: list[Any] | None = [None] * n if keep_raw else None
        seen: dict[Any, tuple[int, Any]] = {}
        for i, raw in zip(indices, cells, strict=True):
            key: Any = (raw.__class__, raw)
            outcome: tuple[int, Any] | None
            try:
                outcome = seen.get(key)
            except TypeError:  # an unhashable cell (a list)
                key, outcome = None, None
            if outcome is None:
                outcome = outcome_of(raw)
                if key is not None:
                    seen[key] = outcome
            status, value = outcome
            if status == BAD:
                problems[i] = value
                out.append(None)
                continue
            if money and value.__class__ is Money:
                marked[i] = value
                out.append(None)
                continue
            out.append(value)
            if raw_out is not None and status == OK:
                raw_out[i] = _text(raw).strip()
        replacement = _array(out, type_)
        raw_array = None if raw_out is None else pa.array(raw_out, pa.string())
    if values is None:
        values = replacement
    else:
        values = pc.replace_with_mask(values, rest, replacement.cast(values.type))
    return Converted(values, problems, marked, raw_array)


def _array(values: list[Any], type_: pa.DataType | None) -> pa.Array[Any]:
    """Values as an Arrow array of ``type_``.

    Exact decimal extras (no type) are rounded to the money scale (half to even, as
    the stream rounds a dict record's decimal extras) into ``decimal128(38, 6)``; their
    converter refuses more than 32 digits before the point, so they fit.
    """
    import pyarrow as pa

    if type_ is None:
        quantum = Decimal(1).scaleb(-MONEY_SCALE)
        exact = [None if v is None else v.quantize(quantum, context=_WIDE) for v in values]
        return pa.array(exact, pa.decimal128(38, MONEY_SCALE))
    if pa.types.is_decimal(type_):
        try:
            return pa.array(values, type_)
        except pa.ArrowInvalid:  # trailing zeros beyond the money scale: exact anyway
            quantum = Decimal(1).scaleb(-MONEY_SCALE)
            return pa.array(
                [v.quantize(quantum) if isinstance(v, Decimal) else v for v in values], type_
            )
    return pa.array(values, type_)


def resolve_marked(
    marked: dict[int, Money], currency: Callable[[int], str | None], header: str
) -> tuple[dict[int, Decimal], dict[int, Problem]]:
    """Check amounts written with currency marks against their rows' currency."""
    amounts: dict[int, Decimal] = {}
    problems: dict[int, Problem] = {}
    for i, money in marked.items():
        try:
            amounts[i] = check_currency(money, currency(i))
        except CellError as exc:
            problems[i] = Problem(header, money.text, exc.reason)
    return amounts, problems


def set_values(values: pa.Array[Any], updates: dict[int, Any]) -> pa.Array[Any]:
    """``values`` with the rows in ``updates`` replaced."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not updates:
        return values
    mask = [False] * len(values)
    for i in updates:
        mask[i] = True
    ordered = [updates[i] for i in sorted(updates)]
    replaced: pa.Array[Any] = pc.replace_with_mask(
        values, pa.array(mask, pa.bool_()), _array(ordered, values.type)
    )
    return replaced


def field_fast(python_type: Any, unit: str | None) -> Fast:
    """Which plain cells of a record column Arrow compute converts."""
    import datetime as dt

    if python_type is Decimal and unit == "count":
        return None  # hours: a number or a duration, never negative (the per-cell parser)
    if unit == "money" or python_type is Decimal:
        return "money"
    if python_type is bool or python_type is dt.date:
        return None
    if python_type is int:
        return "int"
    if python_type is float:
        return "float"
    if python_type is str and unit not in ("currency_code", "timezone"):
        return "text"
    return None


def extra_fast(kind: str) -> tuple[Fast, Any]:
    """Which plain cells of an extra column Arrow compute converts, and its Arrow type."""
    import pyarrow as pa

    kinds: dict[str, tuple[Fast, Any]] = {
        "text": ("text", pa.string()),
        "integer": ("int", pa.int64()),
        "number": ("float", pa.float64()),
        "bool": (None, pa.bool_()),
        "decimal": (None, None),
    }
    return kinds.get(kind, (None, pa.string()))


def null_texts(values: Sequence[str]) -> pa.Array[Any]:
    """The file's null texts as an Arrow array, for ``is_in``."""
    import pyarrow as pa

    return pa.array(sorted(values), pa.string())
