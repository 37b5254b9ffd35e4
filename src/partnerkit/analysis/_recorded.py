"""Hours recorded in a window: the time records' one sum, shared by the cost and the hours.

Its own module so that :mod:`partnerkit.analysis.cost` (the overage fee line) and
:mod:`partnerkit.analysis.hours` (hours against the bank) read hours used the same way
without importing each other.
"""

from __future__ import annotations

from decimal import Decimal

from partnerkit.analysis._data import Dataset
from partnerkit.analysis.periods import Window

__all__ = ["recorded_hours"]


def recorded_hours(dataset: Dataset, window: Window) -> Decimal | None:
    """The hours of the time records dated within ``window``.

    Returns:
        Their sum; ``None`` when no time record falls in the window (no hours
        recorded is not 0 hours used).
    """
    got = dataset.sql(
        "SELECT count(*) AS n, sum(hours) AS hours FROM time_entry WHERE date BETWEEN ? AND ?",
        [window.start, window.end],
    ).to_pylist()[0]
    return None if not got["n"] else Decimal(got["hours"])
