"""partnerkit connector for Google Analytics 4, on the official google-analytics-data SDK.

Reads GA4 traffic (sessions, engaged sessions, users, key events, revenue and leads
per day and session source / medium / campaign, with the default channel group mapped
to partnerkit's channels) and user-defined reports into unified performance records.
Every request goes through partnerkit's HTTP seam; property quotas are read from
every response, and data quality flags (thresholding, sampling, the ``(other)`` row)
come back as notices kept with the stream.

Installed as the ``ga4`` connector (entry point ``partnerkit.connectors``)::

    from partnerkit import get_connector

    Ga4 = get_connector("ga4")
    with Ga4({"accounts": ["123456789"], "lead_events": ["generate_lead"]}) as ga4:
        stream = ga4.stream(stream="traffic", start="2026-10-01", end="2026-10-31")
        table = stream.to_arrow()
"""

from partnerkit_ga4._connector import Ga4Connector
from partnerkit_ga4._settings import CustomReport, Ga4Settings

__all__ = ["CustomReport", "Ga4Connector", "Ga4Settings"]
