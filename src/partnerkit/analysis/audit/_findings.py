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
    """Every finding: ``check``, ``month``, ``source_id``, ``subject``, ``params``, ``message``.

    ``check`` is the finding's code and ``params`` its values (a map of text: numbers
    and dates as their plain text, money with its ``currency``), for a report to word
    in its own language; ``message`` is the same finding in English, for logs and
    consoles. The codes and their params:

    - ``unmapped_leads``: ``leads``, ``example`` (a lead id).
    - ``overlapping_rules``: ``leads``, ``matched`` (source ids, comma-separated),
      ``counted_for``.
    - ``silent_source``: ``days`` (``None`` when it never had a lead), ``leads_before``,
      ``last_lead_day``, ``wiring`` (the source's wiring: what to check).
    - ``spend_without_leads``: ``level`` (``source`` or ``campaign``), ``spend``,
      ``currency``, ``crm_leads``, ``platform_leads``, ``campaign_name``.
    - ``leads_without_spend``: ``level``, ``crm_leads``.
    - ``platform_crm_gap``: ``platform_leads``, ``crm_leads``, ``gap_percent``.
    - ``below_lead_target``: ``leads``, ``target``, ``status`` (``at_risk`` or
      ``off_track``).
    - ``campaign_not_in_source_map``: ``platform``, ``campaign_id``, ``campaign_name``,
      ``spend``, ``currency``.
    - ``campaign_not_in_campaign_list``: ``platform``, ``campaign_id``, ``campaign_name``.
    - ``campaign_gone``: ``how`` (``removed_on_platform`` or ``not_found_on_platform``),
      ``platform``, ``campaign``, ``platform_campaign_id``.

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
               MAP {{'leads': CAST(leads AS VARCHAR), 'example': CAST(example AS VARCHAR)}}
                 AS params,
               CAST(leads AS VARCHAR) || ' lead(s) match no source (e.g. lead ' || example
                 || '): add a source-map entry or a rule for these values' AS message
        FROM unmapped
        UNION ALL
        SELECT 'overlapping_rules', NULL, source_id, subject,
               MAP {{'leads': CAST(leads AS VARCHAR),
                    'matched': array_to_string(matched, ', '),
                    'counted_for': CAST(source_id AS VARCHAR)}},
               CAST(leads AS VARCHAR) || ' lead(s) match ' || array_to_string(matched, ', ')
                 || '; counted for ' || source_id || ' (the first in the map)'
        FROM overlap
        UNION ALL
        SELECT 'silent_source', NULL, source_id, name,
               MAP {{'days': CAST(days_without_leads AS VARCHAR),
                    'leads_before': CAST(leads_before AS VARCHAR),
                    'last_lead_day': CAST(last_lead_day AS VARCHAR),
                    'wiring': CAST(wiring AS VARCHAR)}},
               reason || ' (last lead ' || coalesce(CAST(last_lead_day AS VARCHAR), 'never')
                 || '; wired by ' || wiring || ')'
        FROM {silent} WHERE silent AND check_day = {last}
        UNION ALL
        SELECT finding, month, source_id,
               CASE WHEN level = 'source' THEN source_id
                    ELSE coalesce(platform || ' campaign ' || campaign_id, 'campaign '
                      || campaign) || coalesce(' (' || campaign_name || ')', '') END,
               MAP {{'level': CAST(level AS VARCHAR), 'spend': CAST(spend AS VARCHAR),
                    'currency': CAST(currency AS VARCHAR),
                    'crm_leads': CAST(crm_leads AS VARCHAR),
                    'platform_leads': CAST(platform_leads AS VARCHAR),
                    'campaign_name': CAST(coalesce(campaign_name, campaign_id, campaign)
                                          AS VARCHAR)}},
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
               MAP {{'platform_leads': CAST(platform_leads AS VARCHAR),
                    'crm_leads': CAST(crm_leads AS VARCHAR),
                    'gap_percent': CAST(gap_percent AS VARCHAR)}},
               'the platform reported ' || CAST(platform_leads AS VARCHAR)
                 || ' lead(s), the CRM has ' || CAST(crm_leads AS VARCHAR)
                 || ' (' || CAST(gap_percent AS VARCHAR) || '%)'
        FROM {gap} WHERE beyond
        UNION ALL
        SELECT 'below_lead_target', month, source_id, source_id,
               MAP {{'leads': CAST(leads AS VARCHAR), 'target': CAST(target AS VARCHAR),
                    'status': CAST(status AS VARCHAR)}},
               CAST(leads AS VARCHAR) || ' lead(s) against a target of '
                 || CAST(target AS VARCHAR) || ' (' || status || ')'
        FROM {volume} WHERE status IN ('at_risk', 'off_track')
        UNION ALL
        SELECT CASE finding WHEN 'no_source_map_entry' THEN 'campaign_not_in_source_map'
                            ELSE 'campaign_not_in_campaign_list' END, NULL, source_id,
               platform || ' campaign ' || campaign_id
                 || coalesce(' (' || campaign_name || ')', ''),
               MAP {{'platform': CAST(platform AS VARCHAR),
                    'campaign_id': CAST(campaign_id AS VARCHAR),
                    'campaign_name': CAST(campaign_name AS VARCHAR),
                    'spend': CAST(round(spend, 2) AS VARCHAR),
                    'currency': CAST(currency AS VARCHAR)}},
               CASE finding WHEN 'no_source_map_entry'
                 THEN 'no source-map entry covers this campaign'
                   || coalesce(' (spend ' || CAST(round(spend, 2) AS VARCHAR) || ' ' || currency
                               || ')', '')
                 ELSE 'its source lists campaigns, but not this one' END
        FROM {campaigns} WHERE finding IS NOT NULL
        UNION ALL
        SELECT 'campaign_gone', NULL, source_id,
               'campaign ' || campaign || ' (' || platform_campaign_id || ')',
               MAP {{'how': CAST(finding AS VARCHAR), 'platform': CAST(platform AS VARCHAR),
                    'campaign': CAST(campaign AS VARCHAR),
                    'platform_campaign_id': CAST(platform_campaign_id AS VARCHAR)}},
               CASE finding WHEN 'removed_on_platform'
                 THEN 'removed on ' || platform || ': update the source map'
                 ELSE 'not found on ' || platform || ': update the source map' END
        FROM {missing} WHERE finding IN ('removed_on_platform', 'not_found_on_platform')
        ORDER BY "check", month NULLS FIRST, source_id NULLS FIRST, subject
        """
    )
