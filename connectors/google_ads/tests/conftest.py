"""Shared fixtures: the cassettes, a connector factory, and Google Ads error bodies.

Tests run with ``--import-mode=importlib``, so test modules cannot import this file:
everything they share is a fixture.

The credentials are a bare access token (``google.oauth2.credentials.Credentials``
with a token and no expiry), so no OAuth traffic happens except in the refresh-flow
test, whose cassette replays Google's token endpoint too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from partnerkit_google_ads import GoogleAdsConnector

from partnerkit.testing.pytest_plugin import every_test_on_fake_time

CASSETTES = Path(__file__).parent / "cassettes"
MANAGER = "1234567890"
SECRETS = {"developer_token": "test-developer-token", "access_token": "test-access-token"}
#: 2026-10-10 15:00 UTC: every day the cassettes read lies in the past.
NOW = dt.datetime(2026, 10, 10, 15, 0, tzinfo=dt.UTC)


_on_fake_time = every_test_on_fake_time()


@pytest.fixture
def make_connector() -> Callable[..., GoogleAdsConnector]:
    """Build a connector: ``make_connector(now=..., **settings)`` (secrets included)."""

    def make(now: dt.datetime = NOW, **settings: Any) -> GoogleAdsConnector:
        return GoogleAdsConnector({**SECRETS, **settings}, now=lambda: now)

    return make
