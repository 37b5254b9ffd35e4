"""Checks of the arguments every analysis takes, with one wording for each mistake.

* :func:`choice` — an enumerated argument (``by=``, ``attribution=``, ``kind=``) is one
  of its allowed values, and the error lists them;
* :func:`as_of_moment` / :func:`as_of_day` — ``as_of`` is a date or a timezone-aware
  datetime everywhere, with one meaning: a date is the *end* of that day in the
  workspace's time zone (everything on that day has happened), a datetime is that
  instant; its day is the day it falls on in the workspace's time zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TypeVar
from zoneinfo import ZoneInfo

from partnerkit.errors import ConfigurationError

__all__ = ["AsOf", "as_of_day", "as_of_moment", "choice"]

AsOf = dt.date | dt.datetime
"""When an analysis looks from: a day, or an aware instant."""

_T = TypeVar("_T", bound=str)


def choice(name: str, value: _T, allowed: Iterable[str]) -> _T:
    """Return ``value`` when it is one of ``allowed``.

    Raises:
        ConfigurationError: It is not; the message lists the allowed values.
    """
    options = list(allowed)
    if value not in options:
        raise ConfigurationError(
            f"{name} must be one of {', '.join(repr(o) for o in options)}, not {value!r}"
        )
    return value


def as_of_moment(as_of: AsOf | None, timezone: str) -> dt.datetime:
    """The instant ``as_of`` stands for (now when ``None``).

    A date is the end of that day in ``timezone`` (its last microsecond, so the
    instant still falls on that day); an aware datetime is itself.

    Raises:
        ConfigurationError: A naive datetime (its instant is unknown).
    """
    if as_of is None:
        return dt.datetime.now(dt.UTC)
    if isinstance(as_of, dt.datetime):
        if as_of.tzinfo is None or as_of.utcoffset() is None:
            raise ConfigurationError(
                "as_of must be a date or a timezone-aware datetime, e.g. "
                "datetime(2026, 11, 1, 9, 0, tzinfo=UTC)"
            )
        return as_of
    if isinstance(as_of, dt.date):
        return dt.datetime.combine(as_of, dt.time.max, ZoneInfo(timezone))
    raise ConfigurationError(f"as_of must be a date or a timezone-aware datetime, not {as_of!r}")


def as_of_day(as_of: AsOf | None, timezone: str) -> dt.date:
    """The workspace-local day ``as_of`` falls on (today when ``None``).

    Raises:
        ConfigurationError: A naive datetime.
    """
    if isinstance(as_of, dt.datetime) or as_of is None:
        return as_of_moment(as_of, timezone).astimezone(ZoneInfo(timezone)).date()
    if isinstance(as_of, dt.date):
        return as_of
    raise ConfigurationError(f"as_of must be a date or a timezone-aware datetime, not {as_of!r}")
