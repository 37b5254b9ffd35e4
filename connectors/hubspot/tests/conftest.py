"""Shared fixtures of the HubSpot connector's tests.

Tests run with ``--import-mode=importlib``, so test modules cannot import this file:
everything they share is a fixture. Every test runs on a fake clock (retries and
rate limiters never really sleep). Connectors from ``connect`` tell the time by a
clock fixed at 2026-11-02 10:00 UTC (``now=``): a read whose request sets no
``as_of`` happens then, and so does a check, so default read ranges and the daily
limit's reset time do not depend on the day the suite runs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from partnerkit_hubspot import HubSpotConnector

from partnerkit.connector import Notice
from partnerkit.testing.pytest_plugin import every_test_on_fake_time

CASSETTES = Path(__file__).parent / "cassettes"
NOW = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)

#: The test salt; every expected hash is sha256(SALT + normalised value), computed with
#: hashlib in the tests themselves.
SALT = "test-salt-5d1c0f"

#: Settings of the test portal (Shemesh Solar, portal 24681357, Asia/Jerusalem, ILS).
BASE_SETTINGS: dict[str, Any] = {
    "accounts": ["24681357"],
    "access_token": "test-token-not-real",
    "hash_salt": SALT,
}


_on_fake_time = every_test_on_fake_time()


@pytest.fixture
def salt() -> str:
    return SALT


@pytest.fixture
def settings() -> dict[str, Any]:
    return dict(BASE_SETTINGS)


@pytest.fixture
def connect() -> Callable[..., HubSpotConnector]:
    """Build a connector from the base settings with overrides; its clock says NOW."""

    def make(**overrides: Any) -> HubSpotConnector:
        return HubSpotConnector({**BASE_SETTINGS, **overrides}, now=lambda: NOW)

    return make


def _split(items: list[Any]) -> tuple[list[dict[str, Any]], list[Notice]]:
    records = [i for i in items if not isinstance(i, Notice)]
    notices = [i for i in items if isinstance(i, Notice)]
    return records, notices


@pytest.fixture
def split() -> Callable[[list[Any]], tuple[list[dict[str, Any]], list[Notice]]]:
    """Separate records from notices in a connector's raw ``read()`` output."""
    return _split
