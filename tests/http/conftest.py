"""Fixtures for the HTTP seam tests: a fake clock, a strict `responses` mock, seeded policies."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
import responses

from partnerkit import http
from partnerkit.testing.clock import FakeClock

SEED = 20240611


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def rsps() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


@pytest.fixture
def policy() -> Callable[..., http.RetryPolicy]:
    """Build the default policy (or with overrides) around a seeded jitter source."""

    def build(**overrides: Any) -> http.RetryPolicy:
        return http.RetryPolicy(rng=random.Random(SEED), **overrides)

    return build


@pytest.fixture
def ads_session(
    clock: FakeClock, policy: Callable[..., http.RetryPolicy]
) -> Callable[..., requests.Session]:
    """A seam session for a made-up ads API, account act_42, on the fake clock."""

    def build(**kwargs: Any) -> requests.Session:
        kwargs.setdefault("policy", policy())
        return http.session("ads", account="act_42", clock=clock, **kwargs)

    return build


@pytest.fixture
def backoffs() -> Callable[..., list[float]]:
    """The waits the policy must produce, computed independently from the same seed."""

    def compute(count: int, *, base: float = 1.0, cap: float = 60.0) -> list[float]:
        rng = random.Random(SEED)
        return [min(cap, base * 2**n) * (1 - 0.5 * rng.random()) for n in range(count)]

    return compute
