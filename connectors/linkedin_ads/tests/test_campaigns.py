"""Campaigns and campaign groups, read off ``campaigns.yaml`` and ``campaign_groups.yaml``.

``campaigns.yaml`` answers two pages: campaign 1001 with ``metadata.nextPageToken``
``dGVzdC1wYWdlLTI``, then 1002 asked for with ``pageToken=dGVzdC1wYWdlLTI`` and no
further token. Epoch milliseconds by hand: 1789430400000 is 2026-09-15T00:00:00Z,
1798675200000 is 2026-12-31T00:00:00Z.
"""

import datetime as dt
from decimal import Decimal
from typing import Any


def test_campaigns_follow_the_page_token_and_keep_budgets_exact(read: Any) -> None:
    records, _notices, _tape = read("campaigns")
    assert [r["object_id"] for r in records] == ["1001", "1002"]
    first, second = records
    assert first["level"] == "campaign"
    assert first["campaign_id"] == "1001"
    assert first["name"] == "Q4 demand – decision makers"
    assert first["status"] == "ACTIVE"
    assert first["objective"] == "LEAD_GENERATION"
    assert first["daily_budget"] == Decimal("120.00")
    assert first["lifetime_budget"] is None
    assert first["currency"] == "EUR"
    assert first["start_date"] == dt.date(2026, 9, 15)
    assert first["end_date"] is None
    assert first["created_at"] == dt.datetime(2026, 9, 10, 8, 0, tzinfo=dt.UTC)
    assert first["updated_at"] == dt.datetime(2026, 9, 30, 14, 5, tzinfo=dt.UTC)
    assert first["extra"] == {
        "campaign_group_id": "601",
        "type": "SPONSORED_UPDATES",
        "cost_type": "CPM",
    }
    assert second["status"] == "PAUSED"
    assert second["daily_budget"] == Decimal("35.50")
    assert second["end_date"] == dt.date(2026, 12, 31)


def test_campaign_groups_are_their_own_level(read: Any) -> None:
    records, _notices, _tape = read("campaign_groups")
    assert len(records) == 1
    group = records[0]
    assert group["level"] == "campaign_group"
    assert group["object_id"] == "601"
    assert group["campaign_id"] is None
    assert group["name"] == "Q4 2026"
    assert group["lifetime_budget"] == Decimal("9000.00")
    assert group["daily_budget"] is None
    assert group["currency"] == "EUR"
    assert (group["start_date"], group["end_date"]) == (dt.date(2026, 9, 15), dt.date(2026, 12, 31))
