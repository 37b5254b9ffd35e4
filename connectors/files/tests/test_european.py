"""An Italian agency's hand-kept spend sheet, saved by Excel as "CSV (separatore: ;)".

cp1252-encoded (the euro sign in a header is byte 0x80), semicolon-delimited, with
Italian numbers ("1.234,56", "18.904"), day-first dates ("31/10/2026") and the
mistakes a person makes: an impossible date (31/09) and "n.d." (non disponibile)
typed into a number column.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from partnerkit.errors import ConfigurationError

OCTOBER = {"start": dt.date(2026, 10, 1), "end": dt.date(2026, 10, 31)}
ACCOUNT_A = "123-456-7890"


@pytest.fixture
def sheet(fixtures_dir: Path) -> str:
    return str(fixtures_dir / "agency" / "spesa_campagne_ottobre_2026.csv")


def test_italian_numbers_and_dates(read: Any, agency: dict[str, Any]) -> None:
    records, _ = read(agency)

    generico = records[1]
    assert generico["date"] == dt.date(2026, 10, 29)
    assert generico["account_id"] == ACCOUNT_A
    assert generico["campaign_name"] == "Search – Generico"  # en dash, from cp1252
    assert generico["spend"] == Decimal("1234.56")  # "1.234,56"
    assert generico["impressions"] == 18904  # "18.904"
    assert generico["conversions"] == 21.5  # "21,5"
    assert generico["conversion_value"] == Decimal("3655.25")  # "3.655,25"
    assert generico["currency"] == "EUR"
    assert generico["timezone"] == "Europe/Rome"  # from the file's timezone setting
    assert records[2]["clicks"] == 1204  # "1.204"
    # 412,30 + 1.234,56 + 2.018,40 + 398,75 + 1.187,02 + 1.954,33 + 2.102,87 + 420,00
    assert sum(r["spend"] for r in records) == Decimal("9728.23")


def test_dash_and_empty_cells_are_null(read: Any, agency: dict[str, Any]) -> None:
    records, _ = read(agency)
    brand_30 = records[3]
    assert brand_30["date"] == dt.date(2026, 10, 30)
    assert brand_30["conversions"] is None  # "-"
    assert brand_30["conversion_value"] is None  # empty


def test_broken_rows_are_reported_exactly_and_the_rest_kept(
    read: Any, agency: dict[str, Any], sheet: str
) -> None:
    records, notices = read(agency)

    rejected = [n for n in notices if n.code == "rejected_row"]
    assert [n.details for n in rejected] == [
        {
            "file": sheet,
            "row": 8,
            "column": "Data",
            "value": "31/09/2026",
            "reason": "'31/09/2026' is not a date in the format '%d/%m/%Y' "
            "(day is out of range for month)",
        },
        {
            "file": sheet,
            "row": 9,
            "column": "Conversioni",
            "value": "n.d.",
            "reason": "'n.d.' is not a number (decimal separator ',', thousands separator '.')",
        },
    ]
    assert all(n.level == "error" for n in rejected)
    assert f"{sheet}, line 8: column 'Data':" in rejected[0].message
    assert len(records) == 8
    assert dt.date(2026, 9, 30) not in {r["date"] for r in records}

    summary = notices[-1]
    assert summary.code == "file_summary"
    assert summary.level == "warning"
    assert summary.details == {
        "file": sheet,
        "rows_read": 10,
        "rows_kept": 8,
        "rows_rejected": 2,
        "rows_filtered": 0,
    }


def test_account_and_date_filters(read: Any, agency: dict[str, Any]) -> None:
    records, notices = read(agency, accounts=(ACCOUNT_A,), **OCTOBER)

    assert {r["account_id"] for r in records} == {ACCOUNT_A}
    assert max(r["date"] for r in records) == dt.date(2026, 10, 30)
    # 412,30 + 1.234,56 + 398,75 + 1.187,02
    assert sum(r["spend"] for r in records) == Decimal("3232.63")
    assert notices[-1].details == {
        "file": notices[-1].details["file"],
        "rows_read": 10,
        "rows_kept": 4,
        "rows_rejected": 2,
        "rows_filtered": 4,  # three of the other account, one in November
    }


def test_extra_null_values(read: Any, agency: dict[str, Any]) -> None:
    agency["null_values"] = ["", "-", "n.d."]
    records, notices = read(agency)

    assert len(records) == 9
    assert records[6]["date"] == dt.date(2026, 10, 31)
    assert records[6]["conversions"] is None
    assert [n.details["row"] for n in notices if n.code == "rejected_row"] == [8]


def test_explicit_separators_instead_of_a_locale(read: Any, agency: dict[str, Any]) -> None:
    expected, _ = read(agency)
    del agency["locale"]
    agency["decimal_separator"] = ","
    assert read(agency)[0] == expected


def test_the_wrong_locale_rejects_instead_of_misreading(read: Any, agency: dict[str, Any]) -> None:
    agency["locale"] = "en_US"
    records, notices = read(agency)

    # "412,30" is not 41230 in en_US: every row with a decimal comma is rejected.
    assert records == []
    first = next(n for n in notices if n.code == "rejected_row")
    assert first.details["row"] == 2
    assert first.details["column"] == "Spesa (€)"
    assert "not a number (decimal separator '.', thousands separator ',')" in first.message


def test_the_wrong_encoding_is_a_configuration_error(read: Any, agency: dict[str, Any]) -> None:
    del agency["encoding"]
    with pytest.raises(ConfigurationError, match=r"cannot be decoded as utf-8-sig.*'cp1252'"):
        read(agency)
