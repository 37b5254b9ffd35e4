"""Incremental sync: every connection, stream and account of a workspace into the warehouse.

:func:`sync` plans one *unit* per connection, stream and account (a connection
without accounts is one unit per stream), then runs the units on a bounded thread
pool. Each unit:

1. reads its state and plans the read (:func:`~partnerkit.store.state.plan_request`:
   the cursor less the connector's lookback, or ``start`` / a full refresh);
2. builds its own connector (no connector is shared between threads; rate limits
   are, through the HTTP seam's process-wide :func:`~partnerkit.http.rate_limiter`
   registry, so an agency's portfolio stays under each API's limits);
3. stages the records batch by batch, then merges them, moves the cursor and logs
   the run in one transaction (:class:`~partnerkit.store.warehouse.Warehouse`); a first
   read of a kind writes its rows once instead, into a table of its own renamed into
   place by that transaction (:meth:`~partnerkit.store.warehouse.Warehouse.stage`).

A unit that fails is reported in the result with its error and leaves its state
where it was; the other units go on.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import threading
import time
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from partnerkit.connector import Notice, ReadRequest, StreamSpec
from partnerkit.errors import ConfigurationError, PartnerkitError
from partnerkit.store.read import holding
from partnerkit.store.state import StreamState, advance_cursor, last_complete_day, plan_request
from partnerkit.store.warehouse import (
    LoadResult,
    ReplaceRange,
    Run,
    Scope,
    Stage,
    Warehouse,
    default_warehouse_path,
)
from partnerkit.stream import RecordStream

if TYPE_CHECKING:
    from partnerkit.model import Workspace

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "DEFAULT_WORKERS",
    "SyncObserver",
    "SyncResult",
    "Unit",
    "UnitResult",
    "sync",
]

DEFAULT_WORKERS = 4
"""Units read at once by default."""

DEFAULT_BATCH_SIZE = 2_000
"""Records validated, converted and staged at a time: small enough that a read's work
keeps pace with its pages (not all at its end), large enough to stay cheap per row."""


class _Cancelled(Exception):  # noqa: N818 - private signal, never leaves sync()
    """Ctrl-C reached the sync: a unit stops before its merge."""


@dataclass(frozen=True)
class Unit:
    """One read of a sync: a stream of one account of one connection.

    Attributes:
        connection: The workspace connection.
        stream: The stream (``"*"`` when the connection failed before its streams
            were known).
        account: The account, or ``""`` when one read covers all of them.
    """

    connection: str
    stream: str
    account: str = ""

    def __str__(self) -> str:
        where = f"{self.connection}/{self.stream}"
        return f"{where} [{self.account}]" if self.account else where


@dataclass(frozen=True)
class UnitResult:
    """How one unit went.

    Attributes:
        unit: The unit.
        ok: True when its rows and state were committed.
        rows: Rows read.
        written: Rows written (rows less duplicates within the read).
        request: The read that was planned (``None`` if it failed before).
        cursor_before: The cursor before the read.
        cursor_after: The cursor after it (unchanged when it failed).
        error: What went wrong, when not ``ok``.
        notices: Notices the connector gave (rejected rows, sampled data).
        seconds: Wall time of the unit.
    """

    unit: Unit
    ok: bool
    rows: int = 0
    written: int = 0
    request: ReadRequest | None = None
    cursor_before: dt.date | None = None
    cursor_after: dt.date | None = None
    error: Exception | None = None
    notices: tuple[Notice, ...] = ()
    seconds: float = 0.0


@dataclass(frozen=True)
class SyncResult:
    """What a sync did, unit by unit.

    Attributes:
        warehouse: The warehouse file.
        results: One result per unit, in plan order.
        seconds: Wall time of the sync.
    """

    warehouse: Path
    results: tuple[UnitResult, ...] = field(default_factory=tuple)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when every unit succeeded."""
        return all(r.ok for r in self.results)

    @property
    def failed(self) -> list[UnitResult]:
        """The units that failed (their state did not move)."""
        return [r for r in self.results if not r.ok]

    @property
    def rows(self) -> int:
        """Rows read in total."""
        return sum(r.rows for r in self.results)


class SyncObserver:
    """Hooks for progress reporting; every method is called from worker threads.

    Subclass it and override what you need (the command line draws progress bars).
    """

    def planned(self, units: Sequence[Unit]) -> None:
        """The units about to run, in order."""

    def started(self, unit: Unit, request: ReadRequest, days: int | None) -> None:
        """A unit planned its read; ``days`` is its length when both ends are known."""

    def advanced(self, unit: Unit, rows: int, days_done: int | None) -> None:
        """A batch was staged: ``rows`` so far, ``days_done`` of ``days`` reached."""

    def finished(self, result: UnitResult) -> None:
        """A unit ended (successfully or not)."""


