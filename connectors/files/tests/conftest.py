"""Shared fixtures: the committed exports and the mappings a user would write for them.

Tests run with ``--import-mode=importlib``, so test modules cannot import this file:
everything they share is a fixture.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from decimal import Context, Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from partnerkit_files import FilesConnector, _readers
from partnerkit_files._columns import BAD, NULL, CellRule, Problem, cell
from partnerkit_files._connector import _rejected
from partnerkit_files._parse import CellError, Money, check_currency
from partnerkit_files._readers import open_table

from partnerkit.connector import Notice, ReadRequest
from partnerkit.records import MONEY_SCALE, RecordKind
from partnerkit.stream import RecordStream

FIXTURES = Path(__file__).parent / "fixtures"
SALT = "test-salt-7f3a91c2"

#: A plain spend sheet a user keeps by hand (tmp files of the tests, not a fixture file).
SHEET: dict[str, Any] = {
    "path": "spend.csv",
    "stream": "performance",
    "columns": {
        "date": "day",
        "campaign_name": "campaign",
        "spend": "spend",
        "impressions": "impressions",
        "clicks": "clicks",
    },
    "constants": {"platform": "sheet", "account_id": "a1", "currency": "ILS"},
}

#: The mapping for LinkedIn Campaign Manager's "Campaign Performance Report" export.
LINKEDIN: dict[str, Any] = {
    "path": "linkedin/campaign_performance_report.csv",
    "stream": "performance",
    "skip_rows": 5,
    "date_format": "%m/%d/%Y",
    "columns": {
        "date": "Start Date (in UTC)",
        "account_name": "Account Name",
        "currency": "Currency",
        "campaign_id": "Campaign ID",
        "campaign_name": "Campaign Name",
        "spend": "Total Spent",
        "impressions": "Impressions",
        "clicks": "Clicks",
        "link_clicks": "Clicks to Landing Page",
        "conversions": "Conversions",
        "conversion_value": "Total Conversion Value",
        "leads": "Leads",
        "reach": "Reach",
    },
    "constants": {
        "platform": "linkedin",
        "account_id": 508934021,
        "level": "campaign",
        "channel": "paid_social",
        "timezone": "UTC",
    },
    "extra_columns": {
        "campaign_group": "Campaign Group Name",
        "engagements": {"column": "Total Engagements", "type": "integer"},
        "ctr_percent": "Click Through Rate",
        "objective": {"column": "Campaign Objective", "type": "text"},
    },
}

#: The mapping for a Zapier log of Facebook/Instagram lead-form leads.
ZAPIER: dict[str, Any] = {
    "path": "zapier/facebook_lead_ads_log.csv",
    "stream": "leads",
    "timezone": "Asia/Jerusalem",
    "columns": {
        "lead_id": "Lead ID",
        "created_at": "Created Time",
        "utm_source": "UTM Source",
        "utm_medium": "UTM Medium",
        "utm_campaign": "UTM Campaign",
        "original_source_drill_1": "Form Name",
    },
    "constants": {
        "platform": "zapier",
        "account_id": "fb-page-100200300",
        "original_source": "PAID_SOCIAL",
        "record_source": "zapier",
    },
    "email": "Email",
    "phone": "Phone Number",
    "extra_columns": {"ad_name": "Ad Name"},
}

#: The mapping for an Italian agency's hand-kept spend sheet (Excel CSV, cp1252, `;`).
AGENCY: dict[str, Any] = {
    "path": "agency/spesa_campagne_ottobre_2026.csv",
    "stream": "performance",
    "encoding": "cp1252",
    "locale": "it_IT",
    "date_format": "%d/%m/%Y",
    "timezone": "Europe/Rome",
    "columns": {
        "date": "Data",
        "account_id": "ID account",
        "campaign_name": "Campagna",
        "spend": "Spesa (€)",
        "impressions": "Impressioni",
        "clicks": "Clic",
        "conversions": "Conversioni",
        "conversion_value": "Valore conversioni",
    },
    "constants": {"platform": "google_ads", "currency": "EUR", "channel": "paid_search"},
}


# ------------------------------------------------------------------ the reference
# The row-by-row reading the connector had before issue 20, kept here as the reference
# the column-wise reading is compared with: one row at a time, one cell at a time.


def _convert_row(mapping: Any, cells: Sequence[Any]) -> dict[str, Any] | list[Problem]:
    """One row's cells (in field order) as a record, or its problems."""
    record = dict(mapping.constants)
    extra: dict[str, Any] = {}
    problems: list[Problem] = []
    marked: list[tuple[Any, Money]] = []
    for f, raw in zip(mapping.fields, cells, strict=True):
        rule = CellRule(f.header, f.target, f.convert, f.required, f.redact, mapping.is_null)
        status, value = cell(raw, rule)
        if status == BAD:
            problems.append(value)
            continue
        if status == NULL:
            if f.role != "extra":
                record[f.target] = None
                if f.role == "email" and mapping.keep_raw_email:
                    record["email"] = None
            continue
        if f.role == "extra":
            extra[f.target] = value
        else:
            if f.money and value.__class__ is Money:
                marked.append((f, value))
            record[f.target] = value
            if f.role == "email" and mapping.keep_raw_email:
                record["email"] = (raw if isinstance(raw, str) else str(raw)).strip()
    for f, money in marked:  # once the row's currency is known
        try:
            record[f.target] = check_currency(money, record.get("currency"))
        except CellError as exc:
            problems.append(Problem(f.header, money.text, exc.reason))
    if problems:
        return problems
    if extra:
        record["extra"] = extra
    return record


