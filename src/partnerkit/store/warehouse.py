"""The embedded warehouse: a DuckDB file with a table per record kind and the sync state.

Layout (see :mod:`partnerkit.store.migrations` for its versions):

* ``performance``, ``lead``, ``deal``, ``campaign`` — the records, one row per
  ``record_id``, with the columns of :func:`partnerkit.records.arrow_schema`, an
  ``extra.<name>`` column for every extra metric seen so far, and the provenance
  columns ``_connection``, ``_stream``, ``_account`` and ``_synced_at``.
* ``partnerkit.state`` — the cursor of each connection, stream and account.
* ``partnerkit.runs`` — every read: its range, rows, cursor move, or its error.
* ``partnerkit.schema_version`` — the migrations applied.

Writing is two-phase. Batches of one read are appended to a private staging table
as they arrive (memory stays flat, however long the read). When the read has
completed, one transaction merges the staging table into the record table — rows
whose ``record_id`` is already there are replaced, duplicates within the read keep
the last one — writes the new cursor and the run, and drops the staging table. A
process killed at any point leaves either the whole read or nothing; staging tables
left behind are dropped the next time the file is opened.

A first read — its kind has no record table yet — is written once instead of twice
(:meth:`Warehouse.stage` with a ``scope``): its row groups are appended to a table of
the read's own in the file (``main."__partnerkit_load_<id>"``, in the record table's
layout, each group committed, so memory stays flat), and the commit renames that table
into place with the state and the run, in one transaction. No reader looks at a table of
that name; a failed read drops it, and one a killed process left is dropped the next
time the file is opened.

A new file appears complete or not at all: it is created and migrated under a
temporary name in the same folder (``.warehouse.duckdb.creating-<pid>-<id>``), then
linked into place in one step, so a process killed while creating it leaves no file
that readers cannot open. A file that is not a DuckDB file, or a truncated one, is
refused with :class:`~partnerkit.errors.WarehouseFileError` before DuckDB reads it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import glob
import math
import os
import re
import sysconfig
import threading
import uuid
import weakref
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from partnerkit._closing import Closing
from partnerkit.errors import ConfigurationError, DataError, WarehouseFileError
from partnerkit.records import RecordKind, arrow_schema
from partnerkit.store.migrations import (
    BOOKKEEPING_VERSION,
    PROVENANCE_COLUMNS,
    SCHEMA,
    current_version,
    migrate,
    readable_version,
)
from partnerkit.store.read import OPEN_HERE, check_warehouse_file, claim_file, map_duckdb_error
from partnerkit.store.state import StreamState, batch_max_day

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

    from partnerkit.analysis import Dataset
    from partnerkit.model import Workspace
    from partnerkit.stream import RecordStream

__all__ = [
    "DEFAULT_MEMORY_LIMIT",
    "WAREHOUSE_ENV",
    "LoadResult",
    "ReplaceRange",
    "Run",
    "Scope",
    "Stage",
    "Warehouse",
    "check_warehouse_file",
    "default_warehouse_path",
    "workspace_warehouse_path",
]

WAREHOUSE_ENV = "PARTNERKIT_WAREHOUSE"
"""Environment variable naming the warehouse file (overrides the default place)."""

DEFAULT_MEMORY_LIMIT = "128MB"
"""DuckDB's memory budget for a writing warehouse; larger work spills to disk."""

_PARTITION_ROWS = 500_000
"""Rows merged per statement: bounds the memory of the merge, whatever the read's size."""

_STAGE_FLUSH_ROWS = 122_880
"""Rows a stage gathers before one insert and commit: a DuckDB row group, which an insert
writes straight to the file (smaller inserts go through the write-ahead log first, and
each statement has a fixed cost), while the rows held in Arrow stay a few tens of MB."""

_STAGE_FLUSH_BYTES = 64 * 2**20
"""Arrow bytes a stage gathers at most before it inserts them (wide pages flush sooner)."""

_WRITE_DIRECT = True
"""Whether a first read (no record table yet, ``scope`` given) is written into a table of
its own, renamed into place at the commit, instead of staged and merged (see
:meth:`Warehouse.stage`)."""

_WRITE_BEHIND = True
"""Whether a first read inserts a row group into its own table on a thread of its own
while the next group is read and checked (DuckDB's insert releases the GIL)."""

_LOAD_PREFIX = "__partnerkit_load_"
"""The name of a first read's own table, in ``main`` until its commit renames it:
``__partnerkit_load_<pid>_<id>``, the process that writes it, then an id."""


def _load_table() -> str:
    """A new name for a first read's own table (``main`` schema, quoted)."""
    return f"main.{_q(f'{_LOAD_PREFIX}{os.getpid()}_{uuid.uuid4().hex}')}"


def _abandoned(name: str) -> bool:
    """Whether an own table's writer is gone (its process is not running)."""
    pid = name.removeprefix(_LOAD_PREFIX).split("_", 1)[0]
    if not pid.isdigit():
        return True
    if os.name != "posix":  # pragma: no cover - liveness by signal 0 is POSIX
        return int(pid) != os.getpid()
    return not _pid_alive(int(pid))


_STAGE_PREFIX = "stage_"
_TEMP = "temp.main"
"""Where stages live: the temporary tables of the stage's cursor, never the file."""
_SEQ = "_seq"
_HELD = "partnerkit_held"
_REBUILD_SUFFIX = "__partnerkit_rebuild"
"""The name of a record table being rebuilt with a virtual column stored (within a merge)."""


def default_warehouse_path(
    workspace: Workspace, override: str | os.PathLike[str] | None = None
) -> Path:
    """Where a workspace's warehouse lives.

    Args:
        workspace: The workspace.
        override: A path given by the user (``--warehouse``), which wins.

    Returns:
        ``override``, else ``$PARTNERKIT_WAREHOUSE``, else the workspace file's
        ``warehouse:`` (relative to the workspace file's folder), else
        ``.partnerkit/warehouse.duckdb`` in that folder. A relative override or
        environment value is relative to the current folder.

    Raises:
        ConfigurationError: The workspace's own place resolves (through ``..``, an
            absolute path, ``~`` or a symlink) outside the workspace folder, and the
            workspace does not say ``warehouse_outside_workspace: true``. The user's
            own ``override`` and environment value are not restricted.
    """
    if override is not None:
        return Path(override)
    env = os.environ.get(WAREHOUSE_ENV)
    if env:
        return Path(env)
    return workspace_warehouse_path(workspace)


