"""The hygiene score: every check per month, passed or not, and the share that passed."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa

    from partnerkit.analysis.audit._context import AuditContext

__all__ = ["hygiene", "hygiene_checks"]


def hygiene_checks(ctx: AuditContext, silent_by_month: pa.Table, *, spend: str) -> pa.Table:
    """Every hygiene check per month: ``check``, ``source_id``, ``subject``, ``passed``, ``detail``.

    Args:
        ctx: The audit's context.
        silent_by_month: The silent-source rows of the months' check days.
        spend: The spend-and-leads table on the scratch connection.
    """
    share = ctx.max_unmapped
    t_silent = ctx.scratch.register("silent_months", silent_by_month)
    m = ctx.t_months
    return ctx.scratch.arrow(
        f"""
        WITH unmapped AS (
          SELECT m.month, coalesce(sum(v.n), 0) AS leads,
                 coalesce(sum(v.n) FILTER (WHERE v.source_id IS NULL), 0) AS unmapped
          FROM {m} m LEFT JOIN {ctx.t_lead_values} v
            ON v.day BETWEEN m.first_day AND m.last_day GROUP BY m.month
        ), campaigns AS (
          SELECT m.month, p.platform, p.campaign_id, max(p.campaign_name) AS campaign_name,
                 min(p.source_id) AS source_id
          FROM {ctx.t_perf} p JOIN {m} m ON p.day BETWEEN m.first_day AND m.last_day
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
        FROM {spend}
        WHERE (spend IS NOT NULL OR crm_leads > 0 OR finding IS NOT NULL)
          AND (level = 'campaign' OR source_id IN
               (SELECT source_id FROM {ctx.t_sources} WHERE status = 'active'))
        UNION ALL
        SELECT month, 'campaign_mapped', source_id, platform || ' ' || campaign_id,
               source_id IS NOT NULL,
               CASE WHEN source_id IS NULL THEN 'no source-map entry covers it'
                    ELSE 'covered by ' || source_id END
        FROM campaigns
        ORDER BY month, "check", subject
        """
    )


def hygiene(ctx: AuditContext, checks: pa.Table) -> pa.Table:
    """Per month: how many checks, how many passed, the score and the failed checks."""
    t = ctx.scratch.register("hygiene_checks", checks)
    return ctx.scratch.arrow(
        f"""
        SELECT month, count(*) AS checks, count(*) FILTER (WHERE passed) AS passed,
               CAST(round(count(*) FILTER (WHERE passed) * 1.0 / count(*), 4)
                    AS DECIMAL(6, 4)) AS score,
               coalesce(list("check" || ': ' || subject ORDER BY "check", subject)
                        FILTER (WHERE NOT passed), []) AS failed
        FROM {t} GROUP BY month ORDER BY month
        """
    )
