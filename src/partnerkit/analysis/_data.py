"""What every analysis reads (:class:`Dataset`) and returns (:class:`Result`).

A :class:`Dataset` holds the unified records by kind as Arrow tables and exposes
them to DuckDB as the views ``performance``, ``lead``, ``deal`` and ``campaign`` —
analyses are SQL over columns, never Python loops over rows. A :class:`Result` is
a typed object with a table view (Arrow, pandas, polars) and a notebook display.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from partnerkit.errors import ConfigurationError
from partnerkit.records import RecordKind, arrow_schema

if TYPE_CHECKING:
    from typing import ClassVar

    import duckdb
    import pandas as pd
    import polars as pl
    import pyarrow as pa

    from partnerkit.stream import RecordStream

__all__ = ["Dataset", "Result"]

_VIEW = {
    RecordKind.PERFORMANCE: "performance",
    RecordKind.LEAD: "lead",
    RecordKind.DEAL: "deal",
    RecordKind.CAMPAIGN: "campaign",
}


class Dataset:
    """The unified records an analysis works on, one Arrow table per record kind.

    Build it from streams, from Arrow tables, or from a DuckDB warehouse file. A
    kind that was not given is an empty table with the kind's schema, so every
    analysis can query every view.

    Attributes:
        tables: The Arrow table of each record kind.
    """

    def __init__(self, tables: Mapping[RecordKind | str, pa.Table] | None = None) -> None:
        """Wrap Arrow tables keyed by record kind (``"performance"``, ``"lead"``, ...)."""
        import pyarrow as pa

        given = {RecordKind(k): v for k, v in (tables or {}).items()}
        self.tables: dict[RecordKind, pa.Table] = {
            kind: given[kind]
            if kind in given
            else pa.Table.from_batches([], schema=arrow_schema(kind))
            for kind in RecordKind
        }
        self._con: duckdb.DuckDBPyConnection | None = None

    @classmethod
    def from_streams(cls, streams: Iterable[RecordStream]) -> Dataset:
        """Read streams (of any kinds) into a dataset; streams of one kind are concatenated."""
        import pyarrow as pa

        parts: dict[RecordKind, list[pa.Table]] = {}
        for stream in streams:
            parts.setdefault(stream.kind, []).append(stream.to_arrow())
        return cls({k: pa.concat_tables(v, promote_options="permissive") for k, v in parts.items()})

    @classmethod
    def from_records(cls, records: Mapping[RecordKind | str, Iterable[Any]]) -> Dataset:
        """Validate record dicts by kind (as connectors yield them) into a dataset."""
        from partnerkit.stream import RecordStream

        return cls.from_streams(
            RecordStream.from_records(kind, rows, name=f"{RecordKind(kind).value} records")
            for kind, rows in records.items()
        )

    @classmethod
    def from_duckdb(cls, path: str | Path) -> Dataset:
        """Load the record tables of a DuckDB warehouse (tables named by record kind).

        Raises:
            ConfigurationError: The file does not exist.
        """
        import duckdb

        if not Path(path).exists():
            raise ConfigurationError(f"no DuckDB warehouse at {path}")
        con = duckdb.connect(str(path), read_only=True)
        try:
            have = {row[0] for row in con.execute("SHOW TABLES").fetchall()}
            tables: dict[RecordKind | str, pa.Table] = {
                kind: _arrow(con.sql(f'SELECT * FROM "{view}"'))
                for kind, view in _VIEW.items()
                if view in have
            }
        finally:
            con.close()
        return cls(tables)

    @property
    def connection(self) -> duckdb.DuckDBPyConnection:
        """A private in-memory DuckDB connection with the four views registered."""
        if self._con is None:
            import duckdb

            con = duckdb.connect()
            for kind, view in _VIEW.items():
                con.register(view, self.tables[kind])
            self._con = con
        return self._con

    def schema(self, kind: RecordKind | str) -> pa.Schema:
        """The Arrow schema of one record kind's table (columns and types)."""
        schema: pa.Schema = self.tables[RecordKind(kind)].schema
        return schema

    def row_count(self, kind: RecordKind | str) -> int:
        """How many records of one kind the dataset holds."""
        return int(self.tables[RecordKind(kind)].num_rows)

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A DuckDB connection for the calling thread, with the four views registered.

        Use it within one call of an analysis (temporary tables and registrations made on
        it are its own); do not hand it to another thread.
        """
        return self.connection

    def sql(self, query: str, params: Iterable[Any] | None = None) -> pa.Table:
        """Run SQL over the views ``performance``, ``lead``, ``deal``, ``campaign``."""
        return _arrow(self.connection.sql(query, params=list(params) if params else None))

    def __repr__(self) -> str:
        counts = ", ".join(f"{_VIEW[k]}={t.num_rows:,}" for k, t in self.tables.items())
        return f"<Dataset {counts}>"


def _arrow(relation: duckdb.DuckDBPyRelation | None) -> pa.Table:
    if relation is None:
        raise ConfigurationError("the SQL statement returned no rows to read")
    table: pa.Table = relation.to_arrow_table()
    return table


class Result:
    """Base class of analysis results: a table view plus a readable display.

    Subclasses implement :meth:`to_arrow` and set :attr:`title` (and
    :attr:`money_columns` where a money column is not found by itself). The notebook
    display (``_repr_html_``) and ``str()`` show the first 50 rows with money rounded
    to its currency's minor unit; the table views keep the exact values.
    """

    title: str = "Result"
    #: Columns of :meth:`to_arrow` that hold money, beyond those found by themselves
    #: (field metadata ``unit: money``; a record money column's name such as ``spend``);
    #: in a table with a ``unit`` column, only in rows whose unit is ``money``. The
    #: displays round money to the currency's minor unit: the row's ``currency``
    #: column, else the result's ``currency`` attribute.
    money_columns: ClassVar[tuple[str, ...]] = ()

    def to_arrow(self) -> pa.Table:
        """The result as an Arrow table (one row per item)."""
        raise NotImplementedError

    def to_pandas(self) -> pd.DataFrame:
        """The result as a pandas DataFrame (money ``Float64``: see :mod:`partnerkit.frames`)."""
        from partnerkit.frames import to_pandas

        return to_pandas(self.to_arrow())

    def to_polars(self) -> pl.DataFrame:
        """The result as a polars DataFrame."""
        import polars as pl

        frame = pl.from_arrow(self.to_arrow())
        assert isinstance(frame, pl.DataFrame)
        return frame

    def _repr_html_(self) -> str:
        from partnerkit.frames import html_table

        table = html_table(self.to_arrow(), **self._money())
        return f"<h4>{html.escape(self.title)}</h4>{table}"

    def __str__(self) -> str:
        from partnerkit.frames import text_table

        try:
            table = self.to_arrow()
        except NotImplementedError:
            return repr(self)
        return text_table(table, self.title, **self._money())

    def _money(self) -> dict[str, Any]:
        """How the displays find money: :attr:`money_columns` and a ``currency`` attribute."""
        currency = getattr(self, "currency", None)
        return {
            "money": self.money_columns,
            "currency": currency if isinstance(currency, str) else None,
        }
