"""The ``partnerkit`` command line.

Commands: ``connectors`` (what is installed), ``validate`` (a workspace file's
problems, all at once), ``pull`` (read every connection into CSV, Parquet or DuckDB),
``sync`` (keep the warehouse up to date, incrementally), ``export`` (the warehouse
as partitioned Parquet) and ``demo`` (the main job on bundled demo data, no
credentials needed).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from partnerkit.errors import PartnerkitError, WorkspaceError

if TYPE_CHECKING:
    import pyarrow as pa

    from partnerkit.model import Workspace
    from partnerkit.store import Warehouse
    from partnerkit.stream import RecordStream

__all__ = ["app", "main"]

app = typer.Typer(
    name="partnerkit",
    help="Run the relationship with your marketing partner on evidence.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()
err_console = Console(stderr=True)


def _fail(exc: PartnerkitError) -> typer.Exit:
    err_console.print(f"[bold red]error:[/] {exc}", highlight=False, markup=True)
    return typer.Exit(code=1)


@app.command("connectors")
def connectors_command() -> None:
    """List installed connectors with their package, version and streams."""
    from partnerkit.registry import available_connectors, get_connector

    table = Table("name", "package", "version", "streams", title="Installed connectors")
    try:
        infos = available_connectors()
    except PartnerkitError as exc:
        raise _fail(exc) from exc
    for name, info in infos.items():
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                cls = get_connector(name)
            streams = ", ".join(f"{s.name} ({s.kind.value})" for s in cls.streams)
        except PartnerkitError as exc:
            streams = f"[red]failed to load: {exc}[/]"
        table.add_row(name, info.distribution or "(registered)", info.version or "", streams)
    console.print(table)


@app.command("validate")
def validate_command(
    file: Annotated[Path, typer.Argument(help="The workspace file, e.g. partnerkit.yaml.")],
) -> None:
    """Check a workspace file and print every problem found, with its line."""
    from partnerkit.model import load_workspace

    try:
        ws = load_workspace(file)
    except WorkspaceError as exc:
        count = len(exc.problems)
        err_console.print(f"[bold red]{file}: {count} problem{'s' if count != 1 else ''}[/]")
        for p in exc.problems:
            where = f"line {p.line}" if p.line is not None else "-"
            err_console.print(
                f"  {where:>9}  [bold]{p.path or '<root>'}[/]: {p.message}", highlight=False
            )
        raise typer.Exit(code=1) from None
    except PartnerkitError as exc:
        raise _fail(exc) from exc
    console.print(
        f"[green]{file} is valid[/]: {len(ws.sources)} sources, {len(ws.campaigns)} campaigns, "
        f"{len(ws.targets)} targets, {len(ws.slas)} SLA terms, {len(ws.connections)} connections."
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
    """The warehouse to read: the one given, else the workspace's if a sync made it."""
    if given is not None:
        return given
    from partnerkit.store import default_warehouse_path

    path = default_warehouse_path(ws)
    return path if path.exists() else None


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
        if suffix == ".parquet":
            import pyarrow.parquet as pq

            pq.write_table(table, path)
        else:
            import pyarrow.csv as pacsv

            pacsv.write_csv(table, path)
        written.append(path)
    return written


