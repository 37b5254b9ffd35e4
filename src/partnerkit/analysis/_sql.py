"""The one way analyses write SQL: identifiers, literals and parameters for DuckDB.

Analyses build their SQL text from these helpers only; values a user supplies go in
as literals built here (quotes doubled, types explicit) or as ``?`` parameters of
:meth:`~partnerkit.analysis.Dataset.sql`, never pasted into the text by hand.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

__all__ = [
    "Scratch",
    "date_literal",
    "ident",
    "literal",
    "literals",
    "text",
    "timestamp_literal",
]


def ident(name: str) -> str:
    """A quoted SQL identifier (a column or table name): ``"name"``, quotes doubled."""
    return '"' + name.replace('"', '""') + '"'


def text(value: str) -> str:
    """A SQL string literal: ``'value'``, quotes doubled."""
    return "'" + value.replace("'", "''") + "'"


def date_literal(day: dt.date) -> str:
    """A DuckDB ``DATE`` literal."""
    return f"DATE '{day.isoformat()}'"


def timestamp_literal(moment: dt.datetime) -> str:
    """A DuckDB ``TIMESTAMPTZ`` literal of an aware datetime (written in UTC).

    Raises:
        ValueError: A naive datetime (its instant is unknown).
    """
    if moment.tzinfo is None:
        raise ValueError("timestamp literals need an aware datetime")
    utc = moment.astimezone(dt.UTC)
    return f"TIMESTAMPTZ '{utc:%Y-%m-%d %H:%M:%S.%f}+00'"


def literal(value: Any) -> str:
    """A SQL literal of a Python value, typed as DuckDB should read it.

    ``None`` is ``NULL``; booleans, integers, floats (``DOUBLE``), decimals
    (``DECIMAL(38, 10)``), aware datetimes (``TIMESTAMPTZ``), dates (``DATE``); anything
    else is its text as a string literal.
    """
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"CAST({text(repr(value))} AS DOUBLE)"
    if isinstance(value, Decimal):
        return f"CAST({text(format(value, 'f'))} AS DECIMAL(38, 10))"
    if isinstance(value, dt.datetime):
        return timestamp_literal(value)
    if isinstance(value, dt.date):
        return date_literal(value)
    return text(str(value))


def literals(values: Iterable[Any]) -> str:
    """Literals separated by commas, for ``IN (...)`` and list constructors."""
    return ", ".join(literal(v) for v in values)


class Scratch:
    """Temporary tables and registered Arrow tables on one cursor, dropped at the end.

    Use as a context manager around one call of an analysis; every name it creates
    carries a random prefix, so calls on other cursors never collide.

    Args:
        con: The calling thread's cursor (:meth:`~partnerkit.analysis.Dataset.cursor`).
    """

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.prefix = f"_pk_{uuid.uuid4().hex[:10]}_"
        self._tables: list[str] = []
        self._views: list[str] = []

    def __enter__(self) -> Scratch:
        return self

    def __exit__(self, *exc: object) -> None:
        for name in reversed(self._tables):
            self.con.execute(f"DROP TABLE IF EXISTS {name}")
        for name in self._views:
            self.con.unregister(name)

    def register(self, name: str, table: pa.Table) -> str:
        """Register an Arrow table under a prefixed name; return that name."""
        full = self.prefix + name
        self.con.register(full, table)
        self._views.append(full)
        return full

    def table(self, name: str, query: str) -> str:
        """Create (or replace) a temporary table from a query; return its name."""
        full = self.prefix + name
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {full} AS {query}")
        if full not in self._tables:
            self._tables.append(full)
        return full

    def arrow(self, query: str) -> pa.Table:
        """Run a query and return its Arrow table."""
        relation = self.con.sql(query)
        assert relation is not None
        table: pa.Table = relation.to_arrow_table()
        return table

    def rows(self, query: str) -> list[tuple[Any, ...]]:
        """Run a query and return its rows."""
        return self.con.execute(query).fetchall()

    def scalar(self, query: str) -> Any:
        """Run a query and return its first value (``None`` without rows)."""
        rows = self.rows(query)
        return rows[0][0] if rows else None
