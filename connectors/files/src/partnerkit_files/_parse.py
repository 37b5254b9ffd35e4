"""Cell parsers: locale-aware numbers, dates and timestamps, flags, lists, hashing.

Every parser takes one non-null cell (a ``str`` from CSV, or the native value Excel
and Parquet hand over) and returns the Python type of the unified column, or raises
:class:`CellError` with a reason the user can act on. Null detection happens before
(see :meth:`ParseContext.is_null`), so a parser never turns an empty cell into ``0``.

Money is parsed to an exact :class:`~decimal.Decimal` from the cell's text; a native
float from a spreadsheet goes through its shortest ``repr`` (``0.1`` stays
``Decimal("0.1")``), never through binary arithmetic.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Context, Decimal
from functools import cache
from typing import Any, Literal, NamedTuple, get_origin
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AwareDatetime

from partnerkit import privacy
from partnerkit.records import MONEY_SCALE, ColumnInfo, ExtraValue

__all__ = [
    "ASCII_SPACE",
    "CONTROL_BYTES",
    "FLOAT_DIGITS",
    "INT64_MAX",
    "INT64_MIN",
    "MONEY_INTEGER_DIGITS",
    "REDACTED",
    "AutoExtra",
    "CellError",
    "Money",
    "NumberFormat",
    "ParseContext",
    "check_count",
    "check_currency",
    "check_int64",
    "check_money",
    "check_text",
    "converter_for",
    "currency_marks",
    "day_of_timestamp",
    "extra_converter",
    "has_control",
    "hash_email",
    "hash_phone",
    "money_from_float",
    "normalise_email",
    "normalise_phone",
    "number_format",
    "parse_bool",
    "parse_date",
    "parse_datetime",
    "parse_marked_number",
    "parse_number",
    "plain_ascii",
    "zone",
]

#: Shown instead of an email or phone value in notices and errors.
REDACTED = "<redacted>"

Converter = Callable[[Any], Any]


class CellError(ValueError):
    """A cell that cannot be converted to its column's type.

    Attributes:
        reason: Why, in words the user can act on.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# --------------------------------------------------------------------------- numbers


@dataclass(frozen=True, slots=True)
class NumberFormat:
    """How numbers are written in a file.

    Attributes:
        decimal: The decimal separator, e.g. ``","`` in ``1.234,56``.
        group: The thousands separator, e.g. ``"."`` in ``1.234,56`` (``""``: none).
    """

    decimal: str = "."
    group: str = ","

    def describe(self) -> str:
        """Say how numbers must look, for error messages."""
        group = repr(self.group) if self.group else "none"
        return f"decimal separator {self.decimal!r}, thousands separator {group}"


# Characters folded before parsing: exotic spaces to " ", bidi marks dropped (Hebrew and
# Arabic locales put U+200E before the minus sign), minus look-alikes to "-", the
# typographic apostrophe (Swiss thousands separator) to "'".
_FOLD = str.maketrans(
    {
        "\u00a0": " ",
        "\u202f": " ",
        "\u2009": " ",
        "\u2007": " ",
        "\u200e": None,
        "\u200f": None,
        "\u061c": None,
        "\u2066": None,
        "\u2067": None,
        "\u2068": None,
        "\u2069": None,
        "\u202a": None,
        "\u202b": None,
        "\u202c": None,
        "\u2212": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\ufe63": "-",
        "\uff0d": "-",
        "\u2019": "'",
        "\u02bc": "'",
        # Arabic-Indic (U+0660..) and Eastern Arabic-Indic / Persian (U+06F0..) digits.
        **{chr(0x0660 + d): str(d) for d in range(10)},
        **{chr(0x06F0 + d): str(d) for d in range(10)},
    }
)
_DIGIT_FOLD = str.maketrans(
    {**{chr(0x0660 + d): str(d) for d in range(10)}, **{chr(0x06F0 + d): str(d) for d in range(10)}}
)
_PERCENT = "%\u066a\ufe6a\uff05"
# Currency written with letters: an ISO 4217 code, or a local symbol made of letters.
_CURRENCY_WORD = re.compile(r"^(?:[A-Z]{3}|kr\.?|Kr\.?|zł|Kč|Ft|lei|Rs\.?|Rp|RM)(?=[\s\d.,'(+-]|$)")
_CURRENCY_WORD_END = re.compile(
    r"(?<=[\s\d.,')])(?:[A-Z]{3}|kr\.?|Kr\.?|zł|Kč|Ft|lei|Rs\.?|Rp|RM)$"
)
# Letters glued to a currency sign: US$, R$, HK$, CHF, ...
_LETTERS_THEN_SIGN = re.compile(r"^[A-Z]{1,3}(?=\S)")
_DIGITS = re.compile(r"[0-9]+")
_EXPONENT = re.compile(r"[eE][+-]?[0-9]+$")
# No number a file holds needs an exponent beyond this; a bigger one only costs memory.
_MAX_EXPONENT = 100


def _is_currency_sign(ch: str) -> bool:
    return unicodedata.category(ch) == "Sc"


