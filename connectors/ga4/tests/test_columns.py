"""The column path: report pages parsed and mapped with Arrow, the same records as rows.

Every test runs a page both ways: column-wise (``arrow_page`` + ``PageMapper``, the
connector's path) and the row way (``parse_page`` + ``RowMapper``, the path before it),
and compares what ``RecordStream.to_arrow()`` makes of each: schema with its metadata,
values, ``record_id`` and notices. Values the tests assert besides are worked out by
hand from the rows written here.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
import responses
from partnerkit_ga4 import Ga4Connector, _columns
from partnerkit_ga4._client import parse_page
from partnerkit_ga4._columns import PageMapper, arrow_page
from partnerkit_ga4._metadata import DimensionInfo, MetricInfo, PropertyMetadata
from partnerkit_ga4._report import ReportSpec, RowMapper, custom_spec, traffic_spec
from partnerkit_ga4._settings import DEFAULT_CHANNEL_MAP, CustomReport

from partnerkit.connector import Notice, ReadRequest
from partnerkit.errors import DataError, ResponseShapeError
from partnerkit.stream import RecordStream
from partnerkit.testing import Cassette, use_cassette

D = dt.date
OCT_1 = D(2026, 10, 1)
OCT_2 = D(2026, 10, 2)
OCT_5 = D(2026, 10, 5)
OCT_7 = D(2026, 10, 7)
OCT_3 = D(2026, 10, 3)
OCT_1_3 = {"start": D(2026, 10, 1), "end": D(2026, 10, 3)}
TRAFFIC_DIMENSIONS = [
    "date",
    "sessionSource",
    "sessionMedium",
    "sessionCampaignName",
    "sessionDefaultChannelGroup",
]
INTEGER, FLOAT, CURRENCY = 1, 2, 9  # MetricType numbers, as the API sends them
TYPE_NAMES = {INTEGER: "TYPE_INTEGER", FLOAT: "TYPE_FLOAT", CURRENCY: "TYPE_CURRENCY"}
TRAFFIC_METRICS = {
    "sessions": INTEGER,
    "engagedSessions": INTEGER,
    "totalUsers": INTEGER,
    "newUsers": INTEGER,
    "keyEvents": INTEGER,
    "totalRevenue": CURRENCY,
    "keyEvents:generate_lead": INTEGER,
    "keyEvents:form_submit": INTEGER,
}

Rows = Sequence[tuple[Sequence[str | None], Sequence[str | None]]]


def _r(dims: str, values: str) -> tuple[list[str | None], list[str | None]]:
    """A row: dimensions split on ``|``, metrics on spaces; ``~`` / ``-``: not sent."""
    return (
        [None if v == "~" else v for v in dims.split("|")],
        [None if v == "-" else v for v in values.split()],
    )


# ------------------------------------------------------------------- the pages


def _meta(
    dimensions: Sequence[str], metrics: dict[str, int], blocked: Sequence[str] = ()
) -> PropertyMetadata:
    return PropertyMetadata.build(
        "42",
        [DimensionInfo(name) for name in dimensions],
        [
            MetricInfo(
                name,
                type=TYPE_NAMES[kind],
                blocked_reasons=("NO_REVENUE_METRICS",) if name in blocked else (),
                custom=":" in name,
            )
            for name, kind in metrics.items()
        ],
    )


def _traffic(
    lead_events: Sequence[str] = ("generate_lead", "form_submit"), blocked: Sequence[str] = ()
) -> ReportSpec:
    meta = _meta(TRAFFIC_DIMENSIONS, TRAFFIC_METRICS, blocked)
    return traffic_spec(meta, list(lead_events), leads_configured=True)


def _custom(dimensions: list[str], metrics: dict[str, int], blocked: Sequence[str] = ()) -> Any:
    names = dict.fromkeys(["date", *TRAFFIC_DIMENSIONS[1:], *dimensions])
    meta = _meta(list(names), metrics, blocked)
    return custom_spec(meta, CustomReport(name="pages", dimensions=dimensions, metrics=[*metrics]))


def _bodies(
    spec: ReportSpec,
    rows: Rows,
    *,
    page_size: int | None = None,
    metadata: dict[str, Any] | None = None,
) -> list[bytes]:
    """The report's pages, as GA4 writes them (a missing value is ``{}``)."""
    types = {m.name: m.type for m in spec.metrics}
    codes = {name: number for number, name in TYPE_NAMES.items()}
    size = page_size or max(len(rows), 1)
    pages = []
    for offset in range(0, max(len(rows), 1), size):
        page: dict[str, Any] = {
            "dimensionHeaders": [{"name": n} for n in spec.dimension_names],
            "metricHeaders": [{"name": n, "type": codes[types[n]]} for n in spec.metric_names],
            "rows": [
                {
                    "dimensionValues": [{} if v is None else {"value": v} for v in dims],
                    "metricValues": [{} if v is None else {"value": v} for v in values],
                }
                for dims, values in rows[offset : offset + size]
            ],
            "rowCount": len(rows),
            "metadata": metadata or {"currencyCode": "EUR", "timeZone": "Europe/Rome"},
            "kind": "analyticsData#runReport",
        }
        pages.append(json.dumps(page, indent=2).encode())  # the API pretty-prints
    return pages