def workspace_warehouse_path(workspace: Workspace) -> Path:
    """Where the workspace file itself places its warehouse, checked to stay inside it.

    Args:
        workspace: The workspace.

    Returns:
        Its ``warehouse:`` resolved against the workspace file's folder, else
        ``.partnerkit/warehouse.duckdb`` in that folder.

    Raises:
        ConfigurationError: The place resolves (through ``..``, an absolute path, ``~``
            or a symlink) outside the workspace folder, and the workspace does not say
            ``warehouse_outside_workspace: true``.
    """
    given = workspace.warehouse
    path = workspace.root / (
        given.expanduser() if given is not None else Path(".partnerkit", "warehouse.duckdb")
    )
    if not workspace.warehouse_outside_workspace:
        root = workspace.root.resolve()
        if not path.resolve().is_relative_to(root):
            shown = f"`warehouse: {given}`" if given is not None else "its .partnerkit folder"
            raise ConfigurationError(
                f"The workspace places its warehouse with {shown}, which resolves to "
                f"{path.resolve()}, outside the workspace folder {root}. A workspace file "
                f"may only write outside its folder when it says so: add "
                f"`warehouse_outside_workspace: true` to it, or give the place yourself "
                f"with --warehouse or ${WAREHOUSE_ENV}."
            )
    return path


# ------------------------------------------------------------- creating and checking

_CREATING = re.compile(r"^\.(?P<name>.+)\.creating-(?P<pid>\d+)-[0-9a-f]+(?:\.wal)?$")


def _installed_package(path: Path) -> Path | None:
    """The installed-package folder ``path`` lies in (partnerkit's, site-packages), if any."""
    import partnerkit

    folders = [Path(partnerkit.__file__).parent]
    folders += [Path(sysconfig.get_path(key)) for key in ("purelib", "platlib")]
    target = path.resolve()
    for folder in folders:
        if target.is_relative_to(folder.resolve()):
            return folder
    return None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists, owned by someone else
        return True
    return True


def _remove_abandoned(path: Path) -> None:
    """Delete temporary files of creations whose process died (a kill -9)."""
    if os.name != "posix":  # pragma: no cover - liveness by signal 0 is POSIX
        return
    for candidate in path.parent.glob(f".{glob.escape(path.name)}.creating-*"):
        match = _CREATING.match(candidate.name)
        if match and match["name"] == path.name and not _pid_alive(int(match["pid"])):
            candidate.unlink(missing_ok=True)


def _create(path: Path, config: dict[str, Any]) -> None:
    """Create a migrated warehouse at ``path`` in one step (no partial file, ever).

    Raises:
        ConfigurationError: ``path`` is inside an installed package's folder (the
            bundled demo workspace lives there).
    """
    import duckdb

    package = _installed_package(path)
    if package is not None:
        raise ConfigurationError(
            f"the warehouse {path} would be created inside the installed package folder "
            f"{package}, which is no place for your data (an upgrade deletes it). Give it "
            f"a place of your own with --warehouse PATH or ${WAREHOUSE_ENV}."
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned(path)
    scratch = path.with_name(f".{path.name}.creating-{os.getpid()}-{uuid.uuid4().hex[:12]}")
    try:
        con = duckdb.connect(str(scratch), config=config)
        try:
            migrate(con)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        try:
            os.link(scratch, path)  # atomic, and never replaces a file made meanwhile
        except FileExistsError:
            pass  # another process created it first: use theirs
        except OSError:  # a file system without hard links
            if not path.exists():
                scratch.replace(path)
        with contextlib.suppress(OSError):  # make the new name durable
            folder = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)
    finally:
        scratch.unlink(missing_ok=True)
        scratch.with_name(scratch.name + ".wal").unlink(missing_ok=True)


def _open_error(path: Path, exc: Exception, read_only: bool) -> ConfigurationError:
    """The library's own error for a DuckDB error raised while opening a warehouse."""
    text = str(exc)
    if read_only and not path.exists():
        return ConfigurationError(f"no warehouse at {path}; run `partnerkit sync` first")
    if "lock" in text.lower():
        return ConfigurationError(
            f"the warehouse {path} is in use by another process (a `partnerkit sync` or "
            f"another program with the file open); wait for it to finish and try again"
        )
    if OPEN_HERE.search(text):  # open in this process by other means than partnerkit's
        found = map_duckdb_error(exc, path=path)
        assert isinstance(found, ConfigurationError)
        return found
    if "not a valid DuckDB database" in text:
        return WarehouseFileError(path, "is not a DuckDB database file")
    if "version" in text.lower():
        return WarehouseFileError(
            path, "was written by another DuckDB version than the one installed"
        )
    return WarehouseFileError(path, "is damaged (DuckDB could not read it)")


@dataclass(frozen=True)
class Scope:
    """Where rows come from: the provenance written on each row.

    Attributes:
        connection: The workspace connection (or any label for rows loaded by hand).
        stream: The connector stream.
        account: The account read, ``""`` when the read covered every account.
    """

    connection: str = ""
    stream: str = ""
    account: str = ""


@dataclass(frozen=True)
class LoadResult:
    """What one merge wrote.

    Attributes:
        kind: The record table written.
        rows: Rows read and staged.
        written: Rows inserted (``rows`` less duplicates within the read).
        replaced: Rows already in the table that the read replaced or removed.
        seen: The last day in the cursor column of the rows read, if any.
    """

    kind: RecordKind
    rows: int
    written: int
    replaced: int
    seen: dt.date | None


@dataclass(frozen=True)
class Run:
    """The history row of a read, written with its rows by :meth:`Stage.commit`.

    Attributes:
        run_id: The read's id, unique per read.
        read_start: The first day read (``None`` for an unbounded start).
        read_end: The last day read.
        cursor_before: The stream's cursor before the read.
        cursor_after: The cursor the read moves it to.
    """

    run_id: str
    read_start: dt.date | None
    read_end: dt.date | None
    cursor_before: dt.date | None
    cursor_after: dt.date | None


@dataclass(frozen=True)
class ReplaceRange:
    """Rows of a scope to remove before merging: a full refresh of that range.

    Attributes:
        column: The cursor column the range is on; ``None`` removes every row of the scope.
        start: The first day removed (``None``: from the beginning).
        end: The last day removed (``None``: to the end).
    """

    column: str | None
    start: dt.date | None
    end: dt.date | None


def _q(name: str) -> str:
    """Quote an identifier."""
    return '"' + name.replace('"', '""') + '"'


_INTEGERS = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT")


def _int_rank(sql_type: str) -> int:
    upper = sql_type.upper()
    return _INTEGERS.index(upper[1:] if upper.startswith("U") else upper)


def _family(sql_type: str) -> str:
    upper = sql_type.upper()
    if upper in _INTEGERS or (upper.startswith("U") and upper[1:] in _INTEGERS):
        return "int"
    if upper in ("FLOAT", "DOUBLE", "REAL"):
        return "float"
    if upper.startswith("DECIMAL"):
        return "decimal"
    if upper == "VARCHAR":
        return "text"
    return upper


