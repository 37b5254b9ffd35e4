"""Shared building blocks of the engagement model: the base class and small value types.

Everything here is re-exported from :mod:`partnerkit.model` where it is public. The
value types validate with plain-language messages, because the workspace loader shows
those messages to people editing a YAML file.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import zoneinfo
from collections.abc import Iterable, Sequence
from decimal import Decimal
from enum import StrEnum
from functools import cache
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    model_validator,
)
from pydantic_core import PydanticCustomError

__all__ = [
    "CURRENCY_CODES",
    "FREE_TEXT_FIELDS",
    "Cadence",
    "Channel",
    "CurrencyCode",
    "Duration",
    "DurationUnit",
    "Frequency",
    "Identifier",
    "LocaleTag",
    "Money",
    "Percent",
    "Quarter",
    "Share",
    "Side",
    "TimeZoneName",
    "Weekday",
    "YearMonth",
    "month_bounds",
    "quarter_bounds",
]


# ------------------------------------------------------------ control characters

#: Fields holding free text, where line breaks and tabs are allowed: every other text
#: field is one line. Decided per field name, the same in every model.
FREE_TEXT_FIELDS: frozenset[str] = frozenset(
    {
        "description",  # connections, contract, KPIs, lead definition, SLA terms
        "notes",  # sources, campaigns, partner, contract, roles
        "note",  # escalation steps, targets
        "hypothesis",  # learning log
        "learning_goal",
        "result",
        "learning",
        "observations",  # monthly notes (lists of paragraphs)
        "learnings",
        "next_steps",
    }
)

# C0 controls, DEL and C1 controls, the bidirectional embeddings, overrides and isolates
# (U+202A-U+202E, U+2066-U+2069: they reorder what a reader sees, "Trojan Source") and the
# Unicode line and paragraph separators (U+2028, U+2029); free text keeps tab (\x09) and
# line feed (\x0a). The marks U+200E/U+200F, which Hebrew text legitimately holds, pass.
_INVISIBLE = "\u2028\u2029\u202a-\u202e\u2066-\u2069"
_CONTROL_RE = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f{_INVISIBLE}]")
_CONTROL_IN_FREE_TEXT_RE = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f{_INVISIBLE}]")


def escape_char(char: str) -> str:
    r"""Show a control character as an escape: ``"\n"``, ``"\x1b"``."""
    return '"' + repr(char)[1:-1] + '"'


def _texts(value: Any, at: list[str | int]) -> Iterable[tuple[list[str | int], str]]:
    """Every text in a plain value (dict keys too), with the path to it."""
    if isinstance(value, str):
        yield at, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str):
                yield [*at, key], key
            yield from _texts(item, [*at, key if isinstance(key, str | int) else str(key)])
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from _texts(item, [*at, i])


@cache
def _model_fields(model: type[BaseModel]) -> dict[str, str]:
    """Each field's key, and what it holds: ``"models"``, ``"any"`` (``Any``) or ``"plain"``."""
    kinds = {}
    for name, field in model.model_fields.items():
        annotation: Any = field.annotation
        if annotation is None or not _hashable(annotation) or _holds_models(annotation):
            kind = "models"
        elif annotation is Any:
            kind = "any"
        else:
            kind = "plain"
        kinds[field.alias or name] = kind
    return kinds


