"""Replay: matching, ordering, unmatched diffs, unused interactions, faults."""

from __future__ import annotations

import contextlib
import textwrap
from pathlib import Path
from typing import Any

import pytest
import requests

from partnerkit.testing import Cassette, CassetteError, Fault, use_cassette

HERE = Path(__file__).parent
META = HERE / "cassettes" / "test_cassette" / "meta_insights_two_pages.yaml"
INSIGHTS = "https://graph.facebook.com/v19.0/act_1234567890/insights"
PARAMS = {
    "access_token": "test-token",
    "fields": "campaign_id,campaign_name,spend,impressions,clicks",
    "level": "campaign",
    "time_increment": 1,
    "time_range": '{"since":"2024-05-01","until":"2024-05-02"}',
    "limit": 2,
}


def fetch_insights(session: requests.Session, params: dict[str, Any]) -> list[dict[str, Any]]:
    """A minimal Graph API pager: follow paging.next until it is gone."""
    rows: list[dict[str, Any]] = []
    url: str | None = INSIGHTS
    query: dict[str, Any] | None = params
    while url:
        response = session.get(url, params=query, timeout=10)
        response.raise_for_status()
        page = response.json()
        rows += page["data"]
        url, query = page.get("paging", {}).get("next"), None
    return rows


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "cassette.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


PING = """\
    version: 1
    interactions:
    - request: {method: GET, url: 'https://api.example.com/ping', query: {n: '1'}}
      response: {status: 200, body: {answer: first}}
    - request: {method: GET, url: 'https://api.example.com/ping', query: {n: '1'}}
      response: {status: 200, body: {answer: second}}
    """


def test_replays_two_pages_with_cursor_paging() -> None:
    with use_cassette(META) as cassette, requests.Session() as session:
        rows = fetch_insights(session, PARAMS)
    assert [r["date_start"] for r in rows] == ["2024-05-01", "2024-05-01", "2024-05-02"]
    assert rows[0]["spend"] == "12.34"  # string-typed numbers stay strings
    assert rows[0]["campaign_name"] == "קמפיין קיץ — Summer"
    assert cassette.play_counts == [1, 1]
    assert [r.query.get("after") for r in cassette.requests] == [None, "MQZDZD"]
    assert cassette.requests[0].query["access_token"] == "test-token"  # as sent