def _widened(column: str, have: str, new: str) -> str | None:
    """The type a column must become to hold values of type ``new`` (``None``: keep it).

    Raises:
        DataError: The types cannot be reconciled (text into a number, a date into a flag).
    """
    if have == new:
        return None
    families = (_family(have), _family(new))
    if families[0] == families[1] == "int":
        return None if _int_rank(have) >= _int_rank(new) else new
    keep = {("float", "int"), ("float", "decimal"), ("decimal", "int"), ("text", "int")}
    keep |= {("text", "float"), ("text", "decimal"), ("text", "BOOLEAN"), ("decimal", "decimal")}
    if families in keep:
        return None
    if families in {("int", "float"), ("decimal", "float")}:
        return "DOUBLE"
    if families == ("int", "decimal"):
        return new
    raise DataError(
        f"the column {column!r} holds {have} in the warehouse, and new rows bring {new}; "
        f"give the value one type (or rename the metric)",
        column=column,
    )


def _describe(cur: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    """Column name → SQL type of ``schema.name``, or of a stage (``temp.main.name``)."""
    database = "temp" if table.startswith(f"{_TEMP}.") else None
    schema, name = table.removeprefix("temp.").split(".", 1)
    rows = cur.execute(
        "SELECT column_name, data_type FROM duckdb_columns() "
        "WHERE schema_name = ? AND table_name = ? "
        "AND (database_name = ?) IS NOT FALSE ORDER BY column_index",
        [schema, name.strip('"'), database],
    ).fetchall()
    return {str(n): str(t) for n, t in rows}


def _reconcile(cur: duckdb.DuckDBPyConnection, table: str, incoming: dict[str, str]) -> None:
    """Add the columns ``incoming`` brings and widen the ones whose type must grow."""
    have = _describe(cur, table)
    for name, sql_type in incoming.items():
        if name not in have:
            cur.execute(f"ALTER TABLE {table} ADD COLUMN {_q(name)} {sql_type}")
            continue
        wider = _widened(name, have[name], sql_type)
        if wider is not None:
            cur.execute(f"ALTER TABLE {table} ALTER COLUMN {_q(name)} TYPE {wider}")


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _from_epoch_us(value: int) -> dt.datetime:
    return dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=value)


