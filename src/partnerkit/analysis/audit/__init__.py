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

Each check lives in its own module and reads the base tables built once by
:func:`~partnerkit.analysis.audit._context.build_context`, passed as an
:class:`~partnerkit.analysis.audit._context.AuditContext`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from partnerkit.analysis._args import AsOf, as_of_moment
from partnerkit.analysis._data import Dataset, grows_memory
from partnerkit.analysis._grain import summable_rows
from partnerkit.analysis._sql import Scratch
from partnerkit.analysis._sql import literal as _lit
from partnerkit.analysis.attribution import (
    attribute_leads,
    attribute_performance,
    attribution_of,
)
from partnerkit.analysis.audit._campaigns import campaign_coverage
from partnerkit.analysis.audit._context import AuditContext, build_context
from partnerkit.analysis.audit._findings import findings
from partnerkit.analysis.audit._gap import platform_vs_crm
from partnerkit.analysis.audit._hygiene import hygiene, hygiene_checks
from partnerkit.analysis.audit._result import SourceMapAudit
from partnerkit.analysis.audit._silent import silent_sources
from partnerkit.analysis.audit._spend import spend_and_leads
from partnerkit.analysis.audit._unmapped import unmapped_leads
from partnerkit.analysis.audit._volume import lead_volume
from partnerkit.analysis.periods import local_day_sql
from partnerkit.errors import ConfigurationError
from partnerkit.model import Tolerance, Workspace
from partnerkit.records import Additivity, RecordKind

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["SourceMapAudit", "attribute_leads", "attribute_performance", "audit_source_map"]


@grows_memory
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
        ctx = build_context(
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
            performance=summable_rows(dataset),
        )
        return _run(ctx)


def _run(ctx: AuditContext) -> SourceMapAudit:
    """Run every check in turn on the context's tables and gather the result."""
    import pyarrow.compute as pc

    s = ctx.scratch
    unmapped, overlaps = unmapped_leads(ctx)
    silent_all = silent_sources(ctx)
    spend = spend_and_leads(ctx)
    gap = platform_vs_crm(ctx)
    volume = lead_volume(ctx)
    campaigns, missing = campaign_coverage(ctx)
    last_check = s.scalar(f"SELECT max(check_day) FROM {ctx.t_checks}")
    every = silent_all.rows
    silent = every.filter(pc.equal(every.column("check_day"), last_check))
    checks = hygiene_checks(
        ctx, every.filter(pc.is_valid(every.column("month"))), spend=spend.table
    )
    by_month = hygiene(ctx, checks)
    found = findings(
        ctx,
        silent=silent_all.table,
        spend=spend.table,
        gap=gap.table,
        volume=volume.table,
        campaigns=campaigns.table,
        missing=missing.table,
    )
    leads = s.scalar(
        f"SELECT coalesce(sum(n), 0) FROM {ctx.t_leads} "
        f"WHERE day BETWEEN {_lit(ctx.start)} AND {_lit(ctx.end)}"
    )
    return SourceMapAudit(
        start=ctx.start,
        end=ctx.end,
        as_of=ctx.as_of,
        silent_days=ctx.silent_days,
        leads=int(leads),
        unmapped=unmapped,
        overlaps=overlaps,
        silent=silent.drop_columns(["month"]),
        spend_and_leads=spend.rows,
        platform_vs_crm=gap.rows,
        lead_volume=volume.rows,
        campaigns=campaigns.rows,
        missing_campaigns=missing.rows,
        checks=checks,
        hygiene=by_month,
        findings=found,
    )


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


# -------------------------------------------------------------------- arguments
