"""What the SEO, email and social parts share: their opening and a figure's cells.

A figure's cells are its value against the month before and its target. Nothing here
computes a figure: values, previous values and changes are read from the analysis
results (:mod:`partnerkit.analysis.seo`, :mod:`partnerkit.analysis.email`,
:mod:`partnerkit.analysis.social`); targets from the month's evaluated targets.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Literal, TypeVar

from partnerkit.analysis.change import FigureChange, FiguresMonth
from partnerkit.analysis.kpis import KPIValue
from partnerkit.report._context import Context
from partnerkit.report.sections import Block, Cell, Heading

__all__ = [
    "Kind",
    "changed",
    "figure_columns",
    "figure_row",
    "part",
    "shown",
    "target_cells",
]

_Month = TypeVar("_Month", bound=FiguresMonth)

#: How a figure is shown: a count, a 0–1 ratio as a percentage, or a position.
Kind = Literal["count", "ratio", "position"]


def shown(ctx: Context, value: float | int | None, kind: Kind, why: str | None = None) -> Cell:
    """A figure in its kind: a count, a ratio as a percentage, a position to one place."""
    if value is None:
        return ctx.missing(why or "not_computable")
    number = Decimal(str(value))
    if kind == "ratio":
        return Cell(ctx.f.share(number, 2), number, numeric=True)
    if kind == "position":
        return ctx.number(number, 1)
    return ctx.number(number)


def changed(ctx: Context, change: float | None, kind: Kind, why: str | None) -> Cell:
    """A change: relative for counts, in points for ratios, in places for a position."""
    if change is None:
        return ctx.missing(why or "no_previous")
    number = Decimal(str(change))
    sign = "+" if number > 0 else ("−" if number < 0 else "")
    if kind == "count":
        return Cell(ctx.f.signed_percent(number * 100), number, numeric=True)
    if kind == "ratio":
        points = sign + ctx.f.number(abs(number) * 100, 2)
        return Cell(ctx.f.t("change.points", value=points), number, numeric=True)
    return Cell(sign + ctx.f.number(abs(number), 1), number, numeric=True)


def target_cells(ctx: Context, kpi: str | None) -> tuple[Cell, Cell]:
    """The workspace's target on a KPI for the whole month, and its status."""
    found = _target(ctx, kpi)
    if found is None:
        return ctx.missing("no_target"), ctx.text(ctx.f.t("status.none"))
    return ctx.unit(found.target, found.unit, "no_target"), ctx.status(found)


def _target(ctx: Context, kpi: str | None) -> KPIValue | None:
    if kpi is None:
        return None
    for v in ctx.r.targets or ():
        if v.kpi == kpi and v.scope == "all" and v.target is not None:
            return v
    return None


def figure_columns(ctx: Context) -> tuple[str, ...]:
    """The columns of :func:`figure_row`."""
    t = ctx.f.t
    return (
        t("col.metric"),
        t("col.this_month"),
        t("col.previous"),
        t("col.change"),
        t("col.target"),
        t("col.status"),
    )


def figure_row(
    ctx: Context, name: str, item: FigureChange, kind: Kind, kpi: str | None
) -> tuple[Cell, ...]:
    """A figure's row: its name, this month, the previous, the change, target and status."""
    return (
        ctx.text(name),
        shown(ctx, item.value, kind),
        shown(ctx, item.previous, kind, "no_previous"),
        changed(ctx, item.change, kind, item.reason),
        *target_cells(ctx, kpi),
    )


def part(
    ctx: Context,
    name: str,
    month: _Month | None,
    body: Callable[[Context, _Month], list[Block]],
) -> list[Block]:
    """A channel's part: its heading, then its "no data" note or its ``body``.

    Nothing without the channel's month (the workspace has no such record in the month
    or the month before); the "no data" note when the month has none (its ``reason``).
    The messages are ``<name>.heading`` and ``<name>.none`` (marked where they belong).

    Args:
        ctx: The report's context.
        name: The channel's message prefix (``email``, ``social``, ``seo``).
        month: The channel's month from the evaluation.
        body: The part's blocks after the heading, for a month with records.
    """
    if month is None:
        return []
    out: list[Block] = [Heading(ctx.f.t(f"{name}.heading"))]
    if month.reason is not None:
        out.append(ctx.nodata(f"{name}.none", month=ctx.f.month(ctx.r.month)))
        return out
    return out + body(ctx, month)
