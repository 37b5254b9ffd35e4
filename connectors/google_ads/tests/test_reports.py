"""The report streams (issue 23): keywords, search terms, geography, devices, conversions, GAQL.

Every expected value is read off the cassettes in ``cassettes/reports`` by hand. One
customer, 2345678901 "Trattoria Demo Srl", EUR, Europe/Rome; campaign 20000000001
"IT | Search | Brand" (SEARCH), ad group 30000000001 "Brand - Esatta".

* keywords.yaml: 2026-10-01 "trattoria demo" EXACT, quality score 8, 640 impressions,
  52 clicks, costMicros 21370000; "trattoria roma" PHRASE, score 5, 564 / 35 /
  26840000; 2026-10-02 "cena romantica roma" BROAD, PAUSED, no qualityInfo.
* search_terms.yaml: "trattoria demo roma" ADDED 29 clicks 11890000 micros 1.0
  conversion; "trattoria demo menu" NONE 11 clicks 4730000 micros 0 conversions;
  "ristorante vicino a me" EXCLUDED 2 clicks 980000 micros.
* geography.yaml / devices.yaml: campaign 20000000001 on 2026-10-01 split three ways;
  each split sums to the performance cassette's day (1204 impressions, 87 clicks,
  48210000 micros, 2.5 conversions, 310.0 value).
* conversions.yaml: see :func:`test_a_months_conversions_split_by_action`.
* custom.yaml: campaign 20000000001 on 2026-10-01 at hour 12 (30 clicks, 415
  impressions, 16630000 micros, averageCpc 554333.3333333334 micros) and hour 20
  (57, 789, 31580000).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from partnerkit_google_ads import GoogleAdsConnector, UnselectableFieldError
from partnerkit_google_ads.testing import google_ads_error, google_ads_resource_exhausted

from partnerkit.connector import Notice, ReadRequest
from partnerkit.errors import (
    ConfigurationError,
    DataError,
    PermissionDeniedError,
    ResponseShapeError,
    SourceError,
    UnknownFieldError,
)
from partnerkit.records import record_id
from partnerkit.stream import RecordStream
from partnerkit.testing import FakeClock, hostile, read_through, use_cassette
from partnerkit.testing.faults import Fault

Make = Callable[..., GoogleAdsConnector]
JSON = {"Content-Type": "application/json; charset=UTF-8"}
REPORTS = Path(__file__).parent / "cassettes" / "reports"
DAYS = {"start": dt.date(2026, 9, 19), "end": dt.date(2026, 10, 3)}
HOURLY = (
    "SELECT campaign.id, campaign.name, campaign.status, segments.date, segments.hour, "
    "metrics.clicks, metrics.impressions, metrics.cost_micros, metrics.average_cpc, metrics.ctr "
    "FROM campaign WHERE campaign.status = 'ENABLED'"
)
LEAD_ACTION, CALL_ACTION, PURCHASE_ACTION, MENU_ACTION = (
    "670000001",
    "670000002",
    "670000003",
    "670000004",
)


def read(
    make_connector: Make,
    stream: str,
    cassette: str | None = None,
    *,
    faults: dict[int, list[Fault]] | None = None,
    replace: dict[int, Fault] | None = None,
    allow_unused: bool = False,
    **settings: Any,
) -> tuple[list[dict[str, Any]], list[Notice]]:
    """Read ``stream`` of customer 2345678901 over DAYS through its report cassette."""
    connector = make_connector(accounts=["2345678901"], **settings)
    path = REPORTS / f"{cassette or stream}.yaml"
    request = ReadRequest(stream=stream, **DAYS)
    records, notices, _ = read_through(
        path, connector, request, faults=faults, replace=replace, allow_unused=allow_unused
    )
    return records, notices


def extra_meta(notices: list[Notice]) -> dict[str, dict[str, Any]]:
    return {
        str(n.details["column"]): dict(n.details) for n in notices if n.code == "column_metadata"
    }


# ------------------------------------------------------------------ keywords


def test_keywords_carry_text_match_type_and_quality_score(make_connector: Make) -> None:
    records, _ = read(make_connector, "keywords")
    got = [
        (
            str(r["date"]),
            r["segment"],
            r["extra"]["keyword_text"],
            r["extra"]["match_type"],
            r["extra"].get("quality_score"),
        )
        for r in records
    ]
    assert got == [
        ("2026-10-01", "criterion_id=50000000001", "trattoria demo", "EXACT", 8),
        ("2026-10-01", "criterion_id=50000000002", "trattoria roma", "PHRASE", 5),
        # too little data: Google Ads sends no qualityInfo, and the score stays missing
        ("2026-10-02", "criterion_id=50000000003", "cena romantica roma", "BROAD", None),
    ]
    first = records[0]
    assert first["level"] == "keyword"
    assert (first["campaign_id"], first["ad_group_id"]) == ("20000000001", "30000000001")
    assert first["ad_group_name"] == "Brand - Esatta"
    assert first["spend"] == Decimal("21.37")  # 21370000 micros
    assert (first["impressions"], first["clicks"]) == (640, 52)
    assert first["conversion_value"] == Decimal("180")
    assert first["currency"] == "EUR"
    assert records[2]["extra"]["criterion_status"] == "PAUSED"


def test_quality_score_is_declared_not_additive(make_connector: Make) -> None:
    _, notices = read(make_connector, "keywords")
    meta = extra_meta(notices)
    assert meta["extra.quality_score"]["additivity"] == "non_additive"
    assert meta["extra.quality_score"]["role"] == "metric"
    assert meta["extra.keyword_text"]["role"] == "attribute"


def test_quality_score_reaches_the_arrow_schema_as_non_additive(make_connector: Make) -> None:
    with (
        use_cassette(REPORTS / "keywords.yaml"),
        make_connector(accounts=["2345678901"]) as conn,
    ):
        table = conn.stream(ReadRequest(stream="keywords", **DAYS)).to_arrow()
    field = table.schema.field("extra.quality_score")
    assert field.metadata[b"additivity"] == b"non_additive"
    assert table.column("extra.quality_score").to_pylist() == [8, 5, None]


def test_two_keywords_of_one_ad_group_and_day_have_different_record_ids(
    make_connector: Make,
) -> None:
    records, _ = read(make_connector, "keywords")
    assert records[0]["record_id"] != records[1]["record_id"]
    assert records[0]["record_id"] == record_id("performance", records[0])


# ------------------------------------------------------------------ search terms


def test_search_terms_with_status_and_metrics(make_connector: Make) -> None:
    records, _ = read(make_connector, "search_terms")
    got = [
        (
            r["segment"],
            r["extra"]["search_term_status"],
            r["clicks"],
            r["spend"],
            r["conversions"],
        )
        for r in records
    ]
    assert got == [
        ("search_term=trattoria demo roma", "ADDED", 29, Decimal("11.89"), 1.0),
        ("search_term=trattoria demo menu", "NONE", 11, Decimal("4.73"), 0.0),
        ("search_term=ristorante vicino a me", "EXCLUDED", 2, Decimal("0.98"), 0.0),
    ]
    assert {r["level"] for r in records} == {"search_term"}
    # spend on terms without a conversion, by hand: 4.73 + 0.98
    wasted = sum((r["spend"] for r in records if r["conversions"] == 0), Decimal(0))
    assert wasted == Decimal("5.71")


# ------------------------------------------------------------------ geography and devices


def test_geography_by_country_region_and_location_type(make_connector: Make) -> None:
    records, _ = read(make_connector, "geography")
    assert [r["segment"] for r in records] == [
        "country_criterion_id=2380|geo_target_region=geoTargetConstants/20595"
        "|location_type=LOCATION_OF_PRESENCE",
        "country_criterion_id=2380|geo_target_region=geoTargetConstants/20595"
        "|location_type=AREA_OF_INTEREST",
        # no region segment in the answer: the value is empty, not guessed
        "country_criterion_id=2276|geo_target_region=|location_type=LOCATION_OF_PRESENCE",
    ]
    assert records[0]["extra"]["country_criterion_id"] == 2380
    assert "geo_target_region" not in records[2]["extra"]
    # the split sums to the campaign's day: 900 + 292 + 12 impressions, 40.10 + 8.11 + 0
    assert sum(r["impressions"] for r in records) == 1204
    assert sum((r["spend"] for r in records), Decimal(0)) == Decimal("48.21")


def test_devices_split_a_campaign_day(make_connector: Make) -> None:
    records, _ = read(make_connector, "devices")
    got = [(r["segment"], r["clicks"], r["spend"]) for r in records]
    assert got == [
        ("device=MOBILE", 61, Decimal("30.15")),
        ("device=DESKTOP", 24, Decimal("17.21")),
        ("device=TABLET", 2, Decimal("0.85")),
    ]
    assert {(r["level"], r["campaign_id"], r["channel"]) for r in records} == {
        ("campaign", "20000000001", "paid_search")
    }
    # 61 + 24 + 2 clicks and 1.5 + 1.0 + 0.0 conversions: the performance day's 87 and 2.5
    assert sum(r["clicks"] for r in records) == 87
    assert sum(r["conversions"] for r in records) == 2.5


# ------------------------------------------------------------------ conversions by action


def _action(record: dict[str, Any]) -> str:
    return str(record["extra"]["conversion_action"]).rsplit("/", 1)[1]


def test_a_months_conversions_split_by_action(make_connector: Make) -> None:
    """Worked by hand from conversions.yaml (2026-09-19 to 2026-10-03):

    ======== ===== ============================ ================ ===== ====== =====
    day      camp. action                       category         conv. value  all
    ======== ===== ============================ ================ ===== ====== =====
    09-22    ...01 670000001 Prenotazione tavolo SUBMIT_LEAD_FORM 2.0   0      2.0
    09-22    ...01 670000003 Acquisto buono      PURCHASE         1.0   50.0   1.0
    10-01    ...01 670000001                    SUBMIT_LEAD_FORM 1.5   0      1.5
    10-01    ...01 670000002 Chiamata dal sito  PHONE_CALL_LEAD  1.0   0      1.0
    10-01    ...01 670000004 Visita pagina menu PAGE_VIEW        0.0   0      1.25
    10-01    ...02 670000003                    PURCHASE         0.5   75.5   0.5
    10-02    ...02 670000001                    SUBMIT_LEAD_FORM 0.5   0      0.5
    ======== ===== ============================ ================ ===== ====== =====

    Conversions 6.5 in all; the lead actions 2.0 + 1.5 + 1.0 + 0.5 = 5.0; the
    purchase action 1.0 + 0.5 = 1.5 worth 125.5; the menu page view is secondary
    (counted only in all conversions: 6.5 + 1.25 = 7.75).
    """
    records, _ = read(make_connector, "conversions")
    assert len(records) == 7
    by_action: dict[str, float] = {}
    for r in records:
        by_action[_action(r)] = by_action.get(_action(r), 0.0) + r["conversions"]
    assert by_action == {
        LEAD_ACTION: 4.0,
        PURCHASE_ACTION: 1.5,
        CALL_ACTION: 1.0,
        MENU_ACTION: 0.0,
    }
    assert sum(r["conversions"] for r in records) == 6.5
    assert sum(r["all_conversions"] for r in records) == 7.75
    purchases = [r for r in records if r["extra"]["conversion_action_category"] == "PURCHASE"]
    assert sum((r["conversion_value"] for r in purchases), Decimal(0)) == Decimal("125.5")
    # leads come from lead-category actions only: never the purchase
    assert sum(r["leads"] for r in records) == 5.0
    assert [r["leads"] for r in purchases] == [0.0, 0.0]
    # a lead row and a purchase row of the same campaign and day are two records
    sep22 = [r for r in records if r["date"] == dt.date(2026, 9, 22)]
    assert len({r["record_id"] for r in sep22}) == 2
    assert records[0]["extra"]["conversion_action_name"] == "Prenotazione tavolo"


def test_selected_actions_sum_to_their_own_total_only(make_connector: Make) -> None:
    """With conversion_actions [670000001, 670000002] only those rows come back
    (the query asks ``segments.conversion_action IN (...)``): 2.0 + 1.5 + 1.0 + 0.5 = 5.0,
    the lead total above, and not the month's 6.5."""
    records, _ = read(
        make_connector,
        "conversions",
        "conversions_selected",
        conversion_actions=[LEAD_ACTION, f"customers/2345678901/conversionActions/{CALL_ACTION}"],
    )
    assert {_action(r) for r in records} == {LEAD_ACTION, CALL_ACTION}
    assert sum(r["conversions"] for r in records) == 5.0
    assert sum(r["conversions"] for r in records) != 6.5


