"""Shared fixtures: the test settings, a connector factory and a reader over cassettes.

Tests run with ``--import-mode=importlib``, so test modules cannot import this file:
everything they share is a fixture. The cassettes in ``cassettes/`` are hand-made from
the API's published reference (see the connector's README): a domain property
``sc-domain:example.com`` and made-up queries, no personal data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from partnerkit_search_console import SearchConsoleConnector

from partnerkit.connector import ReadRequest
from partnerkit.testing import ReadThrough, read_through
from partnerkit.testing.pytest_plugin import every_test_on_fake_time

CASSETTES = Path(__file__).parent / "cassettes"
SITE = "sc-domain:example.com"
TOKEN = "test-access-token-not-real"


_on_fake_time = every_test_on_fake_time()


@pytest.fixture
def read() -> Callable[..., ReadThrough]:
    """``read(cassette, stream, start=, end=, as_of=, faults=, **settings)`` via ``read_through``.

    The settings overlay a token and the property; no jitter-free retry policy is
    needed, since the fake clock records the waits.
    """

    def run(
        cassette: str,
        stream: str = "search_performance",
        *,
        start: dt.date = dt.date(2026, 10, 1),
        end: dt.date = dt.date(2026, 10, 3),
        as_of: dt.datetime | None = None,
        faults: dict[int, list[Any]] | None = None,
        allow_unused: bool = False,
        **settings: Any,
    ) -> ReadThrough:
        request = ReadRequest(stream=stream, start=start, end=end, as_of=as_of)
        config = {"site_url": SITE, "access_token": TOKEN, **settings}
        return read_through(
            CASSETTES / cassette,
            SearchConsoleConnector(config),
            request,
            faults=faults,
            allow_unused=allow_unused,
        )

    return run
