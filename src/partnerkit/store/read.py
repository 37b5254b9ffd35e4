"""Reading a warehouse file beside a writer: the read-only attach, the lock wait, the errors.

DuckDB lets one process write a file, or any number of processes read it, never
both: while ``partnerkit sync`` writes, a reader cannot open the file at all. So a
reader waits for the lock, a bounded and configurable time
(:data:`LOCK_WAIT_ENV`, :data:`DEFAULT_LOCK_WAIT`), and then fails with
:class:`~partnerkit.errors.WarehouseBusyError` naming the sync that holds the file —
from the small lock-info file a sync writes beside the warehouse
(:func:`holding`) — never with a raw database error.

:func:`map_duckdb_error` is the one place DuckDB's exceptions become the library's.

A reader cannot migrate the file, so :func:`attach_read_only` reads it at the layout
version it finds, and refuses one written by a newer partnerkit
(:func:`~partnerkit.store.migrations.readable_version` decides).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import socket
import struct
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from partnerkit.errors import (
    ConfigurationError,
    DataError,
    PartnerkitError,
    WarehouseBusyError,
    WarehouseError,
    WarehouseFileError,
)
from partnerkit.store.migrations import readable_version

if TYPE_CHECKING:
    import duckdb

__all__ = [
    "DEFAULT_LOCK_WAIT",
    "LOCK_WAIT_ENV",
    "FileClaim",
    "Holder",
    "attach_read_only",
    "check_warehouse_file",
    "claim_file",
    "holding",
    "lock_info_path",
    "lock_wait",
    "map_duckdb_error",
    "read_holder",
]

LOCK_WAIT_ENV = "PARTNERKIT_LOCK_WAIT"
"""Environment variable: seconds a reader waits for a sync to release the warehouse."""

DEFAULT_LOCK_WAIT = 10.0
"""Seconds a reader waits for the warehouse lock when neither argument nor variable says."""

_LOCKED = "Could not set lock on file"
#: DuckDB's words for a file this process has open in another mode or configuration.
OPEN_HERE = re.compile(
    r"Unique file handle conflict|same database file with a different configuration"
)
_NOTE_LIMIT = 4096  # bytes of a lock note read: it is small, and may not be ours


@dataclass(frozen=True)
class Holder:
    """Who holds a warehouse for writing, as the lock-info file beside it says.

    Attributes:
        pid: The writing process.
        host: The machine it runs on.
        command: What it is doing, e.g. ``partnerkit sync``.
        started_at: When it took the file (UTC).
    """

    pid: int
    host: str
    command: str
    started_at: dt.datetime

    def describe(self) -> str:
        """The holder in words, for error messages."""
        started = self.started_at.strftime("%Y-%m-%d %H:%M:%S UTC")
        where = "" if self.host == socket.gethostname() else f" on {self.host}"
        return f"{self.command} (process {self.pid}{where}, started {started})"


def lock_info_path(path: str | os.PathLike[str]) -> Path:
    """The lock-info file of a warehouse: ``<warehouse>.sync.json`` beside it."""
    path = Path(path)
    return path.with_name(path.name + ".sync.json")


@contextlib.contextmanager
def holding(path: str | os.PathLike[str], command: str = "partnerkit sync") -> Iterator[None]:
    """Record, for the time of the block, that this process writes the warehouse.

    Readers that find the file locked name this holder in their error. The file is
    advisory: DuckDB's own lock is what keeps writers apart. A file left by a killed
    process is overwritten by the next writer and ignored by readers once the lock is
    free. Failing to write it never fails the writer.
    """
    info = lock_info_path(path)
    body = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "command": command,
        "started_at": dt.datetime.now(dt.UTC).isoformat(),
    }
    written = False
    with contextlib.suppress(OSError):
        info.write_text(json.dumps(body), encoding="utf-8")
        written = True
    try:
        yield
    finally:
        if written:
            with contextlib.suppress(OSError, ValueError):
                if json.loads(info.read_text(encoding="utf-8")).get("pid") == os.getpid():
                    info.unlink()


def read_holder(path: str | os.PathLike[str]) -> Holder | None:
    """The holder recorded beside a warehouse, or ``None`` (no file, or unreadable)."""
    try:
        with lock_info_path(path).open(encoding="utf-8") as file:
            raw: Any = json.loads(file.read(_NOTE_LIMIT))
        started = dt.datetime.fromisoformat(str(raw["started_at"]))
        return Holder(
            pid=int(raw["pid"]),
            host=_printable(raw["host"]),
            command=_printable(raw["command"]),
            started_at=started if started.tzinfo else started.replace(tzinfo=dt.UTC),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _printable(value: object) -> str:
    """A note's text as it may appear in an error: printable, at most 200 characters."""
    return "".join(c for c in str(value) if c.isprintable())[:200]


