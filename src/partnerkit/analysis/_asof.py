"""What the month's logs counted as of a day share: the month, the day, the title, the read.

The work log, the meetings and the hours read one month up to a day
(:func:`~partnerkit.analysis.periods.last_day_counted`); this is their one home for that.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from partnerkit.analysis._data import Result
from partnerkit.analysis.periods import Window, last_day_counted

if TYPE_CHECKING:
    from partnerkit.analysis._args import AsOf
    from partnerkit.analysis._data import Dataset
    from partnerkit.model import Workspace


@dataclass(frozen=True)
class MonthAsOf(Result):
    """A result of one month counted up to a day.

    Attributes:
        month: The month.
        as_of: The last day counted.
    """

    month: Window
    as_of: dt.date
    #: What the title calls the result ("Work log").
    heading: ClassVar[str] = "Result"

    @property
    def title(self) -> str:  # type: ignore[override]
        """The display title."""
        return f"{self.heading} — {self.month} as of {self.as_of}"


def month_rows(
    workspace: Workspace, dataset: Dataset, month: str | dt.date, as_of: AsOf | None, sql: str
) -> tuple[Window, dt.date, list[dict[str, Any]]]:
    """The month, its last day counted, and the rows a query reads up to that day.

    Args:
        workspace: The engagement (its time zone).
        dataset: The records.
        month: The month, ``"2026-10"`` or any day in it.
        as_of: The last day counted (see :func:`~partnerkit.analysis.periods.last_day_counted`).
        sql: A query with one parameter, the last day counted.
    """
    window = Window.month(month)
    cutoff = last_day_counted(window, as_of, workspace.timezone)
    return window, cutoff, dataset.sql(sql, [cutoff]).to_pylist()
