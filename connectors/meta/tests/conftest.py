"""Shared fixtures of the Meta connector's tests.

Tests run with ``--import-mode=importlib``, so test modules cannot import this file:
everything they share is a fixture.

* Reads happen as of 2026-10-15 09:00 UTC (12:00 in Asia/Jerusalem): a connector from
  the ``meta`` fixture reads a request without ``ReadRequest.as_of`` as of that moment,
  the ``read`` fixture sets it unless a test gives its own, and the ``as_of`` fixture
  hands it to tests that call the connector's internals. "Today" and "yesterday"
  never depend on the day the suite runs.
* Every test runs on a fake clock: retries, rate-limiter pauses and report polls wait
  on it, never for real, and ``fake_clock.sleeps`` lists the exact waits.
* The cassettes were written by hand from Meta's documented shapes (see the README's
  "Fixtures" section) and are replayed below the SDK.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from partnerkit_meta import MetaConnector

from partnerkit.connector import Notice, ReadRequest
from partnerkit.testing import Cassette, use_cassette
from partnerkit.testing.guard import record_requested
from partnerkit.testing.pytest_plugin import every_test_on_fake_time

CASSETTES = Path(__file__).parent / "cassettes"
#: Fake secrets; the contract suite also passes them through the environment.
SECRETS = {"access_token": "test-token-not-real", "app_secret": "test-app-secret-not-real"}
#: The settings most cassettes were written for: one Israeli account, 2-row pages.
BASE = {"accounts": ["act_1029384756"], "api_version": "v26.0", "page_size": 2}
NOW = dt.datetime(2026, 10, 15, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def as_of() -> dt.datetime:
    """The moment the tests' reads happen (``ReadRequest.as_of``)."""
    return NOW


_on_fake_time = every_test_on_fake_time()


@pytest.fixture
def meta() -> Callable[..., MetaConnector]:
    """Build a connector from the base settings, the fake secrets and overrides.

    While recording (``PARTNERKIT_RECORD=1``) the secrets come from the environment
    (``PARTNERKIT_META_ACCESS_TOKEN``, ``PARTNERKIT_META_APP_SECRET``) instead.
    """
    secrets = {} if record_requested() else SECRETS

    def make(**overrides: Any) -> MetaConnector:
        return _AsOfNow({**BASE, **secrets, **overrides})

    return make


class _AsOfNow(MetaConnector):
    """The connector, with :data:`NOW` as the ``as_of`` of a request that sets none.

    Tests that read a fixed, past range through ``connector.stream(...)`` stay
    independent of the day the suite runs (Meta's 37-month limit moves with "now").
    """

    def read(self, request: ReadRequest) -> Iterator[Any]:
        if request.as_of is None:
            request = request.model_copy(update={"as_of": NOW})
        return super().read(request)


Read = Callable[..., tuple[list[dict[str, Any]], list[Notice], Cassette]]


@pytest.fixture
def read(meta: Callable[..., MetaConnector]) -> Read:
    """Replay a cassette through a fresh connector; return records, notices, cassette.

    ``read("contract/ad_insights.yaml", start=..., end=..., **settings)``: ``stream``,
    ``only`` (the request's accounts), ``include_today``, ``as_of`` (2026-10-15 09:00
    UTC unless given) and ``options`` go to the ReadRequest; every other keyword
    argument is a setting.
    """

    def run(
        cassette: str,
        *,
        start: dt.date | None = None,
        end: dt.date | None = None,
        stream: str = "ad_insights",
        only: tuple[str, ...] = (),
        include_today: bool = False,
        as_of: dt.datetime = NOW,
        options: dict[str, Any] | None = None,
        allow_unused: bool = False,
        **settings: Any,
    ) -> tuple[list[dict[str, Any]], list[Notice], Cassette]:
        request = ReadRequest(
            stream=stream,
            start=start,
            end=end,
            accounts=only,
            include_today=include_today,
            as_of=as_of,
            options=options or {},
        )
        with (
            use_cassette(CASSETTES / cassette, allow_unused=allow_unused) as tape,
            meta(**settings) as connector,
        ):
            stream_ = connector.stream(request)
            records = [dict(r) for r in stream_.to_dicts()]
        return records, list(stream_.notices), tape

    return run
