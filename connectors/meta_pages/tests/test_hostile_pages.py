"""Answers that are not the documented shape end in ResponseShapeError, naming the place."""

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from partnerkit_meta_pages._connector import (
    INSTAGRAM_SERIES,
    PAGE_METRICS,
    _records,
    _series,
    _shaped,
    _totals,
)

from partnerkit.errors import ResponseShapeError
from partnerkit.pages import json_object
from partnerkit.stream import RecordStream
from partnerkit.testing import hostile
from partnerkit.testing.faults import Fault

CASSETTES = Path(__file__).parent / "cassettes"
PAGE = "104857600123"

JSON = {"Content-Type": "application/json"}
VALUE = '{"value":5,"end_time":"2026-10-02T07:00:00+0000"}'


def metric(values: str) -> str:
    return '{"data":[{"name":"page_media_view","period":"day","values":[' + values + "]}]}"


CASES = {
    "null": ("null", "", "a JSON object", "a JSON null"),
    "a list": ("[]", "", "a JSON object", "an empty JSON array"),
    "no data": ('{"paging":{}}', "", "an object with the key 'data', which Meta always sends", "an object with only the keys 'paging'"),  # noqa: E501
    "data not a list": ('{"data":{}}', "data", "a JSON array", "an empty JSON object"),
    "a metric not an object": ('{"data":[7]}', "data[0]", "a metric object", "a JSON number (7)"),
    "a metric without a name": ('{"data":[{"period":"day","values":[]}]}', "data[0].name", "the metric's name", "a JSON null"),  # noqa: E501
    "values not a list": ('{"data":[{"name":"page_media_view","values":"5"}]}', "data[0].values", "a JSON array", "a JSON string of 1 character"),  # noqa: E501
    "no end time": (metric('{"value":5}'), "data[0].values[0].end_time", "an ISO 8601 time", "a JSON null"),  # noqa: E501
    "naive end time": (metric('{"value":5,"end_time":"2026-10-02T07:00:00"}'), "data[0].values[0].end_time", "an ISO 8601 time with its offset", "a JSON string of 19 characters"),  # noqa: E501
    "value a string": (metric(VALUE.replace("5", '"5"', 1)), "data[0].values[0].value", "a whole number", "a JSON string of 1 character"),  # noqa: E501
    "value a breakdown": (metric(VALUE.replace("5", '{"mobile":5}', 1)), "data[0].values[0].value", "a whole number", "a JSON object of 1 key"),  # noqa: E501
    "a metric without values": ('{"data":[{"name":"page_media_view","period":"day"}]}', "data[0]", "an object with the key 'values', which a series has", "an object with only the keys 'name', 'period'"),  # noqa: E501
    "value a fraction": (metric(VALUE.replace("5", "5.5", 1)), "data[0].values[0].value", "a whole number", "a JSON number (5.5)"),  # noqa: E501
}  # fmt: skip


class TestHostilePages(hostile.HostilePages):
    shapes = CASES
    api, account, requests = "meta", PAGE, ("GET /104857600123/insights",)
    secret = "test-page-token-not-real"
    recorded = hostile.recorded_bodies(CASSETTES, lambda url, body: url.endswith("/insights"))

    def read(self, request: pytest.FixtureRequest, body: str) -> object:
        """The body in place of the Page insights window, read through the connector."""
        run = request.getfixturevalue("read")
        with pytest.raises(ResponseShapeError) as caught:
            run(replace={1: Fault(200, JSON, body)}, allow_unused=True)
        assert caught.value.details["stream"] == "page_insights"
        raise caught.value

    def parse(self, body: bytes) -> object:
        """A page as ``_page`` and ``_instagram`` read it, then the core's record check."""
        days: dict[dt.date, dict[str, Any]] = {}
        with _shaped(PAGE, ("104857600123", "insights")):
            answer = json_object(body)
            _series(answer, {**PAGE_METRICS, **INSTAGRAM_SERIES}, days)
            _totals(answer, days.setdefault(dt.date(2026, 10, 1), {}))
        start, end = dt.date(2000, 1, 1), dt.date(2100, 1, 1)
        records = list(_records("facebook_page", PAGE, "Cafe Lumen", days, start, end))
        return RecordStream.from_records("social_daily", records, name="hostile").to_dicts()


def test_a_total_that_is_not_an_object_is_a_shape_error(read: Any) -> None:
    body = '{"data":[{"name":"views","period":"day","total_value":930}]}'
    with pytest.raises(ResponseShapeError) as caught:
        read(stream="instagram_insights", replace={2: Fault(200, JSON, body)}, allow_unused=True)
    error = caught.value
    assert (error.where, error.expected, error.found) == (
        "data[0].total_value",
        "an object",
        "a JSON number (930)",
    )
    assert error.account == "17841400000000001"


def test_values_outside_the_window_and_metrics_not_asked_for_are_left_out(read: Any) -> None:
    body = (
        '{"data":[{"name":"page_media_view","period":"day","values":['
        '{"value":11,"end_time":"2026-10-01T07:00:00+0000"},'  # 30 September: before
        '{"value":12,"end_time":"2026-10-02T07:00:00+0000"},'
        '{"value":13,"end_time":"2026-10-04T07:00:00+0000"}]},'  # 3 October: after
        '{"name":"page_views_total","period":"day","values":['
        '{"value":99,"end_time":"2026-10-02T07:00:00+0000"}]}]}'
    )
    records, _notices, _tape = read(replace={1: Fault(200, JSON, body)})
    assert [(r["date"].isoformat(), r.get("impressions")) for r in records] == [
        ("2026-10-01", 12),
        ("2026-10-02", None),  # only its post is left
    ]
    assert "extra" not in records[0]


POSTS = {
    "no data": ('{"paging":{}}', "", "an object with the key 'data', which Meta always sends", "an object with only the keys 'paging'"),  # noqa: E501
    "a post not an object": ('{"data":["1_2"]}', "data[0]", "a post object", "a JSON string of 3 characters"),  # noqa: E501
    "no created time": ('{"data":[{"id":"1_2"}]}', "data[0].created_time", "an ISO 8601 time", "a JSON null"),  # noqa: E501
}  # fmt: skip


@pytest.mark.parametrize(("body", "where", "expected", "found"), POSTS.values(), ids=POSTS)
def test_a_hostile_posts_page_is_a_shape_error(
    read: Any, body: str, where: str, expected: str, found: str
) -> None:
    with pytest.raises(ResponseShapeError) as caught:
        read(replace={2: Fault(200, JSON, body)}, allow_unused=True)
    error = caught.value
    assert (error.where, error.expected, error.found) == (where, expected, found)
    assert error.request == "GET /104857600123/published_posts"
