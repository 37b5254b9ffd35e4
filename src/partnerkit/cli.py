"""The ``partnerkit`` command line.

Commands: ``connectors`` (what is installed), ``validate`` (a workspace file's
problems, all at once), ``pull`` (read every connection into CSV, Parquet or DuckDB)
and ``demo`` (the main job on bundled demo data, no credentials needed).
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from partnerkit.errors import PartnerkitError, WorkspaceError

if TYPE_CHECKING:
    import pyarrow as pa

    from partnerkit.model import Workspace
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

    for conn in ws.connections:
        if only and conn.name not in only:
            continue
        connector = ws.connector(conn.name)
        for spec in connector.enabled_streams():
            request = ReadRequest(
                stream=spec.name, start=start, end=end, accounts=tuple(conn.accounts)
            )
            yield f"{conn.name}/{spec.name}", connector.stream(request)


def _write(tables: dict[str, list[pa.Table]], out: Path) -> list[Path]:
    import pyarrow as pa

    suffix = out.suffix.lower()
    written: list[Path] = []
    merged = {
        kind: pa.concat_tables(parts, promote_options="default") for kind, parts in tables.items()
    }
    if suffix == ".duckdb":
        from partnerkit._duckdb import upsert_tables

        upsert_tables(out, merged)
        return [out]
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
    try:
        ws = load_workspace(config)
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed:,} rows"),
            TimeElapsedColumn(),
            console=err_console,
        ) as progress:
            for label, stream in _streams_of(
                ws, start.date() if start else None, end.date() if end else None, connection or []
            ):
                task = progress.add_task(label, total=None)
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
    out.parent.mkdir(parents=True, exist_ok=True)
    for path in _write(tables, out):
        console.print(f"wrote {path}")
    if notices:
        console.print(f"[yellow]{notices} notice(s) above: rows were rejected or flagged.[/]")


@app.command("demo")
def demo_command() -> None:
    """Run the main job on the bundled demo workspace (no credentials, no network)."""
    from partnerkit.demo import run_demo

    try:
        run_demo(console)
    except PartnerkitError as exc:
        raise _fail(exc) from exc


def main() -> None:
    """Entry point of the ``partnerkit`` script."""
    app()