class Warehouse(Closing):
    """A DuckDB warehouse file: record tables, incremental state, run history.

    Open it as a context manager. One process writes a file at a time (DuckDB locks
    it); within the process any number of threads may load concurrently: each read
    stages on its own connection and the merges take turns.

    Args:
        path: The ``.duckdb`` file (created with its folder when missing, complete or
            not at all: see the module's notes).
        memory_limit: DuckDB's memory budget (e.g. ``"256MB"``); work beyond it
            spills to a temporary folder beside the file.
        threads: DuckDB's worker threads (its default: one per core).
        read_only: Open without writing: no migration, so a file without bookkeeping
            (layout version 0) is refused; versions 1 and later are read as they are.

    Raises:
        ConfigurationError: Another process holds the file, it was written by a
            newer partnerkit, or a new file would go inside an installed package.
        WarehouseFileError: The file is not a DuckDB file, or damaged or truncated.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        memory_limit: str | None = DEFAULT_MEMORY_LIMIT,
        threads: int | None = None,
        read_only: bool = False,
    ) -> None:
        import duckdb

        self.path = Path(path)
        self.read_only = read_only
        config: dict[str, Any] = {"preserve_insertion_order": False}
        if memory_limit is not None:
            config["memory_limit"] = memory_limit
        if threads is not None:
            config["threads"] = threads
        # Refused up front when this process reads the file while this open writes it
        # (or the reverse): DuckDB's own refusal would give up the other open's lock.
        self._claim = claim_file(self.path, write=not read_only)
        try:
            if not read_only and not self.path.exists():
                _create(self.path, config)
            check_warehouse_file(self.path)
            self._con = duckdb.connect(str(self.path), read_only=read_only, config=config)
        except BaseException as exc:
            self._claim.release()
            if isinstance(exc, duckdb.Error):
                raise _open_error(self.path, exc, read_only) from None
            raise
        weakref.finalize(self, self._claim.release)  # a warehouse never closed, collected
        self._lock = threading.Lock()
        # The kinds a first read is writing into a table of its own (one read per kind).
        self._direct: set[RecordKind] = set()
        # Stages not yet committed or discarded: closing the warehouse discards them first.
        self._stages: weakref.WeakSet[Stage] = weakref.WeakSet()
        self._closed = False
        try:
            if read_only:  # it reads the state and runs too: version 1 or later
                readable_version(self._con, self.path, oldest=BOOKKEEPING_VERSION)
            else:
                migrate(self._con)
                self._drop_stages()
        except duckdb.Error as exc:
            self._con.close()
            self._claim.release()
            raise _open_error(self.path, exc, read_only) from None
        except BaseException:
            self._con.close()
            self._claim.release()
            raise

    # ---------------------------------------------------------------- lifecycle

    def close(self) -> None:
        """Close the file (safe to call twice).

        A stage still open (neither committed nor discarded) is discarded first, as its
        ``with`` block would: its rows are dropped and a group it is writing in the
        background is waited for, so the connection is never closed under it.
        """
        if not self._closed:
            self._closed = True
            for stage in list(self._stages):
                stage.discard()
            self._con.close()
            self._claim.release()

    def __repr__(self) -> str:
        return f"<Warehouse {str(self.path)!r}{' read-only' if self.read_only else ''}>"

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A new DuckDB cursor on the warehouse's database, for this thread.

        For SQL the other methods do not cover (``COPY ... TO`` a file, a query the
        caller builds). The cursor shares the warehouse's connection: close it when
        done, and write through :meth:`load` or :meth:`stage`, which keep the state
        and the run history consistent with the rows.

        Raises:
            ConfigurationError: The warehouse is closed.
        """
        if self._closed:
            raise ConfigurationError(f"the warehouse {self.path} is closed")
        return self._con.cursor()

    def _drop_stages(self) -> None:
        """Drop what a sync leaves behind when it dies.

        Staging tables an earlier version kept in the file (stages are temporary now), and
        the own tables of first reads whose process died (a table of a process still
        running, which may have the file open too, is left to it).
        """
        cur = self.cursor()
        names = cur.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = ? AND "
            "starts_with(table_name, ?)",
            [SCHEMA, _STAGE_PREFIX],
        ).fetchall()
        for (name,) in names:
            cur.execute(f"DROP TABLE IF EXISTS {SCHEMA}.{_q(name)}")
        loads = cur.execute(  # a first read's own table that a killed process left
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
            "AND schema_name = 'main' AND starts_with(table_name, ?)",
            [_LOAD_PREFIX],
        ).fetchall()
        for (name,) in loads:
            if _abandoned(str(name)):  # never the table of a read running in a process
                cur.execute(f"DROP TABLE IF EXISTS main.{_q(name)}")

    # ------------------------------------------------------------------ reading

    @property
    def schema_version(self) -> int:
        """The layout version of the file."""
        return current_version(self.cursor())

    def sql(self, query: str, params: Iterable[Any] | None = None) -> pa.Table:
        """Run a query on the warehouse and return the result as an Arrow table."""
        relation = self.cursor().sql(query, params=list(params) if params else None)
        if relation is None:
            raise ConfigurationError(f"the statement returned no rows to read: {query}")
        table: pa.Table = relation.to_arrow_table()
        return table

    def tables(self) -> list[RecordKind]:
        """The record kinds that have a table (written at least once)."""
        cur = self.cursor()
        have = {
            r[0]
            for r in cur.execute(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'"
            ).fetchall()
        }
        return [kind for kind in RecordKind if kind.value in have]

    def table(self, kind: RecordKind | str) -> pa.Table:
        """Read a record table into Arrow (the kind's empty schema if never written)."""
        kind = RecordKind(kind)
        if kind not in self.tables():
            return arrow_schema(kind).empty_table()
        return self.sql(f"SELECT * FROM main.{_q(kind.value)}")

    def dataset(self) -> Dataset:
        """An analysis :class:`~partnerkit.analysis.Dataset` querying the record tables in place.

        Nothing is copied: the dataset queries this warehouse's file through the
        warehouse's own database (one connection per thread), and sees what is
        committed when each query runs: a record table a sync creates after the dataset
        was made included. It lives as long as the warehouse is open. To
        read a file no process of yours has open, use
        :meth:`Dataset.from_duckdb <partnerkit.analysis.Dataset.from_duckdb>`.
        """
        from partnerkit.analysis import Dataset

        if self._closed:
            raise ConfigurationError(f"the warehouse {self.path} is closed")
        return Dataset.from_connection(self._con, self.tables(), self.path)

    def state(self, connection: str, stream: str, account: str = "") -> StreamState | None:
        """The state of one stream of one account, or ``None`` before its first sync."""
        where = "WHERE connection = ? AND stream = ? AND account = ?"
        found = list(self._states(where, [connection, stream, account]))
        return found[0] if found else None

    def states(self) -> list[StreamState]:
        """Every stream's state, sorted by connection, stream and account."""
        return list(self._states("", []))

    def _states(self, where: str, params: list[Any]) -> Iterator[StreamState]:
        rows = (
            self.cursor()
            .execute(
                "SELECT connection, stream, account, kind, cursor_column, cursor, rows, "
                f"epoch_us(synced_at) FROM {SCHEMA}.state {where} "
                "ORDER BY connection, stream, account",
                params,
            )
            .fetchall()
        )
        for connection, stream, account, kind, column, cursor, rows_, synced in rows:
            yield StreamState(
                connection=connection,
                stream=stream,
                account=account,
                kind=RecordKind(kind),
                cursor_column=column,
                cursor=cursor,
                rows=int(rows_),
                synced_at=_from_epoch_us(int(synced)),
            )

    def runs(self, limit: int = 100) -> pa.Table:
        """The latest reads, newest first: range, rows, cursor move, status and error."""
        return self.sql(f"SELECT * FROM {SCHEMA}.runs ORDER BY finished_at DESC LIMIT {int(limit)}")

    # ------------------------------------------------------------------ writing

    def load(
        self,
        stream: RecordStream,
        scope: Scope | None = None,
        *,
        batch_size: int = 10_000,
        on_batch: Callable[[int], None] | None = None,
    ) -> LoadResult:
        """Merge a stream's records into its record table, in one transaction.

        Rows replace the rows with the same ``record_id``; nothing duplicates. The
        stream is read batch by batch (memory stays flat). No cursor moves: this is
        what ``partnerkit pull --out x.duckdb`` does; ``sync`` adds the state.

        Args:
            stream: The records (read once).
            scope: The provenance written on the rows (by default the stream's name).
            batch_size: Records per staged batch.
            on_batch: Called with the rows of each staged batch (for progress).

        Returns:
            What was written.
        """
        scope = scope or Scope(stream=stream.name)
        with self.stage(stream.kind, scope=scope) as stage:
            for table in stream.iter_arrow(batch_size):
                stage.append(table)
                if on_batch is not None:
                    on_batch(table.num_rows)
            return stage.commit(scope)

    def stage(
        self, kind: RecordKind, cursor_column: str | None = None, *, scope: Scope | None = None
    ) -> Stage:
        """Start staging rows for one merge: what :meth:`load` and ``sync`` write through.

        Append Arrow batches to the returned :class:`Stage`, then :meth:`Stage.commit`
        merges them (with the stream's state and its run, if given) in one
        transaction. Leaving the ``with`` block without a commit drops the staged rows::

            with warehouse.stage(RecordKind.PERFORMANCE, "date") as stage:
                for batch in stream.iter_arrow(10_000):
                    stage.append(batch)
                result = stage.commit(Scope(connection="meta", stream="insights"))

        A stage that knows its ``scope`` up front, whose kind has no record table when its
        first batch arrives (and no other stage of this warehouse is doing the same for
        the kind), writes its rows once: into a table of its own, in the record table's
        layout, a row group at a time, each committed (memory stays flat); its commit
        renames that table into place with the state and the run, in one transaction.
        Readers see the same as with a staged read: nothing until the commit, then the
        whole read. Should the record table appear meanwhile (another stage merged
        first), the commit merges the own table into it as it would a staging table.

        Args:
            kind: The record table the rows go to.
            cursor_column: The column whose last day the stage tracks (``Stage.seen``).
            scope: The provenance the commit will write (the same ``scope`` must be given
                to :meth:`Stage.commit`); without it, the rows are always staged first.

        Raises:
            ConfigurationError: The warehouse is open read-only, or closed.
        """
        if self.read_only:
            raise ConfigurationError(f"the warehouse {self.path} is open read-only")
        stage = Stage(self, kind, cursor_column, scope)
        self._stages.add(stage)
        return stage

    def record_failure(
        self,
        scope: Scope,
        *,
        run_id: str,
        read_start: dt.date | None,
        read_end: dt.date | None,
        cursor: dt.date | None,
        error: str,
    ) -> None:
        """Log a read that failed in the run history; its state and rows are untouched.

        Args:
            scope: Where the read came from.
            run_id: The read's id.
            read_start: The first day it was to read.
            read_end: The last day it was to read.
            cursor: The stream's cursor, before and after (it does not move).
            error: What went wrong, one line.
        """
        with self._lock:
            self.cursor().execute(
                f"INSERT INTO {SCHEMA}.runs VALUES (?, ?, ?, ?, 'failed', 0, ?, ?, ?, ?, ?, ?)",
                [
                    run_id,
                    scope.connection,
                    scope.stream,
                    scope.account,
                    read_start,
                    read_end,
                    cursor,
                    cursor,
                    error,
                    _utc_now(),
                ],
            )


