"""Scripted failures for connector tests: HTTP errors, resets, timeouts, vendor bodies.

(The full set of helpers is being written; :class:`Fault` is the shared shape.)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["Fault"]


@dataclass(frozen=True)
class Fault:
    """A scripted response, or an exception raised instead of a response.

    The cassette player and ``responses`` callbacks both understand it, so a fault
    can replace a recorded interaction or be registered on its own.

    Attributes:
        status: HTTP status of the scripted response (ignored when ``exception`` is set).
        headers: Response headers.
        body: Response body, as sent on the wire.
        exception: Raised instead of returning a response (connection reset, timeout).
    """

    status: int = 500
    headers: Mapping[str, str] = field(default_factory=dict)
    body: str | bytes = b""
    exception: BaseException | None = None
