"""Settings of the files connector: which files to read, how, and how they map to records."""

from __future__ import annotations

import codecs
import datetime as dt
import difflib
import math
import os
import re
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from partnerkit.connector import ConnectorSettings
from partnerkit.records import ColumnInfo, RecordKind, columns
from partnerkit_files._parse import (
    CellError,
    Money,
    ParseContext,
    check_currency,
    converter_for,
    number_format,
    zone,
)

__all__ = [
    "DEFAULT_NULL_VALUES",
    "FORMATS_BY_SUFFIX",
    "STREAM_KINDS",
    "ExtraColumn",
    "FileFormat",
    "FileSource",
    "FilesSettings",
    "RejectLimit",
    "StreamName",
    "allowed_rejections",
    "check_relative_path",
]

FileFormat = Literal["csv", "tsv", "xlsx", "parquet"]
StreamName = Literal[
    "performance",
    "leads",
    "deals",
    "campaigns",
    "time_entries",
    "work_items",
    "meeting_items",
]
ExtraType = Literal["auto", "text", "integer", "number", "decimal", "bool"]
ConstantValue = str | int | float | Decimal | bool | dt.date | dt.datetime | None

#: The record kind each stream yields.
STREAM_KINDS: dict[str, RecordKind] = {
    "performance": RecordKind.PERFORMANCE,
    "leads": RecordKind.LEAD,
    "deals": RecordKind.DEAL,
    "campaigns": RecordKind.CAMPAIGN,
    "time_entries": RecordKind.TIME_ENTRY,
    "work_items": RecordKind.WORK_ITEM,
    "meeting_items": RecordKind.MEETING_ITEM,
}

#: File name endings and the format they imply when ``format`` is not set.
FORMATS_BY_SUFFIX: dict[str, FileFormat] = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".parquet": "parquet",
    ".pq": "parquet",
}

#: Cell texts read as "no value" (never as 0) unless ``null_values`` says otherwise.
DEFAULT_NULL_VALUES: tuple[str, ...] = ("", "-", "--", "N/A", "n/a", "#N/A")

#: ``max_rejected_rows``: a count of rows (``10``) or a percentage of a file's data
#: rows (``"1%"``).
RejectLimit = int | str
_PERCENT = re.compile(r"([0-9]+(?:\.[0-9]+)?)%")


def _reject_limit(value: Any) -> Any:
    """Validate ``max_rejected_rows``: a count ``>= 0`` or a percentage ``"0%"``..``"100%"``."""
    if value is None:
        return value
    hint = "a number of rows (e.g. 10) or a percentage of the file's rows (e.g. '1%')"
    if isinstance(value, str) and value.strip().isdigit() and value.strip().isascii():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"max_rejected_rows must be {hint}, got {value!r}")
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"max_rejected_rows must be {hint}, got {value!r}")
        return value
    found = _PERCENT.fullmatch(value.strip())
    if found is None or float(found.group(1)) > 100:
        raise ValueError(f"max_rejected_rows must be {hint}, got {value!r}")
    return value.strip()


def allowed_rejections(limit: RejectLimit, rows: int) -> int:
    """How many rejected rows a file of ``rows`` data rows may have under ``limit``.

    A count is itself; a percentage is that share of the rows, rounded down
    (``"1%"`` of 1,002 rows allows 10).
    """
    if isinstance(limit, int):
        return limit
    return math.floor(rows * float(limit.rstrip("%")) / 100 + 1e-9)


