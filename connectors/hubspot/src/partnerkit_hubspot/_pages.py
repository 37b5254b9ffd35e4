"""HubSpot's answers as flat typed dicts, validated a page at a time, and value parsers.

The CRM endpoints answer with ``results`` (objects whose ``properties`` are all
strings or null), ``paging.next.after`` (plus a ``link`` in list answers) and, for
search, ``total``. A page is validated in one ``TypeAdapter.validate_json`` call;
no object is built per row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, NotRequired, Required, TypeVar, cast

from pydantic import TypeAdapter, ValidationError
from pydantic_core import ErrorDetails
from typing_extensions import TypedDict

from partnerkit.errors import PageShapeError, ResponseShapeError

__all__ = [
    "AssociationPage",
    "AssociationResult",
    "CrmObject",
    "ObjectPage",
    "PageError",
    "SearchPage",
    "TokenAnswer",
    "epoch_ms",
    "next_after",
    "parse_association_page",
    "parse_bool",
    "parse_decimal",
    "parse_object_page",
    "parse_search_page",
    "parse_timestamp",
    "parse_token",
    "text",
]

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
describe = ResponseShapeError.describe
without = ResponseShapeError.without
_MILLISECOND = dt.timedelta(milliseconds=1)


class NextPage(TypedDict, total=False):
    """``paging.next``: the cursor of the next page (and a link, in list answers)."""

    after: Required[str]
    link: str


class Paging(TypedDict, total=False):
    """``paging`` of a CRM answer."""

    next: NextPage


class CrmObject(TypedDict, total=False):
    """One CRM object as the list and search endpoints return it."""

    id: Required[str]
    properties: Required[dict[str, str | None]]
    createdAt: str
    updatedAt: str
    archived: bool
    archivedAt: str


class _CrmResults(TypedDict, total=False):
    results: Required[list[CrmObject]]
    paging: Paging


class ObjectPage(_CrmResults, total=False):
    """A page of CRM objects; ``total`` only in search answers."""

    total: int


class FromObject(TypedDict):
    """The object whose associations a batch result lists."""

    id: str


class AssociationTarget(TypedDict, total=False):
    """One associated object (``toObjectId`` is a number in v4 answers)."""

    toObjectId: Required[int | str]
    associationTypes: list[dict[str, Any]]


AssociationResult = TypedDict(
    "AssociationResult",
    {"from": FromObject, "to": list[AssociationTarget], "paging": NotRequired[Paging]},
)
"""One input's associations in a v4 batch read (``from`` is a keyword, hence this form)."""


class AssociationPage(TypedDict, total=False):
    """A v4 associations batch read: 200, or 207 with ``errors`` for some inputs."""

    status: str
    results: Required[list[AssociationResult]]
    errors: list[dict[str, Any]]
    numErrors: int


class TokenAnswer(TypedDict, total=False):
    """``POST /oauth/v1/token``: a new access token (and the refresh token, unchanged)."""

    access_token: Required[str]
    refresh_token: str
    token_type: str
    expires_in: int


class SearchPage(_CrmResults):
    """A page of CRM search results: ``total`` is always sent (the SDK's model requires it)."""

    total: int


class PageError(ValueError):
    """A page that is not valid JSON or does not have the expected shape.

    Attributes:
        column: The field of a result that does not fit (``results.0.properties``), or
            ``None`` when the body is not JSON.
    """

    def __init__(self, message: str, column: str | None = None) -> None:
        super().__init__(message)
        self.column = column


_PageT = TypeVar("_PageT")

_OBJECT_PAGE = TypeAdapter(ObjectPage)
_SEARCH_PAGE = TypeAdapter(SearchPage)
_ASSOCIATION_PAGE = TypeAdapter(AssociationPage)
_TOKEN = TypeAdapter(TokenAnswer)


def _shape_problem(error: ErrorDetails) -> PageShapeError | None:
    """The shape error of a validation error about the page itself, else ``None``.

    The body, a key of the answer (``results``, ``paging``, ``total``), ``paging``'s
    own keys and a result that is not an object are the page's shape; a result's own
    fields are not.
    """
    loc, kind, value = error["loc"], error["type"], error.get("input")
    if kind == "json_invalid":
        return None
    envelope = len(loc) == 1 or loc[0] == "paging"
    if len(loc) == 2 and loc[0] == "results" and isinstance(loc[1], int):
        return PageShapeError(f"results[{loc[1]}]", "an object", describe(value))
    if not envelope:
        return None
    if kind == "missing":
        return PageShapeError(
            ".".join(str(p) for p in loc[:-1]),
            f"an object with the key {loc[-1]!r}, which HubSpot always sends",
            without(value),
        )
    expected = {
        "list_type": "a JSON array",
        "dict_type": "a JSON object",
        "model_type": "a JSON object",
        "string_type": "a JSON string",
        "int_type": "a whole number",
        "int_parsing": "a whole number",
    }.get(kind, f"a value that fits ({error['msg']})")
    return PageShapeError(".".join(str(p) for p in loc), expected, describe(value))


