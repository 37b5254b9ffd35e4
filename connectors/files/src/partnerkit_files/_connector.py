"""The files connector: CSV, TSV, Excel and Parquet exports mapped into unified records."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from partnerkit.connector import (
    Capability,
    CheckResult,
    Connector,
    Notice,
    ReadRequest,
    StreamSpec,
)
from partnerkit.errors import ConfigurationError, DataError, UnknownFieldError
from partnerkit.records import Record, RecordKind, arrow_schema
from partnerkit_files._columns import (
    CellRule,
    Fast,
    Problem,
    convert_column,
    extra_fast,
    field_fast,
    null_texts,
    resolve_marked,
    set_values,
)
from partnerkit_files._parse import (
    AutoExtra,
    converter_for,
    extra_converter,
    hash_email,
    hash_phone,
)
from partnerkit_files._readers import Chunk, Table, open_table
from partnerkit_files._settings import (
    FileFormat,
    FileSource,
    FilesSettings,
    RejectLimit,
    allowed_rejections,
)

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["FilesConnector"]

_MAX_HEADERS_SHOWN = 100
#: Rejected rows quoted in the error that fails a read (every one has its own notice).
_MAX_REJECTIONS_SHOWN = 20
Role = Literal["column", "extra", "email", "phone"]


#: A salted hash of a contact cell: ``hasher(value, salt)``.
_Hasher = Callable[[str, str], str]


class _Field(NamedTuple):
    target: str
    role: Role
    header: str
    convert: Callable[[Any], Any]
    required: bool
    redact: bool
    money: bool = False
    fast: Fast = None
    arrow_type: Any = None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


def _hashed_field(
    role: Literal["email", "phone"],
    header: str,
    hasher: _Hasher,
    pepper: str,
    schema: pa.Schema,
) -> _Field:
    """The field that hashes a contact column into ``<role>_hash`` (kept out of errors)."""
    target = f"{role}_hash"
    return _Field(
        target,
        role,
        header,
        lambda v: hasher(_text(v), pepper),
        False,
        True,
        arrow_type=schema.field(target).type,
    )


def _shown_headers(headers: Sequence[str]) -> str:
    shown = ", ".join(repr(h) for h in headers[:_MAX_HEADERS_SHOWN])
    more = len(headers) - _MAX_HEADERS_SHOWN
    return shown + (f", … ({more} more)" if more > 0 else "") if headers else "none"


class _Mapping:
    """How the rows of one configured file source become records."""

    def __init__(self, source: FileSource, salt: str | None) -> None:
        ctx = source.parse_context()
        self.source = source
        self.kind = source.kind
        self.tz = ctx.tz
        self.is_null = ctx.is_null
        self.keep_raw_email = source.keep_raw_email
        infos = source.mappable_columns()
        constants = source.converted_constants(ctx)
        if (
            self.kind is RecordKind.PERFORMANCE
            and source.timezone
            and "timezone" not in source.columns
            and "timezone" not in constants
        ):
            constants["timezone"] = source.timezone
        self.constants = constants
        schema = arrow_schema(self.kind)
        self.schema = schema
        self.numbers = ctx.numbers
        self.nulls = null_texts(tuple(ctx.null_values))
        fields = [
            _Field(
                name,
                "column",
                header,
                converter_for(infos[name], ctx),
                infos[name].required,
                False,
                infos[name].column.unit == "money",
                field_fast(infos[name].python_type, infos[name].column.unit),
                schema.field(name).type,
            )
            for name, header in source.columns.items()
        ]
        fields += [
            _Field(
                name,
                "extra",
                spec.column,
                extra_converter(spec.type, ctx),
                False,
                False,
                False,
                *extra_fast(spec.type),
            )
            for name, spec in source.extra_specs().items()
        ]
        if source.email is not None or source.phone is not None:
            if not salt:
                raise ConfigurationError(
                    f"file {source.path!r} hashes emails/phones but hash_salt is not set"
                )
            pepper = salt
            hashers: tuple[tuple[Literal["email", "phone"], str | None, _Hasher], ...] = (
                ("email", source.email, hash_email),
                ("phone", source.phone, hash_phone),
            )
            for role, header, hasher in hashers:
                if header is not None:
                    fields.append(_hashed_field(role, header, hasher, pepper, schema))
        self.fields = tuple(fields)
        self._constant_arrays: dict[str, pa.Array[Any]] = {}
        # Each field's outcomes of text cells already seen (None: its converter keeps state).
        self._known: list[dict[Any, tuple[int, Any]] | None] = [
            None if isinstance(f.convert, AutoExtra) else {} for f in self.fields
        ]

    # ----------------------------------------------------------------- headers

    def bind(self, table: Table, fmt: FileFormat) -> list[int]:
        """Find each mapped header in the file.

        Returns:
            The position in ``table.headers`` of each field's header.

        Raises:
            UnknownFieldError: A mapped header is not in the file (a ConfigurationError
                naming the file, the header, the headers present and the closest one).
            ConfigurationError: A mapped header appears more than once.
        """
        headers = table.headers
        exact: dict[str, list[int]] = {}
        loose: dict[str, list[int]] = {}
        for i, header in enumerate(headers):
            exact.setdefault(header, []).append(i)
            loose.setdefault(" ".join(header.casefold().split()), []).append(i)
        indices: list[int] = []
        missing: list[_Field] = []
        for f in self.fields:
            found = exact.get(f.header) or loose.get(" ".join(f.header.casefold().split()), [])
            if len(found) > 1:
                raise ConfigurationError(
                    f"{table.path}: the header {f.header!r} (mapped to {f.target!r}) appears "
                    f"{len(found)} times; rename the duplicates in the file"
                )
            if not found:
                missing.append(f)
                indices.append(-1)
            else:
                indices.append(found[0])
        if missing:
            first = missing[0]
            suggestions = difflib.get_close_matches(first.header, list(headers), n=1, cutoff=0.5)
            others = (
                f"; {len(missing) - 1} more mapped header(s) are missing too: "
                + ", ".join(repr(f.header) for f in missing[1:])
                if len(missing) > 1
                else ""
            )
            hint = ""
            if len(missing) == len(self.fields) and fmt != "parquet":
                unit = "row" if fmt == "xlsx" else "line"
                hint = (
                    f"; none of the mapped headers is there: check skip_rows (the header was "
                    f"read from {unit} {self.source.skip_rows + 1})"
                    + (" and the delimiter" if fmt in ("csv", "tsv") else "")
                )
            raise UnknownFieldError(
                first.header,
                f"the header of {table.path} (mapped to {first.target!r}; headers present: "
                f"{_shown_headers(headers)}){others}{hint}",
                suggestions,
            )
        return indices

    # -------------------------------------------------------------------- rows

    def convert_chunk(self, chunk: Chunk) -> tuple[pa.Table, dict[int, list[Problem]]]:
        """Turn a chunk's columns into records, column by column.

        Returns:
            The records of the rows without a problem (constants, mapped columns,
            ``email`` when kept, ``extra.<name>`` columns holding a value), and, by
            row index in the chunk, the problems of the others, in column order.
        """
        import pyarrow as pa

        n = len(chunk.numbers)
        converted = [
            convert_column(
                column,
                CellRule(f.header, f.target, f.convert, f.required, f.redact, self.is_null),
                fast=f.fast,
                type_=f.arrow_type,
                fmt=self.numbers,
                nulls=self.nulls,
                money=f.money,
                keep_raw=f.role == "email" and self.keep_raw_email,
                plain=chunk.plain,
                known=known,
            )
            for f, column, known in zip(self.fields, chunk.cells, self._known, strict=True)
        ]
        problems: dict[int, list[Problem]] = {}
        for c in converted:
            for i, problem in c.problems.items():
                problems.setdefault(i, []).append(problem)
        currency_values: Any = None
        for j, (f, c) in enumerate(zip(self.fields, converted, strict=True)):
            if not c.marked:
                continue
            if currency_values is None:
                currency_values = self._currency_of_rows(converted, n)
            amounts, wrong = resolve_marked(c.marked, currency_values.__getitem__, f.header)
            for i, problem in sorted(wrong.items()):
                problems.setdefault(i, []).append(problem)
            converted[j] = c._replace(values=set_values(c.values, amounts))
        columns: dict[str, pa.Array[Any]] = {}
        for name, value in self.constants.items():
            columns[name] = self._constant(name, value, n)
        extras: dict[str, pa.Array[Any]] = {}
        for f, c in zip(self.fields, converted, strict=True):
            if f.role == "extra":
                extras[f.target] = c.values
                continue
            columns[f.target] = c.values
            if c.raw is not None:
                columns["email"] = c.raw
        table = pa.table(columns)
        for name, values in extras.items():
            table = table.append_column(f"extra.{name}", values)
        return table, problems

    def _constant(self, name: str, value: Any, n: int) -> pa.Array[Any]:
        """``value`` ``n`` times: a slice of the longest such column made for this file."""
        import pyarrow as pa

        made = self._constant_arrays.get(name)
        if made is None or len(made) < n:
            made = pa.repeat(pa.scalar(value, self.schema.field(name).type), n)
            self._constant_arrays[name] = made
        return made.slice(0, n)

    def _currency_of_rows(self, converted: Sequence[Any], n: int) -> list[str | None]:
        if "currency" in self.constants:
            return [self.constants["currency"]] * n
        for f, c in zip(self.fields, converted, strict=True):
            if f.role == "column" and f.target == "currency":
                values: list[str | None] = c.values.to_pylist()
                return values
        return [None] * n

    def in_dates(self, page: pa.Table, start: dt.date | None, end: dt.date | None) -> Any:
        """Which records of a page have their day within ``start``..``end``.

        Performance records and time entries by ``date``, leads and deals by the day of
        ``created_at`` in the file's time zone (none: outside); campaigns, work items and
        meeting items are not filtered by dates (an item logged months ago may still be
        open).
        """
        import pyarrow as pa
        import pyarrow.compute as pc

        n = page.num_rows
        days: Any
        if self.kind in _NOT_BY_DATE:
            return pa.array([True] * n, pa.bool_())
        if self.kind in (RecordKind.PERFORMANCE, RecordKind.TIME_ENTRY):
            days = page.column("date")
        elif "created_at" not in page.column_names:
            return pa.array([False] * n, pa.bool_())
        else:
            tz = self.tz
            days = pa.array(
                [
                    None if stamp is None else stamp.astimezone(tz).date()
                    for stamp in page.column("created_at").to_pylist()
                ],
                pa.date32(),
            )
        inside: Any = pc.is_valid(days)
        if start is not None:
            inside = pc.and_(inside, pc.greater_equal(days, pa.scalar(start, pa.date32())))
        if end is not None:
            inside = pc.and_(inside, pc.less_equal(days, pa.scalar(end, pa.date32())))
        return pc.fill_null(inside, False)


#: The kinds whose rows every read keeps, whatever its dates.
_NOT_BY_DATE = frozenset({RecordKind.CAMPAIGN, RecordKind.WORK_ITEM, RecordKind.MEETING_ITEM})


def _rejected(file: str, unit: str, row: int, problems: Sequence[Problem]) -> Notice:
    first = problems[0]
    parts = [
        (f"column {p.column!r}: " if p.column else "") + p.reason.rstrip(".") for p in problems
    ]
    return Notice(
        level="error",
        code="rejected_row",
        message=f"{file}, {unit} {row}: {'; '.join(parts)}. The row was skipped.",
        details={
            "file": file,
            "row": row,
            "column": first.column,
            "value": first.value,
            "reason": first.reason,
        },
    )


def _summary(
    file: str, read: int, kept: int, rejected: int, filtered: int, *, failed: bool
) -> Notice:
    message = (
        f"{file}: {read} rows read, {kept} kept, {rejected} rejected, {filtered} outside the "
        f"requested dates or accounts"
    )
    if rejected:
        message += " (each rejected row has its own rejected_row notice)"
    return Notice(
        level="error" if failed else "warning" if rejected else "info",
        code="file_summary",
        message=message,
        details={
            "file": file,
            "rows_read": read,
            "rows_kept": kept,
            "rows_rejected": rejected,
            "rows_filtered": filtered,
        },
    )


def _too_many_rejected(
    file: str, read: int, rejected: list[Notice], limit: RejectLimit, unit: str
) -> DataError:
    """The error that fails a read whose file has more rejected rows than allowed."""
    shown = []
    for notice in rejected[:_MAX_REJECTIONS_SHOWN]:
        prefix = f"{file}, "
        text = notice.message.removeprefix(prefix).removesuffix(" The row was skipped.")
        shown.append(f"  - {text}")
    more = len(rejected) - len(shown)
    if more > 0:
        shown.append(f"  - … and {more} more (each has its own rejected_row notice)")
    first = rejected[0].details
    return DataError(
        f"{file}: {len(rejected)} of {read} data rows were rejected and max_rejected_rows is "
        f"{limit!r}, so nothing from this read is loaded. Fix the file, or allow some "
        f"rejected rows with the connection's (or this file's) max_rejected_rows, a count "
        f"like 10 or a share like '1%', to load the rest. Rejected {unit}s:\n"
        + "\n".join(shown)
        + "\n",
        source=file,
        row=first["row"],
        column=first["column"],
    )


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
    except ValueError:
        return False
    return True


class FilesConnector(Connector[FilesSettings]):
    """Reads CSV, TSV, Excel and Parquet exports into unified records.

    Each configured file (or glob) feeds one stream through a column mapping; rows
    that cannot be parsed are skipped and reported as ``rejected_row`` notices, and
    every file ends with a ``file_summary`` notice counting its rows. Files are read
    in full on every read; the request's dates and accounts filter the rows.

    Example:
        >>> from partnerkit_files import FilesConnector
        >>> connector = FilesConnector({"base_dir": "data", "files": [...]})  # doctest: +SKIP
        >>> connector.stream(stream="performance", start="2026-10-01").to_arrow()  # doctest: +SKIP
    """

    name = "files"
    settings_class = FilesSettings
    streams = (
        StreamSpec.dated(
            "performance",
            RecordKind.PERFORMANCE,
            "Daily performance rows from exports and spreadsheets (LinkedIn, agencies)",
            lookback_days=0,
        ),
        StreamSpec.dated(
            "leads",
            RecordKind.LEAD,
            "Leads from lead logs and form exports (Zapier, landing pages)",
            lookback_days=0,
            cursor="created_at",
        ),
        StreamSpec.dated(
            "deals",
            RecordKind.DEAL,
            "Deals from CRM exports and hand-kept pipelines",
            lookback_days=0,
            cursor="created_at",
        ),
        StreamSpec.listing("campaigns", "Campaign, ad group and ad metadata from exports"),
        StreamSpec.dated(
            "time_entries",
            RecordKind.TIME_ENTRY,
            "Hours from time-tracking exports (Toggl Track, Harvest, Clockify)",
            lookback_days=0,
        ),
        StreamSpec.listing(
            "work_items",
            "The partner's work log and project-management exports (Asana, Jira)",
            kind=RecordKind.WORK_ITEM,
        ),
        StreamSpec.listing(
            "meeting_items",
            "Meetings' decisions and action items from the meeting log",
            kind=RecordKind.MEETING_ITEM,
        ),
    )
    capabilities = frozenset({Capability.INCREMENTAL, Capability.MULTI_ACCOUNT})

    def _salt(self) -> str | None:
        salt = self.settings.hash_salt
        return None if salt is None else salt.get_secret_value()

    def _resolve(self, source: FileSource) -> list[tuple[Path, FileFormat]]:
        """List the files a source names, sorted, with their formats.

        Every file must lie inside ``base_dir`` once symbolic links are followed;
        the settings already refused absolute paths and ``..``.

        Raises:
            ConfigurationError: No such file, a file outside ``base_dir``, or no format.
        """
        index = self.settings.files.index(source)
        pattern = Path(source.path)
        base = self.settings.base_dir
        root = base.expanduser() if base is not None else Path()
        boundary = root.resolve()
        parts = pattern.parts
        magic = next((i for i, p in enumerate(parts) if any(ch in p for ch in "*?[")), None)
        shown = root / pattern
        where = f" (stream {source.stream!r}"
        where += f", base_dir {str(base)!r})" if base is not None else ")"
        if magic is None:
            matches = [shown]
        else:
            folder = root.joinpath(*parts[:magic])
            matches = sorted(
                p
                for p in folder.glob("/".join(parts[magic:]))
                if not p.name.startswith((".", "~$"))  # skip lock/hidden files
            )
        for match in matches:
            if (match.exists() or match.is_symlink()) and not _inside(match, boundary):
                raise ConfigurationError(
                    f"files[{index}].path {source.path!r}: {str(match)!r} leads outside "
                    f"base_dir {str(boundary)!r} (a symbolic link?); the files connector reads "
                    f"only inside base_dir"
                )
        if magic is None:
            if not shown.is_file():
                raise ConfigurationError(f"file not found: {str(shown)!r}{where}")
        else:
            matches = [p for p in matches if p.is_file()]
            if not matches:
                raise ConfigurationError(f"no file matches {str(shown)!r}{where}")
        out: list[tuple[Path, FileFormat]] = []
        for match in matches:
            fmt = source.format_for(match)
            if fmt is None:
                raise ConfigurationError(
                    f"{match}: cannot tell the format from the file name; set format: csv, "
                    f"tsv, xlsx or parquet"
                )
            out.append((match, fmt))
        return out

    def read(self, request: ReadRequest) -> Iterator[Record | Notice]:
        """Read every file configured for ``request.stream``.

        Rows are kept when their day is within ``request.start``..``request.end``
        (both optional; performance by ``date``, leads and deals by the day of
        ``created_at`` in the file's time zone, campaigns unfiltered) and their
        ``account_id`` is in ``request.accounts`` (when given).

        Yields:
            For each chunk of a file, a ``rejected_row`` notice per malformed row, then
            the chunk's records as one Arrow table (the mapped columns, the constants and
            ``extra.<name>`` columns; the stream checks it against the record schema);
            a ``file_summary`` notice after each file.

        Raises:
            ConfigurationError: A file is missing, unreadable, lacks a mapped header,
                or the request has options (this connector takes none).
        """
        self.stream_spec(request.stream)
        if request.options:
            raise ConfigurationError(
                f"the files connector takes no options, got {sorted(request.options)}"
            )
        sources = self.settings.sources_for(request.stream)
        if not sources:
            yield Notice(
                level="info",
                code="no_files",
                message=f"no files are configured for the stream {request.stream!r}",
                details={"stream": request.stream},
            )
            return
        planned = [(_Mapping(source, self._salt()), self._resolve(source)) for source in sources]
        for mapping, files in planned:
            for path, fmt in files:
                yield from self._read_file(mapping, path, fmt, request)

    def _read_file(
        self, mapping: _Mapping, path: Path, fmt: FileFormat, request: ReadRequest
    ) -> Iterator[Any]:
        """Read one file a chunk at a time: rejected rows' notices, then an Arrow page."""
        import pyarrow as pa
        import pyarrow.compute as pc

        file = str(path)
        unit = "line" if fmt in ("csv", "tsv") else "row"
        read = kept = filtered = 0
        rejected: list[Notice] = []
        accounts = pa.array(sorted(request.accounts), pa.string())
        start, end = request.start, request.end
        by_date = start is not None or end is not None
        with open_table(path, fmt, mapping.source) as table:
            indices = mapping.bind(table, fmt)
            for chunk in table.chunks(indices):
                page, problems = mapping.convert_chunk(chunk)
                notices = [
                    (number, _rejected(file, unit, number, [Problem(None, None, reason)]))
                    for number, reason in chunk.problems
                ]
                for i, found in problems.items():
                    number = chunk.numbers[i].as_py()
                    notices.append((number, _rejected(file, unit, number, found)))
                notices.sort(key=lambda pair: pair[0])
                for _, notice in notices:
                    rejected.append(notice)
                    yield notice
                read += len(chunk.numbers) + len(chunk.problems)
                if problems:
                    ok = [True] * page.num_rows
                    for i in problems:
                        ok[i] = False
                    page = page.filter(pa.array(ok, pa.bool_()))
                good = page.num_rows
                if len(accounts):
                    if "account_id" in page.column_names:
                        inside: Any = pc.is_in(page.column("account_id"), value_set=accounts)
                        page = page.filter(pc.fill_null(inside, False))
                    else:
                        page = page.slice(0, 0)
                if by_date:
                    page = page.filter(mapping.in_dates(page, start, end))
                kept += page.num_rows
                filtered += good - page.num_rows
                empty = [
                    name
                    for name in page.column_names
                    if name.startswith("extra.") and page.column(name).null_count == page.num_rows
                ]
                if empty:
                    page = page.drop_columns(empty)
                if page.num_rows:
                    yield page
        yield from self._close_file(mapping.source, file, unit, read, kept, filtered, rejected)

    def _close_file(
        self,
        source: FileSource,
        file: str,
        unit: str,
        read: int,
        kept: int,
        filtered: int,
        rejected: list[Notice],
    ) -> Iterator[Notice]:
        """The file's summary notice; then the refusal when it rejected too many rows."""
        limit = self._limit(source)
        failed = len(rejected) > allowed_rejections(limit, read)
        yield _summary(file, read, kept, len(rejected), filtered, failed=failed)
        if failed:
            raise _too_many_rejected(file, read, rejected, limit, unit)

    def _limit(self, source: FileSource) -> RejectLimit:
        if source.max_rejected_rows is not None:
            return source.max_rejected_rows
        return self.settings.max_rejected_rows

    def enabled_streams(self) -> tuple[StreamSpec, ...]:
        """The streams that at least one configured file feeds."""
        used = {source.stream for source in self.settings.files}
        return tuple(spec for spec in self.streams if spec.name in used)

    def check(self) -> CheckResult:
        """Check that every configured file exists and has the mapped headers.

        Reads headers only, not data rows.
        """
        count = 0
        try:
            for source in self.settings.files:
                mapping = _Mapping(source, self._salt())
                for path, fmt in self._resolve(source):
                    with open_table(path, fmt, source) as table:
                        mapping.bind(table, fmt)
                    count += 1
        except ConfigurationError as exc:
            return CheckResult.failed(exc)
        accounts = sorted(
            {
                str(s.constants["account_id"])
                for s in self.settings.files
                if "account_id" in s.constants
            }
        )
        return CheckResult(
            ok=True,
            message=f"{count} file(s) found, each with every mapped header",
            accounts=tuple(accounts),
        )
