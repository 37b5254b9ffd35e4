"""The warehouse's layout version and the migrations between versions.

Every warehouse file records the migrations applied to it in
``partnerkit.schema_version``. Opening a file runs the missing ones in order, each in
its own transaction together with its version row, so a file is always at one
well-defined version, never half-way. A file written by a newer partnerkit is
refused rather than damaged.

Versions:

* **0** — no bookkeeping: a file written by ``partnerkit pull --out x.duckdb`` in
  partnerkit 0.1 (record tables only), or an empty file.
* **1** — the ``partnerkit`` schema with ``schema_version``, ``state`` (the cursors)
  and ``runs`` (the history of reads); the provenance columns ``_connection``,
  ``_stream``, ``_account`` and ``_synced_at`` on every record table.

A reader that opens a file without writing cannot migrate it, so it reads the file at the
version it finds: :func:`readable_version` is the one place that decides which versions
that is. Every version up to :data:`SCHEMA_VERSION` holds its records the same way (a
record table per kind in ``main``, read by name; columns a version-2 table leaves virtual
read as typed nulls, and a version-1 table stores them all), so the record tables of any
of them read as they are; the bookkeeping (state, run history) exists from version 1 on.
A version above :data:`SCHEMA_VERSION` is refused.

A new version appends a :class:`Migration` to :data:`MIGRATIONS`; one that changes how
records are read (not only how they are written) also raises :data:`OLDEST_READABLE`.
Columns that only follow the record schemas (a standard column added in a release, an
``extra.*`` metric) need no migration: the warehouse adds them when rows bring them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from partnerkit.errors import ConfigurationError, WarehouseVersionError
from partnerkit.records import RecordKind

if TYPE_CHECKING:
    import duckdb

__all__ = [
    "BOOKKEEPING_VERSION",
    "MIGRATIONS",
    "OLDEST_READABLE",
    "PROVENANCE_COLUMNS",
    "SCHEMA",
    "SCHEMA_VERSION",
    "Migration",
    "current_version",
    "migrate",
    "readable_version",
]

SCHEMA = "partnerkit"
"""The DuckDB schema holding the warehouse's bookkeeping (records stay in ``main``)."""

PROVENANCE_COLUMNS: dict[str, str] = {
    "_connection": "VARCHAR",
    "_stream": "VARCHAR",
    "_account": "VARCHAR",
    "_synced_at": "TIMESTAMP WITH TIME ZONE",
}
"""Columns every record table carries: which read wrote the row, and when."""


@dataclass(frozen=True)
class Migration:
    """One step of the warehouse layout.

    Attributes:
        version: The version the file is at once the step is applied.
        description: What the step does, in one line.
        apply: The step: DDL and DML on a connection inside an open transaction.
    """

    version: int
    description: str
    apply: Callable[[duckdb.DuckDBPyConnection], None]


def _table_exists(
    con: duckdb.DuckDBPyConnection, schema: str, table: str, database: str | None = None
) -> bool:
    """Whether ``schema.table`` exists (in the attached ``database``, when one is named)."""
    only = "" if database is None else " AND database_name = ?"
    found = con.execute(
        f"SELECT count(*) FROM duckdb_tables() WHERE schema_name = ? AND table_name = ?{only}",
        [schema, table] if database is None else [schema, table, database],
    ).fetchall()
    return bool(found[0][0])


def _columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[str]:
    rows = con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE schema_name = ? AND table_name = ? "
        "ORDER BY column_index",
        [schema, table],
    ).fetchall()
    return [r[0] for r in rows]


def _v1_bookkeeping(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
    con.execute(
        f"""CREATE TABLE IF NOT EXISTS {SCHEMA}.state (
            connection VARCHAR NOT NULL,
            stream VARCHAR NOT NULL,
            account VARCHAR NOT NULL,
            kind VARCHAR NOT NULL,
            cursor_column VARCHAR,
            cursor DATE,
            rows BIGINT NOT NULL,
            synced_at TIMESTAMP WITH TIME ZONE NOT NULL
        )"""
    )
    con.execute(
        f"""CREATE TABLE IF NOT EXISTS {SCHEMA}.runs (
            run_id VARCHAR NOT NULL,
            connection VARCHAR NOT NULL,
            stream VARCHAR NOT NULL,
            account VARCHAR NOT NULL,
            status VARCHAR NOT NULL,
            rows BIGINT NOT NULL,
            read_start DATE,
            read_end DATE,
            cursor_before DATE,
            cursor_after DATE,
            error VARCHAR,
            finished_at TIMESTAMP WITH TIME ZONE NOT NULL
        )"""
    )
    tables = {
        str(r[0])
        for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
            "AND schema_name = 'main'"
        ).fetchall()
    }
    for kind in RecordKind:
        if kind.value not in tables:  # one query for every kind, not one each
            continue
        have = set(_columns(con, "main", kind.value))
        for name, sql_type in PROVENANCE_COLUMNS.items():
            if name not in have:
                con.execute(f'ALTER TABLE main."{kind.value}" ADD COLUMN "{name}" {sql_type}')


def _v2_virtual_columns(con: duckdb.DuckDBPyConnection) -> None:
    """Nothing to rewrite: version 2 only marks that record tables may hold virtual columns.

    From version 2 a new record table stores only the columns some read filled; the others
    are virtual (typed nulls, nothing stored) until a read brings a value. Tables of version
    1 keep every column stored and are read and synced as they are. The version exists so
    that a partnerkit of version 1, which would fail writing into a virtual column, refuses
    the file up front ("written by a newer partnerkit") instead.
    """


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "bookkeeping (schema_version, state, runs) and provenance columns on record tables",
        _v1_bookkeeping,
    ),
    Migration(2, "record tables may hold virtual (unstored) columns", _v2_virtual_columns),
)
"""Every migration, oldest first."""