def _stream(spec: ReportSpec, items: list[Any]) -> tuple[pa.Table, list[Notice]]:
    stream = RecordStream.from_records("performance", [*spec.notices, *items], name="ga4/test")
    return stream.to_arrow(), list(stream.notices)


def _columnar(
    spec: ReportSpec, bodies: list[bytes], start: dt.date = OCT_1, end: dt.date = OCT_1
) -> tuple[pa.Table, list[Notice], PageMapper]:
    mapper = PageMapper(spec, "42", start, end, DEFAULT_CHANNEL_MAP)
    items: list[Any] = []
    for i, body in enumerate(bodies):
        parsed = arrow_page(body)
        assert parsed is not None, "the page should fit the explicit schema"
        page, rows = parsed
        if i == 0:
            mapper.start(page)
        mapper.page_row_count(page.get("rowCount", 0))
        items.extend(mapper.arrow_rows(rows, lambda body=body: parse_page(body).get("rows", [])))
    items.extend(mapper.finish())
    return (*_stream(spec, items), mapper)


def _row_path(
    spec: ReportSpec, bodies: list[bytes], start: dt.date = OCT_1, end: dt.date = OCT_1
) -> tuple[pa.Table, list[Notice]]:
    mapper = RowMapper(spec, "42", start, end, DEFAULT_CHANNEL_MAP)
    items: list[Any] = []
    for i, body in enumerate(bodies):
        page = parse_page(body)
        if i == 0:
            mapper.start(page)
        mapper.page_row_count(page.get("rowCount", 0))
        items.extend(mapper.rows(page.get("rows") or []))
    items.extend(mapper.finish())
    return _stream(spec, items)


def _shown(notices: list[Notice]) -> list[tuple[Any, ...]]:
    return [(n.level, n.code, n.message, n.details) for n in notices]


def assert_same(new: pa.Table, old: pa.Table) -> None:
    """Same schema (field metadata included), values and record ids, row for row."""
    assert new.schema.equals(old.schema, check_metadata=True), (new.schema, old.schema)
    assert new.equals(old), [
        name for name in old.column_names if not new.column(name).equals(old.column(name))
    ]


def _both(
    spec: ReportSpec, bodies: list[bytes], start: dt.date = OCT_1, end: dt.date = OCT_1
) -> tuple[list[dict[str, Any]], dict[str, Notice], PageMapper]:
    """Map both ways, check they agree; the records (as dicts) and notices by code."""
    new, new_notices, mapper = _columnar(spec, bodies, start, end)
    old, old_notices = _row_path(spec, bodies, start, end)
    assert_same(new, old)
    assert _shown(new_notices) == _shown(old_notices)
    return new.to_pylist(), {n.code: n for n in new_notices}, mapper


# ------------------------------------------------------------- awkward traffic


def test_awkward_traffic_rows_map_as_the_row_path_maps_them() -> None:
    # metrics: sessions, engagedSessions, totalUsers, newUsers, keyEvents, totalRevenue,
    # keyEvents:generate_lead, keyEvents:form_submit
    rows: Rows = [
        _r("20261001|(direct)|(none)|(not set)|Direct", "5 3 4 1 0 0 0 0"),
        _r("20261001|(other)|(other)|(other)|(other)", "17 9 15 6 2 10.5 1 -"),
        _r("20261001|google|cpc|~|(not set)", "8 6 7 2 - 12.3456785 2 3"),
        _r("20261001|google|cpc|brand|Paid Search", "40 30 35 12 4.5 -3.5 - 4"),
        _r("20261001|newsletter|email|autumn|Email", "- - - - - - - -"),
        _r("20261001|spotify|audio_ad|podcast|Paid Audio", "3 1 3 3 1 0.0000015 0 0"),
        _r("20261001|t.co|referral|(referral)|Organic Social", "2 2 2 2 0 0.0000005 1 1"),
    ]
    records, notices, mapper = _both(_traffic(), _bodies(_traffic(), rows))
    assert mapper.fallbacks == 0
    got = [
        (r["source"], r["utm_campaign"], r["channel"], r["sessions"], r["revenue"], r["leads"])
        for r in records
    ]
    assert got == [
        ("(direct)", "(not set)", "direct", 5, Decimal("0"), 0.0),
        ("(other)", "(other)", "other", 17, Decimal("10.5"), 1.0),  # form_submit blank
        ("google", "", None, 8, Decimal("12.345678"), 5.0),  # 2 + 3; ...785 half to even
        ("google", "brand", "paid_search", 40, Decimal("-3.5"), 4.0),
        ("newsletter", "autumn", "email", None, None, None),  # nothing sent: None, never 0
        ("spotify", "podcast", "other", 3, Decimal("0.000002"), 0.0),  # ...15 → ...2
        ("t.co", "(referral)", "organic_social", 2, Decimal("0"), 2.0),  # ...05 → 0
    ]
    assert records[3]["key_events"] == 4.5
    assert records[0]["extra.leads:generate_lead"] == 0.0
    assert notices["ga4_other_row"].details["other_rows"] == 1
    assert notices["ga4_other_row"].details["other_sessions"] == 17
    assert notices["ga4_unmapped_channel_group"].details["groups"] == ["Paid Audio"]
    assert {r["timezone"] for r in records} == {"Europe/Rome"}


