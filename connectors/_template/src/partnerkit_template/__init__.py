"""partnerkit connector for <the platform> (start here: replace the example API calls).

The example API: ``GET {base_url}/v1/accounts/{account}/daily?since=&until=&cursor=``
returns ``{"data": [{"day": "2026-10-01", "clicks": "12", "cost": "3.40"}],
"next_cursor": "..." | null}`` with numbers as strings, as many APIs do;
``GET {base_url}/v1/accounts/{account}`` returns the account (``{"id": ..., "name": ...}``),
which :meth:`TemplateConnector.check` reads to prove the token works.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict

from partnerkit.connector import (
    Capability,
    CheckResult,
    Connector,
    ConnectorSettings,
    Notice,
    ReadRequest,
    StreamSpec,
)
from partnerkit.errors import PartnerkitError
from partnerkit.http import error_from_response, session
from partnerkit.records import PerformanceRecord, RecordKind

__all__ = ["TemplateConnector", "TemplateSettings"]

API = "template"


class TemplateSettings(ConnectorSettings):
    """Settings; each one can come from ``PARTNERKIT_TEMPLATE_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="PARTNERKIT_TEMPLATE_")

    api_token: SecretStr
    account_id: str
    currency: str = "USD"
    base_url: str = "https://api.example.com"


class TemplateConnector(Connector[TemplateSettings]):
    """Daily spend and clicks for one account of the example API."""

    name = "template"
    settings_class = TemplateSettings
    streams = (
        StreamSpec(
            name="daily",
            kind=RecordKind.PERFORMANCE,
            description="spend and clicks by day",
            default_lookback=dt.timedelta(days=7),
        ),
    )
    capabilities = frozenset({Capability.HTTP, Capability.INCREMENTAL, Capability.CHECK})

    def __init__(self, settings: TemplateSettings | dict[str, Any] | None = None) -> None:
        super().__init__(settings)
        self._http = session(API, account=self.settings.account_id)
        token = self.settings.api_token.get_secret_value()
        self._http.headers["Authorization"] = f"Bearer {token}"

    def read(self, request: ReadRequest) -> Iterator[PerformanceRecord | Notice]:
        """Yield one record per day, following the cursor from page to page."""
        # "now" is the request's (its as_of, else the wall clock): take today from it, in
        # the account's time zone when the API has one (here: this machine's zone)
        today = request.now().astimezone().date()
        end = request.end or today - dt.timedelta(days=1)
        start = request.start or end
        url = f"{self.settings.base_url}/v1/accounts/{self.settings.account_id}/daily"
        params: dict[str, str] = {"since": start.isoformat(), "until": end.isoformat()}
        while True:
            response = self._http.get(url, params=params, timeout=60)
            if not response.ok:
                raise error_from_response(API, response, account=self.settings.account_id)
            body = response.json()
            for row in body["data"]:
                yield {
                    "date": dt.date.fromisoformat(row["day"]),
                    "platform": API,
                    "account_id": self.settings.account_id,
                    "level": "account",
                    "currency": self.settings.currency,
                    "clicks": int(row["clicks"]) if row.get("clicks") is not None else None,
                    "spend": Decimal(row["cost"]) if row.get("cost") is not None else None,
                }
            if not body.get("next_cursor"):
                return
            params["cursor"] = body["next_cursor"]

    def check(self) -> CheckResult:
        """Read the account once, to prove the token reaches it, without reading data.

        Returns:
            ``ok`` with the account's name when the token reaches it; otherwise a failed
            result holding the library's error (an
            :class:`~partnerkit.errors.AuthenticationError` for a bad token).
        """
        account = self.settings.account_id
        url = f"{self.settings.base_url}/v1/accounts/{account}"
        try:
            response = self._http.get(url, timeout=60)
            if not response.ok:
                raise error_from_response(API, response, account=account)
        except PartnerkitError as exc:
            return CheckResult(ok=False, message=str(exc), error=exc)
        shown = response.json().get("name") or account
        return CheckResult(
            ok=True, message=f"The token reads account {account} ({shown}).", accounts=(account,)
        )

    def close(self) -> None:
        """Close the HTTP session."""
        self._http.close()
        super().close()
