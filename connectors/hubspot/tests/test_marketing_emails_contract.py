"""The marketing_emails stream passes partnerkit's connector contract suite.

``cassettes/contract_emails/marketing_emails.yaml`` holds the account-info request every
read starts with and one page of ``GET /marketing/v3/emails?includeStats=true``: two
batch emails sent in October 2026 (portal time zone Asia/Jerusalem), an automated email,
a draft and a September send; ``check.yaml`` the requests ``check()`` makes. Faults are
injected at interaction 0.
"""

import datetime as dt
from pathlib import Path

from partnerkit_hubspot import HubSpotConnector

from partnerkit.connector import ReadRequest
from partnerkit.testing import ConnectorContract

AS_OF = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)


class TestHubSpotMarketingEmailsContract(ConnectorContract):
    connector_class = HubSpotConnector
    settings = {"accounts": ["24681357"], "streams": ["marketing_emails"]}
    secrets = {"access_token": "test-token-not-real"}
    requests = (
        ReadRequest(
            stream="marketing_emails",
            start=dt.date(2026, 10, 1),
            end=dt.date(2026, 10, 31),
            as_of=AS_OF,
        ),
    )
    cassette_dir = Path(__file__).parent / "cassettes" / "contract_emails"
