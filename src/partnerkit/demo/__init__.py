"""The demo: the main job on a bundled workspace and its data, offline, no credentials.

The workspace (``partnerkit.yaml`` beside this module) describes Negev Solar and its
agency. Three months of data come through the real connectors: Meta, Google Ads, GA4,
HubSpot, LinkedIn Ads, Search Console, Mailchimp and Meta Pages replay recorded API
answers (``cassettes/``, one per connection, so nothing reaches the network), and the
``files`` connector reads the trade-show import (``data/``); the evidence log and the
partnership survey are files beside them.
:func:`load_demo` reads it all into an analysis :class:`~partnerkit.analysis.Dataset`;
:func:`run_demo` evaluates the last month once
(:func:`~partnerkit.analysis.month.evaluate_month`) and prints what was read and the
month by source (spend, leads, cost per lead, the source's lead target), then what the
analyses found: silent sources, duplicate leads, SLA breaches, spend without leads.
Every figure it prints is read from that evaluation, the same result objects the
monthly report renders: the console and the report cannot disagree.

The demo is also a real workspace: :func:`init_demo` (``partnerkit demo --init DIR``)
copies it into a folder of its own, where every command works on it offline, and
:func:`open` loads it in Python. Its platform connections replay their recordings
(``replay:``), which answer August, September and October 2026 and every run of whole
months between them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from partnerkit.analysis.periods import month_start
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
    from partnerkit.analysis.month import MonthEvaluation
    from partnerkit.model import Workspace
    from partnerkit.report import Formatter

__all__ = [
    "DEMO_AS_OF",
    "DEMO_WORKSPACE",
    "DemoData",
    "DemoResult",
    "SourceMonth",
    "init_demo",
    "load_demo",
    "open",
    "run_demo",
]

DEMO_WORKSPACE = Path(__file__).with_name("partnerkit.yaml")
"""The bundled demo workspace file."""

DEMO_AS_OF = dt.datetime(2026, 11, 15, 7, 30, tzinfo=dt.UTC)
"""The moment the demo describes: mid-November 2026, the October report in (late)."""


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
        crm_leads: Leads (inquiries: lead records) created in the CRM in the month.
        previous_crm_leads: The same, for the month before (``None``: not computable).
        cost_per_lead: The month's cost per lead; ``None`` when not computable.
        lead_target: The source's monthly lead target.
        last_lead: The day of the source's last lead up to the month's end.
        silent: The source-map audit found it silent.

    Every figure is the month's evaluation's (:func:`run_demo`), as the report shows it.
    """

    source_id: str
    name: str
    status: str
    wiring: str
    spend: Decimal | None
    platform_leads: float | None
    crm_leads: int
    previous_crm_leads: int | None
    cost_per_lead: Decimal | None
    lead_target: int | None
    last_lead: dt.date | None
    silent: bool