def _strip_affixes(s: str, marks: list[str]) -> tuple[str, bool]:
    """Remove currency signs/codes and percent signs around a number.

    The currency marks removed are appended to ``marks`` (``"$"``, ``"USD"``, ``"US$"``).
    """
    percent = False
    for _ in range(6):
        s = s.strip()
        if not s:
            break
        if s[0] in _PERCENT or s[-1] in _PERCENT:
            s = s[1:] if s[0] in _PERCENT else s[:-1]
            percent = True
            continue
        if _is_currency_sign(s[0]):
            marks.append(s[0])
            s = s[1:]
            continue
        if _is_currency_sign(s[-1]):
            marks.append(s[-1])
            s = s[:-1]
            continue
        glued = _LETTERS_THEN_SIGN.match(s)
        if glued and len(s) > glued.end() and _is_currency_sign(s[glued.end()]):
            marks.append(s[: glued.end() + 1])
            s = s[glued.end() + 1 :]
            continue
        word = _CURRENCY_WORD.match(s) or _CURRENCY_WORD_END.search(s)
        if word:
            marks.append(word.group())
            s = s[: word.start()] + s[word.end() :]
            continue
        break
    return s, percent


def _split_sign(s: str) -> tuple[str, bool]:
    negative = False
    if len(s) >= 2 and s[0] == "(" and s[-1] == ")":
        negative, s = True, s[1:-1].strip()
    if s[:1] in ("+", "-"):
        negative ^= s[0] == "-"
        s = s[1:].lstrip()
    elif s[-1:] == "-":
        negative, s = not negative, s[:-1].rstrip()
    return s, negative


@cache
def _grouping(group: str) -> re.Pattern[str]:
    g = re.escape(group)
    # 1,234,567 and the Indian 12,34,567: the last group has three digits.
    return re.compile(rf"[0-9]{{1,3}}(?:{g}[0-9]{{2,3}})*{g}[0-9]{{3}}")


@cache
def _plain_number(fmt: NumberFormat) -> re.Pattern[str]:
    """Match a bare number in this format: ``-1234``, ``1.234,56`` (no signs, no spaces)."""
    grouped = rf"|[0-9]{{1,3}}(?:{re.escape(fmt.group)}[0-9]{{3}})+" if fmt.group else ""
    return re.compile(rf"(-?)([0-9]+{grouped})(?:{re.escape(fmt.decimal)}([0-9]+))?")


def parse_number(text: str, fmt: NumberFormat) -> tuple[Decimal, bool]:
    """Parse a number written for people: separators, currency, percent, negatives.

    ``"1.234,56"`` (with ``decimal=","``), ``"$1,234.56"``, ``"€ 1.234,56"``,
    ``"(12.50)"`` (accounting negative), ``"1 234,56"`` (French), ``"1'234.56"``
    (Swiss), ``"12.5%"`` and Arabic-Indic digits (``"١٢٣"``) all parse. Thousands
    separators must group digits by three (or the Indian 2-2-3), so ``"1,5"`` is
    rejected when ``","`` is the thousands separator instead of silently becoming ``15``.

    Args:
        text: The cell text.
        fmt: The file's separators.

    Returns:
        The exact value, and whether a percent sign was stripped (``"12.5%"`` gives
        ``Decimal("12.5")``: the number as shown).

    Raises:
        CellError: The text is not a number in this format.
    """
    number, percent, _ = parse_marked_number(text, fmt)
    return number, percent


def parse_marked_number(text: str, fmt: NumberFormat) -> tuple[Decimal, bool, tuple[str, ...]]:
    """Parse a number as :func:`parse_number` does, and say which currency marks it had.

    Returns:
        The exact value, whether a percent sign was stripped, and the currency signs
        or codes written around the number (``("$",)`` for ``"$12.50"``, ``()`` for
        a bare number), to be checked against the row's currency by
        :func:`check_currency`.

    Raises:
        CellError: The text is not a number in this format, or its exponent is absurd.
    """
    number, percent, marks, _ = _parse_number(text, fmt)
    return number, percent, marks


