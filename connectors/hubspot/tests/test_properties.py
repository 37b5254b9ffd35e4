"""Extra properties: validated against the portal's definitions, typed into ``extra``.

Both cassettes answer ``GET /crm/v3/properties/contacts`` with the same definitions:
``hs_analytics_num_visits`` (number), ``system_size_kw`` (number), ``quoted_price``
(number, showCurrencySymbol true), ``site_survey_done`` (bool),
``recent_conversion_date`` (datetime), ``preferred_install_date`` (date),
``roof_type`` (enumeration), ``utm_source__c`` (string), and ``email`` and
``mobilephone`` (fieldType phonenumber).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from partnerkit_hubspot import HubSpotConnector

from partnerkit.connector import ReadRequest
from partnerkit.errors import ConfigurationError, UnknownFieldError
from partnerkit.testing import use_cassette

REQUEST = ReadRequest(stream="leads", start=dt.date(2026, 10, 5), end=dt.date(2026, 10, 6))
EXTRAS = [
    "system_size_kw",
    "quoted_price",
    "site_survey_done",
    "recent_conversion_date",
    "preferred_install_date",
    "roof_type",
    "hs_analytics_num_visits",
]


def test_an_unknown_property_is_named_with_the_closest(
    cassettes: Path, connect: Callable[..., HubSpotConnector]
) -> None:
    with (
        use_cassette(cassettes / "properties_unknown.yaml"),
        connect(lead_properties=["hs_analytics_num_visit"]) as hubspot,
        pytest.raises(UnknownFieldError) as info,
    ):
        hubspot.stream(REQUEST).to_dicts()
    assert info.value.field == "hs_analytics_num_visit"
    assert info.value.suggestions[0] == "hs_analytics_num_visits"
    assert "lead_properties" in info.value.where
    assert "Did you mean 'hs_analytics_num_visits'" in str(info.value)


def test_an_unknown_utm_property_is_refused_too(
    cassettes: Path, connect: Callable[..., HubSpotConnector]
) -> None:
    with (
        use_cassette(cassettes / "properties_unknown.yaml"),
        connect(utm_properties={"utm_source": "utm_source_c"}) as hubspot,
        pytest.raises(UnknownFieldError) as info,
    ):
        hubspot.stream(REQUEST).to_dicts()
    assert (info.value.field, info.value.suggestions[0]) == ("utm_source_c", "utm_source__c")


@pytest.mark.parametrize("name", ["mobilephone", "email"])
def test_a_personal_property_is_refused(
    cassettes: Path, connect: Callable[..., HubSpotConnector], name: str
) -> None:
    with (
        use_cassette(cassettes / "properties_unknown.yaml"),
        connect(lead_properties=[name]) as hubspot,
        pytest.raises(ConfigurationError, match="salted hashes") as info,
    ):
        hubspot.stream(REQUEST).to_dicts()
    assert repr(name) in str(info.value)


def test_extra_values_are_typed_from_the_definitions(
    cassettes: Path, connect: Callable[..., HubSpotConnector]
) -> None:
    with (
        use_cassette(cassettes / "properties_typed.yaml") as tape,
        connect(
            lead_properties=EXTRAS,
            utm_properties={"utm_source": "utm_source__c"},
            include_archived=False,
        ) as hubspot,
    ):
        stream = hubspot.stream(REQUEST)
        rows = {r["lead_id"]: r for r in stream.to_dicts()}
    assert rows["1401"]["extra"] == {
        "system_size_kw": 7.5,  # "7.5", a number: float
        "quoted_price": Decimal("38400.00"),  # "38400.00", money: exact
        "site_survey_done": True,  # "true"
        "recent_conversion_date": "2026-10-05T08:00:00+00:00",  # datetime, ISO in UTC
        "preferred_install_date": "2026-11-15",  # date
        "roof_type": "flat",  # the option's internal value
        "hs_analytics_num_visits": 12.0,  # "12"
    }
    # 1402: empty and null values are missing (None); "0" is a real zero
    assert rows["1402"]["extra"] == {
        "system_size_kw": None,
        "quoted_price": None,
        "site_survey_done": None,
        "recent_conversion_date": None,
        "preferred_install_date": None,
        "roof_type": None,
        "hs_analytics_num_visits": 0.0,
    }
    # utm_source comes from the mapped property; the other UTM values from the first URL
    assert (rows["1401"]["utm_source"], rows["1401"]["utm_medium"]) == ("facebook_form", "cpc")
    assert rows["1402"]["utm_source"] is None
    (search,) = [r for r in tape.requests if r.url.endswith("/search")]
    assert search.body["properties"][-8:] == ["utm_source__c", *EXTRAS]
    described = {
        n.details["column"]: n.details for n in stream.notices if n.code == "column_metadata"
    }
    assert {c: (d["additivity"], d["unit"]) for c, d in described.items()} == {
        "extra.system_size_kw": ("non_additive", "count"),
        "extra.quoted_price": ("additive", "money"),
        "extra.hs_analytics_num_visits": ("non_additive", "count"),
    }


def test_typed_extras_reach_arrow_with_their_metadata(
    cassettes: Path, connect: Callable[..., HubSpotConnector]
) -> None:
    import pyarrow as pa

    with (
        use_cassette(cassettes / "properties_typed.yaml"),
        connect(
            lead_properties=EXTRAS,
            utm_properties={"utm_source": "utm_source__c"},
            include_archived=False,
        ) as hubspot,
    ):
        table = hubspot.stream(REQUEST).to_arrow()
    price = table.schema.field("extra.quoted_price")
    assert pa.types.is_decimal(price.type)
    assert price.metadata[b"additivity"] == b"additive"
    assert table.column("extra.quoted_price").to_pylist() == [Decimal("38400.000000"), None]
    assert table.column("extra.site_survey_done").to_pylist() == [True, None]
