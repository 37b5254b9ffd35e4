"""Builders of workspaces, sources, leads and performance rows for the analysis tests.

Not a conftest: the tests import what they need from here explicitly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from partnerkit.analysis import Dataset
from partnerkit.model import Workspace

TZ = ZoneInfo("Asia/Jerusalem")
UTC = dt.UTC
SALT = "test-salt"


def at(text: str, tz: ZoneInfo = TZ) -> dt.datetime:
    """A local wall-clock time (``2026-10-01 09:30``) as an aware datetime."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=tz)


def workspace(**parts: Any) -> Workspace:
    """A small workspace (Sunday–Thursday week, 09:00–18:00, Asia/Jerusalem) with parts."""
    base: dict[str, Any] = {
        "name": "Test",
        "currency": "ILS",
        "timezone": "Asia/Jerusalem",
        "calendar": {
            "working_days": ["sunday", "monday", "tuesday", "wednesday", "thursday"],
            "hours": "09:00-18:00",
        },
    }
    base.update(parts)
    return Workspace.model_validate(base)


def source(id: str, **kw: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": id,
        "name": kw.pop("name", id.replace("-", " ").title()),
        "channel": kw.pop("channel", "paid_social"),
        "wiring": kw.pop("wiring", "native"),
        "owner": kw.pop("owner", "partner"),
    }
    out.update(kw)
    return out


_LEAD_COUNTER = [0]


def lead(created: dt.datetime | str, **kw: Any) -> dict[str, Any]:
    """A lead record; ``created`` is local (Asia/Jerusalem) when given as text."""
    _LEAD_COUNTER[0] += 1
    when = at(created) if isinstance(created, str) else created
    out: dict[str, Any] = {
        "platform": "hubspot",
        "account_id": "portal",
        "lead_id": kw.pop("lead_id", f"L{_LEAD_COUNTER[0]:05d}"),
        "created_at": when,
    }
    out.update(kw)
    return out


def perf(day: str, **kw: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "date": dt.date.fromisoformat(day),
        "platform": kw.pop("platform", "meta"),
        "account_id": kw.pop("account_id", "act_1"),
        "level": kw.pop("level", "campaign"),
        "currency": kw.pop("currency", "ILS"),
    }
    if "spend" in kw and kw["spend"] is not None:
        kw["spend"] = Decimal(str(kw["spend"]))
    out.update(kw)
    return out


def dataset(
    leads: Iterable[Mapping[str, Any]] = (),
    performance: Iterable[Mapping[str, Any]] = (),
    campaigns: Iterable[Mapping[str, Any]] = (),
) -> Dataset:
    records: dict[str, list[Any]] = {}
    for kind, rows in (("lead", leads), ("performance", performance), ("campaign", campaigns)):
        rows = list(rows)
        if rows:
            records[kind] = rows
    return Dataset.from_records(records)


def demo() -> tuple[Workspace, Dataset]:
    """The bundled demo workspace and everything its connections read (replayed offline)."""
    from partnerkit.demo import load_demo

    data = load_demo()
    return data.workspace, data.dataset