def test_a_conversion_action_must_be_an_id() -> None:
    with pytest.raises(ConfigurationError, match="not a conversion action id"):
        GoogleAdsConnector({"access_token": "t", "conversion_actions": ["Purchase"]})


def test_a_sync_reads_report_streams_only_when_the_settings_name_them() -> None:
    # their rows split the campaigns' spend again: a sync that read them by default
    # would put the same spend in the warehouse twice
    plain = GoogleAdsConnector({"access_token": "t"})
    assert [s.name for s in plain.enabled_streams()] == ["performance", "campaigns"]
    chosen = GoogleAdsConnector({"access_token": "t", "report_streams": ["keywords", "devices"]})
    assert [s.name for s in chosen.enabled_streams()] == [
        "performance",
        "campaigns",
        "keywords",
        "devices",
    ]
    with pytest.raises(ConfigurationError, match="report_streams"):
        GoogleAdsConnector({"access_token": "t", "report_streams": ["custom"]})


# ------------------------------------------------------------------ custom GAQL


def test_custom_gaql_is_typed_from_the_field_metadata(make_connector: Make) -> None:
    records, notices = read(make_connector, "custom", custom_queries={"hourly": HOURLY})
    assert len(records) == 2
    noon, evening = records
    assert noon["level"] == "custom:hourly"
    assert noon["segment"] == "segments.hour=12"
    assert noon["date"] == dt.date(2026, 10, 1)
    assert (noon["campaign_id"], noon["clicks"], noon["impressions"]) == ("20000000001", 30, 415)
    assert noon["spend"] == Decimal("16.63")  # INT64 micros: exact Decimal
    assert noon["currency"] == "EUR"  # the customer's, though the query did not select it
    # averageCpc is a DOUBLE in micros: 554333.3333333334 / 1e6, exactly as sent
    assert noon["extra"]["metrics.average_cpc"] == Decimal("0.5543333333333334")
    assert noon["extra"]["metrics.ctr"] == 30 / 415
    assert noon["extra"]["campaign.status"] == "ENABLED"  # an enum, by name
    assert noon["extra"]["segments.hour"] == 12
    assert evening["spend"] == Decimal("31.58")
    meta = extra_meta(notices)
    assert meta["extra.metrics.ctr"]["additivity"] == "non_additive"
    assert meta["extra.metrics.ctr"]["unit"] == "ratio"
    assert meta["extra.metrics.average_cpc"]["unit"] == "money"
    assert meta["extra.campaign.status"]["role"] == "attribute"


