"""The connector contract suite, on the cassettes in ``cassettes/contract``.

``traffic.yaml`` and ``custom_reports.yaml`` hold one read of 2026-10-01..03 each (the
metadata request, the compatibility check for the custom report, one report page);
``check.yaml`` holds the metadata request ``check()`` makes. The suite injects its 429,
5xx, 401 and 403 faults into the first interaction: the SDK's metadata request.
"""

import datetime as dt
from pathlib import Path

from partnerkit_ga4 import Ga4Connector

from partnerkit.connector import ReadRequest
from partnerkit.testing import ConnectorContract

HERE = Path(__file__).parent
OCT_1_3 = {"start": dt.date(2026, 10, 1), "end": dt.date(2026, 10, 3)}


class TestGa4Contract(ConnectorContract):
    connector_class = Ga4Connector
    settings = {
        "accounts": ["123456789"],
        "lead_events": ["generate_lead", "form_submit"],
        "custom_reports": [
            {
                "name": "devices",
                "dimensions": ["deviceCategory", "sessionSource"],
                "metrics": ["sessions", "activeUsers", "engagementRate", "screenPageViews"],
            }
        ],
    }
    secrets = {"access_token": "test-access-token-not-real"}
    sdk_modules = ("google.analytics", "grpc")
    requests = (
        ReadRequest(stream="traffic", **OCT_1_3),
        ReadRequest(stream="custom_reports", **OCT_1_3),
    )
    cassette_dir = HERE / "cassettes" / "contract"
    # cursor + 1 day - lookback (3 days) = 2026-10-01: the recorded range is re-read.
    lookback_cursor = dt.date(2026, 10, 3)