def _day_of(mapping: Any, record: dict[str, Any]) -> dt.date | bool | None:
    """The day a record is filtered by; ``False`` when its kind is not filtered."""
    if mapping.kind in (RecordKind.PERFORMANCE, RecordKind.TIME_ENTRY):
        day: dt.date = record["date"]
        return day
    if mapping.kind in (RecordKind.CAMPAIGN, RecordKind.WORK_ITEM, RecordKind.MEETING_ITEM):
        return False
    created: dt.datetime | None = record.get("created_at")
    return None if created is None else created.astimezone(mapping.tz).date()


def read_file_row_by_row(
    self: FilesConnector, mapping: Any, path: Path, fmt: Any, request: ReadRequest
) -> Iterator[Any]:
    """``FilesConnector._read_file`` as it was: records as dicts, one row at a time."""
    file = str(path)
    unit = "line" if fmt in ("csv", "tsv") else "row"
    read = kept = filtered = 0
    rejected: list[Notice] = []
    accounts = frozenset(request.accounts)
    start, end = request.start, request.end
    by_date = start is not None or end is not None
    with open_table(path, fmt, mapping.source) as table:
        indices = mapping.bind(table, fmt)
        for raw in table.rows(indices):
            read += 1
            if raw.problem is not None:
                notice = _rejected(file, unit, raw.number, [Problem(None, None, raw.problem)])
                rejected.append(notice)
                yield notice
                continue
            record = _convert_row(mapping, raw.cells)
            if isinstance(record, list):
                notice = _rejected(file, unit, raw.number, record)
                rejected.append(notice)
                yield notice
                continue
            if accounts and record.get("account_id") not in accounts:
                filtered += 1
                continue
            if by_date:
                day = _day_of(mapping, record)
                if day is not False and (
                    day is None
                    or (start is not None and day < start)  # type: ignore[operator]
                    or (end is not None and day > end)  # type: ignore[operator]
                ):
                    filtered += 1
                    continue
            kept += 1
            yield record
    yield from self._close_file(mapping.source, file, unit, read, kept, filtered, rejected)


_COLUMNAR_READ = FilesConnector.read


def _run(read: Callable[[], Any]) -> tuple[list[Any], BaseException | None]:
    items: list[Any] = []
    try:
        for item in read():
            items.append(item)
    except Exception as exc:  # compared between the two readings, then raised again
        return items, exc
    return items, None


def _as_records(items: list[Any]) -> list[Any]:
    """The columnar reading's items as the row-by-row reading yields them (dicts)."""
    out: list[Any] = []
    for item in items:
        if not isinstance(item, pa.Table):
            out.append(item)
            continue
        for row in item.to_pylist():
            extra = {
                name.removeprefix("extra."): row.pop(name)
                for name in [n for n in row if n.startswith("extra.")]
            }
            extra = {name: value for name, value in extra.items() if value is not None}
            if extra:
                row["extra"] = extra
            out.append(row)
    return out


def _at_money_scale(record: dict[str, Any]) -> dict[str, Any]:
    """A record with its exact (decimal) extras rounded to the money scale.

    An Arrow page holds them as ``decimal128(38, 6)``, so the column-wise reading hands
    ``0.1234567`` over as ``0.123457``: what the row-by-row reading's record became
    in the stream's table (and the warehouse) too.
    """
    extra = record.get("extra")
    if not extra or not any(isinstance(v, Decimal) for v in extra.values()):
        return record
    quantum = Decimal(1).scaleb(-MONEY_SCALE)
    wide = Context(prec=80)
    rounded = {
        k: v.quantize(quantum, context=wide) if isinstance(v, Decimal) else v
        for k, v in extra.items()
    }
    return {**record, "extra": rounded}


def _stream_table(kind: Any, items: list[Any]) -> tuple[Any, str | None]:
    try:
        table = RecordStream.from_records(kind, items, name="files/x").to_arrow()
    except Exception as exc:
        return None, f"{type(exc).__name__}: {exc}"
    return table, None