class Stage(Closing):
    """The staging table of one read, merged in one transaction by :meth:`commit`.

    Made by :meth:`Warehouse.stage`. Staged rows are invisible to readers until the
    commit; a stage left without one (an error, a cancelled read) is dropped.

    Attributes:
        kind: The record table the rows go to.
        rows: Rows appended so far.
        seen: The last day in the cursor column among them, if any.
    """

    def __init__(
        self,
        warehouse: Warehouse,
        kind: RecordKind,
        cursor_column: str | None,
        scope: Scope | None = None,
    ):
        self.warehouse = warehouse
        self.kind = kind
        self.cursor_column = cursor_column
        self.scope = scope
        # A temporary table of the stage's own cursor: no write-ahead log and no
        # checkpoint, spilled to DuckDB's temporary folder beyond the memory budget, gone
        # with the process if it dies (nothing of it ever reaches the file).
        self.table = f"{_TEMP}.{_q(_STAGE_PREFIX + uuid.uuid4().hex)}"
        self.rows = 0
        self.seen: dt.date | None = None
        self._cur = warehouse.cursor()
        self._schema: pa.Schema | None = None
        self._created = False  # the staging table exists (committed or not)
        self._open = False  # the staging transaction is open
        self._columns: set[str] = set()  # the staging table's columns
        self._held: list[pa.Table] = []  # batches not inserted yet, all of ``_schema``
        self._held_rows = 0
        self._held_bytes = 0
        self._done = False
        # Writing a first read into a table of its own (see :meth:`Warehouse.stage`):
        # ``None`` until the first batch decides, then True or False.
        self._direct: bool | None = None if scope is not None and _WRITE_DIRECT else False
        self._own = _load_table()
        self._own_made = False  # the own table exists (committed)
        self._own_rows = 0  # rows in the own table (its rowids are 0 .. rows - 1)
        self._incoming: dict[str, str] = {}  # the read's columns and types, as staged
        self._own_columns: list[tuple[str, str, bool]] | None = None  # the own table's
        self._own_schema: pa.Schema | None = None  # the last group's, laid out for
        self._held_types: dict[str, pa.DataType] = {}  # the held batches' column types
        self._synced_at: dt.datetime | None = None
        self._writer: ThreadPoolExecutor | None = None  # writes the own table's groups
        self._writing: Future[None] | None = None  # the group being written

    def close(self) -> None:
        """The same as :meth:`discard`: a ``with`` block ends here, however it ends."""
        self.discard()

    def discard(self) -> None:
        """Drop the staging table if it was not merged (safe to call twice)."""
        if self._done:
            return
        self._done = True
        self._held = []
        with contextlib.suppress(Exception):  # best effort: the next open drops it anyway
            if self._open:
                self._cur.execute("ROLLBACK")
            elif self._created:
                self._cur.execute(f"DROP TABLE IF EXISTS {self.table}")
        with contextlib.suppress(Exception):  # its error, if any, was raised or is moot
            self._written()
        if self._writer is not None:
            self._writer.shutdown(wait=True)
        with contextlib.suppress(Exception):  # likewise
            if self._own_made:
                self._cur.execute(f"DROP TABLE IF EXISTS {self._own}")
        self._release()
        self._cur.close()

    def _release(self) -> None:
        """Let another first read of the kind write into a table of its own."""
        if self._direct:
            self._direct = False
            with self.warehouse._lock:
                self.warehouse._direct.discard(self.kind)

    def append(self, batch: pa.Table | pa.RecordBatch) -> None:
        """Stage one Arrow batch of records (in the staging transaction, invisible to others).

        Batches are gathered in Arrow and inserted together, then committed, once they
        make a DuckDB row group (about 120,000 rows) or 64 MB; the merge reads the last
        ones straight from Arrow. Few statements, rows written to the file (not the
        write-ahead log), and memory bounded by one group whatever the read's size. A
        batch whose columns differ from the ones before (a new ``extra.<name>``, a wider
        type) first inserts those, then adds or widens the staging table's columns. A
        staging table is a temporary table of the stage's cursor: never read by anyone but
        its merge, never written to the file, gone with a process that dies.

        Raises:
            DataError: The batch brings a column whose type cannot be reconciled with
                the type it had before in this read.
        """
        import pyarrow as pa

        if batch.num_rows == 0:
            return
        if isinstance(batch, pa.RecordBatch):
            batch = pa.Table.from_batches([batch])
        rows = batch.num_rows
        keep = [  # a column null in every row is not staged until it holds a value
            i
            for i, f in enumerate(batch.schema)
            if not pa.types.is_null(f.type)
            and (f.name in self._columns or batch.column(i).null_count < rows)
        ]
        if len(keep) < batch.num_columns:
            batch = batch.select(keep)
        seq = pa.array(range(self.rows, self.rows + batch.num_rows), pa.int64())
        batch = batch.append_column(_SEQ, seq)
        day = batch_max_day(batch, self.cursor_column)
        if day is not None:
            self.seen = day if self.seen is None else max(self.seen, day)
        if self._direct is None:
            self._direct = self._claim()
        if self._direct:
            self._hold_direct(batch)
            return
        if not self._created:
            self._create(batch)
        elif self._schema is None or not batch.schema.equals(self._schema):
            self._flush()
            self._widen(batch)
        self._schema = batch.schema
        self._held.append(batch)
        self._held_rows += batch.num_rows
        self._held_bytes += batch.nbytes
        self.rows += batch.num_rows
        if self._held_rows >= _STAGE_FLUSH_ROWS or self._held_bytes >= _STAGE_FLUSH_BYTES:
            self._flush()

    def _claim(self) -> bool:
        """Whether this read writes into a table of its own.

        It does when its kind has no record table, and no other stage of the warehouse
        writes one for the kind.
        """
        wh = self.warehouse
        with wh._lock:
            if self.kind in wh._direct or _has_table(self._cur, self.kind):
                return False
            wh._direct.add(self.kind)
        self._synced_at = _utc_now()
        return True

    def _hold_direct(self, batch: pa.Table) -> None:
        """Hold a batch for the own table; write the held ones once they make a row group.

        Batches with other columns are held together (the missing ones null); a batch that
        brings another type for a column first writes the ones held.
        """
        types = dict(zip(batch.column_names, batch.schema.types, strict=True))
        if any(self._held_types.get(n, t) != t for n, t in types.items()):
            self._flush_direct(whole=True)
        self._held_types.update(types)
        self._held.append(batch)
        self._held_rows += batch.num_rows
        self._held_bytes += batch.nbytes
        self.rows += batch.num_rows
        if self._held_rows >= _STAGE_FLUSH_ROWS or self._held_bytes >= _STAGE_FLUSH_BYTES:
            self._flush_direct(whole=False)

    def _flush_direct(self, *, whole: bool) -> None:
        """Write the held batches into the own table and commit them.

        A group that filled (``whole`` false) is written in whole row groups and the rest
        kept for the next: a partial row group in the middle of the table would go through
        the write-ahead log and be rewritten at the next checkpoint.
        """
        import pyarrow as pa

        if not self._held:
            return
        held = (
            self._held[0]
            if len(self._held) == 1
            else pa.concat_tables(self._held, promote_options="default")
        )
        self._held, self._held_rows, self._held_bytes, self._held_types = [], 0, 0, {}
        full = held.num_rows - held.num_rows % _STAGE_FLUSH_ROWS
        if not whole and 0 < full < held.num_rows:
            rest = held.slice(full)
            held = held.slice(0, full)
            self._held, self._held_rows, self._held_bytes = [rest], rest.num_rows, rest.nbytes
            self._held_types = dict(zip(rest.column_names, rest.schema.types, strict=True))
        group = held.combine_chunks()  # one chunk: whole row groups in the file
        del held
        self._written()
        if not _WRITE_BEHIND:
            self._write_own(group)
            return
        if self._writer is None:
            self._writer = ThreadPoolExecutor(1, thread_name_prefix="partnerkit-write")
        self._writing = self._writer.submit(self._write_own, group)

    def _written(self) -> None:
        """Wait for the group being written, if any; raise its error.

        Only one group is written at a time, and the stage's cursor and own table are
        touched by nobody else meanwhile: the read goes on holding the next group.
        """
        writing, self._writing = self._writing, None
        if writing is not None:
            writing.result()

    def _write_own(self, held: pa.Table) -> None:
        """Insert a group into the own table, made (or remade) in the record table's layout.

        Ids twice in the group keep the last row (as a merge does); ids in two groups are
        resolved at the commit, by row order (a later group's rows come after).
        """
        assert self.scope is not None
        assert self._synced_at is not None
        cur = self._cur
        cur.register("partnerkit_batch", held)
        try:
            if self._own_schema is None or not held.schema.equals(self._own_schema):
                self._layout_own(cur)
                self._own_schema = held.schema
            scope = self.scope
            params = [scope.connection, scope.stream, scope.account, self._synced_at]
            self._own_rows += cur.execute(
                f"INSERT INTO {self._own} BY NAME SELECT * EXCLUDE ({_SEQ}), ? AS _connection, "
                f"? AS _stream, ? AS _account, ? AS _synced_at FROM partnerkit_batch "
                f"WHERE true{_last_of_each(cur, 'partnerkit_batch', 'true')}",
                params,
            ).fetchall()[0][0]
        finally:
            with contextlib.suppress(Exception):  # keep the original error
                cur.unregister("partnerkit_batch")

    def _layout_own(self, cur: duckdb.DuckDBPyConnection) -> None:
        """Make the own table, or remake it, for the columns and types of the group."""
        described = cur.execute("DESCRIBE SELECT * FROM partnerkit_batch").fetchall()
        for name, sql_type in ((str(r[0]), str(r[1])) for r in described):
            if name == _SEQ:
                continue
            have = self._incoming.get(name)
            if have is None:
                self._incoming[name] = sql_type
            else:
                self._incoming[name] = _widened(name, have, sql_type) or have
        columns = _record_columns(self.kind, self._incoming)
        if self._own_columns is None:
            cur.execute(f"CREATE TABLE {self._own} ({_column_sql(columns)})")
            self._own_made = True
        elif columns != self._own_columns:
            self._remake_own(columns)
        self._own_columns = columns

    def _remake_own(self, columns: list[tuple[str, str, bool]]) -> None:
        """Rebuild the own table with ``columns`` (a new column, one now filled, a wider type).

        Its rows are copied in order, a row group at a time, each committed.
        """
        cur = self._cur
        assert self._own_columns is not None
        old = {name for name, _, virtual in self._own_columns if not virtual}
        kept = ", ".join(_q(name) for name, _, virtual in columns if not virtual and name in old)
        remade = _load_table()
        cur.execute(f"CREATE TABLE {remade} ({_column_sql(columns)})")
        try:
            for low in range(0, self._own_rows, _STAGE_FLUSH_ROWS):
                cur.execute(
                    f"INSERT INTO {remade} ({kept}) SELECT {kept} FROM {self._own} "
                    f"WHERE rowid >= ? AND rowid < ? ORDER BY rowid",
                    [low, low + _STAGE_FLUSH_ROWS],
                )
        except BaseException:
            with contextlib.suppress(Exception):  # keep the original error
                cur.execute(f"DROP TABLE IF EXISTS {remade}")
            raise
        cur.execute(f"DROP TABLE {self._own}")
        self._own = remade

    def _create(self, batch: pa.Table) -> None:
        """Open the staging transaction and create the table with the batch's columns."""
        cur = self._cur
        cur.execute("BEGIN TRANSACTION")
        self._open = True
        cur.register("partnerkit_batch", batch)
        try:
            cur.execute(
                f"CREATE TEMPORARY TABLE {self.table} AS SELECT * FROM partnerkit_batch LIMIT 0"
            )
        finally:
            cur.unregister("partnerkit_batch")
        self._created = True
        self._columns = set(batch.column_names)

    def _widen(self, batch: pa.Table) -> None:
        """Add the columns the batch brings to the staging table, and widen its types."""
        cur = self._cur
        cur.register("partnerkit_batch", batch.slice(0, 0))
        try:
            described = cur.execute("DESCRIBE SELECT * FROM partnerkit_batch").fetchall()
        finally:
            cur.unregister("partnerkit_batch")
        _reconcile(cur, self.table, {str(r[0]): str(r[1]) for r in described})
        self._columns.update(batch.column_names)

    def _flush(self) -> None:
        """Insert the gathered batches in one statement and commit them."""
        import pyarrow as pa

        if not self._held:
            return
        held = self._held[0] if len(self._held) == 1 else pa.concat_tables(self._held)
        self._held, self._held_rows, self._held_bytes = [], 0, 0
        cur = self._cur
        cur.register("partnerkit_batch", held)
        try:
            cur.execute(f"INSERT INTO {self.table} BY NAME SELECT * FROM partnerkit_batch")
        finally:
            cur.unregister("partnerkit_batch")
        cur.execute("COMMIT")
        cur.execute("BEGIN TRANSACTION")

    def commit(
        self,
        scope: Scope,
        *,
        state: StreamState | None = None,
        replace: ReplaceRange | None = None,
        run: Run | None = None,
    ) -> LoadResult:
        """Merge the staged rows, write the state and the run, in one transaction.

        Rows replace the table's rows with the same ``record_id``; nothing duplicates.
        Either everything is written or, on an error, nothing.

        Args:
            scope: The provenance written on the rows.
            state: The stream's new state (its cursor), written with the rows.
            replace: Rows of the scope to remove first (a full refresh of a range).
            run: The run-history row of this read.

        Returns:
            What was written.

        Raises:
            ConfigurationError: The stage was opened for another ``scope``.
        """
        if self._direct:
            return self._commit_direct(scope, state, replace, run)
        target = f"main.{_q(self.kind.value)}"
        cur = self._cur
        source = self._merge_source()
        with self.warehouse._lock:
            if self._open:  # the merge must see the staged rows and every merge before it
                cur.execute("COMMIT")
                self._open = False
            cur.execute("BEGIN TRANSACTION")
            try:
                incoming = _describe(cur, self.table) if self._created else {}
                incoming.pop(_SEQ, None)
                written, replaced = self._merge(cur, target, source, incoming, scope, replace)
                if state is not None:
                    _write_state(cur, state)
                if run is not None:
                    _write_run(cur, scope, run, written)
                if self._created:
                    cur.execute(f"DROP TABLE {self.table}")
                cur.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(Exception):  # keep the original error
                    cur.execute("ROLLBACK")
                raise
            finally:
                if source != self.table:
                    with contextlib.suppress(Exception):
                        cur.unregister(_HELD)
        self._created = False
        self.discard()
        return LoadResult(self.kind, self.rows, written, replaced, self.seen)

    def _commit_direct(
        self,
        scope: Scope,
        state: StreamState | None,
        replace: ReplaceRange | None,
        run: Run | None,
    ) -> LoadResult:
        """Rename the own table into place with the state and the run, in one transaction.

        Ids written in two groups keep the last row first. Should the record table exist
        by now (a stage that did not know its scope merged first), the own table is
        merged into it as a staging table would be (its row order standing for the order
        staged), then dropped.
        """
        if scope != self.scope:
            raise ConfigurationError(
                f"the stage was opened for {self.scope} and committed for {scope}"
            )
        self._flush_direct(whole=True)
        self._written()
        target = f"main.{_q(self.kind.value)}"
        cur = self._cur
        try:
            with self.warehouse._lock:
                cur.execute("BEGIN TRANSACTION")
                self._open = True
                if _has_table(cur, self.kind):
                    assert self._own_columns is not None
                    stored = [n for n, _, v in self._own_columns if not v]
                    stored = [n for n in stored if n not in PROVENANCE_COLUMNS]
                    source = (
                        f"(SELECT {', '.join(_q(n) for n in stored)}, rowid AS {_SEQ} "
                        f"FROM {self._own})"
                    )
                    written, replaced = self._merge(
                        cur, target, source, dict(self._incoming), scope, replace
                    )
                    cur.execute(f"DROP TABLE {self._own}")
                else:
                    written, replaced = self._own_rows - self._keep_last(), 0
                    cur.execute(f"ALTER TABLE {self._own} RENAME TO {_q(self.kind.value)}")
                if state is not None:
                    _write_state(cur, state)
                if run is not None:
                    _write_run(cur, scope, run, written)
                cur.execute("COMMIT")
                self._open = False
                self._own_made = False
        except BaseException:
            with contextlib.suppress(Exception):  # keep the original error
                cur.execute("ROLLBACK")
            self._open = False
            raise
        self.discard()
        return LoadResult(self.kind, self.rows, written, replaced, self.seen)

    def _keep_last(self) -> int:
        """Delete all but the last row of each id the own table holds twice; return how many.

        Within a group ids are distinct (:meth:`_write_own`); a later group's rows come
        after an earlier one's (``rowid``), as later staged rows do. The whole table is
        checked in one scan (a check per slice scans it once per slice: 20 scans at 10
        million rows, for no less memory); only a table with an id twice is then cleaned
        a slice at a time.
        """
        cur = self._cur
        if _distinct_ids(cur, self._own, "true"):  # one scan: the usual case ends here
            return 0
        removed = 0
        for where in _partitions(self._own_rows):
            if not _distinct_ids(cur, self._own, where):
                removed += cur.execute(
                    f"DELETE FROM {self._own} WHERE {where} AND rowid NOT IN "
                    f"(SELECT max(rowid) FROM {self._own} WHERE {where} GROUP BY record_id)"
                ).fetchall()[0][0]
        return int(removed)

    def _merge_source(self) -> str:
        """What the merge reads: the staging table, and the batches not inserted into it.

        The last batches of a read (fewer than a row group) are merged straight from
        Arrow: inserted into the staging table they would go through the write-ahead
        log, then be copied once more. A read that small never fills the staging table.
        """
        import pyarrow as pa

        if not self._held:
            return self.table
        held = self._held[0] if len(self._held) == 1 else pa.concat_tables(self._held)
        self._held, self._held_rows, self._held_bytes = [], 0, 0
        self._cur.register(_HELD, held)
        if self.rows == held.num_rows:  # nothing was inserted into the staging table
            return _HELD
        return f"(SELECT * FROM {self.table} UNION ALL BY NAME SELECT * FROM {_HELD})"

    def _merge(
        self,
        cur: duckdb.DuckDBPyConnection,
        target: str,
        source: str,
        incoming: dict[str, str],
        scope: Scope,
        replace: ReplaceRange | None,
    ) -> tuple[int, int]:
        """Merge ``source`` (the read's ``incoming`` columns and ``_seq``) into the table."""
        exists = _has_table(cur, self.kind)
        if not exists and not self.rows:
            return 0, 0
        if not exists:
            _create_record_table(cur, target, self.kind, incoming)
        elif self.rows:
            _store_columns(cur, self.kind, set(incoming))
            _reconcile(cur, target, incoming)
        replaced = 0
        if replace is not None:
            replaced += _delete_scope(cur, target, scope, replace)
        if not self.rows:
            return 0, replaced
        occupied = cur.execute(f"SELECT count(*) FROM {target}").fetchall()[0][0] > 0
        written = 0
        params = [scope.connection, scope.stream, scope.account, _utc_now()]
        for where in _partitions(self.rows):
            if occupied:
                replaced += cur.execute(
                    f"DELETE FROM {target} WHERE record_id IN "
                    f"(SELECT record_id FROM {source} WHERE {where})"
                ).fetchall()[0][0]
            written += cur.execute(
                f"INSERT INTO {target} BY NAME SELECT * EXCLUDE ({_SEQ}), ? AS _connection, "
                f"? AS _stream, ? AS _account, ? AS _synced_at FROM {source} "
                f"WHERE {where}{_last_of_each(cur, source, where)}",
                params,
            ).fetchall()[0][0]
        return written, replaced