def _parse_number(text: str, fmt: NumberFormat) -> tuple[Decimal, bool, tuple[str, ...], bool]:
    """:func:`parse_marked_number`, and whether the number is plainly a money amount.

    The last value is True when the text was a bare number with at most 6 decimals and
    32 digits before the point, so :func:`check_money` has nothing to check.
    """
    plain = _plain_number(fmt).fullmatch(text)
    if plain is not None:  # the common case, about ten times faster
        sign, integer, fraction = plain.groups()
        if fmt.group:
            integer = integer.replace(fmt.group, "")
        literal = f"{sign}{integer}.{fraction}" if fraction else f"{sign}{integer}"
        short = not fraction or len(fraction) <= MONEY_SCALE
        fits = short and len(integer) <= MONEY_INTEGER_DIGITS
        return Decimal(literal), False, (), fits
    marks: list[str] = []
    s = text.translate(_FOLD).strip()
    s, percent = _strip_affixes(s, marks)
    s, negative = _split_sign(s)
    s, more_percent = _strip_affixes(s, marks)
    percent = percent or more_percent
    group = fmt.group.translate(_FOLD)
    exponent = ""
    found = _EXPONENT.search(s)
    if found and found.start() > 0:
        exponent, s = found.group(), s[: found.start()]
    integer, has_point, fraction = s.partition(fmt.decimal)
    ok = True
    if group and group in integer:
        if exponent or not _grouping(group).fullmatch(integer):
            ok = False
        integer = integer.replace(group, "")
    if has_point and fraction and not _DIGITS.fullmatch(fraction):
        ok = False
    if integer and not _DIGITS.fullmatch(integer):
        ok = False
    if not integer and not fraction:
        ok = False
    if exponent and (len(exponent) > 6 or abs(int(exponent[1:])) > _MAX_EXPONENT):
        raise CellError(f"{text!r} has an exponent beyond ±{_MAX_EXPONENT}")
    if not ok:
        raise CellError(f"{text!r} is not a number ({fmt.describe()})")
    literal = f"{'-' if negative else ''}{integer or '0'}{'.' + fraction if fraction else ''}"
    return Decimal(literal + exponent), percent, tuple(marks), False


@cache
def number_format(
    locale: str | None, decimal_separator: str | None, thousands_separator: str | None
) -> NumberFormat:
    """Work out a file's separators from its locale and explicit settings.

    Explicit separators win over the locale's; without either, numbers are written
    ``1,234.56``. With only ``decimal_separator=","`` the thousands separator is
    ``"."`` (and the other way round).

    Args:
        locale: A babel locale such as ``"de_DE"``, ``"en_US"`` or ``"he_IL"``.
        decimal_separator: Overrides the locale's decimal separator.
        thousands_separator: Overrides the locale's thousands separator.

    Raises:
        ValueError: The locale is unknown, both separators are the same, or one is a
            digit or a sign.
    """
    decimal, group = ".", ","
    if locale:
        import babel
        import babel.numbers

        try:
            parsed = babel.Locale.parse(locale.replace("-", "_"))
        except (ValueError, babel.UnknownLocaleError) as exc:
            raise ValueError(f"unknown locale {locale!r} ({exc})") from None
        decimal = babel.numbers.get_decimal_symbol(parsed)
        group = babel.numbers.get_group_symbol(parsed)
    elif decimal_separator == ",":
        group = "."
    if decimal_separator is not None:
        decimal = decimal_separator
    if thousands_separator is not None:
        group = thousands_separator
    elif group == decimal:
        group = "." if decimal == "," else ","
    if decimal == group:
        raise ValueError(f"the decimal and thousands separators are both {decimal!r}")
    if not decimal:
        raise ValueError("the decimal separator must not be empty")
    for name, mark in (("decimal", decimal), ("thousands", group)):
        if mark and (mark.isdigit() or mark in "+-"):  # "" (no grouping) is fine
            raise ValueError(
                f"the {name} separator {mark!r} is a digit or a sign, which numbers are "
                "written with: use a mark such as '.', ',', ' ' or an apostrophe"
            )
    return NumberFormat(decimal.translate(_FOLD), group.translate(_FOLD))


def _native_decimal(value: Any) -> Decimal | None:
    """Convert a native number to Decimal; None when ``value`` is not a number."""
    if isinstance(value, bool):
        raise CellError(f"expected a number, got the flag {value!r}")
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise CellError(f"{value} is not a finite number")
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise CellError(f"{value} is not a finite number")
        return money_from_float(value)
    return None


#: Significant digits of a spreadsheet's binary float that mean something: Excel keeps
#: and shows 15, so ``0.1 + 0.2`` (0.30000000000000004) is the 0.3 the sheet shows.
FLOAT_DIGITS = 15
_FLOAT_CONTEXT = Context(prec=FLOAT_DIGITS)


def money_from_float(value: float) -> Decimal:
    """The exact amount a spreadsheet's float shows: its first 15 significant digits.

    A native float (an Excel number, a Parquet double) is binary, so its exact value
    is never the decimal a person typed; rounding its shortest ``repr`` to 15
    significant digits gives back what the sheet shows.
    """
    exact = Decimal(repr(value))
    if len(exact.as_tuple().digits) <= FLOAT_DIGITS:
        return exact
    return _FLOAT_CONTEXT.plus(exact).normalize(_FLOAT_CONTEXT)


class Money(NamedTuple):
    """An amount written with currency marks, before they are checked against its row.

    Attributes:
        amount: The exact amount.
        marks: The currency signs or codes written around it (``"$"``, ``"USD"``).
        text: The cell as written, for the rejection reason.
    """

    amount: Decimal
    marks: tuple[str, ...]
    text: str


def _to_decimal(value: Any, fmt: NumberFormat, *, percent_ok: bool) -> Decimal:
    if value.__class__ is not str:
        native = _native_decimal(value)
        if native is not None:
            return native
    if isinstance(value, str):
        number, percent = parse_number(value, fmt)
        if percent and not percent_ok:
            raise CellError(f"{value!r} is a percentage; this column expects an amount")
        return number
    raise CellError(f"expected a number, got {type(value).__name__} {value!r}")


