"""Silent sources: live sources without a lead for ``silent_days`` days that had leads or spend."""

from __future__ import annotations

from typing import TYPE_CHECKING

from partnerkit.analysis.audit._context import Checked

if TYPE_CHECKING:
    from partnerkit.analysis.audit._context import AuditContext

__all__ = ["silent_sources"]


def silent_sources(ctx: AuditContext) -> Checked:
    """Every source at every check day: its last lead, the window's leads and spend, and why."""
    n = ctx.silent_days
    table = ctx.scratch.table(
        "silent",
        f"""
        WITH per AS (
          SELECT c.month, c.check_day, s.source_id, s.ord, s.name, s.status, s.wiring,
                 s.start_day, s.end_day, s.has_rules,
                 (SELECT max(l.day) FROM {ctx.t_leads} l
                    WHERE l.source_id = s.source_id AND l.day <= c.check_day) AS last_lead_day,
                 (SELECT max(l.last_at) FROM {ctx.t_leads} l
                    WHERE l.source_id = s.source_id AND l.day <= c.check_day) AS last_lead_at,
                 (SELECT coalesce(sum(l.n), 0) FROM {ctx.t_leads} l
                    WHERE l.source_id = s.source_id AND l.day > c.check_day - {n}
                      AND l.day <= c.check_day) AS leads_in_window,
                 (SELECT coalesce(sum(l.n), 0) FROM {ctx.t_leads} l
                    WHERE l.source_id = s.source_id
                      AND l.day <= c.check_day - {n}) AS leads_before,
                 (SELECT count(DISTINCT p.day) FROM {ctx.t_perf} p
                    WHERE p.source_id = s.source_id AND p.spent
                      AND p.day > c.check_day - {n} AND p.day <= c.check_day)
                   AS spend_days_in_window
          FROM {ctx.t_checks} c CROSS JOIN {ctx.t_sources} s
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
    rows = ctx.scratch.arrow(
        f"SELECT source_id, name, status, wiring, month, check_day, last_lead_day, "
        f"last_lead_at, days_without_leads, leads_in_window, leads_before, "
        f"spend_days_in_window, silent, reason FROM {table} "
        f"ORDER BY check_day, ord"
    )
    return Checked(table, rows)
