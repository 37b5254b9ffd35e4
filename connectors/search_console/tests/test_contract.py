"""The connector passes the contract suite, on the cassettes in ``cassettes/contract``.

``search_performance.yaml`` holds one read of 2026-10-01..03, a day per request: the
property's totals by date, then the rows by date, query, page, country and device;
``search_totals.yaml`` the totals alone; ``check.yaml`` the ``sites.get`` request
``check()`` makes. The suite injects its 429, 5xx, 401 and 403 faults into the first
interaction.
"""

import datetime as dt
from pathlib import Path

from partnerkit_search_console import SearchConsoleConnector

from partnerkit.connector import ReadRequest
from partnerkit.testing import ConnectorContract

HERE = Path(__file__).parent
OCT_1_3 = {"start": dt.date(2026, 10, 1), "end": dt.date(2026, 10, 3)}


class TestSearchConsoleContract(ConnectorContract):
    connector_class = SearchConsoleConnector
    settings = {"site_url": "sc-domain:example.com"}
    secrets = {"access_token": "test-access-token-not-real"}
    requests = (
        ReadRequest(stream="search_performance", **OCT_1_3),
        ReadRequest(stream="search_totals", **OCT_1_3),
    )
    cassette_dir = HERE / "cassettes" / "contract"
    # cursor + 1 day - lookback (3 days) = 2026-10-01: the recorded range is re-read.
    lookback_cursor = dt.date(2026, 10, 3)
