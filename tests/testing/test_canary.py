"""Recording through a server that echoes canary secrets everywhere: none survives.

The "real API" is a stdlib HTTP server on 127.0.0.1 that hands back every credential
it is sent: in response headers, in JSON bodies at several depths, in a text body, in a
redirect ``Location`` and in URLs. The client sends canaries the way connectors send
credentials: ``Authorization: Bearer`` and ``Basic``, a custom auth header, query
parameters, a path segment and a JSON body. The written cassette must hold none of
them, raw or encoded, and must still replay the same requests.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus, unquote, urlsplit

import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st
from pydantic import SecretStr

from partnerkit.testing import (
    Cassette,
    Interaction,
    NetworkBlockedError,
    Request,
    Response,
    lint_file,
    use_cassette,
)
from partnerkit.testing.guard import _guards

# Canaries: none has the shape of a known token kind, so only scrubbing by value (or by
# the name of the field carrying it) can catch them. QUERY holds characters that URL
# encoding and JSON escaping change.
BEARER = "cnryBearer7Qz81"
BASIC_USER = "svc-reporting"
BASIC_PASSWORD = "cnryBasicPw4Hs8"
API_KEY = "cnryApiKey5Jd1W"
DEV_TOKEN = "cnryDevTok6Gt0N"
PATH = "cnryPath8Va4Ko6"
QUERY = "cnry/Query+9Lx=5"
BODY = "cnryBodySecret3E"
CANARIES = (BEARER, BASIC_PASSWORD, API_KEY, DEV_TOKEN, PATH, QUERY, BODY)
BASIC = base64.b64encode(f"{BASIC_USER}:{BASIC_PASSWORD}".encode()).decode()


def encoded_forms(secret: str) -> set[str]:
    """Every form of a secret that must not reach the file."""
    raw = secret.encode()
    return {
        secret,
        quote(secret, safe=""),
        quote_plus(secret),
        json.dumps(secret)[1:-1].replace("/", "\\/"),
        base64.b64encode(raw).decode().rstrip("="),
        base64.urlsafe_b64encode(raw).decode().rstrip("="),
    }


class EchoAPI(BaseHTTPRequestHandler):
    """Answers with every credential it was sent, wherever an API might put one."""

    def _send(self, status: int, body: bytes, content_type: str, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def _echo(self) -> dict[str, Any]:
        return {
            "Authorization": self.headers.get("Authorization", ""),
            "X-Api-Key": self.headers.get("X-Api-Key", ""),
            "developer-token": self.headers.get("developer-token", ""),
        }

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        host = f"http://{self.headers['Host']}"
        if parts.path == "/v1/start":
            location = f"{host}/v1/token/{PATH}/landing?sig={quote(QUERY, safe='')}"
            self._send(302, b"", "text/plain", Location=location)
        elif parts.path.endswith("/landing"):
            body = {"ok": True, "reached": f"{host}{self.path}"}
            self._send(200, json.dumps(body).encode(), "application/json")
        elif parts.path.startswith("/v1/token/"):
            echo = self._echo()
            body = {
                "headers": echo,  # httpbin style: the request headers, by name
                "data": [
                    {
                        "id": "1",
                        "spend": "12.30",
                        "debug": {"seen": [{"value": unquote(parts.path.split("/")[3])}]},
                    }
                ],
                "request_url": f"{host}{self.path}",  # percent-encoded, as received
                "note": f"issued for {unquote(parts.query)}",
                "fingerprint": base64.b64encode(BEARER.encode()).decode(),
                "paging": {"next": f"{host}/v1/token/{PATH}/report?sig={quote_plus(QUERY)}"},
            }
            self._send(
                200,
                json.dumps(body).encode(),
                "application/json; charset=UTF-8",
                X_Echo_Authorization=echo["Authorization"],
                X_Echo_Key=echo["X-Api-Key"],
                Link=f'<{host}{self.path}>; rel="self"',
            )
        else:
            self._send(404, b"{}", "application/json")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        sent = json.loads(self.rfile.read(length) or b"{}")
        text = (
            f"welcome {self.headers.get('Authorization', '')}\n"
            f"client_secret={sent.get('client_secret', '')}\n"
            f"filter {json.dumps(sent.get('filter'))}\n"
        )
        self._send(200, text.encode(), "text/plain; charset=utf-8")


@pytest.fixture
def api(serve: Callable[[type[BaseHTTPRequestHandler]], str]) -> str:
    return serve(EchoAPI)


def report(base: str, *, bearer: str = BEARER, path: str = PATH) -> dict[str, Any]:
    """A Bearer-token client: custom auth headers, secret query, token in the path."""
    headers = {"Authorization": f"Bearer {bearer}", "X-Api-Key": API_KEY}
    headers["developer-token"] = DEV_TOKEN
    params = {"api_key": API_KEY, "sig": QUERY, "fields": "spend"}
    response = requests.get(
        f"{base}/v1/token/{path}/report", params=params, headers=headers, timeout=5
    )
    response.raise_for_status()
    result: dict[str, Any] = response.json()
    return result


def login(base: str) -> str:
    """A Basic-auth client posting a JSON body with a secret field and a plain one."""
    response = requests.post(
        f"{base}/v1/login",
        auth=(BASIC_USER, BASIC_PASSWORD),
        json={"client_secret": BODY, "filter": {"campaign": {"contains": BODY}}},
        timeout=5,
    )
    response.raise_for_status()
    return response.text


def follow(base: str) -> dict[str, Any]:
    """Follows a redirect whose Location carries secrets."""
    response = requests.get(f"{base}/v1/start", timeout=5)
    response.raise_for_status()
    result: dict[str, Any] = response.json()
    return result


def run_all(base: str) -> tuple[dict[str, Any], str, dict[str, Any]]:
    return report(base), login(base), follow(base)


def assert_no_canary(path: Path, canaries: tuple[str, ...] = CANARIES) -> None:
    data = path.read_bytes()
    for canary in canaries:
        for form in encoded_forms(canary):
            assert form.encode() not in data, f"{form!r} (a form of {canary!r}) survived"
    assert BASIC.encode() not in data
    assert BASIC.rstrip("=").encode() not in data


# ------------------------------------------------------------------ everything at once


@pytest.mark.block_network
def test_no_canary_survives_a_recording_and_the_cassette_replays(api: str, tmp_path: Path) -> None:
    path = tmp_path / "canary.yaml"
    with Cassette(path=path, secrets=[QUERY]).record(allow=()) as recording:
        # The guard stays on while this test records: only loopback gets through.
        assert not _guards[-1].allow_all
        with pytest.raises(NetworkBlockedError):
            requests.get("http://192.0.2.1/", timeout=1)
        live = run_all(api)
    assert [i.response.status for i in recording.interactions] == [200, 200, 302, 200]
    assert live[0]["headers"]["X-Api-Key"] == API_KEY  # the server did echo them

    assert_no_canary(path)
    text = path.read_text(encoding="utf-8")
    assert "url: http://127.0.0.1" in text
    assert "/v1/token/REDACTED/report" in text
    assert "x-echo-authorization: Bearer REDACTED" in text
    assert "spend: '12.30'" in text
    assert lint_file(path) == []

    # Replay: the server is gone; the same client, with the same secrets, runs on the file.
    with use_cassette(path, secrets=[QUERY]) as replay:
        replayed = run_all(api)
    assert replay.play_counts == [1, 1, 1, 1]
    assert replayed[0]["data"][0]["spend"] == "12.30"
    assert replayed[0]["headers"]["X-Api-Key"] == "REDACTED"
    assert replayed[2] == {"ok": True, "reached": replayed[2]["reached"]}
    assert PATH not in replayed[2]["reached"]


def test_replay_with_a_different_token_still_matches(api: str, tmp_path: Path) -> None:
    """The token in the path is learned from the Authorization header, live or replayed."""
    path = tmp_path / "token.yaml"
    with use_cassette(path, record=True, secrets=[QUERY]):
        report(api, bearer=PATH, path=PATH)
    assert_no_canary(path, (PATH, API_KEY, QUERY))
    fake = "fake-token-for-ci"
    with use_cassette(path, secrets=[QUERY]) as replay:
        answer = report(api, bearer=fake, path=fake)
    assert replay.play_counts == [1]
    assert answer["data"][0]["spend"] == "12.30"


# --------------------------------------------------- each leak of the issue, by name


def record(api: str, tmp_path: Path, client: Any) -> Path:
    """Record ``client`` with the default scrubber and no secret registered."""
    path = tmp_path / "leak.yaml"
    with use_cassette(path, record=True):
        client(api)
    return path


def test_bearer_token_from_the_authorization_header_is_not_recorded(
    api: str, tmp_path: Path
) -> None:
    path = record(api, tmp_path, report)
    assert BEARER.encode() not in path.read_bytes()
    assert base64.b64encode(BEARER.encode()).rstrip(b"=") not in path.read_bytes()


def test_basic_auth_credentials_are_not_recorded(api: str, tmp_path: Path) -> None:
    path = record(api, tmp_path, login)
    data = path.read_bytes()
    assert BASIC_PASSWORD.encode() not in data
    assert BASIC.rstrip("=").encode() not in data
    assert b"Basic REDACTED" in data


def test_token_in_a_custom_auth_header_is_not_recorded(api: str, tmp_path: Path) -> None:
    path = record(api, tmp_path, report)
    data = path.read_bytes()
    assert API_KEY.encode() not in data  # X-Api-Key (and api_key=)
    assert DEV_TOKEN.encode() not in data  # Google Ads' developer-token


def test_token_in_a_url_path_segment_is_not_recorded(api: str, tmp_path: Path) -> None:
    path = record(api, tmp_path, report)
    data = path.read_bytes()
    assert PATH.encode() not in data
    assert b"/v1/token/REDACTED/report" in data


def test_token_echoed_in_a_response_body_is_not_recorded(api: str, tmp_path: Path) -> None:
    path = record(api, tmp_path, login)
    data = path.read_bytes()
    assert BODY.encode() not in data  # in the request's client_secret, its filter, the text


def test_secret_in_a_redirect_location_is_not_recorded(api: str, tmp_path: Path) -> None:
    path = tmp_path / "redirect.yaml"
    with use_cassette(path, record=True, secrets=[PATH, QUERY]):
        follow(api)
    assert_no_canary(path, (PATH, QUERY))


def test_a_secret_too_short_to_scrub_by_value_is_refused(tmp_path: Path) -> None:
    cassette = Cassette(path=tmp_path / "x.yaml")
    with pytest.raises(ValueError, match="shorter than 8 characters"):
        cassette.secret("abc")
    cassette.secret(SecretStr(BEARER), {"client_secret": BODY})
    assert cassette.scrubber.secrets >= {BEARER, BODY}


# ------------------------------------------------------------ any secret, any place

_ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQSTUVWXYZ0123456789-_.~+/=%:@!$*"


@given(
    secret=st.text(_ALPHABET, min_size=8, max_size=24).filter(
        lambda s: "redacted" not in s.lower()
    ),
    prefix=st.text("abc/-=?&: ", max_size=4),
)
def test_a_registered_secret_leaves_no_form_in_the_written_cassette(
    secret: str, prefix: str
) -> None:
    encoded = base64.b64encode(f"user:{secret}".encode()).decode()
    request = Request(
        "POST",
        f"https://api.example.test/v1/{quote(secret, safe='')}/x",
        query={"q": secret, "list": [f"{prefix}{secret}"]},
        headers={"content-type": "application/json"},
        body={"a": [{"b": {"c": f"{prefix}{secret}"}}], f"k{secret}": 1},
    )
    response = Response(
        200,
        {"x-echo": f"Basic {encoded}", "link": f"<https://h.test/?s={quote_plus(secret)}>"},
        f"{prefix}{json.dumps(secret)}\n{base64.b64encode(secret.encode()).decode()}",
    )
    cassette = Cassette([Interaction(request, response)], secrets=[secret])
    text = Cassette([i.scrubbed(cassette.scrubber) for i in cassette.interactions]).to_yaml()
    for form in encoded_forms(secret) | {quote(secret, safe="")}:
        assert form not in text
    assert encoded.rstrip("=") not in text
