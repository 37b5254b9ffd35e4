"""The pytest plugin: fixtures, markers, --record and the network guard, via pytester."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler

import pytest

# Imported here so pytester's in-process runs (which restore sys.modules after each
# run) share one copy of requests and the cassette code.
import partnerkit.testing.cassette  # noqa: F401

pytestmark = pytest.mark.allow_network  # the inner runs install their own guards

PING = """\
version: 1
interactions:
- request: {method: GET, url: 'https://api.example.com/ping'}
  response: {status: 200, body: {pong: true}}
"""


def write_cassette(pytester: pytest.Pytester, relative: str, text: str = PING) -> None:
    path = pytester.path / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_cassette_fixture_replays_the_default_path(pytester: pytest.Pytester) -> None:
    write_cassette(pytester, "cassettes/test_api/test_ping.yaml")
    write_cassette(pytester, "cassettes/test_api/TestGroup.test_ping.yaml")
    pytester.makepyfile(
        test_api="""
        import requests

        def test_ping(cassette):
            assert requests.get("https://api.example.com/ping", timeout=5).json() == {"pong": True}
            assert cassette.play_counts == [1]
            assert cassette.path.name == "test_ping.yaml"

        class TestGroup:
            def test_ping(self, cassette):
                assert requests.get("https://api.example.com/ping", timeout=5).ok
        """
    )
    pytester.runpytest("--strict-markers").assert_outcomes(passed=2)


def test_marker_names_the_cassette_and_sets_options(pytester: pytest.Pytester) -> None:
    write_cassette(pytester, "cassettes/test_api/shared.yaml")
    pytester.makepyfile(
        test_api="""
        import pytest

        @pytest.mark.cassette("shared", allow_unused=True)
        def test_nothing_requested(cassette):
            assert cassette.unused() == [0]
        """
    )
    pytester.runpytest("--strict-markers").assert_outcomes(passed=1)


def test_missing_cassette_says_how_to_record(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_api="def test_ping(cassette):\n    pass\n")
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "*No cassette at *cassettes/test_api/test_ping.yaml*",
            "*uv run pytest 'test_api.py::test_ping' --record*",
        ]
    )


def test_unused_and_swallowed_errors_fail_at_teardown(pytester: pytest.Pytester) -> None:
    write_cassette(pytester, "cassettes/test_api/test_unused.yaml")
    write_cassette(pytester, "cassettes/test_api/test_swallowed.yaml")
    write_cassette(pytester, "cassettes/test_api/test_own_failure.yaml")
    pytester.makepyfile(
        test_api="""
        import pytest, requests

        def test_unused(cassette):
            pass

        @pytest.mark.cassette(allow_unused=True)
        def test_swallowed(cassette):
            try:
                requests.get("https://api.example.com/other", timeout=5)
            except Exception:
                pass

        def test_own_failure(cassette):
            assert False, "the test's own failure"
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=2, failed=1, errors=2)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_unused*",
            "*1 recorded interaction(s) of *test_unused.yaml were never requested*",
            "*ERROR at teardown of test_swallowed*",
            "*No recorded interaction in *test_swallowed.yaml matches*",
        ]
    )
    assert "test_own_failure.yaml were never requested" not in result.stdout.str()