@cache
def _holds_models(annotation: Any) -> bool:
    """True when a field's type holds models: those check their own fields."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return any(_holds_models(arg) for arg in get_args(annotation) if _hashable(arg))


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def control_characters(value: Any, field: str) -> list[dict[str, Any]]:
    r"""Find text with control characters: C0, DEL and C1 (tab and line feed in free text).

    Args:
        value: The raw value of a field: text, or lists and mappings of text.
        field: The field's name; the names in :data:`FREE_TEXT_FIELDS` allow tabs and
            line breaks.

    Returns:
        One entry per text holding a control character: ``at`` (the path, starting
        with ``field``), ``char`` (escaped, e.g. ``"\n"``), ``code`` (``U+000A``),
        ``position`` (1-based) and ``message``.
    """
    free = field in FREE_TEXT_FIELDS
    pattern = _CONTROL_IN_FREE_TEXT_RE if free else _CONTROL_RE
    hint = (
        "free text may hold line breaks and tabs, but no other control character"
        if free
        else "this field is one line of text; remove it (a line break, a tab or an invisible "
        "character pasted with the text)"
    )
    found = []
    for at, text in _texts(value, [field]):
        bad = pattern.search(text)
        if bad is None:
            continue
        char, code = escape_char(bad.group()), f"U+{ord(bad.group()):04X}"
        found.append(
            {
                "at": at,
                "char": char,
                "code": code,
                "position": bad.start() + 1,
                "text": text,
                "message": f"contains the control character {char} ({code}) at character "
                f"{bad.start() + 1}; {hint}",
            }
        )
    return found


_PLAIN_TYPES = (bool, int, float, Decimal, dt.date, dt.time)


class _Model(BaseModel):
    """Base of every model: unknown keys are errors, numbers may stand for ids.

    A key written with nothing after it (``campaigns:``) reads as null; for a key that
    has a default and does not take null, that means "use the default". Text with a
    control character is refused in every field (see :func:`control_characters`).
    """

    model_config = ConfigDict(
        extra="forbid",
        coerce_numbers_to_str=True,
        str_strip_whitespace=True,
        validate_default=False,
    )

    @model_validator(mode="before")
    @classmethod
    def _empty_means_default(cls, data: Any) -> Any:
        if not isinstance(data, dict) or all(v is not None for v in data.values()):
            return data
        fields = cls.model_fields
        return {
            key: value
            for key, value in data.items()
            if not (
                value is None
                and key in fields
                and not fields[key].is_required()
                and not _takes_none(fields[key].annotation)
            )
        }

    @model_validator(mode="before")
    @classmethod
    def _no_control_characters(cls, data: Any) -> Any:
        """Swap text holding control characters for a :class:`Refused` marker.

        The field then fails its own validation at its own key path (every other
        field is still checked); the loader turns the marker into the problem. A
        field that takes anything (``Any``) cannot fail on a marker: it raises here.
        """
        if not isinstance(data, dict):
            return data
        refused: dict[str, Refused] = {}
        for key, kind in _model_fields(cls).items():
            value = data.get(key)
            if value is None or isinstance(value, _PLAIN_TYPES):
                continue
            if kind == "models" and not isinstance(value, str):
                continue  # models check their own fields; text is a shorthand, checked here
            found = control_characters(value, key)
            if found and kind == "any":
                raise PydanticCustomError(
                    "control_character", "{summary}", {"summary": found[0]["message"]}
                )
            if found:
                refused[key] = Refused(found)
        return {**data, **refused} if refused else data


class Refused:
    """A field value refused for its control characters (see :func:`control_characters`).

    Attributes:
        found: What :func:`control_characters` found, with the path inside the field.
    """

    __slots__ = ("found",)

    def __init__(self, found: list[dict[str, Any]]) -> None:
        self.found = found

    def __repr__(self) -> str:
        return f"<refused: {self.found[0]['message']}>"


def _takes_none(annotation: Any) -> bool:
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    return annotation is None or type(None) in get_args(annotation)


def closest(word: str, choices: Iterable[str], n: int = 1) -> list[str]:
    """Return the closest matches of ``word`` among ``choices`` (case-insensitive)."""
    pool = {c.lower(): c for c in choices}
    return [pool[m] for m in difflib.get_close_matches(word.lower(), list(pool), n=n, cutoff=0.6)]


def did_you_mean(word: object, choices: Iterable[str]) -> str:
    """The hint an error message ends with when a name is not one of ``choices``.

    The one wording of "did you mean" in partnerkit: the closest of ``choices`` to
    ``word`` (case-insensitive, :mod:`difflib` with a 0.6 cutoff), ready to append
    after the message's full stop. Public as ``partnerkit.model.did_you_mean`` for any
    module (or plugin) that rejects a name from a known list.

    Args:
        word: The name that was given; anything but a string gets no hint.
        choices: The names that would have been accepted.

    Returns:
        ``" Did you mean 'x'?"`` (leading space included), or ``""`` when nothing is
        close enough.

    Example:
        >>> did_you_mean("cpll", ["cpl", "roas"])
        " Did you mean 'cpl'?"
        >>> did_you_mean("zzz", ["cpl", "roas"])
        ''
    """
    if not isinstance(word, str):
        return ""
    found = closest(word, choices)
    return f" Did you mean {found[0]!r}?" if found else ""


def listify(value: Any) -> Any:
    """Turn a single scalar into a one-item list (YAML convenience); leave the rest."""
    if value is None:
        return []
    if isinstance(value, str | int | Decimal | float):
        return [value]
    return value


# ------------------------------------------------------------------ identifiers

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")


def matching(pattern: re.Pattern[str], message: str) -> AfterValidator:
    """A validator for ``Annotated[str, ...]`` that refuses what ``pattern`` does not match.

    Args:
        pattern: What a valid value looks like (``match``: anchor its end with ``$``).
        message: The reason shown for a refused value (``"must be ..."``).

    Returns:
        The validator; it gives a matching value back unchanged.
    """

    def check(value: str) -> str:
        if not pattern.match(value):
            raise ValueError(message)
        return value

    return AfterValidator(check)


Identifier = Annotated[
    str,
    matching(
        _ID_RE,
        "must be an id of letters, digits, '-', '_' or '.', starting with a letter or "
        "digit, at most 64 characters (e.g. google-search)",
    ),
]
"""An id other entries refer to: letters, digits, ``-``, ``_`` or ``.``."""


# --------------------------------------------------------------------- currency

#: Active ISO 4217 currency codes (plus the funds and precious-metal codes).
CURRENCY_CODES: frozenset[str] = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD
    BTN BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP
    DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR
    IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD
    MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB
    PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD
    SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS
    VED VES VND VUV WST XAF XAG XAU XBA XBB XBC XBD XCD XCG XDR XOF XPD XPF XPT XSU XTS XUA
    XXX YER ZAR ZMW ZWG ZWL
    """.split()  # noqa: SIM905 - a table, easier to read than a list
)