def test_an_unselectable_field_is_refused_by_name(make_connector: Make) -> None:
    """custom_unselectable.yaml: the field service marks metrics.ctr selectable = false
    (the case the issue asks for); no searchStream request is sent."""
    with pytest.raises(UnselectableFieldError) as info:
        read(make_connector, "custom", "custom_unselectable", custom_queries={"hourly": HOURLY})
    assert info.value.field == "metrics.ctr"
    assert info.value.query == "hourly"
    assert "'metrics.ctr' cannot be selected" in str(info.value)


def test_an_unknown_field_is_refused_by_name(make_connector: Make) -> None:
    """custom_unknown.yaml: the field service answers no row for metrics.click_through_rate."""
    text = HOURLY.replace("metrics.ctr", "metrics.click_through_rate")
    with pytest.raises(UnknownFieldError) as info:
        read(make_connector, "custom", "custom_unknown", custom_queries={"hourly": text})
    assert info.value.field == "metrics.click_through_rate"
    assert "GoogleAdsFieldService" in str(info.value)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("SELECT campaign.id, metrics.clicks FROM campaign", "select segments.date"),
        (HOURLY + " ORDER BY metrics.clicks DESC", "ORDER BY is not allowed"),
        (HOURLY + " LIMIT 10", "LIMIT is not allowed"),
        (HOURLY + " AND segments.date DURING LAST_7_DAYS", "DURING is not allowed"),
        (HOURLY.replace("campaign.status =", "segments.date >"), "leave segments.date out"),
        ("campaign.id FROM campaign", "write a query of the form"),
        ("SELECT Campaign.Id, segments.date FROM campaign", "is not a GAQL field name"),
    ],
)
def test_a_custom_query_of_the_wrong_form_is_refused_before_a_request(
    make_connector: Make, text: str, words: str
) -> None:
    conn = make_connector(accounts=["2345678901"], custom_queries={"q": text})
    with pytest.raises(ConfigurationError, match=words):
        conn.stream(ReadRequest(stream="custom", **DAYS)).to_dicts()


