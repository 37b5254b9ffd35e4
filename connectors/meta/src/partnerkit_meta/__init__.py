"""partnerkit connector for Meta Ads, on the official facebook-business SDK.

Reads daily ad performance (``ad_insights``: impressions, reach, clicks, link clicks,
spend, leads, conversions and their value, at account, campaign, ad set or ad level)
and campaign, ad set and ad metadata (status, objective, budgets, URL parameters as
``utm_*``) for any number of ad accounts, each in its own currency and time zone.
Leads and conversions come from Meta's ``actions`` through a configurable mapping
that never double counts; the attribution setting is explicit and recorded.

Installed as the ``meta`` connector (entry point ``partnerkit.connectors``)::

    from partnerkit import get_connector

    Meta = get_connector("meta")  # token from PARTNERKIT_META_ACCESS_TOKEN
    with Meta({"accounts": ["act_1029384756"], "level": "campaign"}) as meta:
        table = meta.stream(stream="ad_insights", start="2026-10-01").to_arrow()
"""

from partnerkit_meta._connector import MetaConnector
from partnerkit_meta._errors import BreakdownRejectedError
from partnerkit_meta._settings import ActionMapping, ActionRule, MetaSettings

__all__ = [
    "ActionMapping",
    "ActionRule",
    "BreakdownRejectedError",
    "MetaConnector",
    "MetaSettings",
]
