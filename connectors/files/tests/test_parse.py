"""The cell parsers: numbers as people write them, dates, timestamps, flags, phones."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from partnerkit_files._parse import (
    CellError,
    NumberFormat,
    normalise_email,
    normalise_phone,
    number_format,
    parse_bool,
    parse_date,
    parse_datetime,
    parse_number,
)

EN = NumberFormat(".", ",")
UTC = ZoneInfo("UTC")
ROME = ZoneInfo("Europe/Rome")


@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        ("1.234,56", "de_DE", "1234.56"),
        ("1,234.56", "en_US", "1234.56"),
        ("1,234.56", "he_IL", "1234.56"),
        ("\u200e-1,234.5", "he_IL", "-1234.5"),  # Hebrew puts a left-to-right mark first
        ("1\u202f234,56", "fr_FR", "1234.56"),  # narrow no-break space
        ("1 234,56", "fr_FR", "1234.56"),
        ("1’234.56", "de_CH", "1234.56"),
        ("1'234.56", "de_CH", "1234.56"),
        ("12,34,567.8", "en_IN", "1234567.8"),
        ("€ 1.234,56", "it_IT", "1234.56"),
        ("1.234,56 €", "it_IT", "1234.56"),
        ("1.234,56 EUR", "it_IT", "1234.56"),
        ("$1,234.56", "en_US", "1234.56"),
        ("-$1,234.56", "en_US", "-1234.56"),
        ("US$ 99.90", "en_US", "99.90"),
        ("R$ 1.234,56", "pt_BR", "1234.56"),
        ("(1,234.50)", "en_US", "-1234.50"),
        ("₪12.90", "he_IL", "12.90"),
        ("1234", "de_DE", "1234"),
        ("0,5", "de_DE", "0.5"),
        ("−3", "en_US", "-3"),  # U+2212 minus sign
        ("1.5E+05", "en_US", "1.5E+05"),
        ("  42  ", None, "42"),
    ],
)
def test_numbers_as_people_write_them(text: str, locale: str | None, expected: str) -> None:
    value, percent = parse_number(text, number_format(locale, None, None))
    assert value == Decimal(expected)
    assert str(value) == str(Decimal(expected))  # exact, scale kept
    assert percent is False


def test_percent_is_stripped_and_reported() -> None:
    assert parse_number("0.321%", EN) == (Decimal("0.321"), True)
    assert parse_number("95,769%", number_format("pt_BR", None, None)) == (Decimal("95.769"), True)


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ("1,5", EN),  # a decimal comma is not a thousands comma
        ("1,2345", EN),
        ("1.234,56", EN),
        ("12abc", EN),
        ("12 34", EN),
        ("1.2.3", EN),
        ("", EN),
        ("+", EN),
        ("NaN", EN),
        ("1.234.5", NumberFormat(",", ".")),
    ],
)
def test_not_numbers(text: str, fmt: NumberFormat) -> None:
    with pytest.raises(CellError, match="is not a number"):
        parse_number(text, fmt)


def test_number_format_from_settings() -> None:
    assert number_format(None, None, None) == NumberFormat(".", ",")
    assert number_format(None, ",", None) == NumberFormat(",", ".")
    assert number_format("de_DE", None, None) == NumberFormat(",", ".")
    assert number_format("de_DE", None, "") == NumberFormat(",", "")
    assert number_format("en_US", ",", ".") == NumberFormat(",", ".")
    assert number_format("fr_FR", None, None) == NumberFormat(",", " ")
    with pytest.raises(ValueError, match="unknown locale"):
        number_format("xx_YY", None, None)
    with pytest.raises(ValueError, match="both"):
        number_format(None, ".", ".")


def test_dates() -> None:
    assert parse_date("2026-10-31", None, UTC) == dt.date(2026, 10, 31)
    assert parse_date("31/10/2026", ("%d/%m/%Y",), UTC) == dt.date(2026, 10, 31)
    assert parse_date("10/1/2026", ("%m/%d/%Y",), UTC) == dt.date(2026, 10, 1)
    assert parse_date("31.10.2026", ("%d/%m/%Y", "%d.%m.%Y"), UTC) == dt.date(2026, 10, 31)
    assert parse_date("31 Oct 2026", ("%d %b %Y",), UTC) == dt.date(2026, 10, 31)  # strptime
    assert parse_date("2026-10-31 08:00", ("%Y-%m-%d %H:%M",), UTC) == dt.date(2026, 10, 31)
    # A spreadsheet's date is a naive midnight: that is its day.
    assert parse_date(dt.datetime(2026, 10, 31, 0, 0), None, UTC) == dt.date(2026, 10, 31)
    # Any other timestamp is rejected, unless the file says to take its day in its zone.
    late = dt.datetime(2026, 10, 31, 23, 30, tzinfo=dt.UTC)
    for stamp in (late, dt.datetime(2026, 10, 31, 23, 0), "2026-10-31T23:30:00+00:00"):
        with pytest.raises(CellError, match="is a timestamp, not a date"):
            parse_date(stamp, None, ROME)
    assert parse_date(late, None, ROME, from_timestamps=True) == dt.date(2026, 11, 1)
    assert parse_date("2026-10-31T23:30:00+00:00", None, ROME, from_timestamps=True) == dt.date(
        2026, 11, 1
    )
    assert parse_date(dt.datetime(2026, 10, 31, 23, 0), None, ROME, from_timestamps=True) == (
        dt.date(2026, 10, 31)
    )
    with pytest.raises(CellError, match=r"'31/10/2026' is not an ISO date"):
        parse_date("31/10/2026", None, UTC)
    with pytest.raises(CellError, match="day is out of range"):
        parse_date("31/09/2026", ("%d/%m/%Y",), UTC)
    with pytest.raises(CellError, match=r"month must be in 1\.\.12"):
        parse_date("10/31/2026", ("%d/%m/%Y",), UTC)
    with pytest.raises(CellError, match=r"is not a date in the format '%d/%m/%Y' or '%d\.%m\.%Y'$"):
        parse_date("2026-10-31", ("%d/%m/%Y", "%d.%m.%Y"), UTC)
    with pytest.raises(CellError, match="expected a date, got int"):
        parse_date(46000, None, UTC)


def test_timestamps_are_made_aware() -> None:
    naive = parse_datetime("2026-10-24 09:00", None, None, ROME)
    assert naive == dt.datetime(2026, 10, 24, 9, 0, tzinfo=ROME)
    assert naive.utcoffset() == dt.timedelta(hours=2)  # summer time
    assert parse_datetime("2026-10-26 09:00", None, None, ROME).utcoffset() == dt.timedelta(hours=1)
    assert parse_datetime("2026-10-03T09:14:22+0000", None, None, ROME).utcoffset() == dt.timedelta(
        0
    )
    assert parse_datetime("31/10/2026 14:05", ("%d/%m/%Y %H:%M",), None, ROME) == dt.datetime(
        2026, 10, 31, 14, 5, tzinfo=ROME
    )
    # A date alone is midnight of that day.
    assert parse_datetime("31/10/2026", ("%d/%m/%Y %H:%M",), ("%d/%m/%Y",), ROME) == dt.datetime(
        2026, 10, 31, tzinfo=ROME
    )
    with pytest.raises(CellError, match="is not a timestamp in the format '%d/%m/%Y %H:%M'"):
        parse_datetime("yesterday", ("%d/%m/%Y %H:%M",), None, ROME)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("yes", True), ("No", False), ("TRUE", True), ("0", False), (1, True), (False, False)],
)
def test_flags(value: object, expected: bool) -> None:
    assert parse_bool(value) is expected


def test_not_a_flag() -> None:
    with pytest.raises(CellError, match="not a yes/no value"):
        parse_bool("maybe")


def test_email_and_phone_normalisation() -> None:
    assert normalise_email("  Dana.Levi@Example.COM ") == "dana.levi@example.com"
    assert normalise_phone("+1 (555) 010-0147") == "+15550100147"
    assert normalise_phone("555.010.0147") == "5550100147"
    for bad in ("555-CALL-NOW", "12"):
        with pytest.raises(CellError) as info:
            normalise_phone(bad)
        assert bad not in info.value.reason  # reasons never repeat personal data
    with pytest.raises(CellError, match="not an email address"):
        normalise_email("dana.levi(at)example.com")