def test_the_custom_stream_needs_a_query(make_connector: Make) -> None:
    conn = make_connector(accounts=["2345678901"])
    with pytest.raises(ConfigurationError, match="custom_queries setting, which is empty"):
        conn.stream(ReadRequest(stream="custom", **DAYS)).to_dicts()
    two = make_connector(accounts=["2345678901"], custom_queries={"a": HOURLY, "b": HOURLY})
    with pytest.raises(ConfigurationError, match="say which custom query"):
        two.stream(ReadRequest(stream="custom", **DAYS)).to_dicts()
    with pytest.raises(ConfigurationError, match="'c' is not a custom query"):
        two.stream(ReadRequest(stream="custom", options={"query": "c"}, **DAYS)).to_dicts()


def test_a_value_that_does_not_fit_its_type_names_row_and_field(make_connector: Make) -> None:
    answer = yaml.safe_load((REPORTS / "devices.yaml").read_text())["interactions"][1]
    body = answer["response"]["body"]
    body[0]["results"][1]["metrics"]["clicks"] = "twenty-four"
    fault = Fault(status=200, headers=JSON, body=json.dumps(body))
    with pytest.raises(DataError) as info:
        read(make_connector, "devices", replace={1: fault})
    assert info.value.row == 2
    assert info.value.column == "metrics.clicks"
    assert info.value.value == "twenty-four"


