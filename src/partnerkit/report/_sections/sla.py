"""Section 7, SLA and health: the SLA scorecard, breaches with evidence, partnership health."""

from __future__ import annotations

import datetime as dt
from typing import Any

from partnerkit.report._context import Context
from partnerkit.report.sections import Block, Heading, NoData, Table, Text

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
                    ctx.text(term.sla.name or term.sla.id),
                    ctx.text(term.rule),
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
                    f"{f.t('col.attainment')}: {f.month(ctx.r.month)}",
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
                out.append(NoData(f.t("no_data", reason=f"{term.sla.id}: {why}")))
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
            out.append(Heading(f.t("sla.breaches", term=term.sla.name or term.sla.id)))
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
                            ctx.text(str(b.get("detail") or b.get("rows") or "")),
                        )
                        for b in breaches[:_BREACHES_SHOWN]
                    ),
                )
            )
            if len(breaches) > _BREACHES_SHOWN:
                out.append(
                    Text(
                        f.t("sla.more", count="{count}"),
                        {"count": ctx.number(len(breaches) - _BREACHES_SHOWN)},
                    )
                )
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
        out.append(
            Text(
                f.t("sla.health_score", score="{score}"),
                {"score": ctx.number(scored.score, 1)},
            )
        )
    out.append(
        Table(
            "sla.health",
            (f.t("col.part"), f.t("col.score"), f.t("col.weight"), f.t("col.detail")),
            tuple(
                (
                    ctx.text(f.t(f"health.part.{p.name}")),
                    ctx.share(p.value, p.reason),
                    ctx.share(p.effective_weight),
                    ctx.text(p.detail),
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

        local = moment.astimezone(ZoneInfo(ctx.ws.timezone))
        return f"{ctx.f.date(local.date())} {local:%H:%M}"
    return str(moment)


def _duration(value: Any) -> str:
    if not isinstance(value, dt.timedelta):
        return "—" if value is None else str(value)
    minutes = int(value.total_seconds() // 60)
    hours, mins = divmod(minutes, 60)
    return f"{hours}:{mins:02d}"
