"""The demo: the main job on a bundled workspace and its data, offline, no credentials.

The workspace (``partnerkit.yaml`` beside this module) describes Negev Solar and its
agency; ``data/`` holds three months of exports read by the ``files`` connector.
:func:`run_demo` reads everything, then prints what was read (with every rejected
row) and the last month by source: spend, leads in the CRM, cost per lead, the
source's monthly lead target, and sources that went silent.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from partnerkit.connector import Notice, ReadRequest

if TYPE_CHECKING:
    from rich.console import Console

    from partnerkit.model import Workspace

__all__ = ["DEMO_WORKSPACE", "DemoResult", "SourceMonth", "run_demo"]

DEMO_WORKSPACE = Path(__file__).with_name("partnerkit.yaml")
"""The bundled demo workspace file."""

_DEMO_SALT_ENV = "PARTNERKIT_DEMO_HASH_SALT"
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
class DemoResult:
    """What :func:`run_demo` read and computed.

    Attributes:
        workspace: The loaded demo workspace.
        month: The first day of the month summarised.
        rows: Records read per ``connection/stream``.
        notices: Notices per ``connection/stream`` (rejected rows and file summaries).
        sources: The month by source.
        findings: What needs attention, one sentence each.
    """

    workspace: Workspace
    month: dt.date
    rows: dict[str, int] = field(default_factory=dict)
    notices: dict[str, list[Notice]] = field(default_factory=dict)
    sources: list[SourceMonth] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)


@contextlib.contextmanager
def _demo_salt() -> Iterator[None]:
    """Provide the demo's (public, throw-away) hash salt unless the caller set one."""
    if os.environ.get(_DEMO_SALT_ENV):
        yield
        return
    os.environ[_DEMO_SALT_ENV] = "partnerkit-demo-salt"
    try:
        yield
    finally:
        os.environ.pop(_DEMO_SALT_ENV, None)


def _month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _previous_month(month: dt.date) -> dt.date:
    return _month_of(month - dt.timedelta(days=1))


def _read_all(
    ws: Workspace, start: dt.date, end: dt.date, result: DemoResult
) -> dict[str, list[dict[str, Any]]]:
    records: dict[str, list[dict[str, Any]]] = {}
    for conn in ws.connections:
        with ws.connector(conn.name) as connector:
            for spec in connector.enabled_streams():
                stream = connector.stream(ReadRequest(stream=spec.name, start=start, end=end))
                rows = stream.to_dicts()
                label = f"{conn.name}/{spec.name}"
                result.rows[label] = len(rows)
                result.notices[label] = list(stream.notices)
                records.setdefault(spec.kind.value, []).extend(rows)  # type: ignore[arg-type]
    return records


def _summarise(
    ws: Workspace, records: dict[str, list[dict[str, Any]]], month: dt.date
) -> list[SourceMonth]:
    tz = ZoneInfo(ws.timezone)
    previous = _previous_month(month)
    month_end = (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    performance = records.get("performance", [])
    leads = [(lead, lead["created_at"].astimezone(tz).date()) for lead in records.get("lead", [])]
    out = []
    for source in ws.sources:
        rows = [
            r
            for r in performance
            if _month_of(r["date"]) == month and source.matching.matches_performance(r)
        ]
        spend = sum((r["spend"] for r in rows if r.get("spend") is not None), Decimal(0))
        platform = [
            r["leads"] if r.get("leads") is not None else r.get("conversions") for r in rows
        ]
        reported = [v for v in platform if v is not None]
        days = [day for lead, day in leads if source.matching.matches_lead(lead)]
        crm = sum(1 for d in days if _month_of(d) == month)
        before = sum(1 for d in days if _month_of(d) == previous)
        last = max((d for d in days if d <= month_end), default=None)
        silent = (
            source.status == "active"
            and last is not None
            and (month_end - last).days >= _SILENT_DAYS
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
            if r.get("campaign_id") in ids and _month_of(r["date"]) == result.month
        ]
        spend = sum((r["spend"] for r in rows if r.get("spend") is not None), Decimal(0))
        results = sum((r.get("leads") or r.get("conversions") or 0) for r in rows)
        if spend > 0 and results == 0:
            out.append(
                f"{campaign.name}: {_money(spend, ws.currency)} spent and no lead or conversion."
            )
    for label, notices in result.notices.items():
        rejected = [n for n in notices if n.code == "rejected_row"]
        if rejected:
            out.append(f"{label}: {len(rejected)} row(s) rejected — {rejected[0].message}")
    return out


def run_demo(console: Console | None = None, *, month: dt.date | None = None) -> DemoResult:
    """Run the main job on the bundled demo workspace and print a summary.

    Args:
        console: Where to print (a :class:`rich.console.Console`); ``None`` prints nothing.
        month: The month to summarise (any day in it); the demo data's last month by default.

    Returns:
        What was read and computed, for tests and notebooks.
    """
    from partnerkit.model import load_workspace

    ws = load_workspace(DEMO_WORKSPACE)
    contract = ws.contract
    start = contract.start if contract else dt.date(2026, 8, 1)
    target = _month_of(month or dt.date(2026, 10, 31))
    end = (target + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    result = DemoResult(workspace=ws, month=target)
    with _demo_salt():
        records = _read_all(ws, start, end, result)
    result.sources = _summarise(ws, records, target)
    result.findings = _findings(ws, records, result)
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
        f"leads by HubSpot's original source. The workspace: {DEMO_WORKSPACE}"
    )
