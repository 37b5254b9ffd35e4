"""The quarterly review's sections, read from a :class:`QuarterEvaluation`.

Each ``build_*`` returns a section's blocks. Every figure is a month's evaluation's
(:class:`~partnerkit.analysis.month.MonthEvaluation`) or the quarter's
(:class:`~partnerkit.analysis.review.QuarterEvaluation`); nothing is computed here.
Months without data are named once, in the overview, with the reason; the other
sections show the months that have data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from partnerkit.analysis.month import MonthEvaluation, figure, reason
from partnerkit.analysis.review import QUARTER_KPIS, Action, ProposalItem, QuarterEvaluation
from partnerkit.model import BUILTIN_KPIS, TOTAL_COST_KPIS, KPIUnit
from partnerkit.report._context import Context
from partnerkit.report._sections import next_month, work_log
from partnerkit.report.i18n import N_
from partnerkit.report.sections import Block, Bullets, Cell, Heading, Table, Text

if TYPE_CHECKING:
    from partnerkit.analysis.cost import PartnershipCost

__all__ = [
    "MESSAGE_IDS",
    "build_cost",
    "build_learnings",
    "build_next_quarter",
    "build_overview",
    "build_proposal",
    "build_sla",
    "build_trends",
    "build_work",
]

#: The message ids built from codes at run time, listed for extraction.
MESSAGE_IDS = (
    N_("review.learning.answered"),
    N_("review.learning.not_answered"),
    N_("review.learning.open"),
    N_("review.learning.not_started"),
    N_("review.action.continue"),
    N_("review.action.stop"),
    N_("review.action.start"),
    N_("review.item.target_met"),
    N_("review.item.lead_target_met"),
    N_("review.item.spend_without_leads"),
    N_("review.item.test"),
    N_("cli.quarter_not_started"),
    N_("cli.no_rows_for_quarter"),
    # the documents' titles and sections, looked up by kind in report/review.py
    N_("sourcemap.title"),
    N_("sourcemap.subtitle"),
    N_("review.title"),
    N_("review.subtitle"),
    N_("review.section.overview"),
    N_("review.section.trends"),
    N_("review.section.sla"),
    N_("review.section.cost"),
    N_("review.section.work"),
    N_("review.section.learnings"),
    N_("review.section.proposal"),
    N_("review.section.next_quarter"),
    N_("review.section.roles"),
    N_("roles.step"),
    N_("roles.step_after"),
    N_("trial_doc.title"),
    N_("trial_doc.subtitle"),
    N_("trial_doc.runs"),
    N_("trial_doc.over"),
)


_ACTIONS: tuple[Action, ...] = ("continue", "stop", "start")


class QuarterContext(Context):
    """A :class:`Context` on the quarter's last month with data, and the quarter."""

    def __init__(self, quarter: QuarterEvaluation, ctx: Context) -> None:
        """Read the quarter through the context of its last month with data."""
        super().__init__(ctx.ws, ctx.r, ctx.f)
        self.q = quarter

    def at(self, month: MonthEvaluation) -> Context:
        """The context of one month of the quarter (its targets, SLA, cost)."""
        return Context(self.ws, month, self.f)


def build_overview(ctx: QuarterContext) -> list[Block]:
    """The quarter, the day counted to, which months have data, the quarter to date."""
    f, q = ctx.f, ctx.q
    out: list[Block] = [
        Text(
            f.t(
                "review.quarter",
                quarter=q.label,
                start=f.date(q.quarter.start),
                end=f.date(q.quarter.end),
                day=f.date(q.as_of),
            )
        )
    ]
    with_data = ", ".join(f.month(m.month) for m in q.with_data)
    out.append(Text(f.t("review.months_with_data", months=with_data)))
    if q.without_data:
        out.append(Heading(f.t("review.months_without_data")))
        lines = []
        for m in q.without_data:
            assert m.status is not None
            why = f.reason(m.status.code, **m.status.params)
            lines.append(Text(f.t("review.month_why", month=f.month(m.month), reason=why)))
        out.append(Bullets(tuple(lines)))
    out.append(Heading(f.t("review.to_date")))
    if q.totals is None:
        out.append(ctx.nodata(N_("review.totals_failed"), reason=q.errors.get("totals", "")))
        return out
    rows = []
    for kpi in ("spend", *QUARTER_KPIS):
        v = q.totals.get(kpi)
        rows.append((ctx.text(ctx.kpi_name(v)), ctx.unit(figure(v), v.unit, reason(v))))
    out.append(Table("review.to_date", (f.t("col.metric"), q.label), tuple(rows)))
    return out


