"""Answers that are not the documented shape end in ResponseShapeError, naming the place.

The documented shape of a reports page (the connector's module docstring): a JSON object
with ``reports``, a list of report objects, each with an ``id``, an ISO 8601
``send_time`` with its offset, whole-number counts and ``bounces``/``opens``/``clicks``
objects. Each hostile body below is served with HTTP 200 in place of the first page of
reports of ``contract/email_campaigns.yaml`` (interaction 1), so it travels the
production path. The property tests feed the page parser any JSON value and mutations
of the cassettes' own report pages.
"""

import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from partnerkit_mailchimp import _connector as mailchimp

from partnerkit.errors import PageShapeError, ResponseShapeError
from partnerkit.pages import json_object, objects
from partnerkit.stream import RecordStream
from partnerkit.testing import hostile
from partnerkit.testing.faults import Fault

CASSETTES = Path(__file__).parent / "cassettes"
ACCOUNT = "8d3a3db4d97663a9074efcc16"
KEY = "0123456789abcdef0123456789abcdef-us19"
REPORTS = "GET /3.0/reports"
JSON = {"Content-Type": "application/json"}
REPORT = '{"id":"a1","send_time":"2026-10-06T14:00:00+00:00","emails_sent":10}'

#: (body, where, expected, found): each worked out from the documented shape by hand.
HOSTILE = {
    "null": ("null", "", "a JSON object", "a JSON null"),
    "no reports": ('{"total_items":0}', "", "an object with the key 'reports', which Mailchimp always sends", "an object with only the keys 'total_items'"),  # noqa: E501
    "reports not a list": ('{"reports":{}}', "reports", "a JSON array", "an empty JSON object"),
    "a report not an object": ('{"reports":[1]}', "reports[0]", "a report object", "a JSON number (1)"),  # noqa: E501
    "no id": ('{"reports":[{"send_time":"2026-10-06T14:00:00+00:00"}]}', "reports[0].id", "the campaign's id", "a JSON null"),  # noqa: E501
    "no send time": ('{"reports":[{"id":"a1"}]}', "reports[0].send_time", "an ISO 8601 time", "a JSON null"),  # noqa: E501
    "naive send time": ('{"reports":[{"id":"a1","send_time":"2026-10-06T14:00:00"}]}', "reports[0].send_time", "an ISO 8601 time with its offset", "a JSON string of 19 characters"),  # noqa: E501
    "sent a string": (REPORT.replace("10}", '"10"}').join(['{"reports":[', "]}"]), "reports[0].emails_sent", "a whole number", "a JSON string of 2 characters"),  # noqa: E501
    "bounces a list": (REPORT.replace("}", ',"bounces":[]}').join(['{"reports":[', "]}"]), "reports[0].bounces", "an object", "an empty JSON array"),  # noqa: E501
}  # fmt: skip


def _serve(request: pytest.FixtureRequest, body: str) -> object:
    """Each body of HOSTILE in place of the first page of reports; the refusal names the stream."""
    read = request.getfixturevalue("read")
    with pytest.raises(ResponseShapeError) as caught:
        read(faults=None, replace={1: Fault(200, JSON, body)}, allow_unused=True)
    assert caught.value.details["stream"] == "email_campaigns"
    raise caught.value


def _parse(body: bytes) -> object:
    """The page parser, then the core's record check of the email campaign rows."""
    zone = ZoneInfo("America/New_York")
    try:
        answer = json_object(body)
        page = objects(answer, "reports", "a report object", note="which Mailchimp always sends")
        records = [mailchimp._record(r, f"reports[{i}]", ACCOUNT, zone) for i, r in enumerate(page)]
    except PageShapeError as exc:
        raise ResponseShapeError.of("Mailchimp", exc, api="mailchimp") from None
    return RecordStream.from_records("email_campaign", records).to_arrow()


RECORDED = hostile.recorded_bodies(
    CASSETTES, lambda url, body: "/3.0/reports" in url and isinstance(body, dict)
)


def test_the_recorded_pages_parse() -> None:
    assert len(RECORDED) == 4  # the contract page, the two paging pages, the UTC page
    for page in RECORDED:
        _parse(json.dumps(page).encode())


TestHostilePages = hostile.suite(
    HOSTILE, "mailchimp", ACCOUNT, (REPORTS,), _serve, _parse, secret=KEY, recorded=RECORDED
)


def test_an_account_without_an_id_is_a_shape_error(read: Any) -> None:
    with pytest.raises(ResponseShapeError) as caught:
        read(replace={0: Fault(200, JSON, '{"account_name":"x"}')}, allow_unused=True)
    assert caught.value.where == "account_id"