# ------------------------------------------------------------------ faults, every stream

STREAMS = ("keywords", "search_terms", "geography", "devices", "conversions", "custom")


def _settings(stream: str) -> dict[str, Any]:
    return {"custom_queries": {"hourly": HOURLY}} if stream == "custom" else {}


def _query_index(stream: str) -> int:
    """The interaction of the stream's searchStream query (custom: after the field check)."""
    return 2 if stream == "custom" else 1


@pytest.mark.parametrize("stream", STREAMS)
def test_a_throttle_on_a_report_waits_and_completes(
    make_connector: Make, fake_clock: FakeClock, stream: str
) -> None:
    expected, _ = read(make_connector, stream, **_settings(stream))
    throttle = {_query_index(stream): [google_ads_resource_exhausted(30)]}
    records, _ = read(make_connector, stream, faults=throttle, **_settings(stream))
    assert records == expected
    assert fake_clock.sleeps == [30.0]


@pytest.mark.parametrize("stream", STREAMS)
def test_a_report_stream_broken_part_way_is_an_error_not_fewer_rows(
    make_connector: Make, stream: str
) -> None:
    """searchStream answers 200 and ends with the error element when it breaks."""
    answer = yaml.safe_load((REPORTS / f"{stream}.yaml").read_text())
    body = answer["interactions"][_query_index(stream)]["response"]["body"]
    failure = google_ads_error(
        500, {"internalError": "INTERNAL_ERROR"}, "An internal error has occurred."
    ).json()
    fault = Fault(status=200, headers=JSON, body=json.dumps([*body, failure]))
    with pytest.raises(SourceError) as info:
        read(make_connector, stream, replace={_query_index(stream): fault}, **_settings(stream))
    assert info.value.account == "2345678901"