def _to_money(value: Any, fmt: NumberFormat) -> Decimal | Money:
    """An amount that fits the record (see :func:`check_money`), with its currency marks."""
    if value.__class__ is str:
        number, percent, marks, fits = _parse_number(value, fmt)
        if percent:
            raise CellError(f"{value!r} is a percentage; this column expects an amount")
        if not fits:
            check_money(number, value)
        return Money(number, marks, value) if marks else number
    number = _to_decimal(value, fmt, percent_ok=False)
    check_money(number, value)
    return number


# ------------------------------------------------------------------ single checks
# Each check takes one parsed value and raises CellError with the reason; they know
# nothing of rows or files, so a columnar reader can run the same rules.

#: Digits an amount may have before the point: ``decimal128(38, MONEY_SCALE)``.
MONEY_INTEGER_DIGITS = 38 - MONEY_SCALE
_MONEY_QUANTUM = Decimal(1).scaleb(-MONEY_SCALE)
_WIDE = Context(prec=80)
INT64_MAX = 2**63 - 1
INT64_MIN = -(2**63)


def check_money(amount: Decimal, shown: Any) -> None:
    """Check that an amount fits the record's money type exactly.

    Money is kept as ``decimal128(38, 6)``: at most 6 decimal places (more is never
    rounded away: the cell is rejected; trailing zeros do not count) and at most 32
    digits before the point.

    Args:
        amount: The parsed amount.
        shown: The cell as written, for the reason.

    Raises:
        CellError: The amount has more than 6 significant decimal places, or is too large.
    """
    if not amount.is_finite():
        raise CellError(f"{shown!r} is not a finite number")
    if amount and amount.adjusted() >= MONEY_INTEGER_DIGITS:
        raise CellError(
            f"{shown!r} is too large: amounts are kept with at most {MONEY_INTEGER_DIGITS} "
            f"digits before the point"
        )
    exponent = amount.as_tuple().exponent
    if (
        isinstance(exponent, int)
        and exponent < -MONEY_SCALE
        and amount != amount.quantize(_MONEY_QUANTUM, context=_WIDE)
    ):
        places = -int(amount.normalize(_WIDE).as_tuple().exponent)
        raise CellError(
            f"{shown!r} has {places} decimal places; amounts are kept with at most "
            f"{MONEY_SCALE}, and this one would be rounded"
        )


def check_currency(money: Money, currency: str | None) -> Decimal:
    """Check the currency marks of an amount against its row's currency.

    A mark is accepted when it is the currency's ISO code or one of its symbols
    (babel's, in the locales of the countries that use it: ``₪`` for ILS, ``$`` and
    ``US$`` for USD, ``€`` for EUR; ``NIS`` for ILS too). Anything else means the
    amount is in another currency, and it is never taken as this one.

    Args:
        money: The amount and its marks.
        currency: The row's ISO 4217 currency (``None`` when the row has none).

    Returns:
        The amount.

    Raises:
        CellError: A mark belongs to another currency, or the row has no currency.
    """
    for mark in money.marks:
        if currency is None:
            raise CellError(
                f"{money.text!r} is marked {mark!r}, but the row has no currency to check it "
                f"against"
            )
        if mark.rstrip(".") not in currency_marks(currency):
            raise CellError(
                f"{money.text!r} is marked {mark!r}, but the row's currency is {currency}: an "
                f"amount in another currency is never taken as {currency}"
            )
    return money.amount


# Other names for a currency that babel does not list as its symbol.
_ALIASES = {"ILS": frozenset({"NIS"})}


@cache
def currency_marks(currency: str) -> frozenset[str]:
    """The signs and codes that mark an amount in ``currency`` (cached per currency).

    Its ISO code, its symbols in English and in the root locale, and its symbol in
    every locale of a country where it is the currency today (babel's CLDR data), so
    ``$`` marks USD, AUD or CAD but never ILS, and ``kr`` marks SEK, NOK or DKK.
    """
    import babel.numbers
    from babel.core import get_global
    from babel.localedata import locale_identifiers

    territories = {
        territory
        for territory, spans in get_global("territory_currencies").items()
        if any(code == currency and end is None for code, _, end, *_ in spans)
    }
    marks = {currency, *_ALIASES.get(currency, ())}
    for name in ("en", "root"):
        marks.add(babel.numbers.get_currency_symbol(currency, name))
    for name in locale_identifiers():
        if name.rpartition("_")[2] in territories:
            marks.add(babel.numbers.get_currency_symbol(currency, name))
    return frozenset(mark.translate(_FOLD).strip().rstrip(".") for mark in marks)


def check_count(value: int | float | Decimal, column: str, shown: Any) -> None:
    """Check that a count (impressions, clicks, conversions) is not negative.

    Raises:
        CellError: The value is below 0.
    """
    if value < 0:
        raise CellError(f"{shown!r} is negative; {column!r} counts, so it cannot be below 0")