def lock_wait(wait: float | None = None) -> float:
    """Seconds to wait for the lock: ``wait``, else ``$PARTNERKIT_LOCK_WAIT``, else 10.

    Raises:
        ConfigurationError: A negative or unreadable value.
    """
    if wait is None:
        text = os.environ.get(LOCK_WAIT_ENV, "").strip()
        if not text:
            return DEFAULT_LOCK_WAIT
        try:
            wait = float(text)
        except ValueError:
            raise ConfigurationError(
                f"{LOCK_WAIT_ENV} must be a number of seconds, got {text!r}"
            ) from None
    if not wait >= 0:  # also refuses NaN
        raise ConfigurationError(f"the lock wait must be 0 seconds or more, got {wait}")
    return float(wait)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def attach_read_only(
    con: duckdb.DuckDBPyConnection,
    path: str | os.PathLike[str],
    alias: str,
    *,
    wait: float | None = None,
) -> None:
    """Attach a warehouse file read-only to ``con`` as ``alias``, waiting out a writer.

    The file's layout version is checked once it is attached: any version this
    partnerkit knows is read as it is (see
    :func:`~partnerkit.store.migrations.readable_version`); a newer one is detached
    again and refused.

    Args:
        con: The connection (its database gets the attachment).
        path: The warehouse file; it must exist.
        alias: The name the attached database gets.
        wait: Seconds to wait for a writer to release the file (see :func:`lock_wait`).

    Raises:
        WarehouseError: No such file, it is not a readable DuckDB file
            (:class:`~partnerkit.errors.WarehouseFileError` when its header says so), or
            a newer partnerkit wrote it (its layout version is above
            :data:`~partnerkit.store.migrations.SCHEMA_VERSION`).
        WarehouseBusyError: A writer still held the file after ``wait`` seconds.
    """
    import duckdb

    path = Path(path)
    if not path.is_file():
        raise WarehouseError(f"no DuckDB warehouse at {path}", path=str(path))
    check_warehouse_file(path)  # not a DuckDB file, or truncated: WarehouseFileError
    budget = lock_wait(wait)
    began = time.monotonic()
    pause = 0.05
    statement = f'ATTACH {_quote(str(path))} AS "{alias}" (READ_ONLY)'
    while True:
        try:
            con.execute(statement)
            break
        except duckdb.Error as exc:
            waited = time.monotonic() - began
            if _LOCKED not in str(exc):
                raise map_duckdb_error(exc, path=path) from None
            if waited >= budget:
                raise _busy(path, waited) from None
            time.sleep(min(pause, max(budget - waited, 0.0)))
            pause = min(pause * 2, 1.0)
    try:
        readable_version(con, path, database=alias)
    except BaseException as exc:
        with contextlib.suppress(duckdb.Error):
            con.execute(f'DETACH "{alias}"')
        if isinstance(exc, duckdb.Error):
            raise map_duckdb_error(exc, path=path) from None
        raise


class FileClaim:
    """This process's open of a warehouse file, for reading or for writing.

    Made by :func:`claim_file`; :meth:`release` when the file is closed (safe twice).
    """

    def __init__(self, key: str, write: bool) -> None:
        self.key = key
        self.write = write
        self._released = False

    def release(self) -> None:
        """Give the claim back: the file may now be opened in the other mode."""
        with _CLAIMS_LOCK:
            if self._released:
                return
            self._released = True
            counts = _CLAIMS[self.key]
            counts[self.write] -= 1
            if not any(counts.values()):
                del _CLAIMS[self.key]