def build_trends(ctx: QuarterContext) -> list[Block]:
    """Each target month by month: value, target, status, change on the month before."""
    f, q = ctx.f, ctx.q
    rows: list[tuple[Cell, ...]] = []
    for m in q.with_data:
        here = ctx.at(m)
        for v in m.targets or ():
            rows.append(
                (
                    ctx.text(here.target_name(v)),
                    ctx.text(f.month(m.month)),
                    here.unit(figure(v), v.unit, m.reason_of(v)),
                    here.unit(v.target, v.unit, "no_target"),
                    here.status(v),
                    here.change(v),
                )
            )
    if not rows:
        return [ctx.nodata(N_("review.no_targets"))]
    columns = (
        f.t("col.target"),
        f.t("review.col.month"),
        f.t("review.col.value"),
        f.t("col.target"),
        f.t("col.status"),
        f.t("col.change"),
    )
    return [Table("review.trends", columns, tuple(rows))]


def build_sla(ctx: QuarterContext) -> list[Block]:
    """Each SLA term's attainment month by month, then the health score of each month."""
    f, q = ctx.f, ctx.q
    months = q.with_data
    out: list[Block] = []
    names: dict[str, str] = {}
    cells: dict[str, dict[int, Cell]] = {}
    for i, m in enumerate(months):
        for term in m.sla.terms if m.sla is not None else ():
            names.setdefault(term.sla.id, ctx.sla_name(term.sla))
            month = term.headline
            cells.setdefault(term.sla.id, {})[i] = ctx.share(month.attainment, month.reason)
    if names:
        columns = (f.t("col.term"), *(f.month(m.month) for m in months))
        rows = tuple(
            (
                ctx.text(names[sid]),
                *(cells[sid].get(i, ctx.missing("not_computed")) for i in range(len(months))),
            )
            for sid in names
        )
        out.append(Table("review.sla", columns, rows))
    else:
        out.append(ctx.nodata(N_("review.no_sla")))
    out.append(Heading(f.t("sla.health")))
    health_rows = []
    for m in months:
        health = m.health.months[0] if m.health is not None and m.health.months else None
        score = (
            ctx.number(health.score, 1)
            if health is not None and health.score is not None
            else ctx.missing((health.reason if health is not None else None) or "not_computed")
        )
        health_rows.append((ctx.text(f.month(m.month)), score))
    out.append(
        Table("review.health", (f.t("review.col.month"), f.t("col.score")), tuple(health_rows))
    )
    return out


def build_cost(ctx: QuarterContext) -> list[Block]:
    """Media, fees and total cost, and the cost per result on media and on total cost."""
    f, q = ctx.f, ctx.q
    months = q.with_data
    costs = [m.cost for m in months]
    if all(c is None for c in costs):
        return [ctx.failed("cost")]

    def row(label: str, get: Callable[[PartnershipCost], Cell]) -> tuple[Cell, ...]:
        return (
            ctx.text(label),
            *(get(c) if c is not None else ctx.missing("not_computed") for c in costs),
        )

    rows = [
        row(f.t("budget.media"), lambda c: ctx.money(c.media_spend)),
        row(f.t("cost.fees"), lambda c: ctx.money(c.fees, "fees_not_computable")),
        row(f.t("cost.total"), lambda c: ctx.money(c.total_cost, "fees_not_computable")),
    ]
    for base in ("cpl", "cac", "roi"):
        unit = BUILTIN_KPIS[base].unit
        for kpi_id, label in (
            (base, f.t("review.on_media", kpi=f.kpi(base, base))),
            (TOTAL_COST_KPIS[f"{base}_total_cost"].id, f.kpi(f"{base}_total_cost", base)),
        ):

            def cell(c: PartnershipCost, kpi_id: str = kpi_id, unit: KPIUnit = unit) -> Cell:
                found = c.kpi(kpi_id)
                return ctx.unit(found.value, unit, found.reason)

            rows.append(row(label, cell))
    columns = ("", *(f.month(m.month) for m in months))
    return [Table("review.cost", columns, tuple(rows))]


_WORK = ("hours", "work_log", "meetings")


def _failed(ctx: Context, name: str) -> Cell:
    """The cell of a month whose analysis ``name`` did not run."""
    why = ctx.r.errors.get(name)
    return ctx.missing(ctx.f.t("analysis_failed", reason=why) if why else "not_computed")


