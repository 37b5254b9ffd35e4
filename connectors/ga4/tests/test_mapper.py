"""The hot path: rows → records, edge cases of GA4's JSON, and the date chunks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from partnerkit_ga4._metadata import DimensionInfo, MetricInfo, PropertyMetadata
from partnerkit_ga4._report import TRAFFIC_DIMENSIONS, RowMapper, traffic_spec
from partnerkit_ga4._settings import DEFAULT_CHANNEL_MAP

from partnerkit.connector import ReadWindow
from partnerkit.errors import DataError, ResponseShapeError

D = dt.date
OCT_1 = D(2026, 10, 1)
METRICS = ["sessions", "engagedSessions", "totalUsers", "newUsers", "keyEvents", "totalRevenue"]


def _spec() -> Any:
    meta = PropertyMetadata.build(
        "42",
        [DimensionInfo(n) for n in TRAFFIC_DIMENSIONS],
        [MetricInfo(n, type="TYPE_INTEGER") for n in METRICS[:5]]
        + [MetricInfo("totalRevenue", type="TYPE_CURRENCY")],
    )
    return traffic_spec(meta, [], leads_configured=False)


def _page(*rows: tuple[list[Any], list[Any]], headers: bool = True) -> dict[str, Any]:
    page: dict[str, Any] = {
        "rows": [
            {
                "dimensionValues": [{} if v is None else {"value": v} for v in d],
                "metricValues": [{} if v is None else {"value": v} for v in m],
            }
            for d, m in rows
        ],
        "rowCount": len(rows),
        "metadata": {"currencyCode": "EUR", "timeZone": "Europe/Rome"},
    }
    if headers:
        page["dimensionHeaders"] = [{"name": n} for n in TRAFFIC_DIMENSIONS]
        page["metricHeaders"] = [
            {"name": n, "type": 9 if n == "totalRevenue" else 1} for n in METRICS
        ]
    return page


def _run(page: dict[str, Any], start: dt.date = OCT_1, end: dt.date = OCT_1):
    mapper = RowMapper(_spec(), "42", start, end, DEFAULT_CHANNEL_MAP)
    mapper.start(page)
    records = list(mapper.rows(page["rows"]))
    finished = list(mapper.finish())
    return records + [f for f in finished if isinstance(f, dict)], [
        f for f in finished if not isinstance(f, dict)
    ]


def test_empty_strings_left_out_by_proto3_json_are_handled() -> None:
    # proto3 JSON leaves out an empty string: {} is "" for a dimension, and no number
    # (None, never 0) for a metric
    page = _page(
        (["20261001", "google", "cpc", None, "(not set)"], ["5", "3", "4", "1", None, "12.345"])
    )
    (record,), _ = _run(page)
    assert record["utm_campaign"] == ""
    assert record["channel"] is None  # "(not set)": no channel
    assert record["key_events"] is None
    assert record["revenue"] == Decimal("12.345000")


def test_an_unknown_channel_group_maps_to_other_with_a_warning() -> None:
    page = _page((["20261001", "spotify", "audio_ad", "podcast", "Paid Audio"], ["5"] * 5 + ["0"]))
    (record,), notices = _run(page)
    assert record["channel"] == "other"
    (notice,) = notices
    assert (notice.code, notice.details["groups"]) == ("ga4_unmapped_channel_group", ["Paid Audio"])


def test_a_value_that_is_not_a_number_names_the_row() -> None:
    page = _page(
        (["20261001", "a", "b", "c", "Direct"], ["1"] * 5 + ["0"]),
        (["20261001", "d", "e", "f", "Direct"], ["1", "x", "1", "1", "1", "0"]),
    )
    with pytest.raises(DataError) as info:
        _run(page)
    assert info.value.row == 2


def test_a_row_outside_the_chunk_is_refused() -> None:
    page = _page((["20261002", "a", "b", "c", "Direct"], ["1"] * 5 + ["0"]))
    with pytest.raises(DataError, match=r"outside the requested 2026-10-01\.\.2026-10-01"):
        _run(page)


def test_other_columns_than_asked_for_are_refused() -> None:
    page = _page((["20261001", "a", "b", "c", "Direct"], ["1"] * 5 + ["0"]))
    page["metricHeaders"][0]["name"] = "activeUsers"
    with pytest.raises(ResponseShapeError, match="expected the columns asked for") as info:
        _run(page)
    assert info.value.where == "metricHeaders"
    assert info.value.found.startswith("other columns (activeUsers, engagedSessions,")


def test_a_short_row_is_refused() -> None:
    page = _page((["20261001", "a", "b", "c", "Direct"], ["1"] * 4))
    with pytest.raises(ResponseShapeError, match="found 5 dimension and 4 metric values") as info:
        _run(page)
    assert (info.value.where, info.value.found) == ("rows[0]", "5 dimension and 4 metric values")


def test_integral_floats_are_accepted_as_counts() -> None:
    page = _page((["20261001", "a", "b", "c", "Direct"], ["7.0", "3", "4", "1", "2.0", "0"]))
    (record,), _ = _run(page)
    assert (record["sessions"], record["key_events"]) == (7, 2.0)


@pytest.mark.parametrize(
    ("start", "end", "days", "expected"),
    [
        (D(2026, 10, 1), D(2026, 10, 5), 2, [(1, 2), (3, 4), (5, 5)]),
        (D(2026, 10, 1), D(2026, 10, 1), 30, [(1, 1)]),
        (D(2026, 10, 1), D(2026, 10, 30), 30, [(1, 30)]),
        (D(2026, 10, 1), D(2026, 10, 31), 30, [(1, 30), (31, 31)]),
    ],
)
def test_chunks_cover_every_day_once(start, end, days, expected) -> None:
    got = [(a.day, b.day) for a, b in ReadWindow(start, end).chunks(days)]
    assert got == expected
    covered = [
        a + dt.timedelta(days=i)
        for a, b in ReadWindow(start, end).chunks(days)
        for i in range((b - a).days + 1)
    ]
    assert covered == [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def test_a_row_repeated_across_pages_of_a_custom_report_is_dropped_with_a_notice() -> None:
    from partnerkit_ga4._report import custom_spec
    from partnerkit_ga4._settings import CustomReport

    meta = PropertyMetadata.build(
        "42", [DimensionInfo("date"), DimensionInfo("country")], [MetricInfo("sessions")]
    )
    spec = custom_spec(meta, CustomReport(name="geo", dimensions=["country"], metrics=["sessions"]))
    mapper = RowMapper(spec, "42", OCT_1, OCT_1, DEFAULT_CHANNEL_MAP)
    italy = {
        "dimensionValues": [{"value": "20261001"}, {"value": "Italy"}],
        "metricValues": [{"value": "9"}],
    }
    spain = {
        "dimensionValues": [{"value": "20261001"}, {"value": "Spain"}],
        "metricValues": [{"value": "4"}],
    }
    mapper.start(
        {
            "dimensionHeaders": [{"name": "date"}, {"name": "country"}],
            "metricHeaders": [{"name": "sessions", "type": 1}],
        }
    )
    records = [*mapper.rows([italy]), *mapper.rows([italy, spain])]  # page 2 repeats Italy
    assert [(r["level"], r["segment"], r["sessions"]) for r in records] == [
        ("report:geo", "country=Italy", 9),
        ("report:geo", "country=Spain", 4),
    ]
    (notice,) = list(mapper.finish())
    assert (notice.code, notice.details["duplicates"]) == ("ga4_duplicate_row", 1)
