"""Report pages that are not a ``RunReportResponse``: refused by name, never read as empty.

The documented shape (the ``RunReportResponse`` reference; the README lists the
sources): a JSON object whose ``kind`` is always ``"analyticsData#runReport"``, with
``dimensionHeaders`` and ``metricHeaders`` for the columns asked for, and — only when
there are rows — ``rows`` (a list of row objects) and ``rowCount``. A real empty
report still has its ``kind`` and headers; it lacks ``rows`` and ``rowCount``.

Each hostile body is served with HTTP 200 in place of the report request of
``contract/traffic.yaml`` (interaction 1; interaction 0 is the metadata request), so it
takes the production path: the SDK-built request, the seam, ``arrow_page`` and its
fallback. Before this check, ``null`` crashed pyarrow (segmentation fault) and ``{}``
was read as "no rows": the sync then moved its cursor over days it never read.

The property tests feed the page parser (``arrow_page`` → ``parse_body`` → the
``PageMapper``, as ``Ga4Connector._read_chunk`` does) any JSON value and mutations of
the cassettes' own traffic pages.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from partnerkit_ga4._client import ReportBody, parse_body
from partnerkit_ga4._columns import PageMapper, arrow_page
from partnerkit_ga4._metadata import DimensionInfo, MetricInfo, PropertyMetadata
from partnerkit_ga4._report import traffic_spec
from partnerkit_ga4._settings import DEFAULT_CHANNEL_MAP

from partnerkit.errors import ResponseShapeError
from partnerkit.stream import RecordStream
from partnerkit.testing import Cassette, hostile
from partnerkit.testing.faults import Fault

CASSETTES = Path(__file__).parent / "cassettes"
OCT_1_3 = {"start": dt.date(2026, 10, 1), "end": dt.date(2026, 10, 3)}
PROPERTY = "123456789"
URL = f"https://analyticsdata.googleapis.com/v1beta/properties/{PROPERTY}:runReport"
JSON = {"Content-Type": "application/json; charset=UTF-8"}
KIND = "analyticsData#runReport"
RECORDED: dict[str, Any] = (
    Cassette.load(CASSETTES / "contract/traffic.yaml").interactions[1].response.body
)
DIMS = [
    "date",
    "sessionSource",
    "sessionMedium",
    "sessionCampaignName",
    "sessionDefaultChannelGroup",
]
METRICS = [
    "sessions", "engagedSessions", "totalUsers", "newUsers", "keyEvents", "totalRevenue",
    "keyEvents:generate_lead", "keyEvents:form_submit",
]  # fmt: skip


def _without(*keys: str, **changes: Any) -> str:
    """The recorded page without ``keys`` and with ``changes``."""
    page = {k: v for k, v in RECORDED.items() if k not in keys}
    return json.dumps({**page, **changes})


ROWS = RECORDED["rows"]
NO_KIND = (f"the string {KIND!r}", "no 'kind' key")
#: (body, where, expected, found): each worked out from the reference by hand.
HOSTILE = {
    **hostile.bare_values("a JSON object"),
    "list": ("[]", "", "a JSON object", "an empty JSON array"),
    "list of the page": (f"[{json.dumps(RECORDED)}]", "", "a JSON object", "a JSON array of 1 item"),  # noqa: E501
    "empty object": ("{}", "kind", *NO_KIND),
    "no kind": (_without("kind"), "kind", *NO_KIND),
    "another kind": (_without(kind="analyticsData#batchRunReports"), "kind", f"the string {KIND!r}", "a JSON string of 29 characters"),  # noqa: E501
    "kind only": (
        json.dumps({"kind": KIND}),
        "",
        "the dimensionHeaders of the 5 columns asked for",
        "an object with only the keys 'kind'",
    ),
    "no metric headers": (
        _without("metricHeaders"),
        "",
        "the metricHeaders of the 8 columns asked for",
        # (the envelope Arrow parsed: the rows are kept apart)
        "an object with only the keys 'dimensionHeaders', 'rowCount', 'metadata', "
        "'propertyQuota', 'kind'",
    ),
    "rows null": (_without(rows=None), "rows", "a JSON array", "a JSON null"),
    "rows object": (_without(rows={}), "rows", "a JSON array", "an empty JSON object"),
    "row number": (_without(rows=[1]), "rows[0]", "a row object", "a JSON number (1)"),
    "second row null": (_without(rows=[ROWS[0], None]), "rows[1]", "a row object", "a JSON null"),
    "rows without rowCount": (
        _without("rowCount"),
        "rowCount",
        "the total row count, sent with every row",
        "none",
    ),
    "rowCount without rows": (
        _without("rows"),
        "rows",
        "rows from 1 of the 7 its rowCount announces",
        "no rows",
    ),
}  # fmt: skip


def _read_with(read: Any, body: str, index: int = 1) -> Any:
    """Read the traffic cassette with ``body`` (HTTP 200) in place of interaction ``index``."""
    return read(
        "contract/traffic.yaml",
        **OCT_1_3,
        faults={index: [Fault(200, JSON, body)]},
        allow_unused=True,
    )


@pytest.mark.parametrize(
    ("body", "found"),
    [
        ("null", "a body the SDK could not read (Failed to parse JSON: TypeError: 'NoneType'"),
        ("123", "a body the SDK could not read (Failed to parse JSON: TypeError: 'int' object"),
        ("{}", "0 dimensions and 0 metrics"),
    ],
)
def test_a_metadata_answer_that_is_not_the_documented_shape_is_a_shape_error(
    read: Any, body: str, found: str
) -> None:
    # Interaction 0 is the metadata request, parsed by the SDK: before, null and 123
    # raised protobuf's ParseError and {} read as a property without the "date" dimension.
    with pytest.raises(ResponseShapeError) as info:
        _read_with(read, body, index=0)
    assert info.value.found.startswith(found)
    assert (info.value.api, info.value.account, info.value.where) == ("ga4", PROPERTY, "")


def test_an_empty_object_is_not_an_empty_report(read: Any) -> None:
    # The same read with GA4's real empty answer (kind and headers, no rows, no rowCount)
    # gives no records and no error; ``{}`` gives the error, not "no rows".
    empty = _without("rows", "rowCount")
    records, _, _ = _read_with(read, empty)
    assert records == []
    with pytest.raises(ResponseShapeError, match="expected the string 'analyticsData#runReport'"):
        _read_with(read, "{}")


def test_a_null_page_is_an_error_in_the_process_not_a_segmentation_fault(tmp_path: Path) -> None:
    # A child process: before the check, pyarrow.json crashed on a bare null.
    script = (
        "import datetime as dt\n"
        "from partnerkit_ga4 import Ga4Connector\n"
        "from partnerkit.errors import ResponseShapeError\n"
        "from partnerkit.http import RetryPolicy, use_clock\n"
        "from partnerkit.testing import FakeClock, use_cassette\n"
        "from partnerkit.testing.faults import Fault\n"
        f"settings = {{'accounts': ['{PROPERTY}'], 'access_token': 'test-access-token-not-real',\n"
        "            'lead_events': ['generate_lead', 'form_submit']}\n"
        f"tape_path = {str(CASSETTES / 'contract/traffic.yaml')!r}\n"
        "now = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)\n"
        "with use_clock(FakeClock()), use_cassette(tape_path, allow_unused=True) as tape:\n"
        "    tape.inject(1, Fault(200, {'Content-Type': 'application/json'}, 'null'))\n"
        "    with Ga4Connector(settings, retry_policy=RetryPolicy(jitter=0.0),\n"
        "                      clock=lambda: now) as connector:\n"
        "        try:\n"
        "            list(connector.stream(stream='traffic', start=dt.date(2026, 10, 1),\n"
        "                                  end=dt.date(2026, 10, 3)))\n"
        "        except ResponseShapeError as exc:\n"
        "            print('refused:', exc.found)\n"
    )
    assert hostile.run_alone(script, tmp_path) == "refused: a JSON null"


# ---------------------------------------------------------------- properties

SPEC = traffic_spec(
    PropertyMetadata.build(
        PROPERTY,
        [DimensionInfo(name) for name in DIMS],
        [
            MetricInfo(name, type="TYPE_CURRENCY" if name == "totalRevenue" else "TYPE_INTEGER")
            for name in METRICS
        ],
    ),
    ["generate_lead", "form_submit"],
    leads_configured=True,
)


def _recorded_pages() -> list[Any]:
    """The cassettes' runReport pages of the traffic report (the spec above)."""

    def keep(url: str, body: Any) -> bool:
        if not (url.endswith(":runReport") and isinstance(body, dict)):
            return False
        return [h["name"] for h in body.get("metricHeaders", [])] == METRICS

    return hostile.recorded_bodies(CASSETTES, keep)