def _partitions(rows: int) -> list[str]:
    """Conditions that split a read's rows by ``record_id`` into slices of bounded size."""
    parts = max(1, math.ceil(rows / _PARTITION_ROWS))
    if parts == 1:
        return ["true"]
    return [f"hash(record_id) % {parts} = {part}" for part in range(parts)]


def _last_of_each(cur: duckdb.DuckDBPyConnection, source: str, where: str) -> str:
    """The condition that keeps the last staged row of each ``record_id`` in ``where``.

    Empty when no id is staged twice there (a read's rows usually are distinct): a
    count is cheaper than keeping the last of each by grouping and filtering.
    """
    if _distinct_ids(cur, source, where):
        return ""
    last = f"SELECT max({_SEQ}) FROM {source} WHERE {where} GROUP BY record_id"
    return f" AND {_SEQ} IN ({last})"


def _distinct_ids(cur: duckdb.DuckDBPyConnection, source: str, where: str) -> bool:
    """Whether no ``record_id`` of ``source`` in ``where`` is there twice.

    The distinct 64-bit hashes of the ids are counted, not the 32-character ids
    (a quarter less time): as many hashes as rows means as many ids. Fewer means an id
    twice, or (fewer than once in ten million reads of a million rows) two ids of one hash: the
    caller's exact handling of duplicates runs then, and finds none.
    """
    found = cur.execute(
        f"SELECT count(DISTINCT hash(record_id)) = count(*) FROM {source} WHERE {where}"
    ).fetchall()
    return bool(found[0][0])


