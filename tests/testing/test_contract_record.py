"""`--record` records every cassette the contract suite replays, offline.

The connector is the scaffold's (`partnerkit new-connector`), written into a pytester
folder; its "real API" is a loopback server that answers only the real token. Recording
writes the stream's cassette and check.yaml from the server, with the real token from
the environment, and every contract check then passes on them.
"""

import json
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

# pytester runs in-process; import the cassette module up front (see test_plugin.py).
import partnerkit.testing.cassette  # noqa: F401
from partnerkit.scaffold import render_connector

REAL_TOKEN = "real-token-" + "k3Qx9" * 6
CONFTEST = """
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent.parent / "src"))

from partnerkit_loop import LoopConnector

from partnerkit.registry import register_connector, unregister_connector


@pytest.fixture(autouse=True)
def _registered():
    register_connector(LoopConnector)
    yield
    unregister_connector("loop")
"""


class FakeAPI(BaseHTTPRequestHandler):
    """The example API of the template: the account, and daily rows on two pages."""

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if self.headers.get("Authorization") != f"Bearer {REAL_TOKEN}":
            self._send(401, {"error": {"message": "Invalid token", "code": 401}})
        elif parts.path == "/v1/accounts/acc-42":
            self._send(200, {"id": "acc-42", "name": "Loopback account", "currency": "EUR"})
        elif parts.path == "/v1/accounts/acc-42/daily" and "cursor" not in query:
            rows = [{"day": query["since"], "clicks": "7", "cost": "2.00"}]
            self._send(200, {"data": rows, "next_cursor": "p2"})
        elif parts.path == "/v1/accounts/acc-42/daily":
            rows = [
                {"day": "2026-10-02", "clicks": "5", "cost": "1.25"},
                {"day": query["until"], "clicks": "1", "cost": "0.50"},
            ]
            self._send(200, {"data": rows, "next_cursor": None})
        else:
            self._send(404, {"error": {"message": "no such path", "code": 404}})

    def _send(self, status: int, body: dict[str, Any]) -> None:
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)


@pytest.fixture
def api(serve: Callable[[type[BaseHTTPRequestHandler]], str]) -> str:
    return serve(FakeAPI)


@pytest.fixture
def package(pytester: pytest.Pytester) -> Path:
    for relative, text in render_connector("loop").items():
        path = pytester.path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (pytester.path / "tests" / "conftest.py").write_text(CONFTEST)
    return pytester.path


def test_record_writes_every_cassette_the_contract_replays(
    pytester: pytest.Pytester, package: Path, api: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARTNERKIT_LOOP_BASE_URL", api)
    monkeypatch.setenv("PARTNERKIT_LOOP_API_TOKEN", REAL_TOKEN)
    cassettes = package / "tests" / "cassettes" / "contract"
    result = pytester.runpytest_inprocess(
        "tests", "-k", "TestLoopContract", "--record", "-q", "-p", "no:cacheprovider"
    )
    # every contract check passes, on the cassettes it has just recorded
    result.assert_outcomes(passed=15)
    daily = yaml.safe_load((cassettes / "daily.yaml").read_text())
    assert [i["request"]["query"] for i in daily["interactions"]] == [
        {"since": "2026-10-01", "until": "2026-10-03"},
        {"since": "2026-10-01", "until": "2026-10-03", "cursor": "p2"},
    ]
    assert daily["interactions"][1]["response"]["body"]["data"][0] == {
        "day": "2026-10-02",
        "clicks": "5",
        "cost": "1.25",
    }
    check = yaml.safe_load((cassettes / "check.yaml").read_text())
    assert [i["response"]["body"]["name"] for i in check["interactions"]] == ["Loopback account"]
    for path in cassettes.iterdir():
        assert REAL_TOKEN not in path.read_text(), path

    # replayed without the real token (the fake one of the contract), offline
    monkeypatch.delenv("PARTNERKIT_LOOP_API_TOKEN")
    replay = pytester.runpytest_inprocess(
        "tests", "-k", "TestLoopContract", "-q", "-p", "no:cacheprovider"
    )
    replay.assert_outcomes(passed=15)


def test_record_without_the_real_secret_says_which_variable(
    pytester: pytest.Pytester, package: Path, api: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARTNERKIT_LOOP_BASE_URL", api)
    monkeypatch.delenv("PARTNERKIT_LOOP_API_TOKEN", raising=False)
    before = (package / "tests" / "cassettes" / "contract" / "daily.yaml").read_text()
    result = pytester.runpytest_inprocess(
        "tests", "-k", "read_yields", "--record", "-q", "-p", "no:cacheprovider"
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*needs the real secret(s) in the environment: PARTNERKIT_LOOP_API_TOKEN*"]
    )
    assert (package / "tests" / "cassettes" / "contract" / "daily.yaml").read_text() == before
