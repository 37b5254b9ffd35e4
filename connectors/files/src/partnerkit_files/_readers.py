"""Row iterators over CSV/TSV, Excel and Parquet files, with flat memory.

Each opener is a context manager that reads the header and yields a :class:`Table`;
``Table.rows(indices)`` then streams the data rows, one at a time (CSV through the
``csv`` module, Excel through openpyxl's read-only ``iter_rows``, Parquet through
pyarrow's ``iter_batches`` with column projection). Rows carry the row number a
person sees in an editor or spreadsheet: preamble lines and the header count.

openpyxl and pyarrow.parquet are imported only when such a file is opened.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, TextIO, cast

from partnerkit.errors import ConfigurationError
from partnerkit_files._parse import ASCII_SPACE, plain_ascii
from partnerkit_files._settings import FileFormat, FileSource

if TYPE_CHECKING:
    import pyarrow as pa
    import pyarrow.parquet as pq

__all__ = [
    "CHUNK_ROWS",
    "CSV_CHUNK_CHARS",
    "CSV_FIELD_LIMIT",
    "PARQUET_BATCH_ROWS",
    "Chunk",
    "RawRow",
    "Table",
    "open_table",
]

#: Rows per Parquet batch (memory stays at about one batch of the read columns).
PARQUET_BATCH_ROWS = 8192
#: Characters of a CSV file cut into cells at a time (whole lines; memory stays at one);
#: bytes for a UTF-8 file, which is read as bytes.
CSV_CHUNK_CHARS = 4 << 20
#: Rows per chunk when rows are read one by one (Excel, CSV with quotes).
CHUNK_ROWS = 16_384

_DELIMITER_CANDIDATES = (",", ";", "\t", "|")


class RawRow(NamedTuple):
    """One data row as read from a file.

    Attributes:
        number: The row number as a person sees it (1 is the first line or row of
            the file; for Parquet, 1 is the first data row).
        cells: The requested cells, in the requested order (empty when ``problem``).
        problem: Why the row as a whole cannot be read, or ``None``.
    """

    number: int
    cells: Sequence[Any]
    problem: str | None = None


class Chunk(NamedTuple):
    """Consecutive data rows of a file, a column of cells per requested index.

    Attributes:
        numbers: The row number of each row (as in :class:`RawRow`), int64.
        cells: One column per requested index: an Arrow string array (CSV, Parquet
            text) or any Arrow array (Parquet), or a list of native cells (Excel).
        problems: ``(row number, reason)`` of the rows among them that cannot be read
            as a whole (they have no cells).
        plain: Every cell is known to be ASCII text without a control character.
    """

    numbers: pa.Array[Any]
    cells: list[Any]
    problems: list[tuple[int, str]]
    plain: bool = False


class Table(Protocol):
    """An open file: its header and a one-shot iterator of its data rows."""

    path: str
    headers: tuple[str, ...]

    def rows(self, indices: Sequence[int]) -> Iterator[RawRow]:
        """Yield the data rows' cells at ``indices`` (positions in ``headers``)."""
        ...

    def chunks(self, indices: Sequence[int]) -> Iterator[Chunk]:
        """Yield the same rows as :meth:`rows`, as chunks of columns."""
        ...


def _row_chunks(rows: Iterator[RawRow], width: int) -> Iterator[Chunk]:
    """Gather rows read one by one into chunks (text columns become Arrow arrays)."""
    import pyarrow as pa

    size = CHUNK_ROWS

    numbers: list[int] = []
    cells: list[list[Any]] = [[] for _ in range(width)]
    problems: list[tuple[int, str]] = []

    def chunk() -> Chunk:
        columns: list[Any] = []
        for column in cells:
            if all(cell.__class__ is str for cell in column):
                columns.append(pa.array(column, pa.string()))
            else:
                columns.append(column)
        return Chunk(pa.array(numbers, pa.int64()), columns, problems)

    try:
        for row in rows:
            if row.problem is not None:
                problems.append((row.number, row.problem))
            else:
                numbers.append(row.number)
                for column, cell in zip(cells, row.cells, strict=True):
                    column.append(cell)
            if len(numbers) + len(problems) >= size:
                yield chunk()
                numbers, cells, problems = [], [[] for _ in range(width)], []
    except Exception:
        # The rows read before a failure (a byte the encoding cannot decode) come
        # first, as a row-by-row reading yields them; then the failure.
        if numbers or problems:
            yield chunk()
        raise
    if numbers or problems:
        yield chunk()


