"""Hostile files: every case the audit of issue 24 found wrong, as a named regression test.

A wrong file is said to be wrong: each bad row is rejected with its reason, line and
column, and a file with rejected rows fails its read (and so the sync) unless the
connection allows some with ``max_rejected_rows``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
from partnerkit_files import FilesConnector

from partnerkit.connector import Notice, ReadRequest
from partnerkit.errors import DataError
from partnerkit.model import Workspace
from partnerkit.store import sync

HEADER = "day,campaign,spend,impressions,clicks\n"
GOOD = "2026-10-01,Brand,12.50,1000,10\n"


def write(folder: Path, text: str, name: str = "spend.csv") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


ReadAll = Callable[..., tuple[list[dict[str, Any]], list[Notice]]]


@pytest.fixture
def read_all(sheet: dict[str, Any]) -> ReadAll:
    """``read_all(folder, text, source=sheet)``: ``text`` as spend.csv, every rejected row kept."""

    def run(
        folder: Path, text: str, *, source: dict[str, Any] | None = None, **settings: Any
    ) -> tuple[list[dict[str, Any]], list[Notice]]:
        write(folder, text)
        settings.setdefault("max_rejected_rows", "100%")
        connector = FilesConnector({"base_dir": folder, "files": [source or sheet], **settings})
        items = list(connector.read(ReadRequest(stream="performance")))
        records = [i for i in items if isinstance(i, dict)]
        return records, [i for i in items if isinstance(i, Notice)]

    return run


def rejections(notices: list[Notice]) -> list[tuple[int, str | None, str]]:
    return [
        (n.details["row"], n.details["column"], n.details["reason"])
        for n in notices
        if n.code == "rejected_row"
    ]


def summary(notices: list[Notice]) -> dict[str, Any]:
    (last,) = [n for n in notices if n.code == "file_summary"]
    return {k: v for k, v in last.details.items() if k.startswith("rows_")}


# --------------------------------------------------------------------------- money


def test_spend_with_another_currency_code_is_rejected(tmp_path: Path, read_all: ReadAll) -> None:
    records, notices = read_all(tmp_path, HEADER + GOOD + "2026-10-02,Brand,USD 12.50,900,9\n")

    assert [r["spend"] for r in records] == [Decimal("12.50")]
    assert rejections(notices) == [
        (
            3,
            "spend",
            "'USD 12.50' is marked 'USD', but the row's currency is ILS: an amount in "
            "another currency is never taken as ILS",
        )
    ]


def test_spend_with_a_dollar_sign_in_a_shekel_file_is_rejected(
    tmp_path: Path, read_all: ReadAll
) -> None:
    _, notices = read_all(tmp_path, HEADER + "2026-10-02,Brand,$12.50,900,9\n")

    ((row, column, reason),) = rejections(notices)
    assert (row, column) == (2, "spend")
    assert reason.startswith("'$12.50' is marked '$', but the row's currency is ILS")


@pytest.mark.parametrize("cell", ["₪12.50", "12.50 ₪", "ILS 12.50", "12.50 ILS", "NIS 12.50"])
def test_the_files_own_currency_sign_and_code_are_read(
    tmp_path: Path, cell: str, read_all: ReadAll
) -> None:
    records, notices = read_all(tmp_path, HEADER + f"2026-10-02,Brand,{cell},900,9\n")

    assert rejections(notices) == []
    assert records[0]["spend"] == Decimal("12.50")


def test_a_currency_column_is_checked_row_by_row(
    tmp_path: Path, read_all: ReadAll, sheet: dict[str, Any]
) -> None:
    source = {
        **sheet,
        "columns": {**sheet["columns"], "currency": "cur"},
        "constants": {"platform": "sheet", "account_id": "a1"},
    }
    text = (
        "day,campaign,spend,impressions,clicks,cur\n"
        "2026-10-01,Brand,$5.00,10,1,USD\n"
        "2026-10-01,Brand,€5.00,10,1,EUR\n"
        "2026-10-01,Brand,$5.00,10,1,EUR\n"
    )
    records, notices = read_all(tmp_path, text, source=source)

    assert [(r["spend"], r["currency"]) for r in records] == [
        (Decimal("5.00"), "USD"),
        (Decimal("5.00"), "EUR"),
    ]
    assert [(row, column) for row, column, _ in rejections(notices)] == [(4, "spend")]


def test_money_with_seven_decimals_is_rejected_not_rounded(
    tmp_path: Path, read_all: ReadAll
) -> None:
    text = HEADER + "2026-10-01,Brand,12.1234567,1,1\n2026-10-02,Brand,12.1234560,1,1\n"
    records, notices = read_all(tmp_path, text)

    assert [r["spend"] for r in records] == [Decimal("12.123456")]  # trailing zeros lose nothing
    assert rejections(notices) == [
        (
            2,
            "spend",
            "'12.1234567' has 7 decimal places; amounts are kept with at most 6, and "
            "this one would be rounded",
        )
    ]


def test_a_forty_digit_amount_is_rejected(tmp_path: Path, read_all: ReadAll) -> None:
    amount = "1" * 40
    records, notices = read_all(tmp_path, HEADER + f"2026-10-01,Brand,{amount},1,1\n" + GOOD)

    assert len(records) == 1
    ((row, column, reason),) = rejections(notices)
    assert (row, column) == (2, "spend")
    assert (
        reason
        == f"{amount!r} is too large: amounts are kept with at most 32 digits before the point"
    )


def test_a_float_from_a_spreadsheet_keeps_its_shown_digits() -> None:
    from partnerkit_files._parse import money_from_float

    assert money_from_float(0.1 + 0.2) == Decimal("0.3")
    assert money_from_float(1187.42) == Decimal("1187.42")


# -------------------------------------------------------------------------- counts


def test_negative_impressions_are_rejected(tmp_path: Path, read_all: ReadAll) -> None:
    records, notices = read_all(tmp_path, HEADER + "2026-10-01,Brand,1,-2,0\n" + GOOD)

    assert len(records) == 1
    assert rejections(notices) == [
        (2, "impressions", "'-2' is negative; 'impressions' counts, so it cannot be below 0")
    ]


def test_an_impressions_overflow_is_rejected(tmp_path: Path, read_all: ReadAll) -> None:
    biggest = 2**63 - 1
    text = HEADER + f"2026-10-01,Brand,1,{biggest + 1},0\n2026-10-02,Brand,1,{biggest},0\n"
    records, notices = read_all(tmp_path, text)

    assert [r["impressions"] for r in records] == [biggest]
    assert rejections(notices) == [
        (2, "impressions", f"'{biggest + 1}' is too large for a 64-bit integer (at most {biggest})")
    ]


def test_a_huge_exponent_is_rejected_without_building_the_number(
    tmp_path: Path, read_all: ReadAll
) -> None:
    _, notices = read_all(tmp_path, HEADER + "2026-10-01,Brand,1,1e999999999,0\n")

    assert [row for row, _, _ in rejections(notices)] == [2]


# ------------------------------------------------------------------- text and dates


def test_a_nul_byte_is_rejected(tmp_path: Path, read_all: ReadAll) -> None:
    records, notices = read_all(tmp_path, HEADER + "2026-10-01,Br\x00and,1,1,1\n" + GOOD)

    assert len(records) == 1
    assert rejections(notices) == [
        (
            2,
            "campaign",
            "the cell holds the control character U+0000; text exports never do (a binary "
            "file, or the wrong encoding?)",
        )
    ]


def test_a_cell_of_only_a_control_character_is_rejected_not_null(
    tmp_path: Path, read_all: ReadAll
) -> None:
    # Python's str.strip() takes U+001F for white space: the cell must not pass as empty.
    records, notices = read_all(tmp_path, HEADER + "2026-10-01,\x1f,1,1,1\n" + GOOD)

    assert len(records) == 1
    assert [(row, column) for row, column, _ in rejections(notices)] == [(2, "campaign")]


def test_a_timestamp_in_a_date_column_is_rejected_not_shifted(
    tmp_path: Path, read_all: ReadAll
) -> None:
    text = HEADER + "2026-10-01T23:30:00-05:00,Brand,1,1,1\n" + GOOD
    records, notices = read_all(tmp_path, text)

    assert [r["date"] for r in records] == [dt.date(2026, 10, 1)]
    assert rejections(notices) == [
        (
            2,
            "day",
            "'2026-10-01T23:30:00-05:00' is a timestamp, not a date: its day depends on the "
            "time zone, so a date column takes a day such as 2026-10-31",
        )
    ]


def test_arabic_indic_digits_are_read(tmp_path: Path, read_all: ReadAll) -> None:
    text = HEADER + "٢٠٢٦-١٠-٠١,Brand,١٢.٥٠,١٢٣٤,۹\n"
    records, notices = read_all(tmp_path, text)

    assert rejections(notices) == []
    assert [(r["date"], r["spend"], r["impressions"], r["clicks"]) for r in records] == [
        (dt.date(2026, 10, 1), Decimal("12.50"), 1234, 9)
    ]


# ---------------------------------------------------------------------- CSV framing


def test_an_unterminated_quote_does_not_swallow_the_rows_after_it(
    tmp_path: Path, read_all: ReadAll
) -> None:
    rows = [GOOD, '2026-10-01,"Brand,1,1,1\n'] + [
        f"2026-10-02,Brand,{i},1,1\n" for i in range(1000)
    ]
    records, notices = read_all(tmp_path, HEADER + "".join(rows))

    assert summary(notices) == {
        "rows_read": 1002,
        "rows_kept": 1001,
        "rows_rejected": 1,
        "rows_filtered": 0,
    }
    assert rejections(notices) == [
        (
            3,
            None,
            "a quote opened in this line is never closed: the rest of the file would be one "
            "cell (the line is skipped; reading goes on at the next line)",
        )
    ]
    assert records[-1]["spend"] == Decimal(999)


def test_a_stray_quote_closed_lines_later_does_not_swallow_rows(
    tmp_path: Path, read_all: ReadAll
) -> None:
    text = HEADER + '2026-10-01,"Brand,1,1,1\n' + GOOD + '2026-10-01,Brand",1,1,1\n' + GOOD
    records, notices = read_all(tmp_path, text)

    assert summary(notices)["rows_read"] == 4
    assert [row for row, _, _ in rejections(notices)] == [2]
    # A quote inside an unquoted cell is text, as spreadsheets read it.
    assert [r["campaign_name"] for r in records] == ["Brand", 'Brand"', "Brand"]


def test_a_field_over_the_size_limit_rejects_its_row_with_a_reason(
    tmp_path: Path, read_all: ReadAll, sheet: dict[str, Any]
) -> None:
    source = {**sheet, "extra_columns": {"note": "note"}}
    big = "x" * 200_000
    text = (
        "day,campaign,spend,impressions,clicks,note\n"
        f'2026-10-01,Brand,1,1,1,"{big}"\n'
        "2026-10-02,Brand,2,2,2,ok\n"
    )
    records, notices = read_all(tmp_path, text, source=source)

    assert [r["spend"] for r in records] == [Decimal(2)]
    assert rejections(notices) == [
        (
            2,
            None,
            "a cell is longer than 131,072 characters, the most a CSV cell may hold "
            "(a quote left open?)",
        )
    ]


# ----------------------------------------------------------------------- tolerance


def test_rejected_rows_fail_the_read_after_every_one_is_reported(
    tmp_path: Path, sheet: dict[str, Any]
) -> None:
    write(tmp_path, HEADER + "2026-10-01,Brand,$1,1,1\n" + GOOD + "2026-10-03,Brand,1,-1,1\n")
    connector = FilesConnector({"base_dir": tmp_path, "files": [sheet]})
    stream = connector.stream(stream="performance")

    with pytest.raises(DataError) as caught:
        stream.to_arrow()

    assert [n.details["row"] for n in stream.notices if n.code == "rejected_row"] == [2, 4]
    error = caught.value
    assert (error.source, error.row, error.column) == (str(tmp_path / "spend.csv"), 2, "spend")
    assert "2 of 3 data rows were rejected" in error.message
    assert "max_rejected_rows is 0" in error.message
    assert "  - line 4: column 'impressions': '-1' is negative" in error.message


def test_a_tolerance_in_rows_lets_the_read_finish(tmp_path: Path, sheet: dict[str, Any]) -> None:
    write(tmp_path, HEADER + "2026-10-01,Brand,$1,1,1\n" + GOOD)
    connector = FilesConnector({"base_dir": tmp_path, "files": [sheet], "max_rejected_rows": 1})

    table = connector.stream(stream="performance").to_arrow()

    assert table.num_rows == 1


def test_a_tolerance_in_percent_counts_the_file_rows(tmp_path: Path, sheet: dict[str, Any]) -> None:
    bad = "2026-10-01,Brand,$1,1,1\n"
    write(tmp_path, HEADER + bad * 2 + GOOD * 18)  # 2 of 20 rows: 10%
    for limit, ok in (("10%", True), ("9.9%", False)):
        connector = FilesConnector(
            {"base_dir": tmp_path, "files": [sheet], "max_rejected_rows": limit}
        )
        if ok:
            assert connector.stream(stream="performance").to_arrow().num_rows == 18
        else:
            with pytest.raises(DataError, match=r"max_rejected_rows is '9\.9%'"):
                connector.stream(stream="performance").to_arrow()


def test_a_file_can_set_its_own_tolerance(tmp_path: Path, sheet: dict[str, Any]) -> None:
    write(tmp_path, HEADER + "2026-10-01,Brand,$1,1,1\n" + GOOD)
    source = {**sheet, "max_rejected_rows": 1}
    connector = FilesConnector({"base_dir": tmp_path, "files": [source]})

    assert connector.stream(stream="performance").to_arrow().num_rows == 1


@pytest.mark.parametrize("limit", [-1, 0.1, "ten", "101%"])
def test_a_tolerance_must_be_a_count_or_a_percentage(
    tmp_path: Path, limit: Any, sheet: dict[str, Any]
) -> None:
    from partnerkit.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match="max_rejected_rows"):
        FilesConnector({"base_dir": tmp_path, "files": [sheet], "max_rejected_rows": limit})


def _workspace(root: Path, sheet: dict[str, Any], **settings: Any) -> Workspace:
    data = {
        "name": "Hostile files",
        "currency": "ILS",
        "timezone": "Asia/Jerusalem",
        "connections": [
            {"name": "sheet", "connector": "files", "settings": {"files": [sheet], **settings}}
        ],
    }
    return Workspace.model_validate(data, context={"root": root})


def _rows(warehouse: Path) -> int:
    con = duckdb.connect(str(warehouse))
    try:
        listed = con.execute("select table_name from information_schema.tables").fetchall()
        tables = {t for (t,) in listed}
        if "performance" not in tables:
            return 0
        (count,) = con.execute("select count(*) from performance").fetchone() or (0,)
        return int(count)
    finally:
        con.close()


def test_a_sync_does_not_commit_a_file_with_rejected_rows(
    tmp_path: Path, sheet: dict[str, Any]
) -> None:
    write(tmp_path, HEADER + GOOD + "2026-10-02,Brand,USD 3,1,1\n")
    warehouse = tmp_path / "w.duckdb"

    result = sync(_workspace(tmp_path, sheet), warehouse, as_of=dt.date(2026, 10, 31))

    (unit,) = result.results
    assert not unit.ok
    assert isinstance(unit.error, DataError)
    assert [n.details["row"] for n in unit.notices if n.code == "rejected_row"] == [3]
    assert unit.cursor_after is None
    assert _rows(warehouse) == 0

    tolerant = sync(
        _workspace(tmp_path, sheet, max_rejected_rows=1), warehouse, as_of=dt.date(2026, 10, 31)
    )

    assert tolerant.ok
    assert _rows(warehouse) == 1


# ------------------------------------------------------------- native cell values


def test_native_excel_values_follow_the_same_rules(
    tmp_path: Path, read_all: ReadAll, sheet: dict[str, Any]
) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    page = book.active
    assert page is not None
    page.append(["day", "campaign", "spend", "impressions", "clicks"])
    page.append([dt.datetime(2026, 10, 1), "Brand", 0.1 + 0.2, 10, 1])  # a date, 0.3
    page.append([dt.datetime(2026, 10, 1, 18, 0), "Brand", 1.5, 10, 1])  # a time of day
    page.append([dt.date(2026, 10, 2), "Brand", 12.1234567, 10, 1])  # 7 decimals
    page.append([dt.date(2026, 10, 2), "Brand", 1.5, -10, 1])  # negative count
    book.save(tmp_path / "spend.xlsx")

    records, notices = read_all(tmp_path, "", source={**sheet, "path": "spend.xlsx"})

    assert [(r["date"], r["spend"]) for r in records] == [(dt.date(2026, 10, 1), Decimal("0.3"))]
    assert [(row, column) for row, column, _ in rejections(notices)] == [
        (3, "day"),
        (4, "spend"),
        (5, "impressions"),
    ]


def test_a_parquet_decimal_with_more_than_six_places_is_rejected(
    tmp_path: Path, read_all: ReadAll, sheet: dict[str, Any]
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "day": pa.array([dt.date(2026, 10, 1)] * 2, pa.date32()),
            "campaign": ["Brand", "Brand"],
            "spend": pa.array([Decimal("1.12345600"), Decimal("1.12345678")], pa.decimal128(18, 8)),
            "impressions": pa.array([1, 2**40], pa.int64()),
            "clicks": pa.array([1, 1], pa.int64()),
        }
    )
    pq.write_table(table, tmp_path / "spend.parquet")

    records, notices = read_all(tmp_path, "", source={**sheet, "path": "spend.parquet"})

    assert [r["spend"] for r in records] == [Decimal("1.123456")]
    assert rejections(notices) == [
        (
            2,
            "spend",
            "Decimal('1.12345678') has 8 decimal places; amounts are kept with at most 6, and "
            "this one would be rounded",
        )
    ]
