"""Files out of partnerkit: the warehouse as a Parquet lake, streams as files, inert CSV.

:func:`export_parquet` writes the warehouse's record tables as a Hive-partitioned
Parquet dataset that DuckDB, Spark, BigQuery (external tables with Hive
partitioning), Trino/Athena and ``pyarrow.dataset`` read as they are::

    <out>/performance/date=2026-10-01/part-0.parquet
    <out>/lead/created_date=2026-10-01/part-0.parquet
    <out>/deal/created_date=2026-10-01/part-0.parquet  (none: __HIVE_DEFAULT_PARTITION__)
    <out>/campaign/part-0.parquet                     (metadata: not partitioned)

Portability rules: the partition column lives in the folder name only (the engines'
convention); ``extra.<name>`` columns are written as ``extra__<name>`` because
BigQuery and Hive do not allow a dot in a column name; money stays
``DECIMAL(38, 6)``, timestamps are UTC microseconds, compression is Snappy.

An export replaces what it writes: the whole kind, or with ``start``/``end`` only the
partitions of those days (so a daily export of the lookback window keeps a lake up
to date). Files are written beside the target and moved in place at the end.

:func:`write_parquet` streams one :class:`~partnerkit.stream.RecordStream` into
Parquet files with flat memory (the scale-out recipe's tasks use it).

:func:`write_csv` writes records as CSV that a spreadsheet opens as data, never as
formulas (:func:`neutralise_formulas`, after the OWASP "CSV Injection" guidance).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from partnerkit.errors import ConfigurationError
from partnerkit.records import RecordKind
from partnerkit.store.warehouse import Warehouse

if TYPE_CHECKING:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from partnerkit.stream import RecordStream

__all__ = [
    "FORMULA_TRIGGERS",
    "PARTITION_COLUMNS",
    "ExportResult",
    "export_parquet",
    "neutralise_formulas",
    "write_csv",
    "write_parquet",
]

PARTITION_COLUMNS: dict[RecordKind, str | None] = {
    RecordKind.PERFORMANCE: "date",
    RecordKind.LEAD: "created_date",
    RecordKind.DEAL: "created_date",
    RecordKind.CAMPAIGN: None,
    RecordKind.SEARCH_PERFORMANCE: "date",
    RecordKind.EMAIL_CAMPAIGN: "date",
    RecordKind.ACTIVITY: "occurred_date",
    RecordKind.FORM_SUBMISSION: "submitted_date",
    RecordKind.COMPANY: None,
    RecordKind.SOCIAL_DAILY: "date",
    RecordKind.TIME_ENTRY: "date",
    RecordKind.WORK_ITEM: None,
    RecordKind.MEETING_ITEM: None,
}
"""The Hive partition column of each kind's export (``None``: one unpartitioned folder)."""