#: This process's opens of warehouse files: the file's real path → opens by mode
#: (``True`` for writing). DuckDB cannot open one file for reading and for writing in
#: one process, and a refused second open gives up the file's lock the first one holds
#: (POSIX drops a process's locks on a file when any of its handles to it is closed),
#: so the conflict is refused here, before DuckDB touches the file.
_CLAIMS: dict[str, dict[bool, int]] = {}
_CLAIMS_LOCK = threading.Lock()


def claim_file(path: str | os.PathLike[str], *, write: bool) -> FileClaim:
    """Claim a warehouse file for reading or writing in this process, before opening it.

    Opens in one mode share a file (two writers share DuckDB's database, readers share
    the file read-only); an open in the other mode is refused.

    Args:
        path: The warehouse file.
        write: Whether the open writes it.

    Returns:
        The claim, to :meth:`~FileClaim.release` when the file is closed.

    Raises:
        WarehouseError: The file is open in this process in the other mode; the message
            says which, and what to do.
    """
    key = os.path.realpath(path)
    with _CLAIMS_LOCK:
        counts = _CLAIMS.setdefault(key, {True: 0, False: 0})
        if counts[not write]:
            if not any(counts.values()):
                del _CLAIMS[key]
            raise _in_use_here(path, write)
        counts[write] += 1
    return FileClaim(key, write)


def _in_use_here(path: str | os.PathLike[str], write: bool) -> WarehouseError:
    """The error for an open of a file this process has open in the other mode."""
    if write:
        message = (
            f"the warehouse {path} is open for reading in this process (a "
            f"Dataset.from_duckdb or a read-only Warehouse of it), and DuckDB cannot open "
            f"a file for writing while the same process reads it. Close the reader first "
            f"(`dataset.close()`), or open the Warehouse first and read through "
            f"`warehouse.dataset()`."
        )
    else:
        message = (
            f"the warehouse {path} is open for writing in this process (a Warehouse, "
            f"maybe a sync's), and DuckDB cannot open it read-only beside it. Read it "
            f"through that warehouse's `dataset()`, or close the warehouse first."
        )
    return WarehouseError(message, path=str(path))


