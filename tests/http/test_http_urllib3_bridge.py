"""Urllib3Bridge: urllib3-style calls, as hubspot-api-client makes them, through the seam.

The calls copy hubspot/crm/contacts/rest.py (RESTClientObject.request): GET with
``fields=query_params``; JSON POST with ``body=json.dumps(...)``; form posts with
``fields=post_params, encode_multipart=False``; always ``preload_content=`` and
``timeout=`` (a ``urllib3.Timeout`` or ``None``); then ``.status``, ``.reason``,
``.data``, ``.getheaders()`` and ``.getheader()`` are read.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlsplit

import pytest
import responses
import urllib3
from urllib3.response import HTTPResponse

from partnerkit import http
from partnerkit.errors import AuthenticationError, RateLimitError
from partnerkit.testing import faults
from partnerkit.testing.clock import FakeClock

EXPIRED = faults.json_fault(
    401,
    {
        "message": "The OAuth token used to make this call expired 2 hour(s) ago.",
        "code": "TOKEN_EXPIRED",
    },
)

BASE = "https://crm.example.com/crm/v3/objects/contacts"
HEADERS = {"Accept": "application/json", "Authorization": "Bearer pat-na1-SECRET"}


@pytest.fixture
def bridge(clock: FakeClock, policy) -> http.Urllib3Bridge:
    return http.Urllib3Bridge(http.session("crm", account="portal-1", clock=clock, policy=policy()))


def test_get_with_query_fields_round_trips(rsps: responses.RequestsMock, bridge) -> None:
    rsps.add(
        "GET",
        BASE,
        json={"results": [{"id": "1"}]},
        headers={"X-RateLimit-Remaining": "99"},
    )

    r = bridge.request(
        "GET",
        BASE,
        fields=[("limit", 10), ("properties", "email")],
        preload_content=True,
        timeout=None,
        headers=dict(HEADERS),
    )

    assert isinstance(r, HTTPResponse)
    assert (r.status, r.reason) == (200, "OK")
    assert json.loads(r.data) == {"results": [{"id": "1"}]}
    assert r.getheader("X-RateLimit-Remaining") == "99"
    assert r.getheaders()["Content-Type"] == "application/json"
    assert r.headers["Content-Length"] == str(len(r.data))
    sent = rsps.calls[0].request
    assert parse_qsl(urlsplit(sent.url).query) == [("limit", "10"), ("properties", "email")]
    assert sent.headers["Authorization"] == "Bearer pat-na1-SECRET"


def test_json_post_body_is_sent_as_is(rsps, bridge) -> None:
    rsps.add("POST", f"{BASE}/search", json={"total": 0, "results": []})
    payload = json.dumps({"filterGroups": [], "limit": 100})

    r = bridge.request(
        "POST",
        f"{BASE}/search",
        body=payload,
        preload_content=True,
        timeout=urllib3.Timeout(total=30),
        headers={**HEADERS, "Content-Type": "application/json"},
    )

    assert r.status == 200
    sent = rsps.calls[0].request
    assert sent.body == payload.encode()
    assert sent.req_kwargs["timeout"] == (30.0, 30.0)


def test_form_fields_are_encoded_like_urllib3(rsps, bridge) -> None:
    url = "https://crm.example.com/oauth/v1/token"
    rsps.add("POST", url, json={"access_token": "x", "expires_in": 1800})

    bridge.request(
        "POST",
        url,
        fields={"grant_type": "refresh_token", "refresh_token": "r"},
        encode_multipart=False,
        preload_content=True,
        timeout=urllib3.Timeout(connect=5, read=60),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )

    sent = rsps.calls[0].request
    assert sent.body == b"grant_type=refresh_token&refresh_token=r"
    assert sent.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert sent.req_kwargs["timeout"] == (5.0, 60.0)


def test_unpreloaded_content_is_read_later(rsps, bridge) -> None:
    rsps.add("GET", BASE, body=b"x" * 10_000, content_type="application/octet-stream")

    r = bridge.request("GET", BASE, preload_content=False, timeout=None, headers={})

    assert r.read() == b"x" * 10_000


def test_a_gzipped_answer_arrives_decoded_without_its_content_encoding(rsps, bridge) -> None:
    rsps.add("GET", BASE, body=b"{}", headers={"Content-Encoding": "identity"})

    r = bridge.request("GET", BASE, preload_content=True, timeout=None, headers={})

    assert r.data == b"{}"
    assert r.getheader("Content-Encoding") is None


def test_faults_and_retries_apply_through_the_bridge(rsps, clock, bridge, backoffs) -> None:
    faults.script(
        rsps, "GET", BASE, faults.rate_limited(), faults.connection_reset(), {"results": []}
    )

    r = bridge.request(
        "GET", BASE, fields={"limit": 10}, preload_content=True, timeout=None, headers={}
    )

    assert r.status == 200
    assert clock.sleeps == backoffs(2)


def test_an_error_status_comes_back_as_a_response_for_the_sdk_to_raise(rsps, clock, bridge) -> None:
    faults.script(rsps, "GET", f"{BASE}/999", EXPIRED)

    r = bridge.request("GET", f"{BASE}/999", preload_content=True, timeout=None, headers={})

    assert r.status == 401
    assert json.loads(r.data)["code"] == "TOKEN_EXPIRED"
    assert clock.sleeps == []


def test_the_connector_maps_the_bridged_error_response_at_its_boundary(rsps, bridge) -> None:
    url = f"{BASE}/999?hapikey=hub-SECRET"
    faults.script(rsps, "GET", url, EXPIRED)

    # hubspot's ApiException keeps this object as exc.http_resp.urllib3_response
    r = bridge.request("GET", url, preload_content=True, timeout=None, headers={})
    error = http.error_from_response("crm", r, account="portal-1")

    assert isinstance(error, AuthenticationError)
    assert error.vendor_code == "TOKEN_EXPIRED"
    assert error.vendor_message == "The OAuth token used to make this call expired 2 hour(s) ago."
    assert error.request == f"GET {BASE}/999?hapikey=REDACTED"
    assert "hub-SECRET" not in str(error)


def test_exhausted_retries_raise_the_library_error(rsps, clock, bridge) -> None:
    limited = faults.json_fault(429, {"message": "Daily limit reached.", "code": "RATE_LIMIT"})
    faults.script(rsps, "GET", BASE, limited)

    with pytest.raises(RateLimitError) as caught:
        bridge.request("GET", BASE, preload_content=True, timeout=None, headers={})

    assert caught.value.api == "crm"
    assert caught.value.account == "portal-1"
    assert caught.value.vendor_code == "RATE_LIMIT"
    assert caught.value.vendor_message == "Daily limit reached."


def test_clear_closes_the_session(bridge) -> None:
    bridge.clear()  # like PoolManager.clear(): safe, and the session stays usable