def _read_lines(fh: TextIO, size: int) -> str:
    """About ``size`` characters of ``fh``, ending at the end of a line."""
    text = fh.read(size)
    if not text:
        return text
    if text[-1] == "\r":
        after = fh.read(1)
        text += after
        if after and after != "\n":
            text += fh.readline()
    elif text[-1] != "\n":
        text += fh.readline()
    return text


def _one_array(column: Any) -> Any:
    """A column of one chunk as its array (no copy), any other as one array."""
    return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()


def _read_byte_lines(fh: io.BufferedReader, size: int) -> bytearray:
    """About ``size`` bytes of ``fh``, ending at the end of a line, as :func:`_read_lines`.

    Lines end as the text reader's do (``newline=""``): at a line feed, a carriage
    return and a line feed, or a lone carriage return. No byte of a multi-byte UTF-8
    character is one of them, so the cut never splits a character. The bytes are read
    into one buffer that the end of the line is appended to (no copy of the chunk).
    """
    data = bytearray(size)
    got = fh.readinto(data)
    if got < size:
        del data[got:]
    if not data or data.endswith(b"\n"):
        return data
    if data.endswith(b"\r"):
        after = fh.read(1)
        data += after
        if not after or after == b"\n":
            return data
    data += _rest_of_line(fh)
    return data


def _rest_of_line(fh: io.BufferedReader) -> bytes:
    """The bytes of ``fh`` up to the end of the current line (``newline=""`` rules)."""
    parts: list[bytes] = []
    while True:
        ahead = fh.peek(1)
        if not ahead:
            break
        ends = [i for i in (ahead.find(b"\n"), ahead.find(b"\r")) if i != -1]
        if not ends:
            parts.append(fh.read(len(ahead)))
            continue
        end = min(ends)
        parts.append(fh.read(end + 1))
        if ahead[end : end + 1] == b"\r" and fh.peek(1)[:1] == b"\n":
            parts.append(fh.read(1))
        break
    return b"".join(parts)


