"""The column-wise reading gives what the row-by-row reading gives (issue 20).

Every read in this folder's tests goes through ``compare_readings`` (conftest): each
file is read row by row and column-wise (in chunks of the default size and of a few
rows) and the records, notices and errors must be the same. The files here hold the
cases where the two could part: rows the CSV parser alone would refuse, line ends,
quotes after the first chunk, text that is not ASCII, cells with control characters,
amounts with currency marks, the first value of an ``auto`` extra column in a later
chunk, a raw email kept, Parquet nulls.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from partnerkit_files import FilesConnector

from partnerkit.connector import Notice, ReadRequest
from partnerkit.errors import ConfigurationError

HEADER = "day,campaign,spend,impressions,clicks"

Reader = Callable[..., tuple[list[dict[str, Any]], list[Notice]]]


def rejected(notices: list[Notice]) -> list[tuple[int, str | None]]:
    return [(n.details["row"], n.details["column"]) for n in notices if n.code == "rejected_row"]


def test_rows_pyarrow_refuses_are_read_as_before(
    read: Reader, tmp_path: Path, sheet: dict[str, Any]
) -> None:
    (tmp_path / "spend.csv").write_bytes(
        (
            HEADER + "\r\n"
            "2026-10-01,Brand,12.50,1000,10,,\r\n"  # empty cells after the header's: kept
            "2026-10-02,Brand,1.00,100,1,x\r\n"  # a value after them: rejected
            "   \r\n"  # blank
            ",,,,\r"  # blank, and a lone carriage return ends the line
            "2026-10-03,Brand\n"  # too short: rejected
            "2026-10-04,Generic,3.25,300,3\n"
        ).encode()
    )

    records, notices = read(sheet, base_dir=tmp_path)

    assert [(r["date"].day, r["spend"]) for r in records] == [
        (1, Decimal("12.50")),
        (4, Decimal("3.25")),
    ]
    assert rejected(notices) == [(3, None), (6, None)]


def test_a_quote_after_the_first_chunk_reads_on_row_by_row(
    read: Reader, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sheet: dict[str, Any]
) -> None:
    rows = [f"2026-10-{d:02d},Brand,{d}.50,{d}00,{d}" for d in range(1, 21)]
    rows[12] = '2026-10-13,"Brand, with a comma",13.50,1300,13'
    rows[15] = '2026-10-16,"never closed,16.50,1600,16'
    (tmp_path / "spend.csv").write_text(HEADER + "\n" + "\n".join(rows) + "\n")

    records, notices = read(sheet, base_dir=tmp_path)

    assert len(records) == 19
    assert records[12]["campaign_name"] == "Brand, with a comma"
    assert rejected(notices) == [(17, None)]


def test_an_undecodable_line_after_the_first_chunk_is_named(
    read: Reader, tmp_path: Path, sheet: dict[str, Any]
) -> None:
    rows = [f"2026-10-{d:02d},Brand,{d}.50,{d}00,{d}".encode() for d in range(1, 29)]
    rows[20] = "2026-10-21,Caffè,1.00,100,1".encode("cp1252")
    (tmp_path / "spend.csv").write_bytes(HEADER.encode() + b"\n" + b"\n".join(rows) + b"\n")

    # Both readings say the same; the line is where decoding failed, which for a file
    # this small (decoded in blocks of 8 KiB) is the first data line, not the 22nd.
    with pytest.raises(ConfigurationError, match="cannot be decoded as utf-8"):
        read(sheet, base_dir=tmp_path)


def test_text_that_is_not_ascii_and_control_characters(
    read: Reader, tmp_path: Path, sheet: dict[str, Any]
) -> None:
    source = {**sheet, "locale": "fr_FR", "constants": {**sheet["constants"], "currency": "EUR"}}
    (tmp_path / "spend.csv").write_text(
        "day;campaign;spend;impressions;clicks\n"
        "2026-10-01;  Été\u00a0;1\u202f234,50;1 000;10\n"  # NBSP and narrow NBSP
        "2026-10-02;קמפיין;€ 12,50;100;1\n"  # Hebrew; an amount marked €
        "2026-10-03;Brand\x1f;1,00;100;1\n"  # a control character: rejected
        "2026-10-04;Brand;$ 3,00;100;1\n"  # marked $ but the row is in EUR: rejected
        "2026-10-05;\u3000;N/A ;\u00a0;-\n"  # null texts with spaces around
        "\u00a0;\u2003;;;\n",  # blank in every cell: not a row
        encoding="utf-8",
    )

    records, notices = read(source, base_dir=tmp_path)

    assert [(r["campaign_name"], r["spend"], r["impressions"]) for r in records] == [
        ("Été", Decimal("1234.50"), 1000),
        ("קמפיין", Decimal("12.50"), 100),
        (None, None, None),  # an ideographic space strips to the empty null text
    ]
    assert rejected(notices) == [(4, "campaign"), (5, "spend")]


def test_auto_extra_first_value_in_a_later_chunk_and_raw_email(
    read: Reader, tmp_path: Path, salt: str
) -> None:
    lines = ["when,id,email,score,note"]
    lines += [f"2026-10-0{d} 09:00,L{d},,," for d in range(1, 6)]
    lines += ["2026-10-06 09:00,L6, Ann@Example.COM ,0042,1.5", "2026-10-07 09:00,L7,,7,2"]
    (tmp_path / "leads.csv").write_text("\n".join(lines) + "\n")
    source = {
        "path": "leads.csv",
        "stream": "leads",
        "columns": {"created_at": "when", "lead_id": "id"},
        "constants": {"platform": "site", "account_id": "a1"},
        "email": "email",
        "keep_raw_email": True,
        "extra_columns": {"score": "score", "note": "note"},
    }

    records, notices = read(source, base_dir=tmp_path, hash_salt=salt)

    assert [r.get("extra") for r in records][4:] == [
        None,
        {"score": "0042", "note": 1.5},
        {"score": "7", "note": 2.0},
    ]
    assert records[5]["email"] == "Ann@Example.COM"
    assert records[5]["created_at"] == dt.datetime(2026, 10, 6, 9, 0, tzinfo=dt.UTC)
    assert rejected(notices) == []


def test_parquet_with_nulls_and_native_types(
    make_connector: Callable[..., FilesConnector], tmp_path: Path, sheet: dict[str, Any]
) -> None:
    table = pa.table(
        {
            "day": pa.array([dt.date(2026, 10, 1), dt.date(2026, 10, 2), None], pa.date32()),
            "campaign": ["Brand", None, "Generic"],
            "spend": [12.5, 0.1 + 0.2, None],
            "impressions": pa.array([1000, -5, 7], pa.int64()),
            "clicks": pa.array([10, 1, None], pa.int32()),
        }
    )
    pq.write_table(table, tmp_path / "spend.parquet")
    connector = make_connector({**sheet, "path": "spend.parquet"}, base_dir=tmp_path)

    items = list(connector.read(ReadRequest(stream="performance")))

    records = [i for i in items if isinstance(i, dict)]
    assert [(r["spend"], r["impressions"]) for r in records] == [(Decimal("12.5"), 1000)]
    assert rejected([i for i in items if isinstance(i, Notice)]) == [
        (2, "impressions"),
        (3, "day"),
    ]


def test_a_utf16_export_with_tabs(read: Reader, tmp_path: Path, sheet: dict[str, Any]) -> None:
    text = "day\tcampaign\tspend\timpressions\tclicks\r\n2026-10-01\tBrand\t1,234.50\t1,000\t10\r\n"
    (tmp_path / "spend.csv").write_bytes(text.encode("utf-16"))

    records, _ = read(sheet, base_dir=tmp_path)

    assert [(r["spend"], r["impressions"]) for r in records] == [(Decimal("1234.50"), 1000)]


def test_quoted_cells_as_spreadsheets_write_them(
    read: Reader, tmp_path: Path, sheet: dict[str, Any]
) -> None:
    (tmp_path / "spend.csv").write_bytes(
        b'"day","campaign","spend","impressions","clicks"\r\n'
        b'2026-10-01,"Brand, ""Summer""","1,234.50",1000,10\r\n'
        b'2026-10-02,"",12.50,"100",1\r\n'  # an empty quoted cell: null
        b'2026-10-03,Brand",1.00,100,1\r\n'  # a quote inside an unquoted cell: text
        b'2026-10-04, "Brand",1.00,100,1\r\n'  # a space before the quote: text too
        b'2026-10-05,"Brand",1.00,100,1,"",\r\n'  # empty cells after the header's
        b'2026-10-06,"Brand","x,y",1.00,100,1\r\n'  # a cell too many: rejected
    )

    records, notices = read(sheet, base_dir=tmp_path)

    assert [r["campaign_name"] for r in records] == [
        'Brand, "Summer"',
        None,
        'Brand"',
        '"Brand"',  # text is stripped
        "Brand",
    ]
    assert records[0]["spend"] == Decimal("1234.50")
    assert rejected(notices) == [(7, None)]


