"""Shared fixtures of the testing kit's tests.

Tests run with ``--import-mode=importlib``, so test modules cannot import this file:
what they share is a fixture.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

pytest_plugins = ["pytester"]


def _quiet(self: BaseHTTPRequestHandler, format: str, *args: object) -> None:
    """No request log on stderr."""


@pytest.fixture
def serve() -> Iterator[Callable[[type[BaseHTTPRequestHandler]], str]]:
    """Start a loopback HTTP server answering with a handler class; give its base URL.

    The stand-in for a real API in the recording tests: ``serve(Handler)`` returns
    ``http://127.0.0.1:<port>``. The handler's request log is silenced; every server
    started is shut down after the test.
    """
    running: list[tuple[ThreadingHTTPServer, threading.Thread]] = []

    def start(handler: type[BaseHTTPRequestHandler]) -> str:
        quiet = type(handler.__name__, (handler,), {"log_message": _quiet})
        server = ThreadingHTTPServer(("127.0.0.1", 0), quiet)
        thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        running.append((server, thread))
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server, thread in running:
        server.shutdown()
        server.server_close()
        thread.join()