def _check_currency(value: str) -> str:
    code = value.upper()
    if code not in CURRENCY_CODES:
        hint = did_you_mean(code, CURRENCY_CODES)
        raise ValueError(f"must be an ISO 4217 currency code such as USD, EUR or ILS.{hint}")
    return code


CurrencyCode = Annotated[str, AfterValidator(_check_currency)]
"""An ISO 4217 currency code (``"ILS"``, ``"USD"``); lower case is accepted and upper-cased."""


# -------------------------------------------------------------------- time zone


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _check_time_zone(value: str) -> str:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone; use an IANA name such as Asia/Jerusalem, Europe/London or "
            f"America/New_York.{did_you_mean(value, _time_zones())}"
        ) from None
    return value


TimeZoneName = Annotated[str, AfterValidator(_check_time_zone)]
"""An IANA time zone name, checked with :mod:`zoneinfo`."""


# ----------------------------------------------------------------------- locale

_LOCALE_RE = re.compile(r"^([a-z]{2,3})(?:-([A-Z][a-z]{3}))?(?:-([A-Z]{2}|[0-9]{3}))?$")


def _check_locale(value: str) -> str:
    tag = value.replace("_", "-")
    parts = tag.split("-")
    if parts:
        parts[0] = parts[0].lower()
    if len(parts) > 1 and len(parts[-1]) == 2:
        parts[-1] = parts[-1].upper()
    tag = "-".join(parts)
    if not _LOCALE_RE.match(tag):
        raise ValueError("must be a locale tag such as en-US, he-IL or th-TH")
    return tag


LocaleTag = Annotated[str, AfterValidator(_check_locale)]
"""A BCP 47 locale tag (language, optional script, optional region), e.g. ``"he-IL"``."""


# ---------------------------------------------------------------------- numbers

Money = Annotated[Decimal, Field(ge=0, allow_inf_nan=False)]
"""A non-negative exact amount of money (its currency is given next to it or inherited)."""

Percent = Annotated[Decimal, Field(ge=0, le=100, allow_inf_nan=False)]
"""A percentage between 0 and 100 (``12.5`` means 12.5%)."""


def _share(value: Any) -> Any:
    if isinstance(value, str) and value.strip().endswith("%"):
        try:
            return Decimal(value.strip()[:-1].strip()) / 100
        except ArithmeticError:
            raise ValueError("must be a share such as 0.9 or '90%'") from None
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool) and value > 1:
        raise ValueError(
            f"is a share between 0 and 1 (0.9 means 90%); write {Decimal(value) / 100} or "
            f"'{value}%'"
        )
    return value