SCHEMA_VERSION = MIGRATIONS[-1].version
"""The layout version this partnerkit writes."""

OLDEST_READABLE = 0
"""The oldest layout version whose record tables this partnerkit reads without migrating.

Version 0 files (a ``pull --out`` file of partnerkit 0.1, or any DuckDB file holding
tables named by record kind) are read as they are.
"""

BOOKKEEPING_VERSION = 1
"""The first layout version with the bookkeeping (``state``, ``runs``): the oldest a
read-only :class:`~partnerkit.store.Warehouse`, which reads them too, accepts."""


def current_version(con: duckdb.DuckDBPyConnection, database: str | None = None) -> int:
    """The layout version of an open warehouse (0 for a file without bookkeeping).

    Args:
        con: A connection to the warehouse.
        database: The warehouse's name when it is attached to ``con`` under another
            (``ATTACH ... AS name``); by default ``con``'s own database.
    """
    if not _table_exists(con, SCHEMA, "schema_version", database):
        return 0
    where = SCHEMA if database is None else f'"{database}".{SCHEMA}'
    found = con.execute(f"SELECT max(version) FROM {where}.schema_version").fetchall()
    return int(found[0][0] or 0)


def _too_new(path: str, version: int, latest: int, oldest: int) -> WarehouseVersionError:
    """The error for a file at a layout version above the newest this partnerkit knows."""
    from partnerkit import __version__

    return WarehouseVersionError(
        f"the warehouse {path} is at layout version {version}, written by a newer partnerkit "
        f"than this one ({__version__}, which knows layout versions up to {latest}); upgrade "
        f"partnerkit (`pip install -U partnerkit`, or `uv add -U partnerkit`) to use it. The "
        f"file is left as it is.",
        path=path,
        version=version,
        oldest=oldest,
        newest=latest,
    )


def _database_path(con: duckdb.DuckDBPyConnection) -> str:
    """The file of ``con``'s own database (empty for one in memory), for messages."""
    found = con.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchall()
    return str(found[0][0] or "") if found else ""


def readable_version(
    con: duckdb.DuckDBPyConnection,
    path: str | os.PathLike[str],
    *,
    database: str | None = None,
    oldest: int = OLDEST_READABLE,
) -> int:
    """The layout version of a warehouse opened without writing, if this partnerkit reads it.

    The one place that decides which versions a read-only open accepts (it cannot
    migrate): from ``oldest`` up to :data:`SCHEMA_VERSION`.

    Args:
        con: A connection to the warehouse.
        path: The warehouse file (named in the error).
        database: The warehouse's name when it is attached to ``con`` under another.
        oldest: The oldest version the reader accepts: :data:`OLDEST_READABLE` for one
            that reads the record tables only, :data:`BOOKKEEPING_VERSION` for one that
            reads the state and run history too.

    Returns:
        The file's layout version.

    Raises:
        WarehouseVersionError: The file is newer than this partnerkit (upgrade it), or
            older than ``oldest`` (open it once for writing, which migrates it).
    """
    version = current_version(con, database)
    if version > SCHEMA_VERSION:
        raise _too_new(str(path), version, SCHEMA_VERSION, oldest)
    if version < oldest:
        raise WarehouseVersionError(
            f"the warehouse {path} is at layout version {version}, not {SCHEMA_VERSION}: "
            f"older than a read-only open reads (versions {oldest} to {SCHEMA_VERSION}). Open "
            f"it once for writing to migrate it (`partnerkit sync`, or `Warehouse(path)` in "
            f"code), then read it again.",
            path=str(path),
            version=version,
            oldest=oldest,
            newest=SCHEMA_VERSION,
        )
    return version


def migrate(
    con: duckdb.DuckDBPyConnection, migrations: Sequence[Migration] = MIGRATIONS
) -> list[int]:
    """Bring an open warehouse to the latest version, one transaction per step.

    Args:
        con: A read-write connection to the warehouse.
        migrations: The steps, oldest first (the module's :data:`MIGRATIONS`).

    Returns:
        The versions applied (empty when the file was up to date).

    Raises:
        WarehouseVersionError: The file is newer than this partnerkit (nothing is
            changed).
        ConfigurationError: A step failed (the file stays at the last version that
            completed).
    """
    latest = migrations[-1].version if migrations else 0
    version = current_version(con)
    if version > latest:
        raise _too_new(_database_path(con), version, latest, 0)
    applied: list[int] = []
    for step in migrations:
        if step.version <= version:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
            con.execute(
                f"CREATE TABLE IF NOT EXISTS {SCHEMA}.schema_version (version INTEGER NOT NULL, "
                "description VARCHAR NOT NULL, applied_at TIMESTAMP WITH TIME ZONE NOT NULL)"
            )
            step.apply(con)
            con.execute(
                f"INSERT INTO {SCHEMA}.schema_version VALUES (?, ?, now())",
                [step.version, step.description],
            )
            con.execute("COMMIT")
        except Exception as exc:
            con.execute("ROLLBACK")
            raise ConfigurationError(
                f"migrating the warehouse to layout version {step.version} "
                f"({step.description}) failed: {exc}"
            ) from exc
        applied.append(step.version)
        version = step.version
    return applied
