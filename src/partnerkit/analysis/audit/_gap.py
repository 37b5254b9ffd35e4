"""Platform vs CRM leads: the gap between the two counts per source and month."""

from __future__ import annotations

from typing import TYPE_CHECKING

from partnerkit.analysis.audit._context import Checked

if TYPE_CHECKING:
    from partnerkit.analysis.audit._context import AuditContext

__all__ = ["platform_vs_crm"]


def platform_vs_crm(ctx: AuditContext) -> Checked:
    """Platform and CRM leads per source and month, the gap, and whether it is too big."""
    m, gap = ctx.t_months, ctx.max_gap
    table = ctx.scratch.table(
        "gap",
        f"""
        WITH p AS (
          SELECT p.source_id, m.month, sum(p.platform_leads) AS platform_leads
          FROM {ctx.t_perf} p JOIN {m} m ON p.day BETWEEN m.first_day AND m.last_day
          WHERE p.source_id IS NOT NULL GROUP BY ALL
        ), l AS ({ctx.crm_leads_by_month()}
        ), g AS (
          SELECT p.month, p.source_id, s.ord, p.platform_leads,
                 coalesce(l.crm_leads, 0) AS crm_leads
          FROM p JOIN {ctx.t_sources} s USING (source_id)
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
    rows = ctx.scratch.arrow(
        f"SELECT month, source_id, platform_leads, crm_leads, gap, gap_percent, reason "
        f"FROM {table} ORDER BY month, ord"
    )
    return Checked(table, rows)