def _has_table(cur: duckdb.DuckDBPyConnection, kind: RecordKind) -> bool:
    """Whether the kind's record table exists, as the cursor's transaction sees it."""
    found = cur.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = 'main' AND table_name = ?",
        [kind.value],
    ).fetchall()
    return bool(found[0][0])


def _create_record_table(
    cur: duckdb.DuckDBPyConnection, target: str, kind: RecordKind, incoming: dict[str, str]
) -> None:
    """Create a record table: the kind's columns, the read's extras, then provenance.

    Every column of the kind's schema is there, in order, with its type; the ones no
    staged row filled are virtual (``GENERATED ALWAYS AS (NULL) VIRTUAL``): they read
    as typed nulls, and nothing of them is written to the file. A later read that fills
    one stores it (:func:`_store_columns`).
    """
    cur.execute(f"CREATE TABLE {target} ({_column_sql(_record_columns(kind, incoming))})")


def _record_columns(kind: RecordKind, incoming: dict[str, str]) -> list[tuple[str, str, bool]]:
    """The columns (name, type, virtual) of a record table made for a read: one layout.

    :func:`_create_record_table` makes it, and a first read's own table is laid out by it.
    The kind's schema in order (a column the read fills with its type widened as
    :func:`_reconcile` widens it, the others virtual), the read's extras, provenance.
    """
    schema = _schema_types(kind)
    columns = [
        (
            name,
            (_widened(name, t, incoming[name]) or t) if name in incoming else t,
            name not in incoming,
        )
        for name, t in schema.items()
    ]
    columns += [(name, t, False) for name, t in incoming.items() if name not in schema]
    columns += [(name, t, False) for name, t in PROVENANCE_COLUMNS.items()]
    return columns


