"""partnerkit connector for HubSpot CRM, on the official hubspot-api-client.

Reads contacts as lead records (hashed email and phone, original / latest / record
source, first-touch UTM, lifecycle stage dates, first sales engagement, merged ids,
deletions) and deals as deal records (amount, currency, pipeline and stage,
closed-won / closed-lost from the pipelines' stage metadata, associated contacts); on
request also the reps' activities (calls, emails, meetings, notes, tasks with their
contacts), form submissions (hashed like leads) and companies (with their contacts
and deals).
Incremental reads go through the CRM search API without its 10,000-result limit;
the first sync lists everything. All traffic goes through partnerkit's HTTP seam.

Installed as the ``hubspot`` connector (entry point ``partnerkit.connectors``)::

    from partnerkit import get_connector

    HubSpot = get_connector("hubspot")  # token and salt from PARTNERKIT_HUBSPOT_*
    with HubSpot({"accounts": ["24681357"]}) as hubspot:
        leads = hubspot.stream(stream="leads", start="2026-10-01", end="2026-10-31")
        table = leads.to_arrow()
"""

from partnerkit_hubspot._connector import HubSpotConnector
from partnerkit_hubspot._reference import (
    HubSpotOwner,
    HubSpotPipeline,
    HubSpotPortal,
    HubSpotStage,
    PropertyDef,
)
from partnerkit_hubspot._settings import HubSpotSettings

__all__ = [
    "HubSpotConnector",
    "HubSpotOwner",
    "HubSpotPipeline",
    "HubSpotPortal",
    "HubSpotSettings",
    "HubSpotStage",
    "PropertyDef",
]