_UTC_DAY = "DATE '1970-01-01' + CAST(floor(epoch_us({col}) / 86400000000) AS INTEGER)"
_PARTITION_SQL: dict[RecordKind, str] = {
    RecordKind.PERFORMANCE: '"date"',
    RecordKind.LEAD: _UTC_DAY.format(col='"created_at"'),
    RecordKind.DEAL: _UTC_DAY.format(col='"created_at"'),
    RecordKind.SEARCH_PERFORMANCE: '"date"',
    RecordKind.EMAIL_CAMPAIGN: '"date"',
    RecordKind.ACTIVITY: _UTC_DAY.format(col='"occurred_at"'),
    RecordKind.FORM_SUBMISSION: _UTC_DAY.format(col='"submitted_at"'),
    RecordKind.SOCIAL_DAILY: '"date"',
    RecordKind.TIME_ENTRY: '"date"',
}


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote.

    Attributes:
        out: The dataset's root folder.
        rows: Rows written per record kind.
        files: The Parquet files written.
    """

    out: Path
    rows: dict[RecordKind, int] = field(default_factory=dict)
    files: tuple[Path, ...] = ()


def _portable(name: str) -> str:
    return "extra__" + name.removeprefix("extra.") if name.startswith("extra.") else name


def _select(columns: list[str], kind: RecordKind) -> str:
    parts = []
    for name in columns:
        if name == PARTITION_COLUMNS[kind]:
            continue
        quoted = '"' + name.replace('"', '""') + '"'
        alias = _portable(name)
        parts.append(quoted if alias == name else f'{quoted} AS "{alias}"')
    partition = PARTITION_COLUMNS[kind]
    if partition is not None:
        parts.append(f'{_PARTITION_SQL[kind]} AS "{partition}"')
    return ", ".join(parts)


def export_parquet(
    warehouse: Warehouse | str | os.PathLike[str],
    out: str | os.PathLike[str],
    *,
    kinds: tuple[RecordKind | str, ...] = (),
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> ExportResult:
    """Write the warehouse's record tables as a Hive-partitioned Parquet dataset.

    Args:
        warehouse: An open warehouse or the path of its file.
        out: The dataset's root folder (created when missing).
        kinds: Only these record kinds (every kind the warehouse holds by default).
        start: Only partitions from this day (replacing just those).
        end: Only partitions up to this day.

    Returns:
        Rows and files written.

    Raises:
        ConfigurationError: ``start`` is after ``end``, or the warehouse is missing.
        WarehouseFileError: The file is not a warehouse (damaged, truncated, foreign).
    """
    if start is not None and end is not None and start > end:
        raise ConfigurationError(f"--from {start} is after --to {end}")
    if not isinstance(warehouse, Warehouse) and not Path(warehouse).exists():
        raise ConfigurationError(f"no warehouse at {warehouse}; run `partnerkit sync` first")
    wh = warehouse if isinstance(warehouse, Warehouse) else Warehouse(warehouse)
    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    rows: dict[RecordKind, int] = {}
    files: list[Path] = []
    try:
        wanted = [RecordKind(k) for k in kinds] or list(RecordKind)
        for kind in [k for k in wh.tables() if k in wanted]:
            count, written = _export_kind(wh, kind, root, start, end)
            rows[kind] = count
            files.extend(written)
    finally:
        if wh is not warehouse:
            wh.close()
    return ExportResult(root, rows, tuple(sorted(files)))


def _export_kind(
    wh: Warehouse, kind: RecordKind, root: Path, start: dt.date | None, end: dt.date | None
) -> tuple[int, list[Path]]:
    partition = PARTITION_COLUMNS[kind]
    ranged = partition is not None and (start is not None or end is not None)
    columns = _column_names(wh, kind)
    where, params = "", []
    if ranged:
        clauses = []
        if start is not None:
            clauses.append(f"{_PARTITION_SQL[kind]} >= ?")
            params.append(start)
        if end is not None:
            clauses.append(f"{_PARTITION_SQL[kind]} <= ?")
            params.append(end)
        where = " WHERE " + " AND ".join(clauses)
    counted = wh.sql(f'SELECT count(*) AS n FROM main."{kind.value}"{where}', params)
    count = int(counted["n"][0].as_py())
    target = root / kind.value
    scratch = root / f".{kind.value}.tmp-{uuid.uuid4().hex}"
    options = "FORMAT parquet, COMPRESSION snappy"
    destination = scratch
    if partition is not None:
        options += f", FILENAME_PATTERN 'part-{{i}}', PARTITION_BY (\"{partition}\")"
    else:
        destination = scratch / "part-0.parquet"
    query = f'SELECT {_select(columns, kind)} FROM main."{kind.value}"{where}'
    try:
        if count:
            if partition is None:
                scratch.mkdir()
            literal = str(destination).replace("'", "''")
            with wh.cursor() as cur:
                cur.execute(f"COPY ({query}) TO '{literal}' ({options})", params)
        else:
            scratch.mkdir()
        if ranged:
            _replace_partitions(scratch, target, partition or "", start, end)
        else:
            _replace_folder(scratch, target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    files = sorted(target.rglob("*.parquet"))
    if ranged:
        files = [p for p in files if _in_range(p.parent.name, partition, start, end)]
    return count, files


def _column_names(wh: Warehouse, kind: RecordKind) -> list[str]:
    found = wh.sql(
        "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'main' AND table_name = ? "
        "ORDER BY column_index",
        [kind.value],
    )
    return [str(v) for v in found["column_name"].to_pylist()]


def _replace_folder(new: Path, target: Path) -> None:
    old = target.with_name(f".{target.name}.old-{uuid.uuid4().hex}")
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)


_PARTITION_DIR = re.compile(r"^(?P<key>[^=]+)=(?P<value>.*)$")


def _in_range(
    folder: str, partition: str | None, start: dt.date | None, end: dt.date | None
) -> bool:
    match = _PARTITION_DIR.match(folder)
    if match is None or match["key"] != partition:
        return False
    try:
        day = dt.date.fromisoformat(match["value"])
    except ValueError:
        return False
    return (start is None or day >= start) and (end is None or day <= end)


def _replace_partitions(
    new: Path, target: Path, partition: str, start: dt.date | None, end: dt.date | None
) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for stale in [p for p in target.iterdir() if _in_range(p.name, partition, start, end)]:
        shutil.rmtree(stale)
    for fresh in new.iterdir():
        fresh.rename(target / fresh.name)


# ------------------------------------------------------------------ streams to files


def write_parquet(
    stream: RecordStream,
    folder: str | os.PathLike[str],
    *,
    prefix: str = "part",
    batch_size: int = 10_000,
) -> list[Path]:
    """Stream records into Parquet files, batch by batch, with flat memory.

    All batches go to ``<folder>/<prefix>-0.parquet`` until one brings a column the
    file does not have (a new ``extra`` metric) or one of another type; then a new
    file starts (``-1``, ``-2``, ...). Read them together with DuckDB's
    ``read_parquet('<folder>/*.parquet', union_by_name = true)``.

    Args:
        stream: The records (read once).
        folder: Where the files go (created when missing).
        prefix: The files' name prefix; make it unique per writer (e.g. the account).
        batch_size: Records per batch (and per Parquet row group at most).

    Returns:
        The files written (none for an empty stream).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    writer: pq.ParquetWriter | None = None
    schema: pa.Schema | None = None
    try:
        for batch in stream.iter_arrow(batch_size):
            batch = batch.select(
                [i for i, f in enumerate(batch.schema) if not pa.types.is_null(f.type)]
            )
            if writer is not None and schema is not None and not _fits(batch.schema, schema):
                writer.close()
                writer = None
            if writer is None:
                schema = batch.schema
                files.append(out / f"{prefix}-{len(files)}.parquet")
                writer = pq.ParquetWriter(files[-1], schema, compression="snappy")
            writer.write_table(_conform(batch, batch.schema if schema is None else schema))
    finally:
        if writer is not None:
            writer.close()
    return files


