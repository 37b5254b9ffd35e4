"""The activity, form_submission and company kinds (#23) in the warehouse and the Dataset."""

import datetime as dt
from pathlib import Path
from typing import Any

from partnerkit.analysis import Dataset
from partnerkit.records import RecordKind, key_columns
from partnerkit.store import Warehouse
from partnerkit.store.export import export_parquet
from partnerkit.stream import RecordStream

UTC = dt.UTC


def call(activity_id: str, status: str, updated: int) -> dict[str, Any]:
    return {
        "platform": "hubspot",
        "account_id": "24681357",
        "activity_type": "call",
        "activity_id": activity_id,
        "occurred_at": dt.datetime(2026, 10, 5, 6, 5, tzinfo=UTC),
        "updated_at": dt.datetime(2026, 10, 5, updated, 0, tzinfo=UTC),
        "direction": "outbound",
        "status": status,
        "lead_ids": ["1101"],
    }


def test_keys() -> None:
    assert key_columns(RecordKind.ACTIVITY) == (
        "platform",
        "account_id",
        "activity_type",
        "activity_id",
    )
    assert key_columns(RecordKind.FORM_SUBMISSION) == (
        "platform",
        "account_id",
        "form_id",
        "submission_id",
    )
    assert key_columns(RecordKind.COMPANY) == ("platform", "account_id", "company_id")


def test_a_reread_activity_replaces_its_row_and_the_dataset_reads_every_kind(
    tmp_path: Path,
) -> None:
    path = tmp_path / "w.duckdb"
    submission = {
        "platform": "hubspot",
        "account_id": "24681357",
        "form_id": "f-1",
        "submission_id": "c-1",
        "submitted_at": dt.datetime(2026, 10, 6, 10, 0, tzinfo=UTC),
        "email_hash": "ab" * 32,
    }
    company = {
        "platform": "hubspot",
        "account_id": "24681357",
        "company_id": "4001",
        "name": "Shemesh Roofing Ltd",
        "lead_ids": ["1101", "1102"],
        "deal_ids": ["9102"],
    }
    with Warehouse(path) as wh:
        wh.load(RecordStream.from_records("activity", [call("5001", "NO_ANSWER", 7)]))
        wh.load(RecordStream.from_records("activity", [call("5001", "COMPLETED", 8)]))
        wh.load(RecordStream.from_records("form_submission", [submission]))
        wh.load(RecordStream.from_records("company", [company]))
        assert set(wh.tables()) == {
            RecordKind.ACTIVITY,
            RecordKind.FORM_SUBMISSION,
            RecordKind.COMPANY,
        }
    result = export_parquet(path, tmp_path / "out")
    assert result.rows == {
        RecordKind.ACTIVITY: 1,
        RecordKind.FORM_SUBMISSION: 1,
        RecordKind.COMPANY: 1,
    }
    folders = {f.parent.relative_to(tmp_path / "out").as_posix() for f in result.files}
    assert folders == {  # by the UTC day it happened; companies in one folder
        "activity/occurred_date=2026-10-05",
        "form_submission/submitted_date=2026-10-06",
        "company",
    }
    data = Dataset.from_duckdb(path)
    try:
        (row,) = data.sql("SELECT activity_id, status, lead_ids FROM activity").to_pylist()
        assert row == {"activity_id": "5001", "status": "COMPLETED", "lead_ids": ["1101"]}
        assert data.row_count("form_submission") == 1
        assert data.sql("SELECT deal_ids FROM company").to_pylist() == [{"deal_ids": ["9102"]}]
        assert data.row_count("lead") == 0  # absent kinds are empty views
    finally:
        data.close()
