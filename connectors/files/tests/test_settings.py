"""Settings validation: mistakes in a mapping are caught before any file is read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from partnerkit_files import ExtraColumn, FilesConnector, FileSource, FilesSettings
from pydantic import ValidationError

from partnerkit.errors import ConfigurationError

BASE: dict[str, Any] = {
    "path": "spend.csv",
    "stream": "performance",
    "columns": {"date": "Day", "spend": "Cost"},
    "constants": {"platform": "sheet", "account_id": "a1", "currency": "EUR"},
}


def invalid(**changes: Any) -> str:
    """Build a connector from BASE with changes and return the error message."""
    source = {**BASE, **changes}
    with pytest.raises(ConfigurationError) as info:
        FilesConnector({"files": [source]})
    return str(info.value)


def test_a_valid_source() -> None:
    source = FileSource(**BASE)
    assert source.kind == "performance"
    assert source.format_for("spend.csv") == "csv"
    assert source.timezone_name == "UTC"


def test_unknown_stream_lists_the_offered_ones() -> None:
    message = invalid(stream="lead")
    assert "unknown stream 'lead'; did you mean 'leads'?" in message
    assert "performance, leads, deals, campaigns" in message


def test_unknown_column_names_the_closest() -> None:
    message = invalid(columns={"date": "Day", "spent": "Cost"})
    assert (
        "columns.spent: 'spent' is not a column of performance records; did you mean 'spend'?"
        in message
    )
    assert "did you mean 'channel'" in invalid(constants={**BASE["constants"], "chanel": "x"})


def test_columns_of_another_record_kind_are_unknown() -> None:
    assert "'lead_id' is not a column of performance records" in invalid(
        columns={**BASE["columns"], "lead_id": "Lead"}
    )


def test_missing_required_columns() -> None:
    message = invalid(columns={"spend": "Cost"}, constants={"currency": "EUR"})
    assert "performance records need 'date', 'platform', 'account_id'" in message
    lead = invalid(stream="leads", columns={"lead_id": "ID"}, constants={"platform": "x"})
    assert "lead records need 'account_id', 'created_at'" in lead


def test_money_needs_a_currency() -> None:
    message = invalid(constants={"platform": "sheet", "account_id": "a1"})
    assert "money columns (spend) need a currency" in message


def test_a_column_is_mapped_or_constant_not_both() -> None:
    message = invalid(constants={**BASE["constants"], "date": "2026-10-01"})
    assert "'date' is both mapped in columns and set in constants" in message


def test_constants_are_checked_against_their_column() -> None:
    assert "constants.currency: 'euro' is not an ISO 4217 currency code" in invalid(
        constants={**BASE["constants"], "currency": "euro"}
    )
    assert "unknown time zone 'Europe/Atlantis'" in invalid(
        constants={**BASE["constants"], "timezone": "Europe/Atlantis"}
    )


def test_email_is_hashed_only_for_leads() -> None:
    assert "email: only lead files (stream 'leads') hash emails" in invalid(email="Email")
    leads = {
        **BASE,
        "stream": "leads",
        "columns": {"lead_id": "ID", "created_at": "Created", "email": "Email"},
        "constants": {"platform": "x", "account_id": "a"},
    }
    with pytest.raises(
        ConfigurationError, match=r"columns.email: map the email header with the 'email:' setting"
    ):
        FilesConnector({"files": [leads]})


def test_parsing_settings_are_checked() -> None:
    assert "unknown locale 'xx_YY'" in invalid(locale="xx_YY")
    assert "unknown time zone 'Mars/Olympus'" in invalid(timezone="Mars/Olympus")
    assert "'dd/mm/yyyy' is not a strftime pattern" in invalid(date_format="dd/mm/yyyy")
    assert "unknown encoding 'utf-42'" in invalid(encoding="utf-42")
    assert "the delimiter must be one character" in invalid(delimiter=";;")
    assert "the decimal and thousands separators are both ','" in invalid(
        decimal_separator=",", thousands_separator=","
    )
    assert "the thousands separator '5' is a digit or a sign" in invalid(thousands_separator="5")
    assert "the thousands separator '٣' is a digit or a sign" in invalid(thousands_separator="٣")
    assert "the decimal separator '-' is a digit or a sign" in invalid(decimal_separator="-")
    FilesConnector({"files": [{**BASE, "thousands_separator": ""}]})  # no grouping: fine


def test_format_settings_are_checked() -> None:
    assert "legacy .xls workbooks are not read" in invalid(path="spend.xls")
    assert "cannot tell the format of 'spend.numbers'" in invalid(path="spend.numbers")
    assert "sheet is for Excel files" in invalid(sheet="Sheet1")
    assert "skip_rows does not apply to Parquet files" in invalid(path="x.parquet", skip_rows=2)


def test_unknown_settings_are_refused() -> None:
    message = invalid(colums={"date": "Day"})
    assert "colums" in message
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        FileSource(**{**BASE, "sheeet": "x"})


def test_delimiter_names_and_extra_column_shapes() -> None:
    source = FileSource(
        **{
            **BASE,
            "delimiter": "tab",
            "extra_columns": {"a": "A", "b": {"column": "B", "type": "text"}},
        }
    )
    assert source.delimiter == "\t"
    assert source.extra_specs() == {
        "a": ExtraColumn(column="A"),
        "b": ExtraColumn(column="B", type="text"),
    }


def test_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PARTNERKIT_FILES_BASE_DIR", str(tmp_path))
    monkeypatch.setenv("PARTNERKIT_FILES_FILES", json.dumps([BASE]))
    settings = FilesSettings()
    assert settings.base_dir == tmp_path
    assert settings.files[0].columns == {"date": "Day", "spend": "Cost"}
    assert FilesConnector().settings.files == settings.files


def test_settings_error_names_the_file_and_the_env_prefix() -> None:
    message = invalid(columns={"spent": "Cost"})
    assert message.startswith("Invalid settings for connector 'files': files.0")
    assert "file 'spend.csv' (stream 'performance')" in message
    assert "PARTNERKIT_FILES_" in message
