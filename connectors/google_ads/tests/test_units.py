"""Settings, GAQL building, the library's schema, and URL-option parsing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any, get_type_hints

import partnerkit_google_ads
import pytest
from partnerkit_google_ads import GoogleAdsSettings, _gaql, _parse, _schema

from partnerkit.connector import ReadRequest
from partnerkit.errors import ConfigurationError, UnknownFieldError
from partnerkit.testing import use_cassette


def test_public_names() -> None:
    assert partnerkit_google_ads.__all__ == [
        "GoogleAdsConnector",
        "GoogleAdsSettings",
        "UnselectableFieldError",  # a custom GAQL field the metadata refuses (issue 23)
    ]


@pytest.mark.parametrize(
    ("given", "expected"),
    [("123-456-7890", "1234567890"), ("123 456 7890", "1234567890"), (1234567890, "1234567890")],
)
def test_customer_ids_lose_their_dashes(given: Any, expected: str) -> None:
    settings = GoogleAdsSettings(accounts=[given], login_customer_id=given)
    assert settings.accounts == [expected]
    assert settings.login_customer_id == expected


@pytest.mark.parametrize("bad", ["123-456-789", "12345678901", "1234567890' OR 1=1", "abc"])
def test_a_customer_id_must_be_ten_digits(bad: str) -> None:
    with pytest.raises(ValueError, match="ten digits"):
        GoogleAdsSettings(accounts=[bad])


def test_lead_categories_are_upper_cased_and_checked_for_shape() -> None:
    assert GoogleAdsSettings(lead_categories=["contact", "CONTACT"]).lead_categories == ["CONTACT"]
    with pytest.raises(ValueError, match="not a conversion action category name"):
        GoogleAdsSettings(lead_categories=["CONTACT') OR ('1"])


def test_an_unknown_lead_category_is_named_before_any_request(tmp_path: Path) -> None:
    from partnerkit_google_ads import GoogleAdsConnector

    conn = GoogleAdsConnector(
        {"accounts": ["4567890123"], "access_token": "t", "lead_categories": ["LEAD_FORM"]}
    )
    with pytest.raises(ConfigurationError, match=r"'LEAD_FORM'.*SUBMIT_LEAD_FORM"):
        conn.stream(ReadRequest(stream="performance")).to_dicts()


def test_level_customer_is_the_account_level() -> None:
    assert GoogleAdsSettings(level="customer").level == "account"  # type: ignore[arg-type]


def test_gaql_is_built_from_typed_values_only() -> None:
    query = _gaql.leads_query(
        "campaign", dt.date(2026, 10, 1), dt.date(2026, 10, 3), ["SIGNUP", "CONTACT"]
    )
    assert str(query) == (
        "SELECT campaign.id, segments.date, segments.conversion_action_category, "
        "metrics.conversions FROM campaign WHERE segments.date BETWEEN '2026-10-01' AND "
        "'2026-10-03' AND segments.conversion_action_category IN ('CONTACT', 'SIGNUP')"
    )
    with pytest.raises(ValueError, match="not an enum value name"):
        _gaql.Condition.enum_in("segments.conversion_action_category", ["X') OR ('1"])
    with pytest.raises(ValueError, match="not a GAQL field name"):
        _gaql.Query("campaign", ("campaign.id; DROP",))


def test_every_query_field_exists_in_the_librarys_newest_version() -> None:
    version = _schema.latest_version()
    for level in ("account", "campaign", "ad_group", "ad"):
        query = _gaql.performance_query(level, dt.date(2026, 1, 1), dt.date(2026, 1, 2))
        _schema.check_fields(version, query.fields)
    _schema.check_fields(version, _gaql.CAMPAIGN_FIELDS + _gaql.CUSTOMER_CLIENT_FIELDS)


def test_the_parser_reads_the_rest_names_the_library_defines() -> None:
    """Each TypedDict key is the REST (JSON) name the library's descriptor gives."""
    version = _schema.latest_version()
    resources = {
        "customer": _parse._Customer,
        "customerClient": _parse._CustomerClient,
        "campaign": _parse._Campaign,
        "campaignBudget": _parse._CampaignBudget,
        "adGroup": _parse._AdGroup,
        "metrics": _parse._Metrics,
        "segments": _parse._Segments,
    }
    selected = {
        *_gaql.CAMPAIGN_FIELDS,
        *_gaql.CUSTOMER_CLIENT_FIELDS,
        *_gaql.METRICS,
        *_gaql.performance_query("ad", dt.date(2026, 1, 1), dt.date(2026, 1, 1)).fields,
        "customer.manager",
        "segments.conversion_action_category",
    }
    python_type = {"int64": int, "double": float, "string": str, "enum": str, "bool": bool}
    for name in sorted(selected):
        info = _schema.field_info(version, name)
        if info.json_path[0] == "adGroupAd":
            continue
        hints = get_type_hints(resources[info.json_path[0]])
        key = info.json_path[1]
        assert key in hints, f"{name}: the parser has no key {key!r}"
        if info.type in python_type and name not in ("customer.id", "customer_client.id"):
            expected = python_type[info.type]
            if info.type == "int64" and name.endswith(".id"):
                expected = str  # ids stay strings
            if name == "segments.date":
                expected = dt.date
            assert hints[key] is expected, f"{name}: {hints[key]} is not {expected}"


