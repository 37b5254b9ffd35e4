"""Build the report's sections from one month's evaluation (:mod:`partnerkit.analysis.month`).

Each section lives in its own module under :mod:`partnerkit.report._sections` (named as
the section's id: ``trial``, ``summary``, ``work``, ``channels``, ``insights``,
``budget``, ``funnel``, ``sla``, ``learnings``, ``next_month``), a ``build(context)`` that returns
its blocks. What they share (the results, the formatter, the cell and sentence
helpers) is :class:`~partnerkit.report._context.Context`; this module only assembles
them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from partnerkit.analysis.recommend import MIN_LEADS_FOR_SHIFT
from partnerkit.report._context import Context
from partnerkit.report._sections import (
    budget,
    channels,
    funnel,
    insights,
    learnings,
    next_month,
    sla,
    summary,
    trial,
    work,
)
from partnerkit.report.sections import Block, Section, SectionId

__all__ = ["MIN_LEADS_FOR_SHIFT", "Builder"]

_SECTIONS: dict[SectionId, Callable[[Context], list[Block]]] = {
    "trial": trial.build,
    "summary": summary.build,
    "work": work.build,
    "channels": channels.build,
    "insights": insights.build,
    "budget": budget.build,
    "funnel": funnel.build,
    "sla": sla.build,
    "learnings": learnings.build,
    "next": next_month.build,
}


class Builder(Context):
    """Turns a :class:`MonthEvaluation` into sections for one workspace and formatter."""

    def section(self, sid: SectionId, number: int) -> Section:
        """Build one section."""
        return Section(sid, number, self.f.t(f"section.{sid}"), tuple(_SECTIONS[sid](self)))

    def sections(self, chosen: Sequence[SectionId], *, default: bool) -> list[Section]:
        """Build the chosen sections, numbered in order.

        In the month the trial ends and the month before, the trial verdict opens the
        report (section 1) when the selection is the default or names ``trial``; in
        other months ``trial`` is left out.
        """
        order: list[SectionId] = [sid for sid in chosen if sid != "trial"]
        if trial.applies(self) and (default or "trial" in chosen):
            order.insert(0, "trial")
        return [self.section(sid, i) for i, sid in enumerate(order, start=1)]

    def next_month(self) -> list[Block]:
        """The plan and the recommendations (kept in :attr:`recommendations`)."""
        return next_month.build(self)
