"""The connector's notion of "now", in one place so tests can fix it."""

from __future__ import annotations

import datetime as dt

__all__ = ["utcnow"]


def utcnow() -> dt.datetime:
    """The current time, timezone-aware (UTC)."""
    return dt.datetime.now(dt.UTC)
