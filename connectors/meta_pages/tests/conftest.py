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

import pytest
from partnerkit_meta_pages import MetaPagesConnector

from partnerkit.testing import ReadThrough, stream_reader
from partnerkit.testing.pytest_plugin import every_test_on_fake_time

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


_on_fake_time = every_test_on_fake_time()


@pytest.fixture
def read() -> Callable[..., ReadThrough]:
    """``read(stream=, cassette=None, start=, end=, faults=, replace=, **settings)``.

    A stream read through ``stream_reader`` and the contract cassette of the stream (or
    ``cassettes/<cassette>.yaml``), with the base settings overlaid by ``settings``.
    """
    return stream_reader(
        CASSETTES,
        lambda settings: MetaPagesConnector({**BASE, **settings}),
        stream="page_insights",
        start=dt.date(2026, 10, 1),
        end=dt.date(2026, 10, 2),
        as_of=NOW,
    )
