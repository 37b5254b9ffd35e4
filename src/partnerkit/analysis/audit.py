"""The source-map audit: the CRM's leads and the ad platforms' campaigns held against the map.

:func:`audit_source_map` answers "is every source wired and alive?":

* **unmapped leads** — leads whose source, drill-downs and UTM tags match no
  source-map entry, with the values and how many leads carry them, so the entry can
  be added; and leads that match more than one entry (overlapping rules);
* **silent sources** — active sources with no lead for ``silent_days`` days although
  they had leads before or spend in those days, with the wiring to check;
* **spend without leads / leads without spend**, per source and per platform
  campaign, month by month;
* **platform vs CRM leads** per source and month: the gap in count and percent;
* **lead volume** per source and month against its ``monthly_lead_target``;
* **campaign coverage** — ad-platform campaigns (from campaign records and
  performance rows, with their UTM tags) that no source-map entry covers, and
  source-map campaigns whose platform campaign no longer exists;
* a **hygiene** score per month: the share of these checks that passed.

How leads and rows are tied to sources (:func:`attribute_leads`,
:func:`attribute_performance`): first through the workspace's campaigns (a campaign
that lists the row's platform campaign id, or whose ``utm_campaign`` equals the
record's), then the **first** source in the source map (file order) whose
:class:`~partnerkit.model.SourceMatching` rules match. A record more than one entry
matches is counted once, for the first, and listed under ``overlaps``.

Everything is DuckDB SQL over the :class:`~partnerkit.analysis.Dataset` views. The
rules are glob patterns, so the expensive step — testing a lead against up to a
hundred sources' patterns — runs once per *distinct combination* of source values
(usually a few hundred), not once per lead; the leads are then joined to their
source and aggregated per source and local day. No Python loop touches a record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from partnerkit.analysis._args import AsOf, as_of_moment
from partnerkit.analysis._data import Dataset, Result
from partnerkit.analysis._sql import Scratch
from partnerkit.analysis._sql import literal as _lit
from partnerkit.analysis._tables import schema_of, sections, table_of
from partnerkit.analysis.attribution import (
    LEAD_RULE_COLUMNS,
    AttributionJoins,
    attribute_leads,
    attribute_performance,
    attribution_of,
)
from partnerkit.analysis.periods import Window, local_day_sql
from partnerkit.errors import ConfigurationError
from partnerkit.model import Channel, Tolerance, Workspace
from partnerkit.records import Additivity, RecordKind

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["SourceMapAudit", "attribute_leads", "attribute_performance", "audit_source_map"]

_PAID = frozenset(
    {Channel.PAID_SEARCH, Channel.PAID_SOCIAL, Channel.DISPLAY, Channel.VIDEO, Channel.AFFILIATE}
)
_GONE = ("removed", "deleted", "archived")
_LIVE = ("active", "enabled")
_LEVEL_RANK = (
    "CASE level WHEN 'campaign' THEN 1 WHEN 'ad_group' THEN 2 WHEN 'ad' THEN 3 "
    "WHEN 'account' THEN 4 ELSE 5 END"
)

#: What to look at when a source of each wiring goes silent.
WIRING_HINTS: Mapping[str, str] = {
    "native": "check the native integration in the CRM (an expired connection or a lost "
    "permission stops the sync without an error)",
    "zapier": "check the Zap's run history: a failed, paused or turned-off Zap stops leads "
    "silently",
    "api": "check the partner's API integration and its error log",
    "form": "submit a test form and check the lead reaches the CRM",
    "import": "check whether the last import was done",
    "manual": "check that leads are still being entered",
    "other": "check how the source is wired (see its notes)",
}


# -------------------------------------------------------------- period helpers


def _months(start: dt.date, end: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """Each month the days touch: its key and its whole first and last day."""
    whole = [Window.month(key) for key in Window(start, end).months()]
    return [(w.label, w.start, w.end) for w in whole]


def _metadata(schema: pa.Schema, column: str) -> dict[str, str]:
    meta = schema.field(column).metadata or {}
    return {k.decode(): v.decode() for k, v in meta.items()}


def _check_lead_columns(schema: pa.Schema, names: Sequence[str]) -> None:
    for name in names:
        if name not in schema.names:
            have = [c for c in schema.names if c in ("leads", "conversions", "key_events")]
            have += [c for c in schema.names if c.startswith("extra.")]
            raise ConfigurationError(
                f"platform_lead_columns names {name!r}, which the performance records do not "
                f"have. Columns that could count leads: {', '.join(have) or 'none'}"
            )
        if _metadata(schema, name).get("additivity") == Additivity.NON_ADDITIVE.value:
            raise ConfigurationError(
                f"the performance column {name!r} is not additive (its metadata says "
                f"non_additive), so it cannot be summed into a month's platform leads. "
                f"Re-query the platform at the grain you need (one row per source and "
                f"month) or pick an additive column."
            )


# --------------------------------------------------------------------- result


@dataclass(frozen=True)
class SourceMapAudit(Result):
    """What :func:`audit_source_map` found; every table is an Arrow table.

    The table view (:meth:`to_arrow`) is :attr:`findings`: one row per thing to fix.

    Attributes:
        start: First day audited (workspace time zone).
        end: Last day audited.
        as_of: The moment the audit describes; months after it are not judged.
        silent_days: Days without a lead after which a source is silent.
        leads: Lead records (not deleted) created from ``start`` to ``end``.
        unmapped: Unmapped lead values: the six rule columns, ``leads``,
            ``first_at``, ``last_at`` and an ``example_lead_id``.
        overlaps: Lead values more than one source matches: the rule columns,
            ``matched_sources``, ``counted_for`` and ``leads``.
        silent: One row per source at the last check day: ``last_lead_day``,
            ``days_without_leads``, ``leads_before``, ``spend_days_in_window``,
            ``silent`` and ``reason``, with the ``wiring`` and a ``hint``.
        spend_and_leads: Per source (``level`` = ``source``) and per platform
            campaign (``level`` = ``campaign``) and month: ``spend`` and
            ``currency``, ``crm_leads``, ``platform_leads`` and ``finding``.
        platform_vs_crm: Per source and month with ad-platform rows:
            ``platform_leads``, ``crm_leads``, ``gap`` (CRM − platform) and
            ``gap_percent`` (of the platform count), with ``reason`` when not computable.
        lead_volume: Per source and month: ``leads``, ``target``, ``percent_of_target``,
            ``status`` and ``reason`` when not judged.
        campaigns: Ad-platform campaigns with the ``source_id`` and workspace
            ``campaign`` that cover them and a ``finding``.
        missing_campaigns: Source-map campaign ids not seen on their platform.
        checks: Every hygiene check per month (``check``, ``subject``, ``passed``).
        hygiene: Per month: ``checks``, ``passed``, ``score`` (passed / checks) and
            the ``failed`` checks.
        findings: Every finding: ``check``, ``month``, ``source_id``, ``subject`` and
            a ``message`` in words.
    """

    start: dt.date
    end: dt.date
    as_of: dt.datetime
    silent_days: int
    leads: int
    unmapped: pa.Table
    overlaps: pa.Table
    silent: pa.Table
    spend_and_leads: pa.Table
    platform_vs_crm: pa.Table
    lead_volume: pa.Table
    campaigns: pa.Table
    missing_campaigns: pa.Table
    checks: pa.Table
    hygiene: pa.Table
    findings: pa.Table
    title: str = field(default="Source-map audit")

    def to_arrow(self) -> pa.Table:
        """The findings, one row each."""
        return self.findings

    def hygiene_score(self, month: str) -> Decimal | None:
        """The hygiene score (passed / checks, 0–1) of a ``YYYY-MM`` month, if it was judged."""
        for row in self.hygiene.to_pylist():
            if row["month"] == month:
                score: Decimal | None = row["score"]
                return score
        return None

    def _repr_html_(self) -> str:
        head = (
            f"<p>{self.start} to {self.end} (as of {self.as_of:%Y-%m-%d %H:%M} UTC): "
            f"{self.leads:,} leads, {self.unmapped.num_rows} unmapped value combinations, "
            f"{self.findings.num_rows} findings.</p>"
        )
        return head + sections(
            self.title,
            [
                ("Findings", self.findings),
                ("Hygiene by month", self.hygiene),
                ("Unmapped lead values", self.unmapped),
                ("Silent sources", self.silent),
                ("Lead volume against target", self.lead_volume),
                ("Platform vs CRM leads", self.platform_vs_crm),
            ],
        )


# ---------------------------------------------------------------------- audit


def audit_source_map(
    workspace: Workspace,
    dataset: Dataset,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    as_of: AsOf | None = None,
    silent_days: int = 14,
    platform_lead_columns: Sequence[str] = ("leads", "conversions"),
    max_gap_percent: Decimal | int = 20,
    max_unmapped_share: Decimal | float | str = "0.05",
    tolerance: Tolerance | None = None,
    exchange_rates: Mapping[str, Decimal] | None = None,
) -> SourceMapAudit:
    """Audit the source map against the CRM's leads and the ad platforms' data.

    Args:
        workspace: The workspace (source map, campaigns, time zone, currency).
        dataset: The records: ``lead``, ``performance`` and ``campaign`` views.
        start: First day audited; the contract's start, else the first lead's day.
        end: Last day audited; the day of ``as_of``.
        as_of: The moment the audit describes: an aware datetime, or a date (the end
            of that day in the workspace's time zone); now by default. Months that
            have not ended by then get no lead-target status; silence is judged up to it.
        silent_days: A live source with no lead for this many days is silent (when
            it had leads before, or had spend in those days).
        platform_lead_columns: The performance columns that hold the platforms' lead
            counts, tried in order per row (``coalesce``); an ``extra.<name>`` column
            works when it is additive.
        max_gap_percent: A platform-vs-CRM gap larger than this (either way) is a finding.
        max_unmapped_share: The hygiene check on unmapped leads passes while their
            share of the month's leads is at most this.
        tolerance: The bands of the lead-target status (the model's default: on track
            at the target, at risk within 10% short).
        exchange_rates: Units of the workspace currency per unit of another
            currency; needed only when one source or campaign spends in several.

    Returns:
        The audit, with every table and the findings.

    Raises:
        ConfigurationError: Bad arguments, a non-additive lead column, or spend in
            several currencies without ``exchange_rates``.
    """
    if silent_days < 1:
        raise ConfigurationError("silent_days must be at least 1")
    as_of = as_of_moment(as_of, workspace.timezone)
    _check_lead_columns(dataset.schema(RecordKind.PERFORMANCE), platform_lead_columns)
    tz = workspace.timezone
    as_of_day = as_of.astimezone(workspace.calendar.zone).date()
    con = dataset.cursor()
    with Scratch(con) as scratch, attribution_of(workspace, dataset).joins(con) as joins:
        if start is None:
            day = local_day_sql("created_at", tz, timestamp=True)
            first = scratch.scalar(f"SELECT min({day}) FROM lead WHERE is_deleted IS NOT true")
            start = workspace.contract.start if workspace.contract else (first or as_of_day)
        end = end or as_of_day
        if end < start:
            raise ConfigurationError(f"the audit ends ({end}) before it starts ({start})")
        return _Audit(
            workspace,
            scratch,
            joins,
            start=start,
            end=end,
            as_of=as_of,
            silent_days=silent_days,
            lead_columns=list(platform_lead_columns),
            max_gap=Decimal(max_gap_percent),
            max_unmapped=Decimal(str(max_unmapped_share)),
            tolerance=tolerance or Tolerance(),
            rates=exchange_rates,
        ).run()


class _Audit:
    """The audit's SQL, step by step, on one scratch connection."""

    def __init__(
        self,
        ws: Workspace,
        scratch: Scratch,
        joins: AttributionJoins,
        *,
        start: dt.date,
        end: dt.date,
        as_of: dt.datetime,
        silent_days: int,
        lead_columns: list[str],
        max_gap: Decimal,
        max_unmapped: Decimal,
        tolerance: Tolerance,
        rates: Mapping[str, Decimal] | None,
    ) -> None:
        self.ws, self.s, self.joins = ws, scratch, joins
        self.start, self.end, self.as_of = start, end, as_of
        self.as_of_day = as_of.astimezone(ws.calendar.zone).date()
        self.n = silent_days
        self.lead_columns = lead_columns
        self.max_gap, self.max_unmapped = max_gap, max_unmapped
        self.tolerance = tolerance
        self.rates = rates

    # -------------------------------------------------------------- base tables

    def run(self) -> SourceMapAudit:
        import pyarrow.compute as pc

        self._base_tables()
        unmapped, overlaps = self._unmapped()
        silent_all = self._silent()
        spend = self._spend_and_leads()
        gap = self._platform_vs_crm()
        volume = self._lead_volume()
        campaigns, missing = self._campaigns()
        last_check = self.s.scalar(f"SELECT max(check_day) FROM {self.t_checks}")
        silent = silent_all.filter(pc.equal(silent_all.column("check_day"), last_check))
        checks = self._checks(silent_all.filter(pc.is_valid(silent_all.column("month"))))
        hygiene = self._hygiene(checks)
        findings = self._findings()
        leads = self.s.scalar(
            f"SELECT coalesce(sum(n), 0) FROM {self.t_leads} "
            f"WHERE day BETWEEN {_lit(self.start)} AND {_lit(self.end)}"
        )
        return SourceMapAudit(
            start=self.start,
            end=self.end,
            as_of=self.as_of,
            silent_days=self.n,
            leads=int(leads),
            unmapped=unmapped,
            overlaps=overlaps,
            silent=silent.drop_columns(["month"]),
            spend_and_leads=spend,
            platform_vs_crm=gap,
            lead_volume=volume,
            campaigns=campaigns,
            missing_campaigns=missing,
            checks=checks,
            hygiene=hygiene,
            findings=findings,
        )

    def _base_tables(self) -> None:
        import pyarrow as pa

        s, ws, tz = self.s, self.ws, self.ws.timezone
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
                "hint": WIRING_HINTS[src.wiring.value],
            }
            for i, src in enumerate(ws.sources)
        ]
        self.t_sources = s.register("sources", table_of(rows, _SOURCE_SCHEMA()))
        # Months and their check days (the last day judged: the month's end, or as_of).
        months = []
        for key, first, last in _months(self.start, self.end):
            if first > self.as_of_day:
                break
            check = min(last, self.end, self.as_of_day)
            if last >= self.as_of_day:
                unjudged: str | None = (
                    f"not judged: the month is in progress "
                    f"({(check - first).days + 1} of {(last - first).days + 1} days)"
                )
            elif first < self.start or last > self.end:
                unjudged = "not judged: the audit covers only part of the month"
            else:
                unjudged = None
            months.append(
                {
                    "month": key,
                    "month_first": first,
                    "month_last": last,
                    "first_day": max(first, self.start),
                    "last_day": min(last, self.end),
                    "check_day": check,
                    "unjudged": unjudged,
                }
            )
        month_table = table_of(months, _MONTH_SCHEMA())
        self.t_months = s.register("months", month_table)
        checks = [dict(m) for m in months]
        final = min(self.end, self.as_of_day)
        if not any(m["check_day"] == final for m in months):
            checks.append({"month": None, "check_day": final})
        self.t_checks = s.register(
            "checks",
            pa.table(
                {
                    "month": pa.array([c["month"] for c in checks], pa.string()),
                    "check_day": pa.array([c["check_day"] for c in checks], pa.date32()),
                }
            ),
        )
        # Leads by rule values and local day, with their source.
        j, lead = self.joins, RecordKind.LEAD
        cols = ", ".join(LEAD_RULE_COLUMNS)
        day = local_day_sql("created_at", tz, timestamp=True)
        self.t_lead_values = s.table(
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
        self.t_leads = s.table(
            "leads",
            f"SELECT source_id, day, sum(n) AS n, max(last_at) AS last_at "
            f"FROM {self.t_lead_values} GROUP BY ALL",
        )
        # Ad-platform rows: one level per platform account (campaign first), no analytics.
        lead_expr = (
            "coalesce(" + ", ".join(f'CAST("{c}" AS DOUBLE)' for c in self.lead_columns) + ")"
            if self.lead_columns
            else "CAST(NULL AS DOUBLE)"
        )
        ws_currency = _lit(ws.currency)
        self.t_perf_rows = s.table(
            "perf_rows",
            f"SELECT platform, account_id, campaign_id, max(campaign_name) AS campaign_name, "
            f"source, medium, utm_campaign, "
            f"date AS day, coalesce(currency, {ws_currency}) AS currency, "
            f"sum(spend) AS spend, bool_or(spend > 0) AS spent, "
            f"sum({lead_expr}) AS platform_leads "
            f"FROM (SELECT *, min({_LEVEL_RANK}) OVER (PARTITION BY platform, account_id) AS top, "
            f"  {_LEVEL_RANK} AS rank FROM performance WHERE level IS DISTINCT FROM 'traffic') "
            f"WHERE rank = top GROUP BY ALL",
        )
        perf = RecordKind.PERFORMANCE
        self.t_perf = s.table(
            "perf",
            f"SELECT v.*, {j.expr(perf, 'source')} AS source_id, "
            f"{j.expr(perf, 'campaign')} AS ws_campaign "
            f"FROM {self.t_perf_rows} v {j.join(perf)}",
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
        self.t_ws_campaigns = s.register(
            "ws_campaigns", table_of(ws_campaigns, _WS_CAMPAIGN_SCHEMA())
        )
        self._spend_rates()

    def _spend_rates(self) -> None:
        """Convert spend to the workspace currency when rates are given, else check currencies."""
        import pyarrow as pa

        s = self.s
        if self.rates is None:
            return
        rates = {k.upper(): Decimal(v) for k, v in self.rates.items()}
        rates.setdefault(self.ws.currency, Decimal(1))
        have = [
            r[0] for r in s.con.execute(f"SELECT DISTINCT currency FROM {self.t_perf}").fetchall()
        ]
        missing = sorted(c for c in have if c not in rates)
        if missing:
            raise ConfigurationError(
                f"exchange_rates has no rate for {', '.join(missing)}: give units of "
                f"{self.ws.currency} per unit of each currency the spend is in"
            )
        table = pa.table(
            {
                "currency": pa.array(list(rates), pa.string()),
                "rate": pa.array(list(rates.values()), pa.decimal128(38, 12)),
            }
        )
        t = s.register("rates", table)
        self.t_perf = s.table(
            "perf_converted",
            f"SELECT p.* REPLACE (CAST(p.spend * r.rate AS DECIMAL(38, 6)) AS spend, "
            f"{_lit(self.ws.currency)} AS currency) FROM {self.t_perf} p "
            f"JOIN {t} r USING (currency)",
        )

    def _one_currency(self, table: str, keys: Sequence[str], what: str) -> None:
        """Raise when a group of spend rows mixes currencies (money is never added across)."""
        rows = self.s.con.execute(
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

    # ----------------------------------------------------------------- checks

    def _in_period(self, column: str = "day") -> str:
        return f"{column} BETWEEN {_lit(self.start)} AND {_lit(self.end)}"

    def _unmapped(self) -> tuple[pa.Table, pa.Table]:
        cols = ", ".join(LEAD_RULE_COLUMNS)
        unmapped = self.s.arrow(
            f"SELECT {cols}, sum(n) AS leads, min(first_at) AS first_at, max(last_at) AS last_at, "
            f"min(example_lead_id) AS example_lead_id FROM {self.t_lead_values} "
            f"WHERE source_id IS NULL AND {self._in_period()} GROUP BY ALL "
            f"ORDER BY leads DESC, {cols} NULLS FIRST"
        )
        overlaps = self.s.arrow(
            f"SELECT {cols}, matched AS matched_sources, source_id AS counted_for, "
            f"sum(n) AS leads FROM {self.t_lead_values} "
            f"WHERE len(matched) > 1 AND {self._in_period()} GROUP BY ALL "
            f"ORDER BY leads DESC, {cols} NULLS FIRST"
        )
        return unmapped, overlaps

    def _silent(self) -> pa.Table:
        n = self.n
        self.t_silent = self.s.table(
            "silent",
            f"""
            WITH per AS (
              SELECT c.month, c.check_day, s.source_id, s.ord, s.name, s.status, s.wiring,
                     s.start_day, s.end_day, s.has_rules, s.hint,
                     (SELECT max(l.day) FROM {self.t_leads} l
                        WHERE l.source_id = s.source_id AND l.day <= c.check_day) AS last_lead_day,
                     (SELECT max(l.last_at) FROM {self.t_leads} l
                        WHERE l.source_id = s.source_id AND l.day <= c.check_day) AS last_lead_at,
                     (SELECT coalesce(sum(l.n), 0) FROM {self.t_leads} l
                        WHERE l.source_id = s.source_id AND l.day > c.check_day - {n}
                          AND l.day <= c.check_day) AS leads_in_window,
                     (SELECT coalesce(sum(l.n), 0) FROM {self.t_leads} l
                        WHERE l.source_id = s.source_id
                          AND l.day <= c.check_day - {n}) AS leads_before,
                     (SELECT count(DISTINCT p.day) FROM {self.t_perf} p
                        WHERE p.source_id = s.source_id AND p.spent
                          AND p.day > c.check_day - {n} AND p.day <= c.check_day)
                       AS spend_days_in_window
              FROM {self.t_checks} c CROSS JOIN {self.t_sources} s
            )
            SELECT *, check_day - last_lead_day AS days_without_leads,
              CASE
                WHEN status <> 'active' THEN false
                WHEN NOT has_rules THEN false
                WHEN start_day IS NOT NULL AND start_day > check_day - {n} + 1 THEN false
                WHEN end_day IS NOT NULL AND end_day < check_day THEN false
                WHEN leads_in_window > 0 THEN false
                ELSE leads_before > 0 OR spend_days_in_window > 0
              END AS silent,
              CASE
                WHEN status <> 'active' THEN 'not checked: the source is ' || status
                WHEN NOT has_rules THEN 'not checked: the source has no matching rules'
                WHEN start_day IS NOT NULL AND start_day > check_day - {n} + 1
                  THEN 'not checked: it started less than {n} days before'
                WHEN end_day IS NOT NULL AND end_day < check_day
                  THEN 'not checked: it ended on ' || CAST(end_day AS VARCHAR)
                WHEN leads_in_window > 0
                  THEN CAST(leads_in_window AS VARCHAR) || ' lead(s) in the last {n} days'
                WHEN leads_before > 0
                  THEN 'no lead for ' || CAST(check_day - last_lead_day AS VARCHAR)
                       || ' days though it had ' || CAST(leads_before AS VARCHAR) || ' before'
                WHEN spend_days_in_window > 0
                  THEN 'no lead in the last {n} days though it spent on '
                       || CAST(spend_days_in_window AS VARCHAR) || ' of them'
                ELSE 'no lead and no spend yet: nothing to expect'
              END AS reason
            FROM per
            """,
        )
        return self.s.arrow(
            f"SELECT source_id, name, status, wiring, month, check_day, last_lead_day, "
            f"last_lead_at, days_without_leads, leads_in_window, leads_before, "
            f"spend_days_in_window, silent, reason, hint FROM {self.t_silent} "
            f"ORDER BY check_day, ord"
        )

    def _spend_and_leads(self) -> pa.Table:
        m = self.t_months
        self._one_currency(
            f"(SELECT p.*, m.month FROM {self.t_perf} p JOIN {m} m "
            f"ON p.day BETWEEN m.first_day AND m.last_day)",
            ["source_id", "month"],
            "source and month",
        )
        self._one_currency(
            f"(SELECT p.*, m.month FROM {self.t_perf} p JOIN {m} m "
            f"ON p.day BETWEEN m.first_day AND m.last_day)",
            ["platform", "account_id", "campaign_id", "month"],
            "campaign and month",
        )
        self.t_spend = self.s.table(
            "spend",
            f"""
            WITH src_spend AS (
              SELECT p.source_id, m.month, sum(p.spend) AS spend, min(p.currency) AS currency,
                     bool_or(p.spent) AS spent, sum(p.platform_leads) AS platform_leads
              FROM {self.t_perf} p JOIN {m} m ON p.day BETWEEN m.first_day AND m.last_day
              WHERE p.source_id IS NOT NULL GROUP BY ALL
            ), src_leads AS (
              SELECT l.source_id, m.month, sum(l.n) AS crm_leads
              FROM {self.t_leads} l JOIN {m} m ON l.day BETWEEN m.first_day AND m.last_day
              WHERE l.source_id IS NOT NULL GROUP BY ALL
            ), src AS (
              SELECT 'source' AS level, s.source_id, s.ord, m.month,
                     NULL::VARCHAR AS platform, NULL::VARCHAR AS account_id,
                     NULL::VARCHAR AS campaign_id, NULL::VARCHAR AS campaign_name,
                     NULL::VARCHAR AS campaign,
                     sp.spend, sp.currency, coalesce(sl.crm_leads, 0) AS crm_leads,
                     sp.platform_leads,
                     CASE
                       WHEN s.status <> 'active' THEN NULL
                       WHEN coalesce(sp.spent, false) AND coalesce(sl.crm_leads, 0) = 0
                         THEN 'spend_without_leads'
                       WHEN s.expects_spend AND coalesce(sl.crm_leads, 0) > 0
                            AND NOT coalesce(sp.spent, false)
                         THEN 'leads_without_spend'
                     END AS finding
              FROM {self.t_sources} s CROSS JOIN {m} m
              LEFT JOIN src_spend sp ON sp.source_id = s.source_id AND sp.month = m.month
              LEFT JOIN src_leads sl ON sl.source_id = s.source_id AND sl.month = m.month
              WHERE (s.start_day IS NULL OR s.start_day <= m.last_day)
                AND (s.end_day IS NULL OR s.end_day >= m.first_day)
                AND (sp.source_id IS NOT NULL OR sl.source_id IS NOT NULL OR s.expects_spend)
            ), utm_leads AS (
              SELECT v.ws_campaign AS campaign, m.month, sum(v.n) AS crm_leads
              FROM {self.t_lead_values} v
              JOIN {m} m ON v.day BETWEEN m.first_day AND m.last_day
              WHERE v.ws_campaign IS NOT NULL
              GROUP BY ALL
            ), camp_rows AS (
              SELECT p.platform, p.account_id, p.campaign_id, m.month,
                     max(p.campaign_name) AS campaign_name,
                     arg_min(p.source_id, s.ord) AS source_id,
                     sum(p.spend) AS spend, min(p.currency) AS currency,
                     bool_or(p.spent) AS spent, sum(p.platform_leads) AS platform_leads
              FROM {self.t_perf} p JOIN {m} m ON p.day BETWEEN m.first_day AND m.last_day
              LEFT JOIN {self.t_sources} s ON s.source_id = p.source_id
              WHERE p.campaign_id IS NOT NULL
              GROUP BY p.platform, p.account_id, p.campaign_id, m.month
            ), camp AS (
              SELECT 'campaign' AS level, r.source_id, s.ord, r.month, r.platform, r.account_id,
                     r.campaign_id, r.campaign_name, w.campaign, r.spend, r.currency,
                     u.crm_leads, r.platform_leads,
                     CASE WHEN r.spent AND coalesce(u.crm_leads, 0) = 0
                               AND coalesce(r.platform_leads, 0) = 0
                               AND (u.crm_leads IS NOT NULL OR r.platform_leads IS NOT NULL)
                          THEN 'spend_without_leads' END AS finding
              FROM camp_rows r
              LEFT JOIN {self.t_sources} s ON s.source_id = r.source_id
              LEFT JOIN (SELECT DISTINCT campaign, platform_campaign_id, utm_campaign
                         FROM {self.t_ws_campaigns}) w
                ON w.platform_campaign_id = r.campaign_id
              LEFT JOIN utm_leads u ON u.campaign = w.campaign AND u.month = r.month
            ), ws_only AS (
              SELECT 'campaign' AS level, w.source_id, s.ord, u.month, NULL, NULL, NULL,
                     w.campaign_name, w.campaign, NULL, NULL, u.crm_leads, NULL,
                     CASE WHEN s.expects_spend AND s.status = 'active'
                          THEN 'leads_without_spend' END
              FROM (SELECT DISTINCT campaign, campaign_name, source_id FROM {self.t_ws_campaigns}) w
              JOIN utm_leads u ON u.campaign = w.campaign
              JOIN {self.t_sources} s ON s.source_id = w.source_id
              WHERE u.crm_leads > 0 AND NOT EXISTS (
                SELECT 1 FROM camp c WHERE c.campaign = w.campaign AND c.month = u.month)
            )
            SELECT * FROM src UNION ALL SELECT * FROM camp UNION ALL SELECT * FROM ws_only
            """,
        )
        return self.s.arrow(
            f"SELECT level, month, source_id, platform, account_id, campaign_id, campaign_name, "
            f"campaign, spend, currency, crm_leads, platform_leads, finding FROM {self.t_spend} "
            f"ORDER BY month, level DESC, ord NULLS LAST, campaign_id"
        )

    def _platform_vs_crm(self) -> pa.Table:
        m, gap = self.t_months, self.max_gap
        self.t_gap = self.s.table(
            "gap",
            f"""
            WITH p AS (
              SELECT p.source_id, m.month, sum(p.platform_leads) AS platform_leads
              FROM {self.t_perf} p JOIN {m} m ON p.day BETWEEN m.first_day AND m.last_day
              WHERE p.source_id IS NOT NULL GROUP BY ALL
            ), l AS (
              SELECT l.source_id, m.month, sum(l.n) AS crm_leads
              FROM {self.t_leads} l JOIN {m} m ON l.day BETWEEN m.first_day AND m.last_day
              WHERE l.source_id IS NOT NULL GROUP BY ALL
            ), g AS (
              SELECT p.month, p.source_id, s.ord, p.platform_leads,
                     coalesce(l.crm_leads, 0) AS crm_leads
              FROM p JOIN {self.t_sources} s USING (source_id)
              LEFT JOIN l USING (source_id, month)
            )
            SELECT *,
                   CAST(crm_leads AS DOUBLE) - platform_leads AS gap,
                   CASE WHEN platform_leads > 0 THEN round((CAST(crm_leads AS DOUBLE)
                     - platform_leads) / platform_leads * 100, 2) END AS gap_percent,
                   CASE WHEN platform_leads IS NULL
                          THEN 'not computable: the platform reported no lead count'
                        WHEN platform_leads = 0
                          THEN 'not computable: the platform reported 0 leads' END AS reason,
                   coalesce(platform_leads > 0 AND abs((CAST(crm_leads AS DOUBLE)
                     - platform_leads) / platform_leads * 100) > {gap}, false) AS beyond
            FROM g
            """,
        )
        return self.s.arrow(
            f"SELECT month, source_id, platform_leads, crm_leads, gap, gap_percent, reason "
            f"FROM {self.t_gap} ORDER BY month, ord"
        )

    def _lead_volume(self) -> pa.Table:
        on, risk = self.tolerance.on_track, self.tolerance.at_risk
        self.t_volume = self.s.table(
            "volume",
            f"""
            WITH v AS (
              SELECT m.month, m.unjudged, s.source_id, s.ord, s.status, s.target,
                     coalesce(s.start_day > m.month_first OR s.end_day < m.month_last, false)
                       AS partial,
                     coalesce((SELECT sum(l.n) FROM {self.t_leads} l
                       WHERE l.source_id = s.source_id
                         AND l.day BETWEEN m.first_day AND m.last_day), 0) AS leads
              FROM {self.t_months} m CROSS JOIN {self.t_sources} s
              WHERE (s.start_day IS NULL OR s.start_day <= m.last_day)
                AND (s.end_day IS NULL OR s.end_day >= m.first_day)
            ), r AS (
              SELECT *,
                     CASE WHEN target IS NULL THEN 'no monthly_lead_target'
                          WHEN status <> 'active' THEN 'not judged: the source is ' || status
                          WHEN unjudged IS NOT NULL THEN unjudged
                          WHEN partial THEN 'not judged: the source ran only part of the month'
                     END AS reason
              FROM v
            )
            SELECT month, source_id, ord, leads, target,
                   CASE WHEN target > 0 THEN round(leads * 100.0 / target, 1) END
                     AS percent_of_target,
                   CASE WHEN reason IS NOT NULL THEN NULL
                        WHEN target = 0 OR (target - leads) * 100.0 / target <= {on}
                          THEN 'on_track'
                        WHEN (target - leads) * 100.0 / target <= {risk} THEN 'at_risk'
                        ELSE 'off_track' END AS status,
                   reason
            FROM r
            """,
        )
        return self.s.arrow(
            f"SELECT month, source_id, leads, target, percent_of_target, status, reason "
            f"FROM {self.t_volume} ORDER BY month, ord"
        )

    def _campaigns(self) -> tuple[pa.Table, pa.Table]:
        s = self.s
        gone = ", ".join(_lit(g) for g in _GONE)
        live = ", ".join(_lit(g) for g in _LIVE)
        j, kind = self.joins, RecordKind.CAMPAIGN
        self.t_platform_campaigns = s.table(
            "platform_campaigns",
            f"""
            WITH meta AS (
              SELECT v.platform, v.account_id, v.object_id AS campaign_id,
                     v.name AS campaign_name, v.status, v.utm_campaign,
                     {j.expr(kind, "source")} AS source_id,
                     {j.expr(kind, "campaign")} AS ws_campaign
              FROM campaign v {j.join(kind)} WHERE v.level = 'campaign'
            ), seen AS (
              SELECT p.platform, p.account_id, p.campaign_id, max(p.campaign_name) AS campaign_name,
                     arg_min(p.source_id, s.ord) AS source_id,
                     arg_min(p.ws_campaign, s.ord) AS ws_campaign, sum(p.spend) AS spend,
                     min(p.currency) AS currency, bool_or(p.spent) AS spent
              FROM {self.t_perf} p LEFT JOIN {self.t_sources} s ON s.source_id = p.source_id
              WHERE p.campaign_id IS NOT NULL AND {self._in_period()} GROUP BY p.platform,
                    p.account_id, p.campaign_id
            ), joined AS (
              SELECT coalesce(m.platform, p.platform) AS platform,
                     coalesce(m.account_id, p.account_id) AS account_id,
                     coalesce(m.campaign_id, p.campaign_id) AS campaign_id,
                     coalesce(m.campaign_name, p.campaign_name) AS campaign_name,
                     m.status, coalesce(m.source_id, p.source_id) AS source_id,
                     coalesce(m.ws_campaign, p.ws_campaign) AS campaign,
                     p.spend, p.currency, coalesce(p.spent, false) AS spent
              FROM meta m FULL JOIN seen p ON m.platform = p.platform
                AND m.account_id = p.account_id AND m.campaign_id = p.campaign_id
            ), listed AS (
              SELECT c.*,
                     (SELECT count(*) FROM {self.t_ws_campaigns} w
                       WHERE w.source_id = c.source_id) AS listed_for_source
              FROM joined c
            )
            SELECT platform, account_id, campaign_id, campaign_name, status, source_id, campaign,
                   spend, currency,
                   CASE WHEN NOT spent AND lower(coalesce(status, '')) NOT IN ({live})
                          THEN NULL
                        WHEN source_id IS NULL THEN 'no_source_map_entry'
                        WHEN campaign IS NULL AND listed_for_source > 0
                          THEN 'not_in_campaign_list' END AS finding
            FROM listed
            """,
        )
        campaigns = s.arrow(
            f"SELECT * FROM {self.t_platform_campaigns} ORDER BY finding NULLS LAST, platform, "
            f"account_id, campaign_id"
        )
        self.t_missing = s.table(
            "missing",
            f"""
            WITH ids AS (
              SELECT w.campaign, w.campaign_name, w.source_id, w.platform, w.platform_campaign_id,
                     w.end_day
              FROM {self.t_ws_campaigns} w WHERE w.platform_campaign_id IS NOT NULL
                AND (w.end_day IS NULL OR w.end_day >= {_lit(self.start)})
                AND w.start_day <= {_lit(self.end)}
            ), data AS (
              SELECT DISTINCT platform FROM {self.t_perf} WHERE {self._in_period()}
              UNION SELECT DISTINCT platform FROM campaign
            )
            SELECT i.campaign, i.campaign_name, i.source_id, i.platform, i.platform_campaign_id,
                   CASE WHEN EXISTS (SELECT 1 FROM {self.t_platform_campaigns} p
                                     WHERE p.campaign_id = i.platform_campaign_id
                                       AND (lower(coalesce(p.status, '')) NOT IN ({gone})
                                            OR p.spend IS NOT NULL)) THEN NULL
                        WHEN EXISTS (SELECT 1 FROM {self.t_platform_campaigns} p
                                     WHERE p.campaign_id = i.platform_campaign_id)
                          THEN 'removed_on_platform'
                        WHEN i.platform IS NULL OR i.platform NOT IN (SELECT platform FROM data)
                          THEN 'not_checked'
                        ELSE 'not_found_on_platform' END AS finding,
                   CASE WHEN i.platform IS NULL
                          THEN 'the source names no platform to look on'
                        WHEN i.platform NOT IN (SELECT platform FROM data)
                          THEN 'no data from ' || i.platform || ' to check against' END AS reason
            FROM ids i
            """,
        )
        missing = s.arrow(
            f"SELECT * FROM {self.t_missing} WHERE finding IS NOT NULL "
            f"ORDER BY campaign, platform_campaign_id"
        )
        return campaigns, missing

    # ----------------------------------------------------------- hygiene

    def _checks(self, silent_by_month: pa.Table) -> pa.Table:
        share = self.max_unmapped
        t_silent = self.s.register("silent_months", silent_by_month)
        m = self.t_months
        return self.s.arrow(
            f"""
            WITH unmapped AS (
              SELECT m.month, coalesce(sum(v.n), 0) AS leads,
                     coalesce(sum(v.n) FILTER (WHERE v.source_id IS NULL), 0) AS unmapped
              FROM {m} m LEFT JOIN {self.t_lead_values} v
                ON v.day BETWEEN m.first_day AND m.last_day GROUP BY m.month
            ), campaigns AS (
              SELECT m.month, p.platform, p.campaign_id, max(p.campaign_name) AS campaign_name,
                     min(p.source_id) AS source_id
              FROM {self.t_perf} p JOIN {m} m ON p.day BETWEEN m.first_day AND m.last_day
              WHERE p.spent AND p.campaign_id IS NOT NULL GROUP BY ALL
            )
            SELECT month, 'unmapped_leads' AS "check", NULL AS source_id,
                   'all leads' AS subject, unmapped <= {share} * leads AS passed,
                   CAST(unmapped AS VARCHAR) || ' of ' || CAST(leads AS VARCHAR)
                     || ' leads unmapped (at most ' || CAST(round({share} * 100, 1) AS VARCHAR)
                     || '% allowed)' AS detail
            FROM unmapped WHERE leads > 0
            UNION ALL
            SELECT month, 'has_rules', source_id, source_id, false,
                   'the source has no matching rules: no lead or row can be tied to it'
            FROM {t_silent} WHERE status = 'active' AND reason LIKE '%no matching rules%'
            UNION ALL
            SELECT month, 'not_silent', source_id, source_id, NOT silent, reason
            FROM {t_silent} WHERE reason NOT LIKE 'not checked%'
            UNION ALL
            SELECT month, 'spend_and_leads', source_id,
                   CASE WHEN level = 'source' THEN source_id
                        ELSE coalesce(platform || ' ' || campaign_id, 'campaign ' || campaign)
                     END,
                   finding IS NULL, coalesce(finding, 'spend and leads agree')
            FROM {self.t_spend}
            WHERE (spend IS NOT NULL OR crm_leads > 0 OR finding IS NOT NULL)
              AND (level = 'campaign' OR source_id IN
                   (SELECT source_id FROM {self.t_sources} WHERE status = 'active'))
            UNION ALL
            SELECT month, 'campaign_mapped', source_id, platform || ' ' || campaign_id,
                   source_id IS NOT NULL,
                   CASE WHEN source_id IS NULL THEN 'no source-map entry covers it'
                        ELSE 'covered by ' || source_id END
            FROM campaigns
            ORDER BY month, "check", subject
            """
        )

    def _hygiene(self, checks: pa.Table) -> pa.Table:
        t = self.s.register("hygiene_checks", checks)
        return self.s.arrow(
            f"""
            SELECT month, count(*) AS checks, count(*) FILTER (WHERE passed) AS passed,
                   CAST(round(count(*) FILTER (WHERE passed) * 1.0 / count(*), 4)
                        AS DECIMAL(6, 4)) AS score,
                   coalesce(list("check" || ': ' || subject ORDER BY "check", subject)
                            FILTER (WHERE NOT passed), []) AS failed
            FROM {t} GROUP BY month ORDER BY month
            """
        )

    def _findings(self) -> pa.Table:
        values = " || ', ' || ".join(f"'{c}=' || coalesce({c}, '∅')" for c in LEAD_RULE_COLUMNS)
        last = f"(SELECT max(check_day) FROM {self.t_checks})"
        return self.s.arrow(
            f"""
            WITH unmapped AS (
              SELECT {values} AS subject, sum(n) AS leads, min(example_lead_id) AS example
              FROM {self.t_lead_values} WHERE source_id IS NULL AND {self._in_period()}
              GROUP BY ALL
            ), overlap AS (
              SELECT {values} AS subject, source_id, matched, sum(n) AS leads
              FROM {self.t_lead_values} WHERE len(matched) > 1 AND {self._in_period()}
              GROUP BY ALL
            )
            SELECT 'unmapped_leads' AS "check", NULL AS month, NULL AS source_id, subject,
                   CAST(leads AS VARCHAR) || ' lead(s) match no source (e.g. lead ' || example
                     || '): add a source-map entry or a rule for these values' AS message
            FROM unmapped
            UNION ALL
            SELECT 'overlapping_rules', NULL, source_id, subject,
                   CAST(leads AS VARCHAR) || ' lead(s) match ' || array_to_string(matched, ', ')
                     || '; counted for ' || source_id || ' (the first in the map)'
            FROM overlap
            UNION ALL
            SELECT 'silent_source', NULL, source_id, name,
                   reason || ' (last lead ' || coalesce(CAST(last_lead_day AS VARCHAR), 'never')
                     || '; wired by ' || wiring || '): ' || hint
            FROM {self.t_silent} WHERE silent AND check_day = {last}
            UNION ALL
            SELECT finding, month, source_id,
                   CASE WHEN level = 'source' THEN source_id
                        ELSE coalesce(platform || ' campaign ' || campaign_id, 'campaign '
                          || campaign) || coalesce(' (' || campaign_name || ')', '') END,
                   CASE finding
                     WHEN 'spend_without_leads'
                       THEN coalesce(CAST(round(spend, 2) AS VARCHAR) || ' ' || currency, 'money')
                       || ' spent and no lead'
                       || CASE WHEN level = 'campaign' THEN ' (CRM: '
                         || coalesce(CAST(crm_leads AS VARCHAR), 'not tied by UTM')
                         || ', platform: ' || coalesce(CAST(platform_leads AS VARCHAR), 'none')
                         || ')' ELSE '' END
                     ELSE CAST(crm_leads AS VARCHAR) || ' CRM lead(s) and no spend recorded: '
                       || 'is the spend imported, or are leads tied to the wrong source?' END
            FROM {self.t_spend} WHERE finding IS NOT NULL
            UNION ALL
            SELECT 'platform_crm_gap', month, source_id, source_id,
                   'the platform reported ' || CAST(platform_leads AS VARCHAR)
                     || ' lead(s), the CRM has ' || CAST(crm_leads AS VARCHAR)
                     || ' (' || CAST(gap_percent AS VARCHAR) || '%)'
            FROM {self.t_gap} WHERE beyond
            UNION ALL
            SELECT 'below_lead_target', month, source_id, source_id,
                   CAST(leads AS VARCHAR) || ' lead(s) against a target of '
                     || CAST(target AS VARCHAR) || ' (' || status || ')'
            FROM {self.t_volume} WHERE status IN ('at_risk', 'off_track')
            UNION ALL
            SELECT CASE finding WHEN 'no_source_map_entry' THEN 'campaign_not_in_source_map'
                                ELSE 'campaign_not_in_campaign_list' END, NULL, source_id,
                   platform || ' campaign ' || campaign_id
                     || coalesce(' (' || campaign_name || ')', ''),
                   CASE finding WHEN 'no_source_map_entry'
                     THEN 'no source-map entry covers this campaign'
                       || coalesce(' (spend ' || CAST(round(spend, 2) AS VARCHAR) || ' ' || currency
                                   || ')', '')
                     ELSE 'its source lists campaigns, but not this one' END
            FROM {self.t_platform_campaigns} WHERE finding IS NOT NULL
            UNION ALL
            SELECT 'campaign_gone', NULL, source_id,
                   'campaign ' || campaign || ' (' || platform_campaign_id || ')',
                   CASE finding WHEN 'removed_on_platform'
                     THEN 'removed on ' || platform || ': update the source map'
                     ELSE 'not found on ' || platform || ': update the source map' END
            FROM {self.t_missing} WHERE finding IN ('removed_on_platform', 'not_found_on_platform')
            ORDER BY "check", month NULLS FIRST, source_id NULLS FIRST, subject
            """
        )


# ---------------------------------------------------------------- Arrow helpers


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
        ("hint", pa.string()),
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
