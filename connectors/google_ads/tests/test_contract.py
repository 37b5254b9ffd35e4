"""The contract suite every partnerkit connector passes, on a two-client manager account."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from partnerkit_google_ads import GoogleAdsConnector

from partnerkit.connector import ReadRequest
from partnerkit.testing import ConnectorContract

CONTRACT = Path(__file__).parent / "cassettes" / "contract"


class TestGoogleAdsContract(ConnectorContract):
    connector_class = GoogleAdsConnector
    settings = {"login_customer_id": "123-456-7890"}
    secrets = {"developer_token": "test-developer-token", "access_token": "test-access-token"}
    requests = (
        ReadRequest(stream="performance", start=dt.date(2026, 9, 19), end=dt.date(2026, 10, 3)),
        ReadRequest(stream="campaigns"),
    )
    cassette_dir = CONTRACT
    # cursor + 1 day - 14 days of lookback = 2026-09-19, the recorded range's first day
    lookback_cursor = dt.date(2026, 10, 2)


REPORTS = Path(__file__).parent / "cassettes" / "reports"
HOURLY = (
    "SELECT campaign.id, campaign.name, campaign.status, segments.date, segments.hour, "
    "metrics.clicks, metrics.impressions, metrics.cost_micros, metrics.average_cpc, metrics.ctr "
    "FROM campaign WHERE campaign.status = 'ENABLED'"
)
SEP19_OCT3 = {"start": dt.date(2026, 9, 19), "end": dt.date(2026, 10, 3)}


class TestGoogleAdsReportsContract(ConnectorContract):
    """The report streams (issue 23): one EUR customer, the same two weeks."""

    connector_class = GoogleAdsConnector
    settings = {"accounts": ["234-567-8901"], "custom_queries": {"hourly": HOURLY}}
    secrets = {"developer_token": "test-developer-token", "access_token": "test-access-token"}
    requests = (
        ReadRequest(stream="keywords", **SEP19_OCT3),
        ReadRequest(stream="search_terms", **SEP19_OCT3),
        ReadRequest(stream="geography", **SEP19_OCT3),
        ReadRequest(stream="devices", **SEP19_OCT3),
        ReadRequest(stream="conversions", **SEP19_OCT3),
        ReadRequest(stream="custom", **SEP19_OCT3),
    )
    cassette_dir = REPORTS
    lookback_cursor = dt.date(2026, 10, 2)
