"""GA4 property quota: read from every response, and an early stop before it runs out.

Every report request asks for ``returnPropertyQuota``; the answer says, per quota,
what this request ``consumed`` and what ``remaining`` is left. Before the next request
the tracker estimates its cost as the tokens the previous report request consumed,
and stops the read with a :class:`~partnerkit.errors.QuotaExhaustedError` when a token
quota has fewer tokens left than that: better a clear stop than a half-read range that
fails on a 429.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from partnerkit.connector import Notice
from partnerkit.errors import QuotaExhaustedError
from partnerkit_ga4._errors import API, next_pacific_midnight, quota_label

__all__ = ["TOKEN_QUOTAS", "QuotaTracker"]

#: The token quotas a report request draws from (the same cost is taken from each).
TOKEN_QUOTAS = ("tokensPerDay", "tokensPerHour", "tokensPerProjectPerHour")

_REFILL = {
    "tokensPerDay": "at midnight Pacific time",
    "tokensPerHour": "within the hour",
    "tokensPerProjectPerHour": "within the hour",
}


@dataclass
class QuotaTracker:
    """The quota state of one property, as the latest responses reported it.

    Attributes:
        property_id: The property.
        remaining: Tokens (or requests) left per quota, after the latest request.
        last_cost: Tokens the latest report request consumed (the next one's estimate).
        consumed: Tokens all report requests of this connector consumed.
    """

    property_id: str
    remaining: dict[str, int] = field(default_factory=dict)
    last_cost: int | None = None
    consumed: int = 0

    def update(self, quota: Mapping[str, Any] | None, *, estimate: bool = True) -> None:
        """Record a response's ``propertyQuota``.

        Args:
            quota: The ``propertyQuota`` object (``{kind: {consumed, remaining}}``).
            estimate: Use this request's cost as the estimate of the next one (not for
                the tiny time-zone probe).
        """
        if not quota:
            return
        cost = 0
        for kind, status in quota.items():
            if not isinstance(status, Mapping):
                continue
            if "remaining" in status:
                self.remaining[kind] = int(status["remaining"])
            if kind in TOKEN_QUOTAS:
                cost = max(cost, int(status.get("consumed", 0)))
        self.consumed += cost
        if estimate:
            self.last_cost = cost

    def check(self, now: dt.datetime) -> None:
        """Stop before a request the remaining tokens would not cover.

        Raises:
            QuotaExhaustedError: A token quota has fewer tokens left than the previous
                report request consumed (at least one token is always needed).
        """
        if self.last_cost is None:
            return
        need = max(self.last_cost, 1)
        for kind in TOKEN_QUOTAS:
            left = self.remaining.get(kind)
            if left is None or left >= need:
                continue
            resets = next_pacific_midnight(now).isoformat() if kind == "tokensPerDay" else None
            raise QuotaExhaustedError(
                f"Stopped before the next GA4 report request for property {self.property_id}: "
                f"{quota_label(kind)} has {left} token(s) left and the previous request used "
                f"{self.last_cost}. The tokens refill {_REFILL[kind]}. Run again then (records "
                "merge by record_id, so re-reading is safe), or read a shorter range or fewer "
                "dimensions.",
                resets_at=resets,
                api=API,
                account=self.property_id,
                vendor_code=kind,
                details={
                    "quota": kind,
                    "remaining": left,
                    "estimate": self.last_cost,
                    "consumed_by_this_read": self.consumed,
                },
            )

    def notice(self) -> Notice | None:
        """An info notice with what is left of each quota, or ``None`` if nothing is known."""
        if not self.remaining:
            return None
        shown = ", ".join(f"{quota_label(k)}: {v}" for k, v in sorted(self.remaining.items()))
        return Notice(
            "info",
            "ga4_quota",
            f"GA4 property {self.property_id}: {self.consumed} token(s) used by this "
            f"connector; left: {shown}.",
            {"property": self.property_id, "consumed": self.consumed, **self.remaining},
        )
