"""The first touch of a lead: the one home of the rule the lead follow-up SLA measures to.

A lead is *touched* when the business reaches out to it. Two records can say when:

* the CRM's own first-contact date on the lead (``LeadRecord.first_engagement_at``;
  HubSpot's ``hs_first_outreach_date``), and
* the activities its reps logged (:class:`~partnerkit.records.ActivityRecord`), each
  associated with its leads (``lead_ids``, same platform and account).

An activity is a touch when it went **outbound** (a call or an email from the
business: ``direction = 'outbound'``) or is a **meeting**; a meeting that was
cancelled or missed (``CANCELED``, ``NO_SHOW``) and an email that never arrived
(``FAILED``, ``BOUNCED``) are not. Notes and tasks are never touches — they are
written about a lead, not to it — and neither is an inbound call or email (the lead
reaching out is not the business following up). Deleted activities do not count.

A lead's first touch is the earliest of its touching activities and the CRM's date,
whichever is known: with no activity records, the CRM's date alone, as before.
"""

from __future__ import annotations

__all__ = ["NOT_A_TOUCH", "first_touch_sql", "touch_sql"]

#: Statuses (case-insensitive) of an outbound activity or meeting that did not reach the lead.
NOT_A_TOUCH = ("CANCELED", "CANCELLED", "NO_SHOW", "FAILED", "BOUNCED")


def touch_sql(alias: str = "a") -> str:
    """The SQL condition that an activity row (``alias``) is a touch of its leads."""
    statuses = ", ".join(f"'{s}'" for s in NOT_A_TOUCH)
    return (
        f"{alias}.is_deleted IS NOT true AND {alias}.occurred_at IS NOT NULL "
        f"AND ({alias}.direction = 'outbound' OR {alias}.activity_type = 'meeting') "
        f"AND upper(coalesce({alias}.status, '')) NOT IN ({statuses})"
    )


def first_touch_sql(lead: str = "lead", activity: str = "activity") -> str:
    """A query of every live lead with its first touch.

    Args:
        lead: The lead table or view.
        activity: The activity table or view (empty when no connector reads them).

    Returns:
        SQL selecting each not-deleted lead's ``lead_id``, ``platform``,
        ``account_id``, ``created_at``, ``first_touch_at`` (null: not touched yet) and
        ``touched_by``: ``'activity'`` (a logged activity was first), ``'crm'`` (the
        CRM's first-contact date was) or null.
    """
    return f"""
        WITH touch AS (
          SELECT a.platform, a.account_id, CAST(unnest(a.lead_ids) AS VARCHAR) AS lead_id,
                 a.occurred_at
          FROM {activity} a
          WHERE {touch_sql("a")}
        ), first_activity AS (
          SELECT platform, account_id, lead_id, min(occurred_at) AS touched_at
          FROM touch GROUP BY platform, account_id, lead_id
        )
        SELECT l.lead_id, l.platform, l.account_id, l.created_at,
               least(f.touched_at, l.first_engagement_at) AS first_touch_at,
               CASE WHEN f.touched_at IS NOT NULL AND (l.first_engagement_at IS NULL
                         OR f.touched_at <= l.first_engagement_at) THEN 'activity'
                    WHEN l.first_engagement_at IS NOT NULL THEN 'crm' END AS touched_by
        FROM {lead} l
        LEFT JOIN first_activity f
          ON f.platform = l.platform AND f.account_id = l.account_id AND f.lead_id = l.lead_id
        WHERE l.is_deleted IS NOT true
    """
