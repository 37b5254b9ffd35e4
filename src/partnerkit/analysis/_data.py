"""What every analysis reads (:class:`Dataset`) and returns (:class:`Result`).

A :class:`Dataset` exposes the unified records to DuckDB as the views
``performance``, ``lead``, ``deal`` and ``campaign`` — analyses are SQL over
columns, never Python loops over rows. Built from a warehouse file it queries the
file where it lies (attached read-only); built from streams, records or Arrow tables
it queries those tables in place. Any number of threads may query one dataset: each
thread gets its own DuckDB connection (:meth:`Dataset.cursor`). A :class:`Result` is
a typed object with a table view (Arrow, pandas, polars) and a notebook display.
"""

from __future__ import annotations

import html
import os
import tempfile
import threading
import uuid
import weakref
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from partnerkit._closing import Closing
from partnerkit.errors import ConfigurationError, PartnerkitError, WarehouseError
from partnerkit.records import RecordKind, arrow_schema
from partnerkit.store.read import FileClaim, attach_read_only, claim_file, map_duckdb_error

if TYPE_CHECKING:
    from typing import ClassVar

    import duckdb
    import pandas as pd
    import polars as pl
    import pyarrow as pa

    from partnerkit.stream import RecordStream

__all__ = ["READ_MEMORY_LIMIT", "VIEWS", "Dataset", "Result", "grows_memory"]

P = ParamSpec("P")
R = TypeVar("R")

#: The view each record kind is read through: named by the kind (``performance``, ...).
VIEWS: dict[RecordKind, str] = {kind: kind.value for kind in RecordKind}

_ATTACHED = "partnerkit_warehouse"
"""The name a warehouse file is attached under in a dataset's own database."""

READ_MEMORY_LIMIT = "64MB"
"""DuckDB's memory budget for a dataset over a warehouse file; larger work spills to disk.

It bounds the pages DuckDB keeps cached, so a dataset's memory does not grow with
the warehouse. A query that needs more and cannot spill (a large ``list()``, say) gets
the budget quadrupled and runs again, up to :data:`_BUDGET_CEILING_MIB`."""

_BUDGET_CEILING_MIB = 1024
"""The most :meth:`Dataset.sql` raises a file dataset's budget to after running out."""

_MIB = {"bytes": 1 / 2**20, "KiB": 1 / 2**10, "MiB": 1.0, "GiB": 2.0**10, "TiB": 2.0**20}


