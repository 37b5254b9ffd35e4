"""The files connector passes the contract suite every connector passes."""

import datetime as dt
from pathlib import Path

from partnerkit_files import FilesConnector

from partnerkit.connector import ReadRequest
from partnerkit.testing import ConnectorContract

FIXTURES = Path(__file__).parent / "fixtures"


class TestFilesContract(ConnectorContract):
    connector_class = FilesConnector
    settings = {
        "base_dir": str(FIXTURES),
        "files": [
            {
                "path": "linkedin/campaign_performance_report.csv",
                "stream": "performance",
                "skip_rows": 5,
                "date_format": "%m/%d/%Y",
                "columns": {
                    "date": "Start Date (in UTC)",
                    "currency": "Currency",
                    "campaign_id": "Campaign ID",
                    "spend": "Total Spent",
                    "clicks": "Clicks",
                },
                "constants": {"platform": "linkedin", "account_id": "508934021"},
            },
            {
                "path": "zapier/facebook_lead_ads_log.csv",
                "stream": "leads",
                "timezone": "Asia/Jerusalem",
                "columns": {"lead_id": "Lead ID", "created_at": "Created Time"},
                "constants": {"platform": "zapier", "account_id": "fb-page-100200300"},
                "email": "Email",
                "max_rejected_rows": 2,  # the log's two malformed leads (see test_leads.py)
            },
        ],
    }
    secrets = {"hash_salt": "contract-salt-not-secret"}
    requests = (
        ReadRequest(stream="performance", start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31)),
        ReadRequest(stream="leads", start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31)),
    )
    lookback_cursor = dt.date(2026, 10, 1)  # files have no lookback: the next read starts 10-02
