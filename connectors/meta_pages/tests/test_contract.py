"""The connector passes the contract suite, on the cassettes in ``cassettes/contract``.

``page_insights.yaml`` holds the Page's name and one Page insights window (1–2 October
2026); ``instagram_insights.yaml`` the account's username, the Instagram series and the
two one-day totals of the same days; ``check.yaml`` the Page's and the account's names.
The suite injects its 429, 5xx, 401 and 403 faults into the first interaction.
"""

import datetime as dt
from pathlib import Path

from partnerkit_meta_pages import MetaPagesConnector

from partnerkit.connector import ReadRequest
from partnerkit.testing import ConnectorContract

HERE = Path(__file__).parent
DAYS = {"start": dt.date(2026, 10, 1), "end": dt.date(2026, 10, 2)}
AS_OF = dt.datetime(2026, 10, 15, 9, 0, tzinfo=dt.UTC)


class TestMetaPagesContract(ConnectorContract):
    connector_class = MetaPagesConnector
    settings = {
        "pages": ["104857600123"],
        "instagram_accounts": ["17841400000000001"],
        "api_version": "v26.0",
    }
    secrets = {"access_token": "test-page-token-not-real"}
    sdk_modules = ("facebook_business",)
    requests = (
        ReadRequest(stream="page_insights", **DAYS, as_of=AS_OF),
        ReadRequest(stream="instagram_insights", **DAYS, as_of=AS_OF),
    )
    cassette_dir = HERE / "cassettes" / "contract"
