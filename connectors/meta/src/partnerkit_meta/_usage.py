"""Meta's usage headers: how close an app and an ad account are to being throttled.

Meta sends four headers (Graph API "Rate Limiting" and Marketing API "Limits and Best
Practices" pages), each a JSON document:

* ``x-app-usage``: ``{"call_count", "total_cputime", "total_time"}`` in percent of the
  app's platform limit;
* ``x-ad-account-usage``: ``{"acc_id_util_pct", "reset_time_duration",
  "ads_api_access_tier"}``; ``reset_time_duration`` in seconds;
* ``x-business-use-case-usage``: ``{"<business object id>": [{"type", "call_count",
  "total_cputime", "total_time", "estimated_time_to_regain_access", ...}]}``; the last
  in **minutes**;
* ``x-fb-ads-insights-throttle``: ``{"app_id_util_pct", "acc_id_util_pct", ...}``.

:class:`UsageObserver` reads them on every response (errors included) and returns
the seconds the next request on the account must wait: the HTTP seam's
``on_response`` hook pauses the account's shared rate limiter that long.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests

__all__ = ["Usage", "UsageObserver", "parse_usage"]

logger = logging.getLogger("partnerkit.meta")

_HEADERS = (
    "x-app-usage",
    "x-ad-account-usage",
    "x-business-use-case-usage",
    "x-fb-ads-insights-throttle",
)


@dataclass(frozen=True)
class Usage:
    """What the usage headers of one response say.

    Attributes:
        percent: The highest usage percentage in any header (0 when none).
        regain_seconds: Seconds until a blocked use case is usable again
            (``estimated_time_to_regain_access`` × 60, or an exhausted ad account's
            ``reset_time_duration``); 0 when nothing is blocked.
        headers: The parsed headers that were present, by name.
    """

    percent: float = 0.0
    regain_seconds: float = 0.0
    headers: Mapping[str, Any] | None = None


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0.0
    return float(value)


def _load(raw: str | None) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        logger.debug("ignoring an unreadable usage header: %.200s", raw)
        return None


def parse_usage(headers: Mapping[str, str]) -> Usage:
    """Read Meta's usage headers (names are case-insensitive on a requests response).

    Args:
        headers: The response headers.

    Returns:
        The highest usage percentage and the time to regain access, if blocked.
    """
    percent = 0.0
    regain = 0.0
    found: dict[str, Any] = {}
    for name in _HEADERS:
        value = _load(headers.get(name))
        if value is None:
            continue
        found[name] = value
        if name == "x-business-use-case-usage" and isinstance(value, dict):
            for entries in value.values():
                for entry in entries if isinstance(entries, list) else [entries]:
                    if not isinstance(entry, dict):
                        continue
                    percent = max(
                        percent,
                        _number(entry.get("call_count")),
                        _number(entry.get("total_cputime")),
                        _number(entry.get("total_time")),
                    )
                    regain = max(regain, _number(entry.get("estimated_time_to_regain_access")) * 60)
        elif isinstance(value, dict):
            account_pct = _number(value.get("acc_id_util_pct"))
            percent = max(
                percent,
                _number(value.get("call_count")),
                _number(value.get("total_cputime")),
                _number(value.get("total_time")),
                account_pct,
                _number(value.get("app_id_util_pct")),
            )
            if name == "x-ad-account-usage" and account_pct >= 100:
                regain = max(regain, _number(value.get("reset_time_duration")))
    return Usage(percent, regain, found or None)


class UsageObserver:
    """The seam's ``on_response`` hook for one ad account: slow down before the limit.

    The delay it returns for a response is the largest of:

    * the time to regain access when Meta says a use case is blocked
      (``estimated_time_to_regain_access``, or ``reset_time_duration`` of an ad
      account at 100 %);
    * the step of ``slowdown`` reached by the highest usage percentage: with the
      defaults, 5 s from 75 %, 30 s from 90 %, 60 s from 95 %; nothing below 75 %.

    Args:
        account: The ad account, for log lines.
        slowdown: Usage percentage → seconds, e.g. ``{75: 5, 90: 30, 95: 60}``.

    Attributes:
        last: The usage read from the latest response that carried any header.
    """

    def __init__(self, account: str, slowdown: Mapping[float, float]) -> None:
        self.account = account
        self.steps = sorted(slowdown.items())
        self.last = Usage()

    def delay_for(self, usage: Usage) -> float:
        """The seconds to hold the next request for ``usage``."""
        step = 0.0
        for threshold, seconds in self.steps:
            if usage.percent >= threshold:
                step = seconds
        return max(step, usage.regain_seconds)

    def __call__(self, response: requests.Response) -> float | None:
        """Read one response's headers; return the delay before the next request."""
        usage = parse_usage(response.headers)
        if usage.headers is None:
            return None
        self.last = usage
        delay = self.delay_for(usage)
        if delay > 0:
            logger.info(
                "meta %s: usage at %.0f%%%s; holding the next request %.0f s",
                self.account,
                usage.percent,
                f", blocked for {usage.regain_seconds:.0f} s" if usage.regain_seconds else "",
                delay,
            )
        return delay or None
