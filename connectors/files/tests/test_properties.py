"""Property tests: generated CSV files are read right or rejected with a reason, never crash.

Each generated cell carries its expected outcome, worked out from how it was written:
the value it must read as, or "rejected". A row is kept with exactly its expected
values when every cell is good, and rejected (with a reason, a line and a column)
otherwise; rows kept + rows rejected = data rows in the file. Raw text files (stray
quotes, control characters, line breaks anywhere) never raise anything but the
library's own errors.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import babel.numbers
from hypothesis import given
from hypothesis import strategies as st
from partnerkit_files import FilesConnector
from partnerkit_files._parse import CellError, converter_for, number_format
from partnerkit_files._settings import FileSource

from partnerkit.connector import Notice, ReadRequest
from partnerkit.errors import PartnerkitError

REJECT = object()
INT64_MAX = 2**63 - 1
LOCALES = ("en_US", "de_DE", "fr_FR", "he_IL", "de_CH", "hi_IN")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
HEADERS = ("day", "campaign", "spend", "impressions", "conversions")
CONTROL = {chr(c) for c in [*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)]}


@dataclass(frozen=True)
class Cell:
    text: str
    expected: Any  # the value read, or REJECT


def number_text(value: Decimal, locale: str, arabic: bool) -> str:
    text = babel.numbers.format_decimal(value, locale=locale, decimal_quantization=False)
    return text.translate(ARABIC_INDIC) if arabic else text


@st.composite
def money(draw: st.DrawFn, locale: str) -> Cell:
    cents = draw(st.integers(-(10**15), 10**15))
    places = draw(st.integers(0, 6))
    value = Decimal(cents).scaleb(-places)
    text = number_text(value, locale, draw(st.booleans()))
    kind = draw(st.sampled_from(["plain", "own-sign", "own-code", "dollar", "usd", "7", "huge"]))
    if kind == "own-sign":
        return Cell(f"₪{text}", value)
    if kind == "own-code":
        return Cell(f"{text} ILS", value)
    if kind == "dollar":
        return Cell(f"${text}", REJECT)
    if kind == "usd":
        return Cell(f"USD {text}", REJECT)
    if kind == "7":  # a seventh decimal that is not zero
        digit = draw(st.integers(1, 9))
        decimal = babel.numbers.get_decimal_symbol(locale)
        return Cell(f"{abs(cents)}{decimal}{'0' * 6}{digit}", REJECT)
    if kind == "huge":
        return Cell("9" * draw(st.integers(33, 60)), REJECT)
    return Cell(text, value)


@st.composite
def count(draw: st.DrawFn, locale: str) -> Cell:
    value = draw(st.integers(-(2**64), 2**64))
    text = number_text(Decimal(value), locale, draw(st.booleans()))
    return Cell(text, value if 0 <= value <= INT64_MAX else REJECT)


@st.composite
def fraction_count(draw: st.DrawFn, locale: str) -> Cell:
    value = Decimal(draw(st.integers(-(10**9), 10**9))).scaleb(-draw(st.integers(0, 3)))
    text = number_text(value, locale, False)
    return Cell(text, float(value) if value >= 0 else REJECT)


@st.composite
def day(draw: st.DrawFn) -> Cell:
    value = draw(st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31)))
    kind = draw(st.sampled_from(["iso", "arabic", "midnight", "stamp", "nonsense"]))
    if kind == "arabic":
        return Cell(value.isoformat().translate(ARABIC_INDIC), value)
    if kind == "midnight":  # how a spreadsheet writes a date: still that day
        return Cell(f"{value.isoformat()}T00:00:00", value)
    if kind == "stamp":
        return Cell(f"{value.isoformat()}T23:30:00-05:00", REJECT)
    if kind == "nonsense":
        return Cell(f"{value.year}-02-30", REJECT)
    return Cell(value.isoformat(), value)


def swallows(text: str, width: int) -> bool:
    """The documented rule for a multi-line cell that looks like it swallowed rows."""
    if "\n" not in text and "\r" not in text:
        return False
    return any(line.count(",") >= width - 1 for line in text.splitlines()[1:])


@st.composite
def campaign(draw: st.DrawFn) -> Cell:
    text = draw(st.text(max_size=30))
    if CONTROL & set(text) or swallows(text, len(HEADERS)):
        return Cell(text, REJECT)
    stripped = text.strip()
    return Cell(text, None if stripped in ("", "-", "--", "N/A", "n/a", "#N/A") else stripped)


@st.composite
def sheet(draw: st.DrawFn) -> tuple[str, list[list[Cell]]]:
    locale = draw(st.sampled_from(LOCALES))
    rows = draw(
        st.lists(
            st.tuples(day(), campaign(), money(locale), count(locale), fraction_count(locale)),
            min_size=1,
            max_size=8,
        )
    )
    return locale, [list(row) for row in rows]


def read(text: str, locale: str) -> tuple[list[dict[str, Any]], list[Notice]]:
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "x.csv").write_text(text, encoding="utf-8", newline="")
        source = {
            "path": "x.csv",
            "stream": "performance",
            "locale": locale,
            "columns": dict(
                zip(
                    ("date", "campaign_name", "spend", "impressions", "conversions"),
                    HEADERS,
                    strict=True,
                )
            ),
            "constants": {"platform": "sheet", "account_id": "a1", "currency": "ILS"},
        }
        connector = FilesConnector(
            {"base_dir": folder, "files": [source], "max_rejected_rows": "100%"}
        )
        items = list(connector.read(ReadRequest(stream="performance")))
    return (
        [i for i in items if isinstance(i, dict)],
        [i for i in items if isinstance(i, Notice)],
    )


@given(sheet())
def test_each_row_is_read_right_or_rejected_with_a_reason(
    generated: tuple[str, list[list[Cell]]],
) -> None:
    locale, rows = generated
    out = io.StringIO()
    writer = csv.writer(out)  # \r\n: a lone \r or \n in a cell gets quoted
    writer.writerow(HEADERS)
    writer.writerows([[cell.text for cell in row] for row in rows])

    records, notices = read(out.getvalue(), locale)

    rejected = [n for n in notices if n.code == "rejected_row"]
    (summary,) = [n for n in notices if n.code == "file_summary"]
    assert summary.details["rows_read"] == len(rows)
    assert summary.details["rows_kept"] + summary.details["rows_rejected"] == len(rows)
    assert len(records) + len(rejected) == len(rows)
    for notice in rejected:
        assert notice.details["reason"]
        assert notice.details["row"] >= 2
    expected = [
        {
            "date": row[0].expected,
            "campaign_name": row[1].expected,
            "spend": row[2].expected,
            "impressions": row[3].expected,
            "conversions": row[4].expected,
        }
        for row in rows
        if all(cell.expected is not REJECT for cell in row)
    ]
    got = [{k: r[k] for k in expected[0]} for r in records] if expected else records
    assert got == expected


RAW = st.lists(
    st.sampled_from(
        list(",;\"'\n\r\t\x00\x1b -.$₪%()eE") + list("0123456789٠١٢٣") + ["2026-10-01", "ILS"]
    ),
    max_size=120,
).map("".join)


@given(RAW)
def test_raw_text_never_raises_anything_but_the_librarys_errors(body: str) -> None:
    text = "day,campaign,spend,impressions,conversions\n" + body

    try:
        records, notices = read(text, "en_US")
    except PartnerkitError:
        return
    (summary,) = [n for n in notices if n.code == "file_summary"]
    details = summary.details
    assert details["rows_kept"] + details["rows_rejected"] == details["rows_read"]
    assert len(records) == details["rows_kept"]


SOURCE = FileSource(
    path="x.csv",
    stream="performance",
    columns={"date": "d"},
    constants={"platform": "p", "account_id": "a", "currency": "ILS"},
)
PERFORMANCE = SOURCE.mappable_columns()
CTX = SOURCE.parse_context()


@given(st.sampled_from(sorted(PERFORMANCE)), st.text(max_size=40))
def test_a_cell_parser_raises_only_cell_errors(column: str, text: str) -> None:
    convert = converter_for(PERFORMANCE[column], CTX)
    reason = "read"
    try:
        convert(text)
    except CellError as exc:
        reason = exc.reason
    assert reason


def test_number_formats_of_the_generated_locales_are_known() -> None:
    # The generator writes numbers with babel; the reader must use the same separators.
    assert number_format("fr_FR", None, None).group == " "
    assert number_format("de_CH", None, None).group == "'"
