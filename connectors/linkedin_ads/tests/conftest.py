"""Shared fixtures: the test settings and a reader over cassettes.

Tests run with ``--import-mode=importlib``, so test modules cannot import this file:
everything they share is a fixture. The cassettes in ``cassettes/contract`` are written
by hand from LinkedIn's published reference (see the connector's README): a made-up ad
account ``508000001``, made-up campaigns and example.com/example.org form answers; no
secret and no real person's data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from partnerkit_linkedin_ads import LinkedInAdsConnector

from partnerkit.connector import ReadRequest
from partnerkit.testing import ReadThrough, read_through
from partnerkit.testing.pytest_plugin import every_test_on_fake_time

CASSETTES = Path(__file__).parent / "cassettes" / "contract"
ACCOUNT = "508000001"
TOKEN = "test-access-token-not-real"
SALT = "test-salt-not-real"


_on_fake_time = every_test_on_fake_time()


@pytest.fixture
def read() -> Callable[..., ReadThrough]:
    """``read(stream, cassette=None, start=, end=, faults=, **settings)``: a stream's read.

    Through ``read_through`` and the stream's contract cassette, with the test settings
    overlaid by ``settings``.
    """

    def run(
        stream: str = "campaign_performance",
        *,
        cassette: str | None = None,
        start: dt.date = dt.date(2026, 10, 1),
        end: dt.date = dt.date(2026, 10, 3),
        faults: dict[int, list[Any]] | None = None,
        allow_unused: bool = False,
        **settings: Any,
    ) -> ReadThrough:
        request = ReadRequest(stream=stream, start=start, end=end)
        config = {"account_id": ACCOUNT, "access_token": TOKEN, "hash_salt": SALT, **settings}
        path = CASSETTES / (cassette or f"{stream}.yaml")
        connector = LinkedInAdsConnector(config)
        return read_through(
            path, connector, request, faults=faults, allow_unused=allow_unused, record=False
        )

    return run