@dataclass
class DemoData:
    """Everything the demo read, ready for the analyses and the report.

    Attributes:
        workspace: The loaded demo workspace.
        dataset: Every record read, by record kind.
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
        slas: SLA compliance from the contract's start to the month's end, with the
            month's own figures (``term.month``).
        report_paths: The HTML and Markdown report files, when a report was written.
        evaluation: The month's evaluation every figure above is read from.
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
    evaluation: MonthEvaluation | None = None


def load_demo() -> DemoData:
    """Read the whole demo offline: four platform connectors on cassettes, plus files.

    The workspace's platform connections replay their recordings (``replay:``, in
    ``cassettes/``; no secret needed), every read is made as of :data:`DEMO_AS_OF`
    (``ReadRequest.as_of``) — nothing reaches the network.

    Returns:
        The workspace, the dataset of every record, the evidence log and the survey.
    """
    from partnerkit.analysis import Dataset, read_evidence, read_survey
    from partnerkit.demo._read import READ_END, READ_START, read_connections
    from partnerkit.model import load_workspace

    ws = load_workspace(DEMO_WORKSPACE)
    reads = read_connections(ws)
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


def _summarise(ev: MonthEvaluation) -> list[SourceMonth]:
    """The month by source, read from the evaluation (no figure computed here)."""
    from partnerkit.analysis.month import figure, previous_figure

    silent: dict[str, dict[str, Any]] = {}
    platform: dict[str, Any] = {}
    if ev.audit is not None:
        silent = {r["source_id"]: r for r in ev.audit.silent.to_pylist()}
        for row in ev.audit.platform_vs_crm.to_pylist():
            if row["month"] == ev.label:
                platform[row["source_id"]] = row["platform_leads"]
    out = []
    for source in ev.workspace.sources:
        leads = ev.source(source.id, "leads")
        count, before = figure(leads), previous_figure(leads)
        found = silent.get(source.id, {})
        out.append(
            SourceMonth(
                source_id=source.id,
                name=source.name,
                status=str(source.status),
                wiring=str(source.wiring),
                spend=figure(ev.source(source.id, "spend")),
                platform_leads=platform.get(source.id),
                crm_leads=int(count or 0),
                previous_crm_leads=None if before is None else int(before),
                cost_per_lead=figure(ev.source(source.id, "cpl")),
                lead_target=source.monthly_lead_target,
                last_lead=found.get("last_lead_day"),
                silent=bool(found.get("silent")),
            )
        )
    return out


def _findings(ev: MonthEvaluation, result: DemoResult, fmt: Formatter) -> list[str]:
    """What needs attention, each sentence from a result the report renders too."""
    out = []
    if ev.audit is not None:
        for row in ev.audit.silent.to_pylist():
            if row.get("silent"):
                last = row.get("last_lead_day")
                out.append(
                    f"{row.get('name') or row['source_id']}: no lead for "
                    f"{row['days_without_leads']} days"
                    + (f" (last {last:%Y-%m-%d})" if last else "")
                    + f", {row.get('leads_before')} leads before; check its "
                    f"{row.get('wiring')} wiring."
                )
    if ev.audit is not None:
        names = {s.source_id: s for s in result.sources}
        for row in ev.audit.lead_volume.to_pylist():
            source = names.get(row["source_id"])
            if (
                row["month"] == ev.label
                and row["status"] in ("off_track", "at_risk")
                and source is not None
                and not source.silent
            ):
                out.append(
                    f"{source.name}: {row['leads']} leads, below its target of {row['target']} "
                    f"({row['status'].replace('_', ' ')})."
                )
    if ev.audit is not None:
        for row in ev.audit.spend_and_leads.to_pylist():
            if (
                row.get("finding") == "spend_without_leads"
                and row["month"] == ev.label
                and row.get("level") == "campaign"
            ):
                name = row.get("campaign_name") or row.get("campaign_id") or "?"
                spend = row["spend"] if isinstance(row["spend"], Decimal) else Decimal(row["spend"])
                out.append(f"{name}: {fmt.money(spend)} spent and no lead.")
    if ev.dedup is not None and ev.dedup.duplicates:  # the report's sentence, in English
        d = ev.dedup
        out.append(
            "Duplicate leads: "
            + fmt.t(
                "insights.people_line",
                inquiries=fmt.number(d.lead_records),
                people=fmt.number(d.people),
                duplicates=fmt.number(d.duplicates),
            )
        )
    if ev.sla is not None:
        for term in ev.sla.terms:
            month, overall = term.headline, term.cumulative
            if month.passed is False and month.attainment is not None:
                out.append(
                    fmt.t(
                        "rec.sla_month",
                        term=term.sla.id,
                        attainment=fmt.share(month.attainment),
                        month=fmt.month(ev.month),
                        required=fmt.share(term.required),
                        start=fmt.date(term.start),
                        cumulative="—"
                        if overall.attainment is None
                        else fmt.share(overall.attainment),
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

    The month is evaluated once, as of the demo's moment (:data:`DEMO_AS_OF`); the
    console summary and the report both render that one evaluation.

    Args:
        console: Where to print (a :class:`rich.console.Console`); ``None`` prints nothing.
        month: The month to summarise (any day in it); the demo data's last month by default.
        report_dir: Where to write the monthly report (HTML and Markdown); ``None``
            builds no report.

    Returns:
        What was read and computed, for tests and notebooks.
    """
    from partnerkit.analysis.month import evaluate_month
    from partnerkit.report import Formatter

    data = load_demo()
    ws = data.workspace
    target = month_start(month or data.end)
    ev = evaluate_month(
        ws, data.dataset, target, as_of=data.as_of, evidence=data.evidence, survey=data.survey
    )
    if ev.status is not None:
        raise ev.status.error()
    result = DemoResult(workspace=ws, month=target, rows=data.rows, notices=data.notices, data=data)
    result.evaluation = ev
    result.audit, result.dedup, result.slas = ev.audit, ev.dedup, ev.sla
    result.sources = _summarise(ev)
    fmt = Formatter("en-US", ws.currency)
    result.findings = _findings(ev, result, fmt)
    if report_dir is not None:
        from partnerkit.report import build_report

        report = build_report(ws, data.dataset, target, evaluation=ev)
        result.report_paths = report.write(report_dir)
    if console is not None:
        _print(console, result, fmt)
    return result


def _money(value: Decimal | None, fmt: Formatter) -> str:
    return "—" if value is None else fmt.money(value)