@app.command("pull")
def pull_command(
    config: Annotated[Path, typer.Option("--config", "-c", help="The workspace file.")],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Output: .csv, .parquet or .duckdb (by extension).")
    ],
    start: Annotated[
        dt.datetime | None, typer.Option("--from", formats=["%Y-%m-%d"], help="First day.")
    ] = None,
    end: Annotated[
        dt.datetime | None, typer.Option("--to", formats=["%Y-%m-%d"], help="Last day.")
    ] = None,
    connection: Annotated[
        list[str] | None, typer.Option("--connection", help="Only these connections.")
    ] = None,
) -> None:
    """Read every connection of a workspace for a date range and write the records."""
    from partnerkit.model import load_workspace

    if out.suffix.lower() not in {".csv", ".parquet", ".duckdb"}:
        err_console.print(f"[red]error:[/] --out must end in .csv, .parquet or .duckdb, got {out}")
        raise typer.Exit(code=2)
    tables: dict[str, list[pa.Table]] = {}
    notices = 0
    to_duckdb = out.suffix.lower() == ".duckdb"
    try:
        ws = load_workspace(config)
        with contextlib.ExitStack() as stack:
            warehouse = stack.enter_context(_open_warehouse(out)) if to_duckdb else None
            progress = stack.enter_context(
                Progress(
                    TextColumn("{task.description}"),
                    BarColumn(),
                    TextColumn("{task.completed:,} rows"),
                    TimeElapsedColumn(),
                    console=err_console,
                )
            )
            for label, stream in _streams_of(
                ws, start.date() if start else None, end.date() if end else None, connection or []
            ):
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
                        tables.setdefault(stream.kind.value, []).append(table)
                        progress.advance(task, table.num_rows)
                progress.update(task, total=stream.records_read)
                for notice in stream.notices:
                    if notice.level != "info":
                        notices += 1
                        err_console.print(
                            f"  [yellow]{label}[/]: {notice.message}", highlight=False
                        )
    except PartnerkitError as exc:
        raise _fail(exc) from exc
    if not tables:
        console.print("No records were read.")
        return
    if to_duckdb:
        console.print(f"wrote {out}")
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        for path in _write(tables, out):
            console.print(f"wrote {path}")
    if notices:
        console.print(f"[yellow]{notices} notice(s) above: rows were rejected or flagged.[/]")