def _fits(batch: pa.Schema, file: pa.Schema) -> bool:
    """Whether every column of a batch is in the file, with the same type."""
    return all(
        file.get_field_index(f.name) >= 0 and file.field(f.name).type == f.type for f in batch
    )


def _conform(batch: pa.Table, schema: pa.Schema) -> pa.Table:
    """Give a batch the file's columns, in order (extras it lacks as nulls)."""
    import pyarrow as pa

    names = set(batch.schema.names)
    columns = [
        batch.column(f.name) if f.name in names else pa.nulls(batch.num_rows, f.type)
        for f in schema
    ]
    return pa.Table.from_arrays(columns, schema=schema)


# ------------------------------------------------------------------------ inert CSV

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
"""First characters that make a spreadsheet read a text cell as a formula.

The list of the OWASP "CSV Injection" page
(https://owasp.org/www-community/attacks/CSV_Injection): equals, plus, minus, at,
tab (0x09), carriage return (0x0D) and line feed (0x0A).
"""

_RE2_CLASS = {"-": "\\-", "\t": "\\t", "\r": "\\r", "\n": "\\n"}
_TRIGGER_PATTERN = "^([" + "".join(_RE2_CLASS.get(c, c) for c in FORMULA_TRIGGERS) + "])"


def neutralise_formulas(table: pa.Table) -> pa.Table:
    """Make every text cell of a table inert in a spreadsheet.

    A text cell whose first character is one of :data:`FORMULA_TRIGGERS` gets a
    single quote in front (``=HYPERLINK(...)`` becomes ``'=HYPERLINK(...)``), which
    Excel, LibreOffice and Google Sheets show as text. Numeric, date and other
    non-text columns are left as they are: a spend of ``-5`` stays the number -5.
    Quoting fields that hold separators or quotes, the guidance's other half, is the
    CSV writer's job (:func:`write_csv`).

    Args:
        table: Any Arrow table.

    Returns:
        The table with its text columns neutralised (dictionary columns decoded).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    columns = []
    for column in table.columns:
        kind = column.type
        if pa.types.is_dictionary(kind) and _is_text(kind.value_type):
            column = column.cast(kind.value_type)
            kind = kind.value_type
        if _is_text(kind):
            column = pc.replace_substring_regex(
                column, pattern=_TRIGGER_PATTERN, replacement="'\\1"
            )
        columns.append(column)
    return pa.Table.from_arrays(columns, names=table.column_names)


def _is_text(kind: pa.DataType) -> bool:
    import pyarrow as pa

    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))


def write_csv(table: pa.Table, path: str | os.PathLike[str]) -> Path:
    """Write records as a CSV file a spreadsheet opens as data, never as formulas.

    Text cells are neutralised (:func:`neutralise_formulas`); fields holding a comma,
    a quote or a line break are quoted with their quotes doubled (RFC 4180), so no
    cell can start in the middle of a value. Numbers stay numbers. List and struct
    columns (a campaign's labels), which CSV cannot hold, are written as JSON text.

    Args:
        table: The records.
        path: The file to write (replaced if it exists).

    Returns:
        The file written.
    """
    import pyarrow.csv as pacsv

    out = Path(path)
    pacsv.write_csv(neutralise_formulas(_flat(table)), out)
    return out


def _flat(table: pa.Table) -> pa.Table:
    """The table with every nested column (list, struct, map) as JSON text."""
    import json

    import pyarrow as pa

    columns = []
    for column in table.columns:
        if pa.types.is_nested(column.type):
            values = [
                None if v is None else json.dumps(v, default=str, ensure_ascii=False)
                for v in column.to_pylist()
            ]
            column = pa.chunked_array([pa.array(values, pa.string())])
        columns.append(column)
    return pa.Table.from_arrays(columns, names=table.column_names)
