"""Spend and leads: spend without leads and leads without spend, per source, campaign and month."""

from __future__ import annotations

from typing import TYPE_CHECKING

from partnerkit.analysis.audit._context import Checked

if TYPE_CHECKING:
    from partnerkit.analysis.audit._context import AuditContext

__all__ = ["spend_and_leads"]


def spend_and_leads(ctx: AuditContext) -> Checked:
    """Spend, CRM and platform leads and the finding per source and per campaign and month.

    Raises:
        ConfigurationError: A source's or campaign's month mixes currencies.
    """
    m = ctx.t_months
    by_month = ctx.perf_by_month()
    ctx.one_currency(by_month, ["source_id", "month"], "source and month")
    ctx.one_currency(
        by_month, ["platform", "account_id", "campaign_id", "month"], "campaign and month"
    )
    table = ctx.scratch.table(
        "spend",
        f"""
        WITH src_spend AS (
          SELECT p.source_id, m.month, sum(p.spend) AS spend, min(p.currency) AS currency,
                 bool_or(p.spent) AS spent, sum(p.platform_leads) AS platform_leads
          FROM {ctx.t_perf} p JOIN {m} m ON p.day BETWEEN m.first_day AND m.last_day
          WHERE p.source_id IS NOT NULL GROUP BY ALL
        ), src_leads AS ({ctx.crm_leads_by_month()}
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
          FROM {ctx.t_sources} s CROSS JOIN {m} m
          LEFT JOIN src_spend sp ON sp.source_id = s.source_id AND sp.month = m.month
          LEFT JOIN src_leads sl ON sl.source_id = s.source_id AND sl.month = m.month
          WHERE (s.start_day IS NULL OR s.start_day <= m.last_day)
            AND (s.end_day IS NULL OR s.end_day >= m.first_day)
            AND (sp.source_id IS NOT NULL OR sl.source_id IS NOT NULL OR s.expects_spend)
        ), utm_leads AS (
          SELECT v.ws_campaign AS campaign, m.month, sum(v.n) AS crm_leads
          FROM {ctx.t_lead_values} v
          JOIN {m} m ON v.day BETWEEN m.first_day AND m.last_day
          WHERE v.ws_campaign IS NOT NULL
          GROUP BY ALL
        ), camp_rows AS (
          SELECT p.platform, p.account_id, p.campaign_id, m.month,
                 max(p.campaign_name) AS campaign_name,
                 arg_min(p.source_id, s.ord) AS source_id,
                 sum(p.spend) AS spend, min(p.currency) AS currency,
                 bool_or(p.spent) AS spent, sum(p.platform_leads) AS platform_leads
          FROM {ctx.t_perf} p JOIN {m} m ON p.day BETWEEN m.first_day AND m.last_day
          LEFT JOIN {ctx.t_sources} s ON s.source_id = p.source_id
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
          LEFT JOIN {ctx.t_sources} s ON s.source_id = r.source_id
          LEFT JOIN (SELECT DISTINCT campaign, platform_campaign_id, utm_campaign
                     FROM {ctx.t_ws_campaigns}) w
            ON w.platform_campaign_id = r.campaign_id
          LEFT JOIN utm_leads u ON u.campaign = w.campaign AND u.month = r.month
        ), ws_only AS (
          SELECT 'campaign' AS level, w.source_id, s.ord, u.month, NULL, NULL, NULL,
                 w.campaign_name, w.campaign, NULL, NULL, u.crm_leads, NULL,
                 CASE WHEN s.expects_spend AND s.status = 'active'
                      THEN 'leads_without_spend' END
          FROM (SELECT DISTINCT campaign, campaign_name, source_id FROM {ctx.t_ws_campaigns}) w
          JOIN utm_leads u ON u.campaign = w.campaign
          JOIN {ctx.t_sources} s ON s.source_id = w.source_id
          WHERE u.crm_leads > 0 AND NOT EXISTS (
            SELECT 1 FROM camp c WHERE c.campaign = w.campaign AND c.month = u.month)
        )
        SELECT * FROM src UNION ALL SELECT * FROM camp UNION ALL SELECT * FROM ws_only
        """,
    )
    rows = ctx.scratch.arrow(
        f"SELECT level, month, source_id, platform, account_id, campaign_id, campaign_name, "
        f"campaign, spend, currency, crm_leads, platform_leads, finding FROM {table} "
        f"ORDER BY month, level DESC, ord NULLS LAST, campaign_id"
    )
    return Checked(table, rows)