def check_int64(number: Decimal, shown: Any) -> int:
    """Check that a whole number fits a 64-bit integer, and return it.

    The size is checked before the number is built, so ``1e999999`` costs nothing.

    Raises:
        CellError: The number is not whole, or is outside the int64 range.
    """
    if number and number.adjusted() > 18:
        raise CellError(f"{shown!r} is too large for a 64-bit integer (at most {INT64_MAX})")
    if number != number.to_integral_value():
        raise CellError(f"{shown!r} is not a whole number")
    whole = int(number)
    if not INT64_MIN <= whole <= INT64_MAX:
        bound = f"at most {INT64_MAX}" if whole > 0 else f"at least {INT64_MIN}"
        raise CellError(f"{shown!r} is too large for a 64-bit integer ({bound})")
    return whole


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: The ASCII ones among them, as bytes: ``data.translate(None, CONTROL_BYTES)`` drops
#: them, so a buffer of ASCII text keeps its length when it has none.
CONTROL_BYTES = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_CONTROL_EACH = tuple(bytes([b]) for b in CONTROL_BYTES)


def plain_ascii(data: bytes | bytearray) -> bool:
    """Tell whether UTF-8 ``data`` is ASCII without a control byte of :data:`CONTROL_BYTES`.

    One ``memchr`` scan per control byte (``bytes.__contains__``), with no copy of the
    buffer: about half the time of ``len(data.translate(None, CONTROL_BYTES))``.
    """
    return data.isascii() and not any(map(data.__contains__, _CONTROL_EACH))


#: The ASCII characters ``str.strip()`` removes (Arrow's ``utf8_trim`` with these
#: strips an ASCII cell exactly as Python does).
ASCII_SPACE = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"


def has_control(value: str) -> bool:
    """Tell whether text holds a control character that :func:`check_text` rejects."""
    return _CONTROL.search(value) is not None


def check_text(value: str) -> None:
    """Check that a cell holds no control character (tab and line breaks are text).

    A NUL byte or another C0/C1 control character means a binary file or a file
    decoded with the wrong encoding; such a cell is rejected, never passed on.

    Raises:
        CellError: Naming the character (the cell itself is not repeated).
    """
    found = _CONTROL.search(value)
    if found is not None:
        raise CellError(
            f"the cell holds the control character U+{ord(found.group()):04X}; text exports "
            f"never do (a binary file, or the wrong encoding?)"
        )


def _to_int(value: Any, fmt: NumberFormat) -> int:
    if value.__class__ is str and len(value) < 19 and value.isdigit() and value.isascii():
        return int(value)
    if value.__class__ is int:
        return check_int64(Decimal(value), value)
    return check_int64(_to_decimal(value, fmt, percent_ok=False), value)


_SIMPLE_FLOAT = re.compile(r"[0-9]{1,15}(?:\.[0-9]{1,15})?")


def _to_float(value: Any, fmt: NumberFormat, *, percent_ok: bool) -> float:
    if value.__class__ is str and fmt.decimal == "." and _SIMPLE_FLOAT.fullmatch(value):
        return float(value)  # correctly rounded, as float(Decimal(value)) is
    number = float(_to_decimal(value, fmt, percent_ok=percent_ok))
    if not math.isfinite(number):
        raise CellError(f"{value!r} is too large for a floating-point number")
    return number


_DURATION = re.compile(r"([0-9]{1,6}):([0-5][0-9])(?::([0-5][0-9]))?")


def _to_hours(value: Any, fmt: NumberFormat, column: str) -> Decimal:
    """Exact hours: a number (``1.5``) or a duration ``H:MM`` / ``H:MM:SS`` (``1:30:00``).

    A duration's seconds make hours with more than 6 decimals only when they are not a
    multiple of 3.6 seconds' worth; they are rounded half to even to 6 places, the
    record's scale.
    """
    if value.__class__ is str:
        text = str(value).strip()
        found = _DURATION.fullmatch(text)
        if found is not None:
            h, m, s = found.group(1), found.group(2), found.group(3) or "0"
            seconds = int(h) * 3600 + int(m) * 60 + int(s)
            return (Decimal(seconds) / Decimal(3600)).quantize(_MONEY_QUANTUM)
        if ":" in text:
            raise CellError(f"{value!r} is neither a number of hours nor a duration H:MM:SS")
    number = _to_decimal(value, fmt, percent_ok=False)
    check_count(number, column, value)
    check_money(number, value)
    return number


def _count(convert: Callable[[Any], Any], column: str) -> Converter:
    def count(value: Any) -> Any:
        if value.__class__ is str and len(value) < 16 and value.isdigit() and value.isascii():
            return convert(value)  # plain digits: not negative, and small
        number = convert(value)
        check_count(number, column, value)
        return number

    return count


# ----------------------------------------------------------------------------- dates


def zone(name: str) -> ZoneInfo:
    """Return the IANA time zone ``name``.

    Raises:
        ValueError: No such time zone.
    """
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {name!r} (use an IANA name like 'Europe/Rome')"
        ) from None


