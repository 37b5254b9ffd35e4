"""Breakdowns, action breakdowns and the action report time of ``ad_insights``.

The cassettes in ``cassettes/breakdowns`` (see the note at the top of each):

* ``placement.yaml``: campaign 101 of ``contract/ad_insights.yaml`` split by
  publisher_platform and platform_position, two pages of two rows;
* ``action_device.yaml``: actions split by action_type and action_device under fixed
  windows and ``action_report_time=conversion``;
* ``product_id.yaml``: the two rows of a public Meta fixture broken down by product
  (Airbyte's ``ads_insights_action_product_id.json``): the same ad and day, two products.

Every expected value below is worked out by hand from those bodies.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from partnerkit_meta import BreakdownRejectedError, MetaSettings
from partnerkit_meta._columns import PageMapper
from partnerkit_meta._insights import PAGE, RowMapper
from partnerkit_meta._objects import AccountInfo
from partnerkit_meta.testing import meta_error as meta_fault

from partnerkit.errors import ConfigurationError, InvalidRequestError
from partnerkit.records import record_id
from partnerkit.testing import use_cassette

OCT_1, OCT_2 = dt.date(2026, 10, 1), dt.date(2026, 10, 2)
PLACEMENT = {"breakdowns": ["publisher_platform", "platform_position"]}
CASSETTES = Path(__file__).parent / "cassettes"


def _bodies(cassette: str) -> list[bytes]:
    """The insights page bodies of a cassette, as Meta sent them (JSON)."""
    tape = yaml.safe_load((CASSETTES / cassette).read_text(encoding="utf-8"))
    return [
        json.dumps(i["response"]["body"]).encode()
        for i in tape["interactions"]
        if i["request"]["url"].endswith("/insights")
    ]


# ----------------------------------------------------------------- settings


@pytest.mark.parametrize(
    ("breakdowns", "action_breakdowns"),
    [
        (["age"], ["action_type"]),
        (["age", "gender"], ["action_type", "action_destination"]),
        (["country"], ["action_type", "action_target_id"]),
        (["product_id"], ["action_type"]),
        (
            ["publisher_platform", "platform_position", "impression_device"],
            ["action_type", "action_device"],
        ),
        ([], ["action_type", "action_carousel_card_name"]),
    ],
)
def test_combinations_meta_serves_are_accepted(breakdowns, action_breakdowns) -> None:
    settings = MetaSettings(
        access_token="x",
        accounts=["1"],
        breakdowns=breakdowns,
        action_breakdowns=action_breakdowns,
    )
    assert settings.breakdowns == tuple(breakdowns)
    assert settings.action_breakdowns[0] == "action_type"  # always first, always there


def test_the_breakdowns_keep_the_order_they_are_written_in() -> None:
    settings = MetaSettings(access_token="x", accounts=["1"], breakdowns="gender, age")
    assert settings.breakdowns == ("gender", "age")


def test_action_type_is_always_the_first_action_breakdown() -> None:
    settings = MetaSettings(
        access_token="x", accounts=["1"], action_breakdowns=["action_destination", "action_type"]
    )
    assert settings.action_breakdowns == ("action_type", "action_destination")
    settings = MetaSettings(access_token="x", accounts=["1"], action_breakdowns=[])
    assert settings.action_breakdowns == ("action_type",)


@pytest.mark.parametrize(
    ("settings", "said"),
    [
        (
            {"breakdowns": ["age", "country"]},
            "breakdowns [age + country] with action_breakdowns [action_type]: Meta does "
            "not serve age + country together",
        ),
        (
            {"breakdowns": ["age"], "action_breakdowns": ["action_type", "action_device"]},
            "Meta joins action_device only with no breakdown or with publisher_platform",
        ),
        (
            {"breakdowns": ["country"], "action_breakdowns": ["action_type", "action_video_type"]},
            "Meta serves action_video_type only without breakdowns",
        ),
        ({"breakdowns": ["gendr"]}, "'gendr' is not a breakdown the connector reads; did "),
        ({"extra_fields": ["age"]}, "extra_fields: 'age' is a breakdown, not a field"),
        ({"action_report_time": "lifetime"}, "action_report_time"),
    ],
)
def test_a_combination_meta_refuses_is_refused_before_any_request(meta, settings, said) -> None:
    # no cassette: building the connector must fail before anything is sent
    with pytest.raises(ConfigurationError) as info:
        meta(**settings)
    assert said in str(info.value)


def test_a_refused_combination_says_what_to_do(meta) -> None:
    with pytest.raises(ConfigurationError) as info:
        meta(breakdowns=["region", "publisher_platform"])
    message = str(info.value)
    assert "region + publisher_platform" in message
    assert "publisher_platform + platform_position + impression_device" in message  # served
    assert "second Meta connection" in message


# ---------------------------------------------------------- breakdown rows


def test_breakdown_rows_carry_their_values_in_segment_in_the_settings_order(read) -> None:
    records, notices, tape = read("breakdowns/placement.yaml", start=OCT_1, end=OCT_2, **PLACEMENT)

    assert [r["segment"] for r in records] == [
        "publisher_platform=facebook|platform_position=feed",
        "publisher_platform=facebook|platform_position=facebook_reels",
        "publisher_platform=instagram|platform_position=stream",
        "publisher_platform=facebook|platform_position=feed",
    ]
    assert [r["date"] for r in records] == [OCT_1, OCT_1, OCT_1, OCT_2]
    assert {r["level"] for r in records} == {"campaign"}  # the level read, not a new grain
    # several actions a row: lead is Meta's total, its parts are never added to it
    assert [r["leads"] for r in records] == [4.0, 1.0, 2.0, 5.0]
    assert [r["extra"]["landing_page_views"] for r in records] == [44.0, 15.0, 22.0, 70.0]
    assert [r["spend"] for r in records] == [
        Decimal("226.18"),
        Decimal("71.02"),
        Decimal("115.17"),
        Decimal("380.05"),
    ]
    assert {r["attribution"] for r in records} == {"7d_click_1d_view"}
    assert {r["extra"]["action_report_time"] for r in records} == {"mixed"}
    # every row its own key: the breakdown values are part of it
    assert len({r["record_id"] for r in records}) == 4
    assert all(r["record_id"] == record_id("performance", r) for r in records)

    # one request a page, cursor paging, the breakdowns sent as Meta's JSON list
    assert [r.query.get("after") for r in tape.requests[1:]] == [None, "MQZDZD"]
    query = tape.requests[1].query
    assert query["breakdowns"] == '["publisher_platform","platform_position"]'
    assert "action_breakdowns" not in query  # Meta's default, action_type
    (said,) = [n for n in notices if n.code == "breakdown_rows"]
    assert said.details == {
        "breakdowns": ["publisher_platform", "platform_position"],
        "level": "campaign",
        "non_additive": ["reach"],
    }


def test_the_columnar_and_the_row_path_give_the_same_breakdown_records() -> None:
    settings = MetaSettings(access_token="x", accounts=["act_1029384756"], **PLACEMENT)
    account = AccountInfo("act_1029384756", "Shemesh Solar – IL", "ILS", "Asia/Jerusalem", 1)
    for body in _bodies("breakdowns/placement.yaml"):
        table, _ = PageMapper(settings, "campaign", account).table(body)
        rows = RowMapper(settings, "campaign", account).records(PAGE.validate_json(body)["data"])
        assert table.column("segment").to_pylist() == [r["segment"] for r in rows]
        assert table.column("reach").to_pylist() == [r["reach"] for r in rows]
        assert table.column("extra.action_report_time").to_pylist() == ["mixed"] * len(rows)


def test_reach_by_breakdown_is_not_the_sum_of_its_rows(read) -> None:
    # Hand-worked, 2026-10-01, campaign 101. The standard row (contract/ad_insights.yaml):
    # spend 412.37, impressions 5321, reach 4102. Its placement rows: spend 226.18 +
    # 71.02 + 115.17 = 412.37 and impressions 2890 + 1104 + 1327 = 5321 (additive: a
    # split), but reach 2310 + 905 + 1309 = 4524 > 4102: 422 people saw the ad on two
    # placements and are in two rows. The connector passes each row's reach as Meta
    # sent it and sums nothing; the column says it is not additive.
    standard, _, _ = read("contract/ad_insights.yaml", start=OCT_1, end=OCT_2)
    split, _, _ = read("breakdowns/placement.yaml", start=OCT_1, end=OCT_2, **PLACEMENT)

    (day,) = [r for r in standard if r["date"] == OCT_1 and r["campaign_id"].endswith("101")]
    rows = [r for r in split if r["date"] == OCT_1]
    assert [r["reach"] for r in rows] == [2310, 905, 1309]
    assert sum(r["spend"] for r in rows) == day["spend"] == Decimal("412.37")
    assert sum(r["impressions"] for r in rows) == day["impressions"] == 5321
    assert sum(r["reach"] for r in rows) == 4524
    assert day["reach"] == 4102
    assert day.get("segment") is None  # the standard grain


def test_breakdown_reach_is_marked_non_additive_in_arrow(meta) -> None:
    with (
        use_cassette(CASSETTES / "breakdowns/placement.yaml"),
        meta(**PLACEMENT) as connector,
    ):
        table = connector.stream(stream="ad_insights", start=OCT_1, end=OCT_2).to_arrow()

    assert table.schema.field("reach").metadata[b"additivity"] == b"non_additive"
    assert table.schema.field("segment").metadata[b"role"] == b"key"
    assert table.column("reach").to_pylist() == [2310, 905, 1309, 3870]


# ---------------------------------------------------- action breakdowns


def test_action_breakdowns_add_the_entries_of_one_type_under_fixed_windows(read) -> None:
    # Row 1: lead iphone 7d_click 2 + 1d_view 1, desktop 1 + 0 -> 4; omni_purchase
    # desktop 1 (value 2990.00). Row 2: lead iphone 1 + 0, ipad 0 + 1 -> 2.
    records, _, tape = read(
        "breakdowns/action_device.yaml",
        start=OCT_1,
        end=OCT_1,
        breakdowns=["publisher_platform", "impression_device"],
        action_breakdowns=["action_type", "action_device"],
        attribution_windows=["7d_click", "1d_view"],
        action_report_time="conversion",
    )

    assert [r["segment"] for r in records] == [
        "publisher_platform=facebook|impression_device=iphone",
        "publisher_platform=instagram|impression_device=iphone",
    ]
    assert [r["leads"] for r in records] == [4.0, 2.0]
    assert [r["conversions"] for r in records] == [1.0, None]
    assert [r["conversion_value"] for r in records] == [Decimal("2990.00"), None]
    assert {r["attribution"] for r in records} == {"7d_click_1d_view"}
    assert {r["extra"]["action_report_time"] for r in records} == {"conversion"}
    query = tape.requests[1].query
    assert query["action_breakdowns"] == '["action_type","action_device"]'
    assert query["action_report_time"] == "conversion"
    assert query["action_attribution_windows"] == '["7d_click","1d_view"]'


# ------------------------------------------------ the public product fixture


def test_rows_that_differ_only_by_product_got_one_record_id_and_now_get_two(read) -> None:
    # product_id.yaml: ad 23854695759200548 on 2023-06-01, products 5983858725075630
    # (spend 14.35) and 6023934044385671 (spend 8.53).
    (body,) = _bodies("breakdowns/product_id.yaml")
    rows = PAGE.validate_json(body)["data"]
    account = AccountInfo(
        "act_798085168510957", "Porsche Riverside", "USD", "America/Los_Angeles", 1
    )

    # Before: the key had no breakdown value, so both rows had one id and a warehouse
    # merge kept one of them (8.53 of spend lost).
    plain = MetaSettings(access_token="x", accounts=[account.id])
    before = RowMapper(plain, "ad", account).records(rows)
    assert len({record_id("performance", r) for r in before}) == 1

    # After: the product is in segment, part of the key.
    records, _, tape = read(
        "breakdowns/product_id.yaml",
        start=dt.date(2023, 6, 1),
        end=dt.date(2023, 6, 1),
        as_of=dt.datetime(2023, 6, 15, 12, tzinfo=dt.UTC),
        accounts=[account.id],
        level="ad",
        breakdowns=["product_id"],
    )
    assert [r["segment"] for r in records] == [
        "product_id=5983858725075630",
        "product_id=6023934044385671",
    ]
    assert [r["spend"] for r in records] == [Decimal("14.35"), Decimal("8.53")]
    assert {(r["level"], r["ad_id"]) for r in records} == {("ad", "23854695759200548")}
    assert len({r["record_id"] for r in records}) == 2
    assert tape.requests[1].query["breakdowns"] == '["product_id"]'


# ---------------------------------------------------------------- faults


def _refused(meta, fault) -> BreakdownRejectedError:
    with (
        use_cassette(CASSETTES / "breakdowns/placement.yaml", allow_unused=True) as tape,
        meta(**PLACEMENT) as connector,
    ):
        tape.inject(1, fault)  # the first insights request
        with pytest.raises(BreakdownRejectedError) as info:
            connector.stream(stream="ad_insights", start=OCT_1, end=OCT_2).to_dicts()
    assert len(tape.requests) == 2  # refused, not retried
    return info.value


def test_a_combination_meta_refuses_for_a_request_names_it(meta) -> None:
    # The message Meta sends (code 100, OAuthException) for breakdown columns it will
    # not combine, as quoted in public clients of the Insights API.
    message = (
        "(#100) Current combination of data breakdown columns (action_type, "
        "platform_position, publisher_platform) is invalid"
    )
    error = _refused(meta, meta_fault(100, message=message))

    assert isinstance(error, InvalidRequestError)
    assert not error.retriable
    assert error.combination == ("action_type", "platform_position", "publisher_platform")
    assert error.vendor_code == 100
    assert error.vendor_message == message
    assert error.account == "act_1029384756"
    assert (
        "refused the breakdown combination (action_type, platform_position, publisher_platform)"
        in error.message
    )
    assert "Change breakdowns or action_breakdowns" in error.message


def test_a_breakdown_refused_for_the_date_range_gives_metas_explanation(meta) -> None:
    # Graph API error shape with error_user_title / error_user_msg (Graph API "Handling
    # Errors"); the text paraphrases Meta's 2025 change limiting reach by breakdown to
    # the last 13 months.
    said = (
        "Reach is not available for breakdown queries that include dates more than 13 "
        "months ago. Remove reach or the breakdown, or choose a more recent date range."
    )
    fault = meta_fault(
        100, message="Invalid parameter", user_title="Breakdown not available", user_msg=said
    )
    error = _refused(meta, fault)

    assert error.combination == ()
    assert error.details["error_user_msg"] == said
    assert said in error.message
    assert "a more recent date range" in error.message


def test_a_refused_breakdown_is_the_library_error_outside_a_stream() -> None:
    from partnerkit_meta._errors import meta_error

    error = meta_error(
        400,
        {},
        {
            "message": "(#100) Current combination of data breakdown columns (action_type, "
            "age, country) is invalid",
            "type": "OAuthException",
            "code": 100,
            "fbtrace_id": "FAKEfbtrace0000000000",
        },
        account="act_1029384756",
        request="GET /act_1029384756/insights",
    )
    assert isinstance(error, BreakdownRejectedError)
    assert error.combination == ("action_type", "age", "country")


def test_a_row_without_its_breakdown_value_gets_an_empty_one_on_both_paths() -> None:
    # Meta leaves the product out of rows of off-Meta actions (Insights API
    # Breakdowns, "Type 2"): such a row keeps its own key, "product_id=".
    settings = MetaSettings(access_token="x", accounts=["act_1"], breakdowns=["product_id"])
    account = AccountInfo("act_1", "A", "USD", "America/Los_Angeles", 1)
    day = {"date_start": "2023-06-01", "date_stop": "2023-06-01", "spend": "1.00"}
    body = json.dumps(
        {"data": [{**day, "product_id": "5983858725075630"}, day], "paging": {}}
    ).encode()

    table, _ = PageMapper(settings, "campaign", account).table(body)
    rows = RowMapper(settings, "campaign", account).records(PAGE.validate_json(body)["data"])
    expected = ["product_id=5983858725075630", "product_id="]
    assert table.column("segment").to_pylist() == expected
    assert [r["segment"] for r in rows] == expected
