"""ad_insights read synchronously: two pages, the actions mapping, attribution.

Expected values are read off the cassettes by hand.

contract/ad_insights.yaml (campaign level, 2026-10-01..02, 2 rows a page):

=========  ====================  ====  =====  ======  ====  ========  ====  =========
page/day   campaign              impr  reach  clicks  link  spend     lead  purchases
=========  ====================  ====  =====  ======  ====  ========  ====  =========
1 10-01    101 Rooftop solar     5321  4102   148     97    412.37    7     -
1 10-01    102 Battery storage   2210  1876   61      44    188.90    -     2 (5980.00)
2 10-02    101 Rooftop solar     4988  3870   131     88    398.05    5     -
2 10-02    103 Brand video       18250 15112  96      12    95.40     -     -
=========  ====================  ====  =====  ======  ====  ========  ====  =========

Row 1 also has offsite_conversion.fb_pixel_lead 4 and onsite_conversion.lead_grouped 3:
the parts of ``lead`` 7 (4 + 3 = 7), so leads is 7, not 7 + 4 + 3 = 14.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from partnerkit.connector import COLUMN_METADATA
from partnerkit.errors import ConfigurationError
from partnerkit.records import record_id

OCT_1, OCT_2 = dt.date(2026, 10, 1), dt.date(2026, 10, 2)


def test_two_pages_become_four_records_with_exact_values(read) -> None:
    records, _, tape = read("contract/ad_insights.yaml", start=OCT_1, end=OCT_2)

    got = [
        (
            str(r["date"]),
            r["campaign_id"][-3:],
            r["impressions"],
            r["reach"],
            r["clicks"],
            r["link_clicks"],
            r["spend"],
            r["leads"],
            r["conversions"],
            r["conversion_value"],
        )
        for r in records
    ]
    assert got == [
        ("2026-10-01", "101", 5321, 4102, 148, 97, Decimal("412.37"), 7.0, None, None),
        ("2026-10-01", "102", 2210, 1876, 61, 44, Decimal("188.90"), None, 2.0, Decimal("5980.00")),
        ("2026-10-02", "101", 4988, 3870, 131, 88, Decimal("398.05"), 5.0, None, None),
        ("2026-10-02", "103", 18250, 15112, 96, 12, Decimal("95.40"), None, None, None),
    ]
    # 412.37 + 188.90 + 398.05 + 95.40, exactly
    assert sum(r["spend"] for r in records) == Decimal("1094.72")
    # page 2 is the same request plus the `after` cursor of page 1
    first, second = tape.requests[1].query, tape.requests[2].query
    assert "after" not in first
    assert second["after"] == "MQZDZD"
    assert {k: v for k, v in second.items() if k != "after"} == first


def test_records_carry_account_grain_currency_and_attribution(read) -> None:
    records, _, _ = read("contract/ad_insights.yaml", start=OCT_1, end=OCT_2)

    first = records[0]
    assert first["platform"] == "meta"
    assert first["account_id"] == "act_1029384756"
    assert first["account_name"] == "Shemesh Solar – IL"
    assert first["level"] == "campaign"
    assert first["campaign_name"] == "IL | Leads | Rooftop solar"
    assert (first["ad_group_id"], first["ad_id"]) == (None, None)
    assert first["channel"] == "paid_social"
    assert (first["currency"], first["timezone"]) == ("ILS", "Asia/Jerusalem")
    # each row says the attribution setting of its ad sets; the brand campaign differs
    assert [r["attribution"] for r in records] == [
        "7d_click_1d_view",
        "7d_click_1d_view",
        "7d_click_1d_view",
        "1d_click",
    ]
    assert first["record_id"] == record_id("performance", first)


def test_extra_action_counts_are_documented_and_additive(read) -> None:
    records, notices, _ = read("contract/ad_insights.yaml", start=OCT_1, end=OCT_2)

    # landing_page_view: 81 and 38 on 10-01, 70 on 10-02, none for the brand campaign
    assert [r["extra"]["landing_page_views"] for r in records] == [81.0, 38.0, 70.0, None]
    described = [n for n in notices if n.code == COLUMN_METADATA]
    assert [n.details["column"] for n in described] == [
        "extra.action_report_time",
        "extra.landing_page_views",
    ]
    assert described[1].details["additivity"] == "additive"
    # the report time of every row: Meta's default, sent explicitly and recorded
    assert {r["extra"]["action_report_time"] for r in records} == {"mixed"}


def test_action_types_left_unmapped_are_reported_not_dropped(read) -> None:
    _, notices, _ = read("contract/ad_insights.yaml", start=OCT_1, end=OCT_2)

    (notice,) = [n for n in notices if n.code == "unmapped_action_types"]
    # every action type of the four rows except lead, landing_page_view, omni_purchase, purchase
    assert notice.details["action_types"] == [
        "add_to_cart",
        "link_click",
        "offsite_conversion.fb_pixel_add_to_cart",
        "offsite_conversion.fb_pixel_lead",
        "offsite_conversion.fb_pixel_purchase",
        "omni_add_to_cart",
        "onsite_conversion.lead_grouped",
        "page_engagement",
        "post_engagement",
        "video_view",
    ]


def test_a_custom_mapping_sums_the_parts_of_lead(read) -> None:
    actions = {
        "leads": {
            "action_types": ["offsite_conversion.fb_pixel_lead", "onsite_conversion.lead_grouped"],
            "combine": "sum",
        },
        "conversions": ["offsite_conversion.fb_pixel_purchase"],
        "conversion_value": None,
        "extra": {"video_views": ["video_view"]},
    }
    records, _, _ = read("contract/ad_insights.yaml", start=OCT_1, end=OCT_2, actions=actions)

    # 4 + 3 on 10-01 and 3 + 2 on 10-02: the same totals as `lead`
    assert [r["leads"] for r in records] == [7.0, None, 5.0, None]
    assert [r["conversions"] for r in records] == [None, 2.0, None, None]
    assert [r["conversion_value"] for r in records] == [None, None, None, None]
    assert [r["extra"] for r in records] == [
        {"video_views": 40.0, "action_report_time": "mixed"},
        {"video_views": None, "action_report_time": "mixed"},
        {"video_views": None, "action_report_time": "mixed"},
        {"video_views": 5400.0, "action_report_time": "mixed"},
    ]


def test_fixed_attribution_windows_sum_their_keys(read) -> None:
    # attribution/windows.yaml: lead 7d_click 5 + 1d_view 2 (value 7); omni_purchase
    # 7d_click 2 + 1d_view 1 = 3 (value 2); its value 5980.00 + 2990.00 = 8970.00.
    records, _, tape = read(
        "attribution/windows.yaml",
        start=OCT_1,
        end=OCT_1,
        page_size=500,
        attribution_windows=["1d_view", "7d_click"],
    )

    query = tape.requests[1].query
    assert query["action_attribution_windows"] == '["7d_click","1d_view"]'
    assert "attribution_setting" not in query["fields"]
    assert [(r["leads"], r["conversions"], r["conversion_value"]) for r in records] == [
        (7.0, None, None),
        (None, 3.0, Decimal("8970.00")),
    ]
    assert {r["attribution"] for r in records} == {"7d_click_1d_view"}
    assert [r["extra"]["landing_page_views"] for r in records] == [81.0, 38.0]


def test_the_request_asks_for_daily_rows_with_deleted_objects(read) -> None:
    _, _, tape = read("contract/ad_insights.yaml", start=OCT_1, end=OCT_2)

    query = tape.requests[1].query
    assert query["level"] == "campaign"
    assert query["time_increment"] == "1"
    assert query["time_range"] == '{"since":"2026-10-01","until":"2026-10-02"}'
    assert query["use_unified_attribution_setting"] == "true"
    assert query["action_report_time"] == "mixed"  # explicit, not left to Meta's default
    assert "breakdowns" not in query
    assert "action_breakdowns" not in query
    assert '"DELETED"' in query["filtering"]
    assert '"ARCHIVED"' in query["filtering"]
    assert tape.requests[1].url == "https://graph.facebook.com/v26.0/act_1029384756/insights"


def test_an_unknown_read_option_or_level_is_refused(meta) -> None:
    with meta() as connector:
        with pytest.raises(ConfigurationError, match=r"unknown read option.*breakdowns"):
            connector.stream(stream="ad_insights", options={"breakdowns": ["age"]}).to_dicts()
        with pytest.raises(ConfigurationError, match="'keyword' is not an insights level"):
            connector.stream(stream="ad_insights", options={"level": "keyword"}).to_dicts()


def test_accounts_outside_the_settings_are_refused(meta) -> None:
    with (
        meta() as connector,
        pytest.raises(
            ConfigurationError, match="names act_555, which the Meta connection does not list"
        ),
    ):
        connector.stream(stream="ad_insights", accounts=("555",)).to_dicts()


def test_arrow_keeps_money_exact_and_marks_reach_non_additive(read, meta, cassettes) -> None:
    from partnerkit.testing import use_cassette

    with use_cassette(cassettes / "contract/ad_insights.yaml"), meta() as connector:
        table = connector.stream(stream="ad_insights", start=OCT_1, end=OCT_2).to_arrow()

    assert str(table.schema.field("spend").type) == "decimal128(38, 6)"
    assert sum(table.column("spend").to_pylist()) == Decimal("1094.72")
    assert table.schema.field("reach").metadata[b"additivity"] == b"non_additive"
    assert table.schema.field("extra.landing_page_views").metadata[b"additivity"] == b"additive"


def test_parameters_follow_the_level_and_settings() -> None:
    from partnerkit_meta import MetaSettings
    from partnerkit_meta._insights import insights_params

    def params(**values):
        settings = MetaSettings(access_token="x", accounts=["1"], **values)
        return insights_params(settings, settings.level, OCT_1, OCT_2)

    ad = params(level="ad", extra_fields=["frequency"])
    assert ad["fields"].split(",")[:8] == [
        "account_id",
        "account_name",
        "campaign_id",
        "campaign_name",
        "adset_id",
        "adset_name",
        "ad_id",
        "ad_name",
    ]
    assert ad["fields"].endswith(",attribution_setting,frequency")
    assert ad["filtering"][0]["field"] == "ad.effective_status"
    assert "PENDING_REVIEW" in ad["filtering"][0]["value"]
    assert "filtering" not in params(level="ad", include_deleted=False)
    account = params(level="account")
    assert "filtering" not in account
    assert account["fields"].startswith("account_id,account_name,date_start")
