"""Campaign coverage: platform campaigns no source-map entry covers, and listed campaigns gone."""

from __future__ import annotations

from typing import TYPE_CHECKING

from partnerkit.analysis._sql import literal as _lit
from partnerkit.analysis.audit._context import Checked
from partnerkit.records import RecordKind

if TYPE_CHECKING:
    from partnerkit.analysis.audit._context import AuditContext

__all__ = ["campaign_coverage"]

_GONE = ("removed", "deleted", "archived")
_LIVE = ("active", "enabled")


def campaign_coverage(ctx: AuditContext) -> tuple[Checked, Checked]:
    """The platform campaigns with what covers them, and the listed campaigns not found."""
    s = ctx.scratch
    gone = ", ".join(_lit(g) for g in _GONE)
    live = ", ".join(_lit(g) for g in _LIVE)
    j, kind = ctx.joins, RecordKind.CAMPAIGN
    t_campaigns = s.table(
        "platform_campaigns",
        f"""
        WITH meta AS (
          SELECT v.platform, v.account_id, v.object_id AS campaign_id,
                 v.name AS campaign_name, v.status, v.utm_campaign,
                 {j.expr(kind, "source")} AS source_id,
                 {j.expr(kind, "campaign")} AS ws_campaign
          FROM campaign v {j.join(kind)} WHERE v.level = 'campaign'
        ), seen AS (
          SELECT p.platform, p.account_id, p.campaign_id, max(p.campaign_name) AS campaign_name,
                 arg_min(p.source_id, s.ord) AS source_id,
                 arg_min(p.ws_campaign, s.ord) AS ws_campaign, sum(p.spend) AS spend,
                 min(p.currency) AS currency, bool_or(p.spent) AS spent
          FROM {ctx.t_perf} p LEFT JOIN {ctx.t_sources} s ON s.source_id = p.source_id
          WHERE p.campaign_id IS NOT NULL AND {ctx.in_period()} GROUP BY p.platform,
                p.account_id, p.campaign_id
        ), joined AS (
          SELECT coalesce(m.platform, p.platform) AS platform,
                 coalesce(m.account_id, p.account_id) AS account_id,
                 coalesce(m.campaign_id, p.campaign_id) AS campaign_id,
                 coalesce(m.campaign_name, p.campaign_name) AS campaign_name,
                 m.status, coalesce(m.source_id, p.source_id) AS source_id,
                 coalesce(m.ws_campaign, p.ws_campaign) AS campaign,
                 p.spend, p.currency, coalesce(p.spent, false) AS spent
          FROM meta m FULL JOIN seen p ON m.platform = p.platform
            AND m.account_id = p.account_id AND m.campaign_id = p.campaign_id
        ), listed AS (
          SELECT c.*,
                 (SELECT count(*) FROM {ctx.t_ws_campaigns} w
                   WHERE w.source_id = c.source_id) AS listed_for_source
          FROM joined c
        )
        SELECT platform, account_id, campaign_id, campaign_name, status, source_id, campaign,
               spend, currency,
               CASE WHEN NOT spent AND lower(coalesce(status, '')) NOT IN ({live})
                      THEN NULL
                    WHEN source_id IS NULL THEN 'no_source_map_entry'
                    WHEN campaign IS NULL AND listed_for_source > 0
                      THEN 'not_in_campaign_list' END AS finding
        FROM listed
        """,
    )
    campaigns = s.arrow(
        f"SELECT * FROM {t_campaigns} ORDER BY finding NULLS LAST, platform, "
        f"account_id, campaign_id"
    )
    t_missing = s.table(
        "missing",
        f"""
        WITH ids AS (
          SELECT w.campaign, w.campaign_name, w.source_id, w.platform, w.platform_campaign_id,
                 w.end_day
          FROM {ctx.t_ws_campaigns} w WHERE w.platform_campaign_id IS NOT NULL
            AND (w.end_day IS NULL OR w.end_day >= {_lit(ctx.start)})
            AND w.start_day <= {_lit(ctx.end)}
        ), data AS (
          SELECT DISTINCT platform FROM {ctx.t_perf} WHERE {ctx.in_period()}
          UNION SELECT DISTINCT platform FROM campaign
        )
        SELECT i.campaign, i.campaign_name, i.source_id, i.platform, i.platform_campaign_id,
               CASE WHEN EXISTS (SELECT 1 FROM {t_campaigns} p
                                 WHERE p.campaign_id = i.platform_campaign_id
                                   AND (lower(coalesce(p.status, '')) NOT IN ({gone})
                                        OR p.spend IS NOT NULL)) THEN NULL
                    WHEN EXISTS (SELECT 1 FROM {t_campaigns} p
                                 WHERE p.campaign_id = i.platform_campaign_id)
                      THEN 'removed_on_platform'
                    WHEN i.platform IS NULL OR i.platform NOT IN (SELECT platform FROM data)
                      THEN 'not_checked'
                    ELSE 'not_found_on_platform' END AS finding,
               CASE WHEN i.platform IS NULL
                      THEN 'the source names no platform to look on'
                    WHEN i.platform NOT IN (SELECT platform FROM data)
                      THEN 'no data from ' || i.platform || ' to check against' END AS reason
        FROM ids i
        """,
    )
    missing = s.arrow(
        f"SELECT * FROM {t_missing} WHERE finding IS NOT NULL "
        f"ORDER BY campaign, platform_campaign_id"
    )
    return Checked(t_campaigns, campaigns), Checked(t_missing, missing)