def test_a_quoted_cell_over_two_lines_is_one_cell(
    read: Reader, tmp_path: Path, sheet: dict[str, Any]
) -> None:
    (tmp_path / "spend.csv").write_text(
        HEADER + '\n2026-10-01,"Brand\nsecond line",1.00,100,1\n2026-10-02,Generic,2.00,200,2\n'
    )

    records, notices = read(sheet, base_dir=tmp_path)

    assert [r["campaign_name"] for r in records] == ["Brand\nsecond line", "Generic"]
    assert rejected(notices) == []


def test_read_hands_over_arrow_pages_a_chunk_at_a_time(
    make_connector: Callable[..., FilesConnector],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    sheet: dict[str, Any],
) -> None:
    rows = "".join(f"2026-10-{1 + i % 28:02d},Brand,{i}.50,{i},1\n" for i in range(1000))
    (tmp_path / "spend.csv").write_text(HEADER + "\n" + rows)
    monkeypatch.undo()  # the connector's own read(), not the comparison of both readings
    monkeypatch.setattr("partnerkit_files._readers.CSV_CHUNK_CHARS", 10_000)
    connector = make_connector(sheet, base_dir=tmp_path)

    pages = iter(connector.read(ReadRequest(stream="performance")))
    first = next(pages)

    assert isinstance(first, pa.Table)
    assert first.column_names == [
        "platform",
        "account_id",
        "currency",
        "date",
        "campaign_name",
        "spend",
        "impressions",
        "clicks",
    ]
    # Line i has 24 + 2 x (digits of i) characters: rows 0-9 take 260, rows 10-99
    # 2,520, and the 7,220 characters left hold 240 lines of 30 and a part of one more,
    # read to its end: 10 + 90 + 241 rows.
    assert first.num_rows == 341
    assert first.column("spend").type == pa.decimal128(38, 6)
    assert first.column("spend")[340].as_py() == Decimal("340.50")
    pages.close()  # type: ignore[attr-defined]  # closing the generator closes the file


