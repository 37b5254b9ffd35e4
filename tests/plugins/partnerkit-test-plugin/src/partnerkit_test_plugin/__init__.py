"""A tiny connector installed in the dev workspace so registry tests use real entry points."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from pydantic_settings import SettingsConfigDict

from partnerkit.connector import Connector, ConnectorSettings, Notice, ReadRequest, StreamSpec
from partnerkit.records import PerformanceRecord, RecordKind

__all__ = ["EchoConnector", "EchoSettings"]


class EchoSettings(ConnectorSettings):
    """Settings of the echo connector."""

    model_config = SettingsConfigDict(env_prefix="PARTNERKIT_ECHO_")

    account_id: str = "echo-1"
    clicks_per_day: int = 1


class EchoConnector(Connector[EchoSettings]):
    """Yields one performance record per requested day with a fixed click count."""

    name = "echo"
    settings_class = EchoSettings
    streams = (StreamSpec(name="daily", kind=RecordKind.PERFORMANCE, description="one row a day"),)

    def read(self, request: ReadRequest) -> Iterator[PerformanceRecord | Notice]:
        """Yield one record per day of the request."""
        end = request.end or dt.date.today() - dt.timedelta(days=1)
        start = request.start or end
        day = start
        while day <= end:
            yield {
                "date": day,
                "platform": "echo",
                "account_id": self.settings.account_id,
                "clicks": self.settings.clicks_per_day,
            }
            day += dt.timedelta(days=1)