def test_unknown_fields_get_suggestions_from_the_library() -> None:
    with pytest.raises(UnknownFieldError) as info:
        _schema.field_info("v26", "metrics.video_views")
    assert info.value.suggestions == ["metrics.video_trueview_views"]


@pytest.mark.parametrize(
    ("suffix", "template", "params", "expected"),
    [
        (
            "utm_source=google&utm_medium=cpc&utm_campaign={_campaign}",
            None,
            {"campaign": "brand_it"},
            {"utm_source": "google", "utm_medium": "cpc", "utm_campaign": "brand_it"},
        ),
        (
            None,
            "{lpurl}?utm_source=google&utm_campaign=pmax_{campaignid}&kw={keyword}",
            {},
            {"utm_source": "google", "utm_campaign": "pmax_20000000002"},
        ),
        (
            "utm_campaign=from_suffix",
            "{lpurl}?utm_campaign=from_template&utm_medium=cpc",
            {},
            {"utm_campaign": "from_suffix", "utm_medium": "cpc"},
        ),
        (None, None, {}, {}),
    ],
)
def test_utm_values(
    suffix: str | None, template: str | None, params: dict[str, str], expected: dict[str, str]
) -> None:
    assert _parse.utm_values(suffix, template, params, "20000000002") == expected


def test_campaign_records(cassettes: Path) -> None:
    from partnerkit_google_ads import GoogleAdsConnector

    # contract/campaigns.yaml: two EUR campaigns and one JPY campaign
    with (
        use_cassette(cassettes / "contract" / "campaigns.yaml"),
        GoogleAdsConnector({"login_customer_id": "1234567890", "access_token": "t"}) as conn,
    ):
        records = conn.stream(stream="campaigns").to_dicts()
    brand, pmax, tokyo = records
    assert (brand["utm_source"], brand["utm_medium"], brand["utm_campaign"]) == (
        "google",
        "cpc",
        "brand_it",  # {_campaign} filled from the campaign's custom parameter
    )
    assert brand["url_tags"] == "utm_source=google&utm_medium=cpc&utm_campaign={_campaign}"
    assert brand["daily_budget"] == Decimal("25")  # 25000000 micros
    assert brand["start_date"] == dt.date(2026, 3, 1)
    assert brand["end_date"] is None
    assert pmax["utm_campaign"] == "pmax_20000000002"  # {campaignid} filled
    assert pmax["status"] == "PAUSED"
    assert pmax["objective"] == "PERFORMANCE_MAX"
    assert pmax["end_date"] == dt.date(2026, 12, 31)
    assert pmax["extra"]["tracking_url_template"].startswith("{lpurl}?")
    assert (tokyo["currency"], tokyo["daily_budget"]) == ("JPY", Decimal("5000"))
    assert tokyo["utm_campaign"] == "jp_generic"


@pytest.mark.parametrize(
    ("channel_type", "channel"),
    [("SEARCH", "paid_search"), ("VIDEO", "video"), ("PERFORMANCE_MAX", "other"), (None, None)],
)
def test_channels(channel_type: str | None, channel: str | None) -> None:
    assert _parse.channel_of(channel_type) == channel