def _same_tables(rows: Any, columnar: Any) -> None:
    assert sorted(rows.column_names) == sorted(columnar.column_names)
    assert rows.num_rows == columnar.num_rows
    for name in rows.column_names:
        left, right = rows.column(name), columnar.column(name)
        assert left.type == right.type, name
        assert left.to_pylist() == right.to_pylist(), name


def compare_readings(connector: FilesConnector, request: ReadRequest) -> Iterator[Any]:
    """Read row by row and column-wise, check both give the same, and yield the first.

    The same records (as dicts, and as the stream's Arrow table), the same notices in
    the same order (rejected rows with their rows, columns, values and reasons, file
    summaries) and the same error, if any.
    """
    with pytest.MonkeyPatch.context() as row_by_row:
        row_by_row.setattr(FilesConnector, "_read_file", read_file_row_by_row)
        rows, rows_error = _run(lambda: _COLUMNAR_READ(connector, request))
    assert not any(isinstance(item, pa.Table) for item in rows)  # the reference ran
    spec = next((s for s in connector.streams if s.name == request.stream), None)
    kind = None if spec is None else spec.kind
    with pytest.MonkeyPatch.context() as small:  # chunks of a few rows: every boundary case
        small.setattr(_readers, "CSV_CHUNK_CHARS", 40)
        small.setattr(_readers, "CHUNK_ROWS", 3)
        small.setattr(_readers, "PARQUET_BATCH_ROWS", 2)
        _compare(kind, rows, rows_error, *_run(lambda: _COLUMNAR_READ(connector, request)))
    _compare(kind, rows, rows_error, *_run(lambda: _COLUMNAR_READ(connector, request)))
    yield from rows
    if rows_error is not None:
        raise rows_error


def _compare(
    kind: Any,
    rows: list[Any],
    rows_error: BaseException | None,
    columnar: list[Any],
    columnar_error: BaseException | None,
) -> None:
    assert type(rows_error) is type(columnar_error), (rows_error, columnar_error)
    if rows_error is not None:
        assert str(rows_error) == str(columnar_error)
        assert vars(rows_error) == vars(columnar_error)
    flat = _as_records(columnar)
    notices = [i for i in rows if isinstance(i, Notice)]
    assert notices == [i for i in flat if isinstance(i, Notice)]
    records = [_at_money_scale(i) for i in rows if not isinstance(i, Notice)]
    assert records == [i for i in flat if not isinstance(i, Notice)]
    if records and rows_error is None:
        left, left_error = _stream_table(kind, rows)
        right, right_error = _stream_table(kind, columnar)
        assert left_error == right_error
        if left is not None:
            _same_tables(left, right)


@pytest.fixture(autouse=True)
def both_readings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every read in these tests reads each file both ways and compares (issue 20)."""
    monkeypatch.setattr(FilesConnector, "read", compare_readings)


def split(items: list[Any]) -> tuple[list[dict[str, Any]], list[Notice]]:
    """Separate records from notices."""
    records = [item for item in items if not isinstance(item, Notice)]
    notices = [item for item in items if isinstance(item, Notice)]
    return records, notices


Reader = Callable[..., tuple[list[dict[str, Any]], list[Notice]]]


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture
def salt() -> str:
    return SALT


def _mapping(name: str, mapping: dict[str, Any]) -> Any:
    """A fixture ``name``: a fresh copy of ``mapping``, which a test may change."""

    def fresh() -> dict[str, Any]:
        return copy.deepcopy(mapping)

    return pytest.fixture(name=name)(fresh)


sheet = _mapping("sheet", SHEET)
linkedin = _mapping("linkedin", LINKEDIN)
zapier = _mapping("zapier", ZAPIER)
agency = _mapping("agency", AGENCY)


@pytest.fixture
def make_connector() -> Callable[..., FilesConnector]:
    """Build a connector over the committed fixtures from file-source mappings."""

    def make(*sources: dict[str, Any], **settings: Any) -> FilesConnector:
        settings.setdefault("base_dir", FIXTURES)
        settings.setdefault("hash_salt", SALT)
        # The committed exports hold broken rows on purpose, and these tests look at how
        # each is reported; test_hostile.py checks that by default they fail the read.
        settings.setdefault("max_rejected_rows", "100%")
        return FilesConnector({**settings, "files": list(sources)})

    return make


@pytest.fixture
def read(make_connector: Callable[..., FilesConnector]) -> Reader:
    """Read one stream of one source: ``read(source, start=..., end=..., accounts=...)``."""

    def run(
        source: dict[str, Any],
        *,
        start: dt.date | None = None,
        end: dt.date | None = None,
        accounts: tuple[str, ...] = (),
        **settings: Any,
    ) -> tuple[list[dict[str, Any]], list[Notice]]:
        connector = make_connector(source, **settings)
        request = ReadRequest(stream=source["stream"], start=start, end=end, accounts=accounts)
        return split(list(connector.read(request)))

    return run
