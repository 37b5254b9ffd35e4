"""A synthetic connector for the store tests (and the kill harness that runs in a subprocess).

Rows are a pure function of (account, day, campaign, version), so two syncs of the same
range produce the same rows, and a test can work out any expected value on its own:

* performance ``daily``: one row per account, day and campaign ``c0..c{n-1}``, with
  ``clicks = day.day * 10 + campaign_index`` and ``impressions = 1000`` (plus
  ``version * 1000`` clicks on days from ``restate_from``: a restatement), named by
  ``campaign_names`` and with ``spend`` (ILS) when those are set;
* lead ``leads``: one lead per account and day, created at 12:00 UTC;
* campaign ``campaigns``: one row per account and campaign (no cursor).

``fail_accounts`` raise an AuthenticationError on read. ``signal`` prints ``PAGE <n>``
to stdout every ``page_rows`` records and sleeps ``pause`` seconds, so a parent
process can kill the sync at a chosen page.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pydantic_settings import SettingsConfigDict

from partnerkit.connector import (
    Capability,
    Connector,
    ConnectorSettings,
    Notice,
    ReadRequest,
    StreamSpec,
)
from partnerkit.errors import AuthenticationError
from partnerkit.records import Additivity, Record, RecordKind
from partnerkit.store.state import StreamState

if TYPE_CHECKING:
    from partnerkit.store import Warehouse

__all__ = ["Concurrency", "SynthConnector", "SynthSettings", "clicks"]

_pages = 0
_pages_lock = threading.Lock()


def perf(day: int, campaign: str = "c1", **metrics: Any) -> dict[str, Any]:
    """A performance record of Meta account ``act_1`` on ``day`` October 2026."""
    return {
        "date": dt.date(2026, 10, day),
        "platform": "meta",
        "account_id": "act_1",
        "campaign_id": campaign,
        **metrics,
    }


def stream(rows: list[dict[str, Any]], kind: str = "performance") -> Any:
    """``rows`` as a checked record stream of ``kind`` (a RecordStream)."""
    from partnerkit.stream import RecordStream

    return RecordStream.from_records(kind, rows, name="test")


class Concurrency:
    """How many reads run at once (the test of the bounded pool reads ``peak``)."""

    active = 0
    peak = 0
    threads: set[str] = set()
    lock = threading.Lock()

    @classmethod
    def reset(cls) -> None:
        with cls.lock:
            cls.active = cls.peak = 0
            cls.threads = set()


def clicks(day: dt.date, campaign: int) -> int:
    """The synthetic click count of a row (before any restatement)."""
    return day.day * 10 + campaign


class SynthSettings(ConnectorSettings):
    model_config = SettingsConfigDict(env_prefix="PARTNERKIT_SYNTH_")

    accounts: list[str] = ["a1"]
    campaigns: int = 3
    first_day: dt.date = dt.date(2026, 10, 1)
    last_day: dt.date = dt.date(2026, 10, 10)
    version: int = 0
    restate_from: dt.date | None = None
    extra_from: dt.date | None = None
    fail_accounts: list[str] = []
    lookback_days: int | None = None
    signal: bool = False
    page_rows: int = 50
    pause: float = 0.0
    read_pause: float = 0.0
    campaign_names: list[str] = []
    spend: Decimal | None = None


class SynthConnector(Connector[SynthSettings]):
    name = "synth"
    settings_class = SynthSettings
    capabilities = frozenset({Capability.INCREMENTAL, Capability.MULTI_ACCOUNT})
    streams = (
        StreamSpec(
            name="daily", kind=RecordKind.PERFORMANCE, default_lookback=dt.timedelta(days=2)
        ),
        StreamSpec(name="leads", kind=RecordKind.LEAD, cursor="created_at"),
        StreamSpec(name="campaigns", kind=RecordKind.CAMPAIGN, cursor=None),
    )

    def read(self, request: ReadRequest) -> Iterator[Record | Notice]:
        with Concurrency.lock:
            Concurrency.active += 1
            Concurrency.peak = max(Concurrency.peak, Concurrency.active)
            Concurrency.threads.add(threading.current_thread().name)
        try:
            yield from self._read(request)
        finally:
            with Concurrency.lock:
                Concurrency.active -= 1

    def _read(self, request: ReadRequest) -> Iterator[Record | Notice]:
        s = self.settings
        start = max(request.start or s.first_day, s.first_day)
        end = min(request.end or s.last_day, s.last_day)
        count = 0
        for account in request.accounts or tuple(s.accounts):
            if account in s.fail_accounts:
                raise AuthenticationError(
                    "the synthetic token was revoked", api="synth", account=account
                )
            if s.read_pause:
                time.sleep(s.read_pause)
            for record in self._rows(request.stream, account, start, end):
                yield record
                count += 1
                if s.signal and count % s.page_rows == 0:
                    _page(s.pause)
        if s.signal and count % s.page_rows:
            _page(s.pause)

    def _rows(
        self, stream: str, account: str, start: dt.date, end: dt.date
    ) -> Iterator[dict[str, Any]]:
        s = self.settings
        if stream == "campaigns":
            for c in range(s.campaigns):
                yield {
                    "platform": "synth",
                    "account_id": account,
                    "level": "campaign",
                    "object_id": f"c{c}",
                    "name": f"Campaign {c} v{s.version}",
                }
            return
        day = start
        while day <= end:
            if stream == "leads":
                yield {
                    "platform": "synth",
                    "account_id": account,
                    "lead_id": f"{account}-{day.isoformat()}",
                    "created_at": dt.datetime.combine(day, dt.time(12), dt.UTC),
                    "lifecycle_stage": f"v{s.version}",
                }
            else:
                yield from self._daily(account, day)
            day += dt.timedelta(days=1)

    def _daily(self, account: str, day: dt.date) -> Iterator[Any]:
        s = self.settings
        restated = s.restate_from is not None and day >= s.restate_from
        if s.extra_from is not None and day == s.extra_from:
            yield Notice.describe_extra(
                "video_views", "Video views", additivity=Additivity.ADDITIVE
            )
        for c in range(s.campaigns):
            record: dict[str, Any] = {
                "date": day,
                "platform": "synth",
                "account_id": account,
                "level": "campaign",
                "campaign_id": f"c{c}",
                "impressions": 1000,
                "clicks": clicks(day, c) + (s.version * 1000 if restated else 0),
            }
            if s.extra_from is not None and day >= s.extra_from:
                record["extra"] = {"video_views": c}
            if c < len(s.campaign_names):
                record["campaign_name"] = s.campaign_names[c]
            if s.spend is not None:
                record.update(spend=s.spend, currency="ILS")
            yield record


def _page(pause: float) -> None:
    global _pages
    with _pages_lock:
        _pages += 1
        print(f"PAGE {_pages}", flush=True)
        sys.stdout.flush()
    if pause:
        time.sleep(pause)


# ----------------------------------------------------------------- the kill harness

KILL_ACCOUNTS = ("a1", "a2", "a3")
KILL_SETTINGS: dict[str, Any] = {
    "campaigns": 10,
    "first_day": "2026-10-01",
    "last_day": "2026-10-12",
    "lookback_days": 0,  # no re-reading: a cursor that ran ahead of its rows would lose them
    "page_rows": 30,
}
KILL_AS_OF = dt.date(2026, 11, 20)
KILL_BATCH = 30
#: Rows each unit writes in full: daily 12 days x 10 campaigns, a lead a day, 10 campaigns.
KILL_UNIT_ROWS = {"daily": 120, "leads": 12, "campaigns": 10}
#: Pages the connector signals over a whole sync: per account 120/30 + 1 + 1.
KILL_PAGES = len(KILL_ACCOUNTS) * (120 // 30 + 1 + 1)


def kill_workspace(root: Any, *, signal: bool = False, pause: float = 0.0) -> Any:
    """The workspace the kill tests sync (in the harness subprocess and in the test)."""
    from partnerkit.model import Workspace

    settings = {**KILL_SETTINGS, "signal": signal, "pause": pause}
    data = {
        "name": "Kill tests",
        "currency": "ILS",
        "timezone": "Asia/Jerusalem",
        "connections": [
            {
                "name": "synth",
                "connector": "synth",
                "accounts": list(KILL_ACCOUNTS),
                "settings": settings,
            }
        ],
    }
    return Workspace.model_validate(data, context={"root": root})


def kill_sync(workspace: Any, warehouse: Any) -> Any:
    """The sync the kill tests run: two workers, small batches."""
    from partnerkit.store import sync

    return sync(workspace, warehouse, workers=2, batch_size=KILL_BATCH, as_of=KILL_AS_OF)


class _WithoutPandas:
    """A meta path finder that hides pandas, as in an install without the pandas extra.

    partnerkit's core does not need pandas, and pyarrow imports it when it is there;
    hiding it makes each harness process start in a fraction of the time.
    """

    def find_spec(self, name: str, path: Any, target: Any = None) -> None:
        if name == "pandas" or name.startswith("pandas."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)


if __name__ == "__main__":  # the harness: python synth.py <warehouse> <pause>
    from pathlib import Path

    sys.meta_path.insert(0, _WithoutPandas())  # type: ignore[arg-type]

    from partnerkit.registry import register_connector

    register_connector(SynthConnector)
    if os.environ.get("SYNTH_FLUSH_ROWS"):  # small row groups: reads go straight in
        from partnerkit.store import warehouse

        warehouse._STAGE_FLUSH_ROWS = int(os.environ["SYNTH_FLUSH_ROWS"])
        warehouse._WRITE_DIRECT = True  # (the default)
    target = Path(sys.argv[1])
    outcome = kill_sync(
        kill_workspace(target.parent, signal=True, pause=float(sys.argv[2])), target
    )
    print(f"DONE ok={outcome.ok}", flush=True)


def layout(wh: Warehouse) -> list[tuple[str, str, bool]]:
    """(name, type, virtual) of the performance record table's columns, in order."""
    found = wh.sql(
        "SELECT column_name, data_type, is_generated FROM duckdb_columns() "
        "WHERE schema_name = 'main' AND table_name = 'performance' ORDER BY column_index"
    ).to_pylist()
    return [(r["column_name"], r["data_type"], r["is_generated"]) for r in found]


def meta_state(last_day: int) -> StreamState:
    """The state of Meta ``insights`` after a read of October 1 to ``last_day``, a row a day."""
    return StreamState(
        connection="meta",
        stream="insights",
        account="",
        kind=RecordKind.PERFORMANCE,
        cursor_column="date",
        cursor=dt.date(2026, 10, last_day),
        rows=last_day,
        synced_at=dt.datetime(2026, 10, last_day + 1, tzinfo=dt.UTC),
    )
