"""The connector passes the contract suite, on the cassettes in ``cassettes/contract``.

``email_campaigns.yaml`` holds the account (the API root) and one page of the campaign
reports sent in October 2026 (New York time); ``check.yaml`` the account. The suite
injects its 429, 5xx, 401 and 403 faults into the first interaction.
"""

import datetime as dt
from pathlib import Path

from partnerkit_mailchimp import MailchimpConnector

from partnerkit.connector import ReadRequest
from partnerkit.testing import ConnectorContract

HERE = Path(__file__).parent


class TestMailchimpContract(ConnectorContract):
    connector_class = MailchimpConnector
    settings = {"page_size": 100}
    secrets = {"api_key": "0123456789abcdef0123456789abcdef-us19"}
    requests = (
        ReadRequest(
            stream="email_campaigns", start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31)
        ),
    )
    cassette_dir = HERE / "cassettes" / "contract"