TRAFFIC_PAGES = _recorded_pages()


def _parse(content: bytes) -> None:
    """One page the way ``_read_chunk`` reads it; any error leaves."""
    mapper = PageMapper(
        SPEC, PROPERTY, dt.date(2026, 1, 1), dt.date(2026, 12, 31), DEFAULT_CHANNEL_MAP
    )
    body = ReportBody(content, f"POST {URL}", 200)
    parsed = arrow_page(content)
    page = parse_body(body, PROPERTY) if parsed is None else parsed[0]
    mapper.start(page)
    mapper.page_row_count(page.get("rowCount", 0))
    if parsed is None:
        items = list(mapper.rows(page.get("rows") or []))
    else:
        rows = lambda: parse_body(body, PROPERTY).get("rows") or []  # noqa: E731
        items = list(mapper.arrow_rows(parsed[1], rows))
    items.extend(mapper.finish())
    RecordStream.from_records("performance", items).to_arrow()


def test_the_recorded_pages_parse() -> None:
    assert len(TRAFFIC_PAGES) >= 10
    for page in TRAFFIC_PAGES:
        _parse(json.dumps(page).encode())


class TestHostilePages(hostile.HostilePages):
    """Each body of HOSTILE in place of the report request; the parser's properties."""

    shapes = HOSTILE
    api, account = "ga4", PROPERTY
    requests = (f"POST {URL}", "runReport (report 'traffic')")
    secret = "test-access-token-not-real"
    recorded = TRAFFIC_PAGES

    def read(self, request: pytest.FixtureRequest, body: str) -> object:
        return _read_with(request.getfixturevalue("read"), body)

    def parse(self, body: bytes) -> object:
        """``arrow_page`` → ``parse_body`` → the ``PageMapper``, as ``_read_chunk`` does."""
        return _parse(body)
