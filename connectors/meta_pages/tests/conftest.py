"""Shared fixtures: the test settings and a reader over cassettes.

Tests run with ``--import-mode=importlib``, so test modules cannot import this file:
everything they share is a fixture. The cassettes were written by hand from the Graph
API reference's shapes ("Page Insights", "Instagram Account Insights"): a made-up Page
``104857600123`` (Cafe Lumen) and its made-up Instagram account ``17841400000000001``;
no token and no real person's data. Reads happen as of 2026-10-15 09:00 UTC.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from partnerkit_meta_pages import MetaPagesConnector

from partnerkit.connector import ReadRequest
from partnerkit.testing import FakeClock, ReadThrough, read_through

CASSETTES = Path(__file__).parent / "cassettes"
PAGE = "104857600123"
IG = "17841400000000001"
BASE = {
    "access_token": "test-page-token-not-real",
    "pages": [PAGE],
    "instagram_accounts": [IG],
    "api_version": "v26.0",
}
NOW = dt.datetime(2026, 10, 15, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _on_fake_time(fake_time: FakeClock) -> None:
    """Retries and rate limiters wait on a fake clock (``fake_time``): nothing sleeps."""


@pytest.fixture
def read() -> Callable[..., ReadThrough]:
    """``read(stream=, cassette=None, start=, end=, faults=, replace=, **settings)``.

    A stream read through ``read_through`` and the contract cassette of the stream (or
    ``cassettes/<cassette>.yaml``), with the base settings overlaid by ``settings``.
    """

    def run(
        *,
        stream: str = "page_insights",
        cassette: str | None = None,
        start: dt.date = dt.date(2026, 10, 1),
        end: dt.date = dt.date(2026, 10, 2),
        as_of: dt.datetime = NOW,
        faults: dict[int, list[Any]] | None = None,
        replace: dict[int, Any] | None = None,
        allow_unused: bool = False,
        **settings: Any,
    ) -> ReadThrough:
        request = ReadRequest(stream=stream, start=start, end=end, as_of=as_of)
        path = CASSETTES / (f"{cassette}.yaml" if cassette else f"contract/{stream}.yaml")
        connector = MetaPagesConnector({**BASE, **settings})
        return read_through(
            path,
            connector,
            request,
            faults=faults,
            replace=replace,
            allow_unused=allow_unused,
            record=False,
        )

    return run
