"""Pages that are not the documented shape: refused by name, before any parser; never a crash.

The documented shape of an insights page (Marketing API Insights reference, and the
cassettes' sources in the README): a JSON object with ``data``, a list of row
objects, and an optional ``paging`` object. Each hostile body below is served with
HTTP 200 in place of the first insights page of ``contract/ad_insights.yaml``
(interaction 1), so it travels the production path: the SDK's request, the seam,
``GraphClient.raw_pages`` and the page mapper. Before this check a ``null`` body
killed the process inside pyarrow (segmentation fault), ``123`` and ``true`` raised a
bare ``TypeError`` from the SDK, and the rest a ``DataError`` without the request's
kind of fault.

The property tests feed the page parser (``PageMapper.page``, both of its paths) any
JSON value and mutations of the cassettes' own insights pages: each either maps to
records that a ``RecordStream`` accepts, or raises ``ResponseShapeError`` /
``DataError``.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from partnerkit_meta import MetaSettings
from partnerkit_meta._columns import PageMapper
from partnerkit_meta._objects import AccountInfo

from partnerkit.errors import ResponseShapeError
from partnerkit.stream import RecordStream
from partnerkit.testing import hostile, use_cassette
from partnerkit.testing.faults import Fault

CASSETTES = Path(__file__).parent / "cassettes"
OCT_1, OCT_2 = dt.date(2026, 10, 1), dt.date(2026, 10, 2)
ACCOUNT_ID = "act_1029384756"
REQUEST = f"GET /{ACCOUNT_ID}/insights"
JSON = {"Content-Type": "application/json; charset=UTF-8"}
ROW = (
    '{"account_id":"1029384756","campaign_id":"1","date_start":"2026-10-01",'
    '"date_stop":"2026-10-01","impressions":"10","spend":"1.50"}'
)
NO_DATA = "an object with the key 'data', which Meta always sends"

#: (body, where, expected, found): each worked out from the documented shape by hand.
HOSTILE = {
    **hostile.object_values(NO_DATA),
    "list of a page": (f'[{{"data":[{ROW}]}}]', "", "a JSON object", "a JSON array of 1 item"),
    "no data": ('{"paging":{"cursors":{}}}', "", NO_DATA, "an object with only the keys 'paging'"),
    "data null": ('{"data":null}', "data", "a JSON array", "a JSON null"),
    "data object": ('{"data":{}}', "data", "a JSON array", "an empty JSON object"),
    "data string": ('{"data":"rows"}', "data", "a JSON array", "a JSON string of 4 characters"),
    "row number": ('{"data":[1]}', "data[0]", "a row object", "a JSON number (1)"),
    "row null": ('{"data":[null]}', "data[0]", "a row object", "a JSON null"),
    "row list": ('{"data":[[]]}', "data[0]", "a row object", "an empty JSON array"),
    "second row": (f'{{"data":[{ROW},"x"]}}', "data[1]", "a row object", "a JSON string of 1 character"),  # noqa: E501
    "paging number": ('{"data":[],"paging":3}', "paging", "a JSON object", "a JSON number (3)"),
}  # fmt: skip


def _read(meta: Any, fault: Fault, cassette: str = "contract/ad_insights.yaml", index: int = 1):
    with (
        use_cassette(CASSETTES / cassette, allow_unused=True) as tape,
        meta() as connector,
    ):
        tape.replace(index, fault)
        return connector.stream(stream="ad_insights", start=OCT_1, end=OCT_2).to_dicts()


@pytest.mark.parametrize(
    ("body", "found"), [("null", "a JSON null"), ("{}", "an empty JSON object")]
)
def test_an_ad_account_answer_that_is_not_the_documented_shape_is_a_shape_error(
    meta: Any, body: str, found: str
) -> None:
    # Interaction 0: the ad account (id, currency, time zone) the reader starts from.
    with pytest.raises(ResponseShapeError) as info:
        _read(meta, Fault(200, JSON, body), index=0)
    assert info.value.found == found
    assert info.value.request == f"GET /{ACCOUNT_ID}"


@pytest.mark.parametrize("body", ["123", "true", "null"])
def test_a_report_run_answered_with_a_bare_value_is_a_shape_error(meta: Any, body: str) -> None:
    # async/report_run.yaml: interaction 1 is the POST that starts the report run; the
    # SDK's own failure check raised TypeError ("argument of type 'int' is not iterable").
    with (
        use_cassette(CASSETTES / "async/report_run.yaml", allow_unused=True) as tape,
        meta() as connector,
    ):
        tape.replace(1, Fault(200, JSON, body))
        stream = connector.stream(
            stream="ad_insights", start=dt.date(2026, 9, 1), end=dt.date(2026, 9, 20)
        )
        with pytest.raises(ResponseShapeError) as info:
            stream.to_dicts()

    assert info.value.request == f"POST /{ACCOUNT_ID}/insights"
    assert info.value.where == ""


def test_a_null_page_is_an_error_in_the_process_not_a_segmentation_fault(tmp_path: Path) -> None:
    # Run in a child process: before the check, pyarrow.json crashed on a bare null and
    # took the whole interpreter (and this test run) with it.
    script = (
        "import datetime as dt\n"
        "from partnerkit_meta import MetaConnector\n"
        "from partnerkit.errors import ResponseShapeError\n"
        "from partnerkit.http import use_clock\n"
        "from partnerkit.testing import FakeClock, use_cassette\n"
        "from partnerkit.testing.faults import Fault\n"
        f"settings = {{'accounts': ['{ACCOUNT_ID}'], 'api_version': 'v26.0', 'page_size': 2,\n"
        "            'access_token': 'test-token-not-real',\n"
        "            'app_secret': 'test-app-secret-not-real'}\n"
        f"tape_path = {str(CASSETTES / 'contract/ad_insights.yaml')!r}\n"
        "with use_clock(FakeClock()), use_cassette(tape_path, allow_unused=True) as tape:\n"
        "    tape.replace(1, Fault(200, {'Content-Type': 'application/json'}, 'null'))\n"
        "    with MetaConnector(settings) as connector:\n"
        "        try:\n"
        "            connector.stream(stream='ad_insights', start=dt.date(2026, 10, 1),\n"
        "                             end=dt.date(2026, 10, 2)).to_dicts()\n"
        "        except ResponseShapeError as exc:\n"
        "            print('refused:', exc.found)\n"
    )
    assert hostile.run_alone(script, tmp_path) == "refused: a JSON null"


# ---------------------------------------------------------------- properties

SETTINGS = MetaSettings(access_token="x", accounts=[ACCOUNT_ID])
ACCOUNT = AccountInfo(
    id=ACCOUNT_ID, name="Shemesh Solar – IL", currency="ILS", timezone="Asia/Jerusalem"
)
WHERE = f"meta {ACCOUNT_ID} {REQUEST}"


def _recorded_pages() -> list[Any]:
    """Every insights page body of the cassettes (parsed JSON)."""
    return hostile.recorded_bodies(
        CASSETTES,
        lambda url, body: url.endswith("/insights") and isinstance(body, dict) and "data" in body,
    )


TOKEN = "test-token-not-real"
RECORDED = _recorded_pages()


def test_the_recorded_pages_parse() -> None:
    assert len(RECORDED) >= 5
    for page in RECORDED:
        mapped = PageMapper(SETTINGS, "campaign", ACCOUNT).page(json.dumps(page).encode(), WHERE)
        assert len(mapped["records"]) == len(page["data"])


def _serve(request: pytest.FixtureRequest, body: str) -> object:
    """Each body of HOSTILE in place of the first insights page."""
    return _read(request.getfixturevalue("meta"), Fault(200, JSON, body))


def _parse(body: bytes) -> object:
    """The page parser (``PageMapper.page``), then the core's record check."""
    records = PageMapper(SETTINGS, "campaign", ACCOUNT).page(body, WHERE)["records"]
    items = [records] if not isinstance(records, list) else records
    return RecordStream.from_records("performance", items).to_arrow()


TestHostilePages = hostile.suite(
    HOSTILE, "meta", ACCOUNT_ID, (REQUEST,), _serve, _parse, secret=TOKEN, recorded=RECORDED
)
