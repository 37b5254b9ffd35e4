"""Metadata lookups, suggestions, renames and which GA4 metrics may be summed."""

from __future__ import annotations

import pytest
from partnerkit_ga4._metadata import (
    DimensionInfo,
    MetricInfo,
    PropertyMetadata,
    additivity,
    metric_unit,
    type_name,
)
from partnerkit_ga4._report import traffic_spec

from partnerkit.errors import UnknownFieldError
from partnerkit.records import Additivity

ADD, NON = Additivity.ADDITIVE, Additivity.NON_ADDITIVE


@pytest.mark.parametrize(
    ("name", "ga4_type", "expected"),
    [
        # distinct people: never summed
        ("totalUsers", "TYPE_INTEGER", NON),
        ("activeUsers", "TYPE_INTEGER", NON),
        ("newUsers", "TYPE_INTEGER", NON),
        ("active28DayUsers", "TYPE_INTEGER", NON),
        ("scrolledUsers", "TYPE_INTEGER", NON),
        ("totalPurchasers", "TYPE_INTEGER", NON),
        ("firstTimePurchasers", "TYPE_INTEGER", NON),
        # ratios, rates, averages, per-something
        ("bounceRate", "TYPE_FLOAT", NON),
        ("engagementRate", "TYPE_FLOAT", NON),
        ("purchaserRate", "TYPE_FLOAT", NON),
        ("sessionsPerUser", "TYPE_FLOAT", NON),
        ("screenPageViewsPerSession", "TYPE_FLOAT", NON),
        ("dauPerMau", "TYPE_FLOAT", NON),
        ("averageSessionDuration", "TYPE_SECONDS", NON),
        ("averagePurchaseRevenue", "TYPE_CURRENCY", NON),
        ("advertiserAdCostPerClick", "TYPE_CURRENCY", NON),
        ("returnOnAdSpend", "TYPE_FLOAT", NON),
        ("customEvent:satisfaction", "TYPE_FLOAT", NON),  # a float custom metric: unsure
        # counts and sums
        ("sessions", "TYPE_INTEGER", ADD),
        ("engagedSessions", "TYPE_INTEGER", ADD),
        ("screenPageViews", "TYPE_INTEGER", ADD),
        ("eventCount", "TYPE_INTEGER", ADD),
        ("eventValue", "TYPE_FLOAT", ADD),
        ("totalRevenue", "TYPE_CURRENCY", ADD),
        ("userEngagementDuration", "TYPE_SECONDS", ADD),
        ("keyEvents", "TYPE_FLOAT", ADD),
        ("keyEvents:generate_lead", "TYPE_INTEGER", ADD),
        ("conversions:purchase", "TYPE_FLOAT", ADD),
        ("customEvent:plan_value", "TYPE_STANDARD", ADD),
    ],
)
def test_additivity(name: str, ga4_type: str, expected: Additivity) -> None:
    assert additivity(MetricInfo(name, type=ga4_type)) is expected


def test_a_derived_metric_that_divides_is_not_additive() -> None:
    assert additivity(MetricInfo("weird", type="TYPE_INTEGER", expression="a/b")) is NON


def test_units_and_enum_numbers() -> None:
    # the REST API sends MetricType as numbers: 1 integer, 2 float, 4 seconds, 9 currency
    assert [type_name(n) for n in (1, 2, 4, 9)] == [
        "TYPE_INTEGER",
        "TYPE_FLOAT",
        "TYPE_SECONDS",
        "TYPE_CURRENCY",
    ]
    assert type_name("TYPE_CURRENCY") == "TYPE_CURRENCY"
    assert metric_unit(MetricInfo("totalRevenue", type="TYPE_CURRENCY")) == "money"
    assert metric_unit(MetricInfo("averageSessionDuration", type="TYPE_SECONDS")) == "seconds"


def _meta(*metrics: MetricInfo) -> PropertyMetadata:
    dims = [
        DimensionInfo(n)
        for n in (
            "date",
            "sessionSource",
            "sessionMedium",
            "sessionCampaignName",
            "sessionDefaultChannelGroup",
            "country",
        )
    ]
    return PropertyMetadata.build("42", dims, metrics)


STANDARD = [
    MetricInfo(n, type="TYPE_INTEGER")
    for n in ("sessions", "engagedSessions", "totalUsers", "newUsers", "keyEvents")
] + [MetricInfo("totalRevenue", type="TYPE_CURRENCY")]


def test_deprecated_names_resolve_to_the_current_one() -> None:
    meta = _meta(MetricInfo("keyEvents", deprecated_api_names=("conversions",)))
    info, alias = meta.metric("conversions")
    assert (info.api_name, alias) == ("keyEvents", "conversions")
    assert meta.has_metric("conversions")


def test_unknown_names_get_suggestions_and_wrong_kinds_are_named() -> None:
    meta = _meta(*STANDARD)
    with pytest.raises(UnknownFieldError) as info:
        meta.metric("sesions")
    assert info.value.suggestions[0] == "sessions"
    with pytest.raises(UnknownFieldError, match="is a metric, not a dimension"):
        meta.dimension("sessions")
    with pytest.raises(UnknownFieldError) as info:
        meta.dimension("contry")
    assert info.value.suggestions == ["country"]


def test_a_default_lead_event_the_property_lacks_is_a_warning_not_an_error() -> None:
    # no keyEvents:generate_lead in this property; lead_events was not set explicitly
    meta = _meta(*STANDARD, MetricInfo("keyEvents:sign_up", type="TYPE_INTEGER"))
    spec = traffic_spec(meta, ["generate_lead"], leads_configured=False)
    assert "keyEvents:generate_lead" not in spec.metric_names
    (notice,) = [n for n in spec.notices if n.code == "ga4_lead_event_missing"]
    assert notice.level == "warning"
    assert notice.details["key_events"] == ["sign_up"]
    with pytest.raises(UnknownFieldError) as info:
        traffic_spec(meta, ["generate_lead"], leads_configured=True)
    assert info.value.field == "keyEvents:generate_lead"


def test_no_key_event_metric_at_all_leaves_key_events_empty() -> None:
    meta = _meta(*[m for m in STANDARD if m.api_name != "keyEvents"])
    spec = traffic_spec(meta, [], leads_configured=False)
    assert spec.metric_names == [
        "sessions",
        "engagedSessions",
        "totalUsers",
        "newUsers",
        "totalRevenue",
    ]
    assert [n.code for n in spec.notices] == ["ga4_no_key_events"]


def test_conversions_names_follow_the_rename_to_key_events_both_ways() -> None:
    from partnerkit_ga4._report import custom_spec
    from partnerkit_ga4._settings import CustomReport

    current = _meta(*STANDARD, MetricInfo("keyEvents:purchase", type="TYPE_INTEGER"))
    old_report = CustomReport(name="old", metrics=["sessions", "conversions:purchase"])
    spec = custom_spec(current, old_report)
    assert spec.metric_names == ["sessions", "keyEvents:purchase"]
    (renamed,) = [n for n in spec.notices if n.code == "ga4_renamed_field"]
    assert renamed.details == {
        "property": "42",
        "requested": "conversions:purchase",
        "used": "keyEvents:purchase",
    }
    legacy = _meta(MetricInfo("conversions", type="TYPE_FLOAT"))
    info, alias = legacy.metric("keyEvents")
    assert (info.api_name, alias) == ("conversions", "keyEvents")