def test_the_columns_have_the_record_schemas_types() -> None:
    rows: Rows = [
        _r("20261001|google|cpc|brand|Paid Search", "4 3 4 1 2 9.99 1 0"),
        _r("20261001|t.co|referral|x|Referral", "1 1 1 1 1 0.5 0 0"),
    ]
    spec = _traffic()
    mapper = PageMapper(spec, "42", OCT_1, OCT_1, DEFAULT_CHANNEL_MAP)
    parsed = arrow_page(_bodies(spec, rows)[0])
    assert parsed is not None
    page, arrow_rows = parsed
    mapper.start(page)
    (table,) = mapper.arrow_rows(arrow_rows, list)  # the first row; the last slice waits
    (pending,) = [r for r in mapper.finish() if isinstance(r, dict)]
    assert (table.num_rows, pending["source"]) == (1, "t.co")
    types = {f.name: f.type for f in table.schema}
    assert types == {
        "platform": pa.string(),
        "account_id": pa.string(),
        "level": pa.string(),
        "currency": pa.string(),
        "timezone": pa.string(),
        "date": pa.date32(),
        "source": pa.string(),
        "medium": pa.string(),
        "utm_campaign": pa.string(),
        "channel": pa.string(),
        "sessions": pa.int64(),
        "engaged_sessions": pa.int64(),
        "users": pa.int64(),
        "new_users": pa.int64(),
        "key_events": pa.float64(),
        "revenue": pa.decimal128(38, 6),
        "extra.leads:generate_lead": pa.float64(),
        "extra.leads:form_submit": pa.float64(),
        "leads": pa.float64(),
    }
    assert table.column("date").to_pylist() == [OCT_1]


# ---------------------------------------------------------- channel-split merges

SPLITS: Rows = [
    # A: one slice in Display (12 sessions) and Paid Search (80): merged, channel of 80
    _r("20261001|google|cpc|autumn|Display", "12 5 11 4 1 10 1 0"),
    _r("20261001|google|cpc|autumn|Paid Search", "80 56 70 30 4 25.5 1 1"),
    _r("20261001|google|cpc|autumn|Paid Search", "80 56 70 30 4 25.5 1 1"),
    _r("20261001|google|organic|(organic)|Organic Search", "50 40 45 20 - 0 - -"),
    # B: three groups; the channel of the one with the most sessions (20)
    _r("20261001|google|cpc|winter|Paid Search", "10 5 9 1 1 1.25 1 -"),
    _r("20261001|google|cpc|winter|Display", "5 1 5 5 - - - -"),
    _r("20261001|google|cpc|winter|Organic Search", "20 10 18 2 2 0.75 2 1"),
    _r("20261002|bing|organic|(organic)|Organic Search", "7 3 7 6 0 0 0 0"),
    # C: the day's last slice, in two groups; with small pages it spans a page boundary
    _r("20261002|newsletter|email|autumn|Email", "21 15 20 9 1 5 1 0"),
    _r("20261002|newsletter|email|autumn|Referral", "3 1 3 3 0 0 0 0"),
]


@pytest.mark.parametrize("page_size", [1, 2, 3, 4, 7, 10])
def test_channel_splits_merge_as_the_row_path_merges_them(page_size: int) -> None:
    spec = _traffic()
    bodies = _bodies(spec, SPLITS, page_size=page_size)
    records, notices, mapper = _both(spec, bodies, OCT_1, OCT_2)
    assert mapper.fallbacks == 0
    got = [
        (r["source"], r["utm_campaign"], r["channel"], r["sessions"], r["users"], r["leads"])
        for r in records
    ]
    assert got == [
        ("google", "autumn", "paid_search", 92, None, 3.0),  # 12 + 80; leads 1 + 2
        ("google", "(organic)", "organic_search", 50, 45, None),
        ("google", "winter", "organic_search", 35, None, 4.0),  # 10 + 5 + 20; 1 + 3
        ("bing", "(organic)", "organic_search", 7, 7, 0.0),
        ("newsletter", "autumn", "email", 24, None, 1.0),  # 21 beats 3
    ]
    assert records[0]["revenue"] == Decimal("35.5")
    assert records[2]["revenue"] == Decimal("2")
    assert records[2]["key_events"] == 3.0  # 1 + None + 2
    assert notices["ga4_duplicate_row"].details["duplicates"] == 1
    assert notices["ga4_channel_split"].details["slices"] == 3
    assert "Paid Search + Display + Organic Search" in notices["ga4_channel_split"].message


def test_a_split_slice_takes_the_channel_of_its_largest_group_not_the_last_one() -> None:
    spec = _traffic()
    rows = [
        _r("20261001|google|cpc|spring|Display", "5 1 5 5 0 0 0 0"),
        _r("20261001|google|cpc|spring|Organic Search", "6 1 6 6 0 0 0 0"),
        _r("20261001|google|cpc|spring|Paid Search", "7 1 7 7 0 0 0 0"),
    ]
    records, _, mapper = _both(spec, _bodies(spec, rows, page_size=10), OCT_1, OCT_1)
    assert mapper.fallbacks == 0
    # 7 sessions is the largest group: 7 > 6, though 7 < 5 + 6 (the old running-sum rule).
    assert [(r["channel"], r["sessions"]) for r in records] == [("paid_search", 18)]