def _describe_formats(formats: Sequence[str] | None, what: str) -> str:
    if not formats:
        return f"an ISO {what} (e.g. {'2026-10-31' if what == 'date' else '2026-10-31T14:05:00'})"
    return "a " + what + " in the format " + " or ".join(repr(f) for f in formats)


_SIMPLE_DIRECTIVES = {"d": r"(?P<d>[0-9]{1,2})", "m": r"(?P<m>[0-9]{1,2})", "Y": r"(?P<Y>[0-9]{4})"}


@cache
def _simple_date_pattern(fmt: str) -> re.Pattern[str] | None:
    """Compile a date format made of %d, %m, %Y and literals; None for anything else."""
    parts: list[str] = []
    i = 0
    while i < len(fmt):
        if fmt[i] == "%":
            directive = fmt[i + 1 : i + 2]
            if directive not in _SIMPLE_DIRECTIVES or _SIMPLE_DIRECTIVES[directive] in parts:
                return None
            parts.append(_SIMPLE_DIRECTIVES[directive])
            i += 2
        else:
            parts.append(re.escape(fmt[i]))
            i += 1
    complete = len(set(parts) & set(_SIMPLE_DIRECTIVES.values())) == 3
    return re.compile("".join(parts)) if complete else None


def _strptime_date(text: str, fmt: str) -> dt.datetime:
    """``datetime.strptime`` with a fast path for day/month/year formats."""
    pattern = _simple_date_pattern(fmt)
    if pattern is None:
        return dt.datetime.strptime(text, fmt)
    found = pattern.fullmatch(text)
    if found is None:
        raise ValueError(f"time data {text!r} does not match format {fmt!r}")
    return dt.datetime(int(found["Y"]), int(found["m"]), int(found["d"]))


def _not_a_day(value: Any) -> CellError:
    return CellError(
        f"{value!r} is a timestamp, not a date: its day depends on the time zone, so a date "
        f"column takes a day such as 2026-10-31"
    )


def day_of_timestamp(
    stamp: dt.datetime, value: Any, tz: ZoneInfo, *, from_timestamps: bool = False
) -> dt.date:
    """The day of a timestamp found in a date column.

    Spreadsheets store a date as a timestamp at midnight with no zone: that is the
    day. Any other timestamp is rejected, never moved to a day in some zone, unless
    ``from_timestamps`` (the file's ``dates_from_timestamps`` setting) says to take
    its day in ``tz`` (an aware one converted there first, a naive one as written).

    Raises:
        CellError: A timestamp with a zone or a time of day, without ``from_timestamps``.
    """
    if from_timestamps:
        return (stamp.astimezone(tz) if stamp.tzinfo else stamp).date()
    if stamp.tzinfo is not None or stamp.time() != dt.time(0):
        raise _not_a_day(value)
    return stamp.date()


def parse_date(
    value: Any, formats: Sequence[str] | None, tz: ZoneInfo, *, from_timestamps: bool = False
) -> dt.date:
    """Parse a calendar day.

    A timestamp is not a day: one with a zone or a time of day is rejected (its day
    depends on the zone it is read in); a naive midnight (how spreadsheets store a
    date) is its day. A pattern in ``formats`` with time directives (but no ``%z``)
    is the user saying the time can be ignored. See :func:`day_of_timestamp`.

    Args:
        value: A ``str`` cell, or a native ``date``/``datetime``.
        formats: strftime patterns tried in order; ``None`` means ISO 8601.
        tz: The file's time zone, for ``from_timestamps``.
        from_timestamps: Take a timestamp's day in ``tz`` instead of rejecting it.

    Raises:
        CellError: Not a date in any of the formats, or a timestamp.
    """
    if isinstance(value, dt.datetime):
        return day_of_timestamp(value, value, tz, from_timestamps=from_timestamps)
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise CellError(f"expected a date, got {type(value).__name__} {value!r}")
    s = value.strip()
    if not s.isascii():
        s = s.translate(_DIGIT_FOLD)
    problem = ""
    if formats:
        for fmt in formats:
            try:
                parsed = _strptime_date(s, fmt)
            except ValueError as exc:
                problem = str(exc)
                continue
            if parsed.tzinfo is not None:
                return day_of_timestamp(parsed, value, tz, from_timestamps=from_timestamps)
            return parsed.date()
    else:
        try:
            return dt.date.fromisoformat(s)
        except ValueError:
            try:
                stamp = dt.datetime.fromisoformat(s)
            except ValueError as exc:
                problem = str(exc)
            else:
                return day_of_timestamp(stamp, value, tz, from_timestamps=from_timestamps)
    noisy = not problem or "does not match" in problem or problem.startswith("Invalid isoformat")
    hint = "" if noisy else f" ({problem})"
    raise CellError(f"{value!r} is not {_describe_formats(formats, 'date')}{hint}")