def _utf8(data: bytes | bytearray) -> bool:
    """Tell whether ``data`` is valid UTF-8 (ASCII is, and is told at once)."""
    if data.isascii():
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _not_blank(columns: Sequence[pa.Array[Any]], plain: bool = False) -> pa.Array[Any] | None:
    """Which rows have a cell that is not blank (None: all of them).

    Column by column, only over the rows not yet known to have such a cell: a file
    has few blank rows, so the first column usually settles every row. With ``plain``
    (every cell ASCII without a control character, so a blank one is empty or spaces
    and tabs) a cell is filled when it is not empty and not all ASCII space: no
    trimmed copy of the column.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if not columns:
        return None
    unsure: Any = None  # row indices still without a filled cell (None: every row)
    for column in columns:
        text: Any = column if unsure is None else column.take(unsure)
        filled: Any
        if plain:
            some: Any = pc.greater(pc.binary_length(text), pa.scalar(0, pa.int32()))
            filled = pc.and_(some, pc.invert(pc.ascii_is_space(text)))
        else:
            length: Any = pc.utf8_length(pc.utf8_trim(text, ASCII_SPACE))
            filled_text: Any = pc.greater(length, pa.scalar(0, pa.int32()))
            filled = pc.and_(pc.string_is_ascii(text), filled_text)
        left: Any = pc.indices_nonzero(pc.invert(filled))
        unsure = left if unsure is None else unsure.take(left)
        if not len(unsure):
            return None
    rows = unsure.to_pylist()
    values: list[list[Any]] = [column.take(unsure).to_pylist() for column in columns]
    flags = [True] * len(columns[0])
    for k, i in enumerate(rows):
        flags[i] = any(v[k].strip() for v in values)
    return pa.array(flags, pa.bool_())


@contextmanager
def open_table(path: Path, fmt: FileFormat, source: FileSource) -> Iterator[Table]:
    """Open one file and read its header.

    Args:
        path: The file.
        fmt: Its format.
        source: How to read it (encoding, delimiter, skip_rows, sheet).

    Yields:
        The open table; the file is closed when the context ends.

    Raises:
        ConfigurationError: The file cannot be opened or decoded, or has no header.
    """
    if fmt in ("csv", "tsv"):
        with _open_csv(path, fmt, source) as table:
            yield table
    elif fmt == "xlsx":
        with _open_xlsx(path, source) as xlsx:
            yield xlsx
    else:
        with _open_parquet(path) as parquet:
            yield parquet


# ------------------------------------------------------------------------------- csv


def _encoding_for(path: Path, configured: str) -> str:
    """A byte-order mark wins over a UTF-8 setting (LinkedIn exports are UTF-16)."""
    if codecs.lookup(configured).name not in ("utf-8", "utf-8-sig"):
        return configured
    with path.open("rb") as fh:
        head = fh.read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return "utf-8-sig"


def _sniff_delimiter(header_line: str) -> str:
    counts = [(header_line.count(d), -i, d) for i, d in enumerate(_DELIMITER_CANDIDATES)]
    best = max(counts)
    return best[2] if best[0] else ","


def _decode_error(
    path: Path, encoding: str, line: int, exc: UnicodeDecodeError
) -> ConfigurationError:
    return ConfigurationError(
        f"{path}: cannot be decoded as {encoding} near line {line} ({exc.reason}). Set "
        f"'encoding' for this file: spreadsheets saved on Windows are often 'cp1252', "
        f"platform exports sometimes 'utf-16'."
    )


#: The most characters a CSV cell may hold: Python's ``csv.field_size_limit()`` default.
#: A longer cell (almost always a quote left open) rejects its row.
CSV_FIELD_LIMIT = 131_072


class _Lines:
    """The lines fed to ``csv.reader``, remembering those of the row being read.

    When a row turns out broken (a quote never closed, a cell over the size limit, a
    row that swallowed the lines after it) the lines after its first are put back, so
    reading goes on at the next line instead of losing them: one bad quote costs one
    row, not the rest of the file.
    """

    def __init__(self, lines: Iterator[str]) -> None:
        self._lines = lines
        self._again: list[str] = []  # lines to read again, last first
        self.taken: list[str] = []  # the lines of the current row
        self.count = 0  # lines handed out, less those put back

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self._again.pop() if self._again else next(self._lines)
        self.taken.append(line)
        self.count += 1
        return line

    def start_row(self) -> None:
        self.taken.clear()

    def again_after_first(self) -> None:
        """Put back every line of the current row after its first."""
        rest = self.taken[1:]
        self._again.extend(reversed(rest))
        self.count -= len(rest)
        del self.taken[1:]


def _csv_problem(exc: csv.Error) -> str:
    text = str(exc)
    if "field larger than field limit" in text:
        return (
            f"a cell is longer than {CSV_FIELD_LIMIT:,} characters, the most a CSV cell may "
            f"hold (a quote left open?)"
        )
    if "unexpected end of data" in text:
        return (
            "a quote opened in this line is never closed: the rest of the file would be one "
            "cell (the line is skipped; reading goes on at the next line)"
        )
    return f"the line cannot be read as CSV ({text})"


def _swallowed(row: list[str], width: int, delimiter: str) -> bool:
    """Tell whether a multi-line cell holds lines that look like rows of their own.

    A quote opened by mistake and closed by another stray quote lines later makes
    one cell of the rows between; a real multi-line cell (an address, a note) rarely
    holds a line with as many delimiters as the header has columns.
    """
    if width < 2:
        return False
    return any(
        line.count(delimiter) >= width - 1
        for cell in row
        if "\n" in cell or "\r" in cell
        for line in cell.splitlines()[1:]
    )


def _shape_problem(row: list[str], width: int, need: int, delimiter: str) -> str | None:
    """Why a row's number of cells does not fit the header, or None when it does.

    Empty cells after the header's last are allowed; the row needs a cell for the
    last mapped column (``need``, its position).
    """
    if len(row) > width and any(cell.strip() for cell in row[width:]):
        return (
            f"the row has {len(row)} cells but the header has {width} (a value containing "
            f"an unquoted {delimiter!r}?)"
        )
    if need >= len(row):
        return f"the row has {len(row)} cells but the header has {width}"
    return None


def _well_quoted(text: str, delimiter: str) -> bool:
    """Tell whether pyarrow cuts the quoted cells of ``text`` as the csv module does.

    Each line holding a quote must be whole cells, each either unquoted without a quote
    or quoted with its quotes doubled inside (so none runs over lines), and lines end
    with a line feed (after a carriage return or not). Anything else (a quote inside an
    unquoted cell, a quote never closed) is left to the csv module's rules.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if "\r" in text and text.count("\r") != text.count("\r\n"):
        return False
    split: Any = pc.split_pattern(pa.array([text]), "\n")
    lines: Any = split.flatten()
    quoted = lines.filter(pc.match_substring(lines, '"'))
    d = "\\" + delimiter if delimiter in "\\]^-[" else delimiter
    cell = f'"(?:[^"]|"")*"|[^"{d}\r\n]*'
    line = f"^(?:{cell})(?:[{d}](?:{cell}))*\r?$"
    return bool(pc.all(pc.match_substring_regex(quoted, line)).as_py() is not False)


