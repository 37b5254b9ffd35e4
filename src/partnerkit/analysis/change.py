"""One figure of a month against the month before: the channel analyses' shared change.

Email (:mod:`partnerkit.analysis.email`) and organic search
(:mod:`partnerkit.analysis.seo`) compare plain figures, not KPIs: a count changes as a
ratio (``value / previous - 1``), a rate or a position in its own unit
(``value - previous``). A change that cannot be worked out is ``None`` with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from partnerkit.analysis._data import Result
from partnerkit.analysis._tables import the_one

__all__ = ["ChangeReason", "FigureChange", "FiguresMonth", "figure_change"]

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

    A mixin for those result dataclasses: each declares ``month`` and ``changes`` and
    names its channel; the title and the lookup of a change are written here once.
    """

    month: str
    changes: tuple[FigureChange, ...]
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
