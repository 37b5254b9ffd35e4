"""Answers that are not the documented shape end in ResponseShapeError, naming the place."""

from typing import Any

import pytest

from partnerkit.errors import ResponseShapeError
from partnerkit.testing.faults import Fault

JSON = {"Content-Type": "application/json"}
REPORT = '{"id":"a1","send_time":"2026-10-06T14:00:00+00:00","emails_sent":10}'

CASES = {
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


@pytest.mark.parametrize(("body", "where", "expected", "found"), CASES.values(), ids=CASES)
def test_a_hostile_reports_page_is_a_shape_error(
    read: Any, body: str, where: str, expected: str, found: str
) -> None:
    with pytest.raises(ResponseShapeError) as caught:
        read(faults=None, replace={1: Fault(200, JSON, body)}, allow_unused=True)
    error = caught.value
    assert (error.where, error.expected, error.found) == (where, expected, found)
    assert error.request == "GET /3.0/reports"
    assert error.details["stream"] == "email_campaigns"


def test_an_account_without_an_id_is_a_shape_error(read: Any) -> None:
    with pytest.raises(ResponseShapeError) as caught:
        read(replace={0: Fault(200, JSON, '{"account_name":"x"}')}, allow_unused=True)
    assert caught.value.where == "account_id"
