"""One figure of a month against the month before: the channel analyses' shared change.

Email (:mod:`partnerkit.analysis.email`), organic social
(:mod:`partnerkit.analysis.social`) and organic search (:mod:`partnerkit.analysis.seo`)
compare plain figures, not KPIs: a count changes as a ratio (``value / previous - 1``),
a rate or a position in its own unit (``value - previous``). A change that cannot be
worked out is ``None`` with its reason. They read a month and the month before the same
way (:func:`month_and_before`, over :func:`window_rows`) and give their changes as table
rows the same way (:func:`change_rows`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeVar

from partnerkit.analysis._data import VIEWS, Result
from partnerkit.analysis._tables import the_one
from partnerkit.analysis.periods import Window, window_sql

if TYPE_CHECKING:
    from partnerkit.analysis._data import Dataset
    from partnerkit.records import RecordKind

__all__ = [
    "ChangeReason",
    "FigureChange",
    "FiguresMonth",
    "as_float",
    "change_rows",
    "figure_change",
    "figure_changes",
    "month_and_before",
    "window_rows",
]

_Totals = TypeVar("_Totals")

ChangeReason = Literal["no_previous", "zero_denominator", "missing_values"]

#: Places a change is rounded to.
_PLACES = 6


@dataclass(frozen=True)
class FigureChange:
    """One figure of the month against the month before.

    Attributes:
        code: The figure (``clicks``, ``click_rate``, ``position``...).
        value: This month's value (``None``: not computable, see ``reason``).
        previous: The previous month's value.
        change: For a count, ``value / previous - 1`` (0.1 is 10% more); for a rate or
            a position, ``value - previous`` in its own unit (0.004 is 0.4 points).
            ``None`` when not computable.
        reason: Why ``change`` is ``None``: ``missing_values`` (this month's value is
            not computable), ``no_previous`` (the previous month's is not) or
            ``zero_denominator`` (a count that was 0 the month before).
    """

    code: str
    value: float | int | None
    previous: float | int | None
    change: float | None
    reason: ChangeReason | None = None


def figure_change(
    code: str, value: float | int | None, previous: float | int | None, *, difference: bool
) -> FigureChange:
    """A figure's change: a difference (``difference``: rates, positions) or a ratio (counts)."""
    if value is None:
        return FigureChange(code, value, previous, None, "missing_values")
    if previous is None:
        return FigureChange(code, value, previous, None, "no_previous")
    if difference:
        return FigureChange(code, value, previous, round(value - previous, _PLACES))
    if previous == 0:
        return FigureChange(code, value, previous, None, "zero_denominator")
    return FigureChange(code, value, previous, round(value / previous - 1, _PLACES))


class FiguresMonth(Result):
    """What a channel's month of figures shares (email, social, organic search).

    A mixin for those result dataclasses: each declares ``month``, ``changes`` and
    ``reason`` (``no_rows_for_month`` when the month has no record, else ``None``) and
    names its channel; the title and the lookup of a change are written here once.
    """

    month: str
    changes: tuple[FigureChange, ...]
    reason: str | None
    #: The channel as the title names it ("Email").
    heading: ClassVar[str] = "Figures"
    #: The channel as a missing figure's message names it ("email").
    figure_kind: ClassVar[str] = "channel"

    @property
    def title(self) -> str:  # type: ignore[override]
        """The display title."""
        return f"{self.heading}, {self.month}"

    def change(self, code: str) -> FigureChange:
        """The month-over-month change of one figure, all together.

        Raises:
            KeyError: There is no figure of this code.
        """
        return the_one(
            self.changes, lambda c: c.code == code, f"{self.figure_kind} figure {code!r}"
        )


def figure_changes(
    codes: Iterable[str],
    value: Callable[[_Totals, str], float | int | None],
    total: _Totals,
    previous: _Totals,
    *,
    rates: Collection[str],
) -> tuple[FigureChange, ...]:
    """Each figure's change (:func:`figure_change`), in the order of ``codes``.

    Args:
        codes: The figures, in the order the result lists them.
        value: Reads one figure's value from a month's totals.
        total: This month's totals.
        previous: The previous month's totals.
        rates: The figures whose change is a difference (rates, positions).
    """
    return tuple(
        figure_change(code, value(total, code), value(previous, code), difference=code in rates)
        for code in codes
    )


def as_float(value: float | int | None) -> float | None:
    """A figure's value as a table's float column holds it (``None`` stays ``None``)."""
    return None if value is None else float(value)


def change_rows(changes: Iterable[FigureChange], **keys: str | None) -> list[dict[str, Any]]:
    """One table row per change: the ``keys`` given, then its figures as floats.

    Each row has ``code``, ``value``, ``previous``, ``change`` and ``reason``; a
    result's table schema (:func:`~partnerkit.analysis._tables.table_of`) keeps the
    columns it names.
    """
    return [
        {
            **keys,
            "code": c.code,
            "value": as_float(c.value),
            "previous": as_float(c.previous),
            "change": c.change,
            "reason": c.reason,
        }
        for c in changes
    ]


def window_rows(
    dataset: Dataset,
    kind: RecordKind,
    columns: Sequence[str],
    window: Window,
    only: Sequence[str] = (),
    *,
    by: str = "platform",
) -> list[dict[str, Any]]:
    """A daily channel kind's rows of the days of a window.

    Args:
        dataset: The records.
        kind: The record kind, with a ``date`` column (a DATE: no time zone involved).
        columns: The columns to read.
        window: The days.
        only: Only the rows whose ``by`` column is one of these (all when empty).
        by: The column ``only`` names values of: ``platform``, or ``account_id`` (a
            Search Console property).

    Returns:
        The rows, as dicts of ``columns``.
    """
    where = window_sql('"date"', window, "UTC", timestamp=False)
    names = ", ".join(f'"{c}"' for c in columns)
    query = f'SELECT {names} FROM "{VIEWS[kind]}" WHERE {where}'
    if only:
        query += f' AND "{by}" IN (SELECT unnest($only))'
        return dataset.sql(query, {"only": list(only)}).to_pylist()
    return dataset.sql(query).to_pylist()


def month_and_before(
    dataset: Dataset,
    kind: RecordKind,
    columns: Sequence[str],
    month: str | dt.date,
    only: Sequence[str] = (),
    *,
    by: str = "platform",
) -> tuple[Window, list[dict[str, Any]], list[dict[str, Any]]]:
    """A daily channel kind's rows of a month and of the month before.

    Args:
        dataset: The records.
        kind: The record kind, with a ``date`` column (a DATE: no time zone involved).
        columns: The columns to read (``date`` among them).
        month: The month, ``"YYYY-MM"`` or any day in it.
        only: Only the rows whose ``by`` column is one of these (all when empty).
        by: The column ``only`` names values of (see :func:`window_rows`).

    Returns:
        The month's window, its rows and the previous month's rows.
    """
    window = Window.month(month)
    span = Window(window.previous().start, window.end)
    rows = window_rows(dataset, kind, columns, span, only, by=by)
    this = [r for r in rows if window.start <= r["date"]]
    before = [r for r in rows if r["date"] < window.start]
    return window, this, before
