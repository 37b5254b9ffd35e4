"""Excel workbooks and Parquet files, generated here rather than committed as binaries."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import partnerkit_files._readers as readers
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from partnerkit.errors import ConfigurationError

ROME = ZoneInfo("Europe/Rome")
OCTOBER = {"start": dt.date(2026, 10, 1), "end": dt.date(2026, 10, 31)}


# ---------------------------------------------------------------------------- excel


@pytest.fixture
def pipeline(tmp_path: Path) -> Path:
    """A hand-kept deal pipeline: a title row, a blank row, then the table."""
    book = openpyxl.Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "Notes"
    notes["A1"] = "Kept by the sales team; the Pipeline sheet is the source of truth."
    sheet = book.create_sheet("Pipeline")
    sheet.append(["Pipeline Q4 - export of 1 November 2026"])
    sheet.append([])
    sheet.append(
        [
            "Deal ID",
            "Deal",
            "Created",
            "Close date",
            "Amount",
            "Currency",
            "Stage",
            "Won",
            "Contacts",
            "Owner",
        ]
    )
    sheet.append(
        ["D-1001", "Acme renewal", dt.datetime(2026, 10, 2, 9, 30), dt.date(2026, 11, 15),
         12500.5, "EUR", "Proposal", "no", "L-1; L-2", 42]
    )  # fmt: skip
    sheet.append(
        ["D-1002", "Globex pilot", dt.datetime(2026, 10, 7, 14, 0), dt.datetime(2026, 10, 30),
         8900, "eur", "Closed won", True, "L-3", 42]
    )  # fmt: skip
    sheet.append(
        ["D-1003", "Initech expansion", dt.datetime(2026, 10, 9, 10, 0), None,
         "tbd", "EUR", "Discovery", None, None, 7]
    )  # fmt: skip
    sheet.append([])
    sheet.append(
        ["D-1004", "Umbrella upsell", dt.datetime(2026, 9, 28, 11, 0), None,
         0.1, "EUR", "Qualified", "-", "L-9", 7]
    )  # fmt: skip
    sheet.append(["D-1005", "Hooli trial", None, None, 1200, "EUR", "Lead", "n", "", 7])
    path = tmp_path / "pipeline.xlsx"
    book.save(path)
    return path


@pytest.fixture
def deals(pipeline: Path) -> dict[str, Any]:
    return {
        "path": pipeline.name,
        "stream": "deals",
        "sheet": "Pipeline",
        "skip_rows": 2,
        "timezone": "Europe/Rome",
        "columns": {
            "deal_id": "Deal ID",
            "name": "Deal",
            "created_at": "Created",
            "close_date": "Close date",
            "amount": "Amount",
            "currency": "Currency",
            "stage_label": "Stage",
            "is_closed_won": "Won",
            "contact_ids": "Contacts",
            "owner_id": "Owner",
        },
        "constants": {"platform": "spreadsheet", "account_id": "pipeline-2026"},
    }


def test_excel_values(read: Any, deals: dict[str, Any], pipeline: Path) -> None:
    records, notices = read(deals, base_dir=pipeline.parent)

    assert [r["deal_id"] for r in records] == ["D-1001", "D-1002", "D-1004", "D-1005"]
    acme = records[0]
    assert acme["created_at"] == dt.datetime(2026, 10, 2, 9, 30, tzinfo=ROME)
    assert acme["close_date"] == dt.datetime(2026, 11, 15, tzinfo=ROME)
    assert acme["amount"] == Decimal("12500.5")
    assert acme["contact_ids"] == ["L-1", "L-2"]
    assert acme["is_closed_won"] is False
    assert acme["owner_id"] == "42"  # a number in the sheet, an id in the record
    globex = records[1]
    assert globex["amount"] == Decimal("8900")
    assert globex["currency"] == "EUR"
    assert globex["is_closed_won"] is True
    umbrella = records[2]
    assert umbrella["amount"] == Decimal(
        "0.1"
    )  # the float's shortest repr, not 0.1000000000000000055…
    assert umbrella["is_closed_won"] is None  # "-"
    assert records[3]["created_at"] is None
    assert records[3]["contact_ids"] is None

    (rejected,) = [n for n in notices if n.code == "rejected_row"]
    assert rejected.details == {
        "file": str(pipeline),
        "row": 6,  # the spreadsheet row: title, blank, header, then D-1001 in row 4
        "column": "Amount",
        "value": "tbd",
        "reason": "'tbd' is not a number (decimal separator '.', thousands separator ',')",
    }
    assert notices[-1].details == {
        "file": str(pipeline),
        "rows_read": 5,  # the empty row 7 is not a row
        "rows_kept": 4,
        "rows_rejected": 1,
        "rows_filtered": 0,
    }


def test_deals_filter_by_creation_day(read: Any, deals: dict[str, Any], pipeline: Path) -> None:
    records, notices = read(deals, base_dir=pipeline.parent, **OCTOBER)
    # D-1004 was created in September; D-1005 has no creation date to place it.
    assert [r["deal_id"] for r in records] == ["D-1001", "D-1002"]
    assert notices[-1].details["rows_filtered"] == 2


def test_unknown_sheet(read: Any, deals: dict[str, Any], pipeline: Path) -> None:
    with pytest.raises(ConfigurationError, match=r"no sheet 'Pipline' \(sheets: Notes, Pipeline\)"):
        read({**deals, "sheet": "Pipline"}, base_dir=pipeline.parent)


def test_first_sheet_by_default(read: Any, deals: dict[str, Any], pipeline: Path) -> None:
    del deals["sheet"]
    with pytest.raises(ConfigurationError, match="sheet 'Notes' has no header in row 3"):
        read(deals, base_dir=pipeline.parent)


# -------------------------------------------------------------------------- parquet


@pytest.fixture
def spend_parquet(tmp_path: Path) -> Path:
    table = pa.table(
        {
            "day": pa.array([dt.date(2026, 10, d) for d in (1, 1, 2, 2, 3)], pa.date32()),
            "customer_id": [
                "111-222-3333",
                "444-555-6666",
                "111-222-3333",
                "444-555-6666",
                "111-222-3333",
            ],
            "campaign_id": pa.array([1001, 2002, 1001, 2002, 1001], pa.int64()),
            "cost": pa.array(
                [
                    Decimal("10.10"),
                    Decimal("20.20"),
                    Decimal("30.30"),
                    Decimal("40.40"),
                    Decimal("50.55"),
                ],
                pa.decimal128(12, 2),
            ),
            "impressions": pa.array([100, 200, None, 400, 500], pa.int64()),
            "conversions": pa.array([1.5, math.nan, 0.0, None, 2.0], pa.float64()),
            "ctr": pa.array([0.012, 0.02, 0.0, 0.011, 0.013], pa.float64()),
        }
    )
    path = tmp_path / "google_ads_spend.parquet"
    pq.write_table(table, path)
    return path


@pytest.fixture
def parquet_source(spend_parquet: Path) -> dict[str, Any]:
    return {
        "path": spend_parquet.name,
        "stream": "performance",
        "columns": {
            "date": "day",
            "account_id": "customer_id",
            "campaign_id": "campaign_id",
            "spend": "cost",
            "impressions": "impressions",
            "conversions": "conversions",
        },
        "constants": {"platform": "google_ads", "currency": "USD", "level": "campaign"},
        "extra_columns": {"ctr": "ctr"},
    }


def test_parquet_values_across_batches(
    read: Any, parquet_source: dict[str, Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(readers, "PARQUET_BATCH_ROWS", 2)
    records, notices = read(parquet_source, base_dir=tmp_path)

    assert len(records) == 5
    assert sum(r["spend"] for r in records) == Decimal("151.55")
    assert [r["campaign_id"] for r in records[:2]] == ["1001", "2002"]
    assert records[2]["impressions"] is None
    assert records[1]["conversions"] is None  # NaN is missing, not a number
    assert records[3]["conversions"] is None
    assert records[2]["conversions"] == 0.0
    assert records[0]["extra"] == {"ctr": 0.012}
    assert notices[-1].details["rows_read"] == 5


def test_parquet_filters(read: Any, parquet_source: dict[str, Any], tmp_path: Path) -> None:
    records, notices = read(
        parquet_source, start=dt.date(2026, 10, 2), accounts=("111-222-3333",), base_dir=tmp_path
    )
    assert sum(r["spend"] for r in records) == Decimal("80.85")
    assert notices[-1].details["rows_filtered"] == 3


def test_parquet_missing_column(read: Any, parquet_source: dict[str, Any], tmp_path: Path) -> None:
    parquet_source["columns"]["clicks"] = "clicks"
    with pytest.raises(ConfigurationError, match=r"Unknown field 'clicks'.*'impressions'"):
        read(parquet_source, base_dir=tmp_path)


def test_parquet_campaigns_are_not_date_filtered(read: Any, tmp_path: Path) -> None:
    pq.write_table(
        pa.table(
            {
                "id": ["c-1", "c-2"],
                "name": ["Brand", "Generic"],
                "start": pa.array([dt.date(2026, 1, 1), dt.date(2026, 10, 1)], pa.date32()),
                "budget": [25.5, None],
                "created": pa.array(
                    [dt.datetime(2025, 12, 20, 8, 0), dt.datetime(2026, 9, 30, 8, 0)],
                    pa.timestamp("us", tz="UTC"),
                ),
            }
        ),
        tmp_path / "campaigns.parquet",
    )
    source = {
        "path": "campaigns.parquet",
        "stream": "campaigns",
        "columns": {
            "object_id": "id",
            "name": "name",
            "start_date": "start",
            "daily_budget": "budget",
            "created_at": "created",
        },
        "constants": {
            "platform": "google_ads",
            "account_id": "a",
            "level": "campaign",
            "currency": "EUR",
        },
    }
    records, _ = read(source, base_dir=tmp_path, **OCTOBER)

    assert [r["object_id"] for r in records] == ["c-1", "c-2"]
    assert records[0]["daily_budget"] == Decimal("25.5")
    assert records[0]["start_date"] == dt.date(2026, 1, 1)
    assert records[0]["created_at"] == dt.datetime(2025, 12, 20, 8, 0, tzinfo=dt.UTC)
    assert records[1]["daily_budget"] is None


def test_a_corrupt_file_is_a_configuration_error(read: Any, tmp_path: Path) -> None:
    (tmp_path / "broken.parquet").write_bytes(b"not parquet at all")
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")
    source = {
        "path": "broken.parquet",
        "stream": "performance",
        "columns": {"date": "d"},
        "constants": {"platform": "p", "account_id": "a"},
    }
    with pytest.raises(ConfigurationError, match="is not a readable Parquet file"):
        read(source, base_dir=tmp_path)
    with pytest.raises(ConfigurationError, match=r"is not a readable \.xlsx workbook"):
        read({**source, "path": "broken.xlsx"}, base_dir=tmp_path)