@dataclass(frozen=True)
class _Plan:
    unit: Unit
    spec: StreamSpec | None
    error: Exception | None = None


@dataclass(frozen=True)
class _Options:
    full_refresh: bool
    start: dt.date | None
    end: dt.date | None
    complete: dt.date
    batch_size: int
    observer: SyncObserver
    cancel: threading.Event


def sync(
    workspace: Workspace,
    warehouse: Warehouse | str | os.PathLike[str] | None = None,
    *,
    connections: Sequence[str] = (),
    streams: Sequence[str] = (),
    full_refresh: bool = False,
    start: dt.date | None = None,
    end: dt.date | None = None,
    workers: int = DEFAULT_WORKERS,
    batch_size: int = DEFAULT_BATCH_SIZE,
    observer: SyncObserver | None = None,
    as_of: dt.date | None = None,
) -> SyncResult:
    """Bring the warehouse up to date with every connection of a workspace.

    Args:
        workspace: The workspace whose connections are read.
        warehouse: An open :class:`Warehouse`, a path, or ``None`` for
            :func:`~partnerkit.store.warehouse.default_warehouse_path`.
        connections: Only these connections (all by default).
        streams: Only these stream names (all enabled ones by default).
        full_refresh: Ignore the cursors: read from ``start`` (or the beginning) and
            replace what the warehouse holds for that range.
        start: Read from this day, whatever the cursors say (``--from``).
        end: Read up to this day (``--to``; default: as far as each source goes).
        workers: Units read at once.
        batch_size: Records per staged batch.
        observer: Progress hooks.
        as_of: The last complete day, for the cursor cap (tests; by default
            :func:`~partnerkit.store.state.last_complete_day`).

    Returns:
        What happened to each unit. Failed units are in ``result.failed``.

    Raises:
        ConfigurationError: An unknown connection or stream name, ``start`` after
            ``end``, fewer than one worker, or a warehouse that cannot be opened (in
            use, outside the workspace folder without its consent, inside an
            installed package).
        WarehouseFileError: The warehouse file is damaged, truncated or not DuckDB.
        KeyboardInterrupt: Ctrl-C; the units running stop before their merge (their
            state does not move); units already merged stay merged.
    """
    if workers < 1:
        raise ConfigurationError(f"workers must be at least 1, got {workers}")
    if start is not None and end is not None and start > end:
        raise ConfigurationError(f"--from {start} is after --to {end}")
    began = time.perf_counter()
    plans = _plan(workspace, connections, streams)
    observer = observer or SyncObserver()
    options = _Options(
        full_refresh=full_refresh,
        start=start,
        end=end,
        complete=as_of or last_complete_day(),
        batch_size=batch_size,
        observer=observer,
        cancel=threading.Event(),
    )
    own = not isinstance(warehouse, Warehouse)
    wh = (
        warehouse
        if isinstance(warehouse, Warehouse)
        else Warehouse(default_warehouse_path(workspace, warehouse))
    )
    with holding(wh.path):  # readers that find the file locked name this sync
        try:
            observer.planned([p.unit for p in plans])
            results = _run_all(workspace, wh, plans, options, workers)
        finally:
            if own:
                wh.close()
    return SyncResult(wh.path, tuple(results), time.perf_counter() - began)


def _plan(workspace: Workspace, only: Sequence[str], streams: Sequence[str]) -> list[_Plan]:
    names = [c.name for c in workspace.connections]
    for name in only:
        workspace.connection(name)  # raises, listing the names
    plans: list[_Plan] = []
    offered: set[str] = set()
    for conn in workspace.connections:
        if only and conn.name not in only:
            continue
        accounts = list(conn.accounts) or [""]
        try:
            with workspace.connector(conn.name) as connector:
                specs = connector.enabled_streams()
                offered.update(s.name for s in connector.streams)
        except PartnerkitError as exc:
            plans.append(_Plan(Unit(conn.name, "*"), None, exc))
            continue
        for spec in specs:
            if streams and spec.name not in streams:
                continue
            plans.extend(_Plan(Unit(conn.name, spec.name, a), spec) for a in accounts)
    unknown = sorted(set(streams) - offered)
    if unknown and offered:
        raise ConfigurationError(
            f"no connection offers the stream(s) {', '.join(unknown)}; the connections "
            f"{', '.join(names)} offer: {', '.join(sorted(offered))}"
        )
    return plans