def parse_datetime(
    value: Any,
    formats: Sequence[str] | None,
    date_formats: Sequence[str] | None,
    tz: ZoneInfo,
) -> dt.datetime:
    """Parse a timestamp and make it timezone-aware.

    A naive timestamp is taken to be wall-clock time in ``tz``; one with an offset
    keeps it. A cell holding only a date becomes midnight of that day in ``tz``.

    Args:
        value: A ``str`` cell, or a native ``datetime``/``date``.
        formats: strftime patterns tried in order; ``None`` means ISO 8601.
        date_formats: Patterns for date-only cells; ``None`` means ISO 8601.
        tz: The file's time zone.

    Raises:
        CellError: Not a timestamp (nor a date) in any of the formats.
    """
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(0), tz)
    if not isinstance(value, str):
        raise CellError(f"expected a timestamp, got {type(value).__name__} {value!r}")
    s = value.strip()
    if not s.isascii():
        s = s.translate(_DIGIT_FOLD)
    stamp: dt.datetime | None = None
    if formats:
        for fmt in formats:
            try:
                stamp = dt.datetime.strptime(s, fmt)
                break
            except ValueError:
                continue
    else:
        try:
            stamp = dt.datetime.fromisoformat(s)
        except ValueError:
            stamp = None
    if stamp is None:
        try:
            day = parse_date(s, date_formats, tz)
        except CellError:
            raise CellError(f"{value!r} is not {_describe_formats(formats, 'timestamp')}") from None
        return dt.datetime.combine(day, dt.time(0), tz)
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=tz)


# ------------------------------------------------------------------ flags and lists

_TRUE = frozenset({"true", "t", "yes", "y", "1", "x", "✓", "✔"})
_FALSE = frozenset({"false", "f", "no", "n", "0", "✗"})