def test_exact_extras_fit_the_money_type(
    read: Reader, tmp_path: Path, sheet: dict[str, Any]
) -> None:
    source = {**sheet, "extra_columns": {"rate": {"column": "rate", "type": "decimal"}}}
    (tmp_path / "spend.csv").write_text(
        HEADER + ",rate\n"
        "2026-10-01,Brand,1.00,100,1,0.1234565\n"  # rounded half to even: 0.123456
        "2026-10-02,Brand,1.00,100,1,123456789012345678901234567890123\n"  # 33 digits
    )

    records, notices = read(source, base_dir=tmp_path)

    assert records[0]["extra"] == {"rate": Decimal("0.1234565")}  # the reference's record
    assert rejected(notices) == [(3, "rate")]


def test_a_utf8_file_is_cut_at_line_ends_not_inside_characters(
    read: Reader, tmp_path: Path, sheet: dict[str, Any]
) -> None:
    # A UTF-8 file is read as bytes after its header: a byte-order mark, a preamble and
    # a header over two lines come before the first data line (line 4); the chunks of a
    # few bytes (conftest) end inside characters of three bytes and between "\r" and "\n".
    (tmp_path / "spend.csv").write_bytes(
        (
            "\ufeffExport — Café report\r\n"
            'day,"campaign\nname",spend,impressions,clicks\r\n'
            "2026-10-01,Café crème,1.50,100,1\r\n"
            "2026-10-02,Ünïcödé ñame,2.50,200,2\r"  # a lone carriage return ends the line
            "2026-10-03,日本語のキャンペーン,3.50,300,3\n"
            "2026-10-04,Brand,4.50,400,4\r\n"
            "2026-10-05,Brand,-1.00,-5,5"  # no line end; a negative count: rejected
        ).encode()
    )
    source = {
        **sheet,
        "skip_rows": 1,
        "columns": {**sheet["columns"], "campaign_name": "campaign name"},
    }

    records, notices = read(source, base_dir=tmp_path)

    assert [(r["date"].day, r["campaign_name"], r["spend"]) for r in records] == [
        (1, "Café crème", Decimal("1.50")),
        (2, "Ünïcödé ñame", Decimal("2.50")),
        (3, "日本語のキャンペーン", Decimal("3.50")),
        (4, "Brand", Decimal("4.50")),
    ]
    assert rejected(notices) == [(8, "impressions")]


