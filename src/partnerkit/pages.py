"""Reading a REST API's JSON answer: what every page parser of a connector checks first.

The parsers of a connector see only the body and raise
:class:`~partnerkit.errors.PageShapeError` (where, what was expected, what was found);
the connector adds the API, the account and the request with
:meth:`~partnerkit.errors.ResponseShapeError.of`. These are the checks every REST
connector makes the same way: the body is a JSON object, a list of objects sits under
its key, a count is a whole number, a name is text.

>>> page = json_object(b'{"reports": [{"id": "a1", "emails_sent": 10}]}')
>>> [count(r["emails_sent"], "reports[0].emails_sent") for r in objects(page, "reports")]
[10]
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from partnerkit.errors import PageShapeError, ResponseShapeError

__all__ = ["count", "json_object", "objects", "text"]

describe = ResponseShapeError.describe


def json_object(body: bytes) -> dict[str, Any]:
    """The body as a JSON object.

    Raises:
        PageShapeError: It is JSON of another kind, or not JSON.
    """
    found = ResponseShapeError.top_level(body)
    if found is not None:
        raise PageShapeError("", "a JSON object", found)
    try:
        value = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise PageShapeError("", "a JSON object", "a body that is not JSON") from None
    if not isinstance(value, dict):
        raise PageShapeError("", "a JSON object", describe(value))
    return value


def objects(
    page: Mapping[str, Any], key: str, item: str = "an object", *, note: str = ""
) -> list[dict[str, Any]]:
    """The list of objects a list answer keeps under ``key``.

    Args:
        page: The answer.
        key: Where the list is, e.g. ``"elements"``.
        item: What each entry is, for the error (``"a report object"``).
        note: Said after the missing key, e.g. ``"which LinkedIn always sends"``.

    Raises:
        PageShapeError: ``key`` is missing, not a list, or holds a non-object.
    """
    if key not in page:
        expected = f"an object with the key {key!r}" + (f", {note}" if note else "")
        raise PageShapeError("", expected, ResponseShapeError.without(page))
    found = page[key]
    if not isinstance(found, list):
        raise PageShapeError(key, "a JSON array", describe(found))
    for index, entry in enumerate(found):
        if not isinstance(entry, dict):
            raise PageShapeError(f"{key}[{index}]", item, describe(entry))
    return found


def count(value: Any, where: str) -> int | None:
    """A count (a JSON number, whole) or ``None`` when left out.

    Raises:
        PageShapeError: It is not a whole number.
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PageShapeError(where, "a whole number", describe(value))
    if isinstance(value, float) and not value.is_integer():
        raise PageShapeError(where, "a whole number", describe(value))
    return int(value)


def text(value: Any) -> str | None:
    """A string or number as text (``None`` for null, blank, a boolean, an object or a list)."""
    if value is None or isinstance(value, bool | dict | list):
        return None
    shown = str(value).strip()
    return shown or None
