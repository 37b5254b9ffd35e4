"""The trial verdict, opening the report in the trial's last month and the month before.

It renders :attr:`MonthEvaluation.trial <partnerkit.analysis.month.MonthEvaluation.trial>`
(:func:`partnerkit.analysis.trial.trial_verdict`): where the month stands against the
trial's end, the verdict (final, or "as it stands" while the trial runs), and each
success criterion of the contract with its threshold, its measured value and its
outcome. Nothing is computed here.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from partnerkit.model import KPIUnit
from partnerkit.report._context import Context
from partnerkit.report.i18n import N_
from partnerkit.report.sections import Block, Cell, Table, Text

if TYPE_CHECKING:
    from partnerkit.analysis.trial import CriterionResult, TrialVerdict

__all__ = ["applies", "build", "verdict_blocks"]

_TONE: dict[str, Literal["good", "bad"] | None] = {"continue": "good", "extend": None, "end": "bad"}


def applies(ctx: Context) -> bool:
    """Whether the report opens with the trial section: the month has a trial verdict."""
    return ctx.r.trial is not None or "trial" in ctx.r.errors


#: The message ids this section builds from codes at run time, listed for extraction.
MESSAGE_IDS = (
    N_("section.trial"),
    N_("trial.ends_this_month"),
    N_("trial.ends_next_month"),
    N_("trial.final"),
    N_("trial.as_it_stands"),
    N_("trial.verdict.continue"),
    N_("trial.verdict.extend"),
    N_("trial.verdict.end"),
    N_("trial.why.continue"),
    N_("trial.why.extend"),
    N_("trial.why.end"),
    N_("trial.no_verdict.no_criteria"),
    N_("trial.no_verdict.nothing_measured"),
    N_("trial.measured"),
    N_("trial.col.criterion"),
    N_("trial.col.success"),
    N_("trial.col.measured"),
    N_("trial.col.projected"),
    N_("trial.col.outcome"),
    N_("trial.outcome.met"),
    N_("trial.outcome.not_met"),
    N_("trial.outcome.not_computable"),
    N_("trial.sla.response_time"),
    N_("trial.sla.deliverable_turnaround"),
    N_("trial.sla.report_delivery"),
    N_("trial.sla.lead_follow_up"),
    N_("trial.sla.meeting_cadence"),
    N_("trial.sla.custom"),
    N_("trial.reason.no_dataset"),
    N_("trial.reason.not_started"),
    N_("trial.reason.no_rows"),
    N_("trial.reason.kpi_not_computable"),
    N_("trial.reason.analysis_failed"),
    N_("trial.reason.no_cases"),
    N_("trial.reason.pending_only"),
    N_("trial.reason.no_evidence_log"),
    N_("trial.reason.no_first_engagement"),
    N_("trial.reason.sla_not_measured"),
    N_("trial.reason.not_computable"),
)


def build(ctx: Context) -> list[Block]:
    """Where the month stands against the trial's end, the verdict, and its evidence."""
    verdict = ctx.r.trial
    if verdict is None:
        return [ctx.failed("trial")]
    f = ctx.f
    out: list[Block] = [
        Text(
            f.t(
                f"trial.{verdict.phase or 'ends_this_month'}",
                start=f.date(verdict.start),
                end=f.date(verdict.end),
            )
        )
    ]
    return out + verdict_blocks(ctx, verdict)


def verdict_blocks(ctx: Context, verdict: TrialVerdict) -> list[Block]:
    """The verdict, each criterion with its threshold and value, and what was counted."""
    f = ctx.f
    out: list[Block] = [_verdict_line(ctx, verdict)]
    if verdict.criteria:
        out.append(_criteria(ctx, verdict))
        out.append(
            Text(
                f.t(
                    "trial.measured",
                    start=f.date(verdict.start),
                    day=f.date(verdict.counted_to),
                )
            )
        )
    return out


def _verdict_line(ctx: Context, verdict: TrialVerdict) -> Text:
    f = ctx.f
    if verdict.verdict is None:
        return Text(f.t(f"trial.no_verdict.{verdict.reason}"))
    counts = {
        "met": ctx.number(verdict.met),
        "not_met": ctx.number(verdict.not_met),
        "not_computable": ctx.number(verdict.not_computable),
        "total": ctx.number(len(verdict.criteria)),
    }
    template = f.t(
        f"trial.why.{verdict.verdict}",
        met="{met}",
        not_met="{not_met}",
        not_computable="{not_computable}",
        total="{total}",
    )
    word = f.t(f"trial.verdict.{verdict.verdict}")
    if verdict.provisional:
        lead = f.t("trial.as_it_stands", day=f.date(verdict.counted_to), verdict=word)
    else:
        lead = f.t("trial.final", verdict=word)
    safe = lead.replace("{", "{{").replace("}", "}}")
    return Text(f"{safe} {template}", counts, _TONE[verdict.verdict])


def _criteria(ctx: Context, verdict: TrialVerdict) -> Table:
    f = ctx.f
    columns = [f.t("trial.col.criterion"), f.t("trial.col.success"), f.t("trial.col.measured")]
    if verdict.provisional:
        columns.append(f.t("trial.col.projected", end=f.date(verdict.end)))
    columns.append(f.t("trial.col.outcome"))
    rows = []
    for c in verdict.criteria:
        row = [ctx.text(_name(ctx, c)), _threshold(ctx, c), _value(ctx, c, c.measured)]
        if verdict.provisional:
            projected = c.projected if c.basis == "projection" else c.measured
            row.append(_value(ctx, c, projected))
        row.append(ctx.text(f.t(f"trial.outcome.{c.outcome}")))
        rows.append(tuple(row))
    return Table("trial.criteria", tuple(columns), tuple(rows))


def _name(ctx: Context, c: CriterionResult) -> str:
    f = ctx.f
    if c.kind == "sla":
        term = ctx.ws.sla(c.ref)
        return term.name or f.t(f"trial.sla.{term.kind.value}")
    name = f.kpi(c.ref, ctx.ws.kpi(c.ref).name)
    scope = c.criterion.scope
    if scope.kind == "all":
        return name
    if scope.kind == "source":
        where = ctx.source_name(scope.source)
    elif scope.kind == "channel":
        where = f.channel(scope.ref)
    else:
        where = scope.ref or ""
    return f"{name} ({where})"


def _format(ctx: Context, c: CriterionResult, value: Decimal) -> Cell:
    if c.unit == "share":
        return ctx.share(value)
    return ctx.unit(value, KPIUnit(c.unit))


def _threshold(ctx: Context, c: CriterionResult) -> Cell:
    shown = _format(ctx, c, c.target)
    sign = "≥" if c.direction.value == "higher" else "≤"
    return Cell(f"{sign} {shown.text}", shown.value, numeric=True)


def _value(ctx: Context, c: CriterionResult, value: Decimal | None) -> Cell:
    if value is None:
        why = ctx.f.t(f"trial.reason.{c.reason or 'not_computable'}")
        return Cell(ctx.f.t("missing"), None, missing=why, numeric=True)
    return _format(ctx, c, value)