def check_relative_path(path: str) -> None:
    r"""Check that a file path stays inside ``base_dir`` as written.

    Refused: absolute paths (``/etc/x.csv``, ``C:\x.csv``, ``\\server\x``), a home
    folder (``~/x.csv``) and any ``..`` part (``../x.csv``, ``**/../*.csv``), in glob
    patterns too. Symbolic links are checked when the files are found.

    Raises:
        ValueError: Naming the rule that was broken.
    """
    posix, windows = PurePosixPath(path), PureWindowsPath(path)
    if posix.is_absolute() or windows.drive or windows.root:
        raise ValueError(
            f"path {path!r} is absolute; paths are relative to base_dir and stay inside it "
            f"(set base_dir to the folder and path to the file inside it)"
        )
    if path.startswith("~"):
        raise ValueError(
            f"path {path!r} starts in a home folder; paths are relative to base_dir and stay "
            f"inside it"
        )
    if ".." in posix.parts or ".." in windows.parts:
        raise ValueError(
            f"path {path!r} climbs out with '..'; paths are relative to base_dir and stay inside it"
        )


# Unified columns a file never maps: the framework fills record_id; extras have their own key.
_NOT_MAPPABLE = frozenset({"record_id", "extra"})
_DELIMITER_NAMES = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}


def _closest(name: str, options: list[str]) -> str:
    found = difflib.get_close_matches(name, options, n=1, cutoff=0.5)
    return f"; did you mean {found[0]!r}?" if found else ""


def _format_of(path: str) -> FileFormat | None:
    suffix = PurePath(path).suffix.lower()
    return FORMATS_BY_SUFFIX.get(suffix)


