"""The vendor-neutral fault kit: statuses, resets, timeouts, broken bodies, served in order.

Vendors' error bodies are tested with the connector that owns them
(``connectors/*/tests/test_vendor_faults.py``)."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
import responses

from partnerkit import http
from partnerkit.errors import RateLimitError
from partnerkit.testing import faults
from partnerkit.testing.faults import Fault


def body(fault: Fault) -> Any:
    return json.loads(fault.body)


def test_generic_faults() -> None:
    assert faults.rate_limited().headers.get("Retry-After") is None
    assert faults.rate_limited(7).headers["Retry-After"] == "7"
    assert faults.server_error(502).headers["Content-Type"] == "text/html"
    assert body(faults.server_error(500)) == {
        "error": {"code": 500, "message": "Internal error encountered."}
    }
    assert isinstance(faults.connection_reset().exception, requests.exceptions.ConnectionError)
    assert isinstance(faults.read_timeout().exception, requests.exceptions.ReadTimeout)


@pytest.mark.parametrize("data", [{"data": [{"a": 1}, {"b": [2, 3]}]}, [1, 2, 3], {}])
def test_truncated_json_never_closes_its_bracket(data) -> None:
    text = faults.truncated_json(data).body
    assert isinstance(text, str)
    assert text
    assert text[-1] not in "]}"
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)


def test_malformed_json_is_complete_but_invalid() -> None:
    text = faults.malformed_json().body
    assert isinstance(text, str)
    assert text.startswith("{")
    assert text.endswith("}")
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)


def test_json_fault_is_compact_json_with_its_headers() -> None:
    fault = faults.json_fault(418, {"error": {"code": 7}}, {"X-Extra": "1"})

    assert fault.status == 418
    assert fault.body == '{"error":{"code":7}}'
    assert dict(fault.headers) == {
        "Content-Type": "application/json; charset=UTF-8",
        "X-Extra": "1",
    }


def test_fault_callback_serves_a_fault_for_the_cassette_player(rsps, clock) -> None:
    url = "https://api.example.com/v1/deals"
    limited = faults.json_fault(429, {"message": "Slow down.", "code": "RATE_LIMIT"})
    rsps.add_callback("GET", url, callback=faults.fault_callback(limited), content_type=None)

    response = requests.get(url)
    error = http.error_from_response("example", response)

    assert isinstance(error, RateLimitError)
    assert (error.vendor_code, error.vendor_message) == ("RATE_LIMIT", "Slow down.")
    assert response.headers["Content-Type"] == "application/json; charset=UTF-8"


def test_fault_callback_raises_the_exception(rsps) -> None:
    url = "https://api.example.com/v1/deals"
    rsps.add_callback("GET", url, callback=faults.fault_callback(faults.connection_reset()))

    with pytest.raises(requests.exceptions.ConnectionError, match="Connection reset by peer"):
        requests.get(url)


def test_script_serves_in_order_and_repeats_the_last_step(rsps) -> None:
    url = "https://api.example.com/v1/me"
    faults.script(rsps, "GET", url, faults.json_fault(400, {"code": 1}), {"id": "1"}, b"raw")

    statuses = [requests.get(url) for _ in range(4)]

    assert [r.status_code for r in statuses] == [400, 200, 200, 200]
    assert statuses[1].json() == {"id": "1"}
    assert [r.content for r in statuses[2:]] == [b"raw", b"raw"]


def test_a_step_never_reached_fails_the_test() -> None:
    url = "https://api.example.com/v1/me"
    mock = responses.RequestsMock()
    mock.start()
    faults.script(mock, "GET", url, faults.rate_limited(), {"id": "1"})
    requests.get(url)
    with pytest.raises(AssertionError, match="Not all requests have been executed"):
        mock.stop(allow_assert=True)


def test_public_names() -> None:
    for module in (http, faults):
        for name in module.__all__:
            obj = getattr(module, name)
            assert obj is not None
        assert sorted(module.__all__) == list(module.__all__) or module is http