def _count(ctx: Context, name: str, count: int | None) -> Cell:
    """A count from the month's analysis ``name``, or why there is none."""
    if count is not None:
        return ctx.number(count)
    return _failed(ctx, name) if name in ctx.r.errors else ctx.missing("no_rows")


def build_work(ctx: QuarterContext) -> list[Block]:
    """What the partner did, month by month: hours, the work log, overdue action items.

    Hours against the bank, the work log's completed, remaining and out-of-scope
    items, and the overdue action items, for each month with data that has them.

    Each figure is the month's evaluation's (``hours``, ``work_log``, ``meetings``);
    the rows are the monthly report's (:mod:`~partnerkit.report._sections.work_log`).
    """
    f, q = ctx.f, ctx.q
    months = [
        ctx.at(m)
        for m in q.with_data
        if any(getattr(m, name) is not None or name in m.errors for name in _WORK)
    ]
    if not months:
        return [ctx.nodata(N_("review.no_work"))]
    out: list[Block] = []
    no_bank = "no_bank"
    hours_rows: list[tuple[Cell, ...]] = []
    for here in months:
        h = here.r.hours
        if h is None and "hours" not in here.r.errors:
            continue
        month = here.text(f.month(here.r.month))
        if h is None:
            hours_rows.append((month, *(_failed(here, "hours") for _ in range(4))))
        elif h.used is None:
            hours_rows.append((month, *(here.missing(h.reason or "not_computable"),) * 4))
        else:
            hours_rows.append(
                (
                    month,
                    work_log.hours_cell(here, h.bank, no_bank),
                    here.number(h.used, 2),
                    work_log.hours_cell(here, h.overage_hours, no_bank),
                    here.money(h.overage_cost, "no_overage_rate"),
                )
            )
    heads: tuple[str, ...] = (
        f.t("hours.bank"),
        f.t("hours.used"),
        f.t("hours.overage"),
        f.t("hours.overage_cost"),
    )
    out += _by_month(ctx, N_("work.hours"), "review.hours", heads, hours_rows)
    counts: list[tuple[Cell, ...]] = []
    scope_rows: list[tuple[Cell, ...]] = []
    action_rows: list[tuple[Cell, ...]] = []
    for here in months:
        month = here.text(f.month(here.r.month))
        log, meetings = here.r.work_log, here.r.meetings
        if not any(getattr(here.r, n) is not None or n in here.r.errors for n in _WORK[1:]):
            continue
        counts.append(
            (
                month,
                _count(here, "work_log", None if log is None else len(log.completed)),
                _count(here, "work_log", None if log is None else len(log.remaining)),
                _count(here, "work_log", None if log is None else len(log.out_of_scope)),
                _count(here, "meetings", None if meetings is None else len(meetings.overdue)),
            )
        )
        if log is not None:
            scope_rows += [
                (month, *work_log.item_row(here, i, work_log.done_cell)) for i in log.out_of_scope
            ]
        if meetings is not None:
            action_rows += [(month, *work_log.action_row(here, i)) for i in meetings.overdue]
    heads = (
        f.t("work.completed"),
        f.t("work.remaining"),
        f.t("review.col.out_of_scope"),
        f.t("review.col.overdue_actions"),
    )
    out += _by_month(ctx, N_("work.log"), "review.work", heads, counts)
    heads = (f.t("col.item"), f.t("col.type"), f.t("col.owner"), f.t("col.done"), f.t("col.scope"))
    out += _by_month(ctx, N_("review.out_of_scope"), "review.out_of_scope", heads, scope_rows)
    heads = (f.t("col.action"), f.t("col.owner"), f.t("col.due"), f.t("col.meeting"))
    out += _by_month(
        ctx, N_("review.overdue_actions"), "review.overdue_actions", heads, action_rows
    )
    return out


def _by_month(
    ctx: QuarterContext,
    heading: str,
    key: str,
    columns: tuple[str, ...],
    rows: list[tuple[Cell, ...]],
) -> list[Block]:
    """A headed table of the quarter's months, the month first; nothing without rows."""
    if not rows:
        return []
    heads = (ctx.f.t("review.col.month"), *columns)
    return [Heading(ctx.f.t(heading)), Table(key, heads, tuple(rows))]