def test_replays_headers_and_status() -> None:
    with use_cassette(META, allow_unused=True):
        response = requests.get(INSIGHTS, params=PARAMS, timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json; charset=UTF-8"
    assert "ads_insights" in response.headers["x-business-use-case-usage"]


def test_file_round_trips_byte_for_byte(tmp_path: Path) -> None:
    cassette = Cassette.load(META)
    assert cassette.to_yaml() == META.read_text(encoding="utf-8")
    copy = cassette.save(tmp_path / "copy.yaml")
    assert copy.read_text(encoding="utf-8") == META.read_text(encoding="utf-8")


def test_query_order_does_not_matter() -> None:
    reordered = dict(reversed(list(PARAMS.items())))
    with use_cassette(META, allow_unused=True) as cassette:
        requests.get(INSIGHTS, params=reordered, timeout=10)
    assert cassette.play_counts == [1, 0]


def test_identical_requests_replay_in_recorded_order(tmp_path: Path) -> None:
    with use_cassette(write(tmp_path, PING)):
        answers = [
            requests.get("https://api.example.com/ping?n=1", timeout=5).json()["answer"]
            for _ in range(2)
        ]
    assert answers == ["first", "second"]


def test_a_request_made_more_often_than_recorded_fails(tmp_path: Path) -> None:
    url = "https://api.example.com/ping?n=1"
    with use_cassette(write(tmp_path, PING)) as cassette:
        requests.get(url, timeout=5)
        requests.get(url, timeout=5)
        with pytest.raises(CassetteError, match=r"matches interaction\(s\) #0, #1, already"):
            requests.get(url, timeout=5)
        cassette.errors.clear()


def test_unmatched_request_shows_a_diff_naming_the_param() -> None:
    params = PARAMS | {"level": "adset"}
    with pytest.raises(CassetteError) as caught, use_cassette(META):
        requests.get(INSIGHTS, params=params, timeout=10)
    message = str(caught.value)
    assert "closest recorded one is #0" in message
    assert "-  level: campaign" in message
    assert "+  level: adset" in message
    assert "test-token" not in message  # the diff is scrubbed


def test_swallowed_unmatched_request_is_raised_at_exit(tmp_path: Path) -> None:
    with (
        pytest.raises(CassetteError, match="No recorded interaction"),
        use_cassette(write(tmp_path, PING), allow_unused=True),
        contextlib.suppress(Exception),  # an SDK that catches everything
    ):
        requests.get("https://api.example.com/other", timeout=5)


def test_an_error_can_be_acknowledged(tmp_path: Path) -> None:
    with use_cassette(write(tmp_path, PING), allow_unused=True) as cassette:
        with pytest.raises(CassetteError):
            requests.get("https://api.example.com/other", timeout=5)
        cassette.errors.clear()


def test_unused_interaction_fails_at_exit() -> None:
    with pytest.raises(CassetteError) as caught, use_cassette(META):
        requests.get(INSIGHTS, params=PARAMS, timeout=10)
    assert "1 recorded interaction(s)" in str(caught.value)
    assert "#1: GET https://graph.facebook.com/v19.0/act_1234567890/insights?" in str(caught.value)
    assert "after=MQZDZD" in str(caught.value)


def test_allow_unused() -> None:
    with use_cassette(META, allow_unused=True) as cassette:
        requests.get(INSIGHTS, params=PARAMS, timeout=10)
    assert cassette.unused() == [1]


def test_an_exception_in_the_block_skips_the_unused_check() -> None:
    with pytest.raises(KeyError), use_cassette(META):
        raise KeyError("the test's own failure")


def test_ignored_query_params_and_body_keys(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        version: 1
        interactions:
        - request:
            method: POST
            url: https://api.hubapi.com/crm/v3/objects/contacts/search
            query: {ts: '1'}
            headers: {content-type: application/json}
            body:
              after: '0'
              limit: 100
              filterGroups:
              - filters: [{propertyName: lastmodifieddate, value: '1714521600000', requestId: abc}]
          response: {status: 200, body: {total: 0, results: []}}
        """,
    )
    body = {
        "limit": 100,
        "after": "0",
        "filterGroups": [
            {
                "filters": [
                    {
                        "value": "1714521600000",
                        "propertyName": "lastmodifieddate",
                        "requestId": "zz",
                    }
                ]
            }
        ],
    }
    with Cassette.load(path, ignore_query=["ts"], ignore_body_keys=["requestId"]).play():
        response = requests.post(
            "https://api.hubapi.com/crm/v3/objects/contacts/search?ts=999", json=body, timeout=5
        )
    assert response.json() == {"total": 0, "results": []}
    with pytest.raises(CassetteError, match="requestId"), Cassette.load(path).play():
        requests.post(
            "https://api.hubapi.com/crm/v3/objects/contacts/search?ts=1", json=body, timeout=5
        )


def test_form_bodies_match_as_fields(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        version: 1
        interactions:
        - request:
            method: POST
            url: https://graph.facebook.com/v19.0/
            headers: {content-type: application/x-www-form-urlencoded}
            body:
              access_token: REDACTED
              batch: '[{"method":"GET","relative_url":"me"}]'
              include_headers: false
          response:
            status: 200
            headers: {content-type: text/plain}
            body: ok
        """,
    )
    form = {
        "include_headers": "false",
        "batch": '[{"method":"GET","relative_url":"me"}]',
        "access_token": "EAA-in-a-test",
    }
    with use_cassette(path):
        response = requests.post("https://graph.facebook.com/v19.0/", data=form, timeout=5)
    assert response.text == "ok"


def test_inject_faults_then_the_recorded_response() -> None:
    reset = requests.ConnectionError("connection reset by peer")
    throttled = Fault(status=429, headers={"Retry-After": "2"}, body='{"error": "slow down"}')
    with use_cassette(META, allow_unused=True) as cassette:
        cassette.inject(0, throttled, Fault(exception=reset))
        first = requests.get(INSIGHTS, params=PARAMS, timeout=10)
        with pytest.raises(requests.ConnectionError, match="reset"):
            requests.get(INSIGHTS, params=PARAMS, timeout=10)
        third = requests.get(INSIGHTS, params=PARAMS, timeout=10)
    assert (first.status_code, first.headers["Retry-After"], first.json()) == (
        429,
        "2",
        {"error": "slow down"},
    )
    assert third.status_code == 200
    assert len(third.json()["data"]) == 2
    assert cassette.play_counts == [1, 0]
    assert len(cassette.requests) == 3


def test_replace_serves_only_the_fault() -> None:
    with use_cassette(META) as cassette:
        cassette.replace(1, Fault(status=500, body=b"oops"))
        with requests.Session() as session, pytest.raises(requests.HTTPError, match="500"):
            fetch_insights(session, PARAMS)
    assert cassette.play_counts == [1, 1]


def test_inject_checks_the_index() -> None:
    with use_cassette(META, allow_unused=True) as cassette, pytest.raises(IndexError):
        cassette.inject(5, Fault())


def test_missing_file_tells_how_to_record(tmp_path: Path) -> None:
    with pytest.raises(CassetteError, match="--record"):
        Cassette.load(tmp_path / "nope.yaml")


def test_not_a_cassette(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text("just: a mapping\n", encoding="utf-8")
    with pytest.raises(CassetteError, match="version-1"):
        Cassette.load(tmp_path / "x.yaml")


def test_text_and_binary_bodies_round_trip(tmp_path: Path) -> None:
    from partnerkit.testing import Interaction, Request, Response

    csv = "date,clicks\n2024-05-01,3\n"
    tape = Cassette(
        [
            Interaction(Request("GET", "https://x.example/a.csv"), Response(200, {}, csv)),
            Interaction(
                Request("GET", "https://x.example/a.gz"), Response(200, {}, b"\x1f\x8b\x00")
            ),
        ]
    )
    path = tape.save(tmp_path / "bodies.yaml")
    assert "body: |\n" in path.read_text(encoding="utf-8")
    with use_cassette(path):
        assert requests.get("https://x.example/a.csv", timeout=5).text == csv
        assert requests.get("https://x.example/a.gz", timeout=5).content == b"\x1f\x8b\x00"


@pytest.mark.cassette("meta_insights_two_pages")
def test_the_cassette_fixture(cassette: Cassette) -> None:
    with requests.Session() as session:
        rows = fetch_insights(session, PARAMS)
    assert len(rows) == 3
    assert cassette.path == META