def _print(console: Console, result: DemoResult, fmt: Formatter) -> None:
    from rich.table import Table

    ws = result.workspace
    partner = ws.partner.name if ws.partner else "the partner"
    console.print(f"[bold]{ws.name}[/] — working with {partner}")
    if ws.contract and ws.contract.trial_end:
        console.print(f"Trial period ends {ws.contract.trial_end:%Y-%m-%d}.")
    trial = result.evaluation.trial if result.evaluation is not None else None
    if trial is not None and trial.verdict is not None:
        console.print(
            f"Trial verdict: [bold]{trial.verdict}[/] — {trial.met} of {len(trial.criteria)} "
            f"criteria met{' so far (provisional)' if trial.provisional else ''}."
        )
    read = Table("connection/stream", "records", "rejected", title="What was read")
    for label, count in result.rows.items():
        rejected = [n for n in result.notices[label] if n.code == "rejected_row"]
        read.add_row(label, f"{count:,}", str(len(rejected)) if rejected else "0")
    console.print(read)
    table = Table(title=f"{result.month:%B %Y} by source")
    for column in ("source", "spend", "leads (inquiries)", "prev.", "target", "CPL"):
        table.add_column(column, justify="left" if column == "source" else "right")
    for s in result.sources:
        table.add_row(
            s.name if s.status == "active" else f"{s.name} ({s.status})",
            _money(s.spend, fmt),
            str(s.crm_leads),
            "—" if s.previous_crm_leads is None else str(s.previous_crm_leads),
            "—" if s.lead_target is None else str(s.lead_target),
            _money(s.cost_per_lead, fmt),
        )
    console.print(table)
    ev = result.evaluation
    if ev is not None:
        from partnerkit.analysis.month import figure

        inquiries = figure(ev.inquiries)
        console.print(
            f"Leads in {result.month:%B %Y}: "
            f"{'—' if inquiries is None else int(inquiries)} inquiries (lead records) from "
            f"{'—' if ev.people is None else ev.people} people (each person counted once).",
            highlight=False,
        )
        health = ev.health.months[0] if ev.health is not None and ev.health.months else None
        if health is not None:
            console.print(
                f"Partnership health in {result.month:%B %Y}: "
                + (
                    f"{health.score.normalize():f} of 100."
                    if health.score is not None
                    else f"not computable ({health.reason}: {', '.join(health.not_computable)})."
                ),
                highlight=False,
            )
    if result.findings:
        console.print("[bold]Needs attention[/]")
        for finding in result.findings:
            console.print(f"  • {finding}", highlight=False)
    replayed = ", ".join(c.name for c in ws.connections if c.replay is not None)
    console.print(
        "Spend is matched to sources by the source map's account and campaign rules, CRM "
        f"leads by HubSpot's original source. These connections answered from recorded "
        f"fixtures (offline): {replayed}. The workspace: {DEMO_WORKSPACE}",
        highlight=False,
    )
    if result.report_paths:
        html, markdown = result.report_paths
        console.print(f"[bold green]The monthly partner report:[/] {html}", highlight=False)
        console.print(f"  (Markdown: {markdown})", highlight=False)


#: What :func:`init_demo` copies: the workspace file and the folders it names.
_DEMO_PARTS = ("partnerkit.yaml", "data", "cassettes")


def init_demo(folder: Path) -> Path:
    """Write the demo workspace into ``folder``: a real workspace, read offline.

    The workspace file, its data files (``data/``) and the recorded API answers
    (``cassettes/``) its platform connections replay (``replay:``), so no secret and
    no network is needed.

    Args:
        folder: Where to write; created if missing. It must not hold a
            ``partnerkit.yaml``, ``data/`` or ``cassettes/`` already.

    Returns:
        The workspace file written.

    Raises:
        ConfigurationError: The folder already holds a part of a workspace, or is not
            a folder.
    """
    import shutil

    from partnerkit.errors import ConfigurationError

    if folder.exists() and not folder.is_dir():
        raise ConfigurationError(f"{folder} is a file; give a folder for the demo workspace.")
    taken = [name for name in _DEMO_PARTS if (folder / name).exists()]
    if taken:
        raise ConfigurationError(
            f"{folder} already holds {', '.join(taken)}; give an empty or new folder for "
            "the demo workspace (nothing was written)."
        )
    folder.mkdir(parents=True, exist_ok=True)
    for name in _DEMO_PARTS:
        source = DEMO_WORKSPACE.parent / name
        if source.is_dir():
            shutil.copytree(source, folder / name)
        else:
            shutil.copyfile(source, folder / name)
    return folder / DEMO_WORKSPACE.name


def open(folder: Path | str | None = None) -> Workspace:
    """Load the demo workspace: its platform connectors replay their recordings.

    ``ws.connector("meta").stream(stream="ad_insights", start=..., end=...)`` reads
    offline, with no secret set, for any run of whole months from August to October
    2026.

    Args:
        folder: A folder :func:`init_demo` wrote; ``None``: the bundled demo.

    Returns:
        The loaded workspace.
    """
    from partnerkit.model import load_workspace

    root = DEMO_WORKSPACE.parent if folder is None else Path(folder)
    return load_workspace(root / DEMO_WORKSPACE.name)