def parse_bool(value: Any) -> bool:
    """Parse a flag: ``true/false``, ``yes/no``, ``y/n``, ``1/0``, native bools.

    Raises:
        CellError: Anything else.
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        key = value.strip().casefold()
        if key in _TRUE:
            return True
        if key in _FALSE:
            return False
    raise CellError(f"{value!r} is not a yes/no value (use true/false, yes/no or 1/0)")


_LIST_SPLIT = re.compile(r"[;,|]")


def _to_str(value: Any) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer():  # spreadsheets store ids as floats: 12345.0 -> "12345"
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _to_list(value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        items = [_to_str(v) for v in value if v is not None]
    else:
        items = [part.strip() for part in _LIST_SPLIT.split(_to_str(value))]
    return [item for item in items if item]


def _to_currency(value: Any) -> str:
    code = _to_str(value).upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise CellError(f"{value!r} is not an ISO 4217 currency code like 'EUR' or 'USD'")
    return code


def _to_timezone(value: Any) -> str:
    name = _to_str(value)
    try:
        zone(name)
    except ValueError as exc:
        raise CellError(str(exc)) from None
    return name


# ------------------------------------------------------------------------- privacy


def _cell(check: Callable[..., str], *args: str) -> str:
    try:
        return check(*args)
    except ValueError as exc:
        raise CellError(str(exc)) from None


def normalise_email(value: str) -> str:
    """Trim and lower-case an email address (see :mod:`partnerkit.privacy`).

    Raises:
        CellError: It does not look like an email address (the reason never repeats it).
    """
    return _cell(privacy.normalise_email, value)


def normalise_phone(value: str) -> str:
    """Reduce a phone number to its digits, keeping a leading ``+``.

    Raises:
        CellError: It has letters or too few digits (the reason never repeats it).
    """
    return _cell(privacy.normalise_phone, _to_str(value))


def hash_email(value: str, salt: str) -> str:
    """Salted SHA-256 (hex) of the email, exactly as every partnerkit connector hashes it."""
    return _cell(privacy.hash_email, value, salt)


def hash_phone(value: str, salt: str) -> str:
    """Salted SHA-256 (hex) of the phone, exactly as every partnerkit connector hashes it."""
    return _cell(privacy.hash_phone, _to_str(value), salt)


# ------------------------------------------------------------------- per-file setup


@dataclass(frozen=True)
class ParseContext:
    """Everything needed to parse the cells of one configured file.

    Attributes:
        numbers: The number format.
        date_formats: strftime patterns for dates (``None``: ISO 8601).
        datetime_formats: strftime patterns for timestamps (``None``: ISO 8601).
        tz: The time zone naive timestamps are in.
        null_values: Cell texts that mean "no value".
        dates_from_timestamps: A timestamp in a date column is taken as its day in
            ``tz`` instead of being rejected.
    """

    numbers: NumberFormat
    date_formats: tuple[str, ...] | None
    datetime_formats: tuple[str, ...] | None
    tz: ZoneInfo
    null_values: frozenset[str]
    dates_from_timestamps: bool = False

    def is_null(self, value: Any) -> bool:
        """Tell whether a cell is empty: ``None``, NaN, or one of the null texts."""
        if value.__class__ is str:
            return value in self.null_values or value.strip() in self.null_values
        if value is None:
            return True
        if isinstance(value, str):
            return value.strip() in self.null_values
        if isinstance(value, float):
            return math.isnan(value)
        return False


def converter_for(info: ColumnInfo, ctx: ParseContext) -> Converter:
    """Choose the parser for a unified column from its type and unit.

    Args:
        info: The column, from :func:`partnerkit.records.columns`.
        ctx: The file's parsing settings.

    Returns:
        A function from a non-null cell to the column's Python type; it raises
        :class:`CellError` for a malformed cell. A money cell written with currency
        marks (``"$12.50"``) gives a :class:`Money`, checked against its row's
        currency by :func:`check_currency`.

    Raises:
        TypeError: The column has a type this connector cannot produce.
    """
    py, unit, fmt = info.python_type, info.column.unit, ctx.numbers
    if py is Decimal and unit == "count":
        return lambda v: _to_hours(v, fmt, info.name)
    if unit == "money" or py is Decimal:
        if py is not Decimal:  # pragma: no cover - guards against a schema change
            raise TypeError(f"money column {info.name!r} is not a Decimal")
        return lambda v: _to_money(v, fmt)
    if py is bool:
        return parse_bool
    if py is int:
        whole: Converter = lambda v: _to_int(v, fmt)  # noqa: E731
        return _count(whole, info.name) if unit == "count" else whole
    if py is float:
        number: Converter = lambda v: _to_float(v, fmt, percent_ok=False)  # noqa: E731
        return _count(number, info.name) if unit == "count" else number
    if py is AwareDatetime or py is dt.datetime:
        return lambda v: parse_datetime(v, ctx.datetime_formats, ctx.date_formats, ctx.tz)
    if py is dt.date:
        days = ctx.dates_from_timestamps
        return lambda v: parse_date(v, ctx.date_formats, ctx.tz, from_timestamps=days)
    if get_origin(py) is list:
        return _to_list
    if py is str:
        if unit == "currency_code":
            return _to_currency
        if unit == "timezone":
            return _to_timezone
        return _to_str
    raise TypeError(f"column {info.name!r} has a type the files connector cannot parse: {py!r}")


class AutoExtra:
    """The parser of an ``auto`` extra column: its first value in a read fixes its type.

    A value that reads as a number makes the column a number column (``float``, so
    the column has one Arrow type whatever the cells look like); anything else (and a
    code with leading zeros such as ``0042``) makes it a text column; a native
    boolean makes it a flag column. Later cells (in every file the source matches)
    must fit that type, or their row is rejected: a stray ``n.d.`` in a number column
    is reported, not mixed in.
    """

    def __init__(self, fmt: NumberFormat) -> None:
        self._fmt = fmt
        self._kind: Literal["number", "text", "bool"] | None = None

    @property
    def kind(self) -> Literal["number", "text", "bool"] | None:
        """The column's type once its first value decided it (None before)."""
        return self._kind

    def _choose(self, value: Any) -> Literal["number", "text", "bool"]:
        if isinstance(value, bool):
            return "bool"
        if isinstance(value, int | float | Decimal):
            return "number"
        if not isinstance(value, str):
            return "text"
        text = value.strip()
        if len(text) > 1 and text[0] == "0" and text[1].isdigit():
            return "text"  # a code with leading zeros (zip, id): keep it as text
        try:
            parse_number(text, self._fmt)
        except CellError:
            return "text"
        return "number"

    def __call__(self, value: Any) -> ExtraValue:
        if self._kind is None:
            self._kind = self._choose(value)
        if self._kind == "text":
            return _to_str(value)
        try:
            if self._kind == "bool":
                return parse_bool(value)
            return _to_float(value, self._fmt, percent_ok=True)
        except CellError as exc:
            raise CellError(
                f"{exc.reason}; this extra column holds {self._kind}s (its first value "
                f"decided): set its type to text to keep any value"
            ) from None


def _extra_decimal(value: Any, fmt: NumberFormat) -> Decimal:
    """An exact extra, with no more digits before the point than an amount may have.

    Any number of decimals is taken (kept at the money scale, rounded).
    """
    number = _to_decimal(value, fmt, percent_ok=True)
    if number.is_finite() and number and number.adjusted() >= MONEY_INTEGER_DIGITS:
        raise CellError(
            f"{value!r} is too large: exact numbers are kept with at most "
            f"{MONEY_INTEGER_DIGITS} digits before the point"
        )
    return number


def extra_converter(kind: str, ctx: ParseContext) -> Callable[[Any], ExtraValue]:
    """Return the parser of an extra column of the given type.

    Args:
        kind: ``"auto"`` (see :class:`AutoExtra`), ``"text"``, ``"integer"``,
            ``"number"`` (float), ``"decimal"`` (exact) or ``"bool"``.
        ctx: The file's parsing settings.
    """
    fmt = ctx.numbers
    if kind == "text":
        return _to_str
    if kind == "integer":
        return lambda v: _to_int(v, fmt)
    if kind == "number":
        return lambda v: _to_float(v, fmt, percent_ok=True)
    if kind == "decimal":
        return lambda v: _extra_decimal(v, fmt)
    if kind == "bool":
        return parse_bool
    return AutoExtra(fmt)
