"""Section 4, insights: movers, silent sources, unmapped leads, duplicates, the CRM gap, the map."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from partnerkit.analysis.attribution import LEAD_RULE_COLUMNS
from partnerkit.analysis.month import figure, reason
from partnerkit.model import KPIUnit
from partnerkit.report._context import Context, dec
from partnerkit.report._sections import source_map
from partnerkit.report.i18n import N_
from partnerkit.report.sections import Block, Bullets, Cell, Heading, Table, Text

__all__ = ["build"]


def build(ctx: Context) -> list[Block]:
    """Movers, silent sources, unmapped leads, duplicates, the platform/CRM gap."""
    out: list[Block] = []
    f = ctx.f
    out.append(Heading(f.t("insights.movers")))
    movers = [ctx.mover_text(v, N_("insights.mover")) for v in ctx.movers()[:5]]
    movers += _split_movers(ctx)
    if ctx.r.sources is None:
        out.append(ctx.failed("sources"))
    elif movers:
        out.append(Bullets(tuple(movers)))
    else:
        out.append(Text(f.t("insights.none")))
    out.append(Heading(f.t("insights.silent")))
    audit = ctx.r.audit
    if audit is None:
        out.append(ctx.failed("audit"))
    else:
        silent = ctx.silent_lines(N_("insights.silent_line"))
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
            ctx.sentence(
                N_("insights.people_line"),
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
                    tuple(Text("{m}", {"m": ctx.text(_finding(ctx, r))}, "bad") for r in findings)
                )
            )
        else:
            out.append(Text(f.t("insights.none")))
    else:
        out.append(ctx.failed("audit"))
    return out + source_map.blocks(ctx)


_SPLIT_MOVERS = 3
"""The audiences and placements listed among the movers, largest change first."""


def _split_movers(ctx: Context) -> list[Text]:
    """The audiences and placements that moved most (breakdown rows), in words."""
    if ctx.r.splits is None:
        return []
    f = ctx.f
    out = []
    for m in ctx.r.splits.movers[:_SPLIT_MOVERS]:
        if m.measure == "cost_per_lead":
            now = Cell(f.money(m.current, m.currency), m.current, numeric=True)
            before = Cell(f.money(m.previous, m.currency), m.previous, numeric=True)
        else:
            now, before = ctx.number(m.current, 1), ctx.number(m.previous, 1)
        out.append(
            ctx.sentence(
                N_("insights.split_mover"),
                {
                    "dimension": ctx.text(f.t(f"split.{m.dimension}")),
                    "value": ctx.text(m.value),
                    "measure": ctx.text(f.t(f"split.{m.measure}")),
                    "current": now,
                    "previous": before,
                    "change": Cell(f.signed_percent(m.change), m.change, numeric=True),
                },
                "good" if m.improved else "bad",
            )
        )
    return out


def _finding(ctx: Context, row: dict[str, Any]) -> str:
    """A source-map finding in words, from its code (``check``) and ``params``."""
    f = ctx.f
    code = row["check"]
    p = dict(row.get("params") or ())
    count = f.number
    currency = p.get("currency") or ctx.ws.currency
    spend = f.money(Decimal(p["spend"]), currency) if p.get("spend") else f.t("missing")
    campaign = p.get("campaign_name") or p.get("campaign_id") or p.get("campaign") or ""
    if code == "silent_source":
        hint = ctx.hint(p.get("wiring"))
        if p.get("days") is None:
            text = f.t("finding.silent_source_never", hint=hint)
        else:
            text = f.t(
                "finding.silent_source",
                days=count(Decimal(p["days"])),
                leads_before=count(Decimal(p.get("leads_before") or 0)),
                last=f.date(dt.date.fromisoformat(p["last_lead_day"])),
                hint=hint,
            )
    elif code == "spend_without_leads":
        if p.get("level") == "campaign":
            platform = p.get("platform_leads")
            text = f.t(
                "finding.spend_without_leads",
                campaign=campaign,
                spend=spend,
                platform_leads=count(Decimal(platform), 1) if platform else f.t("missing"),
            )
        else:
            text = f.t("finding.spend_without_leads_source", spend=spend)
    elif code == "leads_without_spend":
        text = f.t("finding.leads_without_spend", leads=count(Decimal(p.get("crm_leads") or 0)))
    elif code == "platform_crm_gap":
        text = f.t(
            "finding.platform_crm_gap",
            platform_leads=count(Decimal(p["platform_leads"]), 1),
            crm_leads=count(Decimal(p["crm_leads"])),
            gap=f.percent(Decimal(p["gap_percent"])) if p.get("gap_percent") else f.t("missing"),
        )
    elif code == "below_lead_target":
        text = f.t(
            "finding.below_lead_target",
            leads=count(Decimal(p["leads"])),
            target=count(Decimal(p["target"])),
            status=f.t(f"status.{p['status']}"),
        )
    elif code == "campaign_not_in_source_map":
        text = f.t("finding.campaign_not_in_source_map", campaign=campaign, spend=spend)
    elif code == "campaign_not_in_campaign_list":
        text = f.t("finding.campaign_not_in_campaign_list", campaign=campaign)
    elif code == "campaign_gone":
        text = f.t(f"finding.campaign_gone.{p.get('how')}", campaign=campaign)
    elif code == "overlapping_rules":
        text = f.t(
            "finding.overlapping_rules",
            leads=count(Decimal(p["leads"])),
            matched=", ".join(ctx.source_name(s) for s in (p.get("matched") or "").split(", ")),
            counted_for=ctx.source_name(p.get("counted_for")),
        )
    else:  # unmapped_leads
        text = f.t(
            "finding.unmapped_leads",
            leads=count(Decimal(p.get("leads") or 0)),
            example=p.get("example") or "",
        )
    if row.get("source_id"):
        return f.t("finding.with_source", source=ctx.source_name(row["source_id"]), finding=text)
    return text


def _in_month(ctx: Context, moment: Any) -> bool:
    if moment is None:
        return True
    day = moment.date() if isinstance(moment, dt.datetime) else moment
    return bool(day >= ctx.r.month)


def _unmapped(ctx: Context, row: dict[str, Any]) -> Text:
    value = " / ".join(str(row[k]) for k in LEAD_RULE_COLUMNS if row.get(k))
    return ctx.sentence(
        N_("insights.unmapped_line"),
        {
            "leads": ctx.number(row["leads"]),
            "value": ctx.text(value or ctx.f.t("insights.unmapped_empty")),
        },
        "bad",
    )
