"""partnerkit connector for Google Ads, on the official google-ads library.

Reads daily performance at customer, campaign, ad group or ad level — spend in the
customer's currency converted from micros exactly, fractional conversions,
conversion value, and the conversions of lead-category actions as leads — and
campaign metadata with the UTM values of each campaign's URL options; keywords with
their quality score, search terms, geography, devices, conversions per conversion
action, and custom GAQL queries checked against Google's field metadata. With a
manager (MCC) account it reads every client account under it.

Credentials are the ones Google Ads users already keep (``google-ads.yaml``, the
``GOOGLE_ADS_*`` environment variables, or settings), loaded by the google-ads
library; the queries go to the Google Ads REST interface through partnerkit's HTTP
seam, so retries, quotas, recording and replay work as for every connector.

Installed as the ``google_ads`` connector (entry point ``partnerkit.connectors``)::

    from partnerkit import get_connector

    GoogleAds = get_connector("google_ads")
    with GoogleAds({"login_customer_id": "123-456-7890", "config_file": "google-ads.yaml"}) as ads:
        table = ads.stream(stream="performance", start="2026-10-01", end="2026-10-31").to_arrow()
"""

from partnerkit_google_ads._connector import GoogleAdsConnector
from partnerkit_google_ads._reports import UnselectableFieldError
from partnerkit_google_ads._settings import GoogleAdsSettings

__all__ = ["GoogleAdsConnector", "GoogleAdsSettings", "UnselectableFieldError"]