def test_a_cell_seen_in_an_earlier_chunk_is_taken_or_refused_again(
    read: Reader, tmp_path: Path, sheet: dict[str, Any]
) -> None:
    # The same day, good or bad, in every chunk (of a few bytes here, conftest) and in
    # two files read by one mapping: each outcome is remembered, never lost or moved.
    for name in ("a.csv", "b.csv"):
        (tmp_path / name).write_text(
            HEADER + "\n" + "2026-10-01,Brand,1.00,100,1\n2026-13-01,Brand,1.00,100,1\n" * 3
        )

    records, notices = read({**sheet, "path": "*.csv"}, base_dir=tmp_path)

    assert [r["date"] for r in records] == [dt.date(2026, 10, 1)] * 6
    assert [
        (n.details["file"][-5:], n.details["row"], n.details["column"])
        for n in notices
        if n.code == "rejected_row"
    ] == [(name, row, "day") for name in ("a.csv", "b.csv") for row in (3, 5, 7)]


def test_rows_before_an_undecodable_byte_come_first_when_the_csv_module_reads_on(
    make_connector: Callable[..., FilesConnector], tmp_path: Path, sheet: dict[str, Any]
) -> None:
    # A cell over two lines makes the csv module read the chunk; the byte that is not
    # UTF-8 sits some 60 KB in, past the 8 KiB blocks the text is decoded in. The rows
    # before it are yielded before the error, as the row-by-row reading yields them
    # (the autouse comparison of both readings checks the records and the error).
    day = dt.date(2026, 1, 1)
    rows = [
        f"{day + dt.timedelta(days=i % 300)},Brand,{i}.50,{i}00,{i}".encode() for i in range(2000)
    ]
    rows[3] = b'2026-01-04,"Brand\nover two lines",3.50,300,3'
    rows[1800] = "2026-01-01,Caffè,1.00,100,1".encode("cp1252")
    (tmp_path / "spend.csv").write_bytes(HEADER.encode() + b"\n" + b"\n".join(rows) + b"\n")
    connector = make_connector(sheet, base_dir=tmp_path)
    got: list[Any] = []
    with pytest.raises(ConfigurationError, match="cannot be decoded as utf-8"):
        got.extend(connector.read(ReadRequest(stream="performance")))
    records = [item for item in got if not isinstance(item, Notice)]
    assert 1500 < len(records) < 1800  # up to the 8 KiB block the byte is decoded in
    assert records[3]["campaign_name"] == "Brand\nover two lines"
