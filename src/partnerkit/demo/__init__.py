"""The demo: the main job on a bundled workspace and its data, offline, no credentials.

The workspace (``partnerkit.yaml`` beside this module) describes Negev Solar and its
agency. Three months of data come through the real connectors: Meta, Google Ads, GA4
and HubSpot replay recorded API answers (``cassettes/``, one per connection, so nothing
reaches the network), and the ``files`` connector reads the trade-show import
(``data/``); the evidence log and the partnership survey are files beside them.
:func:`load_demo` reads it all into an analysis :class:`~partnerkit.analysis.Dataset`;
:func:`run_demo` prints what was read and the last month by source (spend, CRM leads,
cost per lead, the source's lead target), then what the analyses found: silent
sources, duplicate leads, SLA breaches, spend without leads.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from partnerkit.analysis.periods import add_months, month_end, month_start
from partnerkit.connector import Notice

if TYPE_CHECKING:
    from rich.console import Console

    from partnerkit.analysis import (
        Dataset,
        EvidenceLog,
        LeadDedup,
        SLACompliance,
        SourceMapAudit,
        Survey,
    )
    from partnerkit.model import Workspace

__all__ = [
    "DEMO_AS_OF",
    "DEMO_WORKSPACE",
    "DemoData",
    "DemoResult",
    "SourceMonth",
    "load_demo",
    "run_demo",
]

DEMO_WORKSPACE = Path(__file__).with_name("partnerkit.yaml")
"""The bundled demo workspace file."""

DEMO_AS_OF = dt.datetime(2026, 11, 15, 7, 30, tzinfo=dt.UTC)
"""The moment the demo describes: mid-November 2026, the October report in (late)."""

_SILENT_DAYS = 14


@dataclass(frozen=True)
class SourceMonth:
    """One source in one month, as the demo summary shows it.

    Attributes:
        source_id: The source-map id.
        name: The source's name.
        status: ``active``, ``paused`` or ``retired``.
        wiring: How the source is wired into the CRM.
        spend: Media spend matched to the source (``None`` when it has no spend data).
        platform_leads: Leads the ad platform reported (``None`` without platform data).
        crm_leads: Leads created in the CRM in the month.
        previous_crm_leads: The same, for the month before.
        cost_per_lead: ``spend / crm_leads``; ``None`` when not computable.
        lead_target: The source's monthly lead target.
        last_lead: The day of the source's last lead up to the month's end.
        silent: An active source with leads before but none in the month's last
            fourteen days.
    """

    source_id: str
    name: str
    status: str
    wiring: str
    spend: Decimal | None
    platform_leads: float | None
    crm_leads: int
    previous_crm_leads: int
    cost_per_lead: Decimal | None
    lead_target: int | None
    last_lead: dt.date | None
    silent: bool


@dataclass
class DemoData:
    """Everything the demo read, ready for the analyses and the report.

    Attributes:
        workspace: The loaded demo workspace.
        dataset: Every record read, by kind (performance, lead, deal, campaign).
        evidence: The evidence log (report deliveries, weekly calls), for SLAs.
        survey: The monthly partnership survey, for partnership health.
        start: First day of the demo data (the contract's start).
        end: Last day of the demo data.
        as_of: The moment the demo describes (:data:`DEMO_AS_OF`).
        rows: Records read per ``connection/stream``.
        notices: Notices per ``connection/stream``.
        owners: CRM owner id → name.
        records: The record dicts by kind, as the connectors yielded them.
    """

    workspace: Workspace
    dataset: Dataset
    evidence: EvidenceLog
    survey: Survey
    start: dt.date
    end: dt.date
    as_of: dt.datetime
    rows: dict[str, int] = field(default_factory=dict)
    notices: dict[str, list[Notice]] = field(default_factory=dict)
    owners: dict[str, str] = field(default_factory=dict)
    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


@dataclass
class DemoResult:
    """What :func:`run_demo` read and computed.

    Attributes:
        workspace: The loaded demo workspace.
        month: The first day of the month summarised.
        rows: Records read per ``connection/stream``.
        notices: Notices per ``connection/stream`` (rejected rows and file summaries).
        sources: The month by source.
        findings: What needs attention, one sentence each.
        data: Everything read (:func:`load_demo`).
        audit: The source-map audit (silent sources, spend without leads).
        dedup: The lead dedup over the month.
        slas: SLA compliance from the contract's start to the month's end.
        report_paths: The HTML and Markdown report files, when a report was written.
    """

    workspace: Workspace
    month: dt.date
    rows: dict[str, int] = field(default_factory=dict)
    notices: dict[str, list[Notice]] = field(default_factory=dict)
    sources: list[SourceMonth] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    data: DemoData | None = None
    audit: SourceMapAudit | None = None
    dedup: LeadDedup | None = None
    slas: SLACompliance | None = None
    report_paths: tuple[Path, Path] | None = None


def load_demo() -> DemoData:
    """Read the whole demo offline: four platform connectors on cassettes, plus files.

    Fake credentials are set only while reading (and restored after), every read is
    made as of :data:`DEMO_AS_OF` (``ReadRequest.as_of``), and every request is
    answered from ``cassettes/`` — nothing reaches the network.

    Returns:
        The workspace, the dataset of every record, the evidence log and the survey.
    """
    from partnerkit.analysis import Dataset, read_evidence, read_survey
    from partnerkit.demo._read import (
        READ_END,
        READ_START,
        demo_environment,
        play_cassette,
        read_connections,
    )
    from partnerkit.model import load_workspace

    ws = load_workspace(DEMO_WORKSPACE)
    with demo_environment():
        reads = read_connections(ws, play_cassette)
    data_dir = DEMO_WORKSPACE.parent / "data"
    return DemoData(
        workspace=ws,
        dataset=Dataset.from_records(reads.records),
        evidence=read_evidence(data_dir / "evidence.csv", timezone=ws.timezone),
        survey=read_survey(data_dir / "survey.csv"),
        start=ws.contract.start if ws.contract else READ_START,
        end=READ_END,
        as_of=DEMO_AS_OF,
        rows=reads.rows,
        notices=reads.notices,
        owners=reads.owners,
        records=reads.records,
    )


def _summarise(
    ws: Workspace, records: dict[str, list[dict[str, Any]]], month: dt.date
) -> list[SourceMonth]:
    from partnerkit.analysis.attribution import SourceRules

    rules = SourceRules(ws)  # the one attribution rule: first match, campaigns first
    tz = ZoneInfo(ws.timezone)
    previous = add_months(month, -1)
    last_day = month_end(month)
    performance = [(r, rules.performance(r).source) for r in records.get("performance", [])]
    leads = [
        (lead["created_at"].astimezone(tz).date(), rules.lead(lead).source)
        for lead in records.get("lead", [])
    ]
    out = []
    for source in ws.sources:
        rows = [
            r for r, owner in performance if month_start(r["date"]) == month and owner == source.id
        ]
        spend = sum((r["spend"] for r in rows if r.get("spend") is not None), Decimal(0))
        platform = [
            r["leads"] if r.get("leads") is not None else r.get("conversions") for r in rows
        ]
        reported = [v for v in platform if v is not None]
        days = [day for day, owner in leads if owner == source.id]
        crm = sum(1 for d in days if month_start(d) == month)
        before = sum(1 for d in days if month_start(d) == previous)
        last = max((d for d in days if d <= last_day), default=None)
        silent = (
            source.status == "active"
            and last is not None
            and (last_day - last).days >= _SILENT_DAYS
        )
        out.append(
            SourceMonth(
                source_id=source.id,
                name=source.name,
                status=str(source.status),
                wiring=str(source.wiring),
                spend=spend if rows else None,
                platform_leads=sum(reported) if reported else None,
                crm_leads=crm,
                previous_crm_leads=before,
                cost_per_lead=(spend / crm).quantize(Decimal("0.01")) if rows and crm else None,
                lead_target=source.monthly_lead_target,
                last_lead=last,
                silent=silent,
            )
        )
    return out


def _findings(
    ws: Workspace, records: dict[str, list[dict[str, Any]]], result: DemoResult
) -> list[str]:
    out = []
    months = {f"{result.month:%Y-%m}", f"{month_end(result.month) + dt.timedelta(days=1):%Y-%m}"}
    for s in result.sources:
        if s.silent:
            out.append(
                f"{s.name}: no lead since {s.last_lead:%Y-%m-%d} though it had "
                f"{s.previous_crm_leads} the month before; check its {s.wiring} wiring."
            )
        elif s.status == "active" and s.lead_target and s.crm_leads < s.lead_target:
            out.append(f"{s.name}: {s.crm_leads} leads, below its target of {s.lead_target}.")
    for campaign in ws.campaigns:
        ids = set(campaign.platform_campaign_ids)
        rows = [
            r
            for r in records.get("performance", [])
            if r.get("campaign_id") in ids and month_start(r["date"]) == result.month
        ]
        spend = sum((r["spend"] for r in rows if r.get("spend") is not None), Decimal(0))
        results = sum((r.get("leads") or r.get("conversions") or 0) for r in rows)
        if spend > 0 and results == 0:
            out.append(
                f"{campaign.name}: {_money(spend, ws.currency)} spent and no lead or conversion."
            )
    if result.dedup is not None and result.dedup.duplicates:
        d = result.dedup
        out.append(
            f"Duplicate leads: {d.lead_records} lead records are {d.inquiries_count} "
            f"inquiries; {d.duplicates} repeat a person who came through another source "
            "(counted once)."
        )
    if result.slas is not None:
        for term in result.slas.terms:
            trend = [r for r in term.trend.to_pylist() if r["month"] in months]
            breached = sum(r["breached"] for r in trend)
            if breached and any(r["passed"] is False for r in trend):
                share = next(r["attainment"] for r in trend if r["breached"])
                out.append(
                    f"SLA {term.sla.id} ({term.rule}) breached: "
                    f"{breached} case(s) outside it"
                    + (
                        f", {share:.0%} met against {term.required:.0%} required."
                        if share is not None
                        else "."
                    )
                )
    for label, notices in result.notices.items():
        rejected = [n for n in notices if n.code == "rejected_row"]
        if rejected:
            out.append(f"{label}: {len(rejected)} row(s) rejected — {rejected[0].message}")
    return out


def run_demo(
    console: Console | None = None,
    *,
    month: dt.date | None = None,
    report_dir: Path | None = None,
) -> DemoResult:
    """Run the main job on the bundled demo workspace: read, analyse, report.

    Args:
        console: Where to print (a :class:`rich.console.Console`); ``None`` prints nothing.
        month: The month to summarise (any day in it); the demo data's last month by default.
        report_dir: Where to write the monthly report (HTML and Markdown); ``None``
            builds no report.

    Returns:
        What was read and computed, for tests and notebooks.
    """
    from partnerkit.analysis import audit_source_map, dedup_leads, sla_compliance

    data = load_demo()
    ws = data.workspace
    target = month_start(month or data.end)
    end = month_end(target)
    result = DemoResult(workspace=ws, month=target, rows=data.rows, notices=data.notices, data=data)
    as_of = min(data.as_of, dt.datetime.combine(end + dt.timedelta(days=1), dt.time(12), dt.UTC))
    result.audit = audit_source_map(ws, data.dataset, start=data.start, end=end, as_of=as_of)
    result.dedup = dedup_leads(ws, data.dataset, start=target, end=end)
    # Up to the demo's "now": the month's report is due (and late) in the next month.
    sla_as_of = min(
        data.as_of, dt.datetime.combine(month_end(end + dt.timedelta(days=1)), dt.time(12), dt.UTC)
    )
    result.slas = sla_compliance(ws, data.dataset, data.evidence, start=data.start, as_of=sla_as_of)
    result.sources = _summarise(ws, data.records, target)
    result.findings = _findings(ws, data.records, result)
    if report_dir is not None:
        from partnerkit.report import build_report

        report = build_report(
            ws,
            data.dataset,
            target,
            evidence=data.evidence,
            survey=data.survey,
            as_of=as_of.date(),
        )
        result.report_paths = report.write(report_dir)
    if console is not None:
        _print(console, result)
    return result


def _money(value: Decimal | None, currency: str) -> str:
    return "—" if value is None else f"{value:,.2f} {currency}"


def _print(console: Console, result: DemoResult) -> None:
    from rich.table import Table

    ws = result.workspace
    partner = ws.partner.name if ws.partner else "the partner"
    console.print(f"[bold]{ws.name}[/] — working with {partner}")
    if ws.contract and ws.contract.trial_end:
        console.print(f"Trial period ends {ws.contract.trial_end:%Y-%m-%d}.")
    read = Table("connection/stream", "records", "rejected", title="What was read")
    for label, count in result.rows.items():
        rejected = [n for n in result.notices[label] if n.code == "rejected_row"]
        read.add_row(label, f"{count:,}", str(len(rejected)) if rejected else "0")
    console.print(read)
    table = Table(title=f"{result.month:%B %Y} by source")
    for column in ("source", "spend", "CRM leads", "prev.", "target", "CPL"):
        table.add_column(column, justify="left" if column == "source" else "right")
    for s in result.sources:
        table.add_row(
            s.name if s.status == "active" else f"{s.name} ({s.status})",
            _money(s.spend, ws.currency),
            str(s.crm_leads),
            str(s.previous_crm_leads),
            "—" if s.lead_target is None else str(s.lead_target),
            _money(s.cost_per_lead, ws.currency),
        )
    console.print(table)
    if result.findings:
        console.print("[bold]Needs attention[/]")
        for finding in result.findings:
            console.print(f"  • {finding}", highlight=False)
    console.print(
        "Spend is matched to sources by the source map's account and campaign rules, CRM "
        "leads by HubSpot's original source. Meta, Google Ads, GA4 and HubSpot answered "
        f"from recorded fixtures (offline). The workspace: {DEMO_WORKSPACE}"
    )
    if result.report_paths:
        html, markdown = result.report_paths
        console.print(f"[bold green]The monthly partner report:[/] {html}", highlight=False)
        console.print(f"  (Markdown: {markdown})", highlight=False)