def test_a_slice_continued_on_the_next_page_is_merged_across_it() -> None:
    spec = _traffic()
    # pages of 2: the second page starts with the rest of the first page's last slice
    rows = [SPLITS[3], *SPLITS[4:7]]
    records, _, mapper = _both(spec, _bodies(spec, rows, page_size=2))
    assert mapper.fallbacks == 0
    assert [(r["utm_campaign"], r["sessions"]) for r in records] == [
        ("(organic)", 50),
        ("winter", 35),
    ]


# ------------------------------------------------------------------ custom reports


def test_a_custom_report_with_a_segment_maps_as_the_row_path_maps_it() -> None:
    # deviceCategory and landingPage: extras and segment; sessionSource: the key column
    # source; sessionDefaultChannelGroup: channel, and in segment (no merge step here)
    metrics = {"sessions": INTEGER, "activeUsers": INTEGER, "engagementRate": FLOAT}
    spec = _custom(
        ["deviceCategory", "sessionSource", "landingPage", "sessionDefaultChannelGroup"],
        {**metrics, "purchaseRevenue": CURRENCY},
    )  # fmt: skip
    rows: Rows = [
        _r("20261001|desktop|google|/|Organic Search", "30 25 0.5 0"),
        _r("20261001|mobile|google|/pricing|Direct", "12 10 0.47857142857142859 99.9"),
        _r("20261001|mobile|google|/pricing|Direct", "12 10 0.47857142857142859 99.9"),
        _r("20261001|mobile|google|~|Direct", "1 1 - -"),
        _r("20261001|(other)|(other)|(other)|(other)", "6 6 1 0"),
        _r("20261001|tablet|bing|/|Unknown group", "2 2 0 12.5"),
    ]
    for page_size in (1, 2, 3, 6):
        records, notices, mapper = _both(spec, _bodies(spec, rows, page_size=page_size))
        assert mapper.fallbacks == 0
        assert [r["segment"] for r in records] == [
            "deviceCategory=desktop|landingPage=/|sessionDefaultChannelGroup=Organic Search",
            "deviceCategory=mobile|landingPage=/pricing|sessionDefaultChannelGroup=Direct",
            "deviceCategory=mobile|landingPage=|sessionDefaultChannelGroup=Direct",
            "deviceCategory=(other)|landingPage=(other)|sessionDefaultChannelGroup=(other)",
            "deviceCategory=tablet|landingPage=/|sessionDefaultChannelGroup=Unknown group",
        ]
        second = records[1]
        assert (second["level"], second["source"], second["channel"]) == (
            "report:pages",
            "google",
            "direct",
        )
        assert second["extra.activeUsers"] == 10
        assert second["extra.engagementRate"] == 0.4785714285714286
        assert second["extra.purchaseRevenue"] == Decimal("99.9")
        assert second["extra.landingPage"] == "/pricing"
        assert notices["ga4_duplicate_row"].details["duplicates"] == 1
        assert notices["ga4_other_row"].details["other_sessions"] == 6


def test_blocked_metrics_and_key_events_on_the_old_name() -> None:
    metrics = {k: v for k, v in TRAFFIC_METRICS.items() if "keyEvents" not in k}
    metrics |= {"conversions": INTEGER, "conversions:generate_lead": INTEGER}
    meta = _meta(TRAFFIC_DIMENSIONS, metrics, blocked=["totalRevenue"])  # fmt: skip
    spec = traffic_spec(meta, ["generate_lead"], leads_configured=True)
    rows: Rows = [
        _r("20261001|google|cpc|brand|Paid Search", "9 8 7 6 2 0 1"),
        _r("20261001|google|organic|(organic)|Organic Search", "4 4 4 4 1 0 1"),
    ]
    records, notices, _ = _both(spec, _bodies(spec, rows))
    assert [(r["key_events"], r["leads"], r["revenue"]) for r in records] == [
        (2.0, 1.0, None),
        (1.0, 1.0, None),
    ]
    assert {"ga4_conversions_metric", "ga4_blocked_metric"} <= set(notices)
    custom = _custom(
        ["deviceCategory"], {"sessions": INTEGER, "itemRevenue": CURRENCY}, ["itemRevenue"]
    )
    rows = [(["20261001", "mobile"], ["3", "10"]), (["20261001", "tablet"], ["4", "0"])]
    records, _, _ = _both(custom, _bodies(custom, rows))
    assert [r["extra.itemRevenue"] for r in records] == [None, None]


# -------------------------------------------------------------------- fallback


def _not_a_number() -> list[bytes]:
    rows: Rows = [
        _r("20261001|a|b|c|Direct", "1 1 1 1 1 0 0 0"),
        _r("20261001|d|e|f|Direct", "1 x 1 1 1 0 0 0"),
    ]
    return _bodies(_traffic(), rows)