class _CsvTable:
    def __init__(
        self,
        path: Path,
        encoding: str,
        headers: tuple[str, ...],
        reader: Any,
        lines: _Lines,
        offset: int,
        delimiter: str,
        fh: TextIO | None = None,
        raw: io.BufferedReader | None = None,
    ) -> None:
        self.path = str(path)
        self.headers = headers
        self._file = path
        self._encoding = encoding
        self._reader = reader
        self._lines = lines
        self._offset = offset
        self._delimiter = delimiter
        self._fh = fh
        self._raw = raw
        self._ones: Any = None  # 1, 2, 3, ... : the row numbers of a chunk, less its start

    def chunks(self, indices: Sequence[int]) -> Iterator[Chunk]:
        """The data rows' cells at ``indices``, a column per index, a chunk at a time.

        A stretch of the file without a quote character is cut into lines and cells by
        pyarrow's CSV reader (no Python object per cell); from the first stretch with a
        quote (or a problem only the ``csv`` module reports as today) on, the rows come
        from :meth:`rows`, exactly as the row-by-row reader reads them.
        """
        if self._raw is not None:
            yield from self._byte_chunks(self._raw, indices)
            return
        fh = self._fh
        assert fh is not None, "chunks() reads a table opened by open_table"
        before = self._offset + self._lines.count  # lines before the next chunk
        while True:
            try:
                text = _read_lines(fh, CSV_CHUNK_CHARS)
            except UnicodeDecodeError:
                text = None
            if text == "":
                return
            cut = None if text is None else self._arrow_chunk(text.encode(), before, indices)
            if cut is None:  # the csv module reads on from the chunk's first line
                if text is None:  # undecodable: read again from the top to say where
                    yield from _row_chunks(self._reopened_rows(indices, before), len(indices))
                    return
                lines = _Lines(itertools.chain(io.StringIO(text, newline=""), fh))
                rest = self._reading(lines, before)
                yield from _row_chunks(rest.rows(indices), len(indices))
                return
            chunk, lines_read = cut
            yield chunk
            before += lines_read

    def _byte_chunks(self, raw: io.BufferedReader, indices: Sequence[int]) -> Iterator[Chunk]:
        """:meth:`chunks` of a UTF-8 file, read as bytes from the first data line.

        The bytes are handed to pyarrow as they are (ASCII needs no decoding, other text
        is decoded once to check it), with no ``str`` of the chunk: the same cells as the
        text reading, a chunk's worth of decoding and encoding less.
        """
        before = self._offset + self._lines.count  # lines before the next chunk
        while True:
            data = _read_byte_lines(raw, CSV_CHUNK_CHARS)
            if not data:
                return
            if not _utf8(data):  # read again from the top to say where, as the text reading
                yield from _row_chunks(self._reopened_rows(indices, before), len(indices))
                return
            cut = self._arrow_chunk(data, before, indices)
            if cut is None:  # the csv module reads on from the chunk's first line
                yield from _row_chunks(self._rows_from_line(indices, before), len(indices))
                return
            chunk, lines_read = cut
            yield chunk
            before += lines_read

    def _rows_from_line(self, indices: Sequence[int], before: int) -> Iterator[RawRow]:
        """The rows after the first ``before`` lines, read by the csv module.

        The file is opened again as text and its first ``before`` lines are skipped
        line by line, so decoding runs exactly as when the file is read row by row from
        the top: a byte that cannot be decoded is named at the same line.
        """
        with self._file.open(encoding=self._encoding, newline="") as fh:
            for line in range(1, before + 1):
                try:
                    fh.readline()
                except UnicodeDecodeError as exc:
                    raise _decode_error(self._file, self._encoding, line, exc) from None
            yield from self._reading(_Lines(fh), before).rows(indices)

    def _reopened_rows(self, indices: Sequence[int], after: int) -> Iterator[RawRow]:
        with self._file.open(encoding=self._encoding, newline="") as fh:
            for row in self._reading(_Lines(fh), 0).rows(indices):
                if row.number > after:
                    yield row

    def _reading(self, lines: _Lines, offset: int) -> _CsvTable:
        """This table's file read on from ``lines``, the first ``offset`` lines behind."""
        reader = csv.reader(lines, delimiter=self._delimiter, strict=True)
        return _CsvTable(
            self._file, self._encoding, self.headers, reader, lines, offset, self._delimiter
        )

    def _arrow_chunk(
        self, data: bytes | bytearray, before: int, indices: Sequence[int]
    ) -> tuple[Chunk, int] | None:
        """Cut ``data`` (whole lines of valid UTF-8) with pyarrow: the chunk and its lines.

        None when only the csv module reads it as it reads it today (quotes, a cell
        over the size limit, a delimiter pyarrow does not take).
        """
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.csv as pcsv

        delimiter = self._delimiter
        if len(delimiter.encode()) != 1 or delimiter in '\r\n"':
            return None
        quoted = b'"' in data
        if quoted and not _well_quoted(data.decode(), delimiter):
            return None
        width = len(self.headers)
        need = max(indices, default=-1)
        invalid: list[tuple[int, str]] = []

        def on_invalid(row: Any) -> Any:
            invalid.append((row.number, row.text))
            return "skip"

        names = [f"c{i}" for i in range(width)]
        try:
            table = pcsv.read_csv(
                cast(Any, pa.BufferReader(data)),
                read_options=pcsv.ReadOptions(
                    column_names=names, use_threads=False, block_size=len(data) + 1
                ),
                parse_options=pcsv.ParseOptions(
                    delimiter=delimiter,
                    quote_char='"' if quoted else False,
                    double_quote=True,
                    escape_char=False,
                    newlines_in_values=False,
                    ignore_empty_lines=False,
                    invalid_row_handler=on_invalid,
                ),
                convert_options=pcsv.ConvertOptions(
                    column_types=dict.fromkeys(names, pa.string()),
                    null_values=[],
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                    check_utf8=False,  # the caller's data is valid UTF-8
                ),
            )
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return None
        columns = [_one_array(table.column(i)) for i in range(width)]
        if any(len(line) > CSV_FIELD_LIMIT for _, line in invalid) or any(
            (pc.max(pc.binary_length(cast(Any, c))).as_py() or 0) > CSV_FIELD_LIMIT for c in columns
        ):
            return None  # the csv module rejects the row: let it say so
        # Every line is a row or an invalid row (empty lines too: ignore_empty_lines=False).
        total = table.num_rows + len(invalid)
        if self._ones is None or len(self._ones) < total:
            self._ones = pc.cumulative_sum(pa.repeat(1, total))
        number_array: Any = pc.add(self._ones.slice(0, total), before)
        if invalid:
            rows = [True] * total
            for number, _ in invalid:
                rows[number - 1] = False
            number_array = number_array.filter(pa.array(rows, pa.bool_()))
        plain = plain_ascii(data)
        keep = _not_blank(columns, plain)
        problems: list[tuple[int, str]] = []
        rescued: list[tuple[int, list[str]]] = []
        for number, line in invalid:
            row = next(csv.reader([line], delimiter=delimiter, strict=True), [])
            if not any(cell.strip() for cell in row):
                continue  # a blank line is not a row
            shape = _shape_problem(row, width, need, delimiter)
            if shape is not None:
                problems.append((before + number, shape))
            else:
                rescued.append((before + number, [row[i] for i in indices]))
        cells: list[Any] = [columns[i] for i in indices]
        if keep is not None:
            number_array = number_array.filter(keep)
            cells = [c.filter(keep) for c in cells]
        if rescued:
            number_array = pa.concat_arrays(
                [number_array, pa.array([n for n, _ in rescued], pa.int64())]
            )
            order = pc.sort_indices(number_array)
            number_array = number_array.take(order)
            cells = [
                pa.concat_arrays([c, pa.array([r[j] for _, r in rescued], pa.string())]).take(order)
                for j, c in enumerate(cells)
            ]
        return Chunk(number_array, cells, problems, plain), total

    def rows(self, indices: Sequence[int]) -> Iterator[RawRow]:
        reader, lines = self._reader, self._lines
        width = len(self.headers)
        need = max(indices, default=-1)
        while True:
            lines.start_row()
            number = self._offset + lines.count + 1
            try:
                row: list[str] = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                if len(lines.taken) > 1:
                    lines.again_after_first()
                yield RawRow(number, (), _csv_problem(exc))
                continue
            except UnicodeDecodeError as exc:
                raise _decode_error(self._file, self._encoding, number, exc) from None
            if not any(cell.strip() for cell in row):
                continue  # a blank line is not a row
            multiline = len(lines.taken) > 1
            if multiline and (len(row) != width or _swallowed(row, width, self._delimiter)):
                lines.again_after_first()
                yield RawRow(
                    number,
                    (),
                    "a quoted cell in this line runs over the next lines, which look like rows "
                    "of their own (a quote left open?); the line is skipped and reading goes "
                    "on at the next line",
                )
                continue
            shape = _shape_problem(row, width, need, self._delimiter)
            if shape is not None:
                yield RawRow(number, (), shape)
                continue
            yield RawRow(number, [row[i] for i in indices])


