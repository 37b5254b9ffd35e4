"""partnerkit connector for LinkedIn Ads (the Marketing API over REST, with requests).

Four streams: ``campaign_performance`` (:class:`~partnerkit.records.PerformanceRecord`
by campaign and day, spend exact in the account currency), ``campaigns`` and
``campaign_groups`` (:class:`~partnerkit.records.CampaignRecord`) and ``leads``
(:class:`~partnerkit.records.LeadRecord` from lead-gen form responses, e-mail and phone
hashed). LinkedIn has no official Python SDK for the Marketing API: the connector calls
it with ``requests`` through partnerkit's HTTP seam. See ``docs/connectors/linkedin-ads.md``.
"""

from partnerkit_linkedin_ads._connector import (
    ANALYTICS_FIELDS,
    ELEMENTS_LIMIT,
    ELEMENTS_LIMIT_REACHED,
    LinkedInAdsConnector,
    LinkedInAdsSettings,
)

__all__ = [
    "ANALYTICS_FIELDS",
    "ELEMENTS_LIMIT",
    "ELEMENTS_LIMIT_REACHED",
    "LinkedInAdsConnector",
    "LinkedInAdsSettings",
]