def test_a_value_that_is_not_a_number_takes_the_row_path_and_its_error() -> None:
    with pytest.raises(DataError) as row_path:
        _row_path(_traffic(), _not_a_number())
    with pytest.raises(DataError) as columnar:
        _columnar(_traffic(), _not_a_number())
    assert str(columnar.value) == str(row_path.value)
    assert (columnar.value.row, columnar.value.value) == (
        2,
        ["1", "x", "1", "1", "1", "0", "0", "0"],
    )


def test_plain_digit_amounts_past_22_digits_take_the_row_path_and_its_error() -> None:
    # 22 digits and six decimals fit Decimal's 28; 23 do not (quantize refuses them)
    def bodies(revenue: str) -> list[bytes]:
        rows: Rows = [(["20261001", "a", "b", "c", "Direct"], ["1"] * 5 + [revenue, "0", "0"])]
        return _bodies(_traffic(), rows)

    fits = "9" * 22
    new, _, mapper = _columnar(_traffic(), bodies(fits))
    old, _ = _row_path(_traffic(), bodies(fits))
    assert mapper.fallbacks == 0
    assert_same(new, old)
    assert new.column("revenue").to_pylist() == [Decimal(fits)]
    with pytest.raises(DataError) as row_path:
        _row_path(_traffic(), bodies("9" * 23))
    with pytest.raises(DataError) as columnar:
        _columnar(_traffic(), bodies("9" * 23))
    assert str(columnar.value) == str(row_path.value)


def test_the_fallback_is_counted_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    spec = _traffic()
    mapper = PageMapper(spec, "42", OCT_1, OCT_1, DEFAULT_CHANNEL_MAP)
    body = _not_a_number()[0]
    parsed = arrow_page(body)
    assert parsed is not None
    page, rows = parsed
    mapper.start(page)
    with caplog.at_level(logging.DEBUG, "partnerkit.ga4"), pytest.raises(DataError):
        list(mapper.arrow_rows(rows, lambda: parse_page(body).get("rows", [])))
    assert mapper.fallbacks == 1
    assert "takes the row path (a metric value that is not a plain number)" in caplog.text


@pytest.mark.parametrize(
    ("sessions", "key_events", "revenue", "expected"),
    [
        ("7.0", "1", "0", (7, 1.0, Decimal("0"))),  # an integral float for a count
        ("1e3", "1", "0", (1000, 1.0, Decimal("0"))),
        ("1_000", "1", "0", (1000, 1.0, Decimal("0"))),  # Python reads it; Arrow does not
        ("5", "nan", "0", None),  # NaN: the row path decides
        ("5", "1", "1e2", (5, 1.0, Decimal("100"))),
        ("5", "1", "0.12345678901234567890", (5, 1.0, Decimal("0.123457"))),
    ],
)
def test_values_the_row_path_reads_another_way_take_it(
    sessions: str, key_events: str, revenue: str, expected: tuple[Any, ...] | None
) -> None:
    spec = _traffic()
    values = [sessions, "1", "1", "1", key_events, revenue, "0", "0"]
    rows: Rows = [
        (["20261001", "a", "b", "c", "Direct"], values),
        _r("20261001|d|e|f|Direct", "2 1 1 1 1 0 0 0"),
    ]
    new, _, mapper = _columnar(spec, _bodies(spec, rows))
    old, _ = _row_path(spec, _bodies(spec, rows))
    assert mapper.fallbacks == 1
    if expected is None:  # NaN != NaN: compare what is comparable
        assert new.column("sessions").equals(old.column("sessions"))
        assert new.column("record_id").equals(old.column("record_id"))
        return
    assert_same(new, old)
    first = new.to_pylist()[0]
    assert (first["sessions"], first["key_events"], first["revenue"]) == expected


@pytest.mark.parametrize(
    "date",
    [
        "20261002",  # outside the chunk: refused
        "20261301",  # no such month: refused
        "2026-10-01",  # month "-1": refused
        "2026101",  # read as 2026-10-01 by the row path
        "20261001 ",  # likewise
        "2026100\uff11",  # likewise (a full-width 1 is a digit to int())
    ],
)
def test_a_date_that_is_not_a_plain_yyyymmdd_is_left_to_the_row_path(date: str) -> None:
    spec = _traffic()
    rows: Rows = [
        ([date, "a", "b", "c", "Direct"], ["1"] * 5 + ["0", "0", "0"]),
        (["20261001", "d", "e", "f", "Direct"], ["1"] * 5 + ["0", "0", "0"]),
    ]
    if date in ("20261002", "20261301", "2026-10-01"):
        with pytest.raises(DataError) as row_path:
            _row_path(spec, _bodies(spec, rows))
        with pytest.raises(DataError) as columnar:
            _columnar(spec, _bodies(spec, rows))
        assert str(columnar.value) == str(row_path.value)
        return
    old, _ = _row_path(spec, _bodies(spec, rows))
    new, _, mapper = _columnar(spec, _bodies(spec, rows))
    assert mapper.fallbacks == 1
    assert_same(new, old)
    assert new.column("date").to_pylist() == [OCT_1, OCT_1]


def test_a_short_row_takes_the_row_path_and_its_error() -> None:
    spec = _traffic()
    body = _bodies(spec, [(["20261001", "a", "b", "c", "Direct"], ["1"] * 7)])
    with pytest.raises(
        ResponseShapeError, match="found 5 dimension and 7 metric values"
    ) as row_path:
        _row_path(spec, body)
    with pytest.raises(ResponseShapeError) as columnar:
        _columnar(spec, body)
    assert str(columnar.value) == str(row_path.value)