class ExtraColumn(BaseModel):
    """A non-standard column copied into the record's ``extra`` mapping.

    Attributes:
        column: The source header.
        type: How the cells are parsed: ``auto`` (the column's first value in a
            read decides: a number, as float, when it reads as one, else text),
            ``text``, ``integer``, ``number`` (float), ``decimal`` (exact) or ``bool``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    column: str = Field(min_length=1)
    type: ExtraType = "auto"


class FileSource(BaseModel):
    r"""One file (or glob of files) and how its rows map to unified records.

    Attributes:
        path: A file path or a glob (``exports/linkedin_*.csv``, ``**/*.xlsx``);
            relative paths resolve against ``base_dir``. Matching files are read in
            sorted order.
        stream: The stream the rows feed: ``performance``, ``leads``, ``deals`` or
            ``campaigns``.
        format: ``csv``, ``tsv``, ``xlsx`` or ``parquet``; by default from the
            file name's ending.
        sheet: The Excel sheet to read (default: the first sheet).
        encoding: The text encoding of CSV/TSV files. A UTF-16 byte-order mark (as
            in LinkedIn's exports) is detected whatever this says about UTF-8.
        delimiter: The CSV delimiter (``","``, ``";"``, ``"\\t"`` or ``tab``,
            ``"|"``); by default guessed from the header line.
        skip_rows: Lines (rows, in Excel) before the header: report titles, date
            ranges, blank lines.
        columns: Unified column name → source header.
        constants: Unified column name → a value for every row (platform,
            account_id, currency, timezone, channel, level, ...).
        extra_columns: Name in ``extra`` → source header (or ``{column, type}``).
        email: The source header of the lead's email: it is hashed into
            ``email_hash`` (leads only).
        phone: The source header of the lead's phone: hashed into ``phone_hash``.
        keep_raw_email: Also keep the raw email in ``email`` (off by default).
        locale: A babel locale for numbers, e.g. ``de_DE`` (``1.234,56``),
            ``en_US`` (``1,234.56``), ``fr_FR`` (``1 234,56``), ``he_IL``.
        decimal_separator: Overrides the locale's decimal separator.
        thousands_separator: Overrides the locale's thousands separator.
        null_values: Cell texts meaning "no value" (default: empty, ``-``,
            ``--``, ``N/A``, ``n/a``, ``#N/A``).
        date_format: strftime pattern(s) of date cells, tried in order, e.g.
            ``"%d/%m/%Y"``; default ISO ``2026-10-31``.
        datetime_format: strftime pattern(s) of timestamp cells; default ISO.
        timezone: IANA time zone of the file's naive timestamps and of the days
            leads are filtered by (default: ``constants.timezone``, else UTC).
        dates_from_timestamps: Take a timestamp found in a date column as its day
            in ``timezone`` (default: such a cell is rejected; a spreadsheet's date
            at midnight without a zone is always read as its day).
        max_rejected_rows: Overrides the connection's ``max_rejected_rows`` for
            this file.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: str = Field(min_length=1)
    stream: StreamName
    format: FileFormat | None = None
    sheet: str | None = None
    encoding: str = "utf-8-sig"
    delimiter: str | None = None
    skip_rows: int = Field(default=0, ge=0)
    columns: dict[str, str] = Field(default_factory=dict)
    constants: dict[str, ConstantValue] = Field(default_factory=dict)
    extra_columns: dict[str, str | ExtraColumn] = Field(default_factory=dict)
    email: str | None = None
    phone: str | None = None
    keep_raw_email: bool = False
    locale: str | None = None
    decimal_separator: str | None = Field(default=None, min_length=1, max_length=1)
    thousands_separator: str | None = Field(default=None, max_length=1)
    null_values: tuple[str, ...] = DEFAULT_NULL_VALUES
    date_format: str | list[str] | None = None
    datetime_format: str | list[str] | None = None
    timezone: str | None = None
    dates_from_timestamps: bool = False
    max_rejected_rows: RejectLimit | None = None

    # ------------------------------------------------------------------ fields

    @field_validator("path", mode="before")
    @classmethod
    def _path_str(cls, value: Any) -> Any:
        return os.fspath(value) if isinstance(value, os.PathLike) else value

    @field_validator("path")
    @classmethod
    def _path_inside(cls, value: str) -> str:
        check_relative_path(value)
        return value

    @field_validator("max_rejected_rows", mode="before")
    @classmethod
    def _limit(cls, value: Any) -> Any:
        return _reject_limit(value)

    @field_validator("stream", mode="before")
    @classmethod
    def _known_stream(cls, value: Any) -> Any:
        if isinstance(value, str) and value not in STREAM_KINDS:
            offered = ", ".join(STREAM_KINDS)
            hint = _closest(value, list(STREAM_KINDS))
            raise ValueError(
                f"unknown stream {value!r}{hint} The files connector offers: {offered}"
            )
        return value

    @field_validator("delimiter", mode="before")
    @classmethod
    def _delimiter(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = _DELIMITER_NAMES.get(value.lower(), value)
            if len(value) != 1:
                raise ValueError(f"the delimiter must be one character (or 'tab'), got {value!r}")
        return value

    @field_validator("encoding")
    @classmethod
    def _encoding(cls, value: str) -> str:
        try:
            codecs.lookup(value)
        except LookupError:
            raise ValueError(f"unknown encoding {value!r}") from None
        return value

    @field_validator("null_values", mode="before")
    @classmethod
    def _nulls(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list | tuple | set | frozenset):
            return tuple(str(v).strip() for v in value)
        return value

    @field_validator("date_format", "datetime_format")
    @classmethod
    def _patterns(cls, value: str | list[str] | None) -> str | list[str] | None:
        patterns = [value] if isinstance(value, str) else (value or [])
        for pattern in patterns:
            if "%" not in pattern:
                raise ValueError(
                    f"{pattern!r} is not a strftime pattern (e.g. '%d/%m/%Y' for 31/10/2026)"
                )
        if isinstance(value, list) and not value:
            return None
        return value

    # --------------------------------------------------------------- derived

    @property
    def kind(self) -> RecordKind:
        """The record kind of the stream this file feeds."""
        return STREAM_KINDS[self.stream]

    @property
    def timezone_name(self) -> str:
        """The time zone the file's naive timestamps are in."""
        constant = self.constants.get("timezone")
        return self.timezone or (constant if isinstance(constant, str) else None) or "UTC"

    def mappable_columns(self) -> dict[str, ColumnInfo]:
        """The unified columns of this stream's record kind that a file may fill."""
        return {c.name: c for c in columns(self.kind) if c.name not in _NOT_MAPPABLE}

    def extra_specs(self) -> dict[str, ExtraColumn]:
        """The extra columns, each as an :class:`ExtraColumn`."""
        return {
            name: spec if isinstance(spec, ExtraColumn) else ExtraColumn(column=spec)
            for name, spec in self.extra_columns.items()
        }

    def parse_context(self) -> ParseContext:
        """Build the parsing settings of this file.

        Raises:
            ValueError: An unknown locale or time zone, or clashing separators.
        """
        dates = [self.date_format] if isinstance(self.date_format, str) else self.date_format
        stamps = (
            [self.datetime_format]
            if isinstance(self.datetime_format, str)
            else self.datetime_format
        )
        return ParseContext(
            numbers=number_format(self.locale, self.decimal_separator, self.thousands_separator),
            date_formats=tuple(dates) if dates else None,
            datetime_formats=tuple(stamps) if stamps else None,
            tz=zone(self.timezone_name),
            null_values=frozenset(self.null_values),
            dates_from_timestamps=self.dates_from_timestamps,
        )

    def format_for(self, path: str | Path) -> FileFormat | None:
        """The format of one matched file: ``format``, else from its name's ending."""
        return self.format or _format_of(str(path))

    def converted_constants(self, ctx: ParseContext) -> dict[str, Any]:
        """The constants converted to their columns' types.

        Raises:
            ValueError: A constant does not fit its column.
        """
        infos = self.mappable_columns()
        out: dict[str, Any] = {}
        for name, value in self.constants.items():
            if value is None:
                out[name] = None
                continue
            try:
                converted = converter_for(infos[name], ctx)(value)
                if isinstance(converted, Money):
                    currency = self.constants.get("currency")
                    converted = check_currency(
                        converted, str(currency).upper() if currency else None
                    )
                out[name] = converted
            except CellError as exc:
                raise ValueError(f"constants.{name}: {exc.reason}") from None
        return out

    # ------------------------------------------------------------- cross-field

    @model_validator(mode="after")
    def _check_mapping(self) -> Self:
        kind = self.kind.value
        infos = self.mappable_columns()
        valid = sorted(infos)
        problems: list[str] = []

        def unknown(where: str, name: str) -> str:
            if name in ("email", "phone") and where == "columns" and self.stream == "leads":
                return (
                    f"columns.{name}: map the {name} header with the '{name}:' setting instead; "
                    f"it is hashed into {name}_hash"
                    + (
                        " (the raw email is kept only with keep_raw_email: true)"
                        if name == "email"
                        else ""
                    )
                )
            return (
                f"{where}.{name}: {name!r} is not a column of {kind} records{_closest(name, valid)}"
            )

        mapped: tuple[tuple[str, Iterable[str]], ...] = (
            ("columns", self.columns),
            ("constants", self.constants),
        )
        for where, names in mapped:
            for name in names:
                if name not in infos or (where == "columns" and name == "email"):
                    problems.append(unknown(where, name))
        for name in sorted(set(self.columns) & set(self.constants)):
            problems.append(f"{name!r} is both mapped in columns and set in constants; keep one")

        if self.stream != "leads":
            for setting in ("email", "phone"):
                if getattr(self, setting) is not None:
                    problems.append(f"{setting}: only lead files (stream 'leads') hash {setting}s")
            if self.keep_raw_email:
                problems.append("keep_raw_email: only lead files (stream 'leads') have emails")
        else:
            if self.email is not None and "email_hash" in self.columns:
                problems.append(
                    "set either email (hashed here) or columns.email_hash (already hashed)"
                )
            if self.phone is not None and "phone_hash" in self.columns:
                problems.append(
                    "set either phone (hashed here) or columns.phone_hash (already hashed)"
                )
            if self.keep_raw_email and self.email is None:
                problems.append("keep_raw_email needs the email setting (the email header)")

        given = set(self.columns) | set(self.constants)
        missing = [n for n, c in infos.items() if c.required and n not in given]
        if missing:
            names = ", ".join(repr(n) for n in missing)
            problems.append(
                f"{kind} records need {names}: map a source header under columns or set a "
                f"value under constants"
            )
        money = sorted(n for n in given if n in infos and infos[n].column.unit == "money")
        if money and "currency" in infos and "currency" not in given:
            problems.append(
                f"money columns ({', '.join(money)}) need a currency: map columns.currency or "
                f"set constants.currency (e.g. EUR)"
            )

        fmt = self.format or (None if _has_magic_suffix(self.path) else _format_of(self.path))
        if self.format is None and not _has_magic_suffix(self.path) and fmt is None:
            suffix = PurePath(self.path).suffix.lower()
            if suffix == ".xls":
                problems.append("legacy .xls workbooks are not read: save the file as .xlsx")
            elif suffix:
                problems.append(
                    f"cannot tell the format of {self.path!r} from {suffix!r}; set format: csv, "
                    f"tsv, xlsx or parquet"
                )
        if self.sheet is not None and fmt not in (None, "xlsx"):
            problems.append(f"sheet is for Excel files; this one is {fmt}")
        if self.delimiter is not None and fmt in ("xlsx", "parquet"):
            problems.append(f"delimiter is for CSV/TSV files; this one is {fmt}")
        if self.skip_rows and fmt == "parquet":
            problems.append("skip_rows does not apply to Parquet files")

        try:
            ctx = self.parse_context()
        except ValueError as exc:
            problems.append(str(exc))
        else:
            if not problems:
                try:
                    self.converted_constants(ctx)
                except ValueError as exc:
                    problems.append(str(exc))
        if problems:
            raise ValueError(f"file {self.path!r} (stream {self.stream!r}): " + "; ".join(problems))
        return self


def _has_magic_suffix(path: str) -> bool:
    return any(ch in PurePath(path).suffix for ch in "*?[")


class FilesSettings(ConnectorSettings):
    """Settings of the files connector.

    Every field can also come from the environment, prefixed ``PARTNERKIT_FILES_``
    (``PARTNERKIT_FILES_HASH_SALT``, ``PARTNERKIT_FILES_BASE_DIR``, and
    ``PARTNERKIT_FILES_FILES`` as JSON).

    Attributes:
        base_dir: The folder file paths are relative to (default: the current
            working directory). Nothing outside it is read: absolute paths, ``..``
            and symbolic links leading out are refused.
        hash_salt: The secret salt of email and phone hashes. Required when a lead
            file names an ``email`` or ``phone`` header; use the same salt as the
            workspace's other lead sources so hashes match across them.
        files: The files to read.
        max_rejected_rows: How many rejected rows a file may have and still be
            loaded: a count (``10``) or a percentage of its data rows (``"1%"``).
            Default 0: a file with any rejected row fails its read (and its sync)
            once every rejected row has been reported.
    """

    model_config = SettingsConfigDict(env_prefix="PARTNERKIT_FILES_")

    base_dir: Path | None = None
    hash_salt: SecretStr | None = None
    files: list[FileSource] = Field(default_factory=list)
    max_rejected_rows: RejectLimit = 0

    @field_validator("max_rejected_rows", mode="before")
    @classmethod
    def _limit(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("max_rejected_rows must be a number of rows or a percentage")
        return _reject_limit(value)

    @model_validator(mode="after")
    def _salt_when_hashing(self) -> Self:
        hashing = [
            f"files[{i}] ({source.path})"
            for i, source in enumerate(self.files)
            if source.email is not None or source.phone is not None
        ]
        salt = self.hash_salt.get_secret_value() if self.hash_salt is not None else ""
        if hashing and not salt:
            raise ValueError(
                f"{', '.join(hashing)} hash emails/phones: set hash_salt (or the environment "
                f"variable PARTNERKIT_FILES_HASH_SALT) to a long random secret"
            )
        return self

    def sources_for(self, stream: str) -> list[FileSource]:
        """The configured files that feed ``stream``, in configuration order."""
        return [source for source in self.files if source.stream == stream]