Share = Annotated[Decimal, BeforeValidator(_share), Field(ge=0, le=1, allow_inf_nan=False)]
"""A share between 0 and 1; ``"90%"`` is accepted for 0.9."""


# ------------------------------------------------------------------ vocabularies


class Side(StrEnum):
    """The two sides of the engagement."""

    PARTNER = "partner"
    """The agency, freelancer or consultant."""
    IN_HOUSE = "in_house"
    """The business itself (marketing, sales, management)."""


class Channel(StrEnum):
    """partnerkit's channel vocabulary, the same as the records' ``channel`` column."""

    PAID_SEARCH = "paid_search"
    PAID_SOCIAL = "paid_social"
    ORGANIC_SEARCH = "organic_search"
    ORGANIC_SOCIAL = "organic_social"
    EMAIL = "email"
    REFERRAL = "referral"
    DIRECT = "direct"
    DISPLAY = "display"
    VIDEO = "video"
    AFFILIATE = "affiliate"
    OFFLINE = "offline"
    OTHER = "other"


class Weekday(StrEnum):
    """A day of the week; three-letter abbreviations (``sun``) are accepted."""

    MONDAY = "monday"
    TUESDAY = "tuesday"
    WEDNESDAY = "wednesday"
    THURSDAY = "thursday"
    FRIDAY = "friday"
    SATURDAY = "saturday"
    SUNDAY = "sunday"

    @classmethod
    def _missing_(cls, value: object) -> Weekday | None:
        if isinstance(value, str):
            text = value.strip().lower()
            for day in cls:
                if text == day.value or (len(text) >= 3 and day.value.startswith(text)):
                    return day
        return None

    @property
    def number(self) -> int:
        """The day's number as :meth:`datetime.date.weekday` gives it (Monday is 0)."""
        return list(Weekday).index(self)

    @classmethod
    def of(cls, day: dt.date) -> Weekday:
        """Return the weekday of a date."""
        return list(cls)[day.weekday()]


Frequency = Literal["once", "week", "month", "quarter", "year"]
"""How often something recurs: a deliverable, a report."""


# ------------------------------------------------------------------ year-month


_MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_QUARTER_RE = re.compile(r"^(\d{4})-Q([1-4])$")


def _check_month(value: Any) -> Any:
    if isinstance(value, dt.date):
        raise ValueError(f"a month is written year-month, e.g. {value:%Y-%m}, not a full date")
    if isinstance(value, str) and not _MONTH_RE.match(value.strip()):
        raise ValueError("must be a month written year-month, e.g. 2026-07")
    return value


