"""pandas views of partnerkit's tables, and how a table's money is shown.

One conversion serves every pandas view the library gives (a stream's
:meth:`~partnerkit.stream.RecordStream.to_pandas`, a result's ``to_pandas()``) and
any Arrow table of partnerkit's you hold, such as a
:class:`~partnerkit.analysis.Dataset` table or the answer of ``Dataset.sql()``::

    from partnerkit.frames import to_pandas

    frame = to_pandas(data.sql("SELECT campaign_id, sum(spend) AS spend FROM performance"))

**Money in pandas is ``Float64``** (pandas' nullable float: a missing amount is
``<NA>``, never 0 or NaN): every decimal column becomes the double nearest its exact
value, so sums, means, division by a count or by another amount, comparison and
``groupby`` all work as they do on any float column. pandas' Arrow decimals do not:
dividing one raises ``ArrowInvalid`` (the result's precision would pass 38 digits),
a division by a zero count raises instead of giving ``inf``, and so does most
arithmetic on an aggregate. Exact decimals stay in the Arrow and polars views and in
DuckDB; the notebook and text displays of results round money to its currency's
minor unit from those exact values (:func:`money_places`).

pandas, pyarrow and babel are imported only when a function needs them.
"""

from __future__ import annotations

import html
import sys
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_EVEN, Context, Decimal
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

__all__ = ["format_money", "html_table", "money_places", "text_table", "to_pandas"]

_WIDE = Context(prec=80)
"""Room for any decimal128 amount (38 digits) whatever the caller's decimal context."""

_SHOWN_ROWS = 50
"""Rows a result's display shows; the rest are counted."""


def _pandas_dtype(arrow_type: pa.DataType) -> Any:
    """The pandas dtype of one Arrow type (``None``: pyarrow's own choice)."""
    import pandas as pd
    import pyarrow as pa

    if pa.types.is_integer(arrow_type):
        return pd.Int64Dtype()
    if pa.types.is_floating(arrow_type):
        return pd.Float64Dtype()
    if pa.types.is_boolean(arrow_type):
        return pd.BooleanDtype()
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return pd.StringDtype()
    if pa.types.is_timestamp(arrow_type):
        return None
    return pd.ArrowDtype(arrow_type)


def _decimal_to_float(column: pa.ChunkedArray[Any]) -> pa.ChunkedArray[Any]:
    """The double nearest each exact decimal.

    Arrow's direct decimal → float cast is off by one unit in the last place for about
    a quarter of values (0.004179 becomes 0.0041789999999999996). A decimal128 whose
    unscaled integer is at most 2**53 is that integer divided by 10**scale, both exact
    doubles, which IEEE division rounds correctly; any other value is parsed from its
    decimal text, which is correctly rounded too (and ten times slower).
    """
    import pyarrow as pa

    return pa.chunked_array([_chunk_to_float(c) for c in column.chunks], pa.float64())


def _chunk_to_float(array: pa.Array[Any]) -> pa.Array[Any]:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    def parsed(values: pa.Array[Any]) -> pa.Array[Any]:
        return pc.cast(pc.cast(values, pa.string()), pa.float64())

    scale = array.type.scale
    if (
        not pa.types.is_decimal128(array.type)
        or not 0 <= scale <= 22
        or len(array) == 0
        or sys.byteorder != "little"  # the words below are read little-endian
    ):
        return parsed(array)
    data = array.buffers()[1]
    assert data is not None  # a decimal array always has its data buffer
    words = np.frombuffer(memoryview(data), dtype="<i8", count=2 * (array.offset + len(array)))
    low, high = words[2 * array.offset :: 2], words[2 * array.offset + 1 :: 2]
    fits = (high == (low >> 63)) & (low >= -(2**53)) & (low <= 2**53)
    values = low.astype(np.float64) / 10.0**scale
    valid = array.is_valid().to_numpy(zero_copy_only=False)
    rest = np.flatnonzero(~fits & valid)
    if len(rest):
        values[rest] = parsed(array.take(rest)).to_numpy(zero_copy_only=False)
    return pa.array(values, pa.float64(), mask=~valid)


def to_pandas(table: pa.Table) -> pd.DataFrame:
    """A pandas DataFrame of a partnerkit Arrow table, with nullable dtypes.

    Counts are ``Int64``, money and every other decimal ``Float64`` (the double
    nearest the exact value; see the module's notes), floats ``Float64``, flags
    ``boolean``, text ``string``, dates ``date32[pyarrow]``, timestamps
    ``datetime64[us, UTC]``. Missing values are ``<NA>``.

    Args:
        table: Any Arrow table: records, a result's table, a ``Dataset.sql()`` answer.

    Raises:
        ImportError: pandas is not installed (the message says how to install it).
    """
    try:
        import pandas  # noqa: F401
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError(
            "to_pandas() needs pandas: install it with `uv add pandas` or "
            "`pip install 'partnerkit[pandas]'`"
        ) from None
    import pyarrow as pa

    for i, field in enumerate(table.schema):
        if pa.types.is_decimal(field.type):
            floats = _decimal_to_float(table.column(i))
            table = table.set_column(
                i, pa.field(field.name, pa.float64(), field.nullable, field.metadata), floats
            )
    return table.to_pandas(types_mapper=_pandas_dtype)