def test_a_page_mixing_both_paths_keeps_one_state() -> None:
    # pages of 3; page 2 (rows 3-5) has an integral float ("5.0"): it takes the row path.
    # Slice B (rows 4-6) spans pages 2 and 3, slice C (rows 8-9) pages 3 and 4.
    spec = _traffic()
    rows = list(SPLITS)
    dims, values = rows[5]
    rows[5] = (dims, ["5.0", *values[1:]])
    bodies = _bodies(spec, rows, page_size=3)
    records, _, mapper = _both(spec, bodies, OCT_1, OCT_2)
    assert mapper.fallbacks == 1
    assert [r["sessions"] for r in records] == [92, 50, 35, 7, 24]


@pytest.mark.parametrize(
    "body",
    [
        b'{"rows": [{"dimensionValues": [{"value": null}], "metricValues": []}], "rowCount": 1}',
        b'{"rows": [], "rowCount": 0, "totallyNew": 1}',
        b'{"rows": [{"dimensionValues": [{"value": 20261001}]}]}',
        b'{"rowCount": 1} {"rowCount": 2}',
        b'{"metadata": {"dataTruncationReasons": [{"dataTruncationType": 1}]}}',
        b"not json",
        b"[]",
    ],
)
def test_a_body_the_explicit_schema_does_not_fit_is_parsed_the_row_way(body: bytes) -> None:
    assert arrow_page(body) is None


def test_the_envelope_is_what_parse_page_makes_of_it() -> None:
    body = json.dumps(
        {
            "dimensionHeaders": [{"name": "date"}],
            "metricHeaders": [{"name": "sessions", "type": 1}, {"name": "x"}],
            "rows": [{"dimensionValues": [{"value": "20261001"}], "metricValues": [{}]}],
            "rowCount": 1,
            "metadata": {
                "currencyCode": "EUR",
                "subjectToThresholding": True,
                "samplingMetadatas": [{"samplesReadCount": "10", "samplingSpaceSize": "100"}],
                "schemaRestrictionResponse": {
                    "activeMetricRestrictions": [
                        {"metricName": "totalRevenue", "restrictedMetricTypes": [1]}
                    ]
                },
            },
            "propertyQuota": {"tokensPerDay": {"consumed": 3, "remaining": 7}},
            "kind": "analyticsData#runReport",
        }
    ).encode()
    parsed = arrow_page(body)
    assert parsed is not None
    page, rows = parsed
    expected = parse_page(body)
    assert page == {k: v for k, v in expected.items() if k != "rows"}
    assert rows.to_pylist() == [
        {"dimensionValues": [{"value": "20261001"}], "metricValues": [{"value": None}]}
    ]


# ------------------------------------------------------------ through the connector

CASSETTES = Path(__file__).parent / "cassettes"
NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
ZONES_NOW = dt.datetime(2026, 10, 15, 5, 0, tzinfo=dt.UTC)
CASSETTE_READS: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = [
    ("contract/traffic.yaml", "traffic", OCT_1_3, {}),
    ("contract/custom_reports.yaml", "custom_reports", OCT_1_3, {}),
    ("traffic/paging.yaml", "traffic", {"start": OCT_1, "end": OCT_2}, {"page_size": 3}),
    ("traffic/date_split.yaml", "traffic", {"start": OCT_1, "end": OCT_5}, {"chunk_days": 2}),
    ("traffic/data_quality.yaml", "traffic", {"start": OCT_5, "end": D(2026, 10, 6)}, {}),
    ("traffic/channel_split.yaml", "traffic", {"start": OCT_7, "end": OCT_7}, {"page_size": 2}),
    (
        "traffic/legacy_property.yaml",
        "traffic",
        {"start": OCT_1, "end": OCT_1, "accounts": ("444000333",)},
        {"lead_events": ["generate_lead"]},
    ),
    (
        "traffic/timezones.yaml",
        "traffic",
        {"start": D(2026, 10, 12), "accounts": ("555000111", "555000222"), "as_of": ZONES_NOW},
        {},
    ),
    (
        "traffic/include_today.yaml",
        "traffic",
        {
            "start": D(2026, 10, 14),
            "include_today": True,
            "accounts": ("555000222",),
            "as_of": ZONES_NOW,
        },
        {},
    ),
]


