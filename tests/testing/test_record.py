"""Recording, offline: the "real API" is a loopback server or a `responses` mock."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses

from partnerkit.testing import (
    Cassette,
    CassetteError,
    Fault,
    block_network,
    lint_file,
    use_cassette,
)
from partnerkit.testing.guard import _guards

TOKEN = "EAA" + "Bq7w9XyZ" * 5  # looks like a real Meta token
EMAIL = "dana.levi@acme.co.il"


class FakeGraphAPI(BaseHTTPRequestHandler):
    """Two pages of insights with cursor paging, like the Graph API."""

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        host = f"http://{self.headers['Host']}"
        if query.get("access_token") != [TOKEN]:
            self.send_error(401)
            return
        if "after" not in query:
            nxt = f"{host}{parts.path}?access_token={TOKEN}&limit=1&after=MQZDZD"
            body: dict[str, Any] = {
                "data": [
                    {
                        "spend": "12.30",
                        "campaign_name": "קמפיין",
                        "owner": {"name": "Dana Levi", "email": EMAIL},
                    }
                ],
                "paging": {"cursors": {"after": "MQZDZD"}, "next": nxt},
            }
        else:
            body = {"data": [{"spend": "0.70", "campaign_name": "Brand"}], "paging": {}}
        raw = gzip.compress(json.dumps(body).encode())
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(raw)))
        self.send_header("Set-Cookie", "session=abcdef123456; HttpOnly")
        self.send_header("x-app-usage", '{"call_count":1,"total_cputime":1,"total_time":1}')
        self.end_headers()
        self.wfile.write(raw)


@pytest.fixture
def api(serve: Callable[[type[BaseHTTPRequestHandler]], str]) -> str:
    return serve(FakeGraphAPI)


def pull(base: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    url: str | None = f"{base}/v19.0/act_1/insights"
    params: dict[str, Any] | None = {"access_token": TOKEN, "limit": 1}
    with requests.Session() as session:
        session.headers["Authorization"] = f"Bearer {TOKEN}"
        while url:
            response = session.get(url, params=params, timeout=5)
            response.raise_for_status()
            rows += response.json()["data"]
            url, params = response.json()["paging"].get("next"), None
    return rows


def test_record_then_replay(api: str, tmp_path: Path) -> None:
    path = tmp_path / "cassettes" / "insights.yaml"
    with block_network(), use_cassette(path, record=True) as recording:  # loopback is allowed
        live = pull(api)
    assert [r["spend"] for r in live] == ["12.30", "0.70"]
    assert len(recording.interactions) == 2

    text = path.read_text(encoding="utf-8")
    assert TOKEN not in text
    assert EMAIL not in text
    assert "Dana Levi" not in text
    assert "session=" not in text
    assert "access_token: REDACTED" in text
    assert "access_token=REDACTED&limit=1&after=MQZDZD" in text
    assert "set-cookie: REDACTED" in text
    assert "content-encoding" not in text
    assert "x-app-usage" in text
    assert "קמפיין" in text
    assert "spend: '12.30'" in text
    assert lint_file(path) == []

    # The server is gone: the same code now runs on the cassette alone.
    with use_cassette(path) as replay:
        replayed = pull(api)
    assert [r["spend"] for r in replayed] == ["12.30", "0.70"]
    assert replayed[0]["owner"]["email"].endswith("@example.com")
    assert replay.play_counts == [1, 1]


def test_recording_twice_gives_the_same_file(api: str, tmp_path: Path) -> None:
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    for path in (first, second):
        with use_cassette(path, record=True):
            pull(api)
    assert first.read_text(encoding="utf-8") == second.read_text(encoding="utf-8")


def test_record_env_var(api: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARTNERKIT_RECORD", "1")
    with use_cassette(tmp_path / "env.yaml") as cassette:
        pull(api)
    assert cassette.recording
    assert (tmp_path / "env.yaml").exists()


def test_recording_opens_the_network_guard(tmp_path: Path) -> None:
    depth = len(_guards)
    with block_network(), Cassette(path=tmp_path / "x.yaml").record(), responses.RequestsMock():
        assert _guards[-1].allow_all
    assert len(_guards) == depth


def test_a_failed_recording_writes_nothing(api: str, tmp_path: Path) -> None:
    path = tmp_path / "failed.yaml"
    with pytest.raises(RuntimeError), use_cassette(path, record=True):  # noqa: PT012
        pull(api)
        raise RuntimeError("the test failed")
    assert not path.exists()


def test_a_request_without_an_answer_writes_nothing(tmp_path: Path) -> None:
    """A connection error the code swallows would leave the cassette short: no write."""
    path = tmp_path / "unreachable.yaml"
    with (
        pytest.raises(CassetteError, match="1 request\\(s\\) got no answer") as caught,
        use_cassette(path, record=True),
        pytest.raises(requests.ConnectionError),
    ):
        requests.get(f"http://127.0.0.1:1/x?access_token={TOKEN}", timeout=5)
    assert not path.exists()
    assert "GET http://127.0.0.1:1/x?access_token=REDACTED: ConnectionError" in str(caught.value)
    assert TOKEN not in str(caught.value)


@responses.activate
def test_faults_are_served_while_recording_too(tmp_path: Path) -> None:
    responses.get("https://api.hubapi.com/crm/v3/owners", json={"results": []})
    path = tmp_path / "owners.yaml"
    with Cassette(path=path).record() as cassette:
        cassette.inject(0, Fault(status=429, headers={"Retry-After": "1"}, body=b"{}"))
        cassette.replace(1, Fault(status=502, body="bad gateway"))
        codes = [
            requests.get("https://api.hubapi.com/crm/v3/owners", timeout=5).status_code
            for _ in range(3)
        ]
    assert codes == [429, 200, 502]
    assert len(responses.calls) == 2  # the injected 429 never reached the "network"
    saved = Cassette.load(path)
    assert [i.response.status for i in saved.interactions] == [200, 200]  # real answers