@contextmanager
def _open_csv(path: Path, fmt: FileFormat, source: FileSource) -> Iterator[_CsvTable]:
    try:
        encoding = _encoding_for(path, source.encoding)
        fh = path.open(encoding=encoding, newline="")
    except OSError as exc:
        raise ConfigurationError(f"{path}: cannot be opened ({exc.strerror or exc})") from None
    with fh:
        line = 0
        skipped: list[str] = []
        try:
            for line in range(1, source.skip_rows + 1):
                skipped.append(fh.readline())
                if not skipped[-1]:
                    raise ConfigurationError(
                        f"{path}: has {line - 1} lines, but skip_rows is {source.skip_rows}"
                    )
            line = source.skip_rows + 1
            header_line = fh.readline()
        except UnicodeDecodeError as exc:
            raise _decode_error(path, encoding, line, exc) from None
        if not header_line and not source.skip_rows:
            raise ConfigurationError(f"{path}: is empty; a header line is expected")
        if not header_line.strip():
            where = "ends" if not header_line else "has an empty line"
            raise ConfigurationError(
                f"{path}: {where} at line {source.skip_rows + 1}, where the header should be; "
                f"check skip_rows (lines before the header: {source.skip_rows})"
            )
        delimiter = source.delimiter or ("\t" if fmt == "tsv" else _sniff_delimiter(header_line))
        lines = _Lines(itertools.chain([header_line], fh))
        reader = csv.reader(lines, delimiter=delimiter, strict=True)
        try:
            header = next(reader)
        except (csv.Error, UnicodeDecodeError) as exc:
            raise ConfigurationError(f"{path}: the header cannot be read ({exc})") from None
        raw = _bytes_after(path, encoding, "".join(skipped + lines.taken))
        try:
            yield _CsvTable(
                path,
                encoding,
                tuple(h.strip() for h in header),
                reader,
                lines,
                source.skip_rows,
                delimiter,
                fh,
                raw,
            )
        finally:
            if raw is not None:
                raw.close()


