"""Section 7, SLA and health: the SLA scorecard, breaches with evidence, partnership health."""

from __future__ import annotations

import datetime as dt
from typing import Any

from partnerkit.report._context import Context
from partnerkit.report.i18n import N_
from partnerkit.report.sections import Block, Heading, NoData, Table

__all__ = ["build"]
_BREACHES_SHOWN = 8


def build(ctx: Context) -> list[Block]:
    """The SLA scorecard, breaches with evidence, partnership health."""
    out: list[Block] = []
    f = ctx.f
    sla = ctx.r.sla
    if sla is None:
        out.append(ctx.failed("sla"))
    else:
        rows = []
        passed = {True: "passed.true", False: "passed.false", None: "passed.none"}
        for term in sla.terms:
            month, overall = term.headline, term.cumulative
            rows.append(
                (
                    ctx.text(ctx.sla_name(term.sla)),
                    ctx.text(ctx.sla_rule(term.sla)),
                    ctx.number(month.met),
                    ctx.number(month.breached),
                    ctx.share(month.attainment, month.reason),
                    ctx.share(overall.attainment, overall.reason),
                    ctx.share(term.required),
                    ctx.text(f.t(passed[month.passed])),
                )
            )
        out.append(
            Table(
                "sla.terms",
                (
                    f.t("col.term"),
                    f.t("col.rule"),
                    f.t("col.met"),
                    f.t("col.breached"),
                    f.t("col.attainment_month", month=f.month(ctx.r.month)),
                    f.t("col.cumulative_attainment", start=f.date(sla.start)),
                    f.t("col.required"),
                    f.t("col.status"),
                ),
                tuple(rows),
            )
        )
        for term in sla.terms:
            if term.headline.attainment is None:
                why = f.reason(term.headline.reason)
                out.append(NoData(f.t("no_data", reason=f"{ctx.sla_name(term.sla)}: {why}")))
        for term in sla.terms:
            touched = term.touched_by()
            if any(touched.values()):
                cells = {k: ctx.number(n) for k, n in touched.items()}
                out.append(ctx.sentence(N_("sla.touched_by"), cells, term=ctx.sla_name(term.sla)))
        for term in sla.terms:
            breaches = [
                b for b in term.breaches.to_pylist() if b.get("month") in (None, ctx.r.label)
            ]
            if not breaches:
                continue
            breaches.sort(
                key=lambda b: b.get("started_at") or dt.datetime.min.replace(tzinfo=dt.UTC),
                reverse=True,
            )
            out.append(Heading(f.t("sla.breaches", term=ctx.sla_name(term.sla))))
            out.append(
                Table(
                    f"sla.breaches.{term.sla.id}",
                    (
                        f.t("col.case"),
                        f.t("col.started"),
                        f.t("col.deadline"),
                        f.t("col.over_by"),
                        f.t("col.detail"),
                    ),
                    tuple(
                        (
                            ctx.text(str(b.get("case"))),
                            ctx.text(_stamp(ctx, b.get("started_at"))),
                            ctx.text(_stamp(ctx, b.get("deadline"))),
                            ctx.text(_duration(b.get("over_by"))),
                            ctx.text(_breach_detail(ctx, b)),
                        )
                        for b in breaches[:_BREACHES_SHOWN]
                    ),
                )
            )
            if len(breaches) > _BREACHES_SHOWN:
                more = {"count": ctx.number(len(breaches) - _BREACHES_SHOWN)}
                out.append(ctx.sentence(N_("sla.more"), more))
    out.append(Heading(f.t("sla.health")))
    health = ctx.r.health
    if health is None or not health.months:
        out.append(ctx.failed("health"))
        return out
    scored = health.months[0]
    if scored.score is None:
        parts = ", ".join(f.t(f"health.part.{p}") for p in scored.not_computable)
        out.append(
            NoData(
                f.t(
                    "summary.health_none",
                    reason=f.reason(scored.reason, parts=parts),
                )
            )
        )
    else:
        out.append(ctx.sentence(N_("sla.health_score"), {"score": ctx.number(scored.score, 1)}))
    out.append(
        Table(
            "sla.health",
            (f.t("col.part"), f.t("col.score"), f.t("col.weight"), f.t("col.detail")),
            tuple(
                (
                    ctx.text(f.t(f"health.part.{p.name}")),
                    ctx.share(p.value, p.reason),
                    ctx.share(p.effective_weight),
                    ctx.text(_part_detail(ctx, p)),
                )
                for p in scored.parts
            ),
        )
    )
    return out


def _stamp(ctx: Context, moment: Any) -> str:
    if moment is None:
        return "—"
    if isinstance(moment, dt.datetime):
        from zoneinfo import ZoneInfo

        return ctx.f.stamp(moment.astimezone(ZoneInfo(ctx.ws.timezone)))
    if isinstance(moment, dt.date):
        return ctx.f.date(moment)
    return str(moment)


def _breach_detail(ctx: Context, b: dict[str, Any]) -> str:
    """What the evidence says about a breach, from the case's own fields."""
    f = ctx.f
    if b.get("working_days_late") is not None:
        return f.t(
            "sla.detail.late",
            days=f.number(b["working_days_late"]),
            delivered=_stamp(ctx, b.get("delivered_at")),
            due=_stamp(ctx, b.get("due")),
        )
    if "due" in b and b.get("delivered_at") is None:
        return f.t("sla.detail.not_delivered", due=_stamp(ctx, b.get("due")))
    started, ended = b.get("started_at"), b.get("ended_at")
    if ended is None:
        return f.t("sla.detail.no_end")
    if started is not None and ended < started:
        return f.t("sla.detail.end_before_start")
    return f.t("sla.detail.ended", ended=_stamp(ctx, ended))


def _part_detail(ctx: Context, p: Any) -> str:
    """What a health part is made of: its counts, or why it is missing."""
    f = ctx.f
    if p.value is None or p.numerator is None or p.denominator is None:
        return f.reason(p.reason)
    n = f.number(p.denominator, 2)
    got = f.number(p.numerator, 2)
    fields = {"kpi": "points", "sla": "met", "hygiene": "passed", "actions": "met"}
    if p.name in fields:
        return f.t(f"health.detail.{p.name}", n=n, **{fields[p.name]: got})
    return f.t(f"health.detail.{p.name}", n=n)


def _duration(value: Any) -> str:
    if not isinstance(value, dt.timedelta):
        return "—" if value is None else str(value)
    minutes = int(value.total_seconds() // 60)
    hours, mins = divmod(minutes, 60)
    return f"{hours}:{mins:02d}"