def _day(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value is not None else None


@app.command("sync")
def sync_command(
    config: Annotated[Path, typer.Option("--config", "-c", help="The workspace file.")],
    warehouse: Annotated[
        Path | None,
        typer.Option(
            "--warehouse",
            "-w",
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
        typer.Option(
            "--from", formats=["%Y-%m-%d"], help="Re-read from this day, whatever the cursors say."
        ),
    ] = None,
    end: Annotated[
        dt.datetime | None,
        typer.Option("--to", formats=["%Y-%m-%d"], help="Read up to this day."),
    ] = None,
    connection: Annotated[
        list[str] | None, typer.Option("--connection", help="Only these connections.")
    ] = None,
    stream: Annotated[
        list[str] | None, typer.Option("--stream", help="Only these streams.")
    ] = None,
    workers: Annotated[
        int, typer.Option("--workers", "-j", min=1, help="Reads at once (accounts, streams).")
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
    A failing account is reported at the end, keeps its cursor, and makes the exit code 1.
    """
    from partnerkit.model import load_workspace
    from partnerkit.store import default_warehouse_path, sync
    from partnerkit.store._progress import RichProgress, render_summary

    try:
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
                start=_day(start),
                end=_day(end),
                workers=workers,
                observer=progress,
            )
    except PartnerkitError as exc:
        raise _fail(exc) from exc
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
        raise typer.Exit(code=1)


@app.command("export")
def export_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="The dataset's root folder.")],
    config: Annotated[
        Path | None,
        typer.Option("--config", "-c", help="The workspace file (finds its warehouse)."),
    ] = None,
    warehouse: Annotated[
        Path | None, typer.Option("--warehouse", "-w", help="The DuckDB file to export.")
    ] = None,
    kind: Annotated[
        list[str] | None,
        typer.Option("--kind", help="Only these record kinds: performance, lead, deal, campaign."),
    ] = None,
    start: Annotated[
        dt.datetime | None,
        typer.Option("--from", formats=["%Y-%m-%d"], help="Only partitions from this day."),
    ] = None,
    end: Annotated[
        dt.datetime | None,
        typer.Option("--to", formats=["%Y-%m-%d"], help="Only partitions up to this day."),
    ] = None,
) -> None:
    """Write the warehouse as Parquet partitioned by record kind and date (Hive layout).

    DuckDB, Spark, BigQuery, Trino and pyarrow read the folder as it is.
    With --from or --to only those days' partitions are replaced, else each kind whole.
    """
    from partnerkit.model import load_workspace
    from partnerkit.records import RecordKind
    from partnerkit.store import default_warehouse_path, export_parquet

    if config is None and warehouse is None:
        err_console.print("[red]error:[/] give --config (the workspace file) or --warehouse")
        raise typer.Exit(code=2)
    try:
        kinds = tuple(RecordKind(k) for k in kind or ())
    except ValueError:
        err_console.print(
            f"[red]error:[/] --kind takes {', '.join(k.value for k in RecordKind)}; "
            f"got {', '.join(kind or ())}"
        )
        raise typer.Exit(code=2) from None
    try:
        path = default_warehouse_path(load_workspace(config), warehouse) if config else warehouse
        if path is None:  # pragma: no cover - ruled out above
            raise typer.Exit(code=2)
        result = export_parquet(path, out, kinds=kinds, start=_day(start), end=_day(end))
    except PartnerkitError as exc:
        raise _fail(exc) from exc
    for exported, rows in result.rows.items():
        console.print(f"{exported.value}: {rows:,} rows", highlight=False)
    console.print(f"wrote {len(result.files)} Parquet files under {result.out}", highlight=False)


@app.command("demo")
def demo_command(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for the monthly report (HTML, Markdown).")
    ] = Path("partnerkit-report"),
) -> None:
    """Run the main job on the bundled demo workspace (no credentials, no network)."""
    from partnerkit.demo import run_demo

    try:
        run_demo(console, report_dir=out)
    except PartnerkitError as exc:
        raise _fail(exc) from exc


@app.command("report")
def report_command(
    config: Annotated[Path, typer.Option("--config", "-c", help="The workspace file.")],
    month: Annotated[str, typer.Option("--month", "-m", help="The month, e.g. 2026-10.")],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for the report (HTML, Markdown).")
    ] = Path("partnerkit-report"),
    warehouse: Annotated[
        Path | None,
        typer.Option(
            "--warehouse",
            help="Read from this DuckDB warehouse (default: the workspace's warehouse when "
            "`partnerkit sync` has made one, else read the connections).",
        ),
    ] = None,
    evidence: Annotated[
        Path | None, typer.Option("--evidence", help="The SLA evidence log (CSV or YAML).")
    ] = None,
    survey: Annotated[
        Path | None, typer.Option("--survey", help="The partnership survey file.")
    ] = None,
) -> None:
    """Write the monthly partner report for a workspace (HTML and Markdown)."""
    import datetime as dt

    from partnerkit.analysis import Dataset, read_evidence, read_survey
    from partnerkit.analysis._direct import read_month
    from partnerkit.model import load_workspace
    from partnerkit.report import build_report

    try:
        ws = load_workspace(config)
        first = dt.date.fromisoformat(f"{month}-01")
        synced = _synced_warehouse(ws, warehouse)
        if synced is not None:
            err_console.print(f"reading the warehouse {synced}", highlight=False, markup=False)
            data = Dataset.from_duckdb(synced)
        else:  # the month and the month before, CRM records by their own dates
            data = read_month(ws, first)
        report = build_report(
            ws,
            data,
            first,
            evidence=read_evidence(evidence, timezone=ws.timezone) if evidence else None,
            survey=read_survey(survey) if survey else None,
        )
        html, markdown = report.write(out)
    except PartnerkitError as exc:
        raise _fail(exc) from exc
    except ValueError as exc:
        err_console.print(f"[red]error:[/] --month must look like 2026-10 ({exc})")
        raise typer.Exit(code=2) from None
    console.print(f"wrote {html}\nwrote {markdown}", highlight=False)


def main() -> None:
    """Entry point of the ``partnerkit`` script."""
    app()