def _bytes_after(path: Path, encoding: str, read: str) -> io.BufferedReader | None:
    """A UTF-8 file opened as bytes just after the text already ``read``, or None.

    None for other encodings, and should the bytes not be that text (with or without
    a byte-order mark before it): the file is then read on as text.
    """
    if encoding != "utf-8-sig":
        return None
    head = read.encode("utf-8")
    try:
        raw = path.open("rb")
    except OSError:
        return None
    bom = raw.read(len(codecs.BOM_UTF8))
    if bom != codecs.BOM_UTF8:
        raw.seek(0)
    if raw.read(len(head)) != head:
        raw.close()
        return None
    return raw


# ------------------------------------------------------------------------------ xlsx


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class _XlsxTable:
    def __init__(self, path: Path, headers: tuple[str, ...], rows: Iterator[Any], first: int):
        self.path = str(path)
        self.headers = headers
        self._rows = rows
        self._first = first

    def rows(self, indices: Sequence[int]) -> Iterator[RawRow]:
        for number, values in enumerate(self._rows, start=self._first):
            if all(_empty(v) for v in values):
                continue
            size = len(values)
            yield RawRow(number, [values[i] if i < size else None for i in indices])

    def chunks(self, indices: Sequence[int]) -> Iterator[Chunk]:
        return _row_chunks(self.rows(indices), len(indices))


