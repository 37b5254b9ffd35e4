"""The token-bucket rate limiter: burst, exact spacing, shared pauses, threads, registry."""

from __future__ import annotations

import threading

import pytest

from partnerkit import http
from partnerkit.testing.clock import FakeClock


def test_burst_then_spacing_of_exactly_one_over_rate(clock: FakeClock) -> None:
    limiter = http.RateLimiter(4, burst=3, clock=clock)

    waited = [limiter.acquire() for _ in range(6)]

    assert waited == [0.0, 0.0, 0.0, 0.25, 0.25, 0.25]
    assert clock.sleeps == [0.25, 0.25, 0.25]


def test_an_idle_limiter_refills_its_burst(clock: FakeClock) -> None:
    limiter = http.RateLimiter(2, burst=2, clock=clock)
    for _ in range(3):
        limiter.acquire()
    assert clock.sleeps == [0.5]

    clock.advance(10)
    for _ in range(2):
        limiter.acquire()

    assert clock.sleeps == [0.5]  # the burst was available again


def test_requests_already_spaced_by_the_caller_do_not_wait(clock: FakeClock) -> None:
    limiter = http.RateLimiter(1, burst=1, clock=clock)
    for _ in range(3):
        limiter.acquire()
        clock.advance(1.5)

    assert clock.sleeps == []


def test_pause_until_holds_every_user(clock: FakeClock) -> None:
    limiter = http.RateLimiter(None, clock=clock)
    limiter.pause_until(clock.monotonic() + 5)

    first = limiter.acquire()  # one user
    second = limiter.acquire()  # another user, after the pause

    assert (first, second) == (5.0, 0.0)
    assert clock.sleeps == [5.0]


def test_a_later_pause_wins_and_an_earlier_one_is_ignored(clock: FakeClock) -> None:
    limiter = http.RateLimiter(None, clock=clock)
    limiter.pause_until(clock.monotonic() + 8)
    limiter.pause_until(clock.monotonic() + 3)

    assert limiter.acquire() == 8.0


def test_penalize_is_a_pause_from_now(clock: FakeClock) -> None:
    limiter = http.RateLimiter(10, burst=5, clock=clock)
    limiter.penalize(2)
    limiter.penalize(0)  # nothing

    assert limiter.acquire() == 2.0


def test_spacing_continues_after_a_pause(clock: FakeClock) -> None:
    limiter = http.RateLimiter(2, burst=1, clock=clock)
    limiter.pause_until(clock.monotonic() + 3)

    waited = [limiter.acquire() for _ in range(3)]

    assert waited == [3.0, 0.5, 0.5]


class FrozenClock(FakeClock):
    """Records sleeps from many threads without moving time, so every slot is visible."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)


def test_threads_sharing_a_limiter_each_get_their_own_slot() -> None:
    clock = FrozenClock()
    limiter = http.RateLimiter(2, burst=1, clock=clock)
    waits: list[float] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def user() -> None:
        start.wait()
        waited = limiter.acquire()
        with lock:
            waits.append(waited)

    threads = [threading.Thread(target=user) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(waits) == [0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5]


def test_the_registry_returns_one_limiter_per_key(clock: FakeClock) -> None:
    ads = http.rate_limiter(("ads", "act_registry_1"), 5, burst=2, clock=clock)

    assert http.rate_limiter(("ads", "act_registry_1"), 99) is ads
    assert http.rate_limiter(("ads", "act_registry_2"), 5) is not ads
    assert (ads.rate, ads.burst) == (5, 2)  # the first call's settings win


def test_the_registry_is_thread_safe() -> None:
    found: list[http.RateLimiter] = []
    start = threading.Barrier(10)

    def get() -> None:
        start.wait()
        found.append(http.rate_limiter(("crm", "portal-threads"), 10))

    threads = [threading.Thread(target=get) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len({id(limiter) for limiter in found}) == 1


@pytest.mark.parametrize(("rate", "burst"), [(0, 1), (-1, 1), (1, 0)])
def test_invalid_limits_are_refused(rate: float, burst: int) -> None:
    with pytest.raises(ValueError, match="must be"):
        http.RateLimiter(rate, burst)


def test_fake_clock_satisfies_the_clock_protocol() -> None:
    clock: http.Clock = FakeClock()  # checked by mypy; at runtime, the methods exist
    assert clock.monotonic() == clock.time()
    system: http.Clock = http.SYSTEM_CLOCK
    assert system.monotonic() > 0


def test_use_clock_reaches_limiters_and_sessions_built_without_a_clock(rsps) -> None:
    from partnerkit.testing import faults

    url = "https://crm.example.com/crm/v3/objects/deals"
    faults.script(rsps, "GET", url, faults.rate_limited(9), {"results": []})
    fake = FakeClock()
    limiter = http.RateLimiter(1, burst=1)  # no clock given

    with http.use_clock(fake) as active:
        session = http.session("crm")  # as a connector builds it, no clock given
        assert session.get(url).json() == {"results": []}
        limiter.acquire()
        limiter.acquire()
        assert active is fake

    assert fake.sleeps == [9.0, 1.0]
    assert limiter.clock is http.SYSTEM_CLOCK


def test_an_explicit_clock_wins_over_use_clock() -> None:
    mine, other = FakeClock(), FakeClock()
    limiter = http.RateLimiter(2, clock=mine)

    with http.use_clock(other):
        limiter.acquire()
        limiter.acquire()

    assert (mine.sleeps, other.sleeps) == ([0.5], [])


def test_a_limiter_forgets_times_from_another_clock() -> None:
    limiter = http.rate_limiter(("ads", "act_clock_switch"), 1)
    first, second = FakeClock(start=5_000_000.0), FakeClock(start=10.0)

    with http.use_clock(first):
        limiter.acquire()
        limiter.pause_until(first.monotonic() + 60)
    with http.use_clock(second):
        waited = limiter.acquire()  # the schedule kept on the first clock means nothing here

    assert waited == 0.0
    assert second.sleeps == []