def _alive(holder: Holder) -> bool:
    """Whether the note's process still runs (assumed on another host, and off POSIX).

    Signal 0 only asks; on Windows ``os.kill`` would end the process, so it is not sent.
    """
    if holder.host != socket.gethostname() or os.name != "posix":
        return True
    try:
        os.kill(holder.pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. no permission to signal it: it exists
        return True
    return True


def _busy(path: Path, waited: float) -> WarehouseBusyError:
    holder = read_holder(path)
    if holder is not None and not _alive(holder):
        holder = None  # a note left by a killed sync: someone else holds the file
    who = holder.describe() if holder else "another process"
    return WarehouseBusyError(
        f"the warehouse {path} is being written by {who}; waited {waited:.1f}s for it to "
        f"finish. Run the report when the sync has finished, or wait longer "
        f"(${LOCK_WAIT_ENV}=<seconds>).",
        path=str(path),
        waited=waited,
        holder_pid=holder.pid if holder else None,
        holder_command=holder.command if holder else None,
        holder_started_at=holder.started_at if holder else None,
    )


def map_duckdb_error(
    exc: BaseException, *, path: str | os.PathLike[str] | None = None, what: str = "query"
) -> PartnerkitError:
    """The library's error for a DuckDB exception (the one boundary where they are mapped).

    Args:
        exc: The DuckDB exception.
        path: The warehouse file involved, if any (named in the message).
        what: What was being done, for the message (``"query"``, ``"read"``).

    Returns:
        :class:`~partnerkit.errors.WarehouseError` for a file that cannot be read or a
        closed connection, :class:`~partnerkit.errors.DataError` for a value that does
        not convert, :class:`~partnerkit.errors.ConfigurationError` for a statement
        DuckDB refuses (syntax, unknown table or column).
    """
    import duckdb

    if isinstance(exc, PartnerkitError):
        return exc
    text = str(exc).strip()
    if path is not None and OPEN_HERE.search(text):  # opened here by other means than partnerkit's
        return WarehouseError(
            f"the warehouse {path} is already open in this process in another mode (read-only "
            f"beside writing, or the reverse): close the other connection to it first",
            path=str(path),
        )
    if path is not None and isinstance(
        exc, duckdb.IOException | duckdb.SerializationException | duckdb.InternalException
    ):
        if _LOCKED in text:
            return _busy(Path(path), 0.0)
        return WarehouseError(
            f"cannot read the warehouse {path}: it is damaged or not a DuckDB file "
            f"({type(exc).__name__}). Restore it from a backup or export, or move it away "
            f"and run `partnerkit sync` to build it again.",
            path=str(path),
        )
    if isinstance(exc, duckdb.ConnectionException):
        where = f"the warehouse {path}" if path is not None else "the dataset"
        return WarehouseError(f"{where} is closed; open it again to {what}", path=str(path or ""))
    if isinstance(exc, duckdb.OutOfMemoryException):
        return ConfigurationError(
            f"the {what} needed more memory than DuckDB's budget allows: {text}. Open the "
            f"dataset with a larger budget, e.g. Dataset.from_duckdb(path, memory_limit='1GB')."
        )
    if isinstance(exc, duckdb.ConversionException | duckdb.OutOfRangeException):
        return DataError(f"a value does not fit its type in the {what}: {text}")
    return ConfigurationError(f"the {what} failed: {text}")


_HEADER_BYTES = 3 * 4096
"""DuckDB's file header: the main header and two database headers of 4 KiB each."""


def _expected_size(head: bytes) -> int | None:
    """The bytes the newest database header says the file holds, if it can be read.

    Each database header is a checksum, then (little-endian 64-bit) the iteration, the
    meta block, the free list, the block count and the block size. ``None`` when the
    values do not look like such a header (another DuckDB storage version): the check
    is then left to DuckDB.
    """
    headers: list[tuple[int, ...]] = [
        struct.unpack_from("<5Q", head, offset + 8) for offset in (4096, 8192)
    ]
    iteration, _meta, _free, blocks, block_size = max(headers)
    if iteration == 0 or block_size & (block_size - 1) or not 4096 <= block_size <= 1 << 26:
        return None
    if blocks > 1 << 40:
        return None
    return _HEADER_BYTES + blocks * block_size


def check_warehouse_file(path: str | os.PathLike[str]) -> None:
    """Refuse a file that cannot be a warehouse, before DuckDB opens it.

    Reads the first 12 KiB only (no lock is taken, so it works while a sync writes):
    DuckDB's magic bytes, and a size at least as large as the file's own header says.
    A missing file passes (there is nothing to check).

    Args:
        path: The warehouse file.

    Raises:
        WarehouseFileError: The file is empty, is not a DuckDB file (a text file,
            random bytes), is truncated, or cannot be read (a folder).
    """
    file = Path(path)
    try:
        size = file.stat().st_size
        if file.is_dir():
            raise WarehouseFileError(file, "is a folder, not a DuckDB file")
        with file.open("rb") as fh:
            head = fh.read(_HEADER_BYTES)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise WarehouseFileError(file, f"cannot be read ({exc.strerror})") from None
    if size == 0:
        raise WarehouseFileError(file, "is empty (0 bytes), not a DuckDB file")
    if head[8:12] != b"DUCK":
        raise WarehouseFileError(file, "is not a DuckDB database file")
    expected = _expected_size(head) if len(head) == _HEADER_BYTES else _HEADER_BYTES + 1
    if expected is not None and size < expected:
        raise WarehouseFileError(
            file, f"is truncated ({size:,} bytes where its header promises {expected:,})"
        )