class Dataset(Closing):
    """The unified records an analysis works on, one view per record kind.

    Build it from streams, from Arrow tables, or from a DuckDB warehouse file. A
    kind that was not given is an empty table with the kind's schema, so every
    analysis can query every view.

    Threads: any number of threads may call :meth:`sql`, :meth:`schema`,
    :meth:`row_count` and the analyses on one dataset at once. Each thread queries
    through its own DuckDB connection (:meth:`cursor`) of the dataset's one database.

    Laziness: a dataset over a warehouse file (:meth:`from_duckdb`,
    :meth:`Warehouse.dataset <partnerkit.store.Warehouse.dataset>`) queries the file
    where it lies; nothing is loaded into memory until a query asks for it. It holds
    the file open (read-only) until :meth:`close`; while it does, a sync cannot
    write the file. Use it as a context manager, or close it when done.

    Freshness: a dataset of an open warehouse (:meth:`Warehouse.dataset
    <partnerkit.store.Warehouse.dataset>`) reads what is committed when each query
    runs, a record table that a sync creates after the dataset was made included. A
    dataset over a file (:meth:`from_duckdb`) reads the file as it was when opened:
    no other process can write it while the dataset holds it.

    DuckDB's errors are raised as the library's own (:mod:`partnerkit.errors`).
    """

    def __init__(self, tables: Mapping[RecordKind | str, pa.Table] | None = None) -> None:
        """Wrap Arrow tables keyed by record kind (``"performance"``, ``"lead"``, ...)."""
        import pyarrow as pa

        given = {RecordKind(k): v for k, v in (tables or {}).items()}
        arrow: dict[RecordKind, pa.Table] = {
            kind: given[kind]
            if kind in given
            else pa.Table.from_batches([], schema=arrow_schema(kind))
            for kind in RecordKind
        }
        self._setup(
            root=None,
            owns_root=True,
            per_cursor={VIEWS[k]: t for k, t in arrow.items()},
            arrow=arrow,
            path=None,
            stable=True,
        )

    def _setup(
        self,
        *,
        root: duckdb.DuckDBPyConnection | None,
        owns_root: bool,
        per_cursor: dict[str, pa.Table],
        arrow: dict[RecordKind, pa.Table] | None,
        path: Path | None,
        stable: bool,
        missing: Iterable[RecordKind] = (),
    ) -> None:
        self._root = root
        self._owns_root = owns_root
        self._per_cursor = per_cursor  # registered on each thread's connection
        # Kinds of ``root``'s database with no record table when last looked: each
        # thread's connection reads them as an empty temporary table until one appears
        # (see `_look_again`). It only shrinks: partnerkit never drops a record table.
        self._missing = frozenset(missing)
        self._arrow = arrow  # the tables in memory (given, or loaded by `tables`)
        self._path = path
        self._stable = stable  # the data cannot change: counts and schemas are cached
        self._lock = threading.RLock()
        self._local = threading.local()
        self._cursors: weakref.WeakSet[duckdb.DuckDBPyConnection] = weakref.WeakSet()
        self._schemas: dict[RecordKind, pa.Schema] = {}
        self._counts: dict[RecordKind, int] = {}
        self._claim: FileClaim | None = None  # the file this dataset attached, if any
        self._closed = False

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
    def from_duckdb(
        cls,
        path: str | os.PathLike[str],
        *,
        wait: float | None = None,
        memory_limit: str | None = READ_MEMORY_LIMIT,
        threads: int | None = None,
    ) -> Dataset:
        """Query the record tables of a DuckDB warehouse file where they lie.

        The file is attached read-only and each record table (named by kind) becomes
        a view; a kind the file has no table for is an empty table. Nothing is copied.
        While ``partnerkit sync`` writes the file, this waits up to ``wait`` seconds for
        it to finish. The dataset reads the file as it was when opened: while it holds
        the file, no other process can write it (the dataset is :attr:`frozen`).

        Args:
            path: The ``.duckdb`` file.
            wait: Seconds to wait for a writer (a sync) to release the file; by default
                ``$PARTNERKIT_LOCK_WAIT``, else 10.
            memory_limit: DuckDB's memory budget for the dataset's queries: larger work
                spills to a temporary folder, and a query that cannot spill gets the
                budget quadrupled (up to 1 GiB) and runs again. ``None`` for DuckDB's
                default (most of the machine's memory).
            threads: DuckDB's worker threads per query (its default: one per core).

        Raises:
            WarehouseError: There is no such file, or it is damaged or not a DuckDB file.
            WarehouseBusyError: A sync still held the file after ``wait`` seconds; the
                error names it.
        """
        import duckdb

        file = Path(path)
        config: dict[str, Any] = {
            "temp_directory": str(
                Path(tempfile.gettempdir()) / f"partnerkit-{os.getpid()}-{uuid.uuid4().hex[:12]}"
            )
        }
        if memory_limit is not None:
            config["memory_limit"] = memory_limit
        if threads is not None:
            config["threads"] = threads
        claim = claim_file(file, write=False)  # refused if this process writes the file
        try:
            root = duckdb.connect(config=config)
        except BaseException:
            claim.release()
            raise
        try:
            attach_read_only(root, file, _ATTACHED, wait=wait)
            have = {
                str(r[0])
                for r in root.execute(
                    "SELECT table_name FROM information_schema.tables "
                    "WHERE table_catalog = ? AND table_schema = 'main'",
                    [_ATTACHED],
                ).fetchall()
            }
            for kind, view in VIEWS.items():
                if view in have:
                    root.execute(f'CREATE VIEW "{view}" AS SELECT * FROM {_ATTACHED}.main."{view}"')
                else:
                    root.execute(_empty_table_sql(kind))
        except duckdb.Error as exc:
            root.close()
            claim.release()
            raise map_duckdb_error(exc, path=file, what="read") from exc
        except BaseException:
            root.close()
            claim.release()
            raise
        data = cls.__new__(cls)
        data._setup(root=root, owns_root=True, per_cursor={}, arrow=None, path=file, stable=True)
        data._claim = claim
        weakref.finalize(data, claim.release)  # a dataset never closed, collected
        return data

    @classmethod
    def from_connection(
        cls, root: duckdb.DuckDBPyConnection, kinds: Iterable[RecordKind], path: Path
    ) -> Dataset:
        """A dataset over an open DuckDB connection that holds the record tables.

        What :meth:`Warehouse.dataset() <partnerkit.store.Warehouse.dataset>` returns:
        the dataset queries the tables in place, one cursor of ``root`` per thread, and
        never closes ``root`` (its owner does). It reads what is committed when each
        query runs: a kind without a table reads as an empty table until a writer on
        ``root``'s database creates its table, then as that table (each :meth:`cursor`
        call looks again, one query of DuckDB's catalogue while a kind has no table).

        Args:
            root: The connection whose database has the record tables.
            kinds: The record kinds it has tables for now; the others read as empty
                tables until theirs appear.
            path: The database file (named in errors).

        Returns:
            The dataset.
        """
        have = set(kinds)
        data = cls.__new__(cls)
        data._setup(
            root=root,
            owns_root=False,
            per_cursor={},
            arrow=None,
            path=path,
            stable=False,
            missing=[k for k in RecordKind if k not in have],
        )
        return data

    # ----------------------------------------------------------------- access

    @property
    def frozen(self) -> bool:
        """True when the records cannot change under the dataset.

        Records in memory, or a warehouse file the dataset opened itself (read-only);
        not a dataset of an open :class:`~partnerkit.store.Warehouse`, which a sync
        writes to. Results derived from the records may be kept for its life.
        """
        return self._stable and self._owns_root

    @property
    def path(self) -> Path | None:
        """The warehouse file the dataset reads, or ``None`` for records in memory."""
        return self._path

    @property
    def tables(self) -> dict[RecordKind, pa.Table]:
        """Every record kind as an Arrow table.

        For a dataset over a warehouse file this **loads every record table into
        memory** (once, on first access; on each access for a dataset of an open
        warehouse, whose tables a sync may change); analyses never need it — they
        query :meth:`sql`, :meth:`schema` and :meth:`row_count`. Kept for code that
        wants the tables themselves.
        """
        if self._arrow is None and not self._stable:  # not kept: it would go stale
            return {k: self.sql(f'SELECT * FROM "{v}"') for k, v in VIEWS.items()}
        if self._arrow is None:
            with self._lock:
                if self._arrow is None:
                    self._arrow = {k: self.sql(f'SELECT * FROM "{v}"') for k, v in VIEWS.items()}
        return self._arrow

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """The calling thread's DuckDB connection, with the four views registered.

        Every thread gets its own connection to the dataset's one database, made on
        its first call and kept for the next ones. Temporary tables and registrations
        made on it are the thread's own; do not hand it to another thread.

        Over an open warehouse, each call also checks whether a record kind without a
        table has one now (a sync created it): from then on the connection reads it.

        Raises:
            WarehouseError: The dataset (or the warehouse it reads) is closed.
        """
        return self._thread_cursor(None)

    def _thread_cursor(self, query: str | None) -> duckdb.DuckDBPyConnection:
        """The calling thread's connection, ready to run ``query`` (``None``: any query).

        A query that names none of the kinds the thread reads as empty cannot read
        them: it skips the check of :meth:`_look_again` (analyses ask for many schemas
        and counts of the kinds that have tables).
        """
        cur: duckdb.DuckDBPyConnection | None = getattr(self._local, "cursor", None)
        if cur is None or self._closed:
            cur = self._make_cursor()
        stand_ins: set[RecordKind] = self._local.stand_ins
        if stand_ins and (query is None or _names_any(query, stand_ins)):
            self._look_again(cur)
        return cur

    def _make_cursor(self) -> duckdb.DuckDBPyConnection:
        """Make the calling thread's connection, with the views and the empty kinds."""
        import duckdb

        with self._lock:
            if self._closed:
                raise WarehouseError(
                    "the dataset is closed; build a new one to query", path=str(self._path or "")
                )
            stand_ins = set(self._missing)
            try:
                if self._root is None:
                    self._root = duckdb.connect()
                cur = self._root.cursor()
                for name, table in self._per_cursor.items():
                    cur.register(name, table)
                for kind in stand_ins:
                    cur.execute(_empty_table_sql(kind, temporary=True))
            except duckdb.Error as exc:
                raise map_duckdb_error(exc, path=self._path, what="read") from exc
            self._cursors.add(cur)
        self._local.cursor = cur
        self._local.stand_ins = stand_ins  # the kinds it reads as an empty temporary table
        return cur

    def _look_again(self, cur: duckdb.DuckDBPyConnection) -> None:
        """Read each kind the thread reads as empty through its record table, if it has one now.

        A temporary table comes first in DuckDB's name lookup, so the thread's empty
        table of a kind hides the kind's record table once a writer creates it: it is
        dropped then. One query of the catalogue, while some kind of this thread has
        no table; a kind found is known to every thread (record tables are never
        dropped: a rebuild renames the new table into place in the same transaction).
        """
        import duckdb

        stand_ins: set[RecordKind] = self._local.stand_ins
        try:
            if stand_ins & self._missing:
                found = cur.execute(
                    "SELECT table_name FROM duckdb_tables() WHERE NOT temporary "
                    "AND database_name = current_database() AND schema_name = 'main'"
                ).fetchall()
                have = {str(row[0]) for row in found}
                appeared = {k for k in self._missing if VIEWS[k] in have}
                if appeared:
                    with self._lock:
                        self._missing = self._missing - appeared
            for kind in stand_ins - self._missing:
                cur.execute(f'DROP TABLE temp.main."{VIEWS[kind]}"')
                stand_ins.discard(kind)
        except duckdb.Error as exc:
            raise map_duckdb_error(exc, path=self._path, what="read") from exc

    @property
    def connection(self) -> duckdb.DuckDBPyConnection:
        """The calling thread's DuckDB connection: the same as :meth:`cursor`."""
        return self.cursor()

    def schema(self, kind: RecordKind | str) -> pa.Schema:
        """The Arrow schema of one record kind's table (columns and types)."""
        kind = RecordKind(kind)
        if self._arrow is not None:
            schema: pa.Schema = self._arrow[kind].schema
            return schema
        found = self._schemas.get(kind)
        if found is None:
            found = self.sql(f'SELECT * FROM "{VIEWS[kind]}" LIMIT 0').schema
            if self._stable:
                self._schemas[kind] = found
        return found

    def row_count(self, kind: RecordKind | str) -> int:
        """How many records of one kind the dataset holds."""
        kind = RecordKind(kind)
        if self._arrow is not None:
            return int(self._arrow[kind].num_rows)
        found = self._counts.get(kind)
        if found is None:
            found = int(self.sql(f'SELECT count(*) AS n FROM "{VIEWS[kind]}"')["n"][0].as_py())
            if self._stable:
                self._counts[kind] = found
        return found

    def sql(self, query: str, params: Iterable[Any] | Mapping[str, Any] | None = None) -> pa.Table:
        """Run SQL over the views ``performance``, ``lead``, ``deal``, ``campaign``.

        Safe to call from any number of threads at once.

        Raises:
            ConfigurationError: DuckDB refused the statement (syntax, unknown column).
            DataError: A value did not convert to the type the query asks for.
            WarehouseError: The warehouse file could not be read, or is closed.
        """
        import duckdb

        args: list[Any] | dict[str, Any] | None
        if params is None:
            args = None
        elif isinstance(params, Mapping):
            args = dict(params) or None
        else:
            args = list(params) or None
        cur = self._thread_cursor(query)
        while True:
            try:
                return _arrow(cur.sql(query, params=args))
            except duckdb.OutOfMemoryException as exc:
                if not self._grow_budget(cur):
                    raise map_duckdb_error(exc, path=self._path) from exc
            except duckdb.Error as exc:
                raise map_duckdb_error(exc, path=self._path) from exc

    def grow_memory_budget(self) -> bool:
        """Quadruple the DuckDB memory budget of a file dataset; ``False`` when it cannot.

        What :meth:`sql` and every analysis do when a query outgrows the budget and
        cannot spill (see :func:`grows_memory`), up to 1 GiB.
        """
        return self._grow_budget(self.cursor())

    def _grow_budget(self, cur: duckdb.DuckDBPyConnection) -> bool:
        """Quadruple the memory budget of a file dataset's database; ``False`` at the ceiling.

        Only a dataset that owns its database (:meth:`from_duckdb`) grows: an open
        warehouse's budget is its writer's.
        """
        if not (self._owns_root and self._path is not None):
            return False
        with self._lock:
            text = str(cur.execute("SELECT current_setting('memory_limit')").fetchall()[0][0])
            number, _, unit = text.partition(" ")
            try:
                now = float(number) * _MIB[unit]
            except (ValueError, KeyError):
                return False
            if now >= _BUDGET_CEILING_MIB:
                return False
            cur.execute(f"SET memory_limit = '{int(min(now * 4, _BUDGET_CEILING_MIB))}MiB'")
            return True

    # -------------------------------------------------------------- lifecycle

    def close(self) -> None:
        """Close every thread's connection and release the warehouse file (safe twice)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            for cur in list(self._cursors):
                cur.close()
            if self._owns_root and self._root is not None:
                self._root.close()
            if self._claim is not None:
                self._claim.release()

    def __repr__(self) -> str:
        where = f" {str(self._path)!r}" if self._path is not None else ""
        if self._closed:
            return f"<Dataset{where} closed>"
        try:
            counts = ", ".join(f"{v}={self.row_count(k):,}" for k, v in VIEWS.items())
        except PartnerkitError:  # a repr never raises (e.g. its warehouse was closed)
            return f"<Dataset{where} unreadable>"
        return f"<Dataset{where} {counts}>"


def _names_any(query: str, kinds: Iterable[RecordKind]) -> bool:
    """Whether a query's text may name the view of any of the kinds.

    A yes may be a column's name or part of a word; a query that reads one of the
    views names it, so a no is never wrong.
    """
    text = query.lower()
    return any(VIEWS[kind] in text for kind in kinds)


def _sql_type(arrow_type: pa.DataType) -> str:
    """The DuckDB type of an Arrow type of the record schemas."""
    import pyarrow as pa

    if pa.types.is_list(arrow_type):
        return f"{_sql_type(arrow_type.value_type)}[]"
    if pa.types.is_decimal(arrow_type):
        return f"DECIMAL({arrow_type.precision}, {arrow_type.scale})"
    if pa.types.is_timestamp(arrow_type):
        return "TIMESTAMPTZ" if arrow_type.tz else "TIMESTAMP"
    for check, name in (
        (pa.types.is_boolean, "BOOLEAN"),
        (pa.types.is_int64, "BIGINT"),
        (pa.types.is_floating, "DOUBLE"),
        (pa.types.is_string, "VARCHAR"),
        (pa.types.is_large_string, "VARCHAR"),
        (pa.types.is_date32, "DATE"),
    ):
        if check(arrow_type):
            return name
    raise TypeError(f"no DuckDB type for {arrow_type}")  # a new record type needs a line here


def _empty_table_sql(kind: RecordKind, *, temporary: bool = False) -> str:
    """``CREATE TABLE`` of an empty table with a kind's columns.

    Written out rather than made from an empty Arrow table: handing DuckDB a Python
    object imports pandas (seconds), which a reader of a warehouse never needs.
    """
    columns = ", ".join(
        '"' + f.name.replace('"', '""') + f'" {_sql_type(f.type)}' for f in arrow_schema(kind)
    )
    temp = "TEMPORARY " if temporary else ""
    return f'CREATE {temp}TABLE "{VIEWS[kind]}" ({columns})'


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


def grows_memory(analysis: Callable[P, R]) -> Callable[P, R]:
    """Run an analysis ``(workspace, dataset, ...)`` again with a larger memory budget.

    An analysis over a warehouse file works within the dataset's DuckDB budget (64 MB by
    default, so memory does not grow with the warehouse). Work that outgrows it and
    cannot spill (a large dedup's temporary tables) raises DuckDB's out-of-memory error
    on the analysis' own cursor; this wrapper quadruples the budget
    (:meth:`Dataset.grow_memory_budget`) and runs the analysis again, up to 1 GiB, then
    raises the library's :class:`~partnerkit.errors.ConfigurationError` saying how to
    give it more. An analysis leaves nothing behind when it fails (its temporary tables
    are dropped on the way out), so running it again is safe.
    """
    import functools

    @functools.wraps(analysis)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        import duckdb

        dataset = args[1] if len(args) > 1 else kwargs.get("dataset", kwargs.get("data"))
        while True:
            try:
                return analysis(*args, **kwargs)
            except duckdb.OutOfMemoryException as exc:
                if not (isinstance(dataset, Dataset) and dataset.grow_memory_budget()):
                    path = dataset.path if isinstance(dataset, Dataset) else None
                    raise map_duckdb_error(exc, path=path) from exc

    return run
