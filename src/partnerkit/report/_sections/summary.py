"""Section 1, executive summary: targets, wins and problems, the SLA headline, health."""

from __future__ import annotations

from partnerkit.analysis.kpis import KPIValue
from partnerkit.analysis.month import figure, reason
from partnerkit.model import KPIUnit
from partnerkit.report._context import Context
from partnerkit.report.i18n import N_
from partnerkit.report.sections import Block, Bullets, Heading, Table, Text

__all__ = ["build"]


def build(ctx: Context) -> list[Block]:
    """Targets in one line each, wins and problems, the SLA headline, health."""
    out: list[Block] = []
    targets = ctx.r.targets
    if targets is None:
        out.append(ctx.failed("targets"))
    elif not targets.values:
        out.append(ctx.nodata(N_("summary.no_targets")))
    else:
        lines = [_target_line(ctx, v) for v in targets]
        out.append(Bullets(tuple(lines)))
        out.append(
            Table(
                "summary.targets",
                ctx.kpi_columns(ctx.f.t("col.metric")),
                tuple(ctx.kpi_row(ctx.target_name(v), v) for v in targets),
            )
        )
    out.append(_leads_line(ctx))
    if ctx.r.pacing is not None:
        for p in ctx.r.pacing:
            if p.linear is not None and p.target is not None:
                out.append(
                    ctx.sentence(
                        N_("summary.pacing"),
                        {
                            "name": ctx.text(p.name),
                            "projected": ctx.unit(p.linear, p.unit, whole=True),
                            "target": ctx.unit(p.target, p.unit, whole=True),
                        },
                    )
                )
    wins, problems = _wins_and_problems(ctx)
    out.append(Heading(ctx.f.t("summary.wins")))
    out.append(Bullets(tuple(wins)) if wins else Text(ctx.f.t("summary.nothing")))
    out.append(Heading(ctx.f.t("summary.problems")))
    out.append(Bullets(tuple(problems)) if problems else Text(ctx.f.t("summary.nothing")))
    out.extend(_sla_headline(ctx))
    return out


def _leads_line(ctx: Context) -> Text:
    """The month's leads counted both ways, each labelled."""
    inquiries = ctx.r.inquiries
    return ctx.sentence(
        N_("summary.leads"),
        {
            "inquiries": ctx.unit(figure(inquiries), KPIUnit.COUNT, reason(inquiries)),
            "people": ctx.number(ctx.r.people),
        },
        month=ctx.f.month(ctx.r.month),
    )


def _target_line(ctx: Context, v: KPIValue) -> Text:
    name = ctx.text(ctx.target_name(v))
    if figure(v) is None:
        return ctx.sentence(
            N_("summary.target_missing"),
            {"name": name, "reason": ctx.text(ctx.f.reason(reason(v)))},
            "bad",
        )
    fields = {
        "name": name,
        "value": ctx.unit(v.value, v.unit, whole=True),
        "target": ctx.unit(v.target, v.unit, "no_target", whole=True),
        "status": ctx.status(v),
    }
    change = ""
    if v.change is not None and v.change.relative is not None and v.previous is not None:
        change = ctx.f.t("summary.change", change="{change}", previous="{previous}")
        fields["change"] = ctx.change(v)
        fields["previous"] = ctx.unit(v.previous, v.unit, whole=True)
    template = ctx.f.t(
        "summary.target",
        name="{name}",
        value="{value}",
        target="{target}",
        status="{status}",
        change=change,
    )
    tone = None if v.status is None else ("good" if v.status.value == "on_track" else "bad")
    return Text(template, fields, tone)  # type: ignore[arg-type]


def _wins_and_problems(ctx: Context) -> tuple[list[Text], list[Text]]:
    movers = ctx.movers()
    wins = [
        ctx.mover_text(v, N_("summary.win_kpi"), whole=True)
        for v in movers
        if v.change and v.change.improved
    ][:3]
    problems = [
        ctx.mover_text(v, N_("summary.win_kpi"), whole=True)
        for v in movers
        if v.change and v.change.improved is False
    ][:3]
    problems.extend(ctx.silent_lines(N_("rec.silent")))
    if ctx.r.sla is not None:
        for term in ctx.r.sla.terms:
            if term.headline.passed is False:
                problems.append(ctx.sla_text(term, N_("rec.sla_month")))
    return wins, problems


def _sla_headline(ctx: Context) -> list[Block]:
    out: list[Block] = []
    sla = ctx.r.sla
    f = ctx.f
    if sla is None:
        out.append(ctx.failed("sla"))
    else:
        met, measured = sla.terms_met()
        met_all, measured_all = sla.terms_met(cumulative=True)
        out.append(
            ctx.sentence(
                N_("summary.sla_month"),
                {
                    "met": ctx.number(met),
                    "measured": ctx.number(measured),
                    "met_all": ctx.number(met_all),
                    "measured_all": ctx.number(measured_all),
                },
                "good" if met == measured else "bad",
                month=f.month(ctx.r.month),
                start=f.date(sla.start),
            )
        )
        out.append(Bullets(tuple(ctx.sla_text(t, N_("summary.sla_line")) for t in sla.terms)))
    health = ctx.r.health
    if health is not None and health.months:
        hm = health.months[0]
        score = hm.score
        if score is None:
            parts = ", ".join(f.t(f"health.part.{p}") for p in hm.not_computable)
            reasons = {"reason": ctx.text(f.reason(hm.reason, parts=parts))}
            out.append(ctx.sentence(N_("summary.health_none"), reasons, "bad"))
        elif ctx.prev_health is not None:
            out.append(
                ctx.sentence(
                    N_("summary.health_change"),
                    {"score": ctx.number(score, 1), "previous": ctx.number(ctx.prev_health, 1)},
                )
            )
        else:
            out.append(ctx.sentence(N_("summary.health"), {"score": ctx.number(score, 1)}))
    return out
