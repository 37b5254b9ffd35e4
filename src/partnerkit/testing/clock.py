"""A fake clock for tests of retries, backoff and rate limits: no real sleeping."""

from __future__ import annotations

__all__ = ["FakeClock"]


class FakeClock:
    """A clock whose time only moves when something sleeps on it.

    It has the same methods as partnerkit's real clock (``monotonic``, ``time``,
    ``sleep``), so the HTTP seam's retry policy and rate limiter accept it.

    Attributes:
        now: Seconds on the monotonic clock.
        sleeps: Every sleep requested, in order (the waits a test asserts on).
    """

    def __init__(self, start: float = 1_000_000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        """Seconds since an arbitrary point; moves only on :meth:`sleep`/:meth:`advance`."""
        return self.now

    def time(self) -> float:
        """Wall-clock seconds since the epoch (the same fake timeline)."""
        return self.now

    def sleep(self, seconds: float) -> None:
        """Record the wait and move time forward by it."""
        self.sleeps.append(seconds)
        self.now += max(seconds, 0.0)

    def advance(self, seconds: float) -> None:
        """Move time forward without recording a sleep (time passing elsewhere)."""
        self.now += seconds

    @property
    def total_slept(self) -> float:
        """Sum of every recorded sleep."""
        return sum(self.sleeps)