@pytest.mark.parametrize("stream", STREAMS)
def test_a_permission_error_on_a_report_is_mapped(make_connector: Make, stream: str) -> None:
    fault = google_ads_error(
        403,
        {"authorizationError": "USER_PERMISSION_DENIED"},
        "User doesn't have permission to access customer.",
        top_message="The caller does not have permission",
    )
    refused = {_query_index(stream): fault}
    with pytest.raises(PermissionDeniedError) as info:
        read(make_connector, stream, replace=refused, allow_unused=True, **_settings(stream))
    assert info.value.vendor_code == "USER_PERMISSION_DENIED"


def test_a_throttle_on_the_field_check_waits_and_completes(
    make_connector: Make, fake_clock: FakeClock
) -> None:
    throttle = {1: [google_ads_resource_exhausted(30)]}
    records, _ = read(make_connector, "custom", faults=throttle, custom_queries={"hourly": HOURLY})
    assert len(records) == 2
    assert fake_clock.sleeps == [30.0]


def test_a_field_answer_of_the_wrong_shape_is_refused(make_connector: Make) -> None:
    fault = Fault(status=200, headers=JSON, body='{"results": {"name": "metrics.ctr"}}')
    custom = {"custom_queries": {"hourly": HOURLY}}
    with pytest.raises(ResponseShapeError) as info:
        read(make_connector, "custom", replace={1: fault}, allow_unused=True, **custom)
    assert info.value.where == "results"


def test_the_json_paths_are_the_librarys_own() -> None:
    """FieldMeta spells a field the way protobuf's JSON mapping does; the library agrees."""
    from partnerkit_google_ads import _reports, _schema

    version = _schema.latest_version()
    plans = [r.plan(version) for r in _reports.REPORTS.values()]
    plans.append(_reports.conversions_plan(version, ["1"], "2345678901", ["SIGNUP"]))
    for plan in plans:
        for name, meta in plan.fields.items():
            assert meta.json_path == _schema.field_info(version, name).json_path, name
    assert plans[-1].query.where[0].text == (
        "segments.conversion_action IN ('customers/2345678901/conversionActions/1')"
    )


def test_an_option_a_stream_does_not_take_is_refused(make_connector: Make) -> None:
    conn = make_connector(accounts=["2345678901"])
    with pytest.raises(ConfigurationError, match="keywords stream: level; it takes: none"):
        conn.stream(ReadRequest(stream="keywords", options={"level": "ad"}, **DAYS)).to_dicts()


def test_a_row_that_is_not_an_object_is_a_shape_error(make_connector: Make) -> None:
    answer = yaml.safe_load((REPORTS / "keywords.yaml").read_text())["interactions"][1]
    body = answer["response"]["body"]
    body[0]["results"][1] = None
    fault = Fault(status=200, headers=JSON, body=json.dumps(body))
    with pytest.raises(ResponseShapeError) as info:
        read(make_connector, "keywords", replace={1: fault})
    assert info.value.where == "[0].results[1]"


# ------------------------------------------------------------------ hostile answers


