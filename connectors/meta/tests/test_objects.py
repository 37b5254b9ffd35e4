"""Campaign, ad set and ad metadata: budgets in minor units, schedules, URL parameters.

Budgets are strings in the currency's minor unit (Marketing API "Currencies"): ILS has
offset 100, so "45000" is 450.00; JPY has offset 1, so "5000" is 5,000 yen. "0" means
no budget at that level.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from partnerkit_meta._objects import parse_url_tags

UTC = dt.UTC


def _by_id(records):
    return {r["object_id"][-3:]: r for r in records}


def test_campaigns_with_budgets_schedules_and_deleted_ones(read) -> None:
    # contract/campaigns.yaml: page 1 has 101 and 102, page 2 has 103 and the deleted 104
    records, _, tape = read("contract/campaigns.yaml", stream="campaigns")

    assert [r["object_id"][-3:] for r in records] == ["101", "102", "103", "104"]
    c = _by_id(records)
    assert {k: c["101"][k] for k in ("level", "campaign_id", "status", "objective")} == {
        "level": "campaign",
        "campaign_id": "120210000000000101",
        "status": "ACTIVE",
        "objective": "OUTCOME_LEADS",
    }
    # daily_budget "45000" agorot = 450.00 ILS; lifetime "0" = none; 31250 left = 312.50
    assert (c["101"]["daily_budget"], c["101"]["lifetime_budget"]) == (Decimal("450"), None)
    assert c["101"]["extra"]["budget_remaining"] == Decimal("312.5")
    assert c["101"]["currency"] == "ILS"
    # 2026-08-20T10:15:02+0300
    assert c["101"]["created_at"] == dt.datetime(2026, 8, 20, 7, 15, 2, tzinfo=UTC)
    assert (c["101"]["start_date"], c["101"]["end_date"]) == (dt.date(2026, 9, 1), None)
    # lifetime "1500000" = 15000.00; stop 2026-12-31T23:59:59+0200 is still 12-31 there
    assert (c["102"]["daily_budget"], c["102"]["lifetime_budget"]) == (None, Decimal("15000"))
    assert c["102"]["end_date"] == dt.date(2026, 12, 31)
    assert c["102"]["extra"]["budget_remaining"] == Decimal("9123.4")
    # paused, no budget at all: nothing remaining is reported, not 0
    assert (c["103"]["status"], c["103"]["daily_budget"]) == ("PAUSED", None)
    assert c["103"]["extra"]["budget_remaining"] is None
    # deleted campaigns are read (their past spend is real): 20000 = 200.00, 0 left
    assert c["104"]["status"] == "DELETED"
    assert c["104"]["daily_budget"] == Decimal("200")
    assert c["104"]["extra"]["budget_remaining"] == Decimal("0")
    assert c["104"]["end_date"] == dt.date(2026, 4, 30)
    query = tape.requests[1].query
    assert query["filtering"] == (
        '[{"field":"campaign.effective_status","operator":"IN","value":'
        '["ACTIVE","ARCHIVED","DELETED","IN_PROCESS","PAUSED","WITH_ISSUES"]}]'
    )
    assert tape.requests[2].query["after"] == "MQZDZD"


def test_ad_sets_carry_their_attribution_setting(read) -> None:
    records, _, _ = read("contract/ad_sets.yaml", stream="ad_sets")

    s = _by_id(records)
    assert [r["level"] for r in records] == ["ad_group", "ad_group"]
    assert s["001"]["campaign_id"] == "120210000000000101"
    # CLICK_THROUGH 7 days + VIEW_THROUGH 1 day
    assert s["001"]["extra"]["attribution"] == "7d_click_1d_view"
    assert s["001"]["extra"]["optimization_goal"] == "LEAD_GENERATION"
    assert s["001"]["daily_budget"] is None  # the campaign holds the budget
    # effective status wins; the configured one stays in extra
    assert (s["003"]["status"], s["003"]["extra"]["configured_status"]) == (
        "CAMPAIGN_PAUSED",
        "ACTIVE",
    )
    assert s["003"]["daily_budget"] == Decimal("80")  # "8000"
    assert s["003"]["extra"]["budget_remaining"] == Decimal("51.2")  # "5120"
    assert s["003"]["extra"]["attribution"] == "1d_click"
    assert s["003"]["end_date"] == dt.date(2026, 10, 31)


def test_ads_turn_url_parameters_into_utm_with_dynamic_values_resolved(read) -> None:
    records, _, tape = read("contract/ads.yaml", stream="ads")

    a = _by_id(records)
    assert a["001"]["utm_source"] == "facebook"
    assert a["001"]["utm_medium"] == "paid_social"
    # {{campaign.name}} and {{ad.name}} are filled from the ad's own campaign and name
    assert a["001"]["utm_campaign"] == "IL | Leads | Rooftop solar"
    assert a["001"]["extra"]["utm_content"] == "Rooftop | Carousel A"
    assert a["001"]["url_tags"].startswith("utm_source=facebook&")
    assert a["001"]["extra"]["creative_id"] == "120210000000020001"
    assert a["001"]["extra"]["ad_set_id"] == "120210000000001001"
    # {{site_source_name}} is filled per impression by Meta: kept as written
    assert a["002"]["utm_source"] == "{{site_source_name}}"
    assert a["002"]["utm_campaign"] == "battery_storage_q4"
    assert a["002"]["extra"]["utm_term"] == "120210000000001002"  # {{adset.id}}
    # no URL parameters: nothing invented
    assert (a["003"]["url_tags"], a["003"]["utm_source"], a["003"]["utm_campaign"]) == (
        None,
        None,
        None,
    )
    assert "creative{id,name,url_tags}" in tape.requests[1].query["fields"]


def test_ads_carry_their_creative_name(read) -> None:
    # contract/ads.yaml: creatives of ads 001 and 002 are named; 003's creative has no name
    records, _, _ = read("contract/ads.yaml", stream="ads")

    a = _by_id(records)
    assert [a[k]["extra"]["creative_name"] for k in ("001", "002", "003")] == [
        "Rooftop carousel A – 3 cards",
        "Battery storage video 15s",
        None,
    ]
    assert a["002"]["extra"]["creative_id"] == "120210000000020002"


def test_zero_decimal_currencies_are_not_divided(read) -> None:
    # objects/jpy_campaigns.yaml: act_3072000111 in JPY, daily_budget "5000", 1830 left
    records, _, _ = read(
        "objects/jpy_campaigns.yaml", stream="campaigns", accounts=["act_3072000111"], page_size=500
    )

    (campaign,) = records
    assert (campaign["currency"], campaign["daily_budget"]) == ("JPY", Decimal("5000"))
    assert campaign["extra"]["budget_remaining"] == Decimal("1830")
    assert campaign["start_date"] == dt.date(2026, 9, 2)  # 2026-09-02T00:00:00+0900


def test_url_tags_are_decoded_like_a_query_string() -> None:
    tags = parse_url_tags(
        "?utm_source=Facebook&UTM_MEDIUM=cpc&utm_campaign=solar+rooftops%202026&x={{placement}}",
        {"campaign.name": None},
    )
    assert tags == {
        "utm_source": "Facebook",
        "utm_medium": "cpc",
        "utm_campaign": "solar rooftops 2026",
        "x": "{{placement}}",
    }
    assert parse_url_tags(None, {}) == {}
