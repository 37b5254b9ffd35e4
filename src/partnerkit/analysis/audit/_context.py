"""What every audit check shares: the settings and the base tables on one scratch connection.

The checks of :func:`~partnerkit.analysis.audit.audit_source_map` all read the same
temporary tables — the source map, the months and their check days, the leads by rule
values and day, the ad-platform rows — built once here, by :func:`build_context`, and
handed to each check as an :class:`AuditContext`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from partnerkit.analysis._sql import Scratch
from partnerkit.analysis._sql import literal as _lit
from partnerkit.analysis._tables import schema_of, table_of
from partnerkit.analysis.attribution import LEAD_RULE_COLUMNS, AttributionJoins
from partnerkit.analysis.periods import Window, local_day_sql
from partnerkit.errors import ConfigurationError
from partnerkit.model import Channel, Tolerance, Workspace
from partnerkit.records import RecordKind

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["AuditContext", "Checked", "build_context"]

_PAID = frozenset(
    {Channel.PAID_SEARCH, Channel.PAID_SOCIAL, Channel.DISPLAY, Channel.VIDEO, Channel.AFFILIATE}
)


def _months(start: dt.date, end: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """Each month the days touch: its key and its whole first and last day."""
    whole = [Window.month(key) for key in Window(start, end).months()]
    return [(w.label, w.start, w.end) for w in whole]


@dataclass(frozen=True)
class Checked:
    """What a check made: its table on the scratch connection and the rows it reports.

    Attributes:
        table: The check's table, for the hygiene score and the findings to read.
        rows: The rows the audit reports, ordered.
    """

    table: str
    rows: pa.Table


@dataclass(frozen=True)
class AuditContext:
    """The audit's settings and the names of its base tables on the scratch connection.

    Attributes:
        ws: The workspace audited.
        scratch: The scratch connection every table lives on.
        joins: How leads, performance rows and campaigns are tied to sources.
        start: First day audited.
        end: Last day audited.
        as_of: The moment the audit describes.
        silent_days: Days without a lead after which a source is silent.
        max_gap: The platform-vs-CRM gap (percent, either way) beyond which is a finding.
        max_unmapped: The share of unmapped leads the hygiene check allows.
        tolerance: The bands of the lead-target status.
        t_sources: The source map in file order (``ord``), with its wiring.
        t_months: The months audited with their first, last and check days.
        t_checks: The check days (each month's, and the last day judged).
        t_lead_values: Leads by rule values and local day, with their source.
        t_leads: Leads per source and local day.
        t_perf: Ad-platform rows (one level per account) with their source, in the
            workspace currency when exchange rates were given.
        t_ws_campaigns: The workspace's campaigns, one row per platform campaign id.
    """

    ws: Workspace
    scratch: Scratch
    joins: AttributionJoins
    start: dt.date
    end: dt.date
    as_of: dt.datetime
    silent_days: int
    max_gap: Decimal
    max_unmapped: Decimal
    tolerance: Tolerance
    t_sources: str
    t_months: str
    t_checks: str
    t_lead_values: str
    t_leads: str
    t_perf: str
    t_ws_campaigns: str

    def in_period(self, column: str = "day") -> str:
        """SQL: the column's day lies in the audited days."""
        return f"{column} BETWEEN {_lit(self.start)} AND {_lit(self.end)}"

    def perf_by_month(self) -> str:
        """SQL (a subquery): the ad-platform rows, each with its audited ``month``."""
        return (
            f"(SELECT p.*, m.month FROM {self.t_perf} p JOIN {self.t_months} m "
            f"ON p.day BETWEEN m.first_day AND m.last_day)"
        )

    def crm_leads_by_month(self) -> str:
        """SQL: CRM leads per source and audited month (``source_id, month, crm_leads``)."""
        return (
            f"SELECT l.source_id, m.month, sum(l.n) AS crm_leads "
            f"FROM {self.t_leads} l JOIN {self.t_months} m "
            f"ON l.day BETWEEN m.first_day AND m.last_day "
            f"WHERE l.source_id IS NOT NULL GROUP BY ALL"
        )

    def one_currency(self, table: str, keys: Sequence[str], what: str) -> None:
        """Raise when a group of spend rows mixes currencies (money is never added across)."""
        rows = self.scratch.con.execute(
            f"SELECT {', '.join(keys)}, list(DISTINCT currency ORDER BY currency) AS c "
            f"FROM {table} WHERE spend IS NOT NULL GROUP BY ALL "
            f"HAVING count(DISTINCT currency) > 1 LIMIT 1"
        ).fetchall()
        if rows:
            *key, currencies = rows[0]
            raise ConfigurationError(
                f"the spend of {what} {' '.join(str(k) for k in key)} is in "
                f"{' and '.join(currencies)}; money in different currencies is never added. "
                f"Pass exchange_rates={{'{currencies[-1]}': Decimal('...')}} (units of "
                f"{self.ws.currency} per unit) to convert it."
            )


def build_context(
    ws: Workspace,
    scratch: Scratch,
    joins: AttributionJoins,
    *,
    start: dt.date,
    end: dt.date,
    as_of: dt.datetime,
    silent_days: int,
    lead_columns: Sequence[str],
    max_gap: Decimal,
    max_unmapped: Decimal,
    tolerance: Tolerance,
    rates: Mapping[str, Decimal] | None,
    performance: str,
) -> AuditContext:
    """Build the base tables on ``scratch`` and return the context the checks read.

    ``performance`` is the SQL of the performance rows that add up
    (:func:`~partnerkit.analysis._grain.summable_rows`).

    Raises:
        ConfigurationError: ``rates`` lacks a currency the spend is in.
    """
    import pyarrow as pa

    s, tz = scratch, ws.timezone
    as_of_day = as_of.astimezone(ws.calendar.zone).date()
    # The source map as a table, in file order.
    rows = [
        {
            "source_id": src.id,
            "ord": i,
            "name": src.name,
            "status": src.status.value,
            "wiring": src.wiring.value,
            "start_day": src.start,
            "end_day": src.end,
            "target": src.monthly_lead_target,
            "expects_spend": bool(
                src.budget is not None
                or src.channel in _PAID
                or src.matching.account_ids
                or src.matching.campaign_ids
            ),
            "has_rules": not src.matching.is_empty,
        }
        for i, src in enumerate(ws.sources)
    ]
    t_sources = s.register("sources", table_of(rows, _SOURCE_SCHEMA()))
    # Months and their check days (the last day judged: the month's end, or as_of).
    months = []
    for key, first, last in _months(start, end):
        if first > as_of_day:
            break
        check = min(last, end, as_of_day)
        if last >= as_of_day:
            unjudged: str | None = (
                f"not judged: the month is in progress "
                f"({(check - first).days + 1} of {(last - first).days + 1} days)"
            )
        elif first < start or last > end:
            unjudged = "not judged: the audit covers only part of the month"
        else:
            unjudged = None
        months.append(
            {
                "month": key,
                "month_first": first,
                "month_last": last,
                "first_day": max(first, start),
                "last_day": min(last, end),
                "check_day": check,
                "unjudged": unjudged,
            }
        )
    month_table = table_of(months, _MONTH_SCHEMA())
    t_months = s.register("months", month_table)
    checks = [dict(m) for m in months]
    final = min(end, as_of_day)
    if not any(m["check_day"] == final for m in months):
        checks.append({"month": None, "check_day": final})
    t_checks = s.register(
        "checks",
        pa.table(
            {
                "month": pa.array([c["month"] for c in checks], pa.string()),
                "check_day": pa.array([c["check_day"] for c in checks], pa.date32()),
            }
        ),
    )
    # Leads by rule values and local day, with their source.
    j, lead = joins, RecordKind.LEAD
    cols = ", ".join(LEAD_RULE_COLUMNS)
    day = local_day_sql("created_at", tz, timestamp=True)
    t_lead_values = s.table(
        "lead_values",
        f"SELECT {', '.join('v.' + c for c in LEAD_RULE_COLUMNS)}, v.day, v.n, v.first_at, "
        f"v.last_at, v.example_lead_id, {j.expr(lead, 'source')} AS source_id, "
        f"{j.expr(lead, 'campaign')} AS ws_campaign, "
        f"{j.expr(lead, 'matched')} AS matched FROM ("
        f"  SELECT {cols}, {day} AS day, count(*) AS n, "
        f"  min(created_at) AS first_at, max(created_at) AS last_at, "
        f"  min(lead_id) AS example_lead_id "
        f"  FROM lead WHERE is_deleted IS NOT true GROUP BY ALL) v {j.join(lead)}",
    )
    t_leads = s.table(
        "leads",
        f"SELECT source_id, day, sum(n) AS n, max(last_at) AS last_at "
        f"FROM {t_lead_values} GROUP BY ALL",
    )
    # Ad-platform rows: the rows that add up (one grain per account and day), no analytics.
    lead_expr = (
        "coalesce(" + ", ".join(f'CAST("{c}" AS DOUBLE)' for c in lead_columns) + ")"
        if lead_columns
        else "CAST(NULL AS DOUBLE)"
    )
    ws_currency = _lit(ws.currency)
    t_perf_rows = s.table(
        "perf_rows",
        f"SELECT platform, account_id, campaign_id, max(campaign_name) AS campaign_name, "
        f"source, medium, utm_campaign, "
        f"date AS day, coalesce(currency, {ws_currency}) AS currency, "
        f"sum(spend) AS spend, bool_or(spend > 0) AS spent, "
        f"sum({lead_expr}) AS platform_leads "
        f"FROM {performance} v WHERE level IS DISTINCT FROM 'traffic' GROUP BY ALL",
    )
    perf = RecordKind.PERFORMANCE
    t_perf = s.table(
        "perf",
        f"SELECT v.*, {j.expr(perf, 'source')} AS source_id, "
        f"{j.expr(perf, 'campaign')} AS ws_campaign "
        f"FROM {t_perf_rows} v {j.join(perf)}",
    )
    # Workspace campaigns and their platform ids.
    ws_campaigns = [
        {
            "campaign": c.id,
            "campaign_name": c.name,
            "source_id": c.source,
            "utm_campaign": c.utm_campaign,
            "platform": ws.source(c.source).platform,
            "platform_campaign_id": pid,
            "start_day": c.start,
            "end_day": c.end,
        }
        for c in ws.campaigns
        for pid in _or_none(c.platform_campaign_ids)
    ]
    t_ws_campaigns = s.register("ws_campaigns", table_of(ws_campaigns, _WS_CAMPAIGN_SCHEMA()))
    t_perf = _spend_rates(ws, s, t_perf, rates)
    return AuditContext(
        ws=ws,
        scratch=scratch,
        joins=joins,
        start=start,
        end=end,
        as_of=as_of,
        silent_days=silent_days,
        max_gap=max_gap,
        max_unmapped=max_unmapped,
        tolerance=tolerance,
        t_sources=t_sources,
        t_months=t_months,
        t_checks=t_checks,
        t_lead_values=t_lead_values,
        t_leads=t_leads,
        t_perf=t_perf,
        t_ws_campaigns=t_ws_campaigns,
    )


def _spend_rates(
    ws: Workspace, scratch: Scratch, t_perf: str, rates_given: Mapping[str, Decimal] | None
) -> str:
    """Convert spend to the workspace currency when rates are given (the table's new name)."""
    import pyarrow as pa

    s = scratch
    if rates_given is None:
        return t_perf
    rates = {k.upper(): Decimal(v) for k, v in rates_given.items()}
    rates.setdefault(ws.currency, Decimal(1))
    have = [r[0] for r in s.con.execute(f"SELECT DISTINCT currency FROM {t_perf}").fetchall()]
    missing = sorted(c for c in have if c not in rates)
    if missing:
        raise ConfigurationError(
            f"exchange_rates has no rate for {', '.join(missing)}: give units of "
            f"{ws.currency} per unit of each currency the spend is in"
        )
    table = pa.table(
        {
            "currency": pa.array(list(rates), pa.string()),
            "rate": pa.array(list(rates.values()), pa.decimal128(38, 12)),
        }
    )
    t = s.register("rates", table)
    return s.table(
        "perf_converted",
        f"SELECT p.* REPLACE (CAST(p.spend * r.rate AS DECIMAL(38, 6)) AS spend, "
        f"{_lit(ws.currency)} AS currency) FROM {t_perf} p "
        f"JOIN {t} r USING (currency)",
    )


def _SOURCE_SCHEMA() -> pa.Schema:  # noqa: N802 - a constant built lazily
    import pyarrow as pa

    return schema_of(
        ("source_id", pa.string()),
        ("ord", pa.int64()),
        ("name", pa.string()),
        ("status", pa.string()),
        ("wiring", pa.string()),
        ("start_day", pa.date32()),
        ("end_day", pa.date32()),
        ("target", pa.int64()),
        ("expects_spend", pa.bool_()),
        ("has_rules", pa.bool_()),
    )


def _MONTH_SCHEMA() -> pa.Schema:  # noqa: N802
    import pyarrow as pa

    return schema_of(
        ("month", pa.string()),
        ("month_first", pa.date32()),
        ("month_last", pa.date32()),
        ("first_day", pa.date32()),
        ("last_day", pa.date32()),
        ("check_day", pa.date32()),
        ("unjudged", pa.string()),
    )


def _WS_CAMPAIGN_SCHEMA() -> pa.Schema:  # noqa: N802
    import pyarrow as pa

    return schema_of(
        ("campaign", pa.string()),
        ("campaign_name", pa.string()),
        ("source_id", pa.string()),
        ("utm_campaign", pa.string()),
        ("platform", pa.string()),
        ("platform_campaign_id", pa.string()),
        ("start_day", pa.date32()),
        ("end_day", pa.date32()),
    )


def _or_none(ids: Sequence[str]) -> list[str | None]:
    """The ids, or ``[None]`` when there are none (one row either way)."""
    return [*ids] if ids else [None]