def _validate(adapter: TypeAdapter[_PageT], raw: bytes) -> _PageT:
    found = ResponseShapeError.top_level(raw)
    if found is not None:  # checked before the parser
        raise PageShapeError("", "a JSON object", found)
    try:
        return adapter.validate_json(raw)
    except ValidationError as exc:
        errors = exc.errors()
        for error in errors:
            problem = _shape_problem(error)
            if problem is not None:
                raise problem from None
        first = errors[0]
        where = ".".join(str(p) for p in first["loc"]) or "the page"
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        column = None if first["type"] == "json_invalid" else where
        raise PageError(f"{where}: {first['msg']}{more}", column) from None


def parse_object_page(raw: bytes) -> ObjectPage:
    """Validate a list answer in one call.

    Raises:
        PageShapeError: The body is JSON but not a page of CRM objects (``results``
            missing or not a list, a result that is not an object, bad ``paging``).
        PageError: The body is not JSON, or a result's fields do not fit.
    """
    return _validate(_OBJECT_PAGE, raw)


def parse_search_page(raw: bytes) -> ObjectPage:
    """Validate a search answer in one call (``total`` and ``results`` required).

    Raises:
        PageShapeError: The body is JSON but not a page of search results.
        PageError: The body is not JSON, or a result's fields do not fit.
    """
    return cast(ObjectPage, _validate(_SEARCH_PAGE, raw))


def parse_association_page(raw: bytes) -> AssociationPage:
    """Validate a v4 associations batch answer in one call.

    Raises:
        PageError: The body is not JSON or not an associations batch answer.
    """
    return _validate(_ASSOCIATION_PAGE, raw)


def parse_token(raw: bytes) -> TokenAnswer:
    """Validate an OAuth token answer.

    Raises:
        PageError: The body is not JSON or has no ``access_token`` (the error never
            repeats the body: it holds secrets).
    """
    try:
        return _TOKEN.validate_json(raw)
    except ValidationError:
        raise PageError("not an OAuth token answer with an access_token") from None


def next_after(page: Mapping[str, Any]) -> str | None:
    """The ``paging.next.after`` cursor of any HubSpot page, or ``None`` on the last page."""
    paging = page.get("paging")
    if not paging:
        return None
    following = paging.get("next")
    return str(following["after"]) if following else None


# --------------------------------------------------------------------- values


def text(value: str | None) -> str | None:
    """A property's text: ``None`` for null or an empty string (HubSpot's "no value")."""
    if value is None:
        return None
    value = value.strip()
    return value or None


def parse_timestamp(value: str | None) -> dt.datetime | None:
    """A datetime property to an aware datetime (UTC).

    HubSpot's v3 answers carry ISO 8601 (``2026-10-01T08:15:30.123Z``); a few legacy
    values are epoch milliseconds (``1696147200000``), and date properties are
    ``2026-10-01`` (read as midnight UTC, which is how HubSpot stores them).

    Raises:
        ValueError: The value is not a timestamp.
    """
    value = text(value)
    if value is None:
        return None
    if value.isdigit():
        return _EPOCH + dt.timedelta(milliseconds=int(value))
    parsed = dt.datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


def epoch_ms(moment: dt.datetime) -> int:
    """Milliseconds since the epoch of an aware datetime (exact, no float rounding)."""
    return (moment - _EPOCH) // _MILLISECOND


def parse_decimal(value: str | None) -> Decimal | None:
    """A number property (``"1500.50"``) to an exact Decimal.

    Raises:
        ValueError: The value is not a finite number.
    """
    value = text(value)
    if value is None:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValueError("not a number") from None
    if not number.is_finite():
        raise ValueError("not a finite number")
    return number


def parse_bool(value: str | None) -> bool | None:
    """A bool property (``"true"`` / ``"false"``) to a bool.

    Raises:
        ValueError: Neither true nor false.
    """
    value = text(value)
    if value is None:
        return None
    lowered = value.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    raise ValueError("not true or false")
