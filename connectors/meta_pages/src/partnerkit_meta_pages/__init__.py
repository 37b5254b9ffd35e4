"""partnerkit connector for Facebook Page and Instagram account insights (organic social).

Reads each day's views, reach, engagements and followers of Facebook Pages
(``page_insights``) and Instagram professional accounts (``instagram_insights``) as
``social_daily`` records, through the facebook-business SDK on partnerkit's seam.

Installed as the ``meta_pages`` connector (entry point ``partnerkit.connectors``)::

    from partnerkit import get_connector

    Pages = get_connector("meta_pages")  # token from PARTNERKIT_META_PAGES_ACCESS_TOKEN
    with Pages({"pages": ["104857600123"]}) as pages:
        table = pages.stream(stream="page_insights", start="2026-10-01").to_arrow()
"""

from partnerkit_meta_pages._connector import MetaPagesConnector, MetaPagesSettings

__all__ = ["MetaPagesConnector", "MetaPagesSettings"]
