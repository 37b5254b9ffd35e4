"""The ``partnerkit`` command line.

Commands: ``connectors`` (what is installed), ``validate`` (a workspace file's
problems, all at once), ``pull`` (read every connection into CSV, Parquet or DuckDB),
``sync`` (keep the warehouse up to date, incrementally), ``export`` (the warehouse
as partitioned Parquet), ``report`` (the monthly report), ``review`` (the quarterly
review, the trial verdict, the source map) and ``demo`` (the main job on bundled demo
data, no credentials needed).

Every command ends with one of the documented :class:`ExitCode` values, chosen in one
place (:func:`exit_code_for`) from the class of the error that stopped it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import warnings
from collections.abc import Callable, Iterator
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table
from typer.core import TyperGroup, TyperOption

from partnerkit.errors import (
    ConfigurationError,
    ConnectorError,
    DataError,
    NotComputableError,
    PartnerkitError,
    SourceError,
    WorkspaceError,
)
from partnerkit.records import RecordKind

if TYPE_CHECKING:
    import pyarrow as pa

    from partnerkit.analysis import Dataset
    from partnerkit.model import Workspace
    from partnerkit.report import MonthlyReport, ReviewDocument
    from partnerkit.report.i18n import Formatter
    from partnerkit.store import Warehouse
    from partnerkit.stream import RecordStream

__all__ = ["ExitCode", "app", "exit_code_for", "main"]

console = Console()
err_console = Console(stderr=True)


class ExitCode(IntEnum):
    """How a ``partnerkit`` command ended, for scripts and schedulers.

    Small numbers, as click and most Python tools use (``2`` is click's usage error
    and stays so); the BSD ``sysexits.h`` range (64-78) would give a usage error two
    codes. Each value names what to do next: fix the call (2), fix the workspace or
    the environment (3), look at the platform or retry later (4), fix a file (5),
    widen the range or sync first (6, 7).

    Attributes:
        OK: Success.
        FAILURE: Any other failure: the operating system refused a file, or several
            reads of a sync failed for different reasons.
        USAGE: A bad option or argument (click's code): reversed dates, an unknown
            option, an output path that cannot be written.
        CONFIGURATION: The workspace file, a setting, a connector that is not
            installed, a missing secret or a file that is not a warehouse.
        SOURCE: A platform's API refused or failed (expired token, missing access,
            quota, an answer that is not the documented shape).
        DATA: A file or a page holds values that do not fit (rejected rows beyond the
            allowed number, an evidence file with unknown columns).
        NOTHING: The command ran and found nothing: a pull read no record, an export
            wrote no file.
        NOT_COMPUTABLE: The data cannot give the result asked for: a report from a
            warehouse never synced or empty, or on a month with no record.
    """

    OK = 0
    FAILURE = 1
    USAGE = 2
    CONFIGURATION = 3
    SOURCE = 4
    DATA = 5
    NOTHING = 6
    NOT_COMPUTABLE = 7


#: The library's errors and their exit codes, the first matching class wins.
_CODES: tuple[tuple[type[BaseException], ExitCode], ...] = (
    (ConfigurationError, ExitCode.CONFIGURATION),
    (ConnectorError, ExitCode.CONFIGURATION),
    (SourceError, ExitCode.SOURCE),
    (DataError, ExitCode.DATA),
    (NotComputableError, ExitCode.NOT_COMPUTABLE),
)


def exit_code_for(*errors: BaseException) -> ExitCode:
    """The exit code for the errors that stopped a command.

    Args:
        *errors: One error, or each failed read of a sync.

    Returns:
        The code of the errors' class (see :class:`ExitCode`) when they all share one,
        else :attr:`ExitCode.FAILURE`.
    """
    codes = {next((c for cls, c in _CODES if isinstance(e, cls)), ExitCode.FAILURE) for e in errors}
    return codes.pop() if len(codes) == 1 else ExitCode.FAILURE


def _say_error(message: str) -> None:
    """Print an error: ``error:`` in red, then the message as plain text (never markup)."""
    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False)


def _os_message(exc: OSError) -> str:
    """An operating-system error as one sentence naming the path and what to do."""
    where = " and ".join(str(f) for f in (exc.filename, exc.filename2) if f is not None)
    reason = exc.strerror or str(exc)
    if not where:
        return f"{reason}. Check the paths given to the command and try again."
    return (
        f"cannot use {where}: {reason}. Check the path given to the command (--out, "
        f"--warehouse, --config, a file argument): its folder must exist or be creatable, "
        f"and be writable."
    )


class _Boundary(TyperGroup):
    """The command line's one error boundary, and its help without type placeholders.

    Every command runs inside :meth:`invoke`: the library's own errors and the
    operating system's (a folder that is a file, a full disk) become one message on
    stderr and the exit code of their class (:func:`exit_code_for`). Anything else is a
    bug and keeps its traceback.
    """

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except PartnerkitError as exc:
            _say_error(str(exc))
            raise typer.Exit(code=exit_code_for(exc)) from None
        except OSError as exc:
            _say_error(_os_message(exc))
            raise typer.Exit(code=ExitCode.FAILURE) from None

    def get_params(self, ctx: Any) -> Any:
        return _without_flag_types(super().get_params(ctx))

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            _without_flag_types([*command.params, command.get_help_option(ctx)])
        return command


def _without_flag_types(params: list[Any]) -> list[Any]:
    """Show flags (``--quiet``, ``--help``) without a ``<bool>`` placeholder in help."""
    for param in params:
        if isinstance(param, TyperOption) and param.is_flag and param.metavar is None:
            param.metavar = ""
    return params


app = typer.Typer(
    name="partnerkit",
    help="Run the relationship with your marketing partner on evidence.",
    no_args_is_help=True,
    add_completion=False,
    cls=_Boundary,
)


def _fail(exc: PartnerkitError) -> typer.Exit:
    """Print a library error and return the exit to raise (commands may just raise)."""
    _say_error(str(exc))
    return typer.Exit(code=exit_code_for(exc))


def _day_range(
    start: dt.datetime | None, end: dt.datetime | None
) -> tuple[dt.date | None, dt.date | None]:
    """``--from`` and ``--to`` as days, checked to be in order (a usage error if not)."""
    first = start.date() if start is not None else None
    last = end.date() if end is not None else None
    if first is not None and last is not None and first > last:
        raise typer.BadParameter(
            f"{first} is after --to {last}; give a --from on or before --to (both days "
            f"are included)",
            param_hint="'--from'",
        )
    return first, last


def _target(path: Path, option: str, *, folder: bool) -> Path:
    """Check an output path before any work: a file (or folder) can be made there.

    Raises:
        typer.BadParameter: It is a folder where a file is wanted (or the reverse), or
            its nearest existing parent is a file or not writable (exit code 2).
    """

    def bad(message: str) -> typer.BadParameter:
        return typer.BadParameter(message, param_hint=f"'{option}'")

    if path.exists():
        if folder and not path.is_dir():
            raise bad(f"{path} is a file; give a folder (it is created when missing)")
        if not folder and path.is_dir():
            raise bad(f"{path} is a folder; give a file name")
    parent = path if folder else path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise bad(
            f"{path} cannot be created: {parent} is a file, not a folder; give a path in "
            f"a folder you can write to"
        )
    if not os.access(parent, os.W_OK | os.X_OK):
        raise bad(
            f"{path} cannot be written: the folder {parent} is not writable; give a path "
            f"in a folder you can write to"
        )
    return path


@app.command("connectors")
def connectors_command() -> None:
    """List installed connectors with their package, version and streams."""
    from partnerkit.registry import available_connectors, get_connector

    table = Table("name", "package", "version", "streams", title="Installed connectors")
    for name, info in available_connectors().items():
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                cls = get_connector(name)
            streams = ", ".join(f"{s.name} ({s.kind.value})" for s in cls.streams)
        except PartnerkitError as exc:
            streams = f"[red]failed to load: {escape(str(exc))}[/]"
        table.add_row(
            escape(name), escape(info.distribution or "(registered)"), info.version or "", streams
        )
    console.print(table)


@app.command("validate")
def validate_command(
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="The workspace file, e.g. partnerkit.yaml.")
    ],
) -> None:
    """Check a workspace file and print every problem found, with its line."""
    from partnerkit.model import load_workspace
    from partnerkit.model.installed import uninstalled_connector_problems
    from partnerkit.store import workspace_warehouse_path

    missing = uninstalled_connector_problems(file)  # reported with the file's other problems
    try:
        ws = load_workspace(file)
        if missing:
            raise WorkspaceError(str(file), [])
    except WorkspaceError as exc:
        problems = sorted([*exc.problems, *missing], key=lambda p: (p.line is None, p.line or 0))
        count = len(problems)
        shown = escape(str(file))
        err_console.print(f"[bold red]{shown}: {count} problem{'s' if count != 1 else ''}[/]")
        for p in problems:
            where = f"line {p.line}" if p.line is not None else "-"
            err_console.print(
                f"  {where:>9}  [bold]{escape(p.path or '<root>')}[/]: {escape(p.message)}",
                highlight=False,
            )
        raise typer.Exit(code=ExitCode.CONFIGURATION) from None
    workspace_warehouse_path(ws)  # a warehouse: leading out of the folder is an error too
    console.print(
        f"[green]{escape(str(file))} is valid[/]: {len(ws.sources)} sources, "
        f"{len(ws.campaigns)} campaigns, {len(ws.targets)} targets, {len(ws.slas)} SLA terms, "
        f"{len(ws.connections)} connections."
    )


def _streams_of(
    ws: Workspace, start: dt.date | None, end: dt.date | None, only: list[str]
) -> Iterator[tuple[str, RecordStream]]:
    from partnerkit.connector import ReadRequest

    for name in only:
        ws.connection(name)  # an unknown name raises, listing the connections
    for conn in ws.connections:
        if only and conn.name not in only:
            continue
        connector = ws.connector(conn.name)
        for spec in connector.enabled_streams():
            request = ReadRequest(
                stream=spec.name, start=start, end=end, accounts=tuple(conn.accounts)
            )
            yield f"{conn.name}/{spec.name}", connector.stream(request)


def _advance(progress: Progress, task: TaskID) -> Callable[[int], None]:
    return lambda rows: progress.advance(task, rows)


def _synced_warehouse(ws: Workspace, given: Path | None) -> Path | None:
    """The warehouse to read: the one given, else the workspace's if a sync made it.

    Raises:
        WarehouseFileError: The file is not a warehouse (checked from its header, so
            a damaged file is named before anything reads it).
    """
    from partnerkit.store import check_warehouse_file, default_warehouse_path

    path = given if given is not None else default_warehouse_path(ws)
    if given is None and not path.exists():
        return None
    check_warehouse_file(path)
    return path


def _open_warehouse(path: Path) -> Warehouse:
    from partnerkit.store import Warehouse

    return Warehouse(path)


def _write(tables: dict[str, list[pa.Table]], out: Path) -> list[Path]:
    import pyarrow as pa

    suffix = out.suffix.lower()
    written: list[Path] = []
    merged = {
        kind: pa.concat_tables(parts, promote_options="default") for kind, parts in tables.items()
    }
    for kind, table in merged.items():
        path = out if len(merged) == 1 else out.with_name(f"{out.stem}.{kind}{out.suffix}")
        _target(path, "--out", folder=False)
        if suffix == ".parquet":
            import pyarrow.parquet as pq

            pq.write_table(table, path)
        else:
            from partnerkit.store import write_csv

            write_csv(table, path)
        written.append(path)
    return written


_DAY = "YYYY-MM-DD"


def _day(flag: str, help: str) -> Any:
    """The option of a ``YYYY-MM-DD`` day (``--from``, ``--to``)."""
    return typer.Option(flag, formats=["%Y-%m-%d"], metavar=_DAY, help=help)


_Config = Annotated[
    Path, typer.Option("--config", "-c", metavar="FILE", help="The workspace file.")
]
_Connections = Annotated[
    list[str] | None,
    typer.Option("--connection", metavar="NAME", help="Only these connections."),
]


@app.command("pull")
def pull_command(
    config: _Config,
    out: Annotated[
        Path,
        typer.Option(
            "--out", "-o", metavar="FILE", help="Output: .csv, .parquet or .duckdb (by extension)."
        ),
    ],
    start: Annotated[
        dt.datetime | None,
        _day("--from", "First day."),
    ] = None,
    end: Annotated[
        dt.datetime | None,
        _day("--to", "Last day."),
    ] = None,
    connection: _Connections = None,
) -> None:
    """Read every connection of a workspace for a date range and write the records.

    CSV cells that a spreadsheet would run as a formula (starting with = + - @, a tab
    or a line break) are written with a leading single quote; numbers stay numbers.
    """
    from partnerkit.model import load_workspace

    if out.suffix.lower() not in {".csv", ".parquet", ".duckdb"}:
        raise typer.BadParameter(
            f"{out} does not end in .csv, .parquet or .duckdb (the format is taken from it)",
            param_hint="'--out'",
        )
    first, last = _day_range(start, end)
    _target(out, "--out", folder=False)
    tables: dict[str, list[pa.Table]] = {}
    notices = 0
    to_duckdb = out.suffix.lower() == ".duckdb"
    ws = load_workspace(config)
    with contextlib.ExitStack() as stack:
        warehouse = stack.enter_context(_open_warehouse(out)) if to_duckdb else None
        progress = stack.enter_context(
            Progress(
                TextColumn("{task.description}", markup=False),
                BarColumn(),
                TextColumn("{task.completed:,} rows"),
                TimeElapsedColumn(),
                console=err_console,
                disable=not err_console.is_terminal,  # piped: the summary lines only
            )
        )
        for label, stream in _streams_of(ws, first, last, connection or []):
            task = progress.add_task(label, total=None)
            if warehouse is not None:
                from partnerkit.store import Scope

                conn, _, stream_name = label.partition("/")
                loaded = warehouse.load(
                    stream, Scope(conn, stream_name), on_batch=_advance(progress, task)
                )
                if loaded.rows:
                    tables.setdefault(stream.kind.value, [])
            else:
                for table in stream.iter_arrow():
                    if table.num_rows:
                        tables.setdefault(stream.kind.value, []).append(table)
                    progress.advance(task, table.num_rows)
            progress.update(task, total=stream.records_read)
            for notice in stream.notices:
                if notice.level != "info":
                    notices += 1
                    err_console.print(
                        f"  [yellow]{escape(label)}[/]: {escape(notice.message)}", highlight=False
                    )
    if not tables:
        span = f"from {first or 'the beginning'} to {last or 'the latest day'}"
        raise typer.Exit(
            _stop(
                f"no records were read ({span}), so nothing was written to {out}. Widen "
                f"--from/--to, check each connection's accounts and settings with `partnerkit "
                f"validate`, and see the notices above for rows that were rejected."
            )
        )
    if to_duckdb:
        console.print(f"wrote {out}", highlight=False, markup=False)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        for path in _write(tables, out):
            console.print(f"wrote {path}", highlight=False, markup=False)
    if notices:
        console.print(f"[yellow]{notices} notice(s) above: rows were rejected or flagged.[/]")


def _stop(message: str) -> int:
    """Print why a command did nothing; returns the exit code to end with (``NOTHING``)."""
    _say_error(message)
    return ExitCode.NOTHING


@app.command("sync")
def sync_command(
    config: _Config,
    warehouse: Annotated[
        Path | None,
        typer.Option(
            "--warehouse",
            "-w",
            metavar="FILE",
            help="The DuckDB file (default: $PARTNERKIT_WAREHOUSE, else "
            ".partnerkit/warehouse.duckdb next to the workspace file).",
        ),
    ] = None,
    full_refresh: Annotated[
        bool,
        typer.Option(
            "--full-refresh",
            help="Ignore the cursors: re-read from --from (or the beginning) and replace "
            "what the warehouse holds for that range.",
        ),
    ] = False,
    start: Annotated[
        dt.datetime | None,
        _day("--from", "Re-read from this day, whatever the cursors say."),
    ] = None,
    end: Annotated[
        dt.datetime | None,
        _day("--to", "Read up to this day."),
    ] = None,
    connection: _Connections = None,
    stream: Annotated[
        list[str] | None, typer.Option("--stream", metavar="NAME", help="Only these streams.")
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            "--workers", "-j", min=1, metavar="N", help="Reads at once (accounts, streams)."
        ),
    ] = 4,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress and no summary; failures only.")
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="One summary line per account.")
    ] = False,
) -> None:
    """Bring the warehouse up to date: every connection, stream and account, incrementally.

    Each read re-reads the connector's lookback window before its cursor.
    Its rows (merged by record_id) and its new cursor are committed together.
    A failing account is reported at the end and keeps its cursor; the exit code then
    names the failure's class (3 configuration, 4 the API refused or failed).
    """
    from partnerkit.model import load_workspace
    from partnerkit.store import default_warehouse_path, sync
    from partnerkit.store.progress import RichProgress, render_summary

    first, last = _day_range(start, end)
    if warehouse is not None:
        _target(warehouse, "--warehouse", folder=False)
    ws = load_workspace(config)
    path = default_warehouse_path(ws, warehouse)
    show = not quiet and err_console.is_terminal
    with RichProgress(err_console, enabled=show) as progress:
        result = sync(
            ws,
            path,
            connections=connection or (),
            streams=stream or (),
            full_refresh=full_refresh,
            start=first,
            end=last,
            workers=workers,
            observer=progress,
        )
    if not quiet:
        render_summary(result, console, verbose=verbose)
    else:
        for failed in result.failed:
            err_console.print(
                f"FAILED {failed.unit}: {type(failed.error).__name__}: {failed.error}",
                markup=False,
                highlight=False,
            )
    if not result.ok:
        errors = [failed.error or PartnerkitError("failed") for failed in result.failed]
        raise typer.Exit(code=exit_code_for(*errors))


@app.command("export")
def export_command(
    out: Annotated[
        Path, typer.Option("--out", "-o", metavar="FOLDER", help="The dataset's root folder.")
    ],
    config: Annotated[
        Path | None,
        typer.Option(
            "--config", "-c", metavar="FILE", help="The workspace file (finds its warehouse)."
        ),
    ] = None,
    warehouse: Annotated[
        Path | None,
        typer.Option("--warehouse", "-w", metavar="FILE", help="The DuckDB file to export."),
    ] = None,
    kind: Annotated[
        list[str] | None,
        typer.Option(
            "--kind",
            metavar="KIND",
            help=f"Only these record kinds: {', '.join(RecordKind)}.",
        ),
    ] = None,
    start: Annotated[
        dt.datetime | None,
        _day("--from", "Only partitions from this day."),
    ] = None,
    end: Annotated[
        dt.datetime | None,
        _day("--to", "Only partitions up to this day."),
    ] = None,
) -> None:
    """Write the warehouse as Parquet partitioned by record kind and date (Hive layout).

    DuckDB, Spark, BigQuery, Trino and pyarrow read the folder as it is.
    With --from or --to only those days' partitions are replaced, else each kind whole.
    """
    from partnerkit.model import load_workspace
    from partnerkit.store import default_warehouse_path, export_parquet

    if config is None and warehouse is None:
        raise typer.BadParameter(
            "give --config (the workspace file) or --warehouse (its DuckDB file)",
            param_hint="'--config' / '--warehouse'",
        )
    try:
        kinds = tuple(RecordKind(k) for k in kind or ())
    except ValueError:
        raise typer.BadParameter(
            f"takes {', '.join(k.value for k in RecordKind)}; got {', '.join(kind or ())}",
            param_hint="'--kind'",
        ) from None
    first, last = _day_range(start, end)
    _target(out, "--out", folder=True)
    path = default_warehouse_path(load_workspace(config), warehouse) if config else warehouse
    assert path is not None  # one of them was given
    result = export_parquet(path, out, kinds=kinds, start=first, end=last)
    for exported, rows in result.rows.items():
        console.print(f"{exported.value}: {rows:,} rows", highlight=False)
    if not result.files:
        what = ", ".join(k.value for k in kinds) or "any kind"
        span = "" if first is None and last is None else " in the days of --from/--to"
        raise typer.Exit(
            _stop(
                f"the warehouse {path} holds no records of {what}{span}, so no Parquet file "
                f"was written under {out}. Run `partnerkit sync` to fill it, or widen "
                f"--kind and --from/--to."
            )
        )
    console.print(
        f"wrote {len(result.files)} Parquet files under {result.out}",
        highlight=False,
        markup=False,
    )


@app.command("demo")
def demo_command(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for the monthly report (HTML, Markdown).")
    ] = Path("partnerkit-report"),
    init: Annotated[
        Path | None,
        typer.Option(
            "--init",
            metavar="DIR",
            help="Write the demo as a workspace folder (workspace file, data, recorded API "
            "answers it replays) instead of running it.",
        ),
    ] = None,
) -> None:
    """Run the main job on the bundled demo workspace (no credentials, no network)."""
    from partnerkit.demo import init_demo, run_demo

    try:
        if init is not None:
            written = init_demo(init)
            console.print(f"[green]Wrote the demo workspace:[/] {escape(str(written))}")
            console.print(f"Next: partnerkit validate {escape(str(written))}", highlight=False)
            return
        run_demo(console, report_dir=out)
    except PartnerkitError as exc:
        raise _fail(exc) from exc


_ReadWarehouse = Annotated[
    Path | None,
    typer.Option(
        "--warehouse",
        help="Read from this DuckDB warehouse (default: the workspace's warehouse when "
        "`partnerkit sync` has made one, else read the connections).",
    ),
]
_Evidence = Annotated[
    Path | None, typer.Option("--evidence", help="The SLA evidence log (CSV or YAML).")
]
_Survey = Annotated[Path | None, typer.Option("--survey", help="The partnership survey file.")]
_DocumentOut = Annotated[
    Path, typer.Option("--out", "-o", help="Folder for the document (HTML, Markdown).")
]
_Pdf = Annotated[
    bool,
    typer.Option(
        "--pdf",
        help="Also write the document as PDF (A4), printed by headless Chromium "
        "(install `chromium`, or set PARTNERKIT_BROWSER to Chromium or Chrome).",
    ),
]
_Locale = Annotated[
    str | None,
    typer.Option(
        "--locale",
        "-l",
        help="Write the document in this locale: en-US, he-IL or th-TH (default: the "
        "workspace's locale).",
    ),
]


def _document_data(
    ws: Workspace,
    warehouse: Path | None,
    config: Path,
    words: Formatter,
    label: str,
    read: Callable[..., Dataset],
    *days: dt.date,
) -> tuple[Dataset, str]:
    """The data a document is made from, and where it was read (for the error messages).

    The synced warehouse when there is one (``--warehouse``, or the workspace's when
    ``partnerkit sync`` made it), else ``read(ws, *days)`` from the connections.

    Raises:
        typer.Exit: ``--warehouse`` names a file that does not exist (not computable,
            with the ``partnerkit sync`` command to run).
    """
    from partnerkit.analysis import Dataset

    synced = _synced_warehouse(ws, warehouse)
    if synced is None:
        return read(ws, *days), "the connections"
    if not synced.exists():
        where = f"{synced} (no such warehouse)"
        message = words.t("cli.not_synced", month=label, where=where, config=config)
        raise _fail(NotComputableError(message, code="not_synced"))
    where = f"the warehouse {synced}"
    err_console.print(f"reading {where}", highlight=False, markup=False)
    return Dataset.from_duckdb(synced), where


def _refused(
    words: Formatter, exc: NotComputableError, where: str, config: Path, **period: str
) -> typer.Exit:
    """Print why a document cannot be made, worded by the catalogue's ``cli.<code>``.

    Args:
        words: The command's (English) formatter.
        exc: The refusal; its ``params`` (e.g. ``as_of``) fill the message.
        where: What was read: the warehouse, or the connections.
        config: The workspace file, for the ``partnerkit sync`` command to run.
        **period: ``month`` (and ``quarter``) for the message, unless ``exc`` has them.

    Returns:
        The exit to raise, with the refusal's exit code.
    """
    params = {**period, **exc.params, "where": where, "config": config}
    _say_error(words.t(f"cli.{exc.code}", **params))
    return typer.Exit(code=exit_code_for(exc))


def _write_document(doc: MonthlyReport | ReviewDocument, out: Path, *, pdf: bool) -> None:
    """Write a report or review document as HTML and Markdown (and PDF) and say so."""
    html, markdown = doc.write(out)
    console.print(f"wrote {html}\nwrote {markdown}", highlight=False)
    if pdf:
        console.print(f"wrote {doc.write_pdf(html.with_suffix('.pdf'))}", highlight=False)


@app.command("report")
def report_command(
    config: _Config,
    month: Annotated[str, typer.Option("--month", "-m", help="The month, e.g. 2026-10.")],
    out: _DocumentOut = Path("partnerkit-report"),
    pdf: _Pdf = False,
    warehouse: _ReadWarehouse = None,
    evidence: _Evidence = None,
    survey: _Survey = None,
    as_of: Annotated[
        dt.datetime | None,
        _day(
            "--as-of",
            "The day the report is made, e.g. 2026-11-15 (default: today): records are "
            "counted to it or the month's end, SLA deadlines judged at its end.",
        ),
    ] = None,
    locale: _Locale = None,
) -> None:
    """Write the monthly partner report for a workspace (HTML and Markdown; PDF with --pdf).

    A report is made only from data: a warehouse that was never synced (or holds no
    record), a month with no lead and no spend record, or a month that has not started
    is refused with a non-zero exit and the command to run.
    """
    import datetime as dt

    from partnerkit.analysis import read_evidence, read_survey
    from partnerkit.analysis.direct import read_month
    from partnerkit.analysis.month import month_not_started
    from partnerkit.errors import NotComputableError
    from partnerkit.model import load_workspace
    from partnerkit.report import Formatter, build_report

    try:
        first = dt.date.fromisoformat(f"{month.strip()}-01")
    except ValueError as exc:
        err_console.print(f"[red]error:[/] --month must look like 2026-10 ({exc})")
        raise typer.Exit(code=ExitCode.USAGE) from None
    day = as_of.date() if as_of is not None else None
    _target(out, "--out", folder=True)
    where = "the connections"
    try:
        ws = load_workspace(config)
        words = Formatter("en-US", ws.currency)
        Formatter(locale or ws.locale, ws.currency)  # an unknown locale: refused before reading
        not_started = month_not_started(ws, first, as_of=day)
        if not_started is not None:  # refused before reading anything
            raise not_started.error()
        # without a warehouse: the month and the month before, CRM records by their own dates
        data, where = _document_data(
            ws, warehouse, config, words, f"{first:%Y-%m}", read_month, first
        )
        report = build_report(
            ws,
            data,
            first,
            evidence=read_evidence(evidence, timezone=ws.timezone) if evidence else None,
            survey=read_survey(survey) if survey else None,
            as_of=day,
            locale=locale,
        )
        _write_document(report, out, pdf=pdf)
    except NotComputableError as exc:
        raise _refused(words, exc, where, config, month=f"{first:%Y-%m}") from None
    except PartnerkitError as exc:
        raise _fail(exc) from exc


def _review_span(
    ws: Workspace, quarter: Any, trial: bool, day: dt.date | None
) -> tuple[dt.date, dt.date]:
    """The days a review document reads when there is no warehouse."""
    from partnerkit.analysis.periods import add_months, today_in

    start = ws.contract.start if ws.contract is not None else None
    if quarter is not None:
        first = add_months(quarter.start, -1)
        return (min(start, first) if start else first), quarter.end
    end = day or today_in(ws.timezone)
    if trial and ws.contract is not None and ws.contract.trial_end is not None:
        end = min(end, ws.contract.trial_end)
    first = end.replace(day=1)
    return (min(start, first) if start else first), end


@app.command("review")
def review_command(
    config: _Config,
    quarter: Annotated[
        str | None,
        typer.Option("--quarter", "-q", help="The quarterly review of a quarter, e.g. 2026Q4."),
    ] = None,
    trial: Annotated[
        bool,
        typer.Option("--trial", help="The trial verdict against the contract's trial criteria."),
    ] = False,
    source_map: Annotated[
        bool,
        typer.Option("--source-map", help="The source map: each source wired, unwired or silent."),
    ] = False,
    out: _DocumentOut = Path("partnerkit-report"),
    pdf: _Pdf = False,
    warehouse: _ReadWarehouse = None,
    evidence: _Evidence = None,
    survey: _Survey = None,
    as_of: Annotated[
        dt.datetime | None,
        _day("--as-of", "The day the document is made, e.g. 2026-11-15 (default: today)."),
    ] = None,
    locale: _Locale = None,
) -> None:
    """Write a quarterly review, the trial verdict or the source map (HTML, Markdown, PDF).

    Give exactly one of --quarter, --trial and --source-map.
    """
    from partnerkit.analysis import read_evidence, read_survey
    from partnerkit.analysis.direct import read_days
    from partnerkit.analysis.periods import parse_quarter
    from partnerkit.errors import PeriodError
    from partnerkit.model import load_workspace
    from partnerkit.report import build_review, build_source_map, build_trial_review
    from partnerkit.report.i18n import Formatter

    if [quarter is not None, trial, source_map].count(True) != 1:
        raise typer.BadParameter(
            "give exactly one of --quarter 2026Q4, --trial and --source-map",
            param_hint="'--quarter' / '--trial' / '--source-map'",
        )
    try:
        window = parse_quarter(quarter) if quarter is not None else None
    except PeriodError as exc:
        raise typer.BadParameter(str(exc), param_hint="'--quarter'") from None
    day = as_of.date() if as_of is not None else None
    _target(out, "--out", folder=True)
    ws = load_workspace(config)
    words = Formatter("en-US", ws.currency)
    Formatter(locale or ws.locale, ws.currency)  # an unknown locale: refused before reading
    label = window.label if window is not None else ""
    data, where = _document_data(
        ws, warehouse, config, words, label, read_days, *_review_span(ws, window, trial, day)
    )
    log = read_evidence(evidence, timezone=ws.timezone) if evidence else None
    try:
        if window is not None:
            doc = build_review(
                ws,
                data,
                window.label,
                evidence=log,
                survey=read_survey(survey) if survey else None,
                as_of=day,
                locale=locale,
            )
        elif trial:
            doc = build_trial_review(ws, data, evidence=log, as_of=day, locale=locale)
        else:
            doc = build_source_map(ws, data, as_of=day, locale=locale)
    except NotComputableError as exc:
        raise _refused(words, exc, where, config, month=label, quarter=label) from None
    _write_document(doc, out, pdf=pdf)


@app.command("new-connector")
def new_connector_command(
    name: Annotated[
        str,
        typer.Argument(
            metavar="NAME", help="The connector's name, e.g. shop (the entry point's name)."
        ),
    ],
    directory: Annotated[
        Path | None,
        typer.Option(
            "--dir",
            "-d",
            metavar="DIR",
            help="The package folder to create, new or empty (default: ./partnerkit-<name>).",
        ),
    ] = None,
) -> None:
    """Scaffold a connector package (with tests) that passes the contract suite as generated."""
    from partnerkit.scaffold import new_connector

    written = new_connector(name, directory)  # a ConfigurationError is a one-line error
    folder = escape(str(directory if directory is not None else written[0].parent))
    console.print(
        f"wrote {len(written)} files into {folder}; next:\n"
        f"  cd {folder} && uv sync && uv run pytest tests",
        highlight=False,
    )


def main() -> None:
    """Entry point of the ``partnerkit`` script."""
    app()