def _report_answers() -> list[Any]:
    """Every searchStream answer of the report cassettes that carries rows."""

    def keep(url: str, body: Any) -> bool:
        stream = url.endswith(":searchStream")
        return stream and isinstance(body, list) and any("results" in b for b in body)

    return hostile.recorded_bodies(REPORTS, keep)


def _plans() -> list[Any]:
    from partnerkit_google_ads import _reports, _schema

    version = _schema.latest_version()
    plans = [r.plan(version) for r in _reports.REPORTS.values()]
    plans.append(_reports.conversions_plan(version, [], "2345678901", ["SUBMIT_LEAD_FORM"]))
    return plans


PLANS = _plans()
URL = "https://googleads.googleapis.com/v26/customers/2345678901/googleAds:searchStream"


class TestHostileReportPages(hostile.HostilePages):
    """Hostile bodies in place of the keywords query; any report answer, mutated."""

    shapes = {
        **hostile.bare_values("a JSON array of batches"),
        "empty array": (
            "[]",
            "",
            "at least one batch (an empty result is one batch with fieldMask and requestId)",
            "an empty JSON array",
        ),
        "row null": (
            '[{"results":[null],"fieldMask":"campaign.id","requestId":"FAKEreqIdHostile0002"}]',
            "[0].results[0]",
            "a row object",
            "a JSON null",
        ),
    }
    api, account, requests = "google_ads", "2345678901", (f"POST {URL}",)
    secret = "test-developer-token"
    recorded = _report_answers()

    def read(self, request: pytest.FixtureRequest, body: str) -> object:
        make: Make = request.getfixturevalue("make_connector")
        fault = Fault(status=200, headers=JSON, body=body)
        return read(make, "keywords", replace={1: fault})[0]

    def parse(self, body: bytes) -> object:
        """Parse an answer as the report streams do, and map it with every plan."""
        from partnerkit_google_ads import _reports
        from partnerkit_google_ads._parse import RAW_BATCHES, CustomerInfo, parse_batches

        batches = parse_batches(body, source="s", account="2345678901", adapter=RAW_BATCHES)
        if any("error" in b for b in batches):
            return None  # the stream's own error element: mapped by Transport
        customer = CustomerInfo("2345678901", "Trattoria Demo Srl", "EUR", "Europe/Rome")
        for plan in PLANS:
            found = list(_reports.records(plan, _reports.raw_rows(batches), customer, "s"))
            RecordStream.from_records("performance", found).to_arrow()
        return None


def test_the_report_answers_are_collected() -> None:
    # keywords, search terms, geography, devices, conversions (all and selected), custom
    recorded = TestHostileReportPages.recorded
    reports = [b for b in recorded if not b[0]["fieldMask"].endswith("customer.manager")]
    assert len(reports) == 7


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_a_double_that_is_not_finite_is_a_data_error(value: float) -> None:
    from partnerkit_google_ads._reports import FieldMeta

    with pytest.raises(ValueError, match="finite"):
        FieldMeta("metrics.average_cpc", "METRIC", "DOUBLE").convert(value)


def test_check_checks_the_custom_queries(make_connector: Make) -> None:
    with (
        use_cassette(REPORTS / "check.yaml"),
        make_connector(accounts=["2345678901"], custom_queries={"hourly": HOURLY}) as conn,
    ):
        result = conn.check()
    assert result.ok, result.message
    assert result.accounts == ("2345678901",)
    assert result.message.endswith("1 account(s) reachable. 1 custom query checked.")


def test_check_names_an_unselectable_field(make_connector: Make) -> None:
    with (
        use_cassette(REPORTS / "custom_unselectable.yaml"),
        make_connector(accounts=["2345678901"], custom_queries={"hourly": HOURLY}) as conn,
    ):
        result = conn.check()
    assert not result.ok
    assert isinstance(result.error, UnselectableFieldError)
    assert "'metrics.ctr' cannot be selected" in result.message