def _column_sql(columns: list[tuple[str, str, bool]]) -> str:
    """The column definitions of ``CREATE TABLE`` for (name, type, virtual) columns."""
    return ", ".join(
        _virtual(name, t) if virtual else f"{_q(name)} {t}" for name, t, virtual in columns
    )


def _virtual(name: str, sql_type: str) -> str:
    """The definition of a column that stores nothing and reads as a null of its type."""
    return f"{_q(name)} {sql_type} GENERATED ALWAYS AS (CAST(NULL AS {sql_type})) VIRTUAL"


@cache
def _schema_types(kind: RecordKind) -> dict[str, str]:
    """Column name → SQL type of the kind's schema, in order, as DuckDB types it from Arrow."""
    import duckdb

    with duckdb.connect() as con:
        con.register("partnerkit_schema", arrow_schema(kind).empty_table())
        rows = con.execute("DESCRIBE SELECT * FROM partnerkit_schema").fetchall()
    return {str(r[0]): str(r[1]) for r in rows}


def _store_columns(cur: duckdb.DuckDBPyConnection, kind: RecordKind, names: set[str]) -> None:
    """Make the virtual columns among ``names`` of the kind's table stored columns.

    DuckDB cannot turn a generated column into a stored one in place, so the table is
    rebuilt in the same order with those columns stored, its rows copied (null there),
    and renamed over the old one, inside the caller's transaction. It happens once per
    column, the first time a read brings a value for it. A table that stores every
    column (as earlier versions wrote them) has no virtual column: nothing happens.
    """
    described = cur.execute(
        "SELECT column_name, data_type, is_generated FROM duckdb_columns() "
        "WHERE database_name = current_database() AND schema_name = 'main' "
        "AND table_name = ? ORDER BY column_index",
        [kind.value],
    ).fetchall()
    if not any(generated and name in names for name, _, generated in described):
        return
    columns = [
        _virtual(name, t) if generated and name not in names else f"{_q(name)} {t}"
        for name, t, generated in described
    ]
    kept = ", ".join(_q(name) for name, _, generated in described if not generated)
    target = f"main.{_q(kind.value)}"
    rebuilt = _q(f"{kind.value}{_REBUILD_SUFFIX}")
    cur.execute(f"CREATE TABLE main.{rebuilt} ({', '.join(columns)})")
    cur.execute(f"INSERT INTO main.{rebuilt} ({kept}) SELECT {kept} FROM {target}")
    cur.execute(f"DROP TABLE {target}")
    cur.execute(f"ALTER TABLE main.{rebuilt} RENAME TO {_q(kind.value)}")


def _delete_scope(
    cur: duckdb.DuckDBPyConnection, target: str, scope: Scope, replace: ReplaceRange
) -> int:
    where = ["_connection = ?", "_stream = ?", "_account = ?"]
    params: list[Any] = [scope.connection, scope.stream, scope.account]
    if replace.column is not None:
        column = _q(replace.column)
        timestamp = _describe(cur, target).get(replace.column, "DATE") != "DATE"
        if replace.start is not None:
            where.append(f"{column} >= ?")
            params.append(_bound(replace.start, timestamp))
        if replace.end is not None:
            where.append(f"{column} < ?")
            params.append(_bound(replace.end + dt.timedelta(days=1), timestamp))
    found = cur.execute(f"DELETE FROM {target} WHERE {' AND '.join(where)}", params).fetchall()
    return int(found[0][0])


def _bound(day: dt.date, timestamp: bool) -> dt.date | dt.datetime:
    """A day as a bound for a date column, or as its first instant (UTC) for a timestamp."""
    return dt.datetime.combine(day, dt.time(), dt.UTC) if timestamp else day


def _write_state(cur: duckdb.DuckDBPyConnection, state: StreamState) -> None:
    cur.execute(
        f"DELETE FROM {SCHEMA}.state WHERE connection = ? AND stream = ? AND account = ?",
        [state.connection, state.stream, state.account],
    )
    cur.execute(
        f"INSERT INTO {SCHEMA}.state VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            state.connection,
            state.stream,
            state.account,
            state.kind.value,
            state.cursor_column,
            state.cursor,
            state.rows,
            state.synced_at,
        ],
    )


def _write_run(cur: duckdb.DuckDBPyConnection, scope: Scope, run: Run, written: int) -> None:
    cur.execute(
        f"INSERT INTO {SCHEMA}.runs VALUES (?, ?, ?, ?, 'ok', ?, ?, ?, ?, ?, NULL, ?)",
        [
            run.run_id,
            scope.connection,
            scope.stream,
            scope.account,
            written,
            run.read_start,
            run.read_end,
            run.cursor_before,
            run.cursor_after,
            _utc_now(),
        ],
    )
