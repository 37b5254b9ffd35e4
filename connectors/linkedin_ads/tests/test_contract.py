"""The connector passes the contract suite, on the cassettes in ``cassettes/contract``.

``campaign_performance.yaml`` holds one ad analytics read of 2026-10-01..03 by campaign
and day, then the ad account (its currency) and the campaigns (their names);
``campaigns.yaml`` two pages of campaigns (``pageToken``); ``campaign_groups.yaml`` one
page; ``leads.yaml`` one page of lead form responses and the form they answer;
``check.yaml`` the ad account. The suite injects its 429, 5xx, 401 and 403 faults into
the first interaction.
"""

import datetime as dt
from pathlib import Path

from partnerkit_linkedin_ads import LinkedInAdsConnector

from partnerkit.connector import ReadRequest
from partnerkit.testing import ConnectorContract

HERE = Path(__file__).parent
OCT_1_3 = {"start": dt.date(2026, 10, 1), "end": dt.date(2026, 10, 3)}


class TestLinkedInAdsContract(ConnectorContract):
    connector_class = LinkedInAdsConnector
    settings = {"account_id": "508000001"}
    secrets = {"access_token": "test-access-token-not-real", "hash_salt": "test-salt-not-real"}
    requests = (
        ReadRequest(stream="campaign_performance", **OCT_1_3),
        ReadRequest(stream="campaigns", **OCT_1_3),
        ReadRequest(stream="campaign_groups", **OCT_1_3),
        ReadRequest(stream="leads", **OCT_1_3),
    )
    cassette_dir = HERE / "cassettes" / "contract"
    # cursor + 1 day - lookback (7 days) = 2026-10-01: the recorded range is re-read.
    lookback_cursor = dt.date(2026, 10, 7)
