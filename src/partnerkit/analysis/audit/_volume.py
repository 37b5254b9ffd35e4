"""Lead volume: each source's leads per month against its ``monthly_lead_target``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from partnerkit.analysis.audit._context import Checked

if TYPE_CHECKING:
    from partnerkit.analysis.audit._context import AuditContext

__all__ = ["lead_volume"]


def lead_volume(ctx: AuditContext) -> Checked:
    """Leads, target, percent of target and status per source and month (with why not judged)."""
    on, risk = ctx.tolerance.on_track, ctx.tolerance.at_risk
    table = ctx.scratch.table(
        "volume",
        f"""
        WITH v AS (
          SELECT m.month, m.unjudged, s.source_id, s.ord, s.status, s.target,
                 coalesce(s.start_day > m.month_first OR s.end_day < m.month_last, false)
                   AS partial,
                 coalesce((SELECT sum(l.n) FROM {ctx.t_leads} l
                   WHERE l.source_id = s.source_id
                     AND l.day BETWEEN m.first_day AND m.last_day), 0) AS leads
          FROM {ctx.t_months} m CROSS JOIN {ctx.t_sources} s
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
    rows = ctx.scratch.arrow(
        f"SELECT month, source_id, leads, target, percent_of_target, status, reason "
        f"FROM {table} ORDER BY month, ord"
    )
    return Checked(table, rows)
