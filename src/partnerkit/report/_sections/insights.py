"""Section 4, insights: movers, silent sources, unmapped leads, duplicates, the platform/CRM gap."""

from __future__ import annotations

import datetime as dt
from typing import Any

from partnerkit.analysis.month import figure, reason
from partnerkit.model import KPIUnit
from partnerkit.report._context import Context, dec
from partnerkit.report.sections import Block, Bullets, Heading, Table, Text

__all__ = ["build"]


def build(ctx: Context) -> list[Block]:
    """Movers, silent sources, unmapped leads, duplicates, the platform/CRM gap."""
    out: list[Block] = []
    f = ctx.f
    out.append(Heading(f.t("insights.movers")))
    movers = ctx.movers()[:5]
    if ctx.r.sources is None:
        out.append(ctx.failed("sources"))
    elif movers:
        out.append(Bullets(tuple(ctx.mover_text(v, "insights.mover") for v in movers)))
    else:
        out.append(Text(f.t("insights.none")))
    out.append(Heading(f.t("insights.silent")))
    audit = ctx.r.audit
    if audit is None:
        out.append(ctx.failed("audit"))
    else:
        silent = ctx.silent_lines("insights.silent_line")
        out.append(Bullets(tuple(silent)) if silent else Text(f.t("insights.none")))
    out.append(Heading(f.t("insights.unmapped")))
    if audit is not None:
        rows = [r for r in audit.unmapped.to_pylist() if _in_month(ctx, r.get("last_at"))]
        if rows:
            out.append(Bullets(tuple(_unmapped(ctx, r) for r in rows)))
        else:
            out.append(Text(f.t("insights.unmapped_none")))
    else:
        out.append(ctx.failed("audit"))
    out.append(Heading(f.t("insights.duplicates")))
    dedup = ctx.r.dedup
    if dedup is None:
        out.append(ctx.failed("dedup"))
    else:
        inquiries = ctx.r.inquiries
        out.append(
            Text(
                f.t(
                    "insights.people_line",
                    inquiries="{inquiries}",
                    people="{people}",
                    duplicates="{duplicates}",
                ),
                {
                    "inquiries": ctx.unit(figure(inquiries), KPIUnit.COUNT, reason(inquiries)),
                    "people": ctx.number(dedup.people),
                    "duplicates": ctx.number(dedup.duplicates),
                },
                "bad" if dedup.duplicates else None,
            )
        )
    out.append(Heading(f.t("insights.gap")))
    if audit is not None:
        rows = [r for r in audit.platform_vs_crm.to_pylist() if r["month"] == ctx.r.label]
        if rows:
            out.append(
                Table(
                    "insights.gap",
                    (
                        f.t("col.source"),
                        f.t("col.platform_leads"),
                        f.t("col.crm_leads"),
                        f.t("col.gap"),
                        f.t("col.change"),
                    ),
                    tuple(
                        (
                            ctx.text(ctx.source_name(r["source_id"])),
                            ctx.number(dec(r["platform_leads"]), 1),
                            ctx.number(dec(r["crm_leads"])),
                            ctx.number(dec(r["gap"]), 1),
                            ctx.percent(dec(r["gap_percent"]), r.get("reason")),
                        )
                        for r in rows
                    ),
                )
            )
        else:
            out.append(Text(f.t("insights.none")))
        findings = [r for r in audit.findings.to_pylist() if r.get("month") in (ctx.r.label, None)]
        out.append(Heading(f.t("insights.findings")))
        if findings:
            out.append(
                Bullets(
                    tuple(
                        Text(
                            "{m}",
                            {
                                "m": ctx.text(
                                    r["message"]
                                    if not r.get("source_id")
                                    else f"{ctx.source_name(r['source_id'])}: {r['message']}"
                                )
                            },
                            "bad",
                        )
                        for r in findings
                    )
                )
            )
        else:
            out.append(Text(f.t("insights.none")))
    else:
        out.append(ctx.failed("audit"))
    return out


def _in_month(ctx: Context, moment: Any) -> bool:
    if moment is None:
        return True
    day = moment.date() if isinstance(moment, dt.datetime) else moment
    return bool(day >= ctx.r.month)


def _unmapped(ctx: Context, row: dict[str, Any]) -> Text:
    keys = (
        "original_source",
        "original_source_drill_1",
        "original_source_drill_2",
        "utm_source",
        "utm_medium",
        "utm_campaign",
    )
    value = " / ".join(str(row[k]) for k in keys if row.get(k))
    return Text(
        ctx.f.t("insights.unmapped_line", leads="{leads}", value="{value}"),
        {"leads": ctx.number(row["leads"]), "value": ctx.text(value or "(empty)")},
        "bad",
    )
