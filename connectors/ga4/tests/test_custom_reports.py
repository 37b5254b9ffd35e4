"""User-defined reports: validation before any report request, extras and their additivity."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from partnerkit.connector import ReadRequest
from partnerkit.errors import ConfigurationError, InvalidRequestError, UnknownFieldError
from partnerkit.stream import RecordStream
from partnerkit.testing.faults import Fault

D = dt.date
OCT_1_3 = {"start": D(2026, 10, 1), "end": D(2026, 10, 3)}
DEVICES = {
    "name": "devices",
    "dimensions": ["deviceCategory", "sessionSource"],
    "metrics": ["sessions", "activeUsers", "engagementRate", "screenPageViews"],
}


def report(**fields: Any) -> list[dict[str, Any]]:
    return [{**DEVICES, **fields}]


def test_any_dimensions_and_metrics_by_day(read) -> None:
    # contract/custom_reports.yaml: date × deviceCategory × sessionSource; metrics
    # sessions (a standard column), activeUsers, engagementRate, screenPageViews (extras)
    records, _, _ = read("contract/custom_reports.yaml", "custom_reports", **OCT_1_3)
    got = [
        (r["date"], r["level"], r["segment"], r["source"], r["sessions"], r["extra"])
        for r in records
    ]
    assert got == [
        (D(2026, 10, 1), "report:devices", "deviceCategory=desktop", "google", 140,
         {"deviceCategory": "desktop", "activeUsers": 120,
          "engagementRate": 0.6714285714285714, "screenPageViews": 410}),
        (D(2026, 10, 1), "report:devices", "deviceCategory=mobile", "google", 180,
         {"deviceCategory": "mobile", "activeUsers": 160,
          "engagementRate": 0.6111111111111112, "screenPageViews": 350}),
        (D(2026, 10, 2), "report:devices", "deviceCategory=desktop", "google", 150,
         {"deviceCategory": "desktop", "activeUsers": 131,
          "engagementRate": 0.66, "screenPageViews": 433}),
        (D(2026, 10, 3), "report:devices", "deviceCategory=mobile", "(direct)", 60,
         {"deviceCategory": "mobile", "activeUsers": 55,
          "engagementRate": 0.45, "screenPageViews": 90}),
    ]  # fmt: skip
    # two devices on one day and source stay two records: the device is in the key (segment)
    assert len({r["record_id"] for r in records}) == 4


def test_every_extra_metric_is_documented_before_its_records(read) -> None:
    records, notices, _ = read("contract/custom_reports.yaml", "custom_reports", **OCT_1_3)
    described = {
        n.details["column"]: (n.details["role"], n.details["additivity"], n.details["unit"])
        for n in notices
        if n.code == "column_metadata"
    }
    assert described == {
        "extra.deviceCategory": ("attribute", "n/a", "text"),
        "extra.activeUsers": ("metric", "non_additive", "count"),  # distinct users
        "extra.engagementRate": ("metric", "non_additive", "number"),  # a ratio
        "extra.screenPageViews": ("metric", "additive", "count"),
    }
    table = RecordStream.from_records("performance", [*notices, *records]).to_arrow()
    field = table.schema.field("extra.activeUsers")
    assert field.metadata[b"additivity"] == b"non_additive"
    assert b"distinct users" in field.metadata[b"description"]
    # the additive extra sums: 410 + 350 + 433 + 90
    assert sum(table.column("extra.screenPageViews").to_pylist()) == 1283


def test_an_unknown_metric_is_named_with_the_closest_valid_ones(read) -> None:
    # custom_reports/metadata_only.yaml holds the metadata request and nothing else: the
    # read must fail before any compatibility check or report request
    with pytest.raises(UnknownFieldError) as info:
        read(
            "custom_reports/metadata_only.yaml",
            "custom_reports",
            **OCT_1_3,
            custom_reports=report(metrics=["sessions", "pageViews"]),
        )
    assert info.value.field == "pageViews"
    assert info.value.suggestions[0] == "screenPageViews"
    assert "GA4 property 123456789" in info.value.where
    assert "Did you mean 'screenPageViews'" in str(info.value)


def test_a_dimension_given_as_a_metric_is_said_so(read) -> None:
    with pytest.raises(UnknownFieldError, match="is a dimension, not a metric"):
        read(
            "custom_reports/metadata_only.yaml",
            "custom_reports",
            **OCT_1_3,
            custom_reports=report(metrics=["deviceCategory"]),
        )


def test_an_incompatible_metric_is_named_before_the_report_is_requested(read) -> None:
    # custom_reports/incompatible.yaml: checkCompatibility answers eventCount INCOMPATIBLE
    # (2) with itemName; of the compatible metrics not asked for, only itemRevenue is
    # close to "eventCount" (difflib 0.48; activeUsers 0.29, newUsers 0.22, totalUsers 0.1)
    items = {"name": "items", "dimensions": ["itemName"], "metrics": ["itemsViewed", "eventCount"]}
    with pytest.raises(UnknownFieldError) as info:
        read(
            "custom_reports/incompatible.yaml", "custom_reports", **OCT_1_3, custom_reports=[items]
        )
    assert info.value.field == "eventCount"
    assert info.value.suggestions == ["itemRevenue"]
    assert "cannot be combined" in info.value.where


def test_an_unknown_filter_field_is_named(read) -> None:
    devices = report(
        dimension_filter={"filter": {"fieldName": "contry", "stringFilter": {"value": "Italy"}}}
    )
    with pytest.raises(UnknownFieldError) as info:
        read(
            "custom_reports/metadata_only.yaml", "custom_reports", **OCT_1_3, custom_reports=devices
        )
    assert (info.value.field, info.value.suggestions[0]) == ("contry", "country")


def test_a_malformed_filter_is_a_configuration_error(read) -> None:
    devices = report(
        dimension_filter={"filter": {"fieldName": "country", "stringFiltr": {"value": "Italy"}}}
    )
    with pytest.raises(ConfigurationError, match="stringFiltr"):
        read(
            "custom_reports/metadata_only.yaml", "custom_reports", **OCT_1_3, custom_reports=devices
        )


def test_the_apis_own_invalid_argument_is_kept(read) -> None:
    # Should GA4 still reject a name (metadata changed in between), its 400 is mapped
    # with the message verbatim. Body as GA4 sends it for an unknown metric.
    message = (
        "Field pageViews is not a valid metric. For a list of valid dimensions and metrics, "
        "see https://developers.google.com/analytics/devguides/reporting/data/v1/api-schema"
    )
    body = f'{{"error": {{"code": 400, "message": "{message}", "status": "INVALID_ARGUMENT"}}}}'
    fault = Fault(400, {"Content-Type": "application/json; charset=UTF-8"}, body)
    with pytest.raises(InvalidRequestError) as info:
        read(
            "contract/custom_reports.yaml",
            "custom_reports",
            **OCT_1_3,
            faults={2: [fault]},
            allow_unused=True,
        )
    error = info.value
    assert (error.status, error.vendor_code, error.vendor_message) == (
        400,
        "INVALID_ARGUMENT",
        message,
    )
    assert error.account == "123456789"
    assert not error.retriable


def test_options_narrow_the_reports(read) -> None:
    with pytest.raises(ConfigurationError, match="No custom report named 'landing'"):
        read("custom_reports/metadata_only.yaml", "custom_reports", **OCT_1_3,
             options={"reports": ["landing"]}, allow_unused=True)  # fmt: skip


def test_the_stream_needs_configured_reports(make) -> None:
    connector = make(custom_reports=[])
    assert [s.name for s in connector.enabled_streams()] == ["traffic"]
    with pytest.raises(ConfigurationError, match="none are configured"):
        list(connector.read(ReadRequest(stream="custom_reports", **OCT_1_3)))
