"""The audit's findings: one row per thing to fix, in words, from every check's table."""

from __future__ import annotations

from typing import TYPE_CHECKING

from partnerkit.analysis.attribution import LEAD_RULE_COLUMNS

if TYPE_CHECKING:
    import pyarrow as pa

    from partnerkit.analysis.audit._context import AuditContext

__all__ = ["findings"]


def findings(
    ctx: AuditContext,
    *,
    silent: str,
    spend: str,
    gap: str,
    volume: str,
    campaigns: str,
    missing: str,
) -> pa.Table:
    """Every finding: ``check``, ``month``, ``source_id``, ``subject`` and a ``message``.

    The keyword arguments name each check's table on the scratch connection.
    """
    values = " || ', ' || ".join(f"'{c}=' || coalesce({c}, '∅')" for c in LEAD_RULE_COLUMNS)
    last = f"(SELECT max(check_day) FROM {ctx.t_checks})"
    return ctx.scratch.arrow(
        f"""
        WITH unmapped AS (
          SELECT {values} AS subject, sum(n) AS leads, min(example_lead_id) AS example
          FROM {ctx.t_lead_values} WHERE source_id IS NULL AND {ctx.in_period()}
          GROUP BY ALL
        ), overlap AS (
          SELECT {values} AS subject, source_id, matched, sum(n) AS leads
          FROM {ctx.t_lead_values} WHERE len(matched) > 1 AND {ctx.in_period()}
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
        FROM {silent} WHERE silent AND check_day = {last}
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
        FROM {spend} WHERE finding IS NOT NULL
        UNION ALL
        SELECT 'platform_crm_gap', month, source_id, source_id,
               'the platform reported ' || CAST(platform_leads AS VARCHAR)
                 || ' lead(s), the CRM has ' || CAST(crm_leads AS VARCHAR)
                 || ' (' || CAST(gap_percent AS VARCHAR) || '%)'
        FROM {gap} WHERE beyond
        UNION ALL
        SELECT 'below_lead_target', month, source_id, source_id,
               CAST(leads AS VARCHAR) || ' lead(s) against a target of '
                 || CAST(target AS VARCHAR) || ' (' || status || ')'
        FROM {volume} WHERE status IN ('at_risk', 'off_track')
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
        FROM {campaigns} WHERE finding IS NOT NULL
        UNION ALL
        SELECT 'campaign_gone', NULL, source_id,
               'campaign ' || campaign || ' (' || platform_campaign_id || ')',
               CASE finding WHEN 'removed_on_platform'
                 THEN 'removed on ' || platform || ': update the source map'
                 ELSE 'not found on ' || platform || ': update the source map' END
        FROM {missing} WHERE finding IN ('removed_on_platform', 'not_found_on_platform')
        ORDER BY "check", month NULLS FIRST, source_id NULLS FIRST, subject
        """
    )
