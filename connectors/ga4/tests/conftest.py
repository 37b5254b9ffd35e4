"""Shared fixtures: the test settings, a connector factory and a reader over cassettes.

Tests run with ``--import-mode=importlib``, so test modules cannot import this file:
everything they share is a fixture. Cassettes live in ``cassettes/`` next to this file;
their shapes and what they are based on are listed in the connector's README.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from partnerkit_ga4 import Ga4Connector

from partnerkit.connector import ReadRequest
from partnerkit.http import RetryPolicy
from partnerkit.testing import ReadThrough, read_through
from partnerkit.testing.pytest_plugin import every_test_on_fake_time

CASSETTES = Path(__file__).parent / "cassettes"
PROPERTY = "123456789"
TOKEN = "test-access-token-not-real"

#: The settings the contract cassettes were written for.
SETTINGS: dict[str, Any] = {
    "accounts": [PROPERTY],
    "lead_events": ["generate_lead", "form_submit"],
    "custom_reports": [
        {
            "name": "devices",
            "dimensions": ["deviceCategory", "sessionSource"],
            "metrics": ["sessions", "activeUsers", "engagementRate", "screenPageViews"],
        }
    ],
}

#: The connectors' clock (``clock=``) in every test: well after the cassettes' October
#: days, so a read with an explicit end needs no time-zone probe. It is the moment of a
#: read that sets no ``as_of``, and says when a daily quota refreshes.
NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


_on_fake_time = every_test_on_fake_time()


@pytest.fixture
def make() -> Callable[..., Ga4Connector]:
    """Build a connector: the test settings overlaid with ``**overrides``.

    The retry policy has no jitter, so a test can assert every wait exactly:
    1, 2, 4, 8 s between attempts unless the API asks for a wait.
    """

    def build(
        *, now: dt.datetime = NOW, policy: RetryPolicy | None = None, **overrides: Any
    ) -> Ga4Connector:
        settings = {**SETTINGS, "access_token": TOKEN, **overrides}
        return Ga4Connector(
            settings,
            retry_policy=policy or RetryPolicy(jitter=0.0),
            clock=lambda: now,
        )

    return build


@pytest.fixture
def read(make: Callable[..., Ga4Connector]) -> Callable[..., ReadThrough]:
    """Read one request through a cassette: ``(records, notices, cassette)``.

    ``as_of`` is the request's moment (``None``: the connector's clock, ``now``).
    ``faults={index: [fault, ...]}`` serves the faults before interaction ``index``.
    """

    def run(
        cassette: str,
        stream: str = "traffic",
        *,
        start: dt.date | None = None,
        end: dt.date | None = None,
        accounts: tuple[str, ...] | list[str] = (),
        include_today: bool = False,
        as_of: dt.datetime | None = None,
        options: dict[str, Any] | None = None,
        now: dt.datetime = NOW,
        allow_unused: bool = False,
        faults: dict[int, list[Any]] | None = None,
        **settings: Any,
    ) -> ReadThrough:
        if accounts:  # the properties read must be configured too
            settings.setdefault("accounts", list(accounts))
        request = ReadRequest(
            stream=stream,
            start=start,
            end=end,
            accounts=tuple(accounts),
            include_today=include_today,
            as_of=as_of,
            options=options or {},
        )
        connector = make(now=now, **settings)
        return read_through(
            CASSETTES / cassette, connector, request, faults=faults, allow_unused=allow_unused
        )

    return run
