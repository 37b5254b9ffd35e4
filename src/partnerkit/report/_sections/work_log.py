"""The work section's work log, hours against the bank and meetings.

Renders :class:`~partnerkit.analysis.worklog.WorkLog`,
:class:`~partnerkit.analysis.hours.HoursUsed` and
:class:`~partnerkit.analysis.meetings.MeetingLog` (``MonthEvaluation.work_log``,
``.hours``, ``.meetings``); it computes no figure. Each part shows only when the month
has its analysis (the workspace has work items, time records or a bank of hours, or
meeting items).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from partnerkit.analysis.hours import HoursUsed
from partnerkit.analysis.meetings import MeetingItem, MeetingLog
from partnerkit.analysis.worklog import WorkItem, WorkLog
from partnerkit.report._context import Context
from partnerkit.report.i18n import N_
from partnerkit.report.sections import Block, Bullets, Cell, Heading, NoData, Table, Text

__all__ = ["blocks"]


def blocks(ctx: Context) -> list[Block]:
    """The work log (completed vs remaining), hours against the bank, meetings."""
    out: list[Block] = []
    if ctx.r.work_log is not None or "work_log" in ctx.r.errors:
        out += _work_log(ctx, ctx.r.work_log)
    if ctx.r.hours is not None or "hours" in ctx.r.errors:
        out += _hours(ctx, ctx.r.hours)
    if ctx.r.meetings is not None or "meetings" in ctx.r.errors:
        out += _meetings(ctx, ctx.r.meetings)
    return out


def done_cell(ctx: Context, item: WorkItem) -> Cell:
    """When a work item was done, or a dash."""
    return ctx.text("—" if item.done_date is None else ctx.f.date(item.done_date))


def _due(ctx: Context, item: WorkItem) -> Cell:
    if item.due_date is None:
        return ctx.text("—")
    due = ctx.f.date(item.due_date)
    return ctx.text(ctx.f.t("work.overdue_since", due=due) if item.overdue else due)


def _items(
    ctx: Context,
    key: str,
    items: tuple[WorkItem, ...],
    day_head: str,
    day: Callable[[Context, WorkItem], Cell],
) -> list[Block]:
    """A heading and a table of work items: title, type, owner, a day, scope."""
    if not items:
        return []
    f = ctx.f
    heads = (f.t("col.item"), f.t("col.type"), f.t("col.owner"), day_head, f.t("col.scope"))
    rows = tuple(item_row(ctx, i, day) for i in items)
    return [Heading(f.t(key)), Table(key, heads, rows)]


def item_row(
    ctx: Context, item: WorkItem, day: Callable[[Context, WorkItem], Cell]
) -> tuple[Cell, ...]:
    """A work item's cells: title, type, owner, a day, scope (also the review's)."""
    return (
        ctx.text(item.title or item.item_id),
        _type(ctx, item),
        ctx.text(item.owner or "—"),
        day(ctx, item),
        _scope(ctx, item),
    )


#: The item types the report words (``WorkItem.item_type``); others are shown as written.
TYPE_WORDS = {
    "deliverable": N_("work.type.deliverable"),
    "content": N_("work.type.content"),
    "optimisation": N_("work.type.optimisation"),
    "change_request": N_("work.type.change_request"),
    "task": N_("work.type.task"),
}


def _type(ctx: Context, item: WorkItem) -> Cell:
    if item.item_type is None:
        return ctx.text("—")
    key = TYPE_WORDS.get(item.item_type)
    return ctx.text(ctx.f.t(key) if key else item.item_type)


def _scope(ctx: Context, item: WorkItem) -> Cell:
    if item.scope_reason is None:
        return ctx.text(ctx.f.t("work.in_scope"))
    return ctx.text(ctx.f.t(f"work.scope.{item.scope_reason}"))


def _work_log(ctx: Context, log: WorkLog | None) -> list[Block]:
    out: list[Block] = [Heading(ctx.f.t("work.log"))]
    if log is None:
        return [*out, ctx.failed("work_log")]
    f = ctx.f
    out.append(
        ctx.sentence(
            N_("work.log_counts"),
            {"done": ctx.number(len(log.completed)), "open": ctx.number(len(log.remaining))},
        )
    )
    if log.out_of_scope:
        out.append(
            ctx.sentence(
                N_("work.out_of_scope_count"),
                {"count": ctx.number(len(log.out_of_scope))},
                "bad",
            )
        )
    out += _items(ctx, N_("work.completed"), log.completed, f.t("col.done"), done_cell)
    out += _items(ctx, N_("work.remaining"), log.remaining, f.t("col.due"), _due)
    return out


def _hours(ctx: Context, hours: HoursUsed | None) -> list[Block]:
    out: list[Block] = [Heading(ctx.f.t("work.hours"))]
    if hours is None:
        return [*out, ctx.failed("hours")]
    f = ctx.f
    if hours.used is None:
        out.append(NoData(f.t("no_data", reason=f.reason(hours.reason))))
        return out
    if hours.overage_hours:
        cells = {
            "used": ctx.number(hours.used, 2),
            "bank": ctx.number(hours.bank, 2),
            "over": ctx.number(hours.overage_hours, 2),
        }
        if hours.overage_cost is not None:
            cells["cost"] = ctx.money(hours.overage_cost)
            out.append(ctx.sentence(N_("work.hours_overrun_cost"), cells, "bad"))
        else:
            out.append(ctx.sentence(N_("work.hours_overrun"), cells, "bad"))
    no_bank = "no_bank"  # the bank, what is left of it and hours beyond: none without a bank
    rows: list[tuple[Cell, ...]] = [
        (ctx.text(f.t("hours.bank")), hours_cell(ctx, hours.bank, no_bank)),
        (ctx.text(f.t("hours.used")), ctx.number(hours.used, 2)),
        (ctx.text(f.t("hours.remaining")), hours_cell(ctx, hours.remaining, no_bank)),
        (ctx.text(f.t("hours.overage")), hours_cell(ctx, hours.overage_hours, no_bank)),
        (
            ctx.text(f.t("hours.overage_cost")),
            ctx.money(hours.overage_cost, "no_overage_rate"),
        ),
    ]
    if not hours.complete:
        rows.append(
            (
                ctx.text(f.t("hours.forecast")),
                hours_cell(ctx, hours.forecast, hours.reason or "not_computable"),
            )
        )
    out.append(Table("work.hours", ("", f.t("col.this_month")), tuple(rows)))
    if hours.by_task_type:
        out.append(
            Table(
                "work.hours_by_type",
                (f.t("col.task_type"), f.t("col.hours"), f.t("col.billable")),
                tuple(
                    (
                        ctx.text(t.task_type or "—"),
                        ctx.number(t.hours, 2),
                        hours_cell(ctx, t.billable, "not_given"),
                    )
                    for t in hours.by_task_type
                ),
            )
        )
    return out


def hours_cell(ctx: Context, value: Decimal | None, why: str) -> Cell:
    """Hours to two places, or why there are none."""
    if value is None:
        return ctx.missing(why)
    return ctx.number(value, 2)


def _meetings(ctx: Context, log: MeetingLog | None) -> list[Block]:
    out: list[Block] = [Heading(ctx.f.t("work.meetings"))]
    if log is None:
        return [*out, ctx.failed("meetings")]
    f = ctx.f
    if log.meetings:
        out.append(
            Bullets(
                tuple(
                    ctx.sentence(
                        N_("work.meeting_line"),
                        {
                            "title": ctx.text(m.title or m.meeting_id),
                            "decisions": ctx.number(len(m.decisions)),
                            "actions": ctx.number(len(m.actions)),
                        },
                        date=f.date(m.date),
                    )
                    for m in log.meetings
                )
            )
        )
    if not log.overdue:
        out.append(Text(f.t("work.no_overdue_actions"), tone="good"))
        return out
    out.append(
        ctx.sentence(
            N_("work.overdue_actions_count"), {"count": ctx.number(len(log.overdue))}, "bad"
        )
    )
    out.append(
        Table(
            "work.overdue_actions",
            (f.t("col.action"), f.t("col.owner"), f.t("col.due"), f.t("col.meeting")),
            tuple(action_row(ctx, i) for i in log.overdue),
        )
    )
    return out


def action_row(ctx: Context, item: MeetingItem) -> tuple[Cell, ...]:
    """An action item's cells: text, owner, due, the meeting (also the review's)."""
    f = ctx.f
    return (
        ctx.text(item.text or item.item_id),
        ctx.text(item.owner or "—"),
        ctx.text("—" if item.due_date is None else f.date(item.due_date)),
        ctx.text(f"{item.meeting_title or item.meeting_id} ({f.date(item.meeting_date)})"),
    )
