"""Unmapped leads and overlapping rules: lead values no source-map entry covers, or several do."""

from __future__ import annotations

from typing import TYPE_CHECKING

from partnerkit.analysis.attribution import LEAD_RULE_COLUMNS

if TYPE_CHECKING:
    import pyarrow as pa

    from partnerkit.analysis.audit._context import AuditContext

__all__ = ["unmapped_leads"]


def unmapped_leads(ctx: AuditContext) -> tuple[pa.Table, pa.Table]:
    """The unmapped lead values and the values more than one source matches, by leads."""
    cols = ", ".join(LEAD_RULE_COLUMNS)
    unmapped = ctx.scratch.arrow(
        f"SELECT {cols}, sum(n) AS leads, min(first_at) AS first_at, max(last_at) AS last_at, "
        f"min(example_lead_id) AS example_lead_id FROM {ctx.t_lead_values} "
        f"WHERE source_id IS NULL AND {ctx.in_period()} GROUP BY ALL "
        f"ORDER BY leads DESC, {cols} NULLS FIRST"
    )
    overlaps = ctx.scratch.arrow(
        f"SELECT {cols}, matched AS matched_sources, source_id AS counted_for, "
        f"sum(n) AS leads FROM {ctx.t_lead_values} "
        f"WHERE len(matched) > 1 AND {ctx.in_period()} GROUP BY ALL "
        f"ORDER BY leads DESC, {cols} NULLS FIRST"
    )
    return unmapped, overlaps
