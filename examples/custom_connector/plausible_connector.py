"""An example connector for a small REST API: Plausible Analytics' Stats API (v1).

This is the code of the walk-through in ``docs/testing-your-connector.md``. It reads
daily traffic by source from ``GET /api/v1/stats/breakdown`` (one day per request,
paged with ``page`` / ``limit``) into unified performance records:

* ``visits`` → ``sessions`` (additive),
* ``visitors`` → ``users`` (distinct people: not additive across days or sources),
* ``pageviews`` → ``extra["pageviews"]``.

All traffic goes through partnerkit's HTTP seam (:func:`partnerkit.http.session`), so
retries, rate limiting, cassettes and fault injection work without extra code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict

from partnerkit.connector import (
    Capability,
    CheckResult,
    Connector,
    HttpConnectorSettings,
    Notice,
    ReadRequest,
    StreamSpec,
)
from partnerkit.errors import SourceError
from partnerkit.http import error_from_response, rate_limiter, session
from partnerkit.records import PerformanceRecord, RecordKind

__all__ = ["PlausibleConnector", "PlausibleSettings"]

API = "plausible"


# --8<-- [start:settings]
class PlausibleSettings(HttpConnectorSettings):
    """Settings; each can come from ``PARTNERKIT_PLAUSIBLE_<FIELD>``.

    ``http`` holds timeouts, retries and pace, as for every connector (docs/http.md).
    """

    model_config = SettingsConfigDict(env_prefix="PARTNERKIT_PLAUSIBLE_")
    # Plausible allows 600 requests an hour per key: 1 every 6 s on average.
    http_defaults: ClassVar[Mapping[str, Any]] = {"requests_per_second": 600 / 3600, "burst": 10}

    api_key: SecretStr
    site_id: str
    timezone: str = "UTC"
    base_url: str = "https://plausible.io"
    page_size: int = 100


# --8<-- [end:settings]


# --8<-- [start:connector]
class PlausibleConnector(Connector[PlausibleSettings]):
    """Daily traffic by source from Plausible's Stats API."""

    name = "plausible"
    settings_class = PlausibleSettings
    streams = (
        StreamSpec(
            name="traffic_by_source",
            kind=RecordKind.PERFORMANCE,
            description="visits and visitors per day and source",
            default_lookback=dt.timedelta(days=2),
        ),
    )
    capabilities = frozenset({Capability.HTTP, Capability.INCREMENTAL, Capability.CHECK})

    def __init__(self, settings: PlausibleSettings | dict[str, Any] | None = None) -> None:
        super().__init__(settings)
        pace = self.settings.http
        self._http = session(
            API,
            account=self.settings.site_id,
            limiter=rate_limiter(
                (API, self.settings.site_id), pace.requests_per_second, pace.burst
            ),
            settings=self.settings.http,
        )
        self._http.headers["Authorization"] = f"Bearer {self.settings.api_key.get_secret_value()}"

    def _get(self, path: str, params: dict[str, str | int]) -> dict[str, Any]:
        response = self._http.get(f"{self.settings.base_url}{path}", params=params)
        if not response.ok:
            raise error_from_response(API, response, account=self.settings.site_id)
        body: dict[str, Any] = response.json()
        return body

    def read(self, request: ReadRequest) -> Iterator[PerformanceRecord | Notice]:
        """Yield one record per day and source, paging through each day."""
        # up to the site's yesterday at the read's moment (request.now()); a later end
        # is cut, and the notice says so
        window = request.window(self.settings.timezone)
        excluded = window.notice(self.settings.site_id)
        if excluded is not None:
            yield excluded
        window = window.with_start(window.start or window.end)
        if window.empty:
            return
        for day, _ in window.chunks(1):  # Plausible's breakdown: one day per request
            yield from self._read_day(day)

    def _read_day(self, day: dt.date) -> Iterator[PerformanceRecord]:
        page = 1
        while True:
            body = self._get(
                "/api/v1/stats/breakdown",
                {
                    "site_id": self.settings.site_id,
                    "period": "custom",
                    "date": f"{day},{day}",
                    "property": "visit:source",
                    "metrics": "visitors,visits,pageviews",
                    "limit": self.settings.page_size,
                    "page": page,
                },
            )
            results = body["results"]
            for row in results:
                yield {
                    "date": day,
                    "platform": API,
                    "account_id": self.settings.site_id,
                    "level": "traffic",
                    "source": row["source"],
                    "channel": None,
                    "timezone": self.settings.timezone,
                    "sessions": row.get("visits"),
                    "users": row.get("visitors"),
                    "extra": {"pageviews": row.get("pageviews")},
                }
            if len(results) < self.settings.page_size:
                return
            page += 1

    def check(self) -> CheckResult:
        """Ask for today's visitors: proves the key works for the site."""
        try:
            self._get(
                "/api/v1/stats/aggregate",
                {"site_id": self.settings.site_id, "period": "day", "metrics": "visitors"},
            )
        except SourceError as exc:
            return CheckResult(ok=False, message=str(exc), error=exc)
        return CheckResult(ok=True, message="API key works", accounts=(self.settings.site_id,))

    def close(self) -> None:
        """Close the HTTP session."""
        self._http.close()
        super().close()


# --8<-- [end:connector]