@contextmanager
def _open_xlsx(path: Path, source: FileSource) -> Iterator[_XlsxTable]:
    try:
        import openpyxl
        from openpyxl.utils.exceptions import InvalidFileException
    except ImportError:  # pragma: no cover - openpyxl is a dependency of partnerkit-files
        raise ConfigurationError(
            "reading .xlsx files needs openpyxl: `uv add openpyxl` or `pip install openpyxl`"
        ) from None
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ConfigurationError(f"{path}: is not a readable .xlsx workbook ({exc})") from None
    try:
        names: list[str] = list(workbook.sheetnames)
        if source.sheet is None:
            sheet = workbook.worksheets[0]
        elif source.sheet in names:
            sheet = workbook[source.sheet]
        else:
            import difflib

            close = difflib.get_close_matches(source.sheet, names, n=1, cutoff=0.5)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise ConfigurationError(
                f"{path}: has no sheet {source.sheet!r} (sheets: {', '.join(names)}).{hint}"
            )
        sheet.reset_dimensions()  # some writers record a wrong used range (e.g. A1:A1)
        rows = sheet.iter_rows(min_row=source.skip_rows + 1, values_only=True)
        header = next(rows, None)
        if header is None or all(_empty(v) for v in header):
            raise ConfigurationError(
                f"{path}: sheet {sheet.title!r} has no header in row {source.skip_rows + 1}; "
                f"check skip_rows (rows before the header: {source.skip_rows})"
            )
        headers = tuple("" if v is None else str(v).strip() for v in header)
        yield _XlsxTable(path, headers, rows, source.skip_rows + 2)
    finally:
        workbook.close()


# --------------------------------------------------------------------------- parquet


class _ParquetTable:
    def __init__(self, path: Path, parquet: pq.ParquetFile) -> None:
        self.path = str(path)
        self.headers = tuple(parquet.schema_arrow.names)
        self._parquet = parquet

    def rows(self, indices: Sequence[int]) -> Iterator[RawRow]:
        names = [self.headers[i] for i in indices]
        wanted = list(dict.fromkeys(names))
        number = 0
        if not wanted:  # every column comes from constants: one record per row
            for number in range(1, self._parquet.metadata.num_rows + 1):
                yield RawRow(number, [])
            return
        for batch in self._parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS, columns=wanted):
            values = {name: batch.column(name).to_pylist() for name in wanted}
            ordered = [values[name] for name in names]
            for cells in zip(*ordered, strict=True):
                number += 1
                yield RawRow(number, cells)

    def chunks(self, indices: Sequence[int]) -> Iterator[Chunk]:
        import pyarrow as pa

        names = [self.headers[i] for i in indices]
        wanted = list(dict.fromkeys(names))
        total = self._parquet.metadata.num_rows
        if not wanted:  # every column comes from constants: one record per row
            for start in range(0, total, PARQUET_BATCH_ROWS):
                stop = min(start + PARQUET_BATCH_ROWS, total)
                yield Chunk(pa.array(range(start + 1, stop + 1), pa.int64()), [], [])
            return
        number = 0
        for batch in self._parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS, columns=wanted):
            numbers = pa.array(range(number + 1, number + batch.num_rows + 1), pa.int64())
            number += batch.num_rows
            yield Chunk(numbers, [batch.column(name) for name in names], [])


@contextmanager
def _open_parquet(path: Path) -> Iterator[_ParquetTable]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:
        raise ConfigurationError(f"{path}: is not a readable Parquet file ({exc})") from None
    try:
        yield _ParquetTable(path, parquet)
    finally:
        parquet.close()