def _run_all(
    workspace: Workspace,
    wh: Warehouse,
    plans: list[_Plan],
    options: _Options,
    workers: int,
) -> list[UnitResult]:
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="partnerkit-sync")
    futures = [pool.submit(_run_unit, workspace, wh, plan, options) for plan in plans]
    try:
        results = [f.result() for f in futures]
    except KeyboardInterrupt:
        options.cancel.set()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return results


def _days(first: dt.date | None, last: dt.date | None) -> int | None:
    if first is None or last is None or last < first:
        return None
    return (last - first).days + 1


def _run_unit(workspace: Workspace, wh: Warehouse, plan: _Plan, options: _Options) -> UnitResult:
    """Run one unit and report it; a failure becomes the unit's result, never an exception."""
    unit, spec = plan.unit, plan.spec
    began = time.perf_counter()
    if spec is None:  # its connection could not be built
        result = UnitResult(unit, ok=False, error=plan.error)
        options.observer.finished(result)
        return result
    if options.cancel.is_set():
        return UnitResult(unit, ok=False, error=_Cancelled("interrupted before it ran"))
    read = _Read(unit, spec)
    error: Exception | None = None
    try:
        loaded = read.run(workspace, wh, options)
    except Exception as exc:
        read.log_failure(wh, exc)
        error, rows, written, after = exc, read.rows, 0, read.before
    else:
        rows, written, after = loaded.rows, loaded.written, read.after
    result = UnitResult(
        unit,
        ok=error is None,
        rows=rows,
        written=written,
        request=read.request,
        error=error,
        cursor_before=read.before,
        cursor_after=after,
        notices=tuple(read.notices),
        seconds=time.perf_counter() - began,
    )
    options.observer.finished(result)
    return result


class _Read:
    """One unit's read: plan it from the state, stage its batches, merge with the cursor."""

    def __init__(self, unit: Unit, spec: StreamSpec) -> None:
        self.unit = unit
        self.spec = spec
        self.scope = Scope(unit.connection, unit.stream, unit.account)
        self.run_id = uuid.uuid4().hex
        self.before: dt.date | None = None
        self.after: dt.date | None = None
        self.request: ReadRequest | None = None
        self.notices: list[Notice] = []
        self.rows = 0

    def run(self, workspace: Workspace, wh: Warehouse, options: _Options) -> LoadResult:
        unit, spec = self.unit, self.spec
        state = wh.state(unit.connection, unit.stream, unit.account)
        self.before = state.cursor if state else None
        with workspace.connector(unit.connection) as connector:
            request = self.request = plan_request(
                spec,
                self.before,
                lookback=connector.lookback(spec.name),
                accounts=(unit.account,) if unit.account else (),
                start=options.start,
                end=options.end,
                full_refresh=options.full_refresh,
            )
            total = _days(request.start, request.end or options.complete)
            options.observer.started(unit, request, total)
            stream = RecordStream.from_connector(
                connector, spec, request, page_size=options.batch_size
            )
            self.notices = stream.notices
            with wh.stage(spec.kind, spec.cursor, scope=self.scope) as stage:
                for batch in stream.iter_arrow(options.batch_size):
                    if options.cancel.is_set():
                        raise _Cancelled("interrupted before its merge")
                    stage.append(batch)
                    self.rows = stage.rows
                    done = _days(request.start, stage.seen)
                    shown = min(done, total) if done and total else None
                    options.observer.advanced(unit, stage.rows, shown)
                return self._commit(stage, options)

    def _commit(self, stage: Stage, options: _Options) -> LoadResult:
        """Merge the rows, move the cursor and log the run: one transaction."""
        assert self.request is not None
        self.after = advance_cursor(
            self.before,
            self.request,
            stage.seen,
            has_cursor=self.spec.cursor is not None,
            full_refresh=options.full_refresh,
            complete=options.complete,
        )
        state = StreamState(
            connection=self.unit.connection,
            stream=self.unit.stream,
            account=self.unit.account,
            kind=self.spec.kind,
            cursor_column=self.spec.cursor,
            cursor=self.after,
            rows=stage.rows,
            synced_at=dt.datetime.now(dt.UTC),
        )
        start, end = self.request.start, self.request.end
        replace = ReplaceRange(self.spec.cursor, start, end) if options.full_refresh else None
        run = Run(self.run_id, start, end, self.before, self.after)
        return stage.commit(self.scope, state=state, replace=replace, run=run)

    def log_failure(self, wh: Warehouse, exc: Exception) -> None:
        """Record the failed read in the run history (its state does not move)."""
        with contextlib.suppress(Exception):  # the failure is reported in the result anyway
            wh.record_failure(
                self.scope,
                run_id=self.run_id,
                read_start=self.request.start if self.request else None,
                read_end=self.request.end if self.request else None,
                cursor=self.before,
                error=f"{type(exc).__name__}: {exc}",
            )
