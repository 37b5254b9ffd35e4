"""Ad analytics by campaign and day, read off ``cassettes/contract/campaign_performance.yaml``.

The five elements of the cassette, by hand: campaign 1001 on 10-01 (4,210 impressions,
38 clicks, 31 landing page clicks, cost "152.374", 3 website conversions, 2 form leads),
1002 on 10-01 (1,890, 12, 12, "48.10", 0, 1), 1001 on 10-02 (3,975, 41, 35, "149.9",
2, 4), 1001 on 10-03 (4,102, 29, 27, "141.226", 1, 0), 1002 on 10-03 (2,011, 15, 13,
"51.05", 1, 2). The account answers currency EUR; the campaigns finder names 1001 and
1002.
"""

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
import responses
from partnerkit_linkedin_ads import ELEMENTS_LIMIT_REACHED, LinkedInAdsConnector

from partnerkit.connector import ReadRequest


def test_each_element_is_a_campaign_day_with_exact_spend_in_the_account_currency(
    read: Any,
) -> None:
    records, notices, _tape = read("campaign_performance")
    assert notices == []
    keys = [(str(r["date"]), r["campaign_id"]) for r in records]
    assert keys == [
        ("2026-10-01", "1001"),
        ("2026-10-01", "1002"),
        ("2026-10-02", "1001"),
        ("2026-10-03", "1001"),
        ("2026-10-03", "1002"),
    ]
    assert [r["spend"] for r in records] == [
        Decimal("152.374"),
        Decimal("48.10"),
        Decimal("149.9"),
        Decimal("141.226"),
        Decimal("51.05"),
    ]
    # 152.374 + 48.10 + 149.9 + 141.226 + 51.05
    assert sum(r["spend"] for r in records) == Decimal("542.650")
    assert sum(r["clicks"] for r in records) == 135  # 38 + 12 + 41 + 29 + 15
    assert sum(r["link_clicks"] for r in records) == 118  # 31 + 12 + 35 + 27 + 13
    assert sum(r["impressions"] for r in records) == 16188  # 4210+1890+3975+4102+2011
    assert sum(r["leads"] for r in records) == 9.0  # 2 + 1 + 4 + 0 + 2
    assert sum(r["conversions"] for r in records) == 7.0  # 3 + 0 + 2 + 1 + 1
    # the names come from the campaigns finder (two pages), read once
    assert [r["campaign_name"] for r in records] == [
        "Q4 demand – decision makers",
        "Q4 retargeting – site visitors",
        "Q4 demand – decision makers",
        "Q4 demand – decision makers",
        "Q4 retargeting – site visitors",
    ]
    account = {
        "platform": "linkedin_ads",
        "account_id": "508000001",
        "account_name": "Example GmbH",
        "currency": "EUR",
        "timezone": "UTC",
        "level": "campaign",
        "channel": "paid_social",
    }
    assert {key: records[0][key] for key in account} == account


ANALYTICS = "https://api.linkedin.com/rest/adAnalytics"
ACCOUNT = "https://api.linkedin.com/rest/adAccounts/508000001"
CAMPAIGNS = f"{ACCOUNT}/adCampaigns"


def _element(day: int, campaign: int) -> dict[str, Any]:
    date = {"year": 2026, "month": 10, "day": day}
    return {
        "dateRange": {"start": date, "end": dict(date)},
        "pivotValues": [f"urn:li:sponsoredCampaign:{campaign}"],
        "impressions": 10,
        "clicks": 1,
        "costInLocalCurrency": "1.5",
    }


def test_the_requests_carry_the_versioned_headers_and_restli_query() -> None:
    with responses.RequestsMock() as rsps:
        rsps.get(ANALYTICS, json={"elements": [_element(1, 1001)]})
        rsps.get(ACCOUNT, json={"id": 508000001, "name": "Example GmbH", "currency": "EUR"})
        rsps.get(CAMPAIGNS, json={"elements": [{"id": 1001, "name": "Q4"}], "metadata": {}})
        settings = {
            "account_id": "508000001",
            "access_token": "t-not-real",
            "api_version": "202509",
        }
        with LinkedInAdsConnector(settings) as connector:
            rows = connector.stream(
                ReadRequest(stream="campaign_performance", start=dt.date(2026, 10, 1),
                            end=dt.date(2026, 10, 1))
            ).to_dicts()  # fmt: skip
        sent = rsps.calls[0].request
    assert [r["campaign_name"] for r in rows] == ["Q4"]
    assert sent.headers["LinkedIn-Version"] == "202509"
    assert sent.headers["X-Restli-Protocol-Version"] == "2.0.0"
    assert sent.headers["Authorization"] == "Bearer t-not-real"
    assert sent.url is not None
    assert "accounts=List(urn%3Ali%3AsponsoredAccount%3A508000001)" in sent.url
    assert "dateRange=(start:(year:2026,month:10,day:1),end:(year:2026,month:10,day:1))" in sent.url


def test_a_chunk_at_the_elements_limit_is_split_and_read_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("partnerkit_linkedin_ads._connector.ELEMENTS_LIMIT", 2)
    answers = {
        # 10-01..03 reaches the (patched) limit of 2: split into 10-01..02 and 10-03
        "day:1),end:(year:2026,month:10,day:3": [_element(1, 1), _element(2, 1)],
        "day:1),end:(year:2026,month:10,day:2": [_element(1, 1)],
        # 10-03 alone still reaches it: kept, with a notice
        "day:3),end:(year:2026,month:10,day:3": [_element(3, 1), _element(3, 2)],
    }

    def analytics(request: Any) -> tuple[int, dict[str, str], str]:
        found = next(v for k, v in answers.items() if k in request.url)
        return 200, {}, json.dumps({"elements": found})

    with responses.RequestsMock() as rsps:
        rsps.add_callback(responses.GET, ANALYTICS, callback=analytics)
        rsps.get(ACCOUNT, json={"id": 508000001, "currency": "EUR"})
        rsps.get(CAMPAIGNS, json={"elements": [], "metadata": {}})
        settings = {"account_id": "508000001", "access_token": "t-not-real"}
        with LinkedInAdsConnector(settings) as connector:
            stream = connector.stream(
                ReadRequest(stream="campaign_performance", start=dt.date(2026, 10, 1),
                            end=dt.date(2026, 10, 3))
            )  # fmt: skip
            rows = stream.to_dicts()
        assert len([c for c in rsps.calls if c.request.url.startswith(ANALYTICS)]) == 3
    assert [(str(r["date"]), r["campaign_id"]) for r in rows] == [
        ("2026-10-01", "1"),
        ("2026-10-03", "1"),
        ("2026-10-03", "2"),
    ]
    assert [n.code for n in stream.notices] == [ELEMENTS_LIMIT_REACHED]
    assert stream.notices[0].details == {"account": "508000001", "date": "2026-10-03"}
