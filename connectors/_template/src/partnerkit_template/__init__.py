"""partnerkit connector for <the platform> (start here: replace the example API calls).

The example API: ``GET {base_url}/v1/accounts/{account}/daily?since=&until=&cursor=``
returns ``{"data": [{"day": "2026-10-01", "clicks": "12", "cost": "3.40"}],
"next_cursor": "..." | null}`` with numbers as strings, as many APIs do;
``GET {base_url}/v1/accounts/{account}`` returns the account (``{"id": ..., "name": ...}``),
which :meth:`TemplateConnector.check` reads to prove the token works.

What the framework does, so this module does not: the days to read, clipped to the
account's yesterday with the ``today_excluded`` notice, cut in chunks read one by one,
an error given the stream and the chunk (``ReadRequest.by_chunk``); timeouts, retries,
backoff and pace from the ``http`` setting (``HttpConnectorSettings``, handed to the
seam by ``session(settings=...)``); the session opened on first use and closed with
the connector (``SessionConnector``); errors by HTTP status (``error_from_response``).
What is left is the API's calls, its parsing and what its errors mean: where its error
bodies keep their code, message and details (``register_error_shape`` below), and
builders of those bodies for tests (``partnerkit_template.testing``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import requests
from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from partnerkit.connector import (
    Capability,
    CheckResult,
    HttpConnectorSettings,
    Notice,
    ReadRequest,
    SessionConnector,
    StreamSpec,
)
from partnerkit.errors import PartnerkitError
from partnerkit.http import ErrorShape, error_from_response, register_error_shape, session
from partnerkit.records import PerformanceRecord, RecordKind

__all__ = ["TemplateConnector", "TemplateSettings"]

API = "template"

# The API's errors: an "error" object with "code" (e.g. "rate_limited"), "message" and
# "request_id" (see partnerkit_template.testing).
# The core reads "code" and "message" on its own; name the keys worth keeping as the
# error's details (and code_keys / message_keys when your API uses other names).
register_error_shape(API, ErrorShape(detail_keys=("request_id",)))


class TemplateSettings(HttpConnectorSettings):
    """Settings; each one can come from ``PARTNERKIT_TEMPLATE_<FIELD>``.

    The ``http`` keys come from ``PARTNERKIT_TEMPLATE_HTTP__<KEY>``.

    Attributes:
        api_token: The API token (secret).
        account_id: The account to read.
        currency: The account's currency.
        timezone: The IANA time zone the account reports days in (ask the API when it
            says).
        chunk_days: Days one request covers; longer ranges are split.
        base_url: The API's address.
        http: Timeouts, retries and pace, as for every connector (docs/http.md).
    """

    model_config = SettingsConfigDict(env_prefix="PARTNERKIT_TEMPLATE_")

    api_token: SecretStr
    account_id: str
    currency: str = "USD"
    timezone: str = "UTC"
    chunk_days: int = Field(default=31, ge=1)
    base_url: str = "https://api.example.com"


class TemplateConnector(SessionConnector[TemplateSettings]):
    """Daily spend and clicks for one account of the example API."""

    name = "template"
    settings_class = TemplateSettings
    streams = (
        StreamSpec.dated(
            "daily", RecordKind.PERFORMANCE, "spend and clicks by day", lookback_days=7
        ),
    )
    capabilities = frozenset({Capability.HTTP, Capability.INCREMENTAL, Capability.CHECK})

    def _open_session(self) -> requests.Session:
        """The seam's session, with the token (opened on first use, closed by ``close``)."""
        http = session(API, account=self.settings.account_id, settings=self.settings.http)
        http.headers["Authorization"] = f"Bearer {self.settings.api_token.get_secret_value()}"
        return http

    def _get(self, path: str, params: dict[str, str] | None = None) -> Any:
        """GET one of the API's paths as JSON; a failed answer raises the library's error."""
        response = self._http().get(f"{self.settings.base_url}{path}", params=params)
        if not response.ok:
            raise error_from_response(API, response, account=self.settings.account_id)
        return response.json()

    def read(self, request: ReadRequest) -> Iterator[PerformanceRecord | Notice]:
        """Yield one record per day, chunk by chunk, following the cursor from page to page."""
        # the days up to the account's yesterday (today too with include_today), at the
        # read's moment, in chunks; a later end is cut, and a notice says so; an error
        # gets the stream and the chunk added
        yield from request.by_chunk(
            self.settings.timezone,
            account=self.settings.account_id,
            days=self.settings.chunk_days,
            read=self._daily,
        )

    def _daily(self, since: dt.date, until: dt.date) -> Iterator[PerformanceRecord]:
        """The records of one chunk of days, page by page."""
        path = f"/v1/accounts/{self.settings.account_id}/daily"
        params: dict[str, str] = {"since": since.isoformat(), "until": until.isoformat()}
        while True:
            body = self._get(path, params)
            for row in body["data"]:
                yield self._record(row)
            if not body.get("next_cursor"):
                break
            params["cursor"] = body["next_cursor"]

    def _record(self, row: dict[str, Any]) -> PerformanceRecord:
        """One day of the API's answer as a unified record (missing is None, never 0)."""
        return {
            "date": dt.date.fromisoformat(row["day"]),
            "platform": API,
            "account_id": self.settings.account_id,
            "level": "account",
            "currency": self.settings.currency,
            "timezone": self.settings.timezone,
            "clicks": int(row["clicks"]) if row.get("clicks") is not None else None,
            "spend": Decimal(row["cost"]) if row.get("cost") is not None else None,
        }

    def check(self) -> CheckResult:
        """Read the account once, to prove the token reaches it, without reading data.

        Returns:
            ``ok`` with the account's name when the token reaches it; otherwise a failed
            result holding the library's error (an
            :class:`~partnerkit.errors.AuthenticationError` for a bad token).
        """
        account = self.settings.account_id
        try:
            found = self._get(f"/v1/accounts/{account}")
        except PartnerkitError as exc:
            return CheckResult.failed(exc)
        shown = found.get("name") or account
        return CheckResult(
            ok=True, message=f"The token reads account {account} ({shown}).", accounts=(account,)
        )