def _check_quarter(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip().upper()
        if not _QUARTER_RE.match(text):
            raise ValueError("must be a quarter written year-Qn, e.g. 2026-Q3")
        return text
    return value


YearMonth = Annotated[str, BeforeValidator(_check_month)]
"""A calendar month written ``YYYY-MM`` (e.g. ``"2026-07"``)."""

Quarter = Annotated[str, BeforeValidator(_check_quarter)]
"""A calendar quarter written ``YYYY-Qn`` (e.g. ``"2026-Q3"``)."""


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    """Return the first and last day of a ``YYYY-MM`` month.

    Args:
        month: The month, e.g. ``"2026-02"``.

    Returns:
        ``(first day, last day)``, e.g. ``(2026-02-01, 2026-02-28)``.
    """
    match = _MONTH_RE.match(month)
    if match is None:
        raise ValueError(f"not a month: {month!r}")
    year, mon = int(match[1]), int(match[2])
    first = dt.date(year, mon, 1)
    nxt = dt.date(year + 1, 1, 1) if mon == 12 else dt.date(year, mon + 1, 1)
    return first, nxt - dt.timedelta(days=1)


def quarter_bounds(quarter: str) -> tuple[dt.date, dt.date]:
    """Return the first and last day of a ``YYYY-Qn`` quarter.

    Args:
        quarter: The quarter, e.g. ``"2026-Q3"``.

    Returns:
        ``(first day, last day)``, e.g. ``(2026-07-01, 2026-09-30)``.
    """
    match = _QUARTER_RE.match(quarter)
    if match is None:
        raise ValueError(f"not a quarter: {quarter!r}")
    year, q = int(match[1]), int(match[2])
    first = month_bounds(f"{year}-{3 * q - 2:02d}")[0]
    last = month_bounds(f"{year}-{3 * q:02d}")[1]
    return first, last


# -------------------------------------------------------------------- durations

DurationUnit = Literal["minutes", "hours", "days", "business_hours", "business_days"]
"""Units of a :class:`Duration`; the ``business_`` ones count only working time."""

_DURATION_UNITS: tuple[str, ...] = ("minutes", "hours", "days", "business_hours", "business_days")
_DURATION_TEXT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([A-Za-z][A-Za-z _]*?)\s*$")


def _unit_name(text: str) -> str | None:
    word = re.sub(r"[\s_]+", "_", text.strip().lower())
    for unit in _DURATION_UNITS:
        if word in (unit, unit.rstrip("s")):
            return unit
    return None


class Duration(_Model):
    """A length of time, in calendar or business units.

    Written in the workspace file as ``{business_hours: 4}``, ``{business_days: 2}``,
    ``{hours: 24}``, as text (``"4 business hours"``), or as ``{value: 4, unit:
    business_hours}``. Business units count only the working hours / days of the
    workspace's :class:`~partnerkit.model.BusinessCalendar`.

    Attributes:
        value: How many units (more than 0).
        unit: The unit.
    """

    value: Annotated[Decimal, Field(gt=0, allow_inf_nan=False)]
    unit: DurationUnit

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        hint = "write e.g. {business_hours: 4}, {business_days: 2} or '4 business hours'"
        if isinstance(data, str):
            match = _DURATION_TEXT.match(data)
            unit = _unit_name(match[2]) if match else None
            if match is None or unit is None:
                raise ValueError(f"is not a duration; {hint}")
            return {"value": Decimal(match[1]), "unit": unit}
        if isinstance(data, dict) and len(data) == 1 and not {"value", "unit"} & set(data):
            ((key, value),) = data.items()
            unit = _unit_name(str(key))
            if unit is None:
                raise ValueError(
                    f"unknown duration unit {key!r}.{did_you_mean(str(key), _DURATION_UNITS)} "
                    f"Units: {', '.join(_DURATION_UNITS)}; {hint}"
                )
            return {"value": value, "unit": unit}
        return data

    @property
    def is_business(self) -> bool:
        """True when the duration counts only working time."""
        return self.unit.startswith("business_")

    def as_timedelta(self) -> dt.timedelta:
        """Convert a calendar duration to a :class:`datetime.timedelta`.

        Raises:
            ValueError: The duration is in business units; those need a calendar.
        """
        if self.is_business:
            raise ValueError(f"{self} counts working time; convert it with a business calendar")
        seconds = {"minutes": 60, "hours": 3600, "days": 86400}[self.unit]
        return dt.timedelta(seconds=float(self.value * seconds))

    def __str__(self) -> str:
        unit = self.unit.replace("_", " ")
        return f"{self.value.normalize():f} {unit[:-1] if self.value == 1 else unit}"


class Cadence(_Model):
    """How often something recurs, e.g. a meeting every two weeks.

    Written as ``{every: week, interval: 2}`` or as ``weekly``, ``biweekly``,
    ``monthly``, ``quarterly``.

    Attributes:
        every: The period unit.
        interval: How many units between occurrences (2 with ``week`` = every other week).
    """

    every: Literal["week", "month", "quarter"]
    interval: Annotated[int, Field(ge=1)] = 1

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if isinstance(data, str):
            words = {
                "weekly": ("week", 1),
                "biweekly": ("week", 2),
                "bi-weekly": ("week", 2),
                "fortnightly": ("week", 2),
                "monthly": ("month", 1),
                "quarterly": ("quarter", 1),
            }
            found = words.get(data.strip().lower())
            if found is None:
                raise ValueError(
                    "is not a cadence; write weekly, biweekly, monthly, quarterly or "
                    "{every: week, interval: 2}"
                )
            return {"every": found[0], "interval": found[1]}
        return data

    def __str__(self) -> str:
        return (
            f"every {self.every}" if self.interval == 1 else f"every {self.interval} {self.every}s"
        )


def unique_weekdays(days: Sequence[Weekday]) -> list[Weekday]:
    """Check a list of weekdays has no repeats; keep the order it was written in."""
    if len(set(days)) != len(days):
        raise ValueError("lists a day more than once")
    return list(days)