def build_learnings(ctx: QuarterContext) -> list[Block]:
    """The quarter's tests: what was tested and learnt, the decision, the goal's score."""
    f, q = ctx.f, ctx.q
    if not q.tests:
        return [ctx.nodata(N_("review.no_tests"))]
    rows = []
    for t in q.tests:
        e = t.experiment
        decision = (
            f.t(f"decision.{e.decision.value}")
            if e.decision
            else f.t(f"experiment.{e.status.value}")
        )
        rows.append(
            (
                ctx.text(e.name or e.id),
                ctx.text(f"{e.hypothesis} — {e.learning_goal}"),
                ctx.text(" ".join(x for x in (e.result, e.learning) if x) or f.t("missing")),
                ctx.text(decision),
                ctx.text(f.t(f"review.learning.{t.outcome}")),
            )
        )
    columns = (
        f.t("col.test"),
        f.t("col.tested"),
        f.t("col.learned"),
        f.t("col.decision"),
        f.t("review.col.learning_goal"),
    )
    out: list[Block] = [Table("review.tests", columns, tuple(rows))]
    answered = sum(1 for t in q.tests if t.outcome == "answered")
    decided = answered + sum(1 for t in q.tests if t.outcome == "not_answered")
    if q.learning_score is None:
        out.append(ctx.nodata(N_("review.no_test_decided")))
    else:
        out.append(
            ctx.sentence(
                N_("review.learning_score"),
                {
                    "answered": ctx.number(answered),
                    "decided": ctx.number(decided),
                    "score": ctx.share(q.learning_score),
                },
            )
        )
    return out


def build_proposal(ctx: QuarterContext) -> list[Block]:
    """Continue, stop, start: each item with the numbers it rests on."""
    f, q = ctx.f, ctx.q
    worded = next_month.worded(ctx, q.recommendations)
    texts = {id(r): worded[i] for i, r in enumerate(q.recommendations) if i < len(worded)}
    out: list[Block] = []
    for action in _ACTIONS:
        out.append(Heading(f.t(f"review.action.{action}")))
        items = q.actions(action)
        if not items:
            out.append(Text(f.t("review.nothing")))
            continue
        out.append(Bullets(tuple(_item(ctx, p, texts) for p in items)))
    out.append(Text(f.t("review.rule")))
    return out


def _item(ctx: QuarterContext, p: ProposalItem, texts: dict[int, Text]) -> Text:
    f = ctx.f
    v = p.params
    if p.code == "recommendation" and p.recommendation is not None:
        found = texts.get(id(p.recommendation))
        if found is not None:
            return found
    if p.code == "target_met":
        target = next(t for t in ctx.ws.targets if t.id == p.subject)
        name = target.name or f.kpi(target.kpi, target.kpi)
        return ctx.sentence(
            N_("review.item.target_met"),
            {"name": ctx.text(name), "months": ctx.number(v["months"])},
            "good",
        )
    if p.code == "lead_target_met":
        return ctx.sentence(
            N_("review.item.lead_target_met"),
            {
                "source": ctx.text(ctx.source_name(p.subject)),
                "leads": ctx.number(v["leads"]),
                "target": ctx.number(v["target"]),
                "months": ctx.number(v["months"]),
            },
            "good",
        )
    if p.code == "spend_without_leads":
        return ctx.sentence(
            N_("review.item.spend_without_leads"),
            {"source": ctx.text(ctx.source_name(p.subject)), "spend": ctx.money(v["spend"])},
            "bad",
        )
    test = next(e for e in ctx.ws.learning_log if e.id == p.subject)
    return ctx.sentence(
        N_("review.item.test"),
        {
            "test": ctx.text(test.name or test.id),
            "learning": ctx.text(test.learning or f.t("missing")),
        },
    )


def build_next_quarter(ctx: QuarterContext) -> list[Block]:
    """The plan: the last month's next steps, the tests planned, what the proposal starts."""
    f, q = ctx.f, ctx.q
    out: list[Block] = []
    note = ctx.note()
    if note is not None and note.next_steps:
        out.append(Heading(f.t("next.plan")))
        out.append(Bullets(tuple(Text("{x}", {"x": ctx.text(x)}) for x in note.next_steps)))
    if q.planned:
        out.append(Heading(f.t("review.planned_tests")))
        out.append(
            Bullets(
                tuple(
                    ctx.sentence(
                        N_("review.planned_test"),
                        {
                            "test": ctx.text(e.name or e.id),
                            "goal": ctx.text(e.learning_goal),
                        },
                    )
                    for e in q.planned
                )
            )
        )
    starts = len(q.actions("start"))
    keeps = len(q.actions("continue"))
    stops = len(q.actions("stop"))
    out.append(
        ctx.sentence(
            N_("review.plan_summary"),
            {
                "start": ctx.number(starts),
                "continue": ctx.number(keeps),
                "stop": ctx.number(stops),
            },
        )
    )
    return out
