"""The source-map audit's result: every check's table and the findings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from partnerkit.analysis._data import Result
from partnerkit.analysis._tables import sections

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["SourceMapAudit"]


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
            ``silent`` and ``reason``, with the ``wiring`` (what to check is the report's words).
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
        findings: Every finding: ``check`` (its code), ``month``, ``source_id``,
            ``subject``, ``params`` (the values a report words it with, see
            :func:`~partnerkit.analysis.audit._findings.findings`) and an English
            ``message`` for logs.
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
