"""What ``partnerkit sync`` shows: live progress bars and the summary at the end.

A bar per running read (connection, stream, account) with its rows, the days
reached and an ETA, plus one overall bar; a finished read's bar goes away, so an
agency's hundreds of accounts do not flood the terminal. Nothing is drawn when the
output is not a terminal (cron, CI) or with ``--quiet``.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Self

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from partnerkit._closing import Closing
from partnerkit.connector import ReadRequest
from partnerkit.store.sync import SyncObserver, SyncResult, Unit, UnitResult

__all__ = ["RichProgress", "render_summary"]


class RichProgress(Closing, SyncObserver):
    """Progress bars for a sync (a :class:`~partnerkit.store.sync.SyncObserver`).

    Args:
        console: Where to draw (stderr, so stdout stays for the summary).
        enabled: Draw at all (off when not a terminal or with ``--quiet``).
    """

    def __init__(self, console: Console, *, enabled: bool = True) -> None:
        self._progress = Progress(
            TextColumn("{task.description}", markup=False),
            BarColumn(),
            TextColumn("{task.fields[rows]:>12,} rows"),
            TextColumn("{task.fields[note]}", markup=False),
            TimeRemainingColumn(),
            TimeElapsedColumn(),
            console=console,
            disable=not enabled,
            transient=False,
        )
        self._tasks: dict[Unit, TaskID] = {}
        self._overall: TaskID | None = None
        self._rows = 0
        self._lock = threading.Lock()

    def __enter__(self) -> Self:
        self._progress.start()
        return self

    def close(self) -> None:
        """Stop drawing the bars (``with`` does it at the end of the block)."""
        self._progress.stop()

    def planned(self, units: Sequence[Unit]) -> None:
        """Add the overall bar."""
        self._overall = self._progress.add_task(
            "all reads", total=len(units), rows=0, note=f"0 of {len(units)} reads"
        )

    def started(self, unit: Unit, request: ReadRequest, days: int | None) -> None:
        """Add the unit's bar (days are its total when both ends are known)."""
        note = f"{request.start or 'start'} → {request.end or 'latest'}"
        with self._lock:
            self._tasks[unit] = self._progress.add_task(str(unit), total=days, rows=0, note=note)

    def advanced(self, unit: Unit, rows: int, days_done: int | None) -> None:
        """Move the unit's bar."""
        task = self._tasks.get(unit)
        if task is None:
            return
        if days_done is not None:
            self._progress.update(task, completed=days_done, rows=rows)
        else:
            self._progress.update(task, rows=rows)

    def finished(self, result: UnitResult) -> None:
        """Remove the unit's bar and move the overall one."""
        with self._lock:
            task = self._tasks.pop(result.unit, None)
            self._rows += result.rows
            rows = self._rows
        if task is not None:
            self._progress.remove_task(task)
        if self._overall is not None:
            self._progress.advance(self._overall)
            done = int(self._progress.tasks[self._overall].completed)
            total = int(self._progress.tasks[self._overall].total or 0)
            self._progress.update(self._overall, rows=rows, note=f"{done} of {total} reads")


def _cursor(result: UnitResult) -> str:
    return "-" if result.cursor_after is None else result.cursor_after.isoformat()


def render_summary(result: SyncResult, console: Console, *, verbose: bool = False) -> None:
    """Print what a sync did: per connection and stream, then every failure.

    Args:
        result: The sync's result.
        console: Where to print.
        verbose: One line per read (account) instead of per connection and stream.
    """
    table = Table()
    for name in ("connection", "stream", "reads" if not verbose else "account", "rows"):
        table.add_column(name, justify="right" if name == "rows" else "left")
    table.add_column("cursor")
    table.add_column("status")
    groups: dict[tuple[str, str], list[UnitResult]] = {}
    for r in result.results:
        groups.setdefault((r.unit.connection, r.unit.stream), []).append(r)
    for (connection, stream), results in groups.items():
        rows = [[r] for r in results] if verbose else [results]
        for part in rows:
            failed = sum(not r.ok for r in part)
            cursors = sorted({_cursor(r) for r in part})
            shown = cursors[0] if len(cursors) == 1 else f"{cursors[0]} … {cursors[-1]}"
            status = "[green]ok[/]" if not failed else f"[red]{failed} failed[/]"
            who = (part[0].unit.account or "(all)") if verbose else str(len(part))
            table.add_row(
                escape(connection),
                escape(stream),
                escape(who),
                f"{sum(r.rows for r in part):,}",
                shown,
                status,
            )
    console.print(table)
    for r in result.failed:
        cursor = "none yet" if r.cursor_before is None else r.cursor_before.isoformat()
        console.print(
            f"[red]FAILED[/] {escape(str(r.unit))}: {type(r.error).__name__}: "
            f"{escape(str(r.error))} "
            f"[dim](state unchanged, cursor {cursor})[/]",
            highlight=False,
        )
    reads = len(result.results)
    ok = reads - len(result.failed)
    console.print(
        f"{result.rows:,} rows from {ok} of {reads} reads in {result.seconds:.1f} s, "
        f"into {result.warehouse}",
        highlight=False,
        markup=False,
        soft_wrap=True,
    )
