"""The network guard blocks real sockets (before connecting) and lets loopback through."""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import requests

from partnerkit.testing import NetworkBlockedError, allow_network, block_network

pytestmark = pytest.mark.allow_network  # these tests install their own guard

TEST_NET = ("203.0.113.1", 80)  # RFC 5737 TEST-NET-3: the guard raises before any packet


def test_blocks_a_socket_connect() -> None:
    with (
        block_network() as guard,
        socket.socket() as sock,
        pytest.raises(NetworkBlockedError, match=r"203\.0\.113\.1:80") as caught,
    ):
        sock.connect(TEST_NET)
    assert (caught.value.host, caught.value.port) == TEST_NET
    assert guard.blocked == [caught.value]
    assert isinstance(caught.value, AssertionError)


def test_blocks_connect_ex_create_connection_and_dns() -> None:
    with block_network():
        with socket.socket() as sock, pytest.raises(NetworkBlockedError):
            sock.connect_ex(TEST_NET)
        with pytest.raises(NetworkBlockedError, match=r"203\.0\.113\.1:80"):
            socket.create_connection(TEST_NET, timeout=0.1)
        with pytest.raises(NetworkBlockedError, match=r"graph\.facebook\.com:443"):
            socket.getaddrinfo("graph.facebook.com", 443)


def test_requests_gets_the_error_unwrapped() -> None:
    with block_network(), pytest.raises(NetworkBlockedError, match=r"graph\.facebook\.com"):
        requests.get("https://graph.facebook.com/v19.0/me", timeout=1)


def test_ipv6_is_blocked_too() -> None:
    with (
        block_network(),
        socket.socket(socket.AF_INET6) as sock,
        pytest.raises(NetworkBlockedError, match="2001:db8::1"),
    ):
        sock.connect(("2001:db8::1", 443, 0, 0))


class _Hello(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "5")
        self.end_headers()
        self.wfile.write(b"hello")

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_loopback_is_allowed() -> None:
    server = HTTPServer(("127.0.0.1", 0), _Hello)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    port = server.server_address[1]
    try:
        with block_network() as guard:
            assert requests.get(f"http://localhost:{port}/", timeout=5).text == "hello"
            assert socket.getaddrinfo("localhost", port)
        assert guard.blocked == []
    finally:
        thread.join()
        server.server_close()


def test_loopback_can_be_blocked_and_hosts_allowed() -> None:
    with block_network(allow=["db.internal", "10.1.2.3:5432"], allow_loopback=False) as guard:
        assert guard.allows("DB.internal")
        assert guard.allows("10.1.2.3", 5432)
        assert not guard.allows("10.1.2.3", 80)
        with socket.socket() as sock, pytest.raises(NetworkBlockedError):
            sock.connect(("127.0.0.1", 9))


def test_unix_sockets_are_not_blocked() -> None:
    with block_network():
        left, right = socket.socketpair()
        left.close()
        right.close()


def test_guards_nest_and_allow_network_opens_them() -> None:
    with block_network(), allow_network() as permit:
        assert permit.allows("203.0.113.1", 80)
    with block_network() as outer:
        with block_network(allow=["203.0.113.1"]) as inner:
            assert inner.allows(*TEST_NET)
        assert not outer.allows(*TEST_NET)


def test_patches_are_removed_on_exit() -> None:
    before = (socket.socket.connect, socket.create_connection, socket.getaddrinfo)
    with block_network():
        assert socket.getaddrinfo is not before[2]
    assert (socket.socket.connect, socket.create_connection, socket.getaddrinfo) == before
    assert "connect" not in vars(socket.socket)