class _Api(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b'{"owner": "dana@acme.com", "spend": "1.50", "seen": "%s"}' % self.path.encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def api(serve: Callable[[type[BaseHTTPRequestHandler]], str]) -> str:
    return serve(_Api)


def test_record_then_replay(pytester: pytest.Pytester, api: str) -> None:
    pytester.makeini("[pytest]\npartnerkit_block_network = true\n")
    pytester.makepyfile(
        test_api=f"""
        import requests

        def test_spend(cassette):
            response = requests.get("{api}/report", params={{"hapikey": "x" * 20}}, timeout=5)
            assert response.json()["spend"] == "1.50"

        def test_other(cassette):
            pass
        """
    )
    pytester.runpytest("--record", "-k", "spend").assert_outcomes(passed=1)
    recorded = pytester.path / "cassettes" / "test_api" / "test_spend.yaml"
    text = recorded.read_text(encoding="utf-8")
    assert "hapikey: REDACTED" in text
    assert "dana@acme.com" not in text
    assert "owner: user-" in text
    assert not (pytester.path / "cassettes" / "test_api" / "test_other.yaml").exists()
    pytester.runpytest("-k", "spend").assert_outcomes(passed=1)  # replays; the guard is on


def test_record_scrubs_the_connection_secrets_by_value(
    pytester: pytest.Pytester, api: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A settings class's secret from the environment and a marker's secret, by value."""
    monkeypatch.setenv("PARTNERKIT_DEMO_API_TOKEN", "envToken-31415")
    pytester.makeini("[pytest]\npartnerkit_block_network = true\n")
    pytester.makepyfile(
        test_api=f"""
        import os
        import pytest
        import requests
        from pydantic import SecretStr
        from pydantic_settings import SettingsConfigDict
        from partnerkit.connector import ConnectorSettings

        class DemoSettings(ConnectorSettings):
            model_config = SettingsConfigDict(env_prefix="PARTNERKIT_DEMO_")
            api_token: SecretStr

        @pytest.mark.cassette(secrets=["markerSecret-2718"])
        def test_spend(cassette):
            token = DemoSettings().api_token.get_secret_value()
            params = {{"q": "markerSecret-2718"}}
            response = requests.get("{api}/v1/" + token + "/report", params=params, timeout=5)
            assert response.json()["spend"] == "1.50"
        """
    )
    pytester.runpytest("--record").assert_outcomes(passed=1)
    text = (pytester.path / "cassettes" / "test_api" / "test_spend.yaml").read_text("utf-8")
    assert "envToken-31415" not in text
    assert "markerSecret-2718" not in text
    assert "/v1/REDACTED/report" in text
    assert "seen: /v1/REDACTED/report?q=REDACTED" in text
    pytester.runpytest().assert_outcomes(passed=1)  # replays with the same secrets


def test_record_option_reaches_use_cassette(pytester: pytest.Pytester, api: str) -> None:
    """Connector fixtures call use_cassette() and record_requested(): --record reaches them."""
    pytester.makepyfile(
        test_api=f"""
        import requests
        from partnerkit.testing import use_cassette
        from partnerkit.testing.guard import record_requested

        def test_spend(tmp_path):
            assert record_requested()
            with use_cassette("{pytester.path}/own.yaml") as tape:
                assert requests.get("{api}/report", timeout=5).ok
            assert tape.recording
        """
    )
    pytester.runpytest("--record").assert_outcomes(passed=1)
    assert (pytester.path / "own.yaml").exists()
    pytester.runpytest().assert_outcomes(failed=1)  # without --record it replays
    from partnerkit.testing.guard import record_requested

    assert not record_requested()  # the inner sessions' flag is gone


def test_record_env_var(
    pytester: pytest.Pytester, api: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARTNERKIT_RECORD", "1")
    pytester.makepyfile(
        test_api=f"""
        import requests

        def test_spend(cassette):
            assert requests.get("{api}/report", timeout=5).ok
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)
    assert (pytester.path / "cassettes" / "test_api" / "test_spend.yaml").exists()


GUARDED = """
import socket
import pytest
from partnerkit.testing import NetworkBlockedError

def guarded():
    return "connect" in vars(socket.socket)

def test_connect():
    with socket.socket() as sock:
        sock.connect(("203.0.113.1", 80))

@pytest.mark.allow_network
def test_opted_out():
    assert not guarded()

@pytest.mark.block_network(allow=["203.0.113.1"])
def test_marker_allows_a_host():
    assert guarded()
    assert socket.getaddrinfo("203.0.113.1", 80)

def test_swallowed():
    try:
        socket.getaddrinfo("graph.facebook.com", 443)
    except Exception:
        pass
"""


def test_ini_option_guards_every_test(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\npartnerkit_block_network = true\n")
    pytester.makepyfile(test_net=GUARDED)
    result = pytester.runpytest("--strict-markers", "--strict-config")
    result.assert_outcomes(passed=2, failed=2)
    result.stdout.fnmatch_lines(
        [
            "*_ test_connect _*",
            "E *NetworkBlockedError: partnerkit blocked a network connection to 203.0.113.1:80*",
            "*_ test_swallowed _*",
            "E *NetworkBlockedError: * to graph.facebook.com:443*",
        ]
    )


def test_ini_allow_hosts(pytester: pytest.Pytester) -> None:
    pytester.makeini(
        "[pytest]\npartnerkit_block_network = true\npartnerkit_allow_hosts =\n    203.0.113.7\n"
    )
    pytester.makepyfile(
        test_net="""
        import socket
        from partnerkit.testing import NetworkBlockedError

        import pytest

        def test_allowed_host_passes_the_guard():
            assert socket.getaddrinfo("203.0.113.7", 443)  # an address: no DNS query

        def test_others_fail_the_test_even_when_caught():
            with pytest.raises(NetworkBlockedError):
                socket.getaddrinfo("203.0.113.8", 443)
        """
    )
    pytester.runpytest().assert_outcomes(passed=1, failed=1)


def test_off_by_default_and_the_marker_turns_it_on(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_net="""
        import socket
        import pytest
        from partnerkit.testing import NetworkBlockedError

        def test_no_guard():
            assert "connect" not in vars(socket.socket)

        @pytest.mark.block_network
        def test_marked():
            with socket.socket() as sock, pytest.raises(NetworkBlockedError):
                sock.connect(("203.0.113.1", 80))
        """
    )
    pytester.runpytest("--strict-markers").assert_outcomes(passed=1, failed=1)


def test_recording_turns_the_guard_off(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\npartnerkit_block_network = true\n")
    pytester.makepyfile(
        test_net="""
        import socket

        def test_no_guard():
            assert "connect" not in vars(socket.socket)
        """
    )
    pytester.runpytest("--record").assert_outcomes(passed=1)


def test_fake_clock_fixture(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_clock="""
        def test_clock(fake_clock):
            start = fake_clock.monotonic()
            fake_clock.sleep(2.5)
            assert fake_clock.monotonic() - start == 2.5
            assert fake_clock.sleeps == [2.5]
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_markers_and_options_are_documented(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--markers")
    result.stdout.fnmatch_lines(
        [
            "@pytest.mark.cassette(name=None*",
            "@pytest.mark.block_network*",
            "@pytest.mark.allow_network*",
        ]
    )
    pytester.runpytest("--help").stdout.fnmatch_lines(
        ["*--record*", "*partnerkit_block_network*", "*partnerkit_allow_hosts*"]
    )


def test_plugin_and_package_import_cheaply() -> None:
    code = textwrap.dedent(
        """
        import sys
        import partnerkit.testing, partnerkit.testing.pytest_plugin
        print(sorted(m for m in ("responses", "yaml", "requests") if m in sys.modules))
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_cassettes_fixture_is_the_folder_beside_the_test_module(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        test_where=f"""
        from pathlib import Path

        def test_it(cassettes):
            assert cassettes == Path({str(pytester.path)!r}) / "cassettes"
        """
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)