@cache
def money_places(currency: str | None) -> int:
    """Digits after the decimal point of a currency's minor unit (babel's currency data).

    ``ILS`` and ``USD`` have 2, ``JPY`` 0, ``KWD`` 3; a code babel does not know, or
    ``None``, has 2.
    """
    from babel.numbers import get_currency_precision

    return int(get_currency_precision(currency.upper())) if currency else 2


def format_money(value: Decimal | float | int, currency: str | None) -> str:
    """An amount rounded (half to even) to its currency's minor unit, with thousands commas.

    ``format_money(Decimal("1234.5"), "ILS")`` is ``"1,234.50"``;
    ``format_money(Decimal("100.000000"), "JPY")`` is ``"100"``. The value itself is
    not changed: this is for display only.
    """
    exact = value if isinstance(value, Decimal) else Decimal(str(value))
    places = money_places(currency)
    shown = exact.quantize(Decimal(1).scaleb(-places), ROUND_HALF_EVEN, _WIDE)
    return f"{shown.copy_abs() if shown.is_zero() else shown:,f}"


def _plain(value: Any) -> str:
    """A non-money cell: decimals without the padding zeros of their fixed scale."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        shown = f"{value.normalize():f}"
        return "0" if shown in ("-0", "0") else shown
    return str(value)


@cache
def _record_money_names() -> frozenset[str]:
    """Names of the money columns of every record kind (unit ``money`` in records.py)."""
    from partnerkit.records import RecordKind, columns

    return frozenset(
        c.name for kind in RecordKind for c in columns(kind) if c.column.unit == "money"
    )


def _found_money(table: pa.Table) -> set[str]:
    """Columns that say by themselves that they hold money.

    Those whose field metadata says ``unit: money`` (every record table), and decimal
    columns named like a record's money column (``spend``, ``amount``, ...).
    """
    import pyarrow as pa

    found = set()
    for field in table.schema:
        unit = (field.metadata or {}).get(b"unit")
        if unit == b"money" or (
            pa.types.is_decimal(field.type) and field.name in _record_money_names()
        ):
            found.add(field.name)
    return found


def _display_cells(
    table: pa.Table,
    *,
    money: Iterable[str] = (),
    currency: str | None = None,
    rows: int = _SHOWN_ROWS,
) -> list[list[str]]:
    """The first ``rows`` rows of a table as display text, money rounded to its minor unit.

    Money is what :func:`_found_money` finds, and the ``money`` columns a result
    declares: in every row, or, when the table has a text ``unit`` column (a KPI table,
    whose rows mix money, counts and ratios), in the rows whose unit is ``money``.

    A money cell's currency is its row's ``currency`` column, else its field's
    ``currency`` metadata, else ``currency``. Other decimals lose the padding zeros of
    their fixed scale (``100.000000`` shows as ``100``).
    """
    import pyarrow as pa

    found = _found_money(table)
    declared = set(money) & set(table.column_names)
    by_row = "unit" in table.column_names and pa.types.is_string(table.schema.field("unit").type)
    field_currency = {
        f.name: (f.metadata or {}).get(b"currency", b"").decode() or None for f in table.schema
    }
    out: list[list[str]] = []
    for row in table.slice(0, rows).to_pylist():
        row_currency = row.get("currency") if isinstance(row.get("currency"), str) else None
        row_money = found | declared if not by_row or row.get("unit") == "money" else found
        cells = []
        for name, value in row.items():
            if name in row_money and _is_amount(value):
                code = row_currency or field_currency.get(name) or currency
                cells.append(format_money(value, code))
            else:
                cells.append(_plain(value))
        out.append(cells)
    return out


def _is_amount(value: object) -> bool:
    return isinstance(value, Decimal | float | int) and not isinstance(value, bool)


def html_table(table: pa.Table, *, money: Iterable[str] = (), currency: str | None = None) -> str:
    """An HTML table of a table's first rows, money rounded to the currency's minor unit.

    Args:
        table: The rows to show (the first 50; a line says how many more there are).
        money: Columns holding money (found from field metadata and record column
            names as well).
        currency: The currency of money columns without a ``currency`` column of their own.

    Returns:
        ``<table>…</table>`` with every value HTML-escaped.
    """
    head = "".join(f"<th>{html.escape(n)}</th>" for n in table.column_names)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>"
        for cells in _display_cells(table, money=money, currency=currency)
    )
    return (
        f"<table><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>{_more(table, '<p>', '</p>')}"
    )


def text_table(
    table: pa.Table, title: str, *, money: Iterable[str] = (), currency: str | None = None
) -> str:
    """A titled plain-text table of a table's first rows; text left, the rest right.

    Args:
        table: The rows to show (the first 50; a line says how many more there are).
        title: The line above the table.
        money: Columns holding money, as for :func:`html_table`.
        currency: The currency of money columns without a ``currency`` column.

    Returns:
        The table as lines of text.
    """
    import pyarrow as pa

    cells = _display_cells(table, money=money, currency=currency)
    header: Sequence[str] = table.column_names
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(header)]
    text = [pa.types.is_string(f.type) or pa.types.is_large_string(f.type) for f in table.schema]
    lines = [title, "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    for r in cells:
        lines.append(
            "  ".join(
                c.ljust(w) if left else c.rjust(w)
                for c, w, left in zip(r, widths, text, strict=True)
            ).rstrip()
        )
    more = _more(table, "", "")
    return "\n".join([*lines, more] if more else lines)


def _more(table: pa.Table, before: str, after: str) -> str:
    extra = table.num_rows - _SHOWN_ROWS
    return f"{before}… {extra:,} more rows{after}" if extra > 0 else ""