class _Counting(PageMapper):
    """A PageMapper that remembers itself, so a test can count pages and fallbacks."""

    made: list[_Counting] = []  # reset by the fixture
    arrow_pages = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _Counting.made.append(self)

    def arrow_rows(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
        self.arrow_pages += 1
        return super().arrow_rows(*args, **kwargs)


@pytest.fixture
def counting(monkeypatch: pytest.MonkeyPatch) -> type[_Counting]:
    _Counting.made = []
    monkeypatch.setattr(_columns, "PageMapper", _Counting)
    return _Counting


def _read(
    make: Callable[..., Ga4Connector],
    cassette: str,
    stream: str,
    request: dict[str, Any],
    settings: dict[str, Any],
) -> tuple[pa.Table, list[Notice]]:
    settings = dict(settings)
    accounts = request.get("accounts", ())
    if accounts:
        settings["accounts"] = list(accounts)
    with use_cassette(CASSETTES / cassette), make(**settings) as connector:
        read = connector.stream(ReadRequest(stream=stream, **request))
        return read.to_arrow(), list(read.notices)


@pytest.mark.parametrize(
    ("cassette", "stream", "request_", "settings"),
    CASSETTE_READS,
    ids=[c for c, *_ in CASSETTE_READS],
)
def test_every_cassette_reads_the_same_column_wise(
    make: Callable[..., Ga4Connector],
    counting: type[_Counting],
    monkeypatch: pytest.MonkeyPatch,
    cassette: str,
    stream: str,
    request_: dict[str, Any],
    settings: dict[str, Any],
) -> None:
    new, new_notices = _read(make, cassette, stream, request_, settings)
    assert sum(m.arrow_pages for m in counting.made) >= 1
    assert [m.fallbacks for m in counting.made] == [0] * len(counting.made)
    monkeypatch.setattr(_columns, "arrow_page", lambda content: None)  # the row path
    old, old_notices = _read(make, cassette, stream, request_, settings)
    assert new.num_rows == old.num_rows > 0
    assert_same(new, old)
    assert _shown(new_notices) == _shown(old_notices)


def _read_demo() -> list[tuple[pa.Table, list[Notice]]]:
    """The demo's traffic for every date range its recording answers."""
    import partnerkit.demo
    from partnerkit.demo._read import NOW as DEMO_NOW
    from partnerkit.demo._read import RECORDED_RANGES

    out = []
    with partnerkit.demo.open().connector("ga4") as connector:
        for start, end in RECORDED_RANGES:
            read = connector.stream(stream="traffic", start=start, end=end, as_of=DEMO_NOW)
            out.append((read.to_arrow(), list(read.notices)))
    return out


def test_the_demos_recorded_reports_read_the_same_column_wise(
    counting: type[_Counting], monkeypatch: pytest.MonkeyPatch
) -> None:
    new = _read_demo()
    assert sum(m.arrow_pages for m in counting.made) >= len(new)
    assert [m.fallbacks for m in counting.made] == [0] * len(counting.made)
    monkeypatch.setattr(_columns, "arrow_page", lambda content: None)  # the row path
    old = _read_demo()
    # August, September and October 2026: 31 + 30 + 31 days, a few slices a day
    assert new[0][0].num_rows == old[0][0].num_rows > 92
    for (new_table, new_notices), (old_table, old_notices) in zip(new, old, strict=True):
        assert_same(new_table, old_table)
        assert _shown(new_notices) == _shown(old_notices)


def test_an_early_stop_holds_back_the_same_last_slice(
    make: Callable[..., Ga4Connector], counting: type[_Counting], monkeypatch: pytest.MonkeyPatch
) -> None:
    from partnerkit.errors import QuotaExhaustedError

    def records() -> list[dict[str, Any]]:
        items: list[Any] = []
        request = ReadRequest(stream="traffic", **OCT_1_3)
        with (
            use_cassette(CASSETTES / "quota/early_stop.yaml"),
            make(page_size=2) as connector,
            pytest.raises(QuotaExhaustedError),
        ):
            items.extend(connector.read(request))
        out: list[dict[str, Any]] = []
        for item in items:
            if isinstance(item, pa.Table):
                out.extend(item.to_pylist())
            elif isinstance(item, dict):
                out.append(item)
        return out

    new = records()
    assert counting.made[0].arrow_pages == 2
    monkeypatch.setattr(_columns, "arrow_page", lambda content: None)
    assert [(r["date"], r["source"], r["channel"]) for r in new] == [
        (r["date"], r["source"], r["channel"]) for r in records()
    ]


# -------------------------------------------------- default and benchmark settings

PROPERTY = "123456789"
HOST = "https://analyticsdata.googleapis.com/v1beta"
SOURCES = [
    ("(direct)", "(none)", "Direct"),
    ("bing", "organic", "Organic Search"),
    ("facebook", "paid", "Paid Social"),
    ("google", "cpc", "Paid Search"),
    ("newsletter", "email", "Email"),
]


def _generated(metrics: list[str], n: int, page_size: int) -> list[bytes]:
    """``n`` traffic rows over 3 days, ordered, unique per slice, in pages."""
    rows = []
    for i in range(n):
        source, medium, group = SOURCES[i % len(SOURCES)]
        day = f"2026100{1 + i * 3 // n}"
        sessions = 10 + i % 50
        values = [sessions, sessions // 2, sessions - 1, sessions // 3, i % 4, f"{i % 90}.5"]
        values += [i % 3, i % 2][: len(metrics) - len(values)]
        rows.append(
            {
                "dimensionValues": [
                    {"value": v} for v in (day, source, medium, f"c{i:05d}", group)
                ],
                "metricValues": [{"value": str(v)} for v in values],
            }
        )
    rows.sort(key=lambda r: [v["value"] for v in r["dimensionValues"]])
    types = {"totalRevenue": CURRENCY}
    return [
        json.dumps(
            {
                "dimensionHeaders": [{"name": d} for d in TRAFFIC_DIMENSIONS],
                "metricHeaders": [{"name": m, "type": types.get(m, INTEGER)} for m in metrics],
                "rows": rows[offset : offset + page_size],
                "rowCount": n,
                "metadata": {"currencyCode": "EUR", "timeZone": "Europe/Rome"},
                "propertyQuota": {"tokensPerDay": {"consumed": 5, "remaining": 199000}},
                "kind": "analyticsData#runReport",
            }
        ).encode()
        for offset in range(0, n, page_size)
    ]


def _read_served(
    pages: list[bytes], settings: dict[str, Any], asked: list[dict[str, Any]] | None = None
) -> pa.Table:
    """Read traffic for 2026-10-01..03 from generated pages (the metadata: a cassette's)."""
    tape = Cassette.load(CASSETTES / "traffic/paging.yaml")
    metadata = tape.interactions[0].response.content()
    size = settings["page_size"]

    def report(request: Any) -> tuple[int, dict[str, str], bytes]:
        body = json.loads(request.body)
        if asked is not None:
            asked.append(body)
        return 200, {}, pages[int(body.get("offset", 0)) // size]

    with responses.RequestsMock() as mock:
        mock.add_callback(
            "GET",
            re.compile(re.escape(f"{HOST}/properties/{PROPERTY}/metadata")),
            callback=lambda _: (200, {}, metadata),
        )
        mock.add_callback(
            "POST",
            re.compile(re.escape(f"{HOST}/properties/{PROPERTY}:runReport")),
            callback=report,
        )
        settings = {"accounts": [PROPERTY], "access_token": "not-a-token", **settings}
        with Ga4Connector(settings) as connector:
            read = connector.stream(stream="traffic", start=OCT_1, end=OCT_3, as_of=NOW)
            return read.to_arrow()


@pytest.mark.parametrize(
    "lead_events",
    [None, ["generate_lead", "form_submit"]],
    ids=["default settings", "the benchmark's lead events"],
)
def test_traffic_takes_the_column_path(
    counting: type[_Counting], monkeypatch: pytest.MonkeyPatch, lead_events: list[str] | None
) -> None:
    metrics = [*TRAFFIC_METRICS][:6] + [f"keyEvents:{e}" for e in lead_events or ["generate_lead"]]
    pages = _generated(metrics, 600, 250)
    settings: dict[str, Any] = {"page_size": 250}
    if lead_events is not None:
        settings["lead_events"] = lead_events
    asked: list[dict[str, Any]] = []
    new = _read_served(pages, settings, asked)
    assert [m["name"] for m in asked[0]["metrics"]] == metrics
    (mapper,) = counting.made
    assert (mapper.arrow_pages, mapper.fallbacks) == (3, 0)
    monkeypatch.setattr(_columns, "arrow_page", lambda content: None)
    old = _read_served(pages, settings)
    assert new.num_rows == 600
    assert_same(new, old)
    # leads: generate_lead (i % 3) plus form_submit (i % 2) when the benchmark's are read
    expected = sum(i % 3 + (i % 2 if lead_events else 0) for i in range(600))
    assert sum(new.column("leads").to_pylist()) == expected


def test_an_extra_empty_on_a_page_keeps_the_value_of_the_slice_held_over() -> None:
    # page 1's last slice (form_submit 1) is let go on page 2, where form_submit is blank
    spec = _traffic()
    rows: Rows = [
        _r("20261001|a|b|c|Direct", "1 1 1 1 1 0 0 1"),
        _r("20261001|d|e|f|Direct", "1 1 1 1 1 0 0 1"),
        _r("20261001|g|h|i|Direct", "1 1 1 1 1 0 0 -"),
        _r("20261001|j|k|l|Direct", "1 1 1 1 1 0 0 -"),
        _r("20261001|m|n|o|Direct", "1 1 1 1 1 0 0 -"),
    ]
    records, _, mapper = _both(spec, _bodies(spec, rows, page_size=2))
    assert mapper.fallbacks == 0
    assert [r["extra.leads:form_submit"] for r in records] == [1.0, 1.0, None, None, None]
    records, _, _ = _both(spec, _bodies(spec, rows[2:], page_size=2))
    assert [r["extra.leads:form_submit"] for r in records] == [None, None, None]


def test_a_page_the_schema_does_not_fit_is_read_the_row_way_and_counted(
    counting: type[_Counting], monkeypatch: pytest.MonkeyPatch
) -> None:
    # page 2 of 3 sends one revenue as JSON null (proto3 JSON would leave it out): Arrow
    # cannot tell null from absent, so that page is parsed the row way; None either way
    metrics = [*TRAFFIC_METRICS][:7]  # the default lead event: generate_lead
    pages = _generated(metrics, 600, 250)
    pages[1] = re.sub(rb'"value": "\d+\.5"', b'"value": null', pages[1], count=1)
    assert b"null" in pages[1]
    new = _read_served(pages, {"page_size": 250})
    (mapper,) = counting.made
    assert (mapper.arrow_pages, mapper.fallbacks) == (2, 1)
    monkeypatch.setattr(_columns, "arrow_page", lambda content: None)
    assert_same(new, _read_served(pages, {"page_size": 250}))
    assert new.column("revenue").null_count == 1
